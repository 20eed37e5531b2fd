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
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_switch);

/* Returns vtepd's Physical_Switch row (borrowed), or NULL. */
const struct ovsdb_row *
vtep_switch_row(const struct vtep *vtep)
{
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, vtep->s.ps) {
        if (!strcmp(vtep_row_string(row, vtep->s.ps_name),
                    vtep->switch_name)) {
            return row;
        }
    }
    return NULL;
}

static const struct ovsdb_row *
global_row(const struct vtep *vtep)
{
    struct hmap_node *node = hmap_first(&vtep->s.global->rows);

    return node ? container_of(node, struct ovsdb_row, node) : NULL;
}

static json_t *
op_where(const char *op, const char *table, const struct uuid *uuid)
{
    return json_pack("{s:s, s:s, s:o}", "op", op, "table", table, "where",
                     vtep_json_where_uuid(uuid));
}

static json_t *
op_insert(const char *table, const struct uuid *uuid, json_t *row)
{
    char s[UUID_LEN + 1];

    uuid_to_string(uuid, s);
    return json_pack("{s:s, s:s, s:s, s:o}", "op", "insert", "table", table,
                     "uuid", s, "row", row);
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

        if (port && !strcmp(vtep_row_string(port, vtep->s.port_name), name)) {
            return true;
        }
    }
    return false;
}

/* Adds to 'ops' one insert per HAL port that 'ps' lacks and one mutation
 * adding them to 'ps_uuid''s ports. */
static void
add_missing_ports(struct vtep *vtep, const struct ovsdb_row *ps,
                  const struct uuid *ps_uuid, json_t *ops)
{
    size_t n = hal_port_count(vtep->hal), i;
    json_t *new_ports = json_array();

    for (i = 0; i < n; i++) {
        struct hal_port_info info;
        struct uuid uuid;

        if (hal_port_get(vtep->hal, i, &info)
            || switch_has_port(vtep, ps, info.name)) {
            continue;
        }
        uuid_generate(&uuid);
        json_array_append_new(
            ops, op_insert("Physical_Port", &uuid,
                           json_pack("{s:s}", "name", info.name)));
        json_array_append_new(new_ports, vtep_json_uuid(&uuid));
    }
    if (json_array_size(new_ports)) {
        json_t *op = op_where("mutate", "Physical_Switch", ps_uuid);

        json_object_set_new(op, "mutations",
                            json_pack("[[s, s, [s, o]]]", "ports", "insert",
                                      "set", new_ports));
        json_array_append_new(ops, op);
    } else {
        json_decref(new_ports);
    }
}

/* Writes the Global row, the Physical_Switch and its ports.  Returns 0 or
 * -EIO. */
int
vtep_switch_init(struct vtep *vtep, const struct vtep_config *config)
{
    const struct ovsdb_row *ps = vtep_switch_row(vtep);
    const struct ovsdb_row *global = global_row(vtep);
    const char *mgmt = config->management_ip;
    json_t *ops = json_array(), *row, *result;
    struct uuid ps_uuid;

    row = json_pack("{s:o, s:o}", "tunnel_ips",
                    vtep_json_string_set(&config->tunnel_ip, 1),
                    "management_ips",
                    vtep_json_string_set(&mgmt, mgmt && mgmt[0] ? 1 : 0));
    if (config->description || !ps) {
        json_object_set_new(
            row, "description",
            json_string(config->description ? config->description : ""));
    }
    if (ps) {
        json_t *op = op_where("update", "Physical_Switch", &ps->uuid);

        ps_uuid = ps->uuid;
        json_object_set_new(op, "row", row);
        json_array_append_new(ops, op);
    } else {
        uuid_generate(&ps_uuid);
        json_object_set_new(row, "name", json_string(vtep->switch_name));
        json_array_append_new(ops,
                              op_insert("Physical_Switch", &ps_uuid, row));
    }
    if (global) {
        json_t *op = op_where("mutate", "Global", &global->uuid);

        json_object_set_new(op, "mutations",
                            json_pack("[[s, s, [s, [o]]]]", "switches",
                                      "insert", "set",
                                      vtep_json_uuid(&ps_uuid)));
        json_array_append_new(ops, op);
    } else {
        struct uuid uuid;

        uuid_generate(&uuid);
        json_array_append_new(
            ops, op_insert("Global", &uuid,
                           json_pack("{s:[s, [o]]}", "switches", "set",
                                     vtep_json_uuid(&ps_uuid))));
    }
    add_missing_ports(vtep, ps, &ps_uuid, ops);

    result = vtep_transact(vtep, ops);
    if (!result) {
        return -EIO;
    }
    json_decref(result);
    vtep->switch_faults = UINT_MAX;
    return 0;
}

