/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/memtrim: the heap is trimmed once a burst of at
 * least 1,000 changed rows has been followed by a quiet second, and not
 * after small changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/ds.h"
#include "lib/util.h"
#include "vtepd/memtrim.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"

static const char schema_text[] =
    "{\"name\":\"t\",\"tables\":{\"T\":{\"columns\":{"
    "\"name\":{\"type\":\"string\"}}}}}";

/* Inserts 'n' rows into T in one transaction. */
static void
insert(struct ovsdb_db *db, int n)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    json_t *params, *reply;
    long long timeout;

    ds_put_cstr(&s, "[\"t\"");
    for (int i = 0; i < n; i++) {
        ds_put_format(&s,
                      ",{\"op\":\"insert\",\"table\":\"T\","
                      "\"row\":{\"name\":\"row %d\"}}",
                      i);
    }
    ds_put_char(&s, ']');
    params = json_loads(ds_cstr(&s), 0, NULL);
    assert_non_null(params);
    reply = ovsdb_execute(db, params, NULL, &timeout);
    assert_null(json_object_get(json_array_get(reply, 0), "error"));
    json_decref(reply);
    json_decref(params);
    ds_destroy(&s);
}

static void
test_trims_after_bursts(void **state)
{
    json_t *json = json_loads(schema_text, 0, NULL);
    struct ovsdb_schema *schema;
    struct vtepd_memtrim *t;
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    struct ovsdb_db *db;

    assert_null(ovsdb_schema_from_json(json, &schema));
    json_decref(json);
    db = ovsdb_db_create(schema);
    t = vtepd_memtrim_create(loop, db);

    /* Start-up (reading the database file) counts as a burst: the loop
     * runs until the quiet timer has fired, and then has nothing left. */
    ev_run(loop, 0);
    assert_int_equal(vtepd_memtrim_count(t), 1);

    /* Small transactions do not arm the timer... */
    insert(db, 10);
    ev_run(loop, 0);
    assert_int_equal(vtepd_memtrim_count(t), 1);

    /* ...until they add up to a burst. */
    insert(db, 995);
    ev_run(loop, 0);
    assert_int_equal(vtepd_memtrim_count(t), 2);

    vtepd_memtrim_destroy(t);
    ovsdb_db_destroy(db);
    ev_loop_destroy(loop);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trims_after_bursts),
    };

    return cmocka_run_group_tests_name("vtepd/memtrim", tests, NULL, NULL);
}
