/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-RPC messages, stream framing and shared encoded buffers.  Sessions
 * and the server are in jsonrpc-server.c. */
#include "vtepd/jsonrpc/jsonrpc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/util.h"

/* Messages. */

static struct jsonrpc_msg *
msg_new(enum jsonrpc_msg_type type, const char *method, json_t *params,
        json_t *result, json_t *error, json_t *id)
{
    struct jsonrpc_msg *msg = xzalloc(sizeof *msg);

    msg->type = type;
    msg->method = method ? xstrdup(method) : NULL;
    msg->params = params;
    msg->result = result;
    msg->error = error;
    msg->id = id;
    return msg;
}

struct jsonrpc_msg *
jsonrpc_create_request(const char *method, json_t *params, json_t *id)
{
    return msg_new(JSONRPC_REQUEST, method, params, NULL, NULL, id);
}

struct jsonrpc_msg *
jsonrpc_create_notify(const char *method, json_t *params)
{
    return msg_new(JSONRPC_NOTIFY, method, params, NULL, NULL, NULL);
}

struct jsonrpc_msg *
jsonrpc_create_reply(json_t *result, const json_t *id)
{
    return msg_new(JSONRPC_REPLY, NULL, NULL, result, NULL,
                   json_deep_copy(id));
}

struct jsonrpc_msg *
jsonrpc_create_error(json_t *error, const json_t *id)
{
    return msg_new(JSONRPC_ERROR, NULL, NULL, NULL, error, json_deep_copy(id));
}

void
jsonrpc_msg_destroy(struct jsonrpc_msg *msg)
{
    if (msg) {
        free(msg->method);
        json_decref(msg->params);
        json_text_array_unref(msg->params_text);
        json_text_array_unref(msg->result_text);
        json_decref(msg->result);
        json_decref(msg->error);
        json_decref(msg->id);
        free(msg);
    }
}

const json_t *
jsonrpc_msg_get_params(const struct jsonrpc_msg *msg_)
{
    struct jsonrpc_msg *msg = (struct jsonrpc_msg *) msg_;

    if (!msg->params && msg->params_text) {
        msg->params = json_text_array_to_json(msg->params_text);
    }
    return msg->params;
}

const json_t *
jsonrpc_msg_get_result(const struct jsonrpc_msg *msg_)
{
    struct jsonrpc_msg *msg = (struct jsonrpc_msg *) msg_;

    if (msg->result_text) {
        json_decref(msg->result);
        msg->result = json_text_array_to_json(msg->result_text);
        json_text_array_unref(msg->result_text);
        msg->result_text = NULL;
    }
    return msg->result;
}

const char *
jsonrpc_msg_type_to_string(enum jsonrpc_msg_type type)
{
    switch (type) {
    case JSONRPC_REQUEST:
        return "request";
    case JSONRPC_NOTIFY:
        return "notification";
    case JSONRPC_REPLY:
        return "reply";
    case JSONRPC_ERROR:
        return "error";
    }
    return "(unknown)";
}

/* Returns a new reference to member 'name' of 'object', treating JSON null
 * as absent (as OVS does for "id", "result" and "error"). */
static json_t *
get_nonnull(const json_t *object, const char *name)
{
    json_t *value = json_object_get(object, name);

    return value && !json_is_null(value) ? json_incref(value) : NULL;
}

/* Which members each kind of message must (1) or must not (0) have, in the
 * order method, params, result, error, id. */
static const char *const member_names[] = { "method", "params", "result",
                                            "error", "id" };
static const bool member_required[][5] = {
    [JSONRPC_REQUEST] = { 1, 1, 0, 0, 1 },
    [JSONRPC_NOTIFY] = { 1, 1, 0, 0, 0 },
    [JSONRPC_REPLY] = { 0, 0, 1, 0, 1 },
    [JSONRPC_ERROR] = { 0, 0, 0, 1, 1 },
};

static char *
msg_check_members(const struct jsonrpc_msg *msg)
{
    const bool present[5] = { msg->method != NULL, msg->params != NULL,
                              msg->result != NULL, msg->error != NULL,
                              msg->id != NULL };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(member_names); i++) {
        if (present[i] != member_required[msg->type][i]) {
            return xasprintf("%s must%s have \"%s\"",
                             jsonrpc_msg_type_to_string(msg->type),
                             present[i] ? " not" : "", member_names[i]);
        }
    }
    return NULL;
}

