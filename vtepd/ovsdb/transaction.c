/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB transactions and commit-time checks (the index check is in
 * txn-index.c). */
#include "vtepd/ovsdb/transaction-private.h"

#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"

static uint32_t
row_key_hash(const struct ovsdb_table *table, const struct uuid *uuid)
{
    return hash_int(uuid_hash(uuid), table->schema->index);
}

/* Looks 'uuid' up in 'txn'.  The index is filled in here, with the rows
 * touched since the last lookup: a transaction that only inserts rows with
 * fresh uuids never builds it.  (It is a cache, hence the cast.) */
struct txn_row *
ovsdb_txn_find_row(const struct ovsdb_txn *txn_,
                   const struct ovsdb_table *table, const struct uuid *uuid)
{
    struct ovsdb_txn *txn = (struct ovsdb_txn *) txn_;
    struct txn_row *tr;

    if (txn->n_indexed < txn->n_order) {
        hmap_reserve(&txn->rows, txn->n_order);
        for (; txn->n_indexed < txn->n_order; txn->n_indexed++) {
            tr = txn->order[txn->n_indexed];
            hmap_insert(&txn->rows, &tr->node,
                        row_key_hash(tr->table, &tr->uuid));
        }
    }

    HMAP_FOR_EACH_WITH_HASH(tr, node, row_key_hash(table, uuid), &txn->rows) {
        if (tr->table == table && uuid_equals(&tr->uuid, uuid)) {
            return tr;
        }
    }
    return NULL;
}

/* Returns a zeroed txn_row owned by 'txn': from a block, so that a big
 * transaction costs a few allocations rather than one per row. */
static struct txn_row *
alloc_txn_row(struct ovsdb_txn *txn)
{
    struct txn_row_block *b = txn->blocks;
    struct txn_row *tr;

    if (!b || b->n >= b->allocated) {
        size_t n = b ? MIN(b->allocated * 2, 4096) : 16;

        b = xmalloc(sizeof *b + n * sizeof *b->rows);
        b->next = txn->blocks;
        b->n = 0;
        b->allocated = n;
        txn->blocks = b;
    }
    tr = &b->rows[b->n++];
    memset(tr, 0, sizeof *tr);
    return tr;
}

static struct txn_row *
add_txn_row(struct ovsdb_txn *txn, struct ovsdb_table *table,
            const struct uuid *uuid, struct ovsdb_row *old,
            struct ovsdb_row *new)
{
    struct txn_row *tr = alloc_txn_row(txn);

    tr->table = table;
    tr->uuid = *uuid;
    tr->old = old;
    tr->new = new;
    if (txn->n_order >= txn->allocated_order) {
        txn->order = x2nrealloc(txn->order, &txn->allocated_order,
                                txn->n_order + 1, sizeof *txn->order);
    }
    txn->order[txn->n_order++] = tr;
    return tr;
}

struct ovsdb_txn *
ovsdb_txn_create(struct ovsdb_db *db)
{
    struct ovsdb_txn *txn = xzalloc(sizeof *txn);

    ASSERT(!db->in_txn);
    db->in_txn = true;
    txn->db = db;
    txn->serial = ++db->txn_serial;
    hmap_init(&txn->rows);
    ds_init(&txn->comment);
    return txn;
}

static void
txn_free(struct ovsdb_txn *txn)
{
    while (txn->blocks) {
        struct txn_row_block *next = txn->blocks->next;

        free(txn->blocks);
        txn->blocks = next;
    }
    free(txn->order);
    hmap_destroy(&txn->rows);
    ds_destroy(&txn->comment);
    txn->db->in_txn = false;
    free(txn);
}

