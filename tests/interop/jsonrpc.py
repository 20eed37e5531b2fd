# SPDX-License-Identifier: Apache-2.0
"""Drives build/tests/test-jsonrpc-server (and, for comparison, the real
ovsdb-server) with raw sockets.  Prints one PASS:/FAIL:/SKIP: line per
check.  usage: jsonrpc.py SERVER_BIN TMPDIR REF_SOCKET|-"""
import json
import os
import socket
import subprocess
import sys
import time

SERVER, TMP, REF = sys.argv[1], sys.argv[2], sys.argv[3]
failures = 0
procs = []


def report(ok, name, why=""):
    global failures
    if ok:
        print("PASS: " + name)
    else:
        failures += 1
        print("FAIL: %s%s" % (name, (" (%s)" % why) if why else ""))
    sys.stdout.flush()


def start_server(*args, name="srv"):
    port_file = os.path.join(TMP, name + ".ports")
    log = open(os.path.join(TMP, name + ".log"), "w")
    wrapper = os.environ.get("TEST_WRAPPER", "").split()
    p = subprocess.Popen(wrapper + [SERVER, "--port-file=" + port_file]
                         + list(args), stderr=log)
    procs.append(p)
    deadline = time.time() + 20
    while not os.path.exists(port_file):
        if p.poll() is not None or time.time() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    ports = {}
    for line in open(port_file):
        remote, port = line.split()
        ports[remote] = int(port)
    return p, ports


class Client:
    def __init__(self, addr, family=socket.AF_INET, answer_echo=True):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.connect(addr)
        self.buf = ""
        self.answer_echo = answer_echo
        self.decoder = json.JSONDecoder()

    def send(self, data):
        if not isinstance(data, bytes):
            data = json.dumps(data).encode()
        self.sock.sendall(data)

    def request(self, method, params, id):
        self.send({"method": method, "params": params, "id": id})

    def recv_raw(self, timeout=5.0):
        """Returns the bytes that arrive within 'timeout', or None at EOF."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 20)
        except socket.timeout:
            return b""
        except ConnectionResetError:
            return None
        return data if data else None

    def recv(self, timeout=20.0):
        """Returns the next message other than an echo request (answered
        if 'answer_echo'), None at EOF, or "timeout"."""
        deadline = time.time() + timeout
        while True:
            self.buf = self.buf.lstrip()
            if self.buf:
                try:
                    msg, end = self.decoder.raw_decode(self.buf)
                    self.buf = self.buf[end:]
                    if msg.get("method") == "echo" and msg.get("id") == "echo":
                        if self.answer_echo:
                            self.send({"id": "echo", "result": msg["params"],
                                       "error": None})
                        continue
                    return msg
                except ValueError:
                    pass
            left = deadline - time.time()
            if left <= 0:
                return "timeout"
            data = self.recv_raw(left)
            if data is None:
                return None
            self.buf += data.decode()

    def call(self, method, params, id, timeout=20.0):
        """Sends a request and returns its reply, skipping anything else
        that arrives first; "timeout" or None (EOF) if none."""
        self.request(method, params, id)
        deadline = time.time() + timeout
        while True:
            m = self.recv(max(deadline - time.time(), 0))
            if not isinstance(m, dict) or m.get("id") == id:
                return m

    def is_closed(self, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.recv(deadline - time.time())
            if m is None:
                return True
            if m == "timeout":
                return False
        return False

    def drained_to_eof(self, timeout):
        """Reads and discards until EOF (True) or 'timeout' (False)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            data = self.recv_raw(deadline - time.time())
            if data is None:
                return True
        return False

    def close(self):
        self.sock.close()


