/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-RPC 1.0 over streams, as RFC 7047 and ovs-appctl use it.
 *
 * Four layers, bottom up:
 *
 *   - messages: 'struct jsonrpc_msg' (request, notification, reply, error)
 *     converted from and to jansson values with OVS's validation rules;
 *   - the parser: finds where each top-level JSON value ends in a byte
 *     stream (several per read, or split across reads), enforcing a size
 *     and nesting-depth cap before jansson sees a byte;
 *   - sessions (jsonrpc-session.h): one peer each, with non-blocking
 *     output, a capped output backlog, the inactivity probe ("echo"), and
 *     deferred replies;
 *   - the server (jsonrpc-server.h): listeners and active remotes
 *     (reconnecting with backoff) from remote names, and a method table
 *     that upper layers register.
 *
 * This header has the first two and the encoded buffers.  Everything runs
 * on one libev loop.  Nothing here knows OVSDB. */
#ifndef VTEPD_JSONRPC_JSONRPC_H
#define VTEPD_JSONRPC_JSONRPC_H 1

#include <ev.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_text_array;

/* Messages. */

enum jsonrpc_msg_type {
    JSONRPC_REQUEST, /* method, params, id. */
    JSONRPC_NOTIFY,  /* method, params, null id. */
    JSONRPC_REPLY,   /* result, id. */
    JSONRPC_ERROR,   /* error, id. */
};

struct jsonrpc_msg {
    enum jsonrpc_msg_type type;
    char *method;   /* Request and notify; owned. */
    json_t *params; /* Request and notify: an array; owned reference.
                     * NULL if the request arrived with 'params_text'. */
    struct json_text_array *params_text; /* Or "params" as text, for
                                          * methods registered with
                                          * jsonrpc_server_register_text();
                                          * owned reference, or NULL. */
    json_t *result;                      /* Reply; owned reference. */
    struct json_text_array *result_text; /* Or, with the session option
                                          * 'lazy_result', a reply's
                                          * array "result" as text, and
                                          * 'result' an empty array;
                                          * owned reference, or NULL. */
    json_t *error;                       /* Error; owned reference. */
    json_t *id; /* Request, reply, error; owned reference (NULL for a
                     * notification). */
};

/* Constructors take ownership of the json_t arguments ("steal") and copy
 * 'method'.  'id' may be NULL for a notification. */
struct jsonrpc_msg *jsonrpc_create_request(const char *method, json_t *params,
                                           json_t *id);
struct jsonrpc_msg *jsonrpc_create_notify(const char *method, json_t *params);
struct jsonrpc_msg *jsonrpc_create_reply(json_t *result, const json_t *id);
struct jsonrpc_msg *jsonrpc_create_error(json_t *error, const json_t *id);
void jsonrpc_msg_destroy(struct jsonrpc_msg *);
/* Returns 'msg''s params (borrowed), decoding 'params_text' into
 * 'msg->params' first if the message has only the text: for the rare
 * paths (errors, duplicates) that need the whole value. */
const json_t *jsonrpc_msg_get_params(const struct jsonrpc_msg *msg);
/* Returns 'msg''s result (borrowed), decoding 'result_text' into
 * 'msg->result' first if the message has only the text. */
const json_t *jsonrpc_msg_get_result(const struct jsonrpc_msg *msg);
const char *jsonrpc_msg_type_to_string(enum jsonrpc_msg_type);

/* Converts a parsed JSON value into a message, checking it the way
 * ovsdb-server does (an object; only the members method, params, result,
 * error and id; method a string; params an array; a kind that can be told
 * apart).  Borrows 'json'.  Returns the new message, or NULL with a
 * malloc'd reason in '*errorp' ("message is not a JSON object"...). */
struct jsonrpc_msg *jsonrpc_msg_from_json(const json_t *json, char **errorp);
/* Returns a new reference to the wire form of 'msg', with members in the
 * order ovsdb-server writes them (replies carry "error":null). */
