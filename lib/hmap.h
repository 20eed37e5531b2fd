/* SPDX-License-Identifier: Apache-2.0 */
/* Intrusive hash map.  Callers embed a 'struct hmap_node' in their own
 * struct, compute the hash themselves, and compare keys themselves while
 * walking the nodes that share a hash (HMAP_FOR_EACH_WITH_HASH).  The map
 * never allocates nodes; it only owns its bucket array. */
#ifndef LIB_HMAP_H
#define LIB_HMAP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

struct hmap_node {
    uint32_t hash;
    struct hmap_node *next;
};

struct hmap {
    struct hmap_node **buckets; /* Points to 'one' while mask == 0. */
    struct hmap_node *one;
    size_t mask; /* Number of buckets minus one. */
    size_t n;    /* Number of nodes. */
};

#define HMAP_INITIALIZER(HMAP)   \
    {                            \
        &(HMAP)->one, NULL, 0, 0 \
    }

void hmap_init(struct hmap *);
void hmap_destroy(struct hmap *); /* Frees the buckets, not the nodes. */
void hmap_clear(struct hmap *);   /* Forgets all nodes; keeps capacity. */
void hmap_swap(struct hmap *, struct hmap *);
void hmap_moved(struct hmap *); /* Call after memcpy()ing a map. */

static inline size_t
hmap_count(const struct hmap *hmap)
{
    return hmap->n;
}

static inline bool
hmap_is_empty(const struct hmap *hmap)
{
    return hmap->n == 0;
}

/* Inserts 'node' with 'hash'; grows the bucket array as needed.  Nodes with
 * equal keys may coexist; the caller decides whether that is allowed. */
void hmap_insert(struct hmap *, struct hmap_node *, uint32_t hash);
void hmap_remove(struct hmap *, struct hmap_node *);
/* Puts 'new_node' in the place of 'old_node', which has the same hash. */
void hmap_replace(struct hmap *, const struct hmap_node *old_node,
                  struct hmap_node *new_node);
/* Makes room for 'n' nodes without further reallocation. */
void hmap_reserve(struct hmap *, size_t n);
/* Shrinks the bucket array to fit the current number of nodes. */
void hmap_shrink(struct hmap *);

struct hmap_node *hmap_first_with_hash(const struct hmap *, uint32_t hash);
struct hmap_node *hmap_next_with_hash(const struct hmap_node *);
struct hmap_node *hmap_first(const struct hmap *);
struct hmap_node *hmap_next(const struct hmap *, const struct hmap_node *);

/* Iteration.  NODE must be a plain variable name; it is NULL after a loop
 * that was not left by 'break'. */
#define HMAP_FOR_EACH(NODE, MEMBER, HMAP)                                   \
    for (struct hmap_node *NODE##_node__ = hmap_first(HMAP);                \
         NODE##_node__                                                      \
             ? ((NODE) = OBJECT_CONTAINING(NODE##_node__, NODE, MEMBER), 1) \
             : ((NODE) = NULL, 0);                                          \
         NODE##_node__ = hmap_next(HMAP, NODE##_node__))

/* Like HMAP_FOR_EACH, but NODE may be removed (and freed) by the body. */
#define HMAP_FOR_EACH_SAFE(NODE, MEMBER, HMAP)                               \
    for (struct hmap_node *NODE##_node__ = hmap_first(HMAP), *NODE##_next__; \
         NODE##_node__                                                       \
             ? ((NODE) = OBJECT_CONTAINING(NODE##_node__, NODE, MEMBER),     \
               NODE##_next__ = hmap_next(HMAP, NODE##_node__), 1)            \
             : ((NODE) = NULL, 0);                                           \
         NODE##_node__ = NODE##_next__)

/* Visits the nodes whose hash is HASH (candidates; compare keys). */
#define HMAP_FOR_EACH_WITH_HASH(NODE, MEMBER, HASH, HMAP)                    \
    for (struct hmap_node *NODE##_node__ = hmap_first_with_hash(HMAP, HASH); \
         NODE##_node__                                                       \
             ? ((NODE) = OBJECT_CONTAINING(NODE##_node__, NODE, MEMBER), 1)  \
             : ((NODE) = NULL, 0);                                           \
         NODE##_node__ = hmap_next_with_hash(NODE##_node__))

#endif /* lib/hmap.h */
