/* SPDX-License-Identifier: Apache-2.0 */
/* Transaction execution: parses each operation of a "transact" request
 * and runs it through the handler the operation table names. */
#include "vtepd/ovsdb/execution.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "vtepd/ovsdb/condition.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/insert-text.h"
#include "vtepd/ovsdb/json-order.h"
#include "vtepd/ovsdb/mutation.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

/* Member types for parser_member(). */
enum {
    OP_STRING = 1 << 0,
    OP_ID = 1 << 1,
    OP_OBJECT = 1 << 2,
    OP_ARRAY = 1 << 3,
    OP_BOOLEAN = 1 << 4,
    OP_INTEGER = 1 << 5,
    OP_OPTIONAL = 1 << 6,
};

#define MAX_MEMBERS 8

/* Reads the members of one operation object, remembering which were used
 * so that unexpected ones can be refused, as ovsdb-server does. */
struct op_parser {
    const json_t *json;
    size_t index, n_ops; /* For messages: "operation INDEX of N_OPS". */
    struct ovsdb_error *error;
    const char *used[MAX_MEMBERS];
    size_t n_used;
};

/* The state of one execution. */
struct exec {
    struct ovsdb_db *db;
    struct ovsdb_txn *txn;
    struct ovsdb_symbol_table symtab;
    const struct ovsdb_exec_ctx *ctx;
    bool durable;
    bool blocked;           /* A wait must block. */
    long long timeout_msec; /* How long it may block. */
};

static void parser_raise(struct op_parser *, const char *format, ...)
    PRINTF_FORMAT(2, 3);

static void
parser_raise(struct op_parser *p, const char *format, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    if (p->error) {
        return;
    }
    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);
    p->error = ovsdb_syntax_error(p->json, NULL,
                                  "Parsing ovsdb operation %zu of %zu "
                                  "failed: %s",
                                  p->index, p->n_ops, ds_cstr(&s));
    ds_destroy(&s);
}

static bool
is_id(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) {
        return false;
    }
    for (s++; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
              || (*s >= '0' && *s <= '9') || *s == '_')) {
            return false;
        }
    }
    return true;
}

static bool
member_type_ok(const json_t *value, int types)
{
    return ((types & OP_STRING) && json_is_string(value))
           || ((types & OP_ID) && json_is_string(value)
               && is_id(json_string_value(value)))
           || ((types & OP_OBJECT) && json_is_object(value))
           || ((types & OP_ARRAY) && json_is_array(value))
           || ((types & OP_BOOLEAN) && json_is_boolean(value))
           || ((types & OP_INTEGER) && json_is_integer(value));
}

/* Returns member 'name' if it has one of 'types', else NULL (raising an
 * error unless it is absent and OP_OPTIONAL). */
static const json_t *
parser_member(struct op_parser *p, const char *name, int types)
{
    const json_t *value = json_object_get(p->json, name);

    if (p->n_used < MAX_MEMBERS) {
        p->used[p->n_used++] = name;
    }
    if (!value) {
        if (!(types & OP_OPTIONAL)) {
            parser_raise(p, "Required '%s' member is missing.", name);
        }
        return NULL;
    }
    if (!member_type_ok(value, types)) {
        parser_raise(p, "Type mismatch for member '%s'.", name);
        return NULL;
    }
    return value;
}

/* Refuses members the operation did not read. */
static struct ovsdb_error *
parser_finish(struct op_parser *p)
{
    const char *key;
    json_t *value;

    json_object_foreach((json_t *) p->json, key, value) {
        size_t i;

        for (i = 0; i < p->n_used && strcmp(key, p->used[i]); i++) {
            continue;
        }
        if (i >= p->n_used) {
            parser_raise(p, "Member '%s' is present but not allowed here.",
                         key);
            break;
        }
    }
    return p->error;
}

static struct ovsdb_table *
parse_table(struct exec *x, struct op_parser *p)
{
    const json_t *json = parser_member(p, "table", OP_ID);
    struct ovsdb_table *table;

    if (!json) {
        return NULL;
    }
    table = ovsdb_db_find_table(x->db, json_string_value(json));
    if (!table) {
        parser_raise(p, "No table named %s.", json_string_value(json));
    }
    return table;
}

/* Parses row object 'json' into 'row', listing in 'set' (sized for every
 * column of the table) the columns it names. */
