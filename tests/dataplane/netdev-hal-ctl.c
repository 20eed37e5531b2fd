/* SPDX-License-Identifier: Apache-2.0 */
/* netdev-hal-ctl: opens the netdev HAL in the current network namespace and
 * applies HAL calls read from stdin, one command per line, printing one
 * result line per command.  Kernel state stays when it exits (unless
 * --clear-on-close), so each run is a warm restart of the previous one.
 *
 * Usage: netdev-hal-ctl [--port=NAME]... [--tunnel-ip=IP] [--cold]
 *                       [--clear-on-close] < SCRIPT
 *
 * Commands (BRIDGE is a logical switch name, IPS a comma-separated list or
 * "-" for none, TYPE unknown-unicast|broadcast|unknown-multicast|all):
 *
 *   bridge NAME VNI|- [source|service] [nolearn]
 *   bridge-remove NAME
 *   bind PORT VLAN BRIDGE          unbind PORT VLAN
 *   fdb-add BRIDGE MAC IP [VNI]    fdb-local BRIDGE MAC PORT VLAN
 *   fdb-del BRIDGE MAC             flush [BRIDGE]
 *   flood BRIDGE TYPE IPS          mcast BRIDGE MAC IPS
 *   mcast-del BRIDGE MAC
 *   resync-begin                   resync-end
 *   dump-fdb [BRIDGE]  dump-flood  dump-bindings  resources
 *   stats PORT VLAN                writes         warm
 *   events MS                      print the events of the next MS ms
 *   wait-event TYPE MAC SECONDS    until an event (learned, aged, moved,
 *                                  flushed) for MAC; fails on timeout
 *   bench N BRIDGE IP              N remote MACs in one call; prints ms
 *
 * Every command prints "ok ..." or "error CMD: REASON"; the exit status is
 * 1 if any command failed. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hal/hal.h"
#include "hal/netdev/netdev.h"
#include "lib/ds.h"
#include "lib/vlog.h"
#include "lib/util.h"

#define MAX_ARGS 8
#define MAX_IPS 64

static struct hal *hal;
static int failures;

/* The event a wait-event command is looking for. */
static struct {
    bool active;
    enum hal_event_type type;
    struct hal_mac mac;
    bool seen;
} want;

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
event_name(enum hal_event_type type)
{
    switch (type) {
    case HAL_EVENT_FDB_LEARNED:
        return "learned";
    case HAL_EVENT_FDB_AGED:
        return "aged";
    case HAL_EVENT_FDB_MOVED:
        return "moved";
    case HAL_EVENT_FDB_FLUSHED:
        return "flushed";
    case HAL_EVENT_PORT_STATE:
        return "port-state";
    case HAL_EVENT_RESOURCE_EXHAUSTED:
        return "exhausted";
    case HAL_EVENT_RESOURCE_FREED:
        return "freed";
    case HAL_EVENT_OVERFLOW:
        return "overflow";
    case HAL_EVENT_NEIGH_LEARNED:
        return "neigh-learned";
    }
    return "?";
}

static const char *
port_name(hal_oid_t oid, char *buf, size_t size)
{
    size_t i, n = hal_port_count(hal);

    for (i = 0; i < n; i++) {
        struct hal_port_info info;

        if (!hal_port_get(hal, i, &info) && info.oid == oid) {
            snprintf(buf, size, "%s", info.name);
            return buf;
        }
    }
    return "-";
}

static void
event_cb(const struct hal_event *events, size_t n, void *aux)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct hal_event *ev = &events[i];
        struct hal_bridge_config c;
        char port[HAL_NAME_MAX];

        if (ev->type == HAL_EVENT_PORT_STATE) {
            printf("event port-state %s %s\n",
                   port_name(ev->port.port, port, sizeof port),
                   ev->port.up ? "up" : "down");
            continue;
        }
        if (ev->type > HAL_EVENT_FDB_FLUSHED) {
            printf("event %s\n", event_name(ev->type));
            continue;
        }
        if (hal_bridge_get(hal, ev->fdb.bridge, &c)) {
            snprintf(c.name, sizeof c.name, "?");
        }
        printf("event %s %s " HAL_MAC_FMT " %s %u\n", event_name(ev->type),
               c.name, HAL_MAC_ARGS(&ev->fdb.mac),
               port_name(ev->fdb.port, port, sizeof port),
               (unsigned) ev->fdb.vlan);
        if (want.active && ev->type == want.type
            && !memcmp(&ev->fdb.mac, &want.mac, sizeof want.mac)) {
            want.seen = true;
        }
    }
    fflush(stdout);
}

