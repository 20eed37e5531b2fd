/* SPDX-License-Identifier: Apache-2.0 */
/* Logical_Router rows → HAL routers, router interfaces, next hops and
 * routes, and the LR faults.
 *
 * Routers are few and small next to the MAC tables, so the desired state
 * is recomputed whole from the database whenever anything it depends on
 * changes (a Logical_Router or Arp_Sources_Local row, a logical switch's
 * bridge, room in a routing table), and compared with what the HAL was
 * told, which is kept here; only differences reach the HAL.
 *
 *   switch_binding  "IP/LEN" → logical switch: a router interface with
 *                   address IP on the switch's bridge and the connected
 *                   route IP/LEN.  Prefixes that overlap another binding
 *                   of the router, bad prefixes, and switches another
 *                   router already has give lr_switch_bindings_fault and
 *                   are not programmed at all.
 *   static_routes   "PREFIX/LEN" → next-hop IP: a next hop on the
 *                   interface whose subnet holds the IP, and a route.
 *                   Malformed entries, next hops outside every subnet and
 *                   prefixes that a connected route already has give
 *                   lr_static_routes_fault, as does a full table.
 *   other_config    "router_mac": the router MAC (default: derived from
 *                   the router's name, so that every VTEP of a distributed
 *                   router agrees without configuration).  "mtu": the IP
 *                   MTU of its interfaces (HAL_RIF_MTU_MIN to _MAX,
 *                   default HAL_RIF_MTU).  "neighbour_timeout": seconds a
 *                   learned neighbour lives (1 to a week; default the
 *                   backend's).  "ipv6_ra": "true" for IPv6 router
 *                   advertisements on the router's IPv6 interfaces, every
 *                   "ipv6_ra_interval" seconds at most (4 to 1800,
 *                   default 600), naming the DNS servers of
 *                   "ipv6_ra_rdnss" (up to 3 IPv6 addresses).  A bad value is logged and the default
 *                   used.
 *   Arp_Sources_Local  A row whose locator is this switch's tunnel IP
 *                   gives the source MAC of the switch's own ARP requests.
 *   Arp_Sources_Remote The other VTEPs' ARP source MACs and locators: every
 *                   router learns them (hal_router_config's peers).
 *
 * A router the HAL cannot create gives lr_creation_fault; a backend that
 * cannot route gives lr_support_fault.  Each router's faults go to its
 * LR_fault_status, and their union to switch_fault_status. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-route.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-lr.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_lr);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 20);

static const char *const lr_fault_names[VTEP_LR_N_FAULTS] = {
    [VTEP_LR_SUPPORT] = "lr_support_fault",
    [VTEP_LR_CREATION] = "lr_creation_fault",
    [VTEP_LR_BINDINGS] = "lr_switch_bindings_fault",
    [VTEP_LR_ROUTES] = "lr_static_routes_fault",
    [VTEP_LR_ACL] = "invalid_ACL_binding",
};

struct lr_rif {
    struct hmap_node node; /* In lr->rifs. */
    struct uuid ls;
    hal_oid_t bridge;
    struct hal_ip ip;
    uint8_t len;
    hal_oid_t oid; /* HAL_OID_NULL until created. */
    bool want;
};

struct lr_nh {
    struct hmap_node node; /* In lr->nhs. */
    hal_oid_t rif;
    struct hal_ip ip;
    hal_oid_t oid;
    bool want;
};

struct lr_route {
    struct hmap_node node; /* In lr->routes. */
    struct hal_ip prefix;
    uint8_t len;
    bool programmed;
    hal_oid_t target;      /* Programmed next hop or rif. */
    hal_oid_t want_target; /* Desired, while 'want'. */
    bool want;
};

struct lr {
    struct hmap_node node; /* In vtep_lrs->lrs, by row uuid. */
    struct uuid uuid;
    bool seen;
    hal_oid_t router;
    struct hal_router_config cfg;
    struct hmap rifs, nhs, routes;
    unsigned int faults;
    unsigned int written; /* Faults in the row, or UINT_MAX: unknown. */
    bool blocked;         /* Waits for room in a table. */
};

/* ---- Setup ---- */

struct stale_routers {
    hal_oid_t *oids;
    size_t n, allocated;
};

