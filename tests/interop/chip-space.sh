#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The asic backend's state file (vtepd.chip, mapped MAP_SHARED) gets real
# disk space before it is mapped: on a filesystem too small for it vtepd
# refuses to start with a clear error instead of dying of SIGBUS at the
# first write to a hole, and where it fits, no page of it is left a hole.
. tests/interop/private-mounts.sh
. tests/lib.sh

tmp=$(make_tmpdir)

# run_vtepd DIR: starts vtepd with the asic backend and its database in
# DIR; prints its exit status if it exits within 30 s (a loaded machine
# is slow to start it), else "running".
run_vtepd() {
    local dir=$1 pid i
    $BIN/vtepd --hal=asic --remote=punix:"$tmp/$2.sock" \
        --unixctl="$tmp/$2.ctl" --pidfile="$tmp/$2.pid" \
        --log-file="$tmp/$2.log" "$dir/vtep.db" >/dev/null 2>>"$tmp/$2.stderr" &
    pid=$!
    on_exit "kill $pid 2>/dev/null"
    for i in $(seq 600); do
        if ! kill -0 $pid 2>/dev/null; then
            wait $pid
            echo $?
            return
        fi
        test -S "$tmp/$2.ctl" && test -S "$tmp/$2.sock" && break
        sleep 0.05
    done
    echo running
}

if ! mount_small "$tmp/small" 4m || ! mount_small "$tmp/big" 64m; then
    skip "chip state file (cannot mount a tmpfs)"
    exit 0
fi

status=$(run_vtepd "$tmp/small" small)
check "too small a filesystem: vtepd exits with status 1, not a signal" \
    test "$status" = 1
check "the error says why" \
    grep -q "vtepd.chip: cannot allocate .* bytes of chip state (No space left on device)" \
    "$tmp/small.log"
check "the failed chip file takes no space" \
    test "$(stat -c %b "$tmp/small/vtepd.chip" 2>/dev/null || echo 0)" = 0

status=$(run_vtepd "$tmp/big" big)
check "where it fits, vtepd starts" test "$status" = running
size=$(stat -c %s "$tmp/big/vtepd.chip")
check "every byte of the chip file is allocated" \
    test $(($(stat -c '%b * %B' "$tmp/big/vtepd.chip"))) -ge "$size"
pid=$(cat "$tmp/big.pid")
kill "$pid"
wait_for 10 bash -c "! kill -0 $pid 2>/dev/null"

# A sparse chip file of the right size (as an older vtepd left it) on a
# filesystem that cannot hold it: a warm start refuses too, and keeps it.
rm -f "$tmp/small/vtepd.chip"
truncate -s "$size" "$tmp/small/vtepd.chip"
status=$(run_vtepd "$tmp/small" sparse)
check "a sparse state file that cannot be filled: exit status 1, not a signal" \
    test "$status" = 1
check "and it is kept for a later warm start" \
    test "$(stat -c %s "$tmp/small/vtepd.chip")" = "$size"
finish
