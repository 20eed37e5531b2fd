#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The software dataplane (vtep-sim) against the Linux kernel doing the same
# job, in one run on the namespace lab of tests/dataplane/sim-topology.sh.
# The vtep namespace forwards with a Linux bridge and a VXLAN device (the
# baseline), then with vtep-sim, for each figure in turn, on the same
# veths, with the same generator:
#
#   encap   port p1 -> VXLAN to the hypervisor (one remote FDB hit)
#   decap   VXLAN from the hypervisor -> port p1 (one local FDB hit)
#   local   port p1 -> port p2 (one local FDB hit)
#
# at 64-byte frames and at 1468-byte frames (1450-byte IP packets, the
# largest the tunnel's MTU takes), FCS included.  A generator
# (bench-sim-gen) offers as many frames as the kernel takes; the figures
# are what left the vtep namespace's output interface (p1 for decap, p2
# for local) or, for encap, the VXLAN datagrams the hypervisor's UDP
# stack received, counted by the kernel the same way for both.
# Then iperf3 TCP between red2 (behind p1) and red1 (behind the
# hypervisor's kernel VXLAN), both directions, through each; and the
# latency of vtep-sim control-socket commands during an encap flood.
#
# The machine may be shared: both dataplanes run in the same run, and the
# ratios are the figures to read.  Prints figures; asserts nothing.  Needs
# root, ip netns and iperf3 (make deps).  PERF=1 records a perf profile
# of vtep-sim during each of its runs into $OUT/perf-PATH-SIZE.data and
# $OUT/perf-tcp-DIR.data; PERF=all records the whole machine instead
# (the generator's CPU too), for the kernel's runs as well, into
# $OUT/perf-kernel-PATH-SIZE.data for those.  VTEP_SIM_RING=block measures
# vtep-sim with block rings on its ports (sim/port.h); SIM_OPTS adds
# options to vtep-sim's command line (e.g. --rx-usecs=0); TCP_CC sets
# iperf3's congestion control (-C; the header says which ran).  ROUNDS=N
# takes every figure N times, kernel and vtep-sim alternating, and
# summarizes each with medians and the range of the ratios.  vtep-sim's
# 'stats' after each pps run go to $OUT/stats-PATH-SIZE.txt.
set -u
BUILD=${BUILD:-build}
. tests/lib.sh
. tests/dataplane/sim-topology.sh

SECONDS_PER_RUN=${SECONDS_PER_RUN:-3}
ROUNDS=${ROUNDS:-3}
IPERF_SECONDS=${IPERF_SECONDS:-4}
SIZES=${SIZES:-"60 1464"}
PATHS=${PATHS:-"encap decap local"}
TCP_DIRS=${TCP_DIRS-"up down"}
GEN=$BUILD/tests/bench-sim-gen
OUT=${OUT:-$BUILD/bench-sim}
lab_require "sim-pps benchmark" iperf3
TMP=$(make_tmpdir)
lab_build

P1_MAC=02:00:00:00:09:01 P2_MAC=02:00:00:00:09:02 REMOTE_MAC=02:00:00:00:09:99
cat >"$TMP/pps.conf" <<EOF2
bridge bench 999 nolearning
bind p1 0 bench
bind p2 0 bench
fdb-local bench $P1_MAC p1 0
fdb-local bench $P2_MAC p2 0
fdb-remote bench $REMOTE_MAC $HV_IP
EOF2
cat >"$TMP/tcp.conf" <<EOF2
bridge red 100 source_node
bind p1 0 red
flood red $HV_IP
EOF2

# tx_packets IF: packets sent by interface IF of the vtep namespace; for
# IF "vxlan-in", the UDP datagrams the hypervisor's stack took (Udp
# InDatagrams), which counts each segment of a UDP GSO packet that u0's
# tx_packets counts once.
tx_packets() {
    if [ "$1" = vxlan-in ]; then
        nsx hv awk '/^Udp:/ && ++n == 2 { print $2 }' /proc/net/snmp
    else
        nsx vtep cat "/sys/class/net/$1/statistics/tx_packets"
    fi
}

# measure IF GENERATOR...: runs the generator; prints "OFFERED FORWARDED"
# in packets per second, forwarded counted on IF.
measure() {
    local ifname=$1 before after offered
    shift
    before=$(tx_packets "$ifname")
    offered=$("$@")
    sleep 0.2
    after=$(tx_packets "$ifname")
    echo "$((offered / SECONDS_PER_RUN)) $(((after - before) / SECONDS_PER_RUN))"
}

