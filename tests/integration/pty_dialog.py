#!/usr/bin/env python3
"""Runs a command on a real pseudo-terminal and answers its questions.

Usage: pty_dialog.py TRANSCRIPT EXPECT1 ANSWER1 [EXPECT2 ANSWER2 ...] -- CMD ARGS...

Each EXPECT is a regular expression awaited in the terminal output (after
the previous match); ANSWER is then typed followed by Enter (nothing is
typed for the ANSWER "NOANSWER", to check a text before its question). The whole
terminal output goes to TRANSCRIPT. Exits with the command's status, or 99
when an expected text did not appear within 30 seconds.
"""
import os
import pty
import re
import select
import subprocess
import sys
import time


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    transcript, pairs, command = argv[0], argv[1:split], argv[split + 1:]
    master, slave = pty.openpty()
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    out = b""
    pos = 0

    def read(timeout):
        nonlocal out
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(master, 4096)
        except OSError:
            return False
        if not data:
            return False
        out += data
        return True

    status = 0
    for expect, answer in zip(pairs[0::2], pairs[1::2]):
        deadline = time.time() + 30
        pattern = re.compile(expect.encode())
        while True:
            m = pattern.search(out, pos)
            if m:
                pos = m.end()
                if answer != "NOANSWER":
                    os.write(master, answer.encode() + b"\n")
                break
            if time.time() > deadline or not read(0.2):
                if not pattern.search(out, pos):
                    sys.stderr.write("pty_dialog: did not see %r\n" % expect)
                    status = 99
                break
        if status:
            proc.kill()
            break
    while read(0.2) and proc.poll() is None:
        pass
    rc = proc.wait(timeout=60)
    while read(0.1):
        if not select.select([master], [], [], 0)[0]:
            break
    with open(transcript, "wb") as f:
        f.write(out)
    sys.exit(status or rc)


if __name__ == "__main__":
    main()
