# SPDX-License-Identifier: Apache-2.0
# For tests that mount small filesystems: source this FIRST, before
# tests/lib.sh.  It re-runs the test in a private mount namespace
# (unshare -m), so that whatever the test mounts vanishes with it and
# nothing leaks to the host; without root or unshare the test SKIPs.
# Afterwards, mount_small DIR SIZE mounts a tmpfs of SIZE (e.g. 1m) at DIR,
# unmounted at exit.

if [ -z "$VTEPD_PRIVATE_MOUNTS" ]; then
    if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
        unshare -m --propagation private true 2>/dev/null; then
        VTEPD_PRIVATE_MOUNTS=1 exec unshare -m --propagation private \
            "$BASH" "$0" "$@"
    fi
    echo "SKIP: $0 (needs root and unshare -m to mount a small tmpfs)"
    exit 0
fi

mount_small() {
    mkdir -p "$1"
    mount -t tmpfs -o size="$2" tmpfs "$1" || return 1
    on_exit "umount -l '$1'"
}
