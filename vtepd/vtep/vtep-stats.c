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

static json_t *
counters_row(const struct vtep *vtep, const int64_t c[4])
{
    json_t *row = json_object();
    size_t i;

    for (i = 0; i < 4; i++) {
        json_object_set_new(row, vtep->s.lbs_columns[i]->name,
                            json_integer(c[i]));
    }
    return row;
}

/* Adds to 'ops' what keeps the stats row 'lbs_uuid' equal to 'c'. */
static void
update_lbs(struct vtep *vtep, const struct uuid *lbs_uuid, const int64_t c[4],
           json_t *ops)
{
    const struct ovsdb_row *lbs = ovsdb_table_find(vtep->s.lbs, lbs_uuid);
    size_t i;

    if (!lbs) {
        return;
    }
    for (i = 0; i < 4; i++) {
        int64_t value;

        if (!vtep_row_integer(lbs, vtep->s.lbs_columns[i], &value)
            || value != c[i]) {
            break;
        }
    }
    if (i < 4) {
        json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op",
                                             "update", "table",
                                             "Logical_Binding_Stats", "where",
                                             vtep_json_where_uuid(lbs_uuid),
                                             "row", counters_row(vtep, c)));
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

static void
port_stats_run(struct vtep *vtep, const struct vtep_port *port,
               const struct ovsdb_row *row, json_t *ops)
{
    json_t *inserts = json_array(), *deletes = json_array();
    struct ovsdb_datum stats;
    unsigned int i;

    ovsdb_row_get(row, vtep->s.port_stats, &stats);
    for (i = 0; i < port->n_claims; i++) {
        const struct vtep_claim *claim = &port->claims[i];
        union ovsdb_atom key = { .integer = claim->vlan };
        struct hal_binding_stats st;
        unsigned int idx;
        int64_t c[4];

        if (!claim_programmed(claim)
            || hal_binding_stats_get(vtep->hal, claim->binding->prog_port,
                                     claim->vlan, &st)) {
            continue;
        }
        counters_from_hal(&st, c);
        idx = ovsdb_datum_find_key(&stats, &key, OVSDB_TYPE_INTEGER);
        if (idx != UINT_MAX) {
            update_lbs(vtep, &stats.values[idx].uuid, c, ops);
        } else {
            struct uuid uuid;
            char s[UUID_LEN + 1];

            uuid_generate(&uuid);
            uuid_to_string(&uuid, s);
            json_array_append_new(
                ops, json_pack("{s:s, s:s, s:s, s:o}", "op", "insert", "table",
                               "Logical_Binding_Stats", "uuid", s, "row",
                               counters_row(vtep, c)));
            json_array_append_new(inserts,
                                  json_pack("[I, o]", (json_int_t) claim->vlan,
                                            vtep_json_uuid(&uuid)));
        }
    }
    for (i = 0; i < stats.n; i++) {
        if (!port_has_programmed_vlan(port, stats.keys[i].integer)) {
            json_array_append_new(deletes,
                                  json_integer(stats.keys[i].integer));
        }
    }

    if (json_array_size(inserts) || json_array_size(deletes)) {
        json_t *mutations = json_array();

        if (json_array_size(deletes)) {
            json_array_append_new(mutations,
                                  json_pack("[s, s, [s, O]]", "vlan_stats",
                                            "delete", "set", deletes));
        }
        if (json_array_size(inserts)) {
            json_array_append_new(mutations,
                                  json_pack("[s, s, [s, O]]", "vlan_stats",
                                            "insert", "map", inserts));
        }
        json_array_append_new(ops,
                              json_pack("{s:s, s:s, s:o, s:o}", "op", "mutate",
                                        "table", "Physical_Port", "where",
                                        vtep_json_where_uuid(&port->uuid),
                                        "mutations", mutations));
    }
    json_decref(inserts);
    json_decref(deletes);
}

/* Adds to 'ops' the Logical_Binding_Stats changes since the last call. */
void
vtep_stats_run(struct vtep *vtep, json_t *ops)
{
    const struct vtep_port *port;

    HMAP_FOR_EACH(port, node, &vtep->ports) {
        const struct ovsdb_row *row =
            ovsdb_table_find(vtep->s.port, &port->uuid);

        if (row) {
            port_stats_run(vtep, port, row, ops);
        }
    }
}
