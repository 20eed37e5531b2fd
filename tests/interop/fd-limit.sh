#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# vtepd at its file-descriptor limit (ulimit -n 128): with more clients
# than descriptors it stops accepting instead of spinning on a failing
# accept(), keeps answering the clients it has, logs the condition
# rate-limited, and serves new clients once others leave.  --max-sessions
# (by default the limit less a reserve) closes connections beyond it at
# once, and says so in the log and in memory/show.
. tests/lib.sh

PY=/usr/bin/python3
DRIVER=tests/interop/fd_limit.py
FD_LIMIT=128
tmp=$(make_tmpdir)

if ! command -v ovs-appctl >/dev/null; then
    skip "descriptor limit (ovs-appctl not installed)"
    exit 0
fi

# start NAME [ARG...]: vtepd with at most FD_LIMIT descriptors, serving
# $tmp/NAME.sock; prints its pid.
start() {
    local name=$1
    shift
    (
        ulimit -n $FD_LIMIT &&
            exec $BIN/vtepd --hal=none --remote=punix:"$tmp/$name.sock" \
                --unixctl="$tmp/$name.ctl" --log-file="$tmp/$name.log" \
                "$@" "$tmp/$name.db"
    ) >/dev/null 2>>"$tmp/$name.stderr" &
    echo $!
}

stop() {
    kill "$1" 2>/dev/null
    wait_for 10 bash -c "! kill -0 $1 2>/dev/null"
}

field() {
    $PY -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2"
}

memory_stat() {
    ovs-appctl -t "$tmp/$1.ctl" memory/show | tr ' ' '\n' | sed -n "s/^$2://p"
}

# Out of descriptors: a session limit above the descriptor limit.
pid=$(start flood --max-sessions=1000)
on_exit "kill $pid 2>/dev/null"
wait_for 5 test -S "$tmp/flood.sock" || fail "vtepd starts with ulimit -n $FD_LIMIT"
$PY "$DRIVER" flood "$tmp/flood.sock" "$pid" 300 >"$tmp/flood.out" ||
    fail "flood driver ran"
o=$tmp/flood.out
check "a client is answered before the flood" test "$(field $o first_before)" = true
cpu=$(field $o cpu_seconds)
echo "    vtepd CPU time over 3 s with 300 connections: $cpu s"
check "out of descriptors, vtepd does not spin (CPU $cpu s in 3 s)" \
    $PY -c "import sys; sys.exit(not $cpu < 0.6)"
check "the connected client keeps getting answers" \
    test "$(field $o first_during)" = true -a "$(field $o first_after)" = true
check "a new client is served once others close" \
    test "$(field $o new_after_close)" = true
# Under load the log line can trail the driver's last answer: wait for it.
wait_for 10 grep -q "accept failed" "$tmp/flood.log"
n=$(grep -c "accept failed" "$tmp/flood.log")
check "running out of descriptors is logged, rate-limited ($n lines)" \
    test "$n" -ge 1 -a "$n" -le 3
check "vtepd is still running" kill -0 "$pid"
stop "$pid"

# The default session limit: the descriptor limit less a reserve.
pid=$(start limit)
on_exit "kill $pid 2>/dev/null"
wait_for 5 test -S "$tmp/limit.sock" || fail "vtepd starts with ulimit -n $FD_LIMIT"
check "the log reports the session limit" \
    grep -q "accepting at most 64 sessions (--max-sessions)" "$tmp/limit.log"
check "memory/show reports the session limit" \
    test "$(memory_stat limit max-sessions)" = 64
$PY "$DRIVER" limit "$tmp/limit.sock" 100 >"$tmp/limit.out" ||
    fail "limit driver ran"
o=$tmp/limit.out
check "64 sessions are served" test "$(field $o answered)" = 64
check "the 36 beyond the limit are closed at once" test "$(field $o closed)" = 36
check "the first session is still served" test "$(field $o first_still)" = true
check "memory/show counts the refused connections" \
    test "$(memory_stat limit sessions-refused)" = 36
check "a new client is served once the others close" \
    test "$(field $o new_after_close)" = true
n=$(grep -c "sessions, the session limit" "$tmp/limit.log")
check "refusals are logged, rate-limited ($n lines)" test "$n" -ge 1 -a "$n" -le 2
check "vtepd never ran out of descriptors under its default limit" \
    test "$(grep -c "accept failed" "$tmp/limit.log")" = 0
stop "$pid"
finish
