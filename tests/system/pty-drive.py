#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal (bash cannot hold a pty master) and drives it.

    pty-drive.py [--size RxC] [--when TEXT] [--resize RxC] [--pause S] [--send BYTES] -- CMD...

The terminal starts at --size. Once the output contains --when (at most once), the terminal
is resized to --resize (the kernel sends SIGWINCH), then after --pause seconds --send is
written (Python escapes: '\\r', '\\x10\\x11'). Prints the output without CRs and exits with
the command's status; gives up after 30 s.
"""
import argparse, codecs, fcntl, os, pty, select, struct, sys, termios, time


def setsize(fd, spec):
    rows, cols = (int(x) for x in spec.split("x"))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


ap = argparse.ArgumentParser()
ap.add_argument("--size")
ap.add_argument("--when")
ap.add_argument("--resize")
ap.add_argument("--pause", type=float, default=0)
ap.add_argument("--send")
ap.add_argument("cmd", nargs=argparse.REMAINDER)
a = ap.parse_args()
cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd

pid, fd = pty.fork()
if pid == 0:
    if a.size:
        setsize(0, a.size)
    os.execvp(cmd[0], cmd)
out, done, deadline = b"", False, time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not done and a.when and a.when.encode() in out:
        done = True
        if a.resize:
            setsize(fd, a.resize)
        time.sleep(a.pause)
        if a.send:
            os.write(fd, codecs.decode(a.send, "unicode_escape").encode("latin-1"))
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(st))
