/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB schema parsing, validation and row layout. */
#include "vtepd/ovsdb/schema.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/parser.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/row-order.h"

static bool
is_version(const char *s)
{
    int n = 0;

    if (sscanf(s, "%*u.%*u.%*u%n", &n) != 0 || !n || s[n]) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char) *p) && *p != '.') {
            return false;
        }
    }
    return true;
}

/* Sets '*value' from the optional boolean member 'name'. */
static void
get_bool(struct ovsdb_parser *p, const char *name, bool *value)
{
    const json_t *member =
        ovsdb_parser_member(p, name, OVSDB_P_BOOLEAN | OVSDB_P_OPTIONAL);

    if (member) {
        *value = json_is_true(member);
    }
}

static struct ovsdb_column *
column_create(const char *name, unsigned int index)
{
    struct ovsdb_column *column = xzalloc(sizeof *column);

    column->name = xstrdup(name);
    column->index = index;
    column->mutable_ = true;
    column->storage = OVSDB_STORE_DATUM;
    return column;
}

static void
column_destroy(struct ovsdb_column *column)
{
    if (column) {
        ovsdb_type_destroy(&column->type);
        free(column->name);
        free(column);
    }
}

static struct ovsdb_column *
implicit_column(const char *name, unsigned int index)
{
    struct ovsdb_column *column = column_create(name, index);

    column->type.key.type = OVSDB_TYPE_UUID;
    column->type.n_min = column->type.n_max = 1;
    column->mutable_ = false;
    column->storage = OVSDB_STORE_HEADER;
    return column;
}

static struct ovsdb_error *
column_from_json(struct ovsdb_column *column, const json_t *json)
{
    static const char *const members[] = { "type", "ephemeral", "mutable" };
    struct ovsdb_error *error;
    struct ovsdb_parser p;
    const json_t *type;

    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "object expected");
    }
    ovsdb_parser_init(&p, json, NULL);
    ovsdb_parser_expect(&p, members, ARRAY_SIZE(members));
    type = ovsdb_parser_member(&p, "type", OVSDB_P_ANY);
    if (ovsdb_parser_has_error(&p)) {
        return ovsdb_parser_destroy(&p);
    }
    error = ovsdb_type_from_json(&column->type, type);
    if (error) {
        ovsdb_error_prefix(error, "type");
        ovsdb_parser_put_error(&p, error);
    }
    get_bool(&p, "ephemeral", &column->ephemeral);
    get_bool(&p, "mutable", &column->mutable_);
    return ovsdb_parser_finish(&p);
}

static int
compare_columns(const void *a_, const void *b_)
{
    const struct ovsdb_column *const *a = a_, *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

/* Sets 'ts->ovs_order' from 'ts->columns', still in the schema text's
 * order. */
static void
set_ovs_order(struct ovsdb_table_schema *ts)
{
    const char **names = xcalloc(ts->n_columns, sizeof *names);
    const char **order = xcalloc(ts->n_columns, sizeof *order);

    for (unsigned int i = 2; i < ts->n_columns; i++) {
        names[i - 2] = ts->columns[i]->name;
    }
    ovsdb_row_order_columns(names, ts->n_columns - 2, order);
    ts->ovs_order = xcalloc(ts->n_columns, sizeof *ts->ovs_order);
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        ts->ovs_order[i] = ovsdb_table_schema_find_column(ts, order[i]);
    }
    free(order);
    free(names);
}

