/* SPDX-License-Identifier: Apache-2.0 */
/* TLS streams over TCP: "ssl:IP:PORT" and "pssl:PORT[:IP]", with OpenSSL.
 *
 * Both ends must present a certificate signed by the configured CA
 * (mutual authentication, as ovsdb-server requires); TLS 1.2 is the
 * oldest version accepted.  The key, certificate and CA certificate are
 * re-read whenever one of the files changes, checked at each new
 * connection, so certificates can be rotated without a restart.
 *
 * The session layer knows nothing of handshakes: it reads when the socket
 * is readable and writes when it has output.  So the handshake advances
 * inside recv and send, an active stream starts it as soon as TCP
 * connects, and data sent before the handshake completes is held here (up
 * to a limit) rather than refused, so that a peer that stalls its
 * handshake never makes the event loop spin on a writable socket. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/jsonrpc/stream.h"

VLOG_DEFINE_THIS_MODULE(stream_ssl);

/* Output held while the handshake is in progress. */
#define MAX_EARLY_OUTPUT (256 * 1024)

static struct vlog_rate_limit ssl_rl = VLOG_RATE_LIMIT_INIT(10, 20);

struct ssl_file {
    char *path;
    struct timespec mtime;
    ino_t ino;
    off_t size;
};

/* The configuration shared by every TLS stream, as in ovsdb-server. */
static struct ssl_config {
    struct ssl_file key, cert, ca;
    SSL_CTX *ctx; /* Built from the files above; NULL until configured. */
} config;

struct ssl_stream {
    struct stream up;
    SSL *ssl;
    bool tcp_connecting; /* Active stream waiting for TCP. */
    bool handshake_done;
    char *early; /* Output queued before the handshake finished. */
    size_t n_early;
};

struct ssl_pstream {
    struct pstream up;
};

static struct ssl_stream *
ssl_stream_cast(struct stream *stream)
{
    return container_of(stream, struct ssl_stream, up);
}

static void
set_file(struct ssl_file *file, const char *path)
{
    if (!file->path || strcmp(file->path, path)) {
        free(file->path);
        file->path = xstrdup(path);
        memset(&file->mtime, 0, sizeof file->mtime);
        file->ino = 0;
        file->size = -1;
    }
}

void
stream_ssl_set_private_key_file(const char *path)
{
    set_file(&config.key, path);
}

void
stream_ssl_set_certificate_file(const char *path)
{
    set_file(&config.cert, path);
}

void
stream_ssl_set_ca_cert_file(const char *path)
{
    set_file(&config.ca, path);
}

bool
stream_ssl_is_configured(void)
{
    return config.key.path && config.cert.path && config.ca.path;
}

/* Returns true if 'file' changed since last looked at (and records its
 * new state). */
static bool
file_changed(struct ssl_file *file)
{
    struct stat st;

    if (stat(file->path, &st) < 0) {
        return false; /* Keep using what was loaded. */
    }
    if (st.st_mtim.tv_sec == file->mtime.tv_sec
        && st.st_mtim.tv_nsec == file->mtime.tv_nsec && st.st_ino == file->ino
        && st.st_size == file->size) {
        return false;
    }
    file->mtime = st.st_mtim;
    file->ino = st.st_ino;
    file->size = st.st_size;
    return true;
}

static void
log_openssl_errors(const char *what)
{
    unsigned long e;
    char buf[256];

    while ((e = ERR_get_error())) {
        ERR_error_string_n(e, buf, sizeof buf);
        VLOG_WARN_RL(&ssl_rl, "%s: %s", what, buf);
    }
}

