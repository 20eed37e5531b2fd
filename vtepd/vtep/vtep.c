/* SPDX-License-Identifier: Apache-2.0 */
/* The reconciler's lifecycle, its commit hook and its main loop step. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "lib/hash.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep);

/* ---- Logical switch references ---- */

/* Returns the logical switch with 'uuid', creating a placeholder if the row
 * has not been seen yet, with one more reference. */
struct vtep_ls *
vtep_ls_ref(struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_ls *ls;

    HMAP_FOR_EACH_WITH_HASH(ls, node, uuid_hash(uuid), &vtep->lss) {
        if (uuid_equals(&ls->uuid, uuid)) {
            ls->n_refs++;
            return ls;
        }
    }
    ls = xzalloc(sizeof *ls);
    ls->uuid = *uuid;
    ls->n_refs = 1;
    ls->name = xstrdup("");
    ls->bridge = HAL_OID_NULL;
    vtep_q_init(&ls->q);
    vtep_q_init(&ls->flood_q);
    vtep_q_init(&ls->local_q);
    list_init(&ls->ucasts);
    list_init(&ls->mcasts);
    list_init(&ls->claims);
    list_init(&ls->flood_rows);
    list_init(&ls->local_macs);
    hmap_insert(&vtep->lss, &ls->node, uuid_hash(uuid));
    return ls;
}

/* Drops a reference; an unreferenced logical switch whose row is gone is
 * freed by the next vtep_run(), once its bridge is removed. */
void
vtep_ls_unref(struct vtep *vtep, struct vtep_ls *ls)
{
    ASSERT(ls->n_refs > 0);
    if (!--ls->n_refs && !ls->present) {
        vtep_q_dirty(&vtep->ls_dirty, &ls->q);
    }
}

void
vtep_count_hal_call(struct vtep *vtep, size_t n_entries, const int *status)
{
    size_t i;

    vtep->stats.hal_calls++;
    vtep->stats.hal_entries += n_entries;
    for (i = 0; status && i < n_entries; i++) {
        if (status[i]) {
            vtep->stats.hal_failures++;
        }
    }
}

/* ---- Following the database ---- */

typedef void row_changed_fn(struct vtep *, const struct ovsdb_row *old,
                            const struct ovsdb_row *new);

static row_changed_fn *
handler_for(const struct vtep *vtep, const struct ovsdb_table *table)
{
    const struct vtep_schema *s = &vtep->s;

    if (table == s->ls) {
        return vtep_ls_row_changed;
    } else if (table == s->port) {
        return vtep_port_row_changed;
    } else if (table == s->locator) {
        return vtep_locator_row_changed;
    } else if (table == s->set) {
        return vtep_set_row_changed;
    } else if (table == s->umr) {
        return vtep_umr_row_changed;
    } else if (table == s->mmr) {
        return vtep_mmr_row_changed;
    }
    return NULL;
}

/* Makes room in the mirror's biggest maps for the rows 'cs' inserts, so
 * that a large transaction grows each of them once rather than doubling
 * it over and over. */
static void
vtep_reserve(struct vtep *vtep, const struct ovsdb_changeset *cs)
{
    size_t n_umr = 0, i;

    if (cs->n_changes < 1024) {
        return;
    }
    for (i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];

        n_umr += c->table == vtep->s.umr && !c->old;
    }
    if (n_umr) {
        hmap_reserve(&vtep->umrs, hmap_count(&vtep->umrs) + n_umr);
        hmap_reserve(&vtep->ucasts, hmap_count(&vtep->ucasts) + n_umr);
    }
}

/* Starts loading what handling change 'c' will read: in 'stage' 0 its
 * row, in stage 1 (a few changes later, once the row has arrived) the
 * strings and hash buckets the row leads to, in stage 2 the bucket its MAC
 * leads to. */
