/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB monitor requests and the updates they receive. */
#include "vtepd/ovsdb/monitor.h"

#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/util.h"
#include "lib/uuid.h"
#include "vtepd/ovsdb/condition.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/parser.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

struct mon_column {
    const struct ovsdb_column *column;
    unsigned int select; /* OVSDB_MONITOR_*. */
};

/* One monitored table. */
struct mon_table {
    const struct ovsdb_table_schema *ts;
    struct mon_column *columns; /* Sorted by column index. */
    size_t n_columns;
    unsigned int select; /* Union of the columns' selections. */
    struct ovsdb_condition cond;
    char *where; /* Canonical text of the condition, or NULL for none. */
};

struct ovsdb_monitor_spec {
    const struct ovsdb_schema *schema;
    enum ovsdb_monitor_version version;
    struct mon_table **tables; /* Indexed like schema->tables; NULL if the
                                * table is not monitored. */
    char *key;
};

/* Parsing. */

/* Parses a <monitor-select> object into '*selectp'. */
static struct ovsdb_error *
parse_select(const json_t *json, const char *table_name, unsigned int *selectp)
{
    static const char *const names[] = { "initial", "insert", "delete",
                                         "modify" };
    struct ovsdb_parser p;

    *selectp = 0;
    ovsdb_parser_init(&p, json, "table %s select", table_name);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const json_t *value = ovsdb_parser_member(
            &p, names[i], OVSDB_P_BOOLEAN | OVSDB_P_OPTIONAL);

        if (!value || json_is_true(value)) {
            *selectp |= 1u << i;
        }
    }
    return ovsdb_parser_finish(&p);
}

static struct ovsdb_error *
add_column(struct mon_table *mt, const struct ovsdb_column *column,
           unsigned int select, const json_t *columns_json)
{
    for (size_t i = 0; i < mt->n_columns; i++) {
        if (mt->columns[i].column == column) {
            return ovsdb_syntax_error(columns_json, NULL,
                                      "column %s mentioned more than once",
                                      column->name);
        }
    }
    mt->columns =
        xrealloc(mt->columns, (mt->n_columns + 1) * sizeof *mt->columns);
    mt->columns[mt->n_columns].column = column;
    mt->columns[mt->n_columns].select = select;
    mt->n_columns++;
    mt->select |= select;
    return NULL;
}

static struct ovsdb_error *
parse_columns(struct mon_table *mt, const json_t *columns, unsigned int select)
{
    const struct ovsdb_table_schema *ts = mt->ts;
    struct ovsdb_error *error = NULL;
    size_t i;
    json_t *name;

    if (!columns) {
        /* Every column but _uuid, _version included, as ovsdb-server. */
        for (i = 0; i < ts->n_columns && !error; i++) {
            if (i != OVSDB_COL_UUID) {
                error = add_column(mt, ts->columns[i], select, NULL);
            }
        }
        return error;
    }
    json_array_foreach(columns, i, name) {
        const struct ovsdb_column *column;

        if (!json_is_string(name)) {
            return ovsdb_syntax_error(columns, NULL,
                                      "array of column names expected");
        }
        column = ovsdb_table_schema_find_column(ts, json_string_value(name));
        if (!column) {
            return ovsdb_syntax_error(columns, NULL,
                                      "%s is not a valid column name",
                                      json_string_value(name));
        }
        error = add_column(mt, column, select, columns);
        if (error) {
            return error;
        }
    }
    return NULL;
}

static struct ovsdb_error *
set_condition(struct mon_table *mt, const json_t *where)
{
    struct ovsdb_condition cond;
    struct ovsdb_error *error;

    error = ovsdb_condition_from_json(&cond, mt->ts, where, NULL);
    if (error) {
        return error;
    }
    ovsdb_condition_destroy(&mt->cond);
    free(mt->where);
    mt->cond = cond;
    mt->where = ovsdb_json_to_string(where);
    return NULL;
}

/* Parses one <monitor-request> for 'mt'. */
static struct ovsdb_error *
parse_request(struct mon_table *mt, enum ovsdb_monitor_version version,
              const json_t *request)
{
    const json_t *where = NULL, *columns, *select_json;
    unsigned int select = OVSDB_MONITOR_ALL;
    struct ovsdb_error *error;
    struct ovsdb_parser p;

    ovsdb_parser_init(&p, request, "table %s", mt->ts->name);
    if (version != OVSDB_MONITOR_V1) {
        where =
            ovsdb_parser_member(&p, "where", OVSDB_P_ARRAY | OVSDB_P_OPTIONAL);
    }
    columns =
        ovsdb_parser_member(&p, "columns", OVSDB_P_ARRAY | OVSDB_P_OPTIONAL);
    select_json =
        ovsdb_parser_member(&p, "select", OVSDB_P_OBJECT | OVSDB_P_OPTIONAL);
    error = ovsdb_parser_finish(&p);
    if (!error && select_json) {
        error = parse_select(select_json, mt->ts->name, &select);
    }
    if (!error) {
        /* The table wants these changes even with no columns at all (the
         * IDL monitors Global that way, to learn its rows' UUIDs). */
        mt->select |= select;
        error = parse_columns(mt, columns, select);
    }
    if (!error && where) {
        error = set_condition(mt, where);
    }
    return error;
}

