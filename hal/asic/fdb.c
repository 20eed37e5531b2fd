/* SPDX-License-Identifier: Apache-2.0 */
/* The L2 table: hashed banks of multi-way buckets.
 *
 * An entry for key K may live in one bucket of each bank: bucket
 * hash_b(K) & mask_b of bank b, where every bank hashes with its own seed.
 * Lookup probes those buckets; insertion picks the least-full of them (the
 * first bank among equals).  When every candidate bucket is full the insert
 * fails with HAL_E_BUCKET_FULL even though other buckets have room, as on a
 * real chip; only when no slot at all is free does it fail with
 * HAL_E_TABLE_FULL.
 *
 * Aging is exact when the table is quiet: an entry last seen at T ages at
 * the first hal_run() at or after T + aging time.  Under load the sweep runs
 * at most once per ASIC_MIN_SWEEP_MS, like the age timer of a chip. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/hash.h"

#define ASIC_MIN_SWEEP_MS 1000

void
asic_fdb_key_mac(uint64_t key, struct hal_mac *mac)
{
    int i;

    for (i = 0; i < 6; i++) {
        mac->ea[i] = (uint8_t) (key >> (40 - 8 * i));
    }
}

uint32_t
asic_fdb_bucket(const struct hal_asic *asic, size_t bank, uint64_t key)
{
    return hash_uint64(key, asic->banks[bank].seed) & asic->banks[bank].mask;
}

/* Stores in 'buckets' the first slot of each candidate bucket of 'key',
 * one per bank. */
static void
fdb_buckets(const struct hal_asic *asic, uint64_t key,
            struct asic_fdb_slot *buckets[HAL_ASIC_MAX_BANKS])
{
    size_t b;

    for (b = 0; b < asic->n_banks; b++) {
        const struct asic_fdb_bank *bank = &asic->banks[b];

        buckets[b] = &asic->fdb[bank->base
                                + asic_fdb_bucket(asic, b, key) * bank->ways];
    }
}

/* Asks the CPU to start loading the candidate buckets 'buckets' (from
 * fdb_buckets()), for writing. */
static void
fdb_prefetch(const struct hal_asic *asic,
             struct asic_fdb_slot *const buckets[HAL_ASIC_MAX_BANKS])
{
    size_t b;

    for (b = 0; b < asic->n_banks; b++) {
        const char *first = (const char *) buckets[b];
        const char *last =
            (const char *) (buckets[b] + asic->banks[b].ways) - 1;

        __builtin_prefetch(first, 1);
        if ((uintptr_t) first / 64 != (uintptr_t) last / 64) {
            __builtin_prefetch(last, 1);
        }
    }
}

/* Probes the candidate buckets 'buckets' of 'key'.  Returns the slot
 * holding 'key', or NULL; in that case '*room' is the least-full bucket's
 * free slot or NULL if every candidate bucket is full. */
static struct asic_fdb_slot *
fdb_probe_buckets(const struct hal_asic *asic, uint64_t key,
                  struct asic_fdb_slot *const buckets[HAL_ASIC_MAX_BANKS],
                  struct asic_fdb_slot **room)
{
    uint32_t best_used = UINT32_MAX;
    size_t b;

    *room = NULL;
    for (b = 0; b < asic->n_banks; b++) {
        struct asic_fdb_slot *bucket = buckets[b];
        struct asic_fdb_slot *free_slot = NULL;
        uint32_t ways = asic->banks[b].ways;
        uint32_t used = 0;
        uint32_t w;

        for (w = 0; w < ways; w++) {
            if (bucket[w].key == key) {
                return &bucket[w];
            } else if (bucket[w].key) {
                used++;
            } else if (!free_slot) {
                free_slot = &bucket[w];
            }
        }
        if (free_slot && used < best_used) {
            best_used = used;
            *room = free_slot;
        }
    }
    return NULL;
}