static void
stale_router_cb(hal_oid_t oid, const struct hal_router_config *c, void *s_)
{
    struct stale_routers *s = s_;

    VLOG_INFO("removing router %s left by an earlier run", c->name);
    if (s->n >= s->allocated) {
        s->oids =
            x2nrealloc(s->oids, &s->allocated, s->n + 1, sizeof *s->oids);
    }
    s->oids[s->n++] = oid;
}

/* Removes every router the HAL has: the rows are replayed whole. */
static void
remove_stale_routers(struct vtep *vtep)
{
    static const struct hal_route_walk walk = { .router = stale_router_cb };
    struct stale_routers s = { NULL, 0, 0 };
    size_t i;

    hal_route_walk(vtep->hal, &walk, &s);
    for (i = 0; i < s.n; i++) {
        hal_router_remove(vtep->hal, s.oids[i]);
    }
    free(s.oids);
}

int
vtep_lr_init(struct vtep *vtep)
{
    struct vtep_lrs *m = xzalloc(sizeof *m);
    const struct ovsdb_table_schema *lr = vtep->s.lr->schema;

    hmap_init(&m->lrs);
    m->dirty = true;
    m->published = -1;
    vtep->lrs = m;
    if (!hal_is_warm(vtep->hal)) {
        /* Warm, the HAL keeps its routers and the resync sweeps what the
         * replay does not want. */
        remove_stale_routers(vtep);
    }
    m->name = ovsdb_table_schema_find_column(lr, "name");
    m->binding = ovsdb_table_schema_find_column(lr, "switch_binding");
    m->routes = ovsdb_table_schema_find_column(lr, "static_routes");
    m->other = ovsdb_table_schema_find_column(lr, "other_config");
    m->asl = ovsdb_db_find_table(vtep->db, "Arp_Sources_Local");
    if (m->asl) {
        m->asl_mac = ovsdb_table_schema_find_column(m->asl->schema, "src_mac");
        m->asl_locator =
            ovsdb_table_schema_find_column(m->asl->schema, "locator");
    }
    m->ars = ovsdb_db_find_table(vtep->db, "Arp_Sources_Remote");
    if (m->ars) {
        m->ars_mac = ovsdb_table_schema_find_column(m->ars->schema, "src_mac");
        m->ars_locator =
            ovsdb_table_schema_find_column(m->ars->schema, "locator");
    }
    return m->name && m->binding && m->routes && m->other && m->asl_mac
                   && m->asl_locator && m->ars_mac && m->ars_locator
               ? 0
               : -EINVAL;
}

static void
lr_free_model(struct lr *lr)
{
    struct lr_rif *rif;
    struct lr_nh *nh;
    struct lr_route *r;

    HMAP_FOR_EACH_SAFE(rif, node, &lr->rifs) {
        hmap_remove(&lr->rifs, &rif->node);
        free(rif);
    }
    HMAP_FOR_EACH_SAFE(nh, node, &lr->nhs) {
        hmap_remove(&lr->nhs, &nh->node);
        free(nh);
    }
    HMAP_FOR_EACH_SAFE(r, node, &lr->routes) {
        hmap_remove(&lr->routes, &r->node);
        free(r);
    }
}

static void
lr_destroy(struct vtep *vtep, struct lr *lr, bool in_hal)
{
    if (in_hal && lr->router) {
        hal_router_remove(vtep->hal, lr->router);
    }
    lr_free_model(lr);
    hmap_destroy(&lr->rifs);
    hmap_destroy(&lr->nhs);
    hmap_destroy(&lr->routes);
    hmap_remove(&vtep->lrs->lrs, &lr->node);
    free(lr);
}

void
vtep_lr_destroy(struct vtep *vtep)
{
    struct vtep_lrs *m = vtep->lrs;
    struct lr *lr;

    if (!m) {
        return;
    }
    /* The HAL objects stay, as the bridges do, for a warm restart. */
    HMAP_FOR_EACH_SAFE(lr, node, &m->lrs) {
        lr_destroy(vtep, lr, false);
    }
    hmap_destroy(&m->lrs);
    free(m);
    vtep->lrs = NULL;
}

void
vtep_lr_note_change(struct vtep *vtep, const struct ovsdb_table *table)
{
    struct vtep_lrs *m = vtep->lrs;

    /* Locators need no watching: an Arp_Sources_* row comes with its
     * locator, whose address never changes. */
    if (m && (table == vtep->s.lr || table == m->asl || table == m->ars)) {
        m->dirty = true;
        m->published = table == m->asl ? -1 : m->published;
    }
}

