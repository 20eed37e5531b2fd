# SPDX-License-Identifier: Apache-2.0
# Helpers for tests that run vtepd and the real ovsdb-server side by side;
# source after tests/lib.sh.  Each daemon lives in its own directory, with
# its socket at DIR/db.sock, and is stopped at exit.

VTEP_SCHEMA=/usr/share/openvswitch/vtep.ovsschema
PY=/usr/bin/python3

# have_ovs: true if the reference tools are installed.
have_ovs() {
    command -v ovsdb-server >/dev/null && command -v ovsdb-tool >/dev/null &&
        test -f "$VTEP_SCHEMA"
}

# start_ref DIR: the real ovsdb-server on a fresh hardware_vtep database
# holding one Global row, like the one vtepd makes.
start_ref() {
    local dir=$1
    mkdir -p "$dir"
    ovsdb-tool create "$dir/ref.db" "$VTEP_SCHEMA" &&
    ovsdb-tool transact "$dir/ref.db" \
        '["hardware_vtep",{"op":"insert","table":"Global","row":{}}]' \
        >/dev/null &&
    ovsdb-server --remote=punix:"$dir/db.sock" --unixctl="$dir/ctl" \
        --pidfile="$dir/pid" --log-file="$dir/log" --detach "$dir/ref.db" ||
        return 1
    on_exit "kill \$(cat '$dir/pid' 2>/dev/null) 2>/dev/null"
}

# start_vtepd DIR [ARG...]: vtepd serving the database at DIR/db.sock.
start_vtepd() {
    local dir=$1
    shift
    mkdir -p "$dir"
    $BIN/vtepd --hal=none --remote=punix:"$dir/db.sock" \
        --unixctl="$dir/ctl" --pidfile="$dir/pid" --log-file="$dir/log" \
        "$@" "$dir/vtep.db" 2>>"$dir/stderr" &
    on_exit "kill $! 2>/dev/null"
    wait_for 5 test -S "$dir/db.sock"
}

# stop DIR: stops the daemon of DIR now.
stop() {
    kill "$(cat "$1/pid")" 2>/dev/null
    wait_for 5 bash -c "! test -S '$1/db.sock' || ! kill -0 \$(cat '$1/pid') 2>/dev/null"
}
