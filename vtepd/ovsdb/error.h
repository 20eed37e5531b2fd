/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB semantic errors.  An error is a value: a tag from RFC 7047 (or one
 * ovsdb-server added, e.g. "not owner"), optional details and the offending
 * JSON or errno, converting straight to the {"error": ..., "details": ...,
 * "syntax": ..., "io-error": ...} object of a reply. */
#ifndef VTEPD_OVSDB_ERROR_H
#define VTEPD_OVSDB_ERROR_H 1

#include <jansson.h>

#include "lib/util.h"

struct ovsdb_error;

/* Returns a new error with 'tag' (a static string) and printf-style
 * details (NULL for none). */
struct ovsdb_error *ovsdb_error(const char *tag, const char *details_fmt, ...)
    PRINTF_FORMAT(2, 3) WARN_UNUSED_RESULT;

/* Returns a new "I/O error" for the negative errno 'error' with
 * printf-style details; its JSON form carries ovsdb-server's "io-error"
 * member (the errno's text), e.g. {"details":"db: write failed",
 * "error":"I/O error","io-error":"No space left on device"}. */
struct ovsdb_error *ovsdb_io_error(int error, const char *details_fmt, ...)
    PRINTF_FORMAT(2, 3) WARN_UNUSED_RESULT;

/* Returns a new "syntax error" that remembers 'json' (borrowed; a compact
 * copy is kept), or NULL for none. */
struct ovsdb_error *ovsdb_syntax_error(const json_t *json, const char *tag,
                                       const char *details_fmt, ...)
    PRINTF_FORMAT(3, 4) WARN_UNUSED_RESULT;

void ovsdb_error_destroy(struct ovsdb_error *);

/* Prefixes the details of 'error' with printf-style text ("X: details"). */
void ovsdb_error_prefix(struct ovsdb_error *, const char *fmt, ...)
    PRINTF_FORMAT(2, 3);

const char *ovsdb_error_tag(const struct ovsdb_error *);
const char *ovsdb_error_details(const struct ovsdb_error *); /* or NULL */

/* Returns the RFC 7047 error object (new reference). */
json_t *ovsdb_error_to_json(const struct ovsdb_error *);

/* Returns a compact, key-sorted rendering of 'json' as ovsdb-server prints
 * it in "syntax" members; the caller frees it. */
char *ovsdb_json_to_string(const json_t *json);

#endif /* vtepd/ovsdb/error.h */
