/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/vtep, database to HAL: a controller's transactions
 * against an in-memory hardware_vtep database become exactly the expected
 * calls on a recording mock HAL. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/hal.h"
#include "lib/util.h"
#include "tests/unit/vtep-fixture.h"
#include "vtepd/vtep/vtep-private.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/vtep/vtep.h"

static void
bind_ls(struct vfx *f, const char *port, int vlan, const char *ls)
{
    char *uuid = vfx_ls_uuid(f, ls);

    vfx_transact(f,
                 "[{\"op\": \"mutate\", \"table\": \"Physical_Port\", "
                 "\"where\": [[\"name\", \"==\", \"%s\"]], \"mutations\": "
                 "[[\"vlan_bindings\", \"insert\", [\"map\", [[%d, %s]]]]]}]",
                 port, vlan, uuid);
    free(uuid);
}

static void
unbind(struct vfx *f, const char *port, int vlan)
{
    vfx_transact(f,
                 "[{\"op\": \"mutate\", \"table\": \"Physical_Port\", "
                 "\"where\": [[\"name\", \"==\", \"%s\"]], \"mutations\": "
                 "[[\"vlan_bindings\", \"delete\", [\"set\", [%d]]]]}]",
                 port, vlan);
}

/* Inserts a Ucast_Macs_Remote row for 'mac' in 'ls' via a locator for
 * 'ip' (with 'key' as its tunnel_key unless negative), reusing an existing
 * locator for the same address and key. */
static void
add_umr(struct vfx *f, const char *ls, const char *mac, const char *ip,
        int key)
{
    char *ls_uuid = vfx_ls_uuid(f, ls);
    char *where =
        key >= 0 ? xasprintf("[[\"dst_ip\", \"==\", \"%s\"], [\"tunnel_key\","
                             " \"==\", %d]]",
                             ip, key)
                 : xasprintf("[[\"dst_ip\", \"==\", \"%s\"], [\"tunnel_key\","
                             " \"==\", [\"set\", []]]]",
                             ip);
    char *loc = vfx_query(f, "Physical_Locator", "_uuid", where);
    char *key_json =
        key >= 0 ? xasprintf(", \"tunnel_key\": %d", key) : xstrdup("");

    if (loc[0]) {
        vfx_transact(f,
                     "[{\"op\": \"insert\", \"table\": \"Ucast_Macs_Remote\","
                     " \"row\": {\"MAC\": \"%s\", \"logical_switch\": %s, "
                     "\"locator\": %s}}]",
                     mac, ls_uuid, loc);
    } else {
        vfx_transact(f,
                     "[{\"op\": \"insert\", \"table\": \"Physical_Locator\", "
                     "\"uuid-name\": \"loc\", \"row\": {\"dst_ip\": \"%s\", "
                     "\"encapsulation_type\": \"vxlan_over_ipv4\"%s}}, "
                     "{\"op\": \"insert\", \"table\": \"Ucast_Macs_Remote\","
                     " \"row\": {\"MAC\": \"%s\", \"logical_switch\": %s, "
                     "\"locator\": [\"named-uuid\", \"loc\"]}}]",
                     ip, key_json, mac, ls_uuid);
    }
    free(ls_uuid);
    free(where);
    free(loc);
    free(key_json);
}

static void
del_umr(struct vfx *f, const char *mac, int limit)
{
    json_t *result;
    char *ops;

    ops = xasprintf("[{\"op\": \"select\", \"table\": \"Ucast_Macs_Remote\", "
                    "\"where\": [[\"MAC\", \"==\", \"%s\"]], "
                    "\"columns\": [\"_uuid\"]}]",
                    mac);
    result = vfx_transact_result(f, ops);
    free(ops);
    json_t *rows = json_object_get(json_array_get(result, 0), "rows");
    for (size_t i = 0; i < json_array_size(rows) && (int) i < limit; i++) {
        char *uuid = json_dumps(
            json_object_get(json_array_get(rows, i), "_uuid"), JSON_COMPACT);

        vfx_transact(f,
                     "[{\"op\": \"delete\", \"table\": \"Ucast_Macs_Remote\", "
                     "\"where\": [[\"_uuid\", \"==\", %s]]}]",
                     uuid);
        free(uuid);
    }
    json_decref(result);
}

/* Inserts a Mcast_Macs_Remote row for 'mac' in 'ls' whose locator set has
 * locators for the 'n' addresses in 'ips'. */
