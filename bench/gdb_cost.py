#!/usr/bin/env python3
"""bench/gdb_cost.py: what the gdb stub costs while gdb only continues.

For each workload (bench/programs/int.c built static and dynamic, and
syscall.c: the kernel crossing), REPS times, interleaved: the program under
plain ringside, and under `ringside --gdb=0` with Debian's gdb attached
doing one `continue`: the CPU time (user + system) of the ringside process
in both cases, which a loaded machine disturbs less than wall time (the
stub's share of connecting and serving gdb's start-up packets included); with
--history also under `--gdb --history` (every instruction recorded).
Prints medians and the ratios as a markdown table.

usage: bench/gdb_cost.py [--reps N] [--history] [--scale N]
environment: RINGSIDE (default build/ringside), CC (default gcc)
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)


def build(out, src, static):
    cc = os.environ.get("CC", "gcc")
    dst = os.path.join(here, "out", out)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
        subprocess.check_call([cc, "-O2"] + (["-static"] if static else []) + ["-o", dst, src])
    return dst


def cpu_seconds(p):
    """user+system CPU time of the ringside process (robust on a loaded machine)"""
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return ru.ru_utime + ru.ru_stime


def plain(rs, prog, args):
    p = subprocess.Popen([rs, prog] + args, stdout=subprocess.DEVNULL)
    return cpu_seconds(p)


def under_gdb(rs, prog, args, extra):
    p = subprocess.Popen([rs, "--gdb=0"] + extra + [prog] + args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    port = re.search(r"127\.0\.0\.1:(\d+)", p.stderr.readline().decode()).group(1)
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write("set pagination off\ntarget remote :%s\npython\nimport time\n"
                "t0 = time.perf_counter()\ngdb.execute('continue')\n"
                "print('CONTINUE-SECONDS %%f' %% (time.perf_counter() - t0))\nend\n" % port)
        script = f.name
    out = subprocess.run(["gdb", "-nx", "-batch", "-x", script, prog], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode()
    os.unlink(script)
    if "CONTINUE-SECONDS" not in out:
        sys.exit("gdb run failed:\n" + out)
    return cpu_seconds(p)


def main():
    reps, history, scale = 5, False, 20
    a = sys.argv[1:]
    while a:
        if a[0] == "--reps":
            reps = int(a[1])
            a = a[2:]
        elif a[0] == "--scale":
            scale = int(a[1])
            a = a[2:]
        elif a[0] == "--history":
            history = True
            a = a[1:]
        else:
            sys.exit(__doc__)
    rs = os.environ.get("RINGSIDE", os.path.join(root, "build", "ringside"))
    src = os.path.join(here, "programs")
    work = [
        ("int (static)", build("int", os.path.join(src, "int.c"), True), [str(scale)]),
        ("int (dynamic)", build("int-dyn", os.path.join(src, "int.c"), False), [str(scale)]),
        ("syscall (static)", build("syscall", os.path.join(src, "syscall.c"), True), ["500000"]),
    ]
    print("| workload | ringside CPU s | --gdb + continue CPU s | ratio |%s" %
          (" --gdb --history s | ratio |" if history else ""))
    print("| --- | --: | --: | --: |%s" % (" --: | --: |" if history else ""))
    for name, prog, args in work:
        tp, tg, th = [], [], []
        for _ in range(reps):
            tp.append(plain(rs, prog, args))
            tg.append(under_gdb(rs, prog, args, []))
            if history:
                th.append(under_gdb(rs, prog, args, ["--history"]))
        mp, mg = statistics.median(tp), statistics.median(tg)
        line = "| %s | %.3f | %.3f | %.2f |" % (name, mp, mg, mg / mp)
        if history:
            mh = statistics.median(th)
            line += " %.3f | %.1f |" % (mh, mh / mp)
        print(line, flush=True)


if __name__ == "__main__":
    main()
