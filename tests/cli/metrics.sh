#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd --metrics: a real HTTP scrape (Python's urllib) parsed as Prometheus
# text, whose numbers match hal/resources, the database and the HAL's FDB.
. tests/lib.sh
. tests/cli/cli-lib.sh

if ! command -v vtep-ctl >/dev/null; then
    skip "metrics (vtep-ctl from openvswitch-vtep not installed)"
    exit 0
fi
err=$($BIN/vtepd --metrics=tcp:1:2 2>&1); rc=$?
check "--metrics with a non-ptcp target is refused" \
    test $rc -ne 0 -a -n "$(grep 'expected ptcp:PORT' <<<"$err")"

tmp=$(make_tmpdir)
check "vtepd starts with --metrics=ptcp:0:127.0.0.1" \
    start_vtepd "$tmp" --metrics=ptcp:0:127.0.0.1
check "vtep-ctl loads the known state" load_state "$tmp"
wait_for 10 bash -c "ovs-appctl -t '$tmp/vtepd.ctl' hal/dump-fdb | grep -c remote= | grep -qx 3"
port=$(sed -n 's/.*metrics on http port \([0-9]*\).*/\1/p' "$tmp/vtepd.log")
check "the log says where the metrics are" test -n "$port"

# scrape [PATH]: prints the body, or "HTTP CODE" for an error status.
scrape() {
    $PY - "http://127.0.0.1:$port${1:-/metrics}" <<'PYEOF'
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=10)
    sys.stdout.write("content-type: " + r.headers["Content-Type"] + "\n")
    sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print("HTTP", e.code)
PYEOF
}
# A monitor keeps one session with one monitor open during the scrape.
ovsdb-client monitor "unix:$tmp/db.sock" hardware_vtep Logical_Switch \
    >/dev/null 2>&1 &
mon=$!
on_exit "kill $mon"
wait_for 10 bash -c "ovs-appctl -t '$tmp/vtepd.ctl' memory/show | grep -q ' monitors:1'"
scrape >"$tmp/m1.txt"
check "GET /metrics answers in the Prometheus text format" \
    grep -q '^content-type: text/plain; version=0.0.4' "$tmp/m1.txt"

# value NAME{LABELS} FILE: the sample's value.
value() { awk -v k="$1" '$1 == k {print $2}' "$2"; }

check "every sample line parses and every family has HELP and TYPE" \
    $PY - "$tmp/m1.txt" <<'PYEOF'
import re, sys
typed, ok = set(), True
for line in open(sys.argv[1]).read().splitlines()[1:]:
    m = re.match(r"# TYPE (\S+) (counter|gauge)$", line)
    if m:
        typed.add(m.group(1)); continue
    if line.startswith("# HELP "):
        continue
    m = re.match(r'([a-z_]+)(\{([a-z_]+="[^"]*",?)+\})? (\d+)$', line)
    ok = ok and bool(m) and m.group(1) in typed
sys.exit(0 if ok else 1)
PYEOF