/* ---- Fault statuses ---- */

enum {
    FAULT_MAC_TABLE,
    FAULT_TUNNEL,
    FAULT_SOURCE_NODE,
    FAULT_LR_SUPPORT,
    FAULT_UNSPECIFIED,
    N_FAULTS
};

static const char *const fault_names[N_FAULTS] = {
    [FAULT_MAC_TABLE] = "mac_table_exhaustion",
    [FAULT_TUNNEL] = "tunnel_exhaustion",
    [FAULT_SOURCE_NODE] = "unsupported_source_node_replication",
    [FAULT_LR_SUPPORT] = "lr_support_fault",
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
    if (ovsdb_table_count(vtep->s.lr)) {
        faults |= 1u << FAULT_LR_SUPPORT;
    }
    for (t = 0; t < HAL_TABLE_N; t++) {
        if (vtep->exhausted[t] && t != HAL_TABLE_FDB
            && t != HAL_TABLE_TUNNEL) {
            faults |= 1u << FAULT_UNSPECIFIED;
        }
    }
    if (vtep->n_bad_rows || vtep->n_bad_locators || vtep->n_ls_failed
        || !list_is_empty(&vtep->ls_blocked)
        || !list_is_empty(&vtep->binding_blocked)
        || !list_is_empty(&vtep->flood_blocked)
        || !list_is_empty(&vtep->mcast_blocked)) {
        faults |= 1u << FAULT_UNSPECIFIED;
    }
    return faults;
}

static void
switch_faults_run(struct vtep *vtep, json_t *ops)
{
    unsigned int faults = switch_faults(vtep);
    const char *names[N_FAULTS];
    const struct ovsdb_row *ps;
    size_t n = 0, i;
    json_t *op;

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
    op = op_where("update", "Physical_Switch", &ps->uuid);
    json_object_set_new(op, "row",
                        json_pack("{s:o}", "switch_fault_status",
                                  vtep_json_string_set(names, n)));
    json_array_append_new(ops, op);
}

/* Logical routers and ACLs are not implemented: every such row says so in
 * its fault column. */
static void
unsupported_rows_run(struct vtep *vtep, json_t *ops, struct ovsdb_table *table,
                     const struct ovsdb_column *column)
{
    static const char *const unsupported[] = { "unspecified_fault" };
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, table) {
        if (!vtep_row_string_set_equals(row, column, unsupported, 1)) {
            json_t *op = op_where("update", table->schema->name, &row->uuid);

            json_object_set_new(
                op, "row",
                json_pack("{s:o}", column->name,
                          vtep_json_string_set(unsupported, 1)));
            json_array_append_new(ops, op);
        }
    }
}

static void
port_faults_run(struct vtep *vtep, json_t *ops)
{
    static const char *const invalid[] = { "invalid_vlan_map" };
    struct vtep_port *port, *next;

    LIST_FOR_EACH_SAFE(port, next, fault_q.node, &vtep->fault_dirty) {
        const struct ovsdb_row *row;
        bool fault;

        if (vtep_port_busy(port)) {
            continue;
        }
        vtep_q_idle(&port->fault_q);
        row = ovsdb_table_find(vtep->s.port, &port->uuid);
        fault = vtep_port_fault(port);
        if (row
            && !vtep_row_string_set_equals(row, vtep->s.port_fault, invalid,
                                           fault)) {
            json_t *op = op_where("update", "Physical_Port", &port->uuid);

            json_object_set_new(
                op, "row",
                json_pack("{s:o}", "port_fault_status",
                          vtep_json_string_set(invalid, fault)));
            json_array_append_new(ops, op);
        }
    }
}

/* Adds to 'ops' the updates of every fault status that changed. */
void
vtep_faults_run(struct vtep *vtep, json_t *ops)
{
    port_faults_run(vtep, ops);
    if (vtep->switch_dirty) {
        vtep->switch_dirty = false;
        unsupported_rows_run(vtep, ops, vtep->s.lr, vtep->s.lr_fault);
        unsupported_rows_run(vtep, ops, vtep->s.acl, vtep->s.acl_fault);
    }
    switch_faults_run(vtep, ops);
}

/* Parses 's', an other_config:mac_aging_time value, into '*seconds'.
 * Returns false if it is not a decimal number of seconds in range. */
static bool
parse_aging_time(const char *s, uint32_t *seconds)
{
    unsigned long value;
    char *end;

    if (*s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    value = strtoul(s, &end, 10);
    if (errno || *end || value > VTEP_MAX_MAC_AGING_S) {
        return false;
    }
    *seconds = value;
    return true;
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
    if (value && !parse_aging_time(value, &seconds)) {
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
