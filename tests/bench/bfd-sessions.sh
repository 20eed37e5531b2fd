#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# BFD figures for docs/benchmarks.md, vtepd on the asic backend (software
# dataplane) in a namespace lab against bench-bfd-peer, which plays N
# remote VTEPs (addresses 10.100.0.1 and up in its namespace, routed from
# the vtep namespace) and runs their sessions with the HAL's own code:
#
#   1. CPU of vtepd (user + system, from /proc) with N sessions up, at a
#      100 ms and at a 300 ms interval (min_tx = min_rx on both sides).
#   2. Fail-over: two of those remotes are the service nodes of a logical
#      switch that a local host floods with broadcasts (ping -b every
#      2 ms); the peer silences the first node's session and times the
#      first broadcast to reach the second (detection + status poll +
#      flood list), CYCLES times; p50 and p99.
#
# Prints figures; asserts nothing.  Needs root and ip netns.  Sizes:
# BFD_SESSIONS (1000), BFD_SECONDS (20), BFD_CYCLES (40).
set -u
BUILD=${BUILD:-build}
. tests/lib.sh
NS=bfdb$$
VDIR=$(make_tmpdir)
. tests/dataplane/vtepd-topology.sh

N=${BFD_SESSIONS:-1000}
SECS=${BFD_SECONDS:-20}
CYCLES=${BFD_CYCLES:-40}
PEER=$BUILD/tests/bench-bfd-peer
lab_require "BFD benchmark" "$VTEPD" "$PEER" vtep-ctl ovs-appctl

lab_ns peer
lab_ns vtep
lab_link peer u0 vtep u0
nsx vtep ip addr add "$VTEP_IP/24" dev u0
nsx peer ip addr add "$HV_IP/24" dev u0
nsx vtep ip route add 10.100.0.0/16 via "$HV_IP"
lab_host red2 "$RED2_MAC" "$RED2_IP" vtep p1
lab_host blue2 "$BLUE2_MAC" "$BLUE2_IP" vtep p2

# remote_ip I: the address of remote I (0-based): 10.100.0.1 and up.
remote_ip() {
    local n=$((${1} + 1))
    echo "10.100.$((n >> 8 & 255)).$((n & 255))"
}
for ((i = 0; i < N; i++)); do
    echo "addr add $(remote_ip $i)/32 dev lo"
done | nsx peer ip -batch -

vtepd_start asic
on_exit vtepd_stop

# One transaction: a logical switch, and a remote MAC behind each remote.
args=(add-ls red -- set Logical_Switch red tunnel_key=100
    -- bind-ls "$SWITCH" p1 0 red)
for ((i = 0; i < N; i++)); do
    args+=(-- add-ucast-remote red "$(printf '02:00:01:00:%02x:%02x' \
        $((i >> 8)) $((i & 255)))" "$(remote_ip $i)")
done
vctl --timeout=60 "${args[@]}"
tunnels() { vctl --bare --columns=_uuid list Tunnel | grep -c .; }
if ! wait_for 30 test "$(tunnels)" -ge "$N"; then
    echo "only $(tunnels) of $N Tunnel rows appeared"
    exit 1
fi
mapfile -t TUN < <(vctl --bare --columns=_uuid list Tunnel | grep .)

# set_bfd ENABLE INTERVAL: bfd_params of every Tunnel row, one transaction.
set_bfd() {
    local u a=()
    for u in "${TUN[@]}"; do
        a+=(-- set Tunnel "$u" bfd_params:enable="$1"
            bfd_params:min_tx="$2" bfd_params:min_rx="$2")
    done
    vctl --timeout=60 "${a[@]:1}"
}

# cpu_ticks: vtepd's user + system time in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$VTEPD_PID/stat"
}
up_in_db() {
    vctl --columns=bfd_status list Tunnel | grep -c 'state=up'
}
# rcvbuf_errors: UDP datagrams the vtep namespace dropped for a full
# socket buffer (the software dataplane's underlay socket, mostly).
rcvbuf_errors() {
    nsx vtep cat /proc/net/snmp | awk '/^Udp:/ {
        if (!n) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") n = i }
        else print $n }'
}
# flaps: the sum of every session's flaps (hal/dump-tunnels).
flaps() {
    appctl hal/dump-tunnels | sed -n 's/.*, flaps \([0-9]*\),.*/\1/p' |
        awk '{ s += $1 } END { print s + 0 }'
}

echo "vtepd (asic backend) with $N BFD sessions, $(nproc) CPUs," \
    "load average $(cut -d' ' -f1 /proc/loadavg)"
for interval in 100 300; do
    set_bfd true "$interval"
    # The peer outlives the measurement, which starts 3 s after the last
    # session came up.
    nsx peer "$PEER" cpu "$VTEP_IP" 10.100.0.1 "$N" "$interval" \
        $((SECS + 8)) >"$VDIR/peer-$interval.out" 2>&1 &
    peer=$!
    wait_for 90 grep -q '^up ' "$VDIR/peer-$interval.out"
    sleep 3
    f0=$(flaps)
    r0=$(rcvbuf_errors)
    t0=$(cpu_ticks)
    sleep "$SECS"
    t1=$(cpu_ticks)
    up=$(up_in_db)
    f1=$(flaps)
    r1=$(rcvbuf_errors)
    wait "$peer"
    hz=$(getconf CLK_TCK)
    printf '%s ms: vtepd CPU %.1f%% of one core over %d s; %d of %d up in Tunnel.bfd_status, %d flaps, %d datagrams dropped by full socket buffers meanwhile; peer: %s\n' \
        "$interval" "$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$SECS" 'BEGIN { print 100 * d / hz / s }')" \
        "$SECS" "$up" "$N" $((f1 - f0)) $((r1 - r0)) \
        "$(tr '\n' ' ' <"$VDIR/peer-$interval.out")"
done
set_bfd false 100

# ---- Fail-over ----
A=$(remote_ip 0) B=$(remote_ip 1)
vctl set Logical_Switch red replication_mode=service_node \
    -- add-mcast-remote red unknown-dst "$A" \
    -- add-mcast-remote red unknown-dst "$B"
a=()
for ip in "$A" "$B"; do
    u=$(vctl --bare --columns=_uuid find Tunnel \
        "remote=$(vctl --bare --columns=_uuid find Physical_Locator \
            dst_ip="$ip")")
    a+=(-- set Tunnel "$u" bfd_params:enable=true bfd_params:min_tx=100
        bfd_params:min_rx=100)
done
vctl "${a[@]:1}"
nsx red2 ping -b -q -i 0.002 10.0.0.255 >/dev/null 2>&1 &
ping_pid=$!
on_exit "kill $ping_pid 2>/dev/null"
nsx peer "$PEER" failover "$VTEP_IP" 10.100.0.1 100 "$CYCLES" \
    >"$VDIR/failover.out" 2>&1
kill "$ping_pid" 2>/dev/null
sort -n <(sed -n 's/^failover //p' "$VDIR/failover.out") >"$VDIR/ms"
n=$(wc -l <"$VDIR/ms")
if [ "$n" -eq 0 ]; then
    echo "fail-over: no figures"
    cat "$VDIR/failover.out"
    exit 1
fi
pct() { sed -n "$(((n * $1 + 99) / 100))p" "$VDIR/ms"; }
echo "fail-over of broadcasts, BFD 100 ms x 3, $n cycles:" \
    "p50 $(pct 50) ms, p99 $(pct 99) ms, min $(head -1 "$VDIR/ms") ms," \
    "max $(tail -1 "$VDIR/ms") ms"
