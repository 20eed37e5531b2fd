# SPDX-License-Identifier: Apache-2.0
"""The OVS Python IDL against an OVSDB server at unix:SOCK: replicate,
commit, see another client's change, partial map updates.  Prints one
"ok: ..." or "error: ..." line per check."""
import sys
import time

import ovs.db.idl
import ovs.poller
from ovs.db import custom_index  # noqa: F401 (the module must import)

SCHEMA = '/usr/share/openvswitch/vtep.ovsschema'


def connect(remote):
    helper = ovs.db.idl.SchemaHelper(SCHEMA)
    helper.register_all()
    idl = ovs.db.idl.Idl(remote, helper)
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


def check(what, ok):
    print('%s: %s' % ('ok' if ok else 'error', what))


def main():
    remote = sys.argv[1]
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

    def names(idl):
        return sorted(r.name for r in idl.tables['Logical_Switch'].rows.values())
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


if __name__ == "__main__":
    main()
