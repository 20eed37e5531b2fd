# SPDX-License-Identifier: Apache-2.0
"""Conditional monitoring with the OVS Python IDL against an OVSDB server at
unix:SOCK: a condition of several clauses selects the rows that satisfy
any of them (ovsdb-server(7), monitor_cond), in the initial contents, in
later changes and after a monitor_cond_change.  Prints one "ok: ..." or
"error: ..." line per check."""
import json
import socket
import sys
import time

import ovs.db.idl
import ovs.poller

SCHEMA = '/usr/share/openvswitch/vtep.ovsschema'


def idl_for(remote, cond=None):
    helper = ovs.db.idl.SchemaHelper(SCHEMA)
    helper.register_table('Logical_Switch')
    idl = ovs.db.idl.Idl(remote, helper)
    if cond is not None:
        idl.cond_change('Logical_Switch', cond)
    return idl


def run_until(idl, cond, timeout=5):
    deadline = time.time() + timeout
    while True:
        idl.run()
        if cond():
            return True
        if time.time() > deadline:
            return False
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.timer_wait(50)
        poller.block()


def names(idl):
    return sorted(r.name for r in idl.tables['Logical_Switch'].rows.values())


def check(what, ok, got=None):
    print('%s: %s%s' % ('ok' if ok else 'error', what,
                        '' if ok or got is None else ' (got %r)' % (got,)))


def add_switch(writer, name, key):
    txn = ovs.db.idl.Transaction(writer)
    row = txn.insert(writer.tables['Logical_Switch'])
    row.name = name
    row.tunnel_key = [key]
    return txn.commit_block() == ovs.db.idl.Transaction.SUCCESS


# Each condition below selects other rows than the one before it, so the
# view changing to the expected rows shows the server applied it.
def main():
    remote = sys.argv[1]
    writer = idl_for(remote)
    run_until(writer, writer.has_ever_connected)
    ok = all(add_switch(writer, name, key)
             for name, key in (('one', 1), ('two', 2), ('three', 3)))
    check('the writer inserts three switches', ok)

    reader = idl_for(remote, [['name', '==', 'one'],
                              ['tunnel_key', '==', 2]])
    check('a two-clause condition selects the rows either clause holds for',
          run_until(reader, lambda: names(reader) == ['one', 'two']),
          names(reader))

    check('a row inserted later that one clause holds for enters the view',
          add_switch(writer, 'four', 2)
          and run_until(reader,
                        lambda: names(reader) == ['four', 'one', 'two']),
          names(reader))

    reader.cond_change('Logical_Switch',
                               [['name', '==', 'three'],
                                ['tunnel_key', '>=', 2],
                                ['name', '==', 'nonesuch']])
    check('monitor_cond_change to three clauses selects the union',
          run_until(reader, lambda: names(reader) == ['four', 'three', 'two']),
          names(reader))

    reader.cond_change('Logical_Switch',
                               [False, ['name', '==', 'one']])
    check('false among the clauses selects what the others select',
          run_until(reader, lambda: names(reader) == ['one']),
          names(reader))

    reader.cond_change('Logical_Switch',
                               [['name', '==', 'one'], True])
    check('true among the clauses selects every row',
          run_until(reader, lambda: names(reader) == ['four', 'one', 'three', 'two']),
          names(reader))
    reader.close()
    writer.close()
    raw_monitor_cond(remote[len('unix:'):])


class Raw:
    """A bare JSON-RPC connection, for monitor_cond itself (the IDL asks
    for monitor_cond_since)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.sock.settimeout(5)
        self.buf = ''

    def send(self, method, params, id_):
        self.sock.sendall(json.dumps({'method': method, 'params': params,
                                      'id': id_}).encode())

    def receive(self):
        decoder = json.JSONDecoder()
        while True:
            self.buf = self.buf.lstrip()
            try:
                msg, end = decoder.raw_decode(self.buf)
                self.buf = self.buf[end:]
                return msg
            except json.JSONDecodeError:
                self.buf += self.sock.recv(65536).decode()

    def reply(self, id_):
        """The reply to request 'id_', and the notifications before it."""
        notes = []
        while True:
            msg = self.receive()
            if msg.get('id') == id_ and 'result' in msg:
                return msg['result'], notes
            notes.append(msg)


def names_in(updates, kind, rows):
    """The names of the rows whose <row-update2> in 'updates' is 'kind'."""
    out = set()
    for uuid, update in updates.get('Logical_Switch', {}).items():
        if kind in update:
            out.add((update[kind] or {}).get('name', rows.get(uuid)))
    return sorted(out)


def raw_monitor_cond(path):
    raw = Raw(path)
    raw.send('monitor_cond', ['hardware_vtep', 'm', {'Logical_Switch': [{
        'columns': ['name'],
        'where': [['name', '==', 'one'], ['tunnel_key', '==', 3]]}]}], 1)
    initial, _ = raw.reply(1)
    check('monitor_cond with two clauses sends the rows of either',
          names_in(initial, 'initial', {}) == ['one', 'three'],
          names_in(initial, 'initial', {}))
    rows = {u: r['initial']['name']
            for u, r in initial.get('Logical_Switch', {}).items()}
    raw.send('monitor_cond_change', ['m', 'm2', {'Logical_Switch': [{
        'where': [['name', '==', 'two'], ['name', '==', 'one']]}]}], 2)
    _, notes = raw.reply(2)
    updates = {}
    for note in notes:
        if note.get('method') == 'update2':
            for table, changes in note['params'][1].items():
                updates.setdefault(table, {}).update(changes)
    got = (names_in(updates, 'insert', rows), names_in(updates, 'delete', rows))
    check('monitor_cond_change to two clauses: "two" enters, "three" leaves',
          got == (['two'], ['three']), got)
    raw.sock.close()


main()
print('ok: the checks ran to the end')
