/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb-load: an RFC 7047 load generator for hardware_vtep servers.
 *
 * Drives vtepd and ovsdb-server with identical loads so that their figures
 * can be compared in one run (tests/bench/ovsdb-load.sh):
 *
 *   insert   Ucast_Macs_Remote rows, 'batch' rows per transaction, with
 *            'inflight' transactions pipelined on each of 'conns'
 *            connections; prints rows per second, and the wall-clock time
 *            (CLOCK_REALTIME, ns) at which it began sending the load.
 *   fanout   'clients' connections monitor Ucast_Macs_Remote; another one
 *            commits single-row inserts, one at a time; for each commit,
 *            the time from sending the transaction until the last client
 *            holds its update; prints p50 and p99.
 *   ready    retries connecting and "list_dbs" until the server answers;
 *            prints how long that took.
 *
 * The generator must cost the servers' figures nothing, so:
 *
 *   - every request of a load is formatted before the clock starts, into
 *     one buffer per connection, so that sending N transactions is one
 *     send() of a slice of it;
 *   - a lone connection with nothing left to send waits in a blocking
 *     recv(); several connections wait in one epoll set; nothing polls
 *     before a read that could simply have been made;
 *   - replies of the expected shape, {"id":N,"result":[...],"error":null},
 *     are checked without a JSON tree: the id must be one in flight, the
 *     text between the brackets must hold one {"uuid":[...]} per inserted
 *     row and no "error" at all.  Anything else (an error anywhere, an
 *     echo probe, another member order) goes through jansson, which
 *     reports a failure and exits.
 *
 * One thread, sockets in blocking mode with MSG_DONTWAIT where a call must
 * not wait, unbounded output buffers (the generator is its own peer's only
 * client, so backpressure is the server's job). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "lib/ds.h"
#include "lib/util.h"

#define DB_NAME "hardware_vtep"

/* What one insert's result looks like, and how a good reply ends. */
#define UUID_RESULT "{\"uuid\":[\"uuid\",\""
#define REPLY_END "],\"error\":null}"
#define UPDATE_START "{\"id\":null,\"method\":\"update\",\"params\":["

/* A connection to the server and its framing state. */
struct conn {
    int fd;
    struct ds out;  /* Control output (setup, monitors, probe answers). */
    size_t out_ofs; /* Bytes of 'out' already written. */

    /* The pre-built load: 'n_txns' transactions back to back in 'load',
     * transaction i ending at 'txn_end[i]' with id 'first_id + i'. */
    struct ds load;
    size_t *txn_end;
    long n_txns;
    unsigned long first_id;
    long *txn_rows;    /* Rows transaction i inserts. */
    long released;     /* Transactions allowed onto the wire. */
    size_t load_ofs;   /* Bytes of 'load' already written. */
    long answered;     /* Transactions answered. */
    bool in_epoll_out; /* Registered for EPOLLOUT. */

    char *in;          /* Bytes read and not yet consumed. */
    size_t in_start;   /* Offset of the first unconsumed byte. */
    size_t in_len;     /* End of valid bytes in 'in'. */
    size_t in_cap;     /* Allocated bytes of 'in'. */
    size_t scan;       /* Bytes of 'in' already scanned for a message end. */
    int depth;         /* Bracket depth at 'scan'. */
    bool in_string;    /* Inside a JSON string at 'scan'. */
    bool escape;       /* After a backslash inside a string. */
    unsigned inflight; /* Control requests sent and not yet answered. */
    unsigned updates;  /* Monitor updates received (fanout). */
    unsigned long next_id;
};

struct options {
    const char *remote;
    long rows;
    long batch;
    long inflight;
    long conns;
    long base;
    long clients;
    long commits;
    double timeout;
    const char *ls;
    const char *locator;
};

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long
wall_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Opens a connection to 'remote' ("unix:PATH" or "tcp:IP:PORT").  Returns
 * the file descriptor (blocking mode), or a negative errno. */
static int
open_remote(const char *remote)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd, one = 1;

    memset(&ss, 0, sizeof ss);
    if (str_starts_with(remote, "unix:")) {
        struct sockaddr_un *sun = (struct sockaddr_un *) &ss;
        const char *path = remote + 5;

        if (strlen(path) >= sizeof sun->sun_path) {
            return -ENAMETOOLONG;
        }
        sun->sun_family = AF_UNIX;
        memcpy(sun->sun_path, path, strlen(path) + 1);
        len = sizeof *sun;
    } else if (str_starts_with(remote, "tcp:")) {
        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
        char ip[64];
        int port;

        if (sscanf(remote + 4, "%63[^:]:%d", ip, &port) != 2
            || inet_pton(AF_INET, ip, &sin->sin_addr) != 1) {
            return -EINVAL;
        }
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        len = sizeof *sin;
    } else {
        return -EINVAL;
    }

    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (struct sockaddr *) &ss, len) < 0) {
        int error = errno;

        close(fd);
        return -error;
    }
    if (ss.ss_family == AF_INET) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

