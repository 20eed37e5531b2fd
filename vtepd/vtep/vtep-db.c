/* SPDX-License-Identifier: Apache-2.0 */
/* The reconciler's access to the database: typed reads of rows, the
 * schema columns it uses, and its own transactions, written through the
 * engine's in-process write API and marked as the reconciler's. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_db);

const char *
vtep_row_map_get(const struct ovsdb_row *row, const struct ovsdb_column *col,
                 const char *key)
{
    struct ovsdb_str *s = ovsdb_str_intern(key, strlen(key));
    union ovsdb_atom atom = { .string = s };
    struct ovsdb_datum d;
    unsigned int idx;

    ovsdb_row_get(row, col, &d);
    idx = ovsdb_datum_find_key(&d, &atom, OVSDB_TYPE_STRING);
    ovsdb_str_unref(s);
    return idx == UINT_MAX ? NULL : d.values[idx].string->s;
}

bool
vtep_parse_uint(const char *s, uint32_t min, uint32_t max, uint32_t *value)
{
    unsigned long v;
    char *end;

    if (*s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        return false;
    }
    *value = (uint32_t) v;
    return true;
}

bool
vtep_row_string_set_equals(const struct ovsdb_row *row,
                           const struct ovsdb_column *col,
                           const char *const *strings, size_t n)
{
    struct ovsdb_datum d;
    size_t i;

    ovsdb_row_get(row, col, &d);
    if (d.n != n) {
        return false;
    }
    for (i = 0; i < n; i++) {
        struct ovsdb_str *s = ovsdb_str_intern(strings[i], strlen(strings[i]));
        union ovsdb_atom atom = { .string = s };
        bool found =
            ovsdb_datum_find_key(&d, &atom, OVSDB_TYPE_STRING) != UINT_MAX;

        ovsdb_str_unref(s);
        if (!found) {
            return false;
        }
    }
    return true;
}

struct column_ref {
    const struct ovsdb_column **column;
    struct ovsdb_table **table;
    const char *name;
};

static int
find_table(struct ovsdb_db *db, const char *name, struct ovsdb_table **table)
{
    *table = ovsdb_db_find_table(db, name);
    return *table ? 0 : -EINVAL;
}

static int
find_column(struct ovsdb_table *table, const char *name,
            const struct ovsdb_column **column)
{
    *column = ovsdb_table_schema_find_column(table->schema, name);
    return *column ? 0 : -EINVAL;
}

/* Looks up every table and column the reconciler uses.  Returns 0, or
 * -EINVAL if 'db' does not have the hardware_vtep schema. */
