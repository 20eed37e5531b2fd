#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The JSON-RPC layer (streams, framing, limits, backpressure, probes,
# deferred replies, active remotes) through a small test server, compared
# with the real ovsdb-server where behaviour must match.
. tests/lib.sh

tmp=$(make_tmpdir)
ref=-
if command -v ovsdb-server >/dev/null && command -v ovsdb-tool >/dev/null; then
    ovsdb-tool create "$tmp/ref.db" /usr/share/openvswitch/vtep.ovsschema
    ovsdb-server --remote=punix:"$tmp/ref.sock" --unixctl="$tmp/ref.ctl" \
        --pidfile="$tmp/ref.pid" --log-file="$tmp/ref.log" --detach \
        "$tmp/ref.db" 2>/dev/null
    on_exit "kill \$(cat '$tmp/ref.pid')"
    ref=$tmp/ref.sock
else
    skip "comparison with ovsdb-server (not installed)"
fi

/usr/bin/python3 tests/interop/jsonrpc.py "$BUILD/tests/test-jsonrpc-server" \
    "$tmp" "$ref"
rc=$?
[ "$rc" -eq 0 ] || TEST_FAILURES=$((TEST_FAILURES + 1))
finish
