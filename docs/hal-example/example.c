/* SPDX-License-Identifier: Apache-2.0 */
/* An example HAL provider, built out of tree as a shared object: a toy
 * switch that keeps small fixed-size tables in memory and learns only what
 * the conformance kit's test_learn hook shows it.  It passes
 * hal-conformance and is the starting point of a port; see
 * docs/hal-porting.md.
 *
 *   cc -std=gnu11 -I$VTEPD -fPIC -shared -o example.so example.c
 *   hal-conformance --hal=./example.so
 *   vtepd --hal=./example.so ...
 *
 * Only hal/hal.h, hal/hal-provider.h and the C library are used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-provider.h"

#define EX_PORTS 4
#define EX_BRIDGES 8
#define EX_BINDINGS 16
#define EX_FDB 64
#define EX_TUNNELS 8
#define EX_GROUPS 16 /* Flood lists and multicast groups together. */
#define EX_REMOTES 8 /* VTEPs per flood list or multicast group. */

struct ex_bridge {
    bool used;
    struct hal_bridge_config c;
};

struct ex_group {
    bool used;
    bool is_mcast;
    struct hal_flood_group g; /* 'remotes' points to 'ips'. */
    struct in_addr ips[EX_REMOTES];
};

struct ex_fdb {
    bool used;
    struct hal_fdb_entry e;
    int64_t seen_ms; /* Learned entries: when last seen. */
};

struct example {
    struct hal up;
    struct hal_switch_config sw;
    struct hal_port_info ports[EX_PORTS];
    size_t n_ports;
    struct ex_bridge bridges[EX_BRIDGES];
    struct hal_binding bindings[EX_BINDINGS]; /* Free if 'port' is 0. */
    struct ex_fdb fdb[EX_FDB];
    struct ex_group groups[EX_GROUPS];
    uint64_t writes;
};

static const struct hal_provider example_provider;

static struct example *
ex_cast(const struct hal *hal)
{
    return (struct example *) ((char *) hal - offsetof(struct example, up));
}

/* ---- Lifecycle, switch, ports ------------------------------------------- */

static int
ex_open(const struct hal_config *config, struct hal **halp)
{
    struct example *ex = calloc(1, sizeof *ex);

    if (!ex) {
        return -ENOMEM;
    }
    ex->n_ports = config->n_ports ? config->n_ports : EX_PORTS;
    if (ex->n_ports > EX_PORTS) {
        free(ex);
        return -EINVAL;
    }
    for (size_t i = 0; i < ex->n_ports; i++) {
        struct hal_port_info *p = &ex->ports[i];

        p->oid = hal_oid_make(HAL_OBJECT_PORT, i);
        if (config->n_ports) {
            snprintf(p->name, sizeof p->name, "%s", config->ports[i]);
        } else {
            snprintf(p->name, sizeof p->name, "eth%zu", i);
        }
        p->oper_up = true;
        p->speed_mbps = 10000;
    }
    hal_init(&ex->up, &example_provider, false);
    *halp = &ex->up;
    return 0;
}

static void
ex_close(struct hal *hal)
{
    free(ex_cast(hal));
}

static int64_t
ex_next_wake(const struct hal *hal)
{
    const struct example *ex = ex_cast(hal);
    int64_t wake = INT64_MAX;

    for (size_t i = 0; ex->sw.aging_time_s && i < EX_FDB; i++) {
        const struct ex_fdb *f = &ex->fdb[i];
        int64_t due = f->seen_ms + ex->sw.aging_time_s * INT64_C(1000);

        if (f->used && f->e.type == HAL_FDB_LEARNED && due < wake) {
            wake = due;
        }
    }
    return wake;
}

static void
ex_fdb_free(struct example *ex, struct ex_fdb *f, enum hal_event_type why)
{
    if (f->e.type == HAL_FDB_LEARNED) {
        hal_event_fdb(&ex->up, why, &f->e, HAL_OID_NULL, 0);
    }
    f->used = false;
    ex->writes++;
    hal_event_freed(&ex->up, HAL_TABLE_FDB);
}