int
vtep_schema_init(struct vtep_schema *s, struct ovsdb_db *db)
{
    static const char *const lbs_names[4] = { "bytes_from_local",
                                              "packets_from_local",
                                              "bytes_to_local",
                                              "packets_to_local" };
    const struct {
        struct ovsdb_table **table;
        const char *name;
    } tables[] = {
        { &s->global, "Global" },
        { &s->ps, "Physical_Switch" },
        { &s->port, "Physical_Port" },
        { &s->ls, "Logical_Switch" },
        { &s->locator, "Physical_Locator" },
        { &s->set, "Physical_Locator_Set" },
        { &s->umr, "Ucast_Macs_Remote" },
        { &s->mmr, "Mcast_Macs_Remote" },
        { &s->uml, "Ucast_Macs_Local" },
        { &s->mml, "Mcast_Macs_Local" },
        { &s->lbs, "Logical_Binding_Stats" },
        { &s->lr, "Logical_Router" },
        { &s->acl, "ACL" },
    };
    const struct column_ref columns[] = {
        { &s->global_switches, &s->global, "switches" },
        { &s->ps_name, &s->ps, "name" },
        { &s->ps_ports, &s->ps, "ports" },
        { &s->ps_tunnel_ips, &s->ps, "tunnel_ips" },
        { &s->ps_management_ips, &s->ps, "management_ips" },
        { &s->ps_description, &s->ps, "description" },
        { &s->ps_fault, &s->ps, "switch_fault_status" },
        { &s->ps_other_config, &s->ps, "other_config" },
        { &s->port_name, &s->port, "name" },
        { &s->port_bindings, &s->port, "vlan_bindings" },
        { &s->port_stats, &s->port, "vlan_stats" },
        { &s->port_fault, &s->port, "port_fault_status" },
        { &s->ls_name, &s->ls, "name" },
        { &s->ls_key, &s->ls, "tunnel_key" },
        { &s->ls_replication, &s->ls, "replication_mode" },
        { &s->locator_encap, &s->locator, "encapsulation_type" },
        { &s->locator_ip, &s->locator, "dst_ip" },
        { &s->locator_key, &s->locator, "tunnel_key" },
        { &s->set_locators, &s->set, "locators" },
        { &s->umr_mac, &s->umr, "MAC" },
        { &s->umr_ls, &s->umr, "logical_switch" },
        { &s->umr_locator, &s->umr, "locator" },
        { &s->mmr_mac, &s->mmr, "MAC" },
        { &s->mmr_ls, &s->mmr, "logical_switch" },
        { &s->mmr_set, &s->mmr, "locator_set" },
        { &s->uml_mac, &s->uml, "MAC" },
        { &s->uml_ls, &s->uml, "logical_switch" },
        { &s->uml_locator, &s->uml, "locator" },
        { &s->uml_ipaddr, &s->uml, "ipaddr" },
        { &s->mml_mac, &s->mml, "MAC" },
        { &s->mml_ls, &s->mml, "logical_switch" },
        { &s->mml_set, &s->mml, "locator_set" },
        { &s->lr_fault, &s->lr, "LR_fault_status" },
        { &s->acl_fault, &s->acl, "acl_fault_status" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(tables); i++) {
        if (find_table(db, tables[i].name, tables[i].table)) {
            return -EINVAL;
        }
    }
    for (i = 0; i < ARRAY_SIZE(columns); i++) {
        if (find_column(*columns[i].table, columns[i].name,
                        columns[i].column)) {
            return -EINVAL;
        }
    }
    for (i = 0; i < 4; i++) {
        if (find_column(s->lbs, lbs_names[i], &s->lbs_columns[i])) {
            return -EINVAL;
        }
    }
    return 0;
}

/* ---- Writing ---- */

struct ovsdb_txn *
vtep_txn_get(struct vtep_txn *t)
{
    if (!t->txn) {
        t->txn = ovsdb_txn_create(t->vtep->db);
        ovsdb_txn_set_origin(t->txn, t->vtep);
    }
    return t->txn;
}

void
vtep_txn_check(struct vtep_txn *t, struct ovsdb_error *error)
{
    if (!t->error) {
        t->error = error;
    } else {
        ovsdb_error_destroy(error);
    }
}

struct ovsdb_row *
vtep_txn_modify(struct vtep_txn *t, struct ovsdb_table *table,
                const struct uuid *uuid)
{
    return ovsdb_txn_row_modify(vtep_txn_get(t), table, uuid);
}

void
vtep_txn_insert(struct vtep_txn *t, struct ovsdb_table *table,
                struct ovsdb_row *row, const struct uuid *uuid)
{
    if (t->error) {
        ovsdb_row_destroy(row, table->schema);
    } else {
        t->error = ovsdb_txn_row_insert(vtep_txn_get(t), table, row, uuid);
    }
}

void
vtep_txn_delete(struct vtep_txn *t, struct ovsdb_table *table,
                const struct uuid *uuid)
{
    ovsdb_txn_row_delete(vtep_txn_get(t), table, uuid);
}

int
vtep_txn_finish(struct vtep_txn *t)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct vtep *vtep = t->vtep;
    struct ovsdb_error *error = t->error;

    if (!t->txn && !error) {
        return 0;
    }
    vtep->stats.db_txns++;
    if (error) {
        ovsdb_txn_abort(t->txn);
    } else {
        error = ovsdb_txn_commit(t->txn, false);
    }
    t->txn = NULL;
    t->error = NULL;
    if (error) {
        const char *details = ovsdb_error_details(error);

        VLOG_ERR_RL(&rl, "transaction failed: %s%s%.400s",
                    ovsdb_error_tag(error), details ? ": " : "",
                    details ? details : "");
        ovsdb_error_destroy(error);
        vtep->stats.db_txn_errors++;
        return -EIO;
    }
    vtep->db_backoff_ms = 0;
    return 0;
}

/* Backoff between retries of the reconciler's writes while the database
 * refuses them: short enough that learned MACs appear within seconds of
 * space returning, long enough that a full disk costs no CPU. */
#define VTEP_DB_BACKOFF_MIN_MS 250
#define VTEP_DB_BACKOFF_MAX_MS 2000

/* After a refused commit the reconciler's idea of its own rows is wrong
 * (it counted on the commit), so each kind is derived again from the
 * model, the HAL and what the database really holds: the *_Local rows by
 * a sweep, the fault columns by a full recomputation.  Statistics need
 * nothing: every interval rewrites what differs. */
