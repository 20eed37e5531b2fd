/* SPDX-License-Identifier: Apache-2.0 */
/* Remote MACs: Physical_Locator and Physical_Locator_Set rows, and the
 * Ucast_Macs_Remote and Mcast_Macs_Remote rows that use them, become
 * static remote FDB entries, flood lists and multicast groups.
 *
 * Duplicate rows for one (logical switch, MAC) are legal: a key stays
 * programmed while any row wants it, and the oldest row wins. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "lib/vlog.h"
#include "lib/slab.h"
#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_macs);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

#define UNKNOWN_DST "unknown-dst"

/* ---- Physical_Locator ---- */

static struct vtep_locator *
locator_lookup(struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_locator *loc;

    HMAP_FOR_EACH_WITH_HASH(loc, node, uuid_hash(uuid), &vtep->locators) {
        if (uuid_equals(&loc->uuid, uuid)) {
            return loc;
        }
    }
    loc = xzalloc(sizeof *loc);
    loc->uuid = *uuid;
    list_init(&loc->umrs);
    hmap_insert(&vtep->locators, &loc->node, uuid_hash(uuid));
    return loc;
}

static struct vtep_locator *
locator_ref(struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_locator *loc = locator_lookup(vtep, uuid);

    loc->n_refs++;
    return loc;
}

static void
locator_gc(struct vtep *vtep, struct vtep_locator *loc)
{
    if (!loc->present && !loc->n_refs) {
        hmap_remove(&vtep->locators, &loc->node);
        free(loc);
    }
}

static void
locator_unref(struct vtep *vtep, struct vtep_locator *loc)
{
    loc->n_refs--;
    locator_gc(vtep, loc);
}

static void
locator_mark_users(struct vtep *vtep, struct vtep_locator *loc)
{
    struct vtep_umr *umr;

    LIST_FOR_EACH(umr, locator_node, &loc->umrs) {
        if (umr->ucast) {
            vtep_q_dirty(&vtep->ucast_dirty, &umr->ucast->q);
        }
    }
}

void
vtep_locator_row_changed(struct vtep *vtep, const struct ovsdb_row *old,
                         const struct ovsdb_row *new)
{
    static struct vlog_rate_limit lrl = VLOG_RATE_LIMIT_INIT(10, 10);
    const struct vtep_schema *s = &vtep->s;
    struct vtep_locator *loc =
        locator_lookup(vtep, new ? &new->uuid : &old->uuid);
    const char *ip;

    if (loc->present && !loc->ip_ok) {
        vtep->n_bad_locators--;
        vtep->switch_dirty = true;
    }
    if (!new) {
        loc->present = false;
        locator_gc(vtep, loc);
        return;
    }
    loc->present = true;
    ip = ovsdb_row_get_string(new, s->locator_ip);
    loc->ip_ok = inet_pton(AF_INET, ip, &loc->ip) == 1;
    if (!loc->ip_ok) {
        VLOG_WARN_RL(&lrl,
                     "physical locator with unusable IP \"%s\": not "
                     "programmed",
                     ip);
        vtep->n_bad_locators++;
        vtep->switch_dirty = true;
    }
    loc->has_key = ovsdb_row_get_integer(new, s->locator_key, &loc->key);
    loc->is_own = (loc->ip_ok && loc->ip.s_addr == vtep->tunnel_ip.s_addr
                   && !loc->has_key);
    locator_mark_users(vtep, loc);
}

/* ---- Physical_Locator_Set ---- */

static struct vtep_set *
set_lookup(struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_set *set;

    HMAP_FOR_EACH_WITH_HASH(set, node, uuid_hash(uuid), &vtep->sets) {
        if (uuid_equals(&set->uuid, uuid)) {
            return set;
        }
    }
    set = xzalloc(sizeof *set);
    set->uuid = *uuid;
    hmap_insert(&vtep->sets, &set->node, uuid_hash(uuid));
    return set;
}

static void
set_clear(struct vtep *vtep, struct vtep_set *set)
{
    size_t i;

    for (i = 0; i < set->n_locators; i++) {
        locator_unref(vtep, set->locators[i]);
    }
    free(set->locators);
    set->locators = NULL;
    set->n_locators = 0;
}

