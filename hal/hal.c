/* SPDX-License-Identifier: Apache-2.0 */
/* The backend-neutral half of the HAL: the provider registry, argument
 * checks, the clock and dispatch.  The event ring is in hal-event.c. */
#include "hal/hal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-private.h"
#include "lib/ds.h"
#include "lib/util.h"

#define HAL_MAX_PROVIDERS 8

static const struct hal_provider *providers[HAL_MAX_PROVIDERS];
static size_t n_providers;

int
hal_register_provider(const struct hal_provider *provider)
{
    if (hal_provider_find(provider->name)) {
        return -EEXIST;
    }
    if (n_providers >= ARRAY_SIZE(providers)) {
        return -ENOSPC;
    }
    providers[n_providers++] = provider;
    return 0;
}

void
hal_unregister_all(void)
{
    n_providers = 0;
}

const struct hal_provider *
hal_provider_find(const char *name)
{
    size_t i;

    for (i = 0; i < n_providers; i++) {
        if (!strcmp(providers[i]->name, name)) {
            return providers[i];
        }
    }
    return NULL;
}

void
hal_provider_names(struct ds *out)
{
    for (size_t i = 0; i < n_providers; i++) {
        ds_put_format(out, "%s%s", i ? ", " : "", providers[i]->name);
    }
    if (!n_providers) {
        ds_put_cstr(out, "none");
    }
}

int
hal_open(const char *name, const struct hal_config *config, struct hal **halp)
{
    static const struct hal_config default_config;
    const struct hal_provider *provider = hal_provider_find(name);

    *halp = NULL;
    if (!provider) {
        return -ENOENT;
    }
    return provider->open(config ? config : &default_config, halp);
}

void
hal_close(struct hal *hal)
{
    if (hal) {
        hal_event_ring_destroy(&hal->ring);
        hal->provider->close(hal);
    }
}

void
hal_init(struct hal *hal, const struct hal_provider *provider, bool warm)
{
    hal->provider = provider;
    hal->event_cb = NULL;
    hal->event_aux = NULL;
    hal->warm = warm;
    hal->now_ms = 0;
    hal_event_ring_init(&hal->ring);
    hal->capabilities = provider->capabilities;
}

const char *
hal_backend_name(const struct hal *hal)
{
    return hal->provider->name;
}

bool
hal_is_warm(const struct hal *hal)
{
    return hal->warm;
}

const char *
hal_strerror(int error)
{
    switch (error) {
    case 0:
        return "success";
    case HAL_E_TABLE_FULL:
        return "table full";
    case HAL_E_BUCKET_FULL:
        return "hash bucket full";
    case -ENOENT:
        return "no such object";
    case -EEXIST:
        return "already in use";
    case -EINVAL:
        return "invalid argument";
    case -EOPNOTSUPP:
        return "not supported by backend";
    default:
        return strerror(-error);
    }
}

const char *
hal_table_name(enum hal_table table)
{
    static const char *const names[HAL_TABLE_N] = {
        [HAL_TABLE_FDB] = "fdb",
        [HAL_TABLE_BRIDGE] = "bridge",
        [HAL_TABLE_BINDING] = "binding",
        [HAL_TABLE_TUNNEL] = "tunnel",
        [HAL_TABLE_FLOOD] = "flood",
        [HAL_TABLE_MCAST] = "mcast",
        [HAL_TABLE_NEIGH] = "neigh",
        [HAL_TABLE_ROUTER] = "router",
        [HAL_TABLE_RIF] = "rif",
        [HAL_TABLE_NEXTHOP] = "nexthop",
        [HAL_TABLE_ROUTE] = "route",
        [HAL_TABLE_RNEIGH] = "rneigh",
        [HAL_TABLE_ACL_INGRESS] = "acl-in",
        [HAL_TABLE_ACL_EGRESS] = "acl-out",
    };
    return (unsigned) table < HAL_TABLE_N ? names[table] : "unknown";
}

const char *
hal_flood_type_name(enum hal_flood_type type)
{
    static const char *const names[HAL_FLOOD_N] = {
        [HAL_FLOOD_UNKNOWN_UNICAST] = "unknown-unicast",
        [HAL_FLOOD_BROADCAST] = "broadcast",
        [HAL_FLOOD_UNKNOWN_MULTICAST] = "unknown-multicast",
    };
    return (unsigned) type < HAL_FLOOD_N ? names[type] : "unknown";
}

