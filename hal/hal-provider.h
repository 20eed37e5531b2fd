/* SPDX-License-Identifier: Apache-2.0 */
/* The interface a HAL backend implements, and the scaffolding every backend
 * shares.  See docs/hal-porting.md.
 *
 * A backend defines a 'struct hal_provider' (usually const, with static
 * storage) and registers it with hal_register_provider(), or, built as a
 * shared object, exports it with HAL_PROVIDER_MODULE() (below).  Its open()
 * allocates the backend's own handle, which embeds a 'struct hal' (first or
 * not; recover it with container_of()), and calls hal_init() on it.
 *
 * hal.c checks arguments before calling the provider: object ids have the
 * right type, VLANs are 0..4095, VNIs fit in 24 bits or are HAL_VNI_NONE,
 * enums are in range, 'status' arrays are nonnull and the FDB entries given
 * to fdb_set are static.  A provider still checks that objects exist.
 *
 * What a backend does not write itself, because it lives here once:
 *
 *   - Object ids: hal_oid_make() and hal_oid_index().
 *   - The clock: hal_run() advances it before calling the provider's run();
 *     hal_now() reads it.
 *   - The event ring (hal/hal-event.c): a backend queues events with
 *     hal_event_push() and its helpers as they happen, from any callback;
 *     hal_run() delivers them after the provider's run(), in batches, so
 *     that the event callback never re-enters a call in progress, and
 *     hal_next_wake() asks for a run while any wait.
 *
 * Every callback is mandatory unless its comment says otherwise. */
#ifndef HAL_HAL_PROVIDER_H
#define HAL_HAL_PROVIDER_H 1

#include "hal/hal-route.h"
#include "hal/hal-acl.h"
#include "hal/hal.h"
#include "lib/hmap.h"

/* ---- Object ids ----------------------------------------------------------
 *
 * The type is the top byte; the low 56 bits are the backend's value, for
 * example the index of the object in a table. */

#define HAL_OID_VALUE_BITS 56
#define HAL_OID_VALUE_MAX ((UINT64_C(1) << HAL_OID_VALUE_BITS) - 1)

/* Returns the object id of type 'type' with value 'value' (at most
 * HAL_OID_VALUE_MAX; higher bits are dropped). */
static inline hal_oid_t
hal_oid_make(enum hal_object_type type, uint64_t value)
{
    return (hal_oid_t) type << HAL_OID_VALUE_BITS
           | (value & HAL_OID_VALUE_MAX);
}

/* Returns the value of 'oid' if it is of type 'type' and its value is below
 * 'limit', else -1.  A backend whose values are table indexes passes the
 * table size and gets the index or "no such object". */
static inline int64_t
hal_oid_index(hal_oid_t oid, enum hal_object_type type, uint64_t limit)
{
    uint64_t value = oid & HAL_OID_VALUE_MAX;

    return hal_oid_type(oid) == type && value < limit ? (int64_t) value : -1;
}

/* ---- The event ring ------------------------------------------------------
 *
 * Bounded, like the learn FIFO of a switch ASIC: when it is full, further
 * events are dropped and counted, and the callback gets one
 * HAL_EVENT_OVERFLOW after the survivors so that the caller knows to walk
 * the FDB.  The members are hal-event.c's; backends use the functions. */

#define HAL_EVENT_RING_DEFAULT 65536 /* Events held, by default. */
#define HAL_EVENT_BATCH_DEFAULT 256  /* Events per callback, at most. */

struct hal_event_ring {
    struct hal_event *events; /* 'capacity' slots, allocated on first use. */
    size_t capacity, batch;
    size_t head, n;
    uint64_t lost;               /* Dropped since the last delivery. */
    bool exhausted[HAL_TABLE_N]; /* RESOURCE_EXHAUSTED sent, not FREED. */
};