static void
add_mmr(struct vfx *f, const char *ls, const char *mac, const char **ips,
        size_t n)
{
    char *ls_uuid = vfx_ls_uuid(f, ls);
    char ops[4096], *p = ops;
    size_t i;

    p += snprintf(p, ops + sizeof ops - p, "[");
    for (i = 0; i < n; i++) {
        p += snprintf(p, ops + sizeof ops - p,
                      "{\"op\": \"insert\", \"table\": \"Physical_Locator\", "
                      "\"uuid-name\": \"l%zu\", \"row\": {\"dst_ip\": "
                      "\"%s\", \"encapsulation_type\": "
                      "\"vxlan_over_ipv4\"}}, ",
                      i, ips[i]);
    }
    p += snprintf(p, ops + sizeof ops - p,
                  "{\"op\": \"insert\", \"table\": \"Physical_Locator_Set\", "
                  "\"uuid-name\": \"set\", \"row\": {\"locators\": [\"set\", "
                  "[");
    for (i = 0; i < n; i++) {
        p += snprintf(p, ops + sizeof ops - p, "%s[\"named-uuid\", \"l%zu\"]",
                      i ? ", " : "", i);
    }
    snprintf(p, ops + sizeof ops - p,
             "]]}}, {\"op\": \"insert\", \"table\": \"Mcast_Macs_Remote\", "
             "\"row\": {\"MAC\": \"%s\", \"logical_switch\": %s, "
             "\"locator_set\": [\"named-uuid\", \"set\"]}}]",
             mac, ls_uuid);
    vfx_transact(f, "%s", ops);
    free(ls_uuid);
}

/* ---- Switch side ---- */

static void
test_switch_rows(void **state)
{
    struct vfx *f = *state;

    assert_int_equal(vfx_count(f, "Global"), 1);
    vfx_assert_query(f, "Physical_Switch", "name", "[]", "\"sw0\"");
    vfx_assert_query(f, "Physical_Switch", "tunnel_ips", "[]", "\"10.0.0.1\"");
    vfx_assert_query(f, "Physical_Switch", "management_ips", "[]",
                     "\"192.168.0.1\"");
    vfx_assert_query(f, "Physical_Switch", "description", "[]",
                     "\"test switch\"");
    vfx_assert_query(f, "Physical_Port", "name", "[]",
                     "\"p1\" \"p2\" \"p3\" \"p4\"");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");
}

static void
test_restart_keeps_rows(void **state)
{
    struct vfx *f = *state;
    char *ps_before, *ps_after, *bindings, *ls;

    vfx_add_ls(f, "ls0", 5000);
    bind_ls(f, "p1", 0, "ls0");
    vfx_run(f);
    ps_before = vfx_query(f, "Physical_Switch", "_uuid", "[]");

    vfx_stop(f);
    vfx_start(f);
    vfx_run(f);
    ps_after = vfx_query(f, "Physical_Switch", "_uuid", "[]");
    assert_string_equal(ps_before, ps_after);
    assert_int_equal(vfx_count(f, "Global"), 1);
    assert_int_equal(vfx_count(f, "Physical_Port"), 4);
    bindings = vfx_query(f, "Physical_Port", "vlan_bindings",
                         "[[\"name\", \"==\", \"p1\"]]");
    ls = vfx_ls_uuid(f, "ls0");
    assert_true(str_starts_with(bindings, "[\"map\",[[0,"));
    assert_non_null(strstr(bindings, ls));
    free(bindings);
    free(ls);
    free(ps_before);
    free(ps_after);
}

static void
test_bad_config(void **state)
{
    struct vfx *f = *state;
    struct vtep_config config = { .switch_name = "sw1",
                                  .tunnel_ip = "not-an-ip" };
    struct vtep *vtep;

    assert_int_equal(vtep_create(f->db, f->hal, &config, &vtep), -EINVAL);
    assert_null(vtep);
    config.tunnel_ip = "10.0.0.1";
    config.switch_name = "";
    assert_int_equal(vtep_create(f->db, f->hal, &config, &vtep), -EINVAL);
}

/* Sets other_config:mac_aging_time on the switch row, or clears
 * other_config if 'value' is NULL. */
static void
set_aging_time(struct vfx *f, const char *value)
{
    vfx_transact(f,
                 "[{\"op\": \"update\", \"table\": \"Physical_Switch\", "
                 "\"where\": [], \"row\": {\"other_config\": "
                 "[\"map\", [%s%s%s]]}}]",
                 value ? "[\"mac_aging_time\", \"" : "", value ? value : "",
                 value ? "\"]" : "");
}

