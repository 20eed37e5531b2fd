/* SPDX-License-Identifier: Apache-2.0 */
/* Transaction execution: parses each operation of a "transact" request,
 * runs it through the handler the operation table names (the handlers are
 * in execution-write.c and execution-query.c, but for the four small ones
 * here) and commits. */
#include "vtepd/ovsdb/execution.h"

#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution-private.h"
#include "vtepd/ovsdb/json-order.h"
#include "vtepd/ovsdb/parser.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

struct ovsdb_table *
exec_parse_table(struct exec *x, struct ovsdb_parser *p)
{
    const json_t *json = ovsdb_parser_member(p, "table", OVSDB_P_ID);
    struct ovsdb_table *table;

    if (!json) {
        return NULL;
    }
    table = ovsdb_db_find_table(x->db, json_string_value(json));
    if (!table) {
        ovsdb_parser_raise_error(p, "No table named %s.",
                                 json_string_value(json));
    }
    return table;
}

/* Parses row object 'json' into 'row', listing in 'set' (sized for every
 * column of the table) the columns it names. */
struct ovsdb_error *
exec_parse_row(struct exec *x, const struct ovsdb_table *table,
               const json_t *json, struct ovsdb_row *row,
               const struct ovsdb_column **set, size_t *n_set)
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
struct ovsdb_error *
exec_parse_columns(const struct ovsdb_table_schema *ts, const json_t *json,
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
execute_commit(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    const json_t *durable = ovsdb_parser_member(p, "durable", OVSDB_P_BOOLEAN);

    if (durable && json_is_true(durable)) {
        x->durable = true;
    }
    return NULL;
}

static struct ovsdb_error *
execute_abort(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    return ovsdb_error("aborted", "aborted by request");
}

static struct ovsdb_error *
execute_comment(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    const json_t *comment = ovsdb_parser_member(p, "comment", OVSDB_P_STRING);

    if (comment) {
        ovsdb_txn_add_comment(x->txn, json_string_value(comment));
    }
    return NULL;
}

static struct ovsdb_error *
execute_assert(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    const json_t *lock = ovsdb_parser_member(p, "lock", OVSDB_P_ID);
    const char *name;

    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    name = json_string_value(lock);
    if (!x->ctx || !x->ctx->lock_owned
        || !x->ctx->lock_owned(name, x->ctx->aux)) {
        return ovsdb_error("not owner", "Asserted lock %s not held.", name);
    }
    return NULL;
}

static const struct {
    const char *name;
    operation_fn *execute;
} operations[] = {
    { "insert", exec_insert },      { "select", exec_select },
    { "update", exec_update },      { "mutate", exec_mutate },
    { "delete", exec_delete },      { "wait", exec_wait },
    { "commit", execute_commit },   { "abort", execute_abort },
    { "comment", execute_comment }, { "assert", execute_assert },
};

static operation_fn *
find_operation(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(operations); i++) {
        if (!strcmp(name, operations[i].name)) {
            return operations[i].execute;
        }
    }
    return NULL;
}

/* Runs operation 'json', number 'index' (1-based) of 'n_ops'. */
static json_t *
execute_op(struct exec *x, const json_t *json, size_t index, size_t n_ops,
           struct ovsdb_error **errorp)
{
    json_t *result = json_object();
    operation_fn *execute = NULL;
    struct ovsdb_parser p;
    const json_t *op;

    ovsdb_parser_init(&p, json, "ovsdb operation %zu of %zu", index, n_ops);
    op = ovsdb_parser_member(&p, "op", OVSDB_P_ID);
    if (op) {
        execute = find_operation(json_string_value(op));
        if (!execute) {
            ovsdb_parser_raise_error(&p, "No operation \"%s\"",
                                     json_string_value(op));
        }
    }
    *errorp = execute ? execute(x, &p, result) : NULL;
    if (*errorp) {
        ovsdb_error_destroy(ovsdb_parser_destroy(&p));
    } else {
        *errorp = ovsdb_parser_finish(&p);
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

/* Runs operation 'i' of 'params', adding its result to 'r'. */
static struct ovsdb_error *
execute_nth_op(struct exec *x, const struct params *params, size_t i,
               struct results *r)
{
    size_t n_ops = params_size(params) - 1;
    struct ovsdb_error *error;
    json_t *op, *result;

    if (params->text) {
        const struct json_text_span *span = &params->text->elems[i];
        struct uuid uuid;

        if (exec_insert_text(x, params->text->buf + span->ofs, span->len,
                             &uuid)) {
            results_add_uuid(r, &uuid);
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