/* Probes the candidate buckets of 'key': see fdb_probe_buckets(). */
static struct asic_fdb_slot *
fdb_probe(const struct hal_asic *asic, uint64_t key,
          struct asic_fdb_slot **room)
{
    struct asic_fdb_slot *buckets[HAL_ASIC_MAX_BANKS];

    fdb_buckets(asic, key, buckets);
    return fdb_probe_buckets(asic, key, buckets, room);
}

struct asic_fdb_slot *
asic_fdb_find(const struct hal_asic *asic, uint64_t key)
{
    struct asic_fdb_slot *room;

    return fdb_probe(asic, key, &room);
}

/* Returns 'room', the free slot a probe for a key not in the table found,
 * or NULL with '*error' set and the failure counted, as asic_fdb_alloc()
 * does. */
static struct asic_fdb_slot *
fdb_alloc_room(struct hal_asic *asic, struct asic_fdb_slot *room, int *error)
{
    if (asic->fdb_used >= asic->fdb_capacity) {
        *error = HAL_E_TABLE_FULL;
        return NULL;
    }
    if (!room) {
        asic->bucket_full++;
        *error = HAL_E_BUCKET_FULL;
    }
    return room;
}

struct asic_fdb_slot *
asic_fdb_alloc(struct hal_asic *asic, uint64_t key, int *error)
{
    struct asic_fdb_slot *room;

    fdb_probe(asic, key, &room);
    return fdb_alloc_room(asic, room, error);
}

/* Writes 'value' into 'slot', which is empty or holds the same key. */
static void
fdb_write(struct hal_asic *asic, struct asic_fdb_slot *slot,
          const struct asic_fdb_slot *value)
{
    if (!slot->key) {
        asic->fdb_used++;
    } else if (!(slot->flags & ASIC_FDB_STATIC)) {
        asic->fdb_learned--;
    }
    if (!(value->flags & ASIC_FDB_STATIC)) {
        asic->fdb_learned++;
    }
    *slot = *value;
    asic->writes++;
}

void
asic_fdb_free(struct hal_asic *asic, struct asic_fdb_slot *slot)
{
    if (slot->flags & ASIC_FDB_REMOTE) {
        asic_tunnel_unref(asic, slot->tunnel);
    }
    if (!(slot->flags & ASIC_FDB_STATIC)) {
        asic->fdb_learned--;
    }
    memset(slot, 0, sizeof *slot);
    asic->fdb_used--;
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_FDB);
}

void
asic_fdb_to_entry(const struct hal_asic *asic,
                  const struct asic_fdb_slot *slot, struct hal_fdb_entry *e)
{
    memset(e, 0, sizeof *e);
    e->bridge = asic_bridge_oid(asic_fdb_key_bridge(slot->key));
    asic_fdb_key_mac(slot->key, &e->mac);
    e->type = slot->flags & ASIC_FDB_STATIC ? HAL_FDB_STATIC : HAL_FDB_LEARNED;
    e->remote = (slot->flags & ASIC_FDB_REMOTE) != 0;
    if (e->remote) {
        e->remote_ip.s_addr = asic->tunnels[slot->tunnel].ip;
        e->vni = slot->vni;
    } else {
        e->port = asic_port_oid(slot->port);
        e->vlan = slot->vlan;
        e->vni = HAL_VNI_NONE;
    }
}

void
asic_event_fdb(struct hal_asic *asic, enum hal_event_type type,
               const struct asic_fdb_slot *slot,
               const struct asic_fdb_slot *old)
{
    struct hal_fdb_entry e;

    memset(&e, 0, sizeof e);
    e.bridge = asic_bridge_oid(asic_fdb_key_bridge(slot->key));
    asic_fdb_key_mac(slot->key, &e.mac);
    e.port = asic_port_oid(slot->port);
    e.vlan = slot->vlan;
    hal_event_fdb(&asic->up, type, &e,
                  old ? asic_port_oid(old->port) : HAL_OID_NULL,
                  old ? old->vlan : 0);
}

/* ---- Learning and aging ------------------------------------------------- */