static void
test_mac_aging_time(void **state)
{
    struct vfx *f = *state;

    set_aging_time(f, "2");
    vfx_run(f);
    vfx_assert_log(f, "switch_set 10.0.0.1 aging=2\n");
    set_aging_time(f, "0");
    vfx_run(f);
    vfx_assert_log(f, "switch_set 10.0.0.1 aging=0\n");
    /* Malformed or out of range: the default. */
    set_aging_time(f, "2s");
    vfx_run(f);
    vfx_assert_log(f, "switch_set 10.0.0.1 aging=300\n");
    set_aging_time(f, "99999999999");
    vfx_run(f);
    vfx_assert_log(f, "");
    set_aging_time(f, "60");
    vfx_run(f);
    vfx_assert_log(f, "switch_set 10.0.0.1 aging=60\n");
    /* Removing the key restores the default. */
    set_aging_time(f, NULL);
    vfx_run(f);
    vfx_assert_log(f, "switch_set 10.0.0.1 aging=300\n");
}

/* ---- Database to HAL ---- */

static void
test_ls_bindings_ucast(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    bind_ls(f, "p1", 0, "ls0");
    bind_ls(f, "p1", 100, "ls0");
    add_umr(f, "ls0", "00:00:00:00:00:01", "10.0.0.2", -1);
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=5000 service_node\n"
                      "binding_set p1/0 ls0\n"
                      "binding_set p1/100 ls0\n"
                      "fdb_set ls0 00:00:00:00:00:01 10.0.0.2\n");

    /* A new VNI updates the bridge only. */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"tunnel_key\": 5001}}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=5001 service_node\n");

    unbind(f, "p1", 100);
    vfx_run(f);
    vfx_assert_log(f, "binding_remove p1/100\n");
    /* (A select returns identical rows once.) */
    vfx_assert_query(f, "Physical_Port", "port_fault_status", "[]",
                     "[\"set\",[]]");
}

static void
test_locator_vni_override(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "10.0.0.2", -1);
    add_umr(f, "ls0", "00:00:00:00:00:02", "10.0.0.3", 7000);
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=5000 service_node\n"
                      "fdb_set ls0 00:00:00:00:00:01 10.0.0.2\n"
                      "fdb_set ls0 00:00:00:00:00:02 10.0.0.3 vni=7000\n");

    /* The locator's key is mutable: its entries follow. */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Physical_Locator\", "
                    "\"where\": [[\"dst_ip\", \"==\", \"10.0.0.3\"]], "
                    "\"row\": {\"tunnel_key\": 7001}}]");
    vfx_run(f);
    vfx_assert_log(f, "fdb_set ls0 00:00:00:00:00:02 10.0.0.3 vni=7001\n");
}

static void
test_flood_replication_modes(void **state)
{
    struct vfx *f = *state;
    const char *ips[] = { "10.0.0.9", "10.0.0.3", "10.0.0.5" };

    vfx_add_ls(f, "ls0", 5000);
    add_mmr(f, "ls0", "unknown-dst", ips, 3);
    vfx_run(f);
    /* Service node (the default): the first service node only. */
    vfx_assert_log(f, "bridge_set ls0 vni=5000 service_node\n"
                      "flood_set ls0 unknown-unicast 10.0.0.3\n"
                      "flood_set ls0 broadcast 10.0.0.3\n"
                      "flood_set ls0 unknown-multicast 10.0.0.3\n");

    /* Source node: head-end replication to every locator. */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"replication_mode\": "
                    "\"source_node\"}}]");
    vfx_run(f);
    vfx_assert_log(f,
                   "bridge_set ls0 vni=5000 source_node\n"
                   "flood_set ls0 unknown-unicast 10.0.0.3,10.0.0.5,10.0.0.9\n"
                   "flood_set ls0 broadcast 10.0.0.3,10.0.0.5,10.0.0.9\n"
                   "flood_set ls0 unknown-multicast "
                   "10.0.0.3,10.0.0.5,10.0.0.9\n");

    /* Removing the row empties the lists. */
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Mcast_Macs_Remote\", "
                    "\"where\": []}]");
    vfx_run(f);
    vfx_assert_log(f, "flood_set ls0 unknown-unicast\n"
                      "flood_set ls0 broadcast\n"
                      "flood_set ls0 unknown-multicast\n");
}

