/* ovsdb-load: an RFC 7047 load generator for hardware_vtep servers.
 *
 * Drives vtepd and ovsdb-server with identical loads so that their figures
 * can be compared in one run (tests/bench/ovsdb-load.sh):
 *
 *   insert   Ucast_Macs_Remote rows, 'batch' rows per transaction, with
 *            'inflight' transactions pipelined on each of 'conns'
 *            connections; prints rows per second.
 *   fanout   'clients' connections monitor Ucast_Macs_Remote; another one
 *            commits single-row inserts, one at a time; for each commit,
 *            the time from sending the transaction until the last client
 *            holds its update; prints p50 and p99.
 *   ready    retries connecting and "list_dbs" until the server answers;
 *            prints how long that took.
 *
 * Requests are formatted straight into the output buffer so that the
 * generator stays cheap next to the servers it measures; replies are
 * framed by a small scanner and parsed with jansson.  One thread, poll(2),
 * non-blocking sockets with unbounded output buffers (the generator is its
 * own peer's only client, so backpressure is the server's job). */
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
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "lib/ds.h"
#include "lib/util.h"

#define DB_NAME "hardware_vtep"

/* A connection to the server and its framing state. */
struct conn {
    int fd;
    struct ds out;     /* Bytes not yet written. */
    size_t out_ofs;    /* Bytes of 'out' already written. */
    char *in;          /* Bytes read and not yet consumed. */
    size_t in_len;     /* Valid bytes in 'in'. */
    size_t in_cap;     /* Allocated bytes of 'in'. */
    size_t scan;       /* Bytes of 'in' already scanned for a message end. */
    int depth;         /* Bracket depth at 'scan'. */
    bool in_string;    /* Inside a JSON string at 'scan'. */
    bool escape;       /* After a backslash inside a string. */
    unsigned inflight; /* Requests sent and not yet answered. */
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

/* Opens a connection to 'remote' ("unix:PATH" or "tcp:IP:PORT").  Returns
 * the file descriptor, or a negative errno. */
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
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* Wraps connected socket 'fd', taking ownership of it. */
static struct conn *
conn_from_fd(int fd)
{
    struct conn *c = xzalloc(sizeof *c);

    c->fd = fd;
    ds_init(&c->out);
    c->next_id = 1;
    return c;
}

static struct conn *
conn_open(const char *remote)
{
    int fd = open_remote(remote);

    if (fd < 0) {
        vtep_abort("%s: connect failed (%s)", remote, strerror(-fd));
    }
    return conn_from_fd(fd);
}

static void
conn_close(struct conn *c)
{
    if (c) {
        close(c->fd);
        ds_destroy(&c->out);
        free(c->in);
        free(c);
    }
}

/* Writes as much buffered output as the socket takes. */
static void
conn_flush(struct conn *c)
{
    while (c->out_ofs < c->out.length) {
        ssize_t n = write(c->fd, c->out.string + c->out_ofs,
                          c->out.length - c->out_ofs);

        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return;
            }
            vtep_abort("write: %s", strerror(errno));
        }
        c->out_ofs += n;
    }
    ds_clear(&c->out);
    c->out_ofs = 0;
}

/* Returns the length of the first complete JSON value in 'c->in', or 0 if
 * it has not all arrived.  Remembers how far it got between calls. */
static size_t
conn_frame(struct conn *c)
{
    for (; c->scan < c->in_len; c->scan++) {
        char ch = c->in[c->scan];

        if (c->in_string) {
            if (c->escape) {
                c->escape = false;
            } else if (ch == '\\') {
                c->escape = true;
            } else if (ch == '"') {
                c->in_string = false;
            }
        } else if (ch == '"') {
            c->in_string = true;
        } else if (ch == '{' || ch == '[') {
            c->depth++;
        } else if ((ch == '}' || ch == ']') && --c->depth == 0) {
            return ++c->scan;
        }
    }
    return 0;
}

/* Reads what the socket holds and returns the next complete message as a
 * new jansson reference, or NULL if none is complete yet.  Call again until
 * it returns NULL. */
