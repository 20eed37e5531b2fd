# SPDX-License-Identifier: Apache-2.0
# Boots firmware VMs for tests and labs; source after tests/lib.sh.
#
# A VM lives in a directory: serial.log (everything on ttyS0), console.in
# (a FIFO into ttyS0, for tests/firmware/console.py), qemu.pid and ovsdb.port
# (the host loopback port forwarded to the VM's ptcp:6640).

FW_DIR=${FW_DIR:-$BUILD/firmware}
FW_CONSOLE=tests/firmware/console.py

# fw_require: SKIPs the whole script, saying why, when a VM cannot boot.
fw_require() {
    local what
    if [ -n "${NO_FIRMWARE:-}" ]; then
        skip "firmware VM (sanitizer build: the image is not built with a sanitized vtepd; make check boots it)"
        exit 0
    fi
    for what in qemu-system-x86_64 vtep-ctl ovsdb-client /usr/bin/python3; do
        if ! command -v "$what" >/dev/null; then
            skip "firmware VM ($what is not installed: make deps)"
            exit 0
        fi
    done
    if [ ! -r "$FW_DIR/vmlinuz" ] || [ ! -r "$FW_DIR/initrd.img" ]; then
        skip "firmware VM (no $FW_DIR/vmlinuz and initrd.img: the Debian kernel package is missing, run make deps and make firmware)"
        exit 0
    fi
}

