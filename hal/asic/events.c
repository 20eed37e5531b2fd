/* SPDX-License-Identifier: Apache-2.0 */
/* The event FIFO and aging.
 *
 * Like the learn/age FIFO of a switch ASIC, the queue is bounded (the
 * profile's event_fifo): when it is full, further events are dropped and
 * counted, and the caller gets one HAL_EVENT_OVERFLOW after the survivors
 * so that it knows to walk the FDB.  Events are handed over only by
 * hal_run(), in batches of at most ASIC_EVENT_BATCH.
 *
 * Aging is exact when the table is quiet: an entry last seen at T ages at
 * the first hal_run() at or after T + aging time.  Under load the sweep runs
 * at most once per ASIC_MIN_SWEEP_MS, like the age timer of a chip. */
#include <string.h>

#include "hal/asic/asic-private.h"

#define ASIC_EVENT_BATCH 64
#define ASIC_MIN_SWEEP_MS 1000

void
asic_event_queue(struct hal_asic *asic, const struct hal_event *event)
{
    uint32_t depth = asic->profile->event_fifo;

    if (asic->fifo_n >= depth) {
        asic->fifo_lost++;
        return;
    }
    struct hal_event *slot =
        &asic->fifo[(asic->fifo_head + asic->fifo_n++) % depth];

    *slot = *event;
    slot->time_ms = asic->now_ms;
}

void
asic_event_fdb(struct hal_asic *asic, enum hal_event_type type,
               const struct asic_fdb_slot *slot,
               const struct asic_fdb_slot *old)
{
    struct hal_event ev;

    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.fdb.bridge = asic_bridge_oid(asic_fdb_key_bridge(slot->key));
    asic_fdb_key_mac(slot->key, &ev.fdb.mac);
    ev.fdb.port = asic_port_oid(slot->port);
    ev.fdb.vlan = slot->vlan;
    if (old) {
        ev.fdb.old_port = asic_port_oid(old->port);
        ev.fdb.old_vlan = old->vlan;
    }
    asic_event_queue(asic, &ev);

    /* The first learned entry (re)starts the age timer. */
    if (type == HAL_EVENT_FDB_LEARNED && asic->next_age_ms == INT64_MAX
        && asic->hdr->aging_time_s) {
        asic->next_age_ms =
            slot->last_seen_ms + (int64_t) asic->hdr->aging_time_s * 1000;
    }
}

void
asic_note_exhausted(struct hal_asic *asic, enum hal_table table, int error)
{
    if (!asic->exhausted[table]) {
        struct hal_event ev;

        memset(&ev, 0, sizeof ev);
        ev.type = HAL_EVENT_RESOURCE_EXHAUSTED;
        ev.resource.table = table;
        ev.resource.error = error;
        asic->exhausted[table] = true;
        asic_event_queue(asic, &ev);
    }
}

void
asic_note_freed(struct hal_asic *asic, enum hal_table table)
{
    if (asic->exhausted[table]) {
        struct hal_event ev;

        memset(&ev, 0, sizeof ev);
        ev.type = HAL_EVENT_RESOURCE_FREED;
        ev.resource.table = table;
        asic->exhausted[table] = false;
        asic_event_queue(asic, &ev);
    }
}

void
asic_events_deliver(struct hal_asic *asic)
{
    uint32_t depth = asic->profile->event_fifo;
    struct hal_event batch[ASIC_EVENT_BATCH];

    /* Copy each batch out first: the callback may call into the HAL and
     * queue more events, which this loop then delivers too. */
    while (asic->fifo_n || asic->fifo_lost) {
        size_t n = 0;

        while (n < ARRAY_SIZE(batch) && asic->fifo_n) {
            batch[n++] = asic->fifo[asic->fifo_head];
            asic->fifo_head = (asic->fifo_head + 1) % depth;
            asic->fifo_n--;
        }
        if (n < ARRAY_SIZE(batch) && !asic->fifo_n && asic->fifo_lost) {
            memset(&batch[n], 0, sizeof batch[n]);
            batch[n].type = HAL_EVENT_OVERFLOW;
            batch[n].time_ms = asic->now_ms;
            batch[n++].lost = asic->fifo_lost;
            asic->fifo_lost = 0;
        }
        hal_deliver_events(&asic->up, batch, n);
    }
}

void
asic_age(struct hal_asic *asic)
{
    int64_t aging_ms = (int64_t) asic->hdr->aging_time_s * 1000;
    int64_t earliest = INT64_MAX;
    uint32_t i;

    if (asic->now_ms < asic->next_age_ms) {
        return;
    }
    if (!aging_ms || !asic->fdb_learned) {
        asic->next_age_ms = INT64_MAX;
        return;
    }
    for (i = 0; i < asic->fdb_capacity; i++) {
        struct asic_fdb_slot *s = &asic->fdb[i];

        if (!s->key || s->flags & ASIC_FDB_STATIC) {
            continue;
        }
        if (asic->now_ms - s->last_seen_ms >= aging_ms) {
            asic_event_fdb(asic, HAL_EVENT_FDB_AGED, s, NULL);
            asic_fdb_free(asic, s);
        } else {
            earliest = MIN(earliest, s->last_seen_ms + aging_ms);
        }
    }
    asic->next_age_ms = earliest == INT64_MAX
                            ? INT64_MAX
                            : MAX(earliest, asic->now_ms + ASIC_MIN_SWEEP_MS);
}

int64_t
asic_next_wake(const struct hal_asic *asic)
{
    return asic->fifo_n || asic->fifo_lost ? asic->now_ms : asic->next_age_ms;
}
