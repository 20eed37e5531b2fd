/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/log.c: record framing, checksums, torn tails
 * and corruption. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/log.h"

#define N_RECORDS 4

struct fixture {
    char dir[64];
    char path[128];
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);

    snprintf(f->dir, sizeof f->dir, "/tmp/test-ovsdb-log.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/db", f->dir);
    vlog_set_level(VLD_CONSOLE, VLL_OFF);
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
    free(f);
    return 0;
}

static json_t *
record(int i)
{
    return json_pack("{si ss}", "n", i, "s", "x\ny");
}

/* Creates a log of N_RECORDS records; returns the offset where each
 * record starts in 'starts' (and the file size after the last). */
static void
make_log(const char *path, off_t starts[N_RECORDS + 1])
{
    json_t *first = record(0);
    struct ovsdb_log *log;
    json_t *json;

    assert_int_equal(ovsdb_log_create(path, &first, 1, &log), 0);
    json_decref(first);
    assert_int_equal(ovsdb_log_read(log, &json), 0);
    json_decref(json);
    starts[0] = 0;
    starts[1] = ovsdb_log_offset(log);
    for (int i = 1; i < N_RECORDS; i++) {
        json = record(i);
        assert_int_equal(ovsdb_log_write(log, json), 0);
        json_decref(json);
        starts[i + 1] = ovsdb_log_offset(log);
    }
    assert_int_equal(ovsdb_log_sync(log), 0);
    ovsdb_log_close(log);
}

/* Reads every record of 'path'; returns how many, or a negative errno. */
static int
read_all(const char *path, enum ovsdb_log_mode mode)
{
    struct ovsdb_log *log;
    int n = 0, error;

    assert_int_equal(ovsdb_log_open(path, mode, &log), 0);
    for (;;) {
        json_t *json, *expected;

        error = ovsdb_log_read(log, &json);
        if (error || !json) {
            break;
        }
        expected = record(n);
        assert_true(json_equal(json, expected));
        json_decref(expected);
        json_decref(json);
        n++;
    }
    ovsdb_log_close(log);
    return error ? error : n;
}

static off_t
file_size(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* The size of the one "PATH.damaged-*" file beside 'path', or -1 if
 * there is none. */
static off_t
saved_size(const char *path)
{
    char *cmd = xasprintf("stat -c %%s %s.damaged-* 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    long long size = -1;

    assert_non_null(p);
    if (fscanf(p, "%lld", &size) != 1) {
        size = -1;
    }
    pclose(p);
    free(cmd);
    return (off_t) size;
}

static void
corrupt_byte(const char *path, off_t offset, char c)
{
    int fd = open(path, O_WRONLY);

    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, &c, 1, offset), 1);
    close(fd);
}

static void
test_format(void **state)
{
    json_t *json = json_pack("{si}", "a", 1);
    static const char expected[] =
        "OVSDB JSON 8 8a3d961f7fe8ef7b41d461059884a9461be85059\n"
        "{\"a\":1}\n";
    size_t size;
    char *buf = ovsdb_log_format_record(json, &size);

    assert_int_equal(size, strlen(expected));
    assert_memory_equal(buf, expected, size);
    free(buf);
    json_decref(json);
}

static void
test_round_trip(void **state)
{
    struct fixture *f = *state;
    off_t starts[N_RECORDS + 1];
    struct ovsdb_log *log;
    json_t *json;

    make_log(f->path, starts);
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_ONLY), N_RECORDS);

    /* Appending after reading everything, then reading again. */
    assert_int_equal(ovsdb_log_open(f->path, OVSDB_LOG_READ_WRITE, &log), 0);
    while (!ovsdb_log_read(log, &json) && json) {
        json_decref(json);
    }
    json = record(N_RECORDS);
    assert_int_equal(ovsdb_log_write(log, json), 0);
    json_decref(json);
    ovsdb_log_close(log);
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_ONLY), N_RECORDS + 1);

    /* Creating over an existing file is refused. */
    json = record(0);
    assert_int_equal(ovsdb_log_create(f->path, &json, 1, &log), -EEXIST);
    json_decref(json);
}

