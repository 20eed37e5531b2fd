/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/replica: server updates applied to the local copy
 * (update2 diffs, snapshots, the server's version kept for rows that
 * unconfirmed writes touched, undoing them) and local commits turned into
 * "transact" operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/replica/replica-private.h"

static const char schema_text[] =
    "{\"name\": \"r\", \"version\": \"1.0.0\", \"tables\": {"
    "\"T\": {\"isRoot\": true, \"columns\": {"
    "  \"name\": {\"type\": \"string\"},"
    "  \"n\": {\"type\": \"integer\"},"
    "  \"tags\": {\"type\": {\"key\": \"string\", \"min\": 0, "
    "    \"max\": \"unlimited\"}},"
    "  \"opts\": {\"type\": {\"key\": \"string\", \"value\": \"string\", "
    "    \"min\": 0, \"max\": \"unlimited\"}}}}}}";

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"

static const int server_origin; /* Stands for the replica. */
static const int writer_origin; /* Stands for the reconciler. */

struct fixture {
    bool text; /* Updates go through replica_apply_text(). */
    struct ovsdb_db *db;
    struct ovsdb_table *t;
    struct hmap base;
    json_t *ops, *expect; /* What the last local commit would send. */
};

static struct ovsdb_error *
prepare(const struct ovsdb_changeset *cs, void *f_)
{
    struct fixture *f = f_;

    if (cs->origin == &writer_origin) {
        json_array_clear(f->ops);
        json_array_clear(f->expect);
        replica_ops_from_changeset(cs, f->ops, f->expect);
        replica_base_note(&f->base, cs);
    }
    return NULL;
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    json_t *json = json_loads(schema_text, 0, NULL);
    struct ovsdb_schema *schema;

    assert_null(ovsdb_schema_from_json(json, &schema));
    json_decref(json);
    f->db = ovsdb_db_create(schema);
    f->t = ovsdb_db_find_table(f->db, "T");
    hmap_init(&f->base);
    f->ops = json_array();
    f->expect = json_array();
    ovsdb_db_set_commit_prepare(f->db, prepare, f);
    *state = f;
    return 0;
}

/* The same fixture, with updates applied from their text. */
static int
setup_text(void **state)
{
    setup(state);
    ((struct fixture *) *state)->text = true;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    replica_base_clear(&f->base);
    hmap_destroy(&f->base);
    ovsdb_db_destroy(f->db);
    json_decref(f->ops);
    json_decref(f->expect);
    free(f);
    return 0;
}

static void
apply(struct fixture *f, const char *text, bool snapshot)
{
    json_t *json;

    if (f->text) {
        assert_null(replica_apply_text(f->db, &f->base, text, strlen(text),
                                       REPLICA_UPDATE2, snapshot,
                                       &server_origin));
        return;
    }
    json = json_loads(text, 0, NULL);
    assert_non_null(json);
    assert_null(replica_apply(f->db, &f->base, json, REPLICA_UPDATE2, snapshot,
                              &server_origin));
    json_decref(json);
}

/* The row 'uuid' as JSON text (sorted keys), or "none". */
static char *
row_text(struct fixture *f, const char *uuid)
{
    struct uuid u;
    const struct ovsdb_row *row;
    json_t *json;
    char *text;

    assert_true(uuid_from_string(&u, uuid));
    row = ovsdb_table_find(f->t, &u);
    if (!row) {
        return xstrdup("none");
    }
    json = ovsdb_row_to_json(row, f->t->schema, NULL, 0);
    json_object_del(json, "_uuid");
    json_object_del(json, "_version");
    text = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(json);
    return text;
}

static void
assert_row(struct fixture *f, const char *uuid, const char *expected)
{
    char *text = row_text(f, uuid);

    assert_string_equal(text, expected);
    free(text);
}

#define INITIAL                                                       \
    "{\"T\": {\"" U1 "\": {\"initial\": {\"name\": \"a\", \"n\": 1, " \
    "\"tags\": [\"set\", [\"x\", \"y\"]], "                           \
    "\"opts\": [\"map\", [[\"k\", \"v\"], [\"j\", \"w\"]]]}}}}"

