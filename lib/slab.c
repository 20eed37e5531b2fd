/* SPDX-License-Identifier: Apache-2.0 */
/* The slab allocator (see slab.h). */
#include "lib/slab.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/util.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SLAB_HAVE_VALGRIND 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_ASAN 1
#endif
#endif

#define BLOCK_SIZE ((size_t) 64 * 1024) /* Also each block's alignment. */
#define N_CLASSES (SLAB_MAX / 8 + 1)

/* A block, at the start of its own BLOCK_SIZE-aligned mapping, followed by
 * objects of one size class. */
struct slab_block {
    struct slab_block *prev, *next; /* In its class's 'partial' list. */
    void *free;                     /* Freed objects, linked through them. */
    uint32_t live;                  /* Objects handed out. */
    uint32_t bump;                  /* Offset of the first never-used byte. */
    uint16_t class;
    bool in_list; /* In 'partial': has room for one more object. */
};

/* The objects of a block start at this offset. */
#define BLOCK_HEADER 64

/* The blocks of one size class that have room, most recently freed into
 * first. */
struct slab_class {
    struct slab_block *partial;
    size_t n_partial;
};

static struct slab_class classes[N_CLASSES];
static struct slab_stats stats;
static int bypass = -1; /* -1: not decided yet. */

static bool
use_malloc(size_t size)
{
    if (bypass < 0) {
#if defined(SLAB_ASAN)
        bypass = 1;
#elif defined(SLAB_HAVE_VALGRIND)
        bypass = RUNNING_ON_VALGRIND ? 1 : 0;
#else
        bypass = 0;
#endif
    }
    return bypass || size > SLAB_MAX;
}

static void
partial_add(struct slab_class *c, struct slab_block *b)
{
    b->prev = NULL;
    b->next = c->partial;
    if (c->partial) {
        c->partial->prev = b;
    }
    c->partial = b;
    c->n_partial++;
    b->in_list = true;
}

static void
partial_del(struct slab_class *c, struct slab_block *b)
{
    if (b->prev) {
        b->prev->next = b->next;
    } else {
        c->partial = b->next;
    }
    if (b->next) {
        b->next->prev = b->prev;
    }
    c->n_partial--;
    b->in_list = false;
}

/* Maps a new BLOCK_SIZE-aligned block: maps twice the size and gives back
 * what lies outside the aligned half. */
static struct slab_block *
block_create(unsigned int class)
{
    char *base, *aligned;
    struct slab_block *b;

    base = mmap(NULL, 2 * BLOCK_SIZE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        out_of_memory();
    }
    aligned = (char *) (((uintptr_t) base + BLOCK_SIZE - 1)
                        & ~(uintptr_t) (BLOCK_SIZE - 1));
    if (aligned > base) {
        munmap(base, (size_t) (aligned - base));
    }
    if (aligned + BLOCK_SIZE < base + 2 * BLOCK_SIZE) {
        munmap(aligned + BLOCK_SIZE,
               (size_t) (base + 2 * BLOCK_SIZE - (aligned + BLOCK_SIZE)));
    }
#ifdef MADV_POPULATE_WRITE
    /* Objects are carved from the block in order, so all of its pages are
     * about to be written: fault them in with one call rather than one
     * fault each (a big transaction fills hundreds of blocks).  Only a
     * hint; kernels before 5.14 refuse it. */
    (void) madvise(aligned, BLOCK_SIZE, MADV_POPULATE_WRITE);
#endif
    b = (struct slab_block *) (void *) aligned;
    b->free = NULL;
    b->live = 0;
    b->bump = BLOCK_HEADER;
    b->class = (uint16_t) class;
    stats.block_bytes += BLOCK_SIZE;
    stats.n_blocks++;
    return b;
}

static void
block_destroy(struct slab_block *b)
{
    stats.block_bytes -= BLOCK_SIZE;
    stats.n_blocks--;
    munmap(b, BLOCK_SIZE);
}

static bool
block_is_full(const struct slab_block *b, size_t size)
{
    return !b->free && b->bump + size > BLOCK_SIZE;
}

void *
slab_alloc(size_t size)
{
    struct slab_class *c;
    struct slab_block *b;
    unsigned int class;
    void *p;

    if (use_malloc(size)) {
        return xmalloc(size ? size : 1);
    }
    class = size ? (unsigned int) ((size + 7) / 8) : 1;
    size = class * 8;
    c = &classes[class];
    b = c->partial;
    if (!b) {
        b = block_create(class);
        partial_add(c, b);
    }
    if (b->free) {
        p = b->free;
        b->free = *(void **) p;
    } else {
        p = (char *) b + b->bump;
        b->bump += (uint32_t) size;
    }
    b->live++;
    if (block_is_full(b, size)) {
        partial_del(c, b);
    }
    stats.object_bytes += size;
    return p;
}

void *
slab_zalloc(size_t size)
{
    return memset(slab_alloc(size), 0, size);
}

void
slab_free(void *p, size_t size)
{
    struct slab_class *c;
    struct slab_block *b;

    if (!p) {
        return;
    }
    if (use_malloc(size)) {
        free(p);
        return;
    }
    b = (struct slab_block *) (void *) ((uintptr_t) p
                                        & ~(uintptr_t) (BLOCK_SIZE - 1));
    c = &classes[b->class];
    ASSERT(b->class == (size ? (size + 7) / 8 : 1) && b->live > 0);
    stats.object_bytes -= (size_t) b->class * 8;
    *(void **) p = b->free;
    b->free = p;
    b->live--;
    if (!b->in_list) {
        partial_add(c, b);
    }
    if (!b->live && c->n_partial > 1) {
        partial_del(c, b);
        block_destroy(b);
    }
}

bool
slab_enable(bool enable)
{
    bool was = !use_malloc(0);

    ASSERT(!stats.object_bytes);
    bypass = !enable;
    return was;
}

void
slab_get_stats(struct slab_stats *s)
{
    *s = stats;
}
