/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB locks (RFC 7047 section 4.1.8): named, advisory locks that clients
 * take with "lock" (wait in line) or "steal" (go first), hold until
 * "unlock" or disconnection, and check in transactions with "assert".
 *
 * A lock has a queue of waiters; the first one owns it.  The owner of a
 * waiter is an opaque pointer (a server session); the caller sends the
 * "locked" and "stolen" notifications this module reports. */
#ifndef VTEPD_OVSDB_LOCK_H
#define VTEPD_OVSDB_LOCK_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/hmap.h"
#include "lib/list.h"

struct ovsdb_lock;

/* One session's claim on one lock. */
struct ovsdb_lock_waiter {
    struct list lock_node;  /* In the lock's queue; the front owns it. */
    struct list owner_node; /* For the owner's use (its list of claims);
                             * initialised empty. */
    struct ovsdb_lock *lock;
    void *owner;
    bool steal; /* Claimed with "steal": once it no longer owns the lock,
                 * the lock counts as lost rather than waited for. */
};

/* All locks of a server. */
struct ovsdb_lock_table {
    struct hmap locks; /* Of 'struct ovsdb_lock', by name. */
};

void ovsdb_lock_table_init(struct ovsdb_lock_table *);
/* Frees the table; every waiter must have been released. */
void ovsdb_lock_table_destroy(struct ovsdb_lock_table *);
size_t ovsdb_lock_table_count(const struct ovsdb_lock_table *);

/* Queues a claim on the lock 'name' for 'owner': at the back, or with
 * 'steal' at the front (taking ownership at once).  If that took the lock
 * from another owner, stores it in '*victimp' (else NULL); the victim keeps
 * its place in the queue, as in ovsdb-server.  Returns the new waiter. */
struct ovsdb_lock_waiter *ovsdb_lock_acquire(struct ovsdb_lock_table *,
                                             const char *name, void *owner,
                                             bool steal, void **victimp);
/* Withdraws 'waiter' (also from the owner's list, if it put it on one)
 * and frees it.  Returns the waiter that now owns the
 * lock if ownership passed to it (to notify with "locked"), else NULL. */
struct ovsdb_lock_waiter *ovsdb_lock_release(struct ovsdb_lock_table *,
                                             struct ovsdb_lock_waiter *);

bool ovsdb_lock_waiter_is_owner(const struct ovsdb_lock_waiter *);
const char *ovsdb_lock_waiter_name(const struct ovsdb_lock_waiter *);

#endif /* vtepd/ovsdb/lock.h */
