/* SPDX-License-Identifier: Apache-2.0 */
/* ARP/ND suppression: Ucast_Macs_Remote rows with an 'ipaddr' become HAL
 * neighbour entries (bridge, IP) → MAC, programmed in bulk like the FDB.
 *
 * Keys are (logical switch, IP).  Several rows may give one key (two MACs
 * claiming one IP, or one MAC listed twice): the oldest row wins, as for
 * duplicate MACs, and a log line names the conflict.  A logical switch
 * with other_config:arp-suppression=false gets no entries, so every
 * request in it is flooded.  Backends without neighbour support
 * (-EOPNOTSUPP) are told once and then left alone. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_neigh);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

#define ARP_SUPPRESSION_KEY "arp-suppression"

/* One (logical switch, IP) key. */
struct neigh {
    struct hmap_node node; /* In model->neighs. */
    struct uuid ls;
    struct hal_ip ip;
    struct list rows; /* neigh_row's 'key_node'; the first one wins. */
    struct vtep_qnode q;

    /* Learned from a local host (vtep-local.c); used when no row gives
     * the address, since the controller's word is authoritative. */
    bool has_learned;
    struct hal_mac learned_mac;

    bool programmed;
    hal_oid_t prog_bridge;
    struct hal_mac prog_mac;
};

/* A Ucast_Macs_Remote row with a usable 'ipaddr'. */
struct neigh_row {
    struct hmap_node node; /* In model->rows, by row uuid. */
    struct uuid uuid;
    struct neigh *neigh;
    struct hal_mac mac;
    struct list key_node;
};

/* A logical switch with suppression turned off. */
struct neigh_off {
    struct hmap_node node;
    struct uuid ls;
};

struct vtep_neigh_model {
    const struct ovsdb_column *umr_ipaddr, *ls_other_config;
    struct hmap neighs, rows, off;
    struct list dirty, blocked;
    bool unsupported; /* The backend said -EOPNOTSUPP. */
};

static uint32_t
neigh_hash(const struct uuid *ls, const struct hal_ip *ip)
{
    return hal_ip_hash(ip, uuid_hash(ls));
}

int
vtep_neigh_init(struct vtep *vtep)
{
    struct vtep_neigh_model *m = xzalloc(sizeof *m);

    m->umr_ipaddr =
        ovsdb_table_schema_find_column(vtep->s.umr->schema, "ipaddr");
    m->ls_other_config =
        ovsdb_table_schema_find_column(vtep->s.ls->schema, "other_config");
    hmap_init(&m->neighs);
    hmap_init(&m->rows);
    hmap_init(&m->off);
    list_init(&m->dirty);
    list_init(&m->blocked);
    vtep->neigh = m;
    return m->umr_ipaddr && m->ls_other_config ? 0 : -EINVAL;
}

void
vtep_neigh_destroy(struct vtep *vtep)
{
    struct vtep_neigh_model *m = vtep->neigh;
    struct neigh_row *row;
    struct neigh *n;
    struct neigh_off *off;

    if (!m) {
        return;
    }
    HMAP_FOR_EACH_SAFE(row, node, &m->rows) {
        hmap_remove(&m->rows, &row->node);
        free(row);
    }
    HMAP_FOR_EACH_SAFE(n, node, &m->neighs) {
        hmap_remove(&m->neighs, &n->node);
        free(n);
    }
    HMAP_FOR_EACH_SAFE(off, node, &m->off) {
        hmap_remove(&m->off, &off->node);
        free(off);
    }
    hmap_destroy(&m->neighs);
    hmap_destroy(&m->rows);
    hmap_destroy(&m->off);
    free(m);
    vtep->neigh = NULL;
}

/* ---- The mirror ---- */

static bool
ip_is_unicast(const struct hal_ip *ip)
{
    if (ip->family == AF_INET) {
        uint32_t a = ntohl(ip->v4.s_addr);

        return a && a != UINT32_MAX && (a >> 28) != 0xe;
    }
    return !IN6_IS_ADDR_UNSPECIFIED(&ip->v6)
           && !IN6_IS_ADDR_MULTICAST(&ip->v6);
}

