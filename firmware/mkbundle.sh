#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the upgrade bundle: a tar of the kernel, the root filesystem (the
# initramfs) and a manifest naming the version and each file's SHA-256.
#
# usage: firmware/mkbundle.sh VMLINUZ INITRD VERSION KERNEL_VERSION OUT
set -eu

vmlinuz=$1 initrd=$2 version=$3 kver=$4 out=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$vmlinuz" "$work/vmlinuz"
cp "$initrd" "$work/initrd.img"
{
    echo "format=vtep-tor-bundle-1"
    echo "version=$version"
    echo "kernel=$kver"
    (cd "$work" && sha256sum vmlinuz initrd.img) | awk '{ print "sha256 " $2 " " $1 }'
} >"$work/manifest"
tar -C "$work" --owner=0 --group=0 --mtime=@0 -cf "$out.tmp" manifest vmlinuz initrd.img
mv "$out.tmp" "$out"
