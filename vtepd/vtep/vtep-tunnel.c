/* SPDX-License-Identifier: Apache-2.0 */
/* Tunnel rows: one per remote locator in use, as ovs-vtep keeps them.
 *
 * A remote Physical_Locator is in use while a Ucast_Macs_Remote row points
 * at it or a Mcast_Macs_Remote row's locator set holds it.  For each one
 * the switch keeps a Tunnel row in its Physical_Switch.tunnels, with
 * 'local' our own locator and 'remote' that one.  A row a controller made
 * for the remote is adopted rather than duplicated.  When the last use of a
 * remote goes, its Tunnel row goes too; a row for a remote that has never
 * been in use is the controller's business and stays.
 *
 * The work is done from vtep_run() after a commit touched the tables that
 * decide it, in one transaction of its own, so that our own locator is
 * already in the model if vtep-local.c just inserted it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_tunnel);

/* A set of uuids. */
struct uuid_node {
    struct hmap_node node;
    struct uuid uuid;
};

struct vtep_tunnels {
    struct ovsdb_table *table, *ps;
    const struct ovsdb_column *ps_tunnels, *local, *remote;
    struct hmap in_use; /* Remote locators in use at the last run. */
    bool dirty;
};

static bool
uuid_set_contains(const struct hmap *set, const struct uuid *uuid)
{
    const struct uuid_node *n;

    HMAP_FOR_EACH_WITH_HASH(n, node, uuid_hash(uuid), set) {
        if (uuid_equals(&n->uuid, uuid)) {
            return true;
        }
    }
    return false;
}

static void
uuid_set_insert(struct hmap *set, const struct uuid *uuid)
{
    struct uuid_node *n;

    if (!uuid_set_contains(set, uuid)) {
        n = xmalloc(sizeof *n);
        n->uuid = *uuid;
        hmap_insert(set, &n->node, uuid_hash(uuid));
    }
}

static void
uuid_set_clear(struct hmap *set)
{
    struct uuid_node *n;

    HMAP_FOR_EACH_SAFE(n, node, set) {
        hmap_remove(set, &n->node);
        free(n);
    }
}

int
vtep_tunnels_init(struct vtep *vtep)
{
    struct vtep_tunnels *vt = xzalloc(sizeof *vt);

    hmap_init(&vt->in_use);
    vt->ps = vtep->s.ps;
    vt->table = ovsdb_db_find_table(vtep->db, "Tunnel");
    vtep->tunnels = vt;
    if (!vt->table) {
        return -EINVAL;
    }
    vt->ps_tunnels = ovsdb_table_schema_find_column(vt->ps->schema, "tunnels");
    vt->local = ovsdb_table_schema_find_column(vt->table->schema, "local");
    vt->remote = ovsdb_table_schema_find_column(vt->table->schema, "remote");
    vt->dirty = true;
    return vt->ps_tunnels && vt->local && vt->remote ? 0 : -EINVAL;
}

void
vtep_tunnels_destroy(struct vtep *vtep)
{
    struct vtep_tunnels *vt = vtep->tunnels;

    if (vt) {
        uuid_set_clear(&vt->in_use);
        hmap_destroy(&vt->in_use);
        free(vt);
        vtep->tunnels = NULL;
    }
}

void
vtep_tunnels_note_change(struct vtep *vtep, const struct ovsdb_table *table)
{
    const struct vtep_schema *s = &vtep->s;
    struct vtep_tunnels *vt = vtep->tunnels;

    if (vt
        && (table == s->locator || table == s->set || table == s->umr
            || table == s->mmr || table == s->ps || table == vt->table)) {
        vt->dirty = true;
    }
}

bool
vtep_tunnels_pending(const struct vtep *vtep)
{
    return vtep->tunnels && vtep->tunnels->dirty;
}

/* Returns true if 'loc' is a usable locator of another VTEP. */
static bool
is_remote(const struct vtep *vtep, const struct vtep_locator *loc)
{
    return loc->present && loc->ip_ok && !loc->is_own
           && loc->ip.s_addr != vtep->tunnel_ip.s_addr;
}

/* Fills 'used' with the remote locators that rows in use point at. */
static void
collect_in_use(const struct vtep *vtep, struct hmap *used)
{
    const struct vtep_locator *loc;
    const struct vtep_set *set;

    HMAP_FOR_EACH(loc, node, &vtep->locators) {
        if (is_remote(vtep, loc) && !list_is_empty(&loc->umrs)) {
            uuid_set_insert(used, &loc->uuid);
        }
    }
    HMAP_FOR_EACH(set, node, &vtep->sets) {
        if (!set->present || !set->n_refs) {
            continue;
        }
        for (size_t i = 0; i < set->n_locators; i++) {
            if (is_remote(vtep, set->locators[i])) {
                uuid_set_insert(used, &set->locators[i]->uuid);
            }
        }
    }
}