/* Wraps connected socket 'fd', taking ownership of it. */
static struct conn *
conn_from_fd(int fd)
{
    struct conn *c = xzalloc(sizeof *c);

    c->fd = fd;
    ds_init(&c->out);
    ds_init(&c->load);
    c->next_id = 1;
    return c;
}

static struct conn *
conn_open(const char *remote)
{
    int fd = open_remote(remote);

    if (fd < 0) {
        xabort("%s: connect failed (%s)", remote, strerror(-fd));
    }
    return conn_from_fd(fd);
}

static void
conn_close(struct conn *c)
{
    if (c) {
        close(c->fd);
        ds_destroy(&c->out);
        ds_destroy(&c->load);
        free(c->txn_end);
        free(c->txn_rows);
        free(c->in);
        free(c);
    }
}

/* Writes from 'buf' what the socket takes now; returns the bytes
 * written. */
static size_t
send_some(int fd, const char *buf, size_t n)
{
    size_t done = 0;

    while (done < n) {
        ssize_t k =
            send(fd, buf + done, n - done, MSG_DONTWAIT | MSG_NOSIGNAL);

        if (k < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                break;
            }
            xabort("send: %s", strerror(errno));
        }
        done += (size_t) k;
    }
    return done;
}

/* The end of the released part of the load. */
static size_t
load_limit(const struct conn *c)
{
    return c->released ? c->txn_end[c->released - 1] : 0;
}

/* True if 'c' has bytes it could not write yet. */
static bool
conn_has_output(const struct conn *c)
{
    return c->out_ofs < c->out.length || c->load_ofs < load_limit(c);
}

/* Writes as much output as the socket takes.  Control output goes only
 * between whole transactions of the load. */
static void
conn_flush(struct conn *c)
{
    size_t limit = load_limit(c);

    if (c->out_ofs < c->out.length
        && (c->load_ofs == 0 || c->load_ofs == limit)) {
        c->out_ofs += send_some(c->fd, c->out.string + c->out_ofs,
                                c->out.length - c->out_ofs);
        if (c->out_ofs < c->out.length) {
            return;
        }
        ds_clear(&c->out);
        c->out_ofs = 0;
    }
    if (c->load_ofs < limit) {
        c->load_ofs += send_some(c->fd, c->load.string + c->load_ofs,
                                 limit - c->load_ofs);
    }
}

/* Reads what the socket holds, blocking until something arrives if
 * 'block'.  Returns false if nothing could be read without blocking. */
static bool
conn_fill(struct conn *c, bool block)
{
    ssize_t n;

    if (c->in_start && c->in_start == c->in_len) {
        c->scan -= c->in_start;
        c->in_start = c->in_len = 0;
    }
    if (c->in_cap - c->in_len < 65536) {
        if (c->in_start) {
            memmove(c->in, c->in + c->in_start, c->in_len - c->in_start);
            c->in_len -= c->in_start;
            c->scan -= c->in_start;
            c->in_start = 0;
        }
        if (c->in_cap - c->in_len < 65536) {
            c->in_cap = c->in_cap * 2 + 65536;
            c->in = xrealloc(c->in, c->in_cap);
        }
    }
    n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len,
             block ? 0 : MSG_DONTWAIT);
    if (n == 0) {
        xabort("server closed the connection");
    } else if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
            return false;
        }
        xabort("recv: %s", strerror(errno));
    }
    c->in_len += (size_t) n;
    return true;
}

/* Finds the next complete JSON value in what 'c' has read.  Returns its
 * length and points '*msg' to it (valid until the next conn_fill()), or
 * returns 0 if it has not all arrived.  Remembers how far it got between
 * calls. */