int
hal_mac_from_string(const char *s, struct hal_mac *mac)
{
    uint8_t ea[6];
    int i;

    /* Exactly "xx:xx:xx:xx:xx:xx", by hand: sscanf() cost ~3,500
     * instructions per MAC, 2.5% of a 100K-MAC transaction. */
    for (i = 0; i < 6; i++) {
        int hi = hexit_value(s[i * 3]),
            lo = hi < 0 ? -1 : hexit_value(s[i * 3 + 1]);
        char sep = s[i * 3 + 2];

        if (lo < 0 || sep != (i < 5 ? ':' : '\0')) {
            return -EINVAL;
        }
        ea[i] = (uint8_t) (hi << 4 | lo);
    }
    memcpy(mac->ea, ea, sizeof ea);
    return 0;
}

bool
hal_mac_is_broadcast(const struct hal_mac *mac)
{
    static const struct hal_mac bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff,
                                            0xff } };
    return !memcmp(mac, &bcast, sizeof *mac);
}

/* ---- Events, clock ------------------------------------------------------ */

void
hal_set_event_cb(struct hal *hal, hal_event_cb *cb, void *aux)
{
    hal->event_cb = cb;
    hal->event_aux = aux;
}

void
hal_deliver_events(struct hal *hal, const struct hal_event *events, size_t n)
{
    if (n && hal->event_cb) {
        hal->event_cb(events, n, hal->event_aux);
    }
}

void
hal_run(struct hal *hal, int64_t now_ms)
{
    hal_clock_advance(hal, now_ms);
    hal->provider->run(hal, now_ms);
    hal_event_ring_deliver(hal);
}

int64_t
hal_next_wake(const struct hal *hal)
{
    if (hal_event_ring_pending(&hal->ring)) {
        return hal->now_ms;
    }
    return hal->provider->next_wake ? hal->provider->next_wake(hal)
                                    : INT64_MAX;
}

int
hal_poll_fd(const struct hal *hal)
{
    return hal->provider->poll_fd ? hal->provider->poll_fd(hal) : -1;
}

/* ---- Switch, ports, bridges --------------------------------------------- */

int
hal_switch_set(struct hal *hal, const struct hal_switch_config *config)
{
    return hal->provider->switch_set(hal, config);
}

void
hal_switch_get(const struct hal *hal, struct hal_switch_config *config)
{
    hal->provider->switch_get(hal, config);
}

size_t
hal_port_count(const struct hal *hal)
{
    return hal->provider->port_count(hal);
}

int
hal_port_get(const struct hal *hal, size_t index, struct hal_port_info *info)
{
    return hal->provider->port_get(hal, index, info);
}

int
hal_port_by_name(const struct hal *hal, const char *name, hal_oid_t *oid)
{
    size_t n = hal_port_count(hal);
    size_t i;

    for (i = 0; i < n; i++) {
        struct hal_port_info info;

        if (!hal_port_get(hal, i, &info) && !strcmp(info.name, name)) {
            *oid = info.oid;
            return 0;
        }
    }
    return -ENOENT;
}

static bool
vni_is_valid(uint32_t vni)
{
    return vni <= HAL_VNI_MAX || vni == HAL_VNI_NONE;
}

int
hal_bridge_set(struct hal *hal, const struct hal_bridge_config *config,
               hal_oid_t *oid)
{
    if (!config->name[0] || !memchr(config->name, '\0', HAL_NAME_MAX)
        || !vni_is_valid(config->vni)
        || (config->replication != HAL_REPLICATION_SERVICE_NODE
            && config->replication != HAL_REPLICATION_SOURCE_NODE)
        || (*oid != HAL_OID_NULL && hal_oid_type(*oid) != HAL_OBJECT_BRIDGE)) {
        return -EINVAL;
    }
    return hal->provider->bridge_set(hal, config, oid);
}

int
hal_bridge_remove(struct hal *hal, hal_oid_t bridge)
{
    if (hal_oid_type(bridge) != HAL_OBJECT_BRIDGE) {
        return -ENOENT;
    }
    return hal->provider->bridge_remove(hal, bridge);
}

int
hal_bridge_get(const struct hal *hal, hal_oid_t bridge,
               struct hal_bridge_config *config)
{
    if (hal_oid_type(bridge) != HAL_OBJECT_BRIDGE) {
        return -ENOENT;
    }
    return hal->provider->bridge_get(hal, bridge, config);
}

/* ---- Bulk calls ----------------------------------------------------------
 *
 * Each public bulk call checks every entry, marks malformed ones -EINVAL,
 * and hands the provider only the well-formed ones (in order), so that a
 * provider never sees a malformed entry. */

