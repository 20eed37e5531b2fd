#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Learning from real frames: a MAC that appears on another port moves, a
# silent MAC ages out (aging time 2 s), and a port whose link goes down
# loses what was learned on it.
. tests/lib.sh
. tests/dataplane/sim-topology.sh

lab_require "MAC moves and aging" "$SIM"
TMP=$(make_tmpdir)
lab_build

MAC=02:00:00:00:01:77
cat >"$TMP/lab.conf" <<EOF2
bridge red 100
bind p1 0 red
bind p2 0 red
flood red $HV_IP
EOF2
lab_start "$TMP/lab.conf" --aging=2

# learned_on PORT: the red FDB has $MAC learned on PORT.
learned_on() {
    ctl dump-fdb red | grep -q "$MAC .*port=$1,vlan=untagged .*learned"
}

# gone: the red FDB no longer has $MAC.
gone() {
    ! ctl dump-fdb red | grep -q "$MAC"
}

nsx red2 $FRAMES send eth0 "$MAC" ff:ff:ff:ff:ff:ff
check "learned on p1" wait_for 2 learned_on p1
nsx blue2 $FRAMES send eth0 "$MAC" ff:ff:ff:ff:ff:ff
check "moved to p2" wait_for 2 learned_on p2
check "move reported" wait_for 2 grep -q "moved: $MAC on p2" "$TMP/vtep-sim.log"

start=$(date +%s%N)
check "aged out" wait_for 6 gone
elapsed=$((($(date +%s%N) - start) / 1000000))
echo "aged after ${elapsed} ms"
check "aging reported" grep -q "aged: $MAC" "$TMP/vtep-sim.log"

nsx red2 $FRAMES send eth0 "$MAC" ff:ff:ff:ff:ff:ff
check "learned again on p1" wait_for 2 learned_on p1
ctl link p1 down
check "link down flushes" gone
check "flush reported" grep -q "flushed: $MAC on p1" "$TMP/vtep-sim.log"
check "dump-ports: p1 down" bash -c "$SIM --ctl=$CTL dump-ports | grep -Eq '^p1 +down '"

# The link follows p1's interface too (sim/carrier.c): red2 unplugged (its
# veth set down) takes p1 down and flushes it; plugged back, p1 is up.
ctl link p1 up
nsx red2 $FRAMES send eth0 "$MAC" ff:ff:ff:ff:ff:ff
check "learned on p1 with the link up by hand" wait_for 2 learned_on p1
nsx red2 ip link set eth0 down
check "red2 unplugged: p1's entries flushed" wait_for 2 gone
check "... p1 down in dump-ports" \
    bash -c "$SIM --ctl=$CTL dump-ports | grep -Eq '^p1 +down '"
check "... and logged" grep -q "port p1: link down (its interface" \
    "$TMP/vtep-sim.log"
nsx red2 ip link set eth0 up
check "plugged back: p1 up" \
    wait_for 3 bash -c "$SIM --ctl=$CTL dump-ports | grep -Eq '^p1 +up '"
check "p2 was up all along" \
    bash -c "$SIM --ctl=$CTL dump-ports | grep -Eq '^p2 +up '"
finish