struct hal {
    const struct hal_provider *provider;
    hal_event_cb *event_cb;
    void *event_aux;
    bool warm;
    int64_t now_ms; /* The latest time given to hal_run(). */
    struct hal_event_ring ring;
    /* HAL_CAP_* of this handle: the provider's 'capabilities', copied by
     * hal_init(); a provider may change them before its open() returns,
     * for what it found the platform able to do. */
    uint32_t capabilities;
};

/* Initialises the generic part of a backend's handle, with an event ring of
 * the default size and the provider's declared capabilities.  hal_close() releases what it holds. */
void hal_init(struct hal *hal, const struct hal_provider *provider, bool warm);

/* Sets the depth of 'hal''s event ring and the largest batch handed to the
 * callback (both nonzero).  Call after hal_init(), before any event. */
void hal_event_ring_size(struct hal *hal, size_t capacity, size_t batch);

/* Returns the HAL clock: the latest 'now_ms' given to hal_run() or to
 * hal_clock_advance(), in monotonic milliseconds (0 before either). */
static inline int64_t
hal_now(const struct hal *hal)
{
    return hal->now_ms;
}

/* Moves the HAL clock forward to 'now_ms' (never back), for a backend entry
 * point other than run() that carries the caller's time. */
static inline void
hal_clock_advance(struct hal *hal, int64_t now_ms)
{
    hal->now_ms = now_ms > hal->now_ms ? now_ms : hal->now_ms;
}

/* Queues a copy of 'event', stamped with hal_now(), for the next hal_run();
 * drops and counts it if the ring is full. */
void hal_event_push(struct hal *hal, const struct hal_event *event);

/* Queues an FDB event ('type' FDB_LEARNED, _AGED, _MOVED or _FLUSHED) about
 * entry 'e' (borrowed): its bridge, MAC, port and VLAN.  'old_port' and
 * 'old_vlan' are the location before a move, else HAL_OID_NULL and 0. */
void hal_event_fdb(struct hal *hal, enum hal_event_type type,
                   const struct hal_fdb_entry *e, hal_oid_t old_port,
                   uint16_t old_vlan);

/* Queues HAL_EVENT_PORT_STATE for 'port'. */
void hal_event_port_state(struct hal *hal, hal_oid_t port, bool up);

/* Reports that an insert into 'table' failed with 'error'
 * (HAL_E_TABLE_FULL or HAL_E_BUCKET_FULL): queues RESOURCE_EXHAUSTED unless
 * it is already reported and not yet freed. */
void hal_event_exhausted(struct hal *hal, enum hal_table table, int error);

/* Reports that an entry of 'table' went: queues RESOURCE_FREED if the table
 * was reported exhausted. */
void hal_event_freed(struct hal *hal, enum hal_table table);

/* Passes 'n' events (borrowed) straight to the registered callback, if any,
 * bypassing the ring: for test doubles that already hold a batch.  Call
 * only from the provider's run(). */
void hal_deliver_events(struct hal *hal, const struct hal_event *events,
                        size_t n);

/* ---- BFD sessions (hal/hal-bfd.c) ----------------------------------------
 *
 * The session logic every backend with BFD shares: a table of sessions by
 * remote VTEP (one each), their lib/bfd state machines, the inner frames
 * Open vSwitch sends and accepts (docs/bfd.md) and the RFC 5881 checks on
 * what arrives.  A backend keeps one table, runs it from its run() and
 * next_wake(), hands it what arrives in VXLAN and sends what it builds;
 * only the wire differs (the asic's dataplane, netdev's sockets). */

/* Length of the inner Ethernet frame of a BFD control packet. */
#define HAL_BFD_FRAME_LEN (14 + 20 + 8 + BFD_PACKET_LEN)

struct hal_bfd_sessions { /* Private to hal-bfd.c. */
    struct hmap by_remote;
    uint64_t last_id;
    int64_t next_wake; /* No session needs running before this. */
};

/* Empties 's'. */
void hal_bfd_sessions_init(struct hal_bfd_sessions *s);
/* Frees every session of 's'. */
void hal_bfd_sessions_destroy(struct hal_bfd_sessions *s);
/* Returns the number of sessions in 's'. */
size_t hal_bfd_sessions_count(const struct hal_bfd_sessions *s);

