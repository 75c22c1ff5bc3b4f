#!/usr/bin/env python3
"""malformed.py RINGSIDE PROGRAM: raw bytes at the gdb stub.

Bad checksums, garbage, truncated and overlong packets, bad hex, bad
numbers, lengths that disagree with the data, unknown packets, a dropped
connection in the middle of a packet: the stub must answer each as the
protocol says ('-', E NN, or an empty packet), never crash, and leave the
guest as it was: after all of it the registers are what they were and the
program runs to its normal end (native exit status 7, output intact).
"""
import re
import socket
import subprocess
import sys
import time

fails = []


def check(name, cond, detail=""):
    print(("ok " if cond else "FAIL ") + name + ("" if cond else " " + repr(detail)))
    if not cond:
        fails.append(name)


def csum(body):
    return "%02x" % (sum(body) & 0xff)


def pkt(body):
    if isinstance(body, str):
        body = body.encode()
    return b"$" + body + b"#" + csum(body).encode()


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, raw):
        self.s.sendall(raw)

    def byte(self):
        while not self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def ack(self):
        return self.byte()

    def reply(self):
        """the next packet's body (acknowledged)"""
        while self.byte() != b"$":
            pass
        body = b""
        while True:
            b = self.byte()
            if b == b"#":
                break
            body += b
        cs = self.byte() + self.byte()
        check("reply checksum", cs.decode() == csum(body), body)
        self.send(b"+")
        return body

    def cmd(self, body):
        self.send(pkt(body))
        a = self.ack()
        check("ack for %r" % body[:40], a == b"+", a)
        return self.reply()

    def close(self):
        self.s.close()


def is_err(r):
    return re.fullmatch(rb"E[0-9a-fA-F]{2}", r) is not None


def main():
    rs, prog = sys.argv[1], sys.argv[2]
    p = subprocess.Popen([rs, "--gdb=0", prog], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    m = re.search(r"127\.0\.0\.1:(\d+)", line)
    if not m:
        print("FAIL: no listening message: " + line)
        p.kill()
        return 1
    port = int(m.group(1))
    c = Conn(port)
    # a bad checksum is nak'ed, then the same packet with the right one works
    c.send(b"$g#00")
    check("bad checksum -> '-'", c.ack() == b"-")
    c.send(b"$?#zz")
    check("non-hex checksum -> '-'", c.ack() == b"-")
    regs0 = c.cmd("g")
    check("g after the nak", len(regs0) > 100 and re.fullmatch(rb"[0-9a-f]+", regs0) is not None)
    # garbage between packets is skipped
    c.send(b"garbage+-+*#}")
    r = c.cmd("?")
    check("? after garbage -> T05", r.startswith(b"T05"), r)
    # a packet restarted by a new '$' before its '#'
    c.send(b"$m0,")
    r = c.cmd("?")
    check("an unfinished packet restarted", r.startswith(b"T05"), r)
    bad = [
        "m", "m1", "m1,", "mzz,1", "m1,zz", "m11111111111111111,1", "mffffffffffffffff,10",
        "m0,1", "M1000,4:zz", "M1000,4:0102", "M401000,2:0102zz", "X401000,4:ab",
        "p", "p9999", "pzz", "P0=12", "P0=zzzzzzzzzzzzzzzz", "Pzz=00", "G00", "Z0", "Z0,zz,1",
        "Z9,1000,1", "Z2,1000,0", "Z2,1000,99", "z0,", "qXfer:features:read:target.xml:0,zz",
        "qXfer:features:read:nosuch.xml:0,10", "qXfer:auxv:read::zz", "qXfer:x", "qRcmd,7",
        "qRcmd,zz", "C", "Czz", "S05;zz", "vCont;x", "vCont", "cZZ", "s1234567890123456789",
    ]
    for b in bad:
        r = c.cmd(b)
        check("%r -> E NN" % b, is_err(r), r)
    for b in ["!!", "vNoSuch", "qNoSuch", "bq", "\x7f\x01"]:
        r = c.cmd(b)
        check("%r -> empty (unsupported)" % b, r == b"", r)
    r = c.cmd(b"Xffffffffffff0000,2:ab")
    check("X to an unmapped page -> E NN", is_err(r), r)
    # an overlong packet is refused; the next one works
    big = b"m" + b"1" * (2 << 20)
    c.send(b"$" + big + b"#00")
    check("overlong packet -> '-'", c.ack() == b"-")
    r = c.cmd("?")
    check("? after the overlong packet", r.startswith(b"T05"), r)
    # NUL inside a text packet
    r = c.cmd(b"m0\x00,1")
    check("NUL in a text packet -> E NN", is_err(r), r)
    check("registers unchanged", c.cmd("g") == regs0)
    # drop the connection in the middle of a packet: the stub waits for another
    c.send(b"$m40100")
    c.close()
    time.sleep(0.2)
    check("ringside still alive after the drop", p.poll() is None)
    c = Conn(port)
    r = c.cmd("?")
    check("a new connection is served", r.startswith(b"T05"), r)
    check("registers unchanged after the reconnect", c.cmd("g") == regs0)
    r = c.cmd("c")
    check("continue -> W07 (the program's exit status)", r == b"W07", r)
    c.close()
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    # the native run is the oracle for what the program prints and returns
    nat = subprocess.run([prog], stdout=subprocess.PIPE)
    check("exit status as native (%d)" % nat.returncode, p.returncode == nat.returncode, p.returncode)
    check("stdout as native", out == nat.stdout, out)
    print("RESULT: " + ("FAIL " + ", ".join(fails) if fails else "PASS"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
