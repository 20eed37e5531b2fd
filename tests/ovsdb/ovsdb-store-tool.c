/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb-store-tool: drives the vtepd database store, for the storage,
 * crash and compatibility tests.
 *
 *   ovsdb-store-tool [OPTIONS] DB run
 *       Opens DB (creating it from the schema if missing), then reads one
 *       line at a time from stdin: a transaction ("transact" params) is
 *       executed and answered "ok N REPLY" once it is as durable as it
 *       asked to be (N counts input lines from 1); "compact" compacts and
 *       answers "compacted N ERROR"; "stats" prints the store's counters,
 *       as does the end of input once every answer is out.
 *   ovsdb-store-tool [OPTIONS] DB query TXN
 *       Prints the reply to TXN (like "ovsdb-tool query"), key-sorted.
 *
 * OPTIONS: --schema=FILE (the schema to create DB with; default the
 * built-in hardware_vtep), --compact-min=BYTES (enable automatic
 * compaction from that size, with no minimum interval), --no-loop (sync
 * inside each commit rather than once per loop iteration). */
#include <errno.h>
#include <ev.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/store.h"

#define MAX_LINE (1024 * 1024)

struct pending {
    struct ovsdb_store_waiter waiter;
    unsigned long n;
    char *reply;
};

struct tool {
    struct ovsdb_store *store;
    struct ev_loop *loop;
    ev_io input;
    char *buf;
    size_t len;
    unsigned long n_lines;
};

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text;
    long size;

    if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET)) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(1);
    }
    text = xmalloc((size_t) size + 1);
    text[fread(text, 1, (size_t) size, f)] = '\0';
    fclose(f);
    return text;
}

static void
print_error_and_exit(struct ovsdb_error *error)
{
    json_t *json = ovsdb_error_to_json(error);
    char *s = ovsdb_json_to_string(json);

    fprintf(stderr, "ovsdb-store-tool: %s\n", s);
    free(s);
    json_decref(json);
    ovsdb_error_destroy(error);
    exit(1);
}

static void
durable_cb(struct ovsdb_store_waiter *w, int error)
{
    struct pending *p = container_of(w, struct pending, waiter);

    if (error) {
        printf("error %lu %s\n", p->n, strerror(-error));
    } else {
        printf("ok %lu %s\n", p->n, p->reply);
    }
    fflush(stdout);
    free(p->reply);
    free(p);
}

static void
print_stats(const struct ovsdb_store *store)
{
    struct ovsdb_store_stats s;

    ovsdb_store_get_stats(store, &s);
    printf("stats commit_seq=%llu durable_seq=%llu syncs=%llu "
           "compactions=%llu log_bytes=%lld snapshot_bytes=%lld\n",
           (unsigned long long) s.commit_seq,
           (unsigned long long) s.durable_seq, (unsigned long long) s.n_syncs,
           (unsigned long long) s.n_compactions, (long long) s.log_bytes,
           (long long) s.snapshot_bytes);
}

static void
handle_line(struct tool *t, const char *line)
{
    struct ovsdb_exec_ctx ctx = { .may_block = false };
    struct pending *p;
    json_error_t jerror;
    json_t *params, *reply;
    long long timeout;
    uint64_t seq;

    t->n_lines++;
    if (!strcmp(line, "compact")) {
        int error = ovsdb_store_compact(t->store);

        printf("compacted %lu %d\n", t->n_lines, error);
        fflush(stdout);
        return;
    } else if (!strcmp(line, "stats")) {
        print_stats(t->store);
        fflush(stdout);
        return;
    }
    params = json_loads(line, 0, &jerror);
    reply = params ? ovsdb_execute(ovsdb_store_get_db(t->store), params, &ctx,
                                   &timeout)
                   : json_pack("{ss}", "error", "syntax error");
    json_decref(params);

    p = xzalloc(sizeof *p);
    p->n = t->n_lines;
    p->reply = ovsdb_json_to_string(reply);
    json_decref(reply);
    seq = ovsdb_store_take_durable_seq(t->store);
    if (seq) {
        ovsdb_store_wait(t->store, &p->waiter, seq, durable_cb);
    } else {
        durable_cb(&p->waiter, 0);
    }
}