void
ovsdb_txn_abort(struct ovsdb_txn *txn)
{
    if (!txn) {
        return;
    }
    for (size_t i = txn->n_order; i-- > 0;) {
        struct txn_row *tr = txn->order[i];

        if (tr->new) {
            ovsdb_table_remove(tr->table, tr->new);
            ovsdb_row_destroy(tr->new, tr->table->schema);
        }
        if (tr->old) {
            ovsdb_table_insert(tr->table, tr->old);
        }
    }
    txn_free(txn);
}

void
ovsdb_txn_add_comment(struct ovsdb_txn *txn, const char *comment)
{
    if (txn->comment.length) {
        ds_put_char(&txn->comment, '\n');
    }
    ds_put_cstr(&txn->comment, comment);
}

void
ovsdb_txn_set_origin(struct ovsdb_txn *txn, const void *origin)
{
    txn->origin = origin;
}

void
ovsdb_txn_insert(struct ovsdb_txn *txn, struct ovsdb_table *table,
                 struct ovsdb_row *row)
{
    /* Only a row this transaction deleted can have the uuid already. */
    struct txn_row *tr =
        txn->n_deleted ? ovsdb_txn_find_row(txn, table, &row->uuid) : NULL;

    row->txn_serial = txn->serial;
    row->n_refs = 0;
    /* Each new row gets its own _version now, as in ovsdb-server: the
     * rest of the transaction sees it, and the commit keeps it. */
    uuid_generate(&row->version);
    ovsdb_table_insert(table, row);
    if (tr) {
        /* The uuid of a row deleted by this transaction: only the user's
         * "uuid" member could do that, and execution refuses it. */
        ASSERT(!tr->new);
        tr->new = row;
    } else {
        add_txn_row(txn, table, &row->uuid, NULL, row);
    }
}

struct ovsdb_row *
ovsdb_txn_modify_begin(struct ovsdb_txn *txn, struct ovsdb_table *table,
                       struct ovsdb_row *row)
{
    struct ovsdb_row *copy;

    ovsdb_table_remove(table, row);
    if (row->txn_serial == txn->serial) {
        return row;
    }
    copy = ovsdb_row_clone(row, table->schema);
    copy->txn_serial = txn->serial;
    add_txn_row(txn, table, &row->uuid, row, copy);
    return copy;
}

void
ovsdb_txn_modify_end(struct ovsdb_txn *txn, struct ovsdb_table *table,
                     struct ovsdb_row *row)
{
    ovsdb_table_insert(table, row);
}

void
ovsdb_txn_delete(struct ovsdb_txn *txn, struct ovsdb_table *table,
                 struct ovsdb_row *row)
{
    ovsdb_table_remove(table, row);
    txn->n_deleted++;
    if (row->txn_serial == txn->serial) {
        struct txn_row *tr = ovsdb_txn_find_row(txn, table, &row->uuid);

        tr->new = NULL;
        ovsdb_row_destroy(row, table->schema);
    } else {
        add_txn_row(txn, table, &row->uuid, row, NULL);
    }
}

bool
ovsdb_txn_uuid_in_use(const struct ovsdb_txn *txn,
                      const struct ovsdb_table *table, const struct uuid *uuid)
{
    return ovsdb_table_find(table, uuid)
           || ovsdb_txn_find_row(txn, table, uuid);
}

/* Commit-time checks. */

static struct ref_delta *
find_delta(struct commit *c, struct ovsdb_table *table,
           const struct uuid *uuid, bool create)
{
    uint32_t hash = row_key_hash(table, uuid);
    struct ref_delta **slot = &c->cache[hash & (DELTA_CACHE_SIZE - 1)];
    struct ref_delta *d = *slot;

    if (d && d->table == table && uuid_equals(&d->uuid, uuid)) {
        return d;
    }
    HMAP_FOR_EACH_WITH_HASH(d, node, hash, &c->deltas) {
        if (d->table == table && uuid_equals(&d->uuid, uuid)) {
            *slot = d;
            return d;
        }
    }
    if (!create) {
        return NULL;
    }
    d = xzalloc(sizeof *d);
    d->table = table;
    d->uuid = *uuid;
    hmap_insert(&c->deltas, &d->node, hash);
    *slot = d;
    return d;
}

