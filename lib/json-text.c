/* JSON text for the hot paths.
 *
 * Profiles of large transactions showed jansson's encoder (through its
 * per-chunk callbacks) and its parser (one stream callback per byte) taking
 * more than half of vtepd's instructions.  The encoder here appends to a
 * 'struct ds' in place; the decoder reads the buffer with a pointer and
 * builds the values with jansson's own constructors, so the trees are the
 * ones json_loadb() would build.  The decoder declines anything unusual and
 * leaves it, and every error message, to jansson. */
#include "lib/json-text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/util.h"

/* Nesting beyond this is left to jansson (its own limit is 2048). */
#define JSON_TEXT_MAX_DEPTH 2048

/* The encoder. */

/* Appends the escape sequence jansson writes for byte 'c'. */
static void
encode_escape(unsigned char c, struct ds *out)
{
    static const char hex[] = "0123456789ABCDEF";
    char *p;

    switch (c) {
    case '"':
        ds_put_buffer(out, "\\\"", 2);
        return;
    case '\\':
        ds_put_buffer(out, "\\\\", 2);
        return;
    case '\b':
        ds_put_buffer(out, "\\b", 2);
        return;
    case '\f':
        ds_put_buffer(out, "\\f", 2);
        return;
    case '\n':
        ds_put_buffer(out, "\\n", 2);
        return;
    case '\r':
        ds_put_buffer(out, "\\r", 2);
        return;
    case '\t':
        ds_put_buffer(out, "\\t", 2);
        return;
    default:
        p = ds_put_uninit(out, 6);
        memcpy(p, "\\u00", 4);
        p[4] = hex[c >> 4];
        p[5] = hex[c & 0xf];
        return;
    }
}

void
json_text_encode_string(const char *s, size_t n, struct ds *out)
{
    size_t start = 0;

    ds_put_char(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];

        if (c < 0x20 || c == '"' || c == '\\') {
            ds_put_buffer(out, s + start, i - start);
            encode_escape(c, out);
            start = i + 1;
        }
    }
    ds_put_buffer(out, s + start, n - start);
    ds_put_char(out, '"');
}

void
json_text_encode_integer(json_int_t value, struct ds *out)
{
    char buf[24];
    char *p = buf + sizeof buf;
    unsigned long long u =
        value < 0 ? -(unsigned long long) value : (unsigned long long) value;

    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);
    if (value < 0) {
        *--p = '-';
    }
    ds_put_buffer(out, p, (size_t) (buf + sizeof buf - p));
}

/* Reals are rare on the hot paths and jansson's formatting has its own
 * rules (precision, exponent form), so jansson formats them. */
static void
encode_real(const json_t *json, struct ds *out)
{
    char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);

    if (!text) {
        vtep_abort("cannot encode a JSON real");
    }
    ds_put_cstr(out, text);
    free(text);
}

void
json_text_encode(const json_t *json, struct ds *out)
{
    const char *key;
    json_t *value;
    size_t i;

    switch (json_typeof(json)) {
    case JSON_OBJECT:
        ds_put_char(out, '{');
        i = 0;
        json_object_foreach((json_t *) json, key, value)
        {
            if (i++) {
                ds_put_char(out, ',');
            }
            json_text_encode_string(key, strlen(key), out);
            ds_put_char(out, ':');
            json_text_encode(value, out);
        }
        ds_put_char(out, '}');
        break;
    case JSON_ARRAY:
        ds_put_char(out, '[');
        json_array_foreach(json, i, value)
        {
            if (i) {
                ds_put_char(out, ',');
            }
            json_text_encode(value, out);
        }
        ds_put_char(out, ']');
        break;
    case JSON_STRING:
        json_text_encode_string(json_string_value(json),
                                json_string_length(json), out);
        break;
    case JSON_INTEGER:
        json_text_encode_integer(json_integer_value(json), out);
        break;
    case JSON_REAL:
        encode_real(json, out);
        break;
    case JSON_TRUE:
        ds_put_buffer(out, "true", 4);
        break;
    case JSON_FALSE:
        ds_put_buffer(out, "false", 5);
        break;
    case JSON_NULL:
        ds_put_buffer(out, "null", 4);
        break;
    }
}

