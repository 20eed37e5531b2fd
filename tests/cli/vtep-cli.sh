#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtep-cli against a vtepd with known state: every "show" in plain text and
# in --json (parsed back and compared with the database and the control
# socket), help and completion, refusals on a host, config save/reload.
. tests/lib.sh
. tests/cli/cli-lib.sh

if ! command -v vtep-ctl >/dev/null; then
    skip "vtep-cli (vtep-ctl from openvswitch-vtep not installed)"
    exit 0
fi
tmp=$(make_tmpdir)
check "vtepd starts" start_vtepd "$tmp"
check "vtep-ctl loads the known state" load_state "$tmp"
cli() { $BIN/vtep-cli --db="unix:$tmp/db.sock" --ctl="$tmp/vtepd.ctl" "$@"; }
# json_check 'PYTHON EXPRESSION' CLI-ARGS...: the --json output, parsed as
# 'j', makes the expression true.
json_check() {
    local expr=$1
    shift
    cli --json "$@" >"$tmp/out.json" || return 1
    $PY -c "import json,sys; j=json.load(open('$tmp/out.json')); sys.exit(0 if ($expr) else 1)"
}
# Waits until the reconciler has programmed the three remote MACs.
wait_for 10 bash -c "ovs-appctl -t '$tmp/vtepd.ctl' hal/dump-fdb | grep -c remote= | grep -qx 3"

# show version
ver=$($BIN/vtepd --version | head -1 | awk '{print $3}')
check "show version --json: vtepd's version, the schema, the switch" \
    json_check "j['vtepd'] == '$ver' and j['schema_version'] == '1.7.0' and j['switches'] == ['tor1'] and j['firmware'] is None" show version
check "show version: aligned 'Key: value' lines" \
    bash -c "$(declare -f cli); tmp='$tmp'; BIN='$BIN'; cli show version | grep -Eq '^Vtepd: +$ver\$'"

# show platform
check "show platform --json: the switch and the table capacities" \
    json_check "j['switches'][0]['name'] == 'tor1' and j['switches'][0]['tunnel_ips'] == ['10.0.0.1'] and j['switches'][0]['ports'] == 4 and {t['table']: t['capacity'] for t in j['tables']}['fdb'] == 128" show platform

# show interfaces
check "show interfaces --json: every port with its bindings" \
    json_check "{p['port']: p['bindings'] for p in j['interfaces']} == {'swp1': ['0=ls0'], 'swp2': ['100=ls1'], 'swp3': [], 'swp4': []}" show interfaces status
check "show interfaces counters --json: one row per binding, counters read" \
    wait_for 10 json_check "sorted((r['port'], r['vlan'], r['logical_switch']) for r in j['interfaces']) == [('swp1', 0, 'ls0'), ('swp2', 100, 'ls1')] and all(r['rx_packets'] == 0 for r in j['interfaces'])" show interfaces counters
cli show interfaces >"$tmp/if.txt"
check "show interfaces: a header and one aligned line per port" \
    bash -c "head -1 '$tmp/if.txt' | grep -q '^PORT  *LINK  *SPEED (Mb/s)  *STATUS  *BINDINGS' && [ \$(wc -l <'$tmp/if.txt') -eq 5 ] && grep -Eq '^swp2 +up +10000 +ok +100=ls1' '$tmp/if.txt'"
check "show interfaces --json: each port's link and speed, from hal/dump-ports" \
    json_check "{p['port']: (p['link'], p['speed_mbps']) for p in j['interfaces']} == {s: ('up', 10000) for s in ('swp1', 'swp2', 'swp3', 'swp4')}" show interfaces
check "hal/dump-ports: a port per line, its link and speed" \
    bash -c "ovs-appctl -t '$tmp/vtepd.ctl' hal/dump-ports | grep -Eq '^swp1 +up +[0-9]+\$'"

# show vxlan
check "show vxlan vni --json: VNIs with bindings and MAC counts" \
    json_check "[(v['vni'], v['logical_switch'], v['bindings'], v['remote_macs'], v['replication']) for v in j['vnis']] == [(5000, 'ls0', 1, 2, 'service_node'), (6000, 'ls1', 1, 1, 'service_node')]" show vxlan vni