static void
test_diffs(void **state)
{
    struct fixture *f = *state;

    apply(f, INITIAL, true);
    assert_row(f, U1,
               "{\"n\":1,\"name\":\"a\",\"opts\":[\"map\",[[\"j\",\"w\"],"
               "[\"k\",\"v\"]]],\"tags\":[\"set\",[\"x\",\"y\"]]}");
    /* A set diff is a symmetric difference; a map diff adds, removes (same
     * value) and changes (other value) by key; a scalar takes the value. */
    apply(f,
          "{\"T\": {\"" U1 "\": {\"modify\": {\"n\": 2, "
          "\"tags\": [\"set\", [\"y\", \"z\"]], "
          "\"opts\": [\"map\", [[\"k\", \"v\"], [\"j\", \"u\"], "
          "[\"m\", \"n\"]]]}}}}",
          false);
    assert_row(f, U1,
               "{\"n\":2,\"name\":\"a\",\"opts\":[\"map\",[[\"j\",\"u\"],"
               "[\"m\",\"n\"]]],\"tags\":[\"set\",[\"x\",\"z\"]]}");
    apply(f, "{\"T\": {\"" U1 "\": {\"delete\": null}}}", false);
    assert_row(f, U1, "none");
}

static void
test_snapshot_deletes_unmentioned(void **state)
{
    struct fixture *f = *state;

    apply(f, INITIAL, true);
    apply(f, "{\"T\": {\"" U2 "\": {\"initial\": {\"name\": \"b\"}}}}", true);
    assert_row(f, U1, "none");
    assert_row(f, U2,
               "{\"n\":0,\"name\":\"b\",\"opts\":[\"map\",[]],"
               "\"tags\":[\"set\",[]]}");
}

/* Columns the local schema lacks are ignored (a newer server), whichever
 * path the row takes; a bad update is refused whole. */
static void
test_unknown_columns_and_errors(void **state)
{
    struct fixture *f = *state;

    apply(f,
          "{\"T\": {\"" U1 "\": {\"initial\": {\"name\": \"a\", "
          "\"new_col\": 7}}, \"" U2 "\": {\"insert\": {\"n\": 3}}}, "
          "\"NewTable\": {\"" U1 "\": {\"initial\": {}}}}",
          true);
    assert_row(f, U1,
               "{\"n\":0,\"name\":\"a\",\"opts\":[\"map\",[]],"
               "\"tags\":[\"set\",[]]}");
    assert_row(f, U2,
               "{\"n\":3,\"name\":\"\",\"opts\":[\"map\",[]],"
               "\"tags\":[\"set\",[]]}");
    if (f->text) {
        static const char *const bad[] = {
            "{\"T\": {\"not-a-uuid\": {\"initial\": {}}}}",
            "{\"T\": {\"" U1 "\": {\"initial\": {\"n\": \"x\"}}}}",
            "{\"T\": {\"" U1 "\": {\"initial\": {}}}",
            "{\"T\": {\"" U1 "\": {\"modify\": {\"n\": 1}}}} x",
        };

        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
            struct ovsdb_error *error =
                replica_apply_text(f->db, &f->base, bad[i], strlen(bad[i]),
                                   REPLICA_UPDATE2, false, &server_origin);

            assert_non_null(error);
            ovsdb_error_destroy(error);
        }
        assert_row(f, U2,
                   "{\"n\":3,\"name\":\"\",\"opts\":[\"map\",[]],"
                   "\"tags\":[\"set\",[]]}");
    }
}

/* Every prefix of a valid update, and every one-byte corruption of it,
 * is applied or refused with an error, never a crash, and a refused one
 * leaves the replica as it was. */
static void
test_text_truncated_and_corrupt(void **state)
{
    static const char text[] =
        "{\"T\": {\"" U1 "\": {\"initial\": {\"name\": \"a\\\"b\", "
        "\"n\": 1, \"tags\": [\"set\", [\"x\"]], "
        "\"opts\": [\"map\", [[\"k\", \"v\"]]]}}, "
        "\"" U2 "\": {\"modify\": {\"n\": 2}}}}";
    struct fixture *f = *state;
    char buf[sizeof text];

    for (size_t n = 0; n < sizeof text - 1; n++) {
        struct ovsdb_error *error = replica_apply_text(
            f->db, &f->base, text, n, REPLICA_UPDATE2, false, &server_origin);

        assert_non_null(error);
        ovsdb_error_destroy(error);
        assert_row(f, U1, "none");
    }
    for (size_t i = 0; i < sizeof text - 1; i++) {
        static const char junk[] = "{}[],:\"\\x0";

        for (size_t j = 0; j < sizeof junk - 1; j++) {
            struct ovsdb_error *error;

            memcpy(buf, text, sizeof text);
            buf[i] = junk[j];
            error = replica_apply_text(f->db, &f->base, buf, strlen(buf),
                                       REPLICA_UPDATE2, true, &server_origin);
            ovsdb_error_destroy(error);
        }
    }
}