bool
vtep_lr_pending(const struct vtep *vtep)
{
    return vtep->lrs && vtep->lrs->dirty;
}

void
vtep_lr_unblock(struct vtep *vtep)
{
    struct lr *lr;

    HMAP_FOR_EACH(lr, node, &vtep->lrs->lrs) {
        if (lr->blocked) {
            vtep->lrs->dirty = true;
        }
    }
}

/* ---- The model's keys ---- */

static uint32_t
rif_hash(const struct uuid *ls, const struct hal_ip *ip, uint8_t len)
{
    return hal_ip_hash(ip, hash_add(uuid_hash(ls), len));
}

static uint32_t
nh_hash(hal_oid_t rif, const struct hal_ip *ip)
{
    return hal_ip_hash(ip, hash_uint64(rif, 0));
}

static uint32_t
route_hash(const struct hal_ip *prefix, uint8_t len)
{
    return hal_ip_hash(prefix, len);
}

static struct lr_rif *
rif_find(const struct lr *lr, const struct uuid *ls, const struct hal_ip *ip,
         uint8_t len)
{
    struct lr_rif *rif;

    HMAP_FOR_EACH_WITH_HASH(rif, node, rif_hash(ls, ip, len), &lr->rifs) {
        if (uuid_equals(&rif->ls, ls) && rif->len == len
            && hal_ip_equals(&rif->ip, ip)) {
            return rif;
        }
    }
    return NULL;
}

static struct lr_route *
route_find(const struct lr *lr, const struct hal_ip *prefix, uint8_t len)
{
    struct lr_route *r;

    HMAP_FOR_EACH_WITH_HASH(r, node, route_hash(prefix, len), &lr->routes) {
        if (r->len == len && hal_ip_equals(&r->prefix, prefix)) {
            return r;
        }
    }
    return NULL;
}

static struct lr_route *
route_want(struct lr *lr, const struct hal_ip *prefix, uint8_t len)
{
    struct lr_route *r = route_find(lr, prefix, len);

    if (!r) {
        r = xzalloc(sizeof *r);
        r->prefix = *prefix;
        r->len = len;
        hmap_insert(&lr->routes, &r->node, route_hash(prefix, len));
    }
    return r;
}

/* Forgets the routes through 'target' (the HAL removed them with it). */
static void
routes_via_gone(struct lr *lr, hal_oid_t target)
{
    struct lr_route *r;

    HMAP_FOR_EACH(r, node, &lr->routes) {
        if (r->programmed && r->target == target) {
            r->programmed = false;
        }
    }
}

/* Forgets rif 'rif' and what the HAL removed with it; removes it from the
 * HAL too if 'in_hal'. */
static void
rif_forget(struct vtep *vtep, struct lr *lr, struct lr_rif *rif, bool in_hal)
{
    struct lr_nh *nh;

    if (rif->oid) {
        if (in_hal) {
            hal_rif_remove(vtep->hal, rif->oid);
        }
        HMAP_FOR_EACH_SAFE(nh, node, &lr->nhs) {
            if (nh->rif == rif->oid) {
                routes_via_gone(lr, nh->oid);
                hmap_remove(&lr->nhs, &nh->node);
                free(nh);
            }
        }
        routes_via_gone(lr, rif->oid);
    }
    hmap_remove(&lr->rifs, &rif->node);
    free(rif);
}

void
vtep_lr_bridge_changed(struct vtep *vtep, const struct vtep_ls *ls, bool gone)
{
    struct lr *lr;

    if (!vtep->lrs) {
        return;
    }
    vtep->lrs->dirty = true;
    HMAP_FOR_EACH(lr, node, &vtep->lrs->lrs) {
        struct lr_rif *rif;

        HMAP_FOR_EACH_SAFE(rif, node, &lr->rifs) {
            if (gone && uuid_equals(&rif->ls, &ls->uuid)) {
                rif_forget(vtep, lr, rif, false);
            }
        }
    }
}

/* ---- Programming ---- */

/* Creates the wanted interfaces the HAL does not have yet; removes the
 * unwanted ones. */