struct uuid
vtep_own_locator(struct vtep *vtep, struct vtep_txn *t)
{
    struct ovsdb_table *table = vtep->s.locator;
    const struct vtep_locator *loc;
    struct ovsdb_row *row;
    struct uuid uuid;

    HMAP_FOR_EACH(loc, node, &vtep->locators) {
        if (loc->present && loc->is_own) {
            return loc->uuid;
        }
    }
    uuid_generate(&uuid);
    row = ovsdb_txn_row_create(table);
    vtep_txn_check(t, ovsdb_txn_write_string(vtep_txn_get(t), table, row,
                                             vtep->s.locator_encap,
                                             "vxlan_over_ipv4"));
    vtep_txn_check(t, ovsdb_txn_write_string(vtep_txn_get(t), table, row,
                                             vtep->s.locator_ip,
                                             vtep->tunnel_ip_s));
    vtep_txn_insert(t, table, row, &uuid);
    return uuid;
}

/* Inserts a Tunnel row from our locator to 'remote'; returns its uuid. */
static struct uuid
insert_tunnel(struct vtep *vtep, struct vtep_txn *t, const struct uuid *local,
              const struct uuid *remote)
{
    struct vtep_tunnels *vt = vtep->tunnels;
    struct ovsdb_row *row = ovsdb_txn_row_create(vt->table);
    struct uuid uuid;

    vtep_txn_check(t, ovsdb_txn_write_uuid(vtep_txn_get(t), vt->table, row,
                                           vt->local, local));
    vtep_txn_check(t, ovsdb_txn_write_uuid(vtep_txn_get(t), vt->table, row,
                                           vt->remote, remote));
    uuid_generate(&uuid);
    vtep_txn_insert(t, vt->table, row, &uuid);
    return uuid;
}

/* The switch's Tunnel rows being rebuilt: what to keep, and whether
 * anything changed. */
struct tunnel_list {
    struct uuid *uuids;
    size_t n, allocated;
    bool changed;
};

static void
tunnel_list_add(struct tunnel_list *l, const struct uuid *uuid)
{
    l->uuids = x2nrealloc(l->uuids, &l->allocated, l->n + 1, sizeof *uuid);
    l->uuids[l->n++] = *uuid;
}

/* Keeps each existing Tunnel row of 'ps' unless its remote was in use and
 * is no longer; removes from 'used' the remotes that have a row. */
static void
keep_existing(struct vtep *vtep, const struct ovsdb_row *ps, struct hmap *used,
              struct tunnel_list *keep)
{
    struct vtep_tunnels *vt = vtep->tunnels;
    struct ovsdb_datum d;

    ovsdb_row_get(ps, vt->ps_tunnels, &d);
    for (unsigned int i = 0; i < d.n; i++) {
        const struct ovsdb_row *row =
            ovsdb_table_find(vt->table, &d.keys[i].uuid);
        struct uuid remote;
        struct uuid_node *n;

        if (!row || !ovsdb_row_get_uuid(row, vt->remote, &remote)) {
            continue;
        }
        if (uuid_set_contains(used, &remote)) {
            HMAP_FOR_EACH_WITH_HASH(n, node, uuid_hash(&remote), used) {
                if (uuid_equals(&n->uuid, &remote)) {
                    hmap_remove(used, &n->node);
                    free(n);
                    break;
                }
            }
            tunnel_list_add(keep, &row->uuid);
        } else if (uuid_set_contains(&vt->in_use, &remote)) {
            keep->changed = true; /* Its last use went: drop the row. */
        } else {
            tunnel_list_add(keep, &row->uuid);
        }
    }
}

void
vtep_tunnels_run(struct vtep *vtep, struct vtep_txn *t)
{
    struct vtep_tunnels *vt = vtep->tunnels;
    const struct ovsdb_row *ps = vtep_switch_row(vtep);
    struct tunnel_list keep = { NULL, 0, 0, false };
    struct hmap used = HMAP_INITIALIZER(&used);
    struct hmap missing = HMAP_INITIALIZER(&missing);
    struct uuid_node *n;

    if (!vt || !vt->dirty || !ps) {
        return;
    }
    vt->dirty = false;
    collect_in_use(vtep, &used);
    collect_in_use(vtep, &missing);
    keep_existing(vtep, ps, &missing, &keep);
    if (hmap_count(&missing)) {
        struct uuid local = vtep_own_locator(vtep, t);

        HMAP_FOR_EACH(n, node, &missing) {
            struct uuid uuid = insert_tunnel(vtep, t, &local, &n->uuid);

            tunnel_list_add(&keep, &uuid);
        }
        keep.changed = true;
    }
    if (keep.changed) {
        struct ovsdb_row *w = vtep_txn_modify(t, vt->ps, &ps->uuid);

        vtep_txn_check(t, ovsdb_txn_write_uuid_set(vtep_txn_get(t), vt->ps, w,
                                                   vt->ps_tunnels, keep.uuids,
                                                   keep.n));
    }
    free(keep.uuids);
    uuid_set_clear(&missing);
    hmap_destroy(&missing);
    uuid_set_clear(&vt->in_use);
    hmap_swap(&vt->in_use, &used);
    hmap_destroy(&used);
}
