/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/insert-text.c and transactions executed from
 * text (ovsdb_execute_text()): which inserts the fast path takes, which it
 * leaves to the general path, and that both paths always agree, on
 * hand-written transactions and on random mutations of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/uuid.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/insert-text.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"

#define LS "dd4095a0-0157-4441-b648-8bbc567c0583"
#define LOC "53e2eeb6-b4f8-47cd-829f-1067872cca75"

/* Makes a database with a logical switch LS and a locator LOC. */
static struct ovsdb_db *
create_db(void)
{
    static const char setup[] =
        "[\"hardware_vtep\","
        "{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"uuid\":\"" LS "\","
        "\"row\":{\"name\":\"ls0\",\"tunnel_key\":5000}},"
        "{\"op\":\"insert\",\"table\":\"Physical_Locator\",\"uuid\":\"" LOC
        "\",\"row\":{\"dst_ip\":\"10.0.0.2\","
        "\"encapsulation_type\":\"vxlan_over_ipv4\"}}]";
    struct ovsdb_exec_ctx ctx = { .may_block = false };
    json_t *json = json_loads(vtep_schema_text(), 0, NULL);
    struct ovsdb_schema *schema;
    struct ovsdb_db *db;
    long long timeout;
    json_t *params, *result;

    assert_null(ovsdb_schema_from_json(json, &schema));
    json_decref(json);
    db = ovsdb_db_create(schema);
    params = json_loads(setup, 0, NULL);
    result = ovsdb_execute(db, params, &ctx, &timeout);
    assert_non_null(result);
    assert_null(json_object_get(json_array_get(result, 1), "error"));
    json_decref(result);
    json_decref(params);
    return db;
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Every row of every table, as JSON text, in a stable order. */
static void
dump_db(struct ovsdb_db *db, struct ds *out)
{
    for (unsigned int i = 0; i < db->schema->n_tables; i++) {
        struct ovsdb_exec_ctx ctx = { .may_block = false };
        const char *name = db->schema->tables[i]->name;
        json_t *params = json_pack("[s{s:s,s:s,s:[]}]", "hardware_vtep", "op",
                                   "select", "table", name, "where");
        long long timeout;
        json_t *result = ovsdb_execute(db, params, &ctx, &timeout);
        json_t *rows = json_object_get(json_array_get(result, 0), "rows");
        char **texts = calloc(json_array_size(rows) + 1, sizeof *texts);
        size_t n = json_array_size(rows);

        /* Rows come in hash order; sort their text for comparison. */
        for (size_t j = 0; j < n; j++) {
            texts[j] = json_dumps(json_array_get(rows, j),
                                  JSON_COMPACT | JSON_SORT_KEYS);
        }
        qsort(texts, n, sizeof *texts, compare_strings);
        ds_put_format(out, "%s:", name);
        for (size_t j = 0; j < n; j++) {
            ds_put_format(out, "%s\n", texts[j]);
            free(texts[j]);
        }
        free(texts);
        json_decref(result);
        json_decref(params);
    }
}

/* Runs 'params' from text and from a tree on twin databases and checks
 * that results, databases and the UUID generator agree.  Returns false if
 * the text is not something the server would keep as text. */
static bool
check_equivalent(const char *params, size_t n)
{
    struct json_text_array *text = json_text_array_parse(params, n);
    struct ovsdb_exec_ctx ctx = { .may_block = true };
    struct ds out_text = DS_EMPTY_INITIALIZER;
    struct ds out_tree = DS_EMPTY_INITIALIZER;
    struct ds dump_text = DS_EMPTY_INITIALIZER;
    struct ds dump_tree = DS_EMPTY_INITIALIZER;
    struct uuid next_text, next_tree;
    long long timeout_text, timeout_tree;
    struct ovsdb_db *db;
    json_t *tree, *result;

    if (!text) {
        return false;
    }

    uuid_set_seed(7);
    db = create_db();
    if (!ovsdb_execute_text(db, NULL, text, &ctx, &timeout_text, &out_text)) {
        ds_put_cstr(&out_text, "(blocked)");
    }
    uuid_generate(&next_text);
    dump_db(db, &dump_text);
    ovsdb_db_destroy(db);

    uuid_set_seed(7);
    db = create_db();
    tree = json_text_array_to_json(text);
    result = ovsdb_execute(db, tree, &ctx, &timeout_tree);
    if (result) {
        json_text_encode(result, &out_tree);
    } else {
        ds_put_cstr(&out_tree, "(blocked)");
    }
    uuid_generate(&next_tree);
    dump_db(db, &dump_tree);
    ovsdb_db_destroy(db);

    assert_string_equal(ds_cstr(&out_text), ds_cstr(&out_tree));
    assert_string_equal(ds_cstr(&dump_text), ds_cstr(&dump_tree));
    assert_true(timeout_text == timeout_tree);
    assert_true(uuid_equals(&next_text, &next_tree));

    json_decref(result);
    json_decref(tree);
    json_text_array_unref(text);
    ds_destroy(&out_text);
    ds_destroy(&out_tree);
    ds_destroy(&dump_text);
    ds_destroy(&dump_tree);
    return true;
}

#define MAC_ROW(MAC)                                                 \
    "{\"MAC\":\"" MAC "\",\"logical_switch\":[\"uuid\",\"" LS "\"]," \
    "\"locator\":[\"uuid\",\"" LOC "\"]}"

/* Operations the fast path must take. */
static const char *const accepted[] = {
    "{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\",\"row\":" MAC_ROW(
        "02:00:00:00:00:01") "}",
    /* Members in any order, white space, "row" before "table". */
    " { \"row\" : " MAC_ROW(
        "02:00:00:00:00:02") " , \"table\" : "
                             "\"Ucast_Macs_Remote\", \"op\" : \"insert\" } ",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"uuid-name\":\"x\","
    "\"row\":{\"name\":\"a\\\"b\\u0041\",\"tunnel_key\":[\"set\",[7]]}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
    "\"uuid\":\"11111111-2222-4333-8444-555555555555\",\"row\":{}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\"}",
    "{\"op\":\"insert\",\"table\":\"Physical_Port\",\"row\":{\"name\":\"p\","
    "\"vlan_bindings\":[\"map\",[[9,[\"uuid\",\"" LS "\"]],[2,[\"uuid\",\"" LS
    "\"]]]],\"other_config\":[\"map\",[[\"b\",\"1\"],[\"a\",\"2\"]]]}}",
    /* One column with a named UUID. */
    "{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\",\"row\":{"
    "\"MAC\":\"02:00:00:00:00:03\",\"logical_switch\":[\"named-uuid\","
    "\"n\"],\"locator\":[\"uuid\",\"" LOC "\"]}}",
    "{\"op\":\"insert\",\"table\":\"Physical_Switch\",\"row\":{"
    "\"name\":\"s\",\"tunnel_ips\":[\"set\",[\"10.0.0.2\",\"10.0.0.1\"]]}}",
};

/* Operations the fast path must leave to the general path. */
static const char *const declined[] = {
    "{\"op\":\"delete\",\"table\":\"Logical_Switch\",\"where\":[]}",
    "{\"op\":\"insert\",\"op\":\"insert\",\"table\":\"Logical_Switch\"}",
    "{\"op\":\"insert\"}",
    "{\"op\":\"insert\",\"table\":\"Nope\"}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"extra\":1}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"row\":{\"x\":1}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
    "\"row\":{\"name\":\"a\",\"name\":\"b\"}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
    "\"row\":{\"_uuid\":[\"uuid\",\"" LS "\"]}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
    "\"row\":{\"tunnel_key\":5.0}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
    "\"row\":{\"tunnel_key\":\"5\"}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
    "\"row\":{\"tunnel_key\":[\"set\",[1,2]]}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
    "\"row\":{\"name\":[\"set\",[]]}}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"row\":[]}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"uuid-name\":\"1x\"}",
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"uuid\":\"nope\"}",
    "{\"op\":\"insert\",\"table\":\"Physical_Locator\",\"row\":{"
    "\"dst_ip\":\"1.2.3.4\",\"encapsulation_type\":\"gre\"}}",
    "{\"op\":\"insert\",\"table\":\"Physical_Switch\",\"row\":{"
    "\"tunnel_ips\":[\"set\",[\"a\",\"a\"]]}}",
    "{\"op\":\"insert\",\"table\":\"Physical_Port\",\"row\":{"
    "\"other_config\":[\"set\",[]]}}",
    "{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\",\"row\":{"
    "\"MAC\":\"m\",\"logical_switch\":[\"named-uuid\",\"a\"],"
    "\"locator\":[\"named-uuid\",\"b\"]}}",
    "{\"op\":\"insert\",\"table\":\"Physical_Locator_Set\",\"row\":{"
    "\"locators\":[\"set\",[[\"named-uuid\",\"a\"]]]}}",
    "{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\",\"row\":{"
    "\"logical_switch\":[\"uuid\",\"" LS "x\"]}}",
    "{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\",\"row\":{"
    "\"logical_switch\":[\"uuid\",\"" LS "\",1]}}",
};

static void
test_accept_decline(void **state)
{
    struct ovsdb_db *db = create_db();

    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(accepted); i++) {
        struct ovsdb_insert_text ins;

        if (!ovsdb_insert_text_parse(db, accepted[i], strlen(accepted[i]),
                                     &ins)) {
            fail_msg("declined: %s", accepted[i]);
        }
        ovsdb_insert_text_destroy(&ins);
    }
    for (size_t i = 0; i < ARRAY_SIZE(declined); i++) {
        struct ovsdb_insert_text ins;

        if (ovsdb_insert_text_parse(db, declined[i], strlen(declined[i]),
                                    &ins)) {
            fail_msg("accepted: %s", declined[i]);
        }
    }
    ovsdb_db_destroy(db);
}

