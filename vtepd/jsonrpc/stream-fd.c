/* SPDX-License-Identifier: Apache-2.0 */
/* Stream providers over plain sockets: "tcp:"/"ptcp:" and "unix:"/"punix:".
 * Every socket is non-blocking and close-on-exec. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"
#include "vtepd/jsonrpc/stream.h"

#define LISTEN_BACKLOG 64

struct fd_stream {
    struct stream up;
};

struct fd_pstream {
    struct pstream up;
    char *unlink_path; /* Unix socket file to remove on close, or NULL. */
    unsigned int n_accepted;
};

static struct fd_stream *
fd_stream_cast(struct stream *stream)
{
    return container_of(stream, struct fd_stream, up);
}

static struct fd_pstream *
fd_pstream_cast(struct pstream *pstream)
{
    return container_of(pstream, struct fd_pstream, up);
}

/* Creates a non-blocking, close-on-exec socket. */
static int
new_socket(int family)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    return fd < 0 ? -errno : fd;
}

static void
set_nodelay(int fd, int family)
{
    int on = 1;

    if (family != AF_UNIX) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
}

static struct stream *
fd_stream_new(const struct stream_class *class, int fd, char *name)
{
    struct fd_stream *s = xzalloc(sizeof *s);

    stream_init(&s->up, class, fd, name);
    return &s->up;
}

/* Opens a non-blocking connection to 'ss'; the name is 'class:suffix'. */
static int
fd_open(const struct stream_class *class, const char *suffix,
        const struct sockaddr_storage *ss, socklen_t len,
        struct stream **streamp)
{
    int fd = new_socket(ss->ss_family);

    if (fd < 0) {
        return fd;
    }
    if (connect(fd, (const struct sockaddr *) ss, len) < 0
        && errno != EINPROGRESS) {
        int error = -errno;

        close(fd);
        return error;
    }
    set_nodelay(fd, ss->ss_family);
    *streamp =
        fd_stream_new(class, fd, xasprintf("%s:%s", class->name, suffix));
    return 0;
}