static void
mon_table_destroy(struct mon_table *mt)
{
    if (mt) {
        free(mt->columns);
        ovsdb_condition_destroy(&mt->cond);
        free(mt->where);
        free(mt);
    }
}

static int
compare_columns(const void *a_, const void *b_)
{
    const struct mon_column *a = a_, *b = b_;

    return a->column->index < b->column->index
               ? -1
               : a->column->index > b->column->index;
}

static struct ovsdb_monitor_spec *
spec_alloc(const struct ovsdb_schema *schema,
           enum ovsdb_monitor_version version)
{
    struct ovsdb_monitor_spec *spec = xzalloc(sizeof *spec);

    spec->schema = schema;
    spec->version = version;
    spec->tables =
        xcalloc(schema->n_tables ? schema->n_tables : 1, sizeof *spec->tables);
    return spec;
}

/* Sorts the columns and computes the key. */
static void
spec_finish(struct ovsdb_monitor_spec *spec)
{
    struct ds key = DS_EMPTY_INITIALIZER;

    ds_put_format(&key, "v%d", (int) spec->version + 1);
    for (unsigned int i = 0; i < spec->schema->n_tables; i++) {
        struct mon_table *mt = spec->tables[i];

        if (!mt) {
            continue;
        }
        if (mt->n_columns) { /* qsort() of NULL is undefined, even empty. */
            qsort(mt->columns, mt->n_columns, sizeof *mt->columns,
                  compare_columns);
        }
        ds_put_format(&key, "|%s:", mt->ts->name);
        for (size_t j = 0; j < mt->n_columns; j++) {
            ds_put_format(&key, "%u/%u,", mt->columns[j].column->index,
                          mt->columns[j].select);
        }
        if (mt->where) {
            ds_put_format(&key, "where=%s", mt->where);
        }
    }
    free(spec->key);
    spec->key = ds_steal_cstr(&key);
}

struct ovsdb_error *
ovsdb_monitor_spec_parse(const struct ovsdb_schema *schema,
                         enum ovsdb_monitor_version version,
                         const json_t *requests,
                         struct ovsdb_monitor_spec **specp)
{
    struct ovsdb_monitor_spec *spec;
    struct ovsdb_error *error = NULL;
    const char *name;
    json_t *value;

    *specp = NULL;
    if (!json_is_object(requests)) {
        return ovsdb_syntax_error(requests, NULL,
                                  "monitor-requests must be object");
    }
    spec = spec_alloc(schema, version);
    json_object_foreach((json_t *) requests, name, value) {
        const struct ovsdb_table_schema *ts;
        struct mon_table *mt;

        ts = ovsdb_schema_find_table(schema, name);
        if (!ts) {
            error = ovsdb_syntax_error(NULL, NULL, "no table named %s", name);
            break;
        }
        mt = spec->tables[ts->index];
        if (!mt) {
            mt = spec->tables[ts->index] = xzalloc(sizeof *mt);
            mt->ts = ts;
        }
        if (json_is_array(value)) {
            size_t i;
            json_t *request;

            json_array_foreach(value, i, request) {
                error = parse_request(mt, version, request);
                if (error) {
                    break;
                }
            }
        } else {
            error = parse_request(mt, version, value);
        }
        if (error) {
            break;
        }
    }
    if (error) {
        ovsdb_monitor_spec_destroy(spec);
        return error;
    }
    spec_finish(spec);
    *specp = spec;
    return NULL;
}

static struct mon_table *
mon_table_clone(const struct mon_table *old)
{
    struct mon_table *mt = xzalloc(sizeof *mt);

    mt->ts = old->ts;
    mt->columns = xmemdup(old->columns, old->n_columns * sizeof *old->columns);
    mt->n_columns = old->n_columns;
    mt->select = old->select;
    if (old->where) {
        json_t *where = json_loads(old->where, 0, NULL);
        struct ovsdb_error *error = set_condition(mt, where);

        /* The text came from a condition that parsed against this very
         * table, so it parses again. */
        ASSERT(!error);
        json_decref(where);
    }
    return mt;
}

