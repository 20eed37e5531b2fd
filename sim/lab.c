/* SPDX-License-Identifier: Apache-2.0 */
/* The lab's configuration commands.  See lab.h. */
#include "sim/lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic.h"
#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/util.h"

#define LAB_MAX_ARGS 64

struct lab_cmd {
    const char *name;
    int min_args, max_args; /* Not counting the command name. */
    int (*handler)(struct hal *, int argc, char *argv[], struct ds *out);
};

/* ---- Argument parsing --------------------------------------------------- */

static int
parse_uint(const char *s, unsigned long max, unsigned long *value,
           const char *what, struct ds *out)
{
    char *end;

    errno = 0;
    *value = strtoul(s, &end, 10);
    if (!*s || *end || errno || *value > max || *s == '-') {
        ds_put_format(out, "%s: bad %s\n", s, what);
        return -EINVAL;
    }
    return 0;
}

static int
parse_ip(const char *s, struct in_addr *ip, struct ds *out)
{
    if (inet_pton(AF_INET, s, ip) != 1) {
        ds_put_format(out, "%s: bad IPv4 address\n", s);
        return -EINVAL;
    }
    return 0;
}

static int
parse_mac(const char *s, struct hal_mac *mac, struct ds *out)
{
    if (hal_mac_from_string(s, mac)) {
        ds_put_format(out, "%s: bad MAC address\n", s);
        return -EINVAL;
    }
    return 0;
}

static int
parse_port(struct hal *hal, const char *s, hal_oid_t *port, struct ds *out)
{
    if (hal_port_by_name(hal, s, port)) {
        ds_put_format(out, "%s: no such port\n", s);
        return -ENOENT;
    }
    return 0;
}

static int
parse_vlan(const char *s, uint16_t *vlan, struct ds *out)
{
    unsigned long v;
    int error = parse_uint(s, HAL_VLAN_MAX, &v, "VLAN", out);

    *vlan = (uint16_t) v;
    return error;
}

struct find_bridge {
    const char *name;
    hal_oid_t oid;
};

static void
find_bridge_cb(hal_oid_t oid, const struct hal_bridge_config *c, void *aux)
{
    struct find_bridge *fb = aux;

    if (!strcmp(c->name, fb->name)) {
        fb->oid = oid;
    }
}

static int
parse_bridge(struct hal *hal, const char *s, hal_oid_t *bridge, struct ds *out)
{
    struct find_bridge fb = { s, HAL_OID_NULL };

    hal_bridge_walk(hal, find_bridge_cb, &fb);
    if (!fb.oid) {
        ds_put_format(out, "%s: no such bridge\n", s);
        return -ENOENT;
    }
    *bridge = fb.oid;
    return 0;
}

/* Appends "COMMAND: ERROR" for a failed HAL call and returns 'error'. */
static int
hal_failed(const char *cmd, int error, struct ds *out)
{
    if (error) {
        ds_put_format(out, "%s: %s\n", cmd, hal_strerror(error));
    }
    return error;
}

/* ---- Switch ------------------------------------------------------------- */

static int
cmd_tunnel_ip(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_switch_config sw;
    int error;

    hal_switch_get(hal, &sw);
    error = parse_ip(argv[1], &sw.tunnel_src, out);
    return error ? error : hal_failed(argv[0], hal_switch_set(hal, &sw), out);
}

static int
cmd_aging(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_switch_config sw;
    unsigned long secs;
    int error;

    hal_switch_get(hal, &sw);
    error = parse_uint(argv[1], UINT32_MAX, &secs, "aging time", out);
    sw.aging_time_s = (uint32_t) secs;
    return error ? error : hal_failed(argv[0], hal_switch_set(hal, &sw), out);
}

static int
cmd_link(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_asic *asic = hal_asic_cast(hal);
    hal_oid_t port;
    int error = parse_port(hal, argv[1], &port, out);

    if (error) {
        return error;
    } else if (!asic) {
        ds_put_cstr(out, "link: only the asic backend has simulated links\n");
        return -EOPNOTSUPP;
    } else if (strcmp(argv[2], "up") && strcmp(argv[2], "down")) {
        ds_put_format(out, "%s: say up or down\n", argv[2]);
        return -EINVAL;
    }
    return hal_failed(
        argv[0], hal_asic_set_link(asic, port, !strcmp(argv[2], "up")), out);
}

/* ---- Bridges and bindings ----------------------------------------------- */

