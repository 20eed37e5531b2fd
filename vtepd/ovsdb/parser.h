/* SPDX-License-Identifier: Apache-2.0 */
/* Checks a JSON object from a peer or a schema file member by member, in
 * the manner of ovsdb-server's parser: the caller names each member it
 * reads with the JSON types it accepts, and the parser reports, in
 * ovsdb-server's words, a missing required member, a member of the wrong
 * type and any member nobody read.  The first error sticks; later calls
 * change nothing, so a caller may read every member and check once.
 *
 *     struct ovsdb_parser p;
 *
 *     ovsdb_parser_init(&p, json, "table %s", name);
 *     where = ovsdb_parser_member(&p, "where", OVSDB_P_ARRAY);
 *     sort = ovsdb_parser_member(&p, "sort",
 *                                OVSDB_P_ARRAY | OVSDB_P_OPTIONAL);
 *     error = ovsdb_parser_finish(&p);
 */
#ifndef VTEPD_OVSDB_PARSER_H
#define VTEPD_OVSDB_PARSER_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

struct ovsdb_error;

/* The JSON types a member may have, or-ed together. */
enum ovsdb_parser_types {
    OVSDB_P_OBJECT = 1 << JSON_OBJECT,
    OVSDB_P_ARRAY = 1 << JSON_ARRAY,
    OVSDB_P_STRING = 1 << JSON_STRING,
    OVSDB_P_INTEGER = 1 << JSON_INTEGER,
    OVSDB_P_REAL = 1 << JSON_REAL,
    OVSDB_P_TRUE = 1 << JSON_TRUE,
    OVSDB_P_FALSE = 1 << JSON_FALSE,
    OVSDB_P_NULL = 1 << JSON_NULL,
    OVSDB_P_NUMBER = OVSDB_P_INTEGER | OVSDB_P_REAL,
    OVSDB_P_BOOLEAN = OVSDB_P_TRUE | OVSDB_P_FALSE,
    OVSDB_P_ANY = OVSDB_P_OBJECT | OVSDB_P_ARRAY | OVSDB_P_STRING
                  | OVSDB_P_NUMBER | OVSDB_P_BOOLEAN | OVSDB_P_NULL,
    OVSDB_P_ID = 1 << 8,       /* A string that is an <id> (RFC 7047). */
    OVSDB_P_OPTIONAL = 1 << 9, /* The member may be absent. */
};

/* The most member names one parser remembers; more is a programming
 * error. */
#define OVSDB_PARSER_MAX_MEMBERS 16

struct ovsdb_parser {
    const json_t *json; /* The object, or NULL if 'json' was not one. */
    char *name;         /* What is parsed, for messages, or NULL. */
    struct ovsdb_error *error;
    const char *used[OVSDB_PARSER_MAX_MEMBERS];
    size_t n_used;
};

/* Starts parsing 'json' (borrowed; it must outlive the parser), which
 * must be an object, else the parser holds "Object expected." without
 * the JSON.  With a 'name_fmt', each error reads "Parsing NAME failed:
 * MESSAGE", as ovsdb-server's operations and monitor requests; with NULL,
 * just MESSAGE, as vtepd's schema parser. */
void ovsdb_parser_init(struct ovsdb_parser *, const json_t *json,
                       const char *name_fmt, ...) PRINTF_FORMAT(3, 4);

/* Returns member 'name' (a string that outlives the parser) of the object,
 * borrowed, if it has one of 'types'.  Else returns NULL, raising "Type
 * mismatch for member 'NAME'." or, if it is absent and not
 * OVSDB_P_OPTIONAL, "Required 'NAME' member is missing.".  Either way the
 * member counts as known to ovsdb_parser_finish(). */
const json_t *ovsdb_parser_member(struct ovsdb_parser *, const char *name,
                                  int types);

/* Declares the 'n' members 'names' (strings that outlive the parser)
 * known, and raises the unknown-member error now if the object has
 * another: for callers that report unknown members before bad ones. */
void ovsdb_parser_expect(struct ovsdb_parser *, const char *const *names,
                         size_t n);

/* Raises an error with the printf-style 'format', unless one is
 * pending. */
void ovsdb_parser_raise_error(struct ovsdb_parser *, const char *format, ...)
    PRINTF_FORMAT(2, 3);

/* Makes 'error' (taken) the parser's error unless one is pending, in which
 * case it is destroyed. */
void ovsdb_parser_put_error(struct ovsdb_parser *, struct ovsdb_error *error);

bool ovsdb_parser_has_error(const struct ovsdb_parser *);

/* Raises "Member 'NAME' is present but not allowed here." for the first
 * member nobody read, unless an error is pending; then frees the parser
 * and returns its error (the caller owns it), or NULL. */
struct ovsdb_error *
ovsdb_parser_finish(struct ovsdb_parser *) WARN_UNUSED_RESULT;

/* Frees the parser without checking for unknown members and returns its
 * error (the caller owns it), or NULL. */
struct ovsdb_error *
ovsdb_parser_destroy(struct ovsdb_parser *) WARN_UNUSED_RESULT;

/* True if 's' is an <id> (RFC 7047): an ASCII letter or '_', then ASCII
 * letters, digits and '_'.  Independent of the locale. */
bool ovsdb_parser_is_id(const char *s);

#endif /* vtepd/ovsdb/parser.h */
