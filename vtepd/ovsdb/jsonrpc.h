/* JSON-RPC 1.0 over streams, as RFC 7047 and ovs-appctl use it.
 *
 * Four layers, bottom up:
 *
 *   - messages: 'struct jsonrpc_msg' (request, notification, reply, error)
 *     converted from and to jansson values with OVS's validation rules;
 *   - the parser: finds where each top-level JSON value ends in a byte
 *     stream (several per read, or split across reads), enforcing a size
 *     and nesting-depth cap before jansson sees a byte;
 *   - sessions: one peer each, with non-blocking output, a capped output
 *     backlog, the inactivity probe ("echo"), and deferred replies;
 *   - the server: listeners and active remotes (reconnecting with backoff)
 *     from remote names, and a method table that upper layers register.
 *
 * Everything runs on one libev loop.  Nothing here knows OVSDB. */
#ifndef VTEPD_OVSDB_JSONRPC_H
#define VTEPD_OVSDB_JSONRPC_H 1

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

/* Sessions. */

struct jsonrpc_session;
struct jsonrpc_server;

/* Per-session and per-remote settings.  Zero fields select defaults. */
#define JSONRPC_DEFAULT_MAX_BACKLOG (64u * 1024 * 1024)
#define JSONRPC_DEFAULT_PROBE_MS 5000
struct jsonrpc_options {
    size_t max_msg_size; /* Bytes per received message (32 MiB). */
    int max_depth;       /* Nesting of received messages (1000). */
    size_t max_backlog;  /* Bytes queued for output before the peer is
                          * dropped (64 MiB). */
    int probe_ms;        /* Inactivity probe (5000); negative disables. */
    int max_backoff_ms;  /* Active remotes: backoff cap (8000). */
    bool no_echo;        /* Don't answer "echo" in the session layer (for
                          * the control socket, like ovs-appctl's server). */
};

/* Queues 'msg' (takes ownership) for sending.  Messages to a session that
 * is closing are dropped.  Exceeding the backlog schedules a disconnect;
 * never blocks, never frees 's' under the caller. */
void jsonrpc_session_send(struct jsonrpc_session *s, struct jsonrpc_msg *msg);
/* Sends a notification; takes ownership of 'params'. */
void jsonrpc_session_notify(struct jsonrpc_session *s, const char *method,
                            json_t *params);
/* Queues the bytes of 'buf' (borrowed: the session takes its own
 * reference). */
void jsonrpc_session_send_buf(struct jsonrpc_session *s,
                              struct jsonrpc_buf *buf);
/* Queues the bytes of 'buf' with the 'n_old' at 'pos' replaced by the 'n'
 * bytes of 'text' (copied): for messages that many sessions get and that
 * differ in a small part (a monitor's id in an update), without copying
 * the rest. */
void jsonrpc_session_send_buf_spliced(struct jsonrpc_session *s,
                                      struct jsonrpc_buf *buf, size_t pos,
                                      size_t n_old, const char *text,
                                      size_t n);

/* Answers 'request' (borrowed) now with 'result' or 'error' (taken).  For
 * a notification (no id) the value is freed and nothing is sent. */
void jsonrpc_session_reply(struct jsonrpc_session *s,
                           const struct jsonrpc_msg *request, json_t *result);
void jsonrpc_session_reply_error(struct jsonrpc_session *s,
                                 const struct jsonrpc_msg *request,
                                 json_t *error);
/* Like jsonrpc_session_reply(), with the result given as the 'n' bytes of
 * compact JSON text at 'result' (borrowed), as json_text_encode() would
 * write it: the reply is the same bytes, without building a tree. */
void jsonrpc_session_reply_text(struct jsonrpc_session *s,
                                const struct jsonrpc_msg *request,
                                const char *result, size_t n);

/* Closes the session soon (from the event loop, not under the caller),
 * logging 'reason' (may be NULL) at INFO. */
void jsonrpc_session_disconnect(struct jsonrpc_session *s, const char *reason);

/* Per-session user data: 'close_cb', if nonnull, is called with 'data'
 * when the session goes away (after its deferred requests were cancelled),
 * so upper layers free monitors, locks and the like. */
void jsonrpc_session_set_data(struct jsonrpc_session *s, void *data,
                              void (*close_cb)(struct jsonrpc_session *,
                                               void *data));
