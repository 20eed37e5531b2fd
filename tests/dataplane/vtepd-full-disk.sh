#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The reconciler's own writes while the disk under the database is full:
# vtepd on the asic backend's software dataplane, its database (and chip
# state) on a small tmpfs in a private mount namespace.  A MAC learned and
# a MAC aged while the disk is full cannot reach Ucast_Macs_Local, and
# vtepd must neither lose them nor spin retrying: once space returns the
# table matches the HAL within seconds.
. tests/interop/private-mounts.sh
. tests/lib.sh
NS=vfull$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
DISK=$TMP/disk
. tests/dataplane/vtepd-topology.sh

lab_require "vtepd on a full disk" "$VTEPD" vtep-ctl ovs-appctl
if ! mount_small "$DISK" 2m; then
    skip "vtepd on a full disk (cannot mount a tmpfs)"
    exit 0
fi

# start_vtepd: as vtepd_start, with the database on $DISK and the log,
# sockets and pid file in $VDIR (which stays writable).
start_vtepd() {
    mkdir -p "$VDIR"
    ip netns exec "$NS-vtep" "$VTEPD" --hal=asic --platform=lab \
        --port=p1 --port=p2 --tunnel-ip="$VTEP_IP" --switch-name="$SWITCH" \
        --remote=punix:"$VDIR/db.sock" --unixctl="$VDIR/vtepd.ctl" \
        --pidfile="$VDIR/vtepd.pid" --log-file="$VDIR/vtepd.log" \
        "$DISK/vtep.db" >>"$VDIR/vtepd.stderr" 2>&1 &
    VTEPD_PID=$!
    if ! wait_for 5 vtepd_ready; then
        fail "vtepd started"
        cat "$VDIR/vtepd.stderr" "$VDIR/vtepd.log"
        exit 1
    fi
}

# cpu_ticks: vtepd's user and system time so far, in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$VTEPD_PID/stat"
}

# db_errors: the reconciler's commits the database has refused.
db_errors() {
    appctl memory/show | sed -n 's/.*vtep-db-errors:\([0-9]*\).*/\1/p'
}

# learned MAC: the HAL has MAC learned in red.
learned() {
    appctl hal/dump-fdb red | grep -q "$1 .*learned"
}

not_learned() {
    ! learned "$1"
}

has_unknown_dst() {
    vctl list-local-macs red | grep -q unknown-dst
}

send_from_red2() {
    # shellcheck disable=SC2086 # $FRAMES is a command line
    nsx red2 $FRAMES send eth0 "$1" ff:ff:ff:ff:ff:ff
}

AGED=02:00:00:00:02:01
NEW=02:00:00:00:02:02

lab_build
on_exit vtepd_stop
start_vtepd
check "vtep-ctl attaches red and blue" lab_attach
vctl set Physical_Switch "$SWITCH" other_config:mac_aging_time=5
send_from_red2 "$AGED"
check "a MAC learned with room reaches Ucast_Macs_Local" \
    wait_for 3 local_mac red "$AGED"

# Fill the filesystem.  The database file's last page may still have room
# for a small record: small controller commits take it (a description of
# one letter is smaller than any Ucast_Macs_Local insert), until one
# fails; then every commit of a learned MAC fails.
dd if=/dev/zero of="$DISK/fill" bs=64k >/dev/null 2>&1
for i in $(seq 100); do
    ovsdb-client transact unix:"$VDIR/db.sock" \
        '["hardware_vtep",{"op":"update","table":"Physical_Switch",
          "where":[],"row":{"description":"'$((i % 2))'"}}]' 2>&1 |
        grep -q error && break
done
check "the disk is full" test "$i" -lt 100
ticks=$(cpu_ticks)
start=$(date +%s)
errors=$(db_errors)
send_from_red2 "$NEW"
check "a MAC is learned while the disk is full" wait_for 3 learned "$NEW"
# Aged while full; the new MAC is kept alive meanwhile.
keep_new_until_aged() {
    send_from_red2 "$NEW" && not_learned "$AGED"
}
check "the first MAC ages out of the HAL while the disk is full" \
    wait_for 10 keep_new_until_aged
check "the reconciler's commits fail while the disk is full" \
    grep -q "vtep_db.*transaction failed: I/O error" "$VDIR/vtepd.log"
check "...so the aged MAC is still in Ucast_Macs_Local" local_mac red "$AGED"
check "...and the new one is not there yet" no_local_mac red "$NEW"
used=$(($(cpu_ticks) - ticks))
secs=$(($(date +%s) - start + 1))
errors=$(($(db_errors) - errors))
# Ticks are 10 ms; the waits above take several seconds.
check "no busy retrying while full ($used ticks of CPU)" test "$used" -lt 40
check "commits retried with backoff ($errors failed in ${secs} s)" \
    test "$errors" -ge 1 -a "$errors" -le $((secs + 4))
check "failed commits are logged rate-limited" \
    test "$(grep -c 'vtep_db.*transaction failed' "$VDIR/vtepd.log")" -le 10

rm -f "$DISK/fill"
check "space again: the new MAC reaches Ucast_Macs_Local" \
    wait_for 4 local_mac red "$NEW"
check "...and the aged one leaves it" no_local_mac red "$AGED"
check "red's unknown-dst row is still there" has_unknown_dst

check "vtepd stops cleanly" vtepd_stop
finish
