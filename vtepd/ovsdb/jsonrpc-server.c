/* JSON-RPC sessions and the server that owns them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/json-text.h"
#include "lib/list.h"
#include "lib/log.h"
#include "lib/util.h"
#include "vtepd/ovsdb/jsonrpc.h"
#include "vtepd/ovsdb/reconnect.h"
#include "vtepd/ovsdb/stream.h"

VLOG_DEFINE_THIS_MODULE(jsonrpc);

/* Peer-caused problems: at most 60 lines a minute, bursts of 20. */
static struct vlog_rate_limit peer_rl = VLOG_RATE_LIMIT_INIT(60, 20);

/* How many reads or accepts one readiness event may do, so that one busy
 * peer cannot starve the others. */
#define MAX_READS_PER_EVENT 16
#define MAX_ACCEPTS_PER_EVENT 32
#define READ_CHUNK 16384

/* Most chunks one session_flush() hands the stream in one write. */
#define MAX_IOV 64

struct jsonrpc_method {
    struct hmap_node node; /* In server->methods, by name. */
    char *name;
    jsonrpc_method_func *func;
    void *aux;
    bool text_params; /* Takes "params" as text. */
};

/* A listener or an active remote. */
struct jsonrpc_remote {
    struct list node; /* In server->remotes. */
    struct jsonrpc_server *server;
    char *name;
    struct jsonrpc_options options;

    /* Listeners. */
    struct pstream *pstream;
    ev_io accept_w;

    /* Active remotes. */
    struct reconnect reconnect;
    ev_timer retry_w;
    struct jsonrpc_session *session; /* Current connection, or NULL. */

    /* For jsonrpc_server_get_remote_status(). */
    size_t n_sessions;
    ev_tstamp last_connected;
    ev_tstamp last_disconnected;
    int last_error;
};

struct jsonrpc_server {
    struct ev_loop *loop;
    struct jsonrpc_options options;
    struct list remotes;  /* Of jsonrpc_remote. */
    struct list sessions; /* Of jsonrpc_session. */
    size_t n_sessions;
    struct hmap methods; /* Of jsonrpc_method. */
    jsonrpc_method_func *fallback;
    void *fallback_aux;
    jsonrpc_reply_func *reply_func;
    void *reply_aux;
    jsonrpc_remote_change_func *change_func;
    void *change_aux;

    /* While 'cork' is nonzero (input is being handled), output is only
     * queued, and sessions that queued some wait in 'dirty' to be flushed
     * once, in as few writes as their output allows, when it drops to 0.
     * So 64 pipelined requests read at once get their 64 replies in one
     * write, and a commit's monitor updates leave together. */
    int cork;
    struct list dirty; /* Of jsonrpc_session, by 'dirty_node'. */
};

/* One chunk of queued output: 'len' bytes at 'data', of which 'ofs' were
 * already sent.  They lie in 'buf' (shared, referenced) or, if 'buf' is
 * NULL, in 'own'. */
struct out_chunk {
    struct list node;
    struct jsonrpc_buf *buf;
    const char *data;
    size_t len;
    size_t ofs;
    char own[];
};

struct jsonrpc_session {
    struct list node; /* In server->sessions. */
    struct jsonrpc_server *server;
    struct jsonrpc_remote *remote; /* The remote it came from, or NULL. */
    struct stream *stream;
    struct jsonrpc_options options;
    struct jsonrpc_parser *parser;

    ev_io io_w;
    int io_events;      /* Events 'io_w' is started with, or 0. */
    ev_timer probe_w;   /* Inactivity probe; connect timeout. */
    ev_timer close_w;   /* Fires once to close a 'closing' session. */
    ev_tstamp last_rx;  /* When something last arrived. */
    bool probe_sent;    /* An "echo" probe is outstanding. */
    bool connecting;    /* Active connection in progress. */
    bool closing;       /* Disconnect scheduled; no more I/O. */
    char *close_reason; /* Why, for the log; owned. */
    int error;          /* errno of a send or receive failure, or 0. */

    struct list output;     /* Of out_chunk. */
    size_t backlog;         /* Unsent bytes in 'output'. */
    struct list dirty_node; /* In server->dirty, if 'is_dirty'. */
    bool is_dirty;          /* Queued output waits for the server's cork. */

    struct hmap deferred;              /* Of jsonrpc_deferred, by id. */
    const struct jsonrpc_msg *current; /* Request being dispatched. */
    bool current_done;                 /* It was answered or deferred. */

    void *data;
    void (*close_cb)(struct jsonrpc_session *, void *data);
};

struct jsonrpc_deferred {
    struct hmap_node node; /* In session->deferred. */
    struct jsonrpc_session *session;
    struct jsonrpc_msg *request; /* Copy. */
    void (*cancel_cb)(struct jsonrpc_deferred *, void *aux);
    void *aux;
};

static void session_destroy(struct jsonrpc_session *);
static void chunk_free(struct out_chunk *);
static void session_flush(struct jsonrpc_session *);
static void server_cork(struct jsonrpc_server *);
static void server_uncork(struct jsonrpc_server *);
static void session_update_io(struct jsonrpc_session *);
static void remote_schedule_retry(struct jsonrpc_remote *);
static void remote_changed(struct jsonrpc_remote *);

