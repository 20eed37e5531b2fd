#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd against Debian's ovsdb-server on identical RFC 7047 loads, in one
# run, alternating between the two, each server fresh for each load.
# Prints one line per figure with both values, the ratio and the target;
# asserts nothing about timing.
#
# Usage: ovsdb-load.sh [--quick]
#   --quick   tiny sizes, one round: checks that the harness works
#             (tests/bench/ovsdb-load-smoke.sh runs this from 'make check').
#
# Environment: BUILD (default build), BENCH_OUT (where results.txt and the
# plot data go; default $BUILD/bench), ROUNDS (default 3; medians).
#
# vtepd runs its default asic backend unless a line says "hal=none": the
# memory and restart figures at 1M rows are DB-only, because 1M remote MACs
# do not fit the default platform's 294,912-entry FDB.
set -u
BUILD=${BUILD:-build}
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

quick=false
[ "${1:-}" = --quick ] && quick=true
if $quick; then
    ROUNDS=1 N_SEQ=200 N_PIPE=500 N_BATCH=5000 N_MEM1=2000 N_MEM2=5000
    FANOUT_CLIENTS="1 5 20" FANOUT_COMMITS=20 N_CONVERGE=2000
else
    ROUNDS=${ROUNDS:-3} N_SEQ=20000 N_PIPE=50000 N_BATCH=100000
    N_MEM1=100000 N_MEM2=1000000
    FANOUT_CLIENTS="1 50 500" FANOUT_COMMITS=300 N_CONVERGE=100000
fi
LOAD=$BUILD/tests/ovsdb-load
OUT=${BENCH_OUT:-$BUILD/bench}
mkdir -p "$OUT"
: >"$OUT/results.txt"

if ! have_ovs; then
    skip "ovsdb-load benchmark (ovsdb-server or vtep.ovsschema missing)"
    exit 0
fi
ulimit -n 4096 2>/dev/null || true
tmp=$(make_tmpdir)

# new_dir: prints a fresh directory for one server instance.
new_dir() { mktemp -d "$tmp/s.XXXXXX"; }

# start KIND DIR [ARG...]: starts "ref" (ovsdb-server) or "vtepd" in DIR
# and waits until it answers.
start() {
    local kind=$1 dir=$2
    shift 2
    if [ "$kind" = ref ]; then
        start_ref "$dir" 2>/dev/null || return 1
    else
        mkdir -p "$dir"
        $BIN/vtepd --remote=punix:"$dir/db.sock" --unixctl="$dir/ctl" \
            --pidfile="$dir/pid" --log-file="$dir/log" "$@" \
            "$dir/vtep.db" >>"$dir/stderr" 2>&1 &
        on_exit "kill $! 2>/dev/null"
    fi
    "$LOAD" --timeout=60 unix:"$dir/db.sock" ready >/dev/null
}