/* Parses one <monitor-cond-change-request>, which may only change the
 * condition. */
static struct ovsdb_error *
parse_change_request(struct mon_table *mt, const json_t *request)
{
    const json_t *where, *columns;
    struct ovsdb_error *error;
    struct ovsdb_parser p;

    ovsdb_parser_init(&p, request, "table %s", mt->ts->name);
    where = ovsdb_parser_member(&p, "where", OVSDB_P_ARRAY | OVSDB_P_OPTIONAL);
    columns =
        ovsdb_parser_member(&p, "columns", OVSDB_P_ARRAY | OVSDB_P_OPTIONAL);
    error = ovsdb_parser_finish(&p);
    if (!error && columns) {
        error = ovsdb_syntax_error(request, NULL,
                                   "changing columns is unsupported");
    }
    if (!error && where) {
        error = set_condition(mt, where);
    }
    return error;
}

struct ovsdb_error *
ovsdb_monitor_spec_change(const struct ovsdb_monitor_spec *old,
                          const json_t *changes,
                          struct ovsdb_monitor_spec **specp)
{
    struct ovsdb_monitor_spec *spec;
    struct ovsdb_error *error = NULL;
    const char *name;
    json_t *value;

    *specp = NULL;
    if (!json_is_object(changes)) {
        return ovsdb_syntax_error(
            NULL, NULL, "monitor-cond-change-requests must be object");
    }
    spec = spec_alloc(old->schema, old->version);
    for (unsigned int i = 0; i < old->schema->n_tables; i++) {
        if (old->tables[i]) {
            spec->tables[i] = mon_table_clone(old->tables[i]);
        }
    }
    json_object_foreach((json_t *) changes, name, value) {
        const struct ovsdb_table_schema *ts;
        size_t i;
        json_t *request;

        ts = ovsdb_schema_find_table(old->schema, name);
        if (!ts) {
            error = ovsdb_syntax_error(NULL, NULL, "no table named %s", name);
        } else if (!spec->tables[ts->index]) {
            error = ovsdb_syntax_error(
                NULL, NULL, "no table named %s in monitor session", name);
        } else if (!json_is_array(value)) {
            error = ovsdb_syntax_error(
                NULL, NULL, "table %s no monitor-cond-change JSON array",
                name);
        } else {
            json_array_foreach(value, i, request) {
                error = parse_change_request(spec->tables[ts->index], request);
                if (error) {
                    break;
                }
            }
        }
        if (error) {
            ovsdb_monitor_spec_destroy(spec);
            return error;
        }
    }
    spec_finish(spec);
    *specp = spec;
    return NULL;
}

void
ovsdb_monitor_spec_destroy(struct ovsdb_monitor_spec *spec)
{
    if (spec) {
        for (unsigned int i = 0; i < spec->schema->n_tables; i++) {
            mon_table_destroy(spec->tables[i]);
        }
        free(spec->tables);
        free(spec->key);
        free(spec);
    }
}

enum ovsdb_monitor_version
ovsdb_monitor_spec_version(const struct ovsdb_monitor_spec *spec)
{
    return spec->version;
}

const char *
ovsdb_monitor_spec_key(const struct ovsdb_monitor_spec *spec)
{
    return spec->key;
}

/* Composing updates. */

/* True if 'column' of 'row' holds the value an insert gives it by default
 * (update2 leaves such columns out of "initial" and "insert"). */
static bool
is_default(const struct ovsdb_row *row, const struct ovsdb_column *column)
{
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum value, def;
    bool result;

    ovsdb_row_get(row, column, &value);
    if (type->n_min == 0) {
        return value.n == 0;
    }
    ovsdb_datum_init_default(&def, type);
    result = ovsdb_datum_equals(&value, &def, type);
    ovsdb_datum_destroy(&def, type);
    return result;
}

/* The update2 "modify" value of a column: for a column that holds at most
 * one value, the new value; for sets and maps, the elements that were
 * removed, added or (in maps) given a new value. */
