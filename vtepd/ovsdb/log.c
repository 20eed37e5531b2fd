/* SPDX-License-Identifier: Apache-2.0 */
/* The OVSDB standalone log: record framing, torn-tail recovery, atomic
 * creation and replacement. */
#include "vtepd/ovsdb/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/vlog.h"
#include "lib/fileio.h"
#include "lib/util.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_log);

#define MAGIC "OVSDB JSON "
#define CLUSTER_MAGIC "OVSDB CLUSTER "
#define SHA1_HEX_LEN 40

/* A torn tail is at most a few records long; anything that would need
 * more memory than this to examine is treated as corruption. */
#define MAX_TAIL_SCAN (1024u * 1024 * 1024)

struct ovsdb_log {
    char *path;
    enum ovsdb_log_mode mode;
    int fd;
    int lock_fd;     /* -1 for a read-only log. */
    off_t offset;    /* End of the last good record. */
    off_t last_read; /* Start of the record read last. */
    off_t file_size; /* Size of the file as read. */
    bool broken;     /* A failed write could not be undone. */
};

/* A parsed record header. */
struct record_header {
    size_t header_len; /* Bytes of the header line, newline included. */
    size_t body_len;   /* Bytes of JSON text. */
    char sha1[SHA1_HEX_LEN + 1];
};

/* The SHA-1 implementation and a context for it, made once: doing both
 * for every record, as EVP_Digest() does, cost more than digesting a small
 * record.  Single-threaded, like the rest of vtepd. */
static EVP_MD *sha1_md;
static EVP_MD_CTX *sha1_ctx;

/* Stores in 'hex' the SHA-1 of the 'n_parts' buffers 'parts', taken as one
 * sequence of bytes. */
static void
sha1_hex_parts(const struct iovec *parts, size_t n_parts,
               char hex[SHA1_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    bool ok;

    if (!sha1_ctx) {
        sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL);
        sha1_ctx = EVP_MD_CTX_new();
    }
    ok = sha1_md && sha1_ctx && EVP_DigestInit_ex2(sha1_ctx, sha1_md, NULL);
    for (size_t i = 0; ok && i < n_parts; i++) {
        ok = EVP_DigestUpdate(sha1_ctx, parts[i].iov_base, parts[i].iov_len);
    }
    if (!ok || !EVP_DigestFinal_ex(sha1_ctx, md, &md_len)
        || md_len * 2 != SHA1_HEX_LEN) {
        xabort("SHA-1 digest failed");
    }
    /* Not snprintf(): twenty calls cost more than the digest of a small
     * record. */
    for (unsigned int i = 0; i < md_len; i++) {
        hex[i * 2] = digits[md[i] >> 4];
        hex[i * 2 + 1] = digits[md[i] & 0xf];
    }
    hex[SHA1_HEX_LEN] = '\0';
}

static void
sha1_hex(const void *data, size_t n, char hex[SHA1_HEX_LEN + 1])
{
    struct iovec part = { .iov_base = (void *) data, .iov_len = n };

    sha1_hex_parts(&part, 1, hex);
}

/* Parses the header at the start of 'buf' ('n' bytes available).  Returns
 * 0 on success, otherwise -EILSEQ and a static reason in '*reason'. */
static int
parse_header(const char *buf, size_t n, struct record_header *h,
             const char **reason)
{
    const char *p = buf, *nl = memchr(buf, '\n', n);
    unsigned long long len = 0;
    int digits = 0;

    if (!nl) {
        *reason = "incomplete header";
        return -EILSEQ;
    }
    if ((size_t) (nl - buf) < strlen(MAGIC)
        || memcmp(p, MAGIC, strlen(MAGIC))) {
        *reason = "bad record magic";
        return -EILSEQ;
    }
    p += strlen(MAGIC);
    for (; p < nl && *p >= '0' && *p <= '9'; p++) {
        len = len * 10 + (unsigned long long) (*p - '0');
        if (++digits > 10) {
            break;
        }
    }
    if (!digits || digits > 10 || len > OVSDB_LOG_MAX_RECORD) {
        *reason = "bad or excessive record length";
        return -EILSEQ;
    }
    if (p >= nl || *p++ != ' ' || nl - p != SHA1_HEX_LEN) {
        *reason = "bad header syntax";
        return -EILSEQ;
    }
    for (int i = 0; i < SHA1_HEX_LEN; i++) {
        char c = p[i];

        if (c >= 'A' && c <= 'F') {
            c = (char) (c - 'A' + 'a');
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            *reason = "bad header syntax";
            return -EILSEQ;
        }
        h->sha1[i] = c;
    }
    h->sha1[SHA1_HEX_LEN] = '\0';
    h->header_len = (size_t) (nl - buf) + 1;
    h->body_len = (size_t) len;
    return 0;
}

