#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Manager targets: vtepd --remote=db:hardware_vtep,Global,managers dials
# the controllers that vtep-ctl set-manager names (and listens where a
# Manager says ptcp:), reconnects with backoff, honours max_backoff and
# inactivity_probe, follows changes to the Manager rows at once, and keeps
# Manager.is_connected and Manager.status current with the same keys as
# ovsdb-server.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! have_ovs || ! command -v vtep-ctl >/dev/null; then
    skip "Manager targets (Open vSwitch tools not installed)"
    exit 0
fi
tmp=$(make_tmpdir)
LISTENER=tests/interop/manager_listener.py

# start_listener NAME [ARG...]: a controller stand-in whose events go to
# $tmp/NAME.out.
start_listener() {
    local name=$1
    shift
    $PY $LISTENER "$@" >"$tmp/$name.out" 2>&1 &
    echo $! >"$tmp/$name.pid"
    on_exit "kill $! 2>/dev/null"
    wait_for 5 grep -q '^port ' "$tmp/$name.out"
}
stop_listener() { kill "$(cat "$tmp/$1.pid")"; }
target_of() { echo "tcp:127.0.0.1:$(sed -n 's/^port //p' "$tmp/$1.out")"; }
events() { grep -c "^$2" "$tmp/$1.out"; }
saw() { grep -q "^$2" "$tmp/$1.out"; }
# at_least NAME EVENT N: NAME's listener saw EVENT at least N times.
at_least() { test "$(events "$1" "$2")" -ge "$3"; }

start_vtepd "$tmp/v" --remote=db:hardware_vtep,Global,managers || {
    fail "vtepd starts with --remote=db:hardware_vtep,Global,managers"
    exit 1
}
SOCK=$tmp/v/db.sock
ctl() { vtep-ctl --db=unix:"$SOCK" "$@"; }
# get TARGET COLUMN[:KEY]: a Manager column, without quotes ("" if unset).
get() { ctl get Manager "$1" "$2" 2>/dev/null | tr -d '"'; }
is() { test "$(get "$1" "$2")" = "$3"; }
has_key() { ctl get Manager "$1" status | grep -q "$2="; }

# Dialling out; the controller uses the connection as a client.
start_listener a --lock vtep_lock
A=$(target_of a)
ctl set-manager "$A"
check "vtepd dials the Manager target" wait_for 10 saw a accept
check "the controller lists the databases over the inbound connection" \
    wait_for 5 saw a "list_dbs _Server,hardware_vtep"
check "the controller's transaction is answered" wait_for 5 saw a "transact ok"
check "is_connected is true while connected" wait_for 6 is "$A" is_connected true
check "status:state is ACTIVE while connected" \
    wait_for 6 is "$A" status:state ACTIVE
check "status:locks_held names the controller's lock" \
    wait_for 6 is "$A" status:locks_held vtep_lock
check "status:sec_since_connect is reported" has_key "$A" sec_since_connect

# Locks of a controller's session: held, lost to a "steal", waited for.
start_listener s --steal vtep_steal
start_listener w --lock vtep_steal
S=$(target_of s)
W=$(target_of w)
ctl set-manager "$A" "$S"
check "status:locks_held names a stolen lock" \
    wait_for 8 is "$S" status:locks_held vtep_steal
ovsdb-client steal unix:"$SOCK" vtep_steal >/dev/null 2>&1 &
on_exit "kill $! 2>/dev/null"
check "status:locks_lost names a lock stolen in turn" \
    wait_for 6 is "$S" status:locks_lost vtep_steal
ctl set-manager "$A" "$W"
check "status:locks_waiting names a lock queued for" \
    wait_for 8 is "$W" status:locks_waiting vtep_steal
ctl set-manager "$A"
stop_listener s
stop_listener w

# The controller goes away: BACKOFF, and attempts repeat no further apart
# than max_backoff.
ctl set Manager "$A" max_backoff=2000
stop_listener a
check "is_connected turns false when the controller goes away" \
    wait_for 6 is "$A" is_connected false
check "status:state is BACKOFF while the controller is away" \
    wait_for 6 is "$A" status:state BACKOFF
check "status:sec_since_disconnect is reported" \
    has_key "$A" sec_since_disconnect
start_listener a2 --drop --port "${A##*:}"
check "vtepd keeps retrying the target" wait_for 12 at_least a2 accept 3
delays=$(sed -n "s/.*$A: reconnecting in \([0-9]*\) ms.*/\1/p" "$tmp/v/log")
check "the backoff grows (1000, 2000 ms) and stays within max_backoff" \
    test "$(echo "$delays" | sort -un | tr '\n' ' ')" = "1000 2000 "

# Removing the Manager stops the attempts.
ctl del-manager
wait_for 5 grep -q "$A: remote removed" "$tmp/v/log"
n=$(events a2 accept)
sleep 3
check "removing the Manager row stops the attempts" test "$(events a2 accept)" = "$n"
stop_listener a2

# Changing the target moves the connection.
start_listener b
start_listener c
B=$(target_of b)
C=$(target_of c)
ctl set-manager "$B"
wait_for 10 saw b accept
ctl set Manager "$B" target="\"$C\""
check "a new target is dialled" wait_for 10 saw c accept
check "the old target's connection is closed" wait_for 5 saw b closed
check "status follows the new target" wait_for 6 is "$C" status:state ACTIVE
ctl del-manager

# The inactivity probe: a controller that answers stays, one that doesn't
# is dropped after twice the probe interval.
start_listener d --no-echo
start_listener e
D=$(target_of d)
E=$(target_of e)
ctl --inactivity-probe=1000 set-manager "$D" "$E"
check "vtepd probes an idle controller" wait_for 5 saw d echo
check "a controller that never answers the probe is dropped" \
    wait_for 6 saw d closed