static void
options_fill(struct jsonrpc_options *dst, const struct jsonrpc_options *src,
             const struct jsonrpc_options *defaults)
{
    *dst = src ? *src : *defaults;
    if (!dst->max_msg_size) {
        dst->max_msg_size = defaults->max_msg_size;
    }
    if (!dst->max_depth) {
        dst->max_depth = defaults->max_depth;
    }
    if (!dst->max_backlog) {
        dst->max_backlog = defaults->max_backlog;
    }
    if (!dst->probe_ms) {
        dst->probe_ms = defaults->probe_ms;
    }
    if (!dst->max_backoff_ms) {
        dst->max_backoff_ms = defaults->max_backoff_ms;
    }
}

/* Sessions: creation and teardown. */

static void session_io_cb(struct ev_loop *, ev_io *, int revents);
static void session_probe_cb(struct ev_loop *, ev_timer *, int revents);
static void session_close_cb(struct ev_loop *, ev_timer *, int revents);

static void
session_start_probe(struct jsonrpc_session *s)
{
    struct ev_loop *loop = s->server->loop;

    ev_timer_stop(loop, &s->probe_w);
    if (s->connecting) {
        ev_timer_set(&s->probe_w, s->options.max_backoff_ms / 1000.0, 0.);
        ev_timer_start(loop, &s->probe_w);
    } else if (s->options.probe_ms > 0) {
        ev_timer_set(&s->probe_w, s->options.probe_ms / 1000.0, 0.);
        ev_timer_start(loop, &s->probe_w);
    }
}

/* Creates a session on 'stream' (taking ownership) for 'remote'. */
static struct jsonrpc_session *
session_create(struct jsonrpc_server *server, struct jsonrpc_remote *remote,
               struct stream *stream, bool connecting)
{
    struct jsonrpc_session *s = xzalloc(sizeof *s);

    s->server = server;
    s->remote = remote;
    s->stream = stream;
    s->options = remote->options;
    s->parser =
        jsonrpc_parser_create(s->options.max_msg_size, s->options.max_depth);
    jsonrpc_parser_set_lazy(s->parser);
    s->connecting = connecting;
    s->last_rx = ev_now(server->loop);
    list_init(&s->output);
    hmap_init(&s->deferred);
    ev_io_init(&s->io_w, session_io_cb, stream_fd(stream), 0);
    ev_timer_init(&s->probe_w, session_probe_cb, 0., 0.);
    ev_timer_init(&s->close_w, session_close_cb, 0., 0.);
    list_push_back(&server->sessions, &s->node);
    server->n_sessions++;
    remote->n_sessions++;
    session_update_io(s);
    session_start_probe(s);
    return s;
}

static void
deferred_free(struct jsonrpc_deferred *d)
{
    hmap_remove(&d->session->deferred, &d->node);
    jsonrpc_msg_destroy(d->request);
    free(d);
}

/* Closes and frees 's' now, telling the upper layer and its remote. */
static void
session_destroy(struct jsonrpc_session *s)
{
    struct ev_loop *loop = s->server->loop;
    struct jsonrpc_deferred *d;
    struct out_chunk *chunk, *next;
    struct jsonrpc_remote *remote = s->remote;
    bool was_connected = !s->connecting;
    int error = s->error;

    ev_io_stop(loop, &s->io_w);
    ev_timer_stop(loop, &s->probe_w);
    ev_timer_stop(loop, &s->close_w);
    s->closing = true;

    HMAP_FOR_EACH_SAFE(d, node, &s->deferred) {
        if (d->cancel_cb) {
            d->cancel_cb(d, d->aux);
        }
        deferred_free(d);
    }
    hmap_destroy(&s->deferred);
    if (s->close_cb) {
        s->close_cb(s, s->data);
    }

    LIST_FOR_EACH_SAFE(chunk, next, node, &s->output) {
        chunk_free(chunk);
    }
    if (s->is_dirty) {
        list_remove(&s->dirty_node);
    }
    list_remove(&s->node);
    s->server->n_sessions--;
    jsonrpc_parser_destroy(s->parser);
    stream_close(s->stream);
    free(s->close_reason);
    free(s);

    if (!remote) {
        return;
    }
    remote->n_sessions--;
    if (remote->session == s) {
        remote->session = NULL;
        if (was_connected) {
            remote->last_disconnected = ev_now(loop);
            remote->last_error = error;
        }
        remote_schedule_retry(remote);
    }
    remote_changed(remote);
}

static void
session_close_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct jsonrpc_session *s =
        container_of(w, struct jsonrpc_session, close_w);

    if (s->close_reason) {
        VLOG_INFO("%s: %s", stream_name(s->stream), s->close_reason);
    }
    session_destroy(s);
}

/* Stops all I/O on 's' and closes it from the event loop, so that callers
 * up the stack never see it freed. */
static void
session_close_later(struct jsonrpc_session *s, char *reason)
{
    struct ev_loop *loop = s->server->loop;

    if (s->closing) {
        free(reason);
        return;
    }
    s->closing = true;
    s->close_reason = reason;
    ev_io_stop(loop, &s->io_w);
    s->io_events = 0;
    ev_timer_stop(loop, &s->probe_w);
    ev_timer_start(loop, &s->close_w);
}

void
jsonrpc_session_disconnect(struct jsonrpc_session *s, const char *reason)
{
    session_close_later(s, reason ? xstrdup(reason) : NULL);
}

