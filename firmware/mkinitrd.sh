#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the firmware's root filesystem and packs it as an initramfs.
#
# usage: firmware/mkinitrd.sh CACHE VTEPD ROOTDIR OUT
#   CACHE   the directory firmware/fetch-debs.sh filled (CACHE/root holds
#           the extracted Debian packages)
#   VTEPD   the vtepd binary to ship
#   ROOTDIR scratch directory, rebuilt from nothing
#   OUT     the initramfs to write (newc cpio, zstd)
#
# The tree is busybox, ip/bridge from iproute2, vtepd, vtep-cli, vtep-ctl,
# ovsdb-client, ovs-appctl, dropbear, exactly the shared
# libraries those binaries need (from the Debian packages, never the host),
# the kernel modules listed below with their dependencies, and the files of
# firmware/rootfs/ (init, supervisor, configuration).
set -eu

cache=$1 vtepd=$2 root=$3 out=$4
src=$cache/root
here=$(cd "$(dirname "$0")" && pwd)
kver=$(sed 's/^linux-image-//' "$cache/kernel-package")
libdir=lib/x86_64-linux-gnu

# Kernel modules the image loads; their dependencies come along.
modules=(
    virtio_pci virtio_net e1000 e1000e  # NICs QEMU and lab tools offer
    virtio_blk ata_piix sd_mod          # the persistent disk
    ext4 crc32c_generic
    vfat nls_cp437 nls_ascii            # the boot partition's image slots
    qemu_fw_cfg                         # per-VM config (-fw_cfg)
    bridge 8021q vxlan veth dummy vrf tun
    loop squashfs                       # the system image (below)
    nf_tables nft_meta_bridge           # netdev ACLs (docs/acl.md)
    sch_ingress cls_flower act_vlan     # priority tags popped (netdev)
    i6300esb                            # the hardware watchdog (-device i6300esb)
)

die() {
    echo "mkinitrd: $*" >&2
    exit 1
}

[ -d "$src/lib/modules/$kver" ] || die "no kernel $kver in $src: run 'make deps'"

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib64,$libdir,dev,proc,sys,run,tmp,var/log,var/lib/vtep-tor,etc}

# busybox, and a link for each applet where no real binary takes its place.
cp "$src/bin/busybox" "$root/bin/busybox"
cp "$src/bin/ip" "$root/sbin/ip"
cp "$src/sbin/bridge" "$root/sbin/bridge"
cp "$src/sbin/tc" "$root/sbin/tc"
install -m 0755 "$vtepd" "$root/usr/sbin/vtepd"
strip "$root/usr/sbin/vtepd"
# The operator CLI, built beside vtepd.
install -m 0755 "$(dirname "$vtepd")/vtep-cli" "$root/usr/bin/vtep-cli"
strip "$root/usr/bin/vtep-cli"
install -m 0755 "$(dirname "$vtepd")/vtep-tor-bundle" "$root/usr/sbin/vtep-tor-bundle"
strip "$root/usr/sbin/vtep-tor-bundle"
# Open vSwitch's clients, for operators used to them (already stripped).
ovs_tools=(vtep-ctl ovsdb-client ovs-appctl)
for tool in "${ovs_tools[@]}"; do
    cp "$src/usr/bin/$tool" "$root/usr/bin/$tool"
done
# SSH on the management port.
cp "$src/usr/sbin/dropbear" "$root/usr/sbin/dropbear"
cp "$src/usr/bin/dropbearkey" "$root/usr/bin/dropbearkey"
for applet in $("$src/bin/busybox" --list-full); do
    [ -e "$root/$applet" ] || [ -e "$root/sbin/${applet##*/}" ] ||
        ln -s /bin/busybox "$root/$applet"
done