/* A local write of the reconciler's: changes 'tags' of U1 to {x, q}. */
static void
local_write(struct fixture *f)
{
    struct ovsdb_txn *txn = ovsdb_txn_create(f->db);
    const struct ovsdb_column *tags =
        ovsdb_table_schema_find_column(f->t->schema, "tags");
    const char *const v[] = { "x", "q" };
    struct ovsdb_row *row;
    struct uuid u;

    ovsdb_txn_set_origin(txn, &writer_origin);
    uuid_from_string(&u, U1);
    row = ovsdb_txn_row_modify(txn, f->t, &u);
    assert_null(ovsdb_txn_write_string_set(txn, f->t, row, tags, v, 2));
    assert_null(ovsdb_txn_commit(txn, false));
}

static void
test_ops_mutate_sets(void **state)
{
    struct fixture *f = *state;
    char *text;

    apply(f, INITIAL, true);
    local_write(f);
    text = json_dumps(f->ops, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(
        text, "[{\"mutations\":[[\"tags\",\"delete\",\"y\"],"
              "[\"tags\",\"insert\",\"q\"]],\"op\":\"mutate\",\"table\":\"T\","
              "\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" U1 "\"]]]}]");
    free(text);
    assert_int_equal(json_array_size(f->expect), 1);
}

static void
test_server_wins_and_revert(void **state)
{
    struct fixture *f = *state;

    apply(f, INITIAL, true);
    local_write(f);
    assert_int_equal(hmap_count(&f->base), 1);
    /* Someone else's change arrives before ours: a diff against the
     * server's version, which the replica then shows. */
    apply(f, "{\"T\": {\"" U1 "\": {\"modify\": {\"tags\": \"w\"}}}}", false);
    assert_row(f, U1,
               "{\"n\":1,\"name\":\"a\",\"opts\":[\"map\",[[\"j\",\"w\"],"
               "[\"k\",\"v\"]]],\"tags\":[\"set\",[\"w\",\"x\",\"y\"]]}");
    /* Ours is refused: back to the server's version, base forgotten. */
    local_write(f);
    replica_revert(f->db, &f->base, &server_origin);
    assert_int_equal(hmap_count(&f->base), 0);
    assert_row(f, U1,
               "{\"n\":1,\"name\":\"a\",\"opts\":[\"map\",[[\"j\",\"w\"],"
               "[\"k\",\"v\"]]],\"tags\":[\"set\",[\"w\",\"x\",\"y\"]]}");
}

static void
test_ops_insert_named(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_txn *txn = ovsdb_txn_create(f->db);
    struct ovsdb_row *row = ovsdb_txn_row_create(f->t);
    const struct ovsdb_column *name =
        ovsdb_table_schema_find_column(f->t->schema, "name");
    json_t *op;
    struct uuid u;

    ovsdb_txn_set_origin(txn, &writer_origin);
    uuid_from_string(&u, U2);
    assert_null(ovsdb_txn_write_string(txn, f->t, row, name, "new"));
    assert_null(ovsdb_txn_row_insert(txn, f->t, row, &u));
    assert_null(ovsdb_txn_commit(txn, false));
    assert_int_equal(json_array_size(f->ops), 1);
    op = json_array_get(f->ops, 0);
    assert_string_equal(json_string_value(json_object_get(op, "op")),
                        "insert");
    assert_string_equal(json_string_value(json_object_get(op, "uuid")), U2);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(op, "row"), "name")),
        "new");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_diffs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_deletes_unmentioned,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ops_mutate_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_wins_and_revert, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ops_insert_named, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_columns_and_errors, setup,
                                        teardown),
        /* The same updates from their text (the monitor_cond_since path). */
        cmocka_unit_test_setup_teardown(test_diffs, setup_text, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_deletes_unmentioned,
                                        setup_text, teardown),
        cmocka_unit_test_setup_teardown(test_server_wins_and_revert,
                                        setup_text, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_columns_and_errors,
                                        setup_text, teardown),
        cmocka_unit_test_setup_teardown(test_text_truncated_and_corrupt,
                                        setup_text, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