static struct ovsdb_error *
parse_row(struct exec *x, const struct ovsdb_table *table, const json_t *json,
          struct ovsdb_row *row, const struct ovsdb_column **set,
          size_t *n_set)
{
    const struct ovsdb_table_schema *ts = table->schema;
    const char **keys = xcalloc(json_object_size(json) + 1, sizeof *keys);
    size_t n_keys = ovsdb_json_member_order(json, keys);
    struct ovsdb_error *error = NULL;

    *n_set = 0;
    for (size_t i = 0; !error && i < n_keys; i++) {
        const struct ovsdb_column *column;
        struct ovsdb_datum datum;

        column = ovsdb_table_schema_find_column(ts, keys[i]);
        if (!column) {
            error = ovsdb_syntax_error(json, "unknown column",
                                       "No column %s in table %s.", keys[i],
                                       ts->name);
        } else if (*n_set >= ts->n_columns) {
            error = ovsdb_syntax_error(json, NULL, "too many columns");
        } else {
            error = ovsdb_datum_from_json(&datum, &column->type,
                                          json_object_get(json, keys[i]),
                                          &x->symtab);
        }
        if (!error) {
            ovsdb_row_set(row, column, &datum);
            set[(*n_set)++] = column;
        }
    }
    free(keys);
    return error;
}

/* Parses a "columns" (or "sort") array, in ovsdb-server's words; with
 * 'json' NULL, selects every column. */
static struct ovsdb_error *
parse_column_set(const struct ovsdb_table_schema *ts, const json_t *json,
                 const struct ovsdb_column ***columnsp, size_t *n)
{
    const struct ovsdb_column **columns;

    *n = 0;
    if (!json) {
        *columnsp = xmemdup(ts->columns, ts->n_columns * sizeof *columns);
        *n = ts->n_columns;
        return NULL;
    }
    columns = xcalloc(json_array_size(json) + 1, sizeof *columns);
    *columnsp = columns;
    for (size_t i = 0; i < json_array_size(json); i++) {
        const char *name = json_string_value(json_array_get(json, i));
        const struct ovsdb_column *column;

        column = name ? ovsdb_table_schema_find_column(ts, name) : NULL;
        if (name && !column) {
            return ovsdb_syntax_error(json, NULL,
                                      "%s is not a valid column name", name);
        }
        for (size_t j = 0; column && j < *n; j++) {
            if (columns[j] == column) {
                column = NULL;
            }
        }
        if (!column) {
            return ovsdb_syntax_error(json, NULL,
                                      "array of distinct column names "
                                      "expected");
        }
        columns[(*n)++] = column;
    }
    return NULL;
}

static struct ovsdb_error *
check_defaults(const struct ovsdb_table_schema *ts,
               const struct ovsdb_row *row, const struct ovsdb_column **set,
               size_t n_set)
{
    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_error *error;
        struct ovsdb_datum v;
        size_t j;

        for (j = 0; j < n_set && set[j] != column; j++) {
            continue;
        }
        if (j < n_set) {
            continue;
        }
        ovsdb_row_get(row, column, &v);
        error = ovsdb_datum_check_constraints(&v, &column->type);
        if (error) {
            return error;
        }
    }
    return NULL;
}

/* Chooses the _uuid of a new row from "uuid" and "uuid-name". */
static struct ovsdb_error *
choose_uuid(struct exec *x, const struct ovsdb_table *table,
            const json_t *uuid_json, const json_t *uuid_name,
            struct uuid *uuid)
{
    if (uuid_json) {
        const char *s = json_string_value(uuid_json);

        if (strlen(s) != UUID_LEN || !uuid_from_string(uuid, s)) {
            return ovsdb_syntax_error(uuid_json, NULL, "bad uuid");
        }
        if (ovsdb_txn_uuid_in_use(x->txn, table, uuid)) {
            return ovsdb_syntax_error(uuid_json, "duplicate uuid",
                                      "This UUID would duplicate a UUID "
                                      "already present within the table or "
                                      "deleted within the same "
                                      "transaction.");
        }
    } else {
        uuid_generate(uuid);
    }
    if (uuid_name) {
        struct ovsdb_symbol *symbol;

        symbol = ovsdb_symbol_table_insert(&x->symtab,
                                           json_string_value(uuid_name));
        if (symbol->created) {
            return ovsdb_syntax_error(uuid_name, "duplicate uuid-name",
                                      "This \"uuid-name\" appeared on an "
                                      "earlier \"insert\" operation.");
        }
        symbol->created = true;
        if (uuid_json) {
            symbol->uuid = *uuid;
        } else {
            *uuid = symbol->uuid;
        }
    }
    return NULL;
}

