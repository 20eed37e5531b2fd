# SPDX-License-Identifier: Apache-2.0
"""A hand-rolled OVSDB client, as people write one to poke a switch: sends
one JSON-RPC request over a Unix socket and prints the reply as one line of
JSON (keys sorted).  Answers the server's "echo" requests while waiting.
Other tests' helpers import its Client.

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


class Client:
    """A connection kept open across requests: call() sends one and
    returns its reply with the notifications that came before it."""

    def __init__(self, path, timeout=TIMEOUT):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.messages = read_messages(self.sock)
        self.next_id = 0

    def call(self, method, params, answer_echo=False):
        self.next_id += 1
        self.sock.sendall(json.dumps({"method": method, "params": params,
                                      "id": self.next_id}).encode())
        notes = []
        for msg in self.messages:
            if (answer_echo and msg.get("method") == "echo"
                    and msg.get("id") is not None):
                reply = {"id": msg["id"], "result": msg.get("params"),
                         "error": None}
                self.sock.sendall(json.dumps(reply).encode())
            elif msg.get("id") == self.next_id and "method" not in msg:
                return msg, notes
            else:
                notes.append(msg)
        raise EOFError("no reply")

    def close(self):
        self.sock.close()


def call(path, method, params):
    client = Client(path)
    reply, _ = client.call(method, params, answer_echo=True)
    client.close()
    return reply


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    reply = call(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
    print(json.dumps(reply, sort_keys=True))


if __name__ == "__main__":
    main()
