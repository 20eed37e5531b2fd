#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Client mode across a restart of vtepd while the database is out of
# reach: vtepd (the asic backend with its software dataplane, or with
# HAL=netdev the kernel's bridges) follows a standalone ovsdb-server; it is stopped, the server goes away, and vtepd starts again.
# Until the database is back it must forward with what the backend kept
# (a warm restart), and when the first whole copy arrives it must reconcile
# without flushing: traffic flows throughout.
. tests/lib.sh
HAL=${HAL:-asic}
NS=vcw$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
S=$TMP/server
. tests/dataplane/vtepd-topology.sh
. tests/interop/ovsdb-server-lib.sh

lab_require "vtepd client mode ($HAL), warm restart without the database" \
    "$VTEPD" vtep-ctl ovs-appctl ovsdb-server ovsdb-tool
lab_build
on_exit vtepd_stop
mkdir -p "$S"

# serve: the hardware_vtep ovsdb-server (again), stopped at exit.
serve() {
    ovsdb-server --remote=punix:"$S/db.sock" --unixctl="$S/ctl" \
        --pidfile="$S/pid" --log-file="$S/log" --detach "$S/vtep.db" \
        2>>"$S/stderr"
    on_exit "kill \$(cat '$S/pid' 2>/dev/null) 2>/dev/null"
}
ovsdb-tool create "$S/vtep.db" "$VTEP_SCHEMA" && serve

vtepd_start "$HAL" --db=unix:"$S/db.sock"
check "vtep-ctl attaches red and blue through the server" lab_attach
check "red2 -> red1" ping_ok red2 "$RED1_IP"
check "blue1 -> blue2" ping_ok blue1 "$BLUE2_IP"
check "vtepd stops cleanly" vtepd_stop

# The database goes away; vtepd starts again without it.
kill "$(cat "$S/pid")"
wait_for 10 bash -c "! kill -0 \$(cat '$S/pid' 2>/dev/null) 2>/dev/null"
ip netns exec "$NS-vtep" "$VTEPD" --hal="$HAL" --port=p1 --port=p2 \
    --tunnel-ip="$VTEP_IP" --switch-name="$SWITCH" \
    --remote=punix:"$VDIR/db.sock" --unixctl="$VDIR/vtepd.ctl" \
    --pidfile="$VDIR/vtepd.pid" --log-file="$VDIR/vtepd.log" \
    --db=unix:"$S/db.sock" "$VDIR/vtep.db" >>"$VDIR/vtepd.stderr" 2>&1 &
VTEPD_PID=$!
check "vtepd waits for the database" wait_for 10 grep -q \
    "client mode: waiting for database" "$VDIR/vtepd.log"
check "its backend restarts warm meanwhile" wait_for 10 grep -q \
    "$HAL backend .*(warm start)" "$VDIR/vtepd.log"
check "red2 -> red1 while the database is out of reach" \
    ping_ok red2 "$RED1_IP"
check "blue2 -> blue1 while the database is out of reach" \
    ping_ok blue2 "$BLUE1_IP"
check "red2 still cannot reach blue1" ping_fails red2 "$BLUE1_IP"
check "no reconciler yet: the database was not read" test \
    "$(grep -c "physical switch $SWITCH" "$VDIR/vtepd.log")" = 1

# A ping runs while the database comes back and vtepd reconciles.
nsx red2 ping -q -i 0.1 -c 40 "$RED1_IP" >"$TMP/ping.out" 2>&1 &
pinger=$!
on_exit "kill $pinger 2>/dev/null"
sleep 0.5
serve
check "vtepd follows the database once it is back" wait_for 30 vtepd_ready
wait "$pinger"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping.out")
check "a ping across the first sync loses at most 2 of 40 ($received)" \
    test "${received:-0}" -ge 38
check "the first sync is reconciled as a warm restart" wait_for 10 grep -q \
    "warm start: HAL resynchronised" "$VDIR/vtepd.log"
check "after it red2 still reaches red1" ping_ok red2 "$RED1_IP"
check "and blue is still isolated from red" ping_fails blue2 "$RED2_IP"
check "vtepd stops cleanly" vtepd_stop
[ -n "${KEEP_LOG:-}" ] && cp "$VDIR/vtepd.log" "$KEEP_LOG"
finish