static void
sync_rifs(struct vtep *vtep, struct lr *lr, unsigned int *faults)
{
    struct lr_rif *rif;

    HMAP_FOR_EACH_SAFE(rif, node, &lr->rifs) {
        if (!rif->want) {
            rif_forget(vtep, lr, rif, true);
        }
    }
    HMAP_FOR_EACH(rif, node, &lr->rifs) {
        struct hal_rif_config c = { lr->router, rif->bridge, rif->ip,
                                    rif->len };
        char ip[HAL_IP_STRLEN];
        int error;

        if (rif->oid) {
            continue;
        }
        error = hal_rif_create(vtep->hal, &c, &rif->oid);
        vtep_count_hal_call(vtep, 1, &error);
        if (error) {
            VLOG_WARN_RL(&rl, "%s: interface %s/%u: %s", lr->cfg.name,
                         hal_ip_format(&rif->ip, ip), rif->len,
                         hal_strerror(error));
            *faults |= 1u << VTEP_LR_BINDINGS;
            lr->blocked |= error == HAL_E_TABLE_FULL;
            rif->oid = HAL_OID_NULL;
        }
    }
}

/* Wants the connected route of every created interface. */
static void
want_connected(struct lr *lr)
{
    struct lr_rif *rif;

    HMAP_FOR_EACH(rif, node, &lr->rifs) {
        if (rif->oid) {
            struct hal_ip net = hal_ip_masked(&rif->ip, rif->len);
            struct lr_route *r = route_want(lr, &net, rif->len);

            r->want = true;
            r->want_target = rif->oid;
        }
    }
}

/* Returns the next hop (rif, ip), creating it if needed, or HAL_OID_NULL
 * after a failure. */
static hal_oid_t
nh_get(struct vtep *vtep, struct lr *lr, hal_oid_t rif,
       const struct hal_ip *ip, unsigned int *faults)
{
    struct hal_nexthop_config c = { rif, *ip };
    struct lr_nh *nh;
    int error;

    HMAP_FOR_EACH_WITH_HASH(nh, node, nh_hash(rif, ip), &lr->nhs) {
        if (nh->rif == rif && hal_ip_equals(&nh->ip, ip)) {
            nh->want = true;
            return nh->oid;
        }
    }
    nh = xzalloc(sizeof *nh);
    error = hal_nexthop_create(vtep->hal, &c, &nh->oid);
    vtep_count_hal_call(vtep, 1, &error);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: next hop: %s", lr->cfg.name,
                     hal_strerror(error));
        *faults |= 1u << VTEP_LR_ROUTES;
        lr->blocked |= error == HAL_E_TABLE_FULL;
        free(nh);
        return HAL_OID_NULL;
    }
    nh->rif = rif;
    nh->ip = *ip;
    nh->want = true;
    hmap_insert(&lr->nhs, &nh->node, nh_hash(rif, ip));
    return nh->oid;
}

/* Returns the created interface whose subnet holds 'ip' (not its own
 * address), or NULL; '*known' tells whether any binding's subnet holds it
 * at all (it may wait for its switch). */
static const struct lr_rif *
rif_for(const struct lr *lr, const struct lr_binding *b, size_t n,
        const struct hal_ip *ip, bool *known)
{
    const struct lr_rif *rif;
    size_t i;

    *known = false;
    for (i = 0; i < n; i++) {
        if (b[i].ok && hal_prefix_contains(&b[i].ip, b[i].len, ip)
            && !hal_ip_equals(&b[i].ip, ip)) {
            *known = true;
        }
    }
    HMAP_FOR_EACH(rif, node, &lr->rifs) {
        if (rif->oid && hal_prefix_contains(&rif->ip, rif->len, ip)
            && !hal_ip_equals(&rif->ip, ip)) {
            return rif;
        }
    }
    return NULL;
}

