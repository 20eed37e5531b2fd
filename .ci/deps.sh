#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs, with apt-get, every build and test dependency of vtepd that is
# missing, and nothing else.  A fast no-op when everything is installed.
set -eu

packages=(
    # Build.
    gcc make pkg-config git
    libev-dev libjansson-dev libssl-dev libnl-3-dev libnl-route-3-dev
    libcmocka-dev libmicrohttpd-dev
    # Packaging (make deb) and its test.
    dpkg-dev logrotate
    # Real peers for interop and dataplane tests.
    openvswitch-common openvswitch-switch openvswitch-vtep python3-openvswitch
    ovn-central ovn-controller-vtep
    iproute2 iputils-ping tcpdump openssl openssh-client python3 ethtool
    # TCP through the dataplane (tests/dataplane/sim-tcp.sh, sim-pps bench).
    netcat-openbsd iperf3
    # Checkers (make valgrind, make lint, make fuzz: libFuzzer comes with
    # clang's runtime libraries).
    valgrind clang-format cppcheck clang libclang-rt-14-dev
    # Benchmark plots (make bench).
    gnuplot-nox
    # Firmware image (make firmware, tests/firmware): the VM, and image tools
    # that work on files without root or loop mounts.  The image's own
    # contents are Debian packages fetched by firmware/fetch-debs.sh.
    qemu-system-x86 qemu-utils cpio zstd kmod e2fsprogs fdisk mtools dosfstools
    syslinux syslinux-common squashfs-tools
    # The OVS testsuite driver of make conformance (autom4te expands .at files).
    autoconf
)

missing=()
while read -r name status; do
    [ "$status" = "installed" ] || missing+=("$name")
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
# dpkg-query prints nothing at all for packages it has never heard of.
for p in "${packages[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed \
        || [[ " ${missing[*]-} " == *" $p "* ]] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
else
    sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
