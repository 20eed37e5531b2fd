/* SPDX-License-Identifier: Apache-2.0 */
/* The switch side of the database: the Global row, vtepd's
 * Physical_Switch and its Physical_Port rows, and the fault statuses.
 *
 * Existing rows are reused by name, so the columns a controller wrote
 * (Physical_Port.vlan_bindings, for instance) survive a restart. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_switch);

/* Returns vtepd's Physical_Switch row (borrowed), or NULL. */
const struct ovsdb_row *
vtep_switch_row(const struct vtep *vtep)
{
    return ovsdb_txn_row_find_by_string(vtep->s.ps, vtep->s.ps_name,
                                        vtep->switch_name);
}

static const struct ovsdb_row *
global_row(const struct vtep *vtep)
{
    struct hmap_node *node = hmap_first(&vtep->s.global->rows);

    return node ? container_of(node, struct ovsdb_row, node) : NULL;
}

/* Adds 'uuid' to the uuid set in 'column' of 'row' of 'table', as a
 * "mutate" with "insert" does. */
static void
uuid_set_add(struct vtep_txn *t, struct ovsdb_table *table,
             struct ovsdb_row *row, const struct ovsdb_column *column,
             const struct uuid *uuid)
{
    union ovsdb_atom atom = { .uuid = *uuid };
    struct ovsdb_datum old, datum;

    ovsdb_row_get(row, column, &old);
    if (ovsdb_datum_find_key(&old, &atom, OVSDB_TYPE_UUID) != UINT_MAX) {
        return;
    }
    datum.keys = xmalloc((old.n + 1) * sizeof *datum.keys);
    datum.values = NULL;
    if (old.n) {
        /* An empty set may have no key array at all. */
        memcpy(datum.keys, old.keys, old.n * sizeof *datum.keys);
    }
    datum.keys[old.n] = atom;
    datum.n = old.n + 1;
    vtep_txn_check(
        t, ovsdb_txn_write_datum(vtep_txn_get(t), table, row, column, &datum));
}

/* Returns true if the Physical_Port rows of 'ps' include one named 'name'. */
static bool
switch_has_port(const struct vtep *vtep, const struct ovsdb_row *ps,
                const char *name)
{
    struct ovsdb_datum ports;
    unsigned int i;

    if (!ps) {
        return false;
    }
    ovsdb_row_get(ps, vtep->s.ps_ports, &ports);
    for (i = 0; i < ports.n; i++) {
        const struct ovsdb_row *port =
            ovsdb_table_find(vtep->s.port, &ports.keys[i].uuid);

        if (port
            && !strcmp(ovsdb_row_get_string(port, vtep->s.port_name), name)) {
            return true;
        }
    }
    return false;
}

/* Inserts a Physical_Port row for each HAL port that 'ps' lacks and adds
 * them to the ports of 'ps_row', the transaction's version of 'ps' (or the
 * new Physical_Switch). */
static void
add_missing_ports(struct vtep *vtep, const struct ovsdb_row *ps,
                  struct ovsdb_row *ps_row, struct vtep_txn *t)
{
    size_t n = hal_port_count(vtep->hal), i;

    for (i = 0; i < n; i++) {
        struct hal_port_info info;
        struct ovsdb_row *port;
        struct uuid uuid;

        if (hal_port_get(vtep->hal, i, &info)
            || switch_has_port(vtep, ps, info.name)) {
            continue;
        }
        port = ovsdb_txn_row_create(vtep->s.port);
        vtep_txn_check(t, ovsdb_txn_write_string(vtep_txn_get(t), vtep->s.port,
                                                 port, vtep->s.port_name,
                                                 info.name));
        uuid_generate(&uuid);
        vtep_txn_insert(t, vtep->s.port, port, &uuid);
        uuid_set_add(t, vtep->s.ps, ps_row, vtep->s.ps_ports, &uuid);
    }
}

/* Writes the columns of the Physical_Switch 'row' that come from the
 * configuration. */
static void
write_switch_config(struct vtep *vtep, struct vtep_txn *t,
                    struct ovsdb_row *row, const struct vtep_config *config,
                    bool is_new)
{
    struct ovsdb_txn *txn = vtep_txn_get(t);
    struct ovsdb_table *ps = vtep->s.ps;
    const char *mgmt = config->management_ip;

    vtep_txn_check(t, ovsdb_txn_write_string_set(txn, ps, row,
                                                 vtep->s.ps_tunnel_ips,
                                                 &config->tunnel_ip, 1));
    vtep_txn_check(
        t, ovsdb_txn_write_string_set(txn, ps, row, vtep->s.ps_management_ips,
                                      &mgmt, mgmt && mgmt[0] ? 1 : 0));
    if (config->description || is_new) {
        vtep_txn_check(t, ovsdb_txn_write_string(
                              txn, ps, row, vtep->s.ps_description,
                              config->description ? config->description : ""));
    }
    if (is_new) {
        vtep_txn_check(t, ovsdb_txn_write_string(txn, ps, row, vtep->s.ps_name,
                                                 vtep->switch_name));
    }
}

