# SPDX-License-Identifier: Apache-2.0
# Helpers for tests that run vtepd in client mode against an OVSDB Raft
# cluster of real ovsdb-servers on loopback; source after tests/lib.sh,
# tests/interop/ovsdb-server-lib.sh and tests/interop/hal-lib.sh.
#
# Member I (1..N) of the cluster in DIR has its database DIR/sI.db, its
# client remote tcp:127.0.0.1:${CLIENT_PORT[I]}, its Raft address
# tcp:127.0.0.1:${RAFT_PORT[I]}, pid file DIR/sI.pid and control socket
# DIR/sI.ctl.  CLUSTER_REMOTES lists the client remotes, comma-separated.

# free_ports N: N TCP ports free on 127.0.0.1 right now.
free_ports() {
    $PY - "$1" <<'PYEOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PYEOF
}

# start_member DIR I: starts (or restarts) member I.
start_member() {
    local dir=$1 i=$2
    ovsdb-server --remote=ptcp:${CLIENT_PORT[$i]}:127.0.0.1 \
        --unixctl="$dir/s$i.ctl" --pidfile="$dir/s$i.pid" \
        --log-file="$dir/s$i.log" --detach --no-chdir "$dir/s$i.db" \
        2>>"$dir/s$i.stderr"
}

# kill_member DIR I: kills member I at once (SIGKILL, as a crash).
kill_member() {
    local pid
    pid=$(cat "$1/s$2.pid" 2>/dev/null) || return 1
    kill -9 "$pid" 2>/dev/null
    wait_for 10 bash -c "! kill -0 $pid 2>/dev/null"
    rm -f "$1/s$2.pid"
}

# start_cluster DIR N: a fresh N-member cluster of the hardware_vtep
# schema (ovsdb-tool create-cluster, then join-cluster), killed at exit.
start_cluster() {
    local dir=$1 n=$2 i ports
    mkdir -p "$dir"
    read -r -a ports <<<"$(free_ports $((2 * n)))"
    CLIENT_PORT=() RAFT_PORT=() CLUSTER_REMOTES=
    for ((i = 1; i <= n; i++)); do
        CLIENT_PORT[$i]=${ports[$((2 * i - 2))]}
        RAFT_PORT[$i]=${ports[$((2 * i - 1))]}
        CLUSTER_REMOTES+=${CLUSTER_REMOTES:+,}tcp:127.0.0.1:${CLIENT_PORT[$i]}
        on_exit "kill -9 \$(cat '$dir/s$i.pid' 2>/dev/null) 2>/dev/null"
    done
    ovsdb-tool create-cluster "$dir/s1.db" "$VTEP_SCHEMA" \
        tcp:127.0.0.1:${RAFT_PORT[1]} 2>>"$dir/tool.err" || return 1
    for ((i = 2; i <= n; i++)); do
        ovsdb-tool join-cluster "$dir/s$i.db" hardware_vtep \
            tcp:127.0.0.1:${RAFT_PORT[$i]} tcp:127.0.0.1:${RAFT_PORT[1]} \
            2>>"$dir/tool.err" || return 1
    done
    for ((i = 1; i <= n; i++)); do
        start_member "$dir" $i || return 1
    done
    for ((i = 1; i <= n; i++)); do
        wait_for 30 member_is_connected "$dir" $i || return 1
    done
}

# live_remotes DIR: the client remotes of the members running now
# (vtep-ctl gives up on a remote list whose first member refuses).
live_remotes() {
    local i out=
    for i in "${!CLIENT_PORT[@]}"; do
        if [ -e "$1/s$i.pid" ]; then
            out+=${out:+,}tcp:127.0.0.1:${CLIENT_PORT[$i]}
        fi
    done
    echo "$out"
}

# member_status DIR I: member I's "cluster/status".
member_status() {
    ovs-appctl -t "$1/s$2.ctl" cluster/status hardware_vtep 2>/dev/null
}

member_is_connected() {
    member_status "$1" "$2" | grep -q '^Status: cluster member'
}

# leader DIR N: the index of the member that is the leader, if any.
leader() {
    local i
    for ((i = 1; i <= $2; i++)); do
        if member_status "$1" $i | grep -q '^Role: leader'; then
            echo $i
            return 0
        fi
    done
    return 1
}

# member_of_remote REMOTE: the index of the member whose client remote it is.
member_of_remote() {
    local i
    for i in "${!CLIENT_PORT[@]}"; do
        if [ "$1" = tcp:127.0.0.1:${CLIENT_PORT[$i]} ]; then
            echo $i
            return 0
        fi
    done
    return 1
}

# start_client_vtepd DIR REMOTES [ARG...]: vtepd in client mode, asic
# backend, control socket DIR/ctl; waits until it follows the database.
start_client_vtepd() {
    local dir=$1 remotes=$2
    shift 2
    mkdir -p "$dir"
    $BIN/vtepd --hal=asic --db="$remotes" --unixctl="$dir/ctl" \
        --pidfile="$dir/pid" --log-file="$dir/log" "$@" "$dir/vtep.db" \
        2>>"$dir/stderr" &
    on_exit "kill $! 2>/dev/null"
    wait_for 30 replica_ready "$dir"
}

# replica_field DIR KEY: one line of the vtepd's replica/status.
replica_field() {
    ovs-appctl -t "$1/ctl" replica/status 2>/dev/null | sed -n "s/^$2: //p"
}

replica_ready() {
    [ "$(replica_field "$1" state)" = ready ]
}
