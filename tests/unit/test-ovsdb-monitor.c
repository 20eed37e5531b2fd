/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/monitor (update, update2 and conditions),
 * history (monitor_cond_since) and lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/history.h"
#include "vtepd/ovsdb/lock.h"
#include "vtepd/ovsdb/monitor.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

static const char schema_text[] =
    "{\"name\":\"t\",\"tables\":{\"T\":{\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"n\":{\"type\":{\"key\":\"integer\",\"min\":0}},"
    "\"s\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}},"
    "\"m\":{\"type\":{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
    "\"max\":\"unlimited\"}}}}}}";

/* The fixture: a database, the specs under test, and the updates each
 * composed for the last commit. */
enum { V1, V2, V2_COND, N_SPECS };
struct fixture {
    struct ovsdb_db *db;
    struct ovsdb_monitor_spec *specs[N_SPECS];
    json_t *updates[N_SPECS];
    struct ovsdb_history *history;
};

static void
on_commit(const struct ovsdb_changeset *cs, void *f_)
{
    struct fixture *f = f_;

    for (int i = 0; i < N_SPECS; i++) {
        json_decref(f->updates[i]);
        f->updates[i] = ovsdb_monitor_compose_changes(f->specs[i], cs->changes,
                                                      cs->n_changes);
    }
    ovsdb_history_add(f->history, cs);
}

static struct ovsdb_monitor_spec *
parse(struct fixture *f, enum ovsdb_monitor_version version, const char *text)
{
    json_t *json = json_loads(text, 0, NULL);
    struct ovsdb_monitor_spec *spec;
    struct ovsdb_error *error;

    error = ovsdb_monitor_spec_parse(f->db->schema, version, json, &spec);
    assert_null(error);
    json_decref(json);
    return spec;
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    json_t *json = json_loads(schema_text, 0, NULL);
    struct ovsdb_schema *schema;

    assert_null(ovsdb_schema_from_json(json, &schema));
    json_decref(json);
    f->db = ovsdb_db_create(schema);
    f->specs[V1] = parse(f, OVSDB_MONITOR_V1,
                         "{\"T\":{\"columns\":[\"name\",\"n\",\"s\",\"m\"]}}");
    f->specs[V2] =
        parse(f, OVSDB_MONITOR_V2,
              "{\"T\":[{\"columns\":[\"name\",\"n\",\"s\",\"m\"]}]}");
    f->specs[V2_COND] = parse(f, OVSDB_MONITOR_V2,
                              "{\"T\":{\"columns\":[\"name\"],"
                              "\"where\":[[\"n\",\"==\",1]]}}");
    f->history = ovsdb_history_create(2, 0);
    ovsdb_db_add_commit_hook(f->db, on_commit, f);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    for (int i = 0; i < N_SPECS; i++) {
        ovsdb_monitor_spec_destroy(f->specs[i]);
        json_decref(f->updates[i]);
    }
    ovsdb_history_destroy(f->history);
    ovsdb_db_destroy(f->db);
    free(f);
    return 0;
}

static void
transact(struct fixture *f, const char *ops)
{
    char *text = xasprintf("[\"t\",%s]", ops);
    json_t *params = json_loads(text, 0, NULL), *result;
    long long timeout;

    result = ovsdb_execute(f->db, params, NULL, &timeout);
    assert_non_null(result);
    assert_null(json_object_get(json_array_get(result, 0), "error"));
    json_decref(result);
    json_decref(params);
    free(text);
}

/* The one row update in 'updates', as compact text with sorted keys. */
static char *
row_update(const json_t *updates)
{
    const json_t *table = json_object_get(updates, "T");
    void *iter = json_object_iter((json_t *) table);

    assert_non_null(iter);
    return json_dumps(json_object_iter_value(iter),
                      JSON_COMPACT | JSON_SORT_KEYS);
}

static void
assert_update(const json_t *updates, const char *expected)
{
    char *text = row_update(updates);

    assert_string_equal(text, expected);
    free(text);
}

