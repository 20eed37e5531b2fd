// SPDX-License-Identifier: Apache-2.0
/* Applying a monitor's table updates to the local replica, and the
 * server's version of the rows that unconfirmed writes touched. */
#include <stdlib.h>
#include <string.h>

#include "lib/json-text.h"
#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/insert-text.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/replica/replica-private.h"

/* ---- The base map ---- */

static struct replica_base_row *
base_find(const struct hmap *base, const struct ovsdb_table *table,
          const struct uuid *uuid)
{
    struct replica_base_row *b;

    HMAP_FOR_EACH_WITH_HASH(b, node, uuid_hash(uuid), base) {
        if (b->table == table && uuid_equals(&b->uuid, uuid)) {
            return b;
        }
    }
    return NULL;
}

void
replica_base_note(struct hmap *base, const struct ovsdb_changeset *cs)
{
    for (size_t i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];
        const struct ovsdb_row *row = c->old ? c->old : c->new;
        struct replica_base_row *b;

        if (base_find(base, c->table, &row->uuid)) {
            continue;
        }
        b = xzalloc(sizeof *b);
        b->table = c->table;
        b->uuid = row->uuid;
        b->row = c->old ? ovsdb_row_clone(c->old, c->table->schema) : NULL;
        hmap_insert(base, &b->node, uuid_hash(&b->uuid));
    }
}

void
replica_base_clear(struct hmap *base)
{
    struct replica_base_row *b;

    HMAP_FOR_EACH_SAFE(b, node, base) {
        hmap_remove(base, &b->node);
        ovsdb_row_destroy(b->row, b->table->schema);
        free(b);
    }
}

/* ---- Rows from JSON ---- */

/* Parses 'json' as a value of 'column' into '*d'.  A 'diff' may break
 * the set size (it is a set of changes, not a value). */
static struct ovsdb_error *
datum_from_json(struct ovsdb_datum *d, const struct ovsdb_column *column,
                const json_t *json, bool diff)
{
    struct ovsdb_error *error =
        ovsdb_datum_from_json(d, &column->type, json, NULL);

    if (!error && !diff) {
        error = ovsdb_datum_check_size(d, &column->type);
        if (error) {
            ovsdb_datum_destroy(d, &column->type);
        }
    }
    return error;
}

/* Applies the update2 'diff' to the value 'd' of 'column': a scalar
 * takes the new value, a set gains the elements it lacked and loses those
 * it had, a map likewise by key, with a key whose value differs taking
 * the new value. */
static struct ovsdb_error *
datum_apply_diff(struct ovsdb_datum *d, const struct ovsdb_column *column,
                 const struct ovsdb_datum *diff)
{
    const struct ovsdb_type *type = &column->type;
    bool map = ovsdb_type_is_map(type);
    struct ovsdb_datum out;
    size_t n = 0, cap = d->n + diff->n;

    if (ovsdb_type_is_scalar(type)) {
        ovsdb_datum_destroy(d, type);
        ovsdb_datum_clone(d, diff, type);
        return ovsdb_datum_check_size(d, type);
    }
    out.keys = xcalloc(cap + 1, sizeof *out.keys);
    out.values = map ? xcalloc(cap + 1, sizeof *out.values) : NULL;
    for (unsigned int i = 0; i < d->n; i++) {
        unsigned int j =
            ovsdb_datum_find_key(diff, &d->keys[i], type->key.type);

        if (j == UINT_MAX) {
            ovsdb_atom_clone(&out.keys[n], &d->keys[i], type->key.type);
            if (map) {
                ovsdb_atom_clone(&out.values[n], &d->values[i],
                                 type->value.type);
            }
            n++;
        } else if (map
                   && !ovsdb_atom_equals(&d->values[i], &diff->values[j],
                                         type->value.type)) {
            ovsdb_atom_clone(&out.keys[n], &d->keys[i], type->key.type);
            ovsdb_atom_clone(&out.values[n], &diff->values[j],
                             type->value.type);
            n++;
        }
    }
    for (unsigned int j = 0; j < diff->n; j++) {
        if (ovsdb_datum_find_key(d, &diff->keys[j], type->key.type)
            == UINT_MAX) {
            ovsdb_atom_clone(&out.keys[n], &diff->keys[j], type->key.type);
            if (map) {
                ovsdb_atom_clone(&out.values[n], &diff->values[j],
                                 type->value.type);
            }
            n++;
        }
    }
    out.n = n;
    if (!n) {
        free(out.keys);
        free(out.values);
        ovsdb_datum_init_empty(&out);
    }
    ovsdb_datum_destroy(d, type);
    *d = out;
    {
        struct ovsdb_error *error = ovsdb_datum_sort(d, type);

        return error ? error : ovsdb_datum_check_size(d, type);
    }
}

