# detach: the program runs on to its end without the debugger
# (run_gdb.sh compares its output and status with the native run's).
set pagination off
source @DIR@/check.py
target remote :@PORT@
break sc_insn
continue
python
check_eq("stopped at the syscall", reg("pc"), sym("sc_insn"))
gdb.execute("detach")
done()
end
