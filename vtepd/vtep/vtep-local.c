/* SPDX-License-Identifier: Apache-2.0 */
/* HAL events become the rows the switch side owns for its MACs:
 *
 *   - a learned MAC is a Ucast_Macs_Local row whose locator is our own
 *     tunnel IP; aged or flushed, the row is deleted;
 *   - every logical switch bound to a local port has a Mcast_Macs_Local
 *     "unknown-dst" row pointing at our own locator, so that controllers
 *     send us its BUM traffic.
 *
 * Events only update 'want' of a keyed entry, so a MAC learned and aged
 * between two runs costs no transaction.  A full rebuild from the database
 * and a walk of the HAL's FDB (the "sweep") runs at start, after an event
 * overflow and after a rejected transaction (then after a backoff: see
 * vtep_txn_commit()). */
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "lib/hash.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_local);

#define UNKNOWN_DST "unknown-dst"

static struct vtep_ls *
ls_by_bridge(const struct vtep *vtep, hal_oid_t bridge)
{
    struct vtep_ls *ls;

    HMAP_FOR_EACH_WITH_HASH(ls, oid_node, hash_uint64(bridge, 0),
                            &vtep->ls_by_oid) {
        if (ls->bridge == bridge) {
            return ls;
        }
    }
    return NULL;
}

static struct vtep_local_mac *
local_mac_get(struct vtep *vtep, struct vtep_ls *ls, const struct hal_mac *mac)
{
    uint32_t hash = vtep_hash_ls_mac(&ls->uuid, mac);
    struct vtep_local_mac *lm;

    HMAP_FOR_EACH_WITH_HASH(lm, node, hash, &vtep->local_macs) {
        if (lm->ls == ls && !memcmp(&lm->mac, mac, sizeof *mac)) {
            return lm;
        }
    }
    lm = xzalloc(sizeof *lm);
    lm->ls = ls;
    ls->n_refs++;
    lm->mac = *mac;
    vtep_q_init(&lm->q);
    list_push_back(&ls->local_macs, &lm->ls_node);
    hmap_insert(&vtep->local_macs, &lm->node, hash);
    return lm;
}

static void
local_mac_want(struct vtep *vtep, struct vtep_local_mac *lm, bool want)
{
    lm->want = want;
    vtep_q_dirty(&vtep->local_dirty, &lm->q);
}

static uint32_t
local_ip_hash(const struct vtep_ls *ls, const struct hal_ip *ip)
{
    return hal_ip_hash(ip, uuid_hash(&ls->uuid));
}

/* Sets the learned address of 'lm' to 'ip', or with NULL clears it. */
static void
local_mac_set_ip(struct vtep *vtep, struct vtep_local_mac *lm,
                 const struct hal_ip *ip)
{
    if (lm->ip.family) {
        hmap_remove(&vtep->local_ips, &lm->ip_node);
        vtep_neigh_learned(vtep, &lm->ls->uuid, &lm->ip, NULL);
    }
    memset(&lm->ip, 0, sizeof lm->ip);
    if (ip) {
        lm->ip = *ip;
        hmap_insert(&vtep->local_ips, &lm->ip_node, local_ip_hash(lm->ls, ip));
        vtep_neigh_learned(vtep, &lm->ls->uuid, ip, &lm->mac);
    }
    vtep_q_dirty(&vtep->local_dirty, &lm->q);
}

static void
local_mac_free(struct vtep *vtep, struct vtep_local_mac *lm)
{
    if (lm->ip.family) {
        hmap_remove(&vtep->local_ips, &lm->ip_node);
        vtep_neigh_learned(vtep, &lm->ls->uuid, &lm->ip, NULL);
    }
    vtep_q_idle(&lm->q);
    list_remove(&lm->ls_node);
    hmap_remove(&vtep->local_macs, &lm->node);
    vtep_ls_unref(vtep, lm->ls);
    free(lm);
}

/* True if the Physical_Locator 'uuid' is vtepd's own: its tunnel IP.
 * The *_Macs_Local rows of other switches that share the database point
 * at theirs, and are left alone. */
static bool
locator_is_own(const struct vtep *vtep, const struct uuid *uuid)
{
    const struct ovsdb_row *row = ovsdb_table_find(vtep->s.locator, uuid);

    return row
           && !strcmp(ovsdb_row_get_string(row, vtep->s.locator_ip),
                      vtep->tunnel_ip_s);
}