/* The strong reference count 'row' of 'table' would have after commit. */
static long long
ref_count(struct commit *c, struct ovsdb_table *table,
          const struct ovsdb_row *row)
{
    const struct ref_delta *d = find_delta(c, table, &row->uuid, false);

    return (long long) row->n_refs + (d ? d->delta : 0);
}

char *
ovsdb_txn_uuid_str(const struct uuid *uuid, char buf[UUID_LEN + 1])
{
    uuid_to_string(uuid, buf);
    return buf;
}

/* Adds 'delta' to the count of every row that 'base' in 'row's 'column'
 * references strongly.  With 'delta' > 0 the targets must exist.
 *
 * Like ovsdb-server, an atom equal to the referencing row's own uuid is
 * left out altogether, whatever the column's refTable: it is neither
 * checked for existence nor counted (so a row of another table with that
 * uuid may still be deleted). */
static struct ovsdb_error *
adjust_base_refs(struct commit *c, struct txn_row *tr,
                 const struct ovsdb_column *column,
                 const struct ovsdb_base_type *base,
                 const union ovsdb_atom *atoms, unsigned int n, int delta)
{
    struct ovsdb_table *target;
    char b1[UUID_LEN + 1], b2[UUID_LEN + 1];

    if (!ovsdb_base_type_is_strong_ref(base)) {
        return NULL;
    }
    target = c->txn->db->tables[base->u.uuid.ref_table];
    for (unsigned int i = 0; i < n; i++) {
        struct ref_delta *d;

        if (uuid_equals(&atoms[i].uuid, &tr->uuid)) {
            continue;
        }
        d = find_delta(c, target, &atoms[i].uuid, false);

        /* Rows only go away after counting, so a target found once is
         * there for the rest of it. */
        if (delta > 0 && !(d && d->exists)) {
            if (!ovsdb_table_find(target, &atoms[i].uuid)) {
                return ovsdb_error("referential integrity violation",
                                   "Table %s column %s row %s references "
                                   "nonexistent row %s in table %s.",
                                   tr->table->schema->name, column->name,
                                   ovsdb_txn_uuid_str(&tr->uuid, b1),
                                   ovsdb_txn_uuid_str(&atoms[i].uuid, b2),
                                   target->schema->name);
            }
            d = find_delta(c, target, &atoms[i].uuid, true);
            d->exists = true;
        } else if (!d) {
            d = find_delta(c, target, &atoms[i].uuid, true);
        }
        d->delta += delta;
    }
    return NULL;
}

static struct ovsdb_error *
adjust_row_refs(struct commit *c, struct txn_row *tr,
                const struct ovsdb_row *row, const struct ovsdb_column *column,
                int delta)
{
    struct ovsdb_error *error;
    struct ovsdb_datum v;

    ovsdb_row_get(row, column, &v);
    error =
        adjust_base_refs(c, tr, column, &column->type.key, v.keys, v.n, delta);
    if (!error && v.values) {
        error = adjust_base_refs(c, tr, column, &column->type.value, v.values,
                                 v.n, delta);
    }
    return error;
}

static bool
column_has_strong_refs(const struct ovsdb_column *column)
{
    return ovsdb_base_type_is_strong_ref(&column->type.key)
           || ovsdb_base_type_is_strong_ref(&column->type.value);
}

/* Counts the strong references that 'tr' adds and drops. */
static struct ovsdb_error *
count_row_refs(struct commit *c, struct txn_row *tr)
{
    const struct ovsdb_table_schema *ts = tr->table->schema;

    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_error *error;

        if (!column_has_strong_refs(column)
            || (tr->old
                && tr->new &&ovsdb_row_column_equals(tr->old, tr->new,
                                                     column))) {
            continue;
        }
        if (tr->old) {
            error = adjust_row_refs(c, tr, tr->old, column, -1);
            ASSERT(!error);
        }
        if (tr->new) {
            error = adjust_row_refs(c, tr, tr->new, column, 1);
            if (error) {
                return error;
            }
        }
    }
    return NULL;
}

