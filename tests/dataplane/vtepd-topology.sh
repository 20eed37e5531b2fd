# SPDX-License-Identifier: Apache-2.0
# The lab of lab-topology.sh with vtepd in the vtep namespace and vtep-ctl
# as the controller; source it after tests/lib.sh (and after setting NS and
# VDIR, if the defaults do not suit).
#
# vtepd keeps its database, sockets, pid file and log in $VDIR; the test
# talks to it with vtep-ctl over the punix remote $VDIR/db.sock and with
# ovs-appctl over $VDIR/vtepd.ctl.  Unix sockets live in the file system,
# so both work from outside the vtep namespace.

VTEPD=$BUILD/bin/vtepd
SWITCH=vtep0
. tests/dataplane/lab-topology.sh

# vtepd_start HAL [VTEPD OPTIONS...]: starts vtepd in the vtep namespace
# with backend HAL, ports p1 and p2 and tunnel IP $VTEP_IP, and waits
# until its Physical_Switch is in the database.  Starting again after
# vtepd_stop reuses the database (and the backend's state).
# VTEPD_DATAPLANE_THREAD=MODE in the environment adds
# --dataplane-thread=MODE (off, idle, batch, normal).
vtepd_start() {
    local hal=$1
    shift
    mkdir -p "$VDIR"
    # Not through nsx(): 'ip netns exec' must be the process that '&'
    # starts, so that $! is vtepd itself once it execs.
    ip netns exec "$NS-vtep" "$VTEPD" --hal="$hal" --port=p1 --port=p2 \
        --tunnel-ip="$VTEP_IP" --switch-name="$SWITCH" \
        --remote=punix:"$VDIR/db.sock" --unixctl="$VDIR/vtepd.ctl" \
        --pidfile="$VDIR/vtepd.pid" --log-file="$VDIR/vtepd.log" \
        ${VTEPD_DATAPLANE_THREAD:+--dataplane-thread="$VTEPD_DATAPLANE_THREAD"} \
        "$@" "$VDIR/vtep.db" >>"$VDIR/vtepd.stderr" 2>&1 &
    VTEPD_PID=$!
    if ! wait_for 5 vtepd_ready; then
        fail "vtepd started"
        cat "$VDIR/vtepd.stderr" "$VDIR/vtepd.log"
        exit 1
    fi
}

vtepd_ready() {
    test -S "$VDIR/db.sock" && test -S "$VDIR/vtepd.ctl" \
        && vctl list-ps 2>/dev/null | grep -qx "$SWITCH"
}

# vtepd_stop: stops vtepd (SIGTERM) and waits for it to exit; fails, with
# what vtepd wrote to stderr, unless it exits with status 0 (a sanitizer's
# report, for instance, makes it fail).
vtepd_stop() {
    local status=0
    [ -n "$VTEPD_PID" ] || return 0
    kill "$VTEPD_PID"
    wait "$VTEPD_PID" || status=$?
    VTEPD_PID=
    if [ "$status" -ne 0 ]; then
        echo "vtepd exited with status $status"
        cat "$VDIR/vtepd.stderr"
        return 1
    fi
}

# vctl ARGS...: vtep-ctl against the lab's vtepd.
vctl() {
    vtep-ctl --timeout=5 --db=unix:"$VDIR/db.sock" "$@"
}

# appctl COMMAND...: a command to vtepd's control socket.
appctl() {
    ovs-appctl -t "$VDIR/vtepd.ctl" "$@"
}

# lab_controller_commands: the vtep-ctl commands, one per line, that make
# red (VNI 100) and blue (VNI 200), bind p1 to red and p2 to blue, both
# untagged, and point each switch at the hypervisor: its host's MAC and
# unknown destinations.
lab_controller_commands() {
    cat <<EOF
add-ls red -- set Logical_Switch red tunnel_key=100
add-ls blue -- set Logical_Switch blue tunnel_key=200
bind-ls $SWITCH p1 0 red
bind-ls $SWITCH p2 0 blue
add-ucast-remote red $RED1_MAC $HV_IP
add-ucast-remote blue $BLUE1_MAC $HV_IP
add-mcast-remote red unknown-dst $HV_IP
add-mcast-remote blue unknown-dst $HV_IP
EOF
}

# lab_attach: runs lab_controller_commands.
lab_attach() {
    local cmd
    while read -r cmd; do
        # shellcheck disable=SC2086 # each line is a vtep-ctl command line
        vctl $cmd || return 1
    done < <(lab_controller_commands)
}

# local_mac LS MAC: MAC is in LS's Ucast_Macs_Local.
local_mac() {
    vctl list-local-macs "$1" | grep -q "^ *$2 -> vxlan_over_ipv4/$VTEP_IP$"
}

# no_local_mac LS MAC: MAC is not in LS's Ucast_Macs_Local.
no_local_mac() {
    ! vctl list-local-macs "$1" | grep -q "$2"
}