static void
want_static(struct vtep *vtep, struct lr *lr, const struct ovsdb_row *row,
            const struct lr_binding *b, size_t n_b, unsigned int *faults)
{
    struct ovsdb_datum d;
    size_t i;

    ovsdb_row_get(row, vtep->lrs->routes, &d);
    if (d.n > LR_MAX_ROUTES) {
        VLOG_WARN_RL(&rl, "%s: more than %d static routes", lr->cfg.name,
                     LR_MAX_ROUTES);
        *faults |= 1u << VTEP_LR_ROUTES;
    }
    for (i = 0; i < d.n && i < LR_MAX_ROUTES; i++) {
        const char *key = d.keys[i].string->s, *val = d.values[i].string->s;
        const struct lr_rif *rif;
        struct hal_ip prefix, nh;
        struct lr_route *r;
        hal_oid_t target;
        uint8_t len;
        bool known;

        if (hal_prefix_from_string(key, &prefix, &len)
            || hal_ip_from_string(val, &nh) || nh.family != prefix.family) {
            VLOG_WARN_RL(&rl, "%s: static route %s via %s: malformed",
                         lr->cfg.name, key, val);
            *faults |= 1u << VTEP_LR_ROUTES;
            continue;
        }
        prefix = hal_ip_masked(&prefix, len);
        rif = rif_for(lr, b, n_b, &nh, &known);
        if (!rif) {
            if (!known) {
                VLOG_WARN_RL(&rl,
                             "%s: static route %s via %s: the next hop "
                             "is in no bound subnet",
                             lr->cfg.name, key, val);
                *faults |= 1u << VTEP_LR_ROUTES;
            }
            continue;
        }
        r = route_find(lr, &prefix, len);
        if (r && r->want && hal_oid_type(r->want_target) == HAL_OBJECT_RIF) {
            VLOG_WARN_RL(&rl,
                         "%s: static route %s: a bound subnet has that "
                         "prefix",
                         lr->cfg.name, key);
            *faults |= 1u << VTEP_LR_ROUTES;
            continue;
        }
        target = nh_get(vtep, lr, rif->oid, &nh, faults);
        if (target) {
            r = route_want(lr, &prefix, len);
            r->want = true;
            r->want_target = target;
        }
    }
}

static void
route_entry(const struct lr *lr, const struct lr_route *r,
            struct hal_route_entry *e)
{
    e->router = lr->router;
    e->prefix = r->prefix;
    e->prefix_len = r->len;
    e->nexthop = r->want ? r->want_target : r->target;
}

/* Removes the routes no longer wanted and sets the new or changed ones,
 * in bulk; then drops unwanted next hops. */
static void
sync_routes(struct vtep *vtep, struct lr *lr, unsigned int *faults)
{
    size_t n = hmap_count(&lr->routes), n_del = 0, n_set = 0, i;
    struct hal_route_entry *del = xcalloc(n + 1, sizeof *del);
    struct hal_route_entry *set = xcalloc(n + 1, sizeof *set);
    struct lr_route **set_r = xcalloc(n + 1, sizeof *set_r);
    int *status = xcalloc(n + 1, sizeof *status);
    struct lr_route *r;
    struct lr_nh *nh;

    HMAP_FOR_EACH(r, node, &lr->routes) {
        if (!r->want && r->programmed) {
            route_entry(lr, r, &del[n_del++]);
        } else if (r->want
                   && (!r->programmed || r->target != r->want_target)) {
            set_r[n_set] = r;
            route_entry(lr, r, &set[n_set++]);
        }
    }
    if (n_del) {
        hal_route_remove(vtep->hal, del, n_del, status);
        vtep_count_hal_call(vtep, n_del, status);
    }
    if (n_set) {
        hal_route_set(vtep->hal, set, n_set, status);
        vtep_count_hal_call(vtep, n_set, status);
    }
    for (i = 0; i < n_set; i++) {
        if (status[i]) {
            char p[HAL_IP_STRLEN];

            VLOG_WARN_RL(&rl, "%s: route %s/%u: %s", lr->cfg.name,
                         hal_ip_format(&set_r[i]->prefix, p), set_r[i]->len,
                         hal_strerror(status[i]));
        }
        set_r[i]->programmed = !status[i];
        set_r[i]->target = status[i] ? HAL_OID_NULL : set_r[i]->want_target;
        if (status[i]) {
            *faults |= 1u << VTEP_LR_ROUTES;
            lr->blocked |= status[i] == HAL_E_TABLE_FULL;
        }
    }
    HMAP_FOR_EACH_SAFE(r, node, &lr->routes) {
        if (!r->want || !r->programmed) {
            hmap_remove(&lr->routes, &r->node);
            free(r);
        }
    }
    HMAP_FOR_EACH_SAFE(nh, node, &lr->nhs) {
        if (!nh->want) {
            hal_nexthop_remove(vtep->hal, nh->oid);
            hmap_remove(&lr->nhs, &nh->node);
            free(nh);
        }
    }
    free(del);
    free(set);
    free(set_r);
    free(status);
}

