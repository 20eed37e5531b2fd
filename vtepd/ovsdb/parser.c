/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON object parser: members by name and type, errors in
 * ovsdb-server's words. */
#include "vtepd/ovsdb/parser.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "vtepd/ovsdb/error.h"

void
ovsdb_parser_init(struct ovsdb_parser *p, const json_t *json,
                  const char *name_fmt, ...)
{
    memset(p, 0, sizeof *p);
    if (name_fmt) {
        va_list args;

        va_start(args, name_fmt);
        p->name = xvasprintf(name_fmt, args);
        va_end(args);
    }
    p->json = json_is_object(json) ? json : NULL;
    if (!p->json) {
        ovsdb_parser_raise_error(p, "Object expected.");
    }
}

static bool
is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool
ovsdb_parser_is_id(const char *s)
{
    if (!is_letter(*s)) {
        return false;
    }
    for (s++; *s; s++) {
        if (!is_letter(*s) && !(*s >= '0' && *s <= '9')) {
            return false;
        }
    }
    return true;
}

static bool
is_used(const struct ovsdb_parser *p, const char *name)
{
    for (size_t i = 0; i < p->n_used; i++) {
        if (!strcmp(p->used[i], name)) {
            return true;
        }
    }
    return false;
}

static void
use(struct ovsdb_parser *p, const char *name)
{
    if (!is_used(p, name)) {
        ASSERT(p->n_used < OVSDB_PARSER_MAX_MEMBERS);
        p->used[p->n_used++] = name;
    }
}

static bool
has_type(const json_t *value, int types)
{
    return (types & (1 << json_typeof(value)))
           || ((types & OVSDB_P_ID) && json_is_string(value)
               && ovsdb_parser_is_id(json_string_value(value)));
}

const json_t *
ovsdb_parser_member(struct ovsdb_parser *p, const char *name, int types)
{
    const json_t *value;

    if (!p->json) {
        return NULL;
    }
    use(p, name);
    value = json_object_get(p->json, name);
    if (!value) {
        if (!(types & OVSDB_P_OPTIONAL)) {
            ovsdb_parser_raise_error(p, "Required '%s' member is missing.",
                                     name);
        }
        return NULL;
    }
    if (!has_type(value, types)) {
        ovsdb_parser_raise_error(p, "Type mismatch for member '%s'.", name);
        return NULL;
    }
    return value;
}

/* Raises the error for the first member of the object not used. */
static void
check_unknown(struct ovsdb_parser *p)
{
    const char *key;
    json_t *value;

    if (p->error || !p->json) {
        return;
    }
    json_object_foreach((json_t *) p->json, key, value) {
        if (!is_used(p, key)) {
            ovsdb_parser_raise_error(
                p, "Member '%s' is present but not allowed here.", key);
            return;
        }
    }
}

void
ovsdb_parser_expect(struct ovsdb_parser *p, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        use(p, names[i]);
    }
    check_unknown(p);
}

void
ovsdb_parser_raise_error(struct ovsdb_parser *p, const char *format, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    if (p->error) {
        return;
    }
    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);
    if (p->name) {
        p->error = ovsdb_syntax_error(p->json, NULL, "Parsing %s failed: %s",
                                      p->name, ds_cstr(&s));
    } else {
        p->error = ovsdb_syntax_error(p->json, NULL, "%s", ds_cstr(&s));
    }
    ds_destroy(&s);
}

void
ovsdb_parser_put_error(struct ovsdb_parser *p, struct ovsdb_error *error)
{
    if (p->error) {
        ovsdb_error_destroy(error);
    } else {
        p->error = error;
    }
}

bool
ovsdb_parser_has_error(const struct ovsdb_parser *p)
{
    return p->error != NULL;
}

struct ovsdb_error *
ovsdb_parser_finish(struct ovsdb_parser *p)
{
    check_unknown(p);
    return ovsdb_parser_destroy(p);
}

struct ovsdb_error *
ovsdb_parser_destroy(struct ovsdb_parser *p)
{
    struct ovsdb_error *error = p->error;

    free(p->name);
    p->name = NULL;
    p->error = NULL;
    return error;
}