static struct neigh *
neigh_get(struct vtep_neigh_model *m, const struct uuid *ls,
          const struct hal_ip *ip)
{
    uint32_t hash = neigh_hash(ls, ip);
    struct neigh *n;

    HMAP_FOR_EACH_WITH_HASH(n, node, hash, &m->neighs) {
        if (uuid_equals(&n->ls, ls) && hal_ip_equals(&n->ip, ip)) {
            return n;
        }
    }
    n = xzalloc(sizeof *n);
    n->ls = *ls;
    n->ip = *ip;
    list_init(&n->rows);
    vtep_q_init(&n->q);
    hmap_insert(&m->neighs, &n->node, hash);
    return n;
}

/* Frees 'n' once nothing wants it and nothing of it is in the HAL. */
static void
neigh_gc(struct vtep_neigh_model *m, struct neigh *n)
{
    if (list_is_empty(&n->rows) && !n->has_learned && !n->programmed
        && n->q.state == VTEP_Q_IDLE) {
        hmap_remove(&m->neighs, &n->node);
        free(n);
    }
}

static struct neigh_row *
row_find(const struct vtep_neigh_model *m, const struct uuid *uuid)
{
    struct neigh_row *row;

    HMAP_FOR_EACH_WITH_HASH(row, node, uuid_hash(uuid), &m->rows) {
        if (uuid_equals(&row->uuid, uuid)) {
            return row;
        }
    }
    return NULL;
}

static void
row_destroy(struct vtep *vtep, struct neigh_row *row)
{
    struct vtep_neigh_model *m = vtep->neigh;

    list_remove(&row->key_node);
    hmap_remove(&m->rows, &row->node);
    vtep_q_dirty(&m->dirty, &row->neigh->q);
    free(row);
}

static void
row_create(struct vtep *vtep, const struct ovsdb_row *r)
{
    struct vtep_neigh_model *m = vtep->neigh;
    const char *ip_s = ovsdb_row_get_string(r, m->umr_ipaddr);
    const char *mac_s = ovsdb_row_get_string(r, vtep->s.umr_mac);
    struct neigh_row *row;
    struct uuid ls;
    struct hal_mac mac;
    struct hal_ip ip;

    if (!ip_s[0] || hal_mac_from_string(mac_s, &mac)
        || hal_mac_is_multicast(&mac)) {
        return; /* No IP, or a MAC vtep-macs.c already complains about. */
    }
    if (hal_ip_from_string(ip_s, &ip) || !ip_is_unicast(&ip)) {
        VLOG_WARN_RL(&rl,
                     "Ucast_Macs_Remote %s: ipaddr \"%s\" is not a unicast "
                     "IP address: not suppressed",
                     mac_s, ip_s);
        return;
    }
    ovsdb_row_get_uuid(r, vtep->s.umr_ls, &ls);
    row = xzalloc(sizeof *row);
    row->uuid = r->uuid;
    row->mac = mac;
    row->neigh = neigh_get(m, &ls, &ip);
    if (!list_is_empty(&row->neigh->rows)) {
        const struct neigh_row *first = container_of(
            list_front(&row->neigh->rows), struct neigh_row, key_node);

        if (memcmp(&first->mac, &mac, sizeof mac)) {
            VLOG_WARN_RL(&rl,
                         "IP %s claimed by " HAL_MAC_FMT " and " HAL_MAC_FMT
                         ": the older row wins",
                         ip_s, HAL_MAC_ARGS(&first->mac), HAL_MAC_ARGS(&mac));
        }
    }
    list_push_back(&row->neigh->rows, &row->key_node);
    hmap_insert(&m->rows, &row->node, uuid_hash(&row->uuid));
    vtep_q_dirty(&m->dirty, &row->neigh->q);
}