static size_t
conn_frame(struct conn *c, const char **msg)
{
    const char *in = c->in;
    size_t i = c->scan, end = c->in_len;
    int depth = c->depth;
    bool in_string = c->in_string, escape = c->escape;

    for (; i < end; i++) {
        char ch = in[i];

        if (in_string) {
            if (escape) {
                escape = false;
            } else if (ch == '\\') {
                escape = true;
            } else if (ch == '"') {
                in_string = false;
            }
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '{' || ch == '[') {
            depth++;
        } else if ((ch == '}' || ch == ']') && --depth == 0) {
            size_t len;

            /* Skip whitespace between messages. */
            while (c->in_start < i
                   && (in[c->in_start] == ' ' || in[c->in_start] == '\n'
                       || in[c->in_start] == '\r'
                       || in[c->in_start] == '\t')) {
                c->in_start++;
            }
            len = i + 1 - c->in_start;
            *msg = in + c->in_start;
            c->in_start = c->scan = i + 1;
            c->depth = 0;
            c->in_string = c->escape = false;
            return len;
        }
    }
    c->scan = i;
    c->depth = depth;
    c->in_string = in_string;
    c->escape = escape;
    return 0;
}

/* Parses message 'text' ('len' bytes) with jansson; exits on bad JSON. */
static json_t *
parse_msg(const char *text, size_t len)
{
    json_error_t error;
    json_t *msg = json_loadb(text, len, JSON_DISABLE_EOF_CHECK, &error);

    if (!msg) {
        xabort("bad JSON from server: %s", error.text);
    }
    return msg;
}

/* Reads until a complete message has arrived and returns it parsed, a new
 * reference. */
static json_t *
conn_recv_json(struct conn *c)
{
    for (;;) {
        const char *text;
        size_t len = conn_frame(c, &text);

        if (len) {
            return parse_msg(text, len);
        }
        conn_fill(c, true);
    }
}

/* Answers the server's inactivity probe.  Returns true if 'msg' was one. */
static bool
conn_answer_echo(struct conn *c, json_t *msg)
{
    const char *method = json_string_value(json_object_get(msg, "method"));
    char *id;

    if (!method || strcmp(method, "echo")) {
        return false;
    }
    id = json_dumps(json_object_get(msg, "id"), JSON_ENCODE_ANY);
    ds_put_format(&c->out, "{\"id\":%s,\"result\":[],\"error\":null}",
                  id ? id : "null");
    free(id);
    return true;
}

/* Checks that reply 'msg' carries no error: neither a JSON-RPC error nor an
 * error object among the transaction's results.  Returns the number of
 * results. */
static size_t
check_reply(json_t *msg)
{
    json_t *result = json_object_get(msg, "result");
    json_t *op;
    size_t i;

    if (!json_is_null(json_object_get(msg, "error")) || !result) {
        char *s = json_dumps(msg, 0);

        xabort("request failed: %.400s", s);
    }
    json_array_foreach(result, i, op) {
        if (json_object_get(op, "error")) {
            char *s = json_dumps(op, 0);

            xabort("operation %zu failed: %.400s", i, s);
        }
    }
    return json_array_size(result);
}

/* Counts the non-overlapping occurrences of 'needle' in 'p'...'p + n'. */
static size_t
count_substr(const char *p, size_t n, const char *needle)
{
    size_t len = strlen(needle), count = 0;
    const char *end = p + n;

    while ((p = memmem(p, end - p, needle, len))) {
        count++;
        p += len;
    }
    return count;
}

/* Recognises a successful transaction reply without a JSON tree:
 * {"id":N,"result":[R...],"error":null} where no R holds "error".  Puts the
 * id into '*id' and the number of insert results into '*n_uuids'.  Returns
 * false for anything else, which the caller then parses. */
static bool
fast_reply(const char *p, size_t len, unsigned long *id, size_t *n_uuids)
{
    static const char head[] = "{\"id\":";
    static const char result[] = ",\"result\":[";
    const size_t tail = sizeof REPLY_END - 1;
    const char *q = p + sizeof head - 1, *body;
    size_t body_len;
    unsigned long v = 0;

    if (len < sizeof head - 1 + 1 + sizeof result - 1 + tail
        || memcmp(p, head, sizeof head - 1)
        || memcmp(p + len - tail, REPLY_END, tail)) {
        return false;
    }
    if (*q < '0' || *q > '9') {
        return false;
    }
    while (*q >= '0' && *q <= '9') {
        v = v * 10 + (unsigned long) (*q++ - '0');
    }
    if ((size_t) (p + len - q) < sizeof result - 1 + tail
        || memcmp(q, result, sizeof result - 1)) {
        return false;
    }
    body = q + sizeof result - 1;
    body_len = (size_t) (p + len - tail - body);
    if (memmem(body, body_len, "\"error\"", 7)) {
        return false;
    }
    *id = v;
    *n_uuids = count_substr(body, body_len, UUID_RESULT);
    return true;
}

