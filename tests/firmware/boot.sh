#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The firmware image boots under QEMU (TCG) to OVSDB served on its management
# port, with TLS only (pssl:6640) as its config gives it certificates;
# vtep-ctl on the host programs the switch through the forwarded port and
# reads it back; Open vSwitch's tools on the switch reach vtepd; an
# operator logs in over SSH with the config's key; the VM's kernel makes a tagged binding (8021q), which
# this host's kernel cannot; a config with a bad line is refused with a
# console message naming the line, and the image's config stays in force.
set -u
. tests/lib.sh
. tests/firmware/vm.sh
fw_require

TMP=$(make_tmpdir)
A=$TMP/tor1 B=$TMP/bad

cat >"$TMP/tor1.conf" <<'CONF'
# A lab switch.
switch-name=tor1
tunnel-ip=10.99.0.2/24
management=dhcp
manager=tcp:192.0.2.10:6640
manager=ptcp:6641
CONF
fw_pki "$A" >>"$TMP/tor1.conf"
ssh-keygen -q -t ed25519 -N '' -C operator@lab -f "$TMP/id"
ssh-keygen -q -t ed25519 -N '' -C intruder@lab -f "$TMP/other"
echo "ssh-authorized-key=$(cat "$TMP/id.pub")" >>"$TMP/tor1.conf"
cat >"$TMP/bad.conf" <<'CONF'
switch-name=tor9
tunnel-ip=10.99.0.9/24
colour=blue
CONF

# Both VMs boot at once: TCG runs each on a host thread of its own.
fw_vm_start "$A" "$TMP/tor1.conf" 2
fw_vm_start "$B" "$TMP/bad.conf" 1

if secs=$(fw_vm_wait_served "$A" 150); then
    echo "boot: QEMU start to OVSDB served: $secs s (TCG, 128 MB)"
    pass "the image boots to OVSDB served on the management port"
else
    fail "the image boots to OVSDB served on the management port"
    sed 's/^/    console: /' "$A/serial.log" | tail -40
    exit 1
fi

DB=$(fw_db "$A")
# shellcheck disable=SC2046
vctl() { fw_vctl "$A" "$@"; }

check "OVSDB on the management port is TLS (pssl:6640) with the config's certificates" \
    grep -q "starting vtepd: .*--remote=pssl:6640 .*--private-key=" "$A/serial.log"
check "plain TCP is not served beside it" \
    eval '! ovsdb-client --timeout=5 list-dbs "tcp:127.0.0.1:$(cat "$A/ovsdb.port")" >/dev/null 2>&1'
(tmp=$A/pki && . tests/interop/certs.sh && make_cert rogue controller "")
check "a client whose certificate the switch's CA did not sign is refused" \
    eval '! ovsdb-client --timeout=5 --private-key="$A/pki/rogue.key" --certificate="$A/pki/rogue.crt" --ca-cert="$A/pki/ca.crt" list-dbs "$DB" >/dev/null 2>&1'

check "Physical_Switch tor1 from the fw_cfg config, with swp1 and swp2" \
    test "$(vctl list-ps) $(vctl list-ports tor1 | tr '\n' ' ')" = "tor1 swp1 swp2 "
check "tunnel IP from the config" \
    test "$(vctl get Physical_Switch tor1 tunnel_ips)" = '["10.99.0.2"]'
managers() { test "$(vctl get-manager | tr '\n' ' ')" = "ptcp:6641 tcp:192.0.2.10:6640 "; }
check "Manager rows from the config's manager= lines" wait_for 20 managers
check "management IP from DHCP" \
    test "$(vctl get Physical_Switch tor1 management_ips)" = '["10.0.2.15"]'

vctl add-ls red -- set Logical_Switch red tunnel_key=5000
vctl bind-ls tor1 swp1 100 red
vctl bind-ls tor1 swp2 0 red
check "vtep-ctl reads back the bindings" \
    test "$(vctl list-bindings tor1 swp1; vctl list-bindings tor1 swp2)" = \
    "$(printf '0100 red\n0000 red')"

# The VM's kernel carries both bindings: an 802.1Q sub-interface of swp1
# (8021q) and swp2 itself, in one bridge with the VXLAN device for VNI 5000.
kernel_bound() {
    local out
    out=$(fw_console "$A" "/sbin/ip -d link show master \$(ls /sys/class/net | grep '^vtb' | head -1)")
    echo "$out" | grep -q 'swp1\.100@swp1' && echo "$out" | grep -q '^[0-9]*: swp2:'
}
check "the VM's kernel bridges swp1.100 (802.1Q) and swp2" wait_for 20 kernel_bound
check "no port fault: the tagged binding worked in the VM's kernel" \
    test "$(vctl get Physical_Port swp1 port_fault_status)" = "[]"

# The operator's tools on the switch itself: vtep-cli finds the switch's
# own database and control socket, and the metrics endpoint answers.
cli_on_switch() {
    fw_console "$A" "vtep-cli show vxlan vni" | grep -q '5000'
}
check "vtep-cli on the switch shows VNI 5000 from its own database" \
    wait_for 20 cli_on_switch
metrics_on_switch() {
    fw_console "$A" "wget -qO- http://127.0.0.1:9100/metrics" |
        grep -q '^vtepd_'
}
check "the firmware serves Prometheus metrics on port 9100" \
    wait_for 20 metrics_on_switch

# Open vSwitch's own tools ship in the image and find vtepd's sockets.
out=$(fw_console "$A" "vtep-ctl list-ps; ovsdb-client list-dbs; ovs-appctl -t /run/vtepd/vtepd.ctl hal/resources")
echo "$out" | sed 's/^/    switch: /'
check "vtep-ctl, ovsdb-client and ovs-appctl run on the switch" \
    eval 'echo "$out" | grep -qx tor1 && echo "$out" | grep -qx hardware_vtep &&
          echo "$out" | grep -q "^fdb  *[0-9]"'

# SSH on the management port with the config's key, and only with it.
out=$(fw_ssh "$A" "$TMP/id" vtep-cli show version 2>&1)
echo "$out" | sed 's/^/    ssh: /'
check "SSH login with the config's key runs vtep-cli on the switch" \
    eval 'echo "$out" | grep -q "^Switches: *tor1"'
check "a key not in the config is refused" \
    eval '! fw_ssh "$A" "$TMP/other" true 2>/dev/null'
# (A line of its own: the kernel may print on the console meanwhile.)
console_hostname() {
    fw_console "$A" "hostname" | tr -d '\r' | grep -qx tor1
}
check "the console still works beside SSH" console_hostname

mem=$(fw_console "$A" "free -k" | awk "/^Mem:/ { print \$3 }")
echo "memory: guest RAM used with vtepd serving: ${mem:-?} KiB of 128 MB"

# The VM with the bad config: refused, naming the line; the image's config
# (switch name vtep-tor) stays in force and the switch still serves.
if fw_vm_wait_served "$B" 150 >/dev/null; then
    pass "a VM given a bad config still boots and serves"
else
    fail "a VM given a bad config still boots and serves"
fi
check "the bad line is refused on the console, naming the line" \
    grep -q "config opt/vtep-tor/config line 3: unknown key 'colour': refused; the previous config stays in force" "$B/serial.log"
check "none of the bad config is in force" \
    test "$(fw_vctl "$B" list-ps)" = vtep-tor

finish
