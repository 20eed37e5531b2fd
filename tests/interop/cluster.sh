#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd in client mode on a 3-member OVSDB Raft cluster of real
# ovsdb-servers: controllers (vtep-ctl and a raw JSON-RPC client) write
# remote MACs while the leader is killed, and every MAC must end in the HAL
# exactly once; the rows vtepd writes during the failover land once; killing
# the member vtepd follows moves it on without flushing the HAL; two vtepd
# (tor1, tor2) share the cluster, each programming only its own bindings.
# CLUSTER_MACS sets the number of MACs (make check: 2000; make bench-cluster
# runs 20000).
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh
. tests/interop/cluster-lib.sh

for tool in ovsdb-server ovsdb-tool vtep-ctl ovs-appctl; do
    if ! command -v $tool >/dev/null; then
        skip "vtepd on a cluster ($tool not installed)"
        exit 0
    fi
done
N=${CLUSTER_MACS:-2000}
# vtep-ctl reads the whole database on each run and slows down as it grows:
# it writes at most 1,000 MACs (in batches of 100), the raw client the rest.
HALF=$((N / 2 > 1000 ? N - 1000 : N / 2))
tmp=$(make_tmpdir)
c=$tmp/cluster
t1=$tmp/tor1
t2=$tmp/tor2

if ! start_cluster "$c" 3; then
    fail "a 3-member hardware_vtep cluster starts"
    exit 1
fi
pass "a 3-member hardware_vtep cluster starts"
vc() { vtep-ctl --timeout=60 --db="$(live_remotes "$c")" "$@"; }
# binding PORT VLAN LS VNI: one line of hal/dump-bindings, no traffic.
binding() { printf '%-16s %-8s %-16s %-8s 0/0 0/0\n' "$@"; }

if ! start_client_vtepd "$t1" "$CLUSTER_REMOTES" --switch-name=tor1 \
    --tunnel-ip=192.0.2.1; then
    fail "vtepd --db=<3 remotes> follows the cluster"
    cat "$t1/log"
    exit 1
fi
pass "vtepd --db=<3 remotes> follows the cluster"
check "it follows the leader with monitor_cond_since" \
    test "$(replica_field "$t1" method)" = monitor_cond_since -a \
    "$(member_of_remote "$(replica_field "$t1" remote)")" = "$(leader "$c" 3)"
check_output "vtepd writes its Physical_Switch into the cluster" 10 tor1 \
    vc list-ps
check_output "with its ports" 10 32 bash -c \
    "vtep-ctl --db=$(live_remotes "$c") list-ports tor1 | wc -l"
check "and no listener of its own" test ! -e "$t1/db.sock"

vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- bind-ls tor1 swp1 0 red

# ---- Writes while the leader dies ----
# The raw client writes MACs 0..HALF-1, vtep-ctl HALF..N-1 (in batches of
# 100, each retried until vtep-ctl succeeds: add-ucast-remote is
# idempotent), and the leader is killed half-way through vtep-ctl's part;
# the raw client spreads its batches over 8 s or more, so that both write
# across the failover.
$PY tests/interop/cluster_writer.py "$CLUSTER_REMOTES" red 10.0.0.1 0 $HALF \
    50 8 >"$tmp/writer.out" 2>&1 &
writer=$!
on_exit "kill $writer 2>/dev/null"
vmac() { printf '02:01:00:%02x:%02x:%02x' $(($1 >> 16 & 255)) \
    $(($1 >> 8 & 255)) $(($1 & 255)); }
killed=
retries=0
binders=()
VBATCH=100
for ((b = HALF; b < N; b += VBATCH)); do
    args=()
    for ((i = b; i < b + VBATCH && i < N; i++)); do
        args+=(-- add-ucast-remote red "$(vmac $i)" 10.0.0.2)
    done
    until vtep-ctl --timeout=120 --db="$(live_remotes "$c")" "${args[@]:1}" \
        2>>"$tmp/vtep-ctl.err"; do
        retries=$((retries + 1))
        sleep 0.2
    done
    if [ -z "$killed" ] && [ $b -ge $(((HALF + N) / 2)) ]; then
        killed=$(leader "$c" 3)
        kill_member "$c" "$killed"
        echo "killed leader s$killed" >>"$tmp/events"
        # vtepd writes during the failover: a Mcast_Macs_Local row for each
        # newly bound logical switch (each retried until it commits).
        for k in 2 3 4 5 6; do
            until vc --may-exist add-ls b$k \
                -- set Logical_Switch b$k tunnel_key=$((5000 + k)) \
                -- bind-ls tor1 swp$k 0 b$k 2>>"$tmp/vtep-ctl.err"; do
                sleep 0.2
            done &
            binders+=($!)
        done
    fi
