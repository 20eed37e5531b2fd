/* SPDX-License-Identifier: Apache-2.0 */
/* The OVSDB server: RFC 7047's methods on the JSON-RPC server, answering
 * the way Open vSwitch's ovsdb-server does, for one database plus the
 * "_Server" database that describes it.
 *
 * Methods: list_dbs, get_schema, transact (a "wait" that must block is
 * retried after each commit and on its timeout; the "cancel" notification
 * ends it), monitor, monitor_cond, monitor_cond_since (backed by an
 * in-memory transaction history), monitor_cond_change, monitor_cancel,
 * lock, steal, unlock, get_server_id, set_db_change_aware, convert (when
 * enabled, see ovsdb_server_enable_convert()) and echo.
 *
 * Each commit is composed and encoded once per distinct monitor request,
 * whatever the number of clients and their monitor ids. */
#ifndef VTEPD_OVSDB_SERVER_H
#define VTEPD_OVSDB_SERVER_H 1

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "vtepd/jsonrpc/jsonrpc-server.h"

struct ovsdb_db;
struct ovsdb_server;
struct ovsdb_store;

/* Creates a server on 'loop' for 'db' (borrowed: it must outlive the
 * server; other code may commit to it, and monitors see those commits).
 * Serves no remote until ovsdb_server_add_remote(). */
struct ovsdb_server *ovsdb_server_create(struct ev_loop *loop,
                                         struct ovsdb_db *db);
/* Closes every remote and session and frees the server; NULL is a no-op.
 * Unregisters from 'db', which is left as it is. */
void ovsdb_server_destroy(struct ovsdb_server *);

/* Makes transactions that commit with "durable": true wait for 'store'
 * (borrowed; it must hold the served database and outlive the server) to
 * put their record on stable storage before they are answered.  Without a
 * store, every transaction is answered as soon as it commits. */
void ovsdb_server_set_store(struct ovsdb_server *, struct ovsdb_store *);

/* Serves clients on 'remote' (punix:PATH, ptcp:PORT[:IP], or the active
 * unix:PATH, tcp:IP:PORT).  Returns 0 or a negative errno (-EADDRINUSE
 * when another process has the port...). */
int ovsdb_server_add_remote(struct ovsdb_server *, const char *remote);
/* Like ovsdb_server_add_remote(), with per-remote 'options' (copied; NULL
 * for the defaults): inactivity probe and backoff cap. */
int ovsdb_server_add_remote_with_options(struct ovsdb_server *,
                                         const char *remote,
                                         const struct jsonrpc_options *);
/* Stops serving 'remote' and closes its sessions.  Returns 0 or
 * -ENOENT. */
int ovsdb_server_remove_remote(struct ovsdb_server *, const char *remote);
/* Changes the options of 'remote' without dropping its sessions (see
 * jsonrpc_server_set_remote_options()).  Returns 0 or -ENOENT. */
int ovsdb_server_set_remote_options(struct ovsdb_server *, const char *remote,
                                    const struct jsonrpc_options *);
/* The port a "ptcp:" listener is bound to (useful with "ptcp:0"), or 0. */
uint16_t ovsdb_server_get_port(const struct ovsdb_server *,
                               const char *remote);

/* A remote's connection state and, for a connected active remote, the
 * locks its session holds, waits for, and lost to a "steal" (each a
 * space-separated list of lock names, owned, NULL if none). */
struct ovsdb_server_remote_status {
    struct jsonrpc_remote_status rpc;
    char *locks_held;
    char *locks_waiting;
    char *locks_lost;
};
/* Fills '*status' for 'remote'; returns false, with '*status' zeroed, if
 * it is not served.  Free it with ovsdb_server_remote_status_destroy()
 * either way (a no-op after false). */
bool ovsdb_server_get_remote_status(const struct ovsdb_server *,
                                    const char *remote,
                                    struct ovsdb_server_remote_status *);
void ovsdb_server_remote_status_destroy(struct ovsdb_server_remote_status *);
/* Calls 'cb' when a remote connects, disconnects, accepts or loses a
 * client (see jsonrpc_server_set_remote_change_cb()). */
void ovsdb_server_set_remote_change_cb(struct ovsdb_server *,
                                       jsonrpc_remote_change_func *cb,
                                       void *aux);

/* Allows the "convert" method (online schema conversion) on the served
 * database.  Enable it only when nothing but the server and its store
 * depends on the database's schema (vtepd with --hal=none): conversion
 * replaces every table.  Without it, "convert" is refused with a
 * permission error. */
void ovsdb_server_enable_convert(struct ovsdb_server *);

/* From now until the server is destroyed, answers "monitor_cond" and
 * "monitor_cond_since" with "unknown method", as ovsdb-server does after
 * "ovsdb-server/disable-monitor-cond", and disconnects every session so
 * that clients reconnect and fall back to "monitor".  "monitor_cond_change"
 * is left alone.  There is no way back, as in ovsdb-server. */
void ovsdb_server_disable_monitor_cond(struct ovsdb_server *);

/* What the server holds, for "memory/show". */
struct ovsdb_server_stats {
    size_t sessions;         /* Connected clients. */
    size_t monitors;         /* Monitors over all sessions. */
    size_t monitor_specs;    /* Distinct monitor requests among them. */
    size_t update_encodings; /* Update notifications encoded so far (one
                              * per distinct request per commit). */
    size_t triggers;         /* Transactions waiting on a "wait". */
    size_t locks;            /* Locks held or waited for. */
    size_t rows;             /* Rows in the database. */
    size_t history_txns;     /* Commits kept for monitor_cond_since. */
    size_t history_bytes;
    size_t max_sessions;       /* The limit, 0 for none. */
    uint64_t sessions_refused; /* Connections closed for the limit. */
};
/* Closes new connections at once beyond 'max' sessions (0: no limit);
 * see jsonrpc_server_set_max_sessions(). */
void ovsdb_server_set_max_sessions(struct ovsdb_server *, size_t max);

void ovsdb_server_get_stats(const struct ovsdb_server *,
                            struct ovsdb_server_stats *);

#endif /* vtepd/ovsdb/server.h */
