/* SPDX-License-Identifier: Apache-2.0 */
/* Local MAC learning, HAL to database: N MACs learned on one bound logical
 * switch become Ucast_Macs_Local rows (the reconciler's writes), then age
 * out again (its deletes).  Prints rows per second for both; asserts only
 * that every row arrived and left.
 *
 * Usage: bench-vtep-local [N_MACS] [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hal/hal.h"
#include "lib/util.h"
#include "tests/unit/vtep-fixture.h"
#include "vtepd/vtep/vtep.h"

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
mac_of(unsigned int i, char mac[18])
{
    snprintf(mac, 18, "02:00:%02x:%02x:%02x:%02x", (i >> 24) & 0xff,
             (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
}

/* Queues one event per MAC and runs the reconciler until it is done;
 * returns the seconds that took. */
static double
events_run(struct vfx *f, unsigned int n, enum hal_event_type type)
{
    double start;

    for (unsigned int i = 0; i < n; i++) {
        char mac[18];

        mac_of(i, mac);
        mock_hal_fdb_event(f->mock, type, "ls0", mac, 1, 0);
    }
    start = now_s();
    vfx_run(f);
    return now_s() - start;
}

int
main(int argc, char *argv[])
{
    unsigned int n = argc > 1 ? (unsigned int) atoi(argv[1]) : 20000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    double best_learn = 1e9, best_age = 1e9;

    for (int r = 0; r < rounds; r++) {
        struct vfx f = { .batch = 0 };
        double t;

        vfx_setup(&f, false);
        vfx_run(&f);
        vfx_transact(&f,
                     "[{\"op\": \"insert\", \"table\": "
                     "\"Logical_Switch\", \"uuid-name\": \"ls\", "
                     "\"row\": {\"name\": \"ls0\", \"tunnel_key\": 5000}}, "
                     "{\"op\": \"mutate\", \"table\": \"Physical_Port\", "
                     "\"where\": [[\"name\", \"==\", \"p1\"]], "
                     "\"mutations\": [[\"vlan_bindings\", \"insert\", "
                     "[\"map\", [[0, [\"named-uuid\", \"ls\"]]]]]]}]");
        vfx_run(&f);
        free(vfx_log(&f));

        t = events_run(&f, n, HAL_EVENT_FDB_LEARNED);
        best_learn = MIN(best_learn, t);
        if (vfx_count(&f, "Ucast_Macs_Local") != n) {
            fprintf(stderr, "expected %u learned rows, found %zu\n", n,
                    vfx_count(&f, "Ucast_Macs_Local"));
            return 1;
        }
        t = events_run(&f, n, HAL_EVENT_FDB_AGED);
        best_age = MIN(best_age, t);
        if (vfx_count(&f, "Ucast_Macs_Local")) {
            fprintf(stderr, "aged rows remain\n");
            return 1;
        }
        vfx_teardown(&f);
    }
    printf("local MACs: %u learned in %.3f s (%.0f rows/s), aged in %.3f s "
           "(%.0f rows/s), best of %d\n",
           n, best_learn, n / best_learn, best_age, n / best_age, rounds);
    return 0;
}
