/* SPDX-License-Identifier: Apache-2.0 */
/* The transaction history behind "monitor_cond_since". */
#include "vtepd/ovsdb/history.h"

#include <stdint.h>
#include <stdlib.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/util.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

/* One commit.  It shares the rows it names with the database and with the
 * other commits (see ovsdb_row_ref()) and keeps each change in one or two
 * words of 'words': a row pointer with the low bits telling what it is. */
enum {
    W_OLD = 1,  /* The row before the commit (else the row after it). */
    W_MORE = 2, /* A W_OLD word followed by the row after the commit. */
    W_TAGS = 3,
};

/* Consecutive changes to one table: words[start of the run, end). */
struct history_run {
    const struct ovsdb_table *table;
    size_t end;
};

struct history_txn {
    struct list node; /* In 'txns', oldest first. */
    struct uuid id;
    size_t n_words, n_runs;
    size_t bytes;
    struct history_run *runs;
    uintptr_t words[];
};

struct ovsdb_history {
    struct list txns;
    size_t n_txns, max_txns;
    size_t bytes, max_bytes;
    struct uuid base_id; /* The state before the oldest kept commit. */
};

struct ovsdb_history *
ovsdb_history_create(size_t max_txns, size_t max_bytes)
{
    struct ovsdb_history *h = xzalloc(sizeof *h);

    list_init(&h->txns);
    h->max_txns = max_txns ? max_txns : OVSDB_HISTORY_DEFAULT_TXNS;
    h->max_bytes = max_bytes ? max_bytes : OVSDB_HISTORY_DEFAULT_BYTES;
    uuid_generate(&h->base_id);
    return h;
}

static const struct ovsdb_row *
word_row(uintptr_t word)
{
    return (const struct ovsdb_row *) (word & ~(uintptr_t) W_TAGS);
}

/* Decodes the change at words[*i] into 'c' (with 'table') and advances
 * '*i' past it. */
static void
decode_change(const struct history_txn *txn, size_t *i,
              const struct ovsdb_table *table, struct ovsdb_row_change *c)
{
    uintptr_t word = txn->words[(*i)++];

    c->table = table;
    c->changed = NULL;
    if (word & W_OLD) {
        c->old = word_row(word);
        c->new = (word & W_MORE) ? word_row(txn->words[(*i)++]) : NULL;
    } else {
        c->old = NULL;
        c->new = word_row(word);
    }
}

/* Decodes into C (a 'struct ovsdb_row_change') each change of TXN in turn,
 * in commit order.  The body may not 'break'. */
#define HISTORY_TXN_FOR_EACH(C, TXN)                                       \
    for (size_t r__ = 0, i__ = 0; r__ < (TXN)->n_runs; r__++)              \
        while (i__ < (TXN)->runs[r__].end                                  \
               && (decode_change(TXN, &i__, (TXN)->runs[r__].table, &(C)), \
                   true))

static void
txn_destroy(struct history_txn *txn)
{
    struct ovsdb_row_change c;

    HISTORY_TXN_FOR_EACH(c, txn) {
        const struct ovsdb_table_schema *ts = c.table->schema;

        ovsdb_row_destroy((struct ovsdb_row *) c.old, ts);
        ovsdb_row_destroy((struct ovsdb_row *) c.new, ts);
    }
    free(txn->runs);
    free(txn);
}

/* Forgets the oldest commit. */
static void
drop_oldest(struct ovsdb_history *h)
{
    struct history_txn *txn;

    txn = container_of(list_pop_front(&h->txns), struct history_txn, node);
    h->base_id = txn->id;
    h->n_txns--;
    h->bytes -= txn->bytes;
    txn_destroy(txn);
}

void
ovsdb_history_destroy(struct ovsdb_history *h)
{
    if (h) {
        while (h->n_txns) {
            drop_oldest(h);
        }
        free(h);
    }
}

static uintptr_t
ref_word(const struct ovsdb_row *row, uintptr_t tags)
{
    uintptr_t word = (uintptr_t) ovsdb_row_ref(row);

    ASSERT(!(word & W_TAGS));
    return word | tags;
}

const struct uuid *
ovsdb_history_add(struct ovsdb_history *h, const struct ovsdb_changeset *cs)
{
    size_t n_words = 0, n_runs = 0, w = 0, r = 0;
    const struct ovsdb_table *table = NULL;
    struct history_txn *txn;

    for (size_t i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];

        n_words += c->old && c->new ? 2 : 1;
        if (c->table != table) {
            table = c->table;
            n_runs++;
        }
    }
    txn = xmalloc(sizeof *txn + n_words * sizeof *txn->words);
    uuid_generate(&txn->id);
    txn->n_words = n_words;
    txn->n_runs = n_runs;
    txn->runs = xmalloc((n_runs ? n_runs : 1) * sizeof *txn->runs);
    /* What the commit keeps alive: the rows it replaced or deleted are in
     * no table any more.  The rows it wrote are counted by the commit that
     * replaces them, if they are replaced while this one is kept. */
    txn->bytes = sizeof *txn + n_words * sizeof *txn->words
                 + n_runs * sizeof *txn->runs;
    table = NULL;
    for (size_t i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];

        if (c->table != table) {
            if (table) {
                txn->runs[r++] = (struct history_run){ table, w };
            }
            table = c->table;
        }
        if (c->old) {
            txn->words[w++] =
                ref_word(c->old, c->new ? W_OLD | W_MORE : W_OLD);
            txn->bytes += c->table->schema->row_size;
        }
        if (c->new) {
            txn->words[w++] = ref_word(c->new, 0);
        }
    }
    if (table) {
        txn->runs[r++] = (struct history_run){ table, w };
    }
    ASSERT(w == n_words && r == n_runs);

    list_push_back(&h->txns, &txn->node);
    h->n_txns++;
    h->bytes += txn->bytes;
    while (h->n_txns > 1
           && (h->n_txns > h->max_txns || h->bytes > h->max_bytes)) {
        drop_oldest(h);
    }
    return &txn->id;
}