static void
input_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct tool *t = container_of(w, struct tool, input);
    char *nl;
    ssize_t n;

    n = read(STDIN_FILENO, t->buf + t->len, MAX_LINE - t->len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        ev_io_stop(loop, w);
        return;
    }
    t->len += (size_t) n;
    while ((nl = memchr(t->buf, '\n', t->len))) {
        size_t line_len = (size_t) (nl - t->buf) + 1;

        *nl = '\0';
        if (nl != t->buf) {
            handle_line(t, t->buf);
        }
        memmove(t->buf, t->buf + line_len, t->len - line_len);
        t->len -= line_len;
    }
    if (t->len == MAX_LINE) {
        fprintf(stderr, "ovsdb-store-tool: line too long\n");
        exit(1);
    }
}

static void
run(struct tool *t, bool use_loop)
{
    t->buf = xmalloc(MAX_LINE);
    ev_io_init(&t->input, input_cb, STDIN_FILENO, EV_READ);
    ev_io_start(t->loop, &t->input);
    if (use_loop) {
        ev_run(t->loop, 0);
    } else {
        while (ev_is_active(&t->input)) {
            ev_run(t->loop, EVRUN_ONCE);
        }
    }
    free(t->buf);
}

static void
query(struct tool *t, const char *txn)
{
    struct ovsdb_exec_ctx ctx = { .may_block = false };
    json_t *params = json_loads(txn, 0, NULL);
    long long timeout;
    json_t *reply;
    char *s;

    if (!params) {
        fprintf(stderr, "ovsdb-store-tool: bad transaction\n");
        exit(1);
    }
    reply =
        ovsdb_execute(ovsdb_store_get_db(t->store), params, &ctx, &timeout);
    s = ovsdb_json_to_string(reply);
    printf("%s\n", s);
    free(s);
    json_decref(reply);
    json_decref(params);
}

int
main(int argc, char *argv[])
{
    struct ovsdb_store_options opts = { .compact_interval_ms = -1 };
    struct tool t = { .loop = EV_DEFAULT };
    struct ovsdb_error *error;
    char *schema = NULL;
    bool use_loop = true;
    int i;

    set_program_name(argv[0]);
    opts.no_auto_compact = true;
    for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i++) {
        if (str_starts_with(argv[i], "--schema=")) {
            schema = read_file(argv[i] + strlen("--schema="));
        } else if (str_starts_with(argv[i], "--compact-min=")) {
            opts.no_auto_compact = false;
            opts.compact_min_bytes = atoll(argv[i] + strlen("--compact-min="));
        } else if (!strcmp(argv[i], "--no-loop")) {
            use_loop = false;
        } else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (argc - i < 2) {
        fprintf(stderr, "usage: %s [OPTIONS] DB run|query TXN\n", argv[0]);
        return 2;
    }
    opts.loop = use_loop ? t.loop : NULL;
    opts.create_schema = schema ? schema : vtep_schema_text();
    if (!strcmp(argv[i + 1], "query")) {
        opts.create_schema = NULL;
    }
    error = ovsdb_store_open(argv[i], &opts, &t.store);
    if (error) {
        print_error_and_exit(error);
    }
    if (!strcmp(argv[i + 1], "run")) {
        run(&t, use_loop);
        print_stats(t.store);
    } else if (!strcmp(argv[i + 1], "query") && i + 2 < argc) {
        query(&t, argv[i + 2]);
    } else {
        fprintf(stderr, "unknown command %s\n", argv[i + 1]);
        return 2;
    }
    ovsdb_store_destroy(t.store);
    free(schema);
    return 0;
}