/* Checks the 'h->body_len' bytes at 'body' (JSON text and, as written, a
 * newline) against the header's checksum and parses them.  Returns 0 and
 * a new JSON object in '*jsonp' ('jsonp' may be NULL to check only the
 * checksum), or -EILSEQ and a reason. */
static int
check_body(const struct record_header *h, const char *body, json_t **jsonp,
           const char **reason)
{
    char sha1[SHA1_HEX_LEN + 1];
    json_error_t jerror;
    json_t *json;

    sha1_hex(body, h->body_len, sha1);
    if (strcmp(sha1, h->sha1)) {
        *reason = "checksum mismatch";
        return -EILSEQ;
    }
    if (!jsonp) {
        return 0;
    }
    json = json_text_decode(body, h->body_len, true);
    if (!json) {
        json = json_loadb(body, h->body_len, JSON_REJECT_DUPLICATES, &jerror);
    }
    if (!json || !json_is_object(json)) {
        json_decref(json);
        *reason = "record is not a JSON object";
        return -EILSEQ;
    }
    *jsonp = json;
    return 0;
}

/* Takes ovsdb-server's lock for 'path' ("DIR/.NAME.~lock~").  Returns the
 * lock file's descriptor or a negative errno (-EAGAIN if held). */
static int
lock_db(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = file_dir_name(path);
    char *lock_path = xasprintf("%s/.%s.~lock~", dir, base);
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    int error;

    free(dir);
    if (fd < 0) {
        error = -errno;
        VLOG_ERR("%s: cannot open lock file: %s", lock_path, strerror(errno));
        free(lock_path);
        return error;
    }
    if (fcntl(fd, F_SETLK, &lk) < 0) {
        error = errno == EACCES || errno == EAGAIN ? -EAGAIN : -errno;
        VLOG_ERR("%s: database is locked by another process", path);
        close(fd);
        free(lock_path);
        return error;
    }
    free(lock_path);
    return fd;
}

static struct ovsdb_log *
log_alloc(const char *path, enum ovsdb_log_mode mode, int fd, int lock_fd)
{
    struct ovsdb_log *log = xzalloc(sizeof *log);

    log->path = xstrdup(path);
    log->mode = mode;
    log->fd = fd;
    log->lock_fd = lock_fd;
    return log;
}

int
ovsdb_log_open(const char *path, enum ovsdb_log_mode mode,
               struct ovsdb_log **logp)
{
    int lock_fd = -1, fd, flags;
    struct stat st;
    char magic[sizeof CLUSTER_MAGIC];
    size_t n;

