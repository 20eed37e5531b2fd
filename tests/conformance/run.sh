#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make conformance OVS_SRC=PATH: Open vSwitch's own testsuite, run
# differentially against ovsdb-server and vtepd.
#
# OVS_SRC is an Open vSwitch checkout, or a git directory (such as a bare
# mirror) holding OVS_REF (default v3.1.0).  Its tests/ovsdb-monitor.at and
# the Python-IDL cases of tests/ovsdb-idl.at are expanded by autom4te, as
# Open vSwitch's own "make check" does (testsuite.at here picks the
# files), and the resulting testsuite runs twice: with the installed
# ovsdb-server, and with ./ovsdb-server, which serves the same command
# lines with vtepd --hal=none.  Both runs compare each case's output with
# what the .at file expects, UUIDs normalised by OVS's own uuidfilt; the
# report lists every case where the two servers disagree.  The .at files
# are Open vSwitch's and are not part of this tree.
#
# Environment: BUILD (default build), OVS_SRC, OVS_REF, CONFORMANCE_JOBS
# (default 2), CONFORMANCE_FILTER (an extended regular expression: only
# the cases whose "FILE:LINE TITLE" matches it run).
set -u
BUILD=${BUILD:-build}
OVS_REF=${OVS_REF:-v3.1.0}
jobs=${CONFORMANCE_JOBS:-2}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$BUILD/conformance" && cd "$BUILD/conformance" && pwd)
vtepd=$(cd "$BUILD/bin" && pwd)/vtepd

skip() {
    echo "SKIP: conformance ($*)"
    exit 0
}

[ -n "${OVS_SRC:-}" ] || skip "no Open vSwitch source: make conformance" \
    "OVS_SRC=/path/to/ovs (a checkout or a git directory holding $OVS_REF)"
for tool in autom4te ovsdb-server ovsdb-client ovsdb-tool ovs-appctl; do
    command -v $tool >/dev/null || skip "$tool is not installed (make deps)"
done
[ -x "$vtepd" ] || skip "$vtepd is not built"

# The OVS files, at OVS_REF when OVS_SRC is a git directory or checkout.
rm -rf "$out/ovs" && mkdir -p "$out/ovs"
if git --git-dir="$OVS_SRC" rev-parse -q --verify "$OVS_REF^{commit}" \
    >/dev/null 2>&1; then
    git --git-dir="$OVS_SRC" archive "$OVS_REF" tests m4/compat.m4 |
        tar -x -C "$out/ovs"
elif git -C "$OVS_SRC" rev-parse -q --verify "$OVS_REF^{commit}" \
    >/dev/null 2>&1; then
    git -C "$OVS_SRC" archive "$OVS_REF" tests m4/compat.m4 |
        tar -x -C "$out/ovs"
elif [ -f "$OVS_SRC/tests/ovsdb-monitor.at" ]; then
    echo "note: $OVS_SRC is not a git tree with $OVS_REF; using its files as they are"
    mkdir -p "$out/ovs/m4"
    cp -r "$OVS_SRC/tests" "$out/ovs/" && cp "$OVS_SRC/m4/compat.m4" "$out/ovs/m4/"
else
    skip "$OVS_SRC holds neither $OVS_REF nor tests/ovsdb-monitor.at"
fi

ovs=$out/ovs
cp "$here/testsuite.at" "$ovs/tests/conformance.at"
autom4te --language=autotest -I "$ovs" -o "$out/testsuite" \
    "$ovs/tests/conformance.at" || exit 1
# What OVS's configure would write: no build tree here, the installed
# binaries and Python module are used.
cat >"$out/atconfig" <<CONF
at_testdir='.'
abs_builddir='$out'
at_srcdir='$ovs/tests'
abs_srcdir='$ovs/tests'
at_top_srcdir='$ovs'
abs_top_srcdir='$ovs'
at_top_build_prefix='$out/'
abs_top_builddir='$out'
AUTOTEST_PATH='$out/path'
SHELL=\${CONFIG_SHELL-'/bin/bash'}
CONF
sed -e "s|@HAVE_OPENSSL@|yes|; s|@OPENSSL_SUPPORTS_SNI@|yes|" \
    -e "s|@HAVE_UNBOUND@|no|; s|@EGREP@|grep -E|" \
    -e "s|@PYTHON3@|/usr/bin/python3|; s|@CFLAGS@||" \
    -e "s|@[A-Z_]*@||g" "$ovs/tests/atlocal.in" >"$out/atlocal"

# Which cases run: all of ovsdb-monitor.at and the Python3 cases of
# ovsdb-idl.at, less those that need what neither run can have here.
"$out/testsuite" -l | awk '/^ *[0-9]+: ovsdb-(monitor|idl)\.at:/' >"$out/list"
: >"$out/selected"
: >"$out/skipped"
while read -r num file title; do
    num=${num%:}
    if [ -n "${CONFORMANCE_FILTER:-}" ] &&
        ! grep -Eq -- "$CONFORMANCE_FILTER" <<<"$file $title"; then
        continue
    fi
    body=$(sed -n "/^#AT_START_$num\$/,/^#AT_STOP_$num\$/p" "$out/testsuite")
    why=
    case $file:$title in
    ovsdb-idl.at:*Python3*) ;;
    ovsdb-idl.at:*) why="the C IDL (test-ovsdb, built only in an OVS tree)" ;;
    esac
    if [ -z "$why" ]; then
        case $title in
        *SSL*) why="the OVS build's test PKI (tests/testpki-*.pem)" ;;
        *relay*) why="relay databases (not in vtepd)" ;;
        esac
    fi
    if [ -z "$why" ] && grep -q "create-cluster\|--relay\|relay:" <<<"$body"; then
        why="clustered or relay databases (not in vtepd)"
    fi
    if [ -z "$why" ] && grep -q "sync-from\|--active\b" <<<"$body"; then
        why="active-backup replication (not in vtepd)"
    fi
    if [ -z "$why" ] && grep -Eq "(^|[ \`])test-ovsdb[ '\"]" <<<"$body"; then
        why="the C test-ovsdb binary (built only in an OVS tree)"
    fi
    if [ -n "$why" ]; then
        echo "$num $file $title: $why" >>"$out/skipped"
    else
        echo "$num" >>"$out/selected"
    fi
done <"$out/list"

mkdir -p "$out/path" "$out/shim"
ln -sf "$here/ovsdb-server" "$out/shim/ovsdb-server"

# run NAME PATHDIR: runs the selected cases with PATHDIR first in PATH.
run() {
    local name=$1 path=$2
    rm -rf "${out:?}/$name" && mkdir -p "$out/$name"
    cp "$out/atconfig" "$out/atlocal" "$out/$name/"
    (cd "$out/$name" &&
        VTEPD=$vtepd "$out/testsuite" -j"$jobs" AUTOTEST_PATH="$path" \
            $(cat "$out/selected") >"$out/$name.out" 2>&1)
    # One line per case: NUM STATUS.
    sed -n 's/^ *\([0-9]*\): .* \(ok\|FAILED\|skipped\|expected failure\)\( (.*)\)\{0,1\}$/\1 \2/p' \
        "$out/$name.out" | sort -n >"$out/$name.status"
}

echo "conformance: $(wc -l <"$out/selected") cases (OVS $OVS_REF), $(wc -l <"$out/skipped") skipped"
run ovsdb-server "$out/path"
run vtepd "$out/shim"
exec /usr/bin/python3 "$here/report.py" "$out"