/* Builds a transaction of every operation above, in order. */
static void
put_all_ops(struct ds *s)
{
    ds_put_cstr(s, "[\"hardware_vtep\"");
    for (size_t i = 0; i < ARRAY_SIZE(accepted); i++) {
        ds_put_format(s, ",%s", accepted[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(declined); i++) {
        ds_put_format(s, ",%s", declined[i]);
    }
    ds_put_char(s, ']');
}

/* Each operation alone, after the accepted ones, and all together (the
 * first error stops the transaction). */
static void
test_equivalence(void **state)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(declined); i++) {
        ds_clear(&s);
        ds_put_cstr(&s, "[\"hardware_vtep\"");
        for (size_t j = 0; j < ARRAY_SIZE(accepted); j++) {
            ds_put_format(&s, ",%s", accepted[j]);
        }
        ds_put_format(&s, ",%s]", declined[i]);
        assert_true(check_equivalent(s.string, s.length));
    }
    for (size_t i = 0; i < ARRAY_SIZE(accepted); i++) {
        ds_clear(&s);
        ds_put_format(&s, "[\"hardware_vtep\",%s]", accepted[i]);
        assert_true(check_equivalent(s.string, s.length));
    }
    ds_clear(&s);
    put_all_ops(&s);
    assert_true(check_equivalent(s.string, s.length));

    /* Transaction-level cases: a duplicate uuid-name, a reference to a
     * name defined later, a wrong database name, an empty transaction,
     * and a blocking wait after inserts. */
    static const char *const txns[] = {
        "[\"hardware_vtep\",{\"op\":\"insert\",\"table\":\"Logical_Switch\","
        "\"uuid-name\":\"a\"},{\"op\":\"insert\",\"table\":"
        "\"Logical_Switch\",\"uuid-name\":\"a\"}]",
        "[\"hardware_vtep\",{\"op\":\"insert\",\"table\":"
        "\"Ucast_Macs_Remote\",\"row\":{\"MAC\":\"m\",\"logical_switch\":"
        "[\"named-uuid\",\"l\"],\"locator\":[\"uuid\",\"" LOC "\"]}},"
        "{\"op\":\"insert\",\"table\":\"Logical_Switch\",\"uuid-name\":\"l\","
        "\"row\":{\"name\":\"l\"}}]",
        "[\"hardware_vtep\",{\"op\":\"insert\",\"table\":\"Logical_Switch\","
        "\"uuid\":\"" LS "\"}]",
        "[\"nope\",{\"op\":\"insert\",\"table\":\"Logical_Switch\"}]",
        "[1]",
        "[]",
        "[\"hardware_vtep\"]",
        "[\"hardware_vtep\",{\"op\":\"insert\",\"table\":\"Logical_Switch\","
        "\"row\":{\"name\":\"w\"}},{\"op\":\"wait\",\"table\":"
        "\"Logical_Switch\",\"where\":[[\"name\",\"==\",\"zz\"]],\"columns\":"
        "[\"name\"],\"until\":\"==\",\"rows\":[{\"name\":\"zz\"}],"
        "\"timeout\":100}]",
    };
    for (size_t i = 0; i < ARRAY_SIZE(txns); i++) {
        assert_true(check_equivalent(txns[i], strlen(txns[i])));
    }
    ds_destroy(&s);
}