# sim_cpu: CPU time vtep-sim has used, user and system, in clock ticks.
sim_cpu() {
    awk '{ print $14 + $15 }' "/proc/$SIM_PID/stat"
}

# run_path WHO PATH SIZE: one path at one frame size; stores the
# forwarded rate in RESULT[WHO-PATH-SIZE] and prints a line.
declare -A RESULT CPU_NS
run_path() {
    local who=$1 path=$2 size=$3 r cpu= perf=
    if [ "$who" = vtep-sim ]; then
        cpu=$(sim_cpu)
        perf=$(perf_start "$path-$size" "$SECONDS_PER_RUN")
    elif [ "${PERF:-}" = all ]; then
        perf=$(perf_start "kernel-$path-$size" "$SECONDS_PER_RUN")
    fi
    case $path in
    encap)
        r=$(measure vxlan-in nsx red2 "$GEN" eth eth0 "$REMOTE_MAC" "$P1_MAC" \
            "$SECONDS_PER_RUN" "$size")
        ;;
    decap)
        r=$(measure p1 nsx hv "$GEN" vxlan "$VTEP_IP" 999 "$P1_MAC" \
            "$REMOTE_MAC" "$SECONDS_PER_RUN" "$size")
        ;;
    local)
        r=$(measure p2 nsx red2 "$GEN" eth eth0 "$P2_MAC" "$P1_MAC" \
            "$SECONDS_PER_RUN" "$size")
        ;;
    esac
    [ -n "$cpu" ] && cpu=$(($(sim_cpu) - cpu))
    perf_wait "$perf"
    if [ "$who" = vtep-sim ]; then
        mkdir -p "$OUT"
        ctl stats >"$OUT/stats-$path-$size.txt"
    fi
    report "$who" "$path" "$size" $r "$cpu"
}

