#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package: builds it (packaging/mkdeb.sh, what 'make deb' runs),
# installs it with dpkg -i, starts the service without systemd by running
# the unit's own ExecStart with /etc/default/vtepd, talks to it with
# vtep-ctl and vtep-cli, and removes and purges it leaving nothing behind.
. tests/lib.sh

if [ "$(id -u)" -ne 0 ]; then
    skip "Debian package install (needs root for dpkg -i)"
    exit 0
fi
if dpkg-query -W -f='${db:Status-Status}' vtepd 2>/dev/null | grep -qx installed; then
    skip "Debian package install (a vtepd package is already installed here)"
    exit 0
fi
for tool in dpkg-deb dpkg-shlibdeps vtep-ctl; do
    if ! command -v $tool >/dev/null; then
        skip "Debian package install ($tool not installed)"
        exit 0
    fi
done
# One package test per machine at a time: it installs into /.
exec 9>/tmp/vtepd-deb-test.lock
flock 9

version=$(sed -n 's/^#define VTEPD_VERSION "\(.*\)"/\1/p' vtepd/options.h)
deb=$(packaging/mkdeb.sh "$BUILD" "$version")
check "the package builds ($deb)" test -s "$deb"
check "its control file names the version and shared-library dependencies" \
    bash -c "dpkg-deb -f '$deb' Version | grep -qx '$version' && dpkg-deb -f '$deb' Depends | grep -q libmicrohttpd"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/sbin/vtepd ./usr/bin/vtep-cli ./usr/share/vtepd/vtep.ovsschema \
         ./lib/systemd/system/vtepd.service ./etc/default/vtepd \
         ./etc/logrotate.d/vtepd ./usr/share/man/man8/vtepd.8.gz \
         ./usr/share/man/man8/vtep-cli.8.gz \
         ./usr/share/bash-completion/completions/vtep-cli; do
    check "the package holds $f" grep -qx "$f" <<<"$contents"
done

on_exit "dpkg --purge vtepd"
on_exit '[ -s /run/vtepd/vtepd.pid ] && kill $(cat /run/vtepd/vtepd.pid)'
check "dpkg -i installs it" bash -c "dpkg -i '$deb' >/dev/null"
check "dpkg says it is installed" \
    bash -c "dpkg-query -W -f='\${db:Status-Status}' vtepd | grep -qx installed"

# Without systemd (not PID 1 here): make the unit's directories and run its
# ExecStart with the environment file, as systemd would.
unit=/lib/systemd/system/vtepd.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
mkdir -p /run/vtepd /var/lib/vtepd /var/log/vtepd
set -a
. /etc/default/vtepd
set +a
if ss -ltn | grep -q '127.0.0.1:6640 '; then
    # Another vtepd or ovsdb-server has the default port: take any port.
    VTEPD_OPTS=${VTEPD_OPTS//ptcp:6640:/ptcp:0:}
fi
check "the unit's ExecStart starts the daemon (Type=forking: exits 0 when it serves)" \
    bash -c "eval \"$exec_start\""
check "it writes the unit's PIDFile" \
    bash -c "kill -0 \$(cat /run/vtepd/vtepd.pid)"
check "vtep-ctl talks to it on /run/vtepd/db.sock" \
    bash -c "vtep-ctl --db=unix:/run/vtepd/db.sock list-ps | grep -qx '$(hostname)'"
vtep-ctl --db=unix:/run/vtepd/db.sock add-ls ls0 -- set Logical_Switch ls0 tunnel_key=7000
check "vtep-cli finds the service's sockets with no options" \
    bash -c "cd / && vtep-cli --json show vxlan vni | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if [v[\"vni\"] for v in j[\"vnis\"]] == [7000] else 1)'"
check "vtep-cli config save keeps the service's file beside its database" \
    bash -c "cd / && vtep-cli config save >/dev/null && test -s /var/lib/vtepd/startup-config.json"
check "it logs to /var/log/vtepd/vtepd.log" \
    grep -q 'vtepd.*starting' /var/log/vtepd/vtepd.log
if command -v logrotate >/dev/null; then
    check "logrotate accepts the package's configuration" \
        logrotate -d /etc/logrotate.d/vtepd
else
    skip "logrotate configuration check (logrotate not installed)"
fi

files=$(dpkg -L vtepd | while read -r f; do [ -d "$f" ] || echo "$f"; done)
pid=$(cat /run/vtepd/vtepd.pid)
check "dpkg -r removes it" bash -c "dpkg -r vtepd >/dev/null"
check "the prerm script stopped the daemon" bash -c "! kill -0 $pid 2>/dev/null"
check "remove keeps the database and the conffiles" \
    test -e /var/lib/vtepd/vtep.db -a -e /etc/default/vtepd
check "dpkg --purge purges it" bash -c "dpkg --purge vtepd >/dev/null"
left=$(for f in $files /var/lib/vtepd /var/log/vtepd /run/vtepd; do
    [ -e "$f" ] && echo "$f"; done)
check "nothing is left behind${left:+ (left: $left)}" test -z "$left"
check "dpkg no longer knows it" \
    bash -c "! dpkg-query -W -f='\${db:Status-Status}' vtepd 2>/dev/null | grep -qx installed"
finish
