#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The firmware's bundle signatures and verified downloads, on the host (no
# VM): tools/sign-bundle.sh signs a bundle's manifest with an Ed25519 key,
# and vtep-tor-bundle (what the switch's vtep-tor-image runs) accepts the
# signature with the right public key only, not a tampered manifest; it
# downloads over plain http, and over https only from a server whose
# certificate chains to the given CA and names the host; vtep-tor-image's
# signing policy with and without keys; the version ordering, and its
# refusal of a downgrade unless forced, below the running version or the
# highest that has served, which a forced downgrade does not lower;
# syslinux's boot-once in the ADV
# of an ldlinux.sys that syslinux installed.
set -u
. tests/lib.sh

TOOL=${BUILD:-build}/bin/vtep-tor-bundle
TMP=$(make_tmpdir)
[ -x "$TOOL" ] || { fail "no $TOOL (make)"; exit 1; }

# ---- signatures ----
b=$TMP/b
mkdir "$b"
head -c 100000 /dev/urandom >"$b/vmlinuz"
head -c 300000 /dev/urandom >"$b/initrd.img"
{
    echo "format=vtep-tor-bundle-1"
    echo "version=9.9.9"
    echo "kernel=test"
    (cd "$b" && sha256sum vmlinuz initrd.img) | awk '{ print "sha256 " $2 " " $1 }'
} >"$b/manifest"
tar -C "$b" -cf "$TMP/unsigned.bin" manifest vmlinuz initrd.img
for k in good other; do
    openssl genpkey -algorithm ed25519 -out "$TMP/$k.key" 2>/dev/null
    openssl pkey -in "$TMP/$k.key" -pubout -out "$TMP/$k.pub"
done
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 -out "$TMP/ec.key" 2>/dev/null
openssl pkey -in "$TMP/ec.key" -pubout -out "$TMP/ec.pub"
cat "$TMP/other.pub" "$TMP/good.pub" >"$TMP/both.pub"

out=$(tools/sign-bundle.sh "$TMP/good.key" "$TMP/unsigned.bin" "$TMP/signed.bin")
check "sign-bundle.sh signs a bundle" \
    test "$(tar -tf "$TMP/signed.bin" | tr '\n' ' ')" = "manifest manifest.sig vmlinuz initrd.img "
mkdir "$TMP/s"
tar -C "$TMP/s" -xf "$TMP/signed.bin"
verify() { "$TOOL" verify "$TMP/s/manifest" "$TMP/s/manifest.sig" "$@" 2>&1; }

check "a good signature is accepted" eval 'verify "$TMP/good.pub" | grep -qx "signed by key 1"'
check "... by the second of two keys in the config" \
    eval 'verify "$TMP/both.pub" | grep -qx "signed by key 2"'
out=$(verify "$TMP/other.pub"); rc=$?
echo "  wrong key: $out"
check "a signature by another key is refused" \
    eval '[ $rc -ne 0 ] && grep -q "the signature is not by any of the 1 signing key" <<<"$out"'
out=$(verify "$TMP/ec.pub"); rc=$?
check "a key that is not Ed25519 is refused, saying so" \
    eval '[ $rc -ne 0 ] && grep -q "key 1 is not an Ed25519 key" <<<"$out"'
cp "$TMP/s/manifest" "$TMP/manifest.orig"
sed -i 's/^version=9.9.9/version=9.9.8/' "$TMP/s/manifest"
out=$(verify "$TMP/good.pub"); rc=$?
echo "  tampered: $out"
check "a tampered manifest is refused" \
    eval '[ $rc -ne 0 ] && grep -q "not by any" <<<"$out"'
cp "$TMP/manifest.orig" "$TMP/s/manifest"
head -c 10 "$TMP/s/manifest.sig" >"$TMP/s/short.sig"
out=$("$TOOL" verify "$TMP/s/manifest" "$TMP/s/short.sig" "$TMP/good.pub" 2>&1); rc=$?
check "a signature that is not 64 bytes is refused" \
    eval '[ $rc -ne 0 ] && grep -q "not an Ed25519 signature" <<<"$out"'