/* Ages learned entries on the HAL clock. */
static void
ex_run(struct hal *hal, int64_t now_ms)
{
    struct example *ex = ex_cast(hal);

    for (size_t i = 0; ex->sw.aging_time_s && i < EX_FDB; i++) {
        struct ex_fdb *f = &ex->fdb[i];

        if (f->used && f->e.type == HAL_FDB_LEARNED
            && f->seen_ms + ex->sw.aging_time_s * INT64_C(1000) <= now_ms) {
            ex_fdb_free(ex, f, HAL_EVENT_FDB_AGED);
        }
    }
}

static int
ex_switch_set(struct hal *hal, const struct hal_switch_config *sw)
{
    ex_cast(hal)->sw = *sw;
    return 0;
}

static void
ex_switch_get(const struct hal *hal, struct hal_switch_config *sw)
{
    *sw = ex_cast(hal)->sw;
}

static size_t
ex_port_count(const struct hal *hal)
{
    return ex_cast(hal)->n_ports;
}

static int
ex_port_get(const struct hal *hal, size_t index, struct hal_port_info *info)
{
    const struct example *ex = ex_cast(hal);

    if (index >= ex->n_ports) {
        return -ENOENT;
    }
    *info = ex->ports[index];
    return 0;
}

static bool
ex_port_exists(const struct example *ex, hal_oid_t port)
{
    return hal_oid_index(port, HAL_OBJECT_PORT, ex->n_ports) >= 0;
}

/* ---- Bridges ------------------------------------------------------------ */

static struct ex_bridge *
ex_bridge(const struct example *ex, hal_oid_t oid)
{
    int64_t i = hal_oid_index(oid, HAL_OBJECT_BRIDGE, EX_BRIDGES);
    const struct ex_bridge *b = i < 0 ? NULL : &ex->bridges[i];

    return b && b->used ? (struct ex_bridge *) b : NULL;
}

static hal_oid_t
ex_bridge_oid(const struct example *ex, const struct ex_bridge *b)
{
    return hal_oid_make(HAL_OBJECT_BRIDGE, (uint64_t) (b - ex->bridges));
}

/* Returns the bridge other than 'self' that has 'name' or (if not
 * HAL_VNI_NONE) 'vni', or NULL. */
static struct ex_bridge *
ex_bridge_clash(struct example *ex, const struct ex_bridge *self,
                const char *name, uint32_t vni)
{
    for (size_t i = 0; i < EX_BRIDGES; i++) {
        struct ex_bridge *b = &ex->bridges[i];

        if (b->used && b != self
            && (!strcmp(b->c.name, name)
                || (vni != HAL_VNI_NONE && b->c.vni == vni))) {
            return b;
        }
    }
    return NULL;
}

static int
ex_bridge_set(struct hal *hal, const struct hal_bridge_config *c,
              hal_oid_t *oid)
{
    struct example *ex = ex_cast(hal);
    struct ex_bridge *b = NULL;

    if (*oid) {
        b = ex_bridge(ex, *oid);
        if (!b) {
            return -ENOENT;
        }
    } else {
        for (size_t i = 0; i < EX_BRIDGES && !b; i++) {
            if (ex->bridges[i].used
                && !strcmp(ex->bridges[i].c.name, c->name)) {
                b = &ex->bridges[i];
            }
        }
    }
    if (ex_bridge_clash(ex, b, c->name, c->vni)) {
        return -EEXIST;
    }
    for (size_t i = 0; i < EX_BRIDGES && !b; i++) {
        if (!ex->bridges[i].used) {
            b = &ex->bridges[i];
        }
    }
    if (!b) {
        hal_event_exhausted(hal, HAL_TABLE_BRIDGE, HAL_E_TABLE_FULL);
        return HAL_E_TABLE_FULL;
    }
    if (!b->used || memcmp(&b->c, c, sizeof *c)) {
        b->used = true;
        b->c = *c;
        ex->writes++;
    }
    *oid = ex_bridge_oid(ex, b);
    return 0;
}

static int
ex_bridge_get(const struct hal *hal, hal_oid_t oid,
              struct hal_bridge_config *c)
{
    const struct ex_bridge *b = ex_bridge(ex_cast(hal), oid);

    if (!b) {
        return -ENOENT;
    }
    *c = b->c;
    return 0;
}

static void
ex_group_free(struct example *ex, struct ex_group *g)
{
    g->used = false;
    ex->writes++;
    hal_event_freed(&ex->up, g->is_mcast ? HAL_TABLE_MCAST : HAL_TABLE_FLOOD);
}