static void
test_insert_modify_delete(void **state)
{
    struct fixture *f = *state;

    transact(f, "{\"op\":\"insert\",\"table\":\"T\",\"row\":{\"name\":\"a\","
                "\"m\":[\"map\",[[\"k\",\"v\"],[\"k2\",\"v2\"]]]}}");
    assert_update(f->updates[V1],
                  "{\"new\":{\"m\":[\"map\",[[\"k\",\"v\"],[\"k2\",\"v2\"]]],"
                  "\"n\":[\"set\",[]],\"name\":\"a\",\"s\":[\"set\",[]]}}");
    /* update2 leaves out columns at their default. */
    assert_update(f->updates[V2], "{\"insert\":{\"m\":[\"map\",[[\"k\",\"v\"]"
                                  ",[\"k2\",\"v2\"]]],\"name\":\"a\"}}");
    assert_null(f->updates[V2_COND]);

    transact(f, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],\"row\":{"
                "\"m\":[\"map\",[[\"k\",\"v9\"],[\"k3\",\"v3\"]]],\"n\":1,"
                "\"s\":[\"set\",[\"x\",\"y\"]]}}");
    /* V1: "old" holds the changed columns only. */
    assert_update(f->updates[V1],
                  "{\"new\":{\"m\":[\"map\",[[\"k\",\"v9\"],[\"k3\",\"v3\"]]],"
                  "\"n\":1,\"name\":\"a\",\"s\":[\"set\",[\"x\",\"y\"]]},"
                  "\"old\":{\"m\":[\"map\",[[\"k\",\"v\"],[\"k2\",\"v2\"]]],"
                  "\"n\":[\"set\",[]],\"s\":[\"set\",[]]}}");
    /* V2: a map diff has changed and added pairs and removed ones; a set
     * diff the added and removed elements; a scalar its new value. */
    assert_update(
        f->updates[V2],
        "{\"modify\":{\"m\":[\"map\",[[\"k\",\"v9\"],[\"k2\",\"v2\"],"
        "[\"k3\",\"v3\"]]],\"n\":1,\"s\":[\"set\",[\"x\",\"y\"]]}}");
    /* The row now matches n == 1: it enters the conditional view. */
    assert_update(f->updates[V2_COND], "{\"insert\":{\"name\":\"a\"}}");

    transact(f, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],\"row\":{"
                "\"s\":[\"set\",[\"y\"]],\"n\":2}}");
    assert_update(f->updates[V2], "{\"modify\":{\"n\":2,\"s\":\"x\"}}");
    assert_update(f->updates[V2_COND], "{\"delete\":null}");

    transact(f, "{\"op\":\"delete\",\"table\":\"T\",\"where\":[]}");
    assert_update(f->updates[V1],
                  "{\"old\":{\"m\":[\"map\",[[\"k\",\"v9\"],[\"k3\",\"v3\"]]],"
                  "\"n\":2,\"name\":\"a\",\"s\":\"y\"}}");
    assert_update(f->updates[V2], "{\"delete\":null}");
    assert_null(f->updates[V2_COND]);
}

static void
test_initial_and_cond_change(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_monitor_spec *changed;
    json_t *updates, *change;

    transact(f, "{\"op\":\"insert\",\"table\":\"T\",\"row\":{\"name\":\"a\","
                "\"n\":1}},{\"op\":\"insert\",\"table\":\"T\",\"row\":{"
                "\"name\":\"b\",\"n\":2}}");
    updates = ovsdb_monitor_compose_initial(f->specs[V2_COND], f->db);
    assert_update(updates, "{\"initial\":{\"name\":\"a\"}}");
    json_decref(updates);

    change = json_loads("{\"T\":[{\"where\":[[\"n\",\"==\",2]]}]}", 0, NULL);
    assert_null(
        ovsdb_monitor_spec_change(f->specs[V2_COND], change, &changed));
    updates =
        ovsdb_monitor_compose_cond_change(f->specs[V2_COND], changed, f->db);
    assert_int_equal(json_object_size(json_object_get(updates, "T")), 2);
    json_decref(updates);
    json_decref(change);
    ovsdb_monitor_spec_destroy(changed);
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The names of the rows of "T" in 'updates' whose update is a 'kind'
 * ("initial", "insert"), sorted and joined by spaces. */
static char *
selected_names(const json_t *updates, const char *kind)
{
    const json_t *table = json_object_get(updates, "T");
    const char *names[8] = { NULL }, *uuid;
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n = 0;
    json_t *update;

    json_object_foreach((json_t *) table, uuid, update) {
        const json_t *row = json_object_get(update, kind);

        if (row) {
            assert_true(n < ARRAY_SIZE(names));
            names[n++] = json_string_value(json_object_get(row, "name"));
        }
    }
    qsort(names, n, sizeof *names, compare_strings);
    ds_put_cstr(&s, "");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&s, "%s%s", i ? " " : "", names[i]);
    }
    return ds_steal_cstr(&s);
}