    *logp = NULL;
    if (mode == OVSDB_LOG_READ_WRITE) {
        lock_fd = lock_db(path);
        if (lock_fd < 0) {
            return lock_fd;
        }
    }
    flags = (mode == OVSDB_LOG_READ_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    fd = open(path, flags);
    if (fd < 0 || fstat(fd, &st) < 0) {
        int error = -errno;

        if (fd >= 0) {
            close(fd);
        }
        if (lock_fd >= 0) {
            close(lock_fd);
        }
        return error;
    }
    if (!file_pread_all(fd, magic, sizeof magic - 1, 0, &n)
        && n == sizeof magic - 1 && !memcmp(magic, CLUSTER_MAGIC, n)) {
        VLOG_ERR("%s: clustered databases are not supported", path);
        close(fd);
        if (lock_fd >= 0) {
            close(lock_fd);
        }
        return -EPROTONOSUPPORT;
    }
    if (mode == OVSDB_LOG_READ_WRITE) {
        /* A replacement that a crash interrupted before its rename. */
        char *tmp = xasprintf("%s.tmp", path);

        unlink(tmp);
        free(tmp);
    }
    *logp = log_alloc(path, mode, fd, lock_fd);
    (*logp)->file_size = st.st_size;
    return 0;
}

void
ovsdb_log_close(struct ovsdb_log *log)
{
    if (log) {
        close(log->fd);
        if (log->lock_fd >= 0) {
            close(log->lock_fd);
        }
        free(log->path);
        free(log);
    }
}

/* True if 'buf' ('n' bytes) contains a complete, correctly checksummed
 * record anywhere. */
static bool
contains_valid_record(const char *buf, size_t n)
{
    const char *p = buf, *end = buf + n;

    while ((p = memmem(p, (size_t) (end - p), MAGIC, strlen(MAGIC)))) {
        struct record_header h;
        const char *reason;

        if (!parse_header(p, (size_t) (end - p), &h, &reason)
            && h.header_len + h.body_len <= (size_t) (end - p)
            && !check_body(&h, p + h.header_len, NULL, &reason)) {
            return true;
        }
        p++;
    }
    return false;
}

/* Copies the bytes of 'log' from 'offset' to its end into a new file
 * "PATH.damaged-OFFSET-SECONDS", synced, so that cutting them off loses
 * nothing.  Returns 0 and the new file's name (owned by the caller) in
 * '*namep', or a negative errno. */
static int
save_tail(const struct ovsdb_log *log, off_t offset, char **namep)
{
    char *name = xasprintf("%s.damaged-%lld-%lld", log->path,
                           (long long) offset, (long long) time(NULL));
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int error = fd < 0 ? -errno : 0;
    char buf[64 * 1024];

    for (off_t pos = offset; !error && pos < log->file_size;) {
        size_t want = MIN(sizeof buf, (size_t) (log->file_size - pos));
        size_t got;

        error = file_pread_all(log->fd, buf, want, pos, &got);
        if (!error && got != want) {
            error = -EIO;
        }
        if (!error) {
            error = file_pwrite_all(fd, buf, got, pos - offset);
        }
        pos += (off_t) want;
    }
    if (!error && fsync(fd) < 0) {
        error = -errno;
    }
    if (fd >= 0 && close(fd) < 0 && !error) {
        error = -errno;
    }
    if (error) {
        unlink(name);
        free(name);
        return error;
    }
    *namep = name;
    return 0;
}

/* Ends 'log' at 'offset', the start of a bad record ('why' says what is
 * wrong with it), as ovsdb-server does: what comes before is served, the
 * rest is cut off.  A writable log saves the rest beside the file first
 * and truncates; a read-only one just stops reading there.  Returns 0, or
 * a negative errno if the rest could not be saved (nothing is cut then). */
static int
cut_log(struct ovsdb_log *log, off_t offset, const char *why)
{
    long long rest = (long long) (log->file_size - offset);
    char *saved;
    int error;

    if (log->mode != OVSDB_LOG_READ_WRITE) {
        VLOG_ERR("%s: %s; ignoring the %lld bytes from offset %lld", log->path,
                 why, rest, (long long) offset);
        log->file_size = offset;
        return 0;
    }
    error = save_tail(log, offset, &saved);
    if (error) {
        VLOG_ERR("%s: %s; cannot save the %lld bytes from offset %lld (%s), "
                 "so they are not cut off",
                 log->path, why, rest, (long long) offset, strerror(-error));
        return error;
    }
    if (ftruncate(log->fd, offset) < 0 || fsync(log->fd) < 0) {
        error = -errno;
        VLOG_ERR("%s: cannot truncate to %lld bytes (%s)", log->path,
                 (long long) offset, strerror(-error));
    } else {
        VLOG_ERR("%s: %s; serving the database as it was before offset "
                 "%lld, and cutting off the %lld bytes from there (saved in "
                 "%s)",
                 log->path, why, (long long) offset, rest, saved);
        log->file_size = offset;
    }
    free(saved);
    return error;
}

/* Handles the bad record at 'log->offset': a torn tail (nothing valid
 * follows) is truncated quietly; a damaged record with valid ones after it
 * ends the log there, loudly (see cut_log()).  A bad first record is never
 * cut off: a database file is created whole, by rename, so the file is not
 * a database (perhaps a wrong path) and cutting it would destroy it. */
static int
handle_bad_record(struct ovsdb_log *log, const char *reason)
{
    off_t start = log->offset;
    size_t rest = (size_t) (log->file_size - start);
    bool valid_after = true;
    char *buf;
    size_t n;
    int error;

    if (!start && log->mode == OVSDB_LOG_READ_WRITE) {
        VLOG_ERR("%s: not an OVSDB database file (%s)", log->path, reason);
        return -EILSEQ;
    }
    if (rest <= MAX_TAIL_SCAN) {
        buf = xmalloc(rest);
        error = file_pread_all(log->fd, buf, rest, start, &n);
        if (error) {
            free(buf);
            return error;
        }
        /* Skip the bad record's own first byte so that its header does not
         * count. */
        valid_after = n > 1 && contains_valid_record(buf + 1, n - 1);
        free(buf);
    }
    if (valid_after) {
        return cut_log(log, start, reason);
    }
    VLOG_WARN("%s: torn record at offset %lld (%s): %s %zu bytes", log->path,
              (long long) start, reason,
              log->mode == OVSDB_LOG_READ_WRITE ? "truncating" : "ignoring",
              rest);
    if (log->mode == OVSDB_LOG_READ_WRITE) {
        if (ftruncate(log->fd, start) < 0 || fsync(log->fd) < 0) {
            return -errno;
        }
        log->file_size = start;
    }
    return 0;
}

int
ovsdb_log_discard_last(struct ovsdb_log *log, const char *why)
{
    int error = cut_log(log, log->last_read, why);

    if (!error) {
        log->offset = log->last_read;
    }
    return error;
}

/* Returns a new string saying why check_body() refused the record at
 * 'offset' ('reason'), for a bad checksum in ovsdb-server's words. */
static char *
describe_bad_body(const struct record_header *h, const char *body,
                  off_t offset, const char *reason)
{
    char sha1[SHA1_HEX_LEN + 1];

    sha1_hex(body, h->body_len, sha1);
    if (strcmp(sha1, h->sha1)) {
        return xasprintf("%zu bytes starting at offset %lld have SHA-1 hash "
                         "%s but should have hash %s",
                         h->body_len,
                         (long long) offset + (long long) h->header_len, sha1,
                         h->sha1);
    }
    return xstrdup(reason);
}

int
ovsdb_log_read(struct ovsdb_log *log, json_t **jsonp)
{
    char hdr_buf[OVSDB_LOG_MAX_HEADER];
    struct record_header h;
    const char *reason;
    size_t n, want;
    char *body;
    int error;

    *jsonp = NULL;
    if (log->offset >= log->file_size) {
        return 0;
    }
    want = MIN(sizeof hdr_buf, (size_t) (log->file_size - log->offset));
    error = file_pread_all(log->fd, hdr_buf, want, log->offset, &n);
    if (error) {
        return error;
    }
    if (parse_header(hdr_buf, n, &h, &reason)) {
        return handle_bad_record(log, reason);
    }
    if ((off_t) (h.header_len + h.body_len) > log->file_size - log->offset) {
        return handle_bad_record(log, "record extends past end of file");
    }
    body = xmalloc(h.body_len);
    error = file_pread_all(log->fd, body, h.body_len,
                           log->offset + (off_t) h.header_len, &n);
    if (!error && n != h.body_len) {
        error = -EIO;
    }
    if (!error && check_body(&h, body, jsonp, &reason)) {
        char *why = describe_bad_body(&h, body, log->offset, reason);

        error = handle_bad_record(log, why);
        free(why);
        free(body);
        return error;
    }
    free(body);
    if (!error) {
        log->last_read = log->offset;
        log->offset += (off_t) (h.header_len + h.body_len);
    }
    return error;
}

/* Turns 'out', which holds OVSDB_LOG_MAX_HEADER bytes of room followed by
 * the JSON text of one record, into the complete record.  Returns the
 * buffer (malloc'd; 'out' is left empty) and its size in '*sizep'. */
static char *
finish_record(struct ds *out, size_t *sizep)
{
    char sha1[SHA1_HEX_LEN + 1];
    size_t hdr_len, len;
    char *buf;

    ds_put_char(out, '\n');

    /* The length and checksum cover the JSON text and its newline; the
     * header then moves into place just before them. */
    len = out->length - OVSDB_LOG_MAX_HEADER;
    sha1_hex(out->string + OVSDB_LOG_MAX_HEADER, len, sha1);
    buf = ds_steal_cstr(out);
    hdr_len = (size_t) snprintf(buf, OVSDB_LOG_MAX_HEADER, MAGIC "%zu %s\n",
                                len, sha1);
    memmove(buf + hdr_len, buf + OVSDB_LOG_MAX_HEADER, len);
    *sizep = hdr_len + len;
    return buf;
}

char *
ovsdb_log_format_record(const json_t *json, size_t *sizep)
{
    struct ds out;

    ds_init(&out);
    ds_put_uninit(&out, OVSDB_LOG_MAX_HEADER);
    json_text_encode(json, &out);
    return finish_record(&out, sizep);
}

/* Cuts 'log' back to the end of its last good record after a failed
 * write, so that a later record never follows a half-written one.  If
 * that fails too, the log refuses writes until a later call succeeds.
 * Returns 0 or -EIO. */
static int
cut_back(struct ovsdb_log *log)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(6, 1);

