# A dynamic program: gdb finds ld.so and libc through qXfer:libraries-svr4,
# a breakpoint on puts stops inside libc, `finish` returns to main.
set pagination off
source @DIR@/check.py
target remote :@PORT@
python
check_eq("first stop at CPL 3", reg("cpl"), 3)
end
break puts
continue
python
where = gdb.execute("info symbol $pc", to_string=True)
check("stopped in puts", "puts" in where, where)
check("inside the C library", "libc.so" in where or "ld-musl" in where, where)
libs = gdb.execute("info sharedlibrary", to_string=True)
check("ld.so is known", "ld-linux" in libs or "ld-musl" in libs, libs)
check("the kernel image is listed", "ringside-kernel" in libs, libs)
end
finish
python
check("back in main", "main" in gdb.execute("info symbol $pc", to_string=True))
end
delete
continue
python
check_eq("exit code", int(gdb.parse_and_eval("$_exitcode")), 3)
done()
end