check "show vxlan tunnels --json: the remote VTEPs, not our own address" \
    json_check "[(t['remote_vtep'], t['remote_macs'], t['flood_vnis']) for t in j['tunnels']] == [('10.0.0.2', 2, ['ls0']), ('10.0.0.3', 1, [])]" show vxlan tunnels
check "show vxlan tunnels --json: hal/dump-tunnels' counters, BFD off" \
    wait_for 10 json_check "[(t['bfd'], t['tx_packets'], t['rx_bytes']) for t in j['tunnels']] == [('off', 0, 0), ('off', 0, 0)]" show vxlan tunnels
t3=$(vctl "$tmp" --bare --columns=_uuid find Tunnel "remote=$(vctl "$tmp" --bare --columns=_uuid find Physical_Locator dst_ip=10.0.0.3)")
vctl "$tmp" set Tunnel "$t3" bfd_params:enable=true
check "show vxlan tunnels --json: a BFD session without a peer is down, both ends" \
    wait_for 10 json_check "[(t['remote_vtep'], t['bfd'], t['bfd_remote'], t['bfd_flaps']) for t in j['tunnels']] == [('10.0.0.2', 'off', None, None), ('10.0.0.3', 'down', 'down', 0)]" show vxlan tunnels
cli show vxlan tunnels >"$tmp/tunnels.txt"
cat "$tmp/tunnels.txt"
check "show vxlan tunnels: BFD and counter columns, aligned" \
    bash -c "head -1 '$tmp/tunnels.txt' | grep -q '^REMOTE-VTEP  *ENCAP  *REMOTE-MACS  *FLOOD-LISTS  *BFD  *BFD-REMOTE  *FLAPS  *TX-PKTS  *TX-BYTES  *RX-PKTS  *RX-BYTES\$' && grep -Eq '^10\.0\.0\.3 +vxlan_over_ipv4 +1 +- +down +down +0 +0 +0 +0 +0\$' '$tmp/tunnels.txt'"
vctl "$tmp" clear Tunnel "$t3" bfd_params

# show mac-address-table
check "show mac-address-table --json: the hardware's three remote MACs" \
    json_check "sorted((e['vni'], e['mac'], e['type'], e['remote_vtep'], e['origin']) for e in j['entries']) == [(5000, '00:00:00:00:50:01', 'remote', '10.0.0.2', 'static'), (5000, '00:00:00:00:50:02', 'remote', '10.0.0.2', 'static'), (6000, '00:00:00:00:60:01', 'remote', '10.0.0.3', 'static')]" show mac-address-table
check "show mac-address-table vni 6000: only that VNI" \
    json_check "[e['mac'] for e in j['entries']] == ['00:00:00:00:60:01']" show mac-address-table vni 6000
check "show mac-address-table local: none learned" \
    json_check "j['entries'] == []" show mac-address-table local
cli show mac-address-table >"$tmp/mac.txt"
check "show mac-address-table: columns aligned under their headings, a total" \
    $PY - "$tmp/mac.txt" <<'PYEOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
head, rows, total = lines[0], lines[1:-1], lines[-1]
col = head.index("MAC")
ok = len(rows) == 3 and all(r[col:col + 17].count(":") == 5 for r in rows)
sys.exit(0 if ok and total == "Total number of entries 3" else 1)
PYEOF
err=$(cli show mac-address-table vni 99999999 2>&1); rc=$?
check "show mac-address-table with a bad VNI is refused" \
    test $rc -ne 0 -a -n "$(grep 'not a VNI' <<<"$err")"

# show controller
check "show controller --json: the Manager target, not connected" \
    wait_for 10 json_check "[(c['target'], c['connected']) for c in j['controllers']] == [('tcp:127.0.0.1:1', False)] and j['controllers'][0]['state'] is not None" show controller

