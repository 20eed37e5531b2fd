#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Soak: an hour (SOAK_SECONDS) of controller churn against vtepd with the
# asic backend and its software dataplane, in the lab of
# tests/dataplane/vtepd-topology.sh:
#
#   - waves of Ucast_Macs_Remote inserts and deletes over raw JSON-RPC,
#     with a monitor watching, short-lived monitors, reconnects
#     (tests/soak/soak_controller.py);
#   - learned MACs moving between p1 and p2 VLAN 10 (frames from the lab's
#     hosts), so that Ucast_Macs_Local churns too;
#   - warm restarts of vtepd (SIGTERM, start on the same database and chip
#     state) in the first half of the run, and once more at the end;
#   - a full disk for FULL_SECONDS (default 60; at most a fifth of the
#     run): the database lives on a
#     small tmpfs in a private mount namespace, filled up and then freed.
#
# vtepd's RSS, open descriptors and CPU are sampled every SAMPLE_SECONDS
# into samples.dat and plotted (soak.gp, gnuplot).  The run fails if
#   - RSS or descriptors still grow in the last quarter (one process
#     lifetime, no restarts): more than 10% + 2 MiB or 4 descriptors above
#     the third quarter's peak;
#   - vtepd uses more than 5% CPU idle, once the churn has stopped;
#   - after the final restart, the database lacks an acknowledged row or
#     holds a deleted one, or the HAL's FDB disagrees with the database;
#   - vtepd dies or exits with an error.
#
#   make soak [SOAK_SECONDS=120]    (root: namespaces, mounts)
# Output: build/soak/ (SOAK_OUT), kept: samples, plots, logs, summary.
. tests/lib.sh

SOAK_SECONDS=${SOAK_SECONDS:-3600}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-5}
FULL_SECONDS=${FULL_SECONDS:-60}
OUT=${SOAK_OUT:-$BUILD/soak}
DISK_MB=${SOAK_DISK_MB:-64}