static void
vtep_prefetch_change(const struct vtep *vtep, const struct ovsdb_row_change *c,
                     int stage)
{
    const struct ovsdb_row *row = c->new;

    if (c->table != vtep->s.umr || !row || c->old) {
        return;
    }
    if (stage == 0) {
        __builtin_prefetch(row);
        __builtin_prefetch((const char *) row + 64);
        __builtin_prefetch((const char *) row + 128);
    } else if (stage == 2) {
        /* The MAC has arrived: the bucket its entry goes in. */
        struct uuid ls_uuid;
        struct hal_mac mac;

        if (ovsdb_row_get_uuid(row, vtep->s.umr_ls, &ls_uuid)
            && !hal_mac_from_string(ovsdb_row_get_string(row, vtep->s.umr_mac),
                                    &mac)) {
            __builtin_prefetch(
                &vtep->ucasts.buckets[vtep_hash_ls_mac(&ls_uuid, &mac)
                                      & vtep->ucasts.mask]);
        }
    } else {
        struct ovsdb_datum mac;

        ovsdb_row_get(row, vtep->s.umr_mac, &mac);
        if (mac.n) {
            __builtin_prefetch(mac.keys[0].string);
        }
        __builtin_prefetch(
            &vtep->umrs.buckets[uuid_hash(&row->uuid) & vtep->umrs.mask], 1);
    }
}

/* The commit hook: updates the mirror and queues work, nothing more.
 *
 * The reconciler's own commits (origin 'vtep') come through here too, as
 * every other observer sees them.  Of what they change, the mirror needs
 * only our own Physical_Locator and Physical_Locator_Set (which the table
 * handlers take as from anyone; Physical_Port changes of status columns
 * stop there too); the fault statuses and the Physical_Switch columns they
 * write are already known, so they queue nothing. */
static void
vtep_on_commit(const struct ovsdb_changeset *cs, void *vtep_)
{
    struct vtep *vtep = vtep_;
    bool own = cs->origin == vtep;
    bool ps_changed = false;
    size_t i;

    vtep->stats.commits_seen++;
    vtep_reserve(vtep, cs);
    for (i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];
        row_changed_fn *fn = handler_for(vtep, c->table);

        if (i + 8 < cs->n_changes) {
            vtep_prefetch_change(vtep, &cs->changes[i + 8], 0);
        }
        if (i + 4 < cs->n_changes) {
            vtep_prefetch_change(vtep, &cs->changes[i + 4], 1);
        }
        if (i + 2 < cs->n_changes) {
            vtep_prefetch_change(vtep, &cs->changes[i + 2], 2);
        }

        vtep_tunnels_note_change(vtep, c->table);
        vtep_bfd_note_change(vtep, c, own);
        if (!own) {
            vtep_lr_note_change(vtep, c->table);
        }
        ps_changed |= c->table == vtep->s.ps;
        vtep_acl_note_change(vtep, c, own);
        if (fn) {
            fn(vtep, c->old, c->new);
        } else if (own) {
            continue;
        } else if (c->table == vtep->s.ps) {
            vtep->aging_dirty = true;
        }
    }
    if (ps_changed) {
        vtep_ports_rescan(vtep);
    }
}

/* Feeds every existing row of the tables the reconciler follows through
 * the commit hook's handlers, as if just inserted. */
static void
vtep_load(struct vtep *vtep)
{
    struct ovsdb_table *tables[] = {
        vtep->s.ls,   vtep->s.locator, vtep->s.set,
        vtep->s.port, vtep->s.umr,     vtep->s.mmr,
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(tables); i++) {
        row_changed_fn *fn = handler_for(vtep, tables[i]);
        struct ovsdb_row *row;

        OVSDB_TABLE_FOR_EACH(row, tables[i]) {
            fn(vtep, NULL, row);
        }
    }
    vtep->switch_dirty = true;
}

/* ---- Lifecycle ---- */

static int
vtep_check_config(const struct vtep_config *config, struct in_addr *ip)
{
    if (!config->switch_name || !config->switch_name[0] || !config->tunnel_ip
        || inet_pton(AF_INET, config->tunnel_ip, ip) != 1) {
        return -EINVAL;
    }
    return 0;
}

static void
vtep_init_containers(struct vtep *vtep)
{
    struct hmap *maps[] = {
        &vtep->lss,      &vtep->ls_by_oid, &vtep->ports,      &vtep->bindings,
        &vtep->locators, &vtep->sets,      &vtep->umrs,       &vtep->ucasts,
        &vtep->mmrs,     &vtep->mcasts,    &vtep->local_macs, &vtep->local_ips,
    };
    struct list *lists[] = {
        &vtep->ls_dirty,        &vtep->binding_dirty, &vtep->ucast_dirty,
        &vtep->flood_dirty,     &vtep->mcast_dirty,   &vtep->fault_dirty,
        &vtep->local_ls_dirty,  &vtep->local_dirty,   &vtep->ls_blocked,
        &vtep->binding_blocked, &vtep->ucast_blocked, &vtep->flood_blocked,
        &vtep->mcast_blocked,
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(maps); i++) {
        hmap_init(maps[i]);
    }
    for (i = 0; i < ARRAY_SIZE(lists); i++) {
        list_init(lists[i]);
    }
}