def exchange(addr, family, data, timeout=1.0):
    """Sends raw 'data' and returns (bytes received, closed?)."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.connect(addr)
    s.sendall(data)
    s.settimeout(timeout)
    out, closed = b"", False
    try:
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    return out, closed


def main():
    srv, ports = start_server("--max-msg-size=1048576",
                              "--max-backlog=4194304", "--probe=-1",
                              "ptcp:0:127.0.0.1",
                              "punix:" + os.path.join(TMP, "srv.sock"))
    tcp = ("127.0.0.1", ports["ptcp:0:127.0.0.1"])
    unix = os.path.join(TMP, "srv.sock")
    INET, UNIX = socket.AF_INET, socket.AF_UNIX

    # Echo and unknown methods, byte for byte against ovsdb-server.
    for req, name in [
            (b'{"method":"echo","params":[1,"a",{"b":null}],"id":7}',
             "echo is answered with its params"),
            (b'{"method":"nosuch","params":[],"id":8}',
             'an unknown method gets the error "unknown method"'),
            (b'{"method":"echo","params":[],"id":null}',
             "an echo notification gets no answer"),
            (b'{"method":"nosuch","params":[]}',
             "an unknown notification gets no answer")]:
        mine, _ = exchange(tcp, INET, req, 0.3)
        if REF != "-":
            ref, _ = exchange(REF, UNIX, req, 0.3)
            report(mine == ref, name + " exactly as ovsdb-server",
                   "%r vs %r" % (mine, ref))
        else:
            is_request = b'"id":' in req and b'"id":null' not in req
            report((mine != b"") == is_request, name)

    c = Client(unix, UNIX)
    c.request("add", [2, 3], 1)
    report(c.recv() == {"id": 1, "result": 5, "error": None},
           "a registered method answers over punix:")

    # Several messages in one write, one message a byte at a time.
    batch = b"".join(b'{"method":"add","params":[%d,1],"id":%d} ' % (i, i)
                     for i in range(200))
    c.send(batch)
    got = [c.recv() for _ in range(200)]
    report(all(m["id"] == i and m["result"] == i + 1
               for i, m in enumerate(got)),
           "200 requests in one write get 200 replies in order")
    msg = b'{"method":"add","params":[40,2],"id":"split"}'
    for i in range(len(msg)):
        c.send(msg[i:i + 1])
        time.sleep(0.002)
    report(c.recv() == {"id": "split", "result": 42, "error": None},
           "a message sent one byte at a time is answered")
    c.send(b'{"method":"echo","params":["}{\\"]\\\\"],"id":3}')
    report(c.recv() == {"id": 3, "result": ['}{"]\\'], "error": None},
           "strings with brackets, quotes and escapes are framed right")

    c.request("add", ["2", 3], 4)
    m = c.recv()
    report(m.get("id") == 4 and "error" in m and "result" not in m
           and m["error"]["error"] == "wrong type",
           "wrong parameter types get an error reply, session stays up")
    c.request("add", [1, 1], 5)
    report(c.recv().get("result") == 2, "the session still works afterwards")

    # Malformed messages close the connection, as ovsdb-server does.
    bad = [(b'{"method":"echo","params":{},"id":9}', "params not an array"),
           (b'[1,2,3]', "message not an object"),
           (b'"hello"', "a bare string"),
           (b'{"method":1,"params":[],"id":1}', "method not a string"),
           (b'{"foo":1}', "unexpected member"),
           (b'{"method":"echo","params":[],"id":1,"x":2}', "extra member"),
           (b'}', "stray closing brace"),
           (b'{"a":tru}', "invalid literal"),
           (b'[' * 2000, "nesting bomb")]
    for data, what in bad:
        _, closed = exchange(tcp, INET, data, 2.0)
        if REF != "-":
            _, ref_closed = exchange(REF, UNIX, data, 2.0)
            report(closed and ref_closed,
                   "%s: connection closed, like ovsdb-server" % what,
                   "closed=%s ovsdb-server closed=%s" % (closed, ref_closed))
        else:
            report(closed, "%s: connection closed" % what)

    # Mismatched brackets close the connection at once, as ovsdb-server's
    # parser does, not when the inactivity probe fires (it is off here).
    for data in [b'{"method":"echo","params":[],"id":[1,}', b'[}', b'{]',
                 b'{"method":"echo","params":[{"a":"]"]],"id":1}']:
        start = time.time()
        _, closed = exchange(tcp, INET, data, 2.0)
        took = time.time() - start
        if REF != "-":
            _, ref_closed = exchange(REF, UNIX, data, 2.0)
        else:
            ref_closed = True
        report(closed and took < 1.0 and ref_closed,
               "mismatched brackets %r: closed at once, like ovsdb-server"
               % data, "closed=%s after %.1f s, ovsdb-server closed=%s"
               % (closed, took, ref_closed))

    # Replies nobody asked for are ignored, not fatal (as in ovsdb-server).
    out, closed = exchange(tcp, INET, b'{"result":1,"id":99}', 0.3)
    report(not closed and out == b"", "an unexpected reply is ignored")

    big = b'{"method":"echo","params":["' + b"x" * (2 << 20) + b'"],"id":1}'
    d = Client(tcp)
    try:
        d.send(big)
    except (BrokenPipeError, ConnectionResetError):
        pass
    report(d.is_closed(), "a message over the size cap closes the session")
    d.close()

    # Truncated message, then abrupt close: the server carries on.
    d = Client(tcp)
    d.send(b'{"method":"add","params":[1,')
    d.close()
    c.request("add", [3, 4], 6)
    report(c.recv().get("result") == 7,
           "a client closing mid-message does not disturb others")

    # Duplicate request ids while the first is pending, and cancel.
    d = Client(tcp)
    d.request("defer", [60000], 5)
    d.request("defer", [60000], 5)
    m = d.recv()
    err = m.get("error") if isinstance(m, dict) else None
    report(m.get("id") == 5 and isinstance(err, dict)
           and err.get("error") == "syntax error"
           and err.get("details") == "defer: duplicate request ID"
           and err.get("syntax") == "[60000]",
           "a duplicate id of a pending request is refused like "
           "ovsdb-server's transact", repr(m))
    d.send({"method": "cancel", "params": [5], "id": None})
    m = d.recv()
    report(m == {"id": 5, "error": {"error": "canceled"}},
           "a cancel notification answers the pending request", repr(m))
    d.request("defer", [50], 6)
    report(d.recv() == {"id": 6, "result": "done", "error": None},
           "a deferred request is answered later")
    d.request("defer", [60000], 7)
    d.close()   # Pending when the client goes: freed (valgrind checks).

    # Fan-out: one buffer, every session.
    e = Client(tcp)
    e.request("broadcast", ["hi"], 1)
    got_e = [e.recv(), e.recv()]
    got_c = c.recv()
    report({"id": None, "method": "bcast", "params": ["hi"]} in got_e
           and got_c == {"id": None, "method": "bcast", "params": ["hi"]},
           "a notification reaches every session")
    e.close()

    # Backpressure: a client that never reads is dropped; others go on.
    slow = Client(tcp)
    for i in range(40):
        try:
            slow.request("blob", [1 << 20], i)
        except (BrokenPipeError, ConnectionResetError):
            break
    ok = True
    for i in range(5):
        m = c.call("add", [i, i], 100 + i)
        ok = ok and isinstance(m, dict) and m.get("result") == 2 * i
    report(ok, "others are served while a client does not read")
    # Reading would relieve the backlog: wait for the server's verdict.
    deadline = time.time() + 30
    while time.time() < deadline and "output backlog" not in open(
            os.path.join(TMP, "srv.log")).read():
        time.sleep(0.1)
    report(slow.drained_to_eof(10), "a client that does not read is dropped")
    slow.close()

    # Inactivity probe: silence gets an echo, then the connection closes.
    probe, pports = start_server("--probe=300", "ptcp:0:127.0.0.1",
                                 name="probe")
    paddr = ("127.0.0.1", pports["ptcp:0:127.0.0.1"])
    quiet = Client(paddr, answer_echo=False)
    start = time.time()
    data = quiet.recv_raw(3)
    report(data is not None and b'"method":"echo"' in data
           and b'"id":"echo"' in data,
           "an idle session gets an echo probe", repr(data))
    closed = quiet.drained_to_eof(5)
    report(closed and time.time() - start >= 0.5,
           "a session that never answers the probe is closed")
    quiet.close()
    chatty = Client(paddr)
    report(chatty.recv(1.5) == "timeout", "probes are not answers")
    chatty.request("add", [1, 2], 200)
    report(chatty.recv() == {"id": 200, "result": 3, "error": None},
           "a session that answers probes stays connected")
    chatty.close()
    probe.terminate()
    report(probe.wait() == 0 and "no response to inactivity probe"
           in open(os.path.join(TMP, "probe.log")).read(),
           "the probe timeout is logged")

    # IPv6.
    try:
        socket.socket(socket.AF_INET6).bind(("::1", 0))
        has_v6 = True
    except OSError:
        has_v6 = False
    if has_v6:
        p6, ports6 = start_server("ptcp:0:[::1]", name="v6")
        v6 = Client(("::1", ports6["ptcp:0:[::1]"]), socket.AF_INET6)
        v6.request("echo", ["v6"], 1)
        report(v6.recv() == {"id": 1, "result": ["v6"], "error": None},
               "ptcp:0:[::1] serves over IPv6")
        v6.close()
    else:
        print("SKIP: IPv6 ptcp (no IPv6 loopback)")

    # Active remotes reconnect with backoff after their listener restarts.
    upath = os.path.join(TMP, "active.sock")
    for kind in ("unix", "tcp"):
        if kind == "unix":
            lsock = socket.socket(UNIX)
            lsock.bind(upath)
            remote = "unix:" + upath
        else:
            lsock = socket.socket(INET)
            lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            lsock.bind(("127.0.0.1", 0))
            remote = "tcp:127.0.0.1:%d" % lsock.getsockname()[1]
        lsock.listen(4)
        lsock.settimeout(10)
        act, _ = start_server("--max-backoff=2000", "--probe=-1", remote,
                              name="active-" + kind)
        conn, _ = lsock.accept()
        peer = Client.__new__(Client)
        peer.sock, peer.buf, peer.answer_echo = conn, "", True
        peer.decoder = json.JSONDecoder()
        peer.request("add", [20, 22], 1)
        report(peer.recv() == {"id": 1, "result": 42, "error": None},
               "%s: active remote connects and serves methods" % kind)
        # Restart the listener: drop the connection, refuse for a while.
        addr = lsock.getsockname()
        conn.close()
        lsock.close()
        if kind == "unix":
            os.unlink(upath)
        time.sleep(2.5)
        lsock = socket.socket(UNIX if kind == "unix" else INET)
        if kind == "tcp":
            lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind(addr)
        lsock.listen(4)
        lsock.settimeout(10)
        t0 = time.time()
        try:
            conn, _ = lsock.accept()
            reconnected = True
        except socket.timeout:
            reconnected = False
        report(reconnected and time.time() - t0 <= 3.0,
               "%s: active remote reconnects after its listener restarts"
               % kind)
        if reconnected:
            peer.sock, peer.buf = conn, ""
            peer.request("add", [1, 1], 2)
            report(peer.recv() == {"id": 2, "result": 2, "error": None},
                   "%s: the new connection serves methods" % kind)
            conn.close()
        lsock.close()
        act.terminate()
        act.wait()
        log = open(os.path.join(TMP, "active-%s.log" % kind)).read()
        report("reconnecting in 1000 ms" in log
               and "reconnecting in 2000 ms" in log,
               "%s: reconnection backs off 1 s, 2 s..." % kind)

    m = c.call("add", [5, 5], 300)
    report(isinstance(m, dict) and m.get("result") == 10,
           "the server kept serving through all of it")
    c.close()
    srv.terminate()
    report(srv.wait() == 0, "the test server exits cleanly on SIGTERM")
    log = open(os.path.join(TMP, "srv.log")).read()
    report("message exceeds 1048576 bytes" in log
           and "nesting exceeds 1000 levels" in log
           and "output backlog" in log,
           "each dropped session was logged with its reason")


try:
    main()
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
sys.exit(1 if failures else 0)
