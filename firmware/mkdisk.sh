#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the firmware's bootable disk (BIOS, MBR) from the direct-boot
# kernel and initramfs, without root or loop mounts: each partition is made
# in a file of its own and copied into place.
#
# usage: firmware/mkdisk.sh VMLINUZ INITRD WORKDIR OUT.qcow2
#
#   partition 1  FAT, bootable: syslinux, syslinux.cfg, vmlinuz, initrd.img
#   partition 2  ext4 labelled vtep-tor-state: the saved config, the OVSDB
#                file and the logs, kept across reboots
set -eu

vmlinuz=$1 initrd=$2 work=$3 out=$4
syslinux_dir=/usr/lib/syslinux
sector=512
boot_start=2048 boot_mib=32 state_mib=64
boot_sectors=$((boot_mib * 2048))
state_start=$((boot_start + boot_sectors))
state_sectors=$((state_mib * 2048))
total_sectors=$((state_start + state_sectors))

die() {
    echo "mkdisk: $*" >&2
    exit 1
}
for tool in mkfs.vfat mcopy syslinux mke2fs sfdisk qemu-img; do
    command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps'"
done
[ -r $syslinux_dir/mbr/mbr.bin ] || die "no $syslinux_dir/mbr/mbr.bin: run 'make deps'"

rm -rf "$work"
mkdir -p "$work/state/vtep-tor" "$work/state/log"

# The boot partition: FAT whose hidden-sector count is the partition's
# start, as syslinux's boot sector expects.
cat >"$work/syslinux.cfg" <<'CFG'
SERIAL 0 115200
DEFAULT vtep-tor
TIMEOUT 0
LABEL vtep-tor
    KERNEL /vmlinuz
    INITRD /initrd.img
    APPEND console=tty0 console=ttyS0,115200 quiet panic=10
CFG
truncate -s $((boot_sectors * sector)) "$work/boot.img"
mkfs.vfat -F 16 -n VTEPBOOT -h $boot_start "$work/boot.img" >/dev/null
mcopy -i "$work/boot.img" "$vmlinuz" ::/vmlinuz
mcopy -i "$work/boot.img" "$initrd" ::/initrd.img
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
