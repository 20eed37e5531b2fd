#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hardware-VTEP labs on firmware VMs ("make firmware-lab [LAB=...]",
# "make firmware-lab-clean"): each switch is the firmware image under QEMU
# (TCG, vtepd on its netdev backend), cabled by TAP devices to network
# namespaces or by QEMU socket netdevs to another VM, programmed with
# vtep-ctl through its management port, checked with pings and left running.
#
# basic: one switch, a kernel-VXLAN hypervisor.
#
#   red1 ─┐ br100─vx100 ┐                          ┌ swp1 ── red2
#         │             hv ══ TAP ══ swp3  tor1 VM ┤
#   blue1 ┘ br200─vx200 ┘  10.99.0.1    10.99.0.2  └ swp2 ── blue2
#
# multi: hosts on three machines in one L2 over tunnels: the hypervisor and
# two switches, on an underlay bridged in hv; each switch's remote MACs and
# flood list name the other two VTEPs.
#
#                        ┌ TAP ══ swp3 tor1 VM 10.99.0.2: swp1 red2, swp2 blue2
#   red1, blue1 ── hv ul ┤
#        10.99.0.1       └ TAP ══ swp3 tor2 VM 10.99.0.3: swp1 red3, swp2 blue3
#
# trunk: one front-panel port carrying the native VLAN untagged and VLANs
# 100 and 200 tagged, each in its own logical switch; the VLAN-aware host
# on the trunk is a second VM ("server", the same image: the host kernel
# has no 8021q), a namespace per tagged VLAN.
#
#   server VM                                tor1 VM                hv
#   swp1      10.0.0.12 (native) ┐                                ┌ blue1  VNI 200
#   swp1.100  10.0.0.2  (ns red) ┼ swp1 ══ swp1  swp2 ══ TAP ══ u0 ┼ red1   VNI 100
#   swp1.200  10.0.0.22 (ns green)┘ (UDP socket)  10.99.0.2         └ green1 VNI 300
#
# Every host is in 10.0.0.0/24: only the VNIs (and VLANs) keep the logical
# switches apart.  Each VM has the hardware watchdog a switch has (QEMU's
# i6300esb, from fw_vm_start), which its image pets.
#
#   firmware/lab.sh up [basic|multi|trunk]  builds one, checks it and says
#                                           how to use it (the last one up
#                                           is removed first)
#   firmware/lab.sh down                    removes any of them: the VMs,
#                                           the namespaces and the TAPs
set -u
. tests/lib.sh
. tests/firmware/vm.sh
NS=fwlab
LAB=$PWD/${BUILD:-build}/firmware-lab
. tests/dataplane/lab-topology.sh
TOR2_IP=10.99.0.3
RED3_MAC=02:00:00:00:01:03 RED3_IP=10.0.0.3
BLUE3_MAC=02:00:00:00:02:03 BLUE3_IP=10.0.0.13
GREEN1_MAC=02:00:00:00:03:01 GREEN1_IP=10.0.0.21
GREEN2_IP=10.0.0.22

