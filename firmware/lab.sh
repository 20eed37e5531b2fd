#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hardware-VTEP lab on a firmware VM ("make firmware-lab", "make
# firmware-lab-clean"): the switch is the firmware image under QEMU (TCG),
# cabled by TAP devices to network namespaces, programmed with vtep-ctl
# through its management port, and left running.
#
#   red1 ─┐ br100─vx100 ┐                          ┌ swp1 ── red2
#         │             hv ══ TAP ══ swp3  tor1 VM ┤
#   blue1 ┘ br200─vx200 ┘  10.99.0.1    10.99.0.2  └ swp2 ── blue2
#
# Every host is in 10.0.0.0/24: only the VNIs keep red and blue apart.
#
#   firmware/lab.sh up     builds it, checks it and says how to use it
#   firmware/lab.sh down   removes the VM, the namespaces and the TAPs
set -u
. tests/lib.sh
. tests/firmware/vm.sh
NS=fwlab
LAB=$PWD/${BUILD:-build}/firmware-lab
. tests/dataplane/lab-topology.sh
LAB_NAMESPACES="hv red1 red2 blue1 blue2"

lab_down() {
    local ns
    fw_vm_stop "$LAB/tor1" 2>/dev/null
    for ns in $LAB_NAMESPACES; do
        ip netns del "$NS-$ns" 2>/dev/null
    done
    rm -rf "$LAB"
    echo "firmware-lab: removed"
}

# tap_to NS NAME: moves the TAP $NS-NAME (held open by QEMU) into
# namespace NS as NAME, up.
tap_to() {
    ip link set "$NS-$2" netns "$NS-$1"
    nsx "$1" ip link set "$NS-$2" name "$2" up
}

lab_up() {
    local t port
    lab_require "firmware lab" qemu-system-x86_64 vtep-ctl ping
    [ -r "$FW_DIR/initrd.img" ] || { echo "firmware-lab: run 'make firmware' first" >&2; exit 1; }
    lab_down >/dev/null
    mkdir -p "$LAB"
    for t in p1 p2 u0; do
        ip tuntap add dev "$NS-$t" mode tap
    done
    printf 'switch-name=tor1\ntunnel-ip=%s/24\nuplink=swp3\n' "$VTEP_IP" >"$LAB/tor1.conf"
    fw_vm_disk "$LAB/tor1"
    fw_vm_start "$LAB/tor1" "$LAB/tor1.conf" 3 \
        -netdev "tap,id=swp1,ifname=$NS-p1,script=no,downscript=no" \
        -netdev "tap,id=swp2,ifname=$NS-p2,script=no,downscript=no" \
        -netdev "tap,id=swp3,ifname=$NS-u0,script=no,downscript=no"
    sleep 1

    lab_ns hv
    tap_to hv u0
    nsx hv ip addr add "$HV_IP/24" dev u0
    lab_host red1 "$RED1_MAC" "$RED1_IP" hv h-red1
    lab_host blue1 "$BLUE1_MAC" "$BLUE1_IP" hv h-blue1
    lab_hv_vni 100 red1
    lab_hv_vni 200 blue1
    lab_ns red2
    tap_to red2 p1
    nsx red2 ip link set p1 address "$RED2_MAC" mtu 1450
    nsx red2 ip addr add "$RED2_IP/24" dev p1
    lab_ns blue2
    tap_to blue2 p2
    nsx blue2 ip link set p2 address "$BLUE2_MAC" mtu 1450
    nsx blue2 ip addr add "$BLUE2_IP/24" dev p2

    echo "firmware-lab: booting the tor1 VM (TCG)..."
    secs=$(fw_vm_wait_served "$LAB/tor1" 180) || {
        tail -20 "$LAB/tor1/serial.log"
        exit 1
    }
    echo "firmware-lab: OVSDB served $secs s after QEMU started"
    port=$(cat "$LAB/tor1/ovsdb.port")
    vctl() { vtep-ctl --timeout=30 --db="tcp:127.0.0.1:$port" "$@"; }
    vctl add-ls red -- set Logical_Switch red tunnel_key=100
    vctl add-ls blue -- set Logical_Switch blue tunnel_key=200
    vctl bind-ls tor1 swp1 0 red
    vctl bind-ls tor1 swp2 0 blue
    vctl add-ucast-remote red "$RED1_MAC" "$HV_IP" -- add-mcast-remote red unknown-dst "$HV_IP"
    vctl add-ucast-remote blue "$BLUE1_MAC" "$HV_IP" -- add-mcast-remote blue unknown-dst "$HV_IP"

    check "red2 pings red1 across VNI 100" ping_ok red2 "$RED1_IP"
    check "blue2 pings blue1 across VNI 200" ping_ok blue2 "$BLUE1_IP"
    check "red2 does not reach blue1" ping_fails red2 "$BLUE1_IP"
    # Keep everything running: the cleanups would stop the VM.
    rm -rf "$_TMPROOT"
    _cleanups=()
    cat <<USAGE

The firmware lab is up (state in $LAB):
  vtep-ctl --db=tcp:127.0.0.1:$port show
  ip netns exec $NS-red2 ping $RED1_IP
  python3 tests/firmware/console.py $LAB/tor1 'bridge fdb show'
  make firmware-lab-clean
USAGE
}

case ${1-} in
up) lab_up ;;
down) lab_down ;;
*)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