# report WHO PATH SIZE OFFERED FORWARDED [TICKS]: TICKS is the CPU time
# vtep-sim used, printed per frame forwarded, the figure that the load of
# other jobs moves least.
report() {
    local per_frame=
    RESULT[$1-$2-$3]=$5
    if [ -n "${6:-}" ] && [ "$5" -gt 0 ]; then
        per_frame=$(awk -v t="$6" -v hz="$(getconf CLK_TCK)" -v f="$5" \
            -v s="$SECONDS_PER_RUN" \
            'BEGIN { printf "   vtep-sim CPU %.0f ns/frame", t / hz * 1e9 / (f * s) }')
        CPU_NS[$1-$2-$3]=${per_frame##* CPU }
    fi
    printf '%-8s %-6s %5d B   offered %9d pps   forwarded %9d pps%s\n' \
        "$1" "$2" $(($3 + 4)) "$4" "$5" "$per_frame"
}

# iperf FROM TO_IP [-R]: iperf3 for IPERF_SECONDS; prints Mbit/s received.
iperf() {
    local from=$1 ip=$2 pid
    shift 2
    nsx red1 timeout 60 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
    pid=$!
    wait_for 5 nsx red1 sh -c "ss -ltn | grep -q ':5201 '"
    nsx "$from" timeout 60 iperf3 -c "$ip" -p 5201 -t "$IPERF_SECONDS" -J \
        ${TCP_CC:+-C "$TCP_CC"} "$@" \
        | python3 -c 'import json, sys
print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' \
        2>/dev/null || echo 0
    wait "$pid"
}

# perf_start NAME SECONDS: with PERF set, records a profile of vtep-sim
# for SECONDS into $OUT/perf-NAME.data in the background; prints its PID
# for perf_wait.
perf_start() {
    [ -n "${PERF:-}" ] || return 0
    mkdir -p "$OUT"
    local target=(-a)
    [ "$PERF" = all ] || target=(-p "$SIM_PID")
    perf record -q -g "${target[@]}" -o "$OUT/perf-$1.data" \
        -- sleep "$2" >/dev/null 2>&1 &
    echo $!
}

# perf_wait [PID]: waits for perf_start's recording to end.
perf_wait() {
    while [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; do
        sleep 0.1
    done
}

# sim_ucpu: the user part of sim_cpu.
sim_ucpu() {
    awk '{ print $14 }' "/proc/$SIM_PID/stat"
}

# run_tcp WHO DIR: iperf3 red2 -> red1 (DIR up) or back (down).  For
# vtep-sim, also the CPU time it used per GB carried (the whole run,
# iperf3's start included, over the bytes its rate makes in
# IPERF_SECONDS), and its user part (the rest is the kernel's, much of it
# the receiver's softirq run in vtep-sim's sends over veth).
run_tcp() {
    local who=$1 dir=$2 perf= cpu= ucpu= per_gb=
    if [ "$who" = vtep-sim ]; then
        cpu=$(sim_cpu)
        ucpu=$(sim_ucpu)
        perf=$(perf_start "tcp-$dir" "$IPERF_SECONDS")
    fi
    if [ "$dir" = up ]; then
        RESULT[$who-tcp-up]=$(iperf red2 "$RED1_IP")
    else
        RESULT[$who-tcp-down]=$(iperf red2 "$RED1_IP" -R)
    fi
    perf_wait "$perf"
    if [ -n "$cpu" ] && [ "${RESULT[$who-tcp-$dir]}" -gt 0 ]; then
        per_gb=$(awk -v t="$(($(sim_cpu) - cpu))" -v hz="$(getconf CLK_TCK)" \
            -v u="$(($(sim_ucpu) - ucpu))" -v r="${RESULT[$who-tcp-$dir]}" \
            -v s="$IPERF_SECONDS" \
            'BEGIN { gb = r * s / 8000
                     printf "   vtep-sim CPU %.2f s/GB, user %.2f", t / hz / gb, u / hz / gb }')
        CPU_NS[$who-tcp-$dir]=${per_gb##* CPU }
    fi
    printf '%-8s iperf3 %-4s %6d Mbit/s%s\n' "$who" "$dir" \
        "${RESULT[$who-tcp-$dir]}" "$per_gb"
}

# The baseline: what 'lab_hv_vni' builds on the hypervisor, in the vtep
# namespace, with static FDB entries for the pps paths.
kernel_pps_up() {
    nsx vtep ip link add br999 type bridge
    nsx vtep ip link add vx999 type vxlan id 999 dstport 4789 \
        local "$VTEP_IP" nolearning
    local p
    for p in p1 p2 vx999; do
        nsx vtep ip link set "$p" master br999
        nsx vtep bridge link set dev "$p" learning off
    done
    nsx vtep bridge fdb add "$P1_MAC" dev p1 master static
    nsx vtep bridge fdb add "$P2_MAC" dev p2 master static
    nsx vtep bridge fdb add "$REMOTE_MAC" dev vx999 master static
    nsx vtep bridge fdb append "$REMOTE_MAC" dev vx999 dst "$HV_IP"
    nsx vtep ip link set vx999 up
    nsx vtep ip link set br999 up
}

kernel_tcp_up() {
    nsx vtep ip link add br100 type bridge
    nsx vtep ip link add vx100 type vxlan id 100 dstport 4789 \
        local "$VTEP_IP" nolearning
    nsx vtep ip link set vx100 master br100 up
    nsx vtep ip link set p1 master br100
    nsx vtep bridge fdb append 00:00:00:00:00:00 dev vx100 dst "$HV_IP"
    nsx vtep ip link set br100 up
}

kernel_down() {
    local dev
    for dev in br999 vx999 br100 vx100; do
        nsx vtep ip link del "$dev" 2>/dev/null
    done
}

sim_stop() {
    kill "$SIM_PID"
    wait "$SIM_PID" 2>/dev/null
}

# ctl_latency: times control-socket commands ('stats', connection
# included) during an encap flood; prints the percentiles.
ctl_latency() {
    nsx red2 "$GEN" eth eth0 "$REMOTE_MAC" "$P1_MAC" 4 >/dev/null &
    local gen=$!
    sleep 0.5
    python3 - "$CTL" <<'EOF2'
import socket, sys, time
lat = []
for _ in range(200):
    t = time.perf_counter()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.sendall(b"stats\n")
    while s.recv(65536):
        pass
    s.close()
    lat.append((time.perf_counter() - t) * 1000)
    time.sleep(0.01)
lat.sort()
print("vtep-sim control socket during an encap flood, 200 commands: "
      "p50 %.2f ms, p99 %.2f ms, max %.2f ms"
      % (lat[100], lat[197], lat[-1]))
EOF2
    wait "$gen"
}

gso_out="whole through a TAP device where the kernel can"
[ "${VTEP_SIM_GSO_TAP:-}" = 0 ] && gso_out="UDP_SEGMENT"
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "${SECONDS_PER_RUN} s per pps run, ${IPERF_SECONDS} s per iperf3 run," \
    "vtep-sim's port receive rings: ${VTEP_SIM_RING:-adaptive}," \
    "TCP super-frames to VXLAN: $gso_out," \
    "TCP congestion control: ${TCP_CC:-$(nsx red2 sysctl -n net.ipv4.tcp_congestion_control)}"
# Each figure right after the kernel's, so that the load of other jobs,
# which changes from minute to minute, weighs on both alike.
# With ROUNDS > 1, each figure is taken ROUNDS times, alternating, and
# the summary gives the median of each dataplane's rate and of the
# rounds' ratios, with their range.
declare -A ROUND_K ROUND_S ROUND_R ROUND_C
# keep_round KEY: adds the round just measured for KEY to the lists.
keep_round() {
    local k=${RESULT[kernel-$1]} s=${RESULT[vtep-sim-$1]} c
    ROUND_K[$1]+=" $k"
    ROUND_S[$1]+=" $s"
    ROUND_R[$1]+=" $(awk -v a="$s" -v b="$k" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
    c=${CPU_NS[vtep-sim-$1]:-0}
    ROUND_C[$1]+=" ${c%% *}"
    unset "CPU_NS[vtep-sim-$1]"
}

# median LIST...: the median of the numbers (the lower one of an even
# count's middle two).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

for round in $(seq "$ROUNDS"); do
    for size in $SIZES; do
        for path in $PATHS; do
            kernel_pps_up
            run_path kernel "$path" "$size"
            kernel_down
            lab_start "$TMP/pps.conf" ${SIM_OPTS:-}
            run_path vtep-sim "$path" "$size"
            sim_stop
            keep_round "$path-$size"
        done
    done
    for dir in $TCP_DIRS; do
        kernel_tcp_up
        run_tcp kernel "$dir"
        kernel_down
        lab_start "$TMP/tcp.conf" ${SIM_OPTS:-}
        run_tcp vtep-sim "$dir"
        sim_stop
        keep_round "tcp-$dir"
    done
done

# summary KEY: "KERNEL VTEP-SIM RATIO" medians into SUMMARY, " (median of
# N: LOW-HIGH)" into SUMMARY_RANGE when there were rounds, and the median
# CPU figure into SUMMARY_CPU.
summary() {
    local r
    r=$(printf '%s\n' ${ROUND_R[$1]} | sort -g | tr '\n' ' ')
    SUMMARY="$(median ${ROUND_K[$1]}) $(median ${ROUND_S[$1]}) $(median ${ROUND_R[$1]})"
    SUMMARY_RANGE=
    if [ "$ROUNDS" -gt 1 ]; then
        SUMMARY_RANGE=" (median of $ROUNDS: ${r%% *}-$(echo $r | awk '{ print $NF }'))"
    fi
    SUMMARY_CPU=$(median ${ROUND_C[$1]})
}
lab_start "$TMP/pps.conf" ${SIM_OPTS:-}
ctl_latency
sim_stop

mkdir -p "$OUT"
: >"$OUT/pps.dat"
: >"$OUT/tcp.dat"
echo
echo "vtep-sim / kernel, forwarded packets per second (load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg)):"
for size in $SIZES; do
    for path in $PATHS; do
        summary "$path-$size"
        read -r k s ratio <<<"$SUMMARY"
        printf '  %-6s %5d B   kernel %9d   vtep-sim %9d   ratio %s%s   (%s ns/frame)\n' \
            "$path" $((size + 4)) "$k" "$s" "$ratio" "$SUMMARY_RANGE" \
            "$SUMMARY_CPU"
        echo "$path-$((size + 4))B $((k / 1000)) $((s / 1000))" >>"$OUT/pps.dat"
    done
done
for dir in $TCP_DIRS; do
    summary "tcp-$dir"
    read -r k s ratio <<<"$SUMMARY"
    printf '  iperf3 %-4s kernel %6d Mbit/s   vtep-sim %6d Mbit/s   ratio %s%s   (%s s/GB)\n' \
        "$dir" "$k" "$s" "$ratio" "$SUMMARY_RANGE" "$SUMMARY_CPU"
    echo "$( [ $dir = up ] && echo red2-to-red1 || echo red1-to-red2) $k $s" \
        >>"$OUT/tcp.dat"
done
if command -v gnuplot >/dev/null; then
    gnuplot -e "data='$OUT'; out='$OUT'" tests/bench/sim-pps.gp &&
        echo "plot: $OUT/bench-sim-pps.png"
fi
