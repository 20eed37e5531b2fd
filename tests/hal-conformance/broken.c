/* SPDX-License-Identifier: Apache-2.0 */
/* A deliberately broken provider, to prove that hal-conformance catches
 * what it should: the example provider with three faults.
 *
 *   - hal_bridge_set() answers -EINVAL, not -EEXIST, for a VNI in use.
 *   - hal_fdb_flush() hands its events to the callback from inside the call.
 *   - resources_get() claims 16 more FDB entries than fit.
 *
 * tests/hal-conformance/conformance.sh expects exactly the cases these
 * break to fail. */
#define HAL_EXAMPLE_NO_MODULE 1
#include "docs/hal-example/example.c"

static const struct hal_provider broken_provider;

static int
broken_open(const struct hal_config *config, struct hal **halp)
{
    int error = ex_open(config, halp);

    if (!error) {
        (*halp)->provider = &broken_provider;
    }
    return error;
}

static int
broken_bridge_set(struct hal *hal, const struct hal_bridge_config *c,
                  hal_oid_t *oid)
{
    int error = ex_bridge_set(hal, c, oid);

    return error == -EEXIST ? -EINVAL : error;
}

static int
broken_fdb_flush(struct hal *hal, const struct hal_fdb_flush *filter)
{
    struct example *ex = ex_cast(hal);
    struct hal_event events[EX_FDB];
    size_t n = 0;

    for (size_t i = 0; i < EX_FDB; i++) {
        const struct ex_fdb *f = &ex->fdb[i];

        if (f->used && f->e.type == HAL_FDB_LEARNED
            && (!filter->bridge || f->e.bridge == filter->bridge)
            && (!filter->port || f->e.port == filter->port)) {
            events[n] = (struct hal_event){ .type = HAL_EVENT_FDB_FLUSHED };
            events[n].fdb.bridge = f->e.bridge;
            events[n].fdb.mac = f->e.mac;
            events[n++].fdb.port = f->e.port;
        }
    }
    hal_deliver_events(hal, events, n);
    return ex_fdb_flush(hal, filter);
}

static void
broken_resources_get(const struct hal *hal, struct hal_resource res[])
{
    ex_resources_get(hal, res);
    res[HAL_TABLE_FDB].capacity += 16;
}

static const struct hal_provider broken_provider = {
    .name = "broken",
    .capabilities = HAL_CAP_LEARNING | HAL_CAP_FINITE_TABLES
                    | HAL_CAP_TAGGED_BINDINGS | HAL_CAP_PORT_EVENTS,
    .open = broken_open,
    .close = ex_close,
    .run = ex_run,
    .next_wake = ex_next_wake,
    .switch_set = ex_switch_set,
    .switch_get = ex_switch_get,
    .port_count = ex_port_count,
    .port_get = ex_port_get,
    .bridge_set = broken_bridge_set,
    .bridge_remove = ex_bridge_remove,
    .bridge_get = ex_bridge_get,
    .binding_set = ex_binding_set,
    .binding_remove = ex_binding_remove,
    .fdb_set = ex_fdb_set,
    .fdb_remove = ex_fdb_remove,
    .fdb_flush = broken_fdb_flush,
    .flood_set = ex_flood_set,
    .mcast_set = ex_mcast_set,
    .mcast_remove = ex_mcast_remove,
    .resources_get = broken_resources_get,
    .fdb_walk = ex_fdb_walk,
    .binding_walk = ex_binding_walk,
    .flood_walk = ex_flood_walk,
    .bridge_walk = ex_bridge_walk,
    .test_learn = ex_test_learn,
    .test_link = ex_test_link,
    .test_writes = ex_test_writes,
};

HAL_PROVIDER_MODULE(broken_provider);
