/* SPDX-License-Identifier: Apache-2.0 */
/* Transaction and snapshot records of OVSDB standalone database files. */
#include "vtepd/ovsdb/file.h"

#include <string.h>
#include <time.h>

#include "lib/ds.h"
#include "lib/json-text.h"

#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

long long
ovsdb_file_wall_msec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True for the columns a file holds: not _uuid, _version or ephemeral. */
static bool
column_is_persistent(const struct ovsdb_column *column)
{
    return column->index > OVSDB_COL_VERSION && !column->ephemeral;
}

/* True if a column's value is written as a diff in "_is_diff" records. */
static bool
type_is_composite(const struct ovsdb_type *type)
{
    return type->n_max > 1;
}

/* True if 'atom' is the default value of its type ("", 0, false, the
 * all-zeros UUID), as ovsdb_atom_equals() would find it. */
static bool
atom_is_default(const union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return !atom->integer;
    case OVSDB_TYPE_REAL:
        return !(atom->real < 0 || atom->real > 0);
    case OVSDB_TYPE_BOOLEAN:
        return !atom->boolean;
    case OVSDB_TYPE_STRING:
        return !atom->string->len;
    case OVSDB_TYPE_UUID:
        return uuid_is_zero(&atom->uuid);
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    return true;
}

/* True if 'row' holds the default value of 'column': no elements, or for a
 * column with at least one, one element of default atoms.  Allocates
 * nothing, unlike comparing with ovsdb_datum_init_default(). */
static bool
column_is_default(const struct ovsdb_row *row,
                  const struct ovsdb_column *column)
{
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum view;

    ovsdb_row_get(row, column, &view);
    if (!type->n_min) {
        return !view.n;
    }
    return view.n == 1 && atom_is_default(&view.keys[0], type->key.type)
           && (!view.values
               || atom_is_default(&view.values[0], type->value.type));
}

/* Appends element 'i' of 'src' to 'dst', whose arrays have room. */
static void
append_element(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
               unsigned int i, const struct ovsdb_type *type)
{
    ovsdb_atom_clone(&dst->keys[dst->n], &src->keys[i], type->key.type);
    if (dst->values) {
        ovsdb_atom_clone(&dst->values[dst->n], &src->values[i],
                         type->value.type);
    }
    dst->n++;
}

static void
init_with_room(struct ovsdb_datum *datum, unsigned int n,
               const struct ovsdb_type *type)
{
    datum->n = 0;
    datum->keys = xcalloc(n ? n : 1, sizeof *datum->keys);
    datum->values = ovsdb_type_is_map(type)
                        ? xcalloc(n ? n : 1, sizeof *datum->values)
                        : NULL;
}

/* Computes the diff that turns 'old' into 'new' (both sorted): the
 * elements only one of them has and, for a map, the new pairs of keys
 * whose value changed. */
static void
datum_diff(struct ovsdb_datum *diff, const struct ovsdb_datum *old,
           const struct ovsdb_datum *new, const struct ovsdb_type *type)
{
    enum ovsdb_atomic_type kt = type->key.type, vt = type->value.type;
    unsigned int i = 0, j = 0;

    init_with_room(diff, old->n + new->n, type);
    while (i < old->n || j < new->n) {
        int cmp = i >= old->n ? 1
                  : j >= new->n
                      ? -1
                      : ovsdb_atom_compare(&old->keys[i], &new->keys[j], kt);

        if (cmp < 0) {
            append_element(diff, old, i++, type);
        } else if (cmp > 0) {
            append_element(diff, new, j++, type);
        } else {
            if (diff->values
                && !ovsdb_atom_equals(&old->values[i], &new->values[j], vt)) {
                append_element(diff, new, j, type);
            }
            i++;
            j++;
        }
    }
}

