#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Client mode over TLS: vtepd --db=ssl:IP:PORT against a real ovsdb-server
# listening on pssl:, with certificates made here by the openssl CLI.
# vtepd must connect, follow and reconcile the database, and refuse a
# server whose certificate comes from a CA it does not trust (and the
# server a vtepd whose certificate it does not trust).
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh
. tests/interop/cluster-lib.sh

for tool in ovsdb-server ovsdb-tool vtep-ctl ovs-appctl openssl; do
    if ! command -v $tool >/dev/null; then
        skip "vtepd client mode over TLS ($tool not installed)"
        exit 0
    fi
done
tmp=$(make_tmpdir)
s=$tmp/server
mkdir -p "$s"

. tests/interop/certs.sh
make_cert ca1 "Test CA 1" && make_cert ca2 "Test CA 2" &&
    make_cert server server ca1 && make_cert vtepd vtepd ca1 &&
    make_cert ctl ctl ca1 && make_cert foreign foreign ca2 ||
    { fail "making test certificates"; exit 1; }

# serve NAME: the ovsdb-server of $s with NAME's certificate on pssl: (a
# port chosen here, in $port) and punix:, stopped at exit.
serve() {
    port=$(free_ports 1)
    ovsdb-server --remote=pssl:$port:127.0.0.1 --remote=punix:"$s/db.sock" \
        --private-key="$tmp/$1.key" --certificate="$tmp/$1.crt" \
        --ca-cert="$tmp/ca1.crt" --unixctl="$s/ctl" --pidfile="$s/pid" \
        --log-file="$s/log" --detach "$s/vtep.db" 2>>"$s/stderr"
    on_exit "kill \$(cat '$s/pid' 2>/dev/null) 2>/dev/null"
}
ovsdb-tool create "$s/vtep.db" "$VTEP_SCHEMA" && serve server
vc() { vtep-ctl --db=unix:"$s/db.sock" "$@"; }
tls="--private-key=$tmp/vtepd.key --certificate=$tmp/vtepd.crt"

v=$tmp/tor1
if ! start_client_vtepd "$v" ssl:127.0.0.1:$port $tls \
    --ca-cert="$tmp/ca1.crt" --switch-name=tor1 --tunnel-ip=192.0.2.1; then
    fail "vtepd --db=ssl: follows an ovsdb-server on pssl:"
    exit 1
fi
pass "vtepd --db=ssl: follows an ovsdb-server on pssl:"
check_output "vtepd writes its Physical_Switch through TLS" 5 tor1 \
    vc list-ps
vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- bind-ls tor1 swp1 0 red \
    -- add-ucast-remote red 00:00:00:00:00:01 10.0.0.1
check_output "the server's remote MAC reaches the HAL" 5 \
    "$(printf '%-16s %-8s %-18s %-30s %s\n' red 5000 00:00:00:00:00:01 \
        remote=10.0.0.1 static)" hal_rows "$v" hal/dump-fdb
check "vtepd's unknown-dst row reaches the server" wait_for 5 bash -c \
    "vtep-ctl --db=unix:$s/db.sock list-local-macs red |
        grep -q 'unknown-dst -> vxlan_over_ipv4/192.0.2.1'"
# vtep-ctl over TLS too, as a controller would.
vtep-ctl --db=ssl:127.0.0.1:$port --private-key="$tmp/ctl.key" \
    --certificate="$tmp/ctl.crt" --ca-cert="$tmp/ca1.crt" \
    add-ucast-remote red 00:00:00:00:00:02 10.0.0.2
check "a controller's write over TLS reaches the HAL" wait_for 5 \
    bash -c "ovs-appctl -t $v/ctl hal/dump-fdb red | grep -q 00:00:00:00:00:02"
check_output "on one TLS session" 1 "1" replica_field "$v" connections

# A server whose certificate comes from a CA vtepd does not trust is
# refused; once it shows a trusted certificate, vtepd (still retrying)
# follows it.
kill "$(cat "$s/pid")"
wait_for 10 bash -c "! kill -0 \$(cat '$s/pid' 2>/dev/null) 2>/dev/null"
serve foreign
v2=$tmp/tor1b
mkdir -p "$v2"
$BIN/vtepd --hal=asic --db=ssl:127.0.0.1:$port $tls \
    --ca-cert="$tmp/ca1.crt" --switch-name=tor1 --tunnel-ip=192.0.2.1 \
    --unixctl="$v2/ctl" --pidfile="$v2/pid" --log-file="$v2/log" \
    "$v2/vtep.db" 2>>"$v2/stderr" &
on_exit "kill $! 2>/dev/null"
check "vtepd refuses a server whose certificate another CA signed" \
    wait_for 15 grep -qs "TLS handshake failed" "$v2/log"
check_output "and does not follow it" 1 "0" replica_field "$v2" connections
kill "$(cat "$s/pid")"
wait_for 10 bash -c "! kill -0 \$(cat '$s/pid' 2>/dev/null) 2>/dev/null"
ovsdb-server --remote=pssl:$port:127.0.0.1 --remote=punix:"$s/db.sock" \
    --private-key="$tmp/server.key" --certificate="$tmp/server.crt" \
    --ca-cert="$tmp/ca1.crt" --unixctl="$s/ctl" --pidfile="$s/pid" \
    --log-file="$s/log" --detach "$s/vtep.db" 2>>"$s/stderr"
check "with a trusted server on that port, vtepd follows it" wait_for 30 \
    replica_ready "$v2"
check_output "and reconciles the HAL from it" 5 2 bash -c \
    "ovs-appctl -t $v2/ctl hal/dump-fdb red | tail -n +2 | wc -l"
[ -n "${KEEP_LOG:-}" ] && cp "$v2/log" "$KEEP_LOG"

# A server that does not trust vtepd's certificate refuses vtepd.
v3=$tmp/tor2
mkdir -p "$v3"
$BIN/vtepd --hal=asic --db=ssl:127.0.0.1:$port \
    --private-key="$tmp/foreign.key" --certificate="$tmp/foreign.crt" \
    --ca-cert="$tmp/ca1.crt" --switch-name=tor2 --tunnel-ip=192.0.2.2 \
    --unixctl="$v3/ctl" --pidfile="$v3/pid" --log-file="$v3/log" \
    "$v3/vtep.db" 2>>"$v3/stderr" &
on_exit "kill $! 2>/dev/null"
sleep 3
check_output "a vtepd whose certificate the server does not trust is kept out" \
    1 "0" replica_field "$v3" connections
check "and writes nothing" bash -c \
    "! vtep-ctl --db=unix:$s/db.sock list-ps | grep -q tor2"
finish
