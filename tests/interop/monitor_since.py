# SPDX-License-Identifier: Apache-2.0
"""monitor_cond_since across a reconnection: a client monitors and keeps
the last transaction id, disconnects, another client commits, and the
first reconnects with its id: it must get found=true and only what it
missed.  Prints "ok: ..." or "error: ..." lines."""
import json
import socket
import sys


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.sock.settimeout(5)
        self.buf = ''
        self.next_id = 0

    def recv(self):
        dec = json.JSONDecoder()
        while True:
            text = self.buf.lstrip()
            try:
                obj, end = dec.raw_decode(text)
                self.buf = text[end:]
                return obj
            except ValueError:
                self.buf += self.sock.recv(65536).decode()

    def call(self, method, params):
        self.next_id += 1
        self.sock.sendall(json.dumps({'method': method, 'params': params,
                                      'id': self.next_id}).encode())
        notes = []
        while True:
            msg = self.recv()
            if msg.get('id') == self.next_id:
                return msg, notes
            notes.append(msg)


def check(what, ok):
    print('%s: %s' % ('ok' if ok else 'error', what))


def transact(c, *ops):
    """Returns the notifications that arrived before the reply."""
    _, notes = c.call('transact', ['hardware_vtep'] + list(ops))
    return notes


def main():
    path = sys.argv[1]
    req = {'Logical_Switch': {'columns': ['name']}}
    a = Client(path)
    transact(a, {'op': 'insert', 'table': 'Logical_Switch',
                 'row': {'name': 'old'}})
    zero = '00000000-0000-0000-0000-000000000000'
    reply, _ = a.call('monitor_cond_since', ['hardware_vtep', 'm', req, zero])
    found, last_id, updates = reply['result']
    check('a first monitor gets found=false and everything',
          not found and len(updates['Logical_Switch']) == 1)
    notes = transact(a, {'op': 'insert', 'table': 'Logical_Switch',
                         'row': {'name': 'seen'}})
    note = notes[0] if notes else {}
    check('update3 carries the new transaction id',
          note.get('method') == 'update3' and note['params'][1] != last_id)
    last_id = note['params'][1]
    a.sock.close()

    b = Client(path)
    transact(b, {'op': 'insert', 'table': 'Logical_Switch',
                 'row': {'name': 'missed'}},
             {'op': 'update', 'table': 'Logical_Switch',
              'where': [['name', '==', 'seen']], 'row': {'name': 'renamed'}},
             {'op': 'delete', 'table': 'Logical_Switch',
              'where': [['name', '==', 'old']]})

    a = Client(path)
    reply, _ = a.call('monitor_cond_since', ['hardware_vtep', 'm', req,
                                             last_id])
    found, new_id, updates = reply['result']
    rows = updates.get('Logical_Switch', {})
    kinds = sorted(list(r.keys())[0] for r in rows.values())
    check('reconnecting with a known id gives found=true', found)
    check('and only the missed changes (insert, modify, delete)',
          kinds == ['delete', 'insert', 'modify'] and len(rows) == 3)
    check('with the latest transaction id', new_id != last_id)
    reply, _ = a.call('monitor_cond_since',
                      ['hardware_vtep', 'm2', req, new_id])
    check('an up-to-date client gets found=true and nothing',
          reply['result'][0] and reply['result'][2] == {})
    reply, _ = a.call('monitor_cond_since',
                      ['hardware_vtep', 'm3', req,
                       '11111111-2222-3333-4444-555555555555'])
    check('an unknown id gives found=false and full contents',
          not reply['result'][0] and
          len(reply['result'][2]['Logical_Switch']) == 2)


main()
