# Assertions for the gdb test scripts (sourced by gdb): each check prints
# "ok NAME" or "FAIL NAME: got ... want ...", done() the verdict.
import gdb

_fails = []


def reg(name):
    try:
        return int(gdb.parse_and_eval("(unsigned long long)$" + name))
    except gdb.error:  # flags types (eflags) do not cast: print in hex
        return int(gdb.execute("p/x $" + name, to_string=True).split("=")[1], 16)


def sym(name):
    return int(gdb.parse_and_eval("(unsigned long long)&'%s'" % name))


def mon(cmd):
    return gdb.execute("monitor " + cmd, to_string=True)


def msr(name):
    # "NAME (0x...) = 0x..." from `monitor msr NAME`
    return int(mon("msr " + name).split("=")[1].split()[0], 16)


def check(name, cond, detail=""):
    if cond:
        print("ok " + name)
    else:
        print("FAIL %s %s" % (name, detail))
        _fails.append(name)


def check_eq(name, got, want):
    check(name, got == want, "got %#x want %#x" % (got, want) if isinstance(got, int) and
          isinstance(want, int) else "got %r want %r" % (got, want))


def mem(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def is_iret(addr):
    """IRET's opcode, with or without REX.W (a 64-bit kernel seen through
    gdb's i386 view disassembles iretq as dec %eax; iret)"""
    b = mem(addr, 2)
    return b[0] == 0xcf or (b[0] == 0x48 and b[1] == 0xcf)


def insn():
    return gdb.execute("x/i $pc", to_string=True)


def stepi_until(cond, limit=2000):
    """stepi until cond() holds; returns the instructions stepped"""
    n = 0
    while not cond() and n < limit:
        gdb.execute("stepi", to_string=True)
        n += 1
    return n


def done():
    print("RESULT: %s" % ("FAIL " + " ".join(_fails) if _fails else "PASS"))