int
vtep_create(struct ovsdb_db *db, struct hal *hal,
            const struct vtep_config *config, struct vtep **vtepp)
{
    struct hal_switch_config sw;
    struct vtep *vtep;
    struct in_addr ip;
    int error;

    *vtepp = NULL;
    if (vtep_check_config(config, &ip)) {
        return -EINVAL;
    }

    vtep = xzalloc(sizeof *vtep);
    vtep->db = db;
    vtep->hal = hal;
    vtep->tunnel_ip = ip;
    vtep->switch_name = xstrdup(config->switch_name);
    vtep->tunnel_ip_s = xstrdup(config->tunnel_ip);
    vtep->management_ip =
        config->management_ip ? xstrdup(config->management_ip) : NULL;
    vtep->description =
        config->description ? xstrdup(config->description) : NULL;
    vtep->batch = config->batch ? config->batch : VTEP_DEFAULT_BATCH;
    vtep->stats_interval_ms =
        (config->stats_interval_ms > 0 ? config->stats_interval_ms
                                       : VTEP_DEFAULT_STATS_INTERVAL_MS);
    vtep_init_containers(vtep);

    error = vtep_schema_init(&vtep->s, db);
    if (!error) {
        error = vtep_neigh_init(vtep);
    }
    if (!error) {
        error = vtep_tunnels_init(vtep);
    }
    if (!error) {
        error = vtep_bfd_init(vtep);
    }
    if (!error) {
        error = vtep_lr_init(vtep);
    }
    if (!error) {
        error = vtep_acl_init(vtep);
    }
    if (!error) {
        error = vtep_switch_init(vtep, config);
    }
    if (!error) {
        hal_switch_get(hal, &sw);
        sw.tunnel_src = ip;
        sw.vxlan_port = sw.vxlan_port ? sw.vxlan_port : 4789;
        error = hal_switch_set(hal, &sw);
    }
    if (error) {
        vtep_destroy(vtep);
        return error;
    }

    vtep->hook = ovsdb_db_add_commit_hook(db, vtep_on_commit, vtep);
    vtep_load(vtep);
    vtep->aging_dirty = true;
    vtep_local_init(vtep);
    hal_set_event_cb(hal, vtep_local_on_events, vtep);
    if (hal_is_warm(hal) && !hal_resync_begin(hal)) {
        VLOG_INFO("warm start: replaying desired state into the HAL");
        vtep->resyncing = true;
    }
    *vtepp = vtep;
    return 0;
}

void
vtep_destroy(struct vtep *vtep)
{
    if (!vtep) {
        return;
    }
    if (vtep->hook) {
        ovsdb_db_remove_commit_hook(vtep->db, vtep->hook);
        hal_set_event_cb(vtep->hal, NULL, NULL);
    }
    vtep_local_destroy(vtep);
    vtep_neigh_destroy(vtep);
    vtep_tunnels_destroy(vtep);
    vtep_bfd_destroy(vtep);
    vtep_lr_destroy(vtep);
    vtep_acl_destroy(vtep);
    vtep_macs_model_destroy(vtep);
    vtep_ls_model_destroy(vtep);

    hmap_destroy(&vtep->lss);
    hmap_destroy(&vtep->ls_by_oid);
    hmap_destroy(&vtep->ports);
    hmap_destroy(&vtep->bindings);
    hmap_destroy(&vtep->locators);
    hmap_destroy(&vtep->sets);
    hmap_destroy(&vtep->umrs);
    hmap_destroy(&vtep->ucasts);
    hmap_destroy(&vtep->mmrs);
    hmap_destroy(&vtep->mcasts);
    hmap_destroy(&vtep->local_macs);
    hmap_destroy(&vtep->local_ips);
    free(vtep->switch_name);
    free(vtep->tunnel_ip_s);
    free(vtep->management_ip);
    free(vtep->description);
    free(vtep);
}

/* ---- Running ---- */

static bool
hal_work_pending(const struct vtep *vtep)
{
    return vtep->aging_dirty || !list_is_empty(&vtep->ls_dirty)
           || !list_is_empty(&vtep->binding_dirty)
           || !list_is_empty(&vtep->ucast_dirty)
           || !list_is_empty(&vtep->flood_dirty)
           || !list_is_empty(&vtep->mcast_dirty) || vtep_neigh_pending(vtep)
           || vtep_lr_pending(vtep) || vtep_acl_pending(vtep);
}

