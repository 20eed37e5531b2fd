#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The firmware's config checks (firmware/rootfs/usr/lib/vtep-tor/lib.sh),
# run on the host with the image's busybox sh when the image's packages
# are fetched (else the host's sh): the TLS files and SSH keys the image
# accepts beside the contract's keys.  No VM.
set -u
. tests/lib.sh

TMP=$(make_tmpdir)
SH=${FIRMWARE_CACHE:-$HOME/.cache/vtep-tor}/root/bin/busybox
if [ -x "$SH" ]; then SH="$SH sh"; else SH=/bin/sh; fi

# parse FILE: runs config_parse on FILE; prints the messages it logs and
# the shell assignments it writes.
parse() {
    $SH -c '. firmware/rootfs/usr/lib/vtep-tor/lib.sh
        log() { echo "LOG: $*"; }
        config_parse "$1" test "$2" && cat "$2"' sh "$1" "$TMP/out.env"
}

(tmp=$TMP && . tests/interop/certs.sh && make_cert ca ca "" && make_cert sw tor1 ca)
ssh-keygen -q -t ed25519 -N '' -C operator@lab -f "$TMP/id1"
ssh-keygen -q -t ed25519 -N '' -C other@lab -f "$TMP/id2"
{
    echo "switch-name=tor1"
    echo "ssl-private-key=$(base64 -w0 "$TMP/sw.key")"
    echo "ssl-certificate=$(base64 -w0 "$TMP/sw.crt")"
    echo "ssl-ca-cert=$(base64 -w0 "$TMP/ca.crt")"
    echo "ssh-authorized-key=$(cat "$TMP/id1.pub")"
    echo "ssh-authorized-key = $(cat "$TMP/id2.pub")"
} >"$TMP/good.conf"
out=$(parse "$TMP/good.conf")
check "TLS files and two SSH keys are accepted" \
    eval '! grep -q "^LOG" <<<"$out" && grep -q "^CFG_ssl_ca_cert=" <<<"$out"'
keys=$($SH -c ". '$TMP/out.env'; echo \"\$CFG_ssh_keys\"" | tr '|' '\n' | sed '/^$/d')
check "the SSH keys come out one a line, whole" \
    test "$keys" = "$(cat "$TMP/id1.pub" "$TMP/id2.pub")"
pem=$($SH -c ". '$TMP/out.env'; echo \"\$CFG_ssl_private_key\"" | base64 -d)
check "the private key comes out as the PEM file it was" test "$pem" = "$(cat "$TMP/sw.key")"

printf 'switch-name=tor1\nssl-private-key=%s\n' "$(base64 -w0 "$TMP/sw.key")" >"$TMP/half.conf"
check "a private key without certificate and CA is refused" \
    eval 'parse "$TMP/half.conf" | grep -q "^LOG: config test: ssl-private-key, ssl-certificate and ssl-ca-cert go together: refused"'
printf 'switch-name=tor1\nssl-ca-cert=bm90IGEgcGVt\n' >"$TMP/notpem.conf"
check "a value that is not a base64'd PEM file is refused, naming the line" \
    eval 'parse "$TMP/notpem.conf" | grep -q "^LOG: config test line 2: ssl-ca-cert=bm90IGEgcGVt: expected a PEM file encoded on one line"'
printf 'ssh-authorized-key=ssh-ed25519 AAAA"; reboot; " x\n' >"$TMP/badkey.conf"
check "an SSH key line with quotes is refused" \
    eval 'parse "$TMP/badkey.conf" | grep -q "^LOG: config test line 1: ssh-authorized-key=.*: expected a public key line"'
printf 'ssh-authorized-key=ssh-ed25519 %s x\n' "$(printf 'ssh-rsa....' | base64 -w0)" >"$TMP/mismatch.conf"
check "a key whose blob is of another type is refused" \
    eval 'parse "$TMP/mismatch.conf" | grep -q "expected a public key line"'

# Upgrade bundles: signing keys repeat, each a base64'd PEM public key.
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout >"$TMP/sign1.pub"
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout >"$TMP/sign2.pub"
{
    echo "image-signing-key=$(base64 -w0 "$TMP/sign1.pub")"
    echo "image-signing-key=$(base64 -w0 "$TMP/sign2.pub")"
    echo "image-ca-cert=$(base64 -w0 "$TMP/ca.crt")"
} >"$TMP/image.conf"
out=$(parse "$TMP/image.conf")
keys=$($SH -c ". '$TMP/out.env'; for k in \$CFG_image_signing_keys; do echo \$k | base64 -d; done")
check "two image signing keys are accepted and come out as the PEM files they were" \
    eval '! grep -q "^LOG" <<<"$out" && test "$keys" = "$(cat "$TMP/sign1.pub" "$TMP/sign2.pub")"'
printf 'image-signing-key=bm90IGEgcGVt\n' >"$TMP/badsign.conf"
check "a signing key that is not a base64'd PEM file is refused, naming the line" \
    eval 'parse "$TMP/badsign.conf" | grep -q "^LOG: config test line 1: image-signing-key=bm90IGEgcGVt: expected a PEM file"'

# vtepd's --platform and --dataplane-thread: the platform must be the
# backend's (an asic profile, or netdev ACL sizes).
printf 'backend=asic\nplatform=lab\ndataplane-thread=batch\n' >"$TMP/asic.conf"
out=$(parse "$TMP/asic.conf")
check "backend=asic with platform=lab and dataplane-thread=batch is accepted" \
    eval '! grep -q "^LOG" <<<"$out" && grep -qx "CFG_platform='"'lab'"'" <<<"$out" &&
          grep -qx "CFG_dataplane_thread='"'batch'"'" <<<"$out"'
