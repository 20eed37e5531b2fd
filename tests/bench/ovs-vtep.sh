#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Figure (7c) of issue #9: remote MACs written in ONE transaction until the
# VTEP has programmed them, vtepd (asic backend) against Debian's VTEP
# emulator, ovs-vtep, on Open vSwitch's userspace datapath.
#
# ovs-vtep: ovsdb-server serving the Open_vSwitch and hardware_vtep
# databases, ovs-vswitchd (in a network namespace of its own), bridge br0
# (datapath_type=netdev) with port p0, and ovs-vtep emulating physical
# switch br0.  Logical switch ls0 (tunnel key 5000) is bound to p0 and has
# one remote MAC, so that ovs-vtep has made its bridge, br0_vtep_ls1, and
# the VXLAN tunnel to 198.51.100.2.  Then ovsdb-load writes N
# Ucast_Macs_Remote rows (02:00:00:00:xx:xx, in ls0, at 198.51.100.2) in
# one transaction, and the clock runs until br0_vtep_ls1 has one table-1
# flow per MAC (ovs-vtep adds "dl_dst=MAC,actions=output:TUNNEL" with one
# ovs-ofctl call each).  vtepd gets the same configuration and the same
# transaction; its clock runs until its HAL's FDB has grown by N
# (tests/bench/hal_poll.py), and then memory/show must say vtep-pending:0
# with hal-entries grown by N.  CPU time of each daemon (with ovs-vtep's
# children) is reported beside the wall clock.
#
# Usage: ovs-vtep.sh [--quick]
#   --quick   200 MACs (and 2,000 for vtepd), one round: seconds.
#
# Environment: BUILD (default build), BENCH_OUT (results.txt is appended
# to; default $BUILD/bench), ROUNDS (vtepd rounds, median; default 3),
# OVS_VTEP_LIMIT (seconds ovs-vtep gets before its rate is taken from what
# it has done so far; default 600).
set -u
BUILD=${BUILD:-build}
. tests/lib.sh
. tests/interop/hal-lib.sh
. tests/bench/ovs-vtep-lib.sh

if [ "${1:-}" = --quick ]; then
    ROUNDS=1 N=200 N_BIG=2000 LIMIT=60
else
    ROUNDS=${ROUNDS:-3} N=5000 N_BIG=100000 LIMIT=${OVS_VTEP_LIMIT:-600}
fi
LOAD=$BUILD/tests/ovsdb-load
OUT=${BENCH_OUT:-$BUILD/bench}
PS=br0
TUNNEL_IP=192.0.2.1
REMOTE_IP=198.51.100.2
ANCHOR=02:ff:ff:ff:ff:fe

if [ ! -x "$BIN/vtepd" ] || [ ! -x "$LOAD" ]; then
    skip "ovs-vtep benchmark ($BIN/vtepd or $LOAD not built)"
    exit 0
fi
why=$(ovs_vtep_missing)
if [ -n "$why" ]; then
    skip "ovs-vtep benchmark ($why)"
    exit 0
fi
mkdir -p "$OUT"
tmp=$(make_tmpdir)

# configure VTEP-CTL...: ls0 with tunnel key 5000 bound to PORT, and the
# anchor MAC that makes the locator ovsdb-load's rows point at.
configure() {
    local port=$1
    shift
    "$@" add-ls ls0 -- set Logical_Switch ls0 tunnel_key=5000 \
        -- bind-ls $PS "$port" 0 ls0 &&
        "$@" add-ucast-remote ls0 $ANCHOR $REMOTE_IP
}

# insert N SOCKET: the one transaction of N remote MACs.
insert() {
    "$LOAD" unix:"$2" --rows="$1" --batch="$1" insert >/dev/null
}

