/* SPDX-License-Identifier: Apache-2.0 */
/* The recording HAL of the reconciler's unit tests. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-provider.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "tests/unit/vtep-mock-hal.h"

#define N_PORTS 4
#define MAX_BRIDGES 64
#define PORT_OID(N) (((hal_oid_t) HAL_OBJECT_PORT << 56) | (N))
#define BRIDGE_OID(N) (((hal_oid_t) HAL_OBJECT_BRIDGE << 56) | (N))

struct mock {
    struct hal up;
    struct mock_hal m;
    struct hal_bridge_config bridges[MAX_BRIDGES]; /* By oid - 1. */
    bool used[MAX_BRIDGES];
    struct hmap fdb; /* Of 'struct mock_fdb': static entries held. */
};

struct mock_fdb {
    struct hmap_node node;
    struct hal_fdb_entry e;
};

static const struct hal_provider mock_provider;
static void fdb_forget_bridge(struct mock *, hal_oid_t bridge);
static void neigh_forget_bridge(struct mock_hal *, hal_oid_t bridge);

static struct mock *
mock_cast(const struct hal *hal)
{
    return container_of(hal, struct mock, up);
}

struct mock_hal *
mock_hal_cast(struct hal *hal)
{
    return &mock_cast(hal)->m;
}

static const char *
bridge_name(const struct mock *mock, hal_oid_t oid)
{
    size_t i = (oid & 0xffffff) - 1;

    return i < MAX_BRIDGES && mock->used[i] ? mock->bridges[i].name : "?";
}

static hal_oid_t
bridge_by_name(const struct mock *mock, const char *name)
{
    size_t i;

    for (i = 0; i < MAX_BRIDGES; i++) {
        if (mock->used[i] && !strcmp(mock->bridges[i].name, name)) {
            return BRIDGE_OID(i + 1);
        }
    }
    return HAL_OID_NULL;
}

static void
note_bulk(struct mock *mock, size_t n)
{
    mock->m.n_calls++;
    mock->m.max_bulk = MAX(mock->m.max_bulk, n);
}

static int
mock_open(const struct hal_config *config, struct hal **halp)
{
    struct mock *mock = xzalloc(sizeof *mock);

    hal_init(&mock->up, &mock_provider, false);
    ds_init(&mock->m.log);
    hmap_init(&mock->fdb);
    mock->m.fdb_capacity = SIZE_MAX;
    mock->m.neigh_capacity = SIZE_MAX;
    *halp = &mock->up;
    return 0;
}

static void
mock_close(struct hal *hal)
{
    struct mock *mock = mock_cast(hal);

    ds_destroy(&mock->m.log);
    free(mock->m.events);
    free(mock->m.learned);
    free(mock->m.neighs);
    fdb_forget_bridge(mock, HAL_OID_NULL);
    hmap_destroy(&mock->fdb);
    free(mock);
}

static void
mock_run(struct hal *hal, int64_t now_ms)
{
    struct mock *mock = mock_cast(hal);
    struct hal_event *events = mock->m.events;
    size_t n = mock->m.n_events;

    mock->m.events = NULL;
    mock->m.n_events = 0;
    hal_deliver_events(hal, events, n);
    free(events);
}

static int64_t
mock_next_wake(const struct hal *hal)
{
    return mock_cast(hal)->m.n_events ? 0 : INT64_MAX;
}

static int
mock_switch_set(struct hal *hal, const struct hal_switch_config *c)
{
    char ip[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &c->tunnel_src, ip, sizeof ip);
    ds_put_format(&mock_cast(hal)->m.log, "switch_set %s aging=%" PRIu32 "\n",
                  ip, c->aging_time_s);
    mock_cast(hal)->m.sw = *c;
    return 0;
}

static void
mock_switch_get(const struct hal *hal, struct hal_switch_config *c)
{
    *c = mock_cast(hal)->m.sw;
}

static size_t
mock_port_count(const struct hal *hal)
{
    return N_PORTS;
}

static int
mock_port_get(const struct hal *hal, size_t i, struct hal_port_info *info)
{
    if (i >= N_PORTS) {
        return -ENOENT;
    }
    memset(info, 0, sizeof *info);
    info->oid = PORT_OID(i + 1);
    snprintf(info->name, sizeof info->name, "p%zu", i + 1);
    info->oper_up = true;
    return 0;
}

