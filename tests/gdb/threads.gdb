# Guest threads as gdb threads: a breakpoint in the worker stops the whole
# process and is reported with the worker's thread; `info threads` lists
# both; each thread's registers are its own (the worker's argument in rdi,
# its own stack and TLS base); the program then runs to its native exit code.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break worker_break
continue
python
main_tid = gdb.selected_inferior().threads()[-1].ptid[1]
th = gdb.selected_thread()
check("stopped in worker_break", reg("pc") == sym("worker_break"), "pc %#x" % reg("pc"))
check_eq("the worker's argument", reg("rdi"), 41)
tids = sorted(t.ptid[1] for t in gdb.selected_inferior().threads())
check_eq("two threads", len(tids), 2)
info = gdb.execute("info threads", to_string=True)
print(info)
check("info threads lists both", info.count("Thread ") >= 2, info)
wtid = th.ptid[1]
check("the stop names the worker, not the main thread", wtid != min(tids), "tids %r stop %d" % (tids, wtid))
wsp, wfs = reg("rsp"), reg("fs_base")
other = [t for t in gdb.selected_inferior().threads() if t.ptid[1] != wtid][0]
other.switch()
msp, mfs = reg("rsp"), reg("fs_base")
check("the main thread's stack is another one", abs(msp - wsp) > 0x1000, "rsp %#x vs %#x" % (msp, wsp))
check("each thread its own TLS (fs_base)", mfs != wfs and mfs != 0 and wfs != 0, "fs_base %#x vs %#x" % (mfs, wfs))
th.switch()
check_eq("back on the worker", reg("rdi"), 41)
gdb.execute("stepi")
check("stepi in the worker", reg("pc") != sym("worker_break") and gdb.selected_thread().ptid[1] == wtid, "pc %#x" % reg("pc"))
gdb.execute("delete")
gdb.execute("continue")
check_eq("the program's exit code", int(gdb.parse_and_eval("$_exitcode")), 23)
done()
end
