# A guest fork(): gdb follows the parent, the child is let go.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break waitpid
continue
python
check("the parent stopped in waitpid", "waitpid" in gdb.execute("info symbol $pc", to_string=True))
end
delete
continue
python
check_eq("the parent's exit code", int(gdb.parse_and_eval("$_exitcode")), 5)
done()
end