/* The decoder.  Each function returns a new reference, or NULL to hand the
 * whole text to jansson. */

struct decoder {
    const char *p;   /* Next byte. */
    const char *end; /* One past the last byte. */
    bool reject_duplicates;
    struct ds scratch; /* Decoded strings with escapes. */
};

static json_t *decode_value(struct decoder *, int depth);

static void
skip_space(struct decoder *d)
{
    while (
        d->p < d->end
        && (*d->p == ' ' || *d->p == '\n' || *d->p == '\r' || *d->p == '\t')) {
        d->p++;
    }
}

/* Decodes the escape sequence after a backslash into 'scratch'; only
 * escapes of ASCII characters other than NUL are handled. */
static bool
decode_escape(struct decoder *d)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    const char *hit;
    int cp = 0;

    if (d->p >= d->end) {
        return false;
    }
    if (*d->p != 'u') {
        hit = memchr(from, *d->p, sizeof from - 1);
        if (!hit) {
            return false;
        }
        ds_put_char(&d->scratch, to[hit - from]);
        d->p++;
        return true;
    }
    if (d->end - d->p < 5) {
        return false;
    }
    for (int i = 1; i <= 4; i++) {
        int h = hexit_value(d->p[i]);

        if (h < 0) {
            return false;
        }
        cp = cp * 16 + h;
    }
    if (cp == 0 || cp >= 0x80) {
        return false;
    }
    ds_put_char(&d->scratch, (char) cp);
    d->p += 5;
    return true;
}

/* Reads a string whose opening quote is at d->p.  Sets '*s' and '*n' to
 * its bytes: in place in the input if it has no escapes, otherwise in
 * 'scratch', valid until the next string is read.  Neither is
 * NUL-terminated. */