echo '{}' >"$TMP/profile.json"
printf 'backend=asic\nplatform=%s\n' "$TMP/profile.json" >"$TMP/json.conf"
check "an asic JSON profile that exists is accepted" \
    eval 'parse "$TMP/json.conf" | grep -qx "CFG_platform='"'$TMP/profile.json'"'"'
printf 'platform=acl_ingress_entries=100,acl_egress_entries=10\n' >"$TMP/netdev.conf"
check "netdev ACL sizes are accepted with the default backend (netdev)" \
    eval 'parse "$TMP/netdev.conf" | grep -qx "CFG_platform='"'acl_ingress_entries=100,acl_egress_entries=10'"'"'
# refused CONF LINE: the message config_parse logs for CONF (printf format).
refused() {
    printf "$1" >"$TMP/bad.conf"
    parse "$TMP/bad.conf" | grep "^LOG:"
}
out=$(refused 'switch-name=tor1\nbackend=asic\nplatform=trident3\n')
echo "  $out"
check "an unknown asic profile is refused, naming the line" \
    grep -q "^LOG: config test line 3: platform=trident3: expected trident2, tomahawk, lab, /PATH/TO/PROFILE.json (asic) or acl_ingress_entries=N,acl_egress_entries=N (netdev): refused" <<<"$out"
out=$(refused 'switch-name=tor1\nplatform=lab\n')
echo "  $out"
check "an asic profile with the netdev backend is refused, naming the line" \
    grep -q "^LOG: config test line 2: platform=lab: an asic profile, and this config's backend is netdev (add backend=asic): refused" <<<"$out"
out=$(refused 'platform=acl_ingress_entries=5\nbackend=asic\n')
check "netdev ACL sizes with the asic backend are refused, naming the line" \
    grep -q "^LOG: config test line 1: platform=acl_ingress_entries=5: netdev ACL sizes, and this config's backend is asic" <<<"$out"
out=$(refused 'platform=acl_ingress_entries=1x\n')
check "an ACL size that is not a number is refused" \
    grep -q "^LOG: config test line 1: platform=acl_ingress_entries=1x: acl_ingress_entries=1x: expected a number" <<<"$out"
out=$(refused 'platform=acl_egress_entries=99999999\n')
check "an ACL size over vtepd's limit is refused" \
    grep -q "acl_egress_entries=99999999: more than 16777216" <<<"$out"
out=$(refused 'platform=acl_ingress_entries=1,tcam=5\n')
check "an unknown netdev platform key is refused" \
    grep -q "expected acl_ingress_entries=N or acl_egress_entries=N, not 'tcam'" <<<"$out"
out=$(refused 'backend=asic\nplatform=/nonexistent/profile.json\n')
check "an asic JSON profile that is not there is refused" \
    grep -q "^LOG: config test line 2: platform=/nonexistent/profile.json: no such file on the switch" <<<"$out"
out=$(refused "backend=asic\\nplatform=/tmp/a'b.json\\n")
check "a profile path with a quote is refused" \
    grep -q "expected a file name of letters" <<<"$out"
out=$(refused 'dataplane-thread=fast\n')
check "an unknown dataplane-thread mode is refused, naming the line" \
    grep -q "^LOG: config test line 1: dataplane-thread=fast: expected off, idle, batch or normal: refused" <<<"$out"
# The trial boot's watchdog timeout (vtep-tor-image boot-next).
printf 'image-trial-watchdog=60\n' >"$TMP/wd.conf"
check "image-trial-watchdog=60 is accepted" \
    eval 'parse "$TMP/wd.conf" | grep -qx "CFG_image_trial_watchdog='"'60'"'"'
for v in 29 2041 99999 60s ''; do
    out=$(refused "image-trial-watchdog=$v\\n")
    check "image-trial-watchdog=$v is refused, naming the range" \
        grep -q "^LOG: config test line 1: image-trial-watchdog=$v: expected seconds, 30 to 2040: refused" <<<"$out"
done
out=$(refused 'backend=asic\nplatform=lab\nplatform=tomahawk\n')
check "platform given twice is refused" grep -q "line 3: platform given twice" <<<"$out"

# The image's VM profile (platform=/usr/lib/vtep-tor/platform-vm.json):
# vtepd takes it, with the capacities it names, and a chip file of about
# 1 MB (trident2's is 16 MB).
vm=firmware/rootfs/usr/lib/vtep-tor/platform-vm.json
mkdir "$TMP/vtepd"
"${BUILD:-build}/bin/vtepd" --hal=asic --platform="$vm" --unixctl="$TMP/vtepd/ctl" \
    --pidfile="$TMP/vtepd/pid" "$TMP/vtepd/vtep.db" >"$TMP/vtepd/log" 2>&1 &
on_exit "kill $! 2>/dev/null"
wait_for 30 ovs-appctl -t "$TMP/vtepd/ctl" version >/dev/null 2>&1
out=$(ovs-appctl -t "$TMP/vtepd/ctl" hal/resources 2>&1)
chip=$(stat -c %s "$TMP/vtepd/vtepd.chip" 2>/dev/null || echo 0)
echo "  platform-vm.json: chip file $chip bytes"
check "vtepd takes the image's VM profile: fdb 16384, binding 2048, a chip file under 2 MB" \
    eval 'echo "$out" | grep -Eq "^fdb +0 +16384$" && echo "$out" | grep -Eq "^binding +0 +2048$" &&
          [ "$chip" -gt 0 ] && [ "$chip" -lt 2097152 ]'

finish