static void
test_replace(void **state)
{
    struct fixture *f = *state;
    off_t starts[N_RECORDS + 1];
    json_t *records[2] = { record(0), record(1) };
    struct ovsdb_log *log;

    make_log(f->path, starts);
    assert_int_equal(ovsdb_log_open(f->path, OVSDB_LOG_READ_WRITE, &log), 0);
    assert_int_equal(ovsdb_log_replace(log, records, 2), 0);
    assert_int_equal(ovsdb_log_offset(log), starts[2]);
    ovsdb_log_close(log);
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_ONLY), 2);
    json_decref(records[0]);
    json_decref(records[1]);
}

/* Cutting the file anywhere inside the last record loses only that
 * record, and the truncated log takes new records. */
static void
test_torn_tail_every_offset(void **state)
{
    struct fixture *f = *state;
    off_t starts[N_RECORDS + 1];

    make_log(f->path, starts);
    unlink(f->path);
    for (off_t cut = starts[N_RECORDS - 1]; cut < starts[N_RECORDS]; cut++) {
        struct ovsdb_log *log;
        json_t *json;

        make_log(f->path, starts);
        assert_int_equal(truncate(f->path, cut), 0);

        /* Read-only: the tail is ignored but left alone. */
        assert_int_equal(read_all(f->path, OVSDB_LOG_READ_ONLY),
                         N_RECORDS - 1);
        assert_int_equal(file_size(f->path), cut);

        /* Read-write: the tail is cut off and appending works. */
        assert_int_equal(read_all(f->path, OVSDB_LOG_READ_WRITE),
                         N_RECORDS - 1);
        assert_int_equal(file_size(f->path), starts[N_RECORDS - 1]);
        assert_int_equal(ovsdb_log_open(f->path, OVSDB_LOG_READ_WRITE, &log),
                         0);
        while (!ovsdb_log_read(log, &json) && json) {
            json_decref(json);
        }
        json = record(N_RECORDS - 1);
        assert_int_equal(ovsdb_log_write(log, json), 0);
        json_decref(json);
        ovsdb_log_close(log);
        assert_int_equal(read_all(f->path, OVSDB_LOG_READ_ONLY), N_RECORDS);
        unlink(f->path);
    }
}

static void
test_bad_checksum_at_tail(void **state)
{
    struct fixture *f = *state;
    off_t starts[N_RECORDS + 1];

    make_log(f->path, starts);
    /* A byte of the last record's JSON text. */
    corrupt_byte(f->path, starts[N_RECORDS] - 3, 'Z');
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_WRITE), N_RECORDS - 1);
    assert_int_equal(file_size(f->path), starts[N_RECORDS - 1]);
}

static void
test_bad_checksum_in_middle(void **state)
{
    struct fixture *f = *state;
    off_t starts[N_RECORDS + 1];

    make_log(f->path, starts);
    corrupt_byte(f->path, starts[2] - 3, 'Z');
    /* As ovsdb-server: the records before the damaged one are read, the
     * file ends there, and what was cut off is saved beside it. */
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_WRITE), 1);
    assert_int_equal(file_size(f->path), starts[1]);
    assert_int_equal(saved_size(f->path), starts[N_RECORDS] - starts[1]);
}

static void
test_garbage_in_middle(void **state)
{
    struct fixture *f = *state;
    off_t starts[N_RECORDS + 1];

    make_log(f->path, starts);
    corrupt_byte(f->path, starts[1], 'X'); /* The magic of record 1. */
    /* Read-only: reading stops there and the file is left alone. */
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_ONLY), 1);
    assert_int_equal(file_size(f->path), starts[N_RECORDS]);
    assert_int_equal(saved_size(f->path), -1);
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_WRITE), 1);
    assert_int_equal(file_size(f->path), starts[1]);
}

static void
test_bad_length(void **state)
{
    struct fixture *f = *state;
    static const char text[] = "OVSDB JSON 99999999999 "
                               "8a3d961f7fe8ef7b41d461059884a9461be85059\n"
                               "{\"a\":1}\n";
    struct ovsdb_log *log;
    json_t *json;
    FILE *file = fopen(f->path, "w");

    assert_non_null(file);
    fputs(text, file);
    fclose(file);
    assert_int_equal(ovsdb_log_open(f->path, OVSDB_LOG_READ_ONLY, &log), 0);
    assert_int_equal(ovsdb_log_read(log, &json), 0);
    assert_null(json);
    ovsdb_log_close(log);
}