/* Sends request 'method' with 'params' (JSON text) and waits for its reply,
 * answering probes meanwhile.  Returns the reply, a new reference. */
static json_t *
conn_call(struct conn *c, const char *method, const char *params)
{
    unsigned long id = c->next_id++;

    ds_put_format(&c->out, "{\"method\":\"%s\",\"params\":%s,\"id\":%lu}",
                  method, params, id);
    for (;;) {
        json_t *msg;

        while (conn_has_output(c)) {
            struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

            conn_flush(c);
            if (conn_has_output(c)) {
                poll(&pfd, 1, -1);
            }
        }
        msg = conn_recv_json(c);
        if (json_integer_value(json_object_get(msg, "id")) == (long) id) {
            return msg;
        }
        conn_answer_echo(c, msg);
        json_decref(msg);
    }
}

/* Puts into 'mac' the MAC address of row 'i' (locally administered). */
static void
format_mac(char mac[18], unsigned long i)
{
    static const char hex[] = "0123456789abcdef";
    int k;

    mac[0] = '0';
    mac[1] = '2';
    for (k = 0; k < 5; k++) {
        unsigned byte = (unsigned) (i >> (8 * (4 - k))) & 0xff;

        mac[2 + 3 * k] = ':';
        mac[3 + 3 * k] = hex[byte >> 4];
        mac[4 + 3 * k] = hex[byte & 15];
    }
    mac[17] = '\0';
}

/* Makes sure the logical switch and locator that inserted rows refer to
 * exist, and puts their UUIDs into 'ls_uuid' and 'loc_uuid'. */
static void
setup_refs(struct conn *c, const struct options *o, char ls_uuid[37],
           char loc_uuid[37])
{
    json_t *reply, *ls_rows, *loc_rows;
    struct ds req = DS_EMPTY_INITIALIZER;

    ds_put_format(&req,
                  "[\"" DB_NAME "\","
                  "{\"op\":\"select\",\"table\":\"Logical_Switch\","
                  "\"where\":[[\"name\",\"==\",\"%s\"]],"
                  "\"columns\":[\"_uuid\"]},"
                  "{\"op\":\"select\",\"table\":\"Physical_Locator\","
                  "\"where\":[[\"dst_ip\",\"==\",\"%s\"]],"
                  "\"columns\":[\"_uuid\"]}]",
                  o->ls, o->locator);
    reply = conn_call(c, "transact", ds_cstr(&req));
    check_reply(reply);
    ls_rows = json_object_get(
        json_array_get(json_object_get(reply, "result"), 0), "rows");
    loc_rows = json_object_get(
        json_array_get(json_object_get(reply, "result"), 1), "rows");
    if (json_array_size(ls_rows) && json_array_size(loc_rows)) {
        snprintf(
            ls_uuid, 37, "%s",
            json_string_value(json_array_get(
                json_object_get(json_array_get(ls_rows, 0), "_uuid"), 1)));
        snprintf(
            loc_uuid, 37, "%s",
            json_string_value(json_array_get(
                json_object_get(json_array_get(loc_rows, 0), "_uuid"), 1)));
        json_decref(reply);
        ds_destroy(&req);
        return;
    }
    json_decref(reply);

    /* A fresh switch and locator, with one anchor row so that the locator
     * (not a root table) survives the commit. */
    ds_clear(&req);
    ds_put_format(&req,
                  "[\"" DB_NAME "\","
                  "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
                  "\"row\":{\"name\":\"%s\",\"tunnel_key\":5000},"
                  "\"uuid-name\":\"ls\"},"
                  "{\"op\":\"insert\",\"table\":\"Physical_Locator\","
                  "\"row\":{\"dst_ip\":\"%s\","
                  "\"encapsulation_type\":\"vxlan_over_ipv4\"},"
                  "\"uuid-name\":\"loc\"},"
                  "{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\","
                  "\"row\":{\"MAC\":\"02:ff:ff:ff:ff:fe\","
                  "\"logical_switch\":[\"named-uuid\",\"ls\"],"
                  "\"locator\":[\"named-uuid\",\"loc\"]}}]",
                  o->ls, o->locator);
    reply = conn_call(c, "transact", ds_cstr(&req));
    check_reply(reply);
    snprintf(
        ls_uuid, 37, "%s",
        json_string_value(json_array_get(
            json_object_get(
                json_array_get(json_object_get(reply, "result"), 0), "uuid"),
            1)));
    snprintf(
        loc_uuid, 37, "%s",
        json_string_value(json_array_get(
            json_object_get(
                json_array_get(json_object_get(reply, "result"), 1), "uuid"),
            1)));
    json_decref(reply);
    ds_destroy(&req);
}

