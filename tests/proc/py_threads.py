# python3 threading and signal.alarm under ringside (need guest threads
# and signal delivery).
import signal, subprocess, threading, time

total = 0
lock = threading.Lock()
def work(n):
    global total
    for _ in range(n):
        with lock:
            total += 1
ts = [threading.Thread(target=work, args=(20000,)) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("threads total:", total)
res = []
def sub():
    res.append(subprocess.run(["echo", "from a thread"], capture_output=True).stdout)
t = threading.Thread(target=sub); t.start(); t.join()
print("subprocess in a thread:", res)
fired = []
signal.signal(signal.SIGALRM, lambda s, f: fired.append(s))
signal.alarm(1)
time.sleep(3)
print("alarm fired:", fired)
