/* SPDX-License-Identifier: Apache-2.0 */
/* An "insert" operation parsed straight from its JSON text into a row,
 * following the column types, without building a jansson tree: the hot
 * path of large transactions.
 *
 * The parser only ever succeeds where the general path (execution.c,
 * from a decoded tree) would succeed with the same row; it declines
 * everything else (errors, unusual forms, named UUIDs it cannot place
 * without side effects), and the caller then runs the general path, which
 * gives the usual result or error.  Parsing has no side effects: symbols
 * are looked up and created by the caller, in the order the general path
 * creates them. */
#ifndef VTEPD_OVSDB_INSERT_TEXT_H
#define VTEPD_OVSDB_INSERT_TEXT_H 1

#include <stdbool.h>
#include <stddef.h>

#include "lib/uuid.h"
#include "vtepd/ovsdb/datum.h"

struct ovsdb_column;
struct ovsdb_db;
struct ovsdb_row;
struct ovsdb_table;

/* Tables with more columns than this are left to the general path. */
#define OVSDB_INSERT_TEXT_MAX_COLUMNS 64

struct ovsdb_insert_text {
    struct ovsdb_table *table;
    struct ovsdb_row *row; /* Owned; its _uuid is not set. */
    const struct ovsdb_column *set[OVSDB_INSERT_TEXT_MAX_COLUMNS];
    size_t n_set;     /* Columns the "row" member names. */
    char *uuid_name;  /* "uuid-name" (owned), or NULL. */
    bool has_uuid;    /* "uuid" was given... */
    struct uuid uuid; /* ...with this value. */

    /* At most one column may hold a named UUID (["named-uuid", NAME], in
     * a column of at most one element): its value waits here, with a zero
     * UUID, until the caller resolves 'ref_name' and stores it in 'row'. */
    const struct ovsdb_column *ref_column; /* Or NULL. */
    struct ovsdb_datum ref_datum;          /* One UUID atom. */
    char *ref_name;                        /* Owned. */
};

/* Parses the 'n' bytes at 'text', one operation of a transaction on 'db'
 * (JSON that json_text_decode() accepts), into 'ins'.  Returns true if it
 * is an "insert" the fast path handles ('ins' then owns its row and
 * strings: free with ovsdb_insert_text_destroy()), false otherwise (with
 * nothing to free). */
bool ovsdb_insert_text_parse(struct ovsdb_db *db, const char *text, size_t n,
                             struct ovsdb_insert_text *ins);
void ovsdb_insert_text_destroy(struct ovsdb_insert_text *);

/* Parses the 'n' bytes at 'text', one row object (a monitor's "initial",
 * "insert" or "new" row) of 'table', into a new row in '*rowp' (owned by
 * the caller; its _uuid is not set), as the general path would from the
 * decoded object.  Returns false, with nothing to free, for whatever the
 * fast path declines (a column 'table' does not have among them): the
 * caller then decodes the text and takes the general path. */
bool ovsdb_insert_text_parse_row(struct ovsdb_table *table, const char *text,
                                 size_t n, struct ovsdb_row **rowp);

#endif /* vtepd/ovsdb/insert-text.h */
