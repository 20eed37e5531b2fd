# SPDX-License-Identifier: Apache-2.0
"""monitor_cond_since, resuming from the last transaction id a client saw.
Prints "ok: ..." or "error: ..." lines.

"reconnect": a client monitors and keeps the last transaction id,
disconnects, another client commits, and the first reconnects with its
id: it must get found=true and only what it missed.

Across a restart of vtepd (see docs/ARCHITECTURE.md: the history is not
kept across restarts): "before" monitors, commits, and saves the last
transaction id it was sent in STATE; "after" (against the restarted
server) resumes from that id and must get found=false and the full
contents, never a partial update.

usage: monitor_since.py reconnect SOCKET
       monitor_since.py before|after SOCKET STATE"""
import sys

from raw_rpc import Client

ZERO = "00000000-0000-0000-0000-000000000000"
REQ = {"Logical_Switch": {"columns": ["name"]}}


def check(what, ok):
    print("%s: %s" % ("ok" if ok else "error", what))


def transact(c, *ops):
    """Returns the notifications that arrived before the reply."""
    _, notes = c.call("transact", ["hardware_vtep"] + list(ops))
    return notes


def insert_ls(name):
    return {"op": "insert", "table": "Logical_Switch", "row": {"name": name}}


def reconnect(path):
    a = Client(path)
    transact(a, insert_ls("old"))
    reply, _ = a.call("monitor_cond_since", ["hardware_vtep", "m", REQ, ZERO])
    found, last_id, updates = reply["result"]
    check("a first monitor gets found=false and everything",
          not found and len(updates["Logical_Switch"]) == 1)
    notes = transact(a, insert_ls("seen"))
    note = notes[0] if notes else {}
    check("update3 carries the new transaction id",
          note.get("method") == "update3" and note["params"][1] != last_id)
    last_id = note["params"][1]
    a.close()

    b = Client(path)
    transact(b, insert_ls("missed"),
             {"op": "update", "table": "Logical_Switch",
              "where": [["name", "==", "seen"]], "row": {"name": "renamed"}},
             {"op": "delete", "table": "Logical_Switch",
              "where": [["name", "==", "old"]]})

    a = Client(path)
    reply, _ = a.call("monitor_cond_since", ["hardware_vtep", "m", REQ,
                                             last_id])
    found, new_id, updates = reply["result"]
    rows = updates.get("Logical_Switch", {})
    kinds = sorted(list(r.keys())[0] for r in rows.values())
    check("reconnecting with a known id gives found=true", found)
    check("and only the missed changes (insert, modify, delete)",
          kinds == ["delete", "insert", "modify"] and len(rows) == 3)
    check("with the latest transaction id", new_id != last_id)
    reply, _ = a.call("monitor_cond_since",
                      ["hardware_vtep", "m2", REQ, new_id])
    check("an up-to-date client gets found=true and nothing",
          reply["result"][0] and reply["result"][2] == {})
    reply, _ = a.call("monitor_cond_since",
                      ["hardware_vtep", "m3", REQ,
                       "11111111-2222-3333-4444-555555555555"])
    check("an unknown id gives found=false and full contents",
          not reply["result"][0] and
          len(reply["result"][2]["Logical_Switch"]) == 2)


def before_restart(path, state):
    c = Client(path)
    c.call("monitor_cond_since", ["hardware_vtep", "m", REQ, ZERO])
    notes = transact(c, insert_ls("ls1"))
    ids = [n["params"][1] for n in notes if n.get("method") == "update3"]
    check("the commit comes with a transaction id", len(ids) == 1)
    with open(state, "w") as f:
        f.write(ids[-1] if ids else ZERO)


def after_restart(path, state):
    c = Client(path)
    last_id = open(state).read().strip()
    reply, _ = c.call("monitor_cond_since",
                      ["hardware_vtep", "m", REQ, last_id])
    found, _, updates = reply["result"]
    names = sorted(r["initial"]["name"]
                   for r in updates.get("Logical_Switch", {}).values())
    check("after a restart the old id is not found", found is False)
    check("and the client gets the full contents (%s)" % names,
          names == ["ls1", "ls2"])


def main():
    modes = {"reconnect": (reconnect, 1), "before": (before_restart, 2),
             "after": (after_restart, 2)}
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode not in modes or len(sys.argv) != 2 + modes[mode][1]:
        sys.exit(__doc__)
    modes[mode][0](*sys.argv[2:])


if __name__ == "__main__":
    main()