out=$(tools/sign-bundle.sh "$TMP/other.key" "$TMP/signed.bin" "$TMP/resigned.bin")
mkdir "$TMP/r"
tar -C "$TMP/r" -xf "$TMP/resigned.bin"
check "signing again replaces the signature" \
    eval '[ "$(tar -tf "$TMP/resigned.bin" | grep -c manifest.sig)" = 1 ] &&
          "$TOOL" verify "$TMP/r/manifest" "$TMP/r/manifest.sig" "$TMP/other.pub" >/dev/null'

# The image's busybox sh runs vtep-tor-image's functions, when the image's
# packages are fetched (else the host's sh).
SH=${FIRMWARE_CACHE:-$HOME/.cache/vtep-tor}/root/bin/busybox
if [ -x "$SH" ]; then SH="$SH sh"; else SH=/bin/sh; fi

# ---- versions: their ordering, and no downgrade without "force" ----
order=
for pair in "0.1.0 0.1.0" "0.1.0 0.1.1" "0.1.1-test 0.1.1" "0.9 0.10" "1.0~rc1 1.0" \
    "1.0 1.0.1" "01.2 1.2" "1.0 1.0-1" "0.1.2-broken 0.1.1-test" "2.0 10.0~beta"; do
    # shellcheck disable=SC2086
    order="$order$("$TOOL" vercmp $pair) "
done
echo "  vercmp: $order"
check "vercmp orders versions: numbers as numbers, '~' before the end, a suffix after it" \
    test "$order" = "same older newer older older older same older newer older "
check "vercmp refuses what is not a version" \
    eval 'out=$("$TOOL" vercmp "1.0;reboot" 1.0 2>&1); [ $? -ne 0 ] && grep -q "is not a version" <<<"$out"'
sed -n '/^older_than() {/,/^}/p; /^check_version() {/,/^}/p; /^highest() {/,/^}/p
        /^record_highest() {/,/^}/p' firmware/rootfs/usr/sbin/vtep-tor-image >"$TMP/version.sh"
# installable NEW RUNNING [HIGHEST [force]]: check_version's output and
# status.
installable() {
    $SH -c 'BUNDLE_TOOL=$1; . "$2"; shift 2; check_version "$@"; echo "status=$?"' \
        sh "$PWD/$TOOL" "$TMP/version.sh" "$@" 2>&1
}
out=$(installable 0.1.0 0.1.1)
echo "  0.1.0 over 0.1.1: $out"
check "an older bundle is refused, saying it is a downgrade and how to force it" \
    eval 'grep -q "^version 0.1.0 is older than the running 0.1.1: a downgrade, which only .image install SOURCE \[sha256 HEX\] force. makes" <<<"$out" &&
          grep -qx "status=1" <<<"$out"'
check "the same version is allowed (a reinstall)" test "$(installable 0.1.1 0.1.1)" = "status=0"
check "a newer version is allowed" test "$(installable 0.2.0 0.1.1)" = "status=0"
check "an older version with force is allowed" test "$(installable 0.1.0 0.1.1 - force)" = "status=0"
check "a running slot of unknown version lets anything in" test "$(installable 0.1.0 -)" = "status=0"

# ---- the highest version that has served: a floor a forced downgrade
# does not lower ----
# served VERSION...: record_highest for each (as each boot that serves
# does), then the file's content and the log.
served() {
    $SH -c 'BUNDLE_TOOL=$1 HIGHEST=$2; . "$3"; log() { echo "LOG: $*"; }; shift 3
        for v; do record_highest "$v"; done; echo "highest=$(highest)"' \
        sh "$PWD/$TOOL" "$TMP/highest" "$TMP/version.sh" "$@" 2>&1
}
out=$(served 0.1.0 0.1.1)
echo "$out" | sed 's/^/  served 0.1.0 0.1.1: /'
check "the first version served and a higher one are recorded, each saying so" \
    eval 'grep -qx "LOG: image 0.1.1 is the highest version this switch has run: older ones install only with force" <<<"$out" &&
          grep -qx "highest=0.1.1" <<<"$out" && [ "$(cat "$TMP/highest")" = 0.1.1 ]'
