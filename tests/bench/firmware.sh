#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The firmware's figures (docs/benchmarks.md, "The firmware image"): image
# sizes; QEMU start to OVSDB answering under TCG with 128 MB, direct boot
# and from the disk; guest memory with 10K remote MACs programmed.  Prints
# figures; asserts nothing.
#
# Usage: firmware.sh [BOOTS [MACS]]   (defaults 3 10000)
set -u
. tests/lib.sh
. tests/firmware/vm.sh
fw_require
boots=${1:-3}
macs=${2:-10000}
TMP=$(make_tmpdir)

size() { stat -c %s "$1" | awk '{ printf "%.1f MB", $1 / 1e6 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "firmware: sizes"
for f in vmlinuz initrd.img vtep-tor.qcow2 "vtep-tor-*.bin"; do
    # shellcheck disable=SC2086
    f=$(ls $FW_DIR/$f | head -1)
    echo "  $(basename "$f"): $(size "$f")"
done
echo "  qcow2 virtual size: $(qemu-img info --output=json "$FW_DIR/vtep-tor.qcow2" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"] // 2**20, "MiB")')"
echo "  root file system unpacked: $(du -sm --apparent-size "$FW_DIR/root" | cut -f1) MB, of it the squashfs system image $(size "$FW_DIR/root/lib/early/system.sqfs") ($(du -sm --apparent-size "$FW_DIR/root.system" | cut -f1) MB unpacked)"

printf 'switch-name=tor1\ntunnel-ip=10.99.0.2/24\n' >"$TMP/tor1.conf"
echo "firmware: QEMU start to OVSDB answering (TCG, 128 MB, load $(cut -d' ' -f1 /proc/loadavg))"
for i in $(seq "$boots"); do
    fw_vm_start "$TMP/direct$i" "$TMP/tor1.conf" 2
    t=$(fw_vm_wait_served "$TMP/direct$i" 300) && echo "$t" >>"$TMP/direct"
    echo "  direct boot $i: ${t:-no answer} s (guest at boot done: $(sed -n 's/.*boot done in \([0-9.]*\) s.*/\1/p' "$TMP/direct$i/serial.log") s)"
    fw_vm_stop "$TMP/direct$i"
done
fw_vm_disk "$TMP/disk"
fw_vm_start "$TMP/disk" "$TMP/tor1.conf" 2
t=$(fw_vm_wait_served "$TMP/disk" 300)
echo "  from the disk through syslinux (first boot, new database): ${t:-no answer} s"
fw_vm_stop "$TMP/disk"
echo "  direct boot median: $(median <"$TMP/direct") s"

# Guest memory with MACS remote MACs: one logical switch bound to swp1,
# MACS Ucast_Macs_Remote rows to one remote VTEP, in transactions of 1000.
A=$TMP/mem
fw_vm_start "$A" "$TMP/tor1.conf" 2
fw_vm_wait_served "$A" 300 >/dev/null || { echo "firmware: the VM did not serve"; exit 1; }
vctl() { vtep-ctl --timeout=60 --db="$(fw_db "$A")" "$@"; }
vctl add-ls red -- set Logical_Switch red tunnel_key=5000
vctl bind-ls tor1 swp1 0 red
vctl add-ucast-remote red 02:00:00:00:00:00 10.99.0.9
ram() {
    fw_console "$A" "free -k | awk '/^Mem:/ { print \$3 }'; grep VmRSS /proc/\$(cat /run/vtepd/vtepd.pid)/status | awk '{ print \$2 }'" | tr '\n' ' '
}
read -r used0 rss0 <<<"$(ram)"
start=$(date +%s%N)
/usr/bin/python3 - "$(cat "$A/ovsdb.port")" "$macs" <<'PY'
import json, socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
dec = json.JSONDecoder()
buf = ""
def call(method, params, id):
    global buf
    s.sendall(json.dumps({"id": id, "method": method, "params": params}).encode())
    while True:
        try:
            msg, end = dec.raw_decode(buf.lstrip())
            buf = buf.lstrip()[end:]
            if msg.get("id") == id:
                return msg
        except ValueError:
            buf += s.recv(1 << 20).decode()
reply = call("transact", ["hardware_vtep",
    {"op": "select", "table": "Logical_Switch", "where": [["name", "==", "red"]], "columns": ["_uuid"]},
    {"op": "select", "table": "Physical_Locator", "where": [["dst_ip", "==", "10.99.0.9"]], "columns": ["_uuid"]}], 1)
ls, loc = (r["rows"][0]["_uuid"] for r in reply["result"])
for base in range(1, n, 1000):
    ops = ["hardware_vtep"] + [{"op": "insert", "table": "Ucast_Macs_Remote",
        "row": {"MAC": "02:00:00:%02x:%02x:%02x" % (i >> 16 & 255, i >> 8 & 255, i & 255),
                "logical_switch": ls, "locator": loc}} for i in range(base, min(base + 1000, n))]
    r = call("transact", ops, base + 1)
    assert all("error" not in o for o in r["result"]), r["result"][:3]
PY
programmed() {
    fw_console "$A" "ovs-appctl -t /run/vtepd/vtepd.ctl hal/resources" |
        awk -v n="$macs" '$1 == "fdb" { exit !($2 >= n) }'
}
if wait_for 600 programmed; then
    echo "firmware: $macs remote MACs in the database and the VM's kernel FDB in $((($(date +%s%N) - start) / 1000000)) ms"
else
    echo "firmware: the $macs MACs did not all reach the kernel in 600 s"
fi
kfdb=$(fw_console "$A" "bridge fdb show | grep -c 'dst 10.99.0.9'")
read -r used1 rss1 <<<"$(ram)"
total=$(fw_console "$A" "free -k | awk '/^Mem:/ { print \$2 }'")
echo "firmware: guest RAM used (free): $((used0 / 1024)) MB serving an empty switch, $((used1 / 1024)) MB with $macs remote MACs (of $((total / 1024)) MB the kernel leaves of 128 MB); vtepd RSS $((rss0 / 1024)) -> $((rss1 / 1024)) MB; kernel FDB entries to the remote: $kfdb"