check "vtepd logs why" grep -q "$D: no response to inactivity probe" \
    "$tmp/v/log"
wait_for 5 at_least e echo 2
check "a controller that answers the probe stays connected" \
    test "$(events e closed)" = 0 -a "$(events e echo)" -ge 2
ctl set Manager "$E" inactivity_probe=0
sleep 0.3 # A probe already on its way still arrives.
n=$(events e echo)
sleep 2.5
check "inactivity_probe=0 disables the probe" test "$(events e echo)" = "$n"
ctl del-manager

# A passive target.
ctl set-manager ptcp:0:127.0.0.1
P=ptcp:0:127.0.0.1
wait_for 6 has_key $P bound_port
port=$(get $P status:bound_port)
check "a ptcp: Manager reports its bound_port" test -n "$port"
check "clients connect to the ptcp: Manager" \
    ovsdb-client list-dbs "tcp:127.0.0.1:$port" >/dev/null
for i in 1 2; do
    ovsdb-client monitor "tcp:127.0.0.1:$port" hardware_vtep Global \
        >/dev/null 2>&1 &
    on_exit "kill $! 2>/dev/null"
done
check "n_connections counts the clients of a ptcp: Manager" \
    wait_for 6 is $P status:n_connections 2
check "is_connected is true while a ptcp: Manager has clients" \
    is $P is_connected true
ctl del-manager
check "removing the ptcp: Manager closes its port" \
    wait_for 5 bash -c "! ovsdb-client list-dbs tcp:127.0.0.1:$port 2>/dev/null"

# An ssl: target, with vtepd's --private-key, --certificate and --ca-cert.
. tests/interop/certs.sh
if make_cert ca "Test CA" && make_cert ctrl controller ca &&
    make_cert sw switch ca; then
    start_vtepd "$tmp/t" --remote=db:hardware_vtep,Global,managers \
        --private-key="$tmp/sw.key" --certificate="$tmp/sw.crt" \
        --ca-cert="$tmp/ca.crt"
    start_listener h --tls "$tmp/ctrl.crt" "$tmp/ctrl.key" "$tmp/ca.crt"
    H=ssl:127.0.0.1:$(sed -n 's/^port //p' "$tmp/h.out")
    vtep-ctl --db=unix:"$tmp/t/db.sock" set-manager "$H"
    check "an ssl: target is dialled with TLS" \
        wait_for 10 saw h "list_dbs _Server,hardware_vtep"
    check "the ssl: Manager is ACTIVE" wait_for 6 bash -c \
        "vtep-ctl --db=unix:$tmp/t/db.sock get Manager $H status:state 2>/dev/null |
         grep -qx ACTIVE"
    check "an ssl: target without TLS options is retried, not fatal" \
        bash -c "ctl() { vtep-ctl --db=unix:$SOCK \"\$@\"; }
                 ctl set-manager $H && sleep 1.5 &&
                 ctl get Manager $H status:state | grep -qx BACKOFF &&
                 kill -0 \$(cat $tmp/v/pid) &&
                 grep -q '$H: TLS needs --private-key' $tmp/v/log"
    ctl del-manager
else
    skip "ssl: targets (openssl cannot make test certificates)"
fi

# The same status keys as ovsdb-server, connected and disconnected.
mkdir -p "$tmp/r"
ovsdb-tool create "$tmp/r/ref.db" "$VTEP_SCHEMA"
ovsdb-tool transact "$tmp/r/ref.db" \
    '["hardware_vtep",{"op":"insert","table":"Global","row":{}}]' >/dev/null
ovsdb-server --remote=db:hardware_vtep,Global,managers \
    --remote=punix:"$tmp/r/db.sock" --unixctl="$tmp/r/ctl" \
    --pidfile="$tmp/r/pid" --log-file="$tmp/r/log" --detach "$tmp/r/ref.db" \
    2>/dev/null
on_exit "kill \$(cat '$tmp/r/pid') 2>/dev/null"
start_listener f --lock vtep_lock
start_listener g --lock vtep_lock
F=$(target_of f)
G=$(target_of g)
vtep-ctl --db=unix:"$tmp/r/db.sock" set-manager "$F" ptcp:0:127.0.0.1
ctl set-manager "$G" ptcp:0:127.0.0.1
# keys DB TARGET: the keys of the Manager's status, one line.
keys() {
    vtep-ctl --db=unix:"$1" get Manager "$2" status |
        tr -d '{}' | tr ',' '\n' | sed 's/^ *//; s/=.*//' | sort | tr '\n' ' '
}
ref_conn() { SOCK=$tmp/r/db.sock is "$F" is_connected true; }
ref_state() { SOCK=$tmp/r/db.sock is "$F" status:state "$1"; }
wait_for 10 ref_conn && wait_for 6 is "$G" status:locks_held vtep_lock &&
    wait_for 6 bash -c "vtep-ctl --db=unix:$tmp/r/db.sock get Manager $F status | grep -q locks_held"
check "status keys of a connected Manager match ovsdb-server's" \
    test "$(keys "$SOCK" "$G")" = "$(keys "$tmp/r/db.sock" "$F")"
check "status keys of a ptcp: Manager match ovsdb-server's" \
    test "$(keys "$SOCK" $P)" = "$(keys "$tmp/r/db.sock" $P)"
stop_listener f
stop_listener g
wait_for 8 ref_state BACKOFF && wait_for 8 is "$G" status:state BACKOFF
check "status keys of a disconnected Manager match ovsdb-server's" \
    test "$(keys "$SOCK" "$G")" = "$(keys "$tmp/r/db.sock" "$F")"
echo "vtepd:         $(keys "$SOCK" "$G")"
echo "ovsdb-server:  $(keys "$tmp/r/db.sock" "$F")"

finish