    if (ftruncate(log->fd, log->offset) < 0) {
        VLOG_ERR_RL(&rl, "%s: cannot cut off a failed write: %s", log->path,
                    strerror(errno));
        log->broken = true;
        return -EIO;
    }
    log->broken = false;
    return 0;
}

/* Appends the complete record made of the 'n' buffers 'iov' (modified) to
 * 'log'.  The caller reports a failure; nothing of the record is left. */
static int
write_record_parts(struct ovsdb_log *log, struct iovec *iov, int n)
{
    size_t size = 0;
    int error;

    if (log->mode != OVSDB_LOG_READ_WRITE) {
        return -EBADF;
    }
    if (log->broken && cut_back(log)) {
        return -EIO;
    }
    for (int i = 0; i < n; i++) {
        size += iov[i].iov_len;
    }
    error = file_pwritev_all(log->fd, iov, n, log->offset);
    if (error) {
        cut_back(log);
        return error;
    }
    log->offset += (off_t) size;
    log->file_size = log->offset;
    return 0;
}

/* Appends the complete record 'buf' of 'size' bytes to 'log'. */
static int
write_record(struct ovsdb_log *log, const char *buf, size_t size)
{
    struct iovec iov = { .iov_base = (void *) buf, .iov_len = size };

    return write_record_parts(log, &iov, 1);
}

