/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/store: creating and opening database files,
 * commits that read back after reopening, durable commits with and
 * without an event loop (group commit, waiters), compaction on demand and
 * automatic, the lock against a second writer, and a corrupt file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/util.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/store.h"

static const char schema_text[] =
    "{\"name\":\"s\",\"version\":\"1.2.3\",\"tables\":{\"T\":{"
    "\"isRoot\":true,\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"n\":{\"type\":\"integer\"},"
    "\"eph\":{\"type\":\"string\",\"ephemeral\":true}}}}}";

struct fixture {
    char dir[64];
    char *path;
    struct ev_loop *loop;
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);

    snprintf(f->dir, sizeof f->dir, "/tmp/test-ovsdb-store.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/s.db", f->dir);
    f->loop = ev_loop_new(EVFLAG_AUTO);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->dir);

    assert_int_equal(system(cmd), 0);
    free(cmd);
    ev_loop_destroy(f->loop);
    free(f->path);
    free(f);
    return 0;
}

/* Opens 'f->path', which must succeed, creating it if missing. */
static struct ovsdb_store *
open_store(const struct fixture *f, const struct ovsdb_store_options *opts)
{
    struct ovsdb_store_options defaults = { .create_schema = schema_text };
    struct ovsdb_store *store;
    struct ovsdb_error *error;

    error = ovsdb_store_open(f->path, opts ? opts : &defaults, &store);
    if (error) {
        fail_msg("%s: %s", ovsdb_error_tag(error), ovsdb_error_details(error));
    }
    assert_string_equal(ovsdb_store_get_path(store), f->path);
    return store;
}

/* Runs the operations 'ops' (JSON text) and returns the result (new
 * reference), which must hold no error. */
static json_t *
transact(struct ovsdb_store *store, const char *ops)
{
    char *text = xasprintf("[\"s\",%s]", ops);
    json_t *params = json_loads(text, 0, NULL), *result;
    long long timeout;

    assert_non_null(params);
    result = ovsdb_execute(ovsdb_store_get_db(store), params, NULL, &timeout);
    assert_non_null(result);
    for (size_t i = 0; i < json_array_size(result); i++) {
        json_t *error = json_object_get(json_array_get(result, i), "error");

        if (error) {
            fail_msg("%s: %s", text, json_string_value(error));
        }
    }
    json_decref(params);
    free(text);
    return result;
}

static void
insert(struct ovsdb_store *store, const char *name, int n)
{
    char *ops = xasprintf("{\"op\":\"insert\",\"table\":\"T\","
                          "\"row\":{\"name\":\"%s\",\"n\":%d}}",
                          name, n);

    json_decref(transact(store, ops));
    free(ops);
}

/* Returns the rows of T as compact JSON text sorted by name (the caller
 * frees it). */
