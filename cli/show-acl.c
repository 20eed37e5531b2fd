/* SPDX-License-Identifier: Apache-2.0 */
/* "show acl": every ACL entry from the database, in sequence order, with
 * its hit counter from the switch (hal/dump-acl) and the fault statuses of
 * the entry and its ACL; then every binding, to a port and VLAN
 * (Physical_Port.acl_bindings) or to a router interface
 * (Logical_Router.acl_binding), with the invalid_ACL_binding fault of its
 * port or router. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Parses hal/dump-acl into {"NAME STAGE SEQ": hits}.  Returns a new
 * object, empty if the switch has no ACLs or the socket did not answer. */
static json_t *
read_hits(struct cli_ctx *ctx)
{
    const char *const cmd[] = { "hal/dump-acl" };
    char *text = cli_ctl_run(ctx, 1, cmd), *save = NULL;
    json_t *hits = json_object();
    char acl[128] = "", stage[16] = "";

    for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        long long seq;
        unsigned long long n;
        char key[192];

        if (sscanf(line, "acl %127s %15[a-z]:", acl, stage) == 2) {
            continue;
        }
        if (acl[0] && sscanf(line, " seq %lld %*s hits=%llu", &seq, &n) == 2) {
            snprintf(key, sizeof key, "%s %s %lld", acl, stage, seq);
            json_object_set_new(hits, key, json_integer((json_int_t) n));
        }
    }
    free(text);
    return hits;
}

static void
put_str(struct ds *s, const json_t *row, const char *col, const char *what)
{
    const char *v = cli_str(row, col);

    if (v) {
        ds_put_format(s, "%s%s %s", s->length ? " " : "", what, v);
    }
}

static void
put_int(struct ds *s, const json_t *row, const char *col, const char *what)
{
    json_t *v = cli_opt_int(row, col);

    if (v) {
        ds_put_format(s, "%s%s %lld", s->length ? " " : "", what,
                      (long long) json_integer_value(v));
        json_decref(v);
    }
}

/* The match of entry 'row' in one line, as the switch dumps it. */
static json_t *
match_text(const json_t *row)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    json_t *text;

    put_str(&s, row, "source_mac", "src-mac");
    put_str(&s, row, "dest_mac", "dst-mac");
    put_str(&s, row, "ethertype", "ethertype");
    put_str(&s, row, "source_ip", "src");
    put_str(&s, row, "source_mask", "mask");
    put_str(&s, row, "dest_ip", "dst");
    put_str(&s, row, "dest_mask", "mask");
    put_int(&s, row, "protocol", "proto");
    put_int(&s, row, "source_port_min", "sport-min");
    put_int(&s, row, "source_port_max", "sport-max");
    put_int(&s, row, "dest_port_min", "dport-min");
    put_int(&s, row, "dest_port_max", "dport-max");
    put_int(&s, row, "tcp_flags", "tcp-flags");
    put_int(&s, row, "tcp_flags_mask", "tcp-flags-mask");
    put_int(&s, row, "icmp_type", "icmp-type");
    put_int(&s, row, "icmp_code", "icmp-code");
    text = json_string(s.length ? ds_cstr(&s) : "any");
    ds_destroy(&s);
    return text;
}

/* The faults of an entry and of its ACL, joined, or "-". */
static json_t *
faults(const json_t *acl, const json_t *entry)
{
    json_t *a = cli_set_to_array(json_object_get(acl, "acl_fault_status"));
    json_t *e = cli_set_to_array(json_object_get(entry, "acle_fault_status"));
    struct ds s = DS_EMPTY_INITIALIZER;
    json_t *v, *out;
    size_t i;

    json_array_extend(e, a);
    json_array_foreach(e, i, v) {
        ds_put_format(&s, "%s%s", i ? "," : "", json_string_value(v));
    }
    out = json_string(s.length ? ds_cstr(&s) : "-");
    ds_destroy(&s);
    json_decref(a);
    json_decref(e);
    return out;
}

/* Adds the bindings in map column 'column' of each row of 'table' to 't':
 * ACL, "WHAT NAME KEY" and the row's fault in 'fault_column'. */