# ovs_vtep_run N: how long ovs-vtep took to program N MACs into o_secs
# (or how many it had after LIMIT seconds into o_got), and the CPU seconds
# of ovs-vtep with its ovs-ofctl/vtep-ctl children, ovs-vswitchd and
# ovsdb-server meanwhile into o_cpu (and each one's into o_parts).  Runs in the script's shell (not in a
# command substitution), where on_exit cleans up.
ovs_vtep_run() {
    local n=$1 dir=$tmp/ovs br start_ns c0 ms pids
    mkdir -p "$dir"
    ovs_vtep_env "$dir"
    br=$(ovs_vtep_ls_bridge $PS)
    start_ovs_vtep "$dir" $PS $TUNNEL_IP || return 1
    # ovs-vtep copies the bridge's ports into the VTEP database.
    wait_for 30 bash -c "vtep-ctl list-ports $PS | grep -qx p0" &&
        configure p0 vtep-ctl &&
        wait_for 60 bash -c "ovs-ofctl dump-flows $br table=1 2>/dev/null |
            grep -q dl_dst=$ANCHOR" || return 1
    local parts=(ovs-vtep ovs-vswitchd ovsdb-server) p c0s=()
    pids=
    for p in "${parts[@]}"; do
        pids="$pids $(cat "$dir/$p.pid")"
        c0s+=("$(cpu_secs "$(cat "$dir/$p.pid")")")
    done
    # shellcheck disable=SC2086
    c0=$(cpu_secs $pids)
    start_ns=$(date +%s%N)
    insert "$n" "$dir/db.sock" || return 1
    while :; do
        o_got=$(ovs_vtep_flows "$br" "dl_dst=02:00:")
        ms=$(ms_since "$start_ns")
        [ "$o_got" -ge "$n" ] || [ "$ms" -ge $((LIMIT * 1000)) ] && break
        ovs_vtep_nap "$o_got" "$n"
    done
    # shellcheck disable=SC2086
    o_cpu=$(minus "$(cpu_secs $pids)" "$c0")
    o_parts=
    for p in "${!parts[@]}"; do
        o_parts="$o_parts, ${parts[$p]} $(minus \
            "$(cpu_secs "$(cat "$dir/${parts[$p]}.pid")")" "${c0s[$p]}")"
    done
    o_secs=$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')
    # Nothing of it may take CPU from the vtepd runs.
    # shellcheck disable=SC2086
    kill $pids
}

