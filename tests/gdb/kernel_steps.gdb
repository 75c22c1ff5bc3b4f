# monitor kernel-steps off: stepi over a syscall lands on the next user
# instruction with the result in rax, as on real Linux; on again: into ring 0.
set pagination off
source @DIR@/check.py
target remote :@PORT@
python
r = mon("kernel-steps off")
check("kernel-steps off acknowledged", "off" in r, r)
end
break sc_insn
continue
stepi
python
check_eq("off: stepi lands after the syscall", reg("pc"), sym("after_sc"))
check_eq("off: still CPL 3", reg("cpl"), 3)
check_eq("off: rax = getppid (the native parent)", reg("rax"), @PPID@)
check("on again", "on" in mon("kernel-steps on"))
end
delete
continue
python
check_eq("exit code", int(gdb.parse_and_eval("$_exitcode")), 7)
done()
end
