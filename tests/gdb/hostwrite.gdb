# --history records what the host side of a system call writes to guest
# memory: going back across read() and clock_gettime restores the buffer and
# the timespec as they were, replaying forward brings the data back.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break before_calls
break after_calls
continue
continue
python
def buf():
    return bytes(int(gdb.parse_and_eval("buf")[k]) & 0xff for k in range(5))
def tsec():
    return int(gdb.parse_and_eval("ts.tv_sec"))
check_eq("after the calls: read() filled buf", buf(), b"hello")
check("after the calls: clock_gettime filled ts", tsec() > 0, str(tsec()))
gdb.execute("reverse-continue")
check_eq("back at before_calls", reg("pc"), sym("before_calls"))
check_eq("going back restored buf as it was", buf(), b"\0\0\0\0\0")
check_eq("going back restored ts as it was", tsec(), 0)
gdb.execute("continue")
check_eq("forward again at after_calls", reg("pc"), sym("after_calls"))
check_eq("replayed forward: buf holds the data again", buf(), b"hello")
check("replayed forward: ts holds the time again", tsec() > 0, str(tsec()))
gdb.execute("delete")
gdb.execute("continue")
done()
end