out=$(served 0.1.0)
check "a forced downgrade that serves (0.1.0) leaves the highest at 0.1.1, quietly" \
    test "$out" = "highest=0.1.1"
out=$(installable 0.1.0.5 0.1.0 0.1.1)
echo "  0.1.0.5, running 0.1.0, highest 0.1.1: $out"
check "after the forced downgrade, a version between it and the highest is refused" \
    eval 'grep -q "^version 0.1.0.5 is older than 0.1.1, the highest version this switch has run: a downgrade, which only .image install SOURCE \[sha256 HEX\] force. makes" <<<"$out" &&
          grep -qx "status=1" <<<"$out"'
check "... but with force" test "$(installable 0.1.0.5 0.1.0 0.1.1 force)" = "status=0"
check "... and the highest itself installs again" test "$(installable 0.1.1 0.1.0 0.1.1)" = "status=0"
check "... and a newer one" test "$(installable 0.1.2 0.1.0 0.1.1)" = "status=0"
check "older than the running version is said so first" \
    eval 'installable 0.0.9 0.1.0 0.1.1 | grep -q "older than the running 0.1.0: a downgrade"'
echo "0.1.1;reboot" >"$TMP/highest"
out=$(served 0.1.0)
check "a highest file that is not a version is ignored and replaced" \
    eval 'grep -qx "highest=0.1.0" <<<"$out"'

# ---- the switch's policy (vtep-tor-image's functions, run here) ----
# image_config, signing_policy and check_signature, with the run directory
# and the tool here.
sed -n '/^image_config() {/,/^}/p; /^signing_policy() {/,/^}/p; /^check_signature() {/,/^}/p' \
    firmware/rootfs/usr/sbin/vtep-tor-image >"$TMP/policy.sh"
# policy ENV DIR: the policy line, then check_signature DIR's output and
# status, with config.env ENV.
policy() {
    mkdir -p "$TMP/run"
    cp "$1" "$TMP/run/config.env"
    $SH -c 'VTEP_TOR_RUN=$1 BUNDLE_TOOL=$2
        SIGNING_KEYS=$VTEP_TOR_RUN/image-signing-keys.pem IMAGE_CA=$VTEP_TOR_RUN/image-ca-cert.pem
        . "$3"; image_config; signing_policy; check_signature "$4"; echo "status=$? signature=$(cat "$4/signature" 2>/dev/null)"' \
        sh "$TMP/run" "$PWD/$TOOL" "$TMP/policy.sh" "$2" 2>&1
}
mkdir "$TMP/u"
tar -C "$TMP/u" -xf "$TMP/unsigned.bin"
: >"$TMP/nokeys.env"
echo "CFG_image_signing_keys=\"$(base64 -w0 "$TMP/other.pub") $(base64 -w0 "$TMP/good.pub") \"" >"$TMP/keys.env"
echo "CFG_image_signing_keys=\"$(base64 -w0 "$TMP/other.pub") \"" >"$TMP/otherkey.env"
out=$(policy "$TMP/nokeys.env" "$TMP/u")
echo "$out" | sed 's/^/  no keys: /'
check "without signing keys an unsigned bundle passes, integrity only, and the policy says so" \
    eval 'grep -q "^No image-signing-key= in the config: bundles are checked for integrity only" <<<"$out" &&
          grep -q "^status=0 signature=unchecked" <<<"$out"'
out=$(policy "$TMP/keys.env" "$TMP/u")
echo "$out" | sed 's/^/  keys, unsigned: /'
check "with signing keys an unsigned bundle is refused" \
    eval 'grep -q "^Bundles must be signed (Ed25519) by one of the 2 image-signing-key= keys" <<<"$out" &&
          grep -q "^the bundle is not signed, and this switch installs only bundles signed by its image-signing-key= keys" <<<"$out" &&
          grep -q "^status=1" <<<"$out"'
