#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Signs a firmware upgrade bundle (docs/firmware.md, "Signed bundles"): adds
# manifest.sig, the Ed25519 signature of the bundle's manifest (which names
# each file's SHA-256) by the private key KEY, made with openssl.  A switch
# whose config has image-signing-key= lines installs only bundles signed by
# one of those keys.  Signing again replaces the signature.
#
# usage: tools/sign-bundle.sh KEY.pem BUNDLE [OUT]     (OUT defaults to BUNDLE)
#
# A key pair:
#   openssl genpkey -algorithm ed25519 -out signing.key
#   openssl pkey -in signing.key -pubout -out signing.pub
set -eu

[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 KEY.pem BUNDLE [OUT]" >&2; exit 2; }
key=$1 bundle=$2 out=${3:-$2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar -C "$work" -xf "$bundle" manifest vmlinuz initrd.img ||
    { echo "$0: $bundle: not a vtep-tor bundle (a tar of manifest, vmlinuz, initrd.img)" >&2; exit 1; }
grep -qx 'format=vtep-tor-bundle-1' "$work/manifest" ||
    { echo "$0: $bundle: its manifest is not format=vtep-tor-bundle-1" >&2; exit 1; }
openssl pkeyutl -sign -rawin -inkey "$key" -in "$work/manifest" -out "$work/manifest.sig"
[ "$(stat -c %s "$work/manifest.sig")" = 64 ] ||
    { echo "$0: $key: not an Ed25519 private key (the signature is not 64 bytes)" >&2; exit 1; }
tar -C "$work" --owner=0 --group=0 --mtime=@0 -cf "$out.tmp" manifest manifest.sig vmlinuz initrd.img
mv "$out.tmp" "$out"
echo "$out: signed with $key (Ed25519 over its manifest)"