/* Runs the HAL for up to 'ms' milliseconds, or until 'want' is seen. */
static void
run_for(int64_t ms)
{
    int64_t deadline = now_ms() + ms;
    struct pollfd pfd = { .fd = hal_poll_fd(hal), .events = POLLIN };

    hal_run(hal, now_ms());
    while (!(want.active && want.seen) && now_ms() < deadline) {
        poll(&pfd, 1, (int) MIN(100, deadline - now_ms()));
        hal_run(hal, now_ms());
    }
}

/* ---- Argument parsing --------------------------------------------------- */

struct bridge_find {
    const char *name;
    hal_oid_t oid;
};

static void
bridge_find_cb(hal_oid_t oid, const struct hal_bridge_config *c, void *find_)
{
    struct bridge_find *find = find_;

    if (!strcmp(c->name, find->name)) {
        find->oid = oid;
    }
}

static int
parse_bridge(const char *name, hal_oid_t *oid)
{
    struct bridge_find find = { name, HAL_OID_NULL };

    hal_bridge_walk(hal, bridge_find_cb, &find);
    *oid = find.oid;
    return find.oid ? 0 : -ENOENT;
}

static int
parse_port(const char *name, hal_oid_t *oid)
{
    return hal_port_by_name(hal, name, oid);
}

static int
parse_vlan(const char *s, uint16_t *vlan)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    *vlan = (uint16_t) v;
    return *end || v > HAL_VLAN_MAX ? -EINVAL : 0;
}

static int
parse_ip(const char *s, struct in_addr *ip)
{
    return inet_pton(AF_INET, s, ip) == 1 ? 0 : -EINVAL;
}

/* Parses "-" or "IP,IP,..." into 'ips' (MAX_IPS). */
static int
parse_ips(const char *s, struct in_addr ips[], size_t *n)
{
    char *copy = xstrdup(s);
    char *save = NULL;
    char *tok;
    int error = 0;

    *n = 0;
    if (strcmp(s, "-")) {
        for (tok = strtok_r(copy, ",", &save); tok && !error;
             tok = strtok_r(NULL, ",", &save)) {
            error = *n < MAX_IPS ? parse_ip(tok, &ips[(*n)++]) : -E2BIG;
        }
    }
    free(copy);
    return error;
}

static int
parse_flood_type(const char *s, int *type)
{
    int t;

    if (!strcmp(s, "all")) {
        *type = -1;
        return 0;
    }
    for (t = 0; t < HAL_FLOOD_N; t++) {
        if (!strcmp(s, hal_flood_type_name(t))) {
            *type = t;
            return 0;
        }
    }
    return -EINVAL;
}

static int
parse_event_type(const char *s, enum hal_event_type *type)
{
    enum hal_event_type t;

    for (t = HAL_EVENT_FDB_LEARNED; t <= HAL_EVENT_FDB_FLUSHED; t++) {
        if (!strcmp(s, event_name(t))) {
            *type = t;
            return 0;
        }
    }
    return -EINVAL;
}

/* ---- Commands ----------------------------------------------------------- */

static int
cmd_bridge(char **argv, int argc)
{
    struct hal_bridge_config c;
    hal_oid_t oid = HAL_OID_NULL;
    int i;

    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", argv[1]);
    c.vni = strcmp(argv[2], "-") ? (uint32_t) strtoul(argv[2], NULL, 10)
                                 : HAL_VNI_NONE;
    c.replication = HAL_REPLICATION_SOURCE_NODE;
    c.learning = true;
    for (i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "service")) {
            c.replication = HAL_REPLICATION_SERVICE_NODE;
        } else if (!strcmp(argv[i], "nolearn")) {
            c.learning = false;
        } else if (strcmp(argv[i], "source")) {
            return -EINVAL;
        }
    }
    return hal_bridge_set(hal, &c, &oid);
}

