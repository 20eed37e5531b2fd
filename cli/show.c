/* SPDX-License-Identifier: Apache-2.0 */
/* "show" commands about the switch itself: version, platform, interfaces,
 * controllers, resources, logging. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/rpc.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Splits 'line' at white space into at most 'max' words in 'words';
 * modifies 'line'.  Returns the number of words. */
static size_t
split_words(char *line, char **words, size_t max)
{
    size_t n = 0;
    char *save = NULL;

    for (char *w = strtok_r(line, " \t\n", &save); w && n < max;
         w = strtok_r(NULL, " \t\n", &save)) {
        words[n++] = w;
    }
    return n;
}

/* ---- show version ------------------------------------------------------- */

static json_t *
schema_version(struct cli_ctx *ctx)
{
    json_t *result = NULL, *error = NULL, *version = NULL;

    if (!cli_rpc_call(cli_db(ctx), "get_schema",
                      json_pack("[s]", "hardware_vtep"), &result, &error)) {
        version = json_incref(json_object_get(result, "version"));
    }
    json_decref(result);
    json_decref(error);
    return version;
}

/* The firmware release, from its marker file, or NULL on a host. */
static json_t *
firmware_release(void)
{
    FILE *f = fopen(CLI_FIRMWARE_RELEASE, "r");
    char line[256];
    json_t *release = NULL;

    if (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        release = json_string(line);
    }
    if (f) {
        fclose(f);
    }
    return release;
}

int
cli_show_version(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const tables[] = { "Physical_Switch", NULL };
    const char *const cmd[] = { "version" };
    char *version = cli_ctl_run(ctx, 1, cmd);
    json_t *db, *obj, *names = json_array(), *row;
    char *words[4] = { NULL };
    const char *uuid;

    db = version && cli_db(ctx) ? cli_db_read(ctx, tables) : NULL;
    if (!db) {
        free(version);
        json_decref(names);
        return 1;
    }
    split_words(version, words, 3);
    json_object_foreach(cli_rows(db, "Physical_Switch"), uuid, row) {
        json_array_append_new(names, json_string(cli_str(row, "name")));
    }
    obj = json_pack("{s:s, s:s?, s:s, s:o?, s:o, s:o?}", "vtep_cli",
                    VTEP_CLI_VERSION, "vtepd", words[2], "schema",
                    "hardware_vtep", "schema_version", schema_version(ctx),
                    "switches", names, "firmware", firmware_release());
    if (ctx->json) {
        cli_print_json(obj);
    } else {
        cli_print_fields(obj);
    }
    json_decref(obj);
    json_decref(db);
    free(version);
    return 0;
}

/* ---- show resources ----------------------------------------------------- */

/* Parses "hal/resources" output into a table; NULL after printing why. */
static struct cli_table *
read_resources(struct cli_ctx *ctx)
{
    static const char *const cols[] = { "table:TABLE", "used:USED",
                                        "capacity:CAPACITY", "percent:USE%",
                                        NULL };
    const char *const cmd[] = { "hal/resources" };
    char *text = cli_ctl_run(ctx, 1, cmd), *save = NULL;
    struct cli_table *table;
    bool header = true;

    if (!text) {
        return NULL;
    }
    table = cli_table_create(cols);
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), header = false) {
        char *w[4];
        long long used, cap;

        if (header || split_words(line, w, 4) != 3) {
            continue;
        }
        used = atoll(w[1]);
        cap = atoll(w[2]);
        cli_table_add(table,
                      (json_t *[]){ json_string(w[0]), json_integer(used),
                                    json_integer(cap),
                                    json_real(cap ? 100.0 * used / cap : 0) });
    }
    free(text);
    return table;
}

int
cli_show_resources(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_table *table = read_resources(ctx);

    return table ? cli_table_emit(ctx, table, "resources") : 1;
}

/* ---- show platform ------------------------------------------------------ */

static json_t *
switch_fields(const json_t *row)
{
    return json_pack(
        "{s:s?, s:s?, s:o, s:o, s:I, s:o}", "name", cli_str(row, "name"),
        "description", cli_str(row, "description"), "tunnel_ips",
        cli_set_to_array(json_object_get(row, "tunnel_ips")), "management_ips",
        cli_set_to_array(json_object_get(row, "management_ips")), "ports",
        (json_int_t) cli_set_size(json_object_get(row, "ports")),
        "fault_status",
        cli_set_to_array(json_object_get(row, "switch_fault_status")));
}

