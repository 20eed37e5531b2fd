/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON-RPC server: listeners and active remotes (reconnecting with
 * backoff) from remote names, and a method table that upper layers
 * register.  Everything runs on one libev loop.  Nothing here knows OVSDB. */
#ifndef VTEPD_JSONRPC_SERVER_H
#define VTEPD_JSONRPC_SERVER_H 1

#include "vtepd/jsonrpc/jsonrpc-session.h"

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

/* Limits the sessions open at once to 'max' (0: no limit): beyond it, a
 * connection a listener accepts is closed at once, with a rate-limited
 * log line.  Active remotes are not refused, but count. */
void jsonrpc_server_set_max_sessions(struct jsonrpc_server *, size_t max);
size_t jsonrpc_server_get_max_sessions(const struct jsonrpc_server *);
/* Connections closed at once because of the limit, since creation. */
uint64_t jsonrpc_server_n_refused(const struct jsonrpc_server *);
size_t jsonrpc_server_n_remotes(const struct jsonrpc_server *);
struct ev_loop *jsonrpc_server_loop(const struct jsonrpc_server *);

#endif /* VTEPD_JSONRPC_SERVER_H */
