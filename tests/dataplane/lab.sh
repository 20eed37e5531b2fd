#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The hardware-VTEP lab to play with ("make lab", "make lab-clean"): the
# topology of lab-topology.sh with vtepd and its software dataplane in the
# vtep namespace, left running, and a capture of the underlay.
#
#   tests/dataplane/lab.sh up     builds it and says how to use it
#   tests/dataplane/lab.sh down   removes every namespace, process and file
#
# Its files (database, sockets, log, pid files, the pcap) are in run/lab/.
. tests/lib.sh
NS=vlab
LAB=$PWD/run/lab
VDIR=$LAB
. tests/dataplane/vtepd-topology.sh

LAB_NAMESPACES="hv vtep red1 red2 blue1 blue2"

die() {
    echo "lab: $*" >&2
    exit 1
}

# stop_pidfile FILE: stops the process whose pid FILE holds, if any.
stop_pidfile() {
    local pid
    [ -f "$1" ] || return 0
    pid=$(cat "$1")
    if kill "$pid" 2>/dev/null; then
        wait_for 5 eval "! kill -0 $pid 2>/dev/null"
    fi
    rm -f "$1"
}

lab_down() {
    local ns
    stop_pidfile "$LAB/tcpdump.pid"
    stop_pidfile "$LAB/vtepd.pid"
    for ns in $LAB_NAMESPACES; do
        ip netns del "$NS-$ns" 2>/dev/null
    done
    rm -rf "$LAB"
    echo "lab: removed"
}

# Captures VXLAN on the underlay into $LAB/underlay.pcap, in the background.
start_capture() {
    if ! command -v tcpdump >/dev/null; then
        echo "lab: no tcpdump, so no capture of the underlay"
        return
    fi
    ip netns exec "$NS-vtep" tcpdump -i u0 -nn -U -Z root \
        -w "$LAB/underlay.pcap" udp port 4789 >"$LAB/tcpdump.log" 2>&1 &
    echo $! >"$LAB/tcpdump.pid"
}

usage() {
    local db="--db=unix:$LAB/db.sock"
    cat <<EOF

The lab is up: hypervisor $NS-hv ($HV_IP) with red1 ($RED1_IP) on VNI 100
and blue1 ($BLUE1_IP) on VNI 200; vtepd in $NS-vtep ($VTEP_IP) with red2
($RED2_IP) on p1 and blue2 ($BLUE2_IP) on p2.  Nothing is bound yet.

Attach the physical servers (vtep-ctl is the controller):
$(lab_controller_commands | sed "s|^|  vtep-ctl $db |")

Ping across the overlay:
  ip netns exec $NS-red2 ping $RED1_IP
  ip netns exec $NS-blue2 ping $BLUE1_IP

TCP across it (the veths keep Linux's offloads; vtepd handles them):
  ip netns exec $NS-red1 iperf3 -s -D
  ip netns exec $NS-red2 iperf3 -c $RED1_IP

Look inside vtepd:
  vtep-ctl $db list-local-macs red
  ovs-appctl -t $LAB/vtepd.ctl hal/dump-fdb red
  ovs-appctl -t $LAB/vtepd.ctl sim/show

Detach them:
  vtep-ctl $db unbind-ls $SWITCH p1 0
  vtep-ctl $db unbind-ls $SWITCH p2 0

The underlay's VXLAN traffic is captured in $LAB/underlay.pcap
(tcpdump -nn -e -r $LAB/underlay.pcap); vtepd logs to $LAB/vtepd.log.
"make lab-clean" removes everything.
EOF
}

lab_up() {
    [ -x "$VTEPD" ] || die "$VTEPD is not built"
    command -v vtep-ctl >/dev/null \
        || die "vtep-ctl is missing (Debian package openvswitch-vtep)"
    if ip netns list | grep -q "^$NS-"; then
        die "a lab is already running (make lab-clean removes it)"
    fi
    mkdir -p "$LAB"
    on_exit "rm -rf '$LAB'"
    lab_build
    on_exit vtepd_stop
    vtepd_start asic
    start_capture
    # Success: the lab stays up, so forget the cleanups that would tear
    # it down.
    _cleanups=("rm -rf '$_TMPROOT'")
    usage
}

if [ "$(id -u)" -ne 0 ]; then
    die "the lab needs root (network namespaces): run 'sudo make lab'"
fi
case $1 in
up) lab_up ;;
down) lab_down ;;
*) die "usage: $0 up|down" ;;
esac