static int
mock_bridge_set(struct hal *hal, const struct hal_bridge_config *c,
                hal_oid_t *oid)
{
    struct mock *mock = mock_cast(hal);
    size_t i;

    note_bulk(mock, 1);
    ds_put_format(&mock->m.log, "bridge_set %s vni=%u %s\n", c->name, c->vni,
                  c->replication == HAL_REPLICATION_SOURCE_NODE
                      ? "source_node"
                      : "service_node");
    if (mock->m.no_source_node
        && c->replication == HAL_REPLICATION_SOURCE_NODE) {
        return -EOPNOTSUPP;
    }
    if (!*oid) {
        *oid = bridge_by_name(mock, c->name);
    }
    for (i = 0; i < MAX_BRIDGES; i++) {
        if (mock->used[i] && mock->bridges[i].vni == c->vni
            && BRIDGE_OID(i + 1) != *oid) {
            return -EEXIST;
        }
    }
    if (!*oid) {
        for (i = 0; i < MAX_BRIDGES && mock->used[i]; i++) {
            continue;
        }
        if (i == MAX_BRIDGES) {
            return HAL_E_TABLE_FULL;
        }
        mock->used[i] = true;
        *oid = BRIDGE_OID(i + 1);
    }
    mock->bridges[(*oid & 0xffffff) - 1] = *c;
    return 0;
}

static int
mock_bridge_remove(struct hal *hal, hal_oid_t oid)
{
    struct mock *mock = mock_cast(hal);
    size_t i = (oid & 0xffffff) - 1;

    note_bulk(mock, 1);
    ds_put_format(&mock->m.log, "bridge_remove %s\n", bridge_name(mock, oid));
    if (i >= MAX_BRIDGES || !mock->used[i]) {
        return -ENOENT;
    }
    mock->used[i] = false;
    fdb_forget_bridge(mock, oid);
    neigh_forget_bridge(&mock->m, oid);
    return 0;
}

static int
mock_bridge_get(const struct hal *hal, hal_oid_t oid,
                struct hal_bridge_config *c)
{
    const struct mock *mock = mock_cast(hal);
    size_t i = (oid & 0xffffff) - 1;

    if (i >= MAX_BRIDGES || !mock->used[i]) {
        return -ENOENT;
    }
    *c = mock->bridges[i];
    return 0;
}

static int
mock_binding_op(struct hal *hal, const char *op, const struct hal_binding *b,
                size_t n, int *status)
{
    struct mock *mock = mock_cast(hal);
    size_t i;

    note_bulk(mock, n);
    for (i = 0; i < n; i++) {
        ds_put_format(&mock->m.log, "%s p%u/%u", op,
                      (unsigned) (b[i].port & 0xffffff), b[i].vlan);
        if (!strcmp(op, "binding_set")) {
            ds_put_format(&mock->m.log, " %s", bridge_name(mock, b[i].bridge));
        }
        ds_put_char(&mock->m.log, '\n');
        status[i] = 0;
    }
    return 0;
}

static int
mock_binding_set(struct hal *hal, const struct hal_binding *b, size_t n,
                 int *status)
{
    return mock_binding_op(hal, "binding_set", b, n, status);
}

static int
mock_binding_remove(struct hal *hal, const struct hal_binding *b, size_t n,
                    int *status)
{
    return mock_binding_op(hal, "binding_remove", b, n, status);
}

static uint32_t
fdb_hash(const struct hal_fdb_entry *e)
{
    return hash_bytes(e->mac.ea, sizeof e->mac.ea, hash_uint64(e->bridge, 0));
}

static struct mock_fdb *
fdb_find(struct mock *mock, const struct hal_fdb_entry *e)
{
    struct mock_fdb *f;

    HMAP_FOR_EACH_WITH_HASH(f, node, fdb_hash(e), &mock->fdb) {
        if (f->e.bridge == e->bridge
            && !memcmp(&f->e.mac, &e->mac, sizeof e->mac)) {
            return f;
        }
    }
    return NULL;
}