# show resources: the same numbers as hal/resources
ovs-appctl -t "$tmp/vtepd.ctl" hal/resources | awk 'NR > 1 {print $1, $2, $3}' >"$tmp/res.txt"
check "show resources --json matches hal/resources" \
    json_check "sorted('%s %d %d' % (r['table'], r['used'], r['capacity']) for r in j['resources']) == sorted(open('$tmp/res.txt').read().split('\n')[:-1])" show resources

# show logging
check "show logging: the end of vtepd's log file" \
    bash -c "$(declare -f cli); tmp='$tmp'; BIN='$BIN'; cli show logging lines 500 | grep -q 'vtepd.*starting'"
check "show logging --json names the file" \
    json_check "j['log_file'] == '$(realpath "$tmp")/vtepd.log' and len(j['lines']) <= 3" show logging lines 3

# help, prefixes, completion, errors
check "'?' lists what may follow" bash -c "$BIN/vtep-cli show '?' | grep -q 'mac-address-table'"
check "unique prefixes are accepted (sh ver)" \
    bash -c "$BIN/vtep-cli --db=unix:$tmp/db.sock --ctl=$tmp/vtepd.ctl sh ver | grep -q '^Vtepd:'"
check "--complete completes command words" \
    test "$($BIN/vtep-cli --complete show vx)" = vxlan
check "--complete completes a command's arguments" \
    test "$($BIN/vtep-cli --complete show mac-address-table '' | tr '\n' ' ')" = "vni remote local "
# The bash completion script, as bash would call it for "vtep-cli sh m<TAB>".
complete_words() {
    PATH=$BIN:$PATH
    compopt() { :; }
    . cli/vtep-cli.bash
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    _vtep_cli
    echo "${COMPREPLY[*]}"
}
check "the bash completion script completes through vtep-cli" \
    test "$(complete_words vtep-cli --json sh m)" = "mac-address-table"
check "...and options" \
    test "$(complete_words vtep-cli --js)" = "--json"
out=$($BIN/vtep-cli bogus 2>&1); rc=$?
check "an unknown command fails and lists the choices" \
    test $rc -ne 0 -a -n "$(grep unknown <<<"$out")" -a -n "$(grep '^  show' <<<"$out")"
err=$($BIN/vtep-cli --db=unix:$tmp/nowhere.sock show vxlan vni 2>&1); rc=$?
check "no vtepd: a clear error naming the socket" \
    test $rc -ne 0 -a -n "$(grep 'nowhere.sock.*is vtepd running' <<<"$err")"
err=$($BIN/vtep-cli reboot 2>&1); rc=$?
check "reboot on a host is refused with a reason" \
    test $rc -ne 0 -a -n "$(grep 'refused: not running on the vtepd firmware' <<<"$err")"
err=$($BIN/vtep-cli image list 2>&1); rc=$?
check "image list on a host says it is not the firmware" \
    test $rc -ne 0 -a -n "$(grep 'not running on the vtepd firmware' <<<"$err")"
err=$($BIN/vtep-cli image install "$tmp/none.bin" 2>&1); rc=$?
check "image install on a host is refused: upgrade the Debian package" \
    test $rc -ne 0 -a -n "$(grep 'image install: not running on the vtepd firmware.*Debian package' <<<"$err")"
err=$($BIN/vtep-cli image install a b c d 2>&1); rc=$?
check "image install with stray words shows its usage" \
    test $rc -ne 0 -a -n "$(grep 'usage: image install URL|FILE \[sha256 HEX\] \[force\]' <<<"$err")"
err=$($BIN/vtep-cli image install "$tmp/none.bin" sha256 "$(printf '0%.0s' $(seq 64))" force 2>&1); rc=$?
check "image install takes 'force' after the SHA-256 (refused on a host for being one)" \
    test $rc -ne 0 -a -n "$(grep 'image install: not running on the vtepd firmware' <<<"$err")"

# config save / reload
vctl "$tmp" set Physical_Port swp3 'description="uplink to rack 2"'
vctl "$tmp" set Global . other_config:site=lab1
cli config save "$tmp/cfg.json" >/dev/null
check "config save writes the settings and a snapshot" \
    $PY -c "