int
ovsdb_log_write(struct ovsdb_log *log, const json_t *json)
{
    size_t size;
    char *buf = ovsdb_log_format_record(json, &size);
    int error = write_record(log, buf, size);

    free(buf);
    return error;
}

int
ovsdb_log_write_text(struct ovsdb_log *log, const char *text, size_t n)
{
    char header[OVSDB_LOG_MAX_HEADER];
    char sha1[SHA1_HEX_LEN + 1];
    struct iovec iov[3] = {
        [1] = { .iov_base = (void *) text, .iov_len = n },
        [2] = { .iov_base = "\n", .iov_len = 1 },
    };

    /* The header goes out with the text and its newline in one write,
     * without copying the text (a big transaction's record is megabytes). */
    sha1_hex_parts(&iov[1], 2, sha1);
    iov[0].iov_base = header;
    iov[0].iov_len = (size_t) snprintf(header, sizeof header, MAGIC "%zu %s\n",
                                       n + 1, sha1);
    return write_record_parts(log, iov, 3);
}

struct ovsdb_log_stream {
    struct ovsdb_log *log;
    EVP_MD_CTX *ctx;    /* SHA-1 of the text so far. */
    size_t header_room; /* Bytes left for the header before the text. */
    size_t n;           /* Bytes of text written. */
    int error;
};