static void
test_mcast_groups(void **state)
{
    struct vfx *f = *state;
    const char *ips[] = { "10.0.0.2", "10.0.0.3" };

    vfx_add_ls(f, "ls0", 5000);
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"replication_mode\": "
                    "\"source_node\"}}]");
    add_mmr(f, "ls0", "01:00:5e:00:00:01", ips, 2);
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=5000 source_node\n"
                      "mcast_set ls0 01:00:5e:00:00:01 10.0.0.2,10.0.0.3\n");
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Mcast_Macs_Remote\", "
                    "\"where\": []}]");
    vfx_run(f);
    vfx_assert_log(f, "mcast_remove ls0 01:00:5e:00:00:01\n");
}

static void
test_delete_all_at_once(void **state)
{
    struct vfx *f = *state;
    const char *ips[] = { "10.0.0.4" };

    vfx_add_ls(f, "ls0", 5000);
    bind_ls(f, "p2", 7, "ls0");
    add_umr(f, "ls0", "00:00:00:00:00:01", "10.0.0.2", -1);
    add_mmr(f, "ls0", "unknown-dst", ips, 1);
    vfx_run(f);
    free(vfx_log(f));

    /* One transaction removes everything: the bridge goes, and with it
     * everything in it, so nothing else needs a call. */
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Ucast_Macs_Remote\", "
                    "\"where\": []}, "
                    "{\"op\": \"delete\", \"table\": \"Mcast_Macs_Remote\", "
                    "\"where\": []}, "
                    "{\"op\": \"update\", \"table\": \"Physical_Port\", "
                    "\"where\": [], \"row\": {\"vlan_bindings\": "
                    "[\"map\", []]}}]");
    vfx_run(f);
    vfx_assert_log(f, "binding_remove p2/7\n"
                      "fdb_remove ls0 00:00:00:00:00:01\n"
                      "flood_set ls0 unknown-unicast\n"
                      "flood_set ls0 broadcast\n"
                      "flood_set ls0 unknown-multicast\n");
    /* Our own Mcast_Macs_Local row went with the last binding, so the
     * controller may delete the switch. */
    assert_int_equal(vfx_count(f, "Mcast_Macs_Local"), 0);
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Logical_Switch\", "
                    "\"where\": []}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_remove ls0\n");
}

static void
test_delete_any_order(void **state)
{
    struct vfx *f = *state;

    /* The locator row arrives in a later transaction than the one whose
     * MAC row uses it, in the same transaction as the logical switch. */
    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "10.0.0.2", -1);
    add_umr(f, "ls0", "00:00:00:00:00:02", "10.0.0.2", -1);
    vfx_run(f);
    free(vfx_log(f));

    /* Deleting the logical switch's key first removes the bridge... */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"tunnel_key\": [\"set\", "
                    "[]]}}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_remove ls0\n");
    /* ...then the MAC rows go without HAL calls... */
    del_umr(f, "00:00:00:00:00:01", 1);
    vfx_run(f);
    vfx_assert_log(f, "");
    /* ...and the key comes back with what is left. */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"tunnel_key\": 42}}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=42 service_node\n"
                      "fdb_set ls0 00:00:00:00:00:02 10.0.0.2\n");
}

static void
test_duplicate_mac_rows(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "10.0.0.2", -1);
    add_umr(f, "ls0", "00:00:00:00:00:01", "10.0.0.2", -1);
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=5000 service_node\n"
                      "fdb_set ls0 00:00:00:00:00:01 10.0.0.2\n");
    del_umr(f, "00:00:00:00:00:01", 1);
    vfx_run(f);
    vfx_assert_log(f, "");
    del_umr(f, "00:00:00:00:00:01", 1);
    vfx_run(f);
    vfx_assert_log(f, "fdb_remove ls0 00:00:00:00:00:01\n");
}

/* ---- Invalid input and faults ---- */

static void
test_ls_without_key(void **state)
{
    struct vfx *f = *state;

    vfx_transact(f, "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"row\": {\"name\": \"ls0\"}}]");
    bind_ls(f, "p1", 10, "ls0");
    vfx_run(f);
    vfx_assert_log(f, "");
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p1\"]]", "\"invalid_vlan_map\"");

    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"tunnel_key\": 77}}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=77 service_node\n"
                      "binding_set p1/10 ls0\n");
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p1\"]]", "[\"set\",[]]");
}

/* ovn-controller-vtep sets tunnel_key 0 on every logical switch it has no
 * OVN datapath for: such switches get no bridge, and do not fight over
 * VNI 0. */
