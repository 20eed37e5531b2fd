#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The vtepd command line: help, version, errors, start-up, pid file, detach.
. tests/lib.sh

vtepd=$BIN/vtepd
tmp=$(make_tmpdir)

out=$($vtepd --version)
check "--version names the program and version" \
    grep -q '^vtepd (vtepd) [0-9]' <<<"$out"
out=$($vtepd --help)
check "--help documents every contract option" bash -c '
    for o in --remote= --private-key= --certificate= --ca-cert= --hal= \
             --schema= --platform= --switch-name= --tunnel-ip= \
             --management-ip= --port= --metrics= --unixctl= --pidfile --detach \
             --log-file -v; do
        grep -q -- "$o" <<<"$1" || { echo "missing $o"; exit 1; }
    done' _ "$out"

err=$($vtepd --hal=bogus 2>&1); rc=$?
check "a bad option value exits non-zero with a reason" \
    test "$rc" -ne 0 -a -n "$(grep 'expected asic, netdev, none' <<<"$err")"
err=$($vtepd --metrics=ptcp:99999 2>&1); rc=$?
check "a bad --metrics target exits non-zero with a reason" \
    test "$rc" -ne 0 -a -n "$(grep 'expected ptcp:PORT' <<<"$err")"
err=$($vtepd --no-such-option 2>&1); rc=$?
check "an unknown option exits non-zero" test "$rc" -ne 0

# Start in the foreground with a pid file and a log file; stop with SIGTERM.
$vtepd --pidfile="$tmp/p.pid" --log-file="$tmp/v.log" "$tmp/db" 2>"$tmp/stderr" &
pid=$!
on_exit "kill $pid"
check "the pid file appears and holds the pid" \
    wait_for 5 bash -c "[ \"\$(cat '$tmp/p.pid' 2>/dev/null)\" = $pid ]"
check "start-up is logged with timestamp, module and level" \
    wait_for 5 grep -Eq '^[0-9T:.-]+Z\|[0-9]+\|vtepd\|INFO\|vtepd .* starting' "$tmp/v.log"
err=$($vtepd --pidfile="$tmp/p.pid" "$tmp/db" 2>&1); rc=$?
check "a second daemon on the same pid file is refused" \
    test "$rc" -ne 0 -a -n "$(grep 'already locked' <<<"$err")"
kill -TERM $pid
wait $pid; rc=$?
check "SIGTERM stops the daemon cleanly" test "$rc" -eq 0
check "the pid file is removed on exit" test ! -e "$tmp/p.pid"

# --detach: the parent returns once the child is ready.
$vtepd --detach --pidfile="$tmp/d.pid" --log-file="$tmp/d.log" "$tmp/db"; rc=$?
check "--detach returns 0 once the daemon is up" test "$rc" -eq 0
dpid=$(cat "$tmp/d.pid" 2>/dev/null)
on_exit "kill $dpid"
check "the detached daemon is running" kill -0 "$dpid"
kill -TERM "$dpid"
check "the detached daemon stops on SIGTERM" \
    wait_for 5 bash -c "! kill -0 $dpid 2>/dev/null"

finish