/* Appends to 'out' a transaction with 'id' inserting rows 'first'...'first
 * + n - 1'. */
static void
put_insert_txn(struct ds *out, unsigned long id, unsigned long first, long n,
               const char *ls_uuid, const char *loc_uuid)
{
    char ids[32];
    long i;

    ds_put_cstr(out, "{\"method\":\"transact\",\"params\":[\"" DB_NAME "\"");
    for (i = 0; i < n; i++) {
        char mac[18];

        format_mac(mac, first + i);
        ds_put_cstr(out, ",{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\","
                         "\"row\":{\"MAC\":\"");
        ds_put_buffer(out, mac, 17);
        ds_put_cstr(out, "\",\"logical_switch\":[\"uuid\",\"");
        ds_put_buffer(out, ls_uuid, 36);
        ds_put_cstr(out, "\"],\"locator\":[\"uuid\",\"");
        ds_put_buffer(out, loc_uuid, 36);
        ds_put_cstr(out, "\"]}}");
    }
    snprintf(ids, sizeof ids, "%lu", id);
    ds_put_cstr(out, "],\"id\":");
    ds_put_cstr(out, ids);
    ds_put_char(out, '}');
}

/* Formats on 'c' the 'n' transactions that insert rows from 'first' on,
 * 'batch' rows each except the last, which takes what is left of
 * 'rows'. */
static void
build_load(struct conn *c, unsigned long first, long n, long batch, long rows,
           const char *ls_uuid, const char *loc_uuid)
{
    long i;

    c->txn_end = xcalloc(n ? n : 1, sizeof *c->txn_end);
    c->txn_rows = xcalloc(n ? n : 1, sizeof *c->txn_rows);
    c->n_txns = n;
    c->first_id = c->next_id;
    ds_reserve(&c->load, (size_t) rows * 190 + (size_t) n * 80);
    for (i = 0; i < n; i++) {
        long k = rows < batch ? rows : batch;

        put_insert_txn(&c->load, c->next_id++, first, k, ls_uuid, loc_uuid);
        c->txn_end[i] = c->load.length;
        c->txn_rows[i] = k;
        first += (unsigned long) k;
        rows -= k;
    }
}

/* Handles one message that arrived on 'c' while it carries a load: an
 * answer to one of its transactions (counted into '*rows_done'), or a
 * probe. */
static void
load_handle_msg(struct conn *c, const char *text, size_t len, long *rows_done)
{
    unsigned long id;
    size_t n_uuids;
    json_t *msg;
    long i;

    if (fast_reply(text, len, &id, &n_uuids)) {
        i = (long) (id - c->first_id);
        if (id < c->first_id || i >= c->released) {
            xabort("reply with unexpected id %lu: %.*s", id,
                   (int) MIN(len, 200), text);
        }
        if ((long) n_uuids != c->txn_rows[i]) {
            xabort("transaction %lu: %zu rows inserted, expected %ld: "
                   "%.*s",
                   id, n_uuids, c->txn_rows[i], (int) MIN(len, 400), text);
        }
        c->answered++;
        *rows_done += (long) n_uuids;
        return;
    }

    msg = parse_msg(text, len);
    if (!conn_answer_echo(c, msg)) {
        json_int_t jid = json_integer_value(json_object_get(msg, "id"));
        size_t n = check_reply(msg);

        i = (long) (jid - (json_int_t) c->first_id);
        if (!json_is_integer(json_object_get(msg, "id")) || i < 0
            || i >= c->released) {
            xabort("unexpected message: %.*s", (int) MIN(len, 200), text);
        }
        if ((long) n != c->txn_rows[i]) {
            xabort("transaction %ld: %zu results, expected %ld", (long) jid, n,
                   c->txn_rows[i]);
        }
        c->answered++;
        *rows_done += (long) n;
    }
    json_decref(msg);
}

/* An epoll set over several connections; data.u64 is the index. */
static int
epoll_for(struct conn **conns, size_t n)
{
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    size_t i;

    if (epfd < 0) {
        xabort("epoll_create1: %s", strerror(errno));
    }
    for (i = 0; i < n; i++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = i };

        if (epoll_ctl(epfd, EPOLL_CTL_ADD, conns[i]->fd, &ev) < 0) {
            xabort("epoll_ctl: %s", strerror(errno));
        }
    }
    return epfd;
}

