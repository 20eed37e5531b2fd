/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmark: bulk insertion of remote FDB entries into the software ASIC's
 * L2 table (Trident2-like profile unless given another), as the reconciler
 * does when a controller pushes a large Ucast_Macs_Remote table.
 *
 * Usage: bench-asic-fdb [N [PLATFORM [ROUNDS]]]  (defaults 100000 trident2 5)
 * Prints one line per round and the best and median times. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hal/asic/asic.h"
#include "hal/hal.h"
#include "lib/vlog.h"
#include "lib/util.h"

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a_, const void *b_)
{
    double a = *(const double *) a_, b = *(const double *) b_;

    return a < b ? -1 : a > b;
}

static double
one_round(const char *platform, size_t n, int round)
{
    struct hal_config config = { .platform = platform };
    struct hal_bridge_config bc = { .vni = 5000, .learning = true };
    struct hal_fdb_entry *entries = xcalloc(n, sizeof *entries);
    int *status = xcalloc(n, sizeof *status);
    hal_oid_t bridge = HAL_OID_NULL;
    struct hal *hal;
    size_t i, failed = 0;
    double start, elapsed;

    if (hal_open("asic", &config, &hal)) {
        fprintf(stderr, "cannot open platform %s\n", platform);
        exit(1);
    }
    snprintf(bc.name, sizeof bc.name, "ls0");
    hal_bridge_set(hal, &bc, &bridge);
    for (i = 0; i < n; i++) {
        uint32_t m = (uint32_t) i * 2654435761u + (uint32_t) round;

        entries[i].bridge = bridge;
        entries[i].mac =
            (struct hal_mac){ { 0x02, (uint8_t) (i >> 24), (uint8_t) (m >> 24),
                                (uint8_t) (m >> 16), (uint8_t) (m >> 8),
                                (uint8_t) m } };
        entries[i].type = HAL_FDB_STATIC;
        entries[i].remote = true;
        entries[i].remote_ip.s_addr = htonl(0xc6120000 | (i % 64 + 1));
        entries[i].vni = HAL_VNI_NONE;
    }

    start = now_ms();
    hal_fdb_set(hal, entries, n, status);
    elapsed = now_ms() - start;

    for (i = 0; i < n; i++) {
        failed += status[i] != 0;
    }
    printf("round %d: %zu entries in %.2f ms (%.0f ns/entry), %zu failed "
           "(hash bucket full)\n",
           round, n, elapsed, elapsed * 1e6 / n, failed);
    hal_close(hal);
    free(entries);
    free(status);
    return elapsed;
}

int
main(int argc, char *argv[])
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    const char *platform = argc > 2 ? argv[2] : "trident2";
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    double *times;
    int r;

    set_program_name(argv[0]);
    vlog_set_level(VLD_CONSOLE, VLL_WARN);
    hal_register_provider(&hal_asic_provider);
    if (!n || rounds < 1) {
        fprintf(stderr, "usage: %s [N [PLATFORM [ROUNDS]]]\n", argv[0]);
        return 1;
    }
    times = xcalloc((size_t) rounds, sizeof *times);
    for (r = 0; r < rounds; r++) {
        times[r] = one_round(platform, n, r);
    }
    qsort(times, (size_t) rounds, sizeof *times, cmp_double);
    printf("bulk insert of %zu FDB entries (%s): best %.2f ms, median "
           "%.2f ms\n",
           n, platform, times[0], times[rounds / 2]);
    free(times);
    return 0;
}