# stop DIR: stops the server of DIR and waits until it has gone.
stop_server() {
    local pid
    pid=$(cat "$1/pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null
    wait_for 60 bash -c "! kill -0 $pid 2>/dev/null"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$1/pid")/status"; }

# field NAME: the value of NAME=VALUE on the line read from stdin.
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# report FIGURE VTEPD REF TARGET-OP TARGET: prints and records a figure.
# TARGET-OP is ">=" (higher is better, ratio vtepd/ref) or "<=".
report() {
    local name=$1 v=$2 r=$3 op=$4 target=$5 ratio met
    ratio=$(awk -v v="$v" -v r="$r" 'BEGIN { printf "%.2f", (r > 0 ? v / r : 0) }')
    if [ "$op" = "-" ]; then
        met=- op= target=-
    else
        met=$(awk -v x="$ratio" -v t="$target" -v op="$op" 'BEGIN {
            ok = op == ">=" ? x >= t : x <= t; print ok ? "yes" : "NO" }')
    fi
    printf '%-44s vtepd %-12s ovsdb-server %-12s ratio %-6s target %s%s %s\n' \
        "$name" "$v" "$r" "$ratio" "$op" "$target" "$met" |
        tee -a "$OUT/results.txt"
}

# Extra options for vtepd in loads (1)-(3) (none: its defaults).
VTEPD_ARGS=()

# insert_rate KIND ARGS...: rows/s of one insert load on a fresh server.
insert_rate() {
    local kind=$1 dir
    shift
    dir=$(new_dir)
    start "$kind" "$dir" "${VTEPD_ARGS[@]}" || { echo 0; return; }
    "$LOAD" unix:"$dir/db.sock" "$@" insert | field rows_per_s
    stop_server "$dir"
}

# throughput NAME LABEL ARGS...: loads (1)-(3), ROUNDS alternating rounds
# each; LABEL names the load in the plot.
throughput() {
    local name=$1 label=$2 r v=() f=()
    shift 2
    for r in $(seq "$ROUNDS"); do
        v+=("$(insert_rate vtepd "$@")")
        f+=("$(insert_rate ref "$@")")
    done
    v=$(printf '%s\n' "${v[@]}" | median)
    f=$(printf '%s\n' "${f[@]}" | median)
    report "$name (rows/s)" "$v" "$f" ">=" 3
    echo "\"$label\" $v $f" >>"$OUT/throughput.dat"
}

# memory KIND: bytes of RSS per row at N_MEM1 and N_MEM2 rows into
# mem1_KIND and mem2_KIND; leaves the server running, its directory in
# mem_dir_KIND for the restart figure.  Not for a subshell: the server
# would keep the command substitution's pipe open.
memory() {
    local kind=$1 dir base before after1 after2 args=()
    dir=$(new_dir)
    [ "$kind" = vtepd ] && args=(--hal=none)
    start "$kind" "$dir" "${args[@]}" || return 1
    before=$(rss_kb "$dir")
    "$LOAD" unix:"$dir/db.sock" --rows="$N_MEM1" --batch=1000 insert >/dev/null
    after1=$(rss_kb "$dir")
    base=$N_MEM1
    "$LOAD" unix:"$dir/db.sock" --rows=$((N_MEM2 - N_MEM1)) --base="$base" \
        --batch=1000 insert >/dev/null
    after2=$(rss_kb "$dir")
    eval "mem_dir_$kind=$dir"
    eval "mem1_$kind=$(((after1 - before) * 1024 / N_MEM1))"
    eval "mem2_$kind=$(((after2 - before) * 1024 / N_MEM2))"
}

# restart DIR KIND: seconds from exec until the server answers list_dbs.
restart() {
    local dir=$1 kind=$2 start_ns end_ns
    stop_server "$dir"
    start_ns=$(date +%s%N)
    if [ "$kind" = ref ]; then
        ovsdb-server --remote=punix:"$dir/db.sock" --unixctl="$dir/ctl" \
            --pidfile="$dir/pid" --log-file="$dir/log" "$dir/ref.db" \
            >>"$dir/stderr" 2>&1 &
    else
        $BIN/vtepd --hal=none --remote=punix:"$dir/db.sock" \
            --unixctl="$dir/ctl" --pidfile="$dir/pid" --log-file="$dir/log" \
            "$dir/vtep.db" >>"$dir/stderr" 2>&1 &
    fi
    on_exit "kill $! 2>/dev/null"
    "$LOAD" --timeout=600 unix:"$dir/db.sock" ready >/dev/null
    end_ns=$(date +%s%N)
    awk -v ns=$((end_ns - start_ns)) 'BEGIN { printf "%.3f", ns / 1e9 }'
    stop_server "$dir"
}

# fanout KIND CLIENTS: "p50 p99" in ms on a fresh server.
fanout() {
    local kind=$1 clients=$2 dir line
    dir=$(new_dir)
    start "$kind" "$dir" || return 1
    line=$("$LOAD" unix:"$dir/db.sock" --clients="$clients" \
        --commits="$FANOUT_COMMITS" fanout)
    echo "$(echo "$line" | field p50_ms) $(echo "$line" | field p99_ms)"
    stop_server "$dir"
}

# converge_asic: seconds from sending one N_CONVERGE-row transaction until
# the asic model holds every entry (memory/show: vtep-pending:0 and the
# entries counted).  The clock starts when ovsdb-load begins to send
# (its send_ns), not when it starts: its own start, the setup
# transactions and formatting the request are not the server's time.
converge_asic() {
    local dir line txn
    dir=$(new_dir)
    start vtepd "$dir" || return 1
    line=$("$LOAD" unix:"$dir/db.sock" --rows="$N_CONVERGE" \
        --batch="$N_CONVERGE" insert)
    txn=$(echo "$line" | field seconds)
    until converged "$dir" "$N_CONVERGE"; do :; done
    echo "$(seconds_since "$(echo "$line" | field send_ns)") $txn"
    stop_server "$dir"
}

# converged DIR N: true once vtepd's reconciler has nothing pending and
# the HAL holds at least N entries.
converged() {
    ovs-appctl -t "$1/ctl" memory/show |
        awk -v n="$2" '{ for (i = 1; i <= NF; i++) {
            split($i, kv, ":"); m[kv[1]] = kv[2] } }
            END { exit !(m["vtep-pending"] == 0 && m["hal-entries"] >= n) }'
}

