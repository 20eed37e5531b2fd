#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue #21's figures: vtepd in client mode on a 3-member OVSDB Raft
# cluster of real ovsdb-servers on loopback (asic backend).
#
#  1. Leader kill to the HAL tracking the database again, over KILLS kills
#     (default 10): the leader is SIGKILLed, a controller (vtep-ctl, retried
#     until it commits on the new leader) adds one remote MAC, and the
#     clock stops when the MAC is in the HAL.  The killed member is
#     restarted and rejoins before the next round.
#  2. Reconnection cost with ROWS (default 100000) Ucast_Macs_Remote rows:
#     replica/reconnect (monitor_cond_since resumes: only the changes since
#     the last transaction id) against replica/reconnect --full (the whole
#     database), in bytes of the initial reply and milliseconds from the
#     request to the reply applied (vtepd's replica/status).
#
# Usage: cluster.sh [--quick]   (--quick: 3 kills, 5,000 rows)
set -u
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh
. tests/interop/cluster-lib.sh

KILLS=${KILLS:-10}
ROWS=${ROWS:-100000}
if [ "${1:-}" = --quick ]; then
    KILLS=3 ROWS=5000
fi
for tool in ovsdb-server ovsdb-tool vtep-ctl ovs-appctl; do
    command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 0; }
done
tmp=$(make_tmpdir)
c=$tmp/cluster
v=$tmp/tor1
now_ms() { echo $(($(date +%s%N) / 1000000)); }
vc() { vtep-ctl --timeout=30 --db="$(live_remotes "$c")" "$@"; }

start_cluster "$c" 3 || { echo "FAIL: cluster"; exit 1; }
start_client_vtepd "$v" "$CLUSTER_REMOTES" --switch-name=tor1 \
    --tunnel-ip=192.0.2.1 || { echo "FAIL: vtepd"; exit 1; }
vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- bind-ls tor1 swp1 0 red

in_hal() { ovs-appctl -t "$v/ctl" hal/dump-fdb red | grep -q "$1"; }
times=()
commits=()
for ((k = 1; k <= KILLS; k++)); do
    l=$(leader "$c" 3)
    mac=$(printf '02:03:00:00:00:%02x' $k)
    t0=$(now_ms)
    kill_member "$c" "$l"
    until vc add-ucast-remote red "$mac" 10.0.0.9 2>/dev/null; do
        sleep 0.05
    done
    commits+=($(($(now_ms) - t0)))
    wait_for 120 in_hal "$mac" || { echo "FAIL: $mac never reached the HAL"; exit 1; }
    times+=($(($(now_ms) - t0)))
    start_member "$c" "$l"
    wait_for 60 member_is_connected "$c" "$l"
    wait_for 60 leader "$c" 3 >/dev/null
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
p50=${sorted[$(((KILLS - 1) / 2))]}
p99=${sorted[$(((KILLS * 99 + 99) / 100 - 1))]}
echo "leader kill -> HAL tracking again over $KILLS kills (ms): ${times[*]}"
echo "  p50 ${p50} ms, p99 ${p99} ms"
echo "  (of which the controller's write committing on the new leader," \
    "ms: ${commits[*]})"

t0=$(now_ms)
$PY tests/interop/cluster_writer.py "$CLUSTER_REMOTES" red 10.0.0.1 0 "$ROWS" \
    2000 >/dev/null
have() { [ "$(ovs-appctl -t "$v/ctl" hal/dump-fdb red | tail -n +2 | wc -l)" \
    -ge $((ROWS + KILLS)) ]; }
wait_for 600 have || { echo "FAIL: $ROWS rows never reached the HAL"; exit 1; }
echo "$ROWS remote MACs written and programmed in $(($(now_ms) - t0)) ms"

# reconnect [--full] KIND: replica/reconnect, then the figures of the
# latest initial reply of KIND (snapshot or resume).  On a cluster the
# leader may change while it sends a large snapshot (ovsdb-server is busy
# writing it), and vtepd then resumes from the next one: the snapshot's
# figures are still those kept.
cpu_ms() { awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
reconnect() {
    local before kind=${!#} cpu0
    before=$(replica_field "$v" connections)
    cpu0=$(cpu_ms "$(cat "$v/pid")")
    ovs-appctl -t "$v/ctl" replica/reconnect "${@:1:$#-1}" >/dev/null
    wait_for 300 bash -c "[ \"\$(ovs-appctl -t $v/ctl replica/status |
        sed -n 's/^connections: //p')\" -gt $before ] &&
        ovs-appctl -t $v/ctl replica/status | grep -q '^state: ready'"
    echo "  $(replica_field "$v" ${kind}_bytes) bytes," \
        "monitor request to reply applied $(replica_field "$v" ${kind}_ms) ms," \
        "vtepd CPU $(($(cpu_ms "$(cat "$v/pid")") - cpu0)) ms"
}
echo "reconnection with $ROWS rows, monitor_cond_since resuming:"
reconnect resume
echo "reconnection with $ROWS rows, whole database (--full):"
reconnect --full snapshot
check_output "the HAL kept every MAC" 5 $((ROWS + KILLS)) bash -c \
    "ovs-appctl -t $v/ctl hal/dump-fdb red | tail -n +2 | wc -l"
[ -n "${BENCH_LOG:-}" ] && cp "$v/log" "$BENCH_LOG"
echo "vtepd: $(ovs-appctl -t "$v/ctl" memory/show | tr '\n' ' ' | cut -c1-300)"
