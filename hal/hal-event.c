/* SPDX-License-Identifier: Apache-2.0 */
/* The event ring every backend queues into and hal_run() drains.  See
 * hal-provider.h for the contract. */
#include <stdlib.h>
#include <string.h>

#include "hal/hal-private.h"
#include "lib/util.h"

void
hal_event_ring_init(struct hal_event_ring *ring)
{
    memset(ring, 0, sizeof *ring);
    ring->capacity = HAL_EVENT_RING_DEFAULT;
    ring->batch = HAL_EVENT_BATCH_DEFAULT;
}

void
hal_event_ring_destroy(struct hal_event_ring *ring)
{
    free(ring->events);
    ring->events = NULL;
    ring->n = ring->head = 0;
    /* A backend's close() may still queue events (flushing what it
     * removes): with no room, they are dropped without allocating. */
    ring->capacity = 0;
}

void
hal_event_ring_size(struct hal *hal, size_t capacity, size_t batch)
{
    struct hal_event_ring *ring = &hal->ring;

    ASSERT(capacity && batch && !ring->n && !ring->events);
    ring->capacity = capacity;
    ring->batch = batch;
}

bool
hal_event_ring_pending(const struct hal_event_ring *ring)
{
    return ring->n || ring->lost;
}

void
hal_event_push(struct hal *hal, const struct hal_event *event)
{
    struct hal_event_ring *ring = &hal->ring;
    struct hal_event *slot;

    if (ring->n >= ring->capacity) {
        ring->lost++;
        return;
    }
    if (!ring->events) {
        ring->events = xcalloc(ring->capacity, sizeof *ring->events);
    }
    slot = &ring->events[(ring->head + ring->n++) % ring->capacity];
    *slot = *event;
    slot->time_ms = hal->now_ms;
}

void
hal_event_fdb(struct hal *hal, enum hal_event_type type,
              const struct hal_fdb_entry *e, hal_oid_t old_port,
              uint16_t old_vlan)
{
    struct hal_event ev;

    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.fdb.bridge = e->bridge;
    ev.fdb.mac = e->mac;
    ev.fdb.port = e->port;
    ev.fdb.vlan = e->vlan;
    ev.fdb.old_port = old_port;
    ev.fdb.old_vlan = old_vlan;
    hal_event_push(hal, &ev);
}

void
hal_event_port_state(struct hal *hal, hal_oid_t port, bool up)
{
    struct hal_event ev;

    memset(&ev, 0, sizeof ev);
    ev.type = HAL_EVENT_PORT_STATE;
    ev.port.port = port;
    ev.port.up = up;
    hal_event_push(hal, &ev);
}

static void
push_resource(struct hal *hal, enum hal_event_type type, enum hal_table table,
              int error)
{
    struct hal_event ev;

    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.resource.table = table;
    ev.resource.error = error;
    hal_event_push(hal, &ev);
}

void
hal_event_exhausted(struct hal *hal, enum hal_table table, int error)
{
    if (!hal->ring.exhausted[table]) {
        hal->ring.exhausted[table] = true;
        push_resource(hal, HAL_EVENT_RESOURCE_EXHAUSTED, table, error);
    }
}

void
hal_event_freed(struct hal *hal, enum hal_table table)
{
    if (hal->ring.exhausted[table]) {
        hal->ring.exhausted[table] = false;
        push_resource(hal, HAL_EVENT_RESOURCE_FREED, table, 0);
    }
}

/* Moves up to 'max' events from the front of 'ring' to 'batch', then the
 * overflow notice if the ring ran dry with events lost and there is room.
 * Returns the number of events in 'batch'. */
static size_t
take_batch(struct hal_event_ring *ring, struct hal_event *batch, size_t max,
           int64_t now_ms)
{
    size_t n = 0;

    while (n < max && ring->n) {
        batch[n++] = ring->events[ring->head];
        ring->head = (ring->head + 1) % ring->capacity;
        ring->n--;
    }
    if (n < max && !ring->n && ring->lost) {
        memset(&batch[n], 0, sizeof batch[n]);
        batch[n].type = HAL_EVENT_OVERFLOW;
        batch[n].time_ms = now_ms;
        batch[n++].lost = ring->lost;
        ring->lost = 0;
    }
    return n;
}

void
hal_event_ring_deliver(struct hal *hal)
{
    struct hal_event_ring *ring = &hal->ring;
    struct hal_event *batch;

    if (!hal_event_ring_pending(ring)) {
        return;
    }
    /* Copy each batch out first: the callback may call into the HAL and
     * queue more events, which this loop then delivers too. */
    batch = xmalloc(ring->batch * sizeof *batch);
    while (hal_event_ring_pending(ring)) {
        size_t n = take_batch(ring, batch, ring->batch, hal->now_ms);

        hal_deliver_events(hal, batch, n);
    }
    free(batch);
}
