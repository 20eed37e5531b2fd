/* SPDX-License-Identifier: Apache-2.0 */
/* "show" commands about forwarding: VXLAN tunnels, VNIs, the MAC table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/util.h"

/* Sorts 'table', then cli_table_emit(). */
static int
emit(struct cli_ctx *ctx, struct cli_table *table, const char *key)
{
    cli_table_sort(table);
    return cli_table_emit(ctx, table, key);
}

/* True if the uuid datum 'ref' names the row 'uuid'. */
static bool
refers_to(const json_t *ref, const char *uuid)
{
    const char *s = json_string_value(json_array_get(ref, 1));

    return s && !strcmp(s, uuid);
}

/* Counts, in one pass, the rows of 'table' by the row their reference
 * column 'column' names.  Returns a new object {UUID: count}. */
static json_t *
count_by_ref(const json_t *db, const char *table, const char *column)
{
    json_t *counts = json_object(), *row;
    const char *u;

    json_object_foreach(cli_rows(db, table), u, row) {
        const char *target =
            json_string_value(json_array_get(json_object_get(row, column), 1));

        if (target) {
            json_int_t n = json_integer_value(json_object_get(counts, target));

            json_object_set_new(counts, target, json_integer(n + 1));
        }
    }
    return counts;
}

/* The count of 'uuid' in 'counts' (from count_by_ref()), as a new
 * integer. */
static json_t *
count_of(const json_t *counts, const char *uuid)
{
    return json_integer(json_integer_value(json_object_get(counts, uuid)));
}

/* ---- show vxlan tunnels ------------------------------------------------- */

/* True if 'ip' is one of the switch's own tunnel IPs. */
static bool
is_local_ip(const json_t *db, const char *ip)
{
    const char *u;
    json_t *sw;

    json_object_foreach(cli_rows(db, "Physical_Switch"), u, sw) {
        const json_t *ips = json_object_get(sw, "tunnel_ips");

        for (size_t i = 0; i < cli_set_size(ips); i++) {
            const char *s = json_string_value(cli_set_at(ips, i));

            if (s && !strcmp(s, ip)) {
                return true;
            }
        }
    }
    return false;
}

/* The logical switches whose remote flood lists include locator 'uuid'. */
static json_t *
flood_switches(const json_t *db, const char *uuid)
{
    json_t *names = json_array(), *row;
    const char *u;

    json_object_foreach(cli_rows(db, "Mcast_Macs_Remote"), u, row) {
        const json_t *set = cli_deref(db, "Physical_Locator_Set",
                                      json_object_get(row, "locator_set"));
        const json_t *locs = json_object_get(set, "locators");
        const char *ls =
            cli_str(cli_deref(db, "Logical_Switch",
                              json_object_get(row, "logical_switch")),
                    "name");

        for (size_t i = 0; ls && i < cli_set_size(locs); i++) {
            if (refers_to(cli_set_at(locs, i), uuid)) {
                json_array_append_new(names, json_string(ls));
            }
        }
    }
    return names;
}

/* The BFD state of the Tunnel row toward locator 'uuid', or NULL. */
static json_t *
bfd_state(const json_t *db, const char *uuid)
{
    const char *u;
    json_t *row;

    json_object_foreach(cli_rows(db, "Tunnel"), u, row) {
        if (refers_to(json_object_get(row, "remote"), uuid)) {
            json_t *state =
                cli_map_get(json_object_get(row, "bfd_status"), "state");

            return state ? json_incref(state) : json_string("none");
        }
    }
    return NULL;
}

/* The counters and BFD session of each tunnel, from the control socket's
 * hal/dump-tunnels: a new object {REMOTE-IP: {"tx_packets": N, ...,
 * "bfd": STATE, "bfd_remote": STATE, "bfd_flaps": N}}, empty if vtepd
 * did not answer (after saying why on stderr). */
static json_t *
tunnel_dump(struct cli_ctx *ctx)
{
    char *text =
        cli_ctl_run(ctx, 1, (const char *const[]){ "hal/dump-tunnels" });
    json_t *dump = json_object(), *cur = NULL;
    char *save = NULL;

    for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        unsigned long long tp, tb, rp, rb;
        char ip[64], state[32], remote[32];
        unsigned int flaps;

        if (sscanf(line, "remote %63[0-9.]", ip) == 1) {
            cur = json_object();
            json_object_set_new(dump, ip, cur);
            if (sscanf(line,
                       "remote %*[0-9.]: tx %llu packets %llu bytes, "
                       "rx %llu packets %llu bytes",
                       &tp, &tb, &rp, &rb)
                == 4) {
                json_object_set_new(cur, "tx_packets", json_integer(tp));
                json_object_set_new(cur, "tx_bytes", json_integer(tb));
                json_object_set_new(cur, "rx_packets", json_integer(rp));
                json_object_set_new(cur, "rx_bytes", json_integer(rb));
            }
        } else if (cur
                   && sscanf(line,
                             "  bfd: %31[^,], remote %31[^,], "
                             "forwarding %*[a-z], flaps %u",
                             state, remote, &flaps)
                          == 3) {
            json_object_set_new(cur, "bfd", json_string(state));
            json_object_set_new(cur, "bfd_remote", json_string(remote));
            json_object_set_new(cur, "bfd_flaps", json_integer(flaps));
        } else if (cur && str_starts_with(line, "  bfd: off")) {
            json_object_set_new(cur, "bfd", json_string("off"));
        }
    }
    free(text);
    return dump;
}

