# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Helpers for the benchmarks that run Debian's VTEP emulator, ovs-vtep, on
# Open vSwitch's userspace datapath, beside vtepd; source after
# tests/lib.sh.  Everything lives in one temporary directory: the OVS
# daemons find their sockets there through OVS_RUNDIR (exported by
# ovs_vtep_env), and ovs-vswitchd runs in a network namespace of its own
# (unshare -n), so that the tap devices of its bridges vanish with it and
# no system-wide Open vSwitch is ever touched.

OVS_VTEP=/usr/share/openvswitch/scripts/ovs-vtep
PY=/usr/bin/python3
OVS_SCHEMA_DIR=/usr/share/openvswitch

# ovs_vtep_missing: prints why ovs-vtep cannot run here, or nothing.
ovs_vtep_missing() {
    local tool
    if [ "$(id -u)" -ne 0 ]; then
        echo "needs root (tap devices of the userspace datapath)"
        return
    fi
    for tool in ovsdb-server ovsdb-tool ovs-vswitchd ovs-vsctl ovs-ofctl \
        ovs-appctl vtep-ctl unshare; do
        command -v $tool >/dev/null || { echo "$tool not installed"; return; }
    done
    [ -x "$OVS_VTEP" ] || { echo "$OVS_VTEP not installed"; return; }
    $PY -c 'import ovs.daemon' 2>/dev/null ||
        { echo "python3-openvswitch not installed"; return; }
    if [ ! -f "$OVS_SCHEMA_DIR/vswitch.ovsschema" ] ||
        [ ! -f "$OVS_SCHEMA_DIR/vtep.ovsschema" ]; then
        echo "OVS schemas not in $OVS_SCHEMA_DIR"
        return
    fi
    [ -c /dev/net/tun ] || echo "no /dev/net/tun"
}

# ovs_vtep_env DIR: points the OVS tools (and ovs-vtep, which calls
# ovs-vsctl, ovs-ofctl and vtep-ctl without --db) at DIR.
ovs_vtep_env() {
    export OVS_RUNDIR=$1 OVS_DBDIR=$1 OVS_LOGDIR=$1 OVS_SYSCONFDIR=$1
}

# ovs_daemon DIR NAME PROGRAM ARG...: an OVS-style daemon, detached, with
# its pid file and log in DIR; killed at exit.
ovs_daemon() {
    local dir=$1 name=$2
    shift 2
    "$@" --pidfile="$dir/$name.pid" --log-file="$dir/$name.log" --detach \
        --no-chdir 2>>"$dir/$name.stderr" || return 1
    on_exit "kill \$(cat '$dir/$name.pid' 2>/dev/null) 2>/dev/null"
}

# start_ovs_vtep DIR PS TUNNEL_IP: ovsdb-server with the Open_vSwitch and
# hardware_vtep databases at DIR/db.sock, ovs-vswitchd, bridge PS
# (datapath_type=netdev) with one port, p0, the physical switch PS in the
# VTEP database with TUNNEL_IP, and ovs-vtep emulating it.
start_ovs_vtep() {
    local dir=$1 ps=$2 ip=$3
    ovsdb-tool create "$dir/conf.db" "$OVS_SCHEMA_DIR/vswitch.ovsschema" &&
        ovsdb-tool create "$dir/vtep.db" "$OVS_SCHEMA_DIR/vtep.ovsschema" &&
        ovs_daemon "$dir" ovsdb-server ovsdb-server \
            --remote=punix:"$dir/db.sock" "$dir/conf.db" "$dir/vtep.db" &&
        ovs-vsctl --no-wait init &&
        ovs_daemon "$dir" ovs-vswitchd unshare -n ovs-vswitchd \
            unix:"$dir/db.sock" &&
        ovs-vsctl add-br "$ps" -- set Bridge "$ps" datapath_type=netdev \
            -- add-port "$ps" p0 -- set Interface p0 type=internal &&
        vtep-ctl add-ps "$ps" -- set Physical_Switch "$ps" tunnel_ips="$ip" &&
        ovs_daemon "$dir" ovs-vtep "$OVS_VTEP" "$ps"
}