struct jsonrpc_msg *
jsonrpc_msg_from_json(const json_t *json, char **errorp)
{
    const json_t *method, *params;
    struct jsonrpc_msg *msg;
    const char *key;
    json_t *value;
    json_t *result, *error, *id;
    enum jsonrpc_msg_type type;

    *errorp = NULL;
    if (!json_is_object(json)) {
        *errorp = xstrdup("message is not a JSON object");
        return NULL;
    }
    method = json_object_get(json, "method");
    if (method && !json_is_string(method)) {
        *errorp = xstrdup("method is not a JSON string");
        return NULL;
    }
    params = json_object_get(json, "params");
    if (params && !json_is_array(params)) {
        *errorp = xstrdup("\"params\" must be JSON array");
        return NULL;
    }
    json_object_foreach((json_t *) json, key, value) {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(member_names); i++) {
            if (!strcmp(key, member_names[i])) {
                break;
            }
        }
        if (i == ARRAY_SIZE(member_names)) {
            *errorp = xasprintf("message has unexpected member \"%s\"", key);
            return NULL;
        }
    }

    result = get_nonnull(json, "result");
    error = get_nonnull(json, "error");
    id = get_nonnull(json, "id");
    type = result  ? JSONRPC_REPLY
           : error ? JSONRPC_ERROR
           : id    ? JSONRPC_REQUEST
                   : JSONRPC_NOTIFY;
    msg = msg_new(type, method ? json_string_value(method) : NULL,
                  params ? json_incref((json_t *) params) : NULL, result,
                  error, id);
    *errorp = msg_check_members(msg);
    if (*errorp) {
        jsonrpc_msg_destroy(msg);
        return NULL;
    }
    return msg;
}

json_t *
jsonrpc_msg_to_json(const struct jsonrpc_msg *msg)
{
    json_t *json = json_object();

    const json_t *params = jsonrpc_msg_get_params(msg);

    json_object_set_new(json, "id",
                        msg->id ? json_incref(msg->id) : json_null());
    switch (msg->type) {
    case JSONRPC_REQUEST:
    case JSONRPC_NOTIFY:
        json_object_set_new(json, "method", json_string(msg->method));
        json_object_set_new(json, "params",
                            params ? json_incref((json_t *) params)
                                   : json_array());
        break;
    case JSONRPC_REPLY:
        json_object_set_new(json, "result",
                            msg->result ? json_incref(msg->result)
                                        : json_null());
        json_object_set_new(json, "error", json_null());
        break;
    case JSONRPC_ERROR:
        json_object_set_new(
            json, "error", msg->error ? json_incref(msg->error) : json_null());
        break;
    }
    return json;
}

/* The parser.
 *
 * It tracks just enough of the JSON grammar to find where each top-level
 * value ends: whether it is inside a string (and just after a backslash
 * there) and which brackets are open, so that a closing bracket of the
 * wrong kind is a syntax error at once rather than a value that never
 * ends.  Only the bytes of a value are buffered, and only up to
 * 'max_size'; jansson then parses exactly those bytes. */

struct jsonrpc_parser {
    size_t max_size;
    int max_depth;
    int depth; /* Open brackets in the current value. */
    /* Bit 'd' set if the bracket open at depth d + 1 is '{', clear if it
     * is '['. */
    uint8_t braces[JSON_PARSER_MAX_DEPTH / 8];
    bool in_string;   /* Inside a string literal. */
    bool escaped;     /* Just after a backslash inside a string. */
    struct ds buf;    /* Bytes of the current value. */
    const char *lazy; /* Member kept as text when possible, or NULL. */
    json_t *ready;    /* A completed value, until taken. */
    struct json_text_array *ready_params; /* Its "params", if lazy. */
    char *error;                          /* Why parsing failed, or NULL. */
};

struct jsonrpc_parser *
jsonrpc_parser_create(size_t max_size, int max_depth)
{
    struct jsonrpc_parser *p = xzalloc(sizeof *p);

    p->max_size = max_size ? max_size : JSONRPC_DEFAULT_MAX_MSG_SIZE;
    p->max_depth = max_depth > 0 ? max_depth : JSONRPC_DEFAULT_MAX_DEPTH;
    /* jansson refuses deeper input itself, with a less helpful message. */
    p->max_depth = MIN(p->max_depth, JSON_PARSER_MAX_DEPTH);
    ds_init(&p->buf);
    return p;
}

void
jsonrpc_parser_destroy(struct jsonrpc_parser *p)
{
    if (p) {
        ds_destroy(&p->buf);
        json_decref(p->ready);
        json_text_array_unref(p->ready_params);
        free(p->error);
        free(p);
    }
}

static enum jsonrpc_parse_status
parser_fail(struct jsonrpc_parser *p, enum jsonrpc_parse_status status,
            char *error)
{
    free(p->error);
    p->error = error;
    return status;
}