static int
cmd_bridge_remove(char **argv, int argc)
{
    hal_oid_t oid;
    int error = parse_bridge(argv[1], &oid);

    return error ? error : hal_bridge_remove(hal, oid);
}

static int
cmd_bind(char **argv, int argc)
{
    struct hal_binding b;
    int error = parse_port(argv[1], &b.port);

    if (!error) {
        error = parse_vlan(argv[2], &b.vlan);
    }
    if (!error && argc > 3) {
        error = parse_bridge(argv[3], &b.bridge);
    }
    if (error) {
        return error;
    }
    return argc > 3 ? hal_binding_set(hal, &b, 1, NULL)
                    : hal_binding_remove(hal, &b, 1, NULL);
}

static int
fdb_key(char **argv, struct hal_fdb_entry *e)
{
    int error;

    memset(e, 0, sizeof *e);
    e->type = HAL_FDB_STATIC;
    e->vni = HAL_VNI_NONE;
    error = parse_bridge(argv[1], &e->bridge);
    return error ? error : hal_mac_from_string(argv[2], &e->mac);
}

static int
cmd_fdb_add(char **argv, int argc)
{
    struct hal_fdb_entry e;
    int error = fdb_key(argv, &e);

    if (!error) {
        e.remote = true;
        error = parse_ip(argv[3], &e.remote_ip);
    }
    if (!error && argc > 4) {
        e.vni = (uint32_t) strtoul(argv[4], NULL, 10);
    }
    return error ? error : hal_fdb_set(hal, &e, 1, NULL);
}

static int
cmd_fdb_local(char **argv, int argc)
{
    struct hal_fdb_entry e;
    int error = fdb_key(argv, &e);

    if (!error) {
        error = parse_port(argv[3], &e.port);
    }
    if (!error) {
        error = parse_vlan(argv[4], &e.vlan);
    }
    return error ? error : hal_fdb_set(hal, &e, 1, NULL);
}

static int
cmd_fdb_del(char **argv, int argc)
{
    struct hal_fdb_entry e;
    int error = fdb_key(argv, &e);

    return error ? error : hal_fdb_remove(hal, &e, 1, NULL);
}

static int
cmd_flush(char **argv, int argc)
{
    struct hal_fdb_flush f = { HAL_OID_NULL, HAL_OID_NULL };
    int error = argc > 1 ? parse_bridge(argv[1], &f.bridge) : 0;

    return error ? error : hal_fdb_flush(hal, &f);
}

static int
cmd_flood(char **argv, int argc)
{
    struct in_addr ips[MAX_IPS];
    struct hal_flood_group g[HAL_FLOOD_N];
    size_t n_ips, n = 0;
    hal_oid_t bridge;
    int type, t;
    int error = parse_bridge(argv[1], &bridge);

    if (!error) {
        error = parse_flood_type(argv[2], &type);
    }
    if (!error) {
        error = parse_ips(argv[3], ips, &n_ips);
    }
    if (error) {
        return error;
    }
    for (t = 0; t < HAL_FLOOD_N; t++) {
        if (type < 0 || type == t) {
            memset(&g[n], 0, sizeof g[n]);
            g[n].bridge = bridge;
            g[n].type = t;
            g[n].remotes = ips;
            g[n++].n_remotes = n_ips;
        }
    }
    return hal_flood_set(hal, g, n, NULL);
}

static int
cmd_mcast(char **argv, int argc)
{
    struct in_addr ips[MAX_IPS];
    struct hal_flood_group g;
    int error;

    memset(&g, 0, sizeof g);
    error = parse_bridge(argv[1], &g.bridge);
    if (!error) {
        error = hal_mac_from_string(argv[2], &g.mac);
    }
    if (!error && argc > 3) {
        error = parse_ips(argv[3], ips, &g.n_remotes);
        g.remotes = ips;
    }
    if (error) {
        return error;
    }
    return argc > 3 ? hal_mcast_set(hal, &g, 1, NULL)
                    : hal_mcast_remove(hal, &g, 1, NULL);
}