static struct ovsdb_error *
count_refs(struct commit *c)
{
    struct ovsdb_txn *txn = c->txn;
    char buf[UUID_LEN + 1];

    for (size_t i = 0; i < txn->n_order; i++) {
        struct ovsdb_error *error;

        /* The first look at each row since execution: start loading the
         * rows a few ahead. */
        if (i + 8 < txn->n_order) {
            const struct txn_row *ahead = txn->order[i + 8];

            __builtin_prefetch(ahead->new ? ahead->new : ahead->old);
            __builtin_prefetch(
                (const char *) (ahead->new ? ahead->new : ahead->old) + 64);
        }
        error = count_row_refs(c, txn->order[i]);

        if (error) {
            return error;
        }
    }
    for (size_t i = 0; i < txn->n_order; i++) {
        struct txn_row *tr = txn->order[i];
        long long n;

        if (!tr->old || tr->new) {
            continue;
        }
        n = ref_count(c, tr->table, tr->old);
        if (n > 0) {
            return ovsdb_error("referential integrity violation",
                               "cannot delete %s row %s because of %lld "
                               "remaining reference(s)",
                               tr->table->schema->name,
                               ovsdb_txn_uuid_str(&tr->uuid, buf), n);
        }
    }
    return NULL;
}

/* Deletes 'row' as garbage and drops the references it held. */
static void
collect_row(struct commit *c, struct ovsdb_table *table, struct ovsdb_row *row)
{
    const struct ovsdb_table_schema *ts = table->schema;
    struct txn_row tr = { .table = table, .uuid = row->uuid };

    for (unsigned int i = 0; i < ts->n_columns; i++) {
        if (column_has_strong_refs(ts->columns[i])) {
            struct ovsdb_error *error;

            error = adjust_row_refs(c, &tr, row, ts->columns[i], -1);
            ASSERT(!error);
        }
    }
    ovsdb_txn_delete(c->txn, table, row);
}

/* Returns the row 'table' holds with 'uuid' if it is unreferenced garbage:
 * in a non-root table, present, and with no strong references left. */
static struct ovsdb_row *
garbage(struct commit *c, struct ovsdb_table *table, const struct uuid *uuid)
{
    struct ovsdb_row *row;

    if (table->schema->is_root) {
        return NULL;
    }
    row = ovsdb_table_find(table, uuid);
    return row && ref_count(c, table, row) <= 0 ? row : NULL;
}

/* Deletes unreferenced rows of non-root tables that the transaction
 * touched, repeating until nothing more becomes garbage. */
static void
collect_garbage(struct commit *c)
{
    bool progress = true;

    while (progress) {
        struct ovsdb_txn *txn = c->txn;
        struct ref_delta *d;

        progress = false;
        for (size_t i = 0; i < txn->n_order; i++) {
            struct txn_row *tr = txn->order[i];
            struct ovsdb_row *row;

            if (tr->new && (row = garbage(c, tr->table, &tr->uuid))) {
                collect_row(c, tr->table, row);
                progress = true;
            }
        }
        HMAP_FOR_EACH(d, node, &c->deltas) {
            struct ovsdb_row *row = garbage(c, d->table, &d->uuid);

            if (row && d->delta < 0) {
                /* collect_row() may add deltas: restart the walk. */
                collect_row(c, d->table, row);
                progress = true;
                break;
            }
        }
    }
}