/* Forgets the entries of 'bridge', or all with HAL_OID_NULL. */
static void
fdb_forget_bridge(struct mock *mock, hal_oid_t bridge)
{
    struct mock_fdb *f;

    HMAP_FOR_EACH_SAFE(f, node, &mock->fdb) {
        if (!bridge || f->e.bridge == bridge) {
            hmap_remove(&mock->fdb, &f->node);
            free(f);
            mock->m.n_fdb--;
        }
    }
}

static int
mock_fdb_set(struct hal *hal, const struct hal_fdb_entry *e, size_t n,
             int *status)
{
    struct mock *mock = mock_cast(hal);
    int error = 0;
    size_t i;

    note_bulk(mock, n);
    for (i = 0; i < n; i++) {
        struct mock_fdb *old = fdb_find(mock, &e[i]);
        char ip[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &e[i].remote_ip, ip, sizeof ip);
        ds_put_format(&mock->m.log, "fdb_set %s " HAL_MAC_FMT " %s",
                      bridge_name(mock, e[i].bridge), HAL_MAC_ARGS(&e[i].mac),
                      ip);
        if (e[i].vni != HAL_VNI_NONE) {
            ds_put_format(&mock->m.log, " vni=%u", e[i].vni);
        }
        status[i] = 0;
        if (old) {
            old->e = e[i];
        } else if (mock->m.n_fdb >= mock->m.fdb_capacity) {
            status[i] = HAL_E_TABLE_FULL;
            ds_put_cstr(&mock->m.log, " FULL");
        } else {
            old = xmalloc(sizeof *old);
            old->e = e[i];
            hmap_insert(&mock->fdb, &old->node, fdb_hash(&e[i]));
            mock->m.n_fdb++;
        }
        ds_put_char(&mock->m.log, '\n');
        error = error ? error : status[i];
    }
    return error;
}

static int
mock_fdb_remove(struct hal *hal, const struct hal_fdb_entry *e, size_t n,
                int *status)
{
    struct mock *mock = mock_cast(hal);
    size_t i;

    note_bulk(mock, n);
    for (i = 0; i < n; i++) {
        struct mock_fdb *old = fdb_find(mock, &e[i]);

        ds_put_format(&mock->m.log, "fdb_remove %s " HAL_MAC_FMT "\n",
                      bridge_name(mock, e[i].bridge), HAL_MAC_ARGS(&e[i].mac));
        status[i] = old ? 0 : -ENOENT;
        if (old) {
            hmap_remove(&mock->fdb, &old->node);
            free(old);
            mock->m.n_fdb--;
        }
    }
    return 0;
}

static int
mock_fdb_flush(struct hal *hal, const struct hal_fdb_flush *f)
{
    return 0;
}

static void
put_group(struct mock *mock, const char *op, const struct hal_flood_group *g,
          bool is_mcast)
{
    size_t i;

    ds_put_format(&mock->m.log, "%s %s ", op, bridge_name(mock, g->bridge));
    if (is_mcast) {
        ds_put_format(&mock->m.log, HAL_MAC_FMT, HAL_MAC_ARGS(&g->mac));
    } else {
        ds_put_cstr(&mock->m.log, hal_flood_type_name(g->type));
    }
    for (i = 0; i < g->n_remotes; i++) {
        char ip[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &g->remotes[i], ip, sizeof ip);
        ds_put_format(&mock->m.log, "%s%s", i ? "," : " ", ip);
    }
    ds_put_char(&mock->m.log, '\n');
}

static int
mock_group_op(struct hal *hal, const char *op, const struct hal_flood_group *g,
              size_t n, int *status, bool is_mcast)
{
    struct mock *mock = mock_cast(hal);
    size_t i;

    note_bulk(mock, n);
    for (i = 0; i < n; i++) {
        put_group(mock, op, &g[i], is_mcast);
        status[i] = 0;
    }
    return 0;
}

static int
mock_flood_set(struct hal *hal, const struct hal_flood_group *g, size_t n,
               int *status)
{
    return mock_group_op(hal, "flood_set", g, n, status, false);
}