/* A new reference to member 'key' of 'obj' (borrowed), or NULL. */
static json_t *
member(const json_t *obj, const char *key)
{
    return json_incref(json_object_get(obj, key));
}

int
cli_show_vxlan_tunnels(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const tables[] = { "Physical_Switch",
                                          "Physical_Locator",
                                          "Physical_Locator_Set",
                                          "Ucast_Macs_Remote:locator",
                                          "Mcast_Macs_Remote",
                                          "Logical_Switch",
                                          "Tunnel",
                                          NULL };
    static const char *const cols[] = { "remote_vtep:REMOTE-VTEP",
                                        "encapsulation:ENCAP",
                                        "remote_macs:REMOTE-MACS",
                                        "flood_vnis:FLOOD-LISTS",
                                        "bfd:BFD",
                                        "bfd_remote:BFD-REMOTE",
                                        "bfd_flaps:FLAPS",
                                        "tx_packets:TX-PKTS",
                                        "tx_bytes:TX-BYTES",
                                        "rx_packets:RX-PKTS",
                                        "rx_bytes:RX-BYTES",
                                        NULL };
    json_t *db = argc ? NULL : cli_db_read(ctx, tables), *row, *macs, *dump;
    struct cli_table *t;
    const char *uuid;

    if (argc) {
        return cli_error("usage: show vxlan tunnels");
    } else if (!db) {
        return 1;
    }
    t = cli_table_create(cols);
    macs = count_by_ref(db, "Ucast_Macs_Remote", "locator");
    dump = tunnel_dump(ctx);
    json_object_foreach(cli_rows(db, "Physical_Locator"), uuid, row) {
        const char *ip = cli_str(row, "dst_ip");
        const json_t *hal;
        json_t *bfd;

        if (!ip || is_local_ip(db, ip)) {
            continue;
        }
        /* The session's state from vtepd, else the database's. */
        hal = json_object_get(dump, ip);
        bfd = json_object_get(hal, "bfd") ? member(hal, "bfd")
                                          : bfd_state(db, uuid);
        cli_table_add(
            t, (json_t *[]){
                   json_string(ip),
                   json_string(cli_str(row, "encapsulation_type")),
                   count_of(macs, uuid), flood_switches(db, uuid), bfd,
                   member(hal, "bfd_remote"), member(hal, "bfd_flaps"),
                   member(hal, "tx_packets"), member(hal, "tx_bytes"),
                   member(hal, "rx_packets"), member(hal, "rx_bytes") });
    }
    json_decref(dump);
    json_decref(macs);
    json_decref(db);
    return emit(ctx, t, "tunnels");
}

/* ---- show vxlan vni ----------------------------------------------------- */

/* Counts the (port, VLAN) bindings to logical switch 'uuid'. */
static json_int_t
count_bindings(const json_t *db, const char *uuid)
{
    json_int_t n = 0;
    const char *u;
    json_t *port;

    json_object_foreach(cli_rows(db, "Physical_Port"), u, port) {
        const json_t *map = json_object_get(port, "vlan_bindings");

        for (size_t i = 0; i < cli_map_size(map); i++) {
            json_t *vlan, *ls;

            cli_map_at(map, i, &vlan, &ls);
            n += refers_to(ls, uuid);
        }
    }
    return n;
}