rm -f "$TMP/s/signature"
out=$(policy "$TMP/keys.env" "$TMP/s")
check "with signing keys a bundle signed by one of them passes (key 2 of 2)" \
    grep -q "^status=0 signature=key 2" <<<"$out"
rm -f "$TMP/s/signature"
out=$(policy "$TMP/otherkey.env" "$TMP/s")
echo "$out" | sed 's/^/  wrong key: /'
check "with signing keys a bundle signed by another key is refused" \
    eval 'grep -q "^bad signature: the signature is not by any of the 1 signing key" <<<"$out" &&
          grep -q "^status=1" <<<"$out"'

# ---- syslinux boot-once ----
# A FAT file system with syslinux installed as the firmware's disk has it.
if command -v syslinux >/dev/null && command -v mkfs.vfat >/dev/null && command -v mcopy >/dev/null; then
    truncate -s 32M "$TMP/fat.img"
    mkfs.vfat -F 16 -n T "$TMP/fat.img" >/dev/null
    syslinux --install "$TMP/fat.img"
    mcopy -i "$TMP/fat.img" ::/ldlinux.sys "$TMP/ldlinux.sys"
    cp "$TMP/ldlinux.sys" "$TMP/ldlinux.orig" || fail "syslinux installs ldlinux.sys"
    # adv FILE: the ADV's boot-once and whether both copies are whole.
    adv() {
        python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()[-1024:]
for c in (d[:512], d[512:]):
    w = struct.unpack("<128I", c)
    assert w[0] == 0x5a2d2fa5 and w[127] == 0xdd28bf64, "magic"
    assert sum(w[1:127]) & 0xffffffff == 0xa3041767, "checksum"
once, i = "", 8
while i < 510 and d[i] != 0:
    if d[i] == 1:
        once = d[i + 2:i + 2 + d[i + 1]].decode()
    i += 2 + d[i + 1]
print("once=" + once)
PY
    }
    "$TOOL" once "$TMP/ldlinux.sys" b
    check "once writes syslinux's boot-once into a whole ADV (both copies)" \
        test "$(adv "$TMP/ldlinux.sys")" = "once=b"
    "$TOOL" once "$TMP/ldlinux.sys" a
    check "... replacing the one there" test "$(adv "$TMP/ldlinux.sys")" = "once=a"
    "$TOOL" once "$TMP/ldlinux.sys"
    check "once without a slot clears it, leaving the ADV as syslinux wrote it" \
        cmp -s "$TMP/ldlinux.sys" "$TMP/ldlinux.orig"
    check "the rest of ldlinux.sys is untouched" \
        cmp -s <(head -c -1024 "$TMP/ldlinux.sys") <(head -c -1024 "$TMP/ldlinux.orig")
    head -c 4096 /dev/zero >"$TMP/notsys"
    out=$("$TOOL" once "$TMP/notsys" b 2>&1); rc=$?
    check "a file without an ADV is refused and left alone" \
        eval '[ $rc -ne 0 ] && grep -q "no syslinux ADV" <<<"$out" && cmp -s "$TMP/notsys" <(head -c 4096 /dev/zero)'
else
    skip "syslinux boot-once (no syslinux, mkfs.vfat or mtools: make deps)"
fi