/* Logs a peer-caused problem (rate-limited) and disconnects. */
static void
session_protocol_error(struct jsonrpc_session *s, const char *what)
{
    VLOG_WARN_RL(&peer_rl, "%s: %s, disconnecting", stream_name(s->stream),
                 what);
    session_close_later(s, NULL);
}

/* Output. */

static void
session_update_io(struct jsonrpc_session *s)
{
    int events;

    if (s->closing) {
        return;
    }
    events = s->connecting
                 ? EV_WRITE
                 : EV_READ | (list_is_empty(&s->output) ? 0 : EV_WRITE);
    if (events != s->io_events) {
        ev_io_stop(s->server->loop, &s->io_w);
        ev_io_set(&s->io_w, stream_fd(s->stream), events);
        ev_io_start(s->server->loop, &s->io_w);
        s->io_events = events;
    }
}

/* Sends as much queued output as the stream takes now, up to MAX_IOV
 * chunks per write. */
static void
session_flush(struct jsonrpc_session *s)
{
    while (!s->closing && !list_is_empty(&s->output)) {
        struct iovec iov[MAX_IOV];
        struct out_chunk *chunk;
        size_t total = 0;
        bool short_write;
        ssize_t n;
        int n_iov = 0;

        LIST_FOR_EACH(chunk, node, &s->output) {
            iov[n_iov].iov_base = (char *) chunk->data + chunk->ofs;
            iov[n_iov].iov_len = chunk->len - chunk->ofs;
            total += chunk->len - chunk->ofs;
            if (++n_iov == MAX_IOV) {
                break;
            }
        }
        n = stream_sendv(s->stream, iov, n_iov);
        if (n == -EAGAIN) {
            break;
        } else if (n < 0) {
            s->error = (int) -n;
            session_close_later(
                s, xasprintf("send error (%s)", strerror((int) -n)));
            return;
        }
        s->backlog -= (size_t) n;
        short_write = (size_t) n < total;
        while (n > 0) {
            size_t left;

            chunk =
                container_of(list_front(&s->output), struct out_chunk, node);
            left = chunk->len - chunk->ofs;
            if ((size_t) n < left) {
                chunk->ofs += (size_t) n;
                break;
            }
            n -= (ssize_t) left;
            list_remove(&chunk->node);
            chunk_free(chunk);
        }
        if (short_write) {
            break; /* The socket is full. */
        }
    }
    session_update_io(s);
}

static void
server_cork(struct jsonrpc_server *server)
{
    server->cork++;
}

/* Flushes every session that queued output while corked. */
static void
server_uncork(struct jsonrpc_server *server)
{
    VTEP_ASSERT(server->cork > 0);
    if (--server->cork) {
        return;
    }
    while (!list_is_empty(&server->dirty)) {
        struct jsonrpc_session *s =
            container_of(list_pop_front(&server->dirty),
                         struct jsonrpc_session, dirty_node);

        s->is_dirty = false;
        session_flush(s);
    }
}

static void
chunk_free(struct out_chunk *chunk)
{
    jsonrpc_buf_unref(chunk->buf);
    free(chunk);
}

/* Queues 'len' bytes at 'ofs' in 'buf' (a new reference), or, with 'buf'
 * NULL, a copy of the 'len' bytes at 'text'. */
static void
session_queue(struct jsonrpc_session *s, struct jsonrpc_buf *buf, size_t ofs,
              const char *text, size_t len)
{
    struct out_chunk *chunk;

    if (!len) {
        return;
    }
    if (buf) {
        chunk = xmalloc(sizeof *chunk);
        chunk->buf = jsonrpc_buf_ref(buf);
        chunk->data = jsonrpc_buf_data(buf) + ofs;
    } else {
        chunk = xmalloc(sizeof *chunk + len);
        chunk->buf = NULL;
        memcpy(chunk->own, text, len);
        chunk->data = chunk->own;
    }
    chunk->len = len;
    chunk->ofs = 0;
    list_push_back(&s->output, &chunk->node);
    s->backlog += len;
}

/* Sends what was queued, or schedules it to be sent. */
static void
session_output_queued(struct jsonrpc_session *s)
{
    if (s->backlog > s->options.max_backlog) {
        VLOG_WARN_RL(&peer_rl,
                     "%s: output backlog of %zu bytes exceeds the limit of "
                     "%zu (peer not reading?), disconnecting",
                     stream_name(s->stream), s->backlog,
                     s->options.max_backlog);
        session_close_later(s, NULL);
        return;
    }
    if (s->connecting) {
        return;
    }
    if (s->server->cork) {
        if (!s->is_dirty) {
            s->is_dirty = true;
            list_push_back(&s->server->dirty, &s->dirty_node);
        }
    } else {
        session_flush(s);
    }
}

void
jsonrpc_session_send_buf(struct jsonrpc_session *s, struct jsonrpc_buf *buf)
{
    if (!s->closing) {
        session_queue(s, buf, 0, NULL, jsonrpc_buf_size(buf));
        session_output_queued(s);
    }
}

void
jsonrpc_session_send_buf_spliced(struct jsonrpc_session *s,
                                 struct jsonrpc_buf *buf, size_t pos,
                                 size_t n_old, const char *text, size_t n)
{
    size_t size = jsonrpc_buf_size(buf);

    VTEP_ASSERT(pos + n_old <= size);
    if (!s->closing) {
        session_queue(s, buf, 0, NULL, pos);
        session_queue(s, NULL, 0, text, n);
        session_queue(s, buf, pos + n_old, NULL, size - pos - n_old);
        session_output_queued(s);
    }
}