void
vtep_neigh_umr_changed(struct vtep *vtep, const struct ovsdb_row *old,
                       const struct ovsdb_row *new)
{
    if (old) {
        struct neigh_row *row = row_find(vtep->neigh, &old->uuid);

        if (row) {
            row_destroy(vtep, row);
        }
    }
    if (new) {
        row_create(vtep, new);
    }
}

static struct neigh_off *
off_find(const struct vtep_neigh_model *m, const struct uuid *ls)
{
    struct neigh_off *off;

    HMAP_FOR_EACH_WITH_HASH(off, node, uuid_hash(ls), &m->off) {
        if (uuid_equals(&off->ls, ls)) {
            return off;
        }
    }
    return NULL;
}

/* Queues every key of logical switch 'ls'; if 'forget', its entries are
 * known to be gone from the HAL (the bridge went). */
static void
mark_ls(struct vtep_neigh_model *m, const struct uuid *ls, bool forget)
{
    struct neigh *n;

    HMAP_FOR_EACH(n, node, &m->neighs) {
        if (uuid_equals(&n->ls, ls)) {
            n->programmed = n->programmed && !forget;
            vtep_q_dirty(&m->dirty, &n->q);
        }
    }
}

void
vtep_neigh_ls_changed(struct vtep *vtep, const struct ovsdb_row *old,
                      const struct ovsdb_row *new)
{
    struct vtep_neigh_model *m = vtep->neigh;
    const struct ovsdb_row *row = new ? new : old;
    struct neigh_off *off = off_find(m, &row->uuid);
    const char *v =
        new ? vtep_row_map_get(new, m->ls_other_config, ARP_SUPPRESSION_KEY)
            : NULL;
    bool want_off = v && !strcmp(v, "false");

    if (v && strcmp(v, "false") && strcmp(v, "true")) {
        VLOG_WARN_RL(&rl,
                     "other_config:%s=\"%s\" is neither true nor false: "
                     "suppression stays on",
                     ARP_SUPPRESSION_KEY, v);
    }
    if (want_off == !!off) {
        return;
    }
    if (want_off) {
        off = xzalloc(sizeof *off);
        off->ls = row->uuid;
        hmap_insert(&m->off, &off->node, uuid_hash(&off->ls));
    } else {
        hmap_remove(&m->off, &off->node);
        free(off);
    }
    mark_ls(m, &row->uuid, false);
}

void
vtep_neigh_bridge_changed(struct vtep *vtep, const struct vtep_ls *ls,
                          bool gone)
{
    mark_ls(vtep->neigh, &ls->uuid, gone);
}

void
vtep_neigh_learned(struct vtep *vtep, const struct uuid *ls,
                   const struct hal_ip *ip, const struct hal_mac *mac)
{
    struct vtep_neigh_model *m = vtep->neigh;
    struct neigh *n = neigh_get(m, ls, ip);

    n->has_learned = mac != NULL;
    if (mac) {
        n->learned_mac = *mac;
    }
    vtep_q_dirty(&m->dirty, &n->q);
}

void
vtep_neigh_unblock(struct vtep *vtep)
{
    vtep_q_unblock(&vtep->neigh->blocked, &vtep->neigh->dirty);
}

/* ---- Programming ---- */

static const struct vtep_ls *
ls_lookup(const struct vtep *vtep, const struct uuid *uuid)
{
    const struct vtep_ls *ls;

    HMAP_FOR_EACH_WITH_HASH(ls, node, uuid_hash(uuid), &vtep->lss) {
        if (uuid_equals(&ls->uuid, uuid)) {
            return ls;
        }
    }
    return NULL;
}

/* Fills '*e' with the entry 'n' should have; false if none. */
static bool
neigh_desired(const struct vtep *vtep, const struct neigh *n,
              struct hal_neigh_entry *e)
{
    const struct vtep_ls *ls = ls_lookup(vtep, &n->ls);

