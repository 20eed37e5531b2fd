#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The firmware's disk: vtep-tor.qcow2 boots through its bootloader (no
# -kernel), a reboot keeps the config and the database, and images are
# upgraded through the A/B slots.  In order:
#   boot 1 (slot a, the config has a signing key and an https CA): program
#     the switch; a corrupted bundle, an unsigned one, one signed by
#     another key, and one from an https server the CA does not vouch for
#     are refused; a newer one, signed, is installed from an https URL into
#     slot b and set to boot next;
#   boot 2 (slot b, given a bad config): the new release runs, its trial
#     boot arms the hardware watchdog unpetted, it becomes the default and
#     the watchdog is petted once it serves, and 0.1.1-test is the highest
#     version run; the bad config is refused, naming the line,
#     and the first boot's config and database stay; the older signed
#     0.1.0 bundle is refused (a downgrade) and installed with force; a
#     bundle whose vtepd fails is installed into slot a and set to boot next;
#   boots 3-5: slot a fails twice (vtepd never serves), the switch rolls
#     back to slot b by itself, which serves with its database; the
#     highest version run stays 0.1.1-test (0.1.2-broken never served);
#   boots 6-7: a bundle whose kernel panics (its initramfs is junk) is
#     installed into slot a and set to boot next: syslinux boots it once,
#     the panic reboots (panic=10) into slot b, which rolls a back;
#   boots 8-9 (the config's image-trial-watchdog=60): a bundle whose boot
#     hangs (every process stopped at the end of its boot script, vtepd
#     never started) into slot a, set to boot next: the watchdog, unpetted,
#     resets it, and slot b boots and rolls a back, saying so.
set -u
. tests/lib.sh
. tests/firmware/vm.sh
fw_require
if [ ! -r "$FW_DIR/vtep-tor.qcow2" ]; then
    skip "firmware disk (no $FW_DIR/vtep-tor.qcow2: make firmware)"
    exit 0
fi

TMP=$(make_tmpdir)
A=$TMP/tor1
# Bundle signing keys, and the CA of the https server (whose certificate
# names 10.0.2.2, the host as QEMU's user network shows it).
for k in sign other; do
    openssl genpkey -algorithm ed25519 -out "$TMP/$k.key" 2>/dev/null
done
openssl pkey -in "$TMP/sign.key" -pubout -out "$TMP/sign.pub"
for c in ca rogue; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$TMP/$c.key" -out "$TMP/$c.crt" -subj "/CN=$c" -days 2 2>/dev/null
done
for c in ca rogue; do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$TMP/web-$c.key" -out "$TMP/web-$c.csr" -subj /CN=10.0.2.2 2>/dev/null
    echo "subjectAltName=IP:10.0.2.2" >"$TMP/web.ext"
    openssl x509 -req -in "$TMP/web-$c.csr" -CA "$TMP/$c.crt" -CAkey "$TMP/$c.key" \
        -CAcreateserial -extfile "$TMP/web.ext" -out "$TMP/web-$c.crt" -days 2 2>/dev/null
done
{
    printf 'switch-name=tor1\ntunnel-ip=10.99.0.2/24\n'
    echo "image-signing-key=$(base64 -w0 "$TMP/sign.pub")"
    echo "image-ca-cert=$(base64 -w0 "$TMP/ca.crt")"
} >"$TMP/good.conf"
printf '# typo in the backend\nswitch-name=tor2\nbackend=fast\n' >"$TMP/bad.conf"

