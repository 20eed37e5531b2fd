/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB rows in their compact layout. */
#include "vtepd/ovsdb/row.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/slab.h"
#include "vtepd/ovsdb/error.h"

static void *
value_ptr(const struct ovsdb_row *row, const struct ovsdb_column *column)
{
    return (char *) row->values + column->offset;
}

/* Stores 'atom' into the inline atom of 'column', which may be shorter
 * than a whole union (see ovsdb_column_atom_size()). */
static void
store_atom(struct ovsdb_row *row, const struct ovsdb_column *column,
           const union ovsdb_atom *atom)
{
    memcpy(value_ptr(row, column), atom, ovsdb_column_atom_size(column));
}

struct ovsdb_row *
ovsdb_row_create(const struct ovsdb_table_schema *ts)
{
    struct ovsdb_row *row = slab_alloc(ts->row_size);

    memset(row, 0, ts->row_size);
    row->holders = 1;
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_datum datum;
        union ovsdb_atom atom;

        if (column->storage == OVSDB_STORE_ATOM) {
            ovsdb_atom_init_default(&atom, column->type.key.type);
            store_atom(row, column, &atom);
        } else if (column->storage == OVSDB_STORE_DATUM) {
            ovsdb_datum_init_default(&datum, &column->type);
            memcpy(value_ptr(row, column), &datum, sizeof datum);
        }
    }
    return row;
}

struct ovsdb_row *
ovsdb_row_clone(const struct ovsdb_row *old,
                const struct ovsdb_table_schema *ts)
{
    struct ovsdb_row *row = slab_alloc(ts->row_size);

    memcpy(row, old, sizeof *row + ts->values_size);
    row->holders = 1;
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];

        if (column->storage == OVSDB_STORE_ATOM) {
            if (column->type.key.type == OVSDB_TYPE_STRING) {
                union ovsdb_atom *atom = value_ptr(row, column);

                ovsdb_str_ref(atom->string);
            }
        } else if (column->storage == OVSDB_STORE_DATUM) {
            ovsdb_datum_clone(value_ptr(row, column), value_ptr(old, column),
                              &column->type);
        }
    }
    return row;
}

void
ovsdb_row_destroy(struct ovsdb_row *row, const struct ovsdb_table_schema *ts)
{
    if (!row) {
        return;
    }
    ASSERT(row->holders > 0);
    if (--row->holders) {
        return;
    }
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];

        if (column->storage == OVSDB_STORE_ATOM) {
            ovsdb_atom_destroy(value_ptr(row, column), column->type.key.type);
        } else if (column->storage == OVSDB_STORE_DATUM) {
            ovsdb_datum_destroy(value_ptr(row, column), &column->type);
        }
    }
    slab_free(row, ts->row_size);
}

void
ovsdb_row_get(const struct ovsdb_row *row, const struct ovsdb_column *column,
              struct ovsdb_datum *view)
{
    view->values = NULL;
    view->n = 1;
    switch (column->storage) {
    case OVSDB_STORE_HEADER:
        view->keys =
            (union ovsdb_atom *) (void *) (column->index == OVSDB_COL_UUID
                                               ? &row->uuid
                                               : &row->version);
        break;
    case OVSDB_STORE_ATOM:
        view->keys = value_ptr(row, column);
        break;
    case OVSDB_STORE_DATUM:
        memcpy(view, value_ptr(row, column), sizeof *view);
        break;
    }
}

void
ovsdb_row_set(struct ovsdb_row *row, const struct ovsdb_column *column,
              struct ovsdb_datum *value)
{
    union ovsdb_atom *atom;

    switch (column->storage) {
    case OVSDB_STORE_HEADER:
        ASSERT(value->n == 1);
        memcpy(column->index == OVSDB_COL_UUID ? &row->uuid : &row->version,
               &value->keys[0].uuid, sizeof(struct uuid));
        ovsdb_datum_destroy(value, &column->type);
        break;
    case OVSDB_STORE_ATOM:
        ASSERT(value->n == 1);
        atom = value_ptr(row, column);
        ovsdb_atom_destroy(atom, column->type.key.type);
        store_atom(row, column, &value->keys[0]);
        free(value->keys);
        ovsdb_datum_init_empty(value);
        break;
    case OVSDB_STORE_DATUM:
        ovsdb_datum_destroy(value_ptr(row, column), &column->type);
        memcpy(value_ptr(row, column), value, sizeof *value);
        ovsdb_datum_init_empty(value);
        break;
    }
}

void
ovsdb_row_set_atom(struct ovsdb_row *row, const struct ovsdb_column *column,
                   const union ovsdb_atom *atom)
{
    union ovsdb_atom *dst = value_ptr(row, column);

    ASSERT(column->storage == OVSDB_STORE_ATOM);
    ovsdb_atom_destroy(dst, column->type.key.type);
    store_atom(row, column, atom);
}