# The shared libraries, found by following DT_NEEDED through the extracted
# packages.
needed() {
    readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
find_lib() {
    local d
    for d in "$src/$libdir" "$src/usr/$libdir"; do
        [ -e "$d/$1" ] && { echo "$d/$1"; return; }
    done
    return 1
}
todo=("$root/usr/sbin/vtepd" "$root/usr/bin/vtep-cli" "$root/usr/sbin/vtep-tor-bundle" "$root/sbin/ip"
      "$root/sbin/bridge" "$root/sbin/tc" "$root/usr/bin/vtep-ctl" "$root/usr/bin/ovsdb-client"
      "$root/usr/bin/ovs-appctl" "$root/usr/sbin/dropbear" "$root/usr/bin/dropbearkey")
while [ ${#todo[@]} -ne 0 ]; do
    elf=${todo[0]}
    todo=("${todo[@]:1}")
    for lib in $(needed "$elf"); do
        [ -e "$root/$libdir/$lib" ] && continue
        path=$(find_lib "$lib") ||
            die "${elf##*/} needs $lib, which no fetched package holds (firmware/fetch-debs.sh)"
        cp -L "$path" "$root/$libdir/$lib"
        todo+=("$root/$libdir/$lib")
    done
done
cp -L "$src/$libdir/ld-linux-x86-64.so.2" "$root/$libdir/"
ln -s "../$libdir/ld-linux-x86-64.so.2" "$root/lib64/ld-linux-x86-64.so.2"

# Kernel modules: the closure of the list over modules.dep, then depmod.
moddir=lib/modules/$kver
# The package leaves modules.dep to be made at installation.
[ -e "$src/$moddir/modules.dep" ] || depmod -b "$src" "$kver"
mkdir -p "$root/$moddir"
cp "$src/$moddir/modules.order" "$src/$moddir/modules.builtin" \
    "$src/$moddir/modules.builtin.modinfo" "$root/$moddir/"
declare -A have=()
add_module() {
    local line path dep
    line=$(grep -E "/$1\.ko:|/${1//_/-}\.ko:" "$src/$moddir/modules.dep" | head -1)
    [ -n "$line" ] || die "kernel $kver has no module $1"
    path=${line%%:*}
    [ -n "${have[$path]-}" ] && return
    have[$path]=1
    mkdir -p "$root/$moddir/$(dirname "$path")"
    cp "$src/$moddir/$path" "$root/$moddir/$path"
    for dep in ${line#*:}; do
        dep=${dep##*/}
        add_module "${dep%.ko}"
    done
}
for m in "${modules[@]}"; do
    add_module "$m"
done
depmod -b "$root" "$kver"

# The image's own files, and what busybox and the C library expect.
cp -a "$here/rootfs/." "$root/"
echo "$kver" >"$root/etc/vtep-tor-kernel"
# vtep-cli knows it runs on the switch by this file.
"$vtepd" --version | head -1 >"$root/etc/vtep-tor-release"
ln -s /bin/busybox "$root/init"

# The system image: the shared libraries, the kernel modules and the Open
# vSwitch tools (30 MB) go in a squashfs image, which stays compressed in
# RAM and is read on demand (page cache the kernel can reclaim): unpacked
# whole, the initramfs did not fit in 128 MB of guest RAM beside the
# kernel.  The boot script loads loop and squashfs (kept aside, in
# /lib/early) with busybox, which is static, mounts the image on /system,
# and symbolic links lead there.
sys=$root.system
rm -rf "$sys"
mkdir -p "$sys/lib" "$sys/bin" "$root/system" "$root/lib/early"
for m in loop squashfs; do
    cp "$root/$moddir/$(grep -E "/$m\.ko:" "$root/$moddir/modules.dep" | cut -d: -f1)" \
        "$root/lib/early/$m.ko"
done
mv "$root/$libdir" "$root/lib/modules" "$sys/lib/"
ln -s "/system/$libdir" "$root/$libdir"
ln -s /system/lib/modules "$root/lib/modules"
for tool in "${ovs_tools[@]}"; do
    mv "$root/usr/bin/$tool" "$sys/bin/$tool"
    ln -s "/system/bin/$tool" "$root/usr/bin/$tool"
done
mksquashfs "$sys" "$root/lib/early/system.sqfs" -comp zstd -Xcompression-level 19 \
    -all-root -noappend -quiet >/dev/null

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
    cpio --null --create --format=newc --owner=0:0 --quiet) |
    zstd -q -19 -T0 -f -o "$out"
