/* SPDX-License-Identifier: Apache-2.0 */
/* vtep-cli's private header: the context every command gets, output
 * tables, database helpers, and the commands, grouped by file. */
#ifndef CLI_CLI_H
#define CLI_CLI_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define VTEP_CLI_VERSION "0.1.0"

/* Where vtepd's firmware leaves a marker; on a host it is absent and the
 * image and reboot commands refuse. */
#define CLI_FIRMWARE_RELEASE "/etc/vtep-tor-release"

/* The firmware's tool that owns the image slots (firmware/rootfs). */
#define CLI_IMAGE_TOOL "/usr/sbin/vtep-tor-image"

/* The system service's sockets (Debian package, firmware). */
#define CLI_SYSTEM_DIR "/run/vtepd"
/* Where the system service's "config save" goes by default: beside its
 * database, which survives a reboot. */
#define CLI_SYSTEM_CONFIG "/var/lib/vtepd/startup-config.json"

struct cli_rpc;

/* What every command gets: the options, and connections opened on first
 * use. */
struct cli_ctx {
    const char *db_remote;  /* --db, default "unix:run/db.sock". */
    const char *ctl_remote; /* --ctl, as "unix:PATH". */
    bool json;              /* --json. */
    int timeout_ms;         /* --timeout. */
    struct cli_rpc *db;     /* Opened by cli_db(). */
    struct cli_rpc *ctl;    /* Opened by cli_ctl(). */
};

/* Prints "vtep-cli: MESSAGE" on stderr and returns 1 (an exit status). */
int cli_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* ---- table.c: output ---------------------------------------------------- */

/* A table of rows with named columns: printed as aligned text with a header
 * line, or as a JSON array of objects keyed by the columns' keys.  Values
 * are JSON: strings, integers, booleans, arrays (joined with ","), or null
 * (printed as "-"). */
struct cli_table;

/* Creates a table whose columns are given as "key:HEADER" pairs in
 * 'columns', a NULL-terminated array of static strings. */
struct cli_table *cli_table_create(const char *const *columns);
void cli_table_destroy(struct cli_table *);
/* Appends a row; 'values' (one per column, in order) is stolen: pass
 * json_string(), json_integer()... or NULL for an empty cell. */
void cli_table_add(struct cli_table *, json_t *const *values);
/* Sorts the rows by the first column, then the second, and so on. */
void cli_table_sort(struct cli_table *);
size_t cli_table_n_rows(const struct cli_table *);
/* Prints the table as text on stdout. */
void cli_table_print(const struct cli_table *);
/* Returns a new array of row objects. */
json_t *cli_table_to_json(const struct cli_table *);
/* Prints 'table' as text, or with --json as the object {KEY: rows}, and
 * destroys it (takes ownership).  Returns 0, a command's exit status. */
int cli_table_emit(struct cli_ctx *, struct cli_table *table, const char *key);

/* Prints 'obj' (borrowed) as indented JSON on stdout. */
void cli_print_json(const json_t *obj);
/* Prints the string or integer members of 'obj' (borrowed) as aligned
 * "Key: value" lines, in the object's order, with each key's first letter
 * capitalised and '_' shown as ' '. */
void cli_print_fields(const json_t *obj);

/* ---- ovsdb.c: the database ---------------------------------------------- */

/* The connection to the database, opened on first use; NULL after printing
 * why on failure. */
struct cli_rpc *cli_db(struct cli_ctx *);
/* The connection to the control socket, likewise. */
struct cli_rpc *cli_ctl(struct cli_ctx *);
/* Runs control-socket command 'argv[0]' with the other 'argc - 1' words.
 * Returns the output text (malloc'd, the caller frees it), or NULL after
 * printing the error. */
char *cli_ctl_run(struct cli_ctx *, int argc, const char *const *argv);

/* Reads every row of each table named in the NULL-terminated 'tables', in
 * one transaction: "TABLE" for all columns, "TABLE:COL,COL" for some
 * (large tables).  Returns a new object {TABLE: {UUID: ROW}}, or NULL after
 * printing why. */
json_t *cli_db_read(struct cli_ctx *, const char *const *tables);
/* Runs a transaction (operations 'ops', stolen) on hardware_vtep.  Returns
 * 0 if every operation succeeded, else 1 after printing the first error. */
int cli_db_transact(struct cli_ctx *, json_t *ops);

/* Datum helpers (all borrowed in, borrowed out). */
/* The rows of 'table' in 'db' (an object by UUID, possibly empty). */
json_t *cli_rows(const json_t *db, const char *table);
/* The row of 'table' named by the uuid datum 'ref' (["uuid", S]), or
 * NULL. */
json_t *cli_deref(const json_t *db, const char *table, const json_t *ref);
/* The number of elements of a set datum (a bare atom counts as one). */
size_t cli_set_size(const json_t *datum);
/* Element 'i' of a set datum. */
json_t *cli_set_at(const json_t *datum, size_t i);
/* The number of pairs in a map datum, and pair 'i'. */
size_t cli_map_size(const json_t *datum);
void cli_map_at(const json_t *datum, size_t i, json_t **key, json_t **value);
/* The value of string key 'key' in map datum 'datum', or NULL. */
json_t *cli_map_get(const json_t *datum, const char *key);
/* A string column or NULL when absent. */
const char *cli_str(const json_t *row, const char *column);
/* A set-of-atoms datum as a new JSON array of its plain values. */
json_t *cli_set_to_array(const json_t *datum);
/* An optional integer column: a new integer, or NULL for an empty set. */
json_t *cli_opt_int(const json_t *row, const char *column);

/* ---- show.c, show-fwd.c: the "show" commands ---------------------------- */

int cli_show_version(struct cli_ctx *, int argc, char **argv);
int cli_show_platform(struct cli_ctx *, int argc, char **argv);
int cli_show_interfaces(struct cli_ctx *, int argc, char **argv);
int cli_show_controller(struct cli_ctx *, int argc, char **argv);
int cli_show_resources(struct cli_ctx *, int argc, char **argv);
int cli_show_logging(struct cli_ctx *, int argc, char **argv);
int cli_show_vxlan_tunnels(struct cli_ctx *, int argc, char **argv);
int cli_show_vxlan_vni(struct cli_ctx *, int argc, char **argv);
int cli_show_mac(struct cli_ctx *, int argc, char **argv);
/* show-route.c: "show ip route", the logical routers' routes; "show ip
 * router", their counters. */
int cli_show_ip_route(struct cli_ctx *, int argc, char **argv);
int cli_show_ip_router(struct cli_ctx *, int argc, char **argv);
int cli_show_ip_interfaces(struct cli_ctx *, int argc, char **argv);
/* show-acl.c */
int cli_show_acl(struct cli_ctx *, int argc, char **argv);

/* ---- config.c: configuration -------------------------------------------- */

int cli_config_save(struct cli_ctx *, int argc, char **argv);
int cli_config_reload(struct cli_ctx *, int argc, char **argv);

/* ---- image.c: firmware images, reboot ----------------------------------- */

int cli_image_list(struct cli_ctx *, int argc, char **argv);
int cli_image_install(struct cli_ctx *, int argc, char **argv);
int cli_image_boot_next(struct cli_ctx *, int argc, char **argv);
int cli_reboot(struct cli_ctx *, int argc, char **argv);

#endif /* cli/cli.h */