static int
cmd_bridge(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_bridge_config c;
    hal_oid_t oid = HAL_OID_NULL;
    unsigned long vni = HAL_VNI_NONE;
    int i;

    memset(&c, 0, sizeof c);
    if (strlen(argv[1]) >= sizeof c.name) {
        ds_put_format(out, "%s: name too long\n", argv[1]);
        return -EINVAL;
    }
    memcpy(c.name, argv[1], strlen(argv[1]) + 1);
    if (strcmp(argv[2], "none")
        && parse_uint(argv[2], HAL_VNI_MAX, &vni, "VNI", out)) {
        return -EINVAL;
    }
    c.vni = (uint32_t) vni;
    c.replication = HAL_REPLICATION_SOURCE_NODE;
    c.learning = true;
    for (i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "source_node")) {
            c.replication = HAL_REPLICATION_SOURCE_NODE;
        } else if (!strcmp(argv[i], "service_node")) {
            c.replication = HAL_REPLICATION_SERVICE_NODE;
        } else if (!strcmp(argv[i], "nolearning")) {
            c.learning = false;
        } else {
            ds_put_format(out, "%s: unknown bridge option\n", argv[i]);
            return -EINVAL;
        }
    }
    return hal_failed(argv[0], hal_bridge_set(hal, &c, &oid), out);
}

static int
cmd_bridge_remove(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    hal_oid_t bridge;
    int error = parse_bridge(hal, argv[1], &bridge, out);

    return error ? error
                 : hal_failed(argv[0], hal_bridge_remove(hal, bridge), out);
}

static int
cmd_bind(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_binding b;
    int error = parse_port(hal, argv[1], &b.port, out);

    if (!error) {
        error = parse_vlan(argv[2], &b.vlan, out);
    }
    if (!error && argc > 3) {
        error = parse_bridge(hal, argv[3], &b.bridge, out);
    } else {
        b.bridge = HAL_OID_NULL;
    }
    if (error) {
        return error;
    }
    return hal_failed(argv[0],
                      argc > 3 ? hal_binding_set(hal, &b, 1, NULL)
                               : hal_binding_remove(hal, &b, 1, NULL),
                      out);
}

/* ---- FDB and flooding --------------------------------------------------- */

static int
cmd_fdb(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_fdb_entry e;
    int error;

    memset(&e, 0, sizeof e);
    e.type = HAL_FDB_STATIC;
    e.vni = HAL_VNI_NONE;
    error = parse_bridge(hal, argv[1], &e.bridge, out);
    if (!error) {
        error = parse_mac(argv[2], &e.mac, out);
    }
    if (error) {
        return error;
    }
    if (!strcmp(argv[0], "fdb-remove")) {
        return hal_failed(argv[0], hal_fdb_remove(hal, &e, 1, NULL), out);
    } else if (!strcmp(argv[0], "fdb-remote")) {
        e.remote = true;
        error = parse_ip(argv[3], &e.remote_ip, out);
    } else if (argc < 5) {
        ds_put_cstr(out, "fdb-local: needs PORT and VLAN\n");
        return -EINVAL;
    } else {
        error = parse_port(hal, argv[3], &e.port, out);
        if (!error) {
            error = parse_vlan(argv[4], &e.vlan, out);
        }
    }
    return error ? error
                 : hal_failed(argv[0], hal_fdb_set(hal, &e, 1, NULL), out);
}

static int
cmd_flush(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_fdb_flush filter = { HAL_OID_NULL, HAL_OID_NULL };
    int error = argc > 1 ? parse_bridge(hal, argv[1], &filter.bridge, out) : 0;

    return error ? error
                 : hal_failed(argv[0], hal_fdb_flush(hal, &filter), out);
}

static int
flood_type_from_string(const char *s)
{
    int t;

    for (t = 0; t < HAL_FLOOD_N; t++) {
        if (!strcmp(s, hal_flood_type_name((enum hal_flood_type) t))) {
            return t;
        }
    }
    return -1;
}

static int
cmd_flood(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct in_addr remotes[LAB_MAX_ARGS];
    struct hal_flood_group groups[HAL_FLOOD_N];
    size_t n_groups = 0, n_remotes = 0;
    int first = 2, only = -1;
    hal_oid_t bridge;
    int error, t, i;

    error = parse_bridge(hal, argv[1], &bridge, out);
    if (error) {
        return error;
    }
    if (argc > 2 && (only = flood_type_from_string(argv[2])) >= 0) {
        first = 3;
    }
    for (i = first; i < argc; i++) {
        error = parse_ip(argv[i], &remotes[n_remotes++], out);
        if (error) {
            return error;
        }
    }
    memset(groups, 0, sizeof groups);
    for (t = 0; t < HAL_FLOOD_N; t++) {
        if (only < 0 || only == t) {
            groups[n_groups].bridge = bridge;
            groups[n_groups].type = (enum hal_flood_type) t;
            groups[n_groups].remotes = remotes;
            groups[n_groups++].n_remotes = n_remotes;
        }
    }
    return hal_failed(argv[0], hal_flood_set(hal, groups, n_groups, NULL),
                      out);
}