/* Fills 'row' (fresh, at defaults) from the row object 'json' (the
 * columns it does not name keep their defaults; columns this schema does
 * not have are ignored). */
static struct ovsdb_error *
row_from_json(struct ovsdb_row *row, const struct ovsdb_table_schema *ts,
              const json_t *json)
{
    const char *name;
    json_t *value;

    if (!json_is_object(json)) {
        return ovsdb_error("syntax error", "row is not an object");
    }
    json_object_foreach((json_t *) json, name, value) {
        const struct ovsdb_column *column =
            ovsdb_table_schema_find_column(ts, name);
        struct ovsdb_datum d;
        struct ovsdb_error *error;

        if (!column || column->index <= OVSDB_COL_VERSION) {
            continue;
        }
        error = datum_from_json(&d, column, value, false);
        if (error) {
            return error;
        }
        ovsdb_row_set(row, column, &d);
    }
    return NULL;
}

/* Applies the diff object 'json' to a copy of 'from', returned in
 * '*rowp'. */
static struct ovsdb_error *
row_apply_diff(const struct ovsdb_row *from,
               const struct ovsdb_table_schema *ts, const json_t *json,
               struct ovsdb_row **rowp)
{
    struct ovsdb_row *row = ovsdb_row_clone(from, ts);
    const char *name;
    json_t *value;

    *rowp = NULL;
    if (!json_is_object(json)) {
        ovsdb_row_destroy(row, ts);
        return ovsdb_error("syntax error", "row diff is not an object");
    }
    json_object_foreach((json_t *) json, name, value) {
        const struct ovsdb_column *column =
            ovsdb_table_schema_find_column(ts, name);
        struct ovsdb_datum diff, cur, copy;
        struct ovsdb_error *error;

        if (!column || column->index <= OVSDB_COL_VERSION) {
            continue;
        }
        error = datum_from_json(&diff, column, value, true);
        if (!error) {
            ovsdb_row_get(row, column, &cur);
            ovsdb_datum_clone(&copy, &cur, &column->type);
            error = datum_apply_diff(&copy, column, &diff);
            ovsdb_datum_destroy(&diff, &column->type);
            if (error) {
                ovsdb_datum_destroy(&copy, &column->type);
            } else {
                ovsdb_row_set(row, column, &copy);
            }
        }
        if (error) {
            ovsdb_row_destroy(row, ts);
            return error;
        }
    }
    *rowp = row;
    return NULL;
}

/* ---- Writing the replica ---- */

/* Makes the local row 'uuid' of 'table' hold what 'want' holds (borrowed;
 * NULL: no such row), writing only the columns that differ. */
static void
replica_set_row(struct ovsdb_txn *txn, struct ovsdb_table *table,
                const struct uuid *uuid, const struct ovsdb_row *want)
{
    const struct ovsdb_table_schema *ts = table->schema;
    struct ovsdb_row *cur = ovsdb_table_find(table, uuid), *w;
    uint64_t *changed;

    if (!want) {
        if (cur) {
            ovsdb_txn_delete(txn, table, cur);
        }
        return;
    }
    if (!cur) {
        w = ovsdb_row_clone(want, ts);
        w->uuid = *uuid;
        uuid_zero(&w->version);
        w->n_refs = 0;
        w->txn_serial = 0;
        ovsdb_txn_insert(txn, table, w);
        return;
    }
    changed = ovsdb_row_changed_columns(cur, want, ts);
    if (!changed) {
        return;
    }
    free(changed);
    w = ovsdb_txn_modify_begin(txn, table, cur);
    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_datum v, copy;

        if (!ovsdb_row_column_equals(w, want, column)) {
            ovsdb_row_get(want, column, &v);
            ovsdb_datum_clone(&copy, &v, &column->type);
            ovsdb_row_set(w, column, &copy);
        }
    }
    ovsdb_txn_modify_end(txn, table, w);
}

/* The server's current version of row 'uuid' of 'table': its base row if
 * an unconfirmed write touched it, else the local row.  '*known' is false
 * if neither exists. */
static const struct ovsdb_row *
server_row(const struct hmap *base, const struct ovsdb_table *table,
           const struct uuid *uuid, struct replica_base_row **bp)
{
    *bp = base_find(base, table, uuid);
    return *bp ? (*bp)->row : ovsdb_table_find(table, uuid);
}

/* Computes the server's new version of a row from its update 'ru' (one
 * <row-update> or <row-update2>): in '*newp' (a new row, or NULL for a
 * deleted row). */