static void
ex_binding_free(struct example *ex, struct hal_binding *b)
{
    for (size_t i = 0; i < EX_FDB; i++) {
        struct ex_fdb *f = &ex->fdb[i];

        if (f->used && f->e.type == HAL_FDB_LEARNED && f->e.port == b->port
            && f->e.vlan == b->vlan) {
            ex_fdb_free(ex, f, HAL_EVENT_FDB_FLUSHED);
        }
    }
    b->port = HAL_OID_NULL;
    ex->writes++;
    hal_event_freed(&ex->up, HAL_TABLE_BINDING);
}

static int
ex_bridge_remove(struct hal *hal, hal_oid_t oid)
{
    struct example *ex = ex_cast(hal);
    struct ex_bridge *b = ex_bridge(ex, oid);

    if (!b) {
        return -ENOENT;
    }
    for (size_t i = 0; i < EX_BINDINGS; i++) {
        if (ex->bindings[i].port && ex->bindings[i].bridge == oid) {
            ex_binding_free(ex, &ex->bindings[i]);
        }
    }
    for (size_t i = 0; i < EX_FDB; i++) {
        if (ex->fdb[i].used && ex->fdb[i].e.bridge == oid) {
            ex_fdb_free(ex, &ex->fdb[i], HAL_EVENT_FDB_FLUSHED);
        }
    }
    for (size_t i = 0; i < EX_GROUPS; i++) {
        if (ex->groups[i].used && ex->groups[i].g.bridge == oid) {
            ex_group_free(ex, &ex->groups[i]);
        }
    }
    b->used = false;
    ex->writes++;
    hal_event_freed(hal, HAL_TABLE_BRIDGE);
    return 0;
}

/* ---- Bindings ----------------------------------------------------------- */

static struct hal_binding *
ex_binding_find(struct example *ex, hal_oid_t port, uint16_t vlan)
{
    for (size_t i = 0; i < EX_BINDINGS; i++) {
        struct hal_binding *b = &ex->bindings[i];

        if (b->port == port && b->vlan == vlan) {
            return b;
        }
    }
    return NULL;
}

static int
ex_binding_set_one(struct example *ex, const struct hal_binding *nb)
{
    struct hal_binding *b = ex_binding_find(ex, nb->port, nb->vlan);

    if (!ex_port_exists(ex, nb->port) || !ex_bridge(ex, nb->bridge)) {
        return -ENOENT;
    }
    if (b && b->bridge == nb->bridge) {
        return 0;
    }
    if (b) {
        ex_binding_free(ex, b); /* Flushes what it learned. */
    }
    for (size_t i = 0; i < EX_BINDINGS && !b; i++) {
        b = ex->bindings[i].port ? NULL : &ex->bindings[i];
    }
    if (!b) {
        hal_event_exhausted(&ex->up, HAL_TABLE_BINDING, HAL_E_TABLE_FULL);
        return HAL_E_TABLE_FULL;
    }
    *b = *nb;
    ex->writes++;
    return 0;
}

static int
ex_binding_set(struct hal *hal, const struct hal_binding *b, size_t n,
               int *status)
{
    return HAL_BULK_APPLY(ex_binding_set_one, ex_cast(hal), b, n, status);
}

static int
ex_binding_remove_one(struct example *ex, const struct hal_binding *nb)
{
    struct hal_binding *b = ex_binding_find(ex, nb->port, nb->vlan);

    if (!b) {
        return -ENOENT;
    }
    ex_binding_free(ex, b);
    return 0;
}

static int
ex_binding_remove(struct hal *hal, const struct hal_binding *b, size_t n,
                  int *status)
{
    return HAL_BULK_APPLY(ex_binding_remove_one, ex_cast(hal), b, n, status);
}

/* ---- Tunnels (implicit: the distinct remote IPs in use) ---------------- */

static bool
ex_ip_in_use(const struct example *ex, struct in_addr ip)
{
    for (size_t i = 0; i < EX_FDB; i++) {
        const struct ex_fdb *f = &ex->fdb[i];

        if (f->used && f->e.remote && f->e.remote_ip.s_addr == ip.s_addr) {
            return true;
        }
    }
    for (size_t i = 0; i < EX_GROUPS; i++) {
        const struct ex_group *g = &ex->groups[i];

        for (size_t j = 0; g->used && j < g->g.n_remotes; j++) {
            if (g->ips[j].s_addr == ip.s_addr) {
                return true;
            }
        }
    }
    return false;
}