/* True if the Physical_Locator_Set 'uuid' holds only vtepd's own
 * locator. */
static bool
set_is_own(const struct vtep *vtep, const struct uuid *uuid)
{
    const struct ovsdb_row *row = ovsdb_table_find(vtep->s.set, uuid);
    struct ovsdb_datum locators;

    if (!row) {
        return false;
    }
    ovsdb_row_get(row, vtep->s.set_locators, &locators);
    return locators.n == 1 && locator_is_own(vtep, &locators.keys[0].uuid);
}

/* Reads which logical switches have an "unknown-dst" Mcast_Macs_Local
 * row of ours, marking each such switch for a check of its row. */
static void
local_mml_scan(struct vtep *vtep)
{
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, vtep->s.mml) {
        struct uuid ls_uuid;
        struct vtep_ls *ls;

        struct uuid set;

        if (strcmp(ovsdb_row_get_string(row, vtep->s.mml_mac), UNKNOWN_DST)
            || !ovsdb_row_get_uuid(row, vtep->s.mml_set, &set)
            || !set_is_own(vtep, &set)) {
            continue;
        }
        ovsdb_row_get_uuid(row, vtep->s.mml_ls, &ls_uuid);
        ls = vtep_ls_ref(vtep, &ls_uuid);
        if (!ls->has_mml) {
            ls->has_mml = true;
            ls->mml_uuid = row->uuid;
            vtep_q_dirty(&vtep->local_ls_dirty, &ls->local_q);
        }
        vtep_ls_unref(vtep, ls);
    }
}

void
vtep_local_init(struct vtep *vtep)
{
    local_mml_scan(vtep);
    vtep->local_sweep = true;
}

/* ---- Events ---- */

static void
fdb_event(struct vtep *vtep, const struct hal_event *ev, bool want)
{
    struct vtep_ls *ls = ls_by_bridge(vtep, ev->fdb.bridge);

    if (ls) {
        local_mac_want(vtep, local_mac_get(vtep, ls, &ev->fdb.mac), want);
    }
}

/* IP learning: 'ev->neigh.ip' belongs to the learned MAC 'ev->neigh.mac'.
 * The newest binding wins: another local MAC of the switch that had the
 * address loses it, with a log line.  An address of a MAC that is not
 * learned (yet, or any more) is dropped; it comes again. */
static void
neigh_event(struct vtep *vtep, const struct hal_event *ev)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct vtep_ls *ls = ls_by_bridge(vtep, ev->neigh.bridge);
    const struct hal_ip *ip = &ev->neigh.ip;
    struct vtep_local_mac *lm, *owner = NULL;
    char s[HAL_IP_STRLEN];

    if (!ls) {
        return;
    }
    HMAP_FOR_EACH_WITH_HASH(lm, node,
                            vtep_hash_ls_mac(&ls->uuid, &ev->neigh.mac),
                            &vtep->local_macs) {
        if (lm->ls == ls && !memcmp(&lm->mac, &ev->neigh.mac, 6)) {
            owner = lm;
        }
    }
    if (!owner || !owner->want || hal_ip_equals(&owner->ip, ip)) {
        return;
    }
    HMAP_FOR_EACH_WITH_HASH(lm, ip_node, local_ip_hash(ls, ip),
                            &vtep->local_ips) {
        if (lm->ls == ls && hal_ip_equals(&lm->ip, ip)) {
            VLOG_INFO_RL(
                &rl, "%s: IP %s moves from " HAL_MAC_FMT " to " HAL_MAC_FMT,
                ls->name, hal_ip_format(ip, s), HAL_MAC_ARGS(&lm->mac),
                HAL_MAC_ARGS(&owner->mac));
            local_mac_set_ip(vtep, lm, NULL);
            break;
        }
    }
    local_mac_set_ip(vtep, owner, ip);
}

