/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by server.c (databases, sessions, transactions, locks)
 * and server-monitor.c (monitors and their fan-out).  Not for other
 * modules. */
#ifndef VTEPD_OVSDB_SERVER_PRIVATE_H
#define VTEPD_OVSDB_SERVER_PRIVATE_H 1

#include <ev.h>
#include <jansson.h>
#include <stdbool.h>

#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/uuid.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"
#include "vtepd/ovsdb/lock.h"

struct ovsdb_changeset;
struct ovsdb_db;
struct ovsdb_error;

/* A database the server serves. */
struct server_db {
    struct ovsdb_server *server;
    struct ovsdb_db *db;
    const char *name;              /* The schema's name. */
    struct ovsdb_history *history; /* For monitor_cond_since. */
    struct hmap specs; /* Of 'struct monitor_spec_ref', by key hash. */
    struct ovsdb_commit_hook *hook;
};

enum { SERVER_DATA_DB, SERVER_SERVER_DB, SERVER_N_DBS };

struct ovsdb_server {
    struct ev_loop *loop;
    struct jsonrpc_server *rpc;
    struct server_db dbs[SERVER_N_DBS]; /* The served one, then _Server. */
    struct ovsdb_db *server_db;         /* _Server, owned. */
    struct uuid id;                     /* For get_server_id. */
    struct ovsdb_lock_table locks;
    struct ovsdb_store *store; /* Durable commits wait for it; may be NULL. */
    struct list triggers;      /* Of 'struct trigger'. */
    ev_timer retry_w;          /* Retries triggers after a commit. */
    size_t n_monitors;
    size_t n_encodings;
    bool convert_enabled;       /* See ovsdb_server_enable_convert(). */
    bool monitor_cond_disabled; /* ovsdb_server_disable_monitor_cond(). */
};

/* What the server keeps per client. */
struct server_session {
    struct ovsdb_server *server;
    struct jsonrpc_session *js;
    struct hmap monitors; /* Of 'struct monitor', by hash of the id. */
    struct list waiters;  /* Of 'struct ovsdb_lock_waiter' (owner_node). */
    bool db_change_aware;
};

/* Replies to 'request' with 'error' (taken). */
void ovsdb_server_reply_error(struct jsonrpc_session *,
                              const struct jsonrpc_msg *request,
                              struct ovsdb_error *error);
/* Finds the database that 'request''s params name first, or replies with
 * ovsdb-server's error and returns NULL. */
struct server_db *ovsdb_server_lookup_db(struct server_session *,
                                         const struct jsonrpc_msg *request);
/* The server's data for 's', created on first use. */
struct server_session *ovsdb_server_session_get(struct ovsdb_server *,
                                                struct jsonrpc_session *s);
/* Answers every transaction waiting on a "wait" in 'sdb' with the error
 * "canceled", as ovsdb-server does when a database is replaced. */
void ovsdb_server_cancel_triggers(struct server_db *sdb);
/* Refreshes the _Server.Database row that describes 'sdb' (its schema). */
void ovsdb_server_describe_db(struct server_db *sdb);

/* server-monitor.c. */
void ovsdb_server_monitor_register(struct ovsdb_server *);
/* Records a commit of 'sdb' in its history and sends it to the monitors. */
void ovsdb_server_monitor_publish(struct server_db *sdb,
                                  const struct ovsdb_changeset *);
/* Cancels every monitor of a closing session. */
void ovsdb_server_monitor_session_closed(struct server_session *);
size_t ovsdb_server_monitor_n_specs(const struct ovsdb_server *);
/* Cancels every monitor of 'sdb', whose schema is about to change,
 * sending "monitor_canceled" to the sessions that asked to be told
 * (set_db_change_aware), and forgets its history. */
void ovsdb_server_monitor_db_replaced(struct server_db *sdb);

/* server-convert.c. */
void ovsdb_server_convert_register(struct ovsdb_server *);

#endif /* vtepd/ovsdb/server-private.h */
