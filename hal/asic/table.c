/* SPDX-License-Identifier: Apache-2.0 */
/* Fixed-capacity slot tables with a free list and a per-slot hash node. */
#include <stdlib.h>

#include "hal/asic/asic-private.h"
#include "lib/util.h"

void
asic_table_init(struct asic_table *t, uint32_t capacity)
{
    uint32_t i;

    t->capacity = capacity;
    t->used = 0;
    t->free_stack = xmalloc(capacity * sizeof *t->free_stack);
    t->n_free = capacity;
    for (i = 0; i < capacity; i++) {
        t->free_stack[i] = capacity - 1 - i;
    }
    t->in_use = xzalloc(capacity);
    hmap_init(&t->index);
    t->nodes = xzalloc(capacity * sizeof *t->nodes);
}

void
asic_table_destroy(struct asic_table *t)
{
    if (t) {
        free(t->free_stack);
        free(t->in_use);
        hmap_destroy(&t->index);
        free(t->nodes);
    }
}

int64_t
asic_table_alloc(struct asic_table *t)
{
    uint32_t idx;

    if (!t->n_free) {
        return HAL_E_TABLE_FULL;
    }
    idx = t->free_stack[--t->n_free];
    t->in_use[idx] = 1;
    t->used++;
    return idx;
}

void
asic_table_claim(struct asic_table *t, uint32_t idx)
{
    ASSERT(!t->in_use[idx]);
    t->in_use[idx] = 1;
    t->used++;
}

void
asic_table_claims_done(struct asic_table *t)
{
    uint32_t i;

    t->n_free = 0;
    for (i = t->capacity; i-- > 0;) {
        if (!t->in_use[i]) {
            t->free_stack[t->n_free++] = i;
        }
    }
}

void
asic_table_free(struct asic_table *t, uint32_t idx)
{
    ASSERT(t->in_use[idx]);
    t->in_use[idx] = 0;
    t->used--;
    t->free_stack[t->n_free++] = idx;
}

void
asic_table_index(struct asic_table *t, uint32_t idx, uint32_t hash)
{
    hmap_insert(&t->index, &t->nodes[idx], hash);
}

void
asic_table_unindex(struct asic_table *t, uint32_t idx)
{
    hmap_remove(&t->index, &t->nodes[idx]);
}
