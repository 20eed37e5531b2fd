#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# TLS streams (pssl:, ssl:) against ovsdb-client and Python's ssl module,
# with certificates made here by the openssl CLI: mutual authentication,
# refusal of foreign and plaintext clients, a stalled handshake, an active
# ssl: remote, and reloading certificates that change on disk.
. tests/lib.sh

server=$BUILD/tests/test-ssl-server
tmp=$(make_tmpdir)
py=/usr/bin/python3

if ! command -v openssl >/dev/null || ! command -v ovsdb-client >/dev/null
then
    skip "TLS tests (openssl or ovsdb-client not installed)"
    exit 0
fi

. tests/interop/certs.sh
make_cert ca1 "Test CA 1" && make_cert ca2 "Test CA 2" &&
    make_cert server server ca1 && make_cert client client ca1 &&
    make_cert foreign foreign ca2 ||
    { fail "making test certificates"; exit 1; }
cp "$tmp/ca1.crt" "$tmp/server-ca.crt"

start_server() {
    local name=$1
    shift
    "$server" --private-key="$tmp/$name.key" --certificate="$tmp/$name.crt" \
        "$@" 2>"$tmp/$name-server.log" &
    echo $! >"$tmp/$name-server.pid"
    on_exit "kill $!"
}
start_server server --ca-cert="$tmp/server-ca.crt" \
    --port-file="$tmp/ports" pssl:0:127.0.0.1
if ! wait_for 10 test -s "$tmp/ports"; then
    fail "test-ssl-server listens on pssl:"
    exit 1
fi
port=$(awk '{print $2}' "$tmp/ports")

# client NAME CA: list-dbs over TLS as NAME, trusting CA.
client() {
    timeout 10 ovsdb-client --private-key="$tmp/$1.key" \
        --certificate="$tmp/$1.crt" --ca-cert="$tmp/$2.crt" \
        list-dbs ssl:127.0.0.1:"$port" 2>>"$tmp/client.err"
}

check "a client with a certificate from the CA is served" \
    bash -c "$(declare -f client); tmp='$tmp' port=$port client client ca1 \
        | grep -qx hardware_vtep"
check "a client with a certificate from another CA is refused" \
    bash -c "$(declare -f client); ! tmp='$tmp' port=$port \
        client foreign ca1 >/dev/null"
check "a plaintext client is refused" \
    bash -c "! timeout 5 ovsdb-client list-dbs tcp:127.0.0.1:$port \
        >/dev/null 2>&1"

# A client that connects and never starts its handshake.
$py -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(30)' "$port" &
on_exit "kill $!"
sleep 0.3
check "a stalled handshake does not hold up other clients" \
    bash -c "$(declare -f client); tmp='$tmp' port=$port client client ca1 \
        | grep -qx hardware_vtep"
cpu=$(ps -o times= -p "$(cat "$tmp/server-server.pid")" | tr -d ' ')
sleep 1
cpu2=$(ps -o times= -p "$(cat "$tmp/server-server.pid")" | tr -d ' ')
check "a stalled handshake costs no CPU (${cpu}s -> ${cpu2}s)" \
    test "$((cpu2 - cpu))" -le 0
check "the server survives the refusals" \
    kill -0 "$(cat "$tmp/server-server.pid")"

# Certificates are reloaded when the files change: trusting CA 2 instead
# of CA 1 lets the foreign client in and keeps the old one out.
sleep 0.05
cp "$tmp/ca2.crt" "$tmp/server-ca.crt"
check "a changed CA file is picked up (the new CA's client is served)" \
    bash -c "$(declare -f client); tmp='$tmp' port=$port client foreign ca1 \
        | grep -qx hardware_vtep"
check "and the old CA's client is refused" \
    bash -c "$(declare -f client); ! tmp='$tmp' port=$port \
        client client ca1 >/dev/null"

# An active ssl: remote connects out to a TLS listener (as vtepd does to
# a controller), which sends it a request.
$py - "$tmp" >"$tmp/active.out" 2>&1 <<'EOF' &
import json, socket, ssl, sys
tmp = sys.argv[1]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(tmp + "/server.crt", tmp + "/server.key")
ctx.load_verify_locations(tmp + "/ca1.crt")
ctx.verify_mode = ssl.CERT_REQUIRED
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
ls.settimeout(20)
open(tmp + "/active.port.tmp", "w").write(str(ls.getsockname()[1]))
import os
os.rename(tmp + "/active.port.tmp", tmp + "/active.port")
conn, _ = ls.accept()
conn.settimeout(10)
tls = ctx.wrap_socket(conn, server_side=True)
peer = dict(x[0] for x in tls.getpeercert()["subject"])["commonName"]
tls.sendall(json.dumps({"method": "list_dbs", "params": [], "id": 7}).encode())
buf = b""
while True:
    buf += tls.recv(4096)
    try:
        reply = json.loads(buf)
        break
    except ValueError:
        continue
print(peer, tls.version(), json.dumps(reply["result"]))
EOF
listener=$!
on_exit "kill $listener"
if wait_for 10 test -s "$tmp/active.port"; then
    start_server client --ca-cert="$tmp/ca1.crt" \
        ssl:127.0.0.1:"$(cat "$tmp/active.port")"
    wait "$listener"
    check "an active ssl: remote connects out and is served over TLS 1.2+" \
        grep -Eq '^client TLSv1\.[23] \["hardware_vtep"\]$' "$tmp/active.out"
else
    fail "Python TLS listener started"
fi

finish
