/* SPDX-License-Identifier: Apache-2.0 */
/* The interface a HAL backend implements.  See docs/hal-porting.md.
 *
 * A backend defines a 'struct hal_provider' (usually const, with static
 * storage) and registers it with hal_register_provider().  Its open()
 * allocates the backend's own handle, which embeds a 'struct hal' (first or
 * not; recover it with container_of()), and calls hal_init() on it.
 *
 * hal.c checks arguments before calling the provider: object ids have the
 * right type, VLANs are 0..4095, VNIs fit in 24 bits or are HAL_VNI_NONE,
 * enums are in range, 'status' arrays are nonnull and the FDB entries given
 * to fdb_set are static.  A provider still checks that objects exist.
 *
 * Events: a provider queues them as they happen and hands them to
 * hal_deliver_events() from its run() callback, never from anywhere else, so
 * that the callback never re-enters a call in progress.
 *
 * Every callback is mandatory unless its comment says otherwise. */
#ifndef HAL_HAL_PROVIDER_H
#define HAL_HAL_PROVIDER_H 1

#include "hal/hal.h"

struct hal {
    const struct hal_provider *provider;
    hal_event_cb *event_cb;
    void *event_aux;
    bool warm;
};

/* Initialises the generic part of a backend's handle. */
void hal_init(struct hal *hal, const struct hal_provider *provider, bool warm);

/* Passes 'n' events to the registered callback, if any.  Call only from
 * the provider's run(). */
void hal_deliver_events(struct hal *hal, const struct hal_event *events,
                        size_t n);

struct hal_provider {
    const char *name;

    /* Opens the backend and stores the new handle in '*halp'.  'config' is
     * borrowed for the duration of the call. */
    int (*open)(const struct hal_config *config, struct hal **halp);
    /* Frees the handle; table state may persist (warm restart). */
    void (*close)(struct hal *hal);

    void (*run)(struct hal *hal, int64_t now_ms);
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

    /* Optional: NULL means no descriptor to watch (hal_poll_fd() returns
     * -1); the backend then only needs hal_run() at hal_next_wake(). */
    int (*poll_fd)(const struct hal *hal);
};

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
