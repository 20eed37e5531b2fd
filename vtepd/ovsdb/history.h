/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded, in-memory history of the latest commits of one database, each
 * named by a transaction id (a UUID), so that "monitor_cond_since" can send
 * a reconnecting client only what it missed.
 *
 * Each entry shares the rows its commit changed with the database (rows
 * never change after commit; see ovsdb_row_ref()): it costs a word or two
 * per change, plus the superseded rows it alone keeps alive, which is what
 * the byte limit counts.  When the history is full the oldest entries go;
 * a client whose id is older (or unknown, e.g. from before a restart) gets
 * the full contents. */
#ifndef VTEPD_OVSDB_HISTORY_H
#define VTEPD_OVSDB_HISTORY_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/uuid.h"

struct ovsdb_changeset;
struct ovsdb_history;
struct ovsdb_row_change;

#define OVSDB_HISTORY_DEFAULT_TXNS 100
#define OVSDB_HISTORY_DEFAULT_BYTES (16u * 1024 * 1024)

/* Creates an empty history that keeps at most 'max_txns' commits and about
 * 'max_bytes' of memory of its own (0 selects the defaults).  Its last id is a
 * fresh UUID that names the database's state when the history starts. */
struct ovsdb_history *ovsdb_history_create(size_t max_txns, size_t max_bytes);
void ovsdb_history_destroy(struct ovsdb_history *); /* Accepts NULL. */

/* Records the commit 'changes' (borrowed) under a new transaction id and
 * returns that id (owned by the history). */
const struct uuid *ovsdb_history_add(struct ovsdb_history *,
                                     const struct ovsdb_changeset *changes);

/* The id of the latest commit (or of the initial state). */
const struct uuid *ovsdb_history_last_id(const struct ovsdb_history *);

/* If the history knows 'id', stores in '*changesp' a new array of the net
 * change of each row since then (the rows are borrowed from the history:
 * valid until the next ovsdb_history_add(); free the array with
 * ovsdb_history_free_changes()), in '*np' its size, and returns true.
 * Otherwise returns false. */
bool ovsdb_history_changes_since(const struct ovsdb_history *,
                                 const struct uuid *id,
                                 struct ovsdb_row_change **changesp,
                                 size_t *np);
void ovsdb_history_free_changes(struct ovsdb_row_change *changes, size_t n);

size_t ovsdb_history_n_txns(const struct ovsdb_history *);
size_t ovsdb_history_bytes(const struct ovsdb_history *);

#endif /* vtepd/ovsdb/history.h */