/* Parses the buffered value: json_text_decode() for the common case, jansson
 * for the rest and for error messages. */
/* In lazy mode, tries to decode the buffered value with its "params" kept
 * as text. */
static json_t *
parser_decode_lazy(struct jsonrpc_parser *p)
{
    struct json_text_span *elems;
    size_t n_elems;
    bool found;
    json_t *json = json_text_decode_lazy(p->buf.string, p->buf.length, p->lazy,
                                         &elems, &n_elems, &found);

    if (json && found) {
        /* The spans point into the buffer: hand it over. */
        p->ready_params =
            json_text_array_create(ds_steal_cstr(&p->buf), elems, n_elems);
    }
    return json;
}

static enum jsonrpc_parse_status
parser_complete(struct jsonrpc_parser *p)
{
    json_error_t error;
    json_t *json = p->lazy ? parser_decode_lazy(p) : NULL;

    if (!json) {
        json = json_text_decode(p->buf.string, p->buf.length, false);
    }

    if (!json) {
        json = json_loadb(p->buf.string, p->buf.length, 0, &error);
    }
    ds_clear(&p->buf);
    if (!json) {
        return parser_fail(p, JSONRPC_PARSE_ERROR,
                           xasprintf("syntax error at byte %d: %s",
                                     error.position, error.text));
    }
    p->ready = json;
    return JSONRPC_PARSE_MESSAGE;
}

static bool
is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Returns the index of the first '"' or '\\' in data[i..end), or 'end':
 * the bytes a string's scanner may skip, eight at a time (in 'hits', the
 * lane of the first quote or backslash has its high bit set; later lanes
 * may be set spuriously, earlier ones never). */