/* Adds 'ip' to the 'n' addresses in 'set' unless it is there already. */
static void
ex_add_unique(struct in_addr *set, uint32_t *n, struct in_addr ip)
{
    for (uint32_t i = 0; i < *n; i++) {
        if (set[i].s_addr == ip.s_addr) {
            return;
        }
    }
    set[(*n)++] = ip;
}

static uint32_t
ex_tunnel_count(const struct example *ex)
{
    struct in_addr seen[EX_FDB + EX_GROUPS * EX_REMOTES];
    uint32_t n = 0;

    for (size_t i = 0; i < EX_FDB; i++) {
        const struct ex_fdb *f = &ex->fdb[i];

        if (f->used && f->e.remote) {
            ex_add_unique(seen, &n, f->e.remote_ip);
        }
    }
    for (size_t i = 0; i < EX_GROUPS; i++) {
        const struct ex_group *g = &ex->groups[i];

        for (size_t k = 0; g->used && k < g->g.n_remotes; k++) {
            ex_add_unique(seen, &n, g->ips[k]);
        }
    }
    return n;
}

/* Returns 0 if 'n' remotes can be referenced, counting those not yet in
 * use against the tunnel table, else HAL_E_TABLE_FULL. */
static int
ex_tunnels_fit(struct example *ex, const struct in_addr *ips, size_t n)
{
    uint32_t needed = ex_tunnel_count(ex);

    for (size_t i = 0; i < n; i++) {
        needed += !ex_ip_in_use(ex, ips[i]);
    }
    if (needed > EX_TUNNELS) {
        hal_event_exhausted(&ex->up, HAL_TABLE_TUNNEL, HAL_E_TABLE_FULL);
        return HAL_E_TABLE_FULL;
    }
    return 0;
}

/* ---- FDB ---------------------------------------------------------------- */

static struct ex_fdb *
ex_fdb_find(struct example *ex, hal_oid_t bridge, const struct hal_mac *mac)
{
    for (size_t i = 0; i < EX_FDB; i++) {
        struct ex_fdb *f = &ex->fdb[i];

        if (f->used && f->e.bridge == bridge
            && !memcmp(&f->e.mac, mac, sizeof *mac)) {
            return f;
        }
    }
    return NULL;
}

/* Returns a free FDB slot, or NULL after reporting the table full. */
static struct ex_fdb *
ex_fdb_alloc(struct example *ex)
{
    for (size_t i = 0; i < EX_FDB; i++) {
        if (!ex->fdb[i].used) {
            return &ex->fdb[i];
        }
    }
    hal_event_exhausted(&ex->up, HAL_TABLE_FDB, HAL_E_TABLE_FULL);
    return NULL;
}

static bool
ex_fdb_same(const struct hal_fdb_entry *a, const struct hal_fdb_entry *b)
{
    return a->type == b->type && a->remote == b->remote
           && (a->remote ? a->remote_ip.s_addr == b->remote_ip.s_addr
                               && a->vni == b->vni
                         : a->port == b->port && a->vlan == b->vlan);
}

static int
ex_fdb_set_one(struct example *ex, const struct hal_fdb_entry *e)
{
    struct ex_fdb *f = ex_fdb_find(ex, e->bridge, &e->mac);
    int error;

    if (!ex_bridge(ex, e->bridge)
        || (!e->remote && !ex_port_exists(ex, e->port))) {
        return -ENOENT;
    }
    if (f && ex_fdb_same(&f->e, e)) {
        return 0;
    }
    error = e->remote ? ex_tunnels_fit(ex, &e->remote_ip, 1) : 0;
    if (error) {
        return error;
    }
    if (f && f->e.type == HAL_FDB_LEARNED) {
        hal_event_fdb(&ex->up, HAL_EVENT_FDB_FLUSHED, &f->e, HAL_OID_NULL, 0);
    }
    f = f ? f : ex_fdb_alloc(ex);
    if (!f) {
        return HAL_E_TABLE_FULL;
    }
    f->used = true;
    f->e = *e;
    ex->writes++;
    return 0;
}