void
jsonrpc_session_send(struct jsonrpc_session *s, struct jsonrpc_msg *msg)
{
    if (!s->closing) {
        struct jsonrpc_buf *buf = jsonrpc_buf_from_msg(msg);

        jsonrpc_session_send_buf(s, buf);
        jsonrpc_buf_unref(buf);
    }
    jsonrpc_msg_destroy(msg);
}

void
jsonrpc_session_notify(struct jsonrpc_session *s, const char *method,
                       json_t *params)
{
    jsonrpc_session_send(s, jsonrpc_create_notify(method, params));
}

/* Replies. */

static void
session_mark_answered(struct jsonrpc_session *s,
                      const struct jsonrpc_msg *request)
{
    if (request == s->current) {
        s->current_done = true;
    }
}

void
jsonrpc_session_reply(struct jsonrpc_session *s,
                      const struct jsonrpc_msg *request, json_t *result)
{
    session_mark_answered(s, request);
    if (request->type != JSONRPC_REQUEST) {
        json_decref(result);
        return;
    }
    jsonrpc_session_send(s, jsonrpc_create_reply(result, request->id));
}

void
jsonrpc_session_reply_error(struct jsonrpc_session *s,
                            const struct jsonrpc_msg *request, json_t *error)
{
    session_mark_answered(s, request);
    if (request->type != JSONRPC_REQUEST) {
        json_decref(error);
        return;
    }
    jsonrpc_session_send(s, jsonrpc_create_error(error, request->id));
}

static void
session_send_reply_text(struct jsonrpc_session *s, const json_t *id,
                        const char *result, size_t n)
{
    if (!s->closing) {
        struct jsonrpc_buf *buf = jsonrpc_buf_from_reply_text(id, result, n);

        jsonrpc_session_send_buf(s, buf);
        jsonrpc_buf_unref(buf);
    }
}

void
jsonrpc_session_reply_text(struct jsonrpc_session *s,
                           const struct jsonrpc_msg *request,
                           const char *result, size_t n)
{
    session_mark_answered(s, request);
    if (request->type == JSONRPC_REQUEST) {
        session_send_reply_text(s, request->id, result, n);
    }
}

/* Deferred replies. */

/* A hash of 'id' consistent with json_equal(): values of different types
 * are never equal, so integers and strings (what clients use) hash
 * without being encoded. */
static uint32_t
hash_id(const json_t *id)
{
    char *text;
    uint32_t hash;

    if (json_is_integer(id)) {
        return hash_uint64((uint64_t) json_integer_value(id), 0);
    } else if (json_is_string(id)) {
        return hash_string(json_string_value(id), 1);
    }
    text = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
    hash = hash_string(text ? text : "", 0);
    free(text);
    return hash;
}

struct jsonrpc_deferred *
jsonrpc_session_find_deferred(const struct jsonrpc_session *s,
                              const json_t *id)
{
    struct jsonrpc_deferred *d;

    if (hmap_is_empty(&s->deferred)) {
        return NULL; /* The usual case, and no need to hash 'id'. */
    }
    HMAP_FOR_EACH_WITH_HASH(d, node, hash_id(id), &s->deferred) {
        if (json_equal(d->request->id, id)) {
            return d;
        }
    }
    return NULL;
}

struct jsonrpc_deferred *
jsonrpc_session_defer(struct jsonrpc_session *s,
                      const struct jsonrpc_msg *request,
                      void (*cancel_cb)(struct jsonrpc_deferred *, void *aux),
                      void *aux)
{
    struct jsonrpc_deferred *d = xzalloc(sizeof *d);

    VTEP_ASSERT(request->type == JSONRPC_REQUEST);
    session_mark_answered(s, request);
    d->session = s;
    d->request = jsonrpc_create_request(
        request->method,
        request->params ? json_deep_copy(request->params) : NULL,
        json_deep_copy(request->id));
    if (request->params_text) {
        d->request->params_text = json_text_array_ref(request->params_text);
    }
    d->cancel_cb = cancel_cb;
    d->aux = aux;
    hmap_insert(&s->deferred, &d->node, hash_id(request->id));
    return d;
}

void
jsonrpc_deferred_reply(struct jsonrpc_deferred *d, json_t *result)
{
    jsonrpc_session_send(d->session,
                         jsonrpc_create_reply(result, d->request->id));
    deferred_free(d);
}

void
jsonrpc_deferred_reply_error(struct jsonrpc_deferred *d, json_t *error)
{
    jsonrpc_session_send(d->session,
                         jsonrpc_create_error(error, d->request->id));
    deferred_free(d);
}

void
jsonrpc_deferred_reply_text(struct jsonrpc_deferred *d, const char *result,
                            size_t n)
{
    session_send_reply_text(d->session, d->request->id, result, n);
    deferred_free(d);
}

void
jsonrpc_deferred_forget(struct jsonrpc_deferred *d)
{
    deferred_free(d);
}

struct jsonrpc_session *
jsonrpc_deferred_session(const struct jsonrpc_deferred *d)
{
    return d->session;
}

const struct jsonrpc_msg *
jsonrpc_deferred_request(const struct jsonrpc_deferred *d)
{
    return d->request;
}

void *
jsonrpc_deferred_aux(const struct jsonrpc_deferred *d)
{
    return d->aux;
}