static void
resource_event(struct vtep *vtep, const struct hal_event *ev, bool freed)
{
    enum hal_table t = ev->resource.table;

    if (t >= HAL_TABLE_N) {
        return;
    }
    if (!freed) {
        VLOG_WARN("HAL %s table is full", hal_table_name(t));
    }
    vtep->exhausted[t] = !freed;
    if (freed) {
        vtep_q_unblock(&vtep->ls_blocked, &vtep->ls_dirty);
        vtep_q_unblock(&vtep->binding_blocked, &vtep->binding_dirty);
        vtep_q_unblock(&vtep->ucast_blocked, &vtep->ucast_dirty);
        vtep_q_unblock(&vtep->flood_blocked, &vtep->flood_dirty);
        vtep_q_unblock(&vtep->mcast_blocked, &vtep->mcast_dirty);
        vtep_neigh_unblock(vtep);
        vtep_lr_unblock(vtep);
        vtep_acl_unblock(vtep);
    }
}

/* The HAL event callback (see hal_set_event_cb()). */
void
vtep_local_on_events(const struct hal_event *events, size_t n, void *vtep_)
{
    struct vtep *vtep = vtep_;
    size_t i;

    for (i = 0; i < n; i++) {
        const struct hal_event *ev = &events[i];

        switch (ev->type) {
        case HAL_EVENT_FDB_LEARNED:
        case HAL_EVENT_FDB_MOVED:
            fdb_event(vtep, ev, true);
            break;
        case HAL_EVENT_FDB_AGED:
        case HAL_EVENT_FDB_FLUSHED:
            fdb_event(vtep, ev, false);
            break;
        case HAL_EVENT_RESOURCE_EXHAUSTED:
            resource_event(vtep, ev, false);
            break;
        case HAL_EVENT_RESOURCE_FREED:
            resource_event(vtep, ev, true);
            break;
        case HAL_EVENT_NEIGH_LEARNED:
            neigh_event(vtep, ev);
            break;
        case HAL_EVENT_OVERFLOW:
            VLOG_WARN("HAL lost %llu events: rebuilding local MACs",
                      (unsigned long long) ev->lost);
            vtep->local_sweep = true;
            break;
        case HAL_EVENT_PORT_STATE:
        default:
            break;
        }
    }
}

/* The bridge of 'ls' went away, and the HAL's learned entries with it. */
void
vtep_local_ls_gone(struct vtep *vtep, struct vtep_ls *ls)
{
    struct vtep_local_mac *lm;

    LIST_FOR_EACH(lm, ls_node, &ls->local_macs) {
        local_mac_want(vtep, lm, false);
    }
    vtep_q_dirty(&vtep->local_ls_dirty, &ls->local_q);
}

/* ---- The sweep ---- */

static void
sweep_fdb_cb(const struct hal_fdb_entry *e, void *vtep_)
{
    struct vtep *vtep = vtep_;
    struct vtep_ls *ls;

    if (e->type == HAL_FDB_LEARNED && (ls = ls_by_bridge(vtep, e->bridge))) {
        local_mac_want(vtep, local_mac_get(vtep, ls, &e->mac), true);
    }
}

/* Rebuilds the local MAC entries: what the database has, from
 * Ucast_Macs_Local and Mcast_Macs_Local, and what it should have, from the
 * HAL. */
static void
local_sweep(struct vtep *vtep, struct vtep_txn *t)
{
    struct uuid *duplicates = NULL;
    size_t n_duplicates = 0, allocated = 0;
    struct vtep_local_mac *lm;
    const struct ovsdb_row *row;
    struct vtep_ls *each;

    /* The unknown-dst rows too: a rejected transaction may have held one. */
    HMAP_FOR_EACH(each, node, &vtep->lss) {
        each->has_mml = false;
        vtep_q_dirty(&vtep->local_ls_dirty, &each->local_q);
    }
    local_mml_scan(vtep);
    HMAP_FOR_EACH(lm, node, &vtep->local_macs) {
        lm->in_db = false;
        local_mac_want(vtep, lm, false);
    }
    OVSDB_TABLE_FOR_EACH(row, vtep->s.uml) {
        struct uuid ls_uuid, locator;
        struct hal_mac mac;
        struct vtep_ls *ls;

        if (hal_mac_from_string(ovsdb_row_get_string(row, vtep->s.uml_mac),
                                &mac)
            || !ovsdb_row_get_uuid(row, vtep->s.uml_locator, &locator)
            || !locator_is_own(vtep, &locator)) {
            continue;
        }
        ovsdb_row_get_uuid(row, vtep->s.uml_ls, &ls_uuid);
        ls = vtep_ls_ref(vtep, &ls_uuid);
        lm = local_mac_get(vtep, ls, &mac);
        vtep_ls_unref(vtep, ls);
        if (lm->in_db) {
            /* A duplicate row: drop it (after the walk), keep the first. */
            if (n_duplicates >= allocated) {
                duplicates = x2nrealloc(duplicates, &allocated,
                                        n_duplicates + 1, sizeof *duplicates);
            }
            duplicates[n_duplicates++] = row->uuid;
            continue;
        }
        lm->in_db = true;
        lm->row_uuid = row->uuid;
        if (hal_ip_from_string(ovsdb_row_get_string(row, vtep->s.uml_ipaddr),
                               &lm->db_ip)) {
            memset(&lm->db_ip, 0, sizeof lm->db_ip);
        }
        local_mac_want(vtep, lm, false);
    }
    for (size_t i = 0; i < n_duplicates; i++) {
        vtep_txn_delete(t, vtep->s.uml, &duplicates[i]);
    }
    free(duplicates);
    hal_fdb_walk(vtep->hal, HAL_OID_NULL, sweep_fdb_cb, vtep);
}

