/* SPDX-License-Identifier: Apache-2.0 */
/* The on-disk log of a standalone OVSDB database, in the format Open
 * vSwitch's ovsdb-server and ovsdb-tool read and write.
 *
 * A log is a sequence of records.  Each is a header line
 *
 *     OVSDB JSON <length> <sha1>\n
 *
 * followed by <length> bytes: the JSON text of one object and a newline.
 * <sha1> is the lower-case hex SHA-1 of those bytes, newline included.  The
 * first record of a database is its schema; each later one is a
 * transaction or a snapshot (see storage.h).
 *
 * Writes only ever append, so a crash can damage only the end of the file.
 * Reading therefore treats a bad record (short, wrong checksum, not JSON)
 * with no valid record after it as a torn tail: it is logged and, in a
 * writable log, cut off.  A bad record followed by valid ones is damage
 * elsewhere; as ovsdb-server does, the log ends there: what comes before
 * is served, the rest is logged as an error and cut off, after a copy is
 * saved beside the file ("PATH.damaged-OFFSET-SECONDS") so that nothing is
 * lost for good.  A read-only log only stops reading there.  A bad first
 * record in a writable log is an error: files are created whole, so it is
 * not a database file at all, and is left as it is.
 *
 * A writable log holds a lock on ".NAME.~lock~" beside the file, the same
 * lock file ovsdb-server and ovsdb-tool take, so they exclude each other.
 *
 * Functions return 0 or a negative errno.  -EILSEQ means a malformed or
 * corrupt file. */
#ifndef VTEPD_OVSDB_LOG_H
#define VTEPD_OVSDB_LOG_H 1

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The largest record accepted, in bytes after the header. */
#define OVSDB_LOG_MAX_RECORD (256u * 1024 * 1024)

/* The largest header line: magic, 20 digits, a space, 40 hex digits. */
#define OVSDB_LOG_MAX_HEADER 80

enum ovsdb_log_mode {
    OVSDB_LOG_READ_ONLY,  /* No lock; never changes the file. */
    OVSDB_LOG_READ_WRITE, /* Locked; may truncate a torn tail; appends. */
};

struct ovsdb_log;

/* Opens the existing log at 'path'.  On success stores a new log, owned by
 * the caller, in '*logp'.  Returns -EAGAIN if another process holds the
 * lock. */
int ovsdb_log_open(const char *path, enum ovsdb_log_mode mode,
                   struct ovsdb_log **logp);

/* Creates a log at 'path' holding the 'n' records 'records' (borrowed),
 * atomically: the file appears whole, synced, or not at all.  Fails with
 * -EEXIST if 'path' exists.  On success '*logp' is a new read-write log
 * positioned at the start: reading returns the records just written. */
int ovsdb_log_create(const char *path, json_t *const *records, size_t n,
                     struct ovsdb_log **logp);

/* Closes 'log' and releases its lock; NULL is a no-op. */
void ovsdb_log_close(struct ovsdb_log *log);

/* Reads the next record.  Stores it (a new reference to a JSON object) in
 * '*jsonp' and returns 0; at the end of the log (including a bad record,
 * which ends it as described above) stores NULL and returns 0.  Returns a
 * negative errno, with '*jsonp' NULL, if the file cannot be read, a
 * damaged part cannot be saved before it is cut off, or (-EILSEQ) the first
 * record of a writable log is bad. */
int ovsdb_log_read(struct ovsdb_log *log, json_t **jsonp);

/* For a record that ovsdb_log_read() returned but the reader cannot use
 * (e.g. it names an unknown table; 'why' says so): ends the log at that
 * record as for a damaged one, so that later writes go in its place.
 * Returns 0 or a negative errno (nothing is cut then). */
int ovsdb_log_discard_last(struct ovsdb_log *log, const char *why);

/* Appends 'json' (borrowed) as one record after the last record read or
 * written.  The record reaches the operating system (it survives a crash
 * of this process) but not necessarily the disk: see ovsdb_log_sync().  On
 * failure nothing of the record is left in the file; if that cannot be
 * ensured, the log refuses later writes with -EIO until it can.  Failures
 * are the caller's to report. */
int ovsdb_log_write(struct ovsdb_log *log, const json_t *json);

/* Like ovsdb_log_write(), for a record already encoded: 'text' holds the
 * 'n' bytes of its JSON object, compact, without the trailing newline. */
int ovsdb_log_write_text(struct ovsdb_log *log, const char *text, size_t n);

/* Appending one record in pieces, for a record too big to build in memory
 * first.  The pieces go to the file as they come, after room for the
 * header, which is written last: a crash before ovsdb_log_stream_end()
 * leaves a torn tail, as one during ovsdb_log_write() does.  Nothing else
 * may use the log until the stream ends.
 *
 * 'size_hint' is the expected length of the JSON text: the room left for
 * the header fits it, and a wrong guess costs moving the text once. */
struct ovsdb_log_stream;
struct ovsdb_log_stream *ovsdb_log_stream_start(struct ovsdb_log *log,
                                                size_t size_hint);
/* Appends the next 'n' bytes of JSON text.  An error is kept for
 * ovsdb_log_stream_end(); later writes are then ignored. */
void ovsdb_log_stream_write(struct ovsdb_log_stream *s, const char *text,
                            size_t n);
/* Completes the record (adding the newline and the header) and frees 's'.
 * Returns 0 or a negative errno; on failure nothing of the record is left
 * in the file, as for ovsdb_log_write(). */
int ovsdb_log_stream_end(struct ovsdb_log_stream *s);

/* Waits until everything written so far is on stable storage. */
int ovsdb_log_sync(struct ovsdb_log *log);

/* Replaces the whole log by the 'n' records 'records' (borrowed): writes
 * them to "PATH.tmp", syncs it, renames it over PATH and syncs the
 * directory.  If any step fails, the old log is intact and still in use. */
int ovsdb_log_replace(struct ovsdb_log *log, json_t *const *records, size_t n);

/* Bytes of valid records (where the next record will be written). */
off_t ovsdb_log_offset(const struct ovsdb_log *log);
const char *ovsdb_log_path(const struct ovsdb_log *log);

/* Formats 'json' (borrowed) as one complete record, header and trailing
 * newline included.  Returns a malloc'd buffer and its size in '*sizep'.
 * Exposed for tests. */
char *ovsdb_log_format_record(const json_t *json, size_t *sizep);

#endif /* vtepd/ovsdb/log.h */
