#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Figure (8) of issue #9: N OVN logical switch ports, created in one
# ovn-nbctl transaction, until the VTEP gateway has programmed all their
# MACs: vtepd (asic backend) and, for comparison, ovs-vtep on Open
# vSwitch's userspace datapath.
#
# The set-up is that of tests/interop/ovn-vtep.sh's scale check: OVN NB
# and SB ovsdb-servers, ovn-northd, the VTEP and ovn-controller-vtep
# between the SB database and the VTEP's database.  Ten hypervisors are SB
# Chassis rows with a VXLAN encap made with ovn-sbctl (no ovn-controller
# runs); OVN logical switch ls1 reaches the VTEP's logical switch lsbig
# through a "vtep" port.  Then, timed:
#
#   nbctl     one ovn-nbctl transaction adds N ports with a MAC each;
#   northd    until the SB database holds their N Port_Binding rows;
#   bind      one ovn-sbctl transaction binds them to the hypervisors (what
#             the hypervisors' ovn-controllers would do; it needs the
#             Port_Binding rows, so it starts when the script sees them);
#   ctl-vtep  until ovn-controller-vtep has written N Ucast_Macs_Remote rows
#             into the VTEP's database;
#   vtep      until the VTEP has programmed them: vtepd's asic model holds
#             N FDB entries (hal/resources); ovs-vtep has N table-1 flows
#             on its logical switch's bridge.
#
# The database phases end at the timestamps (1 ms) of passive monitors
# (ovsdb-client --timestamp monitor) of the NB, SB and VTEP databases, so
# that no polling loads the servers; the nbctl phase ends when the NB
# monitor has the ports.  "total" runs from the ovn-nbctl call to the last phase's end;
# "OVN+VTEP" leaves out the bind step, which stands in for the hypervisors.
#
# Usage: ovn-ports.sh [--quick]
#   --quick   50 ports: seconds.
#
# Environment: BUILD (default build), BENCH_OUT (results.txt is appended
# to; default $BUILD/bench), OVN_PORTS (default 1000), OVS_VTEP_LIMIT
# (seconds each phase may take; default 300).
set -u
BUILD=${BUILD:-build}
. tests/lib.sh
. tests/interop/hal-lib.sh
. tests/bench/ovs-vtep-lib.sh

if [ "${1:-}" = --quick ]; then
    N=50
else
    N=${OVN_PORTS:-1000}
fi
LIMIT=${OVS_VTEP_LIMIT:-300}
OUT=${BENCH_OUT:-$BUILD/bench}
OVN_SCHEMAS=/usr/share/ovn
TUNNEL_IP=192.0.2.100
N_HV=10

for tool in ovsdb-server ovsdb-tool ovsdb-client ovn-northd \
    ovn-controller-vtep ovn-nbctl ovn-sbctl vtep-ctl ovs-appctl $PY; do
    if ! command -v "$tool" >/dev/null; then
        skip "OVN ports benchmark ($tool not installed)"
        exit 0
    fi
done
if [ ! -f $OVN_SCHEMAS/ovn-nb.ovsschema ] ||
    [ ! -f $OVN_SCHEMAS/ovn-sb.ovsschema ]; then
    skip "OVN ports benchmark (OVN schemas not in $OVN_SCHEMAS)"
    exit 0
fi
if [ ! -x "$BIN/vtepd" ]; then
    skip "OVN ports benchmark ($BIN/vtepd not built)"
    exit 0
fi
mkdir -p "$OUT"
tmp=$(make_tmpdir)