/* Writes the Global row, the Physical_Switch and its ports.  Returns 0 or
 * -EIO. */
int
vtep_switch_init(struct vtep *vtep, const struct vtep_config *config)
{
    const struct ovsdb_row *ps = vtep_switch_row(vtep);
    const struct ovsdb_row *global = global_row(vtep);
    struct vtep_txn t = VTEP_TXN_INIT(vtep);
    struct ovsdb_row *ps_row, *global_w;
    struct uuid ps_uuid;

    if (ps) {
        ps_uuid = ps->uuid;
        ps_row = vtep_txn_modify(&t, vtep->s.ps, &ps_uuid);
        write_switch_config(vtep, &t, ps_row, config, false);
    } else {
        uuid_generate(&ps_uuid);
        ps_row = ovsdb_txn_row_create(vtep->s.ps);
        write_switch_config(vtep, &t, ps_row, config, true);
        vtep_txn_insert(&t, vtep->s.ps, ps_row, &ps_uuid);
        ps_row = vtep_txn_modify(&t, vtep->s.ps, &ps_uuid);
    }
    if (global) {
        global_w = vtep_txn_modify(&t, vtep->s.global, &global->uuid);
        uuid_set_add(&t, vtep->s.global, global_w, vtep->s.global_switches,
                     &ps_uuid);
    } else {
        global_w = ovsdb_txn_row_create(vtep->s.global);
        vtep_txn_check(&t, ovsdb_txn_write_uuid_set(
                               vtep_txn_get(&t), vtep->s.global, global_w,
                               vtep->s.global_switches, &ps_uuid, 1));
        vtep_txn_insert(&t, vtep->s.global, global_w, NULL);
    }
    if (ps_row) {
        add_missing_ports(vtep, ps, ps_row, &t);
    }
    if (vtep_txn_finish(&t)) {
        return -EIO;
    }
    vtep->switch_faults = UINT_MAX;
    return 0;
}

/* ---- Fault statuses ---- */

enum {
    FAULT_MAC_TABLE,
    FAULT_TUNNEL,
    FAULT_SOURCE_NODE,
    FAULT_LR_SUPPORT,
    FAULT_LR_CREATION,
    FAULT_LR_BINDINGS,
    FAULT_LR_ROUTES,
    FAULT_UNSPECIFIED,
    N_FAULTS
};

static const char *const fault_names[N_FAULTS] = {
    [FAULT_MAC_TABLE] = "mac_table_exhaustion",
    [FAULT_TUNNEL] = "tunnel_exhaustion",
    [FAULT_SOURCE_NODE] = "unsupported_source_node_replication",
    [FAULT_LR_SUPPORT] = "lr_support_fault",
    [FAULT_LR_CREATION] = "lr_creation_fault",
    [FAULT_LR_BINDINGS] = "lr_switch_bindings_fault",
    [FAULT_LR_ROUTES] = "lr_static_routes_fault",
    [FAULT_UNSPECIFIED] = "unspecified_fault",
};

static unsigned int
switch_faults(const struct vtep *vtep)
{
    unsigned int faults = 0;
    enum hal_table t;

    if (vtep->exhausted[HAL_TABLE_FDB]
        || !list_is_empty(&vtep->ucast_blocked)) {
        faults |= 1u << FAULT_MAC_TABLE;
    }
    if (vtep->exhausted[HAL_TABLE_TUNNEL]) {
        faults |= 1u << FAULT_TUNNEL;
    }
    if (vtep->n_ls_unsupported) {
        faults |= 1u << FAULT_SOURCE_NODE;
    }
    faults |= vtep_lr_switch_faults(vtep) << FAULT_LR_SUPPORT;
    for (t = 0; t < HAL_TABLE_N; t++) {
        /* Full routing tables are the routers' faults (vtep-lr.c), a full
         * ACL stage is the ACL's resource_shortage (vtep-acl.c). */
        if (vtep->exhausted[t] && t != HAL_TABLE_FDB && t != HAL_TABLE_TUNNEL
            && t < HAL_TABLE_ROUTER) {
            faults |= 1u << FAULT_UNSPECIFIED;
        }
    }
    if (vtep->n_bad_rows || vtep->n_bad_locators || vtep->n_ls_failed
        || vtep_db_refusing(vtep) || !list_is_empty(&vtep->ls_blocked)
        || !list_is_empty(&vtep->binding_blocked)
        || !list_is_empty(&vtep->flood_blocked)
        || !list_is_empty(&vtep->mcast_blocked) || vtep_neigh_blocked(vtep)) {
        faults |= 1u << FAULT_UNSPECIFIED;
    }
    return faults;
}

