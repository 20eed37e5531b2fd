#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# TCP through vtep-sim, with the veths' offloads left as Linux sets them
# (checksum offload, TSO, GSO on): the kernel senders leave TCP checksums
# for "hardware" to complete and hand over segmentation-offload
# super-frames, and vtep-sim must act as the NIC would.  One bridge (VNI
# 100) binds both ports; red1 sits behind the hypervisor's kernel VXLAN,
# red2 on p1 and blue2 (on this bridge here) on p2:
#
#   red2 <-> red1    port -> VXLAN and VXLAN -> port, both directions
#   red2 <-> blue2   port -> port, both directions
#
# Each pair moves a 4 MB file with nc (compared by hash) both ways, and
# runs iperf3 both ways if it is installed (make deps installs it).
. tests/lib.sh
. tests/dataplane/sim-topology.sh

lab_require "TCP through vtep-sim" "$SIM" nc sha256sum ethtool
TMP=$(make_tmpdir)
lab_build

cat >"$TMP/lab.conf" <<EOF
bridge red 100 source_node
bind p1 0 red
bind p2 0 red
flood red $HV_IP
EOF
lab_start "$TMP/lab.conf"

head -c 4000000 /dev/urandom >"$TMP/data"
want=$(sha256sum <"$TMP/data" | cut -d' ' -f1)

# nc_copy FROM TO TO_IP: sends the file from namespace FROM to a listener
# in TO; succeeds if it arrives whole.
nc_copy() {
    local from=$1 to=$2 ip=$3 port=$((5000 + RANDOM % 1000)) pid got
    rm -f "$TMP/got"
    nsx "$to" timeout 30 nc -l -n "$ip" "$port" >"$TMP/got" &
    pid=$!
    wait_for 5 nsx "$to" sh -c "ss -ltn | grep -q ':$port '"
    nsx "$from" timeout 30 nc -N -n "$ip" "$port" <"$TMP/data"
    wait "$pid"
    got=$(sha256sum <"$TMP/got" | cut -d' ' -f1)
    [ "$got" = "$want" ]
}

# iperf FROM TO TO_IP [-R]: a 2-second iperf3 run; succeeds if it moved
# at least a megabyte.
iperf() {
    local from=$1 to=$2 ip=$3 pid bytes
    shift 3
    nsx "$to" timeout 30 iperf3 -s -1 -B "$ip" -p 5201 >/dev/null 2>&1 &
    pid=$!
    wait_for 5 nsx "$to" sh -c "ss -ltn | grep -q ':5201 '"
    bytes=$(nsx "$from" timeout 30 iperf3 -c "$ip" -p 5201 -t 2 -J "$@" \
        | python3 -c 'import json, sys
print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))')
    wait "$pid"
    echo "iperf3 $from -> $to $*: $bytes bytes"
    [ "${bytes:-0}" -ge 1000000 ]
}

# rx_packets IFACE NS: the interface's received-packet count.
rx_packets() {
    nsx "$2" cat "/sys/class/net/$1/statistics/rx_packets"
}

before=$(rx_packets vx100 hv)
check "nc red2 -> red1 (port to kernel VXLAN)" nc_copy red2 red1 "$RED1_IP"
vx_rx=$(($(rx_packets vx100 hv) - before))
check "nc red1 -> red2 (kernel VXLAN to port)" nc_copy red1 red2 "$RED2_IP"
check "nc red2 -> blue2 (port to port)" nc_copy red2 blue2 "$BLUE2_IP"
check "nc blue2 -> red2 (port to port)" nc_copy blue2 red2 "$RED2_IP"

if command -v iperf3 >/dev/null; then
    check "iperf3 red2 -> red1" iperf red2 red1 "$RED1_IP"
    check "iperf3 red1 -> red2" iperf red2 red1 "$RED1_IP" -R
    check "iperf3 red2 -> blue2" iperf red2 blue2 "$BLUE2_IP"
    check "iperf3 blue2 -> red2" iperf red2 blue2 "$BLUE2_IP" -R
else
    skip "iperf3 through vtep-sim (iperf3 not installed; make deps)"
fi

# TCP super-frames to a remote VTEP: whole through vtep-sim's TAP device
# where the kernel has UDP tunnel segmentation offload (sim/gso-tap.h),
# so that the hypervisor's VXLAN device takes them whole too; else as
# UDP_SEGMENT sends, which it receives as single segments.
if grep -q "super-frames leave whole through vtsim" "$TMP/vtep-sim.log"; then
    # 4 MB in segments of at most 1,398 bytes is at least 2,861.
    echo "the hypervisor's vx100 received $vx_rx packets for 4 MB"
    check "the hypervisor's VXLAN device took super-frames whole" \
        test "$vx_rx" -lt 1430
    check "vtep-sim counts the super-frames it sent whole" \
        grep -Eq '^vxlan super-frames whole: [1-9][0-9]* through vtsim[0-9]+ \(0 refused\)$' \
        <(ctl stats)
    # Without the offload on the underlay, the vtep namespace's kernel
    # cuts the super-frames and completes every checksum itself, which
    # red1 checks: the inner TCP checksum field vtep-sim wrote must be
    # what segmentation expects.
    nsx vtep ethtool -K u0 tx-udp_tnl-segmentation off tx off >/dev/null
    check "nc red2 -> red1, segmented and summed by the vtep's kernel" \
        nc_copy red2 red1 "$RED1_IP"
    nsx vtep ethtool -K u0 tx-udp_tnl-segmentation on tx on >/dev/null
    # A rule that drops what the TAP device forwards and nothing the vtep
    # sends itself, as a netfilter FORWARD rule would: vtep-sim sees fewer
    # packets forwarded than it wrote, within a second goes back to
    # UDP_SEGMENT, and TCP recovers.  (test_gso_tap also turns rp_filter
    # on behind its back.)
    tap=$(grep -o 'whole through vtsim[0-9]*' "$TMP/vtep-sim.log" | cut -d' ' -f3)
    nsx vtep ip rule add iif "$tap" blackhole
    check "nc red2 -> red1 after forwarding from the TAP device broke" \
        nc_copy red2 red1 "$RED1_IP"
    check "vtep-sim stopped writing to the TAP device" \
        grep -q '^vxlan super-frames whole: off (super-frames written to the TAP device were not forwarded' \
        <(ctl stats)
else
    skip "super-frames through a TAP device ($(grep -o 'UDP_SEGMENT sends: .*' \
        "$TMP/vtep-sim.log"))"
fi

# sim-block-ring.sh runs this test with block rings.
if [ "${VTEP_SIM_RING:-}" = block ]; then
    check "p1 and p2 read block rings" \
        test "$(grep -c 'port p[12]: packet, block ring' "$TMP/vtep-sim.log")" = 2
fi
ctl stats
finish