/* A small deterministic generator for the mutations. */
static uint64_t rng_state = 88172645463325252ULL;

static unsigned int
rng(unsigned int n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned int) (rng_state % n);
}

/* Random edits of a valid transaction: bytes replaced by JSON-ish ones,
 * deleted or duplicated.  Whatever the server would keep as text must run
 * the same on both paths. */
static void
test_mutations(void **state)
{
    static const char alphabet[] = "{}[]\",:0123456789-.eEtrufalsn \\abcxyz"
                                   "_uuidnamedsetmap";
    struct ds base = DS_EMPTY_INITIALIZER, s = DS_EMPTY_INITIALIZER;
    size_t n_checked = 0;

    (void) state;
    put_all_ops(&base);
    for (int iter = 0; iter < 3000; iter++) {
        int n_edits = 1 + (int) rng(3);

        ds_clear(&s);
        ds_put_buffer(&s, base.string, base.length);
        for (int e = 0; e < n_edits && s.length > 1; e++) {
            size_t at = rng((unsigned int) s.length);

            switch (rng(3)) {
            case 0:
                s.string[at] = alphabet[rng(sizeof alphabet - 1)];
                break;
            case 1:
                memmove(s.string + at, s.string + at + 1, s.length - at - 1);
                ds_truncate(&s, s.length - 1);
                break;
            default: {
                size_t len = 1 + rng(40);
                char *copy;

                len = len > s.length - at ? s.length - at : len;
                copy = malloc(len);
                memcpy(copy, s.string + at, len);
                ds_put_buffer(&s, copy, len);
                memmove(s.string + at + len, s.string + at,
                        s.length - at - len);
                memcpy(s.string + at, copy, len);
                free(copy);
                break;
            }
            }
        }
        n_checked += check_equivalent(s.string, s.length);
    }
    /* Most edits break the JSON; enough must survive to mean something. */
    assert_true(n_checked > 300);
    ds_destroy(&base);
    ds_destroy(&s);
}