/* Checks that 'where' (text) as a monitor_cond condition selects the rows
 * named in 'expected' (sorted, space-separated). */
static void
assert_selects(struct fixture *f, const char *where, const char *expected)
{
    char *text =
        xasprintf("{\"T\":{\"columns\":[\"name\"],\"where\":%s}}", where);
    struct ovsdb_monitor_spec *spec = parse(f, OVSDB_MONITOR_V2, text);
    json_t *updates = ovsdb_monitor_compose_initial(spec, f->db);
    char *names = selected_names(updates, "initial");

    assert_string_equal(names, expected);
    free(names);
    json_decref(updates);
    ovsdb_monitor_spec_destroy(spec);
    free(text);
}

/* A monitor's condition selects the rows that satisfy ANY of its clauses
 * (ovsdb-server(7), monitor_cond), unlike an operation's "where". */
static void
test_cond_clauses_are_ored(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_monitor_spec *spec, *changed;
    json_t *updates, *change;
    char *names;

    transact(f,
             "{\"op\":\"insert\",\"table\":\"T\",\"row\":{\"name\":\"one\","
             "\"n\":1}},{\"op\":\"insert\",\"table\":\"T\",\"row\":{"
             "\"name\":\"two\",\"n\":2}},{\"op\":\"insert\",\"table\":\"T\","
             "\"row\":{\"name\":\"three\",\"n\":3}}");
    assert_selects(f, "[[\"name\",\"==\",\"one\"],[\"name\",\"==\",\"two\"]]",
                   "one two");
    assert_selects(f, "[[\"n\",\">\",2],[\"name\",\"==\",\"one\"]]",
                   "one three");
    assert_selects(f, "[]", "one three two");
    assert_selects(f, "[true,[\"name\",\"==\",\"one\"]]", "one three two");
    assert_selects(f, "[false,[\"name\",\"==\",\"two\"]]", "two");
    assert_selects(f, "[false]", "");

    /* Changes: a row enters the view when any clause starts to hold. */
    spec = parse(f, OVSDB_MONITOR_V2,
                 "{\"T\":{\"columns\":[\"name\"],\"where\":[[\"n\",\"==\",4],"
                 "[\"name\",\"==\",\"one\"]]}}");
    ovsdb_monitor_spec_destroy(f->specs[V2_COND]);
    f->specs[V2_COND] = spec;
    transact(f, "{\"op\":\"update\",\"table\":\"T\",\"where\":[[\"name\","
                "\"==\",\"two\"]],\"row\":{\"n\":4}}");
    assert_update(f->updates[V2_COND], "{\"insert\":{\"name\":\"two\"}}");

    /* monitor_cond_change to two clauses: "one" leaves, "three" enters and
     * "two", selected by both conditions, stays. */
    change = json_loads("{\"T\":[{\"where\":[[\"n\",\"==\",4],[\"name\","
                        "\"==\",\"three\"]]}]}",
                        0, NULL);
    assert_null(ovsdb_monitor_spec_change(spec, change, &changed));
    updates = ovsdb_monitor_compose_cond_change(spec, changed, f->db);
    names = selected_names(updates, "insert");
    assert_string_equal(names, "three");
    free(names);
    assert_int_equal(json_object_size(json_object_get(updates, "T")), 2);
    json_decref(updates);
    json_decref(change);
    ovsdb_monitor_spec_destroy(changed);
}