static json_t *
conn_recv(struct conn *c)
{
    json_error_t error;
    size_t len;
    json_t *msg;

    len = conn_frame(c);
    if (!len) {
        ssize_t n;

        if (c->in_cap - c->in_len < 65536) {
            c->in_cap = c->in_cap * 2 + 65536;
            c->in = xrealloc(c->in, c->in_cap);
        }
        n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
        if (n == 0) {
            vtep_abort("server closed the connection");
        } else if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return NULL;
            }
            vtep_abort("read: %s", strerror(errno));
        }
        c->in_len += n;
        len = conn_frame(c);
        if (!len) {
            return NULL;
        }
    }

    msg = json_loadb(c->in, len, JSON_DISABLE_EOF_CHECK, &error);
    if (!msg) {
        vtep_abort("bad JSON from server: %s", error.text);
    }
    memmove(c->in, c->in + len, c->in_len - len);
    c->in_len -= len;
    c->scan = 0;
    return msg;
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
 * error object among the transaction's results. */
static void
check_reply(json_t *msg)
{
    json_t *result = json_object_get(msg, "result");
    json_t *op;
    size_t i;

    if (!json_is_null(json_object_get(msg, "error")) || !result) {
        char *s = json_dumps(msg, 0);

        vtep_abort("request failed: %.400s", s);
    }
    json_array_foreach(result, i, op)
    {
        if (json_object_get(op, "error")) {
            char *s = json_dumps(op, 0);

            vtep_abort("operation %zu failed: %.400s", i, s);
        }
    }
}

/* Polls 'conns' once for up to 'timeout_ms' and flushes their output. */
static void
poll_conns(struct conn **conns, size_t n, int timeout_ms)
{
    struct pollfd *pfds = xcalloc(n, sizeof *pfds);
    size_t i;

    for (i = 0; i < n; i++) {
        pfds[i].fd = conns[i]->fd;
        pfds[i].events = POLLIN;
        if (conns[i]->out.length > conns[i]->out_ofs) {
            pfds[i].events |= POLLOUT;
        }
    }
    if (poll(pfds, n, timeout_ms) < 0 && errno != EINTR) {
        vtep_abort("poll: %s", strerror(errno));
    }
    for (i = 0; i < n; i++) {
        if (pfds[i].revents & POLLOUT) {
            conn_flush(conns[i]);
        }
    }
    free(pfds);
}

/* Sends request 'method' with 'params' (JSON text) and waits for its reply,
 * answering probes meanwhile.  Returns the reply, a new reference. */
static json_t *
conn_call(struct conn *c, const char *method, const char *params)
{
    unsigned long id = c->next_id++;

    ds_put_format(&c->out, "{\"method\":\"%s\",\"params\":%s,\"id\":%lu}",
                  method, params, id);
    conn_flush(c);
    for (;;) {
        json_t *msg;

        while ((msg = conn_recv(c))) {
            if (json_integer_value(json_object_get(msg, "id")) == (long) id) {
                return msg;
            }
            conn_answer_echo(c, msg);
            json_decref(msg);
        }
        poll_conns(&c, 1, -1);
    }
}

