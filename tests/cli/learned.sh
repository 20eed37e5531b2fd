#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtep-cli and the metrics on a switch that forwards: the lab of
# tests/dataplane (vtepd with the asic backend's software dataplane, hosts
# in network namespaces, a kernel VXLAN hypervisor).  Learned MACs show in
# "show mac-address-table local" with their port, VLAN and origin; binding
# counters move; the learned count, FDB census and per-tunnel and
# per-binding counters of a scrape match the hardware.
. tests/lib.sh
. tests/cli/cli-lib.sh
NS=vcli$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

lab_require "vtep-cli on a forwarding switch" "$VTEPD" vtep-ctl ovs-appctl
lab_build
on_exit vtepd_stop
vtepd_start asic --metrics=ptcp:0:127.0.0.1
check "vtep-ctl attaches red and blue" lab_attach
check "red2 -> red1 across the tunnel" ping_ok red2 "$RED1_IP"
check "blue2 -> blue1 across the tunnel" ping_ok blue2 "$BLUE1_IP"
check "red2's MAC is learned" wait_for 5 local_mac red "$RED2_MAC"
check "blue2's MAC is learned" wait_for 5 local_mac blue "$BLUE2_MAC"

cli() { $BIN/vtep-cli --db="unix:$VDIR/db.sock" --ctl="$VDIR/vtepd.ctl" "$@"; }
json_check() {
    local expr=$1
    shift
    cli --json "$@" >"$TMP/out.json" || return 1
    $PY -c "import json,sys; j=json.load(open('$TMP/out.json')); sys.exit(0 if ($expr) else 1)"
}
red2=$(tr A-F a-f <<<"$RED2_MAC")
blue2=$(tr A-F a-f <<<"$BLUE2_MAC")
check "show mac-address-table local --json: learned MACs with port and VLAN" \
    json_check "sorted((e['vni'], e['mac'], e['port'], e['vlan'], e['origin']) for e in j['entries'] if e['mac'] in ('$red2', '$blue2')) == [(100, '$red2', 'p1', 0, 'learned'), (200, '$blue2', 'p2', 0, 'learned')] and all(e['type'] == 'local' for e in j['entries'])" \
    show mac-address-table local
check "show mac-address-table vni 100: red only" \
    json_check "{e['vni'] for e in j['entries']} == {100} and '$red2' in [e['mac'] for e in j['entries']]" \
    show mac-address-table vni 100
check "show mac-address-table: a learned line reads port, VLAN, origin" \
    bash -c "$(declare -f cli); VDIR='$VDIR'; BIN='$BIN'; cli show mac-address-table | grep -Eq '^100 +red +$red2 +local +p1 +0 +- +learned\$'"
check "show vxlan vni counts the learned MACs" \
    json_check "{v['logical_switch']: v['local_macs'] for v in j['vnis']}['red'] >= 1" show vxlan vni
check "show interfaces counters: red's binding received packets" \
    wait_for 15 json_check "[r['rx_packets'] or 0 for r in j['interfaces'] if r['port'] == 'p1'][0] > 0" \
    show interfaces counters

port=$(sed -n 's/.*metrics on http port \([0-9]*\).*/\1/p' "$VDIR/vtepd.log")
ip netns exec "$NS-vtep" $PY -c "
import sys, urllib.request
sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:$port/metrics', timeout=10).read().decode())" \
    >"$TMP/m.txt"
value() { awk -v k="$1" '$1 == k {print $2}' "$TMP/m.txt"; }
check "the scrape counts learned MACs" test "$(value vtepd_fdb_learned_total)" -ge 2
check "learned local FDB entries match hal/dump-fdb" \
    test "$(value 'vtepd_fdb_entries{type="learned",dest="local"}')" = \
         "$(appctl hal/dump-fdb | grep -c 'port=.*learned')"
check "p1's binding counter has counted red2's packets" \
    test "$(value 'vtepd_binding_rx_packets_total{port="p1",vlan="0"}')" -gt 0
check "the tunnel to the hypervisor has carried packets" \
    test "$(value "vtepd_tunnel_tx_packets_total{remote=\"$HV_IP\"}")" -gt 0
finish