/* Applies 'diff' to 'cur' (both sorted), storing the result in 'out'. */
static void
datum_apply_diff(struct ovsdb_datum *out, const struct ovsdb_datum *cur,
                 const struct ovsdb_datum *diff, const struct ovsdb_type *type)
{
    enum ovsdb_atomic_type kt = type->key.type, vt = type->value.type;
    unsigned int i = 0, j = 0;

    init_with_room(out, cur->n + diff->n, type);
    while (i < cur->n || j < diff->n) {
        int cmp = i >= cur->n ? 1
                  : j >= diff->n
                      ? -1
                      : ovsdb_atom_compare(&cur->keys[i], &diff->keys[j], kt);

        if (cmp < 0) {
            append_element(out, cur, i++, type);
        } else if (cmp > 0) {
            append_element(out, diff, j++, type);
        } else {
            if (out->values
                && !ovsdb_atom_equals(&cur->values[i], &diff->values[j], vt)) {
                append_element(out, diff, j, type);
            }
            i++;
            j++;
        }
    }
}

/* Returns the non-default persistent columns of 'row' (a new row, or a
 * row of a snapshot) as a JSON object. */
static json_t *
new_row_to_json(const struct ovsdb_table_schema *ts,
                const struct ovsdb_row *row)
{
    json_t *json = json_object();

    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];

        if (column_is_persistent(column) && !column_is_default(row, column)) {
            json_object_set_new(json, column->name,
                                ovsdb_row_column_to_json(row, column));
        }
    }
    return json;
}

/* Appends '"name":' to 'out', after a comma unless 'n' is 0. */
static void
put_member_name(struct ds *out, size_t n, const char *name)
{
    if (n) {
        ds_put_char(out, ',');
    }
    json_text_encode_string(name, strlen(name), out);
    ds_put_char(out, ':');
}

/* Appends 'n' bytes to 'out' and returns where they go, like
 * ds_put_uninit() but inline when there is room: a big transaction's
 * record makes millions of small appends. */
static inline char *
text_put(struct ds *out, size_t n)
{
    char *p;

    if (!out->string || out->allocated - out->length < n) {
        return ds_put_uninit(out, n);
    }
    p = out->string + out->length;
    out->length += n;
    p[n] = '\0';
    return p;
}

/* Like put_member_name() for a table or column name, which the schema
 * checks is an <id>: nothing in it needs escaping. */
static void
put_id_member_name(struct ds *out, size_t n, const char *name)
{
    size_t len = strlen(name);
    char *p = text_put(out, len + 3 + (n != 0));

    if (n) {
        *p++ = ',';
    }
    *p++ = '"';
    memcpy(p, name, len);
    p += len;
    *p++ = '"';
    *p = ':';
}

/* Like put_member_name() for the string form of 'uuid'. */
static void
put_uuid_member_name(struct ds *out, size_t n, const struct uuid *uuid)
{
    char *p = text_put(out, UUID_LEN + 3 + (n != 0));

    if (n) {
        *p++ = ',';
    }
    *p++ = '"';
    uuid_to_string(uuid, p); /* Its NUL gives way to the quote. */
    p += UUID_LEN;
    *p++ = '"';
    *p = ':';
}

/* True if JSON needs some byte of 's' escaped (as json_text_encode_string()
 * escapes them). */
static bool
needs_escape(const struct ovsdb_str *s)
{
    for (uint32_t i = 0; i < s->len; i++) {
        unsigned char c = s->s[i];

        if (c < 0x20 || c == '"' || c == '\\') {
            return true;
        }
    }
    return false;
}

/* Appends 'value' of a column of 'type' as JSON, as ovsdb_datum_to_text()
 * does, with the most common cases, a single UUID or plain string, made
 * inline. */
static void
put_value_text(const struct ovsdb_datum *value, const struct ovsdb_type *type,
               struct ds *out)
{
    static const char uuid_prefix[] = "[\"uuid\",\"";

    if (value->n == 1 && !ovsdb_type_is_map(type)) {
        const union ovsdb_atom *atom = &value->keys[0];
        char *p;

        if (type->key.type == OVSDB_TYPE_UUID) {
            p = text_put(out, sizeof uuid_prefix - 1 + UUID_LEN + 2);
            memcpy(p, uuid_prefix, sizeof uuid_prefix - 1);
            p += sizeof uuid_prefix - 1;
            uuid_to_string(&atom->uuid, p); /* Its NUL gives way. */
            memcpy(p + UUID_LEN, "\"]", 2);
            return;
        } else if (type->key.type == OVSDB_TYPE_STRING
                   && !needs_escape(atom->string)) {
            size_t len = atom->string->len;

            p = text_put(out, len + 2);
            *p = '"';
            memcpy(p + 1, atom->string->s, len);
            p[len + 1] = '"';
            return;
        }
    }
    ovsdb_datum_to_text(value, type, out);
}

