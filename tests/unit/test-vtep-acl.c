/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the reconciler's ACLs (vtepd/vtep/vtep-acl.c) on the asic
 * backend: entries ordered by sequence, bindings, every cause of
 * invalid_acl_entry, duplicate sequences, resource_shortage keeping the
 * ACLs that fit, unbinding, a backend without ACLs, and router interface
 * bindings (Logical_Router.acl_binding). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/asic/asic.h"
#include "hal/hal-acl.h"
#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "tests/unit/vtep-fixture.h"
#include "vtepd/vtep/vtep.h"

/* The port acl_bound() binds: swp1 on the asic, p1 on the mock. */
static const char *bound_port = "swp1";

static void
setup_asic_file(struct vfx *f, const char *state_file)
{
    memset(f, 0, sizeof *f);
    vfx_setup_hal(f, vfx_open_asic(state_file));
}

static void
setup_asic(struct vfx *f)
{
    setup_asic_file(f, NULL);
}

/* Creates ACL 'name' with the entries in 'entries' (JSON row objects
 * separated by commas) and binds it to swp1 VLAN 'vlan', then runs the
 * reconciler if it is running. */
static void
acl_bound(struct vfx *f, const char *name, int vlan, const char *entries)
{
    struct ds ops = DS_EMPTY_INITIALIZER;
    const char *p = entries;
    int n = 0;

    ds_put_cstr(&ops, "[");
    while (*p) {
        const char *end = strstr(p, "};");

        ds_put_format(&ops,
                      "{\"op\": \"insert\", \"table\": \"ACL_entry\", "
                      "\"uuid-name\": \"e%d\", \"row\": %.*s}}, ",
                      n++, (int) (end ? end - p : (int) strlen(p) - 1), p);
        p = end ? end + 2 : p + strlen(p);
    }
    ds_put_format(&ops,
                  "{\"op\": \"insert\", \"table\": \"ACL\", \"uuid-name\": "
                  "\"acl\", \"row\": {\"acl_name\": \"%s\", \"acl_entries\": "
                  "[\"set\", [",
                  name);
    for (int i = 0; i < n; i++) {
        ds_put_format(&ops, "%s[\"named-uuid\", \"e%d\"]", i ? ", " : "", i);
    }
    ds_put_format(&ops,
                  "]]}}, {\"op\": \"mutate\", \"table\": \"Physical_Port\", "
                  "\"where\": [[\"name\", \"==\", \"%s\"]], \"mutations\": "
                  "[[\"acl_bindings\", \"insert\", [\"map\", [[%d, "
                  "[\"named-uuid\", \"acl\"]]]]]]}]",
                  bound_port, vlan);
    vfx_transact(f, "%s", ds_cstr(&ops));
    ds_destroy(&ops);
    if (f->vtep) { /* Not while vtepd is stopped. */
        vfx_run(f);
    }
}

static char *
dump_acl(struct vfx *f)
{
    struct ds out = DS_EMPTY_INITIALIZER;

    hal_dump_acl(f->hal, &out);
    return ds_steal_cstr(&out);
}

static char *
faults(struct vfx *f)
{
    struct ds out = DS_EMPTY_INITIALIZER;

    vtep_acl_dump_faults(f->vtep, &out);
    return ds_steal_cstr(&out);
}

static void
test_order_and_binding(void **state)
{
    struct vfx f;
    char *dump;

    (void) state;
    setup_asic(&f);
    acl_bound(&f, "web", 0,
              "{\"sequence\": 20, \"direction\": \"ingress\", "
              "\"action\": \"permit\"};"
              "{\"sequence\": 10, \"direction\": \"ingress\", "
              "\"action\": \"deny\", \"protocol\": 6, "
              "\"dest_port_min\": 1000, \"dest_port_max\": 2000};"
              "{\"sequence\": 5, \"direction\": \"egress\", "
              "\"action\": \"deny\", \"dest_mac\": \"02:00:00:00:00:09\"};");
    dump = dump_acl(&f);
    assert_string_equal(dump,
                        "tcam ingress: 9/64 entries\n"
                        "tcam egress: 1/32 entries\n"
                        "acl web ingress: 2 rules, 9 TCAM entries, 1 "
                        "bindings\n"
                        "  seq 10     deny   hits=0 tcam=8 proto 6 dport "
                        "1000-2000\n"
                        "  seq 20     permit hits=0 tcam=1 any\n"
                        "acl web egress: 1 rules, 1 TCAM entries, 1 bindings\n"
                        "  seq 5      deny   hits=0 tcam=1 "
                        "dst-mac 02:00:00:00:00:09\n"
                        "binding swp1 vlan 0 ingress -> web\n"
                        "binding swp1 vlan 0 egress -> web\n");
    free(dump);
    vfx_assert_query(&f, "ACL", "acl_fault_status", "[]", "[\"set\",[]]");
    vfx_assert_query(&f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"swp1\"]]", "[\"set\",[]]");

    /* Unbinding removes the tables: nothing else uses them. */
    vfx_transact(&f, "[{\"op\": \"update\", \"table\": \"Physical_Port\", "
                     "\"where\": [[\"name\", \"==\", \"swp1\"]], "
                     "\"row\": {\"acl_bindings\": [\"map\", []]}}]");
    vfx_run(&f);
    dump = dump_acl(&f);
    assert_string_equal(dump, "tcam ingress: 0/64 entries\n"
                              "tcam egress: 0/32 entries\n");
    free(dump);
    vfx_teardown(&f);
}