/* The length of the header line for a record of 'body_len' bytes. */
static size_t
header_len(size_t body_len)
{
    char digits[24];

    return strlen(MAGIC)
           + (size_t) snprintf(digits, sizeof digits, "%zu", body_len) + 1
           + SHA1_HEX_LEN + 1;
}

struct ovsdb_log_stream *
ovsdb_log_stream_start(struct ovsdb_log *log, size_t size_hint)
{
    struct ovsdb_log_stream *s = xzalloc(sizeof *s);

    s->log = log;
    s->header_room = header_len(size_hint + 1);
    if (log->mode != OVSDB_LOG_READ_WRITE) {
        s->error = -EBADF;
    } else if (log->broken && cut_back(log)) {
        s->error = -EIO;
    } else {
        if (!sha1_md) {
            sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL);
        }
        s->ctx = EVP_MD_CTX_new();
        if (!sha1_md || !s->ctx
            || !EVP_DigestInit_ex2(s->ctx, sha1_md, NULL)) {
            xabort("SHA-1 digest failed");
        }
    }
    return s;
}

void
ovsdb_log_stream_write(struct ovsdb_log_stream *s, const char *text, size_t n)
{
    if (s->error || !n) {
        return;
    }
    if (!EVP_DigestUpdate(s->ctx, text, n)) {
        xabort("SHA-1 digest failed");
    }
    s->error = file_pwrite_all(
        s->log->fd, text, n, s->log->offset + (off_t) (s->header_room + s->n));
    s->n += n;
}

/* Moves the 'n' bytes at 'from' in 'fd' to 'to', which may overlap. */
static int
move_in_file(int fd, off_t from, off_t to, size_t n)
{
    size_t chunk = MIN(n, (size_t) 1024 * 1024);
    char *buf = xmalloc(chunk ? chunk : 1);
    int error = 0;

    /* Moving forward copies from the end, backward from the start, so
     * that nothing is overwritten before it is read. */
    for (size_t done = 0; !error && done < n;) {
        size_t len = MIN(chunk, n - done);
        off_t at = to > from ? (off_t) (n - done - len) : (off_t) done;
        size_t got;

        error = file_pread_all(fd, buf, len, from + at, &got);
        if (!error && got != len) {
            error = -EIO;
        }
        if (!error) {
            error = file_pwrite_all(fd, buf, len, to + at);
        }
        done += len;
    }
    free(buf);
    return error;
}

int
ovsdb_log_stream_end(struct ovsdb_log_stream *s)
{
    struct ovsdb_log *log = s->log;
    char header[OVSDB_LOG_MAX_HEADER];
    unsigned char md[EVP_MAX_MD_SIZE];
    char sha1[SHA1_HEX_LEN + 1];
    unsigned int md_len = 0;
    size_t hdr_len = 0;
    int error;

    ovsdb_log_stream_write(s, "\n", 1);
    error = s->error;
    if (!error) {
        static const char digits[] = "0123456789abcdef";

        if (!EVP_DigestFinal_ex(s->ctx, md, &md_len)
            || md_len * 2 != SHA1_HEX_LEN) {
            xabort("SHA-1 digest failed");
        }
        for (unsigned int i = 0; i < md_len; i++) {
            sha1[i * 2] = digits[md[i] >> 4];
            sha1[i * 2 + 1] = digits[md[i] & 0xf];
        }
        sha1[SHA1_HEX_LEN] = '\0';
        hdr_len = (size_t) snprintf(header, sizeof header, MAGIC "%zu %s\n",
                                    s->n, sha1);
        if (hdr_len != s->header_room) {
            /* The guess of the length was a digit off. */
            error = move_in_file(log->fd, log->offset + (off_t) s->header_room,
                                 log->offset + (off_t) hdr_len, s->n);
            if (!error && hdr_len < s->header_room
                && ftruncate(log->fd, log->offset + (off_t) (hdr_len + s->n))
                       < 0) {
                error = -errno;
            }
        }
    }
    if (!error) {
        error = file_pwrite_all(log->fd, header, hdr_len, log->offset);
    }
    if (error && error != -EBADF && !log->broken) {
        /* As in write_record_parts(): take back whatever made it. */
        cut_back(log);
    } else if (!error) {
        log->offset += (off_t) (hdr_len + s->n);
        log->file_size = log->offset;
    }
    EVP_MD_CTX_free(s->ctx);
    free(s);
    return error;
}