/* Starts the age timer for 'slot', just learned, unless it is running. */
static void
age_timer_start(struct hal_asic *asic, const struct asic_fdb_slot *slot)
{
    if (asic->next_age_ms == INT64_MAX && asic->hdr->aging_time_s) {
        asic->next_age_ms =
            slot->last_seen_ms + (int64_t) asic->hdr->aging_time_s * 1000;
    }
}

int
asic_fdb_learn(struct hal_asic *asic, uint32_t bridge,
               const struct hal_mac *mac, uint32_t port, uint16_t vlan)
{
    uint64_t key = asic_fdb_key(bridge, mac);
    struct asic_fdb_slot value = { .key = key,
                                   .last_seen_ms = hal_now(&asic->up),
                                   .vni = HAL_VNI_NONE,
                                   .port = (uint16_t) port,
                                   .vlan = vlan };
    struct asic_fdb_slot *slot = asic_fdb_find(asic, key);
    int error;

    if (slot) {
        if (slot->flags & ASIC_FDB_STATIC) {
            /* Programmed entries win over what the data plane sees. */
            return 0;
        } else if (slot->port == port && slot->vlan == vlan) {
            slot->last_seen_ms = hal_now(&asic->up); /* The hit bit. */
            return 0;
        } else {
            struct asic_fdb_slot old = *slot;

            fdb_write(asic, slot, &value);
            asic_event_fdb(asic, HAL_EVENT_FDB_MOVED, slot, &old);
            return 0;
        }
    }
    slot = asic_fdb_alloc(asic, key, &error);
    if (!slot) {
        asic->learn_failures++;
        hal_event_exhausted(&asic->up, HAL_TABLE_FDB, error);
        return error;
    }
    fdb_write(asic, slot, &value);
    asic_event_fdb(asic, HAL_EVENT_FDB_LEARNED, slot, NULL);
    age_timer_start(asic, slot);
    return 0;
}

void
asic_fdb_age(struct hal_asic *asic)
{
    int64_t aging_ms = (int64_t) asic->hdr->aging_time_s * 1000;
    int64_t now = hal_now(&asic->up);
    int64_t earliest = INT64_MAX;
    uint32_t i;

    if (now < asic->next_age_ms) {
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
        if (now - s->last_seen_ms >= aging_ms) {
            asic_event_fdb(asic, HAL_EVENT_FDB_AGED, s, NULL);
            asic_fdb_free(asic, s);
        } else {
            earliest = MIN(earliest, s->last_seen_ms + aging_ms);
        }
    }
    asic->next_age_ms = earliest == INT64_MAX
                            ? INT64_MAX
                            : MAX(earliest, now + ASIC_MIN_SWEEP_MS);
}

void
asic_fdb_flush_learned(struct hal_asic *asic, uint32_t bridge, uint32_t port,
                       uint32_t vlan, enum hal_event_type type)
{
    uint32_t i;

    if (!asic->fdb_learned) {
        return;
    }
    for (i = 0; i < asic->fdb_capacity; i++) {
        struct asic_fdb_slot *s = &asic->fdb[i];

        if (s->key && !(s->flags & ASIC_FDB_STATIC)
            && (bridge == ASIC_NONE || asic_fdb_key_bridge(s->key) == bridge)
            && (port == ASIC_NONE || s->port == port)
            && (vlan == ASIC_NONE || s->vlan == vlan)) {
            asic_event_fdb(asic, type, s, NULL);
            asic_fdb_free(asic, s);
        }
    }
}

/* ---- Static entries ----------------------------------------------------- */

static bool
fdb_same_static(const struct hal_asic *asic, const struct asic_fdb_slot *s,
                const struct asic_fdb_slot *v)
{
    if (s->flags != v->flags) {
        return false;
    } else if (s->flags & ASIC_FDB_REMOTE) {
        return asic->tunnels[s->tunnel].ip == asic->tunnels[v->tunnel].ip
               && s->vni == v->vni;
    } else {
        return s->port == v->port && s->vlan == v->vlan;
    }
}