# fw_free_port: prints a TCP port free on 127.0.0.1 right now.
fw_free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# fw_vm_start DIR CONFIG NPORTS [QEMU ARGS...]: boots the image in the
# background with CONFIG (a file, or "" for none) as its fw_cfg config, a
# management NIC on user networking, NPORTS front-panel NICs (unplugged
# user networks unless QEMU ARGS add their own netdevs after them) and a
# hardware watchdog (i6300esb), as a switch has.
fw_vm_start() {
    local dir=$1 config=$2 nports=$3 port sshport i mac
    shift 3
    mkdir -p "$dir"
    # QEMU numbers MACs from the same base in every VM: cabled VMs must not
    # share them.
    mac=$(printf '52:54:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
    port=$(fw_free_port)
    echo "$port" >"$dir/ovsdb.port"
    sshport=$(fw_free_port)
    echo "$sshport" >"$dir/ssh.port"
    if [ -e "$dir/disk.qcow2" ]; then
        set -- -drive "file=$dir/disk.qcow2,if=virtio,format=qcow2" "$@"
    else
        set -- -kernel "$FW_DIR/vmlinuz" -initrd "$FW_DIR/initrd.img" \
            -append "console=ttyS0 quiet no_timer_check panic=-1" "$@"
    fi
    # A reboot ends QEMU, unless FW_REBOOT=1 (an upgrade's trial boots);
    # so does a reset by the hardware watchdog, the i6300esb the image
    # pets (and arms unpetted on a trial boot).
    [ "${FW_REBOOT-}" = 1 ] || set -- -no-reboot "$@"
    set -- -accel tcg -m 128 -nodefaults -display none -device i6300esb "$@" \
        -chardev "pipe,id=con,path=$dir/console,logfile=$dir/serial.log,logappend=on" \
        -serial chardev:con \
        -netdev "user,id=mgmt,hostfwd=tcp:127.0.0.1:$port-:6640,hostfwd=tcp:127.0.0.1:$sshport-:22" \
        -device "virtio-net-pci,netdev=mgmt,romfile=,mac=$mac:00"
    for ((i = 1; i <= nports; i++)); do
        if ! printf '%s\n' "$@" | grep -q "id=swp$i\b"; then
            set -- "$@" -netdev "user,id=swp$i,restrict=on"
        fi
        set -- "$@" -device "virtio-net-pci,netdev=swp$i,romfile=,mac=$mac:$(printf %02x "$i")"
    done
    [ -n "$config" ] && set -- "$@" -fw_cfg "name=opt/vtep-tor/config,file=$config"
    rm -f "$dir/console.in" "$dir/console.out"
    mkfifo "$dir/console.in" "$dir/console.out"
    touch "$dir/serial.log"
    # The output is read from the log; the FIFO only has to be drained.
    cat "$dir/console.out" >/dev/null 2>&1 </dev/null &
    echo $! >"$dir/drain.pid"
    date +%s%N >"$dir/started"
    qemu-system-x86_64 "$@" </dev/null >"$dir/qemu.out" 2>&1 &
    echo $! >"$dir/qemu.pid"
    on_exit "fw_vm_stop '$dir'"
}

# fw_vm_disk DIR: gives the VM in DIR a disk of its own, a copy-on-write
# overlay of the built vtep-tor.qcow2; fw_vm_start then boots from it
# through the bootloader, and its state survives a restart.
fw_vm_disk() {
    mkdir -p "$1"
    qemu-img create -q -f qcow2 -F qcow2 -b "$(realpath "$FW_DIR/vtep-tor.qcow2")" \
        "$1/disk.qcow2"
}

# fw_bundle OUT VERSION [VTEPD [OVERLAY]]: an upgrade bundle of the built
# image whose /etc/vtep-tor-release names VERSION, whose vtepd is the file
# VTEPD if one is given (not empty), and with the files of the directory
# OVERLAY (under etc/ and usr/) if one is given: a second cpio archive,
# appended to the initramfs, replaces those files.
fw_bundle() {
    local out=$1 version=$2 vtepd=${3-} overlay=${4-} work
    work=$(mktemp -d)
    mkdir -p "$work/root/etc" "$work/root/usr/sbin"
    [ -n "$overlay" ] && cp -a "$overlay/." "$work/root/"
    echo "vtepd (vtepd) $version" >"$work/root/etc/vtep-tor-release"
    [ -n "$vtepd" ] && install -m 0755 "$vtepd" "$work/root/usr/sbin/vtepd"
    zstd -q -dc "$FW_DIR/initrd.img" >"$work/initrd"
    (cd "$work/root" && find etc usr | cpio --create --format=newc --owner=0:0 --quiet) \
        >>"$work/initrd"
    zstd -q -1 -T0 --rm "$work/initrd" -o "$work/initrd.img"
    firmware/mkbundle.sh "$FW_DIR/vmlinuz" "$work/initrd.img" "$version" \
        "$(cat "$FW_DIR/root/etc/vtep-tor-kernel")" "$out"
    rm -rf "$work"
}

# fw_vm_stop DIR: ends the VM (it keeps nothing worth a clean shutdown
# unless it has a disk, and then the test shuts it down itself).
fw_vm_stop() {
    local pid f
    for f in qemu drain; do
        pid=$(cat "$1/$f.pid" 2>/dev/null) || continue
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
        rm -f "$1/$f.pid"
    done
}

fw_vm_alive() {
    kill -0 "$(cat "$1/qemu.pid" 2>/dev/null)" 2>/dev/null
}

# fw_pki DIR: test TLS files for a VM in DIR/pki (a CA, the switch's key
# and certificate, a client's), and prints the config lines that give the
# switch its own; fw_db and fw_ovs_args then speak TLS to it.
fw_pki() {
    local tmp=$1/pki
    mkdir -p "$tmp"
    . tests/interop/certs.sh
    make_cert ca "vtep test CA" "" && make_cert switch tor1 ca &&
        make_cert client controller ca || return 1
    echo "ssl-private-key=$(base64 -w0 "$tmp/switch.key")"
    echo "ssl-certificate=$(base64 -w0 "$tmp/switch.crt")"
    echo "ssl-ca-cert=$(base64 -w0 "$tmp/ca.crt")"
}

# fw_db DIR: the vtep-ctl/ovsdb-client remote of the VM's OVSDB server.
fw_db() {
    if [ -d "$1/pki" ]; then
        echo "ssl:127.0.0.1:$(cat "$1/ovsdb.port")"
    else
        echo "tcp:127.0.0.1:$(cat "$1/ovsdb.port")"
    fi
}

# fw_ovs_args DIR: the TLS options of vtep-ctl and ovsdb-client for the VM
# (none unless fw_pki made its files).
fw_ovs_args() {
    [ -d "$1/pki" ] || return 0
    echo "--private-key=$1/pki/client.key --certificate=$1/pki/client.crt --ca-cert=$1/pki/ca.crt"
}

fw_served() {
    # shellcheck disable=SC2046
    ovsdb-client --timeout=2 $(fw_ovs_args "$1") list-dbs "$(fw_db "$1")" 2>/dev/null |
        grep -qx hardware_vtep
}

# fw_vm_wait_served DIR SECONDS: waits until the VM's OVSDB server answers;
# prints the seconds since QEMU started.
fw_vm_wait_served() {
    local now deadline=$(($(date +%s) + $2))
    until fw_served "$1"; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        fw_vm_alive "$1" || return 1
        sleep 0.5
    done
    now=$(date +%s%N)
    echo "$(((now - $(cat "$1/started")) / 1000000))" |
        sed 's/\(...\)$/.\1/'
}

# fw_ssh DIR KEY COMMAND...: runs COMMAND on the VM over SSH (port 22,
# forwarded) as root with the private key KEY.
fw_ssh() {
    local dir=$1 key=$2
    shift 2
    ssh -q -i "$key" -p "$(cat "$dir/ssh.port")" -o BatchMode=yes -o ConnectTimeout=20 \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -o IdentitiesOnly=yes root@127.0.0.1 "$@"
}

# fw_console DIR COMMAND: runs COMMAND on the VM's console shell.
fw_console() {
    /usr/bin/python3 "$FW_CONSOLE" "$1" "$2" 60
}

# fw_vctl DIR ARGS...: vtep-ctl on the database of the VM in DIR.
fw_vctl() {
    local dir=$1
    shift
    # shellcheck disable=SC2046
    vtep-ctl --timeout=30 $(fw_ovs_args "$dir") --db="$(fw_db "$dir")" "$@"
}

# fw_vms_boot CHECK DIR...: waits up to 150 s for each VM's OVSDB server
# and passes CHECK, or fails it, shows the console of the VM that did not
# come up and exits.
fw_vms_boot() {
    local check=$1 dir
    shift
    for dir; do
        if ! fw_vm_wait_served "$dir" 150 >/dev/null; then
            fail "$check (${dir##*/} did not)"
            tail -30 "$dir/serial.log"
            exit 1
        fi
    done
    pass "$check"
}

# ---- Cabling VMs to namespaces ------------------------------------------
#
# These need tests/dataplane/lab-topology.sh (nsx, lab_ns, lab_host, NS).

# fw_tap_new NAME...: TAP devices $NS-NAME for QEMU to hold, removed at
# exit.
fw_tap_new() {
    local t
    for t in "$@"; do
        ip tuntap add dev "$NS-$t" mode tap
        on_exit "ip link del '$NS-$t' 2>/dev/null"
    done
}

# fw_tap_netdev ID NAME: the QEMU netdev of front-panel port ID on the TAP
# $NS-NAME.
fw_tap_netdev() {
    echo "tap,id=$1,ifname=$NS-$2,script=no,downscript=no"
}

# fw_tap_to NS NAME: moves the TAP $NS-NAME (held open by QEMU) into
# namespace NS as NAME, up.
fw_tap_to() {
    ip link set "$NS-$2" netns "$NS-$1"
    nsx "$1" ip link set "$NS-$2" name "$2" up
}

# fw_tap_host NAME TAP MAC IP: a host namespace cabled to a front-panel
# port by TAP.
fw_tap_host() {
    lab_ns "$1"
    fw_tap_to "$1" "$2"
    nsx "$1" ip link set "$2" address "$3" mtu 1450
    nsx "$1" ip addr add "$4/24" dev "$2"
}

# fw_hv TAP RED1_IP BLUE1_IP: the hypervisor namespace "hv" on the switch's
# uplink TAP ($HV_IP), with hosts red1 behind VNI 100 and blue1 behind VNI
# 200.
fw_hv() {
    lab_ns hv
    fw_tap_to hv "$1"
    nsx hv ip addr add "$HV_IP/24" dev "$1"
    lab_host red1 "$RED1_MAC" "$2" hv h-red1
    lab_host blue1 "$BLUE1_MAC" "$3" hv h-blue1
    lab_hv_vni 100 red1
    lab_hv_vni 200 blue1
}