static int
ex_fdb_set(struct hal *hal, const struct hal_fdb_entry *e, size_t n,
           int *status)
{
    return HAL_BULK_APPLY(ex_fdb_set_one, ex_cast(hal), e, n, status);
}

static int
ex_fdb_remove_one(struct example *ex, const struct hal_fdb_entry *e)
{
    struct ex_fdb *f = ex_fdb_find(ex, e->bridge, &e->mac);

    if (!f) {
        return -ENOENT;
    }
    f->e.type = HAL_FDB_STATIC; /* Removed on request: no event. */
    ex_fdb_free(ex, f, HAL_EVENT_FDB_FLUSHED);
    return 0;
}

static int
ex_fdb_remove(struct hal *hal, const struct hal_fdb_entry *e, size_t n,
              int *status)
{
    return HAL_BULK_APPLY(ex_fdb_remove_one, ex_cast(hal), e, n, status);
}

static int
ex_fdb_flush(struct hal *hal, const struct hal_fdb_flush *filter)
{
    struct example *ex = ex_cast(hal);

    if ((filter->bridge && !ex_bridge(ex, filter->bridge))
        || (filter->port && !ex_port_exists(ex, filter->port))) {
        return -ENOENT;
    }
    for (size_t i = 0; i < EX_FDB; i++) {
        struct ex_fdb *f = &ex->fdb[i];

        if (f->used && f->e.type == HAL_FDB_LEARNED
            && (!filter->bridge || f->e.bridge == filter->bridge)
            && (!filter->port || f->e.port == filter->port)) {
            ex_fdb_free(ex, f, HAL_EVENT_FDB_FLUSHED);
        }
    }
    return 0;
}

/* ---- Flood lists and multicast groups ----------------------------------- */

static struct ex_group *
ex_group_find(struct example *ex, const struct hal_flood_group *g,
              bool is_mcast)
{
    for (size_t i = 0; i < EX_GROUPS; i++) {
        struct ex_group *x = &ex->groups[i];

        if (x->used && x->is_mcast == is_mcast && x->g.bridge == g->bridge
            && (is_mcast ? !memcmp(&x->g.mac, &g->mac, sizeof g->mac)
                         : x->g.type == g->type)) {
            return x;
        }
    }
    return NULL;
}

