#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The names in the README work as written from the directory vtepd runs in:
# Open vSwitch tools resolve "unix:run/db.sock" and "-t run/vtepd.ctl"
# against their run directory, where vtepd publishes its sockets.  The test
# uses a private OVS_RUNDIR so that it never touches the system's.
. tests/lib.sh

if ! command -v vtep-ctl >/dev/null || ! command -v ovs-appctl >/dev/null; then
    skip "relative socket names (Open vSwitch tools not installed)"
    exit 0
fi
tmp=$(make_tmpdir)
vtepd=$(realpath "$BIN/vtepd")
export OVS_RUNDIR=$tmp/ovsrun

mkdir -p "$tmp/work"
cd "$tmp/work" || exit 1
"$vtepd" --hal=none --remote=punix:run/db.sock --log-file=run/vtepd.log \
    2>/dev/null &
pid=$!
on_exit "kill $pid"
wait_for 5 test -S run/db.sock

check "vtep-ctl --db=unix:run/db.sock reaches vtepd" \
    vtep-ctl --db=unix:run/db.sock add-ls ls0
check "ovs-appctl -t run/vtepd.ctl reaches vtepd" \
    bash -c 'ovs-appctl -t run/vtepd.ctl version | grep -q vtepd'
check "the published names point at vtepd's sockets" \
    test "$(readlink "$OVS_RUNDIR/run/db.sock")" = "$tmp/work/run/db.sock"
ovs-appctl -t run/vtepd.ctl exit
wait "$pid"
check "vtepd removes what it published when it exits" \
    test -z "$(find "$OVS_RUNDIR" -type f -o -type l)"

finish