# mac I: the MAC of port bigI.
mac() { printf '02:00:00:00:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }

# monitor NAME DB-SOCKET DATABASE TABLE COLUMN: records every update of
# TABLE, with its time, into $run/NAME.mon until the run ends.
monitor() {
    ovsdb-client --timestamp --format=csv monitor unix:"$2" "$3" "$4" "$5" \
        >"$run/$1.mon" 2>/dev/null &
    run_pids+=($!)
    on_exit "kill $! 2>/dev/null"
}

# seen_at NAME REGEX N: the epoch nanoseconds of the update in which
# monitor NAME printed the N-th row matching REGEX; fails if it has not
# yet.  Rows are "UUID,insert,VALUE..." for new rows and ",new,VALUE..."
# for the new contents of modified ones; string values may be quoted.
seen_at() {
    local when
    when=$(awk -v re="$2" -v n="$3" '
        /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { t = $0; next }
        $0 ~ re && ++seen == n { print t; exit }' "$run/$1.mon")
    [ -n "$when" ] && date -d "$when" +%s%N
}

# wait_seen NAME REGEX N: waits up to LIMIT seconds for seen_at.
wait_seen() {
    wait_for "$LIMIT" seen_at "$@" >/dev/null && seen_at "$@"
}

# ovn_daemon NAME PROGRAM ARG...: an OVN daemon of this run.
ovn_daemon() {
    ovs_daemon "$run" "$@" && run_pids+=("$(cat "$run/$1.pid")")
}

# programmed_at: writes into $run/programmed the time (epoch ns) at which
# the VTEP has programmed the N MACs: vtepd's asic model holds N FDB
# entries (there are no others; hal_poll.py asks every millisecond on one
# connection once vtepd's database has the N MACs); ovs-vtep's logical
# switch bridge has N flows for them (counted from the bind step on, every
# second and every 0.1 s from 95%: each dump-flows costs ovs-vswitchd).  Gives up after
# LIMIT seconds.  Runs in the background, so that it catches the VTEP
# however soon after the controller it is done.
programmed_at() {
    local start_ns br got
    if [ "$target" = vtepd ]; then
        $PY tests/bench/hal_poll.py "$run/vtepd/db.sock" "$run/vtepd/ctl" \
            "$N" "$LIMIT" | awk '{ print $2 }' >"$run/programmed"
        return
    fi
    wait_for "$LIMIT" test -e "$run/bound" || return 1
    start_ns=$(date +%s%N)
    br=$(ovs_vtep_ls_bridge "$ps")
    while got=$(ovs_vtep_flows "$br" dl_dst=02:00:) && [ "$got" -lt "$N" ]
    do
        [ "$(ms_since "$start_ns")" -lt $((LIMIT * 1000)) ] || return 1
        ovs_vtep_nap "$got" "$N"
    done
    date +%s%N >"$run/programmed"
}

# ovn_run TARGET: the whole timed sequence against TARGET, vtepd or
# ovs-vtep; sets the phase ends t_nbctl ... t_vtep (epoch ns) and t0.
ovn_run() {
    local vdb hv cmds=() binds=() i groups cpu0 poller
    target=$1 run=$tmp/$1 run_pids=()
    mkdir -p "$run"
    export OVN_RUNDIR=$run OVN_LOGDIR=$run OVN_DBDIR=$run
    nb() { ovn-nbctl --db=unix:"$run/nb.sock" "$@"; }
    sb() { ovn-sbctl --db=unix:"$run/sb.sock" "$@"; }
    for db in nb sb; do
        ovsdb-tool create "$run/$db.db" "$OVN_SCHEMAS/ovn-$db.ovsschema" &&
            ovn_daemon $db ovsdb-server --remote=punix:"$run/$db.sock" \
                --unixctl="$run/$db.ctl" "$run/$db.db" || return 1
    done
    ovn_daemon northd ovn-northd --ovnnb-db=unix:"$run/nb.sock" \
        --ovnsb-db=unix:"$run/sb.sock" --unixctl="$run/northd.ctl" ||
        return 1
    if [ "$target" = vtepd ]; then
        ps=tor1 port=swp2 vdb=$run/vtepd/db.sock
        start_vtepd_bench "$run/vtepd" --switch-name=$ps \
            --tunnel-ip=$TUNNEL_IP || return 1
        vtep_pids=$(cat "$run/vtepd/pid")
        run_pids+=("$vtep_pids")
    else
        ps=br0 port=p0 vdb=$run/db.sock
        ovs_vtep_env "$run"
        start_ovs_vtep "$run" $ps $TUNNEL_IP || return 1
        vtep_pids=
        for i in ovs-vtep ovs-vswitchd ovsdb-server; do
            run_pids+=("$(cat "$run/$i.pid")")
            vtep_pids="$vtep_pids $(cat "$run/$i.pid")"
        done
        wait_for 30 bash -c "vtep-ctl list-ports $ps | grep -qx p0" ||
            return 1
    fi
    ovn_daemon controller-vtep ovn-controller-vtep --vtep-db=unix:"$vdb" \
        --ovnsb-db=unix:"$run/sb.sock" || return 1

    # The gateway operator's part, OVN's switch with its vtep port, and
    # the hypervisors; ready once OVN gave lsbig its tunnel key.
    vtep-ctl --db=unix:"$vdb" add-ls lsbig -- bind-ls $ps $port 0 lsbig &&
        nb ls-add ls1 -- lsp-add ls1 ls1-vtep -- lsp-set-type ls1-vtep vtep \
            -- lsp-set-options ls1-vtep vtep-physical-switch=$ps \
            vtep-logical-switch=lsbig -- lsp-set-addresses ls1-vtep unknown ||
        return 1
    for hv in $(seq $N_HV); do
        sb chassis-add hv"$hv" vxlan 192.0.2."$hv" || return 1
    done
    wait_for 30 bash -c "[ \"\$(vtep-ctl --db=unix:$vdb get Logical_Switch \
        lsbig tunnel_key)\" != '[]' ]" || return 1
    # ovs-vtep has made lsbig's bridge and bound the port to it.
    if [ "$target" = ovs-vtep ]; then
        wait_for 30 bash -c "ovs-ofctl dump-flows \
            $(ovs_vtep_ls_bridge $ps) table=0 2>/dev/null | grep -q learn" ||
            return 1
    fi

    for i in $(seq "$N"); do
        cmds+=(-- lsp-add ls1 big"$i" -- lsp-set-addresses big"$i" \
            "$(mac "$i")")
        binds+=(-- lsp-bind big"$i" hv$((i % N_HV + 1)))
    done
    monitor nb "$run/nb.sock" OVN_Northbound Logical_Switch_Port name
    monitor sb "$run/sb.sock" OVN_Southbound Port_Binding \
        logical_port,chassis
    monitor vtep "$vdb" hardware_vtep Ucast_Macs_Remote MAC
    programmed_at &
    poller=$!
    on_exit "kill $poller 2>/dev/null"
    sleep 0.5

    # The CPU of each part: the NB and SB servers, northd, the controller,
    # and the VTEP (ovs-vtep with its children, ovs-vswitchd and its
    # ovsdb-server).
    groups=("$(cat "$run/nb.pid") $(cat "$run/sb.pid")" \
        "$(cat "$run/northd.pid")" "$(cat "$run/controller-vtep.pid")" \
        "$vtep_pids")
    cpu0=()
    for i in "${groups[@]}"; do
        # shellcheck disable=SC2086
        cpu0+=("$(cpu_secs $i)")
    done

    t0=$(date +%s%N)
    nb "${cmds[@]}" >/dev/null || return 1
    t_nbctl=$(wait_seen nb ',insert,"*big' "$N") &&
        t_northd=$(wait_seen sb ',insert,"*big' "$N") &&
        sb "${binds[@]}" >/dev/null 2>>"$run/sbctl.stderr" || return 1
    touch "$run/bound"
    t_bind=$(wait_seen sb ',new,"*big[^,]*,[0-9a-f]' "$N") &&
        t_ctlvtep=$(wait_seen vtep ',insert,"*02:00:' "$N") &&
        wait $poller || return 1
    t_vtep=$(cat "$run/programmed")
    cpu=()
    for i in "${!groups[@]}"; do
        # shellcheck disable=SC2086
        cpu+=("$(minus "$(cpu_secs ${groups[$i]})" "${cpu0[$i]}")")
    done
    kill "${run_pids[@]}" 2>/dev/null
}

# s FROM TO: seconds between two epoch-ns times, three decimals.
s() { awk -v ns=$(($2 - $1)) 'BEGIN { printf "%.3f", ns / 1e9 }'; }

# report TARGET: the result line of one run.
report() {
    printf '(8) OVN %d ports -> %-8s total %s s, OVN+VTEP %s s: nbctl %s,' \
        "$N" "$1" "$(s "$t0" "$t_vtep")" \
        "$(s $((t0 + t_bind - t_northd)) "$t_vtep")" "$(s "$t0" "$t_nbctl")"
    printf ' northd %s, bind %s, ctl-vtep %s, vtep %s;' \
        "$(s "$t_nbctl" "$t_northd")" "$(s "$t_northd" "$t_bind")" \
        "$(s "$t_bind" "$t_ctlvtep")" "$(s "$t_ctlvtep" "$t_vtep")"
    printf ' CPU s: nb+sb %s, northd %s, ctl-vtep %s, vtep %s\n' "${cpu[@]}"
}

# failed TARGET: the failure, with the ends of the run's logs.
failed() {
    fail "OVN ports into $1"
    tail -n 5 "$run"/*.log "$run"/*/log 2>/dev/null | sed 's/^/    /'
}

echo "ovn-ports: $(ovn-northd --version | head -1), vtepd" \
    "$("$BIN/vtepd" --version | head -1), $N ports on $N_HV hypervisors" |
    tee -a "$OUT/results.txt"

if ovn_run vtepd; then
    report vtepd | tee -a "$OUT/results.txt"
else
    failed vtepd
fi
why=$(ovs_vtep_missing)
if [ -n "$why" ]; then
    skip "OVN ports into ovs-vtep ($why)"
elif ovn_run ovs-vtep; then
    report ovs-vtep | tee -a "$OUT/results.txt"
else
    failed ovs-vtep
fi
finish