/* ovsdb_log_write_text() writes, header and all, exactly the bytes that
 * ovsdb_log_format_record() gives for the same JSON, small or large. */
static void
test_write_text(void **state)
{
    struct fixture *f = *state;
    size_t sizes[] = { 2, 300, 3 * 1024 * 1024 };
    json_t *first = record(0);
    struct ovsdb_log *log;
    off_t offset;

    assert_int_equal(ovsdb_log_create(f->path, &first, 1, &log), 0);
    json_decref(first);
    assert_int_equal(ovsdb_log_read(log, &first), 0);
    json_decref(first);
    offset = ovsdb_log_offset(log);
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        char *text = xmalloc(sizes[i] + 1), *expected, *got;
        size_t size;
        json_t *json;
        int fd;

        /* {"k":"xxx...x"} of sizes[i] bytes. */
        if (sizes[i] == 2) {
            strcpy(text, "{}");
        } else {
            memset(text, 'x', sizes[i]);
            memcpy(text, "{\"k\":\"", 6);
            memcpy(text + sizes[i] - 2, "\"}", 2);
            text[sizes[i]] = '\0';
        }
        json = json_loads(text, 0, NULL);
        assert_non_null(json);
        expected = ovsdb_log_format_record(json, &size);
        assert_int_equal(ovsdb_log_write_text(log, text, sizes[i]), 0);
        assert_int_equal(ovsdb_log_offset(log), offset + (off_t) size);

        got = xmalloc(size);
        fd = open(f->path, O_RDONLY);
        assert_true(fd >= 0);
        assert_int_equal(pread(fd, got, size, offset), (ssize_t) size);
        close(fd);
        assert_memory_equal(got, expected, size);
        offset += (off_t) size;

        free(got);
        free(expected);
        json_decref(json);
        free(text);
    }
    ovsdb_log_close(log);
    assert_int_equal(file_size(f->path), offset);
}

/* A record streamed in pieces is, header and all, exactly what
 * ovsdb_log_format_record() gives, whether the size hint is right or a
 * digit short or long (the text then moves once the header is known). */
static void
test_stream(void **state)
{
    struct fixture *f = *state;
    size_t size = 150000;
    size_t hints[] = { 150000, 9, 99999999, 0 };
    char *text = xmalloc(size + 1);
    json_t *first = record(0), *json;
    struct ovsdb_log *log;
    char *expected;
    size_t expected_size;
    off_t offset;

    memset(text, 'y', size);
    memcpy(text, "{\"k\":\"", 6);
    memcpy(text + size - 2, "\"}", 2);
    text[size] = '\0';
    json = json_loads(text, 0, NULL);
    assert_non_null(json);
    expected = ovsdb_log_format_record(json, &expected_size);

    assert_int_equal(ovsdb_log_create(f->path, &first, 1, &log), 0);
    json_decref(first);
    assert_int_equal(ovsdb_log_read(log, &first), 0);
    json_decref(first);
    offset = ovsdb_log_offset(log);
    for (size_t i = 0; i < ARRAY_SIZE(hints); i++) {
        struct ovsdb_log_stream *s = ovsdb_log_stream_start(log, hints[i]);
        char *got = xmalloc(expected_size);
        int fd;

        /* Uneven pieces. */
        for (size_t done = 0, piece = 1; done < size; piece *= 3) {
            size_t n = MIN(piece, size - done);

            ovsdb_log_stream_write(s, text + done, n);
            done += n;
        }
        assert_int_equal(ovsdb_log_stream_end(s), 0);
        assert_int_equal(ovsdb_log_offset(log),
                         offset + (off_t) expected_size);
        assert_int_equal(file_size(f->path), offset + (off_t) expected_size);
        fd = open(f->path, O_RDONLY);
        assert_true(fd >= 0);
        assert_int_equal(pread(fd, got, expected_size, offset),
                         (ssize_t) expected_size);
        close(fd);
        assert_memory_equal(got, expected, expected_size);
        offset += (off_t) expected_size;
        free(got);
    }
    ovsdb_log_close(log);

    /* Every record reads back. */
    assert_int_equal(ovsdb_log_open(f->path, OVSDB_LOG_READ_ONLY, &log), 0);
    for (size_t i = 0; i <= ARRAY_SIZE(hints); i++) {
        json_t *back;

        assert_int_equal(ovsdb_log_read(log, &back), 0);
        assert_non_null(back);
        assert_true(i == 0 || json_equal(back, json));
        json_decref(back);
    }
    assert_int_equal(ovsdb_log_read(log, &first), 0);
    assert_null(first);
    ovsdb_log_close(log);
    free(expected);
    json_decref(json);
    free(text);
}

