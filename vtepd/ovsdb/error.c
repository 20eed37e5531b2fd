/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB error values. */
#include "vtepd/ovsdb/error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "vtepd/ovsdb/json-order.h"

struct ovsdb_error {
    const char *tag; /* Static string. */
    char *details;   /* Owned, or NULL. */
    char *syntax;    /* Owned compact JSON, or NULL. */
    int io_error;    /* Positive errno of an "I/O error", or 0. */
};

static struct ovsdb_error *error_valist(const char *tag, const char *fmt,
                                        va_list args) PRINTF_FORMAT(2, 0);

static struct ovsdb_error *
error_valist(const char *tag, const char *fmt, va_list args)
{
    struct ovsdb_error *error = xzalloc(sizeof *error);

    error->tag = tag;
    if (fmt) {
        error->details = xvasprintf(fmt, args);
    }
    return error;
}

struct ovsdb_error *
ovsdb_error(const char *tag, const char *details_fmt, ...)
{
    struct ovsdb_error *error;
    va_list args;

    va_start(args, details_fmt);
    error = error_valist(tag, details_fmt, args);
    va_end(args);
    return error;
}

struct ovsdb_error *
ovsdb_io_error(int errno_, const char *details_fmt, ...)
{
    struct ovsdb_error *error;
    va_list args;

    va_start(args, details_fmt);
    error = error_valist("I/O error", details_fmt, args);
    va_end(args);
    error->io_error = errno_ < 0 ? -errno_ : errno_;
    return error;
}

struct ovsdb_error *
ovsdb_syntax_error(const json_t *json, const char *tag,
                   const char *details_fmt, ...)
{
    struct ovsdb_error *error;
    va_list args;

    va_start(args, details_fmt);
    error = error_valist(tag ? tag : "syntax error", details_fmt, args);
    va_end(args);
    if (json) {
        error->syntax = ovsdb_json_to_string(json);
    }
    return error;
}

void
ovsdb_error_destroy(struct ovsdb_error *error)
{
    if (error) {
        free(error->details);
        free(error->syntax);
        free(error);
    }
}

void
ovsdb_error_prefix(struct ovsdb_error *error, const char *fmt, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    va_start(args, fmt);
    ds_put_format_valist(&s, fmt, args);
    va_end(args);
    if (error->details) {
        ds_put_format(&s, ": %s", error->details);
    }
    free(error->details);
    error->details = ds_steal_cstr(&s);
}

const char *
ovsdb_error_tag(const struct ovsdb_error *error)
{
    return error->tag;
}

const char *
ovsdb_error_details(const struct ovsdb_error *error)
{
    return error->details;
}

json_t *
ovsdb_error_to_json(const struct ovsdb_error *error)
{
    json_t *json = json_object();

    json_object_set_new(json, "error", json_string(error->tag));
    if (error->details) {
        json_object_set_new(json, "details", json_string(error->details));
    }
    if (error->syntax) {
        json_object_set_new(json, "syntax", json_string(error->syntax));
    }
    if (error->io_error) {
        json_object_set_new(json, "io-error",
                            json_string(strerror(error->io_error)));
    }
    return ovsdb_json_ovs_ordered(json);
}

char *
ovsdb_json_to_string(const json_t *json)
{
    char *s = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY
                                   | JSON_REAL_PRECISION(17));
    return s ? s : xstrdup("null");
}