int
hal_bulk_unsupported(size_t n, int *status)
{
    for (size_t i = 0; status && i < n; i++) {
        status[i] = -EOPNOTSUPP;
    }
    return n ? -EOPNOTSUPP : 0;
}

int
hal_bulk_call(struct hal *hal, const void *entries, size_t size, size_t n,
              int *status, hal_entry_check_fn *check, hal_provider_bulk_fn *fn)
{
    int *st = status ? status : xcalloc(n ? n : 1, sizeof *st);
    size_t n_good = 0;
    int first = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        bool ok = check((const char *) entries + i * size);

        st[i] = ok ? 0 : -EINVAL;
        n_good += ok;
    }
    if (n_good == n && n) {
        fn(hal, entries, n, st);
    } else if (n_good) {
        /* Hand the provider only the well-formed entries, then scatter
         * their results back. */
        char *good = xmalloc(n_good * size);
        int *good_st = xcalloc(n_good, sizeof *good_st);
        size_t j = 0;

        for (i = 0; i < n; i++) {
            if (!st[i]) {
                memcpy(good + j++ * size, (const char *) entries + i * size,
                       size);
            }
        }
        fn(hal, good, n_good, good_st);
        for (i = j = 0; i < n; i++) {
            if (!st[i]) {
                st[i] = good_st[j++];
            }
        }
        free(good_st);
        free(good);
    }
    for (i = 0; i < n && !first; i++) {
        first = st[i];
    }
    if (st != status) {
        free(st);
    }
    return first;
}

/* Adapters from the generic bulk signature to the typed provider calls. */
#define BULK_ADAPTER(OP, TYPE)                                            \
    static int OP##_op(struct hal *hal, const void *entries, size_t n,    \
                       int *status)                                       \
    {                                                                     \
        return hal->provider->OP(hal, (const TYPE *) entries, n, status); \
    }
BULK_ADAPTER(binding_set, struct hal_binding)
BULK_ADAPTER(binding_remove, struct hal_binding)
BULK_ADAPTER(fdb_set, struct hal_fdb_entry)
BULK_ADAPTER(fdb_remove, struct hal_fdb_entry)
BULK_ADAPTER(flood_set, struct hal_flood_group)
BULK_ADAPTER(mcast_set, struct hal_flood_group)
BULK_ADAPTER(mcast_remove, struct hal_flood_group)

static bool
binding_check(const void *entry_)
{
    const struct hal_binding *b = entry_;

    return hal_oid_type(b->port) == HAL_OBJECT_PORT && b->vlan <= HAL_VLAN_MAX;
}

static bool
binding_set_check(const void *entry_)
{
    const struct hal_binding *b = entry_;

    return binding_check(b) && hal_oid_type(b->bridge) == HAL_OBJECT_BRIDGE;
}

static bool
fdb_key_check(const void *entry_)
{
    const struct hal_fdb_entry *e = entry_;

    return hal_oid_type(e->bridge) == HAL_OBJECT_BRIDGE
           && !hal_mac_is_multicast(&e->mac);
}

static bool
fdb_set_check(const void *entry_)
{
    const struct hal_fdb_entry *e = entry_;

    if (!fdb_key_check(e) || e->type != HAL_FDB_STATIC) {
        return false;
    }
    if (e->remote) {
        return e->remote_ip.s_addr != 0 && vni_is_valid(e->vni);
    }
    return hal_oid_type(e->port) == HAL_OBJECT_PORT && e->vlan <= HAL_VLAN_MAX;
}

static bool
group_check(const struct hal_flood_group *g)
{
    size_t i;

    if (hal_oid_type(g->bridge) != HAL_OBJECT_BRIDGE
        || (g->n_remotes && !g->remotes)) {
        return false;
    }
    for (i = 0; i < g->n_remotes; i++) {
        if (!g->remotes[i].s_addr) {
            return false;
        }
    }
    return true;
}

static bool
flood_check(const void *entry_)
{
    const struct hal_flood_group *g = entry_;

    return group_check(g) && (unsigned) g->type < HAL_FLOOD_N;
}

static bool
mcast_check(const void *entry_)
{
    const struct hal_flood_group *g = entry_;

    return group_check(g) && hal_mac_is_multicast(&g->mac);
}

