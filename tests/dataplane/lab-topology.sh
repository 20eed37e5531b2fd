# SPDX-License-Identifier: Apache-2.0
# The classic hardware-VTEP lab in network namespaces; source it after
# tests/lib.sh.  What runs in the vtep namespace is up to the caller
# (sim-topology.sh: vtep-sim; vtepd-topology.sh: vtepd).
#
#   red1 ─┐                                   ┌─ p1 ── red2
#         br100─vx100 ┐                       │
#   blue1 ┘ br200─vx200 ┴ hv ══ underlay ══ vtep ─ p2 ── blue2
#
# "hv" is a hypervisor: Linux VXLAN devices for VNI 100 (red) and 200
# (blue) behind Linux bridges, local 10.99.0.1.  "vtep" has front-panel
# ports p1 and p2 and tunnel IP 10.99.0.2 on the underlay u0.  Every host
# sits in 10.0.0.0/24, so only the VNIs keep red and blue apart.
#
# Namespaces are named $NS-NAME; NS defaults to a name with the test's PID.
# Each namespace is removed by on_exit, and with it every interface in it.

FRAMES="/usr/bin/python3 tests/dataplane/sim-frames.py"
NS=${NS:-lab$$}
HV_IP=10.99.0.1
VTEP_IP=10.99.0.2

RED1_MAC=02:00:00:00:01:01 RED1_IP=10.0.0.1
RED2_MAC=02:00:00:00:01:02 RED2_IP=10.0.0.2
BLUE1_MAC=02:00:00:00:02:01 BLUE1_IP=10.0.0.11
BLUE2_MAC=02:00:00:00:02:02 BLUE2_IP=10.0.0.12

# lab_require WHAT PROGRAM...: skips the whole test (exit 0) unless it
# runs as root, namespaces work and every PROGRAM is executable.
lab_require() {
    local what=$1 prog
    shift
    if [ "$(id -u)" -ne 0 ]; then
        skip "$what (needs root)"
        exit 0
    fi
    if ! ip netns add "$NS-probe" 2>/dev/null; then
        skip "$what (no ip netns)"
        exit 0
    fi
    ip netns del "$NS-probe"
    for prog in "$@"; do
        if ! command -v "$prog" >/dev/null; then
            skip "$what ($prog not found)"
            exit 0
        fi
    done
}

# nsx NAME COMMAND...: runs COMMAND in namespace $NS-NAME.
nsx() {
    local ns=$1
    shift
    ip netns exec "$NS-$ns" "$@"
}

lab_ns() {
    ip netns add "$NS-$1"
    on_exit "ip netns del '$NS-$1'"
    nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    nsx "$1" ip link set lo up
}

# lab_link NS1 IF1 NS2 IF2: a veth pair between two namespaces, both up.
lab_link() {
    ip link add "$2" netns "$NS-$1" type veth peer name "$4" netns "$NS-$3"
    nsx "$1" ip link set "$2" up
    nsx "$3" ip link set "$4" up
}

# lab_host NAME MAC IP: a host namespace whose eth0 is cabled to IF in
# namespace PEER (lab_host NAME MAC IP PEER IF).
lab_host() {
    local name=$1 mac=$2 ip=$3 peer=$4 ifname=$5
    lab_ns "$name"
    lab_link "$name" eth0 "$peer" "$ifname"
    nsx "$name" ip link set eth0 address "$mac" mtu 1450
    nsx "$name" ip addr add "$ip/24" dev eth0
}

# lab_hv_vni VNI HOST: a VXLAN device for VNI on the hypervisor, bridged
# to HOST's cable, flooding to the VTEP.
lab_hv_vni() {
    local vni=$1 host=$2
    nsx hv ip link add "vx$vni" type vxlan id "$vni" dstport 4789 \
        local "$HV_IP" nolearning
    nsx hv ip link add "br$vni" type bridge
    nsx hv ip link set "vx$vni" master "br$vni" up
    nsx hv ip link set "h-$host" master "br$vni"
    nsx hv ip link set "br$vni" up
    nsx hv bridge fdb append 00:00:00:00:00:00 dev "vx$vni" dst "$VTEP_IP"
}