/* Asks 'epfd' to report 'c' (index 'i') writable while it has output. */
static void
epoll_update_out(int epfd, struct conn *c, size_t i)
{
    bool want = conn_has_output(c);

    if (want != c->in_epoll_out) {
        struct epoll_event ev = {
            .events = EPOLLIN | (want ? EPOLLOUT : 0),
            .data.u64 = i,
        };

        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        c->in_epoll_out = want;
    }
}

/* What to do with a connection that epoll reported ready, after reading
 * what it had ('readable'). */
typedef void conn_ready_func(struct conn *, bool readable, void *aux);

/* Waits on 'epfd' for any of 'conns' (their indexes are the events'
 * data), reads what arrived on each that is ready, calls 'ready' for it,
 * then updates whether it waits to write. */
static void
conns_wait(int epfd, struct conn **conns, conn_ready_func *ready, void *aux)
{
    struct epoll_event evs[64];
    int n = epoll_wait(epfd, evs, 64, -1);
    int k;

    if (n < 0 && errno != EINTR) {
        xabort("epoll_wait: %s", strerror(errno));
    }
    for (k = 0; k < n; k++) {
        size_t i = evs[k].data.u64;
        struct conn *c = conns[i];
        bool readable = evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP);

        if (readable) {
            conn_fill(c, false);
        }
        ready(c, readable, aux);
        epoll_update_out(epfd, c, i);
    }
}

/* Processes every complete message 'c' holds; releases and sends as many
 * transactions as 'inflight' allows. */
static void
load_pump(struct conn *c, long inflight, long *rows_done)
{
    const char *text;
    size_t len;

    while ((len = conn_frame(c, &text))) {
        load_handle_msg(c, text, len, rows_done);
    }
    while (c->released < c->n_txns && c->released - c->answered < inflight) {
        c->released++;
    }
    conn_flush(c);
}

/* conns_wait() for the insert load. */
struct load_ready {
    long inflight;
    long *done;
};

static void
load_ready(struct conn *c, bool readable, void *ctx_)
{
    struct load_ready *ctx = ctx_;

    load_pump(c, ctx->inflight, ctx->done);
}

static int
cmd_insert(const struct options *o)
{
    struct conn **conns = xcalloc(o->conns, sizeof *conns);
    char ls_uuid[37], loc_uuid[37];
    long n_txns = (o->rows + o->batch - 1) / o->batch;
    unsigned long first = o->base;
    long done = 0, txns = 0;
    double start, elapsed;
    long long send_ns;
    int epfd = -1;
    long i;

    for (i = 0; i < o->conns; i++) {
        conns[i] = conn_open(o->remote);
    }
    setup_refs(conns[0], o, ls_uuid, loc_uuid);

    /* Contiguous runs of transactions per connection. */
    for (i = 0; i < o->conns; i++) {
        long t0 = n_txns * i / o->conns, t1 = n_txns * (i + 1) / o->conns;
        long r0 = t0 * o->batch;
        long r1 = t1 == n_txns ? o->rows : t1 * o->batch;

        build_load(conns[i], first + (unsigned long) r0, t1 - t0, o->batch,
                   r1 - r0, ls_uuid, loc_uuid);
    }
    if (o->conns > 1) {
        epfd = epoll_for(conns, (size_t) o->conns);
    }

    send_ns = wall_ns();
    start = now();
    for (i = 0; i < o->conns; i++) {
        load_pump(conns[i], o->inflight, &done);
    }
    while (done < o->rows) {
        if (epfd < 0) {
            struct conn *c = conns[0];

            if (conn_has_output(c)) {
                struct pollfd pfd = { .fd = c->fd,
                                      .events = POLLIN | POLLOUT };

                poll(&pfd, 1, -1);
                if (pfd.revents & (POLLIN | POLLERR | POLLHUP)) {
                    conn_fill(c, false);
                }
            } else {
                conn_fill(c, true);
            }
            load_pump(c, o->inflight, &done);
        } else {
            struct load_ready ctx = { o->inflight, &done };

            conns_wait(epfd, conns, load_ready, &ctx);
        }
    }
    elapsed = now() - start;
    for (i = 0; i < o->conns; i++) {
        txns += conns[i]->answered;
    }

    printf("insert rows=%ld batch=%ld inflight=%ld conns=%ld txns=%ld "
           "seconds=%.3f rows_per_s=%.0f send_ns=%lld\n",
           o->rows, o->batch, o->inflight, o->conns, txns, elapsed,
           o->rows / elapsed, send_ns);
    if (epfd >= 0) {
        close(epfd);
    }
    for (i = 0; i < o->conns; i++) {
        conn_close(conns[i]);
    }
    free(conns);
    return 0;
}