static struct ovsdb_error *
check_max_rows(struct commit *c)
{
    struct ovsdb_db *db = c->txn->db;

    for (unsigned int i = 0; i < db->schema->n_tables; i++) {
        const struct ovsdb_table *table = db->tables[i];
        size_t n = ovsdb_table_count(table);

        if (n > table->schema->max_rows) {
            return ovsdb_error("constraint violation",
                               "transaction causes \"%s\" table to contain "
                               "%zu rows, greater than the schema-defined "
                               "limit of %u row(s)",
                               table->schema->name, n,
                               table->schema->max_rows);
        }
    }
    return NULL;
}

/* True if 'atom' is a weak reference to a missing row.  'self', the row
 * being examined, counts as present even while it is out of its table
 * for modification. */
static bool
is_dangling(struct commit *c, const struct ovsdb_base_type *base,
            const union ovsdb_atom *atom, const struct uuid *self)
{
    return ovsdb_base_type_is_weak_ref(base) && !uuid_equals(&atom->uuid, self)
           && !ovsdb_table_find(c->txn->db->tables[base->u.uuid.ref_table],
                                &atom->uuid);
}

/* Returns true if 'column' of 'row' has a weak reference to a missing
 * row. */
static bool
has_dangling_refs(struct commit *c, const struct ovsdb_row *row,
                  const struct ovsdb_column *column)
{
    struct ovsdb_datum v;

    ovsdb_row_get(row, column, &v);
    for (unsigned int i = 0; i < v.n; i++) {
        if (is_dangling(c, &column->type.key, &v.keys[i], &row->uuid)
            || (v.values
                && is_dangling(c, &column->type.value, &v.values[i],
                               &row->uuid))) {
            return true;
        }
    }
    return false;
}

/* Stores in 'pruned' a copy of 'column' of 'row' without its weak
 * references to missing rows and returns how many it left out.  The copy
 * may be empty, which a scalar column cannot hold: the caller checks it
 * before storing it. */
static unsigned int
prune_dangling_refs(struct commit *c, const struct ovsdb_row *row,
                    const struct ovsdb_column *column,
                    struct ovsdb_datum *pruned)
{
    unsigned int n_dropped = 0;
    struct ovsdb_datum v;

    ovsdb_row_get(row, column, &v);
    ovsdb_datum_clone(pruned, &v, &column->type);
    for (unsigned int i = pruned->n; i-- > 0;) {
        if (is_dangling(c, &column->type.key, &pruned->keys[i], &row->uuid)
            || (pruned->values
                && is_dangling(c, &column->type.value, &pruned->values[i],
                               &row->uuid))) {
            ovsdb_datum_remove(pruned, i, &column->type);
            n_dropped++;
        }
    }
    return n_dropped;
}

static bool
column_has_weak_refs(const struct ovsdb_column *column)
{
    return ovsdb_base_type_is_weak_ref(&column->type.key)
           || ovsdb_base_type_is_weak_ref(&column->type.value);
}

/* Removes weak references to missing rows from 'row' of 'table', which
 * this transaction inserted if 'inserted'.  Fails, as ovsdb-server does,
 * if that empties a column that may not be empty. */
static struct ovsdb_error *
assess_weak_refs(struct commit *c, struct ovsdb_table *table,
                 struct ovsdb_row *row, bool inserted)
{
    const struct ovsdb_table_schema *ts = table->schema;
    struct ovsdb_error *error = NULL;
    struct ovsdb_row *copy = NULL;