/* Appends the non-default persistent columns of the new row 'row' as a
 * JSON object. */
static void
new_row_to_text(const struct ovsdb_table_schema *ts,
                const struct ovsdb_row *row, struct ds *out)
{
    size_t n = 0;

    *text_put(out, 1) = '{';
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_datum view;

        if (column_is_persistent(column) && !column_is_default(row, column)) {
            put_id_member_name(out, n++, column->name);
            ovsdb_row_get(row, column, &view);
            put_value_text(&view, &column->type, out);
        }
    }
    *text_put(out, 1) = '}';
}

/* Appends the persistent columns a modification changed, composite ones as
 * diffs, as a JSON object.  Returns false, with 'out' as it was, if there
 * are none. */
static bool
changed_row_to_text(const struct ovsdb_row_change *change, struct ds *out)
{
    const struct ovsdb_table_schema *ts = change->table->schema;
    size_t start = out->length, n = 0;

    ds_put_char(out, '{');
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_datum a, b, diff;

        if (!column_is_persistent(column)
            || !ovsdb_row_change_column_changed(change, i)) {
            continue;
        }
        put_id_member_name(out, n++, column->name);
        ovsdb_row_get(change->new, column, &b);
        if (!type_is_composite(&column->type)) {
            put_value_text(&b, &column->type, out);
            continue;
        }
        ovsdb_row_get(change->old, column, &a);
        datum_diff(&diff, &a, &b, &column->type);
        ovsdb_datum_to_text(&diff, &column->type, out);
        ovsdb_datum_destroy(&diff, &column->type);
    }
    if (!n) {
        ds_truncate(out, start);
        return false;
    }
    ds_put_char(out, '}');
    return true;
}

/* Appends '"UUID":ROW' for change 'c', after a comma unless 'n' is 0.
 * Returns false, with 'out' as it was, if the change writes nothing. */
static bool
row_change_to_text(const struct ovsdb_row_change *c, size_t n, struct ds *out)
{
    const struct ovsdb_row *any_row = c->new ? c->new : c->old;
    size_t start = out->length;

    put_uuid_member_name(out, n, &any_row->uuid);
    if (!c->new) {
        ds_put_cstr(out, "null");
    } else if (!c->old) {
        new_row_to_text(c->table->schema, c->new, out);
    } else if (!changed_row_to_text(c, out)) {
        ds_truncate(out, start);
        return false;
    }
    return true;
}

/* Where a record's text goes, and when it is handed on. */
struct text_sink {
    struct ds *out;
    size_t chunk; /* Flush at this many bytes... */
    ovsdb_file_flush_cb *flush;
    void *aux;
    size_t n_rows; /* Rows written so far. */
};

/* Appends '"TABLE":{...}' for the changes to the table of changes[first]
 * (which no earlier change touches), after a comma unless 'n' is 0.
 * Returns false, with the text as it was, if none of them writes anything.
 *
 * Text is only flushed right after a row, so what a rollback takes back
 * (the last row's, or a table's without rows) was never flushed. */
static bool
table_changes_to_text(const struct ovsdb_changeset *changes, size_t first,
                      size_t n, struct text_sink *sink)
{
    const struct ovsdb_table *table = changes->changes[first].table;
    struct ds *out = sink->out;
    size_t start = out->length, n_rows = 0;

    put_id_member_name(out, n, table->schema->name);
    *text_put(out, 1) = '{';
    for (size_t i = first; i < changes->n_changes; i++) {
        const struct ovsdb_row_change *c = &changes->changes[i];

        if (c->table == table && row_change_to_text(c, n_rows, out)) {
            n_rows++;
            sink->n_rows++;
            if (out->length >= sink->chunk && sink->flush) {
                sink->flush(out, sink->n_rows, sink->aux);
                ASSERT(!out->length);
            }
        }
    }
    if (!n_rows) {
        ds_truncate(out, start);
        return false;
    }
    *text_put(out, 1) = '}';
    return true;
}