static void
set_gc(struct vtep *vtep, struct vtep_set *set)
{
    if (!set->present && !set->n_refs) {
        set_clear(vtep, set);
        hmap_remove(&vtep->sets, &set->node);
        free(set);
    }
}

/* Locator sets are immutable, so a set only ever appears and disappears;
 * the rows that use it are queued when they appear themselves. */
void
vtep_set_row_changed(struct vtep *vtep, const struct ovsdb_row *old,
                     const struct ovsdb_row *new)
{
    struct vtep_set *set = set_lookup(vtep, new ? &new->uuid : &old->uuid);
    struct ovsdb_datum d;
    unsigned int i;

    set_clear(vtep, set);
    if (!new) {
        set->present = false;
        set_gc(vtep, set);
        return;
    }
    set->present = true;
    ovsdb_row_get(new, vtep->s.set_locators, &d);
    set->locators = xcalloc(d.n, sizeof *set->locators);
    set->n_locators = d.n;
    for (i = 0; i < d.n; i++) {
        set->locators[i] = locator_ref(vtep, &d.keys[i].uuid);
    }
}

/* ---- Ucast_Macs_Remote ---- */

static struct vtep_ucast *
ucast_get(struct vtep *vtep, const struct uuid *ls_uuid,
          const struct hal_mac *mac)
{
    uint32_t hash = vtep_hash_ls_mac(ls_uuid, mac);
    struct vtep_ucast *uc;

    HMAP_FOR_EACH_WITH_HASH(uc, node, hash, &vtep->ucasts) {
        if (uuid_equals(&uc->ls->uuid, ls_uuid)
            && !memcmp(&uc->mac, mac, sizeof *mac)) {
            return uc;
        }
    }
    uc = slab_zalloc(sizeof *uc);
    uc->ls = vtep_ls_ref(vtep, ls_uuid);
    uc->mac = *mac;
    list_init(&uc->rows);
    vtep_q_init(&uc->q);
    list_push_back(&uc->ls->ucasts, &uc->ls_node);
    hmap_insert(&vtep->ucasts, &uc->node, hash);
    return uc;
}

static struct vtep_umr *
umr_find(const struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_umr *umr;

    HMAP_FOR_EACH_WITH_HASH(umr, node, uuid_hash(uuid), &vtep->umrs) {
        if (uuid_equals(&umr->uuid, uuid)) {
            return umr;
        }
    }
    return NULL;
}

static void
umr_destroy(struct vtep *vtep, struct vtep_umr *umr)
{
    if (umr->ucast) {
        list_remove(&umr->ucast_node);
        vtep_q_dirty(&vtep->ucast_dirty, &umr->ucast->q);
    } else {
        vtep->n_bad_rows--;
        vtep->switch_dirty = true;
    }
    list_remove(&umr->locator_node);
    locator_unref(vtep, umr->locator);
    hmap_remove(&vtep->umrs, &umr->node);
    slab_free(umr, sizeof *umr);
}

static void
umr_create(struct vtep *vtep, const struct ovsdb_row *row)
{
    const struct vtep_schema *s = &vtep->s;
    const char *mac_s = ovsdb_row_get_string(row, s->umr_mac);
    struct vtep_umr *umr = slab_zalloc(sizeof *umr);
    struct uuid ls_uuid, loc_uuid;
    struct hal_mac mac;

    umr->uuid = row->uuid;
    ovsdb_row_get_uuid(row, s->umr_ls, &ls_uuid);
    ovsdb_row_get_uuid(row, s->umr_locator, &loc_uuid);
    umr->locator = locator_ref(vtep, &loc_uuid);
    list_push_back(&umr->locator->umrs, &umr->locator_node);
    if (hal_mac_from_string(mac_s, &mac) || hal_mac_is_multicast(&mac)) {
        VLOG_WARN_RL(&rl,
                     "Ucast_Macs_Remote with unusable MAC \"%s\": not "
                     "programmed",
                     mac_s);
        vtep->n_bad_rows++;
        vtep->switch_dirty = true;
    } else {
        umr->ucast = ucast_get(vtep, &ls_uuid, &mac);
        list_push_back(&umr->ucast->rows, &umr->ucast_node);
        vtep_q_dirty(&vtep->ucast_dirty, &umr->ucast->q);
    }
    hmap_insert(&vtep->umrs, &umr->node, uuid_hash(&umr->uuid));
}