static size_t
skip_string_bytes(const char *data, size_t i, size_t end)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    static const uint64_t ones = 0x0101010101010101ULL;
    static const uint64_t highs = 0x8080808080808080ULL;

    while (end - i >= 8) {
        uint64_t w, q, b, hits;

        memcpy(&w, data + i, 8);
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        hits = (((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
        if (hits) {
            return i + (size_t) __builtin_ctzll(hits) / 8;
        }
        i += 8;
    }
#endif
    while (i < end && data[i] != '"' && data[i] != '\\') {
        i++;
    }
    return i;
}

/* Records the opening bracket 'c' one level deeper.  The caller has
 * checked 'max_depth', which is at most JSON_PARSER_MAX_DEPTH. */
static void
push_bracket(struct jsonrpc_parser *p, char c)
{
    int d = p->depth++;
    uint8_t bit = 1u << (d % 8);

    if (c == '{') {
        p->braces[d / 8] |= bit;
    } else {
        p->braces[d / 8] &= (uint8_t) ~bit;
    }
}

/* Closes the innermost open bracket with 'c', if 'c' is its match.
 * Returns false, and leaves the depth alone, if it is not. */
static bool
pop_bracket(struct jsonrpc_parser *p, char c)
{
    int d = p->depth - 1;
    bool brace = p->braces[d / 8] & (1u << (d % 8));

    if (brace != (c == '}')) {
        return false;
    }
    p->depth = d;
    return true;
}

enum jsonrpc_parse_status
jsonrpc_parser_feed(struct jsonrpc_parser *p, const char *data, size_t n,
                    size_t *used)
{
    size_t start = 0; /* First byte of the value within 'data'. */
    size_t end;       /* Where the value would exceed 'max_size'. */
    size_t i = 0;

    ASSERT(!p->ready && !p->error);
    if (!p->depth) {
        while (i < n && is_json_space(data[i])) {
            i++;
        }
        if (i == n) {
            *used = n;
            return JSONRPC_PARSE_MORE;
        }
        if (data[i] != '{' && data[i] != '[') {
            *used = i + 1;
            return parser_fail(p, JSONRPC_PARSE_ERROR,
                               xasprintf("syntax error at beginning of input "
                                         "(byte 0x%02x)",
                                         (unsigned char) data[i]));
        }
        start = i;
    }
    end = n - start > p->max_size - p->buf.length
              ? start + (p->max_size - p->buf.length)
              : n;
    for (i = start; i < end; i++) {
        char c = data[i];

        if (p->in_string) {
            if (p->escaped) {
                p->escaped = false;
                continue;
            }
            i = skip_string_bytes(data, i, end);
            if (i >= end) {
                break;
            }
            if (data[i] == '\\') {
                p->escaped = true;
            } else {
                p->in_string = false;
            }
        } else if (c == '"') {
            p->in_string = true;
        } else if (c == '{' || c == '[') {
            if (p->depth >= p->max_depth) {
                *used = i + 1;
                return parser_fail(p, JSONRPC_PARSE_TOO_DEEP,
                                   xasprintf("message nesting exceeds %d "
                                             "levels",
                                             p->max_depth));
            }
            push_bracket(p, c);
        } else if (c == '}' || c == ']') {
            if (!pop_bracket(p, c)) {
                *used = i + 1;
                return parser_fail(
                    p, JSONRPC_PARSE_ERROR,
                    xasprintf("syntax error at byte %zu: '%c' closes '%c'",
                              p->buf.length + (i - start), c,
                              c == '}' ? '[' : '{'));
            }
            if (!p->depth) {
                ds_put_buffer(&p->buf, data + start, i + 1 - start);
                *used = i + 1;
                return parser_complete(p);
            }
        }
    }
    if (end < n) {
        *used = end + 1;
        return parser_fail(
            p, JSONRPC_PARSE_TOO_BIG,
            xasprintf("message exceeds %zu bytes", p->max_size));
    }
    ds_put_buffer(&p->buf, data + start, n - start);
    *used = n;
    return JSONRPC_PARSE_MORE;
}

json_t *
jsonrpc_parser_take(struct jsonrpc_parser *p)
{
    struct json_text_array *params;
    json_t *json = jsonrpc_parser_take_lazy(p, &params);

    if (params) {
        json_object_set_new(json, "params", json_text_array_to_json(params));
        json_text_array_unref(params);
    }
    return json;
}

void
jsonrpc_parser_set_lazy(struct jsonrpc_parser *p)
{
    p->lazy = "params";
}

void
jsonrpc_parser_set_lazy_key(struct jsonrpc_parser *p, const char *key)
{
    p->lazy = key;
}

json_t *
jsonrpc_parser_take_lazy(struct jsonrpc_parser *p,
                         struct json_text_array **params_text)
{
    json_t *json = p->ready;

    *params_text = p->ready_params;
    p->ready = NULL;
    p->ready_params = NULL;
    return json;
}

const char *
jsonrpc_parser_error(const struct jsonrpc_parser *p)
{
    return p->error ? p->error : "no error";
}

bool
jsonrpc_parser_is_partial(const struct jsonrpc_parser *p)
{
    return p->depth > 0;
}

/* Shared encoded buffers. */

struct jsonrpc_buf {
    unsigned int refcount;
    size_t size;
    char data[];
};

/* Encodes with json_text_encode(), several times faster than jansson's
 * callback-driven encoder on large replies. */
struct jsonrpc_buf *
jsonrpc_buf_from_msg(const struct jsonrpc_msg *msg)
{
    json_t *json = jsonrpc_msg_to_json(msg);
    struct jsonrpc_buf *buf;
    struct ds out;

    ds_init(&out);
    json_text_encode(json, &out);
    json_decref(json);

    buf = xmalloc(sizeof *buf + out.length);
    buf->refcount = 1;
    buf->size = out.length;
    memcpy(buf->data, out.string, out.length);
    ds_destroy(&out);
    return buf;
}

struct jsonrpc_buf *
jsonrpc_buf_from_reply_text(const json_t *id, const char *result, size_t n)
{
    static const char middle[] = ",\"result\":";
    static const char tail[] = ",\"error\":null}";
    struct jsonrpc_buf *buf;
    struct ds head;
    char *p;

    ds_init(&head);
    ds_put_cstr(&head, "{\"id\":");
    if (id) {
        json_text_encode(id, &head);
    } else {
        ds_put_cstr(&head, "null");
    }
    ds_put_cstr(&head, middle);

    buf = xmalloc(sizeof *buf + head.length + n + sizeof tail - 1);
    buf->refcount = 1;
    buf->size = head.length + n + sizeof tail - 1;
    p = buf->data;
    memcpy(p, head.string, head.length);
    p += head.length;
    memcpy(p, result, n);
    memcpy(p + n, tail, sizeof tail - 1);
    ds_destroy(&head);
    return buf;
}

struct jsonrpc_buf *
jsonrpc_buf_ref(struct jsonrpc_buf *buf)
{
    buf->refcount++;
    return buf;
}

void
jsonrpc_buf_unref(struct jsonrpc_buf *buf)
{
    if (buf && !--buf->refcount) {
        free(buf);
    }
}

size_t
jsonrpc_buf_size(const struct jsonrpc_buf *buf)
{
    return buf->size;
}

const char *
jsonrpc_buf_data(const struct jsonrpc_buf *buf)
{
    return buf->data;
}