static struct ovsdb_error *
row_update(const struct ovsdb_table_schema *ts, const struct ovsdb_row *old,
           const json_t *ru, enum replica_update_format format,
           struct ovsdb_row **newp)
{
    const json_t *whole = NULL, *diff = NULL;
    struct ovsdb_error *error;

    *newp = NULL;
    if (!json_is_object(ru)) {
        return ovsdb_error("syntax error", "row update is not an object");
    }
    if (format == REPLICA_UPDATE1) {
        whole = json_object_get(ru, "new");
    } else if (json_object_get(ru, "modify")) {
        diff = json_object_get(ru, "modify");
    } else if (!json_object_get(ru, "delete")) {
        whole = json_object_get(ru, "initial");
        whole = whole ? whole : json_object_get(ru, "insert");
        if (!whole) {
            return ovsdb_error("syntax error", "unknown row update");
        }
    }
    if (diff) {
        if (!old) {
            return ovsdb_error("syntax error", "modify of an unknown row");
        }
        return row_apply_diff(old, ts, diff, newp);
    }
    if (whole) {
        struct ovsdb_row *row = ovsdb_row_create(ts);

        error = row_from_json(row, ts, whole);
        if (error) {
            ovsdb_row_destroy(row, ts);
            return error;
        }
        *newp = row;
    }
    return NULL;
}

/* A row a snapshot did not mention (yet). */
struct stale_row {
    struct hmap_node node;
    struct ovsdb_table *table;
    struct uuid uuid;
};

static void
stale_collect(struct ovsdb_db *db, struct hmap *stale)
{
    for (unsigned int i = 0; i < db->schema->n_tables; i++) {
        struct ovsdb_row *row;

        OVSDB_TABLE_FOR_EACH(row, db->tables[i]) {
            struct stale_row *s = xmalloc(sizeof *s);

            s->table = db->tables[i];
            s->uuid = row->uuid;
            hmap_insert(stale, &s->node, uuid_hash(&s->uuid));
        }
    }
}

static void
stale_forget(struct hmap *stale, const struct ovsdb_table *table,
             const struct uuid *uuid)
{
    struct stale_row *s;

    HMAP_FOR_EACH_WITH_HASH(s, node, uuid_hash(uuid), stale) {
        if (s->table == table && uuid_equals(&s->uuid, uuid)) {
            hmap_remove(stale, &s->node);
            free(s);
            return;
        }
    }
}

/* Deletes the rows left in 'stale' (from the replica, or, for a row an
 * unconfirmed write touched, from the server's version) and frees it. */
static void
stale_delete(struct ovsdb_txn *txn, struct hmap *base, struct hmap *stale)
{
    struct stale_row *s;

    HMAP_FOR_EACH_SAFE(s, node, stale) {
        struct replica_base_row *b = base_find(base, s->table, &s->uuid);

        if (b) {
            ovsdb_row_destroy(b->row, s->table->schema);
            b->row = NULL;
        }
        replica_set_row(txn, s->table, &s->uuid, NULL);
        hmap_remove(stale, &s->node);
        free(s);
    }
    hmap_destroy(stale);
}

/* Makes row 'uuid' of 'table' the server's new version 'new' (taken;
 * NULL: deleted). */
static void
apply_row(struct ovsdb_txn *txn, struct hmap *base, struct hmap *stale,
          struct ovsdb_table *table, const struct uuid *uuid,
          struct ovsdb_row *new)
{
    struct replica_base_row *b = base_find(base, table, uuid);

    stale_forget(stale, table, uuid);
    /* The server's version wins, over an unconfirmed write too: the
     * write's own update will bring it back if it commits. */
    replica_set_row(txn, table, uuid, new);
    if (b) {
        ovsdb_row_destroy(b->row, table->schema);
        b->row = new;
    } else {
        ovsdb_row_destroy(new, table->schema);
    }
}

/* Applies the update 'ru' of row 'uuid' of 'table'. */
static struct ovsdb_error *
apply_row_json(struct ovsdb_txn *txn, struct hmap *base, struct hmap *stale,
               struct ovsdb_table *table, const struct uuid *uuid,
               const json_t *ru, enum replica_update_format format)
{
    struct replica_base_row *b;
    const struct ovsdb_row *old = server_row(base, table, uuid, &b);
    struct ovsdb_row *new;
    struct ovsdb_error *error =
        row_update(table->schema, old, ru, format, &new);

    if (!error) {
        apply_row(txn, base, stale, table, uuid, new);
    }
    return error;
}

