/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb in-process writes (txn-write.c): every change
 * is made twice, on two identical databases, once through the typed API
 * and once as JSON operations through ovsdb_execute(); the two must end in
 * the same rows and report the same error. */
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
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

/* Parent: root, at most 2 rows, unique "name", constrained and immutable
 * columns, strong references to Child.  Watcher: one or two weak
 * references to Child. */
static const char schema_text[] =
    "{\"name\": \"w\", \"version\": \"1.0.0\", \"tables\": {"
    "\"Parent\": {\"isRoot\": true, \"maxRows\": 2, "
    "  \"indexes\": [[\"name\"]], \"columns\": {"
    "  \"name\": {\"type\": \"string\"},"
    "  \"n\": {\"type\": {\"key\": {\"type\": \"integer\", "
    "    \"minInteger\": 0, \"maxInteger\": 10}}},"
    "  \"flag\": {\"type\": \"boolean\"},"
    "  \"color\": {\"type\": {\"key\": {\"type\": \"string\", "
    "    \"enum\": [\"set\", [\"red\", \"green\"]]}}},"
    "  \"fixed\": {\"type\": \"string\", \"mutable\": false},"
    "  \"tags\": {\"type\": {\"key\": \"string\", \"min\": 0, \"max\": 2}},"
    "  \"opts\": {\"type\": {\"key\": \"string\", \"value\": \"string\", "
    "    \"min\": 0, \"max\": \"unlimited\"}},"
    "  \"kids\": {\"type\": {\"key\": {\"type\": \"uuid\", "
    "    \"refTable\": \"Child\"}, \"min\": 0, \"max\": \"unlimited\"}}}},"
    "\"Child\": {\"isRoot\": true, \"columns\": {"
    "  \"v\": {\"type\": \"integer\"}}},"
    "\"Watcher\": {\"isRoot\": true, \"columns\": {"
    "  \"watched\": {\"type\": {\"key\": {\"type\": \"uuid\", "
    "    \"refTable\": \"Child\", \"refType\": \"weak\"}, "
    "    \"min\": 1, \"max\": 2}}}}}}";

#define P1 "11111111-1111-4111-8111-111111111111"
#define P2 "22222222-2222-4222-8222-222222222222"
#define P3 "33333333-3333-4333-8333-333333333333"
#define C1 "c1c1c1c1-c1c1-4c1c-8c1c-c1c1c1c1c1c1"
#define W1 "77777777-7777-4777-8777-777777777777"
#define NOWHERE "99999999-9999-4999-8999-999999999999"

/* Two databases with the same rows: one written as JSON, one typed. */
struct pair {
    struct ovsdb_db *json, *typed;
};

static struct ovsdb_db *
db_new(void)
{
    json_t *json = json_loads(schema_text, 0, NULL);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = ovsdb_schema_from_json(json, &schema);

    json_decref(json);
    assert_null(error);
    return ovsdb_db_create(schema);
}

/* Executes 'ops' (a JSON array text of operations) on 'db'; returns the
 * result array (new reference). */
static json_t *
execute(struct ovsdb_db *db, const char *ops)
{
    json_t *params = json_loads(ops, 0, NULL);
    long long timeout;
    json_t *result;

    assert_non_null(params);
    json_array_insert_new(params, 0, json_string("w"));
    result = ovsdb_execute(db, params, NULL, &timeout);
    json_decref(params);
    assert_non_null(result);
    return result;
}

/* The error object the JSON path reported, without its "syntax" member
 * (the typed path has no JSON to quote), or NULL if all succeeded. */
static json_t *
json_error(json_t *result)
{
    for (size_t i = 0; i < json_array_size(result); i++) {
        json_t *r = json_array_get(result, i);

        if (json_object_get(r, "error")) {
            json_t *copy = json_deep_copy(r);

            json_object_del(copy, "syntax");
            return copy;
        }
    }
    return NULL;
}

static void
execute_ok(struct ovsdb_db *db, const char *ops)
{
    json_t *result = execute(db, ops);
    json_t *error = json_error(result);

    assert_null(error);
    json_decref(result);
}