import json, sys
c = json.load(open('$tmp/cfg.json'))
s = c['settings']
ok = (c['format'] == 'vtep-cli-config 1'
      and [m['target'] for m in s['managers']] == ['tcp:127.0.0.1:1']
      and {p['name']: p['description'] for p in s['port_descriptions']}['swp3'] == 'uplink to rack 2'
      and s['global_other_config'] == ['map', [['site', 'lab1']]]
      and len(c['snapshot']['Ucast_Macs_Remote']) == 3)
sys.exit(0 if ok else 1)"
macs_before=$(vctl "$tmp" --columns=_uuid,MAC list Ucast_Macs_Remote | sort)
vctl "$tmp" set-manager tcp:127.0.0.1:2
vctl "$tmp" set Physical_Port swp3 'description=""'
vctl "$tmp" remove Global . other_config site
cli config reload "$tmp/cfg.json" >/dev/null
check "config reload restores the Manager targets" \
    test "$(vctl "$tmp" get-manager)" = tcp:127.0.0.1:1
check "config reload restores port descriptions" \
    test "$(vctl "$tmp" get Physical_Port swp3 description)" = '"uplink to rack 2"'
check "config reload restores Global other_config" \
    test "$(vctl "$tmp" get Global . other_config:site)" = lab1
check "config reload leaves the controller's forwarding state alone" \
    test "$(vctl "$tmp" --columns=_uuid,MAC list Ucast_Macs_Remote | sort)" = "$macs_before"
vctl "$tmp" set-manager tcp:127.0.0.1:3
echo '{"format": "vtep-cli-config 1", "settings": {"managers": [{}],' >"$tmp/bad.json"
err=$(cli config reload "$tmp/bad.json" 2>&1); rc=$?
check "a malformed file is refused with its line" \
    test $rc -ne 0 -a -n "$(grep 'bad.json: line' <<<"$err")"
echo '{"format": "something else", "settings": {}}' >"$tmp/bad2.json"
err=$(cli config reload "$tmp/bad2.json" 2>&1); rc=$?
check "a file of another format is refused" \
    test $rc -ne 0 -a -n "$(grep 'not a vtep-cli configuration' <<<"$err")"
check "...and a refused reload changes nothing" \
    test "$(vctl "$tmp" get-manager)" = tcp:127.0.0.1:3
(cd "$tmp" && $OLDPWD/$BIN/vtep-cli --db=unix:db.sock --ctl=vtepd.ctl config save >/dev/null)
check "config save without a file writes startup-config.json beside the socket" \
    test -s "$tmp/startup-config.json"

# A controller that answers: a listener that accepts vtepd's connection.
$PY -c "
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
open('$tmp/ctrl.port', 'w').write(str(s.getsockname()[1]))
c, _ = s.accept(); time.sleep(60)" &
ctrl=$!
on_exit "kill $ctrl"
wait_for 5 test -s "$tmp/ctrl.port"
vctl "$tmp" set-manager "tcp:127.0.0.1:$(cat "$tmp/ctrl.port")"
check "show controller --json: a connected controller, seconds as integers" \
    wait_for 10 json_check "len(j['controllers']) == 1 and j['controllers'][0]['connected'] is True and j['controllers'][0]['state'] == 'ACTIVE' and isinstance(j['controllers'][0]['sec_since_connect'], int)" show controller
kill $ctrl

# A plain OVSDB server (--hal=none) has no hardware tables: a clear error.
none=$(make_tmpdir)
$BIN/vtepd --hal=none --remote="punix:$none/db.sock" \
    --unixctl="$none/vtepd.ctl" "$none/vtep.db" 2>/dev/null &
on_exit "kill $!"
wait_for 10 test -S "$none/db.sock" -a -S "$none/vtepd.ctl"
err=$($BIN/vtep-cli --db="unix:$none/db.sock" --ctl="$none/vtepd.ctl" show resources 2>&1); rc=$?
check "show resources against --hal=none says there is no backend" \
    test $rc -ne 0 -a -n "$(grep 'without a forwarding backend' <<<"$err")"
check "...while the database views still work there" \
    $BIN/vtep-cli --db="unix:$none/db.sock" --ctl="$none/vtepd.ctl" show vxlan vni

finish