static json_t *
column_diff_to_json(const struct ovsdb_row *old, const struct ovsdb_row *new,
                    const struct ovsdb_column *column)
{
    const struct ovsdb_type *type = &column->type;
    bool is_map = ovsdb_type_is_map(type);
    struct ovsdb_datum a, b, diff;
    unsigned int i = 0, j = 0;
    json_t *json;

    if (type->n_max == 1) {
        return ovsdb_row_column_to_json(new, column);
    }
    ovsdb_row_get(old, column, &a);
    ovsdb_row_get(new, column, &b);

    /* 'diff' borrows the atoms of 'a' and 'b': only its arrays are ours. */
    diff.n = 0;
    diff.keys = xmalloc((a.n + b.n + 1) * sizeof *diff.keys);
    diff.values =
        is_map ? xmalloc((a.n + b.n + 1) * sizeof *diff.values) : NULL;
    while (i < a.n || j < b.n) {
        int cmp = i >= a.n   ? 1
                  : j >= b.n ? -1
                             : ovsdb_atom_compare(&a.keys[i], &b.keys[j],
                                                  type->key.type);
        const struct ovsdb_datum *src = cmp < 0 ? &a : &b;
        unsigned int idx = cmp < 0 ? i : j;

        if (!cmp
            && (!is_map
                || ovsdb_atom_equals(&a.values[i], &b.values[j],
                                     type->value.type))) {
            i++, j++;
            continue;
        }
        diff.keys[diff.n] = src->keys[idx];
        if (is_map) {
            diff.values[diff.n] = src->values[idx];
        }
        diff.n++;
        if (cmp <= 0) {
            i++;
        }
        if (cmp >= 0) {
            j++;
        }
    }
    json = ovsdb_datum_to_json(&diff, type);
    free(diff.keys);
    free(diff.values);
    return json;
}

/* True if 'change' modified the column at 'index' (the _version of a
 * modified row always changes). */
static bool
column_changed(const struct ovsdb_row_change *change, unsigned int index)
{
    return index == OVSDB_COL_VERSION
           || ovsdb_row_change_column_changed(change, index);
}

static json_t *
columns_to_json(const struct mon_table *mt, const struct ovsdb_row *row,
                unsigned int type, bool skip_defaults)
{
    json_t *object = json_object();

    for (size_t i = 0; i < mt->n_columns; i++) {
        const struct ovsdb_column *column = mt->columns[i].column;

        if ((mt->columns[i].select & type)
            && !(skip_defaults && is_default(row, column))) {
            json_object_set_new(object, column->name,
                                ovsdb_row_column_to_json(row, column));
        }
    }
    return object;
}

/* The V1 <row-update>: "old" and/or "new". */
static json_t *
row_update_v1(const struct mon_table *mt, unsigned int type,
              const struct ovsdb_row_change *change)
{
    json_t *update = json_object();

    if (type == OVSDB_MONITOR_MODIFY) {
        json_t *old = json_object();

        for (size_t i = 0; i < mt->n_columns; i++) {
            const struct ovsdb_column *column = mt->columns[i].column;

            if ((mt->columns[i].select & type)
                && column_changed(change, column->index)) {
                json_object_set_new(
                    old, column->name,
                    ovsdb_row_column_to_json(change->old, column));
            }
        }
        if (!json_object_size(old)) {
            json_decref(old);
            json_decref(update);
            return NULL;
        }
        json_object_set_new(update, "old", old);
    } else if (type == OVSDB_MONITOR_DELETE) {
        json_object_set_new(update, "old",
                            columns_to_json(mt, change->old, type, false));
    }
    if (type != OVSDB_MONITOR_DELETE) {
        json_object_set_new(update, "new",
                            columns_to_json(mt, change->new, type, false));
    }
    return update;
}

/* The V2 <row-update2>: "initial", "insert", "delete" or "modify". */
static json_t *
row_update_v2(const struct mon_table *mt, unsigned int type,
              const struct ovsdb_row_change *change)
{
    json_t *update = json_object();
    json_t *modify;

    switch (type) {
    case OVSDB_MONITOR_INITIAL:
    case OVSDB_MONITOR_INSERT:
        json_object_set_new(
            update, type == OVSDB_MONITOR_INITIAL ? "initial" : "insert",
            columns_to_json(mt, change->new, type, true));
        break;
    case OVSDB_MONITOR_DELETE:
        json_object_set_new(update, "delete", json_null());
        break;
    default:
        modify = json_object();
        for (size_t i = 0; i < mt->n_columns; i++) {
            const struct ovsdb_column *column = mt->columns[i].column;

            if ((mt->columns[i].select & type)
                && column_changed(change, column->index)) {
                json_object_set_new(
                    modify, column->name,
                    column_diff_to_json(change->old, change->new, column));
            }
        }
        if (!json_object_size(modify)) {
            json_decref(modify);
            json_decref(update);
            return NULL;
        }
        json_object_set_new(update, "modify", modify);
        break;
    }
    return update;
}

/* Adds 'row_update' (taken) for the row 'uuid' of 'ts' to '*updatesp',
 * creating the object on first use. */
