/* SPDX-License-Identifier: Apache-2.0 */
/* Warm restart: reconcile reattached chip state with a replay of the
 * desired state, by mark and sweep.
 *
 * Between begin and end, every set call that finds its entry already right
 * only marks it (no write); every set call that changes or adds an entry
 * marks it too.  At the end, whatever configuration is unmarked is stale and
 * removed.  Learned entries are not configuration: they stay, and are
 * announced again so that the caller can rebuild its view of them. */
#include <stdlib.h>

#include "hal/asic/asic-private.h"

int
asic_resync_begin(struct hal *hal)
{
    struct hal_asic *asic = asic_cast(hal);
    const struct hal_asic_profile *p = asic->profile;

    if (asic->resyncing) {
        return -EBUSY;
    }
    asic->seen_bridge = xzalloc(p->bridges);
    asic->seen_flood = xzalloc((size_t) p->bridges * HAL_FLOOD_N);
    asic->seen_binding = xzalloc(p->bindings);
    asic->seen_mcast = xzalloc(p->mcast_groups);
    asic->seen_fdb = xzalloc(asic->fdb_capacity);
    asic_l3_resync_begin(asic);
    asic->resyncing = true;
    asic_acl_resync_begin(asic);
    return 0;
}

static void
sweep_bridges_and_lists(struct hal_asic *asic)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t i;
    int t;

    for (i = 0; i < p->bridges; i++) {
        struct asic_bridge *b = &asic->bridges[i];

        if (!b->valid) {
            continue;
        } else if (!asic->seen_bridge[i]) {
            asic_bridge_destroy(asic, i);
            continue;
        }
        for (t = 0; t < HAL_FLOOD_N; t++) {
            if (b->flood_len[t] && !asic->seen_flood[i * HAL_FLOOD_N + t]) {
                asic_repl_release(asic, &b->flood_head[t], &b->flood_len[t]);
            }
        }
    }
    for (i = 0; i < p->bindings; i++) {
        if (asic->bindings[i].valid && !asic->seen_binding[i]) {
            asic_binding_destroy(asic, i);
        }
    }
    for (i = 0; i < p->mcast_groups; i++) {
        if (asic->mcast[i].valid && !asic->seen_mcast[i]) {
            asic_mcast_destroy(asic, i);
        }
    }
}

static void
sweep_fdb(struct hal_asic *asic)
{
    uint32_t i;

    for (i = 0; i < asic->fdb_capacity; i++) {
        struct asic_fdb_slot *s = &asic->fdb[i];

        if (!s->key) {
            continue;
        } else if (!(s->flags & ASIC_FDB_STATIC)) {
            asic_event_fdb(asic, HAL_EVENT_FDB_LEARNED, s, NULL);
        } else if (!asic->seen_fdb[i]) {
            asic_fdb_free(asic, s);
        }
    }
}

int
asic_resync_end(struct hal *hal)
{
    struct hal_asic *asic = asic_cast(hal);

    if (!asic->resyncing) {
        return -EINVAL;
    }
    asic_acl_resync_end(asic);
    /* Routers first: removing a stale bridge removes its rifs. */
    asic_l3_resync_end(asic);
    sweep_bridges_and_lists(asic);
    sweep_fdb(asic);
    asic_resync_abandon(asic);
    return 0;
}

void
asic_resync_abandon(struct hal_asic *asic)
{
    asic->resyncing = false;
    free(asic->seen_bridge);
    free(asic->seen_flood);
    free(asic->seen_binding);
    free(asic->seen_mcast);
    free(asic->seen_fdb);
    asic->seen_bridge = asic->seen_flood = asic->seen_binding = NULL;
    asic->seen_mcast = asic->seen_fdb = NULL;
}