/* The provider's bfd_set, bfd_remove and bfd_get on table 's' at time
 * 'now' (hal_now()); 'config' is copied.  Results as hal_bfd_set(),
 * hal_bfd_remove() and hal_bfd_get() document. */
int hal_bfd_sessions_set(struct hal_bfd_sessions *s,
                         const struct hal_bfd_config *config, hal_oid_t *oid,
                         int64_t now);
int hal_bfd_sessions_remove(struct hal_bfd_sessions *s, hal_oid_t oid);
int hal_bfd_sessions_get(const struct hal_bfd_sessions *s, hal_oid_t oid,
                         int64_t now, struct hal_bfd_info *info);

/* Sends the inner Ethernet 'frame' of 'len' bytes (borrowed) of the
 * session configured by 'config' (borrowed) in VXLAN with 'config->vni' to
 * 'config->remote'. */
typedef void hal_bfd_send_fn(void *aux, const struct hal_bfd_config *config,
                             const uint8_t *frame, size_t len);

/* Runs the timers of every session of 's' at 'now' and passes each frame
 * due to 'send' (if nonnull) with 'aux'; 'tunnel_src' is our tunnel IP,
 * from which the inner source MAC is derived. */
void hal_bfd_sessions_run(struct hal_bfd_sessions *s,
                          struct in_addr tunnel_src, int64_t now,
                          hal_bfd_send_fn *send, void *aux);

/* Returns when hal_bfd_sessions_run() next has work, INT64_MAX if never. */
int64_t hal_bfd_sessions_next_wake(const struct hal_bfd_sessions *s);

/* Offers 's' the inner 'frame' of 'len' bytes (borrowed) that arrived in
 * VXLAN with 'vni' from 'outer_src' at 'now'.  Returns true if it was a BFD
 * control frame for a session (consumed; accepted or counted as dropped),
 * false otherwise (then counted as received data for the session to
 * 'outer_src', if there is one: forwarding_if_rx, decay_min_rx). */
bool hal_bfd_sessions_input(struct hal_bfd_sessions *s,
                            struct in_addr outer_src, uint32_t vni,
                            const uint8_t *frame, size_t len, int64_t now);

/* Returns the offset of the BFD control packet in inner Ethernet frame
 * 'f' of 'len' bytes if it is single-hop BFD by RFC 5881's rules (IPv4,
 * UDP to 3784, TTL exactly 255, not a fragment), else 0. */
size_t hal_bfd_frame_payload(const uint8_t *f, size_t len);

/* ---- Capabilities ------------------------------------------------------
 *
 * What a provider declares it can do, in 'capabilities'.  The conformance
 * kit (hal/conformance/) tests the promises of each declared feature and
 * reports the others as skipped; a provider that declares a feature must
 * not answer -EOPNOTSUPP for it. */

/* Learns source MACs on bridges with 'learning' set, ages them on the HAL
 * clock and reports FDB_LEARNED, _MOVED and _AGED. */
#define HAL_CAP_LEARNING (1u << 0)
/* Table state survives hal_close() and a later hal_open() reattaches it
 * (hal_is_warm()); resync_begin and resync_end are implemented. */
#define HAL_CAP_WARM_RESTART (1u << 1)
/* Tables have the capacities resources_get() reports: filling one fails
 * with HAL_E_TABLE_FULL exactly when 'used' reaches 'capacity'. */
#define HAL_CAP_FINITE_TABLES (1u << 2)
/* The FDB is hashed into buckets, so an insert may fail with
 * HAL_E_BUCKET_FULL while the table has room.  Without this, -ENOBUFS is
 * never a valid answer. */
#define HAL_CAP_HASHED_FDB (1u << 3)
/* Bindings with a VLAN other than 0 (802.1Q sub-ports). */
#define HAL_CAP_TAGGED_BINDINGS (1u << 4)
/* binding_stats_get is implemented. */
#define HAL_CAP_BINDING_COUNTERS (1u << 5)
/* tunnel_stats_get is implemented. */
#define HAL_CAP_TUNNEL_COUNTERS (1u << 6)
/* Reports link changes as HAL_EVENT_PORT_STATE and flushes what was
 * learned on a port whose link goes down. */
