#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fetches, with 'apt-get download', the Debian packages the firmware image
# is made of into a cache directory (kept by 'make clean'), and extracts
# each one with 'dpkg-deb -x' into CACHE/root.  Nothing is installed on the
# host.  A fast no-op when every package is already in the cache.
#
# usage: firmware/fetch-debs.sh CACHE_DIR
set -eu

cache=${1:?usage: $0 CACHE_DIR}

# What the image holds: Debian's kernel, busybox, iproute2 (ip, bridge, tc),
# Open vSwitch's client tools and the shared libraries they and vtepd link
# against.  firmware/mkinitrd.sh
# checks that every library an image binary needs is among them.
packages=(
    busybox-static iproute2
    libc6 libev4 libjansson4 libssl3 libnl-3-200 libnl-route-3-200
    libbpf1 libelf1 libmnl0 libbsd0 libcap2 libmd0 zlib1g
    # tc (iproute2), for the netdev backend's filters.
    libxtables12
    # --metrics (libmicrohttpd and the TLS library it links).
    libmicrohttpd12 libgnutls30 libp11-kit0 libidn2-0 libunistring2
    libtasn1-6 libnettle8 libhogweed6 libgmp10 libffi8
    # vtep-ctl, ovsdb-client and ovs-appctl (binaries only) and their
    # libraries.
    openvswitch-common openvswitch-vtep
    libnuma1 libxdp1 libunbound8 libevent-2.1-7 libcap-ng0
    # SSH on the management port.
    dropbear-bin libtomcrypt1 libtommath1 libcrypt1
)

# linux-image-amd64 only depends on the versioned kernel package: fetch
# that, and record which one it is for the image build.
kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1
}
kernel=$(kernel_package)
if [ -z "$kernel" ]; then
    # A fresh machine may have no package lists yet ('make deps' runs this
    # before it installs anything): fetch them once and ask again.
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq || true
    else
        sudo apt-get update -qq || true
    fi
    kernel=$(kernel_package)
fi
if [ -z "$kernel" ]; then
    echo "firmware: apt-cache does not know linux-image-amd64 (run apt-get update?)" >&2
    exit 1
fi
packages+=("$kernel")

mkdir -p "$cache/debs" "$cache/root"
missing=()
for p in "${packages[@]}"; do
    [ -e "$cache/stamps/$p" ] || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
    echo "firmware: fetching ${missing[*]}"
    (cd "$cache/debs" && apt-get download -q "${missing[@]}")
    mkdir -p "$cache/stamps"
    for p in "${missing[@]}"; do
        deb=$(ls -t "$cache/debs/${p}_"*.deb | head -1)
        dpkg-deb -x "$deb" "$cache/root"
        basename "$deb" >"$cache/stamps/$p"
    done
fi
echo "$kernel" >"$cache/kernel-package"