/* Brings the HAL in line with Logical_Router row 'row'. */
static void
lr_sync(struct vtep *vtep, struct lr *lr, const struct ovsdb_row *row,
        struct hmap *claims, const char *unsupported)
{
    struct lr_binding b[LR_MAX_BINDINGS];
    struct hal_router_config cfg;
    unsigned int faults = 0;
    struct lr_route *r;
    struct lr_rif *rif;
    struct lr_nh *nh;
    size_t n, i;
    int error;

    lr->blocked = false;
    vtep_lr_router_config(vtep, row, &cfg);
    if (unsupported) {
        lr->faults = 1u << VTEP_LR_SUPPORT;
        return;
    }
    if (!lr->router || memcmp(&cfg, &lr->cfg, sizeof cfg)) {
        error = hal_router_set(vtep->hal, &cfg, &lr->router);
        vtep_count_hal_call(vtep, 1, &error);
        if (error) {
            VLOG_WARN_RL(&rl, "%s: cannot create the router: %s", cfg.name,
                         hal_strerror(error));
            lr->blocked = error == HAL_E_TABLE_FULL;
            lr->faults = 1u << VTEP_LR_CREATION;
            return;
        }
        lr->cfg = cfg;
    }
    n = vtep_lr_parse_bindings(vtep, row, cfg.name, claims, lr, b, &faults);
    HMAP_FOR_EACH(rif, node, &lr->rifs) {
        rif->want = false;
    }
    for (i = 0; i < n; i++) {
        const struct vtep_ls *ls =
            b[i].ok ? vtep_lr_find_ls(vtep, &b[i].ls) : NULL;

        if (ls && ls->bridge) {
            rif = rif_find(lr, &b[i].ls, &b[i].ip, b[i].len);
            if (rif && rif->bridge != ls->bridge) {
                rif_forget(vtep, lr, rif, true);
                rif = NULL;
            }
            if (!rif) {
                rif = xzalloc(sizeof *rif);
                rif->ls = b[i].ls;
                rif->bridge = ls->bridge;
                rif->ip = b[i].ip;
                rif->len = b[i].len;
                hmap_insert(&lr->rifs, &rif->node,
                            rif_hash(&rif->ls, &rif->ip, rif->len));
            }
            rif->want = true;
        }
    }
    sync_rifs(vtep, lr, &faults);
    HMAP_FOR_EACH(r, node, &lr->routes) {
        r->want = false;
    }
    HMAP_FOR_EACH(nh, node, &lr->nhs) {
        nh->want = false;
    }
    want_connected(lr);
    want_static(vtep, lr, row, b, n, &faults);
    sync_routes(vtep, lr, &faults);
    lr->faults = faults;
}

static const struct ovsdb_column *sort_name; /* For row_name_cmp(). */

/* Orders Logical_Router rows by name, then uuid: the first router to bind
 * a logical switch keeps it. */
static int
row_name_cmp(const void *a_, const void *b_)
{
    const struct ovsdb_row *const *a = a_, *const *b = b_;
    int c = strcmp(ovsdb_row_get_string(*a, sort_name),
                   ovsdb_row_get_string(*b, sort_name));

    return c ? c : memcmp(&(*a)->uuid, &(*b)->uuid, sizeof(*a)->uuid);
}

static struct lr *
lr_get(struct vtep *vtep, const struct uuid *uuid)
{
    struct lr *lr;

    HMAP_FOR_EACH_WITH_HASH(lr, node, uuid_hash(uuid), &vtep->lrs->lrs) {
        if (uuid_equals(&lr->uuid, uuid)) {
            return lr;
        }
    }
    lr = xzalloc(sizeof *lr);
    lr->uuid = *uuid;
    lr->written = UINT_MAX;
    hmap_init(&lr->rifs);
    hmap_init(&lr->nhs);
    hmap_init(&lr->routes);
    hmap_insert(&vtep->lrs->lrs, &lr->node, uuid_hash(uuid));
    return lr;
}

