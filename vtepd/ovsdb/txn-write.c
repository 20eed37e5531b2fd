/* SPDX-License-Identifier: Apache-2.0 */
/* In-process writes: typed inserts, column writes and deletes on a
 * transaction, with the checks of the equivalent JSON operations (see
 * transaction.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

/* A row from ovsdb_txn_row_create() that is not in a table yet: rows a
 * transaction owns carry its serial, which is never 0. */
static bool
row_is_detached(const struct ovsdb_row *row)
{
    return !row->txn_serial;
}

struct ovsdb_row *
ovsdb_txn_row_create(const struct ovsdb_table *table)
{
    return ovsdb_row_create(table->schema);
}

/* Checks the atoms of every column of new row 'row', as "insert" checks
 * the columns it leaves at their defaults (the written ones were checked
 * when written, and pass again).  Defaults always have a valid size. */
static struct ovsdb_error *
check_columns(const struct ovsdb_table_schema *ts, const struct ovsdb_row *row)
{
    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_error *error = NULL;
        struct ovsdb_datum v;

        ovsdb_row_get(row, column, &v);
        for (unsigned int j = 0; !error && j < v.n; j++) {
            error =
                ovsdb_atom_check_constraints(&v.keys[j], &column->type.key);
            if (!error && v.values) {
                error = ovsdb_atom_check_constraints(&v.values[j],
                                                     &column->type.value);
            }
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_txn_row_insert(struct ovsdb_txn *txn, struct ovsdb_table *table,
                     struct ovsdb_row *row, const struct uuid *uuid)
{
    struct ovsdb_error *error = NULL;

    ASSERT(row_is_detached(row));
    if (uuid && ovsdb_txn_uuid_in_use(txn, table, uuid)) {
        error = ovsdb_error("duplicate uuid",
                            "This UUID would duplicate a UUID already present "
                            "within the table or deleted within the same "
                            "transaction.");
    }
    if (!error) {
        error = check_columns(table->schema, row);
    }
    if (error) {
        ovsdb_row_destroy(row, table->schema);
        return error;
    }
    if (uuid) {
        row->uuid = *uuid;
    } else {
        uuid_generate(&row->uuid);
    }
    uuid_zero(&row->version);
    ovsdb_txn_insert(txn, table, row);
    return NULL;
}

struct ovsdb_row *
ovsdb_txn_row_modify(struct ovsdb_txn *txn, struct ovsdb_table *table,
                     const struct uuid *uuid)
{
    struct ovsdb_row *row = ovsdb_table_find(table, uuid);

    if (row) {
        row = ovsdb_txn_modify_begin(txn, table, row);
        ovsdb_txn_modify_end(txn, table, row);
    }
    return row;
}

bool
ovsdb_txn_row_delete(struct ovsdb_txn *txn, struct ovsdb_table *table,
                     const struct uuid *uuid)
{
    struct ovsdb_row *row = ovsdb_table_find(table, uuid);

    if (row) {
        ovsdb_txn_delete(txn, table, row);
    }
    return row != NULL;
}

/* Returns the index of 'table' made of 'column' alone, or UINT_MAX. */
static unsigned int
single_column_index(const struct ovsdb_table_schema *ts,
                    const struct ovsdb_column *column)
{
    for (unsigned int i = 0; i < ts->n_indexes; i++) {
        if (ts->indexes[i].n_columns == 1
            && ts->indexes[i].columns[0] == column) {
            return i;
        }
    }
    return UINT_MAX;
}

struct ovsdb_row *
ovsdb_txn_row_find_by(const struct ovsdb_table *table,
                      const struct ovsdb_column *column,
                      const struct ovsdb_datum *value)
{
    const struct ovsdb_table_schema *ts = table->schema;
    unsigned int i = single_column_index(ts, column);
    struct ovsdb_datum v;
    struct ovsdb_row *row;

    if (i != UINT_MAX) {
        uint32_t hash = ovsdb_datum_hash(value, &column->type, 0);
        const struct hmap_node *node;

        for (node = hmap_first_with_hash(&table->indexes[i], hash); node;
             node = hmap_next_with_hash(node)) {
            row = ovsdb_row_from_index_node(node, ts, i);
            ovsdb_row_get(row, column, &v);
            if (ovsdb_datum_equals(&v, value, &column->type)) {
                return row;
            }
        }
        return NULL;
    }
    OVSDB_TABLE_FOR_EACH(row, table) {
        ovsdb_row_get(row, column, &v);
        if (ovsdb_datum_equals(&v, value, &column->type)) {
            return row;
        }
    }
    return NULL;
}

struct ovsdb_row *
ovsdb_txn_row_find_by_string(const struct ovsdb_table *table,
                             const struct ovsdb_column *column,
                             const char *value)
{
    union ovsdb_atom atom = {
        .string = ovsdb_str_intern(value, strlen(value)),
    };
    struct ovsdb_datum datum = { .keys = &atom, .n = 1 };
    struct ovsdb_row *row = ovsdb_txn_row_find_by(table, column, &datum);

    ovsdb_str_unref(atom.string);
    return row;
}

/* ---- Column writers ---- */

/* Checks 'value', with its elements in any order, against the type and
 * constraints of 'column' as ovsdb_datum_from_json() checks a value it
 * parses, and sorts it. */
static struct ovsdb_error *
check_value(const struct ovsdb_column *column, struct ovsdb_datum *value)
{
    const struct ovsdb_type *type = &column->type;
    const char *what = ovsdb_type_is_map(type) ? "map" : "set";
    struct ovsdb_error *error = NULL;

    if (value->n < type->n_min || value->n > type->n_max) {
        if (type->n_min == 1 && type->n_max == 1) {
            return ovsdb_error("syntax error",
                               "%s must have exactly one member but %u are "
                               "present",
                               what, value->n);
        }
        return ovsdb_error("syntax error",
                           "%s must have %u to %u members but %u are present",
                           what, type->n_min, type->n_max, value->n);
    }
    for (unsigned int i = 0; !error && i < value->n; i++) {
        error = ovsdb_atom_check_constraints(&value->keys[i], &type->key);
        if (!error && value->values) {
            error =
                ovsdb_atom_check_constraints(&value->values[i], &type->value);
        }
    }
    return error ? error : ovsdb_datum_sort(value, type);
}

/* True if 'column' is one of the columns of an index of 'ts'. */
static bool
column_is_indexed(const struct ovsdb_table_schema *ts,
                  const struct ovsdb_column *column)
{
    for (unsigned int i = 0; i < ts->n_indexes; i++) {
        for (unsigned int j = 0; j < ts->indexes[i].n_columns; j++) {
            if (ts->indexes[i].columns[j] == column) {
                return true;
            }
        }
    }
    return false;
}

struct ovsdb_error *
ovsdb_txn_write_datum(struct ovsdb_txn *txn, struct ovsdb_table *table,
                      struct ovsdb_row *row, const struct ovsdb_column *column,
                      struct ovsdb_datum *value)
{
    struct ovsdb_error *error = NULL;

    if (!row_is_detached(row) && !column->mutable_) {
        error = ovsdb_error("constraint violation",
                            "Cannot update immutable column %s in table %s.",
                            column->name, table->schema->name);
    }
    if (!error) {
        error = check_value(column, value);
    }
    if (error) {
        ovsdb_datum_destroy(value, &column->type);
        return error;
    }
    if (row_is_detached(row) || !column_is_indexed(table->schema, column)) {
        ovsdb_row_set(row, column, value);
    } else {
        /* The row's index nodes hash its old value: take it out first. */
        struct ovsdb_row *same = ovsdb_txn_modify_begin(txn, table, row);

        ASSERT(same == row);
        ovsdb_row_set(row, column, value);
        ovsdb_txn_modify_end(txn, table, row);
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_txn_write_atoms(struct ovsdb_txn *txn, struct ovsdb_table *table,
                      struct ovsdb_row *row, const struct ovsdb_column *column,
                      const union ovsdb_atom *keys,
                      const union ovsdb_atom *values, size_t n)
{
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum datum = {
        .keys = (union ovsdb_atom *) keys,
        .values = ovsdb_type_is_map(type) ? (union ovsdb_atom *) values : NULL,
        .n = n,
    };
    struct ovsdb_datum copy;

    ASSERT(n <= UINT_MAX
           && (!n || (values != NULL) == ovsdb_type_is_map(type)));
    ovsdb_datum_clone(&copy, &datum, type);
    return ovsdb_txn_write_datum(txn, table, row, column, &copy);
}

/* The length of the UTF-8 sequence that 'c' starts, or 0 if no sequence
 * may start with it (RFC 3629). */
static size_t
utf8_sequence_length(unsigned char c)
{
    return (c < 0x80                ? 1
            : c >= 0xc2 && c < 0xe0 ? 2
            : c >= 0xe0 && c < 0xf0 ? 3
            : c >= 0xf0 && c < 0xf5 ? 4
                                    : 0);
}

/* True if the 'n' bytes at 's' are well-formed UTF-8, as every string in a
 * JSON text must be: no stray continuation bytes, overlong forms,
 * surrogates or code points above U+10FFFF. */
static bool
is_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence_length(s[i]);
        uint32_t cp;

        if (!len || n - i < len) {
            return false;
        }
        cp = len == 1 ? s[i] : s[i] & (0x7f >> len);
        for (size_t j = 1; j < len; j++) {
            if ((s[i + j] & 0xc0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (s[i + j] & 0x3f);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)))
            || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
            return false;
        }
        i += len;
    }
    return true;
}

/* Interns the 'n' C strings 'strings' into 'atoms'; fails, interning
 * nothing, if one is not UTF-8 (what jansson refuses in a JSON text). */
static struct ovsdb_error *
intern_strings(const char *const *strings, size_t n, union ovsdb_atom *atoms)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_utf8((const unsigned char *) strings[i], strlen(strings[i]))) {
            return ovsdb_error("syntax error", "invalid UTF-8 in string");
        }
    }
    for (size_t i = 0; i < n; i++) {
        atoms[i].string = ovsdb_str_intern(strings[i], strlen(strings[i]));
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_txn_write_string_map(struct ovsdb_txn *txn, struct ovsdb_table *table,
                           struct ovsdb_row *row,
                           const struct ovsdb_column *column,
                           const char *const *keys, const char *const *values,
                           size_t n)
{
    struct ovsdb_datum datum = { .n = n };
    struct ovsdb_error *error;

    ASSERT(n <= UINT_MAX && column->type.key.type == OVSDB_TYPE_STRING
           && (!n || (values != NULL) == ovsdb_type_is_map(&column->type))
           && (!values || column->type.value.type == OVSDB_TYPE_STRING));
    datum.keys = xcalloc(n + 1, sizeof *datum.keys);
    datum.values = values ? xcalloc(n + 1, sizeof *datum.values) : NULL;
    error = intern_strings(keys, n, datum.keys);
    if (!error && values) {
        error = intern_strings(values, n, datum.values);
        if (error) {
            for (size_t i = 0; i < n; i++) {
                ovsdb_str_unref(datum.keys[i].string);
            }
        }
    }
    if (error) {
        free(datum.keys);
        free(datum.values);
        return error;
    }
    if (!n) {
        free(datum.keys);
        free(datum.values);
        ovsdb_datum_init_empty(&datum);
    }
    return ovsdb_txn_write_datum(txn, table, row, column, &datum);
}

struct ovsdb_error *
ovsdb_txn_write_string_set(struct ovsdb_txn *txn, struct ovsdb_table *table,
                           struct ovsdb_row *row,
                           const struct ovsdb_column *column,
                           const char *const *strings, size_t n)
{
    return ovsdb_txn_write_string_map(txn, table, row, column, strings, NULL,
                                      n);
}

struct ovsdb_error *
ovsdb_txn_write_string(struct ovsdb_txn *txn, struct ovsdb_table *table,
                       struct ovsdb_row *row,
                       const struct ovsdb_column *column, const char *s)
{
    return ovsdb_txn_write_string_set(txn, table, row, column, &s, 1);
}

struct ovsdb_error *
ovsdb_txn_write_integer(struct ovsdb_txn *txn, struct ovsdb_table *table,
                        struct ovsdb_row *row,
                        const struct ovsdb_column *column, int64_t value)
{
    union ovsdb_atom atom = { .integer = value };

    ASSERT(column->type.key.type == OVSDB_TYPE_INTEGER);
    return ovsdb_txn_write_atoms(txn, table, row, column, &atom, NULL, 1);
}

struct ovsdb_error *
ovsdb_txn_write_boolean(struct ovsdb_txn *txn, struct ovsdb_table *table,
                        struct ovsdb_row *row,
                        const struct ovsdb_column *column, bool value)
{
    union ovsdb_atom atom = { .boolean = value };

    ASSERT(column->type.key.type == OVSDB_TYPE_BOOLEAN);
    return ovsdb_txn_write_atoms(txn, table, row, column, &atom, NULL, 1);
}

struct ovsdb_error *
ovsdb_txn_write_uuid(struct ovsdb_txn *txn, struct ovsdb_table *table,
                     struct ovsdb_row *row, const struct ovsdb_column *column,
                     const struct uuid *uuid)
{
    return ovsdb_txn_write_uuid_set(txn, table, row, column, uuid, 1);
}

struct ovsdb_error *
ovsdb_txn_write_uuid_set(struct ovsdb_txn *txn, struct ovsdb_table *table,
                         struct ovsdb_row *row,
                         const struct ovsdb_column *column,
                         const struct uuid *uuids, size_t n)
{
    struct ovsdb_datum datum = { .n = n };

    ASSERT(n <= UINT_MAX && column->type.key.type == OVSDB_TYPE_UUID
           && !ovsdb_type_is_map(&column->type));
    datum.keys = n ? xmalloc(n * sizeof *datum.keys) : NULL;
    for (size_t i = 0; i < n; i++) {
        datum.keys[i].uuid = uuids[i];
    }
    return ovsdb_txn_write_datum(txn, table, row, column, &datum);
}