static int
fd_connect(struct stream *stream)
{
    int error = 0;
    socklen_t len = sizeof error;
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof peer;

    if (getsockopt(stream->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
        return -errno;
    }
    if (error) {
        return -error;
    }
    /* SO_ERROR is 0 both while connecting and once connected. */
    if (getpeername(stream->fd, (struct sockaddr *) &peer, &peer_len) < 0) {
        return errno == ENOTCONN ? -EAGAIN : -errno;
    }
    return 0;
}

static ssize_t
fd_recv(struct stream *stream, void *buf, size_t n)
{
    ssize_t retval;

    do {
        retval = recv(stream->fd, buf, n, 0);
    } while (retval < 0 && errno == EINTR);
    if (retval < 0) {
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
    return retval;
}

static ssize_t
fd_send(struct stream *stream, const void *buf, size_t n)
{
    ssize_t retval;

    do {
        retval = send(stream->fd, buf, n, MSG_NOSIGNAL);
    } while (retval < 0 && errno == EINTR);
    if (retval < 0) {
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
    return retval;
}

static ssize_t
fd_sendv(struct stream *stream, const struct iovec *iov, int n)
{
    struct msghdr msg = {
        .msg_iov = (struct iovec *) iov,
        .msg_iovlen = (size_t) n,
    };
    ssize_t retval;

    do {
        retval = sendmsg(stream->fd, &msg, MSG_NOSIGNAL);
    } while (retval < 0 && errno == EINTR);
    if (retval < 0) {
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
    return retval;
}

static void
fd_close(struct stream *stream)
{
    struct fd_stream *s = fd_stream_cast(stream);

    close(stream->fd);
    stream_uninit(stream);
    free(s);
}

static struct fd_pstream *
fd_pstream_new(const struct stream_class *class, int fd, char *name)
{
    struct fd_pstream *ps = xzalloc(sizeof *ps);

    pstream_init(&ps->up, class, fd, name);
    return ps;
}

/* Binds 'fd' to 'ss' and listens.  Returns 0 or a negative errno and
 * closes 'fd' on failure. */
static int
bind_and_listen(int fd, const struct sockaddr_storage *ss, socklen_t len)
{
    if (bind(fd, (const struct sockaddr *) ss, len) < 0
        || listen(fd, LISTEN_BACKLOG) < 0) {
        int error = -errno;

        close(fd);
        return error;
    }
    return 0;
}

static int
fd_accept(struct pstream *pstream, struct stream **streamp)
{
    struct fd_pstream *ps = fd_pstream_cast(pstream);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char *name;
    int fd;

    do {
        fd = accept4(pstream->fd, (struct sockaddr *) &ss, &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
    ps->n_accepted++;
    if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
        char peer[INET6_ADDRSTRLEN + 16];

        stream_format_inet(&ss, peer, sizeof peer);
        name = xasprintf("tcp:%s", peer);
        set_nodelay(fd, ss.ss_family);
    } else {
        name = xasprintf("unix#%u", ps->n_accepted);
    }
    *streamp = fd_stream_new(pstream->class, fd, name);
    return 0;
}

static void
fd_pclose(struct pstream *pstream)
{
    struct fd_pstream *ps = fd_pstream_cast(pstream);

    close(pstream->fd);
    if (ps->unlink_path) {
        unlink(ps->unlink_path);
        free(ps->unlink_path);
    }
    pstream_uninit(pstream);
    free(ps);
}

/* TCP. */

static bool
tcp_verify(const char *suffix, bool passive)
{
    struct sockaddr_storage ss;
    socklen_t len;

    return !(passive ? stream_parse_inet_passive(suffix, &ss, &len)
                     : stream_parse_inet_active(suffix, &ss, &len));
}

static int
tcp_open(const char *suffix, struct stream **streamp)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int error = stream_parse_inet_active(suffix, &ss, &len);

    return error ? error
                 : fd_open(&stream_tcp_class, suffix, &ss, len, streamp);
}

static int
tcp_listen(const char *suffix, struct pstream **pstreamp)
{
    struct sockaddr_storage ss, bound;
    socklen_t len, bound_len = sizeof bound;
    struct fd_pstream *ps;
    char text[INET6_ADDRSTRLEN + 16];
    int on = 1;
    int error;
    int fd;

    error = stream_parse_inet_passive(suffix, &ss, &len);
    if (error) {
        return error;
    }
    fd = new_socket(ss.ss_family);
    if (fd < 0) {
        return fd;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0) {
        error = -errno;
        close(fd);
        return error;
    }
    error = bind_and_listen(fd, &ss, len);
    if (error) {
        return error;
    }
    if (getsockname(fd, (struct sockaddr *) &bound, &bound_len) < 0) {
        error = -errno;
        close(fd);
        return error;
    }
    stream_format_inet(&bound, text, sizeof text);
    ps = fd_pstream_new(&stream_tcp_class, fd, xasprintf("ptcp:%s", text));
    ps->up.port = ntohs(bound.ss_family == AF_INET6
                            ? ((struct sockaddr_in6 *) &bound)->sin6_port
                            : ((struct sockaddr_in *) &bound)->sin_port);
    *pstreamp = &ps->up;
    return 0;
}

const struct stream_class stream_tcp_class = {
    .name = "tcp",
    .verify = tcp_verify,
    .open = tcp_open,
    .connect = fd_connect,
    .recv = fd_recv,
    .send = fd_send,
    .sendv = fd_sendv,
    .close = fd_close,
    .short_read_drains = true,
    .listen = tcp_listen,
    .accept = fd_accept,
    .pclose = fd_pclose,
};

/* Unix domain sockets. */

static bool
unix_verify(const char *suffix, bool passive)
{
    struct sockaddr_storage ss;
    socklen_t len;

    return !stream_parse_unix(suffix, &ss, &len);
}

static int
unix_open(const char *suffix, struct stream **streamp)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int error = stream_parse_unix(suffix, &ss, &len);

    return error ? error
                 : fd_open(&stream_unix_class, suffix, &ss, len, streamp);
}

/* Removes the socket file at 'ss' if no server answers on it any more.
 * Returns 0, or -EADDRINUSE if a live server owns it. */
static int
remove_stale_socket(const struct sockaddr_storage *ss, socklen_t len)
{
    const char *path = ((const struct sockaddr_un *) ss)->sun_path;
    struct stat st;
    int fd;
    int error = 0;

    if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        return 0; /* Missing, or not ours to remove: bind() will say. */
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (const struct sockaddr *) ss, len) == 0) {
        error = -EADDRINUSE;
    } else if (errno == ECONNREFUSED || errno == ENOENT) {
        unlink(path);
    }
    close(fd);
    return error;
}

static int
unix_listen(const char *suffix, struct pstream **pstreamp)
{
    struct sockaddr_storage ss;
    struct fd_pstream *ps;
    socklen_t len;
    int error;
    int fd;

    error = stream_parse_unix(suffix, &ss, &len);
    if (!error) {
        error = remove_stale_socket(&ss, len);
    }
    if (error) {
        return error;
    }
    fd = new_socket(AF_UNIX);
    if (fd < 0) {
        return fd;
    }
    error = bind_and_listen(fd, &ss, len);
    if (error) {
        return error;
    }
    ps = fd_pstream_new(&stream_unix_class, fd, xasprintf("punix:%s", suffix));
    ps->unlink_path = xstrdup(suffix);
    *pstreamp = &ps->up;
    return 0;
}

const struct stream_class stream_unix_class = {
    .name = "unix",
    .verify = unix_verify,
    .open = unix_open,
    .connect = fd_connect,
    .recv = fd_recv,
    .send = fd_send,
    .sendv = fd_sendv,
    .close = fd_close,
    .short_read_drains = true,
    .listen = unix_listen,
    .accept = fd_accept,
    .pclose = fd_pclose,
};