static int
compare_doubles(const void *a_, const void *b_)
{
    double a = *(const double *) a_, b = *(const double *) b_;

    return a < b ? -1 : a > b;
}

/* Returns the 'p'th percentile (0...100) of the 'n' sorted 'v'. */
static double
percentile(const double *v, size_t n, double p)
{
    size_t i = (size_t) (p / 100.0 * n + 0.5);

    return v[i ? (i > n ? n - 1 : i - 1) : 0];
}

/* Handles what connection 'c' holds: counts monitor updates and notes
 * replies to requests it sent ('inflight'). */
static void
fanout_drain(struct conn *c)
{
    const char *text;
    size_t len;

    while ((len = conn_frame(c, &text))) {
        unsigned long id;
        size_t n_uuids;
        json_t *msg;

        if (len > sizeof UPDATE_START
            && !memcmp(text, UPDATE_START, sizeof UPDATE_START - 1)) {
            c->updates++;
            continue;
        }
        if (fast_reply(text, len, &id, &n_uuids)) {
            if (!c->inflight) {
                xabort("unexpected reply: %.*s", (int) MIN(len, 200), text);
            }
            c->inflight--;
            continue;
        }
        msg = parse_msg(text, len);
        if (json_is_string(json_object_get(msg, "method"))
            && !strcmp(json_string_value(json_object_get(msg, "method")),
                       "update")) {
            c->updates++;
        } else if (!conn_answer_echo(c, msg)) {
            check_reply(msg);
            if (!c->inflight) {
                xabort("unexpected reply: %.*s", (int) MIN(len, 200), text);
            }
            c->inflight--;
        }
        json_decref(msg);
    }
}

/* conns_wait() for the fan-out: handles what arrived, sends what is due. */
static void
fanout_ready(struct conn *c, bool readable, void *aux)
{
    if (readable) {
        fanout_drain(c);
    }
    conn_flush(c);
}

static int
cmd_fanout(const struct options *o)
{
    size_t n = o->clients + 1;
    struct conn **conns = xcalloc(n, sizeof *conns);
    double *lat = xcalloc(o->commits, sizeof *lat);
    char ls_uuid[37], loc_uuid[37];
    struct ds txn = DS_EMPTY_INITIALIZER;
    size_t i, ready;
    int epfd;
    long k;

    /* conns[0] writes; the others monitor. */
    for (i = 0; i < n; i++) {
        conns[i] = conn_open(o->remote);
    }
    setup_refs(conns[0], o, ls_uuid, loc_uuid);
    epfd = epoll_for(conns, n);
    for (i = 1; i < n; i++) {
        ds_put_format(&conns[i]->out,
                      "{\"method\":\"monitor\",\"params\":[\"" DB_NAME
                      "\",null,{\"Ucast_Macs_Remote\":{\"columns\":"
                      "[\"MAC\"],\"select\":{\"initial\":false}}}],"
                      "\"id\":0}");
        conns[i]->inflight = 1;
        conn_flush(conns[i]);
        epoll_update_out(epfd, conns[i], i);
    }
    do {
        conns_wait(epfd, conns, fanout_ready, NULL);
        for (ready = 0, i = 1; i < n; i++) {
            ready += !conns[i]->inflight;
        }
    } while (ready < n - 1);

    for (k = 0; k < o->commits; k++) {
        double start, last = 0;
        size_t notified = 0;

        ds_clear(&txn);
        put_insert_txn(&txn, conns[0]->next_id++, o->base + k, 1, ls_uuid,
                       loc_uuid);
        ds_put_buffer(&conns[0]->out, txn.string, txn.length);
        conns[0]->inflight++;
        start = now();
        conn_flush(conns[0]);
        epoll_update_out(epfd, conns[0], 0);
        for (;;) {
            conns_wait(epfd, conns, fanout_ready, NULL);
            if (!last) {
                for (; notified < n - 1; notified++) {
                    if (conns[notified + 1]->updates <= (unsigned) k) {
                        break;
                    }
                }
                if (notified == n - 1) {
                    last = now();
                }
            }
            if (last && !conns[0]->inflight) {
                break;
            }
        }
        lat[k] = last - start;
    }

    qsort(lat, o->commits, sizeof *lat, compare_doubles);
    printf("fanout clients=%ld commits=%ld p50_ms=%.3f p99_ms=%.3f "
           "max_ms=%.3f\n",
           o->clients, o->commits, percentile(lat, o->commits, 50) * 1e3,
           percentile(lat, o->commits, 99) * 1e3, lat[o->commits - 1] * 1e3);
    close(epfd);
    ds_destroy(&txn);
    for (i = 0; i < n; i++) {
        conn_close(conns[i]);
    }
    free(conns);
    free(lat);
    return 0;
}