# The bundles, served over HTTP to the VM (QEMU's user network reaches the
# host's loopback at 10.0.2.2).
mkdir "$TMP/www"
fw_bundle "$TMP/www/new.bin" 0.1.1-test
printf '#!/bin/sh\necho "vtepd: broken on purpose" >&2\nexit 1\n' >"$TMP/broken-vtepd"
fw_bundle "$TMP/www/broken.bin" 0.1.2-broken "$TMP/broken-vtepd"
cp "$TMP/www/new.bin" "$TMP/www/unsigned.bin"
tools/sign-bundle.sh "$TMP/other.key" "$TMP/www/new.bin" "$TMP/www/wrongkey.bin" >/dev/null
tools/sign-bundle.sh "$TMP/sign.key" "$TMP/www/new.bin" >/dev/null
tools/sign-bundle.sh "$TMP/sign.key" "$TMP/www/broken.bin" >/dev/null
cp "$TMP/www/new.bin" "$TMP/www/corrupt.bin"
tools/sign-bundle.sh "$TMP/sign.key" "$FW_DIR/vtep-tor-0.1.0.bin" "$TMP/www/old.bin" >/dev/null
head -c 1000000 /dev/urandom >"$TMP/junk-initrd"
firmware/mkbundle.sh "$FW_DIR/vmlinuz" "$TMP/junk-initrd" 0.1.3-panic \
    "$(cat "$FW_DIR/root/etc/vtep-tor-kernel")" "$TMP/www/panic.bin"
tools/sign-bundle.sh "$TMP/sign.key" "$TMP/www/panic.bin" >/dev/null
# A boot that hangs: after the boot script, init runs a script that stops
# every other process (the trial's watch too) and sleeps.
mkdir -p "$TMP/hang/etc" "$TMP/hang/usr/sbin"
sed 's|^::sysinit:/etc/init.d/rcS$|&\n::sysinit:/usr/sbin/vtep-tor-test-hang|' \
    firmware/rootfs/etc/inittab >"$TMP/hang/etc/inittab"
grep -q vtep-tor-test-hang "$TMP/hang/etc/inittab" || fail "the hanging bundle's inittab"
cat >"$TMP/hang/usr/sbin/vtep-tor-test-hang" <<'HANG'
#!/bin/sh
. /usr/lib/vtep-tor/lib.sh
log "test: this boot hangs: every process stopped, vtepd never started"
kill -STOP -1
exec sleep 2147483647
HANG
chmod +x "$TMP/hang/usr/sbin/vtep-tor-test-hang"
fw_bundle "$TMP/www/hang.bin" 0.1.4-hang "" "$TMP/hang"
tools/sign-bundle.sh "$TMP/sign.key" "$TMP/www/hang.bin" >/dev/null
printf 'garbage' | dd of="$TMP/www/corrupt.bin" bs=1 seek=12000000 conv=notrunc status=none
HTTP_PORT=$(fw_free_port)
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$TMP/www" "$HTTP_PORT" \
    >"$TMP/http.log" 2>&1 &
HTTP_PID=$!
on_exit "kill $HTTP_PID 2>/dev/null"
URL=http://10.0.2.2:$HTTP_PORT
for c in ca rogue; do
    port=$(fw_free_port)
    /usr/bin/python3 tests/firmware/https-server.py "$TMP/www" "$port" \
        "$TMP/web-$c.crt" "$TMP/web-$c.key" >"$TMP/https-$c.log" 2>&1 &
    on_exit "kill $! 2>/dev/null"
    eval "HTTPS_$c=https://10.0.2.2:$port"
done

boot_served() {
    if secs=$(fw_vm_wait_served "$A" "$2"); then
        echo "QEMU start to OVSDB served: $secs s"
        pass "$1"
    else
        fail "$1"
        tail -40 "$A/serial.log"
        exit 1
    fi
}
vctl() { fw_vctl "$A" "$@"; }
con() { /usr/bin/python3 "$FW_CONSOLE" "$A" "$1" 240; }
vm_down() { ! fw_vm_alive "$A"; }

# ---- boot 1: slot a ----
fw_vm_disk "$A"
fw_vm_start "$A" "$TMP/good.conf" 1
boot_served "vtep-tor.qcow2 boots through its bootloader to OVSDB served" 150
check "the state partition is mounted" grep -q "persistent state on /dev/vda2" "$A/serial.log"
check "it booted slot a" grep -q "vtepd (vtepd) 0.1.0, kernel .*, slot a" "$A/serial.log"
vctl add-ls red -- set Logical_Switch red tunnel_key=5000
vctl bind-ls tor1 swp1 0 red

out=$(con "vtep-cli image list")
echo "$out"
check "image list: slot a runs 0.1.0 and is the default, slot b is empty" \
    eval 'echo "$out" | grep -q "^a  *0.1.0  *6\..*current, default" &&
          echo "$out" | grep -q "^b  *-  *-  *empty"'