json_t *jsonrpc_msg_to_json(const struct jsonrpc_msg *msg);

/* The parser (framing). */

#define JSONRPC_DEFAULT_MAX_MSG_SIZE (32u * 1024 * 1024)
#define JSONRPC_DEFAULT_MAX_DEPTH 1000

struct jsonrpc_parser;

enum jsonrpc_parse_status {
    JSONRPC_PARSE_MORE,     /* All input consumed, no message completed. */
    JSONRPC_PARSE_MESSAGE,  /* A message is ready: jsonrpc_parser_take(). */
    JSONRPC_PARSE_ERROR,    /* Malformed input: jsonrpc_parser_error(). */
    JSONRPC_PARSE_TOO_BIG,  /* A message exceeded 'max_size' bytes. */
    JSONRPC_PARSE_TOO_DEEP, /* Nesting exceeded 'max_depth'. */
};

/* Creates a parser for messages of at most 'max_size' bytes and 'max_depth'
 * levels of nesting (0 selects the defaults; depth is clamped to jansson's
 * own compiled-in limit so that ours is the one that bites). */
struct jsonrpc_parser *jsonrpc_parser_create(size_t max_size, int max_depth);
void jsonrpc_parser_destroy(struct jsonrpc_parser *);
/* Consumes bytes from 'data' up to and including the end of the next
 * message, storing the number consumed in '*used'.  After anything but
 * JSONRPC_PARSE_MORE, call again with the rest of the input only after
 * taking the message; after an error the parser is finished. */
enum jsonrpc_parse_status jsonrpc_parser_feed(struct jsonrpc_parser *,
                                              const char *data, size_t n,
                                              size_t *used);
/* Returns the completed value (a new reference; the caller owns it) and
 * readies the parser for the next one. */
json_t *jsonrpc_parser_take(struct jsonrpc_parser *);
/* Makes the parser keep the "params" array of each message as text, when
 * the message is plain enough for json_text_decode_lazy(); the caller
 * must then take messages with jsonrpc_parser_take_lazy(). */
void jsonrpc_parser_set_lazy(struct jsonrpc_parser *);
/* Like jsonrpc_parser_set_lazy(), for the member named 'key' (static)
 * instead of "params". */
void jsonrpc_parser_set_lazy_key(struct jsonrpc_parser *, const char *key);
/* Like jsonrpc_parser_take(), but if "params" was kept as text, the
 * returned object lacks it and '*params_text' receives it (a new
 * reference); otherwise '*params_text' is NULL. */
json_t *jsonrpc_parser_take_lazy(struct jsonrpc_parser *,
                                 struct json_text_array **params_text);
/* After an error status, describes it; borrowed. */
const char *jsonrpc_parser_error(const struct jsonrpc_parser *);
/* True if part of a message has been consumed but not completed. */
bool jsonrpc_parser_is_partial(const struct jsonrpc_parser *);

/* Encoded buffers, shared between sessions (monitor fan-out): encode once,
 * queue the same bytes on many sessions. */

struct jsonrpc_buf;

/* Returns a new buffer (one reference, owned by the caller) holding the
 * compact encoding of 'msg' (borrowed). */
struct jsonrpc_buf *jsonrpc_buf_from_msg(const struct jsonrpc_msg *msg);
/* Returns a new buffer holding the reply to the request with 'id'
 * (borrowed) whose result is the 'n' bytes of JSON text at 'result': the
 * bytes jsonrpc_buf_from_msg() would produce for that reply. */
struct jsonrpc_buf *jsonrpc_buf_from_reply_text(const json_t *id,
                                                const char *result, size_t n);
struct jsonrpc_buf *jsonrpc_buf_ref(struct jsonrpc_buf *);
void jsonrpc_buf_unref(struct jsonrpc_buf *); /* Accepts NULL. */
size_t jsonrpc_buf_size(const struct jsonrpc_buf *);
const char *jsonrpc_buf_data(const struct jsonrpc_buf *);

#endif /* VTEPD_JSONRPC_JSONRPC_H */