static void
test_ls_key_zero(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 0);
    vfx_add_ls(f, "ls1", 0);
    bind_ls(f, "p1", 10, "ls0");
    vfx_run(f);
    vfx_assert_log(f, "");
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p1\"]]", "\"invalid_vlan_map\"");

    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [[\"name\", \"==\", \"ls0\"]], "
                    "\"row\": {\"tunnel_key\": 1}}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=1 service_node\n"
                      "binding_set p1/10 ls0\n");
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [[\"name\", \"==\", \"ls0\"]], "
                    "\"row\": {\"tunnel_key\": 0}}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_remove ls0\n");
}

static void
test_bad_locator(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "not-an-ip", -1);
    add_umr(f, "ls0", "zz:00:00:00:00:01", "10.0.0.2", -1);
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=5000 service_node\n");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"unspecified_fault\"");

    /* The controller replaces both rows: programmed, fault cleared. */
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Ucast_Macs_Remote\", "
                    "\"where\": []}]");
    add_umr(f, "ls0", "00:00:00:00:00:01", "10.0.0.2", -1);
    vfx_run(f);
    vfx_assert_log(f, "fdb_set ls0 00:00:00:00:00:01 10.0.0.2\n");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");
}

static void
add_port(struct vfx *f, const char *name, int vlan, const char *ls)
{
    char *ls_uuid = vfx_ls_uuid(f, ls);

    vfx_transact(f,
                 "[{\"op\": \"insert\", \"table\": \"Physical_Port\", "
                 "\"uuid-name\": \"p\", \"row\": {\"name\": \"%s\", "
                 "\"vlan_bindings\": [\"map\", [[%d, %s]]]}}, "
                 "{\"op\": \"mutate\", \"table\": \"Physical_Switch\", "
                 "\"where\": [], \"mutations\": [[\"ports\", \"insert\", "
                 "[\"set\", [[\"named-uuid\", \"p\"]]]]]}]",
                 name, vlan, ls_uuid);
    free(ls_uuid);
}

static void
test_vlan_bound_twice(void **state)
{
    struct vfx *f = *state;
    char *fault, *ls1, *where, *dup;

    vfx_add_ls(f, "ls0", 5000);
    vfx_add_ls(f, "ls1", 5001);
    bind_ls(f, "p1", 10, "ls0");
    vfx_run(f);
    free(vfx_log(f));

    /* A second row for port p1 binds VLAN 10 elsewhere: neither wins. */
    add_port(f, "p1", 10, "ls1");
    vfx_run(f);
    vfx_assert_log(f, "binding_remove p1/10\n");
    fault = vfx_query(f, "Physical_Port", "port_fault_status",
                      "[[\"name\", \"==\", \"p1\"]]");
    assert_string_equal(fault, "\"invalid_vlan_map\"");
    free(fault);
    assert_int_equal(vfx_count(f, "Physical_Port"), 5);
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"port_fault_status\", \"==\", [\"set\", []]]]",
                     "[\"set\",[]]");

    /* Fixed: the duplicate row goes (unreferenced, it is collected). */
    ls1 = vfx_ls_uuid(f, "ls1");
    where =
        xasprintf("[[\"vlan_bindings\", \"==\", [\"map\", [[10, %s]]]]]", ls1);
    dup = vfx_query(f, "Physical_Port", "_uuid", where);
    vfx_transact(f,
                 "[{\"op\": \"mutate\", \"table\": \"Physical_Switch\", "
                 "\"where\": [], \"mutations\": [[\"ports\", \"delete\", "
                 "%s]]}]",
                 dup);
    assert_int_equal(vfx_count(f, "Physical_Port"), 4);
    vfx_run(f);
    vfx_assert_log(f, "binding_set p1/10 ls0\n");
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p1\"]]", "[\"set\",[]]");
    free(ls1);
    free(where);
    free(dup);
}

static void
test_missing_port(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    add_port(f, "p9", 5, "ls0");
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=5000 service_node\n");
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p9\"]]", "\"invalid_vlan_map\"");
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p1\"]]", "[\"set\",[]]");
}

static void
test_unsupported_source_node(void **state)
{
    struct vfx *f = *state;

    f->mock->no_source_node = true;
    vfx_transact(f, "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"row\": {\"name\": \"ls0\", \"tunnel_key\": 9, "
                    "\"replication_mode\": \"source_node\"}}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=9 source_node\n");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"unsupported_source_node_replication\"");

    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"replication_mode\": "
                    "\"service_node\"}}]");
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=9 service_node\n");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");
}

