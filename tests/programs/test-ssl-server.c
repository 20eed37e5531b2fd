/* SPDX-License-Identifier: Apache-2.0 */
/* A JSON-RPC server over TLS for tests/interop/ssl.sh: serves the given
 * remotes (pssl:, ssl:, or any other) with a toy "list_dbs" method that
 * answers ["hardware_vtep"], so that ovsdb-client and Python's ssl module
 * can check mutual authentication, refusals and active connections.
 *
 * usage: test-ssl-server --private-key=F --certificate=F --ca-cert=F
 *            [--port-file=FILE] REMOTE...
 *
 * The port file gets "REMOTE PORT" per remote once all are set up.
 * SIGTERM or SIGINT stops it cleanly. */
#include <ev.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"
#include "vtepd/jsonrpc/stream.h"
#include "tests/programs/port-file.h"

static void
list_dbs(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
         void *aux)
{
    jsonrpc_session_reply(s, request, json_pack("[s]", "hardware_vtep"));
}

static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    ev_break(loop, EVBREAK_ALL);
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "private-key", required_argument, NULL, 'k' },
        { "certificate", required_argument, NULL, 'c' },
        { "ca-cert", required_argument, NULL, 'C' },
        { "port-file", required_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 },
    };
    struct ev_loop *loop = EV_DEFAULT;
    struct jsonrpc_server *server;
    const char *port_file = NULL;
    ev_signal sigterm, sigint;
    int c;

    set_program_name(argv[0]);
    signal(SIGPIPE, SIG_IGN);
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (c) {
        case 'k':
            stream_ssl_set_private_key_file(optarg);
            break;
        case 'c':
            stream_ssl_set_certificate_file(optarg);
            break;
        case 'C':
            stream_ssl_set_ca_cert_file(optarg);
            break;
        case 'p':
            port_file = optarg;
            break;
        default:
            return 2;
        }
    }
    server = jsonrpc_server_create(loop, NULL);
    jsonrpc_server_register(server, "list_dbs", list_dbs, NULL);
    for (int i = optind; i < argc; i++) {
        int error = jsonrpc_server_add_remote(server, argv[i], NULL);

        if (error) {
            fprintf(stderr, "%s: %s: %s\n", program_name, argv[i],
                    strerror(-error));
            return 1;
        }
    }
    if (port_file) {
        write_port_file(server, port_file, argv + optind, argc - optind);
    }
    ev_signal_init(&sigterm, stop_cb, SIGTERM);
    ev_signal_init(&sigint, stop_cb, SIGINT);
    ev_signal_start(loop, &sigterm);
    ev_signal_start(loop, &sigint);
    ev_run(loop, 0);
    jsonrpc_server_destroy(server);
    return 0;
}
