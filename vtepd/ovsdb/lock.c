/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB locks. */
#include "vtepd/ovsdb/lock.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"

struct ovsdb_lock {
    struct hmap_node node; /* In the table, by hash of 'name'. */
    struct list waiters;   /* Of 'struct ovsdb_lock_waiter'; front owns. */
    char name[];
};

void
ovsdb_lock_table_init(struct ovsdb_lock_table *table)
{
    hmap_init(&table->locks);
}

void
ovsdb_lock_table_destroy(struct ovsdb_lock_table *table)
{
    ASSERT(hmap_is_empty(&table->locks));
    hmap_destroy(&table->locks);
}

size_t
ovsdb_lock_table_count(const struct ovsdb_lock_table *table)
{
    return hmap_count(&table->locks);
}

static struct ovsdb_lock *
lock_find_or_create(struct ovsdb_lock_table *table, const char *name)
{
    uint32_t hash = hash_string(name, 0);
    struct ovsdb_lock *lock;
    size_t len;

    HMAP_FOR_EACH_WITH_HASH(lock, node, hash, &table->locks) {
        if (!strcmp(lock->name, name)) {
            return lock;
        }
    }
    len = strlen(name);
    lock = xmalloc(sizeof *lock + len + 1);
    memcpy(lock->name, name, len + 1);
    list_init(&lock->waiters);
    hmap_insert(&table->locks, &lock->node, hash);
    return lock;
}

static struct ovsdb_lock_waiter *
lock_owner(const struct ovsdb_lock *lock)
{
    return list_is_empty(&lock->waiters)
               ? NULL
               : container_of(list_front(&lock->waiters),
                              struct ovsdb_lock_waiter, lock_node);
}

struct ovsdb_lock_waiter *
ovsdb_lock_acquire(struct ovsdb_lock_table *table, const char *name,
                   void *owner, bool steal, void **victimp)
{
    struct ovsdb_lock *lock = lock_find_or_create(table, name);
    struct ovsdb_lock_waiter *old_owner = lock_owner(lock);
    struct ovsdb_lock_waiter *waiter = xzalloc(sizeof *waiter);

    waiter->lock = lock;
    waiter->owner = owner;
    waiter->steal = steal;
    list_init(&waiter->owner_node);
    if (steal) {
        list_push_front(&lock->waiters, &waiter->lock_node);
    } else {
        list_push_back(&lock->waiters, &waiter->lock_node);
    }
    *victimp = steal && old_owner && old_owner->owner != owner
                   ? old_owner->owner
                   : NULL;
    return waiter;
}

struct ovsdb_lock_waiter *
ovsdb_lock_release(struct ovsdb_lock_table *table,
                   struct ovsdb_lock_waiter *waiter)
{
    struct ovsdb_lock *lock = waiter->lock;
    bool was_owner = ovsdb_lock_waiter_is_owner(waiter);
    struct ovsdb_lock_waiter *new_owner = NULL;

    list_remove(&waiter->lock_node);
    list_remove(&waiter->owner_node);
    free(waiter);
    if (list_is_empty(&lock->waiters)) {
        hmap_remove(&table->locks, &lock->node);
        free(lock);
    } else if (was_owner) {
        new_owner = lock_owner(lock);
    }
    return new_owner;
}

bool
ovsdb_lock_waiter_is_owner(const struct ovsdb_lock_waiter *waiter)
{
    return lock_owner(waiter->lock) == waiter;
}

const char *
ovsdb_lock_waiter_name(const struct ovsdb_lock_waiter *waiter)
{
    return waiter->lock->name;
}