int
ovsdb_log_sync(struct ovsdb_log *log)
{
    if (fdatasync(log->fd) < 0) {
        int error = -errno;

        VLOG_ERR("%s: sync failed: %s", log->path, strerror(errno));
        return error;
    }
    return 0;
}

/* Writes 'records' to a new file 'path' (replacing any file there) and
 * syncs it.  Returns the open descriptor and the file size in '*sizep', or
 * a negative errno (the file is removed). */
static int
write_file(const char *path, json_t *const *records, size_t n, mode_t mode,
           off_t *sizep)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    off_t offset = 0;
    int error = 0;

    if (fd < 0) {
        return -errno;
    }
    for (size_t i = 0; i < n && !error; i++) {
        size_t size;
        char *buf = ovsdb_log_format_record(records[i], &size);

        error = file_pwrite_all(fd, buf, size, offset);
        offset += (off_t) size;
        free(buf);
    }
    if (!error && fsync(fd) < 0) {
        error = -errno;
    }
    if (error) {
        close(fd);
        unlink(path);
        return error;
    }
    *sizep = offset;
    return fd;
}

/* Writes 'records' to "PATH.tmp", renames it to 'path' and syncs the
 * directory.  Returns the new file's descriptor or a negative errno. */
static int
write_file_atomic(const char *path, json_t *const *records, size_t n,
                  mode_t mode, off_t *sizep)
{
    char *tmp = xasprintf("%s.tmp", path);
    int fd = write_file(tmp, records, n, mode, sizep);
    int error;

    if (fd < 0) {
        VLOG_DBG("%s: cannot write: %s", tmp, strerror(-fd));
        free(tmp);
        return fd;
    }
    if (rename(tmp, path) < 0) {
        error = -errno;
        VLOG_ERR("%s: cannot rename to %s: %s", tmp, path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return error;
    }
    free(tmp);
    error = file_sync_dir(path);
    if (error) {
        /* The rename happened; only its durability is in doubt. */
        VLOG_WARN("%s: cannot sync directory: %s", path, strerror(-error));
    }
    return fd;
}

int
ovsdb_log_create(const char *path, json_t *const *records, size_t n,
                 struct ovsdb_log **logp)
{
    int lock_fd, fd;
    off_t size;

    *logp = NULL;
    lock_fd = lock_db(path);
    if (lock_fd < 0) {
        return lock_fd;
    }
    if (!access(path, F_OK)) {
        close(lock_fd);
        return -EEXIST;
    }
    fd = write_file_atomic(path, records, n, 0644, &size);
    if (fd < 0) {
        close(lock_fd);
        return fd;
    }
    *logp = log_alloc(path, OVSDB_LOG_READ_WRITE, fd, lock_fd);
    (*logp)->file_size = size;
    return 0;
}

int
ovsdb_log_replace(struct ovsdb_log *log, json_t *const *records, size_t n)
{
    struct stat st;
    off_t size;
    int fd;

    if (log->mode != OVSDB_LOG_READ_WRITE) {
        return -EBADF;
    }
    if (fstat(log->fd, &st) < 0) {
        return -errno;
    }
    fd = write_file_atomic(log->path, records, n, st.st_mode & 07777, &size);
    if (fd < 0) {
        return fd;
    }
    close(log->fd);
    log->fd = fd;
    log->offset = log->file_size = size;
    log->broken = false;
    return 0;
}

off_t
ovsdb_log_offset(const struct ovsdb_log *log)
{
    return log->offset;
}

const char *
ovsdb_log_path(const struct ovsdb_log *log)
{
    return log->path;
}