/* Applies one table's updates. */
static struct ovsdb_error *
apply_table(struct ovsdb_txn *txn, struct hmap *base, struct hmap *stale,
            struct ovsdb_table *table, const json_t *rows,
            enum replica_update_format format)
{
    const char *key;
    json_t *ru;

    if (!json_is_object(rows)) {
        return ovsdb_error("syntax error", "table update is not an object");
    }
    json_object_foreach((json_t *) rows, key, ru) {
        struct ovsdb_error *error;
        struct uuid uuid;

        if (!uuid_from_string(&uuid, key)) {
            return ovsdb_error("syntax error", "bad row uuid %s", key);
        }
        error = apply_row_json(txn, base, stale, table, &uuid, ru, format);
        if (error) {
            return error;
        }
    }
    return NULL;
}

/* Ends an update: deletes the rows a snapshot did not mention and commits
 * 'txn', or, after 'error' (taken), aborts it and returns 'error'. */
static struct ovsdb_error *
apply_finish(struct ovsdb_txn *txn, struct hmap *base, struct hmap *stale,
             struct ovsdb_error *error)
{
    struct stale_row *s;

    if (!error) {
        stale_delete(txn, base, stale);
        return ovsdb_txn_commit(txn, false);
    }
    HMAP_FOR_EACH_SAFE(s, node, stale) {
        hmap_remove(stale, &s->node);
        free(s);
    }
    hmap_destroy(stale);
    ovsdb_txn_abort(txn);
    return error;
}

struct ovsdb_error *
replica_apply(struct ovsdb_db *db, struct hmap *base, const json_t *updates,
              enum replica_update_format format, bool snapshot,
              const void *origin)
{
    struct ovsdb_error *error = NULL;
    struct hmap stale = HMAP_INITIALIZER(&stale);
    struct ovsdb_txn *txn;
    const char *name;
    json_t *rows;

    if (!json_is_object(updates)) {
        return ovsdb_error("syntax error", "table updates not an object");
    }
    if (snapshot) {
        stale_collect(db, &stale);
    }
    txn = ovsdb_txn_create(db);
    ovsdb_txn_set_origin(txn, origin);
    json_object_foreach((json_t *) updates, name, rows) {
        struct ovsdb_table *table = ovsdb_db_find_table(db, name);

        if (table) {
            error = apply_table(txn, base, &stale, table, rows, format);
        }
        if (error) {
            break;
        }
    }
    return apply_finish(txn, base, &stale, error);
}

/* ---- Updates as text: rows parsed straight into the replica ---- */

static bool
text_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && !memcmp(s, word, n);
}

/* Parses the whole row of the <row-update2> text 'text' ({"initial": ROW}
 * or {"insert": ROW}) into '*rowp' without building a tree; false for
 * any other update, or a row the fast parser declines. */
static bool
row_update_text(struct ovsdb_table *table, const char *text, size_t n,
                struct ovsdb_row **rowp)
{
    struct json_text_reader r;
    const char *kind, *start = NULL, *end = NULL;
    size_t kind_len;
    bool ok = false;

    json_text_reader_init(&r, text, n);
    if (json_text_reader_expect(&r, '{')
        && json_text_read_string(&r, &kind, &kind_len)
        && (text_is(kind, kind_len, "initial")
            || text_is(kind, kind_len, "insert"))
        && json_text_reader_expect(&r, ':')
        && json_text_reader_peek(&r) == '{') {
        start = r.p;
        if (json_text_skip_value(&r)) {
            end = r.p;
            ok = json_text_reader_expect(&r, '}')
                 && json_text_reader_peek(&r) < 0;
        }
    }
    json_text_reader_destroy(&r);
    return ok && ovsdb_insert_text_parse_row(table, start, end - start, rowp);
}

/* Applies the update of row 'uuid' of 'table', the 'n' bytes at 'text':
 * whole rows straight from the text, anything else (a diff, a delete, a
 * row the fast parser declines) through a decoded tree. */
static struct ovsdb_error *
apply_row_text(struct ovsdb_txn *txn, struct hmap *base, struct hmap *stale,
               struct ovsdb_table *table, const struct uuid *uuid,
               const char *text, size_t n, enum replica_update_format format)
{
    struct ovsdb_row *new;
    struct ovsdb_error *error;
    json_t *ru;

    if (format == REPLICA_UPDATE2 && row_update_text(table, text, n, &new)) {
        apply_row(txn, base, stale, table, uuid, new);
        return NULL;
    }
    ru = json_text_decode_value(text, n);
    if (!ru) {
        ru = json_loadb(text, n, JSON_DECODE_ANY, NULL);
    }
    if (!ru) {
        return ovsdb_error("syntax error", "bad row update");
    }
    error = apply_row_json(txn, base, stale, table, uuid, ru, format);
    json_decref(ru);
    return error;
}

