/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the test servers: tells a test script which ports its
 * listeners got (they listen on port 0). */
#ifndef TESTS_PROGRAMS_PORT_FILE_H
#define TESTS_PROGRAMS_PORT_FILE_H 1

struct jsonrpc_server;

/* Writes "REMOTE PORT" for each of the 'n' 'remotes' of 'server' to 'file',
 * atomically (through a temporary file and rename), so that a script
 * polling for the file never reads half of it.  Aborts on failure. */
void write_port_file(const struct jsonrpc_server *server, const char *file,
                     char **remotes, int n);

#endif /* tests/programs/port-file.h */