#define HAL_CAP_PORT_EVENTS (1u << 7)
/* ACL tables, bindings and counters (hal/hal-acl.h); with
 * HAL_CAP_FINITE_TABLES, each stage fills as resources_get() says. */
#define HAL_CAP_ACL (1u << 8)
/* With HAL_CAP_ACL: ACL bindings to router interfaces (hal/hal-acl.h).
 * Without it, hal-acl.c answers such bindings -EOPNOTSUPP itself, so a
 * provider built before this bit never sees a router interface there. */
#define HAL_CAP_ACL_RIF (1u << 9)

/* ---- Loadable providers --------------------------------------------------
 *
 * A provider built as a shared object (vtepd --hal=FILE, hal-conformance
 * --hal=FILE) exports exactly one symbol, HAL_PROVIDER_MODULE_SYMBOL,
 * defined with HAL_PROVIDER_MODULE(provider).  The loader (hal/hal-load.c)
 * refuses a module whose ABI version or provider size differ from its own,
 * then registers 'provider' under its name.  The module may call the
 * functions of this header and of hal/hal.h that vtepd exports (listed in
 * hal/hal-provider.dynlist) and the C library; nothing else of vtepd's.
 *
 * HAL_PROVIDER_ABI_VERSION changes whenever 'struct hal_provider', 'struct
 * hal', 'struct hal_event' or any structure passed to a provider changes. */
#define HAL_PROVIDER_ABI_VERSION 7u

struct hal_provider_module {
    uint32_t abi_version;   /* HAL_PROVIDER_ABI_VERSION when built. */
    uint32_t provider_size; /* sizeof(struct hal_provider) when built. */
    const struct hal_provider *provider;
};

#define HAL_PROVIDER_MODULE_SYMBOL "hal_provider_module"

/* Defines the entry point of a loadable provider; use once, at file scope,
 * in the shared object. */
#define HAL_PROVIDER_MODULE(PROVIDER)                                      \
    extern const struct hal_provider_module hal_provider_module;           \
    __attribute__((visibility("default")))                                 \
    const struct hal_provider_module hal_provider_module = {               \
        HAL_PROVIDER_ABI_VERSION, sizeof(struct hal_provider), &(PROVIDER) \
    }

struct hal_provider {
    const char *name;

    /* HAL_CAP_* bits: the optional features this provider has. */
    uint32_t capabilities;

    /* Opens the backend and stores the new handle in '*halp'.  'config' is
     * borrowed for the duration of the call. */
    int (*open)(const struct hal_config *config, struct hal **halp);
    /* Frees the handle; table state may persist (warm restart). */
    void (*close)(struct hal *hal);

    /* Does the backend's periodic work (aging, reading notifications);
     * hal_now() is already 'now_ms'.  Queued events are delivered after it
     * returns. */
    void (*run)(struct hal *hal, int64_t now_ms);
    /* Optional: the time at which run() next has work of the backend's own
     * (aging), or INT64_MAX.  NULL means never; queued events are the
     * generic layer's business either way. */
    int64_t (*next_wake)(const struct hal *hal);

    int (*switch_set)(struct hal *hal, const struct hal_switch_config *);
    void (*switch_get)(const struct hal *hal, struct hal_switch_config *);

    size_t (*port_count)(const struct hal *hal);
    int (*port_get)(const struct hal *hal, size_t index,
                    struct hal_port_info *info);

    int (*bridge_set)(struct hal *hal, const struct hal_bridge_config *,
                      hal_oid_t *oid);
    int (*bridge_remove)(struct hal *hal, hal_oid_t bridge);
    int (*bridge_get)(const struct hal *hal, hal_oid_t bridge,
                      struct hal_bridge_config *);

