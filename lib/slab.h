/* SPDX-License-Identifier: Apache-2.0 */
/* A slab allocator for many small long-lived objects: the database's rows
 * and interned strings, the reconciler's records of remote MACs.
 *
 * Objects of up to SLAB_MAX bytes are carved, in 8-byte size
 * classes, out of 64 kB blocks that hold objects of one class only.  Next
 * to malloc() that saves each object its 8-byte chunk header and the
 * rounding to 16 bytes (a 104-byte row takes 104 bytes, not 112; a 38-byte
 * string 40, not 48), and it keeps the database's objects out of the
 * heap that parsing and encoding churn through, so that the holes those
 * transient allocations leave are not pinned between rows.  A block whose
 * objects have all been freed goes back to the kernel, unless it is the
 * last one with free space in its class.
 *
 * Larger objects, and every object when running under valgrind or with
 * AddressSanitizer (whose checks need one heap block per object), come
 * from malloc() directly.
 *
 * Single-threaded, like the rest of vtepd. */
#ifndef LIB_SLAB_H
#define LIB_SLAB_H 1

#include <stdbool.h>
#include <stddef.h>

#define SLAB_MAX 256

/* Returns 'size' bytes, aligned for any object of that size up to 8-byte
 * alignment; never NULL (aborts like xmalloc()). */
void *slab_alloc(size_t size);
/* The same, zeroed. */
void *slab_zalloc(size_t size);
/* Frees 'p' (NULL is a no-op), which slab_alloc() returned for the
 * same 'size'. */
void slab_free(void *p, size_t size);

/* Chooses whether objects of up to SLAB_MAX bytes come from blocks
 * ('enable') or from malloc(), and returns the previous choice.  Only for
 * tests, before the process allocates anything here. */
bool slab_enable(bool enable);

/* Statistics, for memory reports and tests: bytes in blocks (including
 * their free space) and bytes handed out in live objects. */
struct slab_stats {
    size_t block_bytes;
    size_t object_bytes;
    size_t n_blocks;
};
void slab_get_stats(struct slab_stats *);

#endif /* lib/slab.h */
