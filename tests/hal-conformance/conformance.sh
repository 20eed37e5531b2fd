#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The HAL conformance kit against every provider it is meant for: asic
# (every case runs and passes), netdev in a network namespace of its own
# (skipped without root), the example provider module, and a broken module
# that must fail exactly the cases its faults break.  Then the loadable
# path end to end: ABI refusal, lookup by name in a provider directory, and
# vtepd running the example module with vtep-ctl's binding reaching it.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh
# The ABI this tree's hal/hal-provider.h declares (bad-abi.c claims one
# more).
ABI=$(sed -n 's/^#define HAL_PROVIDER_ABI_VERSION \([0-9]*\)u$/\1/p' \
    hal/hal-provider.h)

kit=$BIN/hal-conformance
example=$BUILD/hal-example/example.so
broken=$BUILD/tests/hal-broken.so
tmp=$(make_tmpdir)

# kit_run NAME ARGS...: runs the kit, keeping its report in $tmp/NAME.
kit_run() {
    local name=$1
    shift
    "$kit" "$@" >"$tmp/$name" 2>"$tmp/$name.err"
}

# report_failures NAME: the failing case names of report NAME, one a line.
report_failures() {
    sed -n 's/^FAIL: //p' "$tmp/$1"
}

# show NAME: the report's failures and summary, indented, for a failed check.
show() {
    grep -A2 '^FAIL' "$tmp/$1" | sed 's/^/    /'
    tail -1 "$tmp/$1" | sed 's/^/    /'
    head -3 "$tmp/$1.err" | sed 's/^/    /'
}

n_cases=$("$kit" --list | grep -c '^[a-z]')

# ---- asic: every case ----
if kit_run asic --hal=asic --platform=lab &&
    [ "$(grep -c '^PASS: ' "$tmp/asic")" -eq "$n_cases" ]; then
    pass "asic passes all $n_cases cases, none skipped"
else
    fail "asic passes all $n_cases cases, none skipped"
    show asic
fi

# ---- the example module ----
if kit_run example --hal="$example" && ! grep -q '^FAIL' "$tmp/example"; then
    pass "the example provider module passes ($(tail -1 "$tmp/example"))"
else
    fail "the example provider module passes"
    show example
fi
check "the report says what the example skips and why" \
    grep -qx 'SKIP: warm.resync-pairing (provider does not declare HAL_CAP_WARM_RESTART)' \
    "$tmp/example"

# The example's own Makefile builds it outside the tree, as a vendor would.
cp -r docs/hal-example "$tmp/vendor-src"
if make -s -C "$tmp/vendor-src" VTEPD="$PWD" >"$tmp/vendor.log" 2>&1 &&
    kit_run vendor --hal="$tmp/vendor-src/example.so" --filter='bulk.*'; then
    pass "docs/hal-example/Makefile builds a module out of tree that loads"
else
    fail "docs/hal-example/Makefile builds a module out of tree that loads"
    sed 's/^/    /' "$tmp/vendor.log"
    show vendor
fi

# ---- the broken module: exactly its faults ----
kit_run broken --hal="$broken"
rc=$?
expected='bridge.vni-taken
resources.fdb-fits-capacity
fdb.flush
events.never-inside-a-call'
if [ $rc -eq 1 ] && [ "$(report_failures broken)" = "$expected" ]; then
    pass "the broken provider fails exactly its 4 faulty cases"
else
    fail "the broken provider fails exactly its 4 faulty cases (status $rc)"
    diff <(echo "$expected") <(report_failures broken) | sed 's/^/    /'
fi
check "a failure quotes the promise from hal.h" grep -qF \
    'promise (hal/hal.h): "Returns 0, -EEXIST if another bridge has the VNI, HAL_E_TABLE_FULL, or -EINVAL."' \
    "$tmp/broken"
check "and says what differed" grep -qF \
    'returned -22 (invalid argument), expected -17 (already in use)' \
    "$tmp/broken"
check "a lying resource count is named" grep -qF \
    '64 entries fit, but resources said 80 of 80 were free' "$tmp/broken"
check "an event from inside a call is named" grep -qF \
    'event(s) (FDB_FLUSHED first) from inside another HAL call' "$tmp/broken"

# TAP: a plan and "not ok" lines a TAP harness understands.
kit_run tap --hal="$broken" --format=tap --filter='bridge.*'
check "TAP output: a plan for the filtered cases" grep -qx '1\.\.5' "$tmp/tap"
check "TAP output: the failing case as not ok" \
    grep -qx 'not ok 3 - bridge.vni-taken' "$tmp/tap"