    for (unsigned int i = 0; !error && i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_datum v;
        unsigned int n_dropped;
        char buf[UUID_LEN + 1];
        bool zero, emptied;

        if (!column_has_weak_refs(column)
            || !has_dangling_refs(c, copy ? copy : row, column)) {
            continue;
        }
        if (!copy) {
            copy = ovsdb_txn_modify_begin(c->txn, table, row);
        }
        zero = inserted && ovsdb_row_has_zero_weak_ref(copy, column);
        n_dropped = prune_dangling_refs(c, copy, column, &v);
        emptied = !v.n && column->type.n_min;
        if (emptied) {
            ovsdb_datum_destroy(&v, &column->type);
        } else {
            ovsdb_row_set(copy, column, &v);
        }
        if (emptied && zero) {
            /* ovsdb-server's words, "volation" included, for a row this
             * transaction inserted. */
            error = ovsdb_error(
                "constraint violation",
                "Weak reference column \"%s\" in \"%s\" row %s (inserted "
                "within this transaction) contained all-zeros UUID "
                "(probably as the default value for this column) but "
                "deleting this value caused a constraint volation because "
                "this column is not allowed to be empty.",
                column->name, ts->name, ovsdb_txn_uuid_str(&copy->uuid, buf));
        } else if (emptied) {
            error = ovsdb_error(
                "constraint violation",
                "Deletion of %u weak reference(s) to deleted (or "
                "never-existing) rows from column \"%s\" in \"%s\" row "
                "%s%s caused this column to become empty, but constraints "
                "on this column disallow an empty column.",
                n_dropped, column->name, ts->name,
                ovsdb_txn_uuid_str(&copy->uuid, buf),
                inserted ? " (inserted within this transaction)" : "");
        }
    }
    if (copy) {
        ovsdb_txn_modify_end(c->txn, table, copy);
    }
    return error;
}

/* True if this transaction deleted a row that 'ts' may refer to weakly. */
static bool
weak_targets_deleted(struct commit *c, const struct ovsdb_table_schema *ts,
                     const bool *deleted)
{
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_type *type = &ts->columns[i]->type;

        if ((ovsdb_base_type_is_weak_ref(&type->key)
             && deleted[type->key.u.uuid.ref_table])
            || (ovsdb_base_type_is_weak_ref(&type->value)
                && deleted[type->value.u.uuid.ref_table])) {
            return true;
        }
    }
    return false;
}

/* Drops weak references to rows that do not exist after the transaction,
 * both in rows the transaction wrote and in rows that referred to rows it
 * deleted.  Only tables that hold weak references are ever scanned. */
static struct ovsdb_error *
remove_weak_refs(struct commit *c)
{
    struct ovsdb_db *db = c->txn->db;
    bool *deleted = xcalloc(db->schema->n_tables + 1, sizeof *deleted);
    struct ovsdb_error *error = NULL;
    size_t n = c->txn->n_order;

    for (size_t i = 0; i < n; i++) {
        struct txn_row *tr = c->txn->order[i];

        if (tr->old && !tr->new) {
            deleted[tr->table->schema->index] = true;
        }
    }
    for (unsigned int t = 0; !error && t < db->schema->n_tables; t++) {
        struct ovsdb_table *table = db->tables[t];
        struct ovsdb_row **rows = NULL, *row;
        size_t n_rows = 0, allocated = 0;

        if (!weak_targets_deleted(c, table->schema, deleted)) {
            continue;
        }
        OVSDB_TABLE_FOR_EACH(row, table) {
            if (n_rows >= allocated) {
                rows = x2nrealloc(rows, &allocated, n_rows + 1, sizeof *rows);
            }
            rows[n_rows++] = row;
        }
        for (size_t i = 0; !error && i < n_rows; i++) {
            error = assess_weak_refs(c, table, rows[i], false);
        }
        free(rows);
    }
    for (size_t i = 0; !error && i < n; i++) {
        struct txn_row *tr = c->txn->order[i];

        if (tr->new) {
            error = assess_weak_refs(c, tr->table, tr->new, !tr->old);
        }
    }
    free(deleted);
    return error;
}

/* Checks set sizes, which removing weak references may have broken. */
static struct ovsdb_error *
check_sizes(struct commit *c)
{
    struct ovsdb_error *error = NULL;

    for (size_t i = 0; !error && i < c->txn->n_order; i++) {
        const struct txn_row *tr = c->txn->order[i];

        error =
            tr->new ? ovsdb_row_check_sizes(tr->new, tr->table->schema) : NULL;
    }
    return error;
}

