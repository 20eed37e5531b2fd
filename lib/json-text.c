/* SPDX-License-Identifier: Apache-2.0 */
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
#include <stdint.h>
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
        xabort("cannot encode a JSON real");
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
        json_object_foreach((json_t *) json, key, value) {
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
        json_array_foreach(json, i, value) {
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

static json_t *decode_value(struct json_text_reader *, int depth);

static void
skip_space(struct json_text_reader *d)
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
decode_escape(struct json_text_reader *d)
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
/* Skips the bytes a string may hold as they are: printable ASCII other
 * than '"' and '\\'.  Eight at a time: in each word, a byte below 0x20,
 * a quote, a backslash or a byte with the high bit set sets the high bit
 * of its lane in 'special' (lanes after the first such byte may be set
 * spuriously, never lanes before it). */
static void
skip_plain_bytes(struct json_text_reader *d)
{
    const char *p = d->p, *end = d->end;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    static const uint64_t ones = 0x0101010101010101ULL;
    static const uint64_t highs = 0x8080808080808080ULL;

    while (end - p >= 8) {
        uint64_t w, q, b, special;

        memcpy(&w, p, 8);
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        special = (((w - ones * 0x20) & ~w) | ((q - ones) & ~q)
                   | ((b - ones) & ~b) | w)
                  & highs;
        if (special) {
            d->p = p + __builtin_ctzll(special) / 8;
            return;
        }
        p += 8;
    }
#endif
    while (p < end && (unsigned char) *p >= 0x20 && (unsigned char) *p < 0x80
           && *p != '"' && *p != '\\') {
        p++;
    }
    d->p = p;
}

static bool
decode_string(struct json_text_reader *d, const char **s, size_t *n)
{
    const char *start = ++d->p;
    bool escaped = false;

    while (d->p < d->end) {
        unsigned char c;

        skip_plain_bytes(d);
        if (d->p >= d->end) {
            break;
        }
        c = *d->p;

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
skip_digits(struct json_text_reader *d)
{
    const char *start = d->p;

    while (d->p < d->end && is_digit(*d->p)) {
        d->p++;
    }
    return (size_t) (d->p - start);
}

/* Converts the real number text from 'start' to 'end' as strtod() does;
 * fails on overflow and underflow, which jansson reports. */
static bool
scan_real(const char *start, const char *end, double *value)
{
    char buf[64];
    size_t len = (size_t) (end - start);

    if (len >= sizeof buf) {
        return false;
    }
    memcpy(buf, start, len);
    buf[len] = '\0';
    errno = 0;
    *value = strtod(buf, NULL);
    return !errno;
}

/* Reads the number at d->p.  Sets '*is_real' to say whether '*integer' or
 * '*real' holds its value. */
static bool
scan_number(struct json_text_reader *d, bool *is_real, json_int_t *integer,
            double *real)
{
    const char *start = d->p;
    bool negative = *d->p == '-';
    size_t n_digits;

    *is_real = false;
    if (negative) {
        d->p++;
    }
    n_digits = skip_digits(d);
    if (!n_digits || (n_digits > 1 && start[negative] == '0')) {
        return false;
    }
    if (d->p < d->end && *d->p == '.') {
        d->p++;
        *is_real = true;
        if (!skip_digits(d)) {
            return false;
        }
    }
    if (d->p < d->end && (*d->p == 'e' || *d->p == 'E')) {
        d->p++;
        *is_real = true;
        if (d->p < d->end && (*d->p == '+' || *d->p == '-')) {
            d->p++;
        }
        if (!skip_digits(d)) {
            return false;
        }
    }
    if (*is_real) {
        return scan_real(start, d->p, real);
    }
    if (n_digits > 18) {
        return false;
    }

    json_int_t value = 0;
    for (const char *q = start + negative; q < d->p; q++) {
        value = value * 10 + (*q - '0');
    }
    *integer = negative ? -value : value;
    return true;
}

static json_t *
decode_number(struct json_text_reader *d)
{
    json_int_t integer;
    double real;
    bool is_real;

    if (!scan_number(d, &is_real, &integer, &real)) {
        return NULL;
    }
    return is_real ? json_real(real) : json_integer(integer);
}

static bool
scan_literal(struct json_text_reader *d, const char *word)
{
    size_t len = strlen(word);

    if ((size_t) (d->end - d->p) < len || memcmp(d->p, word, len)) {
        return false;
    }
    d->p += len;
    return true;
}

static json_t *
decode_literal(struct json_text_reader *d, const char *word, json_t *value)
{
    return scan_literal(d, word) ? value : NULL;
}

static json_t *
decode_array(struct json_text_reader *d, int depth)
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
decode_member(struct json_text_reader *d, json_t *object, int depth)
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
decode_object(struct json_text_reader *d, int depth)
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
decode_value(struct json_text_reader *d, int depth)
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
    struct json_text_reader d = { .p = text,
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

/* Skipping values: the checks of the decoder, without building. */

static bool skip_value(struct json_text_reader *, int depth);

static bool
skip_array(struct json_text_reader *d, int depth)
{
    d->p++;
    skip_space(d);
    if (d->p < d->end && *d->p == ']') {
        d->p++;
        return true;
    }
    for (;;) {
        if (!skip_value(d, depth)) {
            return false;
        }
        skip_space(d);
        if (d->p >= d->end) {
            return false;
        }
        if (*d->p++ == ']') {
            return true;
        }
        if (d->p[-1] != ',') {
            return false;
        }
    }
}

static bool
skip_object(struct json_text_reader *d, int depth)
{
    const char *key;
    size_t key_len;

    d->p++;
    skip_space(d);
    if (d->p < d->end && *d->p == '}') {
        d->p++;
        return true;
    }
    for (;;) {
        skip_space(d);
        if (d->p >= d->end || *d->p != '"'
            || !decode_string(d, &key, &key_len)) {
            return false;
        }
        skip_space(d);
        if (d->p >= d->end || *d->p++ != ':' || !skip_value(d, depth)) {
            return false;
        }
        skip_space(d);
        if (d->p >= d->end) {
            return false;
        }
        if (*d->p++ == '}') {
            return true;
        }
        if (d->p[-1] != ',') {
            return false;
        }
    }
}

static bool
skip_value(struct json_text_reader *d, int depth)
{
    json_int_t integer;
    const char *s;
    bool is_real;
    double real;
    size_t n;

    skip_space(d);
    if (d->p >= d->end || depth >= JSON_TEXT_MAX_DEPTH) {
        return false;
    }
    switch (*d->p) {
    case '{':
        return skip_object(d, depth + 1);
    case '[':
        return skip_array(d, depth + 1);
    case '"':
        return decode_string(d, &s, &n);
    case 't':
        return scan_literal(d, "true");
    case 'f':
        return scan_literal(d, "false");
    case 'n':
        return scan_literal(d, "null");
    default:
        return (*d->p == '-' || is_digit(*d->p))
               && scan_number(d, &is_real, &integer, &real);
    }
}

/* Reads the array at d->p (nesting 'depth' inside the text), storing the
 * span of each element relative to 'base'. */
static bool
split_array(struct json_text_reader *d, const char *base, int depth,
            struct json_text_span **elemsp, size_t *np)
{
    size_t n = 0, allocated = 0;
    struct json_text_span *elems = NULL;

    skip_space(d);
    if (d->p >= d->end || *d->p != '[' || depth >= JSON_TEXT_MAX_DEPTH) {
        return false;
    }
    d->p++;
    skip_space(d);
    if (d->p < d->end && *d->p == ']') {
        d->p++;
        goto done;
    }
    for (;;) {
        const char *start;

        skip_space(d);
        start = d->p;
        if (!skip_value(d, depth + 1)) {
            break;
        }
        if (n >= allocated) {
            allocated = allocated ? allocated * 2 : 16;
            elems = xrealloc(elems, allocated * sizeof *elems);
        }
        elems[n].ofs = (size_t) (start - base);
        elems[n].len = (size_t) (d->p - start);
        n++;
        skip_space(d);
        if (d->p >= d->end) {
            break;
        }
        if (*d->p++ == ']') {
            goto done;
        }
        if (d->p[-1] != ',') {
            break;
        }
    }
    free(elems);
    return false;

done:
    *elemsp = elems;
    *np = n;
    return true;
}

json_t *
json_text_decode_lazy(const char *text, size_t n, const char *lazy_key,
                      struct json_text_span **elemsp, size_t *n_elemsp,
                      bool *found)
{
    struct json_text_reader d;
    size_t lazy_len = strlen(lazy_key);
    json_t *object = NULL;

    *elemsp = NULL;
    *n_elemsp = 0;
    *found = false;
    json_text_reader_init(&d, text, n);
    skip_space(&d);
    if (d.p >= d.end || *d.p != '{') {
        goto error;
    }
    object = json_object();
    d.p++;
    skip_space(&d);
    if (d.p < d.end && *d.p == '}') {
        d.p++;
        goto done;
    }
    for (;;) {
        const char *key;
        size_t key_len;

        skip_space(&d);
        if (d.p >= d.end || *d.p != '"'
            || !decode_string(&d, &key, &key_len)) {
            goto error;
        }
        skip_space(&d);
        if (d.p >= d.end || *d.p++ != ':') {
            goto error;
        }
        if (key_len == lazy_len && !memcmp(key, lazy_key, key_len)) {
            if (*found || !split_array(&d, text, 1, elemsp, n_elemsp)) {
                goto error;
            }
            *found = true;
        } else {
            char *key_copy = xmemdup(key, key_len);
            json_t *value = decode_value(&d, 1);
            bool ok = value
                      && !json_object_setn_new_nocheck(object, key_copy,
                                                       key_len, value);

            free(key_copy);
            if (!ok) {
                goto error;
            }
        }
        skip_space(&d);
        if (d.p >= d.end) {
            goto error;
        }
        if (*d.p++ == '}') {
            break;
        }
        if (d.p[-1] != ',') {
            goto error;
        }
    }
done:
    skip_space(&d);
    if (d.p == d.end) {
        json_text_reader_destroy(&d);
        return object;
    }
error:
    json_text_reader_destroy(&d);
    json_decref(object);
    free(*elemsp);
    *elemsp = NULL;
    *n_elemsp = 0;
    *found = false;
    return NULL;
}

json_t *
json_text_decode_value(const char *text, size_t n)
{
    struct json_text_reader d;
    json_t *json;

    json_text_reader_init(&d, text, n);
    json = decode_value(&d, 0);
    skip_space(&d);
    if (json && d.p != d.end) {
        json_decref(json);
        json = NULL;
    }
    json_text_reader_destroy(&d);
    return json;
}

/* Arrays kept as text. */

struct json_text_array *
json_text_array_create(char *buf, struct json_text_span *elems, size_t n)
{
    struct json_text_array *array = xmalloc(sizeof *array);

    array->refcnt = 1;
    array->buf = buf;
    array->elems = elems;
    array->n = n;
    return array;
}

struct json_text_array *
json_text_array_parse(const char *text, size_t n)
{
    struct json_text_span *elems;
    struct json_text_reader d;
    size_t n_elems;
    bool ok;

    json_text_reader_init(&d, text, n);
    ok = split_array(&d, text, 0, &elems, &n_elems);
    skip_space(&d);
    json_text_reader_destroy(&d);
    if (!ok) {
        return NULL;
    } else if (d.p != d.end) {
        free(elems);
        return NULL;
    }
    return json_text_array_create(xmemdup(text, n), elems, n_elems);
}

struct json_text_array *
json_text_array_ref(struct json_text_array *array)
{
    array->refcnt++;
    return array;
}

void
json_text_array_unref(struct json_text_array *array)
{
    if (array && !--array->refcnt) {
        free(array->buf);
        free(array->elems);
        free(array);
    }
}

json_t *
json_text_array_get(const struct json_text_array *array, size_t i)
{
    json_t *json;

    ASSERT(i < array->n);
    json = json_text_decode_value(array->buf + array->elems[i].ofs,
                                  array->elems[i].len);
    /* The text was checked when the array was made. */
    ASSERT(json);
    return json;
}

json_t *
json_text_array_to_json(const struct json_text_array *array)
{
    json_t *json = json_array();

    for (size_t i = 0; i < array->n; i++) {
        json_array_append_new(json, json_text_array_get(array, i));
    }
    return json;
}

/* The reader. */

void
json_text_reader_init(struct json_text_reader *r, const char *text, size_t n)
{
    r->p = text;
    r->end = text + n;
    r->reject_duplicates = false;
    ds_init(&r->scratch);
}

void
json_text_reader_destroy(struct json_text_reader *r)
{
    ds_destroy(&r->scratch);
}

int
json_text_reader_peek(struct json_text_reader *r)
{
    skip_space(r);
    return r->p < r->end ? (unsigned char) *r->p : -1;
}

bool
json_text_reader_expect(struct json_text_reader *r, char c)
{
    skip_space(r);
    if (r->p < r->end && *r->p == c) {
        r->p++;
        return true;
    }
    return false;
}

bool
json_text_read_string(struct json_text_reader *r, const char **s, size_t *n)
{
    skip_space(r);
    return r->p < r->end && *r->p == '"' && decode_string(r, s, n);
}

bool
json_text_read_integer(struct json_text_reader *r, json_int_t *value)
{
    bool is_real;
    double real;

    skip_space(r);
    return r->p < r->end && (*r->p == '-' || is_digit(*r->p))
           && scan_number(r, &is_real, value, &real) && !is_real;
}

bool
json_text_read_boolean(struct json_text_reader *r, bool *value)
{
    skip_space(r);
    if (scan_literal(r, "true")) {
        *value = true;
        return true;
    } else if (scan_literal(r, "false")) {
        *value = false;
        return true;
    }
    return false;
}

bool
json_text_skip_value(struct json_text_reader *r)
{
    return skip_value(r, 0);
}
