/* SPDX-License-Identifier: Apache-2.0 */
/* A blocking JSON-RPC client for vtep-cli: one request, one reply, over the
 * streams of vtepd/jsonrpc (unix:, tcp:, ssl:).  Both the OVSDB server and
 * the control socket (ovs-appctl's protocol) speak it.  A command-line tool
 * has nothing else to do while it waits, so a poll() with a deadline is
 * simpler and clearer than an event loop. */
#ifndef CLI_RPC_H
#define CLI_RPC_H 1

#include <jansson.h>

struct cli_rpc;

/* Connects to 'name' ("unix:PATH", "tcp:IP:PORT") within 'timeout_ms'.
 * Returns 0 and stores a new client, owned by the caller, in '*rpcp', or a
 * negative errno (-ETIMEDOUT, -ENOENT, -ECONNREFUSED...). */
int cli_rpc_open(const char *name, int timeout_ms, struct cli_rpc **rpcp);

/* Closes and frees 'rpc'.  Accepts NULL. */
void cli_rpc_close(struct cli_rpc *rpc);

/* Sends request 'method' with 'params' (an array; this function takes
 * ownership) and waits for its reply, answering "echo" probes meanwhile.
 * On a reply returns 0 with its result in '*resultp' (a new reference).
 * On an error reply returns -EPROTO with the error in '*errorp' (a new
 * reference).  Otherwise returns a negative errno and stores nothing. */
int cli_rpc_call(struct cli_rpc *rpc, const char *method, json_t *params,
                 json_t **resultp, json_t **errorp);

#endif /* cli/rpc.h */