# Builds the namespaces, links and the hypervisor; starts nothing in the
# vtep namespace.
lab_build() {
    lab_ns hv
    lab_ns vtep
    lab_link hv u0 vtep u0
    nsx hv ip addr add "$HV_IP/24" dev u0
    nsx vtep ip addr add "$VTEP_IP/24" dev u0

    lab_host red1 "$RED1_MAC" "$RED1_IP" hv h-red1
    lab_host blue1 "$BLUE1_MAC" "$BLUE1_IP" hv h-blue1
    lab_hv_vni 100 red1
    lab_hv_vni 200 blue1

    lab_host red2 "$RED2_MAC" "$RED2_IP" vtep p1
    lab_host blue2 "$BLUE2_MAC" "$BLUE2_IP" vtep p2
}

# ping_ok FROM IP: FROM reaches IP (a few tries: ARP and the first frames
# take a moment).
ping_ok() {
    wait_for 5 nsx "$1" ping -c1 -W1 -q "$2" >/dev/null 2>&1
}

# send_rs HOST IFACE: HOST sends an IPv6 router solicitation out of IFACE
# (to ff02::2, hop limit 255; the kernel fills in the checksum).
send_rs() {
    nsx "$1" python3 -c "
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.sendto(bytes([133, 0, 0, 0, 0, 0, 0, 0]),
         ('ff02::2', 0, 0, socket.if_nametoindex('$2')))"
}

# capture_ra HOST IFACE FILE: captures, in the background, the first router
# advertisement HOST hears on IFACE, decoded (tcpdump -v), into FILE; returns
# once tcpdump listens.
capture_ra() {
    ip netns exec "$NS-$1" tcpdump -i "$2" -nn -v -l -c1 \
        "icmp6 and ip6[40] = 134" >"$3" 2>"$3.err" &
    on_exit "kill $! 2>/dev/null"
    wait_for 5 grep -q listening "$3.err"
}

# ping_fails FROM IP: two pings go unanswered.
ping_fails() {
    ! nsx "$1" ping -c2 -i0.3 -W1 -q "$2" >/dev/null 2>&1
}

# not_in PATTERN TEXT: TEXT has no line matching PATTERN.
not_in() {
    ! grep -q "$1" <<<"$2"
}

# capture_flood SRC_MAC: sends one broadcast from red2 with SRC_MAC while
# capturing the underlay; stores each VXLAN copy of it, one per line, in
# $TMP/SRC_MAC.copies.
capture_flood() {
    local pcap=$TMP/$1.pcap
    ip netns exec "$NS-vtep" tcpdump -i u0 -nn -U --immediate-mode -Z root \
        -w "$pcap" "udp dst port 4789" >/dev/null 2>"$TMP/tcpdump.err" &
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

# peer_reply_seen PEER_MAC PEER_IP: another VTEP of a router on red's
# subnet (PEER_IP, an address of hv) asks for red2 (10.1.0.10) from its
# ARP MAC, as the request reaches red1's hypervisor; succeeds if red2's
# reply leaves in VXLAN toward PEER_IP within 10 s (in $TMP/peer.txt).
peer_reply_seen() {
    local pid ok=1
    nsx hv tcpdump -i u0 -nn -l -c1 "udp dst port 4789 and dst host $2" \
        >"$TMP/peer.txt" 2>"$TMP/peer.err" &
    pid=$!
    wait_for 5 grep -q listening "$TMP/peer.err"
    nsx red1 $FRAMES arp-request eth0 "$1" 10.1.0.1 10.1.0.10
    wait_for 10 grep -q "> $2.4789" "$TMP/peer.txt" && ok=0
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return "$ok"
}
