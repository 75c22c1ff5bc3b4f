# History on a dynamic program: reverse-finish out of work() back to the
# call in main, reverse-step to main's previous line (through puts), then
# forward again (replay) to the breakpoint and on to the end.
set pagination off
source @DIR@/check.py
target remote :@PORT@
break work
continue
python
check_eq("at work", reg("pc"), sym("work"))
for _ in range(5):
    gdb.execute("stepi", to_string=True)
check("stepped inside work", reg("pc") != sym("work"))
gdb.execute("delete")
gdb.execute("reverse-finish")
where = gdb.execute("info symbol $pc", to_string=True)
check("reverse-finish: back in main", where.startswith("main"), where)
check("reverse-finish: at the call", "call" in insn() and "work" in insn(), insn())
line_call = gdb.selected_frame().find_sal().line
gdb.execute("reverse-step")
sal = gdb.selected_frame().find_sal()
check("reverse-step: an earlier line of main (%d < %d)" % (sal.line, line_call),
      gdb.selected_frame().name() == "main" and sal.line < line_call)
gdb.execute("break work")
gdb.execute("continue")
check_eq("forward replay: the work breakpoint again", reg("pc"), sym("work"))
end
delete
continue
python
check_eq("exit code", int(gdb.parse_and_eval("$_exitcode")), 3)
done()
end
