#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# 100K remote MACs into a kernel VXLAN device: the netdev HAL's bulk
# hal_fdb_set() against 'bridge -batch' with the same entries, each into a
# fresh network namespace.  Prints figures; asserts nothing.  Needs root.
#
# Usage: netdev-fdb.sh [N [ROUNDS]]   (defaults 100000 3)
set -eu
build=${BUILD:-build}
n=${1:-100000}
rounds=${2:-3}
ns=ndbench$$

if [ "$(id -u)" -ne 0 ] || ! ip netns add "$ns-probe" 2>/dev/null; then
    echo "SKIP: netdev-fdb benchmark (needs root and ip netns)"
    exit 0
fi
ip netns del "$ns-probe"
tmp=$(mktemp -d)
trap 'ip netns del $ns 2>/dev/null || true; rm -rf "$tmp"' EXIT

# The MACs netdev-hal-ctl's "bench" command generates.
awk -v n="$n" 'BEGIN {
    for (i = 0; i < n; i++)
        printf "fdb add 02:00:%02x:%02x:%02x:%02x dev vxb self dst 198.51.100.2 permanent\n",
            int(i / 16777216) % 256, int(i / 65536) % 256, int(i / 256) % 256, i % 256
}' >"$tmp/batch"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for r in $(seq "$rounds"); do
    ip netns add "$ns"
    ip -n "$ns" link add vxb type vxlan id 42 local 192.0.2.1 dstport 4789 nolearning
    start=$(now_ms)
    ip netns exec "$ns" bridge -batch "$tmp/batch"
    echo $(($(now_ms) - start)) >>"$tmp/bridge"
    ip netns del "$ns"

    ip netns add "$ns"
    printf 'bridge bench 42\nbench %s bench 198.51.100.2\n' "$n" |
        ip netns exec "$ns" "$build/tests/netdev-hal-ctl" 2>/dev/null |
        sed -n 's/^bench .* \([0-9]*\) ms .*/\1/p' >>"$tmp/hal"
    ip netns del "$ns"
    echo "round $r: bridge -batch $(tail -1 "$tmp/bridge") ms, netdev HAL $(tail -1 "$tmp/hal") ms"
done
b=$(median <"$tmp/bridge")
h=$(median <"$tmp/hal")
echo "netdev-fdb: $n remote MACs: bridge -batch median $b ms, netdev HAL median $h ms," \
    "ratio $(awk -v h="$h" -v b="$b" 'BEGIN { printf "%.2f", b ? h / b : 0 }') (target <= 1.25)"