void *jsonrpc_session_get_data(const struct jsonrpc_session *s);
const char *jsonrpc_session_name(const struct jsonrpc_session *s);
struct jsonrpc_server *jsonrpc_session_server(const struct jsonrpc_session *);
/* Overrides the inactivity probe interval of this session (0 disables). */
void jsonrpc_session_set_probe_interval(struct jsonrpc_session *s, int ms);
/* Bytes queued for output. */
size_t jsonrpc_session_backlog(const struct jsonrpc_session *s);

/* Deferred replies.  A method handler that cannot answer at once calls
 * jsonrpc_session_defer(); the session then remembers the request id (a
 * second request with the same id is refused while this one is pending)
 * until the deferred request is answered or cancelled. */
struct jsonrpc_deferred;

/* Takes a copy of 'request''s id, method and params.  'cancel_cb', if
 * nonnull, is called with 'aux' when the session closes before an answer
 * (the deferred request is freed right after). */
struct jsonrpc_deferred *jsonrpc_session_defer(
    struct jsonrpc_session *s, const struct jsonrpc_msg *request,
    void (*cancel_cb)(struct jsonrpc_deferred *, void *aux), void *aux);
/* Answers and frees 'd'; takes ownership of 'result' / 'error'. */
void jsonrpc_deferred_reply(struct jsonrpc_deferred *d, json_t *result);
void jsonrpc_deferred_reply_error(struct jsonrpc_deferred *d, json_t *error);
/* Like jsonrpc_session_reply_text(), for a deferred request. */
void jsonrpc_deferred_reply_text(struct jsonrpc_deferred *d,
                                 const char *result, size_t n);
/* Frees 'd' without answering or calling its cancel callback. */
void jsonrpc_deferred_forget(struct jsonrpc_deferred *d);
/* Finds the pending request with 'id' (borrowed), or NULL: for "cancel". */
struct jsonrpc_deferred *
jsonrpc_session_find_deferred(const struct jsonrpc_session *s,
                              const json_t *id);
struct jsonrpc_session *
jsonrpc_deferred_session(const struct jsonrpc_deferred *);
/* The copied request; borrowed. */
const struct jsonrpc_msg *
jsonrpc_deferred_request(const struct jsonrpc_deferred *);
void *jsonrpc_deferred_aux(const struct jsonrpc_deferred *);

/* The server. */

/* A method handler.  For a request it must answer with
 * jsonrpc_session_reply[_error]() or defer it; for a notification
 * (request->type == JSONRPC_NOTIFY) it answers nothing.  'request' is
 * borrowed for the duration of the call. */
typedef void jsonrpc_method_func(struct jsonrpc_session *s,
                                 const struct jsonrpc_msg *request, void *aux);
/* Receives replies and errors that are not answers to the session layer's
 * own "echo" probes.  Borrows 'msg'. */
typedef void jsonrpc_reply_func(struct jsonrpc_session *s,
                                const struct jsonrpc_msg *msg, void *aux);

/* Creates a server on 'loop' with default per-session settings 'options'
 * (copied; NULL for defaults). */
struct jsonrpc_server *
jsonrpc_server_create(struct ev_loop *loop,
                      const struct jsonrpc_options *options);
/* Closes every listener, remote and session (calling close callbacks and
 * cancelling deferred requests) and frees the server.  Accepts NULL. */
void jsonrpc_server_destroy(struct jsonrpc_server *);

/* Serves 'name': a listener (punix:, ptcp:) or an active remote (unix:,
 * tcp:) that connects now and reconnects with backoff.  'options' (NULL
 * for the server's) applies to its sessions.  Returns 0, or a negative
 * errno (-EINVAL bad name, -EADDRINUSE...) and the listener is not
 * added. */
int jsonrpc_server_add_remote(struct jsonrpc_server *, const char *name,
                              const struct jsonrpc_options *options);
/* Stops serving 'name' and closes its sessions.  Returns 0 or -ENOENT. */
int jsonrpc_server_remove_remote(struct jsonrpc_server *, const char *name);
/* The TCP port the listener 'name' is bound to (for "ptcp:0"), or 0. */
uint16_t jsonrpc_server_get_port(const struct jsonrpc_server *,
                                 const char *name);
/* Applies 'options' (NULL for the server's) to the remote 'name' and its
 * open sessions without dropping them: a new inactivity probe interval
 * takes effect at once, a new backoff cap from the next failure on.
 * Returns 0 or -ENOENT. */