lab_down() {
    local d ns tap
    for d in "$LAB"/*/; do
        [ -d "$d" ] && fw_vm_stop "${d%/}" 2>/dev/null
    done
    for ns in $(ip netns list | awk -v p="$NS-" 'index($1, p) == 1 { print $1 }'); do
        ip netns del "$ns"
    done
    # TAPs not yet moved into a namespace (a lab that failed early).
    for tap in $(ip tuntap show | awk -F: -v p="$NS-" 'index($1, p) == 1 { print $1 }'); do
        ip link del "$tap"
    done
    rm -rf "$LAB"
    echo "firmware-lab: removed"
}

# tor_conf NAME TUNNEL_IP UPLINK: a switch's config file.
tor_conf() {
    printf 'switch-name=%s\ntunnel-ip=%s/24\nuplink=%s\n' "$1" "$2" "$3" >"$LAB/$1.conf"
    echo "$LAB/$1.conf"
}

# vm_boot NAME CONFIG NPORTS NETDEV...: boots VM NAME (with a disk of its
# own) with the netdevs swp1..swpN.
vm_boot() {
    local name=$1 conf=$2 n=$3 i
    shift 3
    for ((i = 1; i <= n; i++)); do
        set -- "$@" -netdev "${!i}"
    done
    shift "$n"
    fw_vm_disk "$LAB/$name"
    fw_vm_start "$LAB/$name" "$conf" "$n" "$@"
    VMS+=("$name")
}

vms_wait() {
    local vm secs
    echo "firmware-lab: booting ${VMS[*]} (TCG)..."
    for vm in "${VMS[@]}"; do
        secs=$(fw_vm_wait_served "$LAB/$vm" 300) || {
            echo "firmware-lab: $vm did not boot" >&2
            tail -20 "$LAB/$vm/serial.log"
            exit 1
        }
        echo "firmware-lab: $vm: OVSDB served $secs s after QEMU started"
    done
}

# vctl VM ARGS...: vtep-ctl on VM's database.
vctl() {
    local vm=$1
    shift
    fw_vctl "$LAB/$vm" "$@"
}

# hv_flood VNI IP: the hypervisor floods VNI's unknown and broadcast
# frames to the VTEP at IP too.
hv_flood() {
    nsx hv bridge fdb append 00:00:00:00:00:00 dev "vx$1" dst "$2"
}

# vm_ping VM [NETNS] IP: VM pings IP (in its namespace NETNS if given).
vm_ping() {
    local vm=$1 ip=${3-$2} pre=
    [ $# -eq 3 ] && pre="ip netns exec $2 "
    fw_console "$LAB/$vm" "${pre}ping -c 2 -W 2 $ip | grep -q ' 0% packet loss'"
}

lab_basic() {
    fw_tap_new p1 p2 u0
    vm_boot tor1 "$(tor_conf tor1 "$VTEP_IP" swp3)" 3 \
        "$(fw_tap_netdev swp1 p1)" "$(fw_tap_netdev swp2 p2)" "$(fw_tap_netdev swp3 u0)"
    sleep 1

    fw_hv u0 "$RED1_IP" "$BLUE1_IP"
    fw_tap_host red2 p1 "$RED2_MAC" "$RED2_IP"
    fw_tap_host blue2 p2 "$BLUE2_MAC" "$BLUE2_IP"

    vms_wait
    vctl tor1 add-ls red -- set Logical_Switch red tunnel_key=100
    vctl tor1 add-ls blue -- set Logical_Switch blue tunnel_key=200
    vctl tor1 bind-ls tor1 swp1 0 red
    vctl tor1 bind-ls tor1 swp2 0 blue
    vctl tor1 add-ucast-remote red "$RED1_MAC" "$HV_IP" -- add-mcast-remote red unknown-dst "$HV_IP"
    vctl tor1 add-ucast-remote blue "$BLUE1_MAC" "$HV_IP" -- add-mcast-remote blue unknown-dst "$HV_IP"

    check "red2 pings red1 across VNI 100" wait_for 30 ping_ok red2 "$RED1_IP"
    check "blue2 pings blue1 across VNI 200" wait_for 30 ping_ok blue2 "$BLUE1_IP"
    check "red2 does not reach blue1" ping_fails red2 "$BLUE1_IP"
    USAGE="  ip netns exec $NS-red2 ping $RED1_IP"
}

# multi_program TOR: the logical switches, bindings, remote MACs and flood
# lists of switch TOR: the hypervisor and the other switch are its remote
# VTEPs.
multi_program() {
    local tor=$1 other other_ip red blue ip
    if [ "$tor" = tor1 ]; then
        other=tor2 other_ip=$TOR2_IP red=$RED3_MAC blue=$BLUE3_MAC
    else
        other=tor1 other_ip=$VTEP_IP red=$RED2_MAC blue=$BLUE2_MAC
    fi
    # Source-node replication: a flooded frame goes to every remote VTEP
    # (with the schema's default, service_node, only to the first).
    vctl "$tor" add-ls red \
        -- set Logical_Switch red tunnel_key=100 replication_mode=source_node \
        -- add-ls blue \
        -- set Logical_Switch blue tunnel_key=200 replication_mode=source_node \
        -- bind-ls "$tor" swp1 0 red -- bind-ls "$tor" swp2 0 blue \
        -- add-ucast-remote red "$RED1_MAC" "$HV_IP" \
        -- add-ucast-remote blue "$BLUE1_MAC" "$HV_IP" \
        -- add-ucast-remote red "$red" "$other_ip" \
        -- add-ucast-remote blue "$blue" "$other_ip"
    for ip in "$HV_IP" "$other_ip"; do
        vctl "$tor" add-mcast-remote red unknown-dst "$ip" \
            -- add-mcast-remote blue unknown-dst "$ip"
    done
    echo "firmware-lab: $tor programmed: remote VTEPs hv ($HV_IP) and $other ($other_ip)"
}

lab_multi() {
    local a b
    fw_tap_new p1 p2 u1 q1 q2 u2
    vm_boot tor1 "$(tor_conf tor1 "$VTEP_IP" swp3)" 3 \
        "$(fw_tap_netdev swp1 p1)" "$(fw_tap_netdev swp2 p2)" "$(fw_tap_netdev swp3 u1)"
    vm_boot tor2 "$(tor_conf tor2 "$TOR2_IP" swp3)" 3 \
        "$(fw_tap_netdev swp1 q1)" "$(fw_tap_netdev swp2 q2)" "$(fw_tap_netdev swp3 u2)"
    sleep 1

    # The underlay: a bridge in hv, the hypervisor's address on it.
    lab_ns hv
    fw_tap_to hv u1
    fw_tap_to hv u2
    nsx hv ip link add ul type bridge
    nsx hv ip link set u1 master ul
    nsx hv ip link set u2 master ul
    nsx hv ip link set ul up
    nsx hv ip addr add "$HV_IP/24" dev ul
    lab_host red1 "$RED1_MAC" "$RED1_IP" hv h-red1
    lab_host blue1 "$BLUE1_MAC" "$BLUE1_IP" hv h-blue1
    lab_hv_vni 100 red1
    lab_hv_vni 200 blue1
    hv_flood 100 "$TOR2_IP"
    hv_flood 200 "$TOR2_IP"
    # The hypervisor's remote MACs, as a controller would program them.
    nsx hv bridge fdb add "$RED2_MAC" dev vx100 dst "$VTEP_IP"
    nsx hv bridge fdb add "$RED3_MAC" dev vx100 dst "$TOR2_IP"
    nsx hv bridge fdb add "$BLUE2_MAC" dev vx200 dst "$VTEP_IP"
    nsx hv bridge fdb add "$BLUE3_MAC" dev vx200 dst "$TOR2_IP"
    fw_tap_host red2 p1 "$RED2_MAC" "$RED2_IP"
    fw_tap_host blue2 p2 "$BLUE2_MAC" "$BLUE2_IP"
    fw_tap_host red3 q1 "$RED3_MAC" "$RED3_IP"
    fw_tap_host blue3 q2 "$BLUE3_MAC" "$BLUE3_IP"

    vms_wait
    multi_program tor1
    multi_program tor2

    for a in "red1 $RED1_IP" "red2 $RED2_IP" "red3 $RED3_IP"; do
        for b in "red1 $RED1_IP" "red2 $RED2_IP" "red3 $RED3_IP"; do
            [ "${a% *}" \< "${b% *}" ] || continue
            check "${a% *} pings ${b% *} (VNI 100)" wait_for 30 ping_ok "${a% *}" "${b#* }"
        done
    done
    for a in "blue1 $BLUE1_IP" "blue2 $BLUE2_IP" "blue3 $BLUE3_IP"; do
        for b in "blue1 $BLUE1_IP" "blue2 $BLUE2_IP" "blue3 $BLUE3_IP"; do
            [ "${a% *}" \< "${b% *}" ] || continue
            check "${a% *} pings ${b% *} (VNI 200)" wait_for 30 ping_ok "${a% *}" "${b#* }"
        done
    done
    check "red2 does not reach blue3" ping_fails red2 "$BLUE3_IP"
    check "red3 does not reach blue1" ping_fails red3 "$BLUE1_IP"
    check "blue1 does not reach red2" ping_fails blue1 "$RED2_IP"
    USAGE="  vtep-ctl --db=$(fw_db "$LAB/tor2") list-remote-macs red
  ip netns exec $NS-red2 ping $RED3_IP"
}

lab_trunk() {
    local pa pb
    fw_tap_new u0
    pa=$(fw_free_port) pb=$(fw_free_port)
    vm_boot tor1 "$(tor_conf tor1 "$VTEP_IP" swp2)" 2 \
        "socket,id=swp1,udp=127.0.0.1:$pb,localaddr=127.0.0.1:$pa" "$(fw_tap_netdev swp2 u0)"
    echo "switch-name=server" >"$LAB/server.conf"
    vm_boot server "$LAB/server.conf" 1 \
        "socket,id=swp1,udp=127.0.0.1:$pa,localaddr=127.0.0.1:$pb"
    sleep 1

    fw_hv u0 "$RED1_IP" "$BLUE1_IP"
    lab_host green1 "$GREEN1_MAC" "$GREEN1_IP" hv h-green1
    lab_hv_vni 300 green1

    vms_wait
    # Native (untagged) VLAN: blue; tagged 100: red; tagged 200: green.
    vctl tor1 add-ls red -- set Logical_Switch red tunnel_key=100 \
        -- add-ls blue -- set Logical_Switch blue tunnel_key=200 \
        -- add-ls green -- set Logical_Switch green tunnel_key=300 \
        -- bind-ls tor1 swp1 0 blue -- bind-ls tor1 swp1 100 red \
        -- bind-ls tor1 swp1 200 green \
        -- add-ucast-remote red "$RED1_MAC" "$HV_IP" \
        -- add-ucast-remote blue "$BLUE1_MAC" "$HV_IP" \
        -- add-ucast-remote green "$GREEN1_MAC" "$HV_IP" \
        -- add-mcast-remote red unknown-dst "$HV_IP" \
        -- add-mcast-remote blue unknown-dst "$HV_IP" \
        -- add-mcast-remote green unknown-dst "$HV_IP"
    echo "firmware-lab: tor1 swp1 bindings: $(vctl tor1 list-bindings tor1 swp1 | tr '\n' ' ')"
    # The server's end of the trunk: untagged on swp1, each tagged VLAN a
    # sub-interface in a namespace of its own.
    fw_console "$LAB/server" "ip addr add $BLUE2_IP/24 dev swp1 && ip link set swp1 up &&
        ip link add link swp1 name swp1.100 type vlan id 100 &&
        ip link add link swp1 name swp1.200 type vlan id 200 &&
        ip netns add red && ip netns add green &&
        ip link set swp1.100 netns red && ip link set swp1.200 netns green &&
        ip -n red addr add $RED2_IP/24 dev swp1.100 && ip -n red link set swp1.100 up &&
        ip -n green addr add $GREEN2_IP/24 dev swp1.200 && ip -n green link set swp1.200 up &&
        echo server-trunk-ok" | grep -q server-trunk-ok ||
        fail "the server's trunk is set up"

    check "untagged: blue1 pings the server's native address" \
        wait_for 30 ping_ok blue1 "$BLUE2_IP"
    check "VLAN 100: red1 pings the server's red address" \
        wait_for 30 ping_ok red1 "$RED2_IP"
    check "VLAN 200: green1 pings the server's green address" \
        wait_for 30 ping_ok green1 "$GREEN2_IP"
    check "the server (VLAN 100, namespace red) pings red1" vm_ping server red "$RED1_IP"
    check "the server (VLAN 200, namespace green) pings green1" vm_ping server green "$GREEN1_IP"
    check "red1 does not reach the native address" ping_fails red1 "$BLUE2_IP"
    check "red1 does not reach the VLAN 200 address" ping_fails red1 "$GREEN2_IP"
    check "green1 does not reach the VLAN 100 address" ping_fails green1 "$RED2_IP"
    check "blue1 does not reach the VLAN 100 address" ping_fails blue1 "$RED2_IP"
    USAGE="  ip netns exec $NS-green1 ping $GREEN2_IP
  python3 tests/firmware/console.py $LAB/server 'ip netns exec red ping -c2 $RED1_IP'"
}

lab_up() {
    local lab=$1 vm
    lab_require "firmware lab" qemu-system-x86_64 vtep-ctl ping
    [ -r "$FW_DIR/vtep-tor.qcow2" ] || { echo "firmware-lab: run 'make firmware' first" >&2; exit 1; }
    lab_down >/dev/null
    mkdir -p "$LAB"
    VMS=()
    echo "firmware-lab: $lab"
    "lab_$lab"
    # Keep everything running: the cleanups would stop the VMs.
    rm -rf "$_TMPROOT"
    _cleanups=()
    echo "$lab" >"$LAB/lab"
    echo
    echo "The firmware lab \"$lab\" is up (state in $LAB):"
    for vm in "${VMS[@]}"; do
        [ "$vm" = server ] || echo "  vtep-ctl --db=$(fw_db "$LAB/$vm") show        # $vm"
    done
    cat <<USAGE
$USAGE
  python3 tests/firmware/console.py $LAB/tor1 'bridge fdb show'
  make firmware-lab-clean
USAGE
    finish
}

case ${1-} in
up)
    case ${2-basic} in
    basic | multi | trunk) lab_up "${2-basic}" ;;
    *)
        echo "$0: no lab '$2' (basic, multi or trunk)" >&2
        exit 2
        ;;
    esac
    ;;
down) lab_down ;;
*)
    echo "usage: $0 up [basic|multi|trunk] | down" >&2
    exit 2
    ;;
esac