# ---- loading ----
kit_run badabi --hal="$BUILD/tests/hal-bad-abi.so"
if [ $? -eq 2 ] && grep -qF \
    "built for HAL provider ABI $((ABI + 1)), this program has ABI $ABI: rebuild it" \
    "$tmp/badabi.err"; then
    pass "a module built for another ABI is refused with a clear message"
else
    fail "a module built for another ABI is refused with a clear message"
    sed 's/^/    /' "$tmp/badabi.err"
fi
kit_run noent --hal=nosuch --hal-dir="$BUILD/hal-example"
check "an unknown backend name is an error naming the directory searched" \
    grep -qF "no backend \"nosuch\": not built in (asic, netdev), and no nosuch.so in $BUILD/hal-example" \
    "$tmp/noent.err"
check "a provider is found by NAME in the provider directory" \
    kit_run byname --hal=example --hal-dir="$BUILD/hal-example" \
    --filter='bridge.create'

# ---- netdev, in a network namespace of its own ----
if [ "$(id -u)" -ne 0 ] || ! unshare -n true 2>/dev/null; then
    skip "netdev conformance (needs root and network namespaces)"
elif unshare -n bash -c '
        # No IPv6: its router solicitations would be learned as MACs.
        sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1 &&
        ip link set lo up &&
        for p in p0 p1; do
            ip link add $p type veth peer name $p-peer &&
            ip link set $p up && ip link set $p-peer up || exit 3
        done
        exec "$0" --hal=netdev --port=p0 --port=p1' "$kit" \
        >"$tmp/netdev" 2>"$tmp/netdev.err"; then
    pass "netdev passes in a namespace ($(tail -1 "$tmp/netdev"))"
else
    fail "netdev passes in a namespace"
    show netdev
fi
# Tagged bindings are declared exactly when this kernel makes 802.1Q
# sub-interfaces.
if [ ! -s "$tmp/netdev" ]; then
    :
elif unshare -n bash -c 'ip link add d0 type veth peer name d1 &&
        ip link add link d0 name d0.5 type vlan id 5' 2>/dev/null; then
    check "netdev declares tagged bindings (the kernel has 8021q)" \
        grep -qx 'PASS: binding.tagged' "$tmp/netdev"
else
    check "netdev declares no tagged bindings (the kernel has no 8021q)" \
        grep -qx 'SKIP: binding.tagged (provider does not declare HAL_CAP_TAGGED_BINDINGS)' \
        "$tmp/netdev"
fi
check "netdev runs the neighbour and BFD cases" bash -c "
    grep -qx 'PASS: neigh.warm-stale-removed' $tmp/netdev &&
    grep -qx 'PASS: bfd.timers' $tmp/netdev"

# ---- vtepd with the example module ----
for tool in vtep-ctl ovs-appctl; do
    if ! command -v $tool >/dev/null; then
        skip "vtepd --hal=FILE ($tool not installed)"
        finish
        exit
    fi
done
v=$tmp/vtepd
if start_vtepd_hal "$v" --hal="$example" --switch-name=s1 \
    --tunnel-ip=192.0.2.10; then
    pass "vtepd --hal=example.so starts"
else
    fail "vtepd --hal=example.so starts"
    cat "$v/stderr" "$v/log" 2>/dev/null | tail -5 | sed 's/^/    /'
    finish
    exit
fi
check "vtepd logs the module it loaded" grep -q 'loaded backend "example"' \
    "$v/log"
vc() { vtep-ctl --db=unix:"$v/db.sock" "$@"; }
check_output "the module's ports become Physical_Ports" 5 \
    "$(printf 'eth%s\n' 0 1 2 3)" bash -c "vtep-ctl --db=unix:$v/db.sock \
        list-ports s1 | sort"
vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- bind-ls s1 eth1 0 red
check_output "a vtep-ctl binding reaches the module (hal/dump-bindings)" 5 \
    "eth1 untagged red 5000" bash -c "ovs-appctl -t $v/ctl hal/dump-bindings |
        tail -n +2 | awk '{print \$1, \$2, \$3, \$4}'"
check_clean_exit "$v"

# Start-up fails, with the loader's reason, after the control socket is up:
# run it in the foreground and look at its exit status.
bad=$tmp/bad
mkdir -p "$bad"
if timeout 20 $BIN/vtepd --hal="$BUILD/tests/hal-bad-abi.so" \
    --remote=punix:"$bad/db.sock" --unixctl="$bad/ctl" --log-file="$bad/log" \
    "$bad/vtep.db" 2>/dev/null; then
    fail "vtepd refuses a module built for another ABI (it ran)"
else
    check "vtepd refuses a module built for another ABI" grep -qF \
        "built for HAL provider ABI $((ABI + 1)), this program has ABI $ABI" \
        "$bad/log"
fi
finish