/* ---- Introspection ------------------------------------------------------ */

static int
cmd_dump(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    if (!strcmp(argv[0], "dump-fdb")) {
        return hal_failed(
            argv[0], hal_dump_fdb(hal, argc > 1 ? argv[1] : NULL, out), out);
    } else if (!strcmp(argv[0], "dump-flood")) {
        hal_dump_flood(hal, out);
    } else if (!strcmp(argv[0], "dump-bindings")) {
        hal_dump_bindings(hal, out);
    } else if (!strcmp(argv[0], "dump-ports")) {
        hal_dump_ports(hal, out);
    } else {
        hal_dump_resources(hal, out);
    }
    return 0;
}

static int
cmd_binding_stats(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_binding_stats st;
    hal_oid_t port;
    uint16_t vlan;
    int error = parse_port(hal, argv[1], &port, out);

    if (!error) {
        error = parse_vlan(argv[2], &vlan, out);
    }
    if (!error) {
        error = hal_failed(argv[0],
                           hal_binding_stats_get(hal, port, vlan, &st), out);
    }
    if (!error) {
        ds_put_format(out,
                      "from_local packets=%" PRIu64 " bytes=%" PRIu64 "\n"
                      "to_local packets=%" PRIu64 " bytes=%" PRIu64 "\n",
                      st.packets_from_local, st.bytes_from_local,
                      st.packets_to_local, st.bytes_to_local);
    }
    return error;
}

static int
cmd_tunnel_stats(struct hal *hal, int argc, char *argv[], struct ds *out)
{
    struct hal_tunnel_stats st;
    struct in_addr ip;
    int error = parse_ip(argv[1], &ip, out);

    if (!error) {
        error = hal_failed(argv[0], hal_tunnel_stats_get(hal, ip, &st), out);
    }
    if (!error) {
        ds_put_format(out,
                      "tx packets=%" PRIu64 " bytes=%" PRIu64 "\n"
                      "rx packets=%" PRIu64 " bytes=%" PRIu64 "\n",
                      st.tx_packets, st.tx_bytes, st.rx_packets, st.rx_bytes);
    }
    return error;
}

static const struct lab_cmd lab_cmds[] = {
    { "tunnel-ip", 1, 1, cmd_tunnel_ip },
    { "aging", 1, 1, cmd_aging },
    { "link", 2, 2, cmd_link },
    { "bridge", 2, 4, cmd_bridge },
    { "bridge-remove", 1, 1, cmd_bridge_remove },
    { "bind", 3, 3, cmd_bind },
    { "unbind", 2, 2, cmd_bind },
    { "fdb-remote", 3, 3, cmd_fdb },
    { "fdb-local", 4, 4, cmd_fdb },
    { "fdb-remove", 2, 2, cmd_fdb },
    { "flush", 0, 1, cmd_flush },
    { "flood", 1, LAB_MAX_ARGS - 2, cmd_flood },
    { "dump-fdb", 0, 1, cmd_dump },
    { "dump-flood", 0, 0, cmd_dump },
    { "dump-bindings", 0, 0, cmd_dump },
    { "dump-ports", 0, 0, cmd_dump },
    { "resources", 0, 0, cmd_dump },
    { "binding-stats", 2, 2, cmd_binding_stats },
    { "tunnel-stats", 1, 1, cmd_tunnel_stats },
};

int
sim_lab_exec(struct hal *hal, const char *line, struct ds *out)
{
    char *argv[LAB_MAX_ARGS];
    char *copy = xstrdup(line);
    char *save = NULL;
    char *word;
    int argc = 0;
    int error = -EINVAL;
    size_t i;

    for (word = strtok_r(copy, " \t\r\n", &save); word;
         word = strtok_r(NULL, " \t\r\n", &save)) {
        if (argc >= LAB_MAX_ARGS) {
            ds_put_cstr(out, "too many words\n");
            goto out;
        }
        argv[argc++] = word;
    }
    if (!argc || argv[0][0] == '#') {
        error = 0;
        goto out;
    }
    for (i = 0; i < ARRAY_SIZE(lab_cmds); i++) {
        const struct lab_cmd *c = &lab_cmds[i];

        if (!strcmp(argv[0], c->name)) {
            if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
                ds_put_format(out, "%s: wrong number of arguments\n", c->name);
            } else {
                error = c->handler(hal, argc, argv, out);
            }
            goto out;
        }
    }
    ds_put_format(out, "%s: unknown command\n", argv[0]);

out:
    free(copy);
    return error;
}
