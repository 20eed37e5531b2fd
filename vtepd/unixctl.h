/* SPDX-License-Identifier: Apache-2.0 */
/* The control socket: ovs-appctl's protocol (JSON-RPC over a Unix socket),
 * so that "ovs-appctl -t run/vtepd.ctl COMMAND [ARG...]" works.
 *
 * Modules register commands by name; a command's handler answers with
 * unixctl_command_reply() (output text, ovs-appctl prints it and exits 0)
 * or unixctl_command_reply_error() (ovs-appctl prints it and exits 2). */
#ifndef VTEPD_UNIXCTL_H
#define VTEPD_UNIXCTL_H 1

#include <ev.h>
#include <stdbool.h>

#include "lib/ds.h"

struct unixctl_server;
struct unixctl_conn;

/* A command handler.  'argv[0]' is the command name and 'argv[1]' through
 * 'argv[argc - 1]' its arguments (borrowed for the call; their number is
 * already checked against the registration).  It must answer 'conn' exactly
 * once, now or later; 'conn' stays valid until answered, unless the client
 * disconnects first (then only while the handler runs). */
typedef void unixctl_cb_func(struct unixctl_conn *conn, int argc,
                             const char *argv[], void *aux);

/* Registers 'name' for every control socket ('name' and 'usage' are copied;
 * 'usage' is the argument synopsis shown by list-commands).  Registering a
 * name again replaces it. */
void unixctl_command_register(const char *name, const char *usage,
                              int min_args, int max_args, unixctl_cb_func *cb,
                              void *aux);
/* Answers with 'text' (copied; a final newline is added if missing; NULL
 * means no output). */
void unixctl_command_reply(struct unixctl_conn *conn, const char *text);
void unixctl_command_reply_error(struct unixctl_conn *conn, const char *text);

/* memory/show: each hook appends "key:value" items with
 * unixctl_memory_put(). */
typedef void unixctl_memory_func(struct ds *out, void *aux);
void unixctl_memory_register(unixctl_memory_func *cb, void *aux);
void unixctl_memory_put(struct ds *out, const char *key,
                        unsigned long long value);

/* Listens on the Unix socket 'path' (replacing a stale socket file) and
 * registers the built-in commands: list-commands, version, exit (breaks
 * 'loop'), memory/show, vlog/list, vlog/set.  Returns 0 and
 * the new server in '*serverp' (owned by the caller), or a negative errno. */
int unixctl_server_create(struct ev_loop *loop, const char *path,
                          struct unixctl_server **serverp);
/* Closes the socket and every connection, and forgets every registered
 * command and memory hook.  Accepts NULL. */
void unixctl_server_destroy(struct unixctl_server *);
/* True once a client has asked the daemon to exit. */
bool unixctl_server_exit_requested(const struct unixctl_server *);

#endif /* vtepd/unixctl.h */