const struct uuid *
ovsdb_history_last_id(const struct ovsdb_history *h)
{
    if (list_is_empty(&h->txns)) {
        return &h->base_id;
    }
    return &container_of(list_back(&h->txns), struct history_txn, node)->id;
}

static size_t
bitmap_bytes(const struct ovsdb_table_schema *ts)
{
    return (ts->n_columns + 63) / 64 * sizeof(uint64_t);
}

/* The net change of one row over several commits. */
struct net_change {
    struct hmap_node node;
    size_t order;
    const struct ovsdb_table *table;
    const struct ovsdb_row *old; /* Before the first commit; NULL if new. */
    const struct ovsdb_row *new; /* After the last; NULL if deleted. */
};

static void
merge_change(struct hmap *rows, size_t *n, const struct ovsdb_row_change *c)
{
    const struct ovsdb_row *row = c->old ? c->old : c->new;
    uint32_t hash = hash_pointer(c->table, uuid_hash(&row->uuid));
    struct net_change *net;

    HMAP_FOR_EACH_WITH_HASH(net, node, hash, rows) {
        const struct ovsdb_row *r = net->old ? net->old : net->new;

        if (net->table == c->table && uuid_equals(&r->uuid, &row->uuid)) {
            net->new = c->new;
            return;
        }
    }
    net = xmalloc(sizeof *net);
    net->order = (*n)++;
    net->table = c->table;
    net->old = c->old;
    net->new = c->new;
    hmap_insert(rows, &net->node, hash);
}

/* Fills 'dst' from 'net'; returns false if the row has no net change. */
static bool
net_to_change(const struct net_change *net, struct ovsdb_row_change *dst)
{
    const struct ovsdb_table_schema *ts = net->table->schema;
    uint64_t *bitmap = NULL;

    if (!net->old && !net->new) {
        return false;
    }
    if (net->old && net->new) {
        for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
            if (!ovsdb_row_column_equals(net->old, net->new, ts->columns[i])) {
                if (!bitmap) {
                    bitmap = xzalloc(bitmap_bytes(ts));
                }
                bitmap[i / 64] |= UINT64_C(1) << (i % 64);
            }
        }
        if (!bitmap) {
            return false;
        }
    }
    dst->table = net->table;
    dst->old = net->old;
    dst->new = net->new;
    dst->changed = bitmap;
    return true;
}

bool
ovsdb_history_changes_since(const struct ovsdb_history *h,
                            const struct uuid *id,
                            struct ovsdb_row_change **changesp, size_t *np)
{
    const struct history_txn *txn, *start = NULL;
    struct net_change **ordered, *net;
    struct hmap rows = HMAP_INITIALIZER(&rows);
    size_t n = 0, n_out = 0;

    *changesp = NULL;
    *np = 0;
    if (!uuid_equals(id, &h->base_id)) {
        LIST_FOR_EACH(txn, node, &h->txns) {
            if (uuid_equals(id, &txn->id)) {
                start = txn;
                break;
            }
        }
        if (!start) {
            return false;
        }
    }

    /* Merge every commit after 'start' (after the base if it is NULL). */
    LIST_FOR_EACH(txn, node, &h->txns) {
        if (start) {
            if (txn == start) {
                start = NULL;
            }
            continue;
        }
        struct ovsdb_row_change c;

        HISTORY_TXN_FOR_EACH(c, txn) {
            merge_change(&rows, &n, &c);
        }
    }

    ordered = xcalloc(n ? n : 1, sizeof *ordered);
    HMAP_FOR_EACH(net, node, &rows) {
        ordered[net->order] = net;
    }
    *changesp = xcalloc(n ? n : 1, sizeof **changesp);
    for (size_t i = 0; i < n; i++) {
        if (net_to_change(ordered[i], &(*changesp)[n_out])) {
            n_out++;
        }
        free(ordered[i]);
    }
    free(ordered);
    hmap_destroy(&rows);
    *np = n_out;
    return true;
}

void
ovsdb_history_free_changes(struct ovsdb_row_change *changes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((uint64_t *) changes[i].changed);
    }
    free(changes);
}

size_t
ovsdb_history_n_txns(const struct ovsdb_history *h)
{
    return h->n_txns;
}

size_t
ovsdb_history_bytes(const struct ovsdb_history *h)
{
    return h->bytes;
}
