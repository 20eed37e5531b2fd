# SPDX-License-Identifier: Apache-2.0
"""Floods an OVSDB server on a Unix socket with connections and reports,
as one JSON object, how the server behaved.

  flood SOCKET PID N   connects once and checks "list_dbs", opens N more
                       connections without reading (the server runs out
                       of descriptors), measures the server's CPU time
                       over 3 s, checks that the first connection is still
                       answered, closes most of the flood and checks that
                       a new client is answered.
  limit SOCKET N       opens N connections one after another, each asking
                       "list_dbs": counts those answered and those closed
                       at once without an answer; then closes them all
                       and checks that a new client is answered."""
import json
import os
import socket
import sys
import time

REQUEST = b'{"id":1,"method":"list_dbs","params":[]}'


def cpu_seconds(pid):
    """utime + stime of 'pid', from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def answered(sock, timeout):
    """Sends "list_dbs" on 'sock' and returns True if it is answered,
    False if the server closes the connection or says nothing in time."""
    sock.settimeout(timeout)
    try:
        sock.sendall(REQUEST)
        buf = b""
        while b'"result"' not in buf:
            data = sock.recv(4096)
            if not data:
                return False
            buf += data
        return True
    except OSError:
        return False


def connect(path, blocking=True):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if not blocking:
        sock.setblocking(False)
    try:
        sock.connect(path)
    except BlockingIOError:
        pass            # The listen backlog is full: a pending connection.
    return sock


def new_client_answered(path, seconds):
    """Tries for up to 'seconds' to get a new client answered."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        sock = connect(path)
        ok = answered(sock, max(0.1, deadline - time.time()))
        sock.close()
        if ok:
            return True
        time.sleep(0.1)
    return False


def flood(path, pid, n):
    out = {}
    first = connect(path)
    out["first_before"] = answered(first, 5)
    # A Unix socket's full backlog refuses a non-blocking connect (EAGAIN)
    # rather than queueing it: under load vtepd may not have accepted
    # enough yet to run out of descriptors.  Retry for a while so that it
    # does.
    deadline = time.time() + 5
    socks = []
    for _ in range(n):
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                sock.connect(path)
                break
            except BlockingIOError:
                if time.time() >= deadline:
                    break
                sock.close()
                time.sleep(0.01)
        socks.append(sock)
    time.sleep(0.5)
    before = cpu_seconds(pid)
    time.sleep(3)
    out["cpu_seconds"] = round(cpu_seconds(pid) - before, 2)
    out["first_during"] = answered(first, 5)
    for sock in socks[:n * 2 // 3]:
        sock.close()
    out["new_after_close"] = new_client_answered(path, 10)
    out["first_after"] = answered(first, 5)
    return out


def limit(path, n):
    socks, n_answered, n_closed = [], 0, 0
    for _ in range(n):
        sock = connect(path)
        if answered(sock, 5):
            n_answered += 1
        else:
            n_closed += 1
        socks.append(sock)
    out = {"answered": n_answered, "closed": n_closed,
           "first_still": answered(socks[0], 5)}
    for sock in socks:
        sock.close()
    out["new_after_close"] = new_client_answered(path, 10)
    return out


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "flood":
        out = flood(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "limit":
        out = limit(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