static void
fdb_mark_seen(struct hal_asic *asic, const struct asic_fdb_slot *slot)
{
    if (asic->resyncing) {
        asic->seen_fdb[slot - asic->fdb] = 1;
    }
}

/* The key of entry 'e' in '*key', or a negative errno if its bridge or
 * port does not exist. */
static int
fdb_set_key(const struct hal_asic *asic, const struct hal_fdb_entry *e,
            uint64_t *key)
{
    int64_t bridge = asic_bridge_index(asic, e->bridge);
    int64_t port = e->remote ? 0 : asic_port_index(asic, e->port);

    if (bridge < 0 || port < 0) {
        return -ENOENT;
    }
    *key = asic_fdb_key((uint32_t) bridge, &e->mac);
    return 0;
}

/* Programs 'e', whose key (from fdb_set_key()) has the candidate buckets
 * 'buckets'. */
static int
fdb_set_one(struct hal_asic *asic, const struct hal_fdb_entry *e, uint64_t key,
            struct asic_fdb_slot *const *buckets)
{
    struct asic_fdb_slot value, *slot, *room;
    int64_t tunnel = -1;
    int error;

    memset(&value, 0, sizeof value);
    value.key = key;
    value.last_seen_ms = hal_now(&asic->up);
    value.flags = ASIC_FDB_STATIC | (e->remote ? ASIC_FDB_REMOTE : 0);
    value.vni = e->remote ? e->vni : HAL_VNI_NONE;
    value.port = e->remote ? 0 : (uint16_t) asic_port_index(asic, e->port);
    value.vlan = e->remote ? 0 : e->vlan;

    slot = fdb_probe_buckets(asic, value.key, buckets, &room);
    if (e->remote) {
        int64_t existing = asic_tunnel_find(asic, e->remote_ip.s_addr);

        /* Compare before taking a reference, so that an unchanged entry
         * touches nothing. */
        value.tunnel = existing >= 0 ? (uint16_t) existing : 0;
        if (slot && existing >= 0 && fdb_same_static(asic, slot, &value)) {
            fdb_mark_seen(asic, slot);
            return 0;
        }
    } else if (slot && fdb_same_static(asic, slot, &value)) {
        fdb_mark_seen(asic, slot);
        return 0;
    }

    if (!slot) {
        /* Nothing has changed the table since the probe, so its 'room' is
         * what asic_fdb_alloc() would find. */
        slot = fdb_alloc_room(asic, room, &error);
        if (!slot) {
            hal_event_exhausted(&asic->up, HAL_TABLE_FDB, error);
            return error;
        }
    }
    if (e->remote) {
        tunnel = asic_tunnel_ref(asic, e->remote_ip.s_addr);
        if (tunnel < 0) {
            hal_event_exhausted(&asic->up, HAL_TABLE_TUNNEL, (int) tunnel);
            return (int) tunnel;
        }
        value.tunnel = (uint16_t) tunnel;
    }
    if (slot->key) {
        if (!(slot->flags & ASIC_FDB_STATIC)) {
            asic_event_fdb(asic, HAL_EVENT_FDB_FLUSHED, slot, NULL);
        }
        if (slot->flags & ASIC_FDB_REMOTE) {
            asic_tunnel_unref(asic, slot->tunnel);
        }
    }
    fdb_write(asic, slot, &value);
    fdb_mark_seen(asic, slot);
    return 0;
}

/* How many entries ahead asic_fdb_set() starts loading candidate buckets:
 * enough to overlap the cache misses of several entries' probes. */
#define FDB_PREFETCH_AHEAD 8

/* A bulk set's view of one entry, computed ahead of its turn. */
struct fdb_ahead {
    int error;
    uint64_t key;
    struct asic_fdb_slot *buckets[HAL_ASIC_MAX_BANKS];
};

static void
fdb_look_ahead(const struct hal_asic *asic, const struct hal_fdb_entry *e,
               struct fdb_ahead *a)
{
    a->error = fdb_set_key(asic, e, &a->key);
    if (!a->error) {
        fdb_buckets(asic, a->key, a->buckets);
        fdb_prefetch(asic, a->buckets);
    }
}

