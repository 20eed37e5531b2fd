/* SPDX-License-Identifier: Apache-2.0 */
/* Row order, as ovsdb-server's. */
#include "vtepd/ovsdb/row-order.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"

static int
compare_atoms(const union ovsdb_atom *a, const union ovsdb_atom *b,
              unsigned int n, enum ovsdb_atomic_type type)
{
    for (unsigned int i = 0; i < n; i++) {
        int cmp = ovsdb_atom_compare(&a[i], &b[i], type);

        if (cmp) {
            return cmp;
        }
    }
    return 0;
}

static int
compare_datums(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
               const struct ovsdb_type *type)
{
    int cmp;

    if (a->n != b->n) {
        return a->n < b->n ? -1 : 1;
    }
    cmp = compare_atoms(a->keys, b->keys, a->n, type->key.type);
    if (!cmp && ovsdb_type_is_map(type)) {
        cmp = compare_atoms(a->values, b->values, a->n, type->value.type);
    }
    return cmp;
}

int
ovsdb_row_compare(const struct ovsdb_row *a, const struct ovsdb_row *b,
                  const struct ovsdb_column *const *columns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct ovsdb_datum va, vb;
        int cmp;

        ovsdb_row_get(a, columns[i], &va);
        ovsdb_row_get(b, columns[i], &vb);
        cmp = compare_datums(&va, &vb, &columns[i]->type);
        if (cmp) {
            return cmp;
        }
    }
    return 0;
}

/* A model of Open vSwitch's string hash table (shash over hmap): nodes go
 * to the head of bucket 'hash & mask'; once more than twice as many nodes
 * as buckets, the buckets grow, their nodes moved bucket by bucket, each
 * from the head; iteration goes bucket by bucket, each from the head. */
struct model_node {
    const char *name;
    uint32_t hash;
    int next; /* Index of the next node in the bucket, or -1. */
};

struct model {
    struct model_node *nodes;
    int *buckets; /* Head of each bucket, or -1. */
    size_t mask, n;
};

/* Open vSwitch's calc_mask(). */
static size_t
model_calc_mask(size_t capacity)
{
    size_t mask = capacity / 2;

    for (unsigned int shift = 1; shift < 64; shift *= 2) {
        mask |= mask >> shift;
    }
    return mask | (mask & 1) << 1;
}

static void
model_link(struct model *m, int i)
{
    size_t b = m->nodes[i].hash & m->mask;

    m->nodes[i].next = m->buckets[b];
    m->buckets[b] = i;
}

static void
model_resize(struct model *m, size_t new_mask)
{
    int *old = m->buckets;
    size_t old_mask = m->mask;

    m->mask = new_mask;
    m->buckets = xmalloc((new_mask + 1) * sizeof *m->buckets);
    memset(m->buckets, -1, (new_mask + 1) * sizeof *m->buckets);
    for (size_t b = 0; b <= old_mask; b++) {
        for (int i = old[b], next; i >= 0; i = next) {
            next = m->nodes[i].next;
            model_link(m, i);
        }
    }
    free(old);
}

static void
model_insert(struct model *m, const char *name)
{
    int i = (int) m->n++;

    m->nodes[i].name = name;
    m->nodes[i].hash = hash_string(name, 0);
    model_link(m, i);
    if (m->n / 2 > m->mask && model_calc_mask(m->n) > m->mask) {
        model_resize(m, model_calc_mask(m->n));
    }
}

/* Stores in 'out' the 'n' names 'in' in the order a hash table into which
 * they were inserted in turn iterates them. */
static void
hash_order(const char *const *in, size_t n, const char **out)
{
    struct model m = { .nodes = xcalloc(n + 1, sizeof *m.nodes),
                       .buckets = xmalloc(sizeof *m.buckets) };
    size_t k = 0;

    m.buckets[0] = -1;
    for (size_t i = 0; i < n; i++) {
        model_insert(&m, in[i]);
    }
    for (size_t b = 0; b <= m.mask; b++) {
        for (int i = m.buckets[b]; i >= 0; i = m.nodes[i].next) {
            out[k++] = m.nodes[i].name;
        }
    }
    free(m.buckets);
    free(m.nodes);
}

/* The order of a table's columns after parsing a schema whose columns
 * object lists 'names' (n of them): the JSON object is a hash table, and
 * the table's columns another, "_uuid" and "_version" inserted first. */
static void
parsed_order(const char *const *names, size_t n, const char **order)
{
    const char **members = xcalloc(n + 2, sizeof *members);

    order[0] = "_uuid";
    order[1] = "_version";
    hash_order(names, n, &order[2]);
    memcpy(members, order, (n + 2) * sizeof *members);
    hash_order(members, n + 2, order);
    free(members);
}

void
ovsdb_row_order_columns(const char *const *names, size_t n, const char **order)
{
    const char **members = xcalloc(n + 2, sizeof *members);
    const char **written = xcalloc(n + 2, sizeof *written);
    size_t k = 0;

    /* "ovsdb-tool create" parses the schema text, then writes the columns
     * as a JSON object (a hash table) filled in its order, "_uuid" and
     * "_version" left out, and the server parses what it wrote. */
    parsed_order(names, n, order);
    for (size_t i = 0; i < n + 2; i++) {
        if (order[i][0] != '_') {
            members[k++] = order[i];
        }
    }
    hash_order(members, k, written);
    parsed_order(written, k, order);
    free(written);
    free(members);
}