static int
mock_mcast_set(struct hal *hal, const struct hal_flood_group *g, size_t n,
               int *status)
{
    return mock_group_op(hal, "mcast_set", g, n, status, true);
}

static int
mock_mcast_remove(struct hal *hal, const struct hal_flood_group *g, size_t n,
                  int *status)
{
    return mock_group_op(hal, "mcast_remove", g, n, status, true);
}

static int
mock_resync_begin(struct hal *hal)
{
    ds_put_cstr(&mock_cast(hal)->m.log, "resync_begin\n");
    return 0;
}

static int
mock_resync_end(struct hal *hal)
{
    ds_put_cstr(&mock_cast(hal)->m.log, "resync_end\n");
    return 0;
}

static int
mock_binding_stats_get(const struct hal *hal, hal_oid_t port, uint16_t vlan,
                       struct hal_binding_stats *stats)
{
    *stats = mock_cast(hal)->m.stats;
    return 0;
}

/* ---- Neighbours ---- */

static size_t
neigh_find(const struct mock_hal *m, const struct hal_neigh_entry *e)
{
    size_t i;

    for (i = 0; i < m->n_neighs; i++) {
        if (m->neighs[i].bridge == e->bridge
            && hal_ip_equals(&m->neighs[i].ip, &e->ip)) {
            return i;
        }
    }
    return SIZE_MAX;
}

static void
neigh_forget_bridge(struct mock_hal *m, hal_oid_t bridge)
{
    size_t i = 0;

    while (i < m->n_neighs) {
        if (m->neighs[i].bridge == bridge) {
            m->neighs[i] = m->neighs[--m->n_neighs];
        } else {
            i++;
        }
    }
}

static int
neigh_set_one(struct mock *mock, const struct hal_neigh_entry *e)
{
    struct mock_hal *m = &mock->m;
    size_t idx = neigh_find(m, e);
    char ip[HAL_IP_STRLEN];

    ds_put_format(&m->log, "neigh_set %s %s " HAL_MAC_FMT,
                  bridge_name(mock, e->bridge), hal_ip_format(&e->ip, ip),
                  HAL_MAC_ARGS(&e->mac));
    if (idx == SIZE_MAX && m->n_neighs >= m->neigh_capacity) {
        ds_put_cstr(&m->log, " FULL\n");
        return HAL_E_TABLE_FULL;
    }
    ds_put_char(&m->log, '\n');
    if (idx == SIZE_MAX) {
        m->neighs = xrealloc(m->neighs, (m->n_neighs + 1) * sizeof *e);
        idx = m->n_neighs++;
    }
    m->neighs[idx] = *e;
    return 0;
}

static int
neigh_remove_one(struct mock *mock, const struct hal_neigh_entry *e)
{
    struct mock_hal *m = &mock->m;
    size_t idx = neigh_find(m, e);
    char ip[HAL_IP_STRLEN];

    ds_put_format(&m->log, "neigh_remove %s %s\n",
                  bridge_name(mock, e->bridge), hal_ip_format(&e->ip, ip));
    if (idx == SIZE_MAX) {
        return -ENOENT;
    }
    m->neighs[idx] = m->neighs[--m->n_neighs];
    return 0;
}

static int
mock_neigh_set(struct hal *hal, const struct hal_neigh_entry *e, size_t n,
               int *status)
{
    note_bulk(mock_cast(hal), n);
    return HAL_BULK_APPLY(neigh_set_one, mock_cast(hal), e, n, status);
}

static int
mock_neigh_remove(struct hal *hal, const struct hal_neigh_entry *e, size_t n,
                  int *status)
{
    note_bulk(mock_cast(hal), n);
    return HAL_BULK_APPLY(neigh_remove_one, mock_cast(hal), e, n, status);
}

static int
mock_neigh_stats_get(const struct hal *hal, hal_oid_t bridge,
                     struct hal_neigh_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    return 0;
}

static void
mock_neigh_walk(const struct hal *hal, hal_oid_t bridge, hal_neigh_walk_cb *cb,
                void *aux)
{
    const struct mock_hal *m = &mock_cast(hal)->m;
    size_t i;

    for (i = 0; i < m->n_neighs; i++) {
        if (!bridge || m->neighs[i].bridge == bridge) {
            cb(&m->neighs[i], aux);
        }
    }
}