/* Every row of every table, without _version. */
static json_t *
dump(const struct ovsdb_db *db)
{
    json_t *tables = json_object();

    for (unsigned int t = 0; t < db->schema->n_tables; t++) {
        const struct ovsdb_table *table = db->tables[t];
        json_t *rows = json_object();
        const struct ovsdb_row *row;

        OVSDB_TABLE_FOR_EACH(row, table) {
            json_t *r = ovsdb_row_to_json(row, table->schema, NULL, 0);
            char uuid[UUID_LEN + 1];

            json_object_del(r, "_version");
            uuid_to_string(&row->uuid, uuid);
            json_object_set_new(rows, uuid, r);
        }
        json_object_set_new(tables, table->schema->name, rows);
    }
    return tables;
}

static void
assert_json_equal(json_t *a, json_t *b)
{
    char *sa = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *sb = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

    if (!sa || !sb) {
        assert_ptr_equal(sa, sb);
    } else {
        assert_string_equal(sa, sb);
    }
    free(sa);
    free(sb);
}

/* Runs the JSON 'ops' on one database, takes 'error' from the typed path
 * on the other, and asserts that both report the same and leave the same
 * rows. */
static void
expect_same(struct pair *p, const char *ops, struct ovsdb_error *error)
{
    json_t *result = execute(p->json, ops);
    json_t *expected = json_error(result);
    json_t *actual = error ? ovsdb_error_to_json(error) : NULL;
    json_t *a = dump(p->json), *b = dump(p->typed);

    if (getenv("TXN_WRITE_VERBOSE") && expected) {
        char *text = json_dumps(expected, JSON_COMPACT | JSON_SORT_KEYS);

        print_message("%s\n", text);
        free(text);
    }

    assert_json_equal(actual, expected);
    assert_json_equal(a, b);
    json_decref(result);
    json_decref(expected);
    json_decref(actual);
    json_decref(a);
    json_decref(b);
    ovsdb_error_destroy(error);
}

/* expect_same() for a change that must fail. */
static void
expect_error(struct pair *p, const char *ops, struct ovsdb_error *error)
{
    assert_non_null(error);
    expect_same(p, ops, error);
}

/* Strips "First row, " and "Second row, " from the index error's
 * details: which of two colliding rows ovsdb-server names first depends on
 * all their columns, _version (random) included, so two databases with the
 * same rows may name them in either order.  Returns a new string. */
static char *
index_details_unordered(const char *details)
{
    const char *first = strstr(details, "First row, ");
    const char *second = strstr(details, "Second row, ");
    char *a, *b, *result;

    assert_non_null(first);
    assert_non_null(second);
    assert_true(first < second);
    a = xstrndup(first + 11, second - first - 11);
    for (size_t n = strlen(a); n && a[n - 1] == ' '; n--) {
        a[n - 1] = '\0'; /* The two spaces between the sentences. */
    }
    b = xstrdup(second + 12);
    result =
        strcmp(a, b) < 0
            ? xasprintf("%s|%s|%.*s", a, b, (int) (first - details), details)
            : xasprintf("%s|%s|%.*s", b, a, (int) (first - details), details);
    free(a);
    free(b);
    return result;
}

/* expect_same() for an index-uniqueness error, whose two rows may be named
 * in either order. */
static void
expect_same_index_error(struct pair *p, const char *ops,
                        struct ovsdb_error *error)
{
    json_t *result = execute(p->json, ops);
    json_t *expected = json_error(result);
    json_t *actual;
    char *x, *y;

    assert_non_null(error);
    assert_non_null(expected);
    actual = ovsdb_error_to_json(error);
    assert_string_equal(json_string_value(json_object_get(actual, "error")),
                        json_string_value(json_object_get(expected, "error")));
    x = index_details_unordered(
        json_string_value(json_object_get(actual, "details")));
    y = index_details_unordered(
        json_string_value(json_object_get(expected, "details")));
    assert_string_equal(x, y);
    free(x);
    free(y);
    json_decref(result);
    json_decref(expected);
    json_decref(actual);
    ovsdb_error_destroy(error);
}

/* The same operations on both databases. */
static void
both(struct pair *p, const char *ops)
{
    execute_ok(p->json, ops);
    execute_ok(p->typed, ops);
}

static int
setup(void **state)
{
    struct pair *p = xzalloc(sizeof *p);

    p->json = db_new();
    p->typed = db_new();
    both(p, "[{\"op\": \"insert\", \"table\": \"Child\", \"uuid\": \"" C1
            "\", \"row\": {\"v\": 7}}]");
    *state = p;
    return 0;
}

static int
teardown(void **state)
{
    struct pair *p = *state;

    ovsdb_db_destroy(p->json);
    ovsdb_db_destroy(p->typed);
    free(p);
    return 0;
}

