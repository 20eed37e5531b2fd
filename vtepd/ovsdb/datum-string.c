/* SPDX-License-Identifier: Apache-2.0 */
/* The OVSDB "string" syntax of values: the human-readable form that
 * ovsdb-server puts in error details and that ovs-vsctl and vtep-ctl
 * print, e.g. 5, x, "a b", [a, b], {k=1}.  Not for data exchange: the
 * RFC 7047 JSON form is ovsdb_datum_to_json(). */
#include "vtepd/ovsdb/datum.h"

#include <ctype.h>
#include <float.h>
#include <inttypes.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/uuid.h"

/* True if 's' must be quoted to read back as the same string: unless it
 * looks like an identifier (a letter or '_', then letters, digits, '_',
 * '-' or '.'), or it would read as a boolean or a UUID. */
static bool
string_needs_quotes(const char *s, size_t len)
{
    struct uuid uuid;

    if (!len || (!isalpha((unsigned char) s[0]) && s[0] != '_')) {
        return true;
    }
    for (size_t i = 1; i < len; i++) {
        unsigned char c = s[i];

        if (!isalnum(c) && c != '_' && c != '-' && c != '.') {
            return true;
        }
    }
    return !strcmp(s, "true") || !strcmp(s, "false")
           || uuid_from_string(&uuid, s);
}

void
ovsdb_atom_to_string(const union ovsdb_atom *atom, enum ovsdb_atomic_type type,
                     struct ds *out)
{
    char buf[UUID_LEN + 1];

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        ds_put_format(out, "%" PRId64, atom->integer);
        return;
    case OVSDB_TYPE_REAL:
        ds_put_format(out, "%.*g", DBL_DIG, atom->real);
        return;
    case OVSDB_TYPE_BOOLEAN:
        ds_put_cstr(out, atom->boolean ? "true" : "false");
        return;
    case OVSDB_TYPE_STRING:
        if (string_needs_quotes(atom->string->s, atom->string->len)) {
            json_text_encode_string(atom->string->s, atom->string->len, out);
        } else {
            ds_put_buffer(out, atom->string->s, atom->string->len);
        }
        return;
    case OVSDB_TYPE_UUID:
        uuid_to_string(&atom->uuid, buf);
        ds_put_cstr(out, buf);
        return;
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
}

void
ovsdb_datum_to_string(const struct ovsdb_datum *datum,
                      const struct ovsdb_type *type, struct ds *out)
{
    bool is_map = ovsdb_type_is_map(type);

    if (!is_map && type->n_max == 1 && datum->n == 1) {
        ovsdb_atom_to_string(&datum->keys[0], type->key.type, out);
        return;
    }
    ds_put_char(out, is_map ? '{' : '[');
    for (unsigned int i = 0; i < datum->n; i++) {
        if (i) {
            ds_put_cstr(out, ", ");
        }
        ovsdb_atom_to_string(&datum->keys[i], type->key.type, out);
        if (is_map) {
            ds_put_char(out, '=');
            ovsdb_atom_to_string(&datum->values[i], type->value.type, out);
        }
    }
    ds_put_char(out, is_map ? '}' : ']');
}