/* True if a change before changes[i] is to the same table. */
static bool
table_seen(const struct ovsdb_changeset *changes, size_t i,
           const struct ovsdb_table *const *seen, size_t n_seen)
{
    for (size_t j = 0; j < n_seen; j++) {
        if (seen[j] == changes->changes[i].table) {
            return true;
        }
    }
    return false;
}

bool
ovsdb_file_txn_to_text_chunked(const struct ovsdb_changeset *changes,
                               long long date_msec, struct ds *out,
                               size_t chunk, ovsdb_file_flush_cb *flush,
                               void *aux)
{
    struct text_sink sink = {
        .out = out, .chunk = chunk, .flush = flush, .aux = aux
    };
    const struct ovsdb_table **seen = NULL;
    size_t start = out->length, n_seen = 0, n_tables = 0;

    ds_put_cstr(out, "{\"_date\":");
    json_text_encode_integer(date_msec, out);
    for (size_t i = 0; i < changes->n_changes; i++) {
        if (table_seen(changes, i, seen, n_seen)) {
            continue;
        }
        seen = xrealloc(seen, (n_seen + 1) * sizeof *seen);
        seen[n_seen++] = changes->changes[i].table;
        /* The "_date" member comes first, so tables always follow a
         * comma. */
        if (table_changes_to_text(changes, i, 1, &sink)) {
            n_tables++;
        }
    }
    free(seen);
    if (!n_tables) {
        ds_truncate(out, start);
        return false;
    }
    ds_put_cstr(out, ",\"_is_diff\":true");
    if (changes->comment) {
        put_member_name(out, 1, "_comment");
        json_text_encode_string(changes->comment, strlen(changes->comment),
                                out);
    }
    ds_put_char(out, '}');
    return true;
}

bool
ovsdb_file_txn_to_text(const struct ovsdb_changeset *changes,
                       long long date_msec, struct ds *out)
{
    return ovsdb_file_txn_to_text_chunked(changes, date_msec, out, SIZE_MAX,
                                          NULL, NULL);
}

json_t *
ovsdb_file_snapshot_to_json(const struct ovsdb_db *db, const char *comment,
                            long long date_msec)
{
    json_t *record = json_object();

    json_object_set_new(record, "_date", json_integer(date_msec));
    for (unsigned int t = 0; t < db->schema->n_tables; t++) {
        const struct ovsdb_table *table = db->tables[t];
        const struct ovsdb_row *row;
        json_t *table_json;

        if (!ovsdb_table_count(table)) {
            continue;
        }
        table_json = json_object();
        OVSDB_TABLE_FOR_EACH(row, table) {
            char uuid[UUID_LEN + 1];

            uuid_to_string(&row->uuid, uuid);
            json_object_set_new(table_json, uuid,
                                new_row_to_json(table->schema, row));
        }
        json_object_set_new(record, table->schema->name, table_json);
    }
    if (comment) {
        json_object_set_new(record, "_comment", json_string(comment));
    }
    return record;
}

/* Sets 'column' of 'row' from 'json': a whole value, or a diff against the
 * current value if 'is_diff' and the column is composite and not at its
 * default (as ovsdb-server reads it). */
static struct ovsdb_error *
column_from_json(struct ovsdb_row *row, const struct ovsdb_column *column,
                 const json_t *json, bool is_diff)
{
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum value, diff, cur;
    struct ovsdb_error *error;

    if (is_diff && type_is_composite(type)
        && !column_is_default(row, column)) {
        struct ovsdb_type loose = *type;

        loose.n_min = 0;
        loose.n_max = OVSDB_UNLIMITED;
        error = ovsdb_datum_from_json(&diff, &loose, json, NULL);
        if (error) {
            return error;
        }
        ovsdb_row_get(row, column, &cur);
        datum_apply_diff(&value, &cur, &diff, type);
        ovsdb_datum_destroy(&diff, type);
    } else {
        error = ovsdb_datum_from_json(&value, type, json, NULL);
        if (error) {
            return error;
        }
    }
    error = ovsdb_datum_check_size(&value, type);
    if (error) {
        ovsdb_datum_destroy(&value, type);
        return error;
    }
    ovsdb_row_set(row, column, &value);
    return NULL;
}