int jsonrpc_server_set_remote_options(struct jsonrpc_server *,
                                      const char *name,
                                      const struct jsonrpc_options *options);

/* What a remote is doing, for status reports (OVS's reconnect states). */
enum jsonrpc_remote_state {
    JSONRPC_REMOTE_LISTENING,  /* A listener. */
    JSONRPC_REMOTE_VOID,       /* Active, not trying to connect. */
    JSONRPC_REMOTE_BACKOFF,    /* Active, waiting to retry. */
    JSONRPC_REMOTE_CONNECTING, /* Active, connection attempt under way. */
    JSONRPC_REMOTE_ACTIVE,     /* Active, connected. */
    JSONRPC_REMOTE_IDLE,       /* Active, connected, inactivity probe sent
                                * and not yet answered. */
};
/* "LISTENING", "VOID", "BACKOFF"... as ovsdb-server reports them. */
const char *jsonrpc_remote_state_to_string(enum jsonrpc_remote_state);

struct jsonrpc_remote_status {
    enum jsonrpc_remote_state state;
    size_t n_sessions;           /* Open sessions (at most 1 when active). */
    ev_tstamp last_connected;    /* Active: loop time of the latest
                                * connection, or 0 if never connected. */
    ev_tstamp last_disconnected; /* Active: when a connection last ended,
                                  * or 0 if none has. */
    int last_error;      /* Active: errno of the send or receive error that
                          * ended the latest connection, or 0 (also when
                          * the peer just closed it). */
    uint16_t bound_port; /* TCP listeners: the port, else 0. */
};

/* Fills '*status' for the remote 'name'.  Returns false if there is no such
 * remote. */
bool jsonrpc_server_get_remote_status(const struct jsonrpc_server *,
                                      const char *name,
                                      struct jsonrpc_remote_status *status);
/* The connected session of the active remote 'name' (borrowed), or NULL
 * (not connected, a listener, or no such remote). */
struct jsonrpc_session *
jsonrpc_server_get_remote_session(const struct jsonrpc_server *,
                                  const char *name);

/* Calls 'cb' with the remote's name (borrowed) whenever a remote's
 * sessions change: an active remote connects or its connection ends, a
 * listener accepts a client or one of its clients leaves.  Called from the
 * event loop; 'cb' must not add or remove remotes.  NULL 'cb' stops the
 * calls. */
typedef void jsonrpc_remote_change_func(const char *name, void *aux);
void jsonrpc_server_set_remote_change_cb(struct jsonrpc_server *,
                                         jsonrpc_remote_change_func *cb,
                                         void *aux);

/* Registers 'func' for requests and notifications named 'method' ('method'
 * is copied; re-registering replaces).  Unregistered methods are answered
 * with the error "unknown method", as ovsdb-server does, unless a fallback
 * handler is set (the control socket's error text differs). */
void jsonrpc_server_register(struct jsonrpc_server *, const char *method,
                             jsonrpc_method_func *func, void *aux);
/* Like jsonrpc_server_register(), for a handler that accepts requests
 * whose "params" came as text ('params_text' set, 'params' NULL), which
 * spares decoding large requests into trees.  Such a handler must still
 * accept requests with 'params' (the parser keeps text only when the
 * message is plain: ASCII, nothing unusual). */
void jsonrpc_server_register_text(struct jsonrpc_server *, const char *method,
                                  jsonrpc_method_func *func, void *aux);
void jsonrpc_server_set_fallback(struct jsonrpc_server *,
                                 jsonrpc_method_func *func, void *aux);
void jsonrpc_server_set_reply_handler(struct jsonrpc_server *,
                                      jsonrpc_reply_func *func, void *aux);

/* Calls 'cb' for each open session (the callback may send, and may
 * disconnect, which only takes effect later). */
void jsonrpc_server_for_each_session(struct jsonrpc_server *,
                                     void (*cb)(struct jsonrpc_session *,
                                                void *aux),
                                     void *aux);
size_t jsonrpc_server_n_sessions(const struct jsonrpc_server *);
size_t jsonrpc_server_n_remotes(const struct jsonrpc_server *);
struct ev_loop *jsonrpc_server_loop(const struct jsonrpc_server *);

#endif /* vtepd/ovsdb/jsonrpc.h */
