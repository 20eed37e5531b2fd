/* SPDX-License-Identifier: Apache-2.0 */
/* The operations that read: "select" (with Open vSwitch's "sort") and
 * "wait". */
#include <stdlib.h>
#include <string.h>

#include "lib/hmap.h"
#include "vtepd/ovsdb/condition.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution-private.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/parser.h"
#include "vtepd/ovsdb/row-order.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"

/* True if 'a' and 'b' hold the same values in the 'n' 'columns'. */
static bool
rows_equal_on(const struct ovsdb_row *a, const struct ovsdb_row *b,
              const struct ovsdb_column **columns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!ovsdb_row_column_equals(a, b, columns[i])) {
            return false;
        }
    }
    return true;
}

struct distinct_node {
    struct hmap_node node;
    const struct ovsdb_row *row;
};

/* Removes from 'rows' those equal on 'columns' to an earlier one, as
 * ovsdb-server's select does when given "columns"; returns the new
 * count. */
static size_t
distinct_rows(struct ovsdb_row **rows, size_t n,
              const struct ovsdb_column **columns, size_t n_columns)
{
    struct distinct_node *nodes = xcalloc(n + 1, sizeof *nodes);
    struct hmap seen = HMAP_INITIALIZER(&seen);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t hash = ovsdb_row_hash_columns(rows[i], columns, n_columns, 0);
        struct distinct_node *d;
        bool dup = false;

        HMAP_FOR_EACH_WITH_HASH(d, node, hash, &seen) {
            if (rows_equal_on(d->row, rows[i], columns, n_columns)) {
                dup = true;
                break;
            }
        }
        if (!dup) {
            nodes[k].row = rows[i];
            hmap_insert(&seen, &nodes[k].node, hash);
            rows[k++] = rows[i];
        }
    }
    hmap_destroy(&seen);
    free(nodes);
    return k;
}

/* The columns a select sorts by, for qsort_r()'s comparison. */
struct sort_key {
    const struct ovsdb_column **columns;
    size_t n;
};

static int
compare_rows(const void *a, const void *b, void *key_)
{
    const struct sort_key *key = key_;

    return ovsdb_row_compare(*(const struct ovsdb_row *const *) a,
                             *(const struct ovsdb_row *const *) b,
                             key->columns, key->n);
}

/* Sorts 'rows' by the columns of "sort" ('json', borrowed; NULL for no
 * sort), ascending, the first column first, as ovsdb-server's extension
 * of select does. */
static struct ovsdb_error *
sort_rows(const struct ovsdb_table_schema *ts, const json_t *json,
          struct ovsdb_row **rows, size_t n_rows)
{
    struct sort_key key;
    struct ovsdb_error *error;

    if (!json) {
        return NULL;
    }
    error = exec_parse_columns(ts, json, &key.columns, &key.n);
    if (!error && n_rows > 1) {
        qsort_r(rows, n_rows, sizeof *rows, compare_rows, &key);
    }
    free(key.columns);
    return error;
}

struct ovsdb_error *
exec_select(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    struct ovsdb_table *table = exec_parse_table(x, p);
    const json_t *where = ovsdb_parser_member(p, "where", OVSDB_P_ARRAY);
    const json_t *columns_json =
        ovsdb_parser_member(p, "columns", OVSDB_P_ARRAY | OVSDB_P_OPTIONAL);
    const json_t *sort_json =
        ovsdb_parser_member(p, "sort", OVSDB_P_ARRAY | OVSDB_P_OPTIONAL);
    const struct ovsdb_column **columns = NULL;
    struct ovsdb_condition cond = { NULL, 0 };
    struct ovsdb_row **rows = NULL;
    struct ovsdb_error *error;
    size_t n_columns, n_rows = 0;
    json_t *array;

    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    error = ovsdb_condition_from_json(&cond, table->schema, where, &x->symtab);
    if (!error) {
        error = exec_parse_columns(table->schema, columns_json, &columns,
                                   &n_columns);
    }
    if (!error) {
        n_rows = ovsdb_condition_find_rows(&cond, table, &rows);
        if (columns_json) {
            n_rows = distinct_rows(rows, n_rows, columns, n_columns);
        }
        error = sort_rows(table->schema, sort_json, rows, n_rows);
    }
    if (!error) {
        array = json_array();
        for (size_t i = 0; i < n_rows; i++) {
            json_array_append_new(
                array,
                ovsdb_row_to_json(rows[i], table->schema, columns, n_columns));
        }
        json_object_set_new(result, "rows", array);
    }
    free(rows);
    free(columns);
    ovsdb_condition_destroy(&cond);
    return error;
}