/* ---- Writing rows ---- */

/* Inserts a row of 'table' with _uuid 'uuid' whose columns[] MAC,
 * logical_switch and locator (or locator_set) are 'mac', 'ls' and
 * 'locator': the shape of both *_Macs_Local tables. */
static void
insert_local_mac_row(struct vtep_txn *t, struct ovsdb_table *table,
                     const struct ovsdb_column *const columns[3],
                     const struct uuid *uuid, const char *mac,
                     const struct vtep_ls *ls, const struct uuid *locator)
{
    struct ovsdb_txn *txn = vtep_txn_get(t);
    struct ovsdb_row *row = ovsdb_txn_row_create(table);

    vtep_txn_check(t,
                   ovsdb_txn_write_string(txn, table, row, columns[0], mac));
    vtep_txn_check(
        t, ovsdb_txn_write_uuid(txn, table, row, columns[1], &ls->uuid));
    vtep_txn_check(t,
                   ovsdb_txn_write_uuid(txn, table, row, columns[2], locator));
    vtep_txn_insert(t, table, row, uuid);
}

/* The Physical_Locator and single-locator Physical_Locator_Set of our own
 * tunnel IP, found in the model or inserted by the transaction being
 * built. */
struct own {
    bool have_locator, have_set;
    struct uuid locator, set;
};

static const struct uuid *
own_locator(struct vtep *vtep, struct own *own, struct vtep_txn *t)
{
    struct ovsdb_table *table = vtep->s.locator;
    struct vtep_locator *loc;
    struct ovsdb_row *row;

    if (own->have_locator) {
        return &own->locator;
    }
    own->have_locator = true;
    HMAP_FOR_EACH(loc, node, &vtep->locators) {
        if (loc->present && loc->is_own) {
            own->locator = loc->uuid;
            return &own->locator;
        }
    }
    uuid_generate(&own->locator);
    row = ovsdb_txn_row_create(table);
    vtep_txn_check(t, ovsdb_txn_write_string(vtep_txn_get(t), table, row,
                                             vtep->s.locator_encap,
                                             "vxlan_over_ipv4"));
    vtep_txn_check(t, ovsdb_txn_write_string(vtep_txn_get(t), table, row,
                                             vtep->s.locator_ip,
                                             vtep->tunnel_ip_s));
    vtep_txn_insert(t, table, row, &own->locator);
    return &own->locator;
}

static const struct uuid *
own_set(struct vtep *vtep, struct own *own, struct vtep_txn *t)
{
    const struct uuid *locator = own_locator(vtep, own, t);
    struct ovsdb_table *table = vtep->s.set;
    struct vtep_set *set;
    struct ovsdb_row *row;

    if (own->have_set) {
        return &own->set;
    }
    own->have_set = true;
    HMAP_FOR_EACH(set, node, &vtep->sets) {
        if (set->present && set->n_locators == 1
            && uuid_equals(&set->locators[0]->uuid, locator)) {
            own->set = set->uuid;
            return &own->set;
        }
    }
    uuid_generate(&own->set);
    row = ovsdb_txn_row_create(table);
    vtep_txn_check(t,
                   ovsdb_txn_write_uuid_set(vtep_txn_get(t), table, row,
                                            vtep->s.set_locators, locator, 1));
    vtep_txn_insert(t, table, row, &own->set);
    return &own->set;
}

