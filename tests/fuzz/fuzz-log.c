/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzing of database files: the input becomes a file, which is then read
 * record by record (read-only) and opened as a store (read-write: the
 * schema, then every record replayed into a database).  A torn or corrupt
 * file must be refused or cut back, never crash; a file that opens must
 * read back the same after the store had its say.
 *
 * Byte 0 selects how the rest becomes the file.  0: as is, to fuzz the
 * framing.  Anything else: one record per line, each line that is a JSON
 * value framed with a correct header and checksum (other lines are
 * written as they are), to fuzz what the records say. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/log.h"
#include "vtepd/ovsdb/store.h"

/* The directory that holds the file under test and its lock, made once
 * and removed at exit. */
static char dir[] = "/tmp/fuzz-log.XXXXXX";
static char *path, *lock_path;

static void
remove_dir(void)
{
    unlink(path);
    unlink(lock_path);
    rmdir(dir);
}

static void
write_all(int fd, const void *data, size_t size)
{
    ASSERT(write(fd, data, size) == (ssize_t) size);
}

/* Writes each line of 'data' as a record. */
static void
write_records(int fd, const char *data, size_t size)
{
    while (size) {
        const char *nl = memchr(data, '\n', size);
        size_t len = nl ? (size_t) (nl - data) + 1 : size;
        json_t *json = json_loadb(data, len, JSON_DECODE_ANY, NULL);

        if (json) {
            size_t record_size;
            char *record = ovsdb_log_format_record(json, &record_size);

            write_all(fd, record, record_size);
            free(record);
            json_decref(json);
        } else {
            write_all(fd, data, len);
        }
        data += len;
        size -= len;
    }
}

static void
write_file(const uint8_t *data, size_t size)
{
    int fd;

    if (!path) {
        vlog_set_level(VLD_CONSOLE, VLL_OFF);
        ASSERT(mkdtemp(dir));
        path = xasprintf("%s/db", dir);
        lock_path = xasprintf("%s/.db.~lock~", dir);
        atexit(remove_dir);
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT(fd >= 0);
    if (data[0]) {
        write_records(fd, (const char *) data + 1, size - 1);
    } else {
        write_all(fd, data + 1, size - 1);
    }
    close(fd);
}

/* Reads every record of the file; returns how many there were, or -1 if
 * reading it failed. */
static int
read_log(void)
{
    struct ovsdb_log *log;
    int n = 0;

    if (ovsdb_log_open(path, OVSDB_LOG_READ_ONLY, &log)) {
        return -1;
    }
    for (;;) {
        json_t *json;
        int error = ovsdb_log_read(log, &json);

        if (error) {
            ASSERT(error == -EILSEQ && !json);
            n = -1;
            break;
        }
        if (!json) {
            break;
        }
        ASSERT(json_is_object(json));
        json_decref(json);
        n++;
    }
    ovsdb_log_close(log);
    return n;
}

/* Removes the "PATH.damaged-*" copies the store saves of what it cuts
 * off, so that a long run does not fill the directory. */
static void
remove_saved_tails(void)
{
    glob_t g;
    char *pattern = xasprintf("%s.damaged-*", path);

    if (!glob(pattern, 0, NULL, &g)) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            unlink(g.gl_pathv[i]);
        }
        globfree(&g);
    }
    free(pattern);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ovsdb_store *store;
    struct ovsdb_error *error;
    int n_records, n;

    if (!size) {
        return 0;
    }
    write_file(data, size);
    n_records = read_log();

    error = ovsdb_store_open(path, NULL, &store);
    if (error) {
        ovsdb_error_destroy(error);
        return 0;
    }
    /* Whatever the store accepted (a damaged tail, or records from one it
     * could not apply, cut off) reads cleanly. */
    ASSERT(n_records >= 1);
    n = read_log();
    ASSERT(n >= 1 && n <= n_records);
    ovsdb_store_destroy(store);
    remove_saved_tails();
    return 0;
}
