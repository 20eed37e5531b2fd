/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB monitors (RFC 7047 section 4.1.5 and the ovsdb-server extensions
 * "monitor_cond" and "monitor_cond_since"): what a monitor request asks
 * for, and the "table-updates" a commit, the initial contents or a change
 * of conditions produce for it.
 *
 * A spec is the parsed, immutable form of one monitor request.  Equal
 * requests have equal keys (ovsdb_monitor_spec_key()), so the server can
 * compose each change once per distinct request, however many clients sent
 * it.  Nothing here knows about sessions or the wire. */
#ifndef VTEPD_OVSDB_MONITOR_H
#define VTEPD_OVSDB_MONITOR_H 1

#include <jansson.h>
#include <stddef.h>

#include "lib/util.h"

struct ovsdb_db;
struct ovsdb_error;
struct ovsdb_row_change;
struct ovsdb_schema;

/* The three generations of the protocol. */
enum ovsdb_monitor_version {
    OVSDB_MONITOR_V1, /* "monitor": "update" with "old"/"new" rows. */
    OVSDB_MONITOR_V2, /* "monitor_cond": "update2", conditions, diffs. */
    OVSDB_MONITOR_V3, /* "monitor_cond_since": "update3" with txn ids. */
};

/* Which kinds of change a table or column is monitored for ("select"). */
enum {
    OVSDB_MONITOR_INITIAL = 1 << 0,
    OVSDB_MONITOR_INSERT = 1 << 1,
    OVSDB_MONITOR_DELETE = 1 << 2,
    OVSDB_MONITOR_MODIFY = 1 << 3,
    OVSDB_MONITOR_ALL = 0xf,
};

struct ovsdb_monitor_spec;

/* Parses the <monitor-requests> object 'requests' (borrowed) of a monitor
 * request of 'version' against 'schema' (borrowed; must outlive the spec).
 * Conditions ("where") are accepted from V2 on.  On success stores a new
 * spec in '*specp' and returns NULL; on failure returns the error
 * ovsdb-server gives and stores NULL. */
struct ovsdb_error *
ovsdb_monitor_spec_parse(const struct ovsdb_schema *schema,
                         enum ovsdb_monitor_version version,
                         const json_t *requests,
                         struct ovsdb_monitor_spec **specp) WARN_UNUSED_RESULT;

/* Parses the <monitor-cond-change-requests> object 'changes' (borrowed) of
 * "monitor_cond_change" and stores in '*specp' a new spec equal to 'old'
 * except for the conditions it names.  Returns NULL or an error (and
 * '*specp' NULL), e.g. for a table 'old' does not monitor. */
struct ovsdb_error *ovsdb_monitor_spec_change(
    const struct ovsdb_monitor_spec *old, const json_t *changes,
    struct ovsdb_monitor_spec **specp) WARN_UNUSED_RESULT;

void ovsdb_monitor_spec_destroy(struct ovsdb_monitor_spec *);

enum ovsdb_monitor_version
ovsdb_monitor_spec_version(const struct ovsdb_monitor_spec *);
/* A canonical text form of the spec: equal for equal requests, whatever
 * the member order or spelling of the JSON was.  Owned by the spec. */
const char *ovsdb_monitor_spec_key(const struct ovsdb_monitor_spec *);

/* The "table-updates" (V1) or "table-updates2" (V2, V3) object for the
 * current contents of 'db' (the rows matching the conditions, for tables
 * monitored with "initial").  Returns a new reference, or NULL if there is
 * nothing to report. */
json_t *ovsdb_monitor_compose_initial(const struct ovsdb_monitor_spec *,
                                      const struct ovsdb_db *db);

/* The updates object for 'n' row changes of one commit (borrowed; see
 * transaction.h), or NULL if none concerns the spec. */
json_t *ovsdb_monitor_compose_changes(const struct ovsdb_monitor_spec *,
                                      const struct ovsdb_row_change *changes,
                                      size_t n);

/* The updates object that takes a client from the view of 'old' to the
 * view of 'new' (same tables and columns, other conditions) over the
 * current contents of 'db': rows that enter the view are inserted, rows
 * that leave it are deleted.  NULL if nothing changes. */
json_t *ovsdb_monitor_compose_cond_change(const struct ovsdb_monitor_spec *old,
                                          const struct ovsdb_monitor_spec *new,
                                          const struct ovsdb_db *db);

#endif /* vtepd/ovsdb/monitor.h */