ovs-appctl -t "$tmp/vtepd.ctl" hal/resources | awk 'NR > 1' >"$tmp/res.txt"
ok=true
while read -r table used cap; do
    [ "$(value "vtepd_hal_table_used{table=\"$table\"}" "$tmp/m1.txt")" = "$used" ] || ok=false
    [ "$(value "vtepd_hal_table_capacity{table=\"$table\"}" "$tmp/m1.txt")" = "$cap" ] || ok=false
done <"$tmp/res.txt"
check "table used and capacity match hal/resources ($(wc -l <"$tmp/res.txt") tables)" $ok

for t in Ucast_Macs_Remote Logical_Switch Physical_Port Manager; do
    n=$(vctl "$tmp" --columns=_uuid list "$t" | grep -c _uuid)
    check "vtepd_ovsdb_rows{table=\"$t\"} is the database's $n" \
        test "$(value "vtepd_ovsdb_rows{table=\"$t\"}" "$tmp/m1.txt")" = "$n"
done
check "FDB entries by type match hal/dump-fdb (3 static remote)" \
    test "$(value 'vtepd_fdb_entries{type="static",dest="remote"}' "$tmp/m1.txt")" = \
         "$(ovs-appctl -t "$tmp/vtepd.ctl" hal/dump-fdb | grep -c 'remote=.*static')"
check "the open monitor shows as a session and a monitor" \
    test "$(value vtepd_ovsdb_sessions "$tmp/m1.txt")" -ge 1 -a \
         "$(value vtepd_ovsdb_monitors "$tmp/m1.txt")" -eq 1
check "link state for every front-panel port in the database" \
    test "$(grep -c '^vtepd_port_oper_up{port="swp[0-9]*"} [01]$' "$tmp/m1.txt")" = \
         "$(vctl "$tmp" list-ports tor1 | wc -l)"
check "per-tunnel counters for each remote VTEP" \
    test -n "$(value 'vtepd_tunnel_tx_packets_total{remote="10.0.0.2"}' "$tmp/m1.txt")" -a \
         -n "$(value 'vtepd_tunnel_tx_packets_total{remote="10.0.0.3"}' "$tmp/m1.txt")"
check "per-binding counters for each binding" \
    test -n "$(value 'vtepd_binding_rx_packets_total{port="swp2",vlan="100"}' "$tmp/m1.txt")"

t1=$(value vtepd_ovsdb_transactions_total "$tmp/m1.txt")
vctl "$tmp" add-ucast-remote ls1 00:00:00:00:60:02 10.0.0.3
vctl "$tmp" add-ucast-remote ls1 00:00:00:00:60:03 10.0.0.3
wait_for 10 bash -c "ovs-appctl -t '$tmp/vtepd.ctl' hal/dump-fdb | grep -c remote= | grep -qx 5"
scrape >"$tmp/m2.txt"
t2=$(value vtepd_ovsdb_transactions_total "$tmp/m2.txt")
check "the transaction counter counts commits ($t1 -> $t2)" test "$t2" -ge $((t1 + 2))
check "a second scrape sees the new MACs" \
    test "$(value 'vtepd_fdb_entries{type="static",dest="remote"}' "$tmp/m2.txt")" = 5
check "the scrape counter counts" \
    test "$(value vtepd_metrics_scrapes_total "$tmp/m2.txt")" = 2
check "another path is 404" test "$(scrape /nope)" = "HTTP 404"

# Faults: rows whose *_fault_status reports one, and each fault by name
# (label values escaped).
vctl "$tmp" set Physical_Port swp3 'port_fault_status=["test_fault"]'
vctl "$tmp" set Physical_Port swp4 'port_fault_status=["test_fault", "say \"x\""]'
scrape >"$tmp/m3.txt"
faulted=$(vctl "$tmp" --columns=port_fault_status list Physical_Port | grep -c 'port_fault_status *: \[[^]]')
check "vtepd_fault_rows counts the ports at fault in the database ($faulted)" \
    test "$(value 'vtepd_fault_rows{table="Physical_Port"}' "$tmp/m3.txt")" = "$faulted"
check "vtepd_faults counts rows per fault" \
    test "$(value 'vtepd_faults{table="Physical_Port",fault="test_fault"}' "$tmp/m3.txt")" = 2
check "a fault's quotes are escaped in its label" \
    grep -qxF 'vtepd_faults{table="Physical_Port",fault="say \"x\""} 1' "$tmp/m3.txt"
kill $mon
check "vtepd still serves after the scrapes" \
    bash -c "vtep-ctl --db=unix:$tmp/db.sock list-ls | grep -q ls1"
kill -TERM $VTEPD_PID
wait $VTEPD_PID; rc=$?
check "vtepd with --metrics exits cleanly on SIGTERM" test $rc -eq 0
finish
