#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# BUM replication as seen on the wire.  The red flood list names three
# VTEPs (all addresses of the hypervisor namespace).  One broadcast from
# red2 must leave the underlay as three VXLAN copies with source-node
# replication and as one with service-node replication, each with VNI 100
# and a UDP source port in the RFC 7348 range.
. tests/lib.sh
. tests/dataplane/sim-topology.sh

lab_require "BUM replication" "$SIM"
if ! command -v tcpdump >/dev/null; then
    skip "BUM replication (no tcpdump)"
    exit 0
fi
TMP=$(make_tmpdir)
lab_build
nsx hv ip addr add 10.99.0.3/24 dev u0
nsx hv ip addr add 10.99.0.4/24 dev u0

cat >"$TMP/lab.conf" <<EOF
bridge red 100 source_node
bind p1 0 red
flood red $HV_IP 10.99.0.3 10.99.0.4
EOF
lab_start "$TMP/lab.conf"

capture_flood 02:00:00:00:01:aa
src=$(cat "$TMP/02:00:00:00:01:aa.copies")
echo "$src"
check "source_node: one copy per remote VTEP (3)" \
    test "$(grep -c . <<<"$src")" -eq 3
for ip in "$HV_IP" 10.99.0.3 10.99.0.4; do
    check "source_node: a copy to $ip" grep -q "> $ip.4789" <<<"$src"
done
check "UDP source ports in 49152-65535" sports_in_range <<<"$src"

ctl bridge red 100 service_node
capture_flood 02:00:00:00:01:bb
svc=$(cat "$TMP/02:00:00:00:01:bb.copies")
echo "$svc"
check "service_node: one copy in all" test "$(grep -c . <<<"$svc")" -eq 1

check "kernel VXLAN still reaches red2" ping_ok red1 "$RED2_IP"
finish