void
vtep_umr_row_changed(struct vtep *vtep, const struct ovsdb_row *old,
                     const struct ovsdb_row *new)
{
    vtep_neigh_umr_changed(vtep, old, new);
    if (old) {
        struct vtep_umr *umr = umr_find(vtep, &old->uuid);

        if (umr) {
            umr_destroy(vtep, umr);
        }
    }
    if (new) {
        umr_create(vtep, new);
    }
}

/* Fills '*e' with the entry 'uc' should have; false if none. */
static bool
ucast_desired(const struct vtep_ucast *uc, struct hal_fdb_entry *e)
{
    struct vtep_umr *umr;

    if (!uc->ls->bridge) {
        return false;
    }
    LIST_FOR_EACH(umr, ucast_node, &uc->rows) {
        const struct vtep_locator *loc = umr->locator;

        if (loc->present && loc->ip_ok
            && (!loc->has_key || (loc->key >= 0 && loc->key <= HAL_VNI_MAX))) {
            memset(e, 0, sizeof *e);
            e->bridge = uc->ls->bridge;
            e->mac = uc->mac;
            e->type = HAL_FDB_STATIC;
            e->remote = true;
            e->remote_ip = loc->ip;
            e->vni = loc->has_key ? (uint32_t) loc->key : HAL_VNI_NONE;
            return true;
        }
    }
    return false;
}

static void
ucast_done(struct vtep *vtep, struct vtep_ucast *uc)
{
    if (list_is_empty(&uc->rows) && !uc->programmed
        && uc->q.state == VTEP_Q_IDLE) {
        list_remove(&uc->ls_node);
        hmap_remove(&vtep->ucasts, &uc->node);
        vtep_ls_unref(vtep, uc->ls);
        slab_free(uc, sizeof *uc);
    }
}

static bool
is_resource_error(int error)
{
    return error == HAL_E_TABLE_FULL || error == HAL_E_BUCKET_FULL;
}

static void
ucast_set_result(struct vtep *vtep, struct vtep_ucast *uc,
                 const struct hal_fdb_entry *e, int error)
{
    if (!error) {
        uc->programmed = true;
        uc->prog_ip = e->remote_ip;
        uc->prog_vni = e->vni;
    } else if (is_resource_error(error)) {
        if (list_is_empty(&vtep->ucast_blocked)) {
            vtep->switch_dirty = true;
        }
        vtep_q_block(&vtep->ucast_blocked, &uc->q);
    } else {
        VLOG_WARN_RL(&rl, "remote MAC " HAL_MAC_FMT " in %s: %s",
                     HAL_MAC_ARGS(&uc->mac), uc->ls->name,
                     hal_strerror(error));
    }
}

/* Programs up to one batch of queued remote unicast MACs with one bulk set
 * and one bulk remove. */
