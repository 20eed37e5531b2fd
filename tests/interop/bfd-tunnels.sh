#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd's Tunnel rows and their BFD columns, driven by vtep-ctl as a
# controller would, on the asic backend with no peer answering: rows
# appear and go with the remote locators in use, a controller's bfd_params
# start a session that stays down, bad values are named and never make
# vtepd spin, and hal/dump-tunnels lists the remotes.
. tests/lib.sh
. tests/interop/ovsdb-server-lib.sh
. tests/interop/hal-lib.sh

for tool in vtep-ctl ovs-appctl; do
    if ! command -v $tool >/dev/null; then
        skip "BFD and Tunnel rows ($tool not installed)"
        exit 0
    fi
done
tmp=$(make_tmpdir)
v=$tmp/a
PS=s1

vc() { vtep-ctl --db=unix:"$v/db.sock" "$@"; }
# remotes: the remote dst_ip of every Tunnel row, sorted.
remotes() {
    local t
    for t in $(vc --bare --columns=remote list Tunnel); do
        vc get Physical_Locator "$t" dst_ip
    done | sort
}
status() { vc get Tunnel "$(vc --bare --columns=_uuid list Tunnel)" bfd_status; }

if ! start_vtepd_hal "$v" --switch-name=$PS --tunnel-ip=192.0.2.10; then
    fail "vtepd --hal=asic starts"
    exit 1
fi

vc add-ls red -- set Logical_Switch red tunnel_key=5000 \
    -- bind-ls $PS swp1 0 red
vc add-ucast-remote red 00:00:00:00:00:02 192.0.2.2
vc add-ucast-remote red 00:00:00:00:00:03 192.0.2.3
vc add-mcast-remote red unknown-dst 192.0.2.4
check_output "a Tunnel row per remote in use" 5 \
    "$(printf '"192.0.2.2"\n"192.0.2.3"\n"192.0.2.4"')" remotes
check_output "all in Physical_Switch.tunnels" 5 3 \
    bash -c "vtep-ctl --db=unix:$v/db.sock get Physical_Switch $PS tunnels |
        tr ',' '\n' | wc -l"
check_output "local is our own locator" 5 '"192.0.2.10"' \
    bash -c "vtep-ctl --db=unix:$v/db.sock get Physical_Locator \
        \$(vtep-ctl --db=unix:$v/db.sock --bare --columns=local list Tunnel |
           sort -u) dst_ip"

vc del-ucast-remote red 00:00:00:00:00:03
vc del-mcast-remote red unknown-dst 192.0.2.4
check_output "rows go with the last use" 5 '"192.0.2.2"' remotes

t=$(vc --bare --columns=_uuid list Tunnel)
vc set Tunnel "$t" bfd_params:enable=true
check_output "a session starts, down without a peer" 5 \
    '{diagnostic="No Diagnostic", enabled="true", forwarding="false", remote_diagnostic="No Diagnostic", remote_state=down, state=down}' status
check_output "bfd_config_local as ovs-vtep writes it" 5 \
    '{bfd_dst_ip="169.254.1.0", bfd_dst_mac="00:23:20:00:00:01"}' \
    vc get Tunnel "$t" bfd_config_local

vc set Tunnel "$t" bfd_params:min_rx=0
check_output "min_rx=0 is named in info" 5 \
    '{diagnostic="No Diagnostic", enabled="true", forwarding="false", info="bfd_params:min_rx: 0 is out of range 1 to 4294967 ms", remote_diagnostic="No Diagnostic", remote_state=down, state=down}' \
    status
vc set Tunnel "$t" bfd_params:min_rx=fast
check_output "a non-numeric value is named" 5 \
    '{diagnostic="No Diagnostic", enabled="true", forwarding="false", info="bfd_params:min_rx: \"fast\" is not a number of milliseconds", remote_diagnostic="No Diagnostic", remote_state=down, state=down}' \
    status
vc remove Tunnel "$t" bfd_params min_rx -- set Tunnel "$t" bfd_params:colour=red
check_output "an unknown key is named" 5 \
    '{diagnostic="No Diagnostic", enabled="true", forwarding="false", info="bfd_params: unknown key \"colour\" ignored", remote_diagnostic="No Diagnostic", remote_state=down, state=down}' \
    status
sleep 1
cpu=$(ps -o times= -p "$(cat "$v/pid")")
sleep 2
check "vtepd does not spin on bad parameters" \
    test $(($(ps -o times= -p "$(cat "$v/pid")") - cpu)) -le 1

vc clear Tunnel "$t" bfd_params
check_output "bfd_status cleared when BFD is off" 5 '{}' status
check_output "hal/dump-tunnels lists the remote" 5 \
    "$(printf 'remote 192.0.2.2: tx 0 packets 0 bytes, rx 0 packets 0 bytes\n  bfd: off')" \
    hal "$v" hal/dump-tunnels

check_clean_exit "$v"
finish
