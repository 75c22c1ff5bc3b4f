# python3 under ringside: subprocess.run (fork/vfork + exec, pipes, exit
# statuses, signals, a missing program), os.fork/os.wait, os.posix_spawn.
import os, signal, subprocess, sys

r = subprocess.run(["echo", "hello"], capture_output=True)
print("run echo:", r.returncode, r.stdout)
r = subprocess.run("exit 5", shell=True)
print("shell exit 5:", r.returncode)
r = subprocess.run(["sh", "-c", "kill -9 $$"])
print("killed child:", r.returncode)
r = subprocess.run(["tr", "a-z", "A-Z"], input=b"piped through\n", capture_output=True)
print("stdin/stdout:", r.stdout)
r = subprocess.run(["sh", "-c", "echo err >&2; echo out"], capture_output=True, text=True)
print("both streams:", repr(r.stdout), repr(r.stderr))
try:
    subprocess.run(["/nonexistent/program"])
except FileNotFoundError as e:
    print("missing:", e.errno, e.strerror)
try:
    subprocess.run(["/etc/passwd"])
except PermissionError as e:
    print("not executable:", e.errno, e.strerror)
r = subprocess.run(["true"], close_fds=False)
print("close_fds=False:", r.returncode)
print("check_output:", subprocess.check_output(["printf", "%s-%s", "a", "b"]))
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b"x" * 100000)
print("Popen communicate:", len(out), p.returncode)
pid = os.fork()
if pid == 0:
    os._exit(12)
_, st = os.waitpid(pid, 0)
print("os.fork:", os.WEXITSTATUS(st))
pid = os.posix_spawn("/bin/sh", ["sh", "-c", "exit 3"], os.environ)
_, st = os.waitpid(pid, 0)
print("posix_spawn:", os.WEXITSTATUS(st))
try:
    os.posix_spawn("/nonexistent", ["x"], os.environ)
except OSError as e:
    print("posix_spawn missing:", e.errno)
sys.stdout.flush()
os.execv("/bin/echo", ["echo", "execv at the end"])