void
vtep_lr_run(struct vtep *vtep)
{
    struct vtep_lrs *m = vtep->lrs;
    const char *unsupported = hal_route_unsupported_reason(vtep->hal);
    size_t n = ovsdb_table_count(vtep->s.lr), i = 0;
    const struct ovsdb_row **rows, *row;
    struct vtep_lr_claim *c;
    struct hmap claims;
    struct lr *lr;

    if (!m->dirty) {
        return;
    }
    m->dirty = false;
    if (unsupported && n) {
        VLOG_WARN_RL(&rl, "logical routers are not supported: %s",
                     unsupported);
    }
    rows = xcalloc(n + 1, sizeof *rows);
    OVSDB_TABLE_FOR_EACH(row, vtep->s.lr) {
        rows[i++] = row;
    }
    sort_name = m->name;
    qsort(rows, n, sizeof *rows, row_name_cmp);
    HMAP_FOR_EACH(lr, node, &m->lrs) {
        lr->seen = false;
    }
    hmap_init(&claims);
    for (i = 0; i < n; i++) {
        lr = lr_get(vtep, &rows[i]->uuid);
        lr->seen = true;
        lr_sync(vtep, lr, rows[i], &claims, unsupported);
    }
    HMAP_FOR_EACH_SAFE(lr, node, &m->lrs) {
        if (!lr->seen) {
            lr_destroy(vtep, lr, true);
        }
    }
    HMAP_FOR_EACH_SAFE(c, node, &claims) {
        hmap_remove(&claims, &c->node);
        free(c);
    }
    hmap_destroy(&claims);
    free(rows);
    /* Interfaces may have come or gone: their ACL bindings follow. */
    vtep_acl_unblock(vtep);
}

int
vtep_lr_rif_find(const struct vtep *vtep, const struct uuid *uuid,
                 const struct hal_ip *ip, hal_oid_t *oid)
{
    const struct lr_rif *rif;
    const struct lr *lr;

    HMAP_FOR_EACH_WITH_HASH(lr, node, uuid_hash(uuid), &vtep->lrs->lrs) {
        if (!uuid_equals(&lr->uuid, uuid)) {
            continue;
        }
        HMAP_FOR_EACH(rif, node, &lr->rifs) {
            if (rif->oid && hal_ip_equals(&rif->ip, ip)) {
                *oid = rif->oid;
                return 0;
            }
        }
    }
    return -ENOENT;
}

/* ---- Faults ---- */

unsigned int
vtep_lr_switch_faults(const struct vtep *vtep)
{
    unsigned int faults = 0;
    const struct lr *lr;

    HMAP_FOR_EACH(lr, node, &vtep->lrs->lrs) {
        faults |= lr->faults;
    }
    return faults;
}

void
vtep_lr_faults_run(struct vtep *vtep, struct vtep_txn *t)
{
    bool any_router = false;
    struct lr *lr;

    HMAP_FOR_EACH(lr, node, &vtep->lrs->lrs) {
        any_router |= lr->router != HAL_OID_NULL;
    }
    if (vtep->lrs->published != any_router) {
        vtep_lr_arp_sources_run(vtep, t, any_router);
        vtep->lrs->published = any_router;
    }

    HMAP_FOR_EACH(lr, node, &vtep->lrs->lrs) {
        unsigned int faults =
            lr->faults
            | (vtep_acl_router_fault(vtep, &lr->uuid) ? 1u << VTEP_LR_ACL : 0);
        const char *names[VTEP_LR_N_FAULTS];
        const struct ovsdb_row *row;
        struct ovsdb_row *w;
        size_t n = 0;
        int f;

        if (faults == lr->written) {
            continue;
        }
        for (f = 0; f < VTEP_LR_N_FAULTS; f++) {
            if (faults & (1u << f)) {
                names[n++] = lr_fault_names[f];
            }
        }
        lr->written = faults;
        row = ovsdb_table_find(vtep->s.lr, &lr->uuid);
        if (!row
            || vtep_row_string_set_equals(row, vtep->s.lr_fault, names, n)) {
            continue;
        }
        w = vtep_txn_modify(t, vtep->s.lr, &lr->uuid);
        if (w) {
            vtep_txn_check(
                t, ovsdb_txn_write_string_set(vtep_txn_get(t), vtep->s.lr, w,
                                              vtep->s.lr_fault, names, n));
        }
    }
}
