#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The firmware with backend=asic: vtepd on its software ASIC and that
# backend's software dataplane (AF_PACKET on the front-panel ports, UDP on
# the tunnel IP) instead of the kernel's bridges and VXLAN devices.  One
# switch VM, an access port to a host namespace and the uplink to a
# kernel-VXLAN hypervisor: it serves, programs the binding into its tables
# and forwards both ways.  The config picks the lab platform (platform=lab:
# its small tables are what hal/resources shows), and the dataplane runs
# in a thread of its own (dataplane-thread= left at vtepd's default).
#
#   red1 ── br100─vx100 ── hv ══ TAP ══ swp2  tor1 VM (asic)  swp1 ══ TAP ── red2
#                       10.99.0.1      10.99.0.2
set -u
. tests/lib.sh
. tests/firmware/vm.sh
NS=fwasic$$
. tests/dataplane/lab-topology.sh
fw_require
lab_require "firmware asic backend" ping

TMP=$(make_tmpdir)
A=$TMP/tor1
for t in p1 u0; do
    ip tuntap add dev "$NS-$t" mode tap
    on_exit "ip link del '$NS-$t' 2>/dev/null"
done
printf 'switch-name=tor1\ntunnel-ip=%s/24\nuplink=swp2\nbackend=asic\nplatform=lab\n' "$VTEP_IP" >"$TMP/tor1.conf"
fw_vm_start "$A" "$TMP/tor1.conf" 2 \
    -netdev "tap,id=swp1,ifname=$NS-p1,script=no,downscript=no" \
    -netdev "tap,id=swp2,ifname=$NS-u0,script=no,downscript=no"
sleep 1

# tap_to NS TAP: moves the TAP (held open by QEMU) into namespace NS, up.
tap_to() {
    ip link set "$NS-$2" netns "$NS-$1"
    nsx "$1" ip link set "$NS-$2" name "$2" up
}
lab_ns hv
tap_to hv u0
nsx hv ip addr add "$HV_IP/24" dev u0
lab_host red1 "$RED1_MAC" "$RED1_IP" hv h-red1
lab_hv_vni 100 red1
lab_ns red2
tap_to red2 p1
nsx red2 ip link set p1 address "$RED2_MAC" mtu 1450
nsx red2 ip addr add "$RED2_IP/24" dev p1

if secs=$(fw_vm_wait_served "$A" 300); then
    echo "QEMU start to OVSDB served: $secs s"
    pass "vtepd on the asic backend serves"
else
    fail "vtepd on the asic backend serves"
    tail -30 "$A/serial.log"
    exit 1
fi
check "vtepd was started with --hal=asic" grep -q "starting vtepd: --hal=asic" "$A/serial.log"

vctl() { vtep-ctl --timeout=30 --db="$(fw_db "$A")" "$@"; }
vctl add-ls red -- set Logical_Switch red tunnel_key=100 \
    -- bind-ls tor1 swp1 0 red \
    -- add-ucast-remote red "$RED1_MAC" "$HV_IP" \
    -- add-mcast-remote red unknown-dst "$HV_IP"
check "swp1 has no port fault" \
    test "$(vctl get Physical_Port swp1 port_fault_status)" = "[]"
out=$(fw_console "$A" "ovs-appctl -t /run/vtepd/vtepd.ctl hal/resources")
echo "$out"
check "the binding and the tunnel are in the ASIC's tables" \
    eval 'echo "$out" | grep -Eq "^binding +[1-9]" && echo "$out" | grep -Eq "^tunnel +[1-9]"'
check "vtepd was started with the config's --platform=lab" \
    grep -q "starting vtepd: .* --platform=lab" "$A/serial.log"
check "hal/resources shows the lab profile's capacities (fdb 128, binding 32, tunnel 16)" \
    eval 'echo "$out" | grep -Eq "^fdb +[0-9]+ +128$" && echo "$out" | grep -Eq "^binding +[0-9]+ +32$" &&
          echo "$out" | grep -Eq "^tunnel +[0-9]+ +16$"'
out=$(fw_console "$A" 'ls -l /var/lib/vtep-tor/vtepd.chip; p=$(cat /run/vtepd/vtepd.pid); echo tasks $(ls /proc/$p/task | wc -l); ovs-appctl -t /run/vtepd/vtepd.ctl sim/show | grep ^thread; free')
echo "$out"
check "the dataplane runs in a thread of its own by default (2 tasks, sim/show: idle priority)" \
    eval 'echo "$out" | grep -q "^tasks 2" && echo "$out" | grep -q "^thread: idle priority"'
# TCP super-frames leave whole through a TAP device only on Linux 6.17 and
# later (sim/gso-tap.h); elsewhere they keep UDP_SEGMENT and sim/show says
# why (on the firmware's 6.1: no /dev/net/tun, before the offload's turn).
out=$(fw_console "$A" 'uname -r; ovs-appctl -t /run/vtepd/vtepd.ctl sim/show | grep "^vxlan super-frames"')
echo "$out"
kver=$(echo "$out" | grep -Eo '^[0-9]+\.[0-9]+' | head -1)
if [ "$(printf '%s\n6.17\n' "$kver" | sort -V | head -1)" = 6.17 ]; then
    check "kernel $kver: super-frames to VXLAN leave whole through a TAP device" \
        eval 'echo "$out" | grep -Eq "^vxlan super-frames whole: [0-9]+ through vtsim"'
else
    check "kernel $kver: super-frames to VXLAN leave as UDP_SEGMENT sends, and sim/show says why" \
        eval 'echo "$out" | grep -Eq "^vxlan super-frames whole: off \(.+\)$"'
fi
check "red2 pings red1 across VNI 100 (through the asic dataplane)" \
    wait_for 60 ping_ok red2 "$RED1_IP"
check "red1 pings red2" ping_ok red1 "$RED2_IP"
check "the switch learned red2's MAC on swp1" \
    eval 'vctl list-local-macs red | grep -qi "$RED2_MAC"'

finish
