# SPDX-License-Identifier: Apache-2.0
# Helpers for the vtep-cli and metrics tests: a vtepd with known state.
# Source after tests/lib.sh.

# start_vtepd DIR [ARGS...]: starts vtepd (asic backend, lab platform,
# switch tor1 at 10.0.0.1) with its database, sockets and log in DIR, and
# waits until it serves.  Sets VTEPD_PID; registers its stop.
start_vtepd() {
    local dir=$1
    shift
    $BIN/vtepd --hal=asic --platform=lab --switch-name=tor1 \
        --tunnel-ip=10.0.0.1 --remote="punix:$dir/db.sock" \
        --remote=db:hardware_vtep,Global,managers \
        --unixctl="$dir/vtepd.ctl" --log-file="$dir/vtepd.log" \
        --pidfile="$dir/vtepd.pid" "$@" "$dir/vtep.db" 2>"$dir/stderr" &
    VTEPD_PID=$!
    on_exit "kill $VTEPD_PID"
    wait_for 10 test -S "$dir/db.sock" -a -S "$dir/vtepd.ctl"
}

# vctl DIR ARGS...: vtep-ctl on the vtepd in DIR.
vctl() {
    local dir=$1
    shift
    vtep-ctl --timeout=10 --db="unix:$dir/db.sock" "$@"
}

# load_state DIR: two logical switches, two bindings, three remote MACs on
# two remote VTEPs, a flood list, a controller that is not there.
load_state() {
    local d=$1
    vctl "$d" add-ls ls0 -- set Logical_Switch ls0 tunnel_key=5000 &&
    vctl "$d" add-ls ls1 -- set Logical_Switch ls1 tunnel_key=6000 &&
    vctl "$d" bind-ls tor1 swp1 0 ls0 &&
    vctl "$d" bind-ls tor1 swp2 100 ls1 &&
    vctl "$d" add-ucast-remote ls0 00:00:00:00:50:01 10.0.0.2 &&
    vctl "$d" add-ucast-remote ls0 00:00:00:00:50:02 10.0.0.2 &&
    vctl "$d" add-ucast-remote ls1 00:00:00:00:60:01 10.0.0.3 &&
    vctl "$d" add-mcast-remote ls0 unknown-dst 10.0.0.2 &&
    vctl "$d" set-manager tcp:127.0.0.1:1
}

# The Python with the OVS modules and a known json module.
PY=/usr/bin/python3
