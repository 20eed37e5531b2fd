/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-RPC sessions: one connected peer each, with non-blocking output, a
 * capped backlog, the inactivity probe ("echo") and deferred replies. */
#ifndef VTEPD_JSONRPC_SESSION_H
#define VTEPD_JSONRPC_SESSION_H 1

#include "vtepd/jsonrpc/jsonrpc.h"

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
    bool lazy_result;    /* Keep a reply's "result", when it is an array,
                          * as text (jsonrpc_msg's 'result_text') instead
                          * of "params": for clients that parse large
                          * replies themselves. */
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

#endif /* VTEPD_JSONRPC_SESSION_H */
