/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers for the reconciler's unit tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/asic/asic.h"
#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "tests/unit/vtep-fixture.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/vtep/vtep.h"

void
vfx_start(struct vfx *f)
{
    struct vtep_config config = {
        .switch_name = "sw0",
        .tunnel_ip = "10.0.0.1",
        .management_ip = "192.168.0.1",
        .description = "test switch",
        .batch = f->batch,
    };

    assert_int_equal(vtep_create(f->db, f->hal, &config, &f->vtep), 0);
}

void
vfx_setup_hal(struct vfx *f, struct hal *hal)
{
    json_t *json = json_loads(vtep_schema_text(), 0, NULL);
    struct ovsdb_schema *schema;

    assert_null(ovsdb_schema_from_json(json, &schema));
    json_decref(json);
    f->db = ovsdb_db_create(schema);
    f->hal = hal;
    f->now = 1000;
    vfx_start(f);
}

void
vfx_setup(struct vfx *f, bool warm)
{
    struct hal *hal;

    f->mock = mock_hal_open(&hal, warm);
    vfx_setup_hal(f, hal);
}

void
vfx_stop(struct vfx *f)
{
    vtep_destroy(f->vtep);
    f->vtep = NULL;
}

void
vfx_teardown(struct vfx *f)
{
    vfx_stop(f);
    hal_close(f->hal);
    ovsdb_db_destroy(f->db);
}

int
vfx_cmocka_setup(void **state)
{
    struct vfx *f = xzalloc(sizeof *f);

    vfx_setup(f, false);
    vfx_run(f);
    free(vfx_log(f));
    *state = f;
    return 0;
}

int
vfx_cmocka_teardown(void **state)
{
    struct vfx *f = *state;

    vfx_teardown(f);
    free(f);
    return 0;
}

struct hal *
vfx_open_asic(const char *state_file)
{
    struct hal_config config = { .platform = "lab", .state_file = state_file };
    struct hal *hal;

    hal_unregister_all();
    assert_int_equal(hal_register_provider(&hal_asic_provider), 0);
    assert_int_equal(hal_open("asic", &config, &hal), 0);
    return hal;
}

json_t *
vfx_transact_result(struct vfx *f, const char *ops_json)
{
    struct ovsdb_exec_ctx ctx = { .may_block = false };
    json_error_t error;
    json_t *ops = json_loads(ops_json, 0, &error), *params, *result;
    long long timeout;

    if (!ops) {
        fail_msg("bad test JSON (%s): %s", error.text, ops_json);
    }
    params = json_pack("[s]", "hardware_vtep");
    json_array_extend(params, ops);
    json_decref(ops);
    result = ovsdb_execute(f->db, params, &ctx, &timeout);
    json_decref(params);
    assert_non_null(result);
    return result;
}

void
vfx_transact(struct vfx *f, const char *format, ...)
{
    json_t *result, *elem;
    va_list args;
    char *ops;
    size_t i;

    va_start(args, format);
    ops = xvasprintf(format, args);
    va_end(args);
    result = vfx_transact_result(f, ops);
    json_array_foreach(result, i, elem) {
        if (json_is_object(elem) && json_object_get(elem, "error")) {
            char *s = json_dumps(result, JSON_COMPACT);

            fail_msg("transaction %s failed: %s", ops, s);
        }
    }
    json_decref(result);
    free(ops);
}

void
vfx_run_once(struct vfx *f)
{
    vtep_run(f->vtep, f->now);
    f->now++;
}

int
vfx_run(struct vfx *f)
{
    int n = 0;

    do {
        vfx_run_once(f);
        assert_true(++n < 10000);
    } while (vtep_next_wake(f->vtep) < f->now);
    return n;
}

char *
vfx_log(struct vfx *f)
{
    return mock_hal_take_log(f->mock);
}

void
vfx_assert_log(struct vfx *f, const char *expected)
{
    char *log = vfx_log(f);

    assert_string_equal(log, expected);
    free(log);
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

char *
vfx_query(struct vfx *f, const char *table, const char *column,
          const char *where)
{
    char *ops = xasprintf("[{\"op\": \"select\", \"table\": \"%s\", "
                          "\"where\": %s, \"columns\": [\"%s\"]}]",
                          table, where, column);
    json_t *result = vfx_transact_result(f, ops);
    json_t *rows = json_object_get(json_array_get(result, 0), "rows");
    size_t n = json_array_size(rows), i;
    char **values = xcalloc(n + 1, sizeof *values);
    struct ds out = DS_EMPTY_INITIALIZER;
    char *text;

    assert_non_null(rows);
    for (i = 0; i < n; i++) {
        values[i] =
            json_dumps(json_object_get(json_array_get(rows, i), column),
                       JSON_COMPACT | JSON_ENCODE_ANY);
    }
    qsort(values, n, sizeof *values, compare_strings);
    for (i = 0; i < n; i++) {
        ds_put_format(&out, "%s%s", i ? " " : "", values[i]);
        free(values[i]);
    }
    free(values);
    free(ops);
    json_decref(result);
    text = xstrdup(ds_cstr(&out));
    ds_destroy(&out);
    return text;
}

void
vfx_assert_query(struct vfx *f, const char *table, const char *column,
                 const char *where, const char *expected)
{
    char *s = vfx_query(f, table, column, where);

    assert_string_equal(s, expected);
    free(s);
}

size_t
vfx_count(struct vfx *f, const char *table)
{
    return ovsdb_table_count(ovsdb_db_find_table(f->db, table));
}

char *
vfx_ls_uuid(struct vfx *f, const char *name)
{
    char *where = xasprintf("[[\"name\", \"==\", \"%s\"]]", name);
    char *uuid = vfx_query(f, "Logical_Switch", "_uuid", where);

    free(where);
    assert_true(str_starts_with(uuid, "[\"uuid\""));
    return uuid;
}

void
vfx_add_ls(struct vfx *f, const char *name, int key)
{
    vfx_transact(f,
                 "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                 "\"row\": {\"name\": \"%s\", \"tunnel_key\": %d}}]",
                 name, key);
}

char *
vfx_locator(struct vfx *f, const char *ip, const char *name, char **ops)
{
    char *where = xasprintf("[[\"dst_ip\", \"==\", \"%s\"]]", ip);
    char *uuid = vfx_query(f, "Physical_Locator", "_uuid", where);

    free(where);
    if (!uuid[0]) {
        char *next = xasprintf(
            "%s{\"op\": \"insert\", \"table\": \"Physical_Locator\", "
            "\"uuid-name\": \"%s\", \"row\": {\"dst_ip\": \"%s\", "
            "\"encapsulation_type\": \"vxlan_over_ipv4\"}}, ",
            *ops, name, ip);

        free(*ops);
        *ops = next;
        free(uuid);
        uuid = xasprintf("[\"named-uuid\", \"%s\"]", name);
    }
    return uuid;
}

void
vfx_del_umr(struct vfx *f, const char *mac)
{
    vfx_transact(f,
                 "[{\"op\": \"delete\", \"table\": \"Ucast_Macs_Remote\", "
                 "\"where\": [[\"MAC\", \"==\", \"%s\"]]}]",
                 mac);
}
