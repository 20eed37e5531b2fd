#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every vtep-ctl command (tests/interop/vtep-ctl.cmds, one per line) against
# vtepd and against the real ovsdb-server: the same output and exit status,
# UUIDs aside.  vtep-ctl uses the OVS C IDL, so this also covers _Server,
# monitor_cond_since, update3 and partial set and map updates.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! have_ovs || ! command -v vtep-ctl >/dev/null; then
    skip "vtep-ctl comparison (vtep-ctl or ovsdb-server not installed)"
    exit 0
fi
tmp=$(make_tmpdir)
start_ref "$tmp/ref" && start_vtepd "$tmp/vtepd" || {
    fail "daemons start"
    exit 1
}

# run DIR: plays every command against the daemon of DIR.
run() {
    local cmd
    while read -r cmd; do
        echo "\$ vtep-ctl $cmd"
        # shellcheck disable=SC2086
        timeout 10 vtep-ctl --timeout=5 --db=unix:"$1/db.sock" $cmd 2>&1 |
            sed -e 's/^vtep-ctl: //' -e '/^[0-9-]*T[0-9:.]*Z|/d'
        echo "[exit ${PIPESTATUS[0]}]"
    done <tests/interop/vtep-ctl.cmds
}
run "$tmp/ref" | $PY tests/interop/normalise_uuids.py >"$tmp/ref.out"
run "$tmp/vtepd" | $PY tests/interop/normalise_uuids.py >"$tmp/vtepd.out"

n=$(grep -c . tests/interop/vtep-ctl.cmds)
if diff -u "$tmp/ref.out" "$tmp/vtepd.out"; then
    pass "$n vtep-ctl commands give the same output against both servers"
else
    fail "$n vtep-ctl commands give the same output against both servers"
fi
check "vtepd is still running" kill -0 "$(cat "$tmp/vtepd/pid")"
finish
