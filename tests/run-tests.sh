#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every test given on the command line and prints one overall line,
# "N passed, M failed[, K skipped]".  Exits non-zero if anything failed.
#
# Unit tests are cmocka binaries: their own summary lines are shown and their
# "[  PASSED  ]" / "[  FAILED  ]" counts are added up.  Script tests (*.sh)
# report each case on a line of its own, "PASS: name", "FAIL: name" or
# "SKIP: name (reason)"; a script that exits non-zero without reporting a
# failure counts as one failure.  TEST_WRAPPER (e.g. valgrind) prefixes unit
# test binaries.  Full output of each test goes to $BUILD/test-logs/.
set -u

build=${BUILD:-build}
logdir=$build/test-logs
mkdir -p "$logdir"

passed=0 failed=0 skipped=0
failures=()

run_unit() {
    local bin=$1 log rc p f
    log=$logdir/$(basename "$bin").log
    # shellcheck disable=SC2086
    CMOCKA_MESSAGE_OUTPUT=stdout ${TEST_WRAPPER:-} "$bin" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0} f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1    # Crashed, or the wrapper (valgrind) found errors.
    fi
    printf '%-36s %3d passed, %d failed\n' "$(basename "$bin")" "$p" "$f"
    if [ "$f" -ne 0 ]; then
        grep -E '^\[  (FAILED|  ERROR ) \]|^\[  ERROR   \]|error:|ERROR SUMMARY|Assertion|Sanitizer' "$log" | head -20 | sed 's/^/    /'
        failures+=("$(basename "$bin") (see $log)")
    fi
    passed=$((passed + p)) failed=$((failed + f))
}

run_script() {
    local script=$1 log rc p f s name
    name=${script#tests/}
    log=$logdir/$(echo "$name" | tr / -).log
    BUILD=$build bash "$script" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    s=$(grep -c '^SKIP: ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "FAIL: $name exited with status $rc" >>"$log"
    fi
    printf '%-36s %3d passed, %d failed' "$name" "$p" "$f"
    [ "$s" -ne 0 ] && printf ', %d skipped' "$s"
    printf '\n'
    grep -E '^(FAIL|SKIP): ' "$log" | head -20 | sed 's/^/    /'
    if [ "$f" -ne 0 ]; then
        tail -n 15 "$log" | sed 's/^/    | /'
        failures+=("$name (see $log)")
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

for t in "$@"; do
    case $t in
        *.sh) run_script "$t" ;;
        *) run_unit "$t" ;;
    esac
done

if [ ${#failures[@]} -ne 0 ]; then
    echo
    echo "Failed:"
    printf '  %s\n' "${failures[@]}"
fi
echo
if [ "$skipped" -ne 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