/* Puts into 'mac' the MAC address of row 'i' (locally administered). */
static void
format_mac(char mac[18], unsigned long i)
{
    snprintf(mac, 18, "02:%02lx:%02lx:%02lx:%02lx:%02lx", (i >> 32) & 0xff,
             (i >> 24) & 0xff, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
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

/* Appends to 'c' a transaction inserting rows 'first'...'first + n - 1'. */
static void
put_insert_txn(struct conn *c, unsigned long first, long n,
               const char *ls_uuid, const char *loc_uuid)
{
    long i;

    ds_put_cstr(&c->out,
                "{\"method\":\"transact\",\"params\":[\"" DB_NAME "\"");
    for (i = 0; i < n; i++) {
        char mac[18];

        format_mac(mac, first + i);
        ds_put_format(&c->out,
                      ",{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\","
                      "\"row\":{\"MAC\":\"%s\","
                      "\"logical_switch\":[\"uuid\",\"%s\"],"
                      "\"locator\":[\"uuid\",\"%s\"]}}",
                      mac, ls_uuid, loc_uuid);
    }
    ds_put_format(&c->out, "],\"id\":%lu}", c->next_id++);
    c->inflight++;
}

static int
cmd_insert(const struct options *o)
{
    struct conn **conns = xcalloc(o->conns, sizeof *conns);
    char ls_uuid[37], loc_uuid[37];
    unsigned long next = o->base;
    unsigned long end = o->base + o->rows;
    long done = 0, txns = 0;
    double start, elapsed;
    long i;

    for (i = 0; i < o->conns; i++) {
        conns[i] = conn_open(o->remote);
    }
    setup_refs(conns[0], o, ls_uuid, loc_uuid);

    start = now();
    while (done < o->rows) {
        bool progress = false;

        for (i = 0; i < o->conns; i++) {
            struct conn *c = conns[i];
            json_t *msg;

            while (c->inflight < o->inflight && next < end) {
                long n = end - next < (unsigned long) o->batch
                             ? (long) (end - next)
                             : o->batch;

                put_insert_txn(c, next, n, ls_uuid, loc_uuid);
                next += n;
            }
            conn_flush(c);
            while ((msg = conn_recv(c))) {
                if (!conn_answer_echo(c, msg)) {
                    check_reply(msg);
                    done += json_array_size(json_object_get(msg, "result"));
                    c->inflight--;
                    txns++;
                    progress = true;
                }
                json_decref(msg);
            }
        }
        if (!progress) {
            poll_conns(conns, o->conns, -1);
        }
    }
    elapsed = now() - start;

    printf("insert rows=%ld batch=%ld inflight=%ld conns=%ld txns=%ld "
           "seconds=%.3f rows_per_s=%.0f\n",
           o->rows, o->batch, o->inflight, o->conns, txns, elapsed,
           o->rows / elapsed);
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

/* Reads what every connection holds: counts monitor updates and notes
 * replies to the writer ('conns[0]'). */
static void
fanout_drain(struct conn **conns, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        json_t *msg;

        while ((msg = conn_recv(conns[i]))) {
            const char *method =
                json_string_value(json_object_get(msg, "method"));

            if (method && !strcmp(method, "update")) {
                conns[i]->updates++;
            } else if (!conn_answer_echo(conns[i], msg)) {
                check_reply(msg);
                conns[i]->inflight--;
            }
            json_decref(msg);
        }
    }
}

static int
cmd_fanout(const struct options *o)
{
    size_t n = o->clients + 1;
    struct conn **conns = xcalloc(n, sizeof *conns);
    double *lat = xcalloc(o->commits, sizeof *lat);
    char ls_uuid[37], loc_uuid[37];
    size_t i, ready;
    long k;

    /* conns[0] writes; the others monitor. */
    for (i = 0; i < n; i++) {
        conns[i] = conn_open(o->remote);
    }
    setup_refs(conns[0], o, ls_uuid, loc_uuid);
    for (i = 1; i < n; i++) {
        ds_put_format(&conns[i]->out,
                      "{\"method\":\"monitor\",\"params\":[\"" DB_NAME
                      "\",null,{\"Ucast_Macs_Remote\":{\"columns\":"
                      "[\"MAC\"],\"select\":{\"initial\":false}}}],"
                      "\"id\":0}");
        conns[i]->inflight = 1;
        conn_flush(conns[i]);
    }
    do {
        poll_conns(conns, n, -1);
        fanout_drain(conns, n);
        for (ready = 0, i = 1; i < n; i++) {
            ready += !conns[i]->inflight;
        }
    } while (ready < n - 1);

    for (k = 0; k < o->commits; k++) {
        double start = now(), last = 0;
        size_t notified;

        put_insert_txn(conns[0], o->base + k, 1, ls_uuid, loc_uuid);
        conn_flush(conns[0]);
        for (;;) {
            poll_conns(conns, n, -1);
            fanout_drain(conns, n);
            for (notified = 0, i = 1; i < n; i++) {
                notified += conns[i]->updates > (unsigned) k;
            }
            if (notified == n - 1 && !last) {
                last = now();
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
        vtep_abort("--%s: bad value '%s'", name, arg);
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
