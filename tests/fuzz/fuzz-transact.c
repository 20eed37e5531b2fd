/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzing of "transact" on a small database, hardware_vtep or one of OVS's
 * test schemas, which the input's first byte picks (the input and the
 * databases: tests/fuzz/fuzz-db.h).
 *
 * After the transaction, the database must still be consistent: running
 * the same transaction again must not crash, and a snapshot of the
 * database must load into an empty one and give the same snapshot back. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"
#include "lib/util.h"
#include "lib/uuid.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz-db.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/file.h"
#include "vtepd/ovsdb/schema.h"

/* A snapshot of 'db' must load into an empty database and give the same
 * snapshot back. */
static void
check_snapshot(const struct ovsdb_db *db, enum fuzz_db which)
{
    json_t *snapshot = ovsdb_file_snapshot_to_json(db, NULL, 0);
    struct ovsdb_db *copy = fuzz_db_create(which);
    struct ovsdb_error *error;
    json_t *again;

    error = ovsdb_file_apply_record(copy, snapshot);
    if (error) {
        json_t *json = ovsdb_error_to_json(error);
        char *s = ovsdb_json_to_string(json);

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
    struct ovsdb_exec_ctx ctx;
    enum fuzz_db which;
    struct ovsdb_db *db;
    json_t *params;

    if (!size) {
        return 0;
    }
    params = json_loadb((const char *) data + 1, size - 1, 0, NULL);
    if (!params) {
        return 0;
    }
    fuzz_exec_ctx_init(&ctx, data[0]);
    which = fuzz_db_pick(data[0]);
    db = fuzz_db_create_populated(which);
    for (int i = 0; i < 2; i++) {
        long long timeout = 0;
        json_t *result = ovsdb_execute(db, params, &ctx, &timeout);

        ASSERT(result || ctx.may_block);
        ASSERT(!result || json_is_array(result) || json_is_object(result));
        json_decref(result);
    }
    check_snapshot(db, which);
    ovsdb_db_destroy(db);
    json_decref(params);
    return 0;
}
