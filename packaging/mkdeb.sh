#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the vtepd Debian package from a staged tree with dpkg-deb: no
# debian/ source package, because vtepd is built by its own Makefile.
#   packaging/mkdeb.sh BUILD VERSION     (run from the top of the tree)
# writes BUILD/deb/vtepd_VERSION_ARCH.deb.  Run-time dependencies come from
# dpkg-shlibdeps on the two binaries.
set -eu

build=$1
version=$2
arch=$(dpkg --print-architecture)
work=$build/deb
root=$work/root
rm -rf "$work"
mkdir -p "$root/DEBIAN"

install -D -m 0755 "$build/bin/vtepd" "$root/usr/sbin/vtepd"
install -D -m 0755 "$build/bin/vtep-cli" "$root/usr/bin/vtep-cli"
strip --strip-unneeded "$root/usr/sbin/vtepd" "$root/usr/bin/vtep-cli"
install -D -m 0644 schema/vtep.ovsschema "$root/usr/share/vtepd/vtep.ovsschema"
install -D -m 0644 packaging/vtepd.service "$root/lib/systemd/system/vtepd.service"
install -D -m 0644 packaging/default "$root/etc/default/vtepd"
install -D -m 0644 packaging/logrotate "$root/etc/logrotate.d/vtepd"
install -D -m 0644 cli/vtep-cli.bash \
    "$root/usr/share/bash-completion/completions/vtep-cli"
install -D -m 0644 packaging/copyright "$root/usr/share/doc/vtepd/copyright"
for page in packaging/man/vtepd.8 cli/vtep-cli.8; do
    install -D -m 0644 "$page" "$root/usr/share/man/man8/$(basename "$page")"
    gzip -9n "$root/usr/share/man/man8/$(basename "$page")"
done
for script in postinst prerm postrm; do
    install -m 0755 "packaging/$script" "$root/DEBIAN/$script"
done
printf '/etc/default/vtepd\n/etc/logrotate.d/vtepd\n' >"$root/DEBIAN/conffiles"

# dpkg-shlibdeps wants a debian/control beside it.
mkdir -p "$work/src/debian"
printf 'Source: vtepd\n\nPackage: vtepd\nArchitecture: any\n' \
    >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O \
    -e../root/usr/sbin/vtepd -e../root/usr/bin/vtep-cli 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)

cat >"$root/DEBIAN/control" <<CONTROL
Package: vtepd
Version: $version
Architecture: $arch
Maintainer: vtepd developers <vtepd@localhost>
Installed-Size: $size
Depends: $depends
Suggests: openvswitch-vtep
Section: net
Priority: optional
Description: hardware VXLAN tunnel endpoint (hardware_vtep OVSDB server)
 vtepd turns a Linux host into a hardware VTEP that SDN controllers
 (OVN's ovn-controller-vtep, OpenDaylight, NSX) program over OVSDB with
 the hardware_vtep schema: an embedded OVSDB server, a reconciler, and a
 software ASIC model or Linux bridges and VXLAN devices.  vtep-cli shows
 the switch's state and saves its configuration.
CONTROL

deb=$work/vtepd_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
