#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Runs one shell command on a firmware VM's serial console and prints its
output.

usage: console.py SOCKET COMMAND [TIMEOUT]

SOCKET is the Unix socket QEMU serves the serial port on (-chardev
socket,server=on).  The console's shell is started first if it waits for
Enter (busybox init's askfirst).  Exits 1 when the command's output does not
end within TIMEOUT seconds (default 30).
"""

import re
import socket
import sys
import time


def read_until(sock, marker, deadline):
    data = b""
    while marker not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(data.decode(errors="replace"))
        sock.settimeout(left)
        chunk = sock.recv(4096)
        if not chunk:
            raise EOFError(data.decode(errors="replace"))
        data += chunk
    return data


def main():
    path, command = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    deadline = time.monotonic() + timeout
    tag = "@@%d@@" % time.monotonic_ns()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    # Enter activates the console if need be.  Then the terminal stops
    # echoing and the prompt goes, so that what comes back is output only.
    sock.sendall(b"\r\n")
    sock.sendall(("stty -echo; PS1=; echo %s''READY\r\n" % tag).encode())
    read_until(sock, (tag + "READY\r\n").encode(), deadline)
    sock.sendall(("%s; echo %s''END $?\r\n" % (command, tag)).encode())
    data = read_until(sock, (tag + "END ").encode(), deadline)
    data += read_until(sock, b"\n", deadline)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", data.decode(errors="replace"))
    text = text.replace("\r", "")
    before, _, rest = text.partition(tag + "END ")
    out = [line for line in before.split("\n")]
    while out and not out[-1]:
        out.pop()
    status = int(rest.split("\n")[0].strip() or 1)
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (TimeoutError, EOFError) as e:
        sys.stderr.write("console.py: no answer; the console said:\n%s\n" % e)
        sys.exit(1)