done
wait $writer
check "the raw client wrote its $HALF MACs ($(cat "$tmp/writer.out"))" \
    grep -q '^resends' "$tmp/writer.out"
wait "${binders[@]}"
check "the leader was killed mid-way" test -n "$killed"

macs_in_hal() { hal_rows "$t1" hal/dump-fdb red | awk '{print $3}' | sort -u |
    wc -l; }
check_output "every MAC is in the HAL" 60 "$N" macs_in_hal
check_output "once" 5 "$N" bash -c "ovs-appctl -t $t1/ctl hal/dump-fdb red |
    tail -n +2 | wc -l"
check_output "and once in the database" 10 "$N" bash -c \
    "vtep-ctl --db=$(live_remotes "$c") list-remote-macs red | grep -c ' -> '"
own_mml() { vc list-local-macs "$1" |
    grep -c 'unknown-dst -> vxlan_over_ipv4/192.0.2.1'; }
for k in 2 3 4 5 6; do
    check_output "vtepd's Mcast_Macs_Local row for b$k landed once" 30 1 \
        own_mml b$k
done
check_output "so did the one for red" 5 1 own_mml red
check_output "the cluster has one Global row" 5 1 bash -c \
    "vtep-ctl --db=$(live_remotes "$c") --columns=_uuid list Global |
        grep -c _uuid"

# ---- Killing the member vtepd follows ----
start_member "$c" "$killed"
wait_for 30 member_is_connected "$c" "$killed"
check "a killed member rejoins" member_is_connected "$c" "$killed"
was=$(replica_field "$t1" remote)
m=$(member_of_remote "$was")
kill_member "$c" "$m"
check_output "the HAL is not flushed when its member dies" 1 "$N" macs_in_hal
moved() { replica_ready "$t1" && [ "$(replica_field "$t1" remote)" != "$was" ]; }
check "vtepd moves to another member within the backoff" wait_for 30 moved
vc add-ucast-remote red 02:02:00:00:00:01 10.0.0.3
check_output "and tracks the database again" 30 $((N + 1)) macs_in_hal
check "without resending the world (monitor_cond_since resumed)" \
    test "$(replica_field "$t1" resumes)" -ge 1
start_member "$c" "$m"

# ---- Two switches on one database ----
if ! start_client_vtepd "$t2" "$CLUSTER_REMOTES" --switch-name=tor2 \
    --tunnel-ip=192.0.2.2; then
    fail "a second vtepd (tor2) follows the same cluster"
    exit 1
fi
pass "a second vtepd (tor2) follows the same cluster"
vc add-ls green -- set Logical_Switch green tunnel_key=6000 \
    -- bind-ls tor2 swp1 0 green -- bind-ls tor2 swp2 0 red
check_output "both switches are in Global" 10 "tor1
tor2" vc list-ps
check_output "tor2 programs its own bindings" 10 \
    "$(binding swp1 untagged green 6000
       binding swp2 untagged red 5000)" hal_rows "$t2" hal/dump-bindings
check_output "tor1 keeps its own, and not tor2's" 10 \
    "$(binding swp1 untagged red 5000
       for k in 2 3 4 5 6; do binding swp$k untagged b$k $((5000 + k)); done)" \
    hal_rows "$t1" hal/dump-bindings
check_output "both program the shared switch's remote MACs" 60 $((N + 1)) \
    bash -c "ovs-appctl -t $t2/ctl hal/dump-fdb red | tail -n +2 | wc -l"
check_output "each writes its own unknown-dst row for red" 10 \
    "unknown-dst -> vxlan_over_ipv4/192.0.2.1
unknown-dst -> vxlan_over_ipv4/192.0.2.2" bash -c \
    "vtep-ctl --db=$(live_remotes "$c") list-local-macs red | grep unknown-dst |
        sed 's/^ *//' | sort"
check_output "and tor2 leaves tor1's rows alone" 5 1 own_mml b2
check_output "tor1 keeps its 32 ports" 5 32 bash -c \
    "vtep-ctl --db=$(live_remotes "$c") list-ports tor1 | wc -l"
check_clean_exit "$t2"
check_clean_exit "$t1"
finish
