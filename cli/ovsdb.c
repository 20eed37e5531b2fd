/* SPDX-License-Identifier: Apache-2.0 */
/* The database and the control socket, as vtep-cli sees them: whole tables
 * read in one transaction, and helpers for RFC 7047 datums. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/rpc.h"
#include "lib/util.h"

int
cli_error(const char *format, ...)
{
    va_list args;

    fputs("vtep-cli: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    return 1;
}

static struct cli_rpc *
connect_to(struct cli_ctx *ctx, const char *remote, const char *what,
           const char *option)
{
    struct cli_rpc *rpc;
    int error = cli_rpc_open(remote, ctx->timeout_ms, &rpc);

    if (error) {
        cli_error("%s: cannot connect to the %s (%s); is vtepd running? "
                  "(choose another with %s)",
                  remote, what, strerror(-error), option);
        return NULL;
    }
    return rpc;
}

struct cli_rpc *
cli_db(struct cli_ctx *ctx)
{
    if (!ctx->db) {
        ctx->db = connect_to(ctx, ctx->db_remote, "database", "--db=");
    }
    return ctx->db;
}

struct cli_rpc *
cli_ctl(struct cli_ctx *ctx)
{
    if (!ctx->ctl) {
        ctx->ctl =
            connect_to(ctx, ctx->ctl_remote, "control socket", "--ctl=");
    }
    return ctx->ctl;
}

/* Prints the error of a failed call: 'error' is the reply's error (or NULL)
 * and 'code' the negative errno. */
static void
report_call_error(const char *what, int code, json_t *error)
{
    if (error && json_is_string(error)) {
        char *text = xstrdup(json_string_value(error));
        size_t len = strlen(text);

        if (len && text[len - 1] == '\n') {
            text[len - 1] = '\0';
        }
        cli_error("%s: %s", what, text);
        free(text);
    } else if (error) {
        char *text = json_dumps(error, JSON_COMPACT);

        cli_error("%s: %s", what, text);
        free(text);
    } else {
        cli_error("%s: %s", what, strerror(-code));
    }
}

char *
cli_ctl_run(struct cli_ctx *ctx, int argc, const char *const *argv)
{
    struct cli_rpc *ctl = cli_ctl(ctx);
    json_t *params = json_array(), *result = NULL, *error = NULL;
    char *text = NULL;
    int code;

    if (!ctl) {
        return NULL;
    }
    for (int i = 1; i < argc; i++) {
        json_array_append_new(params, json_string(argv[i]));
    }
    code = cli_rpc_call(ctl, argv[0], params, &result, &error);
    if (!code && json_is_string(result)) {
        text = xstrdup(json_string_value(result));
    } else if (str_starts_with(argv[0], "hal/") && json_is_string(error)
               && strstr(json_string_value(error), "not a valid command")) {
        cli_error("%s: vtepd runs without a forwarding backend "
                  "(--hal=none), so it has no hardware tables",
                  argv[0]);
    } else {
        report_call_error(argv[0], code ? code : -EBADMSG, error);
    }
    json_decref(result);
    json_decref(error);
    return text;
}

/* Checks a "transact" result: returns 0 if no operation failed, else 1
 * after printing the first error. */
static int
check_results(const json_t *result)
{
    size_t i;
    json_t *op;

    if (!json_is_array(result)) {
        return cli_error("transact: malformed reply");
    }
    json_array_foreach(result, i, op) {
        const char *error = json_string_value(json_object_get(op, "error"));

        if (error) {
            const char *details =
                json_string_value(json_object_get(op, "details"));

            return cli_error("transaction failed: %s%s%s", error,
                             details ? ": " : "", details ? details : "");
        }
    }
    return 0;
}

static json_t *
transact(struct cli_ctx *ctx, json_t *ops)
{
    struct cli_rpc *db = cli_db(ctx);
    json_t *params, *result = NULL, *error = NULL;
    int code;

    if (!db) {
        json_decref(ops);
        return NULL;
    }
    params = json_pack("[s]", "hardware_vtep");
    json_array_extend(params, ops);
    json_decref(ops);
    code = cli_rpc_call(db, "transact", params, &result, &error);
    if (code) {
        report_call_error("transact", code, error);
        json_decref(error);
        return NULL;
    }
    if (check_results(result)) {
        json_decref(result);
        return NULL;
    }
    return result;
}

int
cli_db_transact(struct cli_ctx *ctx, json_t *ops)
{
    json_t *result = transact(ctx, ops);

    json_decref(result);
    return result ? 0 : 1;
}

