#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Conditional monitoring with the OVS Python IDL (multi-clause conditions,
# monitor_cond_change), against vtepd and, to keep the test honest, the
# real ovsdb-server: both must pass every check.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! $PY -c 'import ovs.db.idl' 2>/dev/null || ! test -f "$VTEP_SCHEMA"; then
    skip "Python IDL conditions (python3-openvswitch is not installed)"
    exit 0
fi
tmp=$(make_tmpdir)

# run_idl NAME SOCK: the checks of python_idl.py cond, named after NAME.
run_idl() {
    local name=$1 sock=$2 line out
    out=$(timeout 60 $PY tests/interop/python_idl.py cond "unix:$sock" 2>&1)
    while IFS= read -r line; do
        case $line in
        ok:*) pass "$name: ${line#ok: }" ;;
        error:*) fail "$name: ${line#error: }" ;;
        *) echo "$line" ;;
        esac
    done <<<"$out"
}

if have_ovs && start_ref "$tmp/ref"; then
    run_idl ovsdb-server "$tmp/ref/db.sock"
else
    skip "the same checks against ovsdb-server (it does not start)"
fi
start_vtepd "$tmp/vtepd" || { fail "vtepd starts"; exit 1; }
run_idl vtepd "$tmp/vtepd/db.sock"
check "vtepd is still running" kill -0 "$(cat "$tmp/vtepd/pid")"
finish