/* Input. */

/* The error ovsdb-server sends for a request whose id is still pending. */
static json_t *
duplicate_id_error(const struct jsonrpc_msg *request)
{
    char *syntax = json_dumps(jsonrpc_msg_get_params(request),
                              JSON_COMPACT | JSON_SORT_KEYS);
    json_t *error = json_object();

    json_object_set_new(error, "syntax", json_string(syntax ? syntax : ""));
    json_object_set_new(
        error, "details",
        json_sprintf("%s: duplicate request ID", request->method));
    json_object_set_new(error, "error", json_string("syntax error"));
    free(syntax);
    return error;
}

static struct jsonrpc_method *
find_method(const struct jsonrpc_server *server, const char *name)
{
    struct jsonrpc_method *m;

    HMAP_FOR_EACH_WITH_HASH(m, node, hash_string(name, 0), &server->methods) {
        if (!strcmp(m->name, name)) {
            return m;
        }
    }
    return NULL;
}

static void
session_dispatch_request(struct jsonrpc_session *s,
                         const struct jsonrpc_msg *msg)
{
    struct jsonrpc_server *server = s->server;
    struct jsonrpc_method *m;

    if (!s->options.no_echo && !strcmp(msg->method, "echo")) {
        jsonrpc_session_reply(s, msg, json_deep_copy(msg->params));
        return;
    }
    if (msg->type == JSONRPC_REQUEST
        && jsonrpc_session_find_deferred(s, msg->id)) {
        jsonrpc_session_reply_error(s, msg, duplicate_id_error(msg));
        return;
    }

    s->current = msg;
    s->current_done = false;
    m = find_method(server, msg->method);
    if (m) {
        m->func(s, msg, m->aux);
    } else if (server->fallback) {
        server->fallback(s, msg, server->fallback_aux);
    } else {
        jsonrpc_session_reply_error(s, msg, json_string("unknown method"));
    }
    if (msg->type == JSONRPC_REQUEST && !s->current_done) {
        VLOG_ERR("%s: handler for \"%s\" neither answered nor deferred the "
                 "request",
                 stream_name(s->stream), msg->method);
        jsonrpc_session_reply_error(s, msg, json_string("internal error"));
    }
    s->current = NULL;
}

static void
session_dispatch_reply(struct jsonrpc_session *s,
                       const struct jsonrpc_msg *msg)
{
    if (json_is_string(msg->id)
        && !strcmp(json_string_value(msg->id), "echo")) {
        return; /* Answer to our inactivity probe; arrival was enough. */
    }
    if (s->server->reply_func) {
        s->server->reply_func(s, msg, s->server->reply_aux);
    } else {
        VLOG_WARN_RL(&peer_rl, "%s: received unexpected %s message",
                     stream_name(s->stream),
                     jsonrpc_msg_type_to_string(msg->type));
    }
}

/* Gives 'msg', converted from a message whose "params" was kept as text
 * (a placeholder stands in 'msg->params'), its real params: the text for
 * a method that takes it, else the decoded array. */
static void
msg_attach_params(const struct jsonrpc_server *server, struct jsonrpc_msg *msg,
                  struct json_text_array *text)
{
    const struct jsonrpc_method *m;

    json_decref(msg->params);
    msg->params = NULL;
    m = msg->method ? find_method(server, msg->method) : NULL;
    if (m && m->text_params && msg->type == JSONRPC_REQUEST) {
        msg->params_text = json_text_array_ref(text);
    } else {
        msg->params = json_text_array_to_json(text);
    }
}

/* Handles one message: 'json' (borrowed), with its "params" in
 * 'params_text' (borrowed) if the parser kept it as text. */
static void
session_handle_json(struct jsonrpc_session *s, json_t *json,
                    struct json_text_array *params_text)
{
    struct jsonrpc_msg *msg;
    char *error;

    if (params_text) {
        /* Validation only needs to see that "params" is an array. */
        json_object_set_new(json, "params", json_array());
    }
    msg = jsonrpc_msg_from_json(json, &error);
    if (!msg) {
        char *what = xasprintf("received bad JSON-RPC message: %s", error);

        session_protocol_error(s, what);
        free(what);
        free(error);
        return;
    }
    if (params_text && msg->params) {
        msg_attach_params(s->server, msg, params_text);
    }
    if (s->remote && s->remote->session == s) {
        reconnect_activity(&s->remote->reconnect);
    }
    if (msg->type == JSONRPC_REQUEST || msg->type == JSONRPC_NOTIFY) {
        session_dispatch_request(s, msg);
    } else {
        session_dispatch_reply(s, msg);
    }
    jsonrpc_msg_destroy(msg);
}

/* Feeds 'n' received bytes through the parser, handling each message. */
static void
session_process_input(struct jsonrpc_session *s, const char *data, size_t n)
{
    while (n && !s->closing) {
        size_t used;
        enum jsonrpc_parse_status status =
            jsonrpc_parser_feed(s->parser, data, n, &used);

        data += used;
        n -= used;
        if (status == JSONRPC_PARSE_MORE) {
            return;
        } else if (status == JSONRPC_PARSE_MESSAGE) {
            struct json_text_array *params_text;
            json_t *json = jsonrpc_parser_take_lazy(s->parser, &params_text);

            session_handle_json(s, json, params_text);
            json_decref(json);
            json_text_array_unref(params_text);
        } else {
            session_protocol_error(s, jsonrpc_parser_error(s->parser));
            return;
        }
    }
}