static SSL_CTX *
build_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());

    if (!ctx) {
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                              | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);
    if (SSL_CTX_use_certificate_chain_file(ctx, config.cert.path) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, config.key.path, SSL_FILETYPE_PEM)
               != 1
        || SSL_CTX_check_private_key(ctx) != 1
        || SSL_CTX_load_verify_locations(ctx, config.ca.path, NULL) != 1) {
        log_openssl_errors("loading TLS key and certificates");
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Returns the context to use for a new connection, reloading the files if
 * any changed, or NULL if TLS is not configured or never loaded. */
static SSL_CTX *
get_ctx(void)
{
    bool changed;

    if (!stream_ssl_is_configured()) {
        return NULL;
    }
    /* Evaluate all three so that each records its new state. */
    changed = file_changed(&config.key);
    changed = file_changed(&config.cert) || changed;
    changed = file_changed(&config.ca) || changed;
    if (changed || !config.ctx) {
        SSL_CTX *ctx = build_ctx();

        if (ctx) {
            SSL_CTX_free(config.ctx);
            config.ctx = ctx;
            VLOG_INFO("loaded TLS key %s, certificate %s, CA %s",
                      config.key.path, config.cert.path, config.ca.path);
        } else if (config.ctx) {
            VLOG_WARN_RL(&ssl_rl, "keeping the previous TLS configuration");
        }
    }
    return config.ctx;
}

static bool
ssl_verify(const char *suffix, bool passive)
{
    struct sockaddr_storage ss;
    socklen_t len;

    return passive ? !stream_parse_inet_passive(suffix, &ss, &len)
                   : !stream_parse_inet_active(suffix, &ss, &len);
}

static struct ssl_stream *
ssl_stream_new(int fd, SSL_CTX *ctx, bool server, char *name)
{
    struct ssl_stream *s = xzalloc(sizeof *s);

    stream_init(&s->up, &stream_ssl_class, fd, name);
    s->ssl = SSL_new(ctx);
    if (!s->ssl) {
        xabort("SSL_new failed");
    }
    SSL_set_fd(s->ssl, fd);
    if (server) {
        SSL_set_accept_state(s->ssl);
    } else {
        SSL_set_connect_state(s->ssl);
    }
    return s;
}

static int
ssl_open(const char *suffix, struct stream **streamp)
{
    SSL_CTX *ctx = get_ctx();
    struct sockaddr_storage ss;
    struct ssl_stream *s;
    socklen_t len;
    int fd, one = 1;

    if (!ctx) {
        return -ENOPROTOOPT;
    }
    if (stream_parse_inet_active(suffix, &ss, &len)) {
        return -EINVAL;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    s = ssl_stream_new(fd, ctx, false, xasprintf("ssl:%s", suffix));
    if (connect(fd, (struct sockaddr *) &ss, len) < 0) {
        if (errno != EINPROGRESS) {
            int error = -errno;

            stream_close(&s->up);
            return error;
        }
        s->tcp_connecting = true;
    }
    *streamp = &s->up;
    return 0;
}

/* Converts an OpenSSL result into 0 (progress), -EAGAIN or an error. */
static int
ssl_error(struct ssl_stream *s, int ret, const char *op)
{
    int err = SSL_get_error(s->ssl, ret);

    switch (err) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return -EAGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        return errno && ret < 0 ? -errno : -ECONNRESET;
    default:
        log_openssl_errors(stream_name(&s->up));
        VLOG_WARN_RL(&ssl_rl, "%s: TLS %s failed", stream_name(&s->up), op);
        return -EPROTO;
    }
}

/* Advances the handshake.  Returns 0 when complete, -EAGAIN, or an error.
 * Once complete, sends any output held meanwhile. */
static int
do_handshake(struct ssl_stream *s)
{
    int ret;

    if (s->handshake_done) {
        return 0;
    }
    ret = SSL_do_handshake(s->ssl);
    if (ret != 1) {
        int error = ssl_error(s, ret, "handshake");

        return error ? error : -ECONNRESET;
    }
    s->handshake_done = true;
    VLOG_DBG("%s: TLS handshake complete (%s)", stream_name(&s->up),
             SSL_get_version(s->ssl));
    while (s->n_early) {
        ret = SSL_write(s->ssl, s->early, (int) s->n_early);
        if (ret <= 0) {
            int error = ssl_error(s, ret, "write");

            return error == -EAGAIN ? 0 : error ? error : -ECONNRESET;
        }
        memmove(s->early, s->early + ret, s->n_early - (size_t) ret);
        s->n_early -= (size_t) ret;
    }
    return 0;
}

static int
ssl_connect(struct stream *stream)
{
    struct ssl_stream *s = ssl_stream_cast(stream);
    int error;

    if (s->tcp_connecting) {
        socklen_t len = sizeof error;

        if (getsockopt(stream->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
            return -errno;
        }
        if (error == EINPROGRESS || error == EALREADY) {
            return -EAGAIN;
        }
        if (error) {
            return -error;
        }
        s->tcp_connecting = false;
    }
    /* Sends the ClientHello; the rest of the handshake happens as data
     * arrives (see the comment at the top). */
    error = do_handshake(s);
    return error == -EAGAIN ? 0 : error;
}

static ssize_t
ssl_recv(struct stream *stream, void *buf, size_t n)
{
    struct ssl_stream *s = ssl_stream_cast(stream);
    int error = do_handshake(s);
    int ret;

    if (error) {
        return error;
    }
    ret = SSL_read(s->ssl, buf, (int) MIN(n, (size_t) INT32_MAX));
    return ret > 0 ? ret : ssl_error(s, ret, "read");
}

static ssize_t
ssl_send(struct stream *stream, const void *buf, size_t n)
{
    struct ssl_stream *s = ssl_stream_cast(stream);
    int error = do_handshake(s);
    int ret;

    if (error == -EAGAIN) {
        size_t room = MAX_EARLY_OUTPUT - s->n_early;

        if (!room) {
            return -EAGAIN;
        }
        n = MIN(n, room);
        s->early = xrealloc(s->early, s->n_early + n);
        memcpy(s->early + s->n_early, buf, n);
        s->n_early += n;
        return (ssize_t) n;
    } else if (error) {
        return error;
    } else if (s->n_early) {
        return -EAGAIN; /* Older output goes first. */
    }
    ret = SSL_write(s->ssl, buf, (int) MIN(n, (size_t) INT32_MAX));
    if (ret > 0) {
        return ret;
    }
    error = ssl_error(s, ret, "write");
    return error ? error : -ECONNRESET;
}

static void
ssl_close(struct stream *stream)
{
    struct ssl_stream *s = ssl_stream_cast(stream);

    if (s->handshake_done) {
        SSL_shutdown(s->ssl); /* Best effort; never waits. */
    }
    SSL_free(s->ssl);
    close(stream->fd);
    free(s->early);
    stream_uninit(stream);
    free(s);
}

static int
ssl_listen(const char *suffix, struct pstream **pstreamp)
{
    struct sockaddr_storage ss;
    struct ssl_pstream *ps;
    socklen_t len = sizeof ss;
    int fd, one = 1;

    if (!get_ctx()) {
        return -ENOPROTOOPT;
    }
    if (stream_parse_inet_passive(suffix, &ss, &len)) {
        return -EINVAL;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *) &ss, len) < 0 || listen(fd, 64) < 0
        || getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
        int error = -errno;

        close(fd);
        return error;
    }
    ps = xzalloc(sizeof *ps);
    pstream_init(&ps->up, &stream_ssl_class, fd, xasprintf("pssl:%s", suffix));
    ps->up.port = ntohs(ss.ss_family == AF_INET6
                            ? ((struct sockaddr_in6 *) &ss)->sin6_port
                            : ((struct sockaddr_in *) &ss)->sin_port);
    *pstreamp = &ps->up;
    return 0;
}

static int
ssl_accept(struct pstream *pstream, struct stream **streamp)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char addr[64];
    SSL_CTX *ctx;
    int fd, one = 1;

    fd = accept4(pstream->fd, (struct sockaddr *) &ss, &len,
                 SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
    ctx = get_ctx();
    if (!ctx) {
        close(fd);
        return -ENOPROTOOPT;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    stream_format_inet(&ss, addr, sizeof addr);
    *streamp = &ssl_stream_new(fd, ctx, true, xasprintf("ssl:%s", addr))->up;
    return 0;
}

static void
ssl_pclose(struct pstream *pstream)
{
    struct ssl_pstream *ps = container_of(pstream, struct ssl_pstream, up);

    close(pstream->fd);
    pstream_uninit(pstream);
    free(ps);
}

const struct stream_class stream_ssl_class = {
    .name = "ssl",
    .verify = ssl_verify,
    .open = ssl_open,
    .connect = ssl_connect,
    .recv = ssl_recv,
    .send = ssl_send,
    .close = ssl_close,
    .listen = ssl_listen,
    .accept = ssl_accept,
    .pclose = ssl_pclose,
};
