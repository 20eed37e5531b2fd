#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd's control plane while its software dataplane forwards a flood: the
# lab of tests/dataplane/vtepd-topology.sh with vtepd (asic backend, ports
# p1 and p2) in the vtep namespace and red/blue attached; bench-sim-gen
# floods red2 -> red1 (port p1 -> VXLAN) as fast as the kernel takes the
# frames, and meanwhile a client times, one every 10 ms:
#
#   ovsdb-w  a write transaction on vtepd's OVSDB socket (Logical_Switch
#            red's description), on one connection, until its reply;
#   ovsdb-r  a read-only one (select Logical_Switch red), the same way;
#   unixctl  'version' on vtepd's control socket, connection included.
#
# First without a flood (the reference), then during one.  Prints p50,
# p99 and max; asserts nothing.  Needs root, ip netns, vtep-ctl.
#   COUNT      requests per figure (default 300)
#   MODES      vtepd --dataplane-thread modes to measure in turn, same lab
#              (default "off idle batch"; "" for vtepd's default alone)
set -u
BUILD=${BUILD:-build}
. tests/lib.sh
NS=vfl$$
TMP=$(make_tmpdir)
VDIR=$TMP/vtepd
. tests/dataplane/vtepd-topology.sh

COUNT=${COUNT:-300}
GEN=$BUILD/tests/bench-sim-gen
lab_require "vtepd flood latency benchmark" "$VTEPD" vtep-ctl
lab_build
MODES=${MODES-off idle batch}
on_exit vtepd_stop
vtepd_start asic
lab_attach || exit 1

# latency LABEL: times COUNT requests of each kind; prints a line each.
latency() {
    python3 - "$1" "$VDIR/db.sock" "$VDIR/vtepd.ctl" "$COUNT" <<'EOF'
import json, socket, sys, time

label, db, ctl, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def call(sock, buf, req):
    """Sends 'req'; returns the reply with the same id (skips others)."""
    sock.sendall(json.dumps(req).encode())
    dec = json.JSONDecoder()
    while True:
        data = sock.recv(65536)
        if not data:
            raise SystemExit("connection closed")
        buf += data.decode()
        while buf:
            buf = buf.lstrip()
            try:
                msg, end = dec.raw_decode(buf)
            except ValueError:
                break
            buf = buf[end:]
            if msg.get("id") == req["id"]:
                return buf

def report(kind, lat):
    lat.sort()
    n = len(lat)
    print("%-14s %-8s %d requests: p50 %.2f ms, p99 %.2f ms, max %.2f ms"
          % (label, kind, n, lat[n // 2], lat[min(n - 1, n * 99 // 100)],
             lat[-1]))

def transact(kind, op):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(db)
    buf, lat = "", []
    for i in range(count):
        req = {"method": "transact", "id": i,
               "params": ["hardware_vtep", op(i)]}
        t = time.perf_counter()
        buf = call(s, buf, req)
        lat.append((time.perf_counter() - t) * 1000)
        time.sleep(0.01)
    s.close()
    report(kind, lat)

transact("ovsdb-w", lambda i: {"op": "update", "table": "Logical_Switch",
                               "where": [["name", "==", "red"]],
                               "row": {"description": "t%d" % i}})
transact("ovsdb-r", lambda i: {"op": "select", "table": "Logical_Switch",
                               "where": [["name", "==", "red"]]})

lat = []
for i in range(count):
    t = time.perf_counter()
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(ctl)
    call(c, "", {"method": "version", "params": [], "id": i})
    c.close()
    lat.append((time.perf_counter() - t) * 1000)
    time.sleep(0.01)
report("unixctl", lat)
EOF
}

# What reached the hypervisor: its stack's UDP InDatagrams count each
# segment of a UDP GSO packet, which u0's tx_packets counts once (the
# dataplane coalesces a flow's datagrams into UDP_SEGMENT sends).
tx_packets() {
    nsx hv awk '/^Udp:/ && ++n == 2 { print $2 }' /proc/net/snmp
}

# measure LABEL: the figures idle and during a flood.
measure() {
    local label=$1 flood before after gen
    echo "$label: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    latency idle
    # A flood longer than both figures take (3 x COUNT x 10 ms and more).
    flood=$((COUNT * 4 / 100 + 3))
    before=$(tx_packets)
    nsx red2 "$GEN" eth eth0 "$RED1_MAC" "$RED2_MAC" "$flood" 60 >/dev/null &
    gen=$!
    sleep 0.5
    latency "during flood"
    wait "$gen"
    after=$(tx_packets)
    echo "flood forwarded by vtepd: $(((after - before) / flood)) pps" \
        "(64 B, p1 -> VXLAN, $flood s)"
    ovs-appctl -t "$VDIR/vtepd.ctl" sim/show 2>/dev/null | grep '^thread'
    echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

if [ -z "$MODES" ]; then
    measure "vtepd's default"
    exit 0
fi
for mode in $MODES; do
    vtepd_stop
    vtepd_start asic --dataplane-thread="$mode"
    measure "--dataplane-thread=$mode"
done
