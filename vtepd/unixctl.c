/* SPDX-License-Identifier: Apache-2.0 */
/* The control socket, on top of the JSON-RPC server. */
#include "vtepd/unixctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/options.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"

VLOG_DEFINE_THIS_MODULE(unixctl);

/* Requests on the control socket are a command name and a few words. */
#define UNIXCTL_MAX_MSG_SIZE (1024 * 1024)
#define UNIXCTL_MAX_ARGS 64

struct unixctl_command {
    struct hmap_node node; /* In 'commands', by name. */
    char *name;
    char *usage;
    int min_args, max_args;
    unixctl_cb_func *cb;
    void *aux;
};

struct unixctl_memory_hook {
    unixctl_memory_func *cb;
    void *aux;
};

struct unixctl_server {
    struct jsonrpc_server *rpc;
    struct ev_loop *loop;
    char *remote; /* "punix:PATH". */
    bool exit_requested;
};

/* A request being answered. */
struct unixctl_conn {
    struct jsonrpc_deferred *deferred;
};

static struct hmap commands = HMAP_INITIALIZER(&commands);
static struct unixctl_memory_hook *memory_hooks;
static size_t n_memory_hooks;

static struct unixctl_command *
command_find(const char *name)
{
    struct unixctl_command *c;

    HMAP_FOR_EACH_WITH_HASH(c, node, hash_string(name, 0), &commands) {
        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

void
unixctl_command_register(const char *name, const char *usage, int min_args,
                         int max_args, unixctl_cb_func *cb, void *aux)
{
    struct unixctl_command *c = command_find(name);

    ASSERT(min_args >= 0 && min_args <= max_args
           && max_args < UNIXCTL_MAX_ARGS);
    if (!c) {
        c = xzalloc(sizeof *c);
        c->name = xstrdup(name);
        hmap_insert(&commands, &c->node, hash_string(name, 0));
    } else {
        free(c->usage);
    }
    c->usage = xstrdup(usage ? usage : "");
    c->min_args = min_args;
    c->max_args = max_args;
    c->cb = cb;
    c->aux = aux;
}

static void
commands_clear(void)
{
    struct unixctl_command *c;

    HMAP_FOR_EACH_SAFE(c, node, &commands) {
        hmap_remove(&commands, &c->node);
        free(c->name);
        free(c->usage);
        free(c);
    }
    hmap_destroy(&commands);
    hmap_init(&commands);
    free(memory_hooks);
    memory_hooks = NULL;
    n_memory_hooks = 0;
}

/* Replies. */

/* ovs-appctl prints the text as is; like OVS, make it end in a newline. */
static json_t *
reply_text(const char *text)
{
    size_t len = text ? strlen(text) : 0;

    return len && text[len - 1] != '\n' ? json_sprintf("%s\n", text)
                                        : json_string(text ? text : "");
}

void
unixctl_command_reply(struct unixctl_conn *conn, const char *text)
{
    jsonrpc_deferred_reply(conn->deferred, reply_text(text));
    free(conn);
}

void
unixctl_command_reply_error(struct unixctl_conn *conn, const char *text)
{
    jsonrpc_deferred_reply_error(conn->deferred, reply_text(text));
    free(conn);
}

static void
conn_cancel(struct jsonrpc_deferred *d, void *conn)
{
    free(conn);
}

/* Dispatch: every request reaches this fallback handler. */
static void
unixctl_dispatch(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
                 void *server_)
{
    const struct unixctl_command *c;
    const char *argv[UNIXCTL_MAX_ARGS + 1];
    size_t n = json_array_size(request->params);
    struct unixctl_conn *conn;
    char *error = NULL;
    size_t i;

    if (request->type != JSONRPC_REQUEST) {
        return;
    }
    c = command_find(request->method);
    if (!c) {
        error = xasprintf("\"%s\" is not a valid command (use "
                          "\"list-commands\" to see a list of valid "
                          "commands)",
                          request->method);
    } else if (n < (size_t) c->min_args) {
        error = xasprintf("\"%s\" command requires at least %d arguments",
                          c->name, c->min_args);
    } else if (n > (size_t) c->max_args) {
        error = xasprintf("\"%s\" command takes at most %d arguments", c->name,
                          c->max_args);
    } else {
        for (i = 0; i < n; i++) {
            if (!json_is_string(json_array_get(request->params, i))) {
                error = xasprintf("\"%s\" command has non-string argument",
                                  c->name);
                break;
            }
        }
    }
    if (error) {
        jsonrpc_session_reply_error(s, request, reply_text(error));
        free(error);
        return;
    }

    conn = xzalloc(sizeof *conn);
    conn->deferred = jsonrpc_session_defer(s, request, conn_cancel, conn);
    argv[0] = c->name;
    for (i = 0; i < n; i++) {
        argv[i + 1] = json_string_value(json_array_get(request->params, i));
    }
    argv[n + 1] = NULL;
    c->cb(conn, (int) n + 1, argv, c->aux);
}

/* Built-in commands. */

static int
compare_commands(const void *a_, const void *b_)
{
    const struct unixctl_command *const *a = a_;
    const struct unixctl_command *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

static void
cmd_list_commands(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    size_t n = hmap_count(&commands), i = 0;
    const struct unixctl_command **sorted = xcalloc(n, sizeof *sorted);
    const struct unixctl_command *c;
    struct ds out = DS_EMPTY_INITIALIZER;

    HMAP_FOR_EACH(c, node, &commands) {
        sorted[i++] = c;
    }
    qsort(sorted, n, sizeof *sorted, compare_commands);
    ds_put_cstr(&out, "The available commands are:\n");
    for (i = 0; i < n; i++) {
        ds_put_format(&out, "  %-23s %s\n", sorted[i]->name, sorted[i]->usage);
    }
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
    free(sorted);
}

static void
cmd_version(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *text = xasprintf("vtepd (vtepd) %s", VTEPD_VERSION);

    unixctl_command_reply(conn, text);
    free(text);
}

static void
cmd_exit(struct unixctl_conn *conn, int argc, const char *argv[],
         void *server_)
{
    struct unixctl_server *server = server_;

    VLOG_INFO("exit requested through the control socket");
    server->exit_requested = true;
    unixctl_command_reply(conn, NULL);
    ev_break(server->loop, EVBREAK_ALL);
}

void
unixctl_memory_register(unixctl_memory_func *cb, void *aux)
{
    memory_hooks =
        xrealloc(memory_hooks, (n_memory_hooks + 1) * sizeof *memory_hooks);
    memory_hooks[n_memory_hooks].cb = cb;
    memory_hooks[n_memory_hooks].aux = aux;
    n_memory_hooks++;
}

void
unixctl_memory_put(struct ds *out, const char *key, unsigned long long value)
{
    ds_put_format(out, "%s%s:%llu", out->length ? " " : "", key, value);
}

/* Returns this process's resident set size in kB, from /proc. */
static unsigned long long
rss_kb(void)
{
    unsigned long long kb = 0;
    char line[128];
    FILE *f = fopen("/proc/self/status", "r");

    if (!f) {
        return 0;
    }
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmRSS: %llu kB", &kb) == 1) {
            break;
        }
    }
    fclose(f);
    return kb;
}

static void
cmd_memory_show(struct unixctl_conn *conn, int argc, const char *argv[],
                void *server_)
{
    struct unixctl_server *server = server_;
    struct ds out = DS_EMPTY_INITIALIZER;
    size_t i;

    unixctl_memory_put(&out, "rss-kB", rss_kb());
    unixctl_memory_put(&out, "unixctl-sessions",
                       jsonrpc_server_n_sessions(server->rpc));
    for (i = 0; i < n_memory_hooks; i++) {
        memory_hooks[i].cb(&out, memory_hooks[i].aux);
    }
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

static void
list_module(const struct vlog_module *m, void *out_)
{
    struct ds *out = out_;
    static const enum vlog_destination dests[] = { VLD_CONSOLE, VLD_SYSLOG,
                                                   VLD_FILE };
    size_t i;

    ds_put_format(out, "%-16s", m->name);
    for (i = 0; i < ARRAY_SIZE(dests); i++) {
        enum vlog_level level = m->level >= 0 ? (enum vlog_level) m->level
                                              : vlog_get_level(dests[i]);

        ds_put_format(out, "%s%4s", i ? "       " : "  ",
                      vlog_level_to_string(level));
    }
    ds_put_char(out, '\n');
}

static void
cmd_vlog_list(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    struct ds out = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&out, "                 console    syslog    file\n"
                      "                 -------    ------    ------\n");
    vlog_for_each_module(list_module, &out);
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

static int
destination_from_string(const char *s)
{
    static const char *const names[] = {
        [VLD_CONSOLE] = "console", [VLD_SYSLOG] = "syslog", [VLD_FILE] = "file"
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcasecmp(s, names[i])) {
            return (int) i;
        }
    }
    return !strcasecmp(s, "any") ? VLD_N_DESTINATIONS : -1;
}

struct vlog_spec {
    const char *module; /* NULL for all. */
    int dest;           /* VLD_N_DESTINATIONS for all. */
    enum vlog_level level;
};

struct module_query {
    const char *name;
    bool found;
};

static void
module_query_cb(const struct vlog_module *m, void *query_)
{
    struct module_query *query = query_;

    if (!strcmp(m->name, query->name)) {
        query->found = true;
    }
}

static bool
module_exists(const char *name)
{
    struct module_query query = { name, false };

    vlog_for_each_module(module_query_cb, &query);
    return query.found;
}

/* Parses "[MODULE][:DEST][:LEVEL]" words separated by ':' into 'spec' (the
 * words modify 'word', a copy).  Returns NULL or an error text. */
static char *
parse_vlog_spec(char *word, struct vlog_spec *spec)
{
    char *save = NULL;
    char *w;

    spec->module = NULL;
    spec->dest = VLD_N_DESTINATIONS;
    spec->level = VLL_DBG;
    for (w = strtok_r(word, ":", &save); w; w = strtok_r(NULL, ":", &save)) {
        enum vlog_level level = vlog_level_from_string(w);
        int dest = destination_from_string(w);

        if (level != VLL_N_LEVELS) {
            spec->level = level;
        } else if (dest >= 0) {
            spec->dest = dest;
        } else if (!strcasecmp(w, "ANY")) {
            spec->module = NULL;
        } else if (module_exists(w)) {
            spec->module = w;
        } else {
            return xasprintf("no destination, level, or module \"%s\"", w);
        }
    }
    if (spec->module && spec->dest != VLD_N_DESTINATIONS) {
        return xasprintf("per-destination levels for one module are not "
                         "supported; use \"%s:LEVEL\"",
                         spec->module);
    }
    return NULL;
}

static void
apply_vlog_spec(const struct vlog_spec *spec)
{
    int d;

    if (spec->module) {
        vlog_set_module_level(spec->module, spec->level);
        return;
    }
    for (d = 0; d < VLD_N_DESTINATIONS; d++) {
        if (spec->dest == VLD_N_DESTINATIONS || spec->dest == d) {
            vlog_set_level((enum vlog_destination) d, spec->level);
        }
    }
}

static void
cmd_vlog_set(struct unixctl_conn *conn, int argc, const char *argv[],
             void *aux)
{
    int i;

    /* Check every spec before applying any. */
    for (i = 1; i < argc; i++) {
        struct vlog_spec spec;
        char *word = xstrdup(argv[i]);
        char *error = parse_vlog_spec(word, &spec);

        free(word);
        if (error) {
            unixctl_command_reply_error(conn, error);
            free(error);
            return;
        }
    }
    for (i = 1; i < argc; i++) {
        struct vlog_spec spec;
        char *word = xstrdup(argv[i]);

        parse_vlog_spec(word, &spec);
        apply_vlog_spec(&spec);
        free(word);
    }
    unixctl_command_reply(conn, NULL);
}

/* The server. */

int
unixctl_server_create(struct ev_loop *loop, const char *path,
                      struct unixctl_server **serverp)
{
    static const struct jsonrpc_options options = {
        .max_msg_size = UNIXCTL_MAX_MSG_SIZE,
        .probe_ms = -1,
        .no_echo = true,
    };
    struct unixctl_server *server = xzalloc(sizeof *server);
    int error;

    server->loop = loop;
    server->rpc = jsonrpc_server_create(loop, &options);
    server->remote = xasprintf("punix:%s", path);
    jsonrpc_server_set_fallback(server->rpc, unixctl_dispatch, server);
    error = jsonrpc_server_add_remote(server->rpc, server->remote, NULL);
    if (error) {
        jsonrpc_server_destroy(server->rpc);
        free(server->remote);
        free(server);
        *serverp = NULL;
        return error;
    }

    unixctl_command_register("list-commands", "", 0, 0, cmd_list_commands,
                             NULL);
    unixctl_command_register("version", "", 0, 0, cmd_version, NULL);
    unixctl_command_register("exit", "", 0, 0, cmd_exit, server);
    unixctl_command_register("memory/show", "", 0, 0, cmd_memory_show, server);
    unixctl_command_register("vlog/list", "", 0, 0, cmd_vlog_list, NULL);
    unixctl_command_register("vlog/set", "{spec...}", 1, UNIXCTL_MAX_ARGS - 1,
                             cmd_vlog_set, NULL);
    *serverp = server;
    return 0;
}

void
unixctl_server_destroy(struct unixctl_server *server)
{
    if (server) {
        jsonrpc_server_destroy(server->rpc);
        free(server->remote);
        free(server);
        commands_clear();
    }
}

bool
unixctl_server_exit_requested(const struct unixctl_server *server)
{
    return server->exit_requested;
}
