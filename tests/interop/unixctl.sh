#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The control socket, driven by the real ovs-appctl, and compared with the
# real ovsdb-server's control socket where the shapes must match.
. tests/lib.sh

if ! command -v ovs-appctl >/dev/null; then
    skip "unixctl (ovs-appctl not installed)"
    exit 0
fi

tmp=$(make_tmpdir)
ctl=$tmp/run/vtepd.ctl

# The default control socket lives next to the database, in a directory
# vtepd creates.  TEST_WRAPPER (make valgrind) also checks vtepd for leaks:
# the exit status is then valgrind's.
# shellcheck disable=SC2086
${TEST_WRAPPER:-} $BIN/vtepd --log-file="$tmp/vtepd.log" "$tmp/run/vtep.db" 2>"$tmp/stderr" &
pid=$!
on_exit "kill $pid"
check "the control socket appears next to the database" \
    wait_for 30 test -S "$ctl"
check "start-up says how to reach the control socket" \
    wait_for 5 grep -q "ovs-appctl -t $ctl" "$tmp/vtepd.log"

appctl() { ovs-appctl -t "$ctl" "$@"; }

out=$(appctl version); rc=$?
check "version answers the program and version" \
    test "$rc" -eq 0 -a "$out" = "vtepd (vtepd) 0.1.0"
out=$(appctl list-commands)
check "list-commands lists the built-in commands" bash -c '
    head -1 <<<"$1" | grep -qx "The available commands are:" || exit 1
    for c in exit list-commands memory/show ovsdb/compact version \
             vlog/list vlog/set; do
        grep -Eq "^  $c( |$)" <<<"$1" || { echo "missing $c"; exit 1; }
    done' _ "$out"
out=$(appctl memory/show)
check "memory/show reports the resident set size" \
    grep -Eq '(^| )rss-kB:[1-9][0-9]*( |$)' <<<"$out"
out=$(appctl vlog/list)
check "vlog/list shows modules and levels per destination" bash -c '
    grep -q "console    syslog    file" <<<"$1" &&
    grep -Eq "^unixctl +[A-Z]+ +[A-Z]+ +[A-Z]+$" <<<"$1"' _ "$out"
appctl vlog/set jsonrpc:dbg >/dev/null
check "vlog/set changes a module's level" \
    bash -c "ovs-appctl -t '$ctl' vlog/list | grep -Eq '^jsonrpc +DBG +DBG +DBG'"

err=$(appctl no-such-command 2>&1); rc=$?
check "an unknown command fails with a clear error" \
    test "$rc" -ne 0 -a -n "$(grep -F '"no-such-command" is not a valid command' <<<"$err")"
err=$(appctl version extra 2>&1); rc=$?
check "too many arguments are refused" \
    test "$rc" -ne 0 -a -n "$(grep -F 'takes at most 0 arguments' <<<"$err")"
err=$(appctl vlog/set 2>&1); rc=$?
check "too few arguments are refused" \
    test "$rc" -ne 0 -a -n "$(grep -F 'requires at least 1 arguments' <<<"$err")"
err=$(appctl vlog/set nosuchmodule:dbg 2>&1); rc=$?
check "vlog/set names what it does not know" \
    test "$rc" -ne 0 -a -n "$(grep -F 'no destination, level, or module "nosuchmodule"' <<<"$err")"
err=$(appctl ovsdb/compact no_such_db 2>&1); rc=$?
check "ovsdb/compact names a database it does not serve" \
    test "$rc" -ne 0 -a -n "$(grep -F 'no_such_db: unknown database' <<<"$err")"

# The wire shapes, byte for byte, against the real ovsdb-server.
if command -v ovsdb-server >/dev/null && command -v ovsdb-tool >/dev/null; then
    ovsdb-tool create "$tmp/ref.db" /usr/share/openvswitch/vtep.ovsschema
    ovsdb-server --remote=punix:"$tmp/ref.sock" --unixctl="$tmp/ref.ctl" \
        --pidfile="$tmp/ref.pid" --log-file="$tmp/ref.log" --detach \
        "$tmp/ref.db"
    on_exit "kill \$(cat '$tmp/ref.pid')"
    out=$(/usr/bin/python3 - "$ctl" "$tmp/ref.ctl" <<'PY'
import socket, sys
def ask(path, data):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(data)
    s.settimeout(5)
    reply = s.recv(65536)
    s.close()
    return reply
for req in [b'{"method":"nosuch","params":[],"id":0}',
            b'{"method":"version","params":["x"],"id":1}',
            b'{"method":"vlog/set","params":[1],"id":"a"}']:
    mine, ref = ask(sys.argv[1], req), ask(sys.argv[2], req)
    print("same" if mine == ref else "differ: %r vs %r" % (mine, ref))
PY
)
    check "error replies are byte-identical to ovsdb-server's" \
        test "$(sort -u <<<"$out")" = same
else
    skip "byte comparison with ovsdb-server (not installed)"
fi

appctl exit; rc=$?
check "exit answers" test "$rc" -eq 0
wait $pid; rc=$?
check "exit makes vtepd exit cleanly (and, under valgrind, leak-free)" \
    test "$rc" -eq 0
check "the control socket is removed on exit" test ! -e "$ctl"

# --unixctl=PATH is honoured.
$BIN/vtepd --unixctl="$tmp/other/ctl.sock" "$tmp/run/vtep.db" 2>/dev/null &
pid2=$!
on_exit "kill $pid2"
check "--unixctl=PATH puts the control socket there" \
    wait_for 5 test -S "$tmp/other/ctl.sock"
ovs-appctl -t "$tmp/other/ctl.sock" exit
wait $pid2

finish