static void
session_read(struct jsonrpc_session *s)
{
    char buf[READ_CHUNK];
    int i;

    for (i = 0; i < MAX_READS_PER_EVENT && !s->closing; i++) {
        ssize_t n = stream_recv(s->stream, buf, sizeof buf);

        if (n == -EAGAIN) {
            return;
        } else if (n == 0) {
            if (jsonrpc_parser_is_partial(s->parser)) {
                VLOG_WARN_RL(&peer_rl,
                             "%s: connection closed in the middle "
                             "of a message",
                             stream_name(s->stream));
                session_close_later(s, NULL);
            } else if (s->remote && !s->remote->pstream) {
                session_close_later(s, xstrdup("connection closed by peer"));
            } else {
                /* Clients of listeners come and go; not news. */
                VLOG_DBG("%s: connection closed by peer",
                         stream_name(s->stream));
                session_close_later(s, NULL);
            }
            return;
        } else if (n < 0) {
            s->error = (int) -n;
            session_close_later(
                s, xasprintf("receive error (%s)", strerror((int) -n)));
            return;
        }
        s->last_rx = ev_now(s->server->loop);
        s->probe_sent = false;
        session_process_input(s, buf, (size_t) n);
        if ((size_t) n < sizeof buf && stream_short_read_drains(s->stream)) {
            /* Empty now; the loop says when more arrives. */
            return;
        }
    }
}

/* Finishes an active connection. */
static void
session_finish_connect(struct jsonrpc_session *s)
{
    int error = stream_connect(s->stream);

    if (error == -EAGAIN) {
        return;
    } else if (error) {
        session_close_later(
            s, xasprintf("connection attempt failed (%s)", strerror(-error)));
        return;
    }
    VLOG_INFO("%s: connected", stream_name(s->stream));
    s->connecting = false;
    s->last_rx = ev_now(s->server->loop);
    reconnect_connected(&s->remote->reconnect);
    s->remote->last_connected = s->last_rx;
    session_start_probe(s);
    session_flush(s);
    remote_changed(s->remote);
}

static void
session_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct jsonrpc_session *s = container_of(w, struct jsonrpc_session, io_w);

    if (s->connecting) {
        session_finish_connect(s);
        return;
    }
    if (revents & EV_WRITE) {
        session_flush(s);
    }
    if ((revents & EV_READ) && !s->closing) {
        struct jsonrpc_server *server = s->server;

        /* Replies to everything read now, and what the commits among it
         * send to other sessions, go out together afterwards. */
        server_cork(server);
        session_read(s);
        server_uncork(server);
    }
}

static void
session_probe_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct jsonrpc_session *s =
        container_of(w, struct jsonrpc_session, probe_w);
    double interval = s->options.probe_ms / 1000.0;
    double idle = ev_now(loop) - s->last_rx;
    double next;

    if (s->connecting) {
        session_close_later(s, xstrdup("connection attempt timed out"));
        return;
    }
    if (s->probe_sent) {
        if (idle >= 2 * interval) {
            session_close_later(
                s, xasprintf("no response to inactivity probe after %.3g "
                             "seconds, disconnecting",
                             idle));
            return;
        }
        next = 2 * interval - idle;
    } else if (idle >= interval) {
        VLOG_DBG("%s: idle %.3g seconds, sending inactivity probe",
                 stream_name(s->stream), idle);
        s->probe_sent = true;
        jsonrpc_session_send(s, jsonrpc_create_request("echo", json_array(),
                                                       json_string("echo")));
        next = interval;
    } else {
        next = interval - idle;
    }
    if (!s->closing) {
        ev_timer_set(w, next, 0.);
        ev_timer_start(loop, w);
    }
}

void
jsonrpc_session_set_data(struct jsonrpc_session *s, void *data,
                         void (*close_cb)(struct jsonrpc_session *,
                                          void *data))
{
    s->data = data;
    s->close_cb = close_cb;
}

void *
jsonrpc_session_get_data(const struct jsonrpc_session *s)
{
    return s->data;
}

const char *
jsonrpc_session_name(const struct jsonrpc_session *s)
{
    return stream_name(s->stream);
}

struct jsonrpc_server *
jsonrpc_session_server(const struct jsonrpc_session *s)
{
    return s->server;
}

void
jsonrpc_session_set_probe_interval(struct jsonrpc_session *s, int ms)
{
    s->options.probe_ms = ms > 0 ? ms : -1;
    if (!s->closing) {
        session_start_probe(s);
    }
}

size_t
jsonrpc_session_backlog(const struct jsonrpc_session *s)
{
    return s->backlog;
}

/* Remotes. */

static void
remote_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct jsonrpc_remote *r =
        container_of(w, struct jsonrpc_remote, accept_w);
    int i;

    for (i = 0; i < MAX_ACCEPTS_PER_EVENT; i++) {
        struct stream *stream;
        int error = pstream_accept(r->pstream, &stream);

        if (error == -EAGAIN) {
            return;
        } else if (error) {
            VLOG_WARN_RL(&peer_rl, "%s: accept failed (%s)", r->name,
                         strerror(-error));
            return;
        }
        VLOG_DBG("%s: accepted connection %s", r->name, stream_name(stream));
        session_create(r->server, r, stream, false);
        remote_changed(r);
    }
}