void
vtep_ucast_run(struct vtep *vtep)
{
    size_t n_max = vtep_q_count(&vtep->ucast_dirty, vtep->batch);
    size_t n_set = 0, n_rm = 0, n_idle = 0, i;
    struct hal_fdb_entry *set, *rm;
    struct vtep_ucast **set_uc, **rm_uc, **idle;
    bool was_blocked = !list_is_empty(&vtep->ucast_blocked);
    int *status;

    if (!n_max) {
        return;
    }
    set = xcalloc(n_max, sizeof *set);
    rm = xcalloc(n_max, sizeof *rm);
    set_uc = xcalloc(n_max, sizeof *set_uc);
    rm_uc = xcalloc(n_max, sizeof *rm_uc);
    idle = xcalloc(n_max, sizeof *idle);
    status = xcalloc(n_max, sizeof *status);

    while (n_set + n_rm + n_idle < n_max
           && !list_is_empty(&vtep->ucast_dirty)) {
        struct vtep_ucast *uc = container_of(list_front(&vtep->ucast_dirty),
                                             struct vtep_ucast, q.node);
        struct hal_fdb_entry e;

        vtep_q_idle(&uc->q);
        if (ucast_desired(uc, &e)) {
            if (uc->programmed && uc->prog_ip.s_addr == e.remote_ip.s_addr
                && uc->prog_vni == e.vni) {
                idle[n_idle++] = uc;
            } else {
                set[n_set] = e;
                set_uc[n_set++] = uc;
            }
        } else if (uc->programmed) {
            memset(&rm[n_rm], 0, sizeof rm[n_rm]);
            rm[n_rm].bridge = uc->ls->bridge;
            rm[n_rm].mac = uc->mac;
            rm_uc[n_rm++] = uc;
        } else {
            idle[n_idle++] = uc;
        }
    }

    if (n_rm) {
        hal_fdb_remove(vtep->hal, rm, n_rm, status);
        vtep_count_hal_call(vtep, n_rm, status);
        for (i = 0; i < n_rm; i++) {
            rm_uc[i]->programmed = false;
            ucast_done(vtep, rm_uc[i]);
        }
    }
    if (n_set) {
        hal_fdb_set(vtep->hal, set, n_set, status);
        vtep_count_hal_call(vtep, n_set, status);
        for (i = 0; i < n_set; i++) {
            ucast_set_result(vtep, set_uc[i], &set[i], status[i]);
        }
    }
    for (i = 0; i < n_idle; i++) {
        ucast_done(vtep, idle[i]);
    }
    if (was_blocked != !list_is_empty(&vtep->ucast_blocked)) {
        vtep->switch_dirty = true;
    }
    free(set);
    free(rm);
    free(set_uc);
    free(rm_uc);
    free(idle);
    free(status);
}

/* ---- Mcast_Macs_Remote ---- */

static struct vtep_mcast *
mcast_get(struct vtep *vtep, struct vtep_ls *ls, const struct hal_mac *mac)
{
    uint32_t hash = vtep_hash_ls_mac(&ls->uuid, mac);
    struct vtep_mcast *mc;

    HMAP_FOR_EACH_WITH_HASH(mc, node, hash, &vtep->mcasts) {
        if (mc->ls == ls && !memcmp(&mc->mac, mac, sizeof *mac)) {
            return mc;
        }
    }
    mc = xzalloc(sizeof *mc);
    mc->ls = ls;
    ls->n_refs++;
    mc->mac = *mac;
    list_init(&mc->rows);
    vtep_q_init(&mc->q);
    list_push_back(&ls->mcasts, &mc->ls_node);
    hmap_insert(&vtep->mcasts, &mc->node, hash);
    return mc;
}

static struct vtep_mmr *
mmr_find(const struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_mmr *mmr;

    HMAP_FOR_EACH_WITH_HASH(mmr, node, uuid_hash(uuid), &vtep->mmrs) {
        if (uuid_equals(&mmr->uuid, uuid)) {
            return mmr;
        }
    }
    return NULL;
}

static void
mmr_mark(struct vtep *vtep, struct vtep_mmr *mmr)
{
    if (mmr->mcast) {
        vtep_q_dirty(&vtep->mcast_dirty, &mmr->mcast->q);
    } else {
        vtep_q_dirty(&vtep->flood_dirty, &mmr->ls->flood_q);
    }
}

static void
mmr_destroy(struct vtep *vtep, struct vtep_mmr *mmr)
{
    if (mmr->ls) {
        list_remove(&mmr->node_in_key);
        mmr_mark(vtep, mmr);
        vtep_ls_unref(vtep, mmr->ls);
    } else {
        vtep->n_bad_rows--;
        vtep->switch_dirty = true;
    }
    mmr->set->n_refs--;
    set_gc(vtep, mmr->set);
    hmap_remove(&vtep->mmrs, &mmr->node);
    free(mmr);
}

