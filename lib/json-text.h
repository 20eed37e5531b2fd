/* JSON text for the hot paths: a compact encoder that writes straight into
 * a buffer and a decoder for the common case, both producing exactly what
 * jansson would. */
#ifndef LIB_JSON_TEXT_H
#define LIB_JSON_TEXT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct ds;

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

#endif /* lib/json-text.h */
