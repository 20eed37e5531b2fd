/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/hmap.h"

#include <stdlib.h>
#include <string.h>

void
hmap_init(struct hmap *hmap)
{
    hmap->buckets = &hmap->one;
    hmap->one = NULL;
    hmap->mask = 0;
    hmap->n = 0;
}

void
hmap_destroy(struct hmap *hmap)
{
    if (hmap && hmap->buckets != &hmap->one) {
        free(hmap->buckets);
    }
}

void
hmap_clear(struct hmap *hmap)
{
    if (hmap->n) {
        hmap->n = 0;
        memset(hmap->buckets, 0, (hmap->mask + 1) * sizeof *hmap->buckets);
    }
}

void
hmap_moved(struct hmap *hmap)
{
    if (!hmap->mask) {
        hmap->buckets = &hmap->one;
    }
}

void
hmap_swap(struct hmap *a, struct hmap *b)
{
    struct hmap tmp = *a;

    *a = *b;
    *b = tmp;
    hmap_moved(a);
    hmap_moved(b);
}

/* Rebuilds 'hmap' with 'new_mask' + 1 buckets (a power of two). */
static void
resize(struct hmap *hmap, size_t new_mask)
{
    struct hmap_node **buckets;
    size_t i;

    buckets = new_mask ? xcalloc(new_mask + 1, sizeof *buckets) : NULL;
    if (!new_mask) {
        hmap->one = NULL;
        buckets = &hmap->one;
    }
    for (i = 0; i <= hmap->mask; i++) {
        struct hmap_node *node = hmap->buckets[i], *next;

        for (; node; node = next) {
            struct hmap_node **bucket = &buckets[node->hash & new_mask];

            next = node->next;
            node->next = *bucket;
            *bucket = node;
        }
    }
    if (hmap->buckets != &hmap->one) {
        free(hmap->buckets);
    }
    hmap->buckets = buckets;
    hmap->mask = new_mask;
}

/* Returns the mask that holds 'n' nodes at a load factor of at most one. */
static size_t
mask_for(size_t n)
{
    size_t buckets = 1;

    while (buckets < n) {
        buckets *= 2;
    }
    return buckets - 1;
}

void
hmap_insert(struct hmap *hmap, struct hmap_node *node, uint32_t hash)
{
    struct hmap_node **bucket;

    node->hash = hash;
    if (hmap->n + 1 > hmap->mask + 1) {
        resize(hmap, mask_for(hmap->n + 1) * 2 + 1);
    }
    bucket = &hmap->buckets[hash & hmap->mask];
    node->next = *bucket;
    *bucket = node;
    hmap->n++;
}

void
hmap_remove(struct hmap *hmap, struct hmap_node *node)
{
    struct hmap_node **p = &hmap->buckets[node->hash & hmap->mask];

    while (*p != node) {
        ASSERT(*p != NULL);
        p = &(*p)->next;
    }
    *p = node->next;
    hmap->n--;
}

void
hmap_replace(struct hmap *hmap, const struct hmap_node *old_node,
             struct hmap_node *new_node)
{
    struct hmap_node **p = &hmap->buckets[old_node->hash & hmap->mask];

    while (*p != old_node) {
        ASSERT(*p != NULL);
        p = &(*p)->next;
    }
    new_node->hash = old_node->hash;
    new_node->next = old_node->next;
    *p = new_node;
}

void
hmap_reserve(struct hmap *hmap, size_t n)
{
    size_t mask = mask_for(n);

    if (mask > hmap->mask) {
        resize(hmap, mask);
    }
}

void
hmap_shrink(struct hmap *hmap)
{
    size_t mask = mask_for(hmap->n);

    if (mask < hmap->mask) {
        resize(hmap, mask);
    }
}

struct hmap_node *
hmap_first_with_hash(const struct hmap *hmap, uint32_t hash)
{
    struct hmap_node *node = hmap->buckets[hash & hmap->mask];

    while (node && node->hash != hash) {
        node = node->next;
    }
    return node;
}

struct hmap_node *
hmap_next_with_hash(const struct hmap_node *prev)
{
    struct hmap_node *node = prev->next;

    while (node && node->hash != prev->hash) {
        node = node->next;
    }
    return node;
}

static struct hmap_node *
first_from_bucket(const struct hmap *hmap, size_t i)
{
    for (; i <= hmap->mask; i++) {
        if (hmap->buckets[i]) {
            return hmap->buckets[i];
        }
    }
    return NULL;
}

struct hmap_node *
hmap_first(const struct hmap *hmap)
{
    return first_from_bucket(hmap, 0);
}

struct hmap_node *
hmap_next(const struct hmap *hmap, const struct hmap_node *node)
{
    return node->next ? node->next
                      : first_from_bucket(hmap, (node->hash & hmap->mask) + 1);
}