static bool
db_work_pending(const struct vtep *vtep)
{
    return !list_is_empty(&vtep->fault_dirty)
           || !list_is_empty(&vtep->local_ls_dirty)
           || !list_is_empty(&vtep->local_dirty) || vtep->switch_dirty
           || vtep->local_sweep || vtep_tunnels_pending(vtep)
           || vtep_acl_faults_pending(vtep);
}

void
vtep_run(struct vtep *vtep, int64_t now_ms)
{
    struct vtep_txn t = VTEP_TXN_INIT(vtep);

    vtep->now_ms = now_ms;
    hal_run(vtep->hal, now_ms);

    vtep_aging_run(vtep);
    vtep_ls_run(vtep);
    vtep_bindings_run(vtep);
    vtep_ucast_run(vtep);
    vtep_flood_run(vtep);
    vtep_mcast_run(vtep);
    vtep_neigh_run(vtep);
    vtep_lr_run(vtep);
    vtep_acl_run(vtep);

    if (vtep->resyncing && !hal_work_pending(vtep)) {
        int error = hal_resync_end(vtep->hal);

        if (error) {
            VLOG_WARN("ending the HAL resync failed: %s", hal_strerror(error));
        }
        vtep->resyncing = false;
        VLOG_INFO("warm start: HAL resynchronised");
    }

    /* The database's side: skipped while a refused commit's backoff runs
     * (vtep_txn_commit() has scheduled everything to be derived again). */
    if (!vtep->resyncing && vtep_db_writable(vtep, now_ms)) {
        vtep_local_run(vtep, &t);
        vtep_txn_commit(&t);
    }
    if (vtep->db_port_fault_end_ms && now_ms >= vtep->db_port_fault_end_ms) {
        /* A port's refused-writes fault has run its course. */
        struct vtep_port *port;

        vtep->db_port_fault_end_ms = 0;
        HMAP_FOR_EACH(port, node, &vtep->ports) {
            vtep_q_dirty(&vtep->fault_dirty, &port->fault_q);
        }
    }
    if (vtep_db_writable(vtep, now_ms)) {
        vtep_tunnels_run(vtep, &t);
        vtep_txn_commit(&t);
        vtep_bfd_run(vtep, &t);
        vtep_txn_commit(&t);
        vtep_lr_faults_run(vtep, &t);
        vtep_faults_run(vtep, &t);
        vtep_txn_commit(&t);
    }
    if (now_ms >= vtep->next_stats_ms && vtep_db_writable(vtep, now_ms)) {
        vtep_stats_run(vtep, &t);
        vtep_txn_commit(&t);
        vtep->next_stats_ms = now_ms + vtep->stats_interval_ms;
    }
}

int64_t
vtep_next_wake(const struct vtep *vtep)
{
    int64_t wake;

    if (hal_work_pending(vtep) || vtep->resyncing) {
        return vtep->now_ms;
    }
    wake = MIN(hal_next_wake(vtep->hal), vtep_bfd_next_wake(vtep));
    if (vtep->db_port_fault_end_ms) {
        wake = MIN(wake, vtep->db_port_fault_end_ms);
    }
    if (!vtep_db_writable(vtep, vtep->now_ms)) {
        return MIN(wake, vtep->db_retry_ms);
    } else if (db_work_pending(vtep)) {
        return vtep->now_ms;
    }
    return MIN(wake, vtep->next_stats_ms);
}

void
vtep_get_stats(const struct vtep *vtep, struct vtep_stats *stats)
{
    const struct list *dirty[] = {
        &vtep->ls_dirty,    &vtep->binding_dirty, &vtep->ucast_dirty,
        &vtep->flood_dirty, &vtep->mcast_dirty,
    };
    const struct list *blocked[] = {
        &vtep->ls_blocked,    &vtep->binding_blocked, &vtep->ucast_blocked,
        &vtep->flood_blocked, &vtep->mcast_blocked,
    };
    size_t i;

    *stats = vtep->stats;
    stats->pending = stats->blocked = 0;
    for (i = 0; i < ARRAY_SIZE(dirty); i++) {
        stats->pending += list_size(dirty[i]);
        stats->blocked += list_size(blocked[i]);
    }
}