    /* Bulk calls: 'status' is never NULL; the return value is as for the
     * public functions. */
    int (*binding_set)(struct hal *hal, const struct hal_binding *, size_t n,
                       int *status);
    int (*binding_remove)(struct hal *hal, const struct hal_binding *,
                          size_t n, int *status);
    int (*fdb_set)(struct hal *hal, const struct hal_fdb_entry *, size_t n,
                   int *status);
    int (*fdb_remove)(struct hal *hal, const struct hal_fdb_entry *, size_t n,
                      int *status);
    int (*fdb_flush)(struct hal *hal, const struct hal_fdb_flush *);
    int (*flood_set)(struct hal *hal, const struct hal_flood_group *, size_t n,
                     int *status);
    int (*mcast_set)(struct hal *hal, const struct hal_flood_group *, size_t n,
                     int *status);
    int (*mcast_remove)(struct hal *hal, const struct hal_flood_group *,
                        size_t n, int *status);

    /* Optional: NULL means the backend has no warm restart, and the generic
     * code accepts begin/end as no-ops. */
    int (*resync_begin)(struct hal *hal);
    int (*resync_end)(struct hal *hal);

    /* Optional: NULL means no counters (-EOPNOTSUPP). */
    int (*binding_stats_get)(const struct hal *hal, hal_oid_t port,
                             uint16_t vlan, struct hal_binding_stats *);
    int (*tunnel_stats_get)(const struct hal *hal, struct in_addr remote,
                            struct hal_tunnel_stats *);

    /* BFD sessions; NULL if the backend has none (optional). */
    int (*bfd_set)(struct hal *hal, const struct hal_bfd_config *,
                   hal_oid_t *oid);
    int (*bfd_remove)(struct hal *hal, hal_oid_t oid);
    int (*bfd_get)(const struct hal *hal, hal_oid_t oid,
                   struct hal_bfd_info *);
    void (*resources_get)(const struct hal *hal,
                          struct hal_resource resources[HAL_TABLE_N]);

    void (*fdb_walk)(const struct hal *hal, hal_oid_t bridge,
                     hal_fdb_walk_cb *cb, void *aux);
    void (*binding_walk)(const struct hal *hal, hal_binding_walk_cb *cb,
                         void *aux);
    void (*flood_walk)(const struct hal *hal, hal_flood_walk_cb *cb,
                       void *aux);
    void (*bridge_walk)(const struct hal *hal, hal_bridge_walk_cb *cb,
                        void *aux);

    /* Optional: set, remove and walk together, or none (NULL: no neighbour
     * suppression, -EOPNOTSUPP); stats_get optional on its own.  A
     * bridge's removal removes its neighbour entries. */
    int (*neigh_set)(struct hal *hal, const struct hal_neigh_entry *, size_t n,
                     int *status);
    int (*neigh_remove)(struct hal *hal, const struct hal_neigh_entry *,
                        size_t n, int *status);
    int (*neigh_stats_get)(const struct hal *hal, hal_oid_t bridge,
                           struct hal_neigh_stats *);
    void (*neigh_walk)(const struct hal *hal, hal_oid_t bridge,
                       hal_neigh_walk_cb *cb, void *aux);

    /* Optional: NULL means no descriptor to watch (hal_poll_fd() returns
     * -1); the backend then only needs hal_run() at hal_next_wake(). */
    int (*poll_fd)(const struct hal *hal);

    /* ---- Conformance hooks ----------------------------------------------
     *
     * Optional, and only for hal-conformance: they stand in for the world
     * outside the tables (frames, links, a write counter) so that the kit
     * can check the promises that depend on it.  A hook left NULL makes the
     * kit skip the cases that need it, and say so. */

    /* Behaves as if a frame from 'src' arrived on (port, vlan) now: learns
     * or moves 'src' if the binding's bridge learns.  Returns 0, or -ENOENT
     * if (port, vlan) is not bound. */
    int (*test_learn)(struct hal *hal, hal_oid_t port, uint16_t vlan,
                      const struct hal_mac *src);
    /* Sets the link of 'port' up or down, as a cable would.  Returns 0 or
     * -ENOENT. */
    int (*test_link)(struct hal *hal, hal_oid_t port, bool up);
    /* Returns the number of table writes since open, so the kit can check
     * that entries already right are not rewritten. */
    uint64_t (*test_writes)(const struct hal *hal);