static int
cmd_ready(const struct options *o)
{
    double start = now();

    for (;;) {
        int fd = open_remote(o->remote);

        if (fd >= 0) {
            struct conn *c = conn_from_fd(fd);
            json_t *reply;

            reply = conn_call(c, "list_dbs", "[]");
            json_decref(reply);
            conn_close(c);
            break;
        }
        if (now() - start > o->timeout) {
            fprintf(stderr, "%s: no answer in %.0f s\n", o->remote,
                    o->timeout);
            return 1;
        }
        usleep(1000);
    }
    printf("ready seconds=%.3f\n", now() - start);
    return 0;
}

static void
usage(void)
{
    printf("usage: ovsdb-load [OPTIONS] REMOTE insert|fanout|ready\n"
           "REMOTE is unix:PATH or tcp:IP:PORT.\n"
           "  --rows=N       rows to insert (insert; default 1000)\n"
           "  --batch=N      rows per transaction (default 1)\n"
           "  --inflight=N   transactions in flight per connection "
           "(default 1)\n"
           "  --conns=N      connections (insert; default 1)\n"
           "  --base=N       index of the first MAC (default 0)\n"
           "  --clients=N    monitoring clients (fanout; default 1)\n"
           "  --commits=N    commits to time (fanout; default 200)\n"
           "  --ls=NAME      logical switch rows refer to (default ls0)\n"
           "  --locator=IP   locator rows refer to (default 198.51.100.2)\n"
           "  --timeout=S    give up after S seconds (ready; default 600)\n");
}

static long
positive(const char *arg, const char *name)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (*end || v < 0 || (v == 0 && strcmp(name, "base"))) {
        xabort("--%s: bad value '%s'", name, arg);
    }
    return v;
}

int
main(int argc, char *argv[])
{
    static const struct option longopts[] = {
        { "rows", required_argument, NULL, 'r' },
        { "batch", required_argument, NULL, 'b' },
        { "inflight", required_argument, NULL, 'i' },
        { "conns", required_argument, NULL, 'c' },
        { "base", required_argument, NULL, 'B' },
        { "clients", required_argument, NULL, 'C' },
        { "commits", required_argument, NULL, 'm' },
        { "ls", required_argument, NULL, 'l' },
        { "locator", required_argument, NULL, 'L' },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct options o = {
        .rows = 1000,
        .batch = 1,
        .inflight = 1,
        .conns = 1,
        .clients = 1,
        .commits = 200,
        .timeout = 600,
        .ls = "ls0",
        .locator = "198.51.100.2",
    };
    const char *cmd;
    int opt;

    set_program_name(argv[0]);
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            o.rows = positive(optarg, "rows");
            break;
        case 'b':
            o.batch = positive(optarg, "batch");
            break;
        case 'i':
            o.inflight = positive(optarg, "inflight");
            break;
        case 'c':
            o.conns = positive(optarg, "conns");
            break;
        case 'B':
            o.base = positive(optarg, "base");
            break;
        case 'C':
            o.clients = positive(optarg, "clients");
            break;
        case 'm':
            o.commits = positive(optarg, "commits");
            break;
        case 'l':
            o.ls = optarg;
            break;
        case 'L':
            o.locator = optarg;
            break;
        case 't':
            o.timeout = positive(optarg, "timeout");
            break;
        case 'h':
            usage();
            return 0;
        default:
            return 2;
        }
    }
    if (argc - optind != 2) {
        usage();
        return 2;
    }
    o.remote = argv[optind];
    cmd = argv[optind + 1];
    if (!strcmp(cmd, "insert")) {
        return cmd_insert(&o);
    } else if (!strcmp(cmd, "fanout")) {
        return cmd_fanout(&o);
    } else if (!strcmp(cmd, "ready")) {
        return cmd_ready(&o);
    }
    usage();
    return 2;
}
