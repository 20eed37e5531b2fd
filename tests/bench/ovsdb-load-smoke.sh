#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Smoke run of the vtepd vs ovsdb-server benchmark harness: every load,
# tiny, against both servers.  Checks that each figure was produced for
# both; never looks at timing.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh

if ! have_ovs; then
    skip "ovsdb-load harness (ovsdb-server or vtep.ovsschema missing)"
    exit 0
fi
out=$(make_tmpdir)
BENCH_OUT=$out timeout 300 bash tests/bench/ovsdb-load.sh --quick >"$out/log" 2>&1
check "ovsdb-load.sh --quick exits 0" test $? -eq 0

# Each comparison line carries two positive numbers.
figure() {
    awk -v f="$1" 'index($0, f) == 1 && $0 ~ /vtepd [0-9.]+ .*ovsdb-server [0-9.]+/ {
        for (i = 1; i < NF; i++)
            if (($i == "vtepd" || $i == "ovsdb-server") && $(i + 1) + 0 <= 0)
                exit 1
        found = 1 }
        END { exit !found }' "$out/results.txt"
}
for f in "(1) sequential 1-row inserts (" \
    "(1) sequential 1-row inserts, --busy-poll=50" \
    "(2) 1-row inserts, 64" "(3) 1000-row" \
    "(4) RSS bytes/row at 2000" "(4) RSS bytes/row at 5000" "(5) restart" \
    "(6) fan-out p99 to 1 " "(6) fan-out p99 to 20 "; do
    check "figure $f" figure "$f"
done
check "asic convergence measured" grep -q '^(7) asic convergence .* [0-9.]* s, of which' "$out/results.txt"
if [ "$(id -u)" -eq 0 ] && grep -q '^SKIP: netdev' "$out/log"; then
    fail "netdev convergence skipped as root"
elif [ "$(id -u)" -eq 0 ]; then
    check "netdev convergence measured" \
        grep -q '^(7) netdev: 2000 remote MACs in the kernel FDB (2001 counted)' \
        "$out/results.txt"
fi
check "throughput plot data" test "$(wc -l <"$out/throughput.dat")" -eq 4
check "fan-out plot data" test "$(wc -l <"$out/fanout.dat")" -eq 3
[ "$TEST_FAILURES" -eq 0 ] || cat "$out/log"
finish