static void
apply_deltas(struct commit *c)
{
    struct ref_delta *d;

    HMAP_FOR_EACH(d, node, &c->deltas) {
        struct ovsdb_row *row = ovsdb_table_find(d->table, &d->uuid);

        if (row) {
            row->n_refs = (uint32_t) ((long long) row->n_refs + d->delta);
        }
    }
}

/* Returns the change set of 'txn' in 'cs', in a new array the caller
 * frees with free_changes(), and stamps the modified rows' new versions
 * (inserted rows got theirs in ovsdb_txn_insert()). */
static void
build_changes(struct ovsdb_txn *txn, struct ovsdb_changeset *cs)
{
    struct ovsdb_row_change *changes;
    size_t n = 0;

    changes = xcalloc(txn->n_order + 1, sizeof *changes);
    for (size_t i = 0; i < txn->n_order; i++) {
        struct txn_row *tr = txn->order[i];
        struct ovsdb_row_change *change = &changes[n];

        if (!tr->old && !tr->new) {
            continue;
        }
        change->table = tr->table;
        change->old = tr->old;
        change->new = tr->new;
        if (tr->old && tr->new) {
            change->changed =
                ovsdb_row_changed_columns(tr->old, tr->new, tr->table->schema);
            if (!change->changed) {
                continue; /* Written back unchanged. */
            }
        }
        if (tr->old && tr->new) {
            uuid_generate(&tr->new->version);
        }
        n++;
    }
    cs->changes = changes;
    cs->n_changes = n;
    cs->comment = txn->comment.length ? ds_cstr(&txn->comment) : NULL;
}

static void
free_changes(struct ovsdb_changeset *cs)
{
    for (size_t i = 0; i < cs->n_changes; i++) {
        free((uint64_t *) cs->changes[i].changed);
    }
    free((struct ovsdb_row_change *) cs->changes);
}

/* Makes the transaction permanent, if the database's prepare callback (the
 * on-disk store) accepts it: builds the change set, applies the reference
 * counts, runs the hooks and frees the superseded rows.  Returns the
 * callback's error, with nothing applied, if it refuses. */
static struct ovsdb_error *
finish_commit(struct commit *c, bool durable)
{
    struct ovsdb_txn *txn = c->txn;
    struct ovsdb_changeset cs;
    struct ovsdb_error *error;

    build_changes(txn, &cs);
    cs.durable = durable;
    cs.origin = txn->origin;
    error = ovsdb_db_prepare_commit(txn->db, &cs);
    if (!error) {
        apply_deltas(c);
        ovsdb_db_run_commit_hooks(txn->db, &cs);
    }
    free_changes(&cs);
    if (!error) {
        for (size_t i = 0; i < txn->n_order; i++) {
            ovsdb_row_destroy(txn->order[i]->old,
                              txn->order[i]->table->schema);
        }
    }
    return error;
}

struct ovsdb_error *
ovsdb_txn_commit(struct ovsdb_txn *txn, bool durable)
{
    struct commit c = { .txn = txn };
    struct ovsdb_error *error;
    struct ref_delta *d;

    hmap_init(&c.deltas);
    error = count_refs(&c);
    if (!error) {
        collect_garbage(&c);
        error = check_max_rows(&c);
    }
    if (!error) {
        error = remove_weak_refs(&c);
    }
    if (!error) {
        error = check_sizes(&c);
    }
    if (!error) {
        error = ovsdb_txn_check_indexes(&c);
    }
    if (!error) {
        error = finish_commit(&c, durable);
    }
    HMAP_FOR_EACH_SAFE(d, node, &c.deltas) {
        hmap_remove(&c.deltas, &d->node);
        free(d);
    }
    hmap_destroy(&c.deltas);
    if (error) {
        ovsdb_txn_abort(txn);
    } else {
        txn_free(txn);
    }
    return error;
}