static struct ovsdb_table *
table(struct ovsdb_db *db, const char *name)
{
    struct ovsdb_table *t = ovsdb_db_find_table(db, name);

    assert_non_null(t);
    return t;
}

static const struct ovsdb_column *
column(const struct ovsdb_table *t, const char *name)
{
    const struct ovsdb_column *c =
        ovsdb_table_schema_find_column(t->schema, name);

    assert_non_null(c);
    return c;
}

static struct uuid
uuid_of(const char *s)
{
    struct uuid uuid;

    assert_true(uuid_from_string(&uuid, s));
    return uuid;
}

/* Returns the commit's error, or the first of 'errors' if one failed
 * (after aborting). */
static struct ovsdb_error *
finish(struct ovsdb_txn *txn, struct ovsdb_error *error)
{
    if (error) {
        ovsdb_txn_abort(txn);
        return error;
    }
    return ovsdb_txn_commit(txn, false);
}

/* Keeps the first of two errors. */
static struct ovsdb_error *
first(struct ovsdb_error *a, struct ovsdb_error *b)
{
    if (a) {
        ovsdb_error_destroy(b);
        return a;
    }
    return b;
}

/* Inserts Parent 'uuid' named 'name', color red, with 'kid' (or no kids),
 * through the typed API. */
static struct ovsdb_error *
typed_insert_parent(struct ovsdb_db *db, const char *uuid, const char *name,
                    const char *kid)
{
    struct ovsdb_table *parent = table(db, "Parent");
    struct ovsdb_txn *txn = ovsdb_txn_create(db);
    struct ovsdb_row *row = ovsdb_txn_row_create(parent);
    struct uuid u = uuid_of(uuid), k;
    struct ovsdb_error *error;

    error =
        ovsdb_txn_write_string(txn, parent, row, column(parent, "name"), name);
    error =
        first(error, ovsdb_txn_write_string(txn, parent, row,
                                            column(parent, "color"), "red"));
    if (kid) {
        k = uuid_of(kid);
        error =
            first(error, ovsdb_txn_write_uuid_set(
                             txn, parent, row, column(parent, "kids"), &k, 1));
    }
    error = first(error, ovsdb_txn_row_insert(txn, parent, row, &u));
    return finish(txn, error);
}

