/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the files of the JSON-RPC server: the session,
 * remote and server objects and the calls between them.  Not for users of
 * the transport, which include jsonrpc-server.h. */
#ifndef VTEPD_JSONRPC_PRIVATE_H
#define VTEPD_JSONRPC_PRIVATE_H 1

#include "lib/hmap.h"
#include "lib/list.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"
#include "vtepd/jsonrpc/reconnect.h"

struct json_text_array;
struct pstream;
struct stream;

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

    /* Accepting (jsonrpc-remote.c).  Beyond 'max_sessions' (0: no limit) a
     * listener's new connections are closed at once.  While the process
     * is out of descriptors, the listeners stop until a session closes or
     * 'accept_retry_w' fires, with backoff. */
    size_t max_sessions;
    uint64_t n_refused;      /* Connections closed for 'max_sessions'. */
    bool accept_paused;      /* Listeners are stopped. */
    int accept_backoff_ms;   /* Current pause; 0 after an accept works. */
    ev_timer accept_retry_w; /* Ends the pause. */
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

/* jsonrpc-session.c */

/* Fills '*dst' from 'src' (or 'defaults' if NULL), zero fields taking the
 * value in 'defaults'. */
void jsonrpc_options_fill(struct jsonrpc_options *dst,
                          const struct jsonrpc_options *src,
                          const struct jsonrpc_options *defaults);
/* Creates a session of 'server' on 'stream' (taking ownership), accepted
 * by or connecting for 'remote' (NULL for none). */
struct jsonrpc_session *jsonrpc_session_create(struct jsonrpc_server *server,
                                               struct jsonrpc_remote *remote,
                                               struct stream *stream,
                                               bool connecting);
/* Closes and frees 's' now, telling the upper layer and its remote. */
void jsonrpc_session_destroy(struct jsonrpc_session *s);
/* Closes 's' from the event loop soon; takes ownership of 'reason'. */
void jsonrpc_session_close_later(struct jsonrpc_session *s, char *reason);
/* Sends what 's' queued, or schedules it to be sent. */
void jsonrpc_session_flush(struct jsonrpc_session *s);
/* Logs a peer-caused problem (rate-limited) and disconnects 's'. */
void jsonrpc_session_protocol_error(struct jsonrpc_session *s,
                                    const char *what);

/* jsonrpc-remote.c */

/* Tells the server's owner that 'r''s sessions changed. */
void jsonrpc_remote_changed(struct jsonrpc_remote *r);
/* Schedules the next connection attempt of the active remote 'r'. */
void jsonrpc_remote_schedule_retry(struct jsonrpc_remote *r);
/* Closes 'r''s listener or connection and its sessions, and frees it. */
void jsonrpc_remote_destroy(struct jsonrpc_remote *r);
/* Sets up and tears down the server's accept pause (jsonrpc_server's
 * create and destroy). */
void jsonrpc_accept_init(struct jsonrpc_server *server);
void jsonrpc_accept_destroy(struct jsonrpc_server *server);
/* A session of 'server' closed and freed a descriptor: listeners that were
 * stopped for want of descriptors start again. */
void jsonrpc_accept_resume(struct jsonrpc_server *server);

/* jsonrpc-server.c */

/* While corked, sessions only queue output; the last uncork flushes every
 * session that queued some, once. */
void jsonrpc_server_cork(struct jsonrpc_server *server);
void jsonrpc_server_uncork(struct jsonrpc_server *server);
/* Handles one message that arrived on 's': 'json' (borrowed), with its
 * "params" in 'params_text' (borrowed) if the parser kept it as text. */
void jsonrpc_server_handle_json(struct jsonrpc_session *s, json_t *json,
                                struct json_text_array *params_text);

#endif /* VTEPD_JSONRPC_PRIVATE_H */
