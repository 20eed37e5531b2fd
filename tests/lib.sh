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

# Makes a private temporary directory, removed at exit; prints its path.
# Callers run it in a subshell (tmp=$(make_tmpdir)), where on_exit would be
# lost, so every directory lives under one made, and registered for
# removal, when this file is sourced.
_test_root=$(mktemp -d "${TMPDIR:-/tmp}/vtepd-test.XXXXXX")
on_exit "rm -rf '$_test_root'"
make_tmpdir() {
    mktemp -d "$_test_root/t.XXXXXX"
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