static char *
select_all(struct ovsdb_store *store)
{
    json_t *result = transact(store, "{\"op\":\"select\",\"table\":\"T\","
                                     "\"where\":[],\"columns\":[\"name\","
                                     "\"n\"]}");
    json_t *rows = json_object_get(json_array_get(result, 0), "rows");
    char *text;

    /* Insertion order is not kept: sort by the "n" column for a stable
     * comparison (a test's rows have distinct 'n'). */
    for (size_t i = 1; i < json_array_size(rows); i++) {
        for (size_t j = i; j > 0; j--) {
            json_t *a = json_array_get(rows, j - 1);
            json_t *b = json_array_get(rows, j);

            if (json_integer_value(json_object_get(a, "n"))
                <= json_integer_value(json_object_get(b, "n"))) {
                break;
            }
            json_incref(a);
            json_array_set(rows, j - 1, b);
            json_array_set_new(rows, j, a);
        }
    }
    text = json_dumps(rows, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(result);
    return text;
}

static struct ovsdb_store_stats
stats(const struct ovsdb_store *store)
{
    struct ovsdb_store_stats s;

    ovsdb_store_get_stats(store, &s);
    return s;
}

static off_t
file_size(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* A missing file is an error unless a schema to create it is given. */
static void
test_open_missing(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store_options opts = { 0 };
    struct ovsdb_store *store = (struct ovsdb_store *) 1;
    struct ovsdb_error *error;

    error = ovsdb_store_open(f->path, &opts, &store);
    assert_non_null(error);
    assert_null(store);
    ovsdb_error_destroy(error);
    assert_int_not_equal(access(f->path, F_OK), 0);

    error = ovsdb_store_open(f->path, NULL, &store);
    assert_non_null(error);
    ovsdb_error_destroy(error);

    opts.create_schema = "{\"name\":\"bad\",\"tables\":7}";
    error = ovsdb_store_open(f->path, &opts, &store);
    assert_non_null(error);
    assert_null(store);
    ovsdb_error_destroy(error);
    assert_int_not_equal(access(f->path, F_OK), 0);
}

/* Commits survive closing and reopening, and an existing file is opened
 * as it is, whatever 'create_schema' says. */
static void
test_create_commit_reopen(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store_options opts = { 0 };
    struct ovsdb_store *store = open_store(f, NULL);
    char *before, *after;

    assert_non_null(ovsdb_db_find_table(ovsdb_store_get_db(store), "T"));
    assert_int_equal(stats(store).commit_seq, 0);
    insert(store, "a", 1);
    insert(store, "b", 2);
    json_decref(transact(store, "{\"op\":\"update\",\"table\":\"T\","
                                "\"where\":[[\"name\",\"==\",\"a\"]],"
                                "\"row\":{\"n\":0}}"));
    json_decref(transact(store, "{\"op\":\"delete\",\"table\":\"T\","
                                "\"where\":[[\"name\",\"==\",\"b\"]]}"));
    insert(store, "c", 3);
    assert_int_equal(stats(store).commit_seq, 5);
    assert_int_equal(stats(store).log_bytes, file_size(f->path));
    before = select_all(store);
    assert_string_equal(before, "[{\"n\":0,\"name\":\"a\"},"
                                "{\"n\":3,\"name\":\"c\"}]");
    ovsdb_store_destroy(store);

    store = open_store(f, &opts);
    after = select_all(store);
    assert_string_equal(before, after);
    free(after);
    assert_int_equal(stats(store).commit_seq, 0);
    insert(store, "d", 4);
    ovsdb_store_destroy(store);
    ovsdb_store_destroy(NULL);

    store = open_store(f, NULL);
    after = select_all(store);
    assert_string_equal(after, "[{\"n\":0,\"name\":\"a\"},"
                               "{\"n\":3,\"name\":\"c\"},"
                               "{\"n\":4,\"name\":\"d\"}]");
    free(after);
    free(before);
    ovsdb_store_destroy(store);
}

/* Neither a read-only transaction nor a change to an ephemeral column
 * writes a record. */
static void
test_no_record(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store *store = open_store(f, NULL);
    off_t size;

    insert(store, "a", 1);
    size = file_size(f->path);
    free(select_all(store));
    json_decref(transact(store, "{\"op\":\"update\",\"table\":\"T\","
                                "\"where\":[],\"row\":{\"eph\":\"x\"}}"));
    assert_int_equal(stats(store).commit_seq, 1);
    assert_int_equal(file_size(f->path), size);
    ovsdb_store_destroy(store);
}

/* The file is ovsdb-server's format: ovsdb-tool reads it back. */
static void
test_ovsdb_tool_reads_it(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store *store;
    char *cmd, line[256] = "";
    FILE *p;

    if (access("/usr/bin/ovsdb-tool", X_OK)) {
        skip();
    }
    store = open_store(f, NULL);
    insert(store, "from-vtepd", 77);
    ovsdb_store_destroy(store);

    cmd = xasprintf("/usr/bin/ovsdb-tool query '%s' '[\"s\",{\"op\":"
                    "\"select\",\"table\":\"T\",\"where\":[],\"columns\":"
                    "[\"name\",\"n\"]}]'",
                    f->path);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(line, sizeof line, p));
    assert_int_equal(pclose(p), 0);
    assert_non_null(strstr(line, "\"name\":\"from-vtepd\""));
    assert_non_null(strstr(line, "\"n\":77"));
    free(cmd);
}

/* Without a loop a durable commit is synced before ovsdb_execute()
 * returns, so there is nothing to wait for. */
static void
test_durable_without_loop(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store *store = open_store(f, NULL);
    struct ovsdb_store_stats s;

    insert(store, "a", 1);
    assert_int_equal(ovsdb_store_take_durable_seq(store), 0);
    assert_int_equal(stats(store).n_syncs, 0);

    json_decref(transact(store, "{\"op\":\"insert\",\"table\":\"T\","
                                "\"row\":{\"name\":\"b\",\"n\":2}},"
                                "{\"op\":\"commit\",\"durable\":true}"));
    s = stats(store);
    assert_int_equal(s.n_syncs, 1);
    assert_int_equal(s.commit_seq, 2);
    assert_int_equal(s.durable_seq, 2);
    assert_int_equal(ovsdb_store_take_durable_seq(store), 0);
    ovsdb_store_destroy(store);
}

struct waiter {
    struct ovsdb_store_waiter w;
    int calls;
    int error;
};

static void
waiter_cb(struct ovsdb_store_waiter *w_, int error)
{
    struct waiter *w = container_of(w_, struct waiter, w);

    w->calls++;
    w->error = error;
}

static void
durable_insert(struct ovsdb_store *store, const char *name, int n)
{
    char *ops = xasprintf("{\"op\":\"insert\",\"table\":\"T\","
                          "\"row\":{\"name\":\"%s\",\"n\":%d}},"
                          "{\"op\":\"commit\",\"durable\":true}",
                          name, n);

    json_decref(transact(store, ops));
    free(ops);
}

/* With a loop, durable commits of one iteration share one sync, made
 * before the loop blocks; each waiter is called from the loop. */
static void
test_group_commit(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store_options opts = { .loop = f->loop,
                                        .create_schema = schema_text };
    struct ovsdb_store *store = open_store(f, &opts);
    struct waiter w1 = { .calls = 0 }, w2 = { .calls = 0 };
    struct waiter w3 = { .calls = 0 };
    uint64_t seq1, seq2;

    insert(store, "plain", 0);
    assert_int_equal(ovsdb_store_take_durable_seq(store), 0);

    durable_insert(store, "a", 1);
    seq1 = ovsdb_store_take_durable_seq(store);
    assert_int_equal(seq1, 2);
    assert_int_equal(ovsdb_store_take_durable_seq(store), 0);
    ovsdb_store_waiter_init(&w1.w);
    ovsdb_store_wait(store, &w1.w, seq1, waiter_cb);

    durable_insert(store, "b", 2);
    seq2 = ovsdb_store_take_durable_seq(store);
    assert_int_equal(seq2, 3);
    ovsdb_store_waiter_init(&w2.w);
    ovsdb_store_wait(store, &w2.w, seq2, waiter_cb);

    /* A cancelled waiter is never called. */
    durable_insert(store, "c", 3);
    ovsdb_store_waiter_init(&w3.w);
    ovsdb_store_wait(store, &w3.w, ovsdb_store_take_durable_seq(store),
                     waiter_cb);
    ovsdb_store_waiter_cancel(&w3.w);

    assert_int_equal(w1.calls + w2.calls, 0);
    assert_int_equal(stats(store).n_syncs, 0);
    assert_int_equal(stats(store).durable_seq, 0);

    ev_run(f->loop, EVRUN_NOWAIT);
    assert_int_equal(w1.calls, 1);
    assert_int_equal(w1.error, 0);
    assert_int_equal(w2.calls, 1);
    assert_int_equal(w2.error, 0);
    assert_int_equal(w3.calls, 0);
    assert_int_equal(stats(store).n_syncs, 1);
    assert_int_equal(stats(store).durable_seq, 4);

    /* Already durable: nothing to wait for, and cancel is harmless. */
    ovsdb_store_waiter_cancel(&w1.w);
    ev_run(f->loop, EVRUN_NOWAIT);
    assert_int_equal(w1.calls, 1);
    assert_int_equal(stats(store).n_syncs, 1);
    ovsdb_store_destroy(store);
}

/* Destroying the storage syncs and calls the waiters still pending. */
static void
test_destroy_calls_waiters(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store_options opts = { .loop = f->loop,
                                        .create_schema = schema_text };
    struct ovsdb_store *store = open_store(f, &opts);
    struct waiter w = { .calls = 0 };
    char *rows;

    durable_insert(store, "a", 1);
    ovsdb_store_waiter_init(&w.w);
    ovsdb_store_wait(store, &w.w, ovsdb_store_take_durable_seq(store),
                     waiter_cb);
    ovsdb_store_destroy(store);
    assert_int_equal(w.calls, 1);
    assert_int_equal(w.error, 0);

    store = open_store(f, NULL);
    rows = select_all(store);
    assert_string_equal(rows, "[{\"n\":1,\"name\":\"a\"}]");
    free(rows);
    ovsdb_store_destroy(store);
}

/* Compaction shrinks a file of many updates to one snapshot holding the
 * same data, and later commits append to it. */
static void
test_compact(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store_options opts = { .create_schema = schema_text,
                                        .no_auto_compact = true };
    struct ovsdb_store *store = open_store(f, &opts);
    struct ovsdb_store_stats s;
    char *after;
    off_t big;

    insert(store, "a", 1);
    insert(store, "b", 2);
    for (int i = 0; i < 200; i++) {
        json_decref(transact(store, "{\"op\":\"mutate\",\"table\":\"T\","
                                    "\"where\":[[\"name\",\"==\",\"a\"]],"
                                    "\"mutations\":[[\"n\",\"+=\",10]]}"));
    }
    big = file_size(f->path);
    assert_int_equal(stats(store).n_compactions, 0);

    assert_int_equal(ovsdb_store_compact(store), 0);
    s = stats(store);
    assert_int_equal(s.n_compactions, 1);
    assert_int_equal(s.log_bytes, file_size(f->path));
    assert_int_equal(s.snapshot_bytes, s.log_bytes);
    assert_int_equal(s.durable_seq, s.commit_seq);
    assert_true(s.log_bytes * 10 < big);

    insert(store, "c", 3000);
    assert_true(file_size(f->path) > s.snapshot_bytes);
    ovsdb_store_destroy(store);

    store = open_store(f, NULL);
    after = select_all(store);
    assert_string_equal(after, "[{\"n\":2,\"name\":\"b\"},"
                               "{\"n\":2001,\"name\":\"a\"},"
                               "{\"n\":3000,\"name\":\"c\"}]");
    free(after);
    ovsdb_store_destroy(store);
}

/* Automatic compaction runs once the log passes both the minimum size
 * and the ratio to the last snapshot, and never when turned off. */
static void
test_auto_compact(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store_options opts = { .create_schema = schema_text,
                                        .compact_min_bytes = 4096,
                                        .compact_ratio = 4,
                                        .compact_interval_ms = -1 };
    struct ovsdb_store *store = open_store(f, &opts);
    off_t threshold = 4096, before, record = 0;
    int i, n = 0;

    /* The first compaction waits for the minimum size (the schema alone
     * is far under a quarter of it), the second for four times the first
     * snapshot (by then over the minimum). */
    for (i = 0; i < 2000 && n < 2; i++) {
        before = file_size(f->path);
        insert(store, "x", i);
        if (stats(store).n_compactions > (uint64_t) n) {
            /* Compacted: the record just written (about as big as the
             * one before) took the log over the threshold. */
            assert_true(before + record + record / 4 >= threshold);
            n++;
            assert_int_equal(stats(store).snapshot_bytes, file_size(f->path));
            threshold = MAX(4096, 4 * stats(store).snapshot_bytes);
            continue;
        }
        /* Not compacted: the log is still under the threshold. */
        assert_true(file_size(f->path) < threshold);
        record = file_size(f->path) - before;
    }
    assert_int_equal(n, 2);
    assert_true(threshold > 4096);
    ovsdb_store_destroy(store);

    unlink(f->path);
    opts.no_auto_compact = true;
    store = open_store(f, &opts);
    for (i = 0; i < 300; i++) {
        insert(store, "x", i);
    }
    assert_true(file_size(f->path) > 4 * 4096);
    assert_int_equal(stats(store).n_compactions, 0);
    ovsdb_store_destroy(store);
}

/* The minimum interval holds compaction back however large the log. */
static void
test_auto_compact_interval(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store_options opts = { .create_schema = schema_text,
                                        .compact_min_bytes = 1024,
                                        .compact_ratio = 2,
                                        .compact_interval_ms = 3600 * 1000 };
    struct ovsdb_store *store = open_store(f, &opts);

    for (int i = 0; i < 300; i++) {
        insert(store, "x", i);
    }
    assert_int_equal(stats(store).n_compactions, 0);
    ovsdb_store_destroy(store);
}

/* A second process cannot open the file while the first has it. */
static void
test_locked(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store *store = open_store(f, NULL);
    int status;
    pid_t pid;

    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        struct ovsdb_store *other;
        struct ovsdb_error *error = ovsdb_store_open(f->path, NULL, &other);
        int code = error && !other ? 0 : 1;

        /* Frees this process's copies (for valgrind); fcntl locks are not
         * inherited, so closing them here leaves the parent's lock. */
        ovsdb_error_destroy(error);
        ovsdb_store_destroy(other);
        ovsdb_store_destroy(store);
        _exit(code);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    ovsdb_store_destroy(store);
}

/* Cutting the file inside its last record loses only that commit. */
static void
test_torn_tail(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store *store = open_store(f, NULL);
    off_t size;
    char *rows;

    insert(store, "a", 1);
    size = file_size(f->path);
    insert(store, "b", 2);
    ovsdb_store_destroy(store);
    assert_int_equal(truncate(f->path, file_size(f->path) - 5), 0);

    store = open_store(f, NULL);
    rows = select_all(store);
    assert_string_equal(rows, "[{\"n\":1,\"name\":\"a\"}]");
    free(rows);
    assert_int_equal(file_size(f->path), size);
    insert(store, "c", 3);
    ovsdb_store_destroy(store);

    store = open_store(f, NULL);
    rows = select_all(store);
    assert_string_equal(rows, "[{\"n\":1,\"name\":\"a\"},"
                              "{\"n\":3,\"name\":\"c\"}]");
    free(rows);
    ovsdb_store_destroy(store);
}

/* A damaged record with valid ones after it ends the database there, as
 * in ovsdb-server: what came before is served, the file is cut at the
 * damaged record, and the bytes cut off are saved beside the file. */
static void
test_corrupt_middle(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store *store = open_store(f, NULL);
    off_t before_a, where, size;
    char *rows, *cmd;
    FILE *file;

    before_a = file_size(f->path);
    insert(store, "a", 1);
    where = file_size(f->path) - 3;
    insert(store, "b", 2);
    ovsdb_store_destroy(store);
    size = file_size(f->path);

    file = fopen(f->path, "r+");
    assert_non_null(file);
    assert_int_equal(fseeko(file, where, SEEK_SET), 0);
    assert_int_equal(fputc('Z', file), 'Z');
    assert_int_equal(fclose(file), 0);

    store = open_store(f, NULL);
    rows = select_all(store);
    assert_string_equal(rows, "[]");
    free(rows);
    ovsdb_store_destroy(store);
    assert_int_equal(file_size(f->path), before_a);

    /* Exactly one saved copy, holding every byte that was cut off. */
    cmd = xasprintf("test $(ls '%s'/s.db.damaged-* | wc -l) = 1 && "
                    "test $(stat -c %%s '%s'/s.db.damaged-*) = %lld",
                    f->dir, f->dir, (long long) (size - before_a));
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

static void
write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");

    assert_non_null(file);
    assert_true(fputs(text, file) >= 0);
    assert_int_equal(fclose(file), 0);
}

/* A file that is not a database, or is empty, is refused and left as it
 * was (it might be something else given by mistake). */
static void
test_not_a_database(void **state)
{
    static const char cut_schema[] =
        "OVSDB JSON 9999 0123456789abcdef0123456789abcdef01234567\n"
        "{\"name\":";
    struct fixture *f = *state;
    struct ovsdb_store *store;
    struct ovsdb_error *error;

    write_file(f->path, "this is not a database\n");
    error = ovsdb_store_open(f->path, NULL, &store);
    assert_non_null(error);
    assert_null(store);
    ovsdb_error_destroy(error);
    assert_int_equal(file_size(f->path), 23);

    /* Nor is a database file cut inside its schema record truncated. */
    write_file(f->path, cut_schema);
    error = ovsdb_store_open(f->path, NULL, &store);
    assert_non_null(error);
    assert_null(store);
    ovsdb_error_destroy(error);
    assert_int_equal(file_size(f->path), strlen(cut_schema));

    write_file(f->path, "");
    error = ovsdb_store_open(f->path, NULL, &store);
    assert_non_null(error);
    assert_null(store);
    ovsdb_error_destroy(error);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_commit_reopen, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ovsdb_tool_reads_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_durable_without_loop, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_calls_waiters, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_compact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_compact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_compact_interval, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_middle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/store", tests, NULL, NULL);
}
