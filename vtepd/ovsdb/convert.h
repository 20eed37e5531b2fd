/* SPDX-License-Identifier: Apache-2.0 */
/* Schema conversion: a database's data carried over to a new schema, as
 * ovsdb-server's "convert" method and "ovsdb-tool convert" do.
 *
 * Every table that both schemas have is copied row by row, keeping each
 * row's _uuid; columns the new schema dropped are left behind, columns it
 * added start at their default, and every other value must fit the new
 * column's type (a value that does not is an error, worded as
 * ovsdb-server words it).  Tables the new schema dropped are left behind.  The result is
 * committed with every check a client transaction gets (references,
 * constraints, indexes, maxRows), so a conversion that would break one
 * fails as a whole. */
#ifndef VTEPD_OVSDB_CONVERT_H
#define VTEPD_OVSDB_CONVERT_H 1

#include "lib/util.h"

struct ovsdb_db;
struct ovsdb_error;
struct ovsdb_schema;

/* Converts the data of 'src' (borrowed) to 'new_schema' (takes ownership,
 * also on error).  On success stores a new database, owned by the caller
 * and without commit hooks, in '*dstp' and returns NULL; on error stores
 * NULL and returns the error. */
struct ovsdb_error *ovsdb_convert(const struct ovsdb_db *src,
                                  struct ovsdb_schema *new_schema,
                                  struct ovsdb_db **dstp) WARN_UNUSED_RESULT;

/* Puts the schema and data of 'converted' (from ovsdb_convert(); taken and
 * freed) in place of those of 'db', which keeps its identity and commit
 * hooks.  Whoever holds tables, rows or columns of 'db' (monitors, a
 * transaction history) must have let go of them first. */
void ovsdb_convert_replace(struct ovsdb_db *db, struct ovsdb_db *converted);

/* Compares two schema versions "MAJOR.MINOR.PATCH" numerically; returns
 * <0, 0 or >0.  A missing or malformed part counts as 0. */
int ovsdb_schema_version_compare(const char *a, const char *b);

#endif /* vtepd/ovsdb/convert.h */