# vtepd_run N: "SECONDS CPU" appended to runs[], for a fresh vtepd to put
# N MACs into the asic model: until its FDB holds them (hal_poll.py, which
# asks every millisecond once the database has them), then checks that
# memory/show agrees (vtep-pending:0, hal-entries grown by N).
vtepd_run() {
    local n=$1 dir base fdb start_ns end_ns c0 pid poller
    dir=$(mktemp -d "$tmp/vtepd.XXXXXX")
    start_vtepd_bench "$dir" --switch-name=$PS --tunnel-ip=$TUNNEL_IP ||
        return 1
    if ! configure swp1 vtep-ctl --db=unix:"$dir/db.sock" ||
        ! wait_for 30 hal_fdb_at_least "$dir/ctl" 1; then
        echo "vtepd in $dir: configuration not programmed" >&2
        return 1
    fi
    base=$(vtepd_hal_entries "$dir/ctl") fdb=$(hal_fdb "$dir/ctl")
    $PY tests/bench/hal_poll.py "$dir/db.sock" "$dir/ctl" $((fdb + n)) 600 \
        >"$dir/when" &
    poller=$!
    on_exit "kill $poller 2>/dev/null"
    sleep 0.2
    pid=$(cat "$dir/pid")
    c0=$(cpu_secs "$pid")
    start_ns=$(date +%s%N)
    insert "$n" "$dir/db.sock" ||
        { echo "vtepd in $dir: insert failed" >&2; return 1; }
    wait $poller ||
        { echo "vtepd in $dir: hal_poll.py failed" >&2; return 1; }
    read -r _ end_ns <"$dir/when"
    runs+=("$(awk -v ns=$((end_ns - start_ns)) \
        'BEGIN { printf "%.3f", ns / 1e9 }') $(minus "$(cpu_secs "$pid")" "$c0")")
    if ! wait_for 30 hal_entries_at_least "$dir/ctl" $((base + n)); then
        echo "vtepd in $dir: memory/show disagrees:" \
            "$(ovs-appctl -t "$dir/ctl" memory/show)" >&2
        return 1
    fi
    stop_vtepd "$dir"
    rm -rf "$dir"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# vtepd_median N: medians of ROUNDS fresh runs into r_secs and r_cpu.
vtepd_median() {
    local _
    runs=()
    for _ in $(seq "$ROUNDS"); do
        vtepd_run "$1" || return 1
    done
    r_secs=$(printf '%s\n' "${runs[@]}" | awk '{ print $1 }' | median)
    r_cpu=$(printf '%s\n' "${runs[@]}" | awk '{ print $2 }' | median)
}

# rate N SECONDS: N / SECONDS, no decimals (0 if SECONDS is 0).
rate() {
    awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'
}

# report NAME VTEPD OVS-VTEP TARGET: one result line, ratio vtepd/ovs-vtep
# (higher is better); TARGET "-" for none.
report() {
    local name=$1 v=$2 o=$3 target=$4 ratio met=-
    ratio=$(awk -v v="$v" -v o="$o" \
        'BEGIN { if (o > 0) printf "%.0f", v / o; else print "-" }')
    [ "$ratio" = 0 ] && ratio=$(awk -v v="$v" -v o="$o" \
        'BEGIN { printf "%.2f", v / o }')
    if [ "$target" != - ] && [ "$ratio" != - ]; then
        met=$(awk -v x="$ratio" -v t="$target" \
            'BEGIN { print (x >= t ? "yes" : "NO") }')
        target=">=$target"
    fi
    printf '%-44s vtepd %-12s ovs-vtep %-12s ratio %-6s target %s %s\n' \
        "$name" "$v" "$o" "$ratio" "$target" "$met" |
        tee -a "$OUT/results.txt"
}

echo "ovs-vtep: vtepd $("$BIN/vtepd" --version | head -1) vs ovs-vtep" \
    "$("$OVS_VTEP" --version 2>&1 | head -1) on $(ovs-vswitchd --version |
        head -1), datapath_type=netdev; vtepd rounds $ROUNDS" |
    tee -a "$OUT/results.txt"

o_got=0 o_cpu=
ovs_vtep_run "$N"
if [ -z "$o_cpu" ]; then
    fail "ovs-vtep set-up (logs in $tmp/ovs)"
    tail -5 "$tmp"/ovs/*.log
    exit 1
fi
if [ "$o_got" -lt "$N" ]; then
    echo "ovs-vtep programmed only $o_got of $N MACs in $o_secs s;" \
        "its rate below is extrapolated from those" |
        tee -a "$OUT/results.txt"
fi
if ! vtepd_median "$N"; then
    fail "vtepd with $N MACs"
    exit 1
fi
v_secs=$r_secs v_cpu=$r_cpu
vtepd_median "$N_BIG" || { fail "vtepd with $N_BIG MACs"; exit 1; }
b_secs=$r_secs b_cpu=$r_cpu
echo "(7c) $N MACs in one transaction until programmed: vtepd $v_secs s" \
    "(CPU $v_cpu s), ovs-vtep $o_secs s for $o_got (CPU $o_cpu s$o_parts);" \
    "vtepd $N_BIG MACs $b_secs s (CPU $b_cpu s)" | tee -a "$OUT/results.txt"
report "(7c) $N MACs, one transaction (MACs/s)" "$(rate "$N" "$v_secs")" \
    "$(rate "$o_got" "$o_secs")" 1000
report "(7c) $N MACs, one transaction (MACs/CPU-s)" \
    "$(rate "$N" "$v_cpu")" "$(rate "$o_got" "$o_cpu")" -
report "(7c) $N_BIG MACs, one transaction (MACs/s)" \
    "$(rate "$N_BIG" "$b_secs")" - -
finish