/* Writes 'lm->ip' into the 'ipaddr' of its row (in the transaction, which
 * may have inserted the row). */
static void
write_ipaddr(struct vtep *vtep, struct vtep_txn *t, struct vtep_local_mac *lm)
{
    struct ovsdb_row *row = vtep_txn_modify(t, vtep->s.uml, &lm->row_uuid);
    char ip[HAL_IP_STRLEN] = "";

    if (!row) {
        return;
    }
    if (lm->ip.family) {
        hal_ip_format(&lm->ip, ip);
    }
    vtep_txn_check(t, ovsdb_txn_write_string(vtep_txn_get(t), vtep->s.uml, row,
                                             vtep->s.uml_ipaddr, ip));
    lm->db_ip = lm->ip;
}

static void
local_macs_run(struct vtep *vtep, struct own *own, struct vtep_txn *t)
{
    const struct ovsdb_column *const columns[3] = { vtep->s.uml_mac,
                                                    vtep->s.uml_ls,
                                                    vtep->s.uml_locator };
    size_t n = 0;

    while (n++ < vtep->batch && !list_is_empty(&vtep->local_dirty)) {
        struct vtep_local_mac *lm = container_of(
            list_front(&vtep->local_dirty), struct vtep_local_mac, q.node);
        bool want = lm->want && lm->ls->bridge;

        vtep_q_idle(&lm->q);
        if (want && !lm->in_db) {
            char mac[18];

            snprintf(mac, sizeof mac, HAL_MAC_FMT, HAL_MAC_ARGS(&lm->mac));
            uuid_generate(&lm->row_uuid);
            insert_local_mac_row(t, vtep->s.uml, columns, &lm->row_uuid, mac,
                                 lm->ls, own_locator(vtep, own, t));
            lm->in_db = true;
            memset(&lm->db_ip, 0, sizeof lm->db_ip);
        } else if (!want && lm->in_db) {
            vtep_txn_delete(t, vtep->s.uml, &lm->row_uuid);
            lm->in_db = false;
        }
        if (want && !hal_ip_equals(&lm->ip, &lm->db_ip)) {
            write_ipaddr(vtep, t, lm);
        }
        if (!want) {
            local_mac_free(vtep, lm);
        }
    }
}

static void
local_ls_run(struct vtep *vtep, struct own *own, struct vtep_txn *t)
{
    const struct ovsdb_column *const columns[3] = { vtep->s.mml_mac,
                                                    vtep->s.mml_ls,
                                                    vtep->s.mml_set };

    while (!list_is_empty(&vtep->local_ls_dirty)) {
        struct vtep_ls *ls = container_of(list_front(&vtep->local_ls_dirty),
                                          struct vtep_ls, local_q.node);
        bool want = ls->present && ls->bridge && ls->n_bound;

        vtep_q_idle(&ls->local_q);
        if (want && !ls->has_mml) {
            uuid_generate(&ls->mml_uuid);
            insert_local_mac_row(t, vtep->s.mml, columns, &ls->mml_uuid,
                                 UNKNOWN_DST, ls, own_set(vtep, own, t));
            ls->has_mml = true;
        } else if (!want && ls->has_mml) {
            vtep_txn_delete(t, vtep->s.mml, &ls->mml_uuid);
            ls->has_mml = false;
        }
    }
}

/* Writes in 't' the *_Local changes that the HAL events since the last
 * call asked for. */
void
vtep_local_run(struct vtep *vtep, struct vtep_txn *t)
{
    struct own own = { .have_locator = false };

    if (vtep->local_sweep) {
        vtep->local_sweep = false;
        local_sweep(vtep, t);
    }
    local_ls_run(vtep, &own, t);
    local_macs_run(vtep, &own, t);
}

void
vtep_local_destroy(struct vtep *vtep)
{
    struct vtep_local_mac *lm;

    HMAP_FOR_EACH_SAFE(lm, node, &vtep->local_macs) {
        hmap_remove(&vtep->local_macs, &lm->node);
        if (lm->ip.family) {
            hmap_remove(&vtep->local_ips, &lm->ip_node);
        }
        free(lm);
    }
}