# seconds_since START_NS: elapsed seconds, three decimals.
seconds_since() {
    awk -v ns=$(($(date +%s%N) - $1)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}

# converge_netdev NS: seconds from sending one N_CONVERGE-row transaction
# (ovsdb-load's send_ns, as in converge_asic) until vtepd --hal=netdev,
# running in network namespace NS, has programmed every entry; then checks
# the kernel's FDB holds them.
converge_netdev() {
    local ns=$1 dir start_ns secs n
    dir=$(new_dir)
    ip netns add "$ns" || return 1
    on_exit "ip netns del $ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" $BIN/vtepd --hal=netdev --tunnel-ip=192.0.2.1 \
        --remote=punix:"$dir/db.sock" --unixctl="$dir/ctl" \
        --pidfile="$dir/pid" --log-file="$dir/log" "$dir/vtep.db" \
        >>"$dir/stderr" 2>&1 &
    on_exit "kill $! 2>/dev/null"
    "$LOAD" --timeout=60 unix:"$dir/db.sock" ready >/dev/null || return 1
    start_ns=$("$LOAD" unix:"$dir/db.sock" --rows="$N_CONVERGE" \
        --batch="$N_CONVERGE" insert | field send_ns)
    until converged "$dir" "$N_CONVERGE"; do :; done
    secs=$(seconds_since "$start_ns")
    n=$(ip netns exec "$ns" bridge fdb show | grep -c 'dst 198\.51\.100\.2')
    stop_server "$dir"
    ip netns del "$ns"
    echo "$secs $n"
}

# bridge_batch NS: seconds 'bridge -batch' takes for the same entries into
# a VXLAN device of a fresh namespace.
bridge_batch() {
    local ns=$1 start_ns secs
    ip netns add "$ns" || return 1
    on_exit "ip netns del $ns"
    ip -n "$ns" link add vxb type vxlan id 5000 local 192.0.2.1 \
        dstport 4789 nolearning
    awk -v n="$N_CONVERGE" 'BEGIN { for (i = 0; i < n; i++)
        printf "fdb add 02:%02x:%02x:%02x:%02x:%02x dev vxb self dst 198.51.100.2 permanent\n",
            0, int(i / 16777216) % 256, int(i / 65536) % 256,
            int(i / 256) % 256, i % 256 }' >"$tmp/batch"
    start_ns=$(date +%s%N)
    ip netns exec "$ns" bridge -batch "$tmp/batch"
    secs=$(seconds_since "$start_ns")
    ip netns del "$ns"
    echo "$secs"
}