int
cli_show_platform(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const tables[] = { "Physical_Switch", NULL };
    json_t *db = cli_db_read(ctx, tables), *switches, *row, *obj;
    struct cli_table *res;
    const char *uuid;

    if (!db || !(res = read_resources(ctx))) {
        json_decref(db);
        return 1;
    }
    switches = json_array();
    json_object_foreach(cli_rows(db, "Physical_Switch"), uuid, row) {
        json_array_append_new(switches, switch_fields(row));
    }
    if (ctx->json) {
        obj = json_pack("{s:o, s:o}", "switches", switches, "tables",
                        cli_table_to_json(res));
        cli_print_json(obj);
        json_decref(obj);
    } else {
        size_t i;

        json_array_foreach(switches, i, obj) {
            cli_print_fields(obj);
            putchar('\n');
        }
        json_decref(switches);
        cli_table_print(res);
    }
    cli_table_destroy(res);
    json_decref(db);
    return 0;
}

/* ---- show interfaces ---------------------------------------------------- */

static const char *
ls_name(const json_t *db, const json_t *ref)
{
    const char *name = cli_str(cli_deref(db, "Logical_Switch", ref), "name");

    return name ? name : "?";
}

/* Each port's link ("up" or "down") and speed in Mbit/s (or null) by name,
 * as {"link": ..., "speed": ...}, from vtepd's "hal/dump-ports"; an empty
 * object, after saying why, if vtepd cannot be asked. */
static json_t *
read_links(struct cli_ctx *ctx)
{
    const char *const cmd[] = { "hal/dump-ports" };
    char *text = cli_ctl_run(ctx, 1, cmd), *save = NULL;
    json_t *links = json_object();
    bool header = true;

    if (!text) {
        cli_error("LINK and SPEED are unknown (-) without vtepd's control "
                  "socket");
        return links;
    }
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), header = false) {
        char *w[3];

        if (!header && split_words(line, w, 3) == 3) {
            json_object_set_new(links, w[0],
                                json_pack("{s:s, s:o}", "link", w[1], "speed",
                                          strcmp(w[2], "-")
                                              ? json_integer(atoll(w[2]))
                                              : json_null()));
        }
    }
    free(text);
    return links;
}

static void
add_port_status(struct cli_table *t, const json_t *db, const json_t *port,
                const json_t *links)
{
    const json_t *bindings = json_object_get(port, "vlan_bindings");
    const json_t *faults = json_object_get(port, "port_fault_status");
    const json_t *link = json_object_get(links, cli_str(port, "name"));
    json_t *state = json_object_get(link, "link");
    json_t *speed = json_object_get(link, "speed");
    json_t *list = json_array();

    for (size_t i = 0; i < cli_map_size(bindings); i++) {
        json_t *vlan, *ls;

        cli_map_at(bindings, i, &vlan, &ls);
        json_array_append_new(list, json_sprintf("%" JSON_INTEGER_FORMAT "=%s",
                                                 json_integer_value(vlan),
                                                 ls_name(db, ls)));
    }
    cli_table_add(
        t, (json_t *[]){ json_string(cli_str(port, "name")),
                         state ? json_incref(state) : NULL,
                         json_is_integer(speed) ? json_incref(speed) : NULL,
                         json_string(cli_set_size(faults) ? "fault" : "ok"),
                         list, cli_set_to_array(faults),
                         json_string(cli_str(port, "description")) });
}

static void
add_port_counters(struct cli_table *t, const json_t *db, const json_t *port)
{
    const json_t *bindings = json_object_get(port, "vlan_bindings");
    const json_t *stats = json_object_get(port, "vlan_stats");

    for (size_t i = 0; i < cli_map_size(bindings); i++) {
        json_t *vlan, *ls, *st = NULL;

        cli_map_at(bindings, i, &vlan, &ls);
        for (size_t j = 0; j < cli_map_size(stats); j++) {
            json_t *k, *v;

            cli_map_at(stats, j, &k, &v);
            if (json_equal(k, vlan)) {
                st = cli_deref(db, "Logical_Binding_Stats", v);
            }
        }
        cli_table_add(t, (json_t *[]){ json_string(cli_str(port, "name")),
                                       json_incref(vlan),
                                       json_string(ls_name(db, ls)),
                                       cli_opt_int(st, "packets_from_local"),
                                       cli_opt_int(st, "bytes_from_local"),
                                       cli_opt_int(st, "packets_to_local"),
                                       cli_opt_int(st, "bytes_to_local") });
    }
}

int
cli_show_interfaces(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const tables[] = { "Physical_Port", "Logical_Switch",
                                          "Logical_Binding_Stats", NULL };
    static const char *const status_cols[] = { "port:PORT",
                                               "link:LINK",
                                               "speed_mbps:SPEED (Mb/s)",
                                               "status:STATUS",
                                               "bindings:BINDINGS (VLAN=LS)",
                                               "faults:FAULTS",
                                               "description:DESCRIPTION",
                                               NULL };
    static const char *const counter_cols[] = {
        "port:PORT",         "vlan:VLAN",
        "logical_switch:LS", "rx_packets:RX-PKTS",
        "rx_bytes:RX-BYTES", "tx_packets:TX-PKTS",
        "tx_bytes:TX-BYTES", NULL
    };
    bool counters = argc > 0 && !strcmp(argv[0], "counters");
    struct cli_table *t;
    json_t *db, *row, *links;
    const char *uuid;

    if (argc > 1 || (argc && !counters && strcmp(argv[0], "status"))) {
        return cli_error("usage: show interfaces [status|counters]");
    }
    db = cli_db_read(ctx, tables);
    if (!db) {
        return 1;
    }
    links = counters ? NULL : read_links(ctx);
    t = cli_table_create(counters ? counter_cols : status_cols);
    json_object_foreach(cli_rows(db, "Physical_Port"), uuid, row) {
        if (counters) {
            add_port_counters(t, db, row);
        } else {
            add_port_status(t, db, row, links);
        }
    }
    json_decref(links);
    json_decref(db);
    cli_table_sort(t);
    return cli_table_emit(ctx, t, "interfaces");
}

