# SPDX-License-Identifier: Apache-2.0
"""The OVS Python IDL against an OVSDB server at unix:SOCK.  Prints one
"ok: ..." or "error: ..." line per check.

"basic": replicate, commit, see another client's change, partial map
updates.

"cond": conditional monitoring: a condition of several clauses selects
the rows that satisfy any of them (ovsdb-server(7), monitor_cond), in the
initial contents, in later changes and after a monitor_cond_change.

Other tests import its connect(), wait(), commit() and check().

usage: python_idl.py basic|cond unix:SOCK"""
import sys
import time

import ovs.db.idl
import ovs.poller
from ovs.db import custom_index  # noqa: F401 (the module must import)
from raw_rpc import Client

SCHEMA = '/usr/share/openvswitch/vtep.ovsschema'


def connect(remote, table=None, cond=None):
    """An IDL of every table, or of 'table' only and then with condition
    'cond' if not None; waits (a while) for its first connection."""
    helper = ovs.db.idl.SchemaHelper(SCHEMA)
    if table is None:
        helper.register_all()
    else:
        helper.register_table(table)
    idl = ovs.db.idl.Idl(remote, helper)
    if cond is not None:
        idl.cond_change(table, cond)
    wait(idl, lambda: idl.has_ever_connected())
    return idl


def wait(idl, cond, timeout=5):
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


def commit(idl, fn):
    txn = ovs.db.idl.Transaction(idl)
    fn(txn)
    status = txn.commit_block()
    return status


def check(what, ok, got=None):
    print('%s: %s%s' % ('ok' if ok else 'error', what,
                        '' if ok or got is None else ' (got %r)' % (got,)))


def names(idl):
    return sorted(r.name for r in idl.tables['Logical_Switch'].rows.values())


def basic(remote):
    a, b = connect(remote), connect(remote)
    check('the IDL replicates the Global row',
          len(a.tables['Global'].rows) == 1)

    def add_switch(txn):
        ls = txn.insert(a.tables['Logical_Switch'])
        ls.name = 'ls0'
        ls.tunnel_key = [5000]
        ls.other_config = {'a': '1', 'b': '2'}
    status = commit(a, add_switch)
    check('a transaction commits', status == ovs.db.idl.Transaction.SUCCESS)

    check("the other client sees the new row",
          wait(b, lambda: names(b) == ['ls0']))

    row = next(iter(b.tables['Logical_Switch'].rows.values()))

    def partial(txn):
        row.setkey('other_config', 'c', '3')
        row.delkey('other_config', 'a')
    status = commit(b, partial)
    check('setkey/delkey commit', status == ovs.db.idl.Transaction.SUCCESS)

    def other_config(idl):
        rows = list(idl.tables['Logical_Switch'].rows.values())
        return rows and dict(rows[0].other_config)
    check('the partial map update reaches the first client',
          wait(a, lambda: other_config(a) == {'b': '2', 'c': '3'}))

    def delete(txn):
        for r in list(a.tables['Logical_Switch'].rows.values()):
            r.delete()
    status = commit(a, delete)
    check('a delete commits and replicates',
          status == ovs.db.idl.Transaction.SUCCESS and
          wait(b, lambda: names(b) == []))
    a.close()
    b.close()


def add_switch(writer, name, key):
    txn = ovs.db.idl.Transaction(writer)
    row = txn.insert(writer.tables['Logical_Switch'])
    row.name = name
    row.tunnel_key = [key]
    return txn.commit_block() == ovs.db.idl.Transaction.SUCCESS


# Each condition below selects other rows than the one before it, so the
# view changing to the expected rows shows the server applied it.
def cond(remote):
    writer = connect(remote, 'Logical_Switch')
    ok = all(add_switch(writer, name, key)
             for name, key in (('one', 1), ('two', 2), ('three', 3)))
    check('the writer inserts three switches', ok)

    reader = connect(remote, 'Logical_Switch', [['name', '==', 'one'],
                                                ['tunnel_key', '==', 2]])
    check('a two-clause condition selects the rows either clause holds for',
          wait(reader, lambda: names(reader) == ['one', 'two']),
          names(reader))

    check('a row inserted later that one clause holds for enters the view',
          add_switch(writer, 'four', 2)
          and wait(reader, lambda: names(reader) == ['four', 'one', 'two']),
          names(reader))

    reader.cond_change('Logical_Switch', [['name', '==', 'three'],
                                          ['tunnel_key', '>=', 2],
                                          ['name', '==', 'nonesuch']])
    check('monitor_cond_change to three clauses selects the union',
          wait(reader, lambda: names(reader) == ['four', 'three', 'two']),
          names(reader))

    reader.cond_change('Logical_Switch', [False, ['name', '==', 'one']])
    check('false among the clauses selects what the others select',
          wait(reader, lambda: names(reader) == ['one']),
          names(reader))

    reader.cond_change('Logical_Switch', [['name', '==', 'one'], True])
    check('true among the clauses selects every row',
          wait(reader,
               lambda: names(reader) == ['four', 'one', 'three', 'two']),
          names(reader))
    reader.close()
    writer.close()
    raw_monitor_cond(remote[len('unix:'):])


def names_in(updates, kind, rows):
    """The names of the rows whose <row-update2> in 'updates' is 'kind'."""
    out = set()
    for uuid, update in updates.get('Logical_Switch', {}).items():
        if kind in update:
            out.add((update[kind] or {}).get('name', rows.get(uuid)))
    return sorted(out)


def raw_monitor_cond(path):
    """monitor_cond itself, on a bare connection (the IDL asks for
    monitor_cond_since)."""
    raw = Client(path, timeout=5)
    reply, _ = raw.call('monitor_cond', ['hardware_vtep', 'm', {
        'Logical_Switch': [{'columns': ['name'], 'where': [
            ['name', '==', 'one'], ['tunnel_key', '==', 3]]}]}])
    initial = reply['result']
    check('monitor_cond with two clauses sends the rows of either',
          names_in(initial, 'initial', {}) == ['one', 'three'],
          names_in(initial, 'initial', {}))
    rows = {u: r['initial']['name']
            for u, r in initial.get('Logical_Switch', {}).items()}
    _, notes = raw.call('monitor_cond_change', ['m', 'm2', {
        'Logical_Switch': [{'where': [['name', '==', 'two'],
                                      ['name', '==', 'one']]}]}])
    updates = {}
    for note in notes:
        if note.get('method') == 'update2':
            for table, changes in note['params'][1].items():
                updates.setdefault(table, {}).update(changes)
    got = (names_in(updates, 'insert', rows), names_in(updates, 'delete', rows))
    check('monitor_cond_change to two clauses: "two" enters, "three" leaves',
          got == (['two'], ['three']), got)
    raw.close()
    print('ok: the checks ran to the end')


def main():
    modes = {'basic': basic, 'cond': cond}
    if len(sys.argv) != 3 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    modes[sys.argv[1]](sys.argv[2])


if __name__ == "__main__":
    main()
