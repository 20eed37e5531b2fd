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
    # Enter activates the console if need be; the echo proves a shell reads.
    sock.sendall(b"\r\n")
    sock.sendall(("echo %s''READY\r\n" % tag).encode())
    read_until(sock, (tag + "READY").encode(), deadline)
    # The marker is split in the command line so that only the output of
    # the final echo matches it, not the terminal's echo of the line.
    sock.sendall(("%s; echo %s''END $?\r\n" % (command, tag)).encode())
    data = read_until(sock, (tag + "END ").encode(), deadline)
    data += read_until(sock, b"\n", deadline)
    text = data.decode(errors="replace").replace("\r", "")
    lines = text.split("\n")
    # The output lies between the last echo of the command line (line
    # editing may redraw it) and the line with the marker.
    end = next(i for i, l in enumerate(lines) if (tag + "END ") in l)
    start = max(i for i, l in enumerate(lines[:end]) if "''END" in l) + 1
    before, _, rest = lines[end].partition(tag + "END ")
    out = lines[start:end] + ([before] if before else [])
    status = int(rest.strip() or 1)
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (TimeoutError, EOFError) as e:
        sys.stderr.write("console.py: no answer; the console said:\n%s\n" % e)
        sys.exit(1)