static void
mmr_create(struct vtep *vtep, const struct ovsdb_row *row)
{
    const struct vtep_schema *s = &vtep->s;
    const char *mac_s = ovsdb_row_get_string(row, s->mmr_mac);
    struct vtep_mmr *mmr = xzalloc(sizeof *mmr);
    struct uuid ls_uuid, set_uuid;
    struct hal_mac mac;

    mmr->uuid = row->uuid;
    ovsdb_row_get_uuid(row, s->mmr_set, &set_uuid);
    mmr->set = set_lookup(vtep, &set_uuid);
    mmr->set->n_refs++;
    ovsdb_row_get_uuid(row, s->mmr_ls, &ls_uuid);
    if (!strcmp(mac_s, UNKNOWN_DST)) {
        mmr->ls = vtep_ls_ref(vtep, &ls_uuid);
        list_push_back(&mmr->ls->flood_rows, &mmr->node_in_key);
    } else if (!hal_mac_from_string(mac_s, &mac)) {
        mmr->ls = vtep_ls_ref(vtep, &ls_uuid);
        mmr->mcast = mcast_get(vtep, mmr->ls, &mac);
        list_push_back(&mmr->mcast->rows, &mmr->node_in_key);
    } else {
        VLOG_WARN_RL(&rl,
                     "Mcast_Macs_Remote with unusable MAC \"%s\": not "
                     "programmed",
                     mac_s);
        vtep->n_bad_rows++;
        vtep->switch_dirty = true;
    }
    if (mmr->ls) {
        mmr_mark(vtep, mmr);
    }
    hmap_insert(&vtep->mmrs, &mmr->node, uuid_hash(&mmr->uuid));
}

void
vtep_mmr_row_changed(struct vtep *vtep, const struct ovsdb_row *old,
                     const struct ovsdb_row *new)
{
    if (old) {
        struct vtep_mmr *mmr = mmr_find(vtep, &old->uuid);

        if (mmr) {
            mmr_destroy(vtep, mmr);
        }
    }
    if (new) {
        mmr_create(vtep, new);
    }
}

/* ---- Remote lists ---- */

static int
compare_ip(const void *a_, const void *b_)
{
    uint32_t a = ntohl(((const struct in_addr *) a_)->s_addr);
    uint32_t b = ntohl(((const struct in_addr *) b_)->s_addr);

    return a < b ? -1 : a > b;
}

/* Moves to the front of the 'n' sorted 'remotes' the service node to use:
 * the lowest address whose BFD session forwards (or that has none), else
 * the lowest.  Returns 1, the length of the list that remains. */
static size_t
pick_service_node(const struct vtep *vtep, struct in_addr *remotes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool has_session;

        if (vtep_bfd_forwarding(vtep, remotes[i], &has_session)) {
            remotes[0] = remotes[i];
            break;
        }
    }
    return 1;
}

/* Computes the remote VTEPs of the rows on 'rows' (linked through
 * 'node_in_key'): every usable locator of their sets, sorted, without
 * duplicates or our own address; with service node replication, only the
 * first healthy one (pick_service_node()).  Returns the number stored in '*remotesp' (which the
 * caller frees). */
static size_t
remotes_from_rows(const struct vtep *vtep, const struct list *rows,
                  enum hal_replication replication, struct in_addr **remotesp)
{
    struct in_addr *remotes = NULL;
    size_t n = 0, allocated = 0, i, j;
    struct vtep_mmr *mmr;

    LIST_FOR_EACH(mmr, node_in_key, rows) {
        for (i = 0; i < mmr->set->n_locators; i++) {
            const struct vtep_locator *loc = mmr->set->locators[i];

            if (loc->present && loc->ip_ok
                && loc->ip.s_addr != vtep->tunnel_ip.s_addr) {
                remotes =
                    x2nrealloc(remotes, &allocated, n + 1, sizeof *remotes);
                remotes[n++] = loc->ip;
            }
        }
    }
    if (n) {
        qsort(remotes, n, sizeof *remotes, compare_ip);
        for (i = j = 1; i < n; i++) {
            if (remotes[i].s_addr != remotes[j - 1].s_addr) {
                remotes[j++] = remotes[i];
            }
        }
        n = j;
    }
    if (replication == HAL_REPLICATION_SERVICE_NODE && n > 1) {
        n = pick_service_node(vtep, remotes, n);
    }
    *remotesp = remotes;
    return n;
}

static bool
remotes_equal(const struct in_addr *a, size_t n_a, const struct in_addr *b,
              size_t n_b)
{
    return n_a == n_b && (!n_a || !memcmp(a, b, n_a * sizeof *a));
}