static void
test_spec_keys_and_errors(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_monitor_spec *a, *b, *spec;
    json_t *json;
    struct ovsdb_error *error;

    /* Column order and object-or-array spelling do not matter. */
    a = parse(f, OVSDB_MONITOR_V2, "{\"T\":{\"columns\":[\"n\",\"name\"]}}");
    b = parse(f, OVSDB_MONITOR_V2, "{\"T\":[{\"columns\":[\"name\",\"n\"]}]}");
    assert_string_equal(ovsdb_monitor_spec_key(a), ovsdb_monitor_spec_key(b));
    ovsdb_monitor_spec_destroy(a);
    ovsdb_monitor_spec_destroy(b);

    json = json_loads("{\"T\":{\"columns\":[\"nope\"]}}", 0, NULL);
    error =
        ovsdb_monitor_spec_parse(f->db->schema, OVSDB_MONITOR_V1, json, &spec);
    assert_non_null(error);
    assert_null(spec);
    assert_string_equal(ovsdb_error_details(error),
                        "nope is not a valid column name");
    ovsdb_error_destroy(error);
    json_decref(json);

    /* V1 takes no conditions. */
    json = json_loads("{\"T\":{\"where\":[]}}", 0, NULL);
    error =
        ovsdb_monitor_spec_parse(f->db->schema, OVSDB_MONITOR_V1, json, &spec);
    assert_non_null(error);
    assert_string_equal(ovsdb_error_details(error),
                        "Parsing table T failed: Member 'where' is present "
                        "but not allowed here.");
    ovsdb_error_destroy(error);
    json_decref(json);
}

static void
test_history(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row_change *changes;
    struct uuid first, start = *ovsdb_history_last_id(f->history);
    size_t n;

    transact(f,
             "{\"op\":\"insert\",\"table\":\"T\",\"row\":{\"name\":\"a\"}}");
    first = *ovsdb_history_last_id(f->history);
    transact(f, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],"
                "\"row\":{\"n\":5}}");

    /* Since the first commit: one modify of one row. */
    assert_true(ovsdb_history_changes_since(f->history, &first, &changes, &n));
    assert_int_equal(n, 1);
    assert_non_null(changes[0].old);
    assert_non_null(changes[0].new);
    ovsdb_history_free_changes(changes, n);

    /* Since the start: insert and modify merge into one insert. */
    assert_true(ovsdb_history_changes_since(f->history, &start, &changes, &n));
    assert_int_equal(n, 1);
    assert_null(changes[0].old);
    ovsdb_history_free_changes(changes, n);

    /* The history keeps two commits: a third pushes the start out. */
    transact(f, "{\"op\":\"delete\",\"table\":\"T\",\"where\":[]}");
    assert_false(
        ovsdb_history_changes_since(f->history, &start, &changes, &n));
    assert_true(ovsdb_history_changes_since(f->history, &first, &changes, &n));
    assert_int_equal(n, 1);
    assert_null(changes[0].new);
    ovsdb_history_free_changes(changes, n);
    assert_int_equal(ovsdb_history_n_txns(f->history), 2);
}

/* The only row of table T (borrowed), or NULL. */
static const struct ovsdb_row *
only_row(struct fixture *f)
{
    const struct ovsdb_table *table = ovsdb_db_find_table(f->db, "T");
    const struct ovsdb_row *row, *found = NULL;

    OVSDB_TABLE_FOR_EACH(row, table) {
        assert_null(found);
        found = row;
    }
    return found;
}

/* The value of column 'name' of 'row', as compact JSON text. */
static char *
column_text(struct fixture *f, const struct ovsdb_row *row, const char *name)
{
    const struct ovsdb_table *table = ovsdb_db_find_table(f->db, "T");
    const struct ovsdb_column *column =
        ovsdb_table_schema_find_column(table->schema, name);
    json_t *json = ovsdb_row_column_to_json(row, column);
    char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);

    json_decref(json);
    return text;
}

static void
assert_column(struct fixture *f, const struct ovsdb_row *row, const char *name,
              const char *expected)
{
    char *text = column_text(f, row, name);

    assert_string_equal(text, expected);
    free(text);
}