    if ((list_is_empty(&n->rows) && !n->has_learned) || !ls || !ls->present
        || !ls->bridge || off_find(vtep->neigh, &n->ls)) {
        return false;
    }
    memset(e, 0, sizeof *e);
    e->bridge = ls->bridge;
    e->ip = n->ip;
    if (!list_is_empty(&n->rows)) {
        e->mac = container_of(list_front(&n->rows), struct neigh_row, key_node)
                     ->mac;
    } else {
        e->mac = n->learned_mac;
    }
    return true;
}

static void
log_refusal(const struct neigh *n, int error)
{
    char ip[HAL_IP_STRLEN];

    VLOG_WARN_RL(&rl, "neighbour %s: %s", hal_ip_format(&n->ip, ip),
                 hal_strerror(error));
}

/* Removes what 'n' programmed and should not have any more. */
static void
neigh_unprogram(struct vtep *vtep, struct neigh *n)
{
    struct hal_neigh_entry e = { .bridge = n->prog_bridge, .ip = n->ip };
    int error = hal_neigh_remove(vtep->hal, &e, 1, NULL);

    vtep_count_hal_call(vtep, 1, &error);
    if (error && error != -ENOENT) {
        log_refusal(n, error);
    }
    n->programmed = false;
}

static void
neigh_apply(struct vtep *vtep, struct neigh **keys,
            const struct hal_neigh_entry *entries, size_t n_entries)
{
    struct vtep_neigh_model *m = vtep->neigh;
    int *status = xcalloc(n_entries ? n_entries : 1, sizeof *status);
    size_t i;

    hal_neigh_set(vtep->hal, entries, n_entries, status);
    vtep_count_hal_call(vtep, n_entries, status);
    for (i = 0; i < n_entries; i++) {
        struct neigh *n = keys[i];

        if (!status[i]) {
            n->programmed = true;
            n->prog_bridge = entries[i].bridge;
            n->prog_mac = entries[i].mac;
        } else if (status[i] == -EOPNOTSUPP) {
            if (!m->unsupported) {
                VLOG_INFO("the %s backend has no neighbour table: ARP/ND "
                          "requests are flooded",
                          hal_backend_name(vtep->hal));
            }
            m->unsupported = true;
        } else if (status[i] == HAL_E_TABLE_FULL
                   || status[i] == HAL_E_BUCKET_FULL) {
            vtep_q_block(&m->blocked, &n->q);
        } else {
            log_refusal(n, status[i]);
        }
    }
    free(status);
}

void
vtep_neigh_run(struct vtep *vtep)
{
    struct vtep_neigh_model *m = vtep->neigh;
    size_t max = vtep_q_count(&m->dirty, vtep->batch);
    struct hal_neigh_entry *entries = xcalloc(max ? max : 1, sizeof *entries);
    struct neigh **keys = xcalloc(max ? max : 1, sizeof *keys);
    size_t n_entries = 0;

    while (n_entries < max && !list_is_empty(&m->dirty)) {
        struct neigh *n =
            container_of(list_front(&m->dirty), struct neigh, q.node);
        struct hal_neigh_entry e;
        bool want = !m->unsupported && neigh_desired(vtep, n, &e);

        vtep_q_idle(&n->q);
        if (n->programmed && (!want || e.bridge != n->prog_bridge)) {
            neigh_unprogram(vtep, n);
        }
        if (want
            && (!n->programmed
                || memcmp(&e.mac, &n->prog_mac, sizeof e.mac))) {
            keys[n_entries] = n;
            entries[n_entries++] = e;
        } else {
            neigh_gc(m, n);
        }
    }
    if (n_entries) {
        neigh_apply(vtep, keys, entries, n_entries);
        for (size_t i = 0; i < n_entries; i++) {
            neigh_gc(m, keys[i]);
        }
    }
    free(entries);
    free(keys);
}

bool
vtep_neigh_pending(const struct vtep *vtep)
{
    return !list_is_empty(&vtep->neigh->dirty);
}

bool
vtep_neigh_blocked(const struct vtep *vtep)
{
    return !list_is_empty(&vtep->neigh->blocked);
}