    /* ---- Routing (hal/hal-route.h) ----------------------------------------
     *
     * Optional, all together or none (NULL: -EOPNOTSUPP).  The generic
     * layer checks object types, families and prefix lengths first. */
    int (*router_set)(struct hal *hal, const struct hal_router_config *,
                      hal_oid_t *oid);
    int (*router_remove)(struct hal *hal, hal_oid_t oid);
    int (*rif_create)(struct hal *hal, const struct hal_rif_config *,
                      hal_oid_t *oid);
    int (*rif_remove)(struct hal *hal, hal_oid_t oid);
    int (*nexthop_create)(struct hal *hal, const struct hal_nexthop_config *,
                          hal_oid_t *oid);
    int (*nexthop_remove)(struct hal *hal, hal_oid_t oid);
    int (*route_set)(struct hal *hal, const struct hal_route_entry *, size_t n,
                     int *status);
    int (*route_remove)(struct hal *hal, const struct hal_route_entry *,
                        size_t n, int *status);
    int (*rneigh_set)(struct hal *hal, const struct hal_rneigh_entry *,
                      size_t n, int *status);
    int (*rneigh_remove)(struct hal *hal, const struct hal_rneigh_entry *,
                         size_t n, int *status);
    int (*router_stats_get)(const struct hal *hal, hal_oid_t oid,
                            struct hal_router_stats *);
    void (*route_walk)(const struct hal *hal, const struct hal_route_walk *,
                       void *aux);
    /* Optional even with the above: a reason why routing does not work on
     * this host right now (static string), or NULL. */
    const char *(*route_unsupported)(const struct hal *hal);

    /* ---- ACLs (hal/hal-acl.h) -------------------------------------------
     *
     * Optional: all of set, remove, bind_set and bind_remove, or none (NULL:
     * no ACLs, -EOPNOTSUPP); counters_get and dump optional on their own.
     * hal-acl.c checks stages, VLANs and rules (hal_acl_match_check())
     * before calling them. */
    int (*acl_table_set)(struct hal *hal, const struct hal_acl_table_config *,
                         hal_oid_t *oid);
    int (*acl_table_remove)(struct hal *hal, hal_oid_t oid);
    int (*acl_counters_get)(const struct hal *hal, hal_oid_t oid,
                            uint64_t *packets, size_t n);
    int (*acl_bind_set)(struct hal *hal, const struct hal_acl_binding *,
                        size_t n, int *status);
    int (*acl_bind_remove)(struct hal *hal, const struct hal_acl_binding *,
                           size_t n, int *status);
    /* Appends the hal/dump-acl text (see hal_dump_acl()). */
    void (*acl_dump)(const struct hal *hal, struct ds *out);
};

/* Returns the capabilities of 'hal' (HAL_CAP_*): what its provider
 * declares, as the provider adjusted them at open. */
static inline uint32_t
hal_capabilities(const struct hal *hal)
{
    return hal->capabilities;
}

/* For a provider's bulk calls: sets STATUS[i] to ONE(CTX, &ENTRIES[i]) for
 * each of the N entries, in order, and evaluates to the first nonzero
 * status (0 if every entry succeeded), which is what a bulk call returns. */
#define HAL_BULK_APPLY(ONE, CTX, ENTRIES, N, STATUS)           \
    ({                                                         \
        int hal_first__ = 0;                                   \
        for (size_t hal_i__ = 0; hal_i__ < (N); hal_i__++) {   \
            (STATUS)[hal_i__] = ONE(CTX, &(ENTRIES)[hal_i__]); \
            if (!hal_first__) {                                \
                hal_first__ = (STATUS)[hal_i__];               \
            }                                                  \
        }                                                      \
        hal_first__;                                           \
    })

#endif /* hal/hal-provider.h */
