/* SPDX-License-Identifier: Apache-2.0 */
/* Gives the heap that a burst of database changes left free back to the
 * system once the database has been quiet for a moment.
 *
 * Parsing, executing and logging a large transaction use megabytes that
 * are freed soon after, but malloc() keeps them resident for the next
 * one.  While transactions keep coming that is what we want (giving the
 * pages back and faulting them in again for each would cost more than the
 * transactions themselves), so the trim waits until a second has passed
 * without a commit, and only follows bursts that changed at least 1,000
 * rows.  A trim of the heap a 1,000-row transaction leaves behind takes
 * well under a millisecond. */
#ifndef VTEPD_MEMTRIM_H
#define VTEPD_MEMTRIM_H 1

#include <ev.h>

struct ovsdb_db;
struct vtepd_memtrim;

/* Starts watching the commits of 'db' (which must outlive the result). */
struct vtepd_memtrim *vtepd_memtrim_create(struct ev_loop *,
                                           struct ovsdb_db *db);
void vtepd_memtrim_destroy(struct vtepd_memtrim *); /* NULL is a no-op. */

/* How many times the heap was trimmed. */
unsigned long long vtepd_memtrim_count(const struct vtepd_memtrim *);

#endif /* vtepd/memtrim.h */