static void
add_bindings(struct cli_table *t, const json_t *db, const char *table,
             const char *column, const char *what, const char *fault_column)
{
    const char *uuid;
    json_t *row;

    json_object_foreach(cli_rows(db, table), uuid, row) {
        const json_t *map = json_object_get(row, column);
        json_t *faults = cli_set_to_array(json_object_get(row, fault_column));
        bool bad = false;
        json_t *v;
        size_t i;

        json_array_foreach(faults, i, v) {
            bad |= !strcmp(json_string_value(v), "invalid_ACL_binding");
        }
        json_decref(faults);
        for (i = 0; i < cli_map_size(map); i++) {
            const json_t *acl;
            json_t *key, *ref;
            char *point;

            cli_map_at(map, i, &key, &ref);
            acl = cli_deref(db, "ACL", ref);
            point =
                json_is_integer(key)
                    ? xasprintf("%s %s vlan %lld", what, cli_str(row, "name"),
                                (long long) json_integer_value(key))
                    : xasprintf("%s %s %s", what, cli_str(row, "name"),
                                json_string_value(key));
            cli_table_add(
                t, (json_t *[]){
                       json_string(acl && cli_str(acl, "acl_name")
                                       ? cli_str(acl, "acl_name")
                                       : "?"),
                       json_string(point),
                       json_string(bad ? "invalid_ACL_binding" : "-") });
            free(point);
        }
    }
}

/* The bindings table of "show acl". */
static struct cli_table *
bindings_table(const json_t *db)
{
    static const char *const cols[] = { "acl:ACL", "bound:BOUND TO",
                                        "fault:FAULT", NULL };
    struct cli_table *t = cli_table_create(cols);

    add_bindings(t, db, "Physical_Port", "acl_bindings", "port",
                 "port_fault_status");
    add_bindings(t, db, "Logical_Router", "acl_binding", "router",
                 "LR_fault_status");
    cli_table_sort(t);
    return t;
}

int
cli_show_acl(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const tables[] = { "ACL", "ACL_entry", "Physical_Port",
                                          "Logical_Router", NULL };
    static const char *const cols[] = { "acl:ACL",       "sequence:SEQ",
                                        "direction:DIR", "action:ACTION",
                                        "hits:HITS",     "fault:FAULT",
                                        "match:MATCH",   NULL };
    json_t *db = cli_db_read(ctx, tables), *hits, *acl;
    struct cli_table *table, *binds;
    const char *uuid;

    if (!db) {
        return 1;
    }
    hits = read_hits(ctx);
    table = cli_table_create(cols);
    json_object_foreach(cli_rows(db, "ACL"), uuid, acl) {
        const json_t *entries = json_object_get(acl, "acl_entries");
        const char *name = cli_str(acl, "acl_name");

        for (size_t i = 0; i < cli_set_size(entries); i++) {
            const json_t *e =
                cli_deref(db, "ACL_entry", cli_set_at(entries, i));
            json_t *seq = e ? cli_opt_int(e, "sequence") : NULL;
            const char *dir = e ? cli_str(e, "direction") : NULL;
            char key[192];
            json_t *h;

            if (!e || !seq) {
                json_decref(seq);
                continue;
            }
            snprintf(key, sizeof key, "%s %s %lld", name ? name : "",
                     dir ? dir : "", (long long) json_integer_value(seq));
            h = json_object_get(hits, key);
            cli_table_add(table,
                          (json_t *[]){ json_string(name ? name : ""), seq,
                                        json_string(dir ? dir : ""),
                                        json_string(cli_str(e, "action")
                                                        ? cli_str(e, "action")
                                                        : ""),
                                        h ? json_incref(h) : json_string("-"),
                                        faults(acl, e), match_text(e) });
        }
    }
    cli_table_sort(table);
    binds = bindings_table(db);
    if (ctx->json) {
        json_t *obj = json_object();

        json_object_set_new(obj, "acl", cli_table_to_json(table));
        json_object_set_new(obj, "bindings", cli_table_to_json(binds));
        cli_print_json(obj);
        json_decref(obj);
    } else {
        cli_table_print(table);
        printf("\n");
        cli_table_print(binds);
    }
    cli_table_destroy(binds);
    cli_table_destroy(table);
    json_decref(hits);
    json_decref(db);
    (void) argc;
    (void) argv;
    return 0;
}
