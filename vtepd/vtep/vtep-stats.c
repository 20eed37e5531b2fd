/* SPDX-License-Identifier: Apache-2.0 */
/* Binding counters: every stats interval, each programmed binding's HAL
 * counters are copied into the Logical_Binding_Stats row that its port's
 * vlan_stats column names for the VLAN, creating the row when needed and
 * writing only counters that changed.  Entries of VLANs that are no longer
 * programmed are dropped (and their rows garbage-collected). */
#include <string.h>

#include "hal/hal.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_stats);

static bool
claim_programmed(const struct vtep_claim *claim)
{
    const struct vtep_binding *b = claim->binding;

    return b->programmed && b->prog_ls == claim->ls;
}

static void
counters_from_hal(const struct hal_binding_stats *st, int64_t c[4])
{
    /* In the order of vtep_schema's 'lbs_columns'. */
    c[0] = st->bytes_from_local;
    c[1] = st->packets_from_local;
    c[2] = st->bytes_to_local;
    c[3] = st->packets_to_local;
}

/* Writes the counters 'c' into 'row' of Logical_Binding_Stats. */
static void
write_counters(struct vtep *vtep, struct vtep_txn *t, struct ovsdb_row *row,
               const int64_t c[4])
{
    for (size_t i = 0; i < 4; i++) {
        vtep_txn_check(t, ovsdb_txn_write_integer(vtep_txn_get(t), vtep->s.lbs,
                                                  row, vtep->s.lbs_columns[i],
                                                  c[i]));
    }
}

/* Keeps the stats row 'lbs_uuid' equal to 'c'. */
static void
update_lbs(struct vtep *vtep, const struct uuid *lbs_uuid, const int64_t c[4],
           struct vtep_txn *t)
{
    const struct ovsdb_row *lbs = ovsdb_table_find(vtep->s.lbs, lbs_uuid);
    size_t i;

    if (!lbs) {
        return;
    }
    for (i = 0; i < 4; i++) {
        int64_t value;

        if (!ovsdb_row_get_integer(lbs, vtep->s.lbs_columns[i], &value)
            || value != c[i]) {
            break;
        }
    }
    if (i < 4) {
        write_counters(vtep, t, vtep_txn_modify(t, vtep->s.lbs, lbs_uuid), c);
    }
}

static bool
port_has_programmed_vlan(const struct vtep_port *port, int64_t vlan)
{
    size_t i;

    for (i = 0; i < port->n_claims; i++) {
        if (port->claims[i].vlan == vlan
            && claim_programmed(&port->claims[i])) {
            return true;
        }
    }
    return false;
}

/* Returns the index of 'vlan' in the vlan_stats map 'stats', or UINT_MAX. */
static unsigned int
stats_find(const struct ovsdb_datum *stats, int64_t vlan)
{
    union ovsdb_atom key = { .integer = vlan };

    return ovsdb_datum_find_key(stats, &key, OVSDB_TYPE_INTEGER);
}

/* Builds in 'new' the vlan_stats of 'port': the entries of 'old' whose VLAN
 * is still programmed, plus a new Logical_Binding_Stats row for each
 * programmed VLAN that has none.  Keeps the other rows up to date. */
static void
port_stats_update(struct vtep *vtep, struct vtep_txn *t,
                  const struct vtep_port *port, const struct ovsdb_datum *old,
                  struct ovsdb_datum *new)
{
    new->keys = xcalloc(old->n + port->n_claims + 1, sizeof *new->keys);
    new->values = xcalloc(old->n + port->n_claims + 1, sizeof *new->values);
    new->n = 0;
    for (unsigned int i = 0; i < old->n; i++) {
        if (port_has_programmed_vlan(port, old->keys[i].integer)) {
            new->keys[new->n] = old->keys[i];
            new->values[new->n++] = old->values[i];
        }
    }
    for (size_t i = 0; i < port->n_claims; i++) {
        const struct vtep_claim *claim = &port->claims[i];
        struct hal_binding_stats st;
        unsigned int idx;
        int64_t c[4];

        if (!claim_programmed(claim)
            || hal_binding_stats_get(vtep->hal, claim->binding->prog_port,
                                     claim->vlan, &st)) {
            continue;
        }
        counters_from_hal(&st, c);
        idx = stats_find(old, claim->vlan);
        if (idx != UINT_MAX) {
            update_lbs(vtep, &old->values[idx].uuid, c, t);
        } else if (stats_find(new, claim->vlan) == UINT_MAX) {
            struct ovsdb_row *row = ovsdb_txn_row_create(vtep->s.lbs);

            write_counters(vtep, t, row, c);
            new->keys[new->n].integer = claim->vlan;
            uuid_generate(&new->values[new->n].uuid);
            vtep_txn_insert(t, vtep->s.lbs, row, &new->values[new->n++].uuid);
        }
    }
}

static void
port_stats_run(struct vtep *vtep, const struct vtep_port *port,
               struct vtep_txn *t)
{
    const struct ovsdb_row *row = ovsdb_table_find(vtep->s.port, &port->uuid);
    struct ovsdb_datum old, new;

    if (!row) {
        return;
    }
    ovsdb_row_get(row, vtep->s.port_stats, &old);
    port_stats_update(vtep, t, port, &old, &new);
    if (!new.n) {
        free(new.keys);
        free(new.values);
        ovsdb_datum_init_empty(&new);
    }
    if (ovsdb_datum_equals(&old, &new, &vtep->s.port_stats->type)) {
        free(new.keys);
        free(new.values);
        return;
    }
    vtep_txn_check(
        t, ovsdb_txn_write_datum(vtep_txn_get(t), vtep->s.port,
                                 vtep_txn_modify(t, vtep->s.port, &port->uuid),
                                 vtep->s.port_stats, &new));
}

/* Writes in 't' the Logical_Binding_Stats changes since the last call. */
void
vtep_stats_run(struct vtep *vtep, struct vtep_txn *t)
{
    const struct vtep_port *port;

    HMAP_FOR_EACH(port, node, &vtep->ports) {
        port_stats_run(vtep, port, t);
    }
}