static void
mock_resources_get(const struct hal *hal, struct hal_resource res[])
{
    memset(res, 0, HAL_TABLE_N * sizeof *res);
}

static void
mock_fdb_walk(const struct hal *hal, hal_oid_t bridge, hal_fdb_walk_cb *cb,
              void *aux)
{
    const struct mock *mock = mock_cast(hal);
    size_t i;

    for (i = 0; i < mock->m.n_learned; i++) {
        if (!bridge || mock->m.learned[i].bridge == bridge) {
            cb(&mock->m.learned[i], aux);
        }
    }
}

static void
mock_binding_walk(const struct hal *hal, hal_binding_walk_cb *cb, void *aux)
{
}

static void
mock_flood_walk(const struct hal *hal, hal_flood_walk_cb *cb, void *aux)
{
}

static void
mock_bridge_walk(const struct hal *hal, hal_bridge_walk_cb *cb, void *aux)
{
    const struct mock *mock = mock_cast(hal);
    size_t i;

    for (i = 0; i < MAX_BRIDGES; i++) {
        if (mock->used[i]) {
            cb(BRIDGE_OID(i + 1), &mock->bridges[i], aux);
        }
    }
}

/* ---- BFD sessions ---- */

#define BFD_OID(N) (((hal_oid_t) HAL_OBJECT_BFD << 56) | (N))

static struct mock_bfd *
bfd_by_oid(struct mock *mock, hal_oid_t oid)
{
    size_t i = (oid & 0xffffff) - 1;

    return hal_oid_type(oid) == HAL_OBJECT_BFD && i < MOCK_MAX_BFD
                   && mock->m.bfd[i].used
               ? &mock->m.bfd[i]
               : NULL;
}

static int
mock_bfd_set(struct hal *hal, const struct hal_bfd_config *c, hal_oid_t *oid)
{
    struct mock *mock = mock_cast(hal);
    struct mock_bfd *b = NULL;

    if (mock->m.no_bfd) {
        return -EOPNOTSUPP;
    }
    if (*oid == HAL_OID_NULL) {
        for (size_t i = 0; i < MOCK_MAX_BFD && !b; i++) {
            if (!mock->m.bfd[i].used) {
                b = &mock->m.bfd[i];
                memset(b, 0, sizeof *b);
                b->used = true;
                b->info.status.state = BFD_STATE_DOWN;
                *oid = BFD_OID(i + 1);
            }
        }
    } else {
        b = bfd_by_oid(mock, *oid);
    }
    if (!b) {
        return -ENOENT;
    }
    b->config = *c;
    ds_put_format(&mock->m.log, "bfd_set %s min_tx=%u min_rx=%u\n",
                  inet_ntoa(c->remote), c->bfd.min_tx, c->bfd.min_rx);
    return 0;
}

static int
mock_bfd_remove(struct hal *hal, hal_oid_t oid)
{
    struct mock *mock = mock_cast(hal);
    struct mock_bfd *b = bfd_by_oid(mock, oid);

    if (!b) {
        return -ENOENT;
    }
    ds_put_format(&mock->m.log, "bfd_remove %s\n",
                  inet_ntoa(b->config.remote));
    b->used = false;
    return 0;
}

static int
mock_bfd_get(const struct hal *hal, hal_oid_t oid, struct hal_bfd_info *info)
{
    struct mock_bfd *b = bfd_by_oid(mock_cast(hal), oid);

    if (!b) {
        return -ENOENT;
    }
    *info = b->info;
    return 0;
}

struct mock_bfd *
mock_hal_bfd_find(struct mock_hal *m, const char *remote)
{
    struct in_addr ip;

    inet_pton(AF_INET, remote, &ip);
    for (size_t i = 0; i < MOCK_MAX_BFD; i++) {
        if (m->bfd[i].used && m->bfd[i].config.remote.s_addr == ip.s_addr) {
            return &m->bfd[i];
        }
    }
    return NULL;
}