# The bridge ovs-vtep makes for the first logical switch it sees on PS.
ovs_vtep_ls_bridge() { echo "${1}_vtep_ls1"; }

# ovs_vtep_flows BRIDGE PATTERN: how many of BRIDGE's table-1 flows (where
# ovs-vtep puts one per remote MAC) match PATTERN; succeeds for 0 too.
ovs_vtep_flows() {
    ovs-ofctl dump-flows "$1" table=1 2>/dev/null | grep -c -- "$2" || :
}

# ovs_vtep_nap GOT N: sleeps between two counts of ovs-vtep's flows: 1 s
# until GOT is 95% of N, then 0.1 s.  Each dump-flows costs ovs-vswitchd
# up to 6 ms of CPU at 5,000 flows, which would count as ovs-vtep's if it
# came every 0.1 s for a minute; ovs-vtep itself works in 1 s rounds.
ovs_vtep_nap() {
    if [ $(($1 * 100)) -lt $(($2 * 95)) ]; then sleep 1; else sleep 0.1; fi
}

# cpu_secs PID...: seconds on CPU of the processes (all their threads, to
# the nanosecond: /proc/PID/task/*/schedstat) and of their reaped children
# (10 ms ticks: ovs-vtep runs ovs-ofctl, ovs-vsctl and vtep-ctl as
# children), three decimals.
cpu_secs() {
    local pid f t ns=0 ticks=0
    for pid in "$@"; do
        for f in /proc/"$pid"/task/*/schedstat; do
            read -r t _ <"$f" && ns=$((ns + t))
        done
        ticks=$((ticks + $(awk '{ print $16 + $17 }' /proc/"$pid"/stat)))
    done
    awk -v ns="$ns" -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.3f", ns / 1e9 + t / hz }'
}

# minus A B: A - B, three decimals.
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# ms_since START_NS: elapsed milliseconds.
ms_since() {
    echo $((($(date +%s%N) - $1) / 1000000))
}

# vtepd_hal_entries CTL: the hal-entries of vtepd's memory/show, once its
# reconciler has nothing pending (else nothing).
vtepd_hal_entries() {
    ovs-appctl -t "$1" memory/show | awk '{
        for (i = 1; i <= NF; i++) { split($i, kv, ":"); m[kv[1]] = kv[2] } }
        END { if (m["vtep-pending"] == 0) print m["hal-entries"] }'
}

# hal_entries_at_least CTL N: vtepd's reconciler has nothing pending and
# its HAL holds N entries or more.
hal_entries_at_least() {
    [ "$(vtepd_hal_entries "$1")" -ge "$2" ] 2>/dev/null
}

# hal_fdb CTL: FDB entries in vtepd's HAL.
hal_fdb() {
    ovs-appctl -t "$1" hal/resources | awk '$1 == "fdb" { print $2 }'
}

# hal_fdb_at_least CTL N: vtepd's HAL has N FDB entries or more, nothing
# pending.
hal_fdb_at_least() {
    [ -n "$(vtepd_hal_entries "$1")" ] && [ "$(hal_fdb "$1")" -ge "$2" ]
}

# start_vtepd_bench DIR [ARG...]: start_vtepd_hal, with up to 60 s for
# vtepd to answer (a cold start of the asic model on a loaded machine can
# take longer than the tests' 5 s); says why it failed on stderr.
start_vtepd_bench() {
    local dir=$1
    start_vtepd_hal "$@"
    if ! wait_for 60 test -S "$dir/ctl" ||
        ! wait_for 60 test -S "$dir/db.sock" ||
        ! wait_for 60 test -s "$dir/pid"; then
        echo "vtepd did not start in $dir" >&2
        return 1
    fi
}