static void
test_insert_modify_delete_read(void **state)
{
    static const char *const tags[] = { "y", "x" };
    static const char *const keys[] = { "k2", "k1" };
    static const char *const values[] = { "v2", "v1" };
    struct pair *p = *state;
    struct ovsdb_table *parent = table(p->typed, "Parent");
    struct ovsdb_txn *txn = ovsdb_txn_create(p->typed);
    struct ovsdb_row *row = ovsdb_txn_row_create(parent);
    struct uuid u = uuid_of(P1), c1 = uuid_of(C1), got;
    struct ovsdb_error *error;
    const struct ovsdb_row *found;
    int64_t n = -1;
    bool flag = false;

    /* Insert every kind of column. */
    error =
        ovsdb_txn_write_string(txn, parent, row, column(parent, "name"), "a");
    error = first(error, ovsdb_txn_write_integer(txn, parent, row,
                                                 column(parent, "n"), 3));
    error = first(error, ovsdb_txn_write_boolean(
                             txn, parent, row, column(parent, "flag"), true));
    error =
        first(error, ovsdb_txn_write_string(txn, parent, row,
                                            column(parent, "color"), "green"));
    error = first(error, ovsdb_txn_write_string(txn, parent, row,
                                                column(parent, "fixed"), "f"));
    error =
        first(error, ovsdb_txn_write_string_set(
                         txn, parent, row, column(parent, "tags"), tags, 2));
    error = first(error, ovsdb_txn_write_string_map(txn, parent, row,
                                                    column(parent, "opts"),
                                                    keys, values, 2));
    error =
        first(error, ovsdb_txn_write_uuid_set(txn, parent, row,
                                              column(parent, "kids"), &c1, 1));
    error = first(error, ovsdb_txn_row_insert(txn, parent, row, &u));
    expect_same(p,
                "[{\"op\": \"insert\", \"table\": \"Parent\", \"uuid\": \"" P1
                "\", \"row\": {\"name\": \"a\", \"n\": 3, \"flag\": true, "
                "\"color\": \"green\", \"fixed\": \"f\", \"tags\": [\"set\", "
                "[\"x\", \"y\"]], \"opts\": [\"map\", [[\"k1\", \"v1\"], "
                "[\"k2\", \"v2\"]]], \"kids\": [\"set\", [[\"uuid\", \"" C1
                "\"]]]}}]",
                finish(txn, error));

    /* Read by index and by a column without one; typed readers. */
    found = ovsdb_txn_row_find_by_string(parent, column(parent, "name"), "a");
    assert_non_null(found);
    assert_true(uuid_equals(&found->uuid, &u));
    assert_ptr_equal(
        ovsdb_txn_row_find_by_string(parent, column(parent, "color"), "green"),
        found);
    assert_null(
        ovsdb_txn_row_find_by_string(parent, column(parent, "name"), "b"));
    assert_string_equal(ovsdb_row_get_string(found, column(parent, "name")),
                        "a");
    assert_true(ovsdb_row_get_integer(found, column(parent, "n"), &n));
    assert_int_equal(n, 3);
    assert_true(ovsdb_row_get_boolean(found, column(parent, "flag"), &flag));
    assert_true(flag);

    /* Modify, including the indexed column: the index follows. */
    txn = ovsdb_txn_create(p->typed);
    row = ovsdb_txn_row_modify(txn, parent, &u);
    assert_non_null(row);
    error = ovsdb_txn_write_integer(txn, parent, row, column(parent, "n"), 5);
    error = first(error, ovsdb_txn_write_string(txn, parent, row,
                                                column(parent, "name"), "b"));
    error =
        first(error, ovsdb_txn_write_string_set(
                         txn, parent, row, column(parent, "tags"), NULL, 0));
    expect_same(p,
                "[{\"op\": \"update\", \"table\": \"Parent\", \"where\": [], "
                "\"row\": {\"n\": 5, \"name\": \"b\", \"tags\": [\"set\", "
                "[]]}}]",
                finish(txn, error));
    assert_null(
        ovsdb_txn_row_find_by_string(parent, column(parent, "name"), "a"));
    assert_non_null(
        ovsdb_txn_row_find_by_string(parent, column(parent, "name"), "b"));

    /* A reference, read back. */
    found = ovsdb_table_find(parent, &u);
    assert_true(ovsdb_row_get_uuid(found, column(parent, "kids"), &got));
    assert_true(uuid_equals(&got, &c1));

    /* Delete; deleting a missing row is no error, as a "where" that
     * matches nothing. */
    txn = ovsdb_txn_create(p->typed);
    assert_true(ovsdb_txn_row_delete(txn, parent, &u));
    assert_false(ovsdb_txn_row_delete(txn, parent, &u));
    expect_same(p,
                "[{\"op\": \"delete\", \"table\": \"Parent\", \"where\": "
                "[[\"_uuid\", \"==\", [\"uuid\", \"" P1 "\"]]]}]",
                finish(txn, NULL));
    assert_int_equal(ovsdb_table_count(parent), 0);

    /* Modifying a missing row finds nothing. */
    txn = ovsdb_txn_create(p->typed);
    assert_null(ovsdb_txn_row_modify(txn, parent, &u));
    ovsdb_txn_abort(txn);
}

/* Constraints checked when a value is written, when a row is inserted
 * (columns left at a default the column refuses) and on modification
 * (immutable columns). */