/* json_text_decode_lazy() agrees with json_text_decode() on the mutated
 * messages: same acceptance, same value once "params" is put back. */
static void
test_lazy_decode(void **state)
{
    struct ds base = DS_EMPTY_INITIALIZER, s = DS_EMPTY_INITIALIZER;

    (void) state;
    ds_put_cstr(&base, "{\"id\":1,\"method\":\"transact\",\"params\":");
    put_all_ops(&base);
    ds_put_cstr(&base, "}");
    for (int iter = 0; iter < 3000; iter++) {
        struct json_text_span *elems;
        json_t *full, *lazy;
        size_t n_elems;
        bool found;

        ds_clear(&s);
        ds_put_buffer(&s, base.string, base.length);
        if (iter) {
            s.string[rng((unsigned int) s.length)] = "{}[]\",: 1a\\"[rng(11)];
        }
        full = json_text_decode(s.string, s.length, false);
        lazy = json_text_decode_lazy(s.string, s.length, "params", &elems,
                                     &n_elems, &found);
        if (!full) {
            assert_null(lazy);
            continue;
        }
        if (!lazy) {
            /* Declined only for a "params" that is not one array. */
            assert_false(json_is_array(json_object_get(full, "params")));
            json_decref(full);
            continue;
        }
        if (found) {
            json_t *params = json_array();

            for (size_t i = 0; i < n_elems; i++) {
                json_t *e = json_text_decode_value(s.string + elems[i].ofs,
                                                   elems[i].len);

                assert_non_null(e);
                json_array_append_new(params, e);
            }
            json_object_set_new(lazy, "params", params);
        }
        assert_true(json_equal(full, lazy));
        free(elems);
        json_decref(full);
        json_decref(lazy);
    }
    ds_destroy(&base);
    ds_destroy(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_decline),
        cmocka_unit_test(test_equivalence),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_lazy_decode),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/insert-text", tests, NULL,
                                       NULL);
}