static struct ovsdb_error *
execute_insert(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *uuid_name =
        parser_member(p, "uuid-name", OP_ID | OP_OPTIONAL);
    const json_t *uuid_json =
        parser_member(p, "uuid", OP_STRING | OP_OPTIONAL);
    const json_t *row_json = parser_member(p, "row", OP_OBJECT | OP_OPTIONAL);
    const struct ovsdb_column **set;
    struct ovsdb_error *error;
    struct ovsdb_row *row;
    struct uuid uuid;
    size_t n_set;

    if (p->error) {
        return p->error;
    }
    error = choose_uuid(x, table, uuid_json, uuid_name, &uuid);
    if (error) {
        return error;
    }
    row = ovsdb_row_create(table->schema);
    set = xcalloc(table->schema->n_columns, sizeof *set);
    error = row_json ? parse_row(x, table, row_json, row, set, &n_set) : NULL;
    if (!row_json) {
        n_set = 0;
    }
    if (!error) {
        error = check_defaults(table->schema, row, set, n_set);
    }
    free(set);
    if (error) {
        ovsdb_row_destroy(row, table->schema);
        return error;
    }
    row->uuid = uuid;
    ovsdb_txn_insert(x->txn, table, row);
    json_object_set_new(result, "uuid",
                        ovsdb_atom_to_json((union ovsdb_atom *) (void *) &uuid,
                                           OVSDB_TYPE_UUID));
    return NULL;
}

/* Parses the "where" member into 'cond'. */
static struct ovsdb_error *
parse_where(struct exec *x, struct op_parser *p,
            const struct ovsdb_table *table, struct ovsdb_condition *cond)
{
    const json_t *where = parser_member(p, "where", OP_ARRAY);

    if (p->error) {
        return p->error;
    }
    return ovsdb_condition_from_json(cond, table->schema, where, &x->symtab);
}

static bool rows_equal_on(const struct ovsdb_row *, const struct ovsdb_row *,
                          const struct ovsdb_column **, size_t);

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

/* Compares 'a' and 'b' as ovsdb-server orders values for "sort": by
 * number of elements first, then element by element, keys before
 * values. */
static int
compare_datums(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
               const struct ovsdb_type *type)
{
    if (a->n != b->n) {
        return a->n < b->n ? -1 : 1;
    }
    for (unsigned int i = 0; i < a->n; i++) {
        int cmp = ovsdb_atom_compare(&a->keys[i], &b->keys[i], type->key.type);

        if (cmp) {
            return cmp;
        }
    }
    for (unsigned int i = 0; a->values && i < a->n; i++) {
        int cmp =
            ovsdb_atom_compare(&a->values[i], &b->values[i], type->value.type);

        if (cmp) {
            return cmp;
        }
    }
    return 0;
}

/* The columns a select sorts by, for qsort_r()'s comparison. */
struct sort_key {
    const struct ovsdb_column **columns;
    size_t n;
};

static int
compare_rows(const void *a_, const void *b_, void *key_)
{
    const struct ovsdb_row *const *a = a_, *const *b = b_;
    const struct sort_key *key = key_;

    for (size_t i = 0; i < key->n; i++) {
        const struct ovsdb_column *column = key->columns[i];
        struct ovsdb_datum va, vb;
        int cmp;

        ovsdb_row_get(*a, column, &va);
        ovsdb_row_get(*b, column, &vb);
        cmp = compare_datums(&va, &vb, &column->type);
        if (cmp) {
            return cmp;
        }
    }
    return 0;
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
    error = parse_column_set(ts, json, &key.columns, &key.n);
    if (!error && n_rows > 1) {
        qsort_r(rows, n_rows, sizeof *rows, compare_rows, &key);
    }
    free(key.columns);
    return error;
}