/* Each malformed entry: its cause and the faults it leaves. */
static void
test_invalid_entries(void **state)
{
    static const struct {
        const char *row;
        const char *cause;
    } cases[] = {
        { "\"source_mask\": \"255.0.0.0\"", "source_mask without source_ip" },
        { "\"dest_mask\": \"24\"", "dest_mask without dest_ip" },
        { "\"protocol\": 6, \"dest_port_min\": 2000, \"dest_port_max\": 1000",
          "port range low > high" },
        { "\"source_port_min\": 5", "L4 ports need protocol" },
        { "\"protocol\": 6, \"tcp_flags_mask\": 2",
          "tcp_flags_mask without tcp_flags" },
        { "\"protocol\": 6, \"tcp_flags\": 18, \"tcp_flags_mask\": 2",
          "tcp_flags outside tcp_flags_mask" },
        { "\"icmp_type\": 8", "ICMP type/code need protocol" },
        { "\"source_mac\": \"02:00:00:00:00\"", "malformed source_mac" },
        { "\"ethertype\": \"0xzz\"", "malformed ethertype" },
        { "\"ethertype\": \"0x0806\", \"source_ip\": \"10.0.0.1\"",
          "ethertype does not match" },
        { "\"source_ip\": \"10.0.0.1\", \"source_mask\": \"ffff::\"",
          "malformed mask or of another family" },
    };

    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char entry[512];
        struct vfx f;
        char *text;

        setup_asic(&f);
        snprintf(entry, sizeof entry,
                 "{\"sequence\": 1, \"direction\": \"ingress\", "
                 "\"action\": \"deny\", %s};",
                 cases[i].row);
        acl_bound(&f, "bad", 0, entry);
        vfx_assert_query(&f, "ACL_entry", "acle_fault_status", "[]",
                         "\"invalid_acl_entry\"");
        vfx_assert_query(&f, "ACL", "acl_fault_status", "[]",
                         "\"invalid_acl\"");
        vfx_assert_query(&f, "Physical_Port", "port_fault_status",
                         "[[\"name\", \"==\", \"swp1\"]]",
                         "\"invalid_ACL_binding\"");
        text = faults(&f);
        if (!strstr(text, cases[i].cause)) {
            fail_msg("case %zu: no \"%s\" in:\n%s", i, cases[i].cause, text);
        }
        free(text);
        vfx_teardown(&f);
    }
}

static void
test_duplicate_sequence(void **state)
{
    struct vfx f;
    char *text;

    (void) state;
    setup_asic(&f);
    acl_bound(&f, "dup", 0,
              "{\"sequence\": 7, \"direction\": \"ingress\", "
              "\"action\": \"deny\"};"
              "{\"sequence\": 7, \"direction\": \"ingress\", "
              "\"action\": \"permit\"};");
    vfx_assert_query(&f, "ACL", "acl_fault_status", "[]", "\"invalid_acl\"");
    vfx_assert_query(&f, "ACL_entry", "acle_fault_status", "[]",
                     "[\"set\",[]]");
    text = faults(&f);
    assert_non_null(strstr(text, "two entries with sequence 7"));
    free(text);
    vfx_teardown(&f);
}