static int
cmd_dump(char **argv, int argc)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    int error = 0;

    if (!strcmp(argv[0], "dump-fdb")) {
        error = hal_dump_fdb(hal, argc > 1 ? argv[1] : NULL, &out);
    } else if (!strcmp(argv[0], "dump-flood")) {
        hal_dump_flood(hal, &out);
    } else if (!strcmp(argv[0], "dump-bindings")) {
        hal_dump_bindings(hal, &out);
    } else {
        hal_dump_resources(hal, &out);
    }
    fputs(ds_cstr(&out), stdout);
    ds_destroy(&out);
    return error;
}

static int
cmd_stats(char **argv, int argc)
{
    struct hal_binding_stats s;
    hal_oid_t port;
    uint16_t vlan;
    int error = parse_port(argv[1], &port);

    if (!error) {
        error = parse_vlan(argv[2], &vlan);
    }
    if (!error) {
        error = hal_binding_stats_get(hal, port, vlan, &s);
    }
    if (!error) {
        printf("stats %s %u from_local %llu packets %llu bytes to_local %llu "
               "packets %llu bytes\n",
               argv[1], (unsigned) vlan,
               (unsigned long long) s.packets_from_local,
               (unsigned long long) s.bytes_from_local,
               (unsigned long long) s.packets_to_local,
               (unsigned long long) s.bytes_to_local);
    }
    return error;
}

static int
cmd_misc(char **argv, int argc)
{
    struct hal_netdev *nd = hal_netdev_cast(hal);

    if (!strcmp(argv[0], "resync-begin")) {
        return hal_resync_begin(hal);
    } else if (!strcmp(argv[0], "resync-end")) {
        return hal_resync_end(hal);
    } else if (!strcmp(argv[0], "writes")) {
        printf("writes %llu\n", (unsigned long long) hal_netdev_writes(nd));
    } else if (!strcmp(argv[0], "warm")) {
        printf("warm %s\n", hal_is_warm(hal) ? "yes" : "no");
    } else if (!strcmp(argv[0], "events")) {
        run_for(argc > 1 ? atoi(argv[1]) : 0);
    }
    return 0;
}

static int
cmd_wait_event(char **argv, int argc)
{
    int error = parse_event_type(argv[1], &want.type);

    if (!error) {
        error = hal_mac_from_string(argv[2], &want.mac);
    }
    if (error) {
        return error;
    }
    want.active = true;
    want.seen = false;
    run_for((int64_t) atoi(argv[3]) * 1000);
    want.active = false;
    return want.seen ? 0 : -ETIMEDOUT;
}

static int
cmd_bench(char **argv, int argc)
{
    size_t n = strtoul(argv[1], NULL, 10);
    struct hal_fdb_entry *e = xcalloc(n ? n : 1, sizeof *e);
    int *status = xcalloc(n ? n : 1, sizeof *status);
    struct in_addr ip;
    hal_oid_t bridge;
    int64_t start;
    size_t i, failed = 0;
    int error = parse_bridge(argv[2], &bridge);

    if (!error) {
        error = parse_ip(argv[3], &ip);
    }
    for (i = 0; i < n && !error; i++) {
        /* The same MACs the benchmark script gives 'bridge -batch'. */
        e[i].bridge = bridge;
        e[i].mac = (struct hal_mac){ { 0x02, 0x00, (uint8_t) (i >> 24),
                                       (uint8_t) (i >> 16), (uint8_t) (i >> 8),
                                       (uint8_t) i } };
        e[i].type = HAL_FDB_STATIC;
        e[i].remote = true;
        e[i].remote_ip = ip;
        e[i].vni = HAL_VNI_NONE;
    }
    if (!error) {
        start = now_ms();
        hal_fdb_set(hal, e, n, status);
        for (i = 0; i < n; i++) {
            failed += status[i] != 0;
        }
        printf("bench %zu entries %lld ms %zu failed\n", n,
               (long long) (now_ms() - start), failed);
    }
    free(status);
    free(e);
    return error ? error : failed ? -EIO : 0;
}