check "image list: bundles must be signed by the config's key" \
    eval 'echo "$out" | grep -q "^Bundles must be signed (Ed25519) by one of the 1 image-signing-key= keys of the config"'

out=$(con "wget -q -O /var/lib/vtep-tor/corrupt.bin $URL/corrupt.bin && vtep-cli image install /var/lib/vtep-tor/corrupt.bin; echo status=\$?")
echo "$out"
check "a corrupted bundle (a FILE) is refused, saying why" \
    eval 'echo "$out" | grep -q "initrd.img has SHA-256 [0-9a-f]* but the manifest says [0-9a-f]*: the bundle is corrupt: refused (slot b unchanged)" &&
          echo "$out" | grep -q "^status=1"'
out=$(con "vtep-cli image install $URL/new.bin sha256 $(printf 0%.0s {1..64})")
check "a bundle whose SHA-256 is not the one given is refused" \
    eval 'echo "$out" | grep -q "the bundle.s SHA-256 is [0-9a-f]*, not 0*: refused"'
con "rm /var/lib/vtep-tor/corrupt.bin" >/dev/null

out=$(con "vtep-cli image install $URL/unsigned.bin")
echo "$out"
check "an unsigned bundle is refused: the config has a signing key" \
    eval 'echo "$out" | grep -q "unsigned.bin: the bundle is not signed, and this switch installs only bundles signed by its image-signing-key= keys: refused (slot b unchanged)"'
out=$(con "vtep-cli image install $URL/wrongkey.bin")
echo "$out"
check "a bundle signed by another key is refused" \
    eval 'echo "$out" | grep -q "wrongkey.bin: bad signature: the signature is not by any of the 1 signing key: refused (slot b unchanged)"'
out=$(con "vtep-cli image install $HTTPS_rogue/new.bin")
echo "$out"
check "a bundle from an https server the config's CA does not vouch for is refused" \
    eval 'echo "$out" | grep -q "cannot download .*: the server.s certificate is not trusted: .*: refused (slot b unchanged)"'

out=$(con "vtep-cli image install $HTTPS_ca/new.bin sha256 $(sha256sum "$TMP/www/new.bin" | cut -d' ' -f1)")
echo "$out"
check "a good signed bundle from an https URL is installed in slot b" \
    eval 'echo "$out" | grep -q "Installed vtep-tor 0.1.1-test (kernel .*) in slot b" &&
          echo "$out" | grep -q "Signature good: by key 1 of the config.s image-signing-key= lines"'
out=$(con "vtep-cli image boot-next")
echo "$out"
check "boot-next: slot b boots next, on trial" \
    eval 'echo "$out" | grep -q "Slot b (0.1.1-test) boots next, on trial"'
out=$(con "vtep-cli --json image list")
check "image list --json: slot b is next" \
    eval 'echo "$out" | /usr/bin/python3 -c "
