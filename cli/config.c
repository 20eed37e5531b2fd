/* SPDX-License-Identifier: Apache-2.0 */
/* "config save" / "config reload".
 *
 * The saved configuration is what belongs to the switch and not to the
 * controller: the controllers it dials (Manager rows: target, max_backoff,
 * inactivity_probe, other_config), Global:other_config, and the front-panel
 * ports' descriptions.  Logical switches, bindings, MACs and locators are
 * the controller's forwarding state: the file carries a snapshot of them
 * for the record ("snapshot"), but reload never writes them back. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/rpc.h"
#include "lib/util.h"

#define CONFIG_FORMAT "vtep-cli-config 1"

/* The default file: for the system service, whose sockets are on a tmpfs,
 * CLI_SYSTEM_CONFIG beside its database; otherwise "startup-config.json"
 * beside the database socket (run/ for "make run"). */
static char *
default_config_file(const struct cli_ctx *ctx)
{
    char *copy, *dir, *path;

    if (!str_starts_with(ctx->db_remote, "unix:")) {
        return NULL;
    }
    copy = xstrdup(ctx->db_remote + 5);
    dir = dirname(copy);
    path = !strcmp(dir, CLI_SYSTEM_DIR)
               ? xstrdup(CLI_SYSTEM_CONFIG)
               : xasprintf("%s/startup-config.json", dir);
    free(copy);
    return path;
}

static char *
config_file(const struct cli_ctx *ctx, int argc, char **argv)
{
    char *path = argc ? xstrdup(argv[0]) : default_config_file(ctx);

    if (!path) {
        cli_error("with --db=%s, name the file: config save|reload FILE",
                  ctx->db_remote);
    }
    return path;
}

/* Every table of the schema, for the snapshot: a new array of names. */
static json_t *
schema_tables(struct cli_ctx *ctx)
{
    json_t *schema = NULL, *error = NULL, *names = json_array(), *t;
    const char *name;

    if (!cli_rpc_call(cli_db(ctx), "get_schema",
                      json_pack("[s]", "hardware_vtep"), &schema, &error)) {
        json_object_foreach(json_object_get(schema, "tables"), name, t) {
            json_array_append_new(names, json_string(name));
        }
    }
    json_decref(schema);
    json_decref(error);
    return names;
}

static int
compare_by_first_member(const void *a_, const void *b_)
{
    const char *a = json_string_value(
        json_object_iter_value(json_object_iter(*(json_t *const *) a_)));
    const char *b = json_string_value(
        json_object_iter_value(json_object_iter(*(json_t *const *) b_)));

    return strcmp(a ? a : "", b ? b : "");
}

/* Sorts the objects of 'array' (borrowed) by their first member's string
 * value (JSON_PRESERVE_ORDER objects), so that a saved file is stable. */
static void
sort_objects(json_t *array)
{
    size_t n = json_array_size(array);
    json_t **items = xcalloc(n + 1, sizeof *items);

    for (size_t i = 0; i < n; i++) {
        items[i] = json_incref(json_array_get(array, i));
    }
    qsort(items, n, sizeof *items, compare_by_first_member);
    json_array_clear(array);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(array, items[i]);
    }
    free(items);
}

static json_t *
saved_settings(const json_t *db)
{
    json_t *managers = json_array(), *ports = json_array(), *row;
    json_t *global_oc = NULL;
    const char *uuid;

    json_object_foreach(cli_rows(db, "Global"), uuid, row) {
        global_oc = json_object_get(row, "other_config");
    }
    json_object_foreach(cli_rows(db, "Manager"), uuid, row) {
        json_array_append_new(
            managers,
            json_pack("{s:O, s:O, s:O, s:O}", "target",
                      json_object_get(row, "target"), "max_backoff",
                      json_object_get(row, "max_backoff"), "inactivity_probe",
                      json_object_get(row, "inactivity_probe"), "other_config",
                      json_object_get(row, "other_config")));
    }
    json_object_foreach(cli_rows(db, "Physical_Port"), uuid, row) {
        json_array_append_new(
            ports,
            json_pack("{s:O, s:O}", "name", json_object_get(row, "name"),
                      "description", json_object_get(row, "description")));
    }
    sort_objects(managers);
    sort_objects(ports);
    return json_pack("{s:o, s:O?, s:o}", "managers", managers,
                     "global_other_config", global_oc, "port_descriptions",
                     ports);
}

/* Writes 'config' to 'path' atomically (a temporary file renamed over it).
 * Returns 0 or 1 after printing why. */