/* The history shares committed rows with the table instead of copying
 * them, keeps the versions a modify or a delete replaced alive (unchanged)
 * for as long as it needs them, and lets them go with its oldest commit. */
static void
test_history_shares_rows(void **state)
{
    struct fixture *f = *state;
    const struct ovsdb_row *v1, *v2, *v3;
    struct ovsdb_row_change *changes;
    struct uuid start = *ovsdb_history_last_id(f->history), after_v1;
    size_t n, strings, bytes;

    transact(f, "{\"op\":\"insert\",\"table\":\"T\",\"row\":{"
                "\"name\":\"history-v1\",\"s\":[\"set\",[\"x\",\"y\"]]}}");
    v1 = only_row(f);
    after_v1 = *ovsdb_history_last_id(f->history);
    /* The table and the history hold the same row; the history counts no
     * row bytes for it, since it costs nothing the table does not. */
    assert_int_equal(v1->holders, 2);
    bytes = ovsdb_history_bytes(f->history);
    assert_true(bytes < 2 * sizeof(void *) * 16);
    assert_true(ovsdb_history_changes_since(f->history, &start, &changes, &n));
    assert_int_equal(n, 1);
    assert_ptr_equal(changes[0].new, v1);
    ovsdb_history_free_changes(changes, n);

    /* A modify: the table gets a new version, the history keeps the old
     * one, still reading as it did. */
    transact(f, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],"
                "\"row\":{\"name\":\"history-v2\",\"n\":7}}");
    v2 = only_row(f);
    assert_ptr_not_equal(v2, v1);
    assert_int_equal(v1->holders, 2); /* As new of one commit, old of one. */
    assert_int_equal(v2->holders, 2);
    assert_true(ovsdb_history_bytes(f->history)
                >= bytes + ovsdb_db_find_table(f->db, "T")->schema->row_size);
    assert_true(
        ovsdb_history_changes_since(f->history, &after_v1, &changes, &n));
    assert_int_equal(n, 1);
    assert_ptr_equal(changes[0].old, v1);
    assert_ptr_equal(changes[0].new, v2);
    assert_column(f, changes[0].old, "name", "\"history-v1\"");
    assert_column(f, changes[0].old, "n", "[\"set\",[]]");
    assert_column(f, changes[0].old, "s", "[\"set\",[\"x\",\"y\"]]");
    assert_column(f, changes[0].new, "name", "\"history-v2\"");
    assert_column(f, changes[0].new, "n", "7");
    ovsdb_history_free_changes(changes, n);

    /* A delete: only the history keeps the last version (with its
     * interned strings). */
    strings = ovsdb_str_count();
    transact(f, "{\"op\":\"delete\",\"table\":\"T\",\"where\":[]}");
    assert_null(only_row(f));
    assert_int_equal(ovsdb_str_count(), strings);
    /* The history keeps two commits, the modify and the delete: v1 is
     * still the old version of the modify. */
    assert_int_equal(ovsdb_history_n_txns(f->history), 2);
    assert_int_equal(v1->holders, 1);
    assert_int_equal(v2->holders, 2);
    assert_true(
        ovsdb_history_changes_since(f->history, &after_v1, &changes, &n));
    assert_int_equal(n, 1);
    assert_ptr_equal(changes[0].old, v1);
    assert_null(changes[0].new);
    assert_column(f, changes[0].old, "name", "\"history-v1\"");
    ovsdb_history_free_changes(changes, n);

    /* Two more commits push the modify and the delete out: both versions
     * go, and with them the strings only they held.  (Valgrind checks that
     * they are freed exactly once, and that nothing leaks.) */
    transact(f, "{\"op\":\"insert\",\"table\":\"T\",\"row\":{"
                "\"name\":\"x\"}}");
    v3 = only_row(f);
    assert_int_equal(ovsdb_str_count(), strings - 1); /* "history-v1" */
    transact(f, "{\"op\":\"delete\",\"table\":\"T\",\"where\":[]}");
    /* "history-v2" and "y"; v3 still holds "x". */
    assert_int_equal(ovsdb_str_count(), strings - 3);
    assert_int_equal(v3->holders, 2);
}