/* An ACL that does not fit leaves the earlier one programmed. */
static void
test_resource_shortage(void **state)
{
    struct vfx f;
    char *dump;

    (void) state;
    setup_asic(&f);
    acl_bound(&f, "a-small", 10,
              "{\"sequence\": 1, \"direction\": \"ingress\", "
              "\"action\": \"deny\", \"protocol\": 1};");
    acl_bound(&f, "b-huge", 20,
              "{\"sequence\": 1, \"direction\": \"ingress\", "
              "\"action\": \"deny\", \"protocol\": 17, "
              "\"source_port_min\": 1, \"source_port_max\": 65534, "
              "\"dest_port_min\": 1, \"dest_port_max\": 65534};");
    vfx_assert_query(&f, "ACL", "acl_fault_status",
                     "[[\"acl_name\", \"==\", \"b-huge\"]]",
                     "\"resource_shortage\"");
    vfx_assert_query(&f, "ACL", "acl_fault_status",
                     "[[\"acl_name\", \"==\", \"a-small\"]]", "[\"set\",[]]");
    vfx_assert_query(&f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"swp1\"]]",
                     "\"invalid_ACL_binding\"");
    dump = dump_acl(&f);
    assert_non_null(strstr(dump, "binding swp1 vlan 10 ingress -> a-small"));
    assert_null(strstr(dump, "b-huge"));
    free(dump);

    /* Removing the huge ACL's binding clears the port's fault. */
    vfx_transact(&f, "[{\"op\": \"mutate\", \"table\": \"Physical_Port\", "
                     "\"where\": [[\"name\", \"==\", \"swp1\"]], "
                     "\"mutations\": [[\"acl_bindings\", \"delete\", "
                     "[\"set\", [20]]]]}]");
    vfx_run(&f);
    vfx_assert_query(&f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"swp1\"]]", "[\"set\",[]]");
    vfx_teardown(&f);
}

/* The recording mock has no ACLs: the ACL and the port say so. */
static void
test_backend_without_acls(void **state)
{
    struct vfx f;
    char *text;

    (void) state;
    memset(&f, 0, sizeof f);
    vfx_setup(&f, false);
    bound_port = "p1";
    acl_bound(&f, "acl", 0,
              "{\"sequence\": 1, \"direction\": \"ingress\", "
              "\"action\": \"deny\", \"protocol\": 1};");
    vfx_assert_query(&f, "ACL", "acl_fault_status", "[]", "\"invalid_acl\"");
    vfx_assert_query(&f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p1\"]]",
                     "\"invalid_ACL_binding\"");
    text = faults(&f);
    assert_non_null(strstr(text, "not supported by backend"));
    free(text);
    bound_port = "swp1";
    vfx_teardown(&f);
}

/* The TCAM is chip memory: after a warm restart it is there before the
 * reconciler starts, and the replay adopts it without a write or a second
 * copy.  An ACL that replaced it while vtepd was down, and needs its room,
 * is programmed once the end of the resync has removed the old one. */
static void
test_warm_restart(void **state)
{
    char file[64], *before, *after;
    uint64_t writes;
    struct vfx f;

    (void) state;
    snprintf(file, sizeof file, "/tmp/test-vtep-acl-%d.chip", (int) getpid());
    unlink(file);
    setup_asic_file(&f, file);
    acl_bound(&f, "web", 10,
              "{\"sequence\": 10, \"direction\": \"ingress\", "
              "\"action\": \"deny\", \"protocol\": 6, "
              "\"dest_port_min\": 1000, \"dest_port_max\": 2000};");
    before = dump_acl(&f);
    assert_non_null(strstr(before, "binding swp1 vlan 10 ingress -> web"));

    vfx_stop(&f);
    hal_close(f.hal);
    f.hal = vfx_open_asic(file);
    assert_true(hal_is_warm(f.hal));
    after = dump_acl(&f);
    assert_string_equal(before, after);
    free(after);
    writes = hal_asic_writes(hal_asic_cast(f.hal));
    vfx_start(&f);
    vfx_run(&f);
    assert_int_equal(hal_asic_writes(hal_asic_cast(f.hal)) - writes, 0);
    after = dump_acl(&f);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* While vtepd is down, "web" goes and "big" (60 of the 64 entries)
     * takes its binding. */
    vfx_stop(&f);
    hal_close(f.hal);
    vfx_transact(&f, "[{\"op\": \"mutate\", \"table\": \"Physical_Port\", "
                     "\"where\": [[\"name\", \"==\", \"swp1\"]], "
                     "\"mutations\": [[\"acl_bindings\", \"delete\", "
                     "[\"set\", [10]]]]}]");
    acl_bound(&f, "big", 10,
              "{\"sequence\": 1, \"direction\": \"ingress\", "
              "\"action\": \"deny\", \"protocol\": 6, "
              "\"dest_port_min\": 1, \"dest_port_max\": 65534};"
              "{\"sequence\": 2, \"direction\": \"ingress\", "
              "\"action\": \"deny\", \"protocol\": 17, "
              "\"dest_port_min\": 1, \"dest_port_max\": 65534};");
    f.hal = vfx_open_asic(file);
    assert_true(hal_is_warm(f.hal));
    vfx_start(&f);
    vfx_run(&f);
    after = dump_acl(&f);
    assert_non_null(strstr(after, "binding swp1 vlan 10 ingress -> big"));
    assert_non_null(strstr(after, "tcam ingress: 60/64"));
    assert_null(strstr(after, "acl web"));
    free(after);
    vfx_assert_query(&f, "ACL", "acl_fault_status",
                     "[[\"acl_name\", \"==\", \"big\"]]", "[\"set\",[]]");
    vfx_teardown(&f);
    unlink(file);
}