#define BULK(HAL, ENTRIES, N, STATUS, CHECK, OP) \
    hal_bulk_call(HAL, ENTRIES, sizeof *(ENTRIES), N, STATUS, CHECK, OP##_op)

int
hal_binding_set(struct hal *hal, const struct hal_binding *bindings, size_t n,
                int *status)
{
    return BULK(hal, bindings, n, status, binding_set_check, binding_set);
}

int
hal_binding_remove(struct hal *hal, const struct hal_binding *bindings,
                   size_t n, int *status)
{
    return BULK(hal, bindings, n, status, binding_check, binding_remove);
}

int
hal_fdb_set(struct hal *hal, const struct hal_fdb_entry *entries, size_t n,
            int *status)
{
    return BULK(hal, entries, n, status, fdb_set_check, fdb_set);
}

int
hal_fdb_remove(struct hal *hal, const struct hal_fdb_entry *entries, size_t n,
               int *status)
{
    return BULK(hal, entries, n, status, fdb_key_check, fdb_remove);
}

int
hal_fdb_flush(struct hal *hal, const struct hal_fdb_flush *filter)
{
    if ((filter->bridge && hal_oid_type(filter->bridge) != HAL_OBJECT_BRIDGE)
        || (filter->port && hal_oid_type(filter->port) != HAL_OBJECT_PORT)) {
        return -EINVAL;
    }
    return hal->provider->fdb_flush(hal, filter);
}

int
hal_flood_set(struct hal *hal, const struct hal_flood_group *groups, size_t n,
              int *status)
{
    return BULK(hal, groups, n, status, flood_check, flood_set);
}

int
hal_mcast_set(struct hal *hal, const struct hal_flood_group *groups, size_t n,
              int *status)
{
    return BULK(hal, groups, n, status, mcast_check, mcast_set);
}

int
hal_mcast_remove(struct hal *hal, const struct hal_flood_group *groups,
                 size_t n, int *status)
{
    return BULK(hal, groups, n, status, mcast_check, mcast_remove);
}

/* ---- Resync, counters, walks -------------------------------------------- */

int
hal_resync_begin(struct hal *hal)
{
    return hal->provider->resync_begin ? hal->provider->resync_begin(hal) : 0;
}

int
hal_resync_end(struct hal *hal)
{
    return hal->provider->resync_end ? hal->provider->resync_end(hal) : 0;
}

int
hal_binding_stats_get(const struct hal *hal, hal_oid_t port, uint16_t vlan,
                      struct hal_binding_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!hal->provider->binding_stats_get) {
        return -EOPNOTSUPP;
    }
    if (hal_oid_type(port) != HAL_OBJECT_PORT || vlan > HAL_VLAN_MAX) {
        return -ENOENT;
    }
    return hal->provider->binding_stats_get(hal, port, vlan, stats);
}

int
hal_tunnel_stats_get(const struct hal *hal, struct in_addr remote,
                     struct hal_tunnel_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!hal->provider->tunnel_stats_get) {
        return -EOPNOTSUPP;
    }
    return hal->provider->tunnel_stats_get(hal, remote, stats);
}

int
hal_bfd_set(struct hal *hal, const struct hal_bfd_config *config,
            hal_oid_t *oid)
{
    if (!hal->provider->bfd_set) {
        return -EOPNOTSUPP;
    }
    return hal->provider->bfd_set(hal, config, oid);
}

int
hal_bfd_remove(struct hal *hal, hal_oid_t oid)
{
    if (!hal->provider->bfd_remove) {
        return -EOPNOTSUPP;
    }
    return hal->provider->bfd_remove(hal, oid);
}

int
hal_bfd_get(const struct hal *hal, hal_oid_t oid, struct hal_bfd_info *info)
{
    memset(info, 0, sizeof *info);
    if (!hal->provider->bfd_get) {
        return -EOPNOTSUPP;
    }
    return hal->provider->bfd_get(hal, oid, info);
}

void
hal_resources_get(const struct hal *hal,
                  struct hal_resource resources[HAL_TABLE_N])
{
    memset(resources, 0, HAL_TABLE_N * sizeof *resources);
    hal->provider->resources_get(hal, resources);
}

void
hal_fdb_walk(const struct hal *hal, hal_oid_t bridge, hal_fdb_walk_cb *cb,
             void *aux)
{
    hal->provider->fdb_walk(hal, bridge, cb, aux);
}

void
hal_binding_walk(const struct hal *hal, hal_binding_walk_cb *cb, void *aux)
{
    hal->provider->binding_walk(hal, cb, aux);
}

void
hal_flood_walk(const struct hal *hal, hal_flood_walk_cb *cb, void *aux)
{
    hal->provider->flood_walk(hal, cb, aux);
}

void
hal_bridge_walk(const struct hal *hal, hal_bridge_walk_cb *cb, void *aux)
{
    hal->provider->bridge_walk(hal, cb, aux);
}
