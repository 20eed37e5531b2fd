# SPDX-License-Identifier: Apache-2.0
"""Plays a script of raw JSON-RPC requests against an OVSDB server and
prints what comes back, with UUIDs normalised, so that the transcripts of
vtepd and of the real ovsdb-server can be compared with diff.

Usage: ovsdb_transcript.py SOCKET < SCRIPT

Script lines:
  C: JSON       send JSON on connection C (opened on first use) and wait
                for the reply with the same id, if it has one
  C~ JSON       send without waiting for a reply
  C= JSON       like "C:", but print the reply's bytes as they came (UUIDs
                masked), for replies that must match byte for byte
  C: close      close connection C
  sleep SECONDS pause (to let the server see a close, for one)
  # text        a comment, echoed
Every message received on any connection is printed as "C <- JSON", in
arrival order per connection.
"""
import json
import re
import socket
import sys
import time

UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                     r'[0-9a-f]{4}-[0-9a-f]{12}$')
UUID_TEXT_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                          r'[0-9a-f]{4}-[0-9a-f]{12}')


class Conn:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.buf = ''
        self.decoder = json.JSONDecoder()

    def send(self, text):
        self.sock.sendall(text.encode())

    def poll(self, timeout):
        """Returns the messages that arrive within 'timeout' seconds."""
        msgs = []
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 20)
            if not data:
                msgs.append(('EOF', None))
            self.buf += data.decode()
        except socket.timeout:
            pass
        while True:
            text = self.buf.lstrip()
            if not text:
                break
            try:
                obj, end = self.decoder.raw_decode(text)
            except ValueError:
                break
            msgs.append((obj, text[:end]))
            self.buf = text[end:]
        return msgs


class Normaliser:
    """Replaces UUIDs by <N>, numbered in an order that does not depend on
    the UUIDs themselves (object members are visited sorted by a form of
    the member with every UUID blanked)."""

    def __init__(self):
        self.names = {}

    @staticmethod
    def blank(x):
        if isinstance(x, str):
            return 'U' if UUID_RE.match(x) else x
        if isinstance(x, list):
            return [Normaliser.blank(e) for e in x]
        if isinstance(x, dict):
            return sorted((Normaliser.blank(k), Normaliser.blank(v))
                          for k, v in x.items())
        return x

    def name(self, s):
        if s not in self.names:
            self.names[s] = '<%d>' % len(self.names)
        return self.names[s]

    def __call__(self, x):
        if isinstance(x, str):
            return self.name(x) if UUID_RE.match(x) else x
        if isinstance(x, list):
            return [self(e) for e in x]
        if isinstance(x, dict):
            items = sorted(x.items(), key=lambda kv: json.dumps(
                [self.blank(kv[0]), self.blank(kv[1])]))
            return {self(k): self(v) for k, v in items}
        return x


def hide_txn_ids(msg):
    """Transaction ids differ by design: ovsdb-server 3.1 sends the zero
    UUID for a standalone database, vtepd a real id per commit."""
    if not isinstance(msg, dict):
        return
    params, result = msg.get('params'), msg.get('result')
    if msg.get('method') == 'update3' and len(params) == 3:
        params[1] = '<txn>'
    if isinstance(result, list) and len(result) == 3 and \
            isinstance(result[0], bool):
        result[1] = '<txn>'


def main():
    conns = {}
    norm = Normaliser()

    def show(name, msg, raw=None):
        if raw is not None:
            print('%s <= %s' % (name, UUID_TEXT_RE.sub('U', raw)))
            return
        hide_txn_ids(msg)
        text = json.dumps(norm(msg), sort_keys=True)
        # A "wait" reports how long it actually waited.
        text = re.sub(r'timed out after \d+ ms', 'timed out after N ms', text)
        print('%s <- %s' % (name, text))

    def drain(timeout):
        for name in sorted(conns):
            for msg, _ in conns[name].poll(timeout):
                show(name, msg)

    for line in sys.stdin:
        line = line.rstrip('\n')
        if not line.strip():
            continue
        if line.startswith('#'):
            print(line)
            continue
        if line.startswith('sleep '):
            time.sleep(float(line.split()[1]))
            continue
        m = re.match(r'^(\w+)([:~=]) ?(.*)$', line)
        name, mode, text = m.group(1), m.group(2), m.group(3)
        if text == 'close':
            conns.pop(name).sock.close()
            continue
        if name not in conns:
            conns[name] = Conn(sys.argv[1])
        conn = conns[name]
        print('%s -> %s' % (name, text))
        conn.send(text)
        req = json.loads(text)
        if mode in ':=' and req.get('id') is not None:
            deadline = time.time() + 5
            done = False
            while not done and time.time() < deadline:
                for msg, raw in conn.poll(0.05):
                    show(name, msg, raw if mode == '=' else None)
                    if msg == 'EOF' or (isinstance(msg, dict) and
                                        msg.get('id') == req['id'] and
                                        'method' not in msg):
                        done = True
            if not done:
                print('%s: no reply' % name)
        drain(0.03)
    drain(0.1)


main()
