# SPDX-License-Identifier: Apache-2.0
# Helpers for script tests; source this file.  Each check prints one line,
# "PASS: name", "FAIL: name" or "SKIP: name (reason)", which
# tests/run-tests.sh counts.  Cleanup registered with on_exit runs however
# the script ends.

BUILD=${BUILD:-build}
BIN=$BUILD/bin
TEST_FAILURES=0
_cleanups=()

on_exit() {
    _cleanups+=("$*")
}

_run_cleanups() {
    local i
    for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
        eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
    done
}
trap _run_cleanups EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; TEST_FAILURES=$((TEST_FAILURES + 1)); }
skip() { echo "SKIP: $*"; }

# check NAME COMMAND...: passes if COMMAND succeeds.
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# The test's temporary directories live under one root, made here and
# removed at exit: make_tmpdir runs in a command substitution, a subshell
# whose on_exit would never run in the test's own shell.
_TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/vtepd-test.XXXXXX")
on_exit "rm -rf '$_TMPROOT'"

# Makes a private temporary directory, removed at exit; prints its path.
make_tmpdir() {
    mktemp -d "$_TMPROOT/XXXXXX"
}

# wait_for SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds.
wait_for() {
    local deadline=$(($(date +%s%N) / 1000000 + $1 * 1000))
    shift
    until "$@"; do
        [ $(($(date +%s%N) / 1000000)) -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

finish() {
    [ "$TEST_FAILURES" -eq 0 ]
}
