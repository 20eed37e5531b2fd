#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The firmware's disk: vtep-tor.qcow2 boots through its bootloader (no
# -kernel), and a reboot keeps the config and the database.  The second boot
# is given a bad config: it is refused on the console, naming the line, and
# the first boot's config stays in force.
set -u
. tests/lib.sh
. tests/firmware/vm.sh
fw_require
if [ ! -r "$FW_DIR/vtep-tor.qcow2" ]; then
    skip "firmware disk (no $FW_DIR/vtep-tor.qcow2: make firmware)"
    exit 0
fi

TMP=$(make_tmpdir)
A=$TMP/tor1
printf 'switch-name=tor1\ntunnel-ip=10.99.0.2/24\n' >"$TMP/good.conf"
printf '# typo in the backend\nswitch-name=tor2\nbackend=fast\n' >"$TMP/bad.conf"

fw_vm_disk "$A"
fw_vm_start "$A" "$TMP/good.conf" 1
if secs=$(fw_vm_wait_served "$A" 150); then
    echo "boot from disk: QEMU start to OVSDB served: $secs s"
    pass "vtep-tor.qcow2 boots through its bootloader to OVSDB served"
else
    fail "vtep-tor.qcow2 boots through its bootloader to OVSDB served"
    tail -30 "$A/serial.log"
    exit 1
fi
check "the state partition is mounted" grep -q "persistent state on /dev/vda2" "$A/serial.log"
vctl() { vtep-ctl --timeout=20 --db="$(fw_db "$A")" "$@"; }
vctl add-ls red -- set Logical_Switch red tunnel_key=5000
vctl bind-ls tor1 swp1 0 red

# A clean power-off (vtepd stopped first), then a boot with the bad config.
vm_down() { ! fw_vm_alive "$A"; }
fw_console "$A" poweroff >/dev/null
check "the VM powers off" wait_for 60 vm_down
mv "$A/serial.log" "$A/serial.log.1"
fw_vm_start "$A" "$TMP/bad.conf" 1
if fw_vm_wait_served "$A" 150 >/dev/null; then
    pass "it boots again"
else
    fail "it boots again"
    tail -30 "$A/serial.log"
    exit 1
fi
check "the bad line is refused on the console, naming the line" \
    grep -q "config opt/vtep-tor/config line 3: backend=fast: expected netdev or asic: refused; the previous config stays in force" "$A/serial.log"
check "the first boot's config stays in force" test "$(vctl list-ps)" = tor1
check "the database survived the reboot" \
    test "$(vctl list-bindings tor1 swp1)" = "0000 red"
check "the log on the state partition spans both boots" \
    test "$(fw_console "$A" "grep -c 'boot done' /var/log/vtep-tor.log")" = 2

finish