/* True if 'x' holds exactly the remotes of 'g', in any order. */
static bool
ex_group_same(const struct ex_group *x, const struct hal_flood_group *g)
{
    if (x->g.n_remotes != g->n_remotes) {
        return false;
    }
    for (size_t i = 0; i < g->n_remotes; i++) {
        bool found = false;

        for (size_t j = 0; j < x->g.n_remotes && !found; j++) {
            found = x->ips[j].s_addr == g->remotes[i].s_addr;
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

static int
ex_group_set(struct example *ex, const struct hal_flood_group *g,
             bool is_mcast)
{
    enum hal_table table = is_mcast ? HAL_TABLE_MCAST : HAL_TABLE_FLOOD;
    struct ex_group *x = ex_group_find(ex, g, is_mcast);
    int error;

    if (!ex_bridge(ex, g->bridge)) {
        return -ENOENT;
    }
    if (!g->n_remotes) {
        if (x) {
            ex_group_free(ex, x);
        }
        return 0;
    }
    if (g->n_remotes > EX_REMOTES) {
        return -EOPNOTSUPP; /* The toy's lists hold EX_REMOTES VTEPs. */
    }
    if (x && ex_group_same(x, g)) {
        return 0;
    }
    error = ex_tunnels_fit(ex, g->remotes, g->n_remotes);
    for (size_t i = 0; i < EX_GROUPS && !x && !error; i++) {
        x = ex->groups[i].used ? NULL : &ex->groups[i];
    }
    if (!x && !error) {
        hal_event_exhausted(&ex->up, table, HAL_E_TABLE_FULL);
        error = HAL_E_TABLE_FULL;
    }
    if (error) {
        return error;
    }
    x->used = true;
    x->is_mcast = is_mcast;
    x->g = *g;
    memcpy(x->ips, g->remotes, g->n_remotes * sizeof *g->remotes);
    x->g.remotes = x->ips;
    ex->writes++;
    return 0;
}

static int
ex_flood_set_one(struct example *ex, const struct hal_flood_group *g)
{
    return ex_group_set(ex, g, false);
}

static int
ex_mcast_set_one(struct example *ex, const struct hal_flood_group *g)
{
    return g->n_remotes ? ex_group_set(ex, g, true) : -EINVAL;
}

static int
ex_mcast_remove_one(struct example *ex, const struct hal_flood_group *g)
{
    struct ex_group *x = ex_group_find(ex, g, true);

    if (!x) {
        return -ENOENT;
    }
    ex_group_free(ex, x);
    return 0;
}

static int
ex_flood_set(struct hal *hal, const struct hal_flood_group *g, size_t n,
             int *status)
{
    return HAL_BULK_APPLY(ex_flood_set_one, ex_cast(hal), g, n, status);
}

static int
ex_mcast_set(struct hal *hal, const struct hal_flood_group *g, size_t n,
             int *status)
{
    return HAL_BULK_APPLY(ex_mcast_set_one, ex_cast(hal), g, n, status);
}

static int
ex_mcast_remove(struct hal *hal, const struct hal_flood_group *g, size_t n,
                int *status)
{
    return HAL_BULK_APPLY(ex_mcast_remove_one, ex_cast(hal), g, n, status);
}

/* ---- Resources and walks ------------------------------------------------ */

static void
ex_resources_get(const struct hal *hal, struct hal_resource res[])
{
    const struct example *ex = ex_cast(hal);

    res[HAL_TABLE_FDB].capacity = EX_FDB;
    res[HAL_TABLE_BRIDGE].capacity = EX_BRIDGES;
    res[HAL_TABLE_BINDING].capacity = EX_BINDINGS;
    res[HAL_TABLE_TUNNEL].capacity = EX_TUNNELS;
    res[HAL_TABLE_FLOOD].capacity = EX_GROUPS;
    res[HAL_TABLE_MCAST].capacity = EX_GROUPS;
    for (size_t i = 0; i < EX_FDB; i++) {
        res[HAL_TABLE_FDB].used += ex->fdb[i].used;
    }
    for (size_t i = 0; i < EX_BRIDGES; i++) {
        res[HAL_TABLE_BRIDGE].used += ex->bridges[i].used;
    }
    for (size_t i = 0; i < EX_BINDINGS; i++) {
        res[HAL_TABLE_BINDING].used += ex->bindings[i].port != HAL_OID_NULL;
    }
    for (size_t i = 0; i < EX_GROUPS; i++) {
        const struct ex_group *g = &ex->groups[i];

        res[g->is_mcast ? HAL_TABLE_MCAST : HAL_TABLE_FLOOD].used += g->used;
    }
    res[HAL_TABLE_TUNNEL].used = ex_tunnel_count(ex);
}

static void
ex_fdb_walk(const struct hal *hal, hal_oid_t bridge, hal_fdb_walk_cb *cb,
            void *aux)
{
    const struct example *ex = ex_cast(hal);

    for (size_t i = 0; i < EX_FDB; i++) {
        if (ex->fdb[i].used && (!bridge || ex->fdb[i].e.bridge == bridge)) {
            cb(&ex->fdb[i].e, aux);
        }
    }
}

static void
ex_binding_walk(const struct hal *hal, hal_binding_walk_cb *cb, void *aux)
{
    const struct example *ex = ex_cast(hal);

    for (size_t i = 0; i < EX_BINDINGS; i++) {
        if (ex->bindings[i].port) {
            cb(&ex->bindings[i], aux);
        }
    }
}

static void
ex_flood_walk(const struct hal *hal, hal_flood_walk_cb *cb, void *aux)
{
    const struct example *ex = ex_cast(hal);

    for (size_t i = 0; i < EX_GROUPS; i++) {
        if (ex->groups[i].used) {
            cb(&ex->groups[i].g, ex->groups[i].is_mcast, aux);
        }
    }
}

static void
ex_bridge_walk(const struct hal *hal, hal_bridge_walk_cb *cb, void *aux)
{
    const struct example *ex = ex_cast(hal);

    for (size_t i = 0; i < EX_BRIDGES; i++) {
        if (ex->bridges[i].used) {
            cb(ex_bridge_oid(ex, &ex->bridges[i]), &ex->bridges[i].c, aux);
        }
    }
}

/* ---- Conformance hooks: learning stands in for frames ------------------- */

static int
ex_test_learn(struct hal *hal, hal_oid_t port, uint16_t vlan,
              const struct hal_mac *src)
{
    struct example *ex = ex_cast(hal);
    struct hal_binding *b = ex_binding_find(ex, port, vlan);
    struct hal_fdb_entry e = {
        .type = HAL_FDB_LEARNED, .port = port, .vlan = vlan, .mac = *src
    };
    struct ex_fdb *f;

    if (!port || !b) {
        return -ENOENT;
    }
    if (!ex_bridge(ex, b->bridge)->c.learning) {
        return 0;
    }
    e.bridge = b->bridge;
    f = ex_fdb_find(ex, e.bridge, src);
    if (f && f->e.type == HAL_FDB_STATIC) {
        return 0;
    }
    if (f && (f->e.port != port || f->e.vlan != vlan)) {
        hal_event_fdb(hal, HAL_EVENT_FDB_MOVED, &e, f->e.port, f->e.vlan);
        f->e = e;
        ex->writes++;
    } else if (!f) {
        f = ex_fdb_alloc(ex);
        if (!f) {
            return 0; /* A switch drops what it cannot learn. */
        }
        f->used = true;
        f->e = e;
        ex->writes++;
        hal_event_fdb(hal, HAL_EVENT_FDB_LEARNED, &e, HAL_OID_NULL, 0);
    }
    f->seen_ms = hal_now(hal);
    return 0;
}

/* A link change: reported, and a link that goes down takes what was
 * learned on the port with it, as a switch flushes on loss of signal. */
static int
ex_test_link(struct hal *hal, hal_oid_t port, bool up)
{
    struct example *ex = ex_cast(hal);
    int64_t i = hal_oid_index(port, HAL_OBJECT_PORT, ex->n_ports);

    if (i < 0) {
        return -ENOENT;
    }
    if (ex->ports[i].oper_up == up) {
        return 0;
    }
    ex->ports[i].oper_up = up;
    hal_event_port_state(hal, port, up);
    for (size_t j = 0; !up && j < EX_FDB; j++) {
        struct ex_fdb *f = &ex->fdb[j];

        if (f->used && f->e.type == HAL_FDB_LEARNED && f->e.port == port) {
            ex_fdb_free(ex, f, HAL_EVENT_FDB_FLUSHED);
        }
    }
    return 0;
}

static uint64_t
ex_test_writes(const struct hal *hal)
{
    return ex_cast(hal)->writes;
}

static const struct hal_provider example_provider = {
    .name = "example",
    .capabilities = HAL_CAP_LEARNING | HAL_CAP_FINITE_TABLES
                    | HAL_CAP_TAGGED_BINDINGS | HAL_CAP_PORT_EVENTS,
    .open = ex_open,
    .close = ex_close,
    .run = ex_run,
    .next_wake = ex_next_wake,
    .switch_set = ex_switch_set,
    .switch_get = ex_switch_get,
    .port_count = ex_port_count,
    .port_get = ex_port_get,
    .bridge_set = ex_bridge_set,
    .bridge_remove = ex_bridge_remove,
    .bridge_get = ex_bridge_get,
    .binding_set = ex_binding_set,
    .binding_remove = ex_binding_remove,
    .fdb_set = ex_fdb_set,
    .fdb_remove = ex_fdb_remove,
    .fdb_flush = ex_fdb_flush,
    .flood_set = ex_flood_set,
    .mcast_set = ex_mcast_set,
    .mcast_remove = ex_mcast_remove,
    .resources_get = ex_resources_get,
    .fdb_walk = ex_fdb_walk,
    .binding_walk = ex_binding_walk,
    .flood_walk = ex_flood_walk,
    .bridge_walk = ex_bridge_walk,
    .test_learn = ex_test_learn,
    .test_link = ex_test_link,
    .test_writes = ex_test_writes,
};

/* The one entry point; tests/hal-conformance/broken.c reuses this file
 * without it. */
#ifndef HAL_EXAMPLE_NO_MODULE
HAL_PROVIDER_MODULE(example_provider);
#endif