# ---- downloads ----
# A CA, a server certificate from it naming 127.0.0.1 and localhost, one
# from it naming another host, and one from a CA the client does not know.
mkcert() { # NAME CA SAN
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$TMP/$1.key" -out "$TMP/$1.csr" -subj "/CN=$1" 2>/dev/null
    printf 'subjectAltName=%s\n' "$3" >"$TMP/$1.ext"
    openssl x509 -req -in "$TMP/$1.csr" -CA "$TMP/$2.crt" -CAkey "$TMP/$2.key" \
        -CAcreateserial -extfile "$TMP/$1.ext" -out "$TMP/$1.crt" -days 2 2>/dev/null
}
for ca in ca rogue; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$TMP/$ca.key" -out "$TMP/$ca.crt" -subj "/CN=$ca" -days 2 2>/dev/null
done
mkcert trusted ca "IP:127.0.0.1,DNS:localhost"
mkcert misnamed ca "DNS:other.example"
mkcert untrusted rogue "IP:127.0.0.1,DNS:localhost"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# serve NAME [CERT]: serves $TMP/s over http, or https with CERT; sets
# PORT_NAME.
serve() {
    local port
    port=$(free_port)
    if [ $# -eq 1 ]; then
        python3 -m http.server --bind 127.0.0.1 --directory "$TMP/s" "$port" >/dev/null 2>&1 &
    else
        python3 tests/firmware/https-server.py "$TMP/s" "$port" "$TMP/$2.crt" "$TMP/$2.key" \
            >/dev/null 2>&1 &
    fi
    on_exit "kill $! 2>/dev/null"
    eval "PORT_$1=$port"
}
serve plain
serve trusted trusted
serve misnamed misnamed
serve untrusted untrusted
cp "$TMP/signed.bin" "$TMP/s/bundle.bin"
# Wait for the servers (generous: the machine is shared).
for p in $PORT_plain $PORT_trusted $PORT_misnamed $PORT_untrusted; do
    for _ in $(seq 100); do
        (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break
        sleep 0.2
    done
done

fetch() { "$TOOL" fetch "$@" 2>&1; }
same() { cmp -s "$TMP/s/bundle.bin" "$1"; }

out=$(fetch "http://127.0.0.1:$PORT_plain/bundle.bin" "$TMP/got1"); rc=$?
check "plain http downloads the bundle whole" eval '[ $rc -eq 0 ] && same "$TMP/got1"'
out=$(fetch "https://127.0.0.1:$PORT_trusted/bundle.bin" "$TMP/got2" "$TMP/ca.crt"); rc=$?
check "https from a server the CA vouches for, named by IP, downloads it" \
    eval '[ $rc -eq 0 ] && same "$TMP/got2"'
out=$(fetch "https://localhost:$PORT_trusted/bundle.bin" "$TMP/got3" "$TMP/ca.crt"); rc=$?
check "... and named by DNS name" eval '[ $rc -eq 0 ] && same "$TMP/got3"'
out=$(fetch "https://127.0.0.1:$PORT_untrusted/bundle.bin" "$TMP/got4" "$TMP/ca.crt"); rc=$?
echo "  untrusted: $out"
check "https from a server whose certificate another CA signed is refused" \
    eval '[ $rc -ne 0 ] && grep -q "certificate is not trusted" <<<"$out" && [ ! -s "$TMP/got4" ]'
out=$(fetch "https://127.0.0.1:$PORT_misnamed/bundle.bin" "$TMP/got5" "$TMP/ca.crt"); rc=$?
echo "  misnamed: $out"
check "https from a server whose certificate names another host is refused" \
    eval '[ $rc -ne 0 ] && grep -q "certificate is not trusted: hostname mismatch\|IP address mismatch" <<<"$out"'
out=$(fetch "https://127.0.0.1:$PORT_trusted/bundle.bin" "$TMP/got6"); rc=$?
check "https without a CA to verify with is refused" \
    eval '[ $rc -ne 0 ] && grep -q "no CA certificate to verify the server with (image-ca-cert=" <<<"$out"'
out=$(fetch "http://127.0.0.1:$PORT_plain/none.bin" "$TMP/got7"); rc=$?
check "a missing file is refused with the server's answer" \
    eval '[ $rc -ne 0 ] && grep -q "the server answered HTTP/1.0 404" <<<"$out"'
out=$(fetch "ftp://127.0.0.1/x" "$TMP/got8"); rc=$?
check "a URL that is not http or https is refused" \
    eval '[ $rc -ne 0 ] && grep -q "not an http:// or https:// URL" <<<"$out"'

finish