/* A "select" of every row of 'spec' ("TABLE" or "TABLE:COL,COL..."), and
 * the table's name in '*name' (malloc'd). */
static json_t *
select_op(const char *spec, char **name)
{
    const char *colon = strchr(spec, ':');
    json_t *op;

    *name = colon ? xstrndup(spec, (size_t) (colon - spec)) : xstrdup(spec);
    op =
        json_pack("{s:s, s:s, s:[]}", "op", "select", "table", *name, "where");
    if (colon) {
        /* "_uuid" too: it keys the result, and without it the server would
         * merge rows that agree on the columns asked for. */
        json_t *cols = json_pack("[s]", "_uuid");
        char *list = xstrdup(colon + 1), *save = NULL;

        for (char *c = strtok_r(list, ",", &save); c;
             c = strtok_r(NULL, ",", &save)) {
            json_array_append_new(cols, json_string(c));
        }
        free(list);
        json_object_set_new(op, "columns", cols);
    }
    return op;
}

json_t *
cli_db_read(struct cli_ctx *ctx, const char *const *tables)
{
    json_t *ops = json_array(), *result, *db;
    size_t n = 0;
    char **names;

    while (tables[n]) {
        n++;
    }
    names = xcalloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(ops, select_op(tables[i], &names[i]));
    }
    result = transact(ctx, ops);
    db = result ? json_object() : NULL;
    for (size_t i = 0; result && i < n; i++) {
        json_t *rows = json_object_get(json_array_get(result, i), "rows");
        json_t *by_uuid = json_object(), *row;
        size_t j;

        json_array_foreach(rows, j, row) {
            json_t *uuid = json_array_get(json_object_get(row, "_uuid"), 1);

            if (json_is_string(uuid)) {
                json_object_set(by_uuid, json_string_value(uuid), row);
            }
        }
        json_object_set_new(db, names[i], by_uuid);
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    json_decref(result);
    return db;
}

json_t *
cli_rows(const json_t *db, const char *table)
{
    return json_object_get(db, table);
}

json_t *
cli_deref(const json_t *db, const char *table, const json_t *ref)
{
    const char *uuid = json_string_value(json_array_get(ref, 1));

    return uuid ? json_object_get(cli_rows(db, table), uuid) : NULL;
}

/* True if 'datum' is [TAG, ...]. */
static bool
is_tagged(const json_t *datum, const char *tag)
{
    return json_is_array(datum) && json_array_size(datum) == 2
           && json_is_string(json_array_get(datum, 0))
           && !strcmp(json_string_value(json_array_get(datum, 0)), tag);
}

size_t
cli_set_size(const json_t *datum)
{
    if (!datum) {
        return 0;
    }
    return is_tagged(datum, "set") ? json_array_size(json_array_get(datum, 1))
                                   : 1;
}

json_t *
cli_set_at(const json_t *datum, size_t i)
{
    return is_tagged(datum, "set")
               ? json_array_get(json_array_get(datum, 1), i)
               : (json_t *) datum;
}

size_t
cli_map_size(const json_t *datum)
{
    return is_tagged(datum, "map") ? json_array_size(json_array_get(datum, 1))
                                   : 0;
}

void
cli_map_at(const json_t *datum, size_t i, json_t **key, json_t **value)
{
    json_t *pair = json_array_get(json_array_get(datum, 1), i);

    *key = json_array_get(pair, 0);
    *value = json_array_get(pair, 1);
}

json_t *
cli_map_get(const json_t *datum, const char *key)
{
    for (size_t i = 0; i < cli_map_size(datum); i++) {
        json_t *k, *v;

        cli_map_at(datum, i, &k, &v);
        if (json_is_string(k) && !strcmp(json_string_value(k), key)) {
            return v;
        }
    }
    return NULL;
}

const char *
cli_str(const json_t *row, const char *column)
{
    return json_string_value(json_object_get(row, column));
}

json_t *
cli_set_to_array(const json_t *datum)
{
    json_t *array = json_array();

    for (size_t i = 0; i < cli_set_size(datum); i++) {
        json_array_append(array, cli_set_at(datum, i));
    }
    return array;
}

json_t *
cli_opt_int(const json_t *row, const char *column)
{
    const json_t *datum = json_object_get(row, column);
    json_t *v = cli_set_size(datum) ? cli_set_at(datum, 0) : NULL;

    return json_is_integer(v) ? json_incref(v) : NULL;
}