/* Writes 'strings' into the string set 'column' of row 'uuid' of 'table'.
 */
static void
write_string_set(struct vtep_txn *t, struct ovsdb_table *table,
                 const struct uuid *uuid, const struct ovsdb_column *column,
                 const char *const *strings, size_t n)
{
    struct ovsdb_row *row = vtep_txn_modify(t, table, uuid);

    if (row) {
        vtep_txn_check(t, ovsdb_txn_write_string_set(vtep_txn_get(t), table,
                                                     row, column, strings, n));
    }
}

static void
switch_faults_run(struct vtep *vtep, struct vtep_txn *t)
{
    unsigned int faults = switch_faults(vtep);
    const char *names[N_FAULTS];
    const struct ovsdb_row *ps;
    size_t n = 0, i;

    if (faults == vtep->switch_faults) {
        return;
    }
    ps = vtep_switch_row(vtep);
    if (!ps) {
        return;
    }
    for (i = 0; i < N_FAULTS; i++) {
        if (faults & (1u << i)) {
            names[n++] = fault_names[i];
        }
    }
    vtep->switch_faults = faults;
    if (vtep_row_string_set_equals(ps, vtep->s.ps_fault, names, n)) {
        return;
    }
    VLOG_INFO("switch_fault_status: %zu fault(s)", n);
    write_string_set(t, vtep->s.ps, &ps->uuid, vtep->s.ps_fault, names, n);
}

static void
port_faults_run(struct vtep *vtep, struct vtep_txn *t)
{
    struct vtep_port *port, *next;

    LIST_FOR_EACH_SAFE(port, next, fault_q.node, &vtep->fault_dirty) {
        const struct ovsdb_row *row;
        const char *faults[3];
        size_t n = 0;

        if (vtep_port_busy(port)) {
            continue;
        }
        vtep_q_idle(&port->fault_q);
        row = ovsdb_table_find(vtep->s.port, &port->uuid);
        if (vtep_port_fault(port)) {
            faults[n++] = "invalid_vlan_map";
        }
        if (vtep_acl_port_fault(vtep, &port->uuid)) {
            faults[n++] = vtep_acl_port_fault(vtep, &port->uuid);
        }
        if (vtep_db_port_refusing(vtep, port)) {
            faults[n++] = "unspecified_fault";
        }
        if (row
            && !vtep_row_string_set_equals(row, vtep->s.port_fault, faults,
                                           n)) {
            write_string_set(t, vtep->s.port, &port->uuid, vtep->s.port_fault,
                             faults, n);
        }
    }
}

/* Writes in 't' every fault status that changed. */
void
vtep_faults_run(struct vtep *vtep, struct vtep_txn *t)
{
    port_faults_run(vtep, t);
    vtep->switch_dirty = false;
    vtep_acl_faults_run(vtep, t);
    switch_faults_run(vtep, t);
}

/* Gives the HAL the aging time that vtepd's Physical_Switch asks for in
 * other_config:mac_aging_time (seconds, 0 for never), or the default when
 * the key is absent or malformed. */
void
vtep_aging_run(struct vtep *vtep)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    const struct ovsdb_row *ps;
    struct hal_switch_config sw;
    uint32_t seconds = VTEP_DEFAULT_MAC_AGING_S;
    const char *value = NULL;
    int error;

    if (!vtep->aging_dirty) {
        return;
    }
    vtep->aging_dirty = false;
    ps = vtep_switch_row(vtep);
    if (ps) {
        value =
            vtep_row_map_get(ps, vtep->s.ps_other_config, "mac_aging_time");
    }
    if (value && !vtep_parse_uint(value, 0, VTEP_MAX_MAC_AGING_S, &seconds)) {
        VLOG_WARN_RL(&rl,
                     "other_config:mac_aging_time=%s: expected seconds, "
                     "0 to %u; using %u",
                     value, VTEP_MAX_MAC_AGING_S, VTEP_DEFAULT_MAC_AGING_S);
        seconds = VTEP_DEFAULT_MAC_AGING_S;
    }

    hal_switch_get(vtep->hal, &sw);
    if (sw.aging_time_s == seconds) {
        return;
    }
    sw.aging_time_s = seconds;
    error = hal_switch_set(vtep->hal, &sw);
    if (error) {
        VLOG_WARN_RL(&rl, "setting the MAC aging time to %u s failed: %s",
                     seconds, hal_strerror(error));
    } else {
        VLOG_INFO("MAC aging time %u s%s", seconds,
                  seconds ? "" : " (learned MACs never age)");
    }
}