static struct ovsdb_error *
parse_columns(struct ovsdb_table_schema *ts, const json_t *json)
{
    const char *name;
    json_t *value;

    if (!json_is_object(json) || !json_object_size(json)) {
        return ovsdb_syntax_error(json, NULL,
                                  "table must have at least one column");
    }
    ts->columns = xcalloc(json_object_size(json) + 2, sizeof *ts->columns);
    ts->columns[ts->n_columns++] = implicit_column("_uuid", OVSDB_COL_UUID);
    ts->columns[ts->n_columns++] =
        implicit_column("_version", OVSDB_COL_VERSION);
    json_object_foreach((json_t *) json, name, value) {
        struct ovsdb_column *column;
        struct ovsdb_error *error;

        if (name[0] == '_') {
            return ovsdb_syntax_error(json, NULL,
                                      "column %s: names beginning with "
                                      "\"_\" are reserved",
                                      name);
        } else if (!ovsdb_parser_is_id(name)) {
            return ovsdb_syntax_error(
                json, NULL, "column %s: name must be a valid id", name);
        }
        column = column_create(name, ts->n_columns);
        ts->columns[ts->n_columns++] = column;
        error = column_from_json(column, value);
        if (error) {
            ovsdb_error_prefix(error, "column %s", name);
            return error;
        }
    }
    set_ovs_order(ts);
    qsort(ts->columns + 2, ts->n_columns - 2, sizeof *ts->columns,
          compare_columns);
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        ts->columns[i]->index = i;
    }
    return NULL;
}

static struct ovsdb_error *
parse_index(struct ovsdb_table_schema *ts, struct ovsdb_index *index,
            const json_t *json)
{
    if (!json_is_array(json) || !json_array_size(json)) {
        return ovsdb_syntax_error(json, NULL,
                                  "index must be a non-empty array of "
                                  "column names");
    }
    index->columns = xcalloc(json_array_size(json), sizeof *index->columns);
    for (size_t i = 0; i < json_array_size(json); i++) {
        const char *name = json_string_value(json_array_get(json, i));
        const struct ovsdb_column *column;

        column = name ? ovsdb_table_schema_find_column(ts, name) : NULL;
        if (!column) {
            return ovsdb_syntax_error(json, NULL,
                                      "index: %s is not a column name",
                                      name ? name : "<non-string>");
        } else if (column->ephemeral) {
            return ovsdb_syntax_error(json, NULL,
                                      "ephemeral columns (such as %s) may "
                                      "not be indexed",
                                      name);
        }
        index->columns[index->n_columns++] = column;
    }
    return NULL;
}

/* Parses the optional "indexes" array 'json'. */
static struct ovsdb_error *
parse_indexes(struct ovsdb_table_schema *ts, const json_t *json)
{
    if (!json) {
        return NULL;
    } else if (!json_is_array(json)) {
        return ovsdb_syntax_error(json, NULL,
                                  "Type mismatch for member 'indexes'.");
    }
    ts->indexes = xcalloc(json_array_size(json) + 1, sizeof *ts->indexes);
    for (size_t i = 0; i < json_array_size(json); i++) {
        struct ovsdb_error *error;

        error = parse_index(ts, &ts->indexes[ts->n_indexes++],
                            json_array_get(json, i));
        if (error) {
            return error;
        }
    }
    return NULL;
}

/* Parses the optional "maxRows" member 'max' of table 'json'. */
static struct ovsdb_error *
parse_max_rows(struct ovsdb_table_schema *ts, const json_t *json,
               const json_t *max)
{
    ts->max_rows = UINT_MAX;
    if (max) {
        if (!json_is_integer(max) || json_integer_value(max) < 1
            || json_integer_value(max) > UINT_MAX) {
            return ovsdb_syntax_error(json, NULL,
                                      "maxRows must be at least 1");
        }
        ts->max_rows = (unsigned int) json_integer_value(max);
    }
    return NULL;
}

/* Assigns every column an offset in the row's value area: the 8-byte
 * atoms first, then the 16-byte ones and the datums, so that every 8-byte
 * atom is followed by at least 8 more bytes of the row (see
 * ovsdb_column_atom_size()). */
