#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The OVS Python IDL against vtepd; monitor_cond_since across a
# reconnection; one encoding per commit for many identical monitors.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

tmp=$(make_tmpdir)
start_vtepd "$tmp/vtepd" || { fail "vtepd starts"; exit 1; }
sock=$tmp/vtepd/db.sock

# report OUTPUT: turns the helpers' "ok:"/"error:" lines into checks.
report() {
    local line
    while IFS= read -r line; do
        case $line in
        ok:*) pass "${line#ok: }" ;;
        error:*) fail "${line#error: }" ;;
        *) echo "$line" ;;
        esac
    done <<<"$1"
}

if $PY -c 'import ovs.db.idl' 2>/dev/null && test -f "$VTEP_SCHEMA"; then
    report "$(timeout 60 $PY tests/interop/python_idl.py basic "unix:$sock" 2>&1)"
else
    skip "Python IDL (python3-openvswitch is not installed)"
fi
report "$(timeout 60 $PY tests/interop/monitor_since.py reconnect "$sock" 2>&1)"

# Fan-out: five clients with the same monitor (and id, as the C IDL does)
# cost one encoding per commit.
before=$(ovs-appctl -t "$tmp/vtepd/ctl" memory/show | grep -o 'update-encodings:[0-9]*' | cut -d: -f2)
out=$($PY - "$sock" <<'PY'
import json, socket, sys
socks = []
for i in range(5):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(json.dumps({"method": "monitor_cond", "id": 1, "params": [
        "hardware_vtep", ["monid", "hardware_vtep"],
        {"Logical_Switch": [{"columns": ["name"]}]}]}).encode())
    s.recv(65536)
    socks.append(s)
socks[0].sendall(json.dumps({"method": "transact", "id": 2, "params": [
    "hardware_vtep", {"op": "insert", "table": "Logical_Switch",
                      "row": {"name": "fan"}}]}).encode())
got = 0
for s in socks:
    s.settimeout(5)
    data = b""
    while b"update2" not in data:
        data += s.recv(65536)
    got += b'"fan"' in data
print(got)
PY
)
after=$(ovs-appctl -t "$tmp/vtepd/ctl" memory/show | grep -o 'update-encodings:[0-9]*' | cut -d: -f2)
check "five identical monitors all get the update" test "$out" = 5
check "and the update is encoded once" test $((after - before)) -eq 1

# The same with a different monitor id on each session (the Python IDL
# gives each monitor its own): still one encoding, each session's id
# spliced into the same bytes.
before=$after
out=$($PY - "$sock" <<'PY'
import json, socket, sys
ids = ["a", 7, ["monid", "x"], {"k": [1, "\u00e9\""]}, None]
socks = []
for i, mid in enumerate(ids):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(json.dumps({"method": "monitor_cond", "id": 1, "params": [
        "hardware_vtep", mid,
        {"Logical_Switch": [{"columns": ["name"]}]}]}).encode())
    s.recv(65536)
    socks.append(s)
socks[0].sendall(json.dumps({"method": "transact", "id": 2, "params": [
    "hardware_vtep", {"op": "insert", "table": "Logical_Switch",
                      "row": {"name": "fan2"}}]}).encode())
tails = set()
ok = 0
for s, mid in zip(socks, ids):
    s.settimeout(5)
    data = b""
    while b"update2" not in data or not data.endswith(b"}"):
        data += s.recv(65536)
    text = data.decode()
    start = text.index('{"id":null,"method":"update2"')
    msg, end = json.JSONDecoder().raw_decode(text[start:])
    text = text[start:start + end]
    head = '{"id":null,"method":"update2","params":['
    mine = json.dumps(mid, separators=(",", ":"), ensure_ascii=False)
    if (text.startswith(head + mine + ",") and msg["params"][0] == mid
            and '"fan2"' in text):
        ok += 1
    tails.add(text[len(head + mine):])
print(ok, len(tails))
PY
)
after=$(ovs-appctl -t "$tmp/vtepd/ctl" memory/show | grep -o 'update-encodings:[0-9]*' | cut -d: -f2)
check "five monitors with their own ids get the update, each with its id" \
    test "$out" = "5 1"
check "and that update is encoded once too" test $((after - before)) -eq 1
# ovsdb-server/disable-monitor-cond: the IDL is disconnected, its
# monitor_cond_since is refused with "unknown method", it falls back to
# plain "monitor" and still sees commits.  (Permanent: keep this last.)
if $PY -c 'import ovs.db.idl' 2>/dev/null && test -f "$VTEP_SCHEMA"; then
    report "$(PYTHONPATH=tests/interop timeout 60 $PY - "unix:$sock" \
        "$tmp/vtepd/ctl" <<'PY' 2>&1
import subprocess, sys
import ovs.db.idl
from python_idl import check, commit, connect, wait

idl = connect(sys.argv[1])
sent = []
send = idl._session.send
idl._session.send = lambda msg: sent.append(msg.method) or send(msg)
out = subprocess.run(["ovs-appctl", "-t", sys.argv[2],
                      "ovsdb-server/disable-monitor-cond"],
                     capture_output=True, text=True)
check("ovs-appctl ovsdb-server/disable-monitor-cond succeeds, silently",
      out.returncode == 0 and out.stdout.strip() == "")


def fell_back():
    # _Server is monitored first, then the data: since, refused, plain.
    return (sent.count("monitor_cond_since") == 1
            and "monitor" in sent[sent.index("monitor_cond_since"):]
            and idl.state == idl.IDL_S_MONITORING)


check("the IDL reconnects and falls back to plain monitor",
      wait(idl, fell_back))
other = connect(sys.argv[1])


def add_switch(txn):
    txn.insert(other.tables['Logical_Switch']).name = 'after-disable'


check("a commit succeeds",
      commit(other, add_switch) == ovs.db.idl.Transaction.SUCCESS)
check("the plain-monitor IDL sees it",
      wait(idl, lambda: any(r.name == 'after-disable' for r in
                            idl.tables['Logical_Switch'].rows.values())))
PY
)"
fi
check "vtepd is still running" kill -0 "$(cat "$tmp/vtepd/pid")"
finish