/* Programs the flood lists of the queued logical switches: unknown-dst
 * rows give the remote VTEPs for all three BUM traffic classes. */
void
vtep_flood_run(struct vtep *vtep)
{
    size_t n_max = vtep_q_count(&vtep->flood_dirty, vtep->batch / HAL_FLOOD_N)
                   * HAL_FLOOD_N;
    struct hal_flood_group *groups;
    struct vtep_ls **group_ls;
    struct in_addr **lists;
    size_t n = 0, n_ls = 0, i;
    int *status;

    if (!n_max) {
        return;
    }
    groups = xcalloc(n_max, sizeof *groups);
    group_ls = xcalloc(n_max, sizeof *group_ls);
    lists = xcalloc(n_max, sizeof *lists);
    status = xcalloc(n_max, sizeof *status);

    while (n + HAL_FLOOD_N <= n_max && !list_is_empty(&vtep->flood_dirty)) {
        struct vtep_ls *ls = container_of(list_front(&vtep->flood_dirty),
                                          struct vtep_ls, flood_q.node);
        struct in_addr *remotes;
        size_t n_remotes;
        int type;

        vtep_q_idle(&ls->flood_q);
        if (!ls->bridge) {
            continue;
        }
        n_remotes = remotes_from_rows(vtep, &ls->flood_rows,
                                      ls->programmed.replication, &remotes);
        if (remotes_equal(remotes, n_remotes, ls->flood, ls->n_flood)) {
            free(remotes);
            continue;
        }
        for (type = 0; type < HAL_FLOOD_N; type++) {
            groups[n] = (struct hal_flood_group){
                .bridge = ls->bridge,
                .type = type,
                .remotes = remotes,
                .n_remotes = n_remotes,
            };
            group_ls[n++] = ls;
        }
        lists[n_ls++] = remotes;
    }
    if (n) {
        hal_flood_set(vtep->hal, groups, n, status);
        vtep_count_hal_call(vtep, n, status);
    }
    for (i = 0; i < n; i += HAL_FLOOD_N) {
        struct vtep_ls *ls = group_ls[i];
        int error = status[i]       ? status[i]
                    : status[i + 1] ? status[i + 1]
                                    : status[i + 2];

        if (!error) {
            free(ls->flood);
            ls->n_flood = groups[i].n_remotes;
            ls->flood =
                xmemdup(groups[i].remotes, ls->n_flood * sizeof *ls->flood);
        } else if (is_resource_error(error)) {
            vtep_q_block(&vtep->flood_blocked, &ls->flood_q);
        } else {
            VLOG_WARN_RL(&rl, "flood list of %s: %s", ls->name,
                         hal_strerror(error));
        }
    }
    for (i = 0; i < n_ls; i++) {
        free(lists[i]);
    }
    free(groups);
    free(group_ls);
    free(lists);
    free(status);
}

static void
mcast_done(struct vtep *vtep, struct vtep_mcast *mc)
{
    if (list_is_empty(&mc->rows) && !mc->prog && mc->q.state == VTEP_Q_IDLE) {
        list_remove(&mc->ls_node);
        hmap_remove(&vtep->mcasts, &mc->node);
        vtep_ls_unref(vtep, mc->ls);
        free(mc);
    }
}