static void
vtep_db_resync_later(struct vtep *vtep)
{
    struct vtep_port *port;

    vtep->db_backoff_ms = vtep->db_backoff_ms ? MIN(vtep->db_backoff_ms * 2,
                                                    VTEP_DB_BACKOFF_MAX_MS)
                                              : VTEP_DB_BACKOFF_MIN_MS;
    vtep->db_retry_ms = vtep->now_ms + vtep->db_backoff_ms;
    vtep->local_sweep = true;
    vtep->switch_dirty = true;
    vtep->switch_faults = UINT_MAX;
    HMAP_FOR_EACH(port, node, &vtep->ports) {
        vtep_q_dirty(&vtep->fault_dirty, &port->fault_q);
    }
}

int
vtep_txn_commit(struct vtep_txn *t)
{
    int error = vtep_txn_finish(t);

    if (error) {
        vtep_db_resync_later(t->vtep);
    }
    return error;
}

bool
vtep_db_writable(const struct vtep *vtep, int64_t now_ms)
{
    return now_ms >= vtep->db_retry_ms;
}

bool
vtep_db_refusing(const struct vtep *vtep)
{
    return vtep->db_refusals >= VTEP_DB_REFUSALS_FAULT
           && vtep->now_ms - vtep->db_refused_ms < VTEP_DB_REFUSAL_WINDOW_MS;
}

bool
vtep_db_port_refusing(const struct vtep *vtep, const struct vtep_port *port)
{
    return port->db_refusals >= VTEP_DB_REFUSALS_FAULT
           && vtep->now_ms - port->db_refused_ms < VTEP_DB_REFUSAL_WINDOW_MS;
}

/* Counts one refusal in '*count' and '*when'; returns true if that makes
 * the refusals a fault. */
static bool
count_refusal(const struct vtep *vtep, unsigned int *count, int64_t *when)
{
    bool was = *count >= VTEP_DB_REFUSALS_FAULT
               && vtep->now_ms - *when < VTEP_DB_REFUSAL_WINDOW_MS;

    *count = vtep->now_ms - *when < VTEP_DB_REFUSAL_WINDOW_MS ? *count + 1 : 1;
    *when = vtep->now_ms;
    return !was && *count >= VTEP_DB_REFUSALS_FAULT;
}

/* The reconciler's port of the Physical_Port row 'uuid', or NULL. */
static struct vtep_port *
find_port(const struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_port *port;

    HMAP_FOR_EACH_WITH_HASH(port, node, uuid_hash(uuid), &vtep->ports) {
        if (uuid_equals(&port->uuid, uuid)) {
            return port;
        }
    }
    return NULL;
}

/* Charges a refused write that touched 'rows' to the objects they belong
 * to: the ports whose rows it wrote, else the switch. */
static void
charge_refusal(struct vtep *vtep, const struct vtep_row_ref *rows, size_t n)
{
    bool on_port = false;

    for (size_t i = 0; i < n; i++) {
        struct vtep_port *port = rows[i].table == vtep->s.port
                                     ? find_port(vtep, &rows[i].uuid)
                                     : NULL;

        if (port) {
            on_port = true;
            vtep->db_port_fault_end_ms =
                vtep->now_ms + VTEP_DB_REFUSAL_WINDOW_MS;
            if (count_refusal(vtep, &port->db_refusals,
                              &port->db_refused_ms)) {
                VLOG_WARN("the database keeps refusing the reconciler's "
                          "writes to port %s; its port_fault_status says so",
                          port->name);
            }
        }
    }
    if (!on_port
        && count_refusal(vtep, &vtep->db_refusals, &vtep->db_refused_ms)) {
        VLOG_WARN("the database keeps refusing the reconciler's writes; "
                  "switch_fault_status says so");
    }
}

void
vtep_db_writes_lost(struct vtep *vtep, bool refused,
                    const struct vtep_row_ref *rows, size_t n)
{
    struct vtep_config config = {
        .switch_name = vtep->switch_name,
        .tunnel_ip = vtep->tunnel_ip_s,
        .management_ip = vtep->management_ip,
        .description = vtep->description,
    };

    if (refused) {
        charge_refusal(vtep, rows, n);
    }
    /* The switch's own rows, written once at start, may have been among
     * the writes undone: write what is missing again. */
    vtep_switch_init(vtep, &config);
    vtep_db_resync_later(vtep);
}