/* A commit that writes a row back unchanged leaves out of its change set
 * the version it replaced, which an earlier commit of the history still
 * holds: that version must stay readable until the history drops it. */
static void
test_history_unchanged_write(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row_change *changes;
    struct uuid start = *ovsdb_history_last_id(f->history);
    const struct ovsdb_row *v1;
    size_t n;

    transact(f, "{\"op\":\"insert\",\"table\":\"T\",\"row\":{"
                "\"name\":\"same\"}}");
    v1 = only_row(f);
    transact(f, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],"
                "\"row\":{\"name\":\"same\"}}");
    assert_true(ovsdb_history_changes_since(f->history, &start, &changes, &n));
    assert_int_equal(n, 1);
    assert_null(changes[0].old);
    assert_column(f, changes[0].new, "name", "\"same\"");
    assert_ptr_equal(changes[0].new, v1);
    if (only_row(f) != v1) {
        /* The table moved on to a copy: the history alone holds v1. */
        assert_int_equal(v1->holders, 1);
    } else {
        assert_int_equal(v1->holders, 2);
    }
    ovsdb_history_free_changes(changes, n);
}

/* ovsdb_row_ref() and ovsdb_row_destroy() count references: the row and
 * its values go with the last one. */
static void
test_row_references(void **state)
{
    struct fixture *f = *state;
    const struct ovsdb_table *table = ovsdb_db_find_table(f->db, "T");
    const struct ovsdb_column *name =
        ovsdb_table_schema_find_column(table->schema, "name");
    size_t strings = ovsdb_str_count();
    struct ovsdb_row *row = ovsdb_row_create(table->schema), *copy;
    struct ovsdb_datum value;

    assert_int_equal(row->holders, 1);
    ovsdb_datum_init_empty(&value);
    value.n = 1;
    value.keys = xmalloc(sizeof *value.keys);
    value.keys[0].string = ovsdb_str_intern("refs-test", 9);
    ovsdb_row_set(row, name, &value);
    assert_int_equal(ovsdb_str_count(), strings + 1);

    assert_ptr_equal(ovsdb_row_ref(row), row);
    assert_int_equal(row->holders, 2);
    copy = ovsdb_row_clone(row, table->schema);
    assert_int_equal(copy->holders, 1);
    ovsdb_row_destroy(row, table->schema);
    assert_int_equal(row->holders, 1);
    assert_column(f, row, "name", "\"refs-test\"");
    ovsdb_row_destroy(row, table->schema);
    assert_int_equal(ovsdb_str_count(), strings + 1); /* The copy's. */
    assert_column(f, copy, "name", "\"refs-test\"");
    ovsdb_row_destroy(copy, table->schema);
    assert_int_equal(ovsdb_str_count(), strings);
}

static void
test_locks(void **state)
{
    struct ovsdb_lock_table locks;
    struct ovsdb_lock_waiter *a, *b, *c, *next;
    int oa, ob, oc;
    void *victim;

    ovsdb_lock_table_init(&locks);
    a = ovsdb_lock_acquire(&locks, "L", &oa, false, &victim);
    assert_true(ovsdb_lock_waiter_is_owner(a));
    b = ovsdb_lock_acquire(&locks, "L", &ob, false, &victim);
    assert_false(ovsdb_lock_waiter_is_owner(b));
    assert_null(victim);
    c = ovsdb_lock_acquire(&locks, "L", &oc, true, &victim);
    assert_ptr_equal(victim, &oa);
    assert_true(ovsdb_lock_waiter_is_owner(c));

    /* The thief leaves: the victim, still first in line, owns it again. */
    next = ovsdb_lock_release(&locks, c);
    assert_ptr_equal(next, a);
    assert_null(ovsdb_lock_release(&locks, b));
    assert_null(ovsdb_lock_release(&locks, a));
    assert_int_equal(ovsdb_lock_table_count(&locks), 0);
    ovsdb_lock_table_destroy(&locks);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_modify_delete, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_initial_and_cond_change, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cond_clauses_are_ored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_spec_keys_and_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_shares_rows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_history_unchanged_write, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_row_references, setup, teardown),
        cmocka_unit_test(test_locks),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/monitor", tests, NULL,
                                       NULL);
}