/* A stream on a read-only log fails and leaves the file alone. */
static void
test_stream_read_only(void **state)
{
    struct fixture *f = *state;
    off_t starts[N_RECORDS + 1];
    struct ovsdb_log_stream *s;
    struct ovsdb_log *log;

    make_log(f->path, starts);
    assert_int_equal(ovsdb_log_open(f->path, OVSDB_LOG_READ_ONLY, &log), 0);
    s = ovsdb_log_stream_start(log, 10);
    ovsdb_log_stream_write(s, "{}", 2);
    assert_int_equal(ovsdb_log_stream_end(s), -EBADF);
    ovsdb_log_close(log);
    assert_int_equal(file_size(f->path), starts[N_RECORDS]);
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_ONLY), N_RECORDS);
}

static void
test_not_json(void **state)
{
    struct fixture *f = *state;
    /* A correct checksum over bytes that are not a JSON object, followed
     * by a valid record: corruption, not a torn tail. */
    static const char text[] =
        "OVSDB JSON 2 adc83b19e793491b1c6ea0fd8b46cd9f32e592fc\n"
        "\n"
        "OVSDB JSON 8 8a3d961f7fe8ef7b41d461059884a9461be85059\n"
        "{\"a\":1}\n";
    struct ovsdb_log *log;
    json_t *json;
    FILE *file = fopen(f->path, "w");

    assert_non_null(file);
    fputs(text, file);
    fclose(file);
    assert_int_equal(ovsdb_log_open(f->path, OVSDB_LOG_READ_ONLY, &log), 0);
    assert_int_equal(ovsdb_log_read(log, &json), 0);
    assert_null(json);
    ovsdb_log_close(log);
}

/* Limits the size of files this process writes to 'max' bytes (a write
 * past it is cut short, the next fails with EFBIG: a full disk in
 * miniature), or lifts the limit with RLIM_INFINITY. */
static void
limit_file_size(rlim_t max)
{
    struct rlimit rl;

    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
    rl.rlim_cur = max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* A write that fails partway, by each of the three ways of writing, leaves
 * nothing of its record in the file; once writes work again the log goes
 * on, and every record it acknowledged reads back. */
static void
test_write_fails_partway(void **state)
{
    struct fixture *f = *state;
    char text[400];
    json_t *first = record(0), *json = record(1);
    struct ovsdb_log_stream *s;
    struct ovsdb_log *log;
    int errors[3];
    off_t offset;

    assert_int_equal(ovsdb_log_create(f->path, &first, 1, &log), 0);
    json_decref(first);
    assert_int_equal(ovsdb_log_read(log, &first), 0);
    json_decref(first);
    offset = ovsdb_log_offset(log);

    /* Room for a few bytes of each record, not all. */
    memset(text, 'z', sizeof text);
    memcpy(text, "{\"k\":\"", 6);
    memcpy(text + sizeof text - 2, "\"}", 2);
    limit_file_size((rlim_t) offset + 30);
    errors[0] = ovsdb_log_write(log, json);
    errors[1] = ovsdb_log_write_text(log, text, sizeof text);
    s = ovsdb_log_stream_start(log, sizeof text);
    ovsdb_log_stream_write(s, text, 100);
    ovsdb_log_stream_write(s, text + 100, sizeof text - 100);
    errors[2] = ovsdb_log_stream_end(s);
    limit_file_size(RLIM_INFINITY);

    for (size_t i = 0; i < ARRAY_SIZE(errors); i++) {
        assert_int_equal(errors[i], -EFBIG);
    }
    assert_int_equal(ovsdb_log_offset(log), offset);
    assert_int_equal(file_size(f->path), offset);

    assert_int_equal(ovsdb_log_write(log, json), 0);
    json_decref(json);
    ovsdb_log_close(log);
    assert_int_equal(read_all(f->path, OVSDB_LOG_READ_ONLY), 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail_every_offset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_checksum_at_tail, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_checksum_in_middle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_garbage_in_middle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_read_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_fails_partway, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/log", tests, NULL, NULL);
}