/* True if every row of 'a' equals (on 'columns') some row of 'b'. */
static bool
rows_subset(struct ovsdb_row *const *a, size_t n_a, struct ovsdb_row *const *b,
            size_t n_b, const struct ovsdb_column **columns, size_t n_columns)
{
    for (size_t i = 0; i < n_a; i++) {
        size_t j;

        for (j = 0; j < n_b; j++) {
            if (rows_equal_on(a[i], b[j], columns, n_columns)) {
                break;
            }
        }
        if (j >= n_b) {
            return false;
        }
    }
    return true;
}

static struct ovsdb_error *
parse_expected_rows(struct exec *x, const struct ovsdb_table *table,
                    const json_t *json, struct ovsdb_row ***rowsp)
{
    size_t n = json_array_size(json);
    const struct ovsdb_column **set;
    struct ovsdb_error *error = NULL;

    *rowsp = xcalloc(n + 1, sizeof **rowsp);
    set = xcalloc(table->schema->n_columns, sizeof *set);
    for (size_t i = 0; !error && i < n; i++) {
        const json_t *row_json = json_array_get(json, i);
        size_t n_set;

        (*rowsp)[i] = ovsdb_row_create(table->schema);
        if (!json_is_object(row_json)) {
            error = ovsdb_syntax_error(row_json, NULL, "object expected");
        } else {
            error =
                exec_parse_row(x, table, row_json, (*rowsp)[i], set, &n_set);
        }
    }
    free(set);
    return error;
}

/* Decides what an unsatisfied wait with 'timeout_msec' does. */
static struct ovsdb_error *
wait_unsatisfied(struct exec *x, long long timeout_msec)
{
    long long elapsed = x->ctx ? x->ctx->elapsed_msec : 0;

    if (elapsed >= timeout_msec) {
        if (elapsed) {
            return ovsdb_error("timed out", "\"wait\" timed out after %lld ms",
                               elapsed);
        }
        return ovsdb_error("timed out", "\"where\" clause test failed");
    }
    x->timeout_msec = MIN(x->timeout_msec, timeout_msec - elapsed);
    x->blocked = true;
    return ovsdb_error("not supported", "triggers not supported");
}

static struct ovsdb_error *
check_wait(struct exec *x, const struct ovsdb_table *table,
           const struct ovsdb_condition *cond, const json_t *columns_json,
           const json_t *rows_json, bool until_eq, long long timeout_msec)
{
    const struct ovsdb_column **columns = NULL;
    struct ovsdb_row **actual = NULL, **expected = NULL;
    size_t n_columns, n_actual, n_expected = json_array_size(rows_json);
    struct ovsdb_error *error;

    error =
        exec_parse_columns(table->schema, columns_json, &columns, &n_columns);
    if (!error) {
        error = parse_expected_rows(x, table, rows_json, &expected);
    }
    if (!error) {
        bool equal;

        n_actual = ovsdb_condition_find_rows(cond, table, &actual);
        equal = rows_subset(actual, n_actual, expected, n_expected, columns,
                            n_columns)
                && rows_subset(expected, n_expected, actual, n_actual, columns,
                               n_columns);
        if (equal != until_eq) {
            error = wait_unsatisfied(x, timeout_msec);
        }
    }
    for (size_t i = 0; expected && i < n_expected; i++) {
        ovsdb_row_destroy(expected[i], table->schema);
    }
    free(expected);
    free(actual);
    free(columns);
    return error;
}

struct ovsdb_error *
exec_wait(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    struct ovsdb_table *table = exec_parse_table(x, p);
    const json_t *timeout =
        ovsdb_parser_member(p, "timeout", OVSDB_P_INTEGER | OVSDB_P_OPTIONAL);
    const json_t *where = ovsdb_parser_member(p, "where", OVSDB_P_ARRAY);
    const json_t *columns = ovsdb_parser_member(p, "columns", OVSDB_P_ARRAY);
    const json_t *until = ovsdb_parser_member(p, "until", OVSDB_P_STRING);
    const json_t *rows = ovsdb_parser_member(p, "rows", OVSDB_P_ARRAY);
    struct ovsdb_condition cond = { NULL, 0 };
    long long timeout_msec = OVSDB_WAIT_FOREVER;
    struct ovsdb_error *error;
    bool until_eq;

    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    if (timeout) {
        timeout_msec = json_integer_value(timeout);
        if (timeout_msec < 0) {
            return ovsdb_syntax_error(timeout, NULL,
                                      "timeout must be nonnegative");
        }
    }
    until_eq = !strcmp(json_string_value(until), "==");
    if (!until_eq && strcmp(json_string_value(until), "!=")) {
        return ovsdb_syntax_error(until, NULL, "unknown wait condition %s",
                                  json_string_value(until));
    }
    error = ovsdb_condition_from_json(&cond, table->schema, where, &x->symtab);
    if (!error) {
        error =
            check_wait(x, table, &cond, columns, rows, until_eq, timeout_msec);
    }
    ovsdb_condition_destroy(&cond);
    return error;
}