/* Sets the acl_binding of every Logical_Router to { 'key': 'acl_uuid' }
 * ('acl_uuid' as vfx_query() gives it) and runs. */
static void
router_acl(struct vfx *f, const char *key, const char *acl_uuid)
{
    vfx_transact(f,
                 "[{\"op\": \"update\", \"table\": \"Logical_Router\", "
                 "\"where\": [], \"row\": {\"acl_binding\": [\"map\", "
                 "[[\"%s\", %s]]]}}]",
                 key, acl_uuid);
    vfx_run(f);
}
/* Logical_Router.acl_binding: an ACL on the interface that switch_binding
 * made, by address with or without the prefix length; a key that names no
 * switch_binding is invalid_ACL_binding; changes re-bind; removal unbinds. */
static void
test_router_binding(void **state)
{
    struct vfx f;
    char *dump, *text, *acl_uuid;

    (void) state;
    setup_asic(&f);
    vfx_transact(&f,
                 "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                 "\"uuid-name\": \"red\", \"row\": {\"name\": \"red\", "
                 "\"tunnel_key\": 100}}, "
                 "{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                 "\"uuid-name\": \"blue\", \"row\": {\"name\": \"blue\", "
                 "\"tunnel_key\": 200}}, "
                 "{\"op\": \"insert\", \"table\": \"ACL_entry\", "
                 "\"uuid-name\": \"e1\", \"row\": {\"sequence\": 10, "
                 "\"direction\": \"ingress\", \"action\": \"deny\", "
                 "\"protocol\": 1}}, "
                 "{\"op\": \"insert\", \"table\": \"ACL_entry\", "
                 "\"uuid-name\": \"e2\", \"row\": {\"sequence\": 20, "
                 "\"direction\": \"egress\", \"action\": \"deny\", "
                 "\"protocol\": 17}}, "
                 "{\"op\": \"insert\", \"table\": \"ACL\", \"uuid-name\": "
                 "\"acl\", \"row\": {\"acl_name\": \"no-icmp\", "
                 "\"acl_entries\": [\"set\", [[\"named-uuid\", \"e1\"], "
                 "[\"named-uuid\", \"e2\"]]]}}, "
                 "{\"op\": \"insert\", \"table\": \"Logical_Router\", "
                 "\"row\": {\"name\": \"lr\", \"switch_binding\": [\"map\", "
                 "[[\"10.0.1.1/24\", [\"named-uuid\", \"red\"]], "
                 "[\"10.0.2.1/24\", [\"named-uuid\", \"blue\"]]]], "
                 "\"acl_binding\": [\"map\", [[\"10.0.1.1\", "
                 "[\"named-uuid\", \"acl\"]]]]}}]");
    vfx_run(&f);
    dump = dump_acl(&f);
    assert_non_null(strstr(dump, "binding rif lr 10.0.1.1/24 ingress -> "
                                 "no-icmp\n"
                                 "binding rif lr 10.0.1.1/24 egress -> "
                                 "no-icmp\n"));
    free(dump);
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "[\"set\",[]]");

    /* Moved to the other interface, by address and length. */
    acl_uuid = vfx_query(&f, "ACL", "_uuid", "[]");
    router_acl(&f, "10.0.2.1/24", acl_uuid);
    dump = dump_acl(&f);
    assert_null(strstr(dump, "binding rif lr 10.0.1.1/24"));
    assert_non_null(strstr(dump, "binding rif lr 10.0.2.1/24 ingress -> "
                                 "no-icmp\n"));
    free(dump);

    /* An interface no switch_binding has: invalid_ACL_binding, nothing
     * bound, and the cause on vtep/acl-faults. */
    router_acl(&f, "10.0.9.1", acl_uuid);
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "\"invalid_ACL_binding\"");
    dump = dump_acl(&f);
    assert_null(strstr(dump, "binding rif"));
    free(dump);
    text = faults(&f);
    assert_non_null(strstr(text, "invalid_ACL_binding: interface 10.0.9.1: "
                                 "no switch_binding has it"));
    free(text);
    /* A prefix length other than the interface's is no match either. */
    router_acl(&f, "10.0.2.1/16", acl_uuid);
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "\"invalid_ACL_binding\"");

    /* Back to a good one; then the switch_binding goes: the interface and
     * its binding go with it and the router says why. */
    router_acl(&f, "10.0.2.1", acl_uuid);
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "[\"set\",[]]");
    vfx_transact(&f, "[{\"op\": \"mutate\", \"table\": "
                     "\"Logical_Router\", \"where\": [], \"mutations\": "
                     "[[\"switch_binding\", \"delete\", [\"set\", "
                     "[\"10.0.2.1/24\"]]]]}]");
    vfx_run(&f);
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "\"invalid_ACL_binding\"");
    dump = dump_acl(&f);
    assert_null(strstr(dump, "binding rif"));
    free(dump);

    /* A change that makes the ACL invalid keeps the version programmed
     * before in force: the ACL says invalid_acl, the binding stays. */
    router_acl(&f, "10.0.1.1/24", acl_uuid);
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "[\"set\",[]]");
    vfx_transact(&f, "[{\"op\": \"update\", \"table\": \"ACL_entry\", "
                     "\"where\": [[\"sequence\", \"==\", 20]], \"row\": "
                     "{\"sequence\": 10}}]");
    vfx_run(&f);
    vfx_assert_query(&f, "ACL", "acl_fault_status", "[]", "\"invalid_acl\"");
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "[\"set\",[]]");
    dump = dump_acl(&f);
    assert_non_null(strstr(dump, "binding rif lr 10.0.1.1/24 ingress -> "
                                 "no-icmp\n"));
    free(dump);

    /* An ACL never programmed: invalid_ACL_binding, nothing bound. */
    vfx_transact(&f, "[{\"op\": \"insert\", \"table\": \"ACL_entry\", "
                     "\"uuid-name\": \"e\", \"row\": {\"sequence\": 1, "
                     "\"direction\": \"ingress\", \"action\": \"deny\", "
                     "\"source_mask\": \"255.0.0.0\"}}, "
                     "{\"op\": \"insert\", \"table\": \"ACL\", "
                     "\"uuid-name\": \"bad\", \"row\": {\"acl_name\": "
                     "\"bad\", \"acl_entries\": [\"named-uuid\", \"e\"]}}, "
                     "{\"op\": \"update\", \"table\": \"Logical_Router\", "
                     "\"where\": [], \"row\": {\"acl_binding\": [\"map\", "
                     "[[\"10.0.1.1\", [\"named-uuid\", \"bad\"]]]]}}]");
    vfx_run(&f);
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "\"invalid_ACL_binding\"");
    text = faults(&f);
    assert_non_null(strstr(text, "interface 10.0.1.1: ACL bad not "
                                 "programmed (invalid_acl)"));
    free(text);
    dump = dump_acl(&f);
    assert_null(strstr(dump, "binding rif"));
    free(dump);

    /* Removing the binding unbinds and clears the fault. */
    vfx_transact(&f, "[{\"op\": \"update\", \"table\": "
                     "\"Logical_Router\", \"where\": [], \"row\": "
                     "{\"acl_binding\": [\"map\", []]}}]");
    vfx_run(&f);
    vfx_assert_query(&f, "Logical_Router", "LR_fault_status", "[]",
                     "[\"set\",[]]");
    dump = dump_acl(&f);
    assert_null(strstr(dump, "binding rif"));
    assert_null(strstr(dump, "acl "));
    free(dump);
    free(acl_uuid);
    vfx_teardown(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_binding),
        cmocka_unit_test(test_invalid_entries),
        cmocka_unit_test(test_duplicate_sequence),
        cmocka_unit_test(test_resource_shortage),
        cmocka_unit_test(test_backend_without_acls),
        cmocka_unit_test(test_warm_restart),
        cmocka_unit_test(test_router_binding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
