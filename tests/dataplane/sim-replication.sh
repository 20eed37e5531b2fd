#!/usr/bin/env bash
# BUM replication as seen on the wire.  The red flood list names three
# VTEPs (all addresses of the hypervisor namespace).  One broadcast from
# red2 must leave the underlay as three VXLAN copies with source-node
# replication and as one with service-node replication, each with VNI 100
# and a UDP source port in the RFC 7348 range.
. tests/lib.sh
. tests/dataplane/sim-topology.sh

lab_require "BUM replication" "$SIM"
if ! command -v tcpdump >/dev/null; then
    skip "BUM replication (no tcpdump)"
    exit 0
fi
TMP=$(make_tmpdir)
lab_build
nsx hv ip addr add 10.99.0.3/24 dev u0
nsx hv ip addr add 10.99.0.4/24 dev u0

cat >"$TMP/lab.conf" <<EOF
bridge red 100 source_node
bind p1 0 red
flood red $HV_IP 10.99.0.3 10.99.0.4
EOF
lab_start "$TMP/lab.conf"

# capture SRC_MAC: sends one broadcast from red2 with SRC_MAC while
# capturing the underlay; stores each VXLAN copy of it, one per line, in
# $TMP/SRC_MAC.copies.
capture() {
    local pcap=$TMP/$1.pcap
    ip netns exec "$NS-vtep" tcpdump -i u0 -nn -U --immediate-mode -Z root -w "$pcap" \
        "udp dst port 4789" >/dev/null 2>"$TMP/tcpdump.err" &
    TCPDUMP_PID=$!
    on_exit "kill $TCPDUMP_PID"
    wait_for 5 grep -q listening "$TMP/tcpdump.err"
    nsx red2 $FRAMES send eth0 "$1" ff:ff:ff:ff:ff:ff
    sleep 0.5
    kill "$TCPDUMP_PID"
    wait "$TCPDUMP_PID"
    # tcpdump prints the outer headers on one line and the inner
    # Ethernet header on the next.
    tcpdump -nn -e -r "$pcap" 2>/dev/null | awk -v mac="$1" -v ip="$VTEP_IP" '
        /VXLAN.*vni 100$/ && index($0, " " ip ".") { outer = $0; next }
        outer && index($0, mac " > ff:ff:ff:ff:ff:ff") == 1 { print outer }
        { outer = "" }' >"$TMP/$1.copies"
}

# sports_in_range: every source port on stdin's lines is 49152..65535.
sports_in_range() {
    sed -n "s/.*$VTEP_IP\.\([0-9]*\) > .*/\1/p" \
        | awk '$1 < 49152 || $1 > 65535 { bad++ } END { exit bad > 0 }'
}

capture 02:00:00:00:01:aa
src=$(cat "$TMP/02:00:00:00:01:aa.copies")
echo "$src"
check "source_node: one copy per remote VTEP (3)" \
    test "$(grep -c . <<<"$src")" -eq 3
for ip in "$HV_IP" 10.99.0.3 10.99.0.4; do
    check "source_node: a copy to $ip" grep -q "> $ip.4789" <<<"$src"
done
check "UDP source ports in 49152-65535" sports_in_range <<<"$src"

ctl bridge red 100 service_node
capture 02:00:00:00:01:bb
svc=$(cat "$TMP/02:00:00:00:01:bb.copies")
echo "$svc"
check "service_node: one copy in all" test "$(grep -c . <<<"$svc")" -eq 1

check "kernel VXLAN still reaches red2" ping_ok red1 "$RED2_IP"
finish
