# SPDX-License-Identifier: Apache-2.0
"""A hand-rolled OVSDB client, as people write one to poke a switch: sends
one JSON-RPC request over a Unix socket and prints the reply as one line of
JSON (keys sorted).  Answers the server's "echo" requests while waiting.

usage: raw_rpc.py SOCKET METHOD PARAMS_JSON"""
import json
import socket
import sys

TIMEOUT = 10.0
MAX_REPLY = 16 << 20


def read_messages(sock):
    """Yields each JSON value the server sends, however the stream splits
    them."""
    decoder = json.JSONDecoder()
    buf = ""
    total = 0
    while True:
        data = sock.recv(65536)
        if not data:
            raise EOFError("connection closed before the reply")
        total += len(data)
        if total > MAX_REPLY:
            raise ValueError("reply larger than %d bytes" % MAX_REPLY)
        buf += data.decode()
        while True:
            buf = buf.lstrip()
            if not buf:
                break
            try:
                msg, end = decoder.raw_decode(buf)
            except json.JSONDecodeError:
                break
            buf = buf[end:]
            yield msg


def call(path, method, params):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    sock.connect(path)
    request = {"id": 1, "method": method, "params": params}
    sock.sendall(json.dumps(request).encode())
    for msg in read_messages(sock):
        if msg.get("method") == "echo" and msg.get("id") is not None:
            reply = {"id": msg["id"], "result": msg.get("params"),
                     "error": None}
            sock.sendall(json.dumps(reply).encode())
        elif msg.get("id") == 1 and "method" not in msg:
            sock.close()
            return msg
    raise EOFError("no reply")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    reply = call(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
    print(json.dumps(reply, sort_keys=True))


if __name__ == "__main__":
    main()