static bool
decode_string(struct decoder *d, const char **s, size_t *n)
{
    const char *start = ++d->p;
    bool escaped = false;

    while (d->p < d->end) {
        unsigned char c = *d->p;

        if (c == '"') {
            if (escaped) {
                ds_put_buffer(&d->scratch, start, (size_t) (d->p - start));
                *s = d->scratch.string;
                *n = d->scratch.length;
            } else {
                *s = start;
                *n = (size_t) (d->p - start);
            }
            d->p++;
            return true;
        }
        if (c < 0x20 || c >= 0x80) {
            return false;
        }
        if (c == '\\') {
            if (!escaped) {
                ds_clear(&d->scratch);
                escaped = true;
            }
            ds_put_buffer(&d->scratch, start, (size_t) (d->p - start));
            d->p++;
            if (!decode_escape(d)) {
                return false;
            }
            start = d->p;
            continue;
        }
        d->p++;
    }
    return false;
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Skips a run of digits; returns how many there were. */
static size_t
skip_digits(struct decoder *d)
{
    const char *start = d->p;

    while (d->p < d->end && is_digit(*d->p)) {
        d->p++;
    }
    return (size_t) (d->p - start);
}

static json_t *
decode_real(const char *start, const char *end)
{
    char buf[64];
    double value;
    size_t len = (size_t) (end - start);

    if (len >= sizeof buf) {
        return NULL;
    }
    memcpy(buf, start, len);
    buf[len] = '\0';
    errno = 0;
    value = strtod(buf, NULL);
    return errno ? NULL : json_real(value);
}

static json_t *
decode_number(struct decoder *d)
{
    const char *start = d->p;
    bool negative = *d->p == '-';
    bool real = false;
    size_t n_digits;

    if (negative) {
        d->p++;
    }
    n_digits = skip_digits(d);
    if (!n_digits || (n_digits > 1 && start[negative] == '0')) {
        return NULL;
    }
    if (d->p < d->end && *d->p == '.') {
        d->p++;
        real = true;
        if (!skip_digits(d)) {
            return NULL;
        }
    }
    if (d->p < d->end && (*d->p == 'e' || *d->p == 'E')) {
        d->p++;
        real = true;
        if (d->p < d->end && (*d->p == '+' || *d->p == '-')) {
            d->p++;
        }
        if (!skip_digits(d)) {
            return NULL;
        }
    }
    if (real) {
        return decode_real(start, d->p);
    }
    if (n_digits > 18) {
        return NULL;
    }

    json_int_t value = 0;
    for (const char *q = start + negative; q < d->p; q++) {
        value = value * 10 + (*q - '0');
    }
    return json_integer(negative ? -value : value);
}

static json_t *
decode_literal(struct decoder *d, const char *word, json_t *value)
{
    size_t len = strlen(word);

    if ((size_t) (d->end - d->p) < len || memcmp(d->p, word, len)) {
        return NULL;
    }
    d->p += len;
    return value;
}

static json_t *
decode_array(struct decoder *d, int depth)
{
    json_t *array = json_array();

    d->p++;
    skip_space(d);
    if (d->p < d->end && *d->p == ']') {
        d->p++;
        return array;
    }
    for (;;) {
        json_t *value = decode_value(d, depth);

        if (!value) {
            break;
        }
        json_array_append_new(array, value);
        skip_space(d);
        if (d->p >= d->end) {
            break;
        }
        if (*d->p++ == ']') {
            return array;
        }
        if (d->p[-1] != ',') {
            break;
        }
    }
    json_decref(array);
    return NULL;
}

/* Reads one "key":value member into 'object'. */
static bool
decode_member(struct decoder *d, json_t *object, int depth)
{
    char *key_copy = NULL;
    const char *key;
    size_t key_len, size;
    json_t *value;
    bool ok;

    skip_space(d);
    if (d->p >= d->end || *d->p != '"' || !decode_string(d, &key, &key_len)) {
        return false;
    }
    if (key == d->scratch.string) {
        /* The value may overwrite 'scratch'. */
        key_copy = xmemdup(key, key_len);
        key = key_copy;
    }
    skip_space(d);
    value = NULL;
    if (d->p < d->end && *d->p++ == ':') {
        value = decode_value(d, depth);
    }
    size = json_object_size(object);
    ok = value && !json_object_setn_new_nocheck(object, key, key_len, value)
         && !(d->reject_duplicates && json_object_size(object) == size);
    free(key_copy);
    return ok;
}

static json_t *
decode_object(struct decoder *d, int depth)
{
    json_t *object = json_object();

    d->p++;
    skip_space(d);
    if (d->p < d->end && *d->p == '}') {
        d->p++;
        return object;
    }
    for (;;) {
        if (!decode_member(d, object, depth)) {
            break;
        }
        skip_space(d);
        if (d->p >= d->end) {
            break;
        }
        if (*d->p++ == '}') {
            return object;
        }
        if (d->p[-1] != ',') {
            break;
        }
    }
    json_decref(object);
    return NULL;
}

static json_t *
decode_value(struct decoder *d, int depth)
{
    const char *s;
    size_t n;

    skip_space(d);
    if (d->p >= d->end || depth >= JSON_TEXT_MAX_DEPTH) {
        return NULL;
    }
    switch (*d->p) {
    case '{':
        return decode_object(d, depth + 1);
    case '[':
        return decode_array(d, depth + 1);
    case '"':
        return decode_string(d, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
    case 't':
        return decode_literal(d, "true", json_true());
    case 'f':
        return decode_literal(d, "false", json_false());
    case 'n':
        return decode_literal(d, "null", json_null());
    default:
        return *d->p == '-' || is_digit(*d->p) ? decode_number(d) : NULL;
    }
}

json_t *
json_text_decode(const char *text, size_t n, bool reject_duplicates)
{
    struct decoder d = { .p = text,
                         .end = text + n,
                         .reject_duplicates = reject_duplicates,
                         .scratch = DS_EMPTY_INITIALIZER };
    json_t *json = NULL;

    skip_space(&d);
    if (d.p < d.end && (*d.p == '{' || *d.p == '[')) {
        json = decode_value(&d, 0);
        skip_space(&d);
        if (json && d.p != d.end) {
            json_decref(json);
            json = NULL;
        }
    }
    ds_destroy(&d.scratch);
    return json;
}