static void
test_constraint_violations(void **state)
{
    static const char *const three[] = { "a", "b", "c" };
    static const char *const dup[] = { "a", "a" };
    static const char bad_utf8[] = { 'a', (char) 0xc3, 0 };
    struct pair *p = *state;
    struct ovsdb_table *parent = table(p->typed, "Parent");
    struct uuid u = uuid_of(P1);
    struct ovsdb_error *error;
    struct ovsdb_txn *txn;
    struct ovsdb_row *row;

    /* Out of range. */
    txn = ovsdb_txn_create(p->typed);
    row = ovsdb_txn_row_create(parent);
    expect_error(p,
                 "[{\"op\": \"insert\", \"table\": \"Parent\", \"row\": "
                 "{\"n\": 11}}]",
                 finish(txn, ovsdb_txn_write_integer(
                                 txn, parent, row, column(parent, "n"), 11)));
    ovsdb_row_destroy(row, parent->schema);

    /* Not in the enum. */
    txn = ovsdb_txn_create(p->typed);
    row = ovsdb_txn_row_create(parent);
    expect_same(
        p,
        "[{\"op\": \"insert\", \"table\": \"Parent\", \"row\": "
        "{\"color\": \"blue\"}}]",
        finish(txn, ovsdb_txn_write_string(txn, parent, row,
                                           column(parent, "color"), "blue")));
    ovsdb_row_destroy(row, parent->schema);

    /* Too many elements; duplicate elements. */
    txn = ovsdb_txn_create(p->typed);
    row = ovsdb_txn_row_create(parent);
    expect_error(p,
                 "[{\"op\": \"insert\", \"table\": \"Parent\", \"row\": "
                 "{\"tags\": [\"set\", [\"a\", \"b\", \"c\"]]}}]",
                 finish(txn, ovsdb_txn_write_string_set(txn, parent, row,
                                                        column(parent, "tags"),
                                                        three, 3)));
    txn = ovsdb_txn_create(p->typed);
    expect_error(p,
                 "[{\"op\": \"insert\", \"table\": \"Parent\", \"row\": "
                 "{\"tags\": [\"set\", [\"a\", \"a\"]]}}]",
                 finish(txn, ovsdb_txn_write_string_set(txn, parent, row,
                                                        column(parent, "tags"),
                                                        dup, 2)));

    /* The enum column left at its default, "". */
    txn = ovsdb_txn_create(p->typed);
    error =
        ovsdb_txn_write_string(txn, parent, row, column(parent, "name"), "a");
    error = first(error, ovsdb_txn_row_insert(txn, parent, row, NULL));
    expect_error(p,
                 "[{\"op\": \"insert\", \"table\": \"Parent\", \"row\": "
                 "{\"name\": \"a\"}}]",
                 finish(txn, error));

    /* An immutable column, once the row exists. */
    assert_null(typed_insert_parent(p->typed, P1, "a", NULL));
    execute_ok(p->json, "[{\"op\": \"insert\", \"table\": \"Parent\", "
                        "\"uuid\": \"" P1 "\", \"row\": {\"name\": \"a\", "
                        "\"color\": \"red\"}}]");
    txn = ovsdb_txn_create(p->typed);
    row = ovsdb_txn_row_modify(txn, parent, &u);
    expect_same(
        p,
        "[{\"op\": \"update\", \"table\": \"Parent\", \"where\": "
        "[], \"row\": {\"fixed\": \"g\"}}]",
        finish(txn, ovsdb_txn_write_string(txn, parent, row,
                                           column(parent, "fixed"), "g")));

    /* A uuid already in use. */
    txn = ovsdb_txn_create(p->typed);
    row = ovsdb_txn_row_create(parent);
    error = ovsdb_txn_write_string(txn, parent, row, column(parent, "color"),
                                   "red");
    error = first(error, ovsdb_txn_row_insert(txn, parent, row, &u));
    expect_error(p,
                 "[{\"op\": \"insert\", \"table\": \"Parent\", \"uuid\": "
                 "\"" P1 "\", \"row\": {\"color\": \"red\"}}]",
                 finish(txn, error));

    /* A string JSON could not carry. */
    txn = ovsdb_txn_create(p->typed);
    row = ovsdb_txn_row_modify(txn, parent, &u);
    error = ovsdb_txn_write_string(txn, parent, row, column(parent, "name"),
                                   bad_utf8);
    assert_non_null(error);
    assert_string_equal(ovsdb_error_tag(error), "syntax error");
    ovsdb_error_destroy(error);
    ovsdb_txn_abort(txn);
}

/* A reference to a row that does not exist. */
static void
test_referential_integrity(void **state)
{
    struct pair *p = *state;

    expect_error(p,
                 "[{\"op\": \"insert\", \"table\": \"Parent\", \"uuid\": "
                 "\"" P1 "\", \"row\": {\"name\": \"a\", \"color\": \"red\", "
                 "\"kids\": [\"uuid\", \"" NOWHERE "\"]}}]",
                 typed_insert_parent(p->typed, P1, "a", NOWHERE));

    /* Deleting a row something refers to. */
    assert_null(typed_insert_parent(p->typed, P1, "a", C1));
    execute_ok(p->json,
               "[{\"op\": \"insert\", \"table\": \"Parent\", "
               "\"uuid\": \"" P1 "\", \"row\": {\"name\": \"a\", "
               "\"color\": \"red\", \"kids\": [\"uuid\", \"" C1 "\"]}}]");
    {
        struct ovsdb_txn *txn = ovsdb_txn_create(p->typed);
        struct uuid c1 = uuid_of(C1);

        assert_true(ovsdb_txn_row_delete(txn, table(p->typed, "Child"), &c1));
        expect_error(p,
                     "[{\"op\": \"delete\", \"table\": \"Child\", "
                     "\"where\": []}]",
                     finish(txn, NULL));
    }
}