struct command {
    const char *name;
    int min_args; /* Including the name. */
    int (*fn)(char **argv, int argc);
};

static const struct command commands[] = {
    { "bridge", 3, cmd_bridge },     { "bridge-remove", 2, cmd_bridge_remove },
    { "bind", 4, cmd_bind },         { "unbind", 3, cmd_bind },
    { "fdb-add", 4, cmd_fdb_add },   { "fdb-local", 5, cmd_fdb_local },
    { "fdb-del", 3, cmd_fdb_del },   { "flush", 1, cmd_flush },
    { "flood", 4, cmd_flood },       { "mcast", 4, cmd_mcast },
    { "mcast-del", 3, cmd_mcast },   { "dump-fdb", 1, cmd_dump },
    { "dump-flood", 1, cmd_dump },   { "dump-bindings", 1, cmd_dump },
    { "resources", 1, cmd_dump },    { "stats", 3, cmd_stats },
    { "resync-begin", 1, cmd_misc }, { "resync-end", 1, cmd_misc },
    { "writes", 1, cmd_misc },       { "warm", 1, cmd_misc },
    { "events", 1, cmd_misc },       { "wait-event", 4, cmd_wait_event },
    { "bench", 4, cmd_bench },
};

static void
execute(char *line)
{
    char *argv[MAX_ARGS];
    char *save = NULL;
    int argc = 0;
    size_t i;
    char *tok;

    for (tok = strtok_r(line, " \t\n", &save); tok && argc < MAX_ARGS;
         tok = strtok_r(NULL, " \t\n", &save)) {
        argv[argc++] = tok;
    }
    if (!argc || argv[0][0] == '#') {
        return;
    }
    for (i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(argv[0], commands[i].name)) {
            int error = argc < commands[i].min_args
                            ? -EINVAL
                            : commands[i].fn(argv, argc);

            if (error) {
                printf("error %s: %s\n", argv[0], hal_strerror(error));
                failures++;
            } else {
                printf("ok %s\n", argv[0]);
            }
            /* Deliver what the call queued, as vtepd's loop would. */
            hal_run(hal, now_ms());
            fflush(stdout);
            return;
        }
    }
    printf("error %s: unknown command\n", argv[0]);
    failures++;
}

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "port", required_argument, NULL, 'p' },
        { "tunnel-ip", required_argument, NULL, 't' },
        { "cold", no_argument, NULL, 'c' },
        { "clear-on-close", no_argument, NULL, 'x' },
        { NULL, 0, NULL, 0 },
    };
    struct hal_switch_config sw = { .vxlan_port = 4789, .aging_time_s = 300 };
    struct hal_config config;
    const char **ports = xcalloc((size_t) argc, sizeof *ports);
    char line[1024];
    int error, c;

    set_program_name(argv[0]);
    memset(&config, 0, sizeof config);
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'p') {
            ports[config.n_ports++] = optarg;
        } else if (c == 't') {
            if (parse_ip(optarg, &sw.tunnel_src)) {
                fprintf(stderr, "bad --tunnel-ip %s\n", optarg);
                return 2;
            }
        } else if (c == 'c') {
            config.cold_start = true;
        } else if (c == 'x') {
            config.clear_on_close = true;
        } else {
            return 2;
        }
    }
    config.ports = ports;
    hal_register_provider(&hal_netdev_provider);
    error = hal_open("netdev", &config, &hal);
    if (error) {
        printf("error open: %s\n", hal_strerror(error));
        return 1;
    }
    hal_set_event_cb(hal, event_cb, NULL);
    error = hal_switch_set(hal, &sw);
    if (error) {
        printf("error switch: %s\n", hal_strerror(error));
        failures++;
    }
    while (fgets(line, sizeof line, stdin)) {
        execute(line);
    }
    hal_close(hal);
    free(ports);
    return failures ? 1 : 0;
}