static void
layout_row(struct ovsdb_table_schema *ts)
{
    size_t offset = 0;
    bool short_last = false;

    for (int pass = 0; pass < 2; pass++) {
        for (unsigned int i = 0; i < ts->n_columns; i++) {
            struct ovsdb_column *column = ts->columns[i];
            size_t size;

            if (column->storage == OVSDB_STORE_HEADER) {
                continue;
            }
            column->storage = ovsdb_type_is_scalar(&column->type)
                                  ? OVSDB_STORE_ATOM
                                  : OVSDB_STORE_DATUM;
            size = column->storage == OVSDB_STORE_DATUM
                       ? sizeof(struct ovsdb_datum)
                       : ovsdb_column_atom_size(column);
            if ((size == 8) != (pass == 0)) {
                continue;
            }
            column->offset = offset;
            offset = (offset + size + 7) & ~(size_t) 7;
            short_last = size == 8;
        }
    }
    if (short_last && !ts->n_indexes) {
        offset += 8;
    }
    ts->values_size = offset;
    ts->index_offset = offset;
    ts->row_size = sizeof(struct ovsdb_row) + offset
                   + ts->n_indexes * sizeof(struct hmap_node);
}

static void
table_schema_destroy(struct ovsdb_table_schema *ts)
{
    if (!ts) {
        return;
    }
    for (unsigned int i = 0; i < ts->n_indexes; i++) {
        free(ts->indexes[i].columns);
    }
    free(ts->indexes);
    free(ts->ovs_order);
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        column_destroy(ts->columns[i]);
    }
    free(ts->columns);
    free(ts->name);
    free(ts);
}

static struct ovsdb_error *
table_schema_from_json(const char *name, const json_t *json,
                       struct ovsdb_table_schema **tsp, bool *root_given)
{
    static const char *const members[] = { "columns", "maxRows", "isRoot",
                                           "indexes" };
    struct ovsdb_table_schema *ts = xzalloc(sizeof *ts);
    const json_t *columns, *max_rows, *indexes;
    struct ovsdb_error *error;
    struct ovsdb_parser p;