/* Weak references to a deleted row go; a column they leave empty below
 * its minimum fails the commit. */
static void
test_weak_references(void **state)
{
    struct pair *p = *state;
    struct ovsdb_table *watcher = table(p->typed, "Watcher");
    struct ovsdb_txn *txn = ovsdb_txn_create(p->typed);
    struct ovsdb_row *row = ovsdb_txn_row_create(watcher);
    struct uuid w1 = uuid_of(W1), c1 = uuid_of(C1);
    struct ovsdb_error *error;

    error = ovsdb_txn_write_uuid(txn, watcher, row, column(watcher, "watched"),
                                 &c1);
    error = first(error, ovsdb_txn_row_insert(txn, watcher, row, &w1));
    expect_same(p,
                "[{\"op\": \"insert\", \"table\": \"Watcher\", "
                "\"uuid\": \"" W1 "\", \"row\": {\"watched\": [\"uuid\", "
                "\"" C1 "\"]}}]",
                finish(txn, error));

    txn = ovsdb_txn_create(p->typed);
    assert_true(ovsdb_txn_row_delete(txn, table(p->typed, "Child"), &c1));
    expect_error(p,
                 "[{\"op\": \"delete\", \"table\": \"Child\", \"where\": "
                 "[]}]",
                 finish(txn, NULL));
}

/* Two rows with the same "name". */
static void
test_index_violation(void **state)
{
    struct pair *p = *state;

    assert_null(typed_insert_parent(p->typed, P1, "a", NULL));
    execute_ok(p->json, "[{\"op\": \"insert\", \"table\": \"Parent\", "
                        "\"uuid\": \"" P1 "\", \"row\": {\"name\": \"a\", "
                        "\"color\": \"red\"}}]");
    expect_same_index_error(
        p,
        "[{\"op\": \"insert\", \"table\": \"Parent\", \"uuid\": "
        "\"" P2 "\", \"row\": {\"name\": \"a\", \"color\": "
        "\"red\"}}]",
        typed_insert_parent(p->typed, P2, "a", NULL));
}

/* A third Parent where two may be. */
static void
test_max_rows(void **state)
{
    struct pair *p = *state;

    assert_null(typed_insert_parent(p->typed, P1, "a", NULL));
    assert_null(typed_insert_parent(p->typed, P2, "b", NULL));
    execute_ok(p->json, "[{\"op\": \"insert\", \"table\": \"Parent\", "
                        "\"uuid\": \"" P1 "\", \"row\": {\"name\": \"a\", "
                        "\"color\": \"red\"}}, "
                        "{\"op\": \"insert\", \"table\": \"Parent\", "
                        "\"uuid\": \"" P2 "\", \"row\": {\"name\": \"b\", "
                        "\"color\": \"red\"}}]");
    expect_error(p,
                 "[{\"op\": \"insert\", \"table\": \"Parent\", \"uuid\": "
                 "\"" P3 "\", \"row\": {\"name\": \"c\", \"color\": "
                 "\"red\"}}]",
                 typed_insert_parent(p->typed, P3, "c", NULL));
}

static void
on_commit(const struct ovsdb_changeset *cs, void *aux)
{
    const void **origin = aux;

    *origin = cs->origin;
}

/* A transaction's origin reaches the commit hooks; a client's is NULL. */
static void
test_origin(void **state)
{
    static int me;
    struct pair *p = *state;
    const void *seen = &seen;
    struct ovsdb_txn *txn;

    ovsdb_db_add_commit_hook(p->typed, on_commit, &seen);
    execute_ok(p->typed, "[{\"op\": \"insert\", \"table\": \"Child\", "
                         "\"row\": {}}]");
    assert_null(seen);

    txn = ovsdb_txn_create(p->typed);
    ovsdb_txn_set_origin(txn, &me);
    assert_null(ovsdb_txn_row_insert(
        txn, table(p->typed, "Child"),
        ovsdb_txn_row_create(table(p->typed, "Child")), NULL));
    assert_null(ovsdb_txn_commit(txn, false));
    assert_ptr_equal(seen, &me);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_modify_delete_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_constraint_violations, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_referential_integrity, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_weak_references, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_violation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_origin, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/txn-write", tests, NULL,
                                       NULL);
}