/* ---- show controller ---------------------------------------------------- */

/* Manager.status:KEY as a new string, or NULL if absent. */
static json_t *
status_value(const json_t *row, const char *key)
{
    json_t *v = cli_map_get(json_object_get(row, "status"), key);

    return v ? json_incref(v) : NULL;
}

/* Manager.status:KEY, a number of seconds kept as a string, as a new
 * integer; NULL if absent or not a number. */
static json_t *
status_seconds(const json_t *row, const char *key)
{
    const char *s =
        json_string_value(cli_map_get(json_object_get(row, "status"), key));
    char *end;
    long long n = s ? strtoll(s, &end, 10) : -1;

    return s && *s && !*end && n >= 0 ? json_integer(n) : NULL;
}

int
cli_show_controller(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const tables[] = { "Manager", NULL };
    static const char *const cols[] = {
        "target:TARGET",
        "connected:CONNECTED",
        "state:STATE",
        "sec_since_connect:SINCE-CONNECT(s)",
        "sec_since_disconnect:SINCE-DISCONNECT(s)",
        "last_error:LAST-ERROR",
        NULL
    };
    json_t *db = cli_db_read(ctx, tables), *row;
    struct cli_table *t;
    const char *uuid;

    if (!db) {
        return 1;
    }
    t = cli_table_create(cols);
    json_object_foreach(cli_rows(db, "Manager"), uuid, row) {
        json_t *connected = json_object_get(row, "is_connected");

        cli_table_add(
            t, (json_t *[]){ json_string(cli_str(row, "target")),
                             json_boolean(json_is_true(connected)),
                             status_value(row, "state"),
                             status_seconds(row, "sec_since_connect"),
                             status_seconds(row, "sec_since_disconnect"),
                             status_value(row, "last_error") });
    }
    json_decref(db);
    if (!ctx->json && !cli_table_n_rows(t)) {
        puts("No controller configured (no Manager rows in "
             "Global.managers).");
        cli_table_destroy(t);
        return 0;
    }
    cli_table_sort(t);
    return cli_table_emit(ctx, t, "controllers");
}

/* ---- show logging ------------------------------------------------------- */

/* Returns the last 'n' lines of 'path' as a new array of strings (without
 * their newlines), or NULL after printing why. */
static json_t *
tail_file(const char *path, long n)
{
    FILE *f = fopen(path, "r");
    char **ring, *line = NULL;
    json_t *lines;
    size_t cap = 0;
    long count = 0;

    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return NULL;
    }
    ring = xcalloc((size_t) n, sizeof *ring);
    while (getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "\n")] = '\0';
        free(ring[count % n]);
        ring[count % n] = xstrdup(line);
        count++;
    }
    lines = json_array();
    for (long i = count > n ? count - n : 0; i < count; i++) {
        json_array_append_new(lines, json_string(ring[i % n]));
    }
    for (long i = 0; i < n; i++) {
        free(ring[i]);
    }
    free(ring);
    free(line);
    fclose(f);
    return lines;
}

int
cli_show_logging(struct cli_ctx *ctx, int argc, char **argv)
{
    const char *const cmd[] = { "vlog/file" };
    long lines = 50;
    json_t *text;
    char *path;
    int status;

    if (argc == 2 && !strcmp(argv[0], "lines")) {
        char *end;

        lines = strtol(argv[1], &end, 10);
        if (*end || lines < 1 || lines > 100000) {
            return cli_error("show logging lines N: N from 1 to 100000");
        }
    } else if (argc) {
        return cli_error("usage: show logging [lines N]");
    }
    path = cli_ctl_run(ctx, 1, cmd);
    if (!path) {
        return 1;
    }
    path[strcspn(path, "\n")] = '\0';
    text = tail_file(path, lines);
    if (text && ctx->json) {
        json_t *obj = json_pack("{s:s, s:O}", "log_file", path, "lines", text);

        cli_print_json(obj);
        json_decref(obj);
    } else if (text) {
        size_t i;
        json_t *line;

        json_array_foreach(text, i, line) {
            puts(json_string_value(line));
        }
    }
    status = text ? 0 : 1;
    json_decref(text);
    free(path);
    return status;
}
