/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzing of schema parsing: any JSON value goes to
 * ovsdb_schema_from_json().  A schema it accepts must survive the trip
 * through ovsdb_schema_to_json() unchanged, and a database must be
 * creatable from it. */
#include <jansson.h>
#include <stdlib.h>

#include "lib/util.h"
#include "tests/fuzz/fuzz.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/schema.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ovsdb_schema *schema, *again;
    struct ovsdb_error *error;
    json_t *json, *out, *out_again;

    json = json_loadb((const char *) data, size, JSON_DECODE_ANY, NULL);
    if (!json) {
        return 0;
    }
    error = ovsdb_schema_from_json(json, &schema);
    json_decref(json);
    if (error) {
        ASSERT(!schema);
        json_decref(ovsdb_error_to_json(error));
        ovsdb_error_destroy(error);
        return 0;
    }

    out = ovsdb_schema_to_json(schema);
    error = ovsdb_schema_from_json(out, &again);
    ASSERT(!error);
    out_again = ovsdb_schema_to_json(again);
    ASSERT(json_equal(out, out_again));
    json_decref(out_again);
    json_decref(out);
    ovsdb_schema_destroy(again);

    ovsdb_db_destroy(ovsdb_db_create(schema));
    return 0;
}