# The tmpfs must not leak into the host's mount table: run in a private
# mount namespace (namespaces made with 'ip netns' still see it).
if [ -z "${SOAK_UNSHARED-}" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        skip "soak (needs root)"
        exit 0
    fi
    SOAK_UNSHARED=1 exec unshare --mount --propagation private bash "$0" "$@"
fi

NS=soak$$
TMP=$(make_tmpdir)
DISK=$TMP/disk
VDIR=$DISK/vtepd
. tests/dataplane/vtepd-topology.sh

lab_require "soak" "$VTEPD" vtep-ctl ovs-appctl gnuplot
mkdir -p "$OUT" "$DISK"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/samples.dat "$OUT"/events.dat "$OUT"/state.json
mount -t tmpfs -o size=${DISK_MB}m soak "$DISK"
on_exit "umount -l '$DISK'"
# Copies what is worth keeping from the tmpfs before it goes.
on_exit "cp '$VDIR/vtepd.log' '$VDIR/vtepd.stderr' '$OUT/' 2>/dev/null"

START=$(date +%s)
elapsed() { echo $(($(date +%s) - START)); }
event() {
    echo "$(elapsed) $*" >>"$OUT/events.dat"
    echo "soak: $(elapsed) s: $*"
}

# The asic state file is sparse until vtepd allocates it (issue 23, item
# 4): on a full disk, touching a new page of it would be SIGBUS.  The
# soak allocates it, so that the full disk tests the database.
allocate_chip() {
    local chip=$VDIR/vtepd.chip
    [ -f "$chip" ] || return 0
    if [ "$(du -k "$chip" | cut -f1)" -lt $(($(stat -c %s "$chip") / 1024)) ]; then
        fallocate -l "$(stat -c %s "$chip")" "$chip"
        event "chip state file was sparse: allocated by the soak"
    fi
}

lab_build
on_exit vtepd_stop
vtepd_start asic
allocate_chip
check "vtep-ctl attaches red and blue" lab_attach
vctl bind-ls "$SWITCH" p2 10 red

# sample_loop: a line of samples.dat every SAMPLE_SECONDS: seconds, RSS
# KiB, descriptors, CPU % since the last sample ("-" after a restart), pid.
sample_loop() {
    local hz last_ticks=0 last_t pid ticks rss fds t cpu
    hz=$(getconf CLK_TCK)
    last_t=$(date +%s.%N)
    while :; do
        sleep "$SAMPLE_SECONDS"
        pid=$(cat "$VDIR/vtepd.pid" 2>/dev/null) || continue
        [ -r "/proc/$pid/stat" ] || continue
        ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || continue
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
        t=$(date +%s.%N)
        if [ "$pid" = "${last_pid-}" ]; then
            cpu=$(awk -v a="$last_ticks" -v b="$ticks" -v t0="$last_t" \
                -v t1="$t" -v hz="$hz" \
                'BEGIN { printf "%.1f", 100 * (b - a) / hz / (t1 - t0) }')
        else
            cpu=- # A new process: no interval yet.
        fi
        [ -n "$rss" ] && echo "$(elapsed) $rss $fds $cpu $pid" >>"$OUT/samples.dat"
        last_ticks=$ticks last_t=$t last_pid=$pid
    done
}

# MACs learned on p1 (untagged) and p2 VLAN 10, both red, moving between
# them every round.
move_loop() {
    local round=0 i mac
    while :; do
        for i in 1 2 3 4; do
            mac=02:6b:00:00:00:0$i
            if [ $((round % 2)) -eq 0 ]; then
                nsx red2 $FRAMES send eth0 "$mac" ff:ff:ff:ff:ff:ff
            else
                nsx blue2 $FRAMES send eth0 "$mac" ff:ff:ff:ff:ff:ff 10
            fi
        done >/dev/null 2>&1
        round=$((round + 1))
        sleep 2
    done
}

# fill_disk: fills the tmpfs until writes fail.
fill_disk() {
    dd if=/dev/zero of="$DISK/fill" bs=1M >/dev/null 2>&1
    dd if=/dev/zero of="$DISK/fill2" bs=4k >/dev/null 2>&1
    event "disk full ($(df -k --output=avail "$DISK" | tail -1) KiB free)"
}

free_disk() {
    [ -f "$DISK/fill" ] || return 0
    rm -f "$DISK/fill" "$DISK/fill2"
    event "disk freed"
}

restart() {
    event "restart ($1)"
    vtepd_stop || fail "vtepd exits cleanly on restart ($1)"
    vtepd_start asic
    allocate_chip
}

sample_loop &
SAMPLER=$!
on_exit "kill $SAMPLER"
move_loop &
MOVER=$!
on_exit "kill $MOVER"

CHURN_SECONDS=$((SOAK_SECONDS - 20))
/usr/bin/python3 tests/soak/soak_controller.py churn "$VDIR/db.sock" \
    "$OUT/state.json" "$CHURN_SECONDS" >"$OUT/churn.log" 2>&1 &
CHURN=$!
on_exit "kill $CHURN"

# The schedule, in fractions of the run: restarts at 15% and 45%, the full
# disk from 20% (for at most a fifth of the run), nothing disruptive in the
# second half.
[ "$FULL_SECONDS" -gt $((SOAK_SECONDS / 5)) ] && FULL_SECONDS=$((SOAK_SECONDS / 5))
at() {
    local t=$1
    while [ "$(elapsed)" -lt "$t" ]; do
        sleep 1
        kill -0 "$VTEPD_PID" 2>/dev/null || { event "vtepd died"; return 1; }
    done
}
alive=1
at $((SOAK_SECONDS * 15 / 100)) && restart "warm, under churn" || alive=
[ -n "$alive" ] && at $((SOAK_SECONDS * 20 / 100)) && fill_disk || alive=
[ -n "$alive" ] && at $((SOAK_SECONDS * 20 / 100 + FULL_SECONDS)) && free_disk || alive=
[ -n "$alive" ] && at $((SOAK_SECONDS * 45 / 100)) && restart "warm, after the full disk" || alive=
[ -n "$alive" ] && at "$CHURN_SECONDS" || alive=
free_disk
check "vtepd survived the churn" test -n "$alive"
wait "$CHURN"
kill "$MOVER"
event "churn over"
cat "$OUT/churn.log"

# Idle: no churn, no frames; CPU must settle.
sleep $((3 * SAMPLE_SECONDS))
kill "$SAMPLER"
cp "$VDIR/vtepd.log" "$OUT/" 2>/dev/null

# growth COLUMN SLACK_PERCENT SLACK_ABS: the last quarter's peak of the
# column is within the third quarter's peak plus slack.
growth() {
    awk -v col="$1" -v pct="$2" -v abs="$3" -v total="$SOAK_SECONDS" '
        $1 >= total / 2 && $1 < total * 3 / 4 && $col > q3 { q3 = $col }
        $1 >= total * 3 / 4 && $1 < total - 20 && $col > q4 { q4 = $col }
        END {
            printf "third quarter peak %d, last quarter peak %d\n", q3, q4
            exit !(q3 > 0 && q4 <= q3 * (1 + pct / 100) + abs)
        }' "$OUT/samples.dat"
}
idle_cpu() {
    tail -n 2 "$OUT/samples.dat" | awk '
        { printf "idle CPU %s%%\n", $4; if ($4 > 5) bad = 1 }
        END { exit bad }'
}
check "RSS levels off ($(growth 2 10 2048))" growth 2 10 2048
check "descriptors level off ($(growth 3 0 4))" growth 3 0 4
check "CPU settles when idle ($(idle_cpu | tr '\n' ' '))" idle_cpu

check "HAL agrees with the database before the restart" \
    /usr/bin/python3 tests/soak/soak_controller.py verify "$VDIR/db.sock" \
    "$OUT/state.json" "$VDIR/vtepd.ctl" hal
restart "warm, to check what is durable"
sleep 3
check "no acknowledged row lost, HAL agrees with the database" \
    /usr/bin/python3 tests/soak/soak_controller.py verify "$VDIR/db.sock" \
    "$OUT/state.json" "$VDIR/vtepd.ctl"
grep -c "WARN\|ERR" "$VDIR/vtepd.log" | sed 's/^/soak: warnings and errors logged: /'
check "vtepd stops cleanly" vtepd_stop
cp "$VDIR/vtepd.log" "$VDIR/vtepd.stderr" "$OUT/" 2>/dev/null

awk '{ n++; r += $2; if ($2 > rmax) rmax = $2; if ($3 > fmax) fmax = $3 }
     $4 != "-" { nc++; c += $4 }
     END { printf "soak: %d samples: RSS mean %d KiB, peak %d KiB; " \
           "descriptors peak %d; CPU mean %.1f%%\n", n, r / n, rmax, fmax,
           c / nc }' "$OUT/samples.dat" | tee "$OUT/summary.txt"
gnuplot -e "data='$OUT'; out='$OUT'" tests/soak/soak.gp \
    && echo "soak: plots in $OUT/soak-*.png"
finish