/* Entry by entry, like HAL_BULK_APPLY(); but a probe of the table costs a
 * cache miss per bank, so the candidate buckets are computed and
 * prefetched a few entries ahead, letting those misses overlap.  Looking
 * ahead reads only what setting entries does not change (bridges, ports,
 * the banks' geometry), so each entry finds the table exactly as it would
 * without. */
int
asic_fdb_set(struct hal *hal, const struct hal_fdb_entry *entries, size_t n,
             int *status)
{
    struct hal_asic *asic = asic_cast(hal);
    struct fdb_ahead ring[FDB_PREFETCH_AHEAD];
    int first = 0;
    size_t i;

    for (i = 0; i < n && i < FDB_PREFETCH_AHEAD; i++) {
        fdb_look_ahead(asic, &entries[i], &ring[i]);
    }
    for (i = 0; i < n; i++) {
        struct fdb_ahead *a = &ring[i % FDB_PREFETCH_AHEAD];

        status[i] = a->error
                        ? a->error
                        : fdb_set_one(asic, &entries[i], a->key, a->buckets);
        if (!first) {
            first = status[i];
        }
        if (i + FDB_PREFETCH_AHEAD < n) {
            fdb_look_ahead(asic, &entries[i + FDB_PREFETCH_AHEAD], a);
        }
    }
    return first;
}

static int
fdb_remove_one(struct hal_asic *asic, const struct hal_fdb_entry *e)
{
    int64_t bridge = asic_bridge_index(asic, e->bridge);
    struct asic_fdb_slot *slot =
        bridge < 0
            ? NULL
            : asic_fdb_find(asic, asic_fdb_key((uint32_t) bridge, &e->mac));

    if (!slot) {
        return -ENOENT;
    }
    asic_fdb_free(asic, slot);
    return 0;
}

int
asic_fdb_remove(struct hal *hal, const struct hal_fdb_entry *entries, size_t n,
                int *status)
{
    return HAL_BULK_APPLY(fdb_remove_one, asic_cast(hal), entries, n, status);
}

int
asic_fdb_flush(struct hal *hal, const struct hal_fdb_flush *filter)
{
    struct hal_asic *asic = asic_cast(hal);
    int64_t bridge = ASIC_NONE;
    int64_t port = ASIC_NONE;

    if (filter->bridge) {
        bridge = asic_bridge_index(asic, filter->bridge);
    }
    if (filter->port) {
        port = asic_port_index(asic, filter->port);
    }
    if (bridge < 0 || port < 0) {
        return -ENOENT;
    }
    asic_fdb_flush_learned(asic, (uint32_t) bridge, (uint32_t) port, ASIC_NONE,
                           HAL_EVENT_FDB_FLUSHED);
    return 0;
}

void
asic_fdb_walk(const struct hal *hal, hal_oid_t bridge_oid, hal_fdb_walk_cb *cb,
              void *aux)
{
    const struct hal_asic *asic = asic_cast(hal);
    int64_t bridge = -1;
    uint32_t i;

    if (bridge_oid) {
        bridge = asic_bridge_index(asic, bridge_oid);
        if (bridge < 0) {
            return;
        }
    }
    for (i = 0; i < asic->fdb_capacity; i++) {
        const struct asic_fdb_slot *s = &asic->fdb[i];

        if (s->key && (bridge < 0 || asic_fdb_key_bridge(s->key) == bridge)) {
            struct hal_fdb_entry e;

            asic_fdb_to_entry(asic, s, &e);
            cb(&e, aux);
        }
    }
}

uint32_t
hal_asic_fdb_bucket(const struct hal_asic *asic, size_t bank, hal_oid_t bridge,
                    const struct hal_mac *mac)
{
    int64_t idx = asic_bridge_index(asic, bridge);

    if (bank >= asic->n_banks || idx < 0) {
        return UINT32_MAX;
    }
    return asic_fdb_bucket(asic, bank, asic_fdb_key((uint32_t) idx, mac));
}