/* Starts a connection attempt for an active remote. */
static void
remote_connect(struct jsonrpc_remote *r)
{
    struct stream *stream;
    int error = stream_open(r->name, &stream);

    if (error) {
        int delay = reconnect_failed(&r->reconnect);

        VLOG_INFO("%s: connection attempt failed (%s), reconnecting in %d ms",
                  r->name, strerror(-error), delay);
        ev_timer_set(&r->retry_w, delay / 1000.0, 0.);
        ev_timer_start(r->server->loop, &r->retry_w);
        return;
    }
    r->session = session_create(r->server, r, stream, true);
}

static void
remote_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    remote_connect(container_of(w, struct jsonrpc_remote, retry_w));
}

static void
remote_schedule_retry(struct jsonrpc_remote *r)
{
    int delay = reconnect_failed(&r->reconnect);

    VLOG_INFO("%s: reconnecting in %d ms", r->name, delay);
    ev_timer_set(&r->retry_w, delay / 1000.0, 0.);
    ev_timer_start(r->server->loop, &r->retry_w);
}

/* Tells the server's owner that 'r''s sessions changed. */
static void
remote_changed(struct jsonrpc_remote *r)
{
    if (r->server->change_func) {
        r->server->change_func(r->name, r->server->change_aux);
    }
}

static struct jsonrpc_remote *
remote_find(const struct jsonrpc_server *server, const char *name)
{
    struct jsonrpc_remote *r;

    LIST_FOR_EACH(r, node, &server->remotes) {
        if (!strcmp(r->name, name)) {
            return r;
        }
    }
    return NULL;
}

int
jsonrpc_server_add_remote(struct jsonrpc_server *server, const char *name,
                          const struct jsonrpc_options *options)
{
    struct jsonrpc_remote *r;
    bool passive = stream_name_is_passive(name);

    if (passive ? !pstream_verify_name(name) : !stream_verify_name(name)) {
        return -EINVAL;
    }
    if (remote_find(server, name)) {
        return -EEXIST;
    }
    r = xzalloc(sizeof *r);
    r->server = server;
    r->name = xstrdup(name);
    options_fill(&r->options, options, &server->options);
    reconnect_init(&r->reconnect, r->options.max_backoff_ms);
    ev_timer_init(&r->retry_w, remote_retry_cb, 0., 0.);
    if (passive) {
        int error = pstream_open(name, &r->pstream);

        if (error) {
            free(r->name);
            free(r);
            return error;
        }
        ev_io_init(&r->accept_w, remote_accept_cb, pstream_fd(r->pstream),
                   EV_READ);
        ev_io_start(server->loop, &r->accept_w);
        list_push_back(&server->remotes, &r->node);
    } else {
        list_push_back(&server->remotes, &r->node);
        remote_connect(r);
    }
    return 0;
}

static void
remote_destroy(struct jsonrpc_remote *r)
{
    struct jsonrpc_session *s, *next;
    struct ev_loop *loop = r->server->loop;

    LIST_FOR_EACH_SAFE(s, next, node, &r->server->sessions) {
        if (s->remote == r) {
            s->remote = NULL;
            session_close_later(s, xstrdup("remote removed"));
        }
    }
    ev_timer_stop(loop, &r->retry_w);
    if (r->pstream) {
        ev_io_stop(loop, &r->accept_w);
        pstream_close(r->pstream);
    }
    list_remove(&r->node);
    free(r->name);
    free(r);
}

int
jsonrpc_server_remove_remote(struct jsonrpc_server *server, const char *name)
{
    struct jsonrpc_remote *r = remote_find(server, name);

    if (!r) {
        return -ENOENT;
    }
    remote_destroy(r);
    return 0;
}

uint16_t
jsonrpc_server_get_port(const struct jsonrpc_server *server, const char *name)
{
    const struct jsonrpc_remote *r = remote_find(server, name);

    return r && r->pstream ? pstream_get_bound_port(r->pstream) : 0;
}

int
jsonrpc_server_set_remote_options(struct jsonrpc_server *server,
                                  const char *name,
                                  const struct jsonrpc_options *options)
{
    struct jsonrpc_remote *r = remote_find(server, name);
    struct jsonrpc_session *s;

    if (!r) {
        return -ENOENT;
    }
    options_fill(&r->options, options, &server->options);
    r->reconnect.max_backoff_ms = r->options.max_backoff_ms;
    LIST_FOR_EACH(s, node, &server->sessions) {
        if (s->remote == r) {
            s->options.max_backoff_ms = r->options.max_backoff_ms;
            jsonrpc_session_set_probe_interval(s, r->options.probe_ms);
        }
    }
    return 0;
}

const char *
jsonrpc_remote_state_to_string(enum jsonrpc_remote_state state)
{
    switch (state) {
    case JSONRPC_REMOTE_LISTENING:
        return "LISTENING";
    case JSONRPC_REMOTE_VOID:
        return "VOID";
    case JSONRPC_REMOTE_BACKOFF:
        return "BACKOFF";
    case JSONRPC_REMOTE_CONNECTING:
        return "CONNECTING";
    case JSONRPC_REMOTE_ACTIVE:
        return "ACTIVE";
    case JSONRPC_REMOTE_IDLE:
        return "IDLE";
    }
    return "?";
}

