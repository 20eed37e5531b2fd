/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb-transact: runs transactions through the vtepd OVSDB engine, for
 * the golden and differential tests.
 *
 *   ovsdb-transact [--lock=NAME]... SCHEMA|--builtin
 *
 * Reads one transaction ("transact" params, one JSON value per line) from
 * stdin and prints each reply as one line of compact, key-sorted JSON.  A
 * wait that would block fails with "not supported", like
 * "ovsdb-tool transact".  A line that is not JSON gets a syntax error.
 *
 * Transactions run as the server runs them: from their text
 * (ovsdb_execute_text()) when the server's parser would keep them as
 * text, else from the decoded tree. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/util.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"

#define MAX_LOCKS 16

struct locks {
    const char *names[MAX_LOCKS];
    int n;
};

static bool
lock_owned(const char *name, void *aux)
{
    const struct locks *locks = aux;

    for (int i = 0; i < locks->n; i++) {
        if (!strcmp(locks->names[i], name)) {
            return true;
        }
    }
    return false;
}

static struct ovsdb_schema *
load_schema(const char *arg)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;

    if (!strcmp(arg, "--builtin")) {
        json_t *json = json_loads(vtep_schema_text(), 0, NULL);

        error = ovsdb_schema_from_json(json, &schema);
        json_decref(json);
    } else {
        error = ovsdb_schema_from_file(arg, &schema);
    }
    if (error) {
        json_t *json = ovsdb_error_to_json(error);
        char *s = ovsdb_json_to_string(json);

        fprintf(stderr, "ovsdb-transact: %s\n", s);
        free(s);
        json_decref(json);
        ovsdb_error_destroy(error);
        exit(1);
    }
    return schema;
}

/* Runs 'line' (already known to be JSON) as the server would. */
static json_t *
execute(struct ovsdb_db *db, const struct ovsdb_exec_ctx *ctx,
        const char *line, const json_t *params)
{
    struct json_text_array *text = json_text_array_parse(line, strlen(line));
    struct ds out = DS_EMPTY_INITIALIZER;
    long long timeout;
    json_t *reply;

    if (!text) {
        return ovsdb_execute(db, params, ctx, &timeout);
    }
    reply = NULL;
    if (ovsdb_execute_text(db, NULL, text, ctx, &timeout, &out)) {
        reply = json_loadb(out.string, out.length, 0, NULL);
        ASSERT(reply);
    }
    ds_destroy(&out);
    json_text_array_unref(text);
    return reply;
}

static void
run(struct ovsdb_db *db, const struct ovsdb_exec_ctx *ctx, FILE *in)
{
    char *line = NULL;
    size_t allocated = 0;

    while (getline(&line, &allocated, in) > 0) {
        json_error_t jerror;
        json_t *params, *reply;
        char *text;

        if (line[strspn(line, " \t\r\n")] == '\0') {
            continue;
        }
        params = json_loads(line, JSON_DECODE_ANY, &jerror);
        if (!params) {
            reply = json_pack("{ss ss}", "error", "syntax error", "details",
                              jerror.text);
        } else {
            reply = execute(db, ctx, line, params);
        }
        text = ovsdb_json_to_string(reply);
        printf("%s\n", text);
        fflush(stdout);
        free(text);
        json_decref(reply);
        json_decref(params);
    }
    free(line);
}

int
main(int argc, char *argv[])
{
    struct locks locks = { .n = 0 };
    struct ovsdb_exec_ctx ctx = { .lock_owned = lock_owned, .aux = &locks };
    struct ovsdb_db *db;
    int i;

    set_program_name(argv[0]);
    for (i = 1; i < argc && str_starts_with(argv[i], "--lock="); i++) {
        if (locks.n < MAX_LOCKS) {
            locks.names[locks.n++] = argv[i] + strlen("--lock=");
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: %s [--lock=NAME]... SCHEMA|--builtin\n",
                argv[0]);
        return 2;
    }
    db = ovsdb_db_create(load_schema(argv[i]));
    run(db, &ctx, stdin);
    ovsdb_db_destroy(db);
    return 0;
}