/* Reads a row's "UUID": key, at 'r'. */
static bool
read_row_uuid(struct json_text_reader *r, struct uuid *uuid)
{
    char buf[UUID_LEN + 1];
    const char *s;
    size_t n;

    if (!json_text_read_string(r, &s, &n) || n != UUID_LEN
        || !json_text_reader_expect(r, ':')) {
        return false;
    }
    memcpy(buf, s, UUID_LEN);
    buf[UUID_LEN] = '\0';
    return uuid_from_string(uuid, buf);
}

/* Applies the rows of one table, the object at 'r'. */
static struct ovsdb_error *
apply_table_text(struct ovsdb_txn *txn, struct hmap *base, struct hmap *stale,
                 struct ovsdb_table *table, struct json_text_reader *r,
                 enum replica_update_format format)
{
    if (!json_text_reader_expect(r, '{')) {
        return ovsdb_error("syntax error", "table update is not an object");
    }
    if (json_text_reader_expect(r, '}')) {
        return NULL;
    }
    do {
        struct ovsdb_error *error;
        struct uuid uuid;
        const char *start;

        if (!read_row_uuid(r, &uuid) || json_text_reader_peek(r) < 0) {
            return ovsdb_error("syntax error", "bad row uuid");
        }
        start = r->p;
        if (!json_text_skip_value(r)) {
            return ovsdb_error("syntax error", "bad row update");
        }
        error = apply_row_text(txn, base, stale, table, &uuid, start,
                               r->p - start, format);
        if (error) {
            return error;
        }
    } while (json_text_reader_expect(r, ','));
    return json_text_reader_expect(r, '}')
               ? NULL
               : ovsdb_error("syntax error", "bad table update");
}

/* Walks the <table-updates> object at 'r'. */
static struct ovsdb_error *
apply_text(struct ovsdb_txn *txn, struct hmap *base, struct hmap *stale,
           struct ovsdb_db *db, struct json_text_reader *r,
           enum replica_update_format format)
{
    if (!json_text_reader_expect(r, '{')) {
        return ovsdb_error("syntax error", "table updates not an object");
    }
    if (json_text_reader_expect(r, '}')) {
        return NULL;
    }
    do {
        struct ovsdb_table *table;
        struct ovsdb_error *error;
        const char *s;
        char *name;
        size_t n;

        if (!json_text_read_string(r, &s, &n) || memchr(s, '\0', n)
            || !json_text_reader_expect(r, ':')) {
            return ovsdb_error("syntax error", "bad table name");
        }
        name = xstrndup(s, n);
        table = ovsdb_db_find_table(db, name);
        free(name);
        if (!table) {
            if (!json_text_skip_value(r)) {
                return ovsdb_error("syntax error", "bad table update");
            }
            continue;
        }
        error = apply_table_text(txn, base, stale, table, r, format);
        if (error) {
            return error;
        }
    } while (json_text_reader_expect(r, ','));
    return json_text_reader_expect(r, '}') && json_text_reader_peek(r) < 0
               ? NULL
               : ovsdb_error("syntax error", "bad table updates");
}

struct ovsdb_error *
replica_apply_text(struct ovsdb_db *db, struct hmap *base, const char *text,
                   size_t n, enum replica_update_format format, bool snapshot,
                   const void *origin)
{
    struct hmap stale = HMAP_INITIALIZER(&stale);
    struct json_text_reader r;
    struct ovsdb_error *error;
    struct ovsdb_txn *txn;

    if (snapshot) {
        stale_collect(db, &stale);
    }
    txn = ovsdb_txn_create(db);
    ovsdb_txn_set_origin(txn, origin);
    json_text_reader_init(&r, text, n);
    error = apply_text(txn, base, &stale, db, &r, format);
    json_text_reader_destroy(&r);
    return apply_finish(txn, base, &stale, error);
}

void
replica_revert(struct ovsdb_db *db, struct hmap *base, const void *origin)
{
    struct ovsdb_txn *txn = ovsdb_txn_create(db);
    struct replica_base_row *b;
    struct ovsdb_error *error;

    ovsdb_txn_set_origin(txn, origin);
    HMAP_FOR_EACH(b, node, base) {
        replica_set_row(txn, (struct ovsdb_table *) b->table, &b->uuid,
                        b->row);
    }
    error = ovsdb_txn_commit(txn, false);
    ovsdb_error_destroy(error);
    replica_base_clear(base);
}
