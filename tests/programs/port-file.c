/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/programs/port-file.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/util.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"

void
write_port_file(const struct jsonrpc_server *server, const char *file,
                char **remotes, int n)
{
    char *tmp = xasprintf("%s.tmp", file);
    FILE *f = fopen(tmp, "w");

    if (!f) {
        xabort("%s: cannot create", tmp);
    }
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s %u\n", remotes[i],
                (unsigned) jsonrpc_server_get_port(server, remotes[i]));
    }
    if (fclose(f) || rename(tmp, file)) {
        xabort("%s: cannot write %s", tmp, file);
    }
    free(tmp);
}
