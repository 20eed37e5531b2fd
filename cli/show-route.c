/* SPDX-License-Identifier: Apache-2.0 */
/* "show ip route": the routes of the switch's logical routers, from the
 * routes section of "hal/dump-routes". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int
cli_show_ip_route(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const cols[] = { "router:ROUTER", "prefix:PREFIX",
                                        "next_hop:NEXT-HOP",
                                        "logical_switch:LS", NULL };
    const char *const cmd[] = { "hal/dump-routes" };
    char *text = cli_ctl_run(ctx, 1, cmd), *line, *next;
    struct cli_table *t;
    bool header = true;

    (void) argc;
    (void) argv;
    if (!text) {
        return 1;
    }
    t = cli_table_create(cols);
    /* The first section, up to the first empty line. */
    for (line = text; line && *line && *line != '\n'; line = next) {
        char r[64], p[64], nh[64], ls[64];

        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        if (!header
            && sscanf(line, "%63s %63s %63s %63s", r, p, nh, ls) == 4) {
            cli_table_add(t, (json_t *[]){ json_string(r), json_string(p),
                                           json_string(nh), json_string(ls) });
        }
        header = false;
    }
    free(text);
    cli_table_sort(t);
    return cli_table_emit(ctx, t, "routes");
}