static const struct hal_provider mock_provider = {
    .name = "mock",
    .open = mock_open,
    .close = mock_close,
    .run = mock_run,
    .next_wake = mock_next_wake,
    .switch_set = mock_switch_set,
    .switch_get = mock_switch_get,
    .port_count = mock_port_count,
    .port_get = mock_port_get,
    .bridge_set = mock_bridge_set,
    .bridge_remove = mock_bridge_remove,
    .bridge_get = mock_bridge_get,
    .binding_set = mock_binding_set,
    .binding_remove = mock_binding_remove,
    .fdb_set = mock_fdb_set,
    .fdb_remove = mock_fdb_remove,
    .fdb_flush = mock_fdb_flush,
    .flood_set = mock_flood_set,
    .mcast_set = mock_mcast_set,
    .mcast_remove = mock_mcast_remove,
    .resync_begin = mock_resync_begin,
    .resync_end = mock_resync_end,
    .binding_stats_get = mock_binding_stats_get,
    .resources_get = mock_resources_get,
    .fdb_walk = mock_fdb_walk,
    .binding_walk = mock_binding_walk,
    .flood_walk = mock_flood_walk,
    .bridge_walk = mock_bridge_walk,
    .neigh_set = mock_neigh_set,
    .neigh_remove = mock_neigh_remove,
    .neigh_stats_get = mock_neigh_stats_get,
    .neigh_walk = mock_neigh_walk,
    .bfd_set = mock_bfd_set,
    .bfd_remove = mock_bfd_remove,
    .bfd_get = mock_bfd_get,
};

struct mock_hal *
mock_hal_open(struct hal **halp, bool warm)
{
    struct mock *mock;

    hal_register_provider(&mock_provider); /* -EEXIST after the first. */
    if (hal_open("mock", NULL, halp)) {
        abort();
    }
    mock = mock_cast(*halp);
    mock->up.warm = warm;
    mock->m.warm = warm;
    return &mock->m;
}

char *
mock_hal_take_log(struct mock_hal *m)
{
    char *s = xstrdup(ds_cstr(&m->log));

    ds_clear(&m->log);
    return s;
}

static struct hal_event *
new_event(struct mock_hal *m, enum hal_event_type type)
{
    struct hal_event *ev;

    m->events = xrealloc(m->events, (m->n_events + 1) * sizeof *m->events);
    ev = &m->events[m->n_events++];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    return ev;
}

static struct mock *
mock_from_m(struct mock_hal *m)
{
    return container_of(m, struct mock, m);
}

void
mock_hal_fdb_event(struct mock_hal *m, enum hal_event_type type,
                   const char *bridge, const char *mac, int port,
                   uint16_t vlan)
{
    struct hal_event *ev = new_event(m, type);

    ev->fdb.bridge = bridge_by_name(mock_from_m(m), bridge);
    hal_mac_from_string(mac, &ev->fdb.mac);
    ev->fdb.port = PORT_OID(port);
    ev->fdb.vlan = vlan;
}

void
mock_hal_resource_event(struct mock_hal *m, enum hal_event_type type,
                        enum hal_table table)
{
    struct hal_event *ev = new_event(m, type);

    ev->resource.table = table;
    ev->resource.error = HAL_E_TABLE_FULL;
}

void
mock_hal_add_learned(struct mock_hal *m, const char *bridge, const char *mac,
                     int port, uint16_t vlan)
{
    struct hal_fdb_entry *e;

    m->learned = xrealloc(m->learned, (m->n_learned + 1) * sizeof *e);
    e = &m->learned[m->n_learned++];
    memset(e, 0, sizeof *e);
    e->bridge = bridge_by_name(mock_from_m(m), bridge);
    hal_mac_from_string(mac, &e->mac);
    e->type = HAL_FDB_LEARNED;
    e->port = PORT_OID(port);
    e->vlan = vlan;
}

void
mock_hal_neigh_event(struct mock_hal *m, const char *bridge, const char *ip,
                     const char *mac)
{
    struct hal_event *ev = new_event(m, HAL_EVENT_NEIGH_LEARNED);

    ev->neigh.bridge = bridge_by_name(mock_from_m(m), bridge);
    hal_ip_from_string(ip, &ev->neigh.ip);
    hal_mac_from_string(mac, &ev->neigh.mac);
}