static int
write_config(const char *path, const json_t *config)
{
    char *tmp = xasprintf("%s.tmp", path);
    int status = 0;

    if (json_dump_file(config, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
        || rename(tmp, path)) {
        status = cli_error("%s: cannot write (%s)", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return status;
}

int
cli_config_save(struct cli_ctx *ctx, int argc, char **argv)
{
    char *path = argc <= 1 ? config_file(ctx, argc, argv) : NULL;
    json_t *names, *db = NULL, *config;
    const char **tables;
    size_t i, n;
    int status;

    if (!path || !cli_db(ctx)) {
        free(path);
        return argc > 1 ? cli_error("usage: config save [FILE]") : 1;
    }
    names = schema_tables(ctx);
    n = json_array_size(names);
    tables = xcalloc(n + 1, sizeof *tables);
    for (i = 0; i < n; i++) {
        tables[i] = json_string_value(json_array_get(names, i));
    }
    db = n ? cli_db_read(ctx, tables) : NULL;
    free(tables);
    if (!db) {
        json_decref(names);
        free(path);
        return n ? 1 : cli_error("get_schema: no hardware_vtep tables");
    }
    config = json_pack("{s:s, s:s, s:o, s:O}", "format", CONFIG_FORMAT,
                       "saved_by", "vtep-cli " VTEP_CLI_VERSION, "settings",
                       saved_settings(db), "snapshot", db);
    status = write_config(path, config);
    if (!status && !ctx->json) {
        printf("Saved the switch configuration to %s.\n", path);
    }
    json_decref(config);
    json_decref(db);
    json_decref(names);
    free(path);
    return status;
}

/* Checks the "settings" of a saved file.  Returns 0 or 1 after printing
 * what is wrong. */
static int
check_settings(const char *path, const json_t *config, const json_t *set)
{
    const json_t *managers = json_object_get(set, "managers");
    const json_t *ports = json_object_get(set, "port_descriptions");
    const char *format = json_string_value(json_object_get(config, "format"));
    size_t i;
    json_t *m;

    if (!format || strcmp(format, CONFIG_FORMAT)) {
        return cli_error("%s: not a vtep-cli configuration (format \"%s\")",
                         path, CONFIG_FORMAT);
    }
    if (!json_is_array(managers) || !json_is_array(ports)) {
        return cli_error("%s: settings.managers and "
                         "settings.port_descriptions must be arrays",
                         path);
    }
    json_array_foreach(managers, i, m) {
        if (!json_is_string(json_object_get(m, "target"))) {
            return cli_error("%s: manager %zu has no target", path, i);
        }
    }
    json_array_foreach(ports, i, m) {
        if (!json_is_string(json_object_get(m, "name"))
            || !json_is_string(json_object_get(m, "description"))) {
            return cli_error("%s: port %zu needs a name and a description",
                             path, i);
        }
    }
    return 0;
}

/* Copies the optional members of saved manager 'm' into a row object. */
static json_t *
manager_row(const json_t *m)
{
    static const char *const cols[] = { "max_backoff", "inactivity_probe",
                                        "other_config" };
    json_t *row = json_pack("{s:O}", "target", json_object_get(m, "target"));

    for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
        json_t *v = json_object_get(m, cols[i]);

        if (v) {
            json_object_set(row, cols[i], v);
        }
    }
    return row;
}

/* Builds the operations that make the database's switch-owned settings
 * those of 'set': one insert per manager (the old Manager rows drop out
 * when Global.managers no longer names them), Global:other_config, and
 * each port's description. */
static json_t *
reload_ops(const json_t *set)
{
    json_t *ops = json_array(), *refs = json_array(), *global, *m;
    json_t *oc = json_object_get(set, "global_other_config");
    size_t i;

    json_array_foreach(json_object_get(set, "managers"), i, m) {
        char *name = xasprintf("manager%zu", i);

        json_array_append_new(ops,
                              json_pack("{s:s, s:s, s:s, s:o}", "op", "insert",
                                        "table", "Manager", "uuid-name", name,
                                        "row", manager_row(m)));
        json_array_append_new(refs, json_pack("[s, s]", "named-uuid", name));
        free(name);
    }
    global = json_pack("{s:[s, o]}", "managers", "set", refs);
    if (oc) {
        json_object_set(global, "other_config", oc);
    }
    json_array_append_new(ops, json_pack("{s:s, s:s, s:[], s:o}", "op",
                                         "update", "table", "Global", "where",
                                         "row", global));
    json_array_foreach(json_object_get(set, "port_descriptions"), i, m) {
        json_array_append_new(
            ops, json_pack("{s:s, s:s, s:[[s, s, O]], s:{s:O}}", "op",
                           "update", "table", "Physical_Port", "where", "name",
                           "==", json_object_get(m, "name"), "row",
                           "description", json_object_get(m, "description")));
    }
    return ops;
}

int
cli_config_reload(struct cli_ctx *ctx, int argc, char **argv)
{
    char *path = argc <= 1 ? config_file(ctx, argc, argv) : NULL;
    json_error_t jerr;
    json_t *config, *set;
    int status;

    if (!path) {
        return argc > 1 ? cli_error("usage: config reload [FILE]") : 1;
    }
    config = json_load_file(path, 0, &jerr);
    if (!config) {
        status = cli_error("%s: line %d: %s", path, jerr.line, jerr.text);
        free(path);
        return status;
    }
    set = json_object_get(config, "settings");
    status = check_settings(path, config, set);
    if (!status) {
        status = cli_db_transact(ctx, reload_ops(set));
    }
    if (!status && !ctx->json) {
        printf("Reloaded the switch configuration from %s.\n", path);
    }
    json_decref(config);
    free(path);
    return status;
}