static void
add_row_update(json_t **updatesp, const struct ovsdb_table_schema *ts,
               const struct uuid *uuid, json_t *row_update)
{
    char uuid_s[UUID_LEN + 1];
    json_t *table;

    if (!*updatesp) {
        *updatesp = json_object();
    }
    table = json_object_get(*updatesp, ts->name);
    if (!table) {
        table = json_object();
        json_object_set_new(*updatesp, ts->name, table);
    }
    uuid_to_string(uuid, uuid_s);
    json_object_set_new(table, uuid_s, row_update);
}

/* Adds to '*updatesp' what a row change of 'type' means to 'mt'. */
static void
compose_row(const struct ovsdb_monitor_spec *spec, const struct mon_table *mt,
            unsigned int type, const struct ovsdb_row_change *change,
            json_t **updatesp)
{
    const struct ovsdb_row *row = change->new ? change->new : change->old;
    json_t *update;

    if (!(mt->select & type)) {
        return;
    }
    update = spec->version == OVSDB_MONITOR_V1
                 ? row_update_v1(mt, type, change)
                 : row_update_v2(mt, type, change);
    if (update) {
        add_row_update(updatesp, mt->ts, &row->uuid, update);
    }
}

/* True if 'row' is in the client's view: a monitor's "where" selects the
 * rows that satisfy any of its clauses. */
static bool
row_matches(const struct mon_table *mt, const struct ovsdb_row *row)
{
    return row && ovsdb_condition_match_any(&mt->cond, row);
}

json_t *
ovsdb_monitor_compose_initial(const struct ovsdb_monitor_spec *spec,
                              const struct ovsdb_db *db)
{
    json_t *updates = NULL;

    for (unsigned int i = 0; i < spec->schema->n_tables; i++) {
        const struct mon_table *mt = spec->tables[i];
        const struct ovsdb_table *table;
        struct ovsdb_row *row;

        if (!mt || !(mt->select & OVSDB_MONITOR_INITIAL)) {
            continue;
        }
        table = db->tables[i];
        OVSDB_TABLE_FOR_EACH(row, table) {
            struct ovsdb_row_change change = { .table = table, .new = row };

            if (row_matches(mt, row)) {
                compose_row(spec, mt, OVSDB_MONITOR_INITIAL, &change,
                            &updates);
            }
        }
    }
    return updates;
}

json_t *
ovsdb_monitor_compose_changes(const struct ovsdb_monitor_spec *spec,
                              const struct ovsdb_row_change *changes, size_t n)
{
    json_t *updates = NULL;

    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_row_change *change = &changes[i];
        const struct mon_table *mt =
            spec->tables[change->table->schema->index];
        bool old_in, new_in;
        unsigned int type;

        if (!mt) {
            continue;
        }
        /* Conditions decide whether the row enters, stays in or leaves the
         * client's view. */
        old_in = row_matches(mt, change->old);
        new_in = row_matches(mt, change->new);
        if (old_in && new_in) {
            type = OVSDB_MONITOR_MODIFY;
        } else if (new_in) {
            type = OVSDB_MONITOR_INSERT;
        } else if (old_in) {
            type = OVSDB_MONITOR_DELETE;
        } else {
            continue;
        }
        compose_row(spec, mt, type, change, &updates);
    }
    return updates;
}

json_t *
ovsdb_monitor_compose_cond_change(const struct ovsdb_monitor_spec *old,
                                  const struct ovsdb_monitor_spec *new,
                                  const struct ovsdb_db *db)
{
    json_t *updates = NULL;

    for (unsigned int i = 0; i < new->schema->n_tables; i++) {
        const struct mon_table *mt_old = old->tables[i];
        const struct mon_table *mt_new = new->tables[i];
        const struct ovsdb_table *table = db->tables[i];
        struct ovsdb_row *row;

        if (!mt_old || !mt_new
            || !strcmp(mt_old->where ? mt_old->where : "",
                       mt_new->where ? mt_new->where : "")) {
            continue;
        }
        OVSDB_TABLE_FOR_EACH(row, table) {
            bool was_in = row_matches(mt_old, row);
            bool is_in = row_matches(mt_new, row);
            struct ovsdb_row_change change = { .table = table };

            if (was_in == is_in) {
                continue;
            }
            if (is_in) {
                change.new = row;
                compose_row(new, mt_new, OVSDB_MONITOR_INSERT, &change,
                            &updates);
            } else {
                change.old = row;
                compose_row(new, mt_new, OVSDB_MONITOR_DELETE, &change,
                            &updates);
            }
        }
    }
    return updates;
}
