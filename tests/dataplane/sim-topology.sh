# SPDX-License-Identifier: Apache-2.0
# The lab of lab-topology.sh with vtep-sim in the vtep namespace, for the
# sim-*.sh tests; source it after tests/lib.sh.

SIM=$BUILD/bin/vtep-sim
NS=simt$$
. tests/dataplane/lab-topology.sh

# lab_start CONFIG_FILE [VTEP-SIM OPTIONS...]: starts vtep-sim in the vtep
# namespace with ports p1 and p2 and waits for its control socket.
lab_start() {
    local config=$1
    shift
    CTL=$TMP/vtep-sim.ctl
    # Not through nsx(): 'ip netns exec' must be the process that '&'
    # starts, so that $! is vtep-sim itself once it execs.
    ip netns exec "$NS-vtep" "$SIM" --port=p1 --port=p2 \
        --tunnel-ip="$VTEP_IP" --config="$config" --ctl="$CTL" "$@" \
        >"$TMP/vtep-sim.log" 2>&1 &
    SIM_PID=$!
    on_exit "kill $SIM_PID; wait $SIM_PID"
    if ! wait_for 5 test -S "$CTL"; then
        fail "vtep-sim started"
        cat "$TMP/vtep-sim.log"
        exit 1
    fi
}

# ctl COMMAND...: a command to the running vtep-sim.
ctl() {
    "$SIM" --ctl="$CTL" "$@"
}
