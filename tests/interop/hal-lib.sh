# SPDX-License-Identifier: Apache-2.0
# Helpers for tests that run vtepd with a HAL backend and look at what it
# programmed; source after tests/lib.sh and tests/interop/ovsdb-server-lib.sh.
# A vtepd lives in DIR: database DIR/vtep.db (the asic "chip" beside it in
# DIR/vtepd.chip), socket DIR/db.sock, control socket DIR/ctl.

# start_vtepd_hal DIR [ARG...]: vtepd with the asic backend (unless ARGs
# say otherwise) serving DIR/db.sock, stopped at exit.
start_vtepd_hal() {
    local dir=$1
    shift
    mkdir -p "$dir"
    $BIN/vtepd --hal=asic --remote=punix:"$dir/db.sock" \
        --unixctl="$dir/ctl" --pidfile="$dir/pid" --log-file="$dir/log" \
        "$@" "$dir/vtep.db" 2>>"$dir/stderr" &
    on_exit "kill $! 2>/dev/null"
    wait_for 5 test -S "$dir/ctl" && wait_for 5 test -S "$dir/db.sock"
}

# stop_vtepd DIR: stops the vtepd of DIR and waits until it has exited.
stop_vtepd() {
    local pid
    pid=$(cat "$1/pid" 2>/dev/null) || return 1
    kill "$pid" 2>/dev/null
    wait_for 10 bash -c "! kill -0 $pid 2>/dev/null"
}

# check_clean_exit DIR: stops the vtepd of DIR and checks that it exited
# without sanitizer reports (make asan, make ubsan) on its stderr.
check_clean_exit() {
    if stop_vtepd "$1" &&
        ! grep -qE 'Sanitizer|runtime error:' "$1/stderr" 2>/dev/null; then
        pass "vtepd exits cleanly"
    else
        fail "vtepd exits cleanly"
        grep -E -A20 'Sanitizer|runtime error:' "$1/stderr" | sed 's/^/    /'
    fi
}

# hal DIR COMMAND [ARG...]: runs a control command of the vtepd of DIR.
hal() {
    local dir=$1
    shift
    ovs-appctl -t "$dir/ctl" "$@"
}

# hal_rows DIR COMMAND [ARG...]: the command's output without its header.
hal_rows() {
    hal "$@" | tail -n +2
}

# memory_stat DIR KEY: one value of the vtepd's memory/show.
memory_stat() {
    hal "$1" memory/show | tr ' ' '\n' | sed -n "s/^$2://p"
}

# same_output EXPECTED COMMAND...: succeeds if COMMAND prints EXPECTED.
same_output() {
    local expected=$1
    shift
    [ "$("$@" 2>&1)" = "$expected" ]
}

# check_output NAME SECONDS EXPECTED COMMAND...: passes NAME once COMMAND
# prints EXPECTED, polling for up to SECONDS; else fails NAME and shows the
# difference.
check_output() {
    local name=$1 seconds=$2 expected=$3
    shift 3
    if wait_for "$seconds" same_output "$expected" "$@"; then
        pass "$name"
    else
        fail "$name"
        diff <(echo "$expected") <("$@" 2>&1) | sed 's/^/    /'
    fi
}
