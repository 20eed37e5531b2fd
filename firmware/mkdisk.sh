#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the firmware's bootable disk (BIOS, MBR) from the upgrade bundle,
# without root or loop mounts: each partition is made in a file of its own
# and copied into place.
#
# usage: firmware/mkdisk.sh BUNDLE WORKDIR OUT.qcow2
#
#   partition 1  FAT labelled VTEPBOOT, bootable: syslinux, syslinux.cfg and
#                two image slots, a/ (the bundle, unpacked) and b/ (empty
#                until an upgrade); room for both and one being installed
#   partition 2  ext4 labelled vtep-tor-state: the saved config, the OVSDB
#                file and the logs, kept across reboots
set -eu

bundle=$1 work=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
syslinux_dir=/usr/lib/syslinux
sector=512
boot_start=2048 boot_mib=128 state_mib=64
boot_sectors=$((boot_mib * 2048))
state_start=$((boot_start + boot_sectors))
state_sectors=$((state_mib * 2048))
total_sectors=$((state_start + state_sectors))

die() {
    echo "mkdisk: $*" >&2
    exit 1
}
for tool in mkfs.vfat mcopy mmd syslinux mke2fs sfdisk qemu-img; do
    command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps'"
done
[ -r $syslinux_dir/mbr/mbr.bin ] || die "no $syslinux_dir/mbr/mbr.bin: run 'make deps'"

rm -rf "$work"
mkdir -p "$work/state/vtep-tor" "$work/state/log"

# The boot partition: FAT whose hidden-sector count is the partition's
# start, as syslinux's boot sector expects.  syslinux.cfg is written by the
# image's own tool, so the first boot and an upgraded one read the same.
mkdir "$work/a"
tar -x -f "$bundle" -C "$work/a" manifest vmlinuz initrd.img
sed -n '/^write_cfg() {/,/^}/p' "$here/rootfs/usr/sbin/vtep-tor-image" >"$work/write_cfg.sh"
(BOOT=$work && . "$work/write_cfg.sh" && write_cfg a)
truncate -s $((boot_sectors * sector)) "$work/boot.img"
mkfs.vfat -F 16 -n VTEPBOOT -h $boot_start "$work/boot.img" >/dev/null
mmd -i "$work/boot.img" ::/a
for f in manifest vmlinuz initrd.img; do
    mcopy -i "$work/boot.img" "$work/a/$f" ::/a/$f
done
mcopy -i "$work/boot.img" "$work/syslinux.cfg" ::/syslinux.cfg
syslinux --install "$work/boot.img"

# The state partition, empty but for its directories.
mke2fs -q -F -t ext4 -L vtep-tor-state -d "$work/state" -E root_owner=0:0 \
    "$work/state.img" "${state_mib}M" >/dev/null

truncate -s $((total_sectors * sector)) "$work/disk.img"
sfdisk -q "$work/disk.img" <<TABLE
label: dos
start=$boot_start, size=$boot_sectors, type=6, bootable
start=$state_start, size=$state_sectors, type=83
TABLE
dd if=$syslinux_dir/mbr/mbr.bin of="$work/disk.img" bs=440 count=1 conv=notrunc status=none
dd if="$work/boot.img" of="$work/disk.img" bs=$sector seek=$boot_start conv=notrunc status=none
dd if="$work/state.img" of="$work/disk.img" bs=$sector seek=$state_start conv=notrunc status=none
qemu-img convert -c -f raw -O qcow2 "$work/disk.img" "$out"