static struct ovsdb_error *
row_from_json(struct ovsdb_row *row, const struct ovsdb_table_schema *ts,
              const json_t *json, bool is_diff)
{
    const char *name;
    json_t *value;

    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "row must be a JSON object");
    }
    json_object_foreach((json_t *) json, name, value) {
        const struct ovsdb_column *column =
            ovsdb_table_schema_find_column(ts, name);
        struct ovsdb_error *error;

        if (!column || column->index <= OVSDB_COL_VERSION) {
            return ovsdb_syntax_error(json, "unknown column",
                                      "no column %s in table %s", name,
                                      ts->name);
        }
        error = column_from_json(row, column, value, is_diff);
        if (error) {
            ovsdb_error_prefix(error, "column %s", name);
            return error;
        }
    }
    return NULL;
}

static struct ovsdb_error *
apply_row(struct ovsdb_txn *txn, struct ovsdb_table *table, const char *uuid_s,
          const json_t *json, bool is_diff)
{
    const struct ovsdb_table_schema *ts = table->schema;
    struct ovsdb_error *error;
    struct ovsdb_row *row;
    struct uuid uuid;

    if (strlen(uuid_s) != UUID_LEN || !uuid_from_string(&uuid, uuid_s)) {
        return ovsdb_syntax_error(json, NULL, "\"%s\" is not a valid UUID",
                                  uuid_s);
    }
    row = ovsdb_table_find(table, &uuid);
    if (json_is_null(json)) {
        if (!row) {
            return ovsdb_error("syntax error",
                               "delete of nonexistent row %s in table %s",
                               uuid_s, ts->name);
        }
        ovsdb_txn_delete(txn, table, row);
        return NULL;
    }
    if (row) {
        row = ovsdb_txn_modify_begin(txn, table, row);
        error = row_from_json(row, ts, json, is_diff);
        ovsdb_txn_modify_end(txn, table, row);
        return error;
    }
    if (ovsdb_txn_uuid_in_use(txn, table, &uuid)) {
        return ovsdb_error("syntax error", "row %s in table %s reinserted",
                           uuid_s, ts->name);
    }
    row = ovsdb_row_create(ts);
    row->uuid = uuid;
    error = row_from_json(row, ts, json, false);
    if (error) {
        ovsdb_row_destroy(row, ts);
        return error;
    }
    ovsdb_txn_insert(txn, table, row);
    return NULL;
}

static struct ovsdb_error *
apply_table(struct ovsdb_txn *txn, struct ovsdb_table *table,
            const json_t *json, bool is_diff)
{
    const char *uuid_s;
    json_t *row_json;

    if (!json_is_object(json)) {
        return ovsdb_syntax_error(json, NULL, "table must be a JSON object");
    }
    json_object_foreach((json_t *) json, uuid_s, row_json) {
        struct ovsdb_error *error =
            apply_row(txn, table, uuid_s, row_json, is_diff);

        if (error) {
            ovsdb_error_prefix(error, "table %s row %s", table->schema->name,
                               uuid_s);
            return error;
        }
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_file_apply_record(struct ovsdb_db *db, const json_t *record)
{
    bool is_diff = json_is_true(json_object_get(record, "_is_diff"));
    struct ovsdb_txn *txn;
    const char *name;
    json_t *value;

    if (!json_is_object(record)) {
        return ovsdb_syntax_error(record, NULL,
                                  "record must be a JSON object");
    }
    txn = ovsdb_txn_create(db);
    json_object_foreach((json_t *) record, name, value) {
        struct ovsdb_table *table;
        struct ovsdb_error *error;

        if (name[0] == '_') {
            continue; /* "_date", "_comment", "_is_diff". */
        }
        table = ovsdb_db_find_table(db, name);
        error = table ? apply_table(txn, table, value, is_diff)
                      : ovsdb_syntax_error(record, "unknown table",
                                           "No table named %s.", name);
        if (error) {
            ovsdb_txn_abort(txn);
            return error;
        }
    }
    return ovsdb_txn_commit(txn, false);
}
