#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Runs one shell command on a firmware VM's serial console and prints its
output.

usage: console.py VMDIR COMMAND [TIMEOUT]

The VM's serial port is a QEMU pipe chardev (tests/firmware/vm.sh): input
goes into VMDIR/console.in, a FIFO QEMU holds open, and QEMU writes every
byte of output to VMDIR/serial.log, which this reads from its current end.
(A socket chardev is no good here: QEMU may not serve a new connection
until it notices the previous one closed.)  Exits 1 when the command's
output does not end within TIMEOUT seconds (default 30).
"""

import os
import re
import sys
import time


class Console:
    def __init__(self, vmdir):
        self.log = os.path.join(vmdir, "serial.log")
        self.fifo = os.open(os.path.join(vmdir, "console.in"), os.O_WRONLY)
        self.offset = os.path.getsize(self.log)

    def send(self, line):
        os.write(self.fifo, (line + "\r").encode())

    def read_until(self, marker, deadline):
        """Returns the log from the last match on, up to and including the
        line that holds 'marker'."""
        while True:
            with open(self.log, "rb") as f:
                f.seek(self.offset)
                data = f.read()
            at = data.find(marker.encode())
            if at >= 0:
                end = data.find(b"\n", at)
                if end >= 0:
                    self.offset += end + 1
                    return data[: end + 1].decode(errors="replace")
            if time.monotonic() >= deadline:
                raise TimeoutError(data.decode(errors="replace")[-2000:])
            time.sleep(0.1)


def main():
    vmdir, command = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    deadline = time.monotonic() + timeout
    tag = "@@%d@@" % time.monotonic_ns()
    con = Console(vmdir)
    # Enter activates the console if need be; then the terminal stops
    # echoing and the prompt goes, so that what comes back is output only.
    # The markers are split in the command lines so that only the output of
    # the echo matches them.
    con.send("")
    con.send("stty -echo; PS1=; PS2=; echo %s''READY" % tag)
    con.read_until(tag + "READY", deadline)
    con.send("%s; echo %s''END $?" % (command, tag))
    text = con.read_until(tag + "END ", deadline)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")
    before, _, rest = text.partition(tag + "END ")
    out = before.split("\n")
    while out and not out[-1]:
        out.pop()
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))
    return int(rest.strip() or 1)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TimeoutError as e:
        sys.stderr.write("console.py: no answer; the console said:\n%s\n" % e)
        sys.exit(1)
