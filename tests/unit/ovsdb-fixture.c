/* SPDX-License-Identifier: Apache-2.0 */
/* A one-table schema for the engine's unit tests, and rows from JSON. */
#include "tests/unit/ovsdb-fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/util.h"
#include "lib/uuid.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"

struct ovsdb_fixture *
ovsdb_fixture_create(const char *schema_text)
{
    struct ovsdb_fixture *f = xzalloc(sizeof *f);
    json_t *json = json_loads(schema_text, 0, NULL);

    assert_non_null(json);
    assert_null(ovsdb_schema_from_json(json, &f->schema));
    json_decref(json);
    f->ts = ovsdb_schema_find_table(f->schema, "T");
    assert_non_null(f->ts);
    return f;
}

void
ovsdb_fixture_destroy(struct ovsdb_fixture *f)
{
    if (f) {
        ovsdb_schema_destroy(f->schema);
        free(f);
    }
}

struct ovsdb_row *
ovsdb_fixture_row(const struct ovsdb_table_schema *ts, const char *text)
{
    struct ovsdb_row *row = ovsdb_row_create(ts);
    json_t *json = json_loads(text, 0, NULL), *value;
    const char *name;

    assert_non_null(json);
    json_object_foreach(json, name, value) {
        const struct ovsdb_column *column;
        struct ovsdb_datum datum;

        if (!strcmp(name, "_uuid")) {
            assert_true(
                uuid_from_string(&row->uuid, json_string_value(value)));
            continue;
        }
        column = ovsdb_table_schema_find_column(ts, name);
        assert_non_null(column);
        assert_null(ovsdb_datum_from_json(&datum, &column->type, value, NULL));
        ovsdb_row_set(row, column, &datum);
    }
    json_decref(json);
    return row;
}