int
cli_show_vxlan_vni(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const tables[] = { "Logical_Switch", "Physical_Port",
                                          "Ucast_Macs_Local:logical_switch",
                                          "Ucast_Macs_Remote:logical_switch",
                                          NULL };
    static const char *const cols[] = { "vni:VNI",
                                        "logical_switch:LS",
                                        "replication:REPLICATION",
                                        "bindings:BINDINGS",
                                        "local_macs:LOCAL-MACS",
                                        "remote_macs:REMOTE-MACS",
                                        "description:DESCRIPTION",
                                        NULL };
    json_t *db = argc ? NULL : cli_db_read(ctx, tables), *row, *local, *remote;
    struct cli_table *t;
    const char *uuid;

    if (argc) {
        return cli_error("usage: show vxlan vni");
    } else if (!db) {
        return 1;
    }
    t = cli_table_create(cols);
    local = count_by_ref(db, "Ucast_Macs_Local", "logical_switch");
    remote = count_by_ref(db, "Ucast_Macs_Remote", "logical_switch");
    json_object_foreach(cli_rows(db, "Logical_Switch"), uuid, row) {
        const json_t *mode = json_object_get(row, "replication_mode");
        const char *rep =
            cli_set_size(mode) ? json_string_value(cli_set_at(mode, 0)) : NULL;

        cli_table_add(
            t, (json_t *[]){ cli_opt_int(row, "tunnel_key"),
                             json_string(cli_str(row, "name")),
                             json_string(rep ? rep : "service_node"),
                             json_integer(count_bindings(db, uuid)),
                             count_of(local, uuid), count_of(remote, uuid),
                             json_string(cli_str(row, "description")) });
    }
    json_decref(local);
    json_decref(remote);
    json_decref(db);
    return emit(ctx, t, "vnis");
}

/* ---- show mac-address-table --------------------------------------------- */

struct mac_filter {
    long vni;         /* -1: any. */
    const char *type; /* "local", "remote" or NULL for both. */
};

static int
parse_mac_filter(int argc, char **argv, struct mac_filter *f)
{
    f->vni = -1;
    f->type = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "vni") && i + 1 < argc) {
            char *end;

            f->vni = strtol(argv[++i], &end, 10);
            if (*end || f->vni < 0 || f->vni > 16777215) {
                return cli_error("%s: not a VNI (0 to 16777215)", argv[i]);
            }
        } else if (!strcmp(argv[i], "local") || !strcmp(argv[i], "remote")) {
            f->type = argv[i];
        } else {
            return cli_error("usage: show mac-address-table [vni N] "
                             "[remote|local]");
        }
    }
    return 0;
}

/* Splits one line of "hal/dump-fdb" ("LS VNI MAC DESTINATION TYPE") into
 * 'w' in place.  The logical switch name may hold spaces, so the other
 * four fields are taken from the end.  Returns false for a short line. */
static bool
split_fdb_line(char *line, char *w[5])
{
    for (int i = 4; i > 0; i--) {
        char *p = strrchr(line, ' ');

        if (!p) {
            return false;
        }
        w[i] = p + 1;
        while (p > line && p[-1] == ' ') {
            p--;
        }
        *p = '\0';
    }
    w[0] = line;
    return true;
}

/* Adds one line of "hal/dump-fdb" to 't' if it passes 'f'.  DESTINATION
 * is "remote=IP[,vni=N]" or "port=P,vlan=V" (V a number or "untagged"). */
static void
add_fdb_line(struct cli_table *t, char *line, const struct mac_filter *f)
{
    char *w[5], *end, *dest, *comma;
    json_t *vlan = NULL;
    bool remote;
    long vni;

    if (!split_fdb_line(line, w)) {
        return;
    }
    vni = strtol(w[1], &end, 10);
    remote = str_starts_with(w[3], "remote=");
    if (*end || (f->vni >= 0 && vni != f->vni)
        || (f->type && strcmp(f->type, remote ? "remote" : "local"))) {
        return;
    }
    dest = w[3] + strcspn(w[3], "=") + 1;
    comma = strchr(dest, ',');
    if (comma) {
        *comma = '\0';
        if (!remote && str_starts_with(comma + 1, "vlan=")) {
            const char *v = comma + 6;

            vlan = json_integer(strcmp(v, "untagged") ? atol(v) : 0);
        }
    }
    cli_table_add(t, (json_t *[]){ json_integer(vni), json_string(w[0]),
                                   json_string(w[2]),
                                   json_string(remote ? "remote" : "local"),
                                   remote ? NULL : json_string(dest), vlan,
                                   remote ? json_string(dest) : NULL,
                                   json_string(w[4]) });
}

int
cli_show_mac(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const cols[] = { "vni:VNI",
                                        "logical_switch:LS",
                                        "mac:MAC",
                                        "type:TYPE",
                                        "port:PORT",
                                        "vlan:VLAN",
                                        "remote_vtep:REMOTE-VTEP",
                                        "origin:ORIGIN",
                                        NULL };
    const char *const cmd[] = { "hal/dump-fdb" };
    struct mac_filter f;
    struct cli_table *t;
    char *text, *save = NULL;
    bool header = true;

    if (parse_mac_filter(argc, argv, &f)
        || !(text = cli_ctl_run(ctx, 1, cmd))) {
        return 1;
    }
    t = cli_table_create(cols);
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), header = false) {
        if (!header) {
            add_fdb_line(t, line, &f);
        }
    }
    free(text);
    if (!ctx->json) {
        size_t n = cli_table_n_rows(t);
        int status = emit(ctx, t, "entries");

        printf("Total number of entries %zu\n", n);
        return status;
    }
    return emit(ctx, t, "entries");
}
