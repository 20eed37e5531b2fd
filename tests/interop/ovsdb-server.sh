#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd's OVSDB methods against the real ovsdb-server: the same raw
# JSON-RPC scripts (tests/interop/ovsdb-server/*.script) played against
# both must give the same transcript, UUIDs aside.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! have_ovs; then
    skip "ovsdb-server comparison (Open vSwitch is not installed)"
    exit 0
fi
tmp=$(make_tmpdir)

for script in tests/interop/ovsdb-server/*.script; do
    name=$(basename "$script" .script)
    start_ref "$tmp/$name-ref" && start_vtepd "$tmp/$name-vtepd" || {
        fail "$name: daemons start"
        continue
    }
    $PY tests/interop/ovsdb_transcript.py "$tmp/$name-ref/db.sock" \
        <"$script" >"$tmp/$name.ref" 2>&1
    $PY tests/interop/ovsdb_transcript.py "$tmp/$name-vtepd/db.sock" \
        <"$script" >"$tmp/$name.vtepd" 2>&1
    if diff -u "$tmp/$name.ref" "$tmp/$name.vtepd" >"$tmp/$name.diff"; then
        pass "$name: vtepd answers like ovsdb-server"
    else
        fail "$name: vtepd answers like ovsdb-server"
        cat "$tmp/$name.diff"
    fi
    check "$name: vtepd is still running" kill -0 "$(cat "$tmp/$name-vtepd/pid")"
    stop "$tmp/$name-ref"
    stop "$tmp/$name-vtepd"
done
finish