static struct ovsdb_error *
execute_select(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *where = parser_member(p, "where", OP_ARRAY);
    const json_t *columns_json =
        parser_member(p, "columns", OP_ARRAY | OP_OPTIONAL);
    const json_t *sort_json = parser_member(p, "sort", OP_ARRAY | OP_OPTIONAL);
    const struct ovsdb_column **columns = NULL;
    struct ovsdb_condition cond = { NULL, 0 };
    struct ovsdb_row **rows = NULL;
    struct ovsdb_error *error;
    size_t n_columns, n_rows = 0;
    json_t *array;

    if (p->error) {
        return p->error;
    }
    error = ovsdb_condition_from_json(&cond, table->schema, where, &x->symtab);
    if (!error) {
        error = parse_column_set(table->schema, columns_json, &columns,
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

/* Copies the columns in 'set' from 'src' into 'dst'. */
static void
copy_columns(struct ovsdb_row *dst, const struct ovsdb_row *src,
             const struct ovsdb_column **set, size_t n_set)
{
    for (size_t i = 0; i < n_set; i++) {
        struct ovsdb_datum view, copy;

        ovsdb_row_get(src, set[i], &view);
        ovsdb_datum_clone(&copy, &view, &set[i]->type);
        ovsdb_row_set(dst, set[i], &copy);
    }
}

static struct ovsdb_error *
execute_update(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *where = parser_member(p, "where", OP_ARRAY);
    const json_t *row_json = parser_member(p, "row", OP_OBJECT);
    struct ovsdb_condition cond = { NULL, 0 };
    const struct ovsdb_column **set;
    struct ovsdb_row **rows = NULL;
    struct ovsdb_error *error;
    struct ovsdb_row *update;
    size_t n_set, n_rows = 0;

    if (p->error) {
        return p->error;
    }
    update = ovsdb_row_create(table->schema);
    set = xcalloc(table->schema->n_columns, sizeof *set);
    error = parse_row(x, table, row_json, update, set, &n_set);
    for (size_t i = 0; !error && i < n_set; i++) {
        if (!set[i]->mutable_) {
            error = ovsdb_syntax_error(p->json, "constraint violation",
                                       "Cannot update immutable column %s "
                                       "in table %s.",
                                       set[i]->name, table->schema->name);
        }
    }
    if (!error) {
        error =
            ovsdb_condition_from_json(&cond, table->schema, where, &x->symtab);
    }
    if (!error) {
        n_rows = ovsdb_condition_find_rows(&cond, table, &rows);
        for (size_t i = 0; i < n_rows; i++) {
            struct ovsdb_row *row;

            row = ovsdb_txn_modify_begin(x->txn, table, rows[i]);
            copy_columns(row, update, set, n_set);
            ovsdb_txn_modify_end(x->txn, table, row);
        }
        json_object_set_new(result, "count",
                            json_integer((json_int_t) n_rows));
    }
    free(rows);
    free(set);
    ovsdb_row_destroy(update, table->schema);
    ovsdb_condition_destroy(&cond);
    return error;
}

static struct ovsdb_error *
execute_mutate(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *where = parser_member(p, "where", OP_ARRAY);
    const json_t *mutations = parser_member(p, "mutations", OP_ARRAY);
    struct ovsdb_mutation_set set = { NULL, 0 };
    struct ovsdb_condition cond = { NULL, 0 };
    struct ovsdb_row **rows = NULL;
    struct ovsdb_error *error;
    size_t n_rows = 0;

    if (p->error) {
        return p->error;
    }
    error = ovsdb_mutation_set_from_json(&set, table->schema, mutations,
                                         &x->symtab);
    if (!error) {
        error =
            ovsdb_condition_from_json(&cond, table->schema, where, &x->symtab);
    }
    if (!error) {
        n_rows = ovsdb_condition_find_rows(&cond, table, &rows);
        for (size_t i = 0; !error && i < n_rows; i++) {
            struct ovsdb_row *row;

            row = ovsdb_txn_modify_begin(x->txn, table, rows[i]);
            error = ovsdb_mutation_set_execute(&set, row);
            ovsdb_txn_modify_end(x->txn, table, row);
        }
    }
    if (!error) {
        json_object_set_new(result, "count",
                            json_integer((json_int_t) n_rows));
    }
    free(rows);
    ovsdb_mutation_set_destroy(&set);
    ovsdb_condition_destroy(&cond);
    return error;
}

static struct ovsdb_error *
execute_delete(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    struct ovsdb_condition cond = { NULL, 0 };
    struct ovsdb_row **rows = NULL;
    struct ovsdb_error *error;
    size_t n_rows;

    if (p->error) {
        return p->error;
    }
    error = parse_where(x, p, table, &cond);
    if (!error) {
        n_rows = ovsdb_condition_find_rows(&cond, table, &rows);
        for (size_t i = 0; i < n_rows; i++) {
            ovsdb_txn_delete(x->txn, table, rows[i]);
        }
        json_object_set_new(result, "count",
                            json_integer((json_int_t) n_rows));
    }
    free(rows);
    ovsdb_condition_destroy(&cond);
    return error;
}

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
            error = parse_row(x, table, row_json, (*rowsp)[i], set, &n_set);
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
        parse_column_set(table->schema, columns_json, &columns, &n_columns);
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

static struct ovsdb_error *
execute_wait(struct exec *x, struct op_parser *p, json_t *result)
{
    struct ovsdb_table *table = parse_table(x, p);
    const json_t *timeout =
        parser_member(p, "timeout", OP_INTEGER | OP_OPTIONAL);
    const json_t *where = parser_member(p, "where", OP_ARRAY);
    const json_t *columns = parser_member(p, "columns", OP_ARRAY);
    const json_t *until = parser_member(p, "until", OP_STRING);
    const json_t *rows = parser_member(p, "rows", OP_ARRAY);
    struct ovsdb_condition cond = { NULL, 0 };
    long long timeout_msec = OVSDB_WAIT_FOREVER;
    struct ovsdb_error *error;
    bool until_eq;

    if (p->error) {
        return p->error;
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

static struct ovsdb_error *
execute_commit(struct exec *x, struct op_parser *p, json_t *result)
{
    const json_t *durable = parser_member(p, "durable", OP_BOOLEAN);

    if (durable && json_is_true(durable)) {
        x->durable = true;
    }
    return p->error;
}

static struct ovsdb_error *
execute_abort(struct exec *x, struct op_parser *p, json_t *result)
{
    return ovsdb_error("aborted", "aborted by request");
}

static struct ovsdb_error *
execute_comment(struct exec *x, struct op_parser *p, json_t *result)
{
    const json_t *comment = parser_member(p, "comment", OP_STRING);

    if (comment) {
        ovsdb_txn_add_comment(x->txn, json_string_value(comment));
    }
    return p->error;
}

static struct ovsdb_error *
execute_assert(struct exec *x, struct op_parser *p, json_t *result)
{
    const json_t *lock = parser_member(p, "lock", OP_ID);
    const char *name;

    if (p->error) {
        return p->error;
    }
    name = json_string_value(lock);
    if (!x->ctx || !x->ctx->lock_owned
        || !x->ctx->lock_owned(name, x->ctx->aux)) {
        return ovsdb_error("not owner", "Asserted lock %s not held.", name);
    }
    return NULL;
}

typedef struct ovsdb_error *operation_fn(struct exec *, struct op_parser *,
                                         json_t *result);

static const struct {
    const char *name;
    operation_fn *execute;
} operations[] = {
    { "insert", execute_insert },   { "select", execute_select },
    { "update", execute_update },   { "mutate", execute_mutate },
    { "delete", execute_delete },   { "wait", execute_wait },
    { "commit", execute_commit },   { "abort", execute_abort },
    { "comment", execute_comment }, { "assert", execute_assert },
};

/* Runs operation 'json', number 'index' (1-based) of 'n_ops'. */
static json_t *
execute_op(struct exec *x, const json_t *json, size_t index, size_t n_ops,
           struct ovsdb_error **errorp)
{
    struct op_parser p = { .json = json, .index = index, .n_ops = n_ops };
    json_t *result = json_object();
    const json_t *op;
    size_t i;

    *errorp = NULL;
    if (!json_is_object(json)) {
        parser_raise(&p, "Object expected.");
        *errorp = p.error;
        return result;
    }
    op = parser_member(&p, "op", OP_ID);
    if (!op) {
        *errorp = p.error;
        return result;
    }
    for (i = 0; i < ARRAY_SIZE(operations); i++) {
        if (!strcmp(json_string_value(op), operations[i].name)) {
            break;
        }
    }
    if (i >= ARRAY_SIZE(operations)) {
        parser_raise(&p, "No operation \"%s\"", json_string_value(op));
        *errorp = p.error;
        return result;
    }
    *errorp = operations[i].execute(x, &p, result);
    if (!*errorp) {
        *errorp = parser_finish(&p);
    } else if (*errorp != p.error) {
        ovsdb_error_destroy(p.error);
    }
    return result;
}

/* The operations of a transaction: a decoded array, or text. */
struct params {
    const json_t *json;
    const struct json_text_array *text;
};

static size_t
params_size(const struct params *params)
{
    return params->text ? params->text->n : json_array_size(params->json);
}

/* The results of the operations, as a JSON array or as its text. */
struct results {
    json_t *array; /* Or NULL for text. */
    struct ds *text;
    size_t n;
};

/* Appends 'value' (taken). */
static void
results_add(struct results *r, json_t *value)
{
    if (r->array) {
        json_array_append_new(r->array, value);
    } else {
        if (r->n) {
            ds_put_char(r->text, ',');
        }
        json_text_encode(value, r->text);
        json_decref(value);
    }
    r->n++;
}

/* Appends the result of an insert, {"uuid":["uuid","..."]}, to text
 * results (the fast path runs only with those). */
static void
results_add_uuid(struct results *r, const struct uuid *uuid)
{
    const union ovsdb_atom *atom = (const union ovsdb_atom *) (void *) uuid;

    ASSERT(!r->array);
    ds_put_cstr(r->text, r->n ? ",{\"uuid\":" : "{\"uuid\":");
    ovsdb_atom_to_text(atom, OVSDB_TYPE_UUID, r->text);
    ds_put_char(r->text, '}');
    r->n++;
}

static json_t *
check_params(const struct ovsdb_db *db, const json_t *params)
{
    struct ovsdb_error *error;
    const char *name;
    json_t *json;

    if (!json_is_array(params)) {
        error = ovsdb_syntax_error(params, NULL, "array expected");
    } else {
        name = json_string_value(json_array_get(params, 0));
        if (name && !strcmp(name, db->schema->name)) {
            return NULL;
        }
        error = ovsdb_syntax_error(params, NULL,
                                   "database name expected as first "
                                   "parameter");
    }
    json = ovsdb_error_to_json(error);
    ovsdb_error_destroy(error);
    return json;
}

/* Checks the database name in 'params' (element 0 of text params decoded
 * alone, the whole array only for the error). */
static json_t *
check_params_text(const struct ovsdb_db *db,
                  const struct json_text_array *params)
{
    json_t *name = params->n ? json_text_array_get(params, 0) : NULL;
    bool ok = json_is_string(name)
              && !strcmp(json_string_value(name), db->schema->name);
    json_t *error = NULL;

    json_decref(name);
    if (!ok) {
        json_t *json = json_text_array_to_json(params);

        error = check_params(db, json);
        json_decref(json);
    }
    return error;
}

/* Runs operation 'i' of 'params', text, if it is an "insert" that
 * insert-text.c parses, adding its result to 'r'.  Returns false, having
 * changed nothing, to leave it to the general path: the fast path runs only
 * where the general path would succeed, and consumes UUIDs from the
 * generator in the same order. */
static bool
execute_insert_text(struct exec *x, const struct json_text_array *params,
                    size_t i, struct results *r)
{
    const struct json_text_span *span = &params->elems[i];
    struct ovsdb_insert_text ins;
    struct ovsdb_symbol *symbol;
    struct ovsdb_error *error;
    struct ovsdb_row *row;
    struct uuid uuid;

    if (!ovsdb_insert_text_parse(x->db, params->buf + span->ofs, span->len,
                                 &ins)) {
        return false;
    }

    /* What choose_uuid() and check_defaults() would refuse. */
    symbol = ins.uuid_name ? ovsdb_symbol_table_find(&x->symtab, ins.uuid_name)
                           : NULL;
    error = check_defaults(ins.table->schema, ins.row, ins.set, ins.n_set);
    if (error || (symbol && symbol->created)
        || (ins.has_uuid
            && ovsdb_txn_uuid_in_use(x->txn, ins.table, &ins.uuid))) {
        ovsdb_error_destroy(error);
        ovsdb_insert_text_destroy(&ins);
        return false;
    }

    /* As choose_uuid(), then the named UUID in the row, if any. */
    if (ins.has_uuid) {
        uuid = ins.uuid;
    } else {
        uuid_generate(&uuid);
    }
    if (ins.uuid_name) {
        symbol = ovsdb_symbol_table_insert(&x->symtab, ins.uuid_name);
        symbol->created = true;
        if (ins.has_uuid) {
            symbol->uuid = uuid;
        } else {
            uuid = symbol->uuid;
        }
    }
    if (ins.ref_column) {
        symbol = ovsdb_symbol_table_insert(&x->symtab, ins.ref_name);
        ins.ref_datum.keys[0].uuid = symbol->uuid;
        ovsdb_row_set(ins.row, ins.ref_column, &ins.ref_datum);
    }

    row = ins.row;
    ins.row = NULL;
    row->uuid = uuid;
    ovsdb_txn_insert(x->txn, ins.table, row);
    results_add_uuid(r, &uuid);
    ovsdb_insert_text_destroy(&ins);
    return true;
}

/* Runs operation 'i' of 'params', adding its result to 'r'. */
static struct ovsdb_error *
execute_nth_op(struct exec *x, const struct params *params, size_t i,
               struct results *r)
{
    size_t n_ops = params_size(params) - 1;
    struct ovsdb_error *error;
    json_t *op, *result;

    if (params->text) {
        if (execute_insert_text(x, params->text, i, r)) {
            return NULL;
        }
        op = json_text_array_get(params->text, i);
    } else {
        op = json_incref(json_array_get(params->json, i));
    }
    result = execute_op(x, op, i, n_ops, &error);
    json_decref(op);
    if (error) {
        json_decref(result);
        results_add(r, ovsdb_error_to_json(error));
        return error;
    }
    results_add(r, result);
    return NULL;
}

/* Runs every operation, stopping at the first error, which it returns. */
static struct ovsdb_error *
execute_ops(struct exec *x, const struct params *params, struct results *r)
{
    size_t n_ops = params_size(params) - 1;

    for (size_t i = 1; i <= n_ops; i++) {
        struct ovsdb_error *error = execute_nth_op(x, params, i, r);

        if (error) {
            return error;
        }
    }
    return NULL;
}

/* Runs the transaction 'params' (whose database name was checked), adding
 * its results to 'r'.  Returns false if a wait must block. */
static bool
execute_txn(struct ovsdb_db *db, const struct params *params,
            const struct ovsdb_exec_ctx *ctx, long long *timeout_msec,
            struct results *r)
{
    struct exec x = { .db = db,
                      .ctx = ctx,
                      .timeout_msec = OVSDB_WAIT_FOREVER };
    struct ovsdb_error *error;
    bool blocked = false;

    x.txn = ovsdb_txn_create(db);
    ovsdb_symbol_table_init(&x.symtab);
    error = execute_ops(&x, params, r);
    if (error && x.blocked && ctx && ctx->may_block) {
        ovsdb_txn_abort(x.txn);
        *timeout_msec = x.timeout_msec;
        blocked = true;
    } else if (error) {
        ovsdb_txn_abort(x.txn);
    } else {
        error = ovsdb_txn_commit(x.txn, x.durable);
        if (error) {
            results_add(r, ovsdb_error_to_json(error));
        }
    }
    while (!blocked && r->n < params_size(params) - 1) {
        results_add(r, json_null());
    }
    ovsdb_error_destroy(error);
    ovsdb_symbol_table_destroy(&x.symtab);
    return !blocked;
}

json_t *
ovsdb_execute(struct ovsdb_db *db, const json_t *params,
              const struct ovsdb_exec_ctx *ctx, long long *timeout_msec)
{
    struct params p = { .json = params };
    json_t *error = check_params(db, params);
    struct results r;

    *timeout_msec = OVSDB_WAIT_FOREVER;
    if (error) {
        return error;
    }
    r = (struct results){ .array = json_array() };
    if (!execute_txn(db, &p, ctx, timeout_msec, &r)) {
        json_decref(r.array);
        return NULL;
    }
    return r.array;
}

bool
ovsdb_execute_text(struct ovsdb_db *db, const json_t *params,
                   const struct json_text_array *params_text,
                   const struct ovsdb_exec_ctx *ctx, long long *timeout_msec,
                   struct ds *out)
{
    struct params p = { .json = params_text ? NULL : params,
                        .text = params_text };
    json_t *error = params_text ? check_params_text(db, params_text)
                                : check_params(db, params);
    size_t start = out->length;
    struct results r = { .text = out };

    *timeout_msec = OVSDB_WAIT_FOREVER;
    if (error) {
        json_text_encode(error, out);
        json_decref(error);
        return true;
    }
    ds_put_char(out, '[');
    if (!execute_txn(db, &p, ctx, timeout_msec, &r)) {
        ds_truncate(out, start);
        return false;
    }
    ds_put_char(out, ']');
    return true;
}
