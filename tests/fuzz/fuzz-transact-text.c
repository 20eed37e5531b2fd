/* SPDX-License-Identifier: Apache-2.0 */
/* Differential fuzzing of "transact" executed from text (the server's fast
 * path: params kept as text, inserts parsed straight into rows) against
 * the general path (params decoded into a tree).
 *
 * The input and the databases are fuzz-transact's (tests/fuzz/fuzz-db.h).
 * If the text is JSON the fast path takes, both paths
 * run on identical databases with the same UUID seed, and must give the
 * same result text, the same database, and leave the UUID generator in
 * the same state. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "lib/uuid.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz-db.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/file.h"
#include "vtepd/ovsdb/schema.h"

/* Runs the transaction on a fresh database 'which', from text if 'text' is
 * nonnull, else from the tree 'params'.  Returns the database; '*out'
 * receives the result text ("blocked" if the transaction blocked),
 * '*timeout' its timeout and '*next' the UUID the generator gives next. */
static struct ovsdb_db *
run(enum fuzz_db which, const struct json_text_array *text,
    const json_t *params, const struct ovsdb_exec_ctx *ctx, struct ds *out,
    long long *timeout, struct uuid *next)
{
    struct ovsdb_db *db = fuzz_db_create_populated(which);

    uuid_set_seed(FUZZ_UUID_SEED + 1);
    if (text) {
        if (!ovsdb_execute_text(db, NULL, text, ctx, timeout, out)) {
            ds_put_cstr(out, "blocked");
        }
    } else {
        json_t *result = ovsdb_execute(db, params, ctx, timeout);

        if (result) {
            json_text_encode(result, out);
        } else {
            ds_put_cstr(out, "blocked");
        }
        json_decref(result);
    }
    uuid_generate(next);
    return db;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ovsdb_exec_ctx ctx;
    struct json_text_array *text;
    struct ds out_text, out_tree;
    long long timeout_text, timeout_tree;
    struct uuid next_text, next_tree;
    struct ovsdb_db *db_text, *db_tree;
    json_t *params, *snap_text, *snap_tree;

    if (!size) {
        return 0;
    }
    fuzz_exec_ctx_init(&ctx, data[0]);

    /* The params as the server's parser would keep them. */
    text = json_text_array_parse((const char *) data + 1, size - 1);
    if (!text) {
        return 0;
    }
    params = json_text_array_to_json(text);

    ds_init(&out_text);
    ds_init(&out_tree);
    db_text = run(fuzz_db_pick(data[0]), text, NULL, &ctx, &out_text,
                  &timeout_text, &next_text);
    db_tree = run(fuzz_db_pick(data[0]), NULL, params, &ctx, &out_tree,
                  &timeout_tree, &next_tree);
    if (strcmp(ds_cstr(&out_text), ds_cstr(&out_tree))) {
        xabort("results differ:\ntext: %s\ntree: %s", ds_cstr(&out_text),
               ds_cstr(&out_tree));
    }
    ASSERT(timeout_text == timeout_tree);
    ASSERT(uuid_equals(&next_text, &next_tree));
    snap_text = ovsdb_file_snapshot_to_json(db_text, NULL, 0);
    snap_tree = ovsdb_file_snapshot_to_json(db_tree, NULL, 0);
    ASSERT(json_equal(snap_text, snap_tree));

    json_decref(snap_text);
    json_decref(snap_tree);
    ovsdb_db_destroy(db_text);
    ovsdb_db_destroy(db_tree);
    ds_destroy(&out_text);
    ds_destroy(&out_tree);
    json_decref(params);
    json_text_array_unref(text);
    return 0;
}