static enum jsonrpc_remote_state
remote_state(const struct jsonrpc_remote *r)
{
    const struct jsonrpc_session *s = r->session;

    if (r->pstream) {
        return JSONRPC_REMOTE_LISTENING;
    } else if (s && s->connecting) {
        return JSONRPC_REMOTE_CONNECTING;
    } else if (s) {
        return s->probe_sent ? JSONRPC_REMOTE_IDLE : JSONRPC_REMOTE_ACTIVE;
    } else if (ev_is_active(&r->retry_w)) {
        return JSONRPC_REMOTE_BACKOFF;
    }
    return JSONRPC_REMOTE_VOID;
}

bool
jsonrpc_server_get_remote_status(const struct jsonrpc_server *server,
                                 const char *name,
                                 struct jsonrpc_remote_status *status)
{
    const struct jsonrpc_remote *r = remote_find(server, name);

    memset(status, 0, sizeof *status);
    if (!r) {
        return false;
    }
    status->state = remote_state(r);
    status->n_sessions = r->n_sessions;
    status->last_connected = r->last_connected;
    status->last_disconnected = r->last_disconnected;
    status->last_error = r->last_error;
    status->bound_port = r->pstream ? pstream_get_bound_port(r->pstream) : 0;
    return true;
}

struct jsonrpc_session *
jsonrpc_server_get_remote_session(const struct jsonrpc_server *server,
                                  const char *name)
{
    const struct jsonrpc_remote *r = remote_find(server, name);

    return r && r->session && !r->session->connecting && !r->session->closing
               ? r->session
               : NULL;
}

void
jsonrpc_server_set_remote_change_cb(struct jsonrpc_server *server,
                                    jsonrpc_remote_change_func *cb, void *aux)
{
    server->change_func = cb;
    server->change_aux = aux;
}

/* The server. */

struct jsonrpc_server *
jsonrpc_server_create(struct ev_loop *loop,
                      const struct jsonrpc_options *options)
{
    static const struct jsonrpc_options defaults = {
        .max_msg_size = JSONRPC_DEFAULT_MAX_MSG_SIZE,
        .max_depth = JSONRPC_DEFAULT_MAX_DEPTH,
        .max_backlog = JSONRPC_DEFAULT_MAX_BACKLOG,
        .probe_ms = JSONRPC_DEFAULT_PROBE_MS,
        .max_backoff_ms = RECONNECT_DEFAULT_MAX_BACKOFF_MS,
    };
    struct jsonrpc_server *server = xzalloc(sizeof *server);

    server->loop = loop;
    options_fill(&server->options, options, &defaults);
    list_init(&server->remotes);
    list_init(&server->sessions);
    list_init(&server->dirty);
    hmap_init(&server->methods);
    return server;
}

void
jsonrpc_server_destroy(struct jsonrpc_server *server)
{
    struct jsonrpc_remote *r, *next_r;
    struct jsonrpc_session *s, *next_s;
    struct jsonrpc_method *m;

    if (!server) {
        return;
    }
    LIST_FOR_EACH_SAFE(s, next_s, node, &server->sessions) {
        s->remote = NULL;
        session_destroy(s);
    }
    LIST_FOR_EACH_SAFE(r, next_r, node, &server->remotes) {
        remote_destroy(r);
    }
    HMAP_FOR_EACH_SAFE(m, node, &server->methods) {
        hmap_remove(&server->methods, &m->node);
        free(m->name);
        free(m);
    }
    hmap_destroy(&server->methods);
    free(server);
}

static void
server_register(struct jsonrpc_server *server, const char *method,
                jsonrpc_method_func *func, void *aux, bool text_params)
{
    struct jsonrpc_method *m = find_method(server, method);

    if (!m) {
        m = xzalloc(sizeof *m);
        m->name = xstrdup(method);
        hmap_insert(&server->methods, &m->node, hash_string(method, 0));
    }
    m->func = func;
    m->aux = aux;
    m->text_params = text_params;
}

void
jsonrpc_server_register(struct jsonrpc_server *server, const char *method,
                        jsonrpc_method_func *func, void *aux)
{
    server_register(server, method, func, aux, false);
}

void
jsonrpc_server_register_text(struct jsonrpc_server *server, const char *method,
                             jsonrpc_method_func *func, void *aux)
{
    server_register(server, method, func, aux, true);
}

void
jsonrpc_server_set_fallback(struct jsonrpc_server *server,
                            jsonrpc_method_func *func, void *aux)
{
    server->fallback = func;
    server->fallback_aux = aux;
}

void
jsonrpc_server_set_reply_handler(struct jsonrpc_server *server,
                                 jsonrpc_reply_func *func, void *aux)
{
    server->reply_func = func;
    server->reply_aux = aux;
}

void
jsonrpc_server_for_each_session(struct jsonrpc_server *server,
                                void (*cb)(struct jsonrpc_session *,
                                           void *aux),
                                void *aux)
{
    struct jsonrpc_session *s, *next;

    LIST_FOR_EACH_SAFE(s, next, node, &server->sessions) {
        if (!s->closing && !s->connecting) {
            cb(s, aux);
        }
    }
}

size_t
jsonrpc_server_n_sessions(const struct jsonrpc_server *server)
{
    return server->n_sessions;
}

size_t
jsonrpc_server_n_remotes(const struct jsonrpc_server *server)
{
    return list_size(&server->remotes);
}

struct ev_loop *
jsonrpc_server_loop(const struct jsonrpc_server *server)
{
    return server->loop;
}