    ts->name = xstrdup(name);
    *tsp = ts;
    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "object expected");
    }
    ovsdb_parser_init(&p, json, NULL);
    ovsdb_parser_expect(&p, members, ARRAY_SIZE(members));
    columns =
        ovsdb_parser_member(&p, "columns", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    max_rows =
        ovsdb_parser_member(&p, "maxRows", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    if (!ovsdb_parser_has_error(&p)) {
        ovsdb_parser_put_error(&p, parse_columns(ts, columns));
    }
    if (!ovsdb_parser_has_error(&p)) {
        ovsdb_parser_put_error(&p, parse_max_rows(ts, json, max_rows));
    }
    get_bool(&p, "isRoot", &ts->is_root);
    *root_given |= ts->is_root;
    indexes =
        ovsdb_parser_member(&p, "indexes", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    if (!ovsdb_parser_has_error(&p)) {
        ovsdb_parser_put_error(&p, parse_indexes(ts, indexes));
    }
    error = ovsdb_parser_finish(&p);
    if (!error) {
        layout_row(ts);
    }
    return error;
}

static struct ovsdb_error *
bind_ref(struct ovsdb_schema *schema, struct ovsdb_table_schema *ts,
         struct ovsdb_column *column, struct ovsdb_base_type *base,
         const char *which)
{
    const struct ovsdb_table_schema *target;

    if (!ovsdb_base_type_is_ref(base)) {
        return NULL;
    }
    target = ovsdb_schema_find_table(schema, base->u.uuid.ref_table_name);
    if (!target) {
        return ovsdb_syntax_error(NULL, NULL,
                                  "table %s column %s %s: refTable %s does "
                                  "not exist",
                                  ts->name, column->name, which,
                                  base->u.uuid.ref_table_name);
    }
    base->u.uuid.ref_table = target->index;
    if (base->u.uuid.ref_type == OVSDB_REF_WEAK) {
        schema->tables[target->index]->weakly_referenced = true;
    }
    if (base->u.uuid.ref_type == OVSDB_REF_STRONG && !target->is_root) {
        /* As in ovsdb-server: a strong reference to a non-root table is
         * always persistent, whatever the schema says, since losing it on
         * restart would garbage-collect the row it keeps alive. */
        column->ephemeral = false;
    }
    return NULL;
}

static struct ovsdb_error *
bind_refs(struct ovsdb_schema *schema)
{
    for (unsigned int t = 0; t < schema->n_tables; t++) {
        struct ovsdb_table_schema *ts = schema->tables[t];

        for (unsigned int c = 0; c < ts->n_columns; c++) {
            struct ovsdb_column *column = ts->columns[c];
            struct ovsdb_error *error;

            error = bind_ref(schema, ts, column, &column->type.key, "key");
            if (!error) {
                error =
                    bind_ref(schema, ts, column, &column->type.value, "value");
            }
            if (error) {
                return error;
            }
        }
    }
    return NULL;
}

static struct ovsdb_error *
parse_header(struct ovsdb_schema *schema, struct ovsdb_parser *p)
{
    static const char *const members[] = { "name", "version", "cksum",
                                           "tables" };
    const json_t *name, *version, *cksum;

    ovsdb_parser_expect(p, members, ARRAY_SIZE(members));
    name = ovsdb_parser_member(p, "name", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    version =
        ovsdb_parser_member(p, "version", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    if (!json_is_string(name)
        || !ovsdb_parser_is_id(json_string_value(name))) {
        return ovsdb_syntax_error(p->json, NULL,
                                  "schema name must be a valid id");
    }
    if (version
        && (!json_is_string(version)
            || !is_version(json_string_value(version)))) {
        return ovsdb_syntax_error(p->json, NULL,
                                  "schema version must be of the form "
                                  "x.y.z");
    }
    cksum = ovsdb_parser_member(p, "cksum", OVSDB_P_STRING | OVSDB_P_OPTIONAL);
    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    schema->name = xstrdup(json_string_value(name));
    schema->version = xstrdup(version ? json_string_value(version) : "");
    schema->cksum = xstrdup(cksum ? json_string_value(cksum) : "");
    return NULL;
}

static struct ovsdb_error *
parse_tables(struct ovsdb_schema *schema, const json_t *json)
{
    bool root_given = false;
    const char *name;
    json_t *value;

    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL,
                                  "Required 'tables' member is missing or "
                                  "not an object.");
    }
    schema->tables =
        xcalloc(json_object_size(json) + 1, sizeof *schema->tables);
    json_object_foreach((json_t *) json, name, value) {
        struct ovsdb_table_schema *ts;
        struct ovsdb_error *error;

        if (!ovsdb_parser_is_id(name) || name[0] == '_') {
            return ovsdb_syntax_error(json, NULL,
                                      "table %s: name must be a valid id "
                                      "not beginning with \"_\"",
                                      name);
        }
        error = table_schema_from_json(name, value, &ts, &root_given);
        ts->index = schema->n_tables;
        schema->tables[schema->n_tables++] = ts;
        if (error) {
            ovsdb_error_prefix(error, "table %s", name);
            return error;
        }
    }
    /* Schemas from before "isRoot" existed have no garbage collection:
     * every table is a root. */
    for (unsigned int i = 0; !root_given && i < schema->n_tables; i++) {
        schema->tables[i]->is_root = true;
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_schema_from_json(const json_t *json, struct ovsdb_schema **schemap)
{
    struct ovsdb_schema *schema = xzalloc(sizeof *schema);
    struct ovsdb_error *error;

    if (!json_is_object(json)) {
        error = ovsdb_syntax_error(json, NULL, "schema must be an object");
    } else {
        struct ovsdb_parser p;

        ovsdb_parser_init(&p, json, NULL);
        ovsdb_parser_put_error(&p, parse_header(schema, &p));
        error = ovsdb_parser_destroy(&p);
    }
    if (!error) {
        error = parse_tables(schema, json_object_get(json, "tables"));
    }
    if (!error) {
        error = bind_refs(schema);
    }
    if (error) {
        ovsdb_schema_destroy(schema);
        schema = NULL;
    }
    *schemap = schema;
    return error;
}

struct ovsdb_error *
ovsdb_schema_from_file(const char *path, struct ovsdb_schema **schemap)
{
    struct ovsdb_error *error;
    json_error_t jerror;
    json_t *json;

    *schemap = NULL;
    json = json_load_file(path, JSON_REJECT_DUPLICATES, &jerror);
    if (!json) {
        return ovsdb_error("syntax error", "%s: line %d: %s", path,
                           jerror.line, jerror.text);
    }
    error = ovsdb_schema_from_json(json, schemap);
    json_decref(json);
    if (error) {
        ovsdb_error_prefix(error, "%s", path);
    }
    return error;
}

void
ovsdb_schema_destroy(struct ovsdb_schema *schema)
{
    if (!schema) {
        return;
    }
    for (unsigned int i = 0; i < schema->n_tables; i++) {
        table_schema_destroy(schema->tables[i]);
    }
    free(schema->tables);
    free(schema->name);
    free(schema->version);
    free(schema->cksum);
    free(schema);
}

static json_t *
column_to_json(const struct ovsdb_column *column)
{
    json_t *json = json_object();

    json_object_set_new(json, "type", ovsdb_type_to_json(&column->type));
    if (column->ephemeral) {
        json_object_set_new(json, "ephemeral", json_true());
    }
    if (!column->mutable_) {
        json_object_set_new(json, "mutable", json_false());
    }
    return json;
}

static json_t *
table_to_json(const struct ovsdb_table_schema *ts, bool default_is_root)
{
    json_t *json = json_object(), *columns = json_object();

    for (unsigned int i = 2; i < ts->n_columns; i++) {
        json_object_set_new(columns, ts->columns[i]->name,
                            column_to_json(ts->columns[i]));
    }
    json_object_set_new(json, "columns", columns);
    if (ts->max_rows != UINT_MAX) {
        json_object_set_new(json, "maxRows", json_integer(ts->max_rows));
    }
    if (ts->is_root != default_is_root) {
        json_object_set_new(json, "isRoot", json_boolean(ts->is_root));
    }
    if (ts->n_indexes) {
        json_t *indexes = json_array();

        for (unsigned int i = 0; i < ts->n_indexes; i++) {
            json_t *index = json_array();

            for (unsigned int j = 0; j < ts->indexes[i].n_columns; j++) {
                json_array_append_new(
                    index, json_string(ts->indexes[i].columns[j]->name));
            }
            json_array_append_new(indexes, index);
        }
        json_object_set_new(json, "indexes", indexes);
    }
    return json;
}

json_t *
ovsdb_schema_to_json(const struct ovsdb_schema *schema)
{
    json_t *json = json_object(), *tables = json_object();
    bool default_is_root = true;

    for (unsigned int i = 0; i < schema->n_tables; i++) {
        default_is_root &= schema->tables[i]->is_root;
    }
    json_object_set_new(json, "name", json_string(schema->name));
    if (schema->version[0]) {
        json_object_set_new(json, "version", json_string(schema->version));
    }
    if (schema->cksum[0]) {
        json_object_set_new(json, "cksum", json_string(schema->cksum));
    }
    for (unsigned int i = 0; i < schema->n_tables; i++) {
        json_object_set_new(tables, schema->tables[i]->name,
                            table_to_json(schema->tables[i], default_is_root));
    }
    json_object_set_new(json, "tables", tables);
    return json;
}

const struct ovsdb_table_schema *
ovsdb_schema_find_table(const struct ovsdb_schema *schema, const char *name)
{
    for (unsigned int i = 0; i < schema->n_tables; i++) {
        if (!strcmp(schema->tables[i]->name, name)) {
            return schema->tables[i];
        }
    }
    return NULL;
}

const struct ovsdb_column *
ovsdb_table_schema_find_column(const struct ovsdb_table_schema *ts,
                               const char *name)
{
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        if (!strcmp(ts->columns[i]->name, name)) {
            return ts->columns[i];
        }
    }
    return NULL;
}
