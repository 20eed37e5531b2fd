/* SPDX-License-Identifier: Apache-2.0 */
/* "show ip route": the routes of the switch's logical routers, from the
 * routes section of "hal/dump-routes"; "show ip interfaces": their
 * interfaces, from its interfaces section; "show ip router": the routers'
 * counters, from its last section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Ends line 'line' of a dump at its newline and returns the next line, or
 * NULL after the last. */
static char *
cut_line(char *line)
{
    char *next = strchr(line, '\n');

    if (next) {
        *next++ = '\0';
    }
    return next;
}

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

        next = cut_line(line);
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

int
cli_show_ip_interfaces(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const cols[] = {
        "router:ROUTER", "interface:INTERFACE", "logical_switch:LS", "mac:MAC",
        "mtu:MTU",       "neigh_age:NEIGH-AGE", "ra_interval:RA",    NULL
    };
    const char *const cmd[] = { "hal/dump-routes" };
    char *text = cli_ctl_run(ctx, 1, cmd), *line, *next;
    struct cli_table *t;
    bool section = false;

    (void) argc;
    (void) argv;
    if (!text) {
        return 1;
    }
    t = cli_table_create(cols);
    for (line = text; line && *line; line = next) {
        char r[64], ip[64], mac[64], age[64], ra[64], ls[64];
        unsigned long mtu;

        next = cut_line(line);
        if (!strncmp(line, "ROUTER ", 7) && strstr(line, " INTERFACE ")) {
            section = true;
        } else if (!*line) {
            section = false;
        } else if (section
                   && sscanf(line, "%63s %63s %63s %lu %63s %63s %63s", r, ip,
                             mac, &mtu, age, ra, ls)
                          == 7) {
            cli_table_add(t,
                          (json_t *[]){ json_string(r), json_string(ip),
                                        json_string(ls), json_string(mac),
                                        json_integer((json_int_t) mtu),
                                        json_string(age), json_string(ra) });
        }
    }
    free(text);
    cli_table_sort(t);
    return cli_table_emit(ctx, t, "interfaces");
}

/* The counters of hal/dump-routes' last section, in its column order. */
static const char *const router_cols[] = { "router:ROUTER",
                                           "routed:ROUTED",
                                           "ttl_expired:TTL-EXPIRED",
                                           "no_route:NO-ROUTE",
                                           "unresolved:UNRESOLVED",
                                           "arp_requests:ARP-REQ",
                                           "arp_replies:ARP-REPLY",
                                           "icmp_errors:ICMP-ERR",
                                           "icmp_limited:ICMP-LIMIT",
                                           "acl_denied_in:ACL-IN",
                                           "acl_denied_out:ACL-OUT",
                                           "mtu_exceeded:MTU",
                                           NULL };
#define ROUTER_N_COUNTERS 11

/* Adds the row of counters line 'line' to 't', if it is one. */
static void
add_router_row(struct cli_table *t, const char *line)
{
    unsigned long long c[ROUTER_N_COUNTERS];
    json_t *row[ROUTER_N_COUNTERS + 1];
    char name[64];
    size_t i;

    if (sscanf(line,
               "%63s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
               name, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7],
               &c[8], &c[9], &c[10])
        != ROUTER_N_COUNTERS + 1) {
        return;
    }
    row[0] = json_string(name);
    for (i = 0; i < ROUTER_N_COUNTERS; i++) {
        row[i + 1] = json_integer((json_int_t) c[i]);
    }
    cli_table_add(t, row);
}

int
cli_show_ip_router(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *const cmd[] = { "hal/dump-routes" };
    char *text = cli_ctl_run(ctx, 1, cmd), *line, *next;
    struct cli_table *t;
    bool counters = false;

    (void) argc;
    (void) argv;
    if (!text) {
        return 1;
    }
    t = cli_table_create(router_cols);
    for (line = text; line && *line; line = next) {
        next = cut_line(line);
        if (!strncmp(line, "ROUTER ", 7) && strstr(line, " ROUTED ")) {
            counters = true;
        } else if (counters) {
            add_router_row(t, line);
        }
    }
    free(text);
    cli_table_sort(t);
    return cli_table_emit(ctx, t, "routers");
}
