/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzing of a schema together with transactions against it.
 *
 * The input is JSON values one after another: a schema, then the params
 * of up to MAX_TXNS transactions.  If ovsdb_schema_from_json() accepts the
 * schema, a database is made from it and the transactions run in turn, as
 * a peer's would (no "wait" blocks, no lock is owned).  Afterwards the
 * database must still be consistent: its snapshot must load into an empty
 * database of the same schema and give the same snapshot back.  This
 * reaches what fuzz-transact's fixed schemas cannot: column types, limits
 * and references that only a strange schema has. */
#include <jansson.h>
#include <stdlib.h>

#include "lib/util.h"
#include "lib/uuid.h"
#include "lib/vlog.h"
#include "tests/fuzz/fuzz.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/file.h"
#include "vtepd/ovsdb/schema.h"

#define MAX_TXNS 8

/* Parses the JSON value that starts at data[*ofs], skipping what precedes
 * it, and advances '*ofs' past it.  Returns a new reference, or NULL at
 * the end of the input or if the text is not JSON. */
static json_t *
next_value(const uint8_t *data, size_t size, size_t *ofs)
{
    json_error_t error;
    json_t *json;

    if (*ofs >= size) {
        return NULL;
    }
    json = json_loadb((const char *) data + *ofs, size - *ofs,
                      JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &error);
    if (json) {
        *ofs += (size_t) error.position;
    }
    return json;
}

/* A database of 'schema_json' (which must parse). */
static struct ovsdb_db *
create_db(const json_t *schema_json)
{
    struct ovsdb_schema *schema;

    ASSERT(!ovsdb_schema_from_json(schema_json, &schema));
    return ovsdb_db_create(schema);
}

/* A snapshot of 'db' must load into an empty database of 'schema_json'
 * and give the same snapshot back. */
static void
check_snapshot(const struct ovsdb_db *db, const json_t *schema_json)
{
    json_t *snapshot = ovsdb_file_snapshot_to_json(db, NULL, 0);
    struct ovsdb_db *copy = create_db(schema_json);
    struct ovsdb_error *error = ovsdb_file_apply_record(copy, snapshot);
    json_t *again;

    if (error) {
        char *s = ovsdb_json_to_string(ovsdb_error_to_json(error));

        xabort("snapshot does not load: %s", s);
    }
    again = ovsdb_file_snapshot_to_json(copy, NULL, 0);
    ASSERT(json_equal(snapshot, again));
    json_decref(again);
    json_decref(snapshot);
    ovsdb_db_destroy(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct ovsdb_exec_ctx ctx = { .may_block = false };
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;
    struct ovsdb_db *db;
    json_t *schema_json;
    size_t ofs = 0;

    vlog_set_level(VLD_CONSOLE, VLL_OFF);
    schema_json = next_value(data, size, &ofs);
    if (!schema_json) {
        return 0;
    }
    error = ovsdb_schema_from_json(schema_json, &schema);
    if (error) {
        json_decref(ovsdb_error_to_json(error));
        ovsdb_error_destroy(error);
        json_decref(schema_json);
        return 0;
    }
    db = ovsdb_db_create(schema);
    uuid_set_seed(1);
    for (int i = 0; i < MAX_TXNS; i++) {
        json_t *params = next_value(data, size, &ofs);
        long long timeout = 0;
        json_t *result;

        if (!params) {
            break;
        }
        result = ovsdb_execute(db, params, &ctx, &timeout);
        ASSERT(result && (json_is_array(result) || json_is_object(result)));
        json_decref(result);
        json_decref(params);
    }
    check_snapshot(db, schema_json);
    ovsdb_db_destroy(db);
    json_decref(schema_json);
    return 0;
}
