/* SPDX-License-Identifier: Apache-2.0 */
/* JSON text for the hot paths: a compact encoder that writes straight into
 * a buffer and a decoder for the common case, both producing exactly what
 * jansson would. */
#ifndef LIB_JSON_TEXT_H
#define LIB_JSON_TEXT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/ds.h"

/* Appends 'json' (any value) to 'out' as json_dumps() would with
 * JSON_COMPACT | JSON_ENCODE_ANY: members in insertion order, UTF-8 left
 * as is.  'json' is borrowed. */
void json_text_encode(const json_t *json, struct ds *out);

/* Append one JSON string (the 'n' bytes at 's', UTF-8, escaped as
 * json_text_encode() escapes them) or one JSON integer to 'out', for
 * callers that write JSON text without building a jansson value. */
void json_text_encode_string(const char *s, size_t n, struct ds *out);
void json_text_encode_integer(json_int_t value, struct ds *out);

/* Parses the 'n' bytes at 'text', which must hold one JSON object or array
 * and nothing else but white space, and returns a new reference to it,
 * equal to what json_loadb() with flags 0 (or JSON_REJECT_DUPLICATES if
 * 'reject_duplicates') returns.  Returns NULL for whatever the fast path
 * does not handle: syntax errors, non-ASCII text, \u escapes beyond ASCII,
 * integers of more than 18 digits, real overflow, deep nesting; the caller
 * then parses with jansson, which gives the same value or its error
 * message. */
json_t *json_text_decode(const char *text, size_t n, bool reject_duplicates);

/* Like json_text_decode(), for any JSON value (a string, a number...), not
 * only an object or an array; duplicates are not rejected. */
json_t *json_text_decode_value(const char *text, size_t n);

/* Where one value lies in a text: 'len' bytes from offset 'ofs'. */
struct json_text_span {
    size_t ofs;
    size_t len;
};

/* Decodes the JSON object in the 'n' bytes at 'text' as json_text_decode()
 * does (duplicates allowed), except the member named 'lazy_key', whose
 * value must be an array: it is checked as json_text_decode() would check
 * it but not built; instead '*elemsp' (a new array, owned by the caller)
 * receives the span of each of its '*n_elemsp' elements within 'text', and
 * '*found' is set to true.  Returns a new reference to the object without
 * 'lazy_key', or NULL (with nothing to free) if json_text_decode() would
 * return NULL, if 'lazy_key' appears twice or if its value is not an
 * array: the caller then decodes the text the ordinary way. */
json_t *json_text_decode_lazy(const char *text, size_t n, const char *lazy_key,
                              struct json_text_span **elemsp, size_t *n_elemsp,
                              bool *found);

/* A JSON array kept as text, whose elements were checked to be JSON that
 * json_text_decode_value() accepts.  Reference counted, never modified. */
struct json_text_array {
    unsigned int refcnt;
    char *buf;                    /* Owned: the text the spans point into. */
    struct json_text_span *elems; /* Owned: one per element. */
    size_t n;                     /* Number of elements. */
};

/* Returns a new array (one reference) that takes ownership of 'buf' and
 * 'elems' (both malloc'd). */
struct json_text_array *
json_text_array_create(char *buf, struct json_text_span *elems, size_t n);
/* Returns a new array holding the elements of the JSON array in the 'n'
 * bytes at 'text' (copied), or NULL if json_text_decode() would not
 * accept the text or it is not an array. */
struct json_text_array *json_text_array_parse(const char *text, size_t n);
struct json_text_array *json_text_array_ref(struct json_text_array *);
void json_text_array_unref(struct json_text_array *); /* Accepts NULL. */
/* Returns a new reference to element 'i' (< n), decoded. */
json_t *json_text_array_get(const struct json_text_array *, size_t i);
/* Returns a new reference to the whole array, decoded: equal to what
 * jansson would have parsed from the original text. */
json_t *json_text_array_to_json(const struct json_text_array *);

/* Reading JSON text piece by piece, for parsers that follow a schema
 * instead of building a tree.  Each read skips white space first and
 * returns false if the next value is not of the kind asked for, or is not
 * something json_text_decode() would accept; after false the position is
 * unspecified and the caller should give up on the text.  Strings are
 * returned in place when they have no escapes, otherwise in 'scratch',
 * valid until the next read. */
struct json_text_reader {
    const char *p;   /* Next byte. */
    const char *end; /* One past the last byte. */
    bool reject_duplicates;
    struct ds scratch;
};

void json_text_reader_init(struct json_text_reader *, const char *text,
                           size_t n);
void json_text_reader_destroy(struct json_text_reader *);
/* The next byte that is not white space (not consumed), or -1 at the
 * end. */
int json_text_reader_peek(struct json_text_reader *);
/* Consumes 'c' if it is the next byte that is not white space. */
bool json_text_reader_expect(struct json_text_reader *, char c);
bool json_text_read_string(struct json_text_reader *, const char **s,
                           size_t *n);
/* An integer as json_text_decode() reads one (at most 18 digits); false
 * for a real. */
bool json_text_read_integer(struct json_text_reader *, json_int_t *);
bool json_text_read_boolean(struct json_text_reader *, bool *);
/* Skips one value of any kind. */
bool json_text_skip_value(struct json_text_reader *);

#endif /* lib/json-text.h */