/* Programs the queued multicast groups (bridge, MAC) -> remote VTEPs. */
void
vtep_mcast_run(struct vtep *vtep)
{
    size_t n_max = vtep_q_count(&vtep->mcast_dirty, vtep->batch);
    size_t n_set = 0, n_rm = 0, n_idle = 0, i;
    struct hal_flood_group *set, *rm;
    struct vtep_mcast **set_mc, **rm_mc, **idle;
    int *status;

    if (!n_max) {
        return;
    }
    set = xcalloc(n_max, sizeof *set);
    rm = xcalloc(n_max, sizeof *rm);
    set_mc = xcalloc(n_max, sizeof *set_mc);
    rm_mc = xcalloc(n_max, sizeof *rm_mc);
    idle = xcalloc(n_max, sizeof *idle);
    status = xcalloc(n_max, sizeof *status);

    while (n_set + n_rm + n_idle < n_max
           && !list_is_empty(&vtep->mcast_dirty)) {
        struct vtep_mcast *mc = container_of(list_front(&vtep->mcast_dirty),
                                             struct vtep_mcast, q.node);
        struct in_addr *remotes = NULL;
        size_t n_remotes = 0;

        vtep_q_idle(&mc->q);
        if (mc->ls->bridge) {
            n_remotes = remotes_from_rows(
                vtep, &mc->rows, mc->ls->programmed.replication, &remotes);
        }
        if (n_remotes
            && !remotes_equal(remotes, n_remotes, mc->prog, mc->n_prog)) {
            set[n_set] = (struct hal_flood_group){
                .bridge = mc->ls->bridge,
                .mac = mc->mac,
                .remotes = remotes,
                .n_remotes = n_remotes,
            };
            set_mc[n_set++] = mc;
            continue;
        }
        free(remotes);
        if (!n_remotes && mc->prog) {
            rm[n_rm] = (struct hal_flood_group){ .bridge = mc->ls->bridge,
                                                 .mac = mc->mac };
            rm_mc[n_rm++] = mc;
        } else {
            idle[n_idle++] = mc;
        }
    }
    if (n_rm) {
        hal_mcast_remove(vtep->hal, rm, n_rm, status);
        vtep_count_hal_call(vtep, n_rm, status);
        for (i = 0; i < n_rm; i++) {
            free(rm_mc[i]->prog);
            rm_mc[i]->prog = NULL;
            rm_mc[i]->n_prog = 0;
            mcast_done(vtep, rm_mc[i]);
        }
    }
    if (n_set) {
        hal_mcast_set(vtep->hal, set, n_set, status);
        vtep_count_hal_call(vtep, n_set, status);
        for (i = 0; i < n_set; i++) {
            struct vtep_mcast *mc = set_mc[i];

            if (!status[i]) {
                free(mc->prog);
                mc->prog = (struct in_addr *) set[i].remotes;
                mc->n_prog = set[i].n_remotes;
                continue;
            } else if (is_resource_error(status[i])) {
                vtep_q_block(&vtep->mcast_blocked, &mc->q);
            } else {
                VLOG_WARN_RL(&rl, "multicast group " HAL_MAC_FMT " in %s: %s",
                             HAL_MAC_ARGS(&mc->mac), mc->ls->name,
                             hal_strerror(status[i]));
            }
            free((struct in_addr *) set[i].remotes);
        }
    }
    for (i = 0; i < n_idle; i++) {
        mcast_done(vtep, idle[i]);
    }
    free(set);
    free(rm);
    free(set_mc);
    free(rm_mc);
    free(idle);
    free(status);
}

/* Frees the locator, set and remote MAC model (not the HAL state). */
void
vtep_macs_model_destroy(struct vtep *vtep)
{
    struct vtep_umr *umr;
    struct vtep_mmr *mmr;
    struct vtep_ucast *uc;
    struct vtep_mcast *mc;
    struct vtep_set *set;
    struct vtep_locator *loc;

    HMAP_FOR_EACH_SAFE(umr, node, &vtep->umrs) {
        hmap_remove(&vtep->umrs, &umr->node);
        slab_free(umr, sizeof *umr);
    }
    HMAP_FOR_EACH_SAFE(mmr, node, &vtep->mmrs) {
        hmap_remove(&vtep->mmrs, &mmr->node);
        free(mmr);
    }
    HMAP_FOR_EACH_SAFE(uc, node, &vtep->ucasts) {
        hmap_remove(&vtep->ucasts, &uc->node);
        slab_free(uc, sizeof *uc);
    }
    HMAP_FOR_EACH_SAFE(mc, node, &vtep->mcasts) {
        hmap_remove(&vtep->mcasts, &mc->node);
        free(mc->prog);
        free(mc);
    }
    HMAP_FOR_EACH_SAFE(set, node, &vtep->sets) {
        hmap_remove(&vtep->sets, &set->node);
        free(set->locators);
        free(set);
    }
    HMAP_FOR_EACH_SAFE(loc, node, &vtep->locators) {
        hmap_remove(&vtep->locators, &loc->node);
        free(loc);
    }
}