static void
test_table_full_retry(void **state)
{
    struct vfx *f = *state;
    struct vtep_stats stats;

    f->mock->fdb_capacity = 2;
    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "10.0.0.2", -1);
    add_umr(f, "ls0", "00:00:00:00:00:02", "10.0.0.2", -1);
    add_umr(f, "ls0", "00:00:00:00:00:03", "10.0.0.2", -1);
    vfx_run(f);
    vfx_assert_log(f, "bridge_set ls0 vni=5000 service_node\n"
                      "fdb_set ls0 00:00:00:00:00:01 10.0.0.2\n"
                      "fdb_set ls0 00:00:00:00:00:02 10.0.0.2\n"
                      "fdb_set ls0 00:00:00:00:00:03 10.0.0.2 FULL\n");
    vtep_get_stats(f->vtep, &stats);
    assert_int_equal(stats.blocked, 1);
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"mac_table_exhaustion\"");

    /* Nothing is retried until the HAL says there is room. */
    vfx_run(f);
    vfx_assert_log(f, "");
    del_umr(f, "00:00:00:00:00:01", 1);
    mock_hal_resource_event(f->mock, HAL_EVENT_RESOURCE_FREED, HAL_TABLE_FDB);
    vfx_run(f);
    vfx_assert_log(f, "fdb_remove ls0 00:00:00:00:00:01\n"
                      "fdb_set ls0 00:00:00:00:00:03 10.0.0.2\n");
    vtep_get_stats(f->vtep, &stats);
    assert_int_equal(stats.blocked, 0);
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");
}

/* Client mode: writes to a port's rows that the server keeps refusing
 * fault that port (not the switch) for VTEP_DB_REFUSAL_WINDOW_MS after
 * the last refusal; other rows' refusals fault the switch. */
static void
test_refused_writes_fault(void **state)
{
    struct vfx *f = *state;
    const char *p1 = "[[\"name\", \"==\", \"p1\"]]";
    char *uuid = vfx_query(f, "Physical_Port", "_uuid", p1);
    struct vtep_row_ref ref;
    size_t n;

    ref.table = ovsdb_db_find_table(f->db, "Physical_Port");
    /* uuid is ["uuid","XXXXXXXX-..."]: the UUID ends 2 bytes before. */
    n = strlen(uuid);
    assert_true(n > UUID_LEN + 2);
    uuid[n - 2] = '\0';
    assert_true(uuid_from_string(&ref.uuid, uuid + n - 2 - UUID_LEN));
    vfx_run(f);
    for (int i = 0; i < VTEP_DB_REFUSALS_FAULT; i++) {
        vtep_db_writes_lost(f->vtep, true, &ref, 1);
        f->now += 1000;
        vfx_run(f);
    }
    vfx_assert_query(f, "Physical_Port", "port_fault_status", p1,
                     "\"unspecified_fault\"");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");
    /* The window ends: the fault goes without any other change. */
    f->now += VTEP_DB_REFUSAL_WINDOW_MS;
    vfx_run(f);
    vfx_assert_query(f, "Physical_Port", "port_fault_status", p1,
                     "[\"set\",[]]");
    /* A refused write that names no port faults the switch. */
    for (int i = 0; i < VTEP_DB_REFUSALS_FAULT; i++) {
        vtep_db_writes_lost(f->vtep, true, NULL, 0);
        f->now += 1000;
        vfx_run(f);
    }
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"unspecified_fault\"");
    vfx_assert_query(f, "Physical_Port", "port_fault_status", p1,
                     "[\"set\",[]]");
    free(uuid);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_switch_rows, vfx_cmocka_setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_mac_aging_time, vfx_cmocka_setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_bad_config, vfx_cmocka_setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_restart_keeps_rows,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_ls_bindings_ucast,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_locator_vni_override,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_flood_replication_modes,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_mcast_groups, vfx_cmocka_setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_delete_all_at_once,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_delete_any_order,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_mac_rows,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_ls_without_key, vfx_cmocka_setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_ls_key_zero, vfx_cmocka_setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_bad_locator, vfx_cmocka_setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_vlan_bound_twice,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_missing_port, vfx_cmocka_setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_source_node,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_refused_writes_fault,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_table_full_retry,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
    };

    return cmocka_run_group_tests_name("vtepd/vtep/vtep", tests, NULL, NULL);
}