json_t *
ovsdb_row_column_to_json(const struct ovsdb_row *row,
                         const struct ovsdb_column *column)
{
    struct ovsdb_datum view;

    ovsdb_row_get(row, column, &view);
    return ovsdb_datum_to_json(&view, &column->type);
}

json_t *
ovsdb_row_to_json(const struct ovsdb_row *row,
                  const struct ovsdb_table_schema *ts,
                  const struct ovsdb_column *const *columns, size_t n_columns)
{
    json_t *json = json_object();

    if (!columns) {
        columns = (const struct ovsdb_column *const *) ts->columns;
        n_columns = ts->n_columns;
    }
    for (size_t i = 0; i < n_columns; i++) {
        json_object_set_new(json, columns[i]->name,
                            ovsdb_row_column_to_json(row, columns[i]));
    }
    return json;
}

bool
ovsdb_row_column_equals(const struct ovsdb_row *a, const struct ovsdb_row *b,
                        const struct ovsdb_column *column)
{
    struct ovsdb_datum va, vb;

    ovsdb_row_get(a, column, &va);
    ovsdb_row_get(b, column, &vb);
    return ovsdb_datum_equals(&va, &vb, &column->type);
}

uint32_t
ovsdb_row_hash_columns(const struct ovsdb_row *row,
                       const struct ovsdb_column *const *columns,
                       size_t n_columns, uint32_t basis)
{
    uint32_t hash = basis;

    for (size_t i = 0; i < n_columns; i++) {
        struct ovsdb_datum view;

        ovsdb_row_get(row, columns[i], &view);
        hash = ovsdb_datum_hash(&view, &columns[i]->type, hash);
    }
    return hash;
}

const char *
ovsdb_row_get_string(const struct ovsdb_row *row,
                     const struct ovsdb_column *column)
{
    struct ovsdb_datum d;

    ovsdb_row_get(row, column, &d);
    return d.n ? d.keys[0].string->s : "";
}

bool
ovsdb_row_get_integer(const struct ovsdb_row *row,
                      const struct ovsdb_column *column, int64_t *value)
{
    struct ovsdb_datum d;

    ovsdb_row_get(row, column, &d);
    if (d.n) {
        *value = d.keys[0].integer;
    }
    return d.n;
}

bool
ovsdb_row_get_boolean(const struct ovsdb_row *row,
                      const struct ovsdb_column *column, bool *value)
{
    struct ovsdb_datum d;

    ovsdb_row_get(row, column, &d);
    if (d.n) {
        *value = d.keys[0].boolean;
    }
    return d.n;
}

bool
ovsdb_row_get_uuid(const struct ovsdb_row *row,
                   const struct ovsdb_column *column, struct uuid *value)
{
    struct ovsdb_datum d;

    ovsdb_row_get(row, column, &d);
    if (!d.n) {
        uuid_zero(value);
        return false;
    }
    *value = d.keys[0].uuid;
    return true;
}

uint64_t *
ovsdb_row_changed_columns(const struct ovsdb_row *a, const struct ovsdb_row *b,
                          const struct ovsdb_table_schema *ts)
{
    uint64_t *bitmap = NULL;

    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        if (!ovsdb_row_column_equals(a, b, ts->columns[i])) {
            if (!bitmap) {
                bitmap = xcalloc((ts->n_columns + 63) / 64, sizeof *bitmap);
            }
            bitmap[i / 64] |= UINT64_C(1) << (i % 64);
        }
    }
    return bitmap;
}

struct ovsdb_error *
ovsdb_row_check_sizes(const struct ovsdb_row *row,
                      const struct ovsdb_table_schema *ts)
{
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_error *error;
        struct ovsdb_datum v;

        ovsdb_row_get(row, column, &v);
        error = ovsdb_datum_check_size(&v, &column->type);
        if (error) {
            ovsdb_error_prefix(error, "Table %s column %s", ts->name,
                               column->name);
            return error;
        }
    }
    return NULL;
}

bool
ovsdb_row_has_zero_weak_ref(const struct ovsdb_row *row,
                            const struct ovsdb_column *column)
{
    struct ovsdb_datum v;

    ovsdb_row_get(row, column, &v);
    for (unsigned int i = 0; i < v.n; i++) {
        if ((ovsdb_base_type_is_weak_ref(&column->type.key)
             && uuid_is_zero(&v.keys[i].uuid))
            || (v.values && ovsdb_base_type_is_weak_ref(&column->type.value)
                && uuid_is_zero(&v.values[i].uuid))) {
            return true;
        }
    }
    return false;
}