import json, sys
images = {i[\"slot\"]: i for i in json.load(sys.stdin)[\"images\"]}
assert images[\"b\"][\"version\"] == \"0.1.1-test\", images
assert \"next (trial\" in images[\"b\"][\"status\"], images
assert images[\"b\"][\"signature\"] == \"key 1\", images
"'

# ---- boot 2: slot b, with a bad config ----
# A clean power-off (vtepd stopped first), then a boot with the bad config.
con poweroff >/dev/null
check "the VM powers off" wait_for 60 vm_down
mv "$A/serial.log" "$A/serial.log.1"
fw_vm_start "$A" "$TMP/bad.conf" 1
boot_served "it boots again" 150
# (Console output may hold the supervisor's messages too.)
check "the new image in slot b runs" \
    eval 'con "cat /etc/vtep-tor-release" | grep -qx "vtepd (vtepd) 0.1.1-test"'
check "its trial boot is counted" grep -q "slot b (0.1.1-test): trial boot 1 of 2" "$A/serial.log"
check "the trial boot arms the watchdog, unpetted until vtepd serves (180 s by default)" \
    grep -q "watchdog armed: 180 s, held until vtepd serves" "$A/serial.log"
check "serving, it becomes the default" \
    wait_for 60 grep -q "slot b (0.1.1-test) serves: it is the default now" "$A/serial.log"
out=$(con "cat /sys/class/watchdog/watchdog0/state; ls /run/vtepd/watchdog-hold 2>&1; ps | grep -c '[v]tep-tor-watchdog run'")
echo "$out"
check "... and the watchdog is petted from then on (armed, no hold, its loop running)" \
    eval 'echo "$out" | grep -qx active && echo "$out" | grep -q "watchdog-hold: No such file" &&
          echo "$out" | grep -qx 1'
check "0.1.1-test is the highest version run" \
    grep -q "image 0.1.1-test is the highest version this switch has run" "$A/serial.log"
out=$(con "vtep-cli image list")
echo "$out"
check "image list: slot b is current and the default now" \
    eval 'echo "$out" | grep -q "^b  *0.1.1-test .*current, default" &&
          con "cat /boot/syslinux.cfg" | grep -qx "DEFAULT b"'
check "image list: the highest version run is 0.1.1-test" \
    eval 'echo "$out" | grep -q "^Highest version run here: 0.1.1-test (older bundles install only with force)"'
check "the bad line is refused on the console, naming the line" \
    grep -q "config opt/vtep-tor/config line 3: backend=fast: expected netdev or asic: refused; the previous config stays in force" "$A/serial.log"
check "the first boot's config stays in force" test "$(vctl list-ps)" = tor1
check "the database survived the reboot and the upgrade" \
    test "$(vctl list-bindings tor1 swp1)" = "0000 red"
check "the log on the state partition spans both boots" \
    test "$(con "grep -c 'boot done' /var/log/vtep-tor.log")" = 2

# A signed bundle older than the running one: a downgrade, only if forced.
out=$(con "vtep-cli image install $URL/old.bin; echo status=\$?")
echo "$out"
check "a signed bundle older than the running version is refused (a downgrade)" \
    eval 'echo "$out" | grep -q "old.bin: version 0.1.0 is older than the running 0.1.1-test: a downgrade, which only .image install SOURCE \[sha256 HEX\] force. makes: refused (slot a unchanged)" &&
          echo "$out" | grep -q "^status=1"'
out=$(con "vtep-cli image install $URL/old.bin force")
echo "$out"
check "with force it is installed, and the install says it was a forced downgrade" \
    eval 'echo "$out" | grep -q "Installed vtep-tor 0.1.0 (kernel .*) in slot a" &&
          echo "$out" | grep -q "Forced: 0.1.0 is older than the running 0.1.1-test (a downgrade)"'

out=$(con "vtep-cli image install $URL/broken.bin && vtep-cli image boot-next a")
echo "$out"
check "a bundle whose vtepd fails is installed in slot a and boots next" \
    eval 'echo "$out" | grep -q "Slot a (0.1.2-broken) boots next, on trial"'
echo "$(con "vtep-cli image list")"

# ---- boots 3-5: slot a fails, rollback to b ----
con "vtep-cli reboot" >/dev/null 2>&1
check "the VM reboots (QEMU ends: -no-reboot)" wait_for 60 vm_down
mv "$A/serial.log" "$A/serial.log.2"
FW_REBOOT=1 fw_vm_start "$A" "" 1
boot_served "after the failed trial boots, the switch serves again" 600
cat "$A/serial.log" | grep -a "vtep-tor: .*\(slot\|booting\|rollback\)"
check "slot a was tried twice" \
    eval 'grep -q "slot a (0.1.2-broken): trial boot 1 of 2" "$A/serial.log" &&
          grep -q "slot a (0.1.2-broken): trial boot 2 of 2" "$A/serial.log"'
check "then rolled back to slot b, saying why" \
    grep -q "image rollback: slot a (0.1.2-broken) vtepd exited 3 times without serving (boot 2 of 2); slot b (0.1.1-test) boots next" "$A/serial.log"
check "slot b runs again" \
    eval 'con "cat /etc/vtep-tor-release" | grep -qx "vtepd (vtepd) 0.1.1-test"'
out=$(con "vtep-cli image list")
echo "$out"
check "image list shows slot a rolled back" \
    eval 'echo "$out" | grep -q "^a  *0.1.2-broken .*rolled back: vtepd exited 3 times"'
check "the highest version run is still 0.1.1-test: 0.1.2-broken never served" \
    eval 'con "vtep-cli --json image list" | /usr/bin/python3 -c "
import json, sys
assert json.load(sys.stdin)[\"highest\"] == \"0.1.1-test\""'
check "the database survived the rollback" \
    test "$(vctl list-bindings tor1 swp1)" = "0000 red"

# ---- boots 6-7: slot a's kernel panics, syslinux falls back to b ----
out=$(con "vtep-cli image install $URL/panic.bin && vtep-cli image boot-next a")
echo "$out"
check "a bundle whose kernel panics is installed in slot a and boots next" \
    eval 'echo "$out" | grep -q "Slot a (0.1.3-panic) boots next, on trial"'
check "the default stays slot b: a boots once" \
    eval 'con "cat /boot/syslinux.cfg" | grep -qx "DEFAULT b"'
# (This QEMU reboots in place: power it off and start another, its
# config giving the next trials a watchdog of 60 s.)
con poweroff >/dev/null
check "the VM powers off" wait_for 60 vm_down
mv "$A/serial.log" "$A/serial.log.3"
{ cat "$TMP/good.conf"; echo image-trial-watchdog=60; } >"$TMP/wd.conf"
FW_REBOOT=1 fw_vm_start "$A" "$TMP/wd.conf" 1
boot_served "after the panic, the switch serves again" 600
grep -a "Kernel panic\|vtep-tor: .*\(slot\|booting\|rollback\)" "$A/serial.log"
check "slot a's kernel panicked" grep -q "Kernel panic - not syncing" "$A/serial.log"
check "the next boot, slot b, rolled a back, saying why" \
    grep -q "image rollback: slot a (0.1.3-panic) did not boot: its kernel stopped before its boot script ran" "$A/serial.log"
check "slot b runs" \
    eval 'con "cat /etc/vtep-tor-release" | grep -qx "vtepd (vtepd) 0.1.1-test"'
out=$(con "vtep-cli image list")
echo "$out"
check "image list shows slot a rolled back, b the default" \
    eval 'echo "$out" | grep -q "^a  *0.1.3-panic .*rolled back: did not boot" &&
          echo "$out" | grep -q "^b  *0.1.1-test .*current, default"'

# ---- boots 8-9: slot a hangs, the watchdog resets it, b rolls it back ----
out=$(con "vtep-cli image install $URL/hang.bin && vtep-cli image boot-next a")
echo "$out"
check "a bundle whose boot hangs is installed in slot a and boots next, the watchdog's 60 s said" \
    eval 'echo "$out" | grep -q "Slot a (0.1.4-hang) boots next, on trial" &&
          echo "$out" | grep -q "a hang, the watchdog resets after 60 s"'
con poweroff >/dev/null
check "the VM powers off" wait_for 60 vm_down
mv "$A/serial.log" "$A/serial.log.4"
FW_REBOOT=1 fw_vm_start "$A" "" 1
boot_served "after the hang, the watchdog's reset and the rollback, the switch serves again" 600
grep -a "vtep-tor: .*\(slot\|booting\|rollback\|watchdog\|test:\)" "$A/serial.log"
check "slot a's trial boot armed the watchdog for 60 s, unpetted" \
    grep -q "watchdog armed: 60 s, held until vtepd serves" "$A/serial.log"
check "slot a hung" grep -q "test: this boot hangs" "$A/serial.log"
check "the watchdog reset it and slot b rolled it back, saying why" \
    grep -q "image rollback: slot a (0.1.4-hang) hung during trial boot 1 of 2: the watchdog reset it, vtepd not serving after 60 s; slot b (0.1.1-test) boots next" "$A/serial.log"
out=$(con "vtep-cli image list")
echo "$out"
check "image list shows slot a rolled back by the watchdog, b the default" \
    eval 'echo "$out" | grep -q "^a  *0.1.4-hang .*rolled back: hung during trial boot 1 of 2: the watchdog reset it" &&
          echo "$out" | grep -q "^b  *0.1.1-test .*current, default"'
check "the database survived the hang" test "$(vctl list-bindings tor1 swp1)" = "0000 red"

finish
