# --sysroot: the link map names guest paths; gdb gets the host files under
# the sysroot (RS_SYSROOT), so symbols come from the libraries that run.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break __libc_start_main
continue
python
import os
root = os.path.realpath(os.environ["RS_SYSROOT"])
where = gdb.execute("info symbol $pc", to_string=True)
check("stopped in __libc_start_main", "__libc_start_main" in where, where)
check("from the sysroot's libc", root in where and "libc.so" in where, where)
libs = gdb.execute("info sharedlibrary", to_string=True)
check("ld.so from the sysroot", any(root in l and "ld-linux" in l for l in libs.splitlines()), libs)
gdb.execute("kill")
done()
end