echo "ovsdb-load: vtepd $($BIN/vtepd --version | head -1) vs" \
    "$(ovsdb-server --version | head -1); rounds $ROUNDS" |
    tee -a "$OUT/results.txt"
: >"$OUT/throughput.dat"
throughput "(1) sequential 1-row inserts" "1 in flight" --rows="$N_SEQ"
# The same with vtepd spinning up to 50 us for the next request instead of
# sleeping at once (see docs/benchmarks.md, "Busy polling"): what (1)
# costs in wake-ups when vtepd has a CPU to itself.
VTEPD_ARGS=(--busy-poll=50)
throughput "(1) sequential 1-row inserts, --busy-poll=50" \
    "1 in flight, busy-poll" --rows="$N_SEQ"
VTEPD_ARGS=()
throughput "(2) 1-row inserts, 64 in flight" "64 in flight" \
    --rows="$N_PIPE" --inflight=64
throughput "(3) 1000-row transactions" "1000-row txns" \
    --rows="$N_BATCH" --batch=1000

memory vtepd
memory ref
# shellcheck disable=SC2154
v1=$mem1_vtepd v2=$mem2_vtepd f1=$mem1_ref f2=$mem2_ref
report "(4) RSS bytes/row at $N_MEM1 rows (hal=none)" "$v1" "$f1" "<=" 0.25
report "(4) RSS bytes/row at $N_MEM2 rows (hal=none)" "$v2" "$f2" "<=" 0.25
printf '%s %s %s\n%s %s %s\n' "$N_MEM1" "$v1" "$f1" "$N_MEM2" "$v2" "$f2" \
    >"$OUT/memory.dat"
# shellcheck disable=SC2154
v=$(restart "$mem_dir_vtepd" vtepd)
# shellcheck disable=SC2154
f=$(restart "$mem_dir_ref" ref)
report "(5) restart with $N_MEM2 rows (s, hal=none)" "$v" "$f" "<=" 0.5
rm -rf "$mem_dir_vtepd" "$mem_dir_ref"

: >"$OUT/fanout.dat"
for c in $FANOUT_CLIENTS; do
    read -r v50 v99 <<<"$(fanout vtepd "$c")"
    read -r f50 f99 <<<"$(fanout ref "$c")"
    report "(6) fan-out p50 to $c clients (ms)" "$v50" "$f50" "-" "-"
    report "(6) fan-out p99 to $c clients (ms)" "$v99" "$f99" "<=" 1
    echo "$c $v50 $v99 $f50 $f99" >>"$OUT/fanout.dat"
done

read -r v txn <<<"$(converge_asic)"
echo "(7) asic convergence of $N_CONVERGE remote MACs in one transaction:" \
    "$v s, of which the transaction until its reply $txn s" \
    "(target < 0.3 s)" | tee -a "$OUT/results.txt"

if [ "$(id -u)" -ne 0 ] || ! ip netns add "olb$$" 2>/dev/null; then
    skip "netdev convergence (needs root and ip netns)"
else
    ip netns del "olb$$"
    read -r v n <<<"$(converge_netdev "olv$$")"
    b=$(bridge_batch "olb$$")
    echo "(7) netdev: $N_CONVERGE remote MACs in the kernel FDB ($n counted)" \
        "vtepd $v s, bridge -batch $b s," \
        "ratio $(awk -v v="$v" -v b="$b" 'BEGIN { printf "%.2f", (b > 0 ? v / b : 0) }')" \
        "(target <= 1.25)" | tee -a "$OUT/results.txt"
fi

if command -v gnuplot >/dev/null; then
    gnuplot -e "data='$OUT'; out='$OUT'" tests/bench/ovsdb-load.gp &&
        echo "plots: $OUT/bench-*.png"
fi
