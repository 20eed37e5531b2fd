/* SPDX-License-Identifier: Apache-2.0 */
/* Streams: provider dispatch and address parsing. */
#include "vtepd/jsonrpc/stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "lib/util.h"

static const struct stream_class *const stream_classes[] = {
    &stream_tcp_class,
    &stream_unix_class,
    &stream_ssl_class,
};

/* Finds the provider whose prefix starts 'name' and points '*suffix' past
 * the colon.  'passive' selects "pNAME:" rather than "NAME:". */
static const struct stream_class *
lookup_class(const char *name, bool passive, const char **suffix)
{
    size_t i;

    if (passive) {
        if (name[0] != 'p') {
            return NULL;
        }
        name++;
    }
    for (i = 0; i < ARRAY_SIZE(stream_classes); i++) {
        const struct stream_class *class = stream_classes[i];
        size_t len = strlen(class->name);

        if (!strncmp(name, class->name, len) && name[len] == ':') {
            *suffix = name + len + 1;
            return class;
        }
    }
    return NULL;
}

bool
stream_name_is_passive(const char *name)
{
    const char *suffix;

    return lookup_class(name, true, &suffix) != NULL;
}

bool
stream_verify_name(const char *name)
{
    const char *suffix;
    const struct stream_class *class = lookup_class(name, false, &suffix);

    return class && class->verify(suffix, false);
}

bool
pstream_verify_name(const char *name)
{
    const char *suffix;
    const struct stream_class *class = lookup_class(name, true, &suffix);

    return class && class->verify(suffix, true);
}

int
stream_open(const char *name, struct stream **streamp)
{
    const char *suffix;
    const struct stream_class *class = lookup_class(name, false, &suffix);

    *streamp = NULL;
    if (!class) {
        return -EAFNOSUPPORT;
    }
    if (!class->verify(suffix, false)) {
        return -EINVAL;
    }
    return class->open(suffix, streamp);
}

int
stream_connect(struct stream *stream)
{
    return stream->class->connect(stream);
}

ssize_t
stream_recv(struct stream *stream, void *buf, size_t n)
{
    return stream->class->recv(stream, buf, n);
}

ssize_t
stream_send(struct stream *stream, const void *buf, size_t n)
{
    return stream->class->send(stream, buf, n);
}

ssize_t
stream_sendv(struct stream *stream, const struct iovec *iov, int n)
{
    ssize_t total = 0;

    if (stream->class->sendv && n > 1) {
        return stream->class->sendv(stream, iov, n);
    }
    /* One buffer after another, stopping where the stream stops taking
     * them, as one gathered write would. */
    for (int i = 0; i < n; i++) {
        ssize_t retval =
            stream->class->send(stream, iov[i].iov_base, iov[i].iov_len);

        if (retval < 0) {
            return total ? total : retval;
        }
        total += retval;
        if ((size_t) retval < iov[i].iov_len) {
            break;
        }
    }
    return total;
}

bool
stream_short_read_drains(const struct stream *stream)
{
    return stream->class->short_read_drains;
}

void
stream_close(struct stream *stream)
{
    if (stream) {
        stream->class->close(stream);
    }
}

int
stream_fd(const struct stream *stream)
{
    return stream->fd;
}

const char *
stream_name(const struct stream *stream)
{
    return stream->name;
}

int
pstream_open(const char *name, struct pstream **pstreamp)
{
    const char *suffix;
    const struct stream_class *class = lookup_class(name, true, &suffix);

    *pstreamp = NULL;
    if (!class) {
        return -EAFNOSUPPORT;
    }
    if (!class->verify(suffix, true)) {
        return -EINVAL;
    }
    return class->listen(suffix, pstreamp);
}

int
pstream_accept(struct pstream *pstream, struct stream **streamp)
{
    *streamp = NULL;
    return pstream->class->accept(pstream, streamp);
}

void
pstream_close(struct pstream *pstream)
{
    if (pstream) {
        pstream->class->pclose(pstream);
    }
}

int
pstream_fd(const struct pstream *pstream)
{
    return pstream->fd;
}

const char *
pstream_name(const struct pstream *pstream)
{
    return pstream->name;
}

uint16_t
pstream_get_bound_port(const struct pstream *pstream)
{
    return pstream->port;
}

void
stream_init(struct stream *stream, const struct stream_class *class, int fd,
            char *name)
{
    stream->class = class;
    stream->fd = fd;
    stream->name = name;
}

void
pstream_init(struct pstream *pstream, const struct stream_class *class, int fd,
             char *name)
{
    pstream->class = class;
    pstream->fd = fd;
    pstream->name = name;
    pstream->port = 0;
}

void
stream_uninit(struct stream *stream)
{
    free(stream->name);
    stream->name = NULL;
}

void
pstream_uninit(struct pstream *pstream)
{
    free(pstream->name);
    pstream->name = NULL;
}

/* Address parsing. */

/* Parses a decimal port number in [min_port, 65535]. */
static int
parse_port(const char *s, long min_port, uint16_t *port)
{
    char *end;
    long value;

    if (*s < '0' || *s > '9') {
        return -EINVAL;
    }
    errno = 0;
    value = strtol(s, &end, 10);
    if (errno || *end || value < min_port || value > 65535) {
        return -EINVAL;
    }
    *port = (uint16_t) value;
    return 0;
}

/* Parses an IPv4 or IPv6 literal, IPv6 optionally in brackets, into 'ss'
 * with 'port'. */
static int
parse_ip(const char *s, size_t len, uint16_t port, struct sockaddr_storage *ss,
         socklen_t *lenp)
{
    char text[INET6_ADDRSTRLEN + 2];
    struct sockaddr_in *sin = (struct sockaddr_in *) ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
    bool bracketed = len >= 2 && s[0] == '[' && s[len - 1] == ']';

    if (bracketed) {
        s++;
        len -= 2;
    }
    if (!len || len >= sizeof text) {
        return -EINVAL;
    }
    memcpy(text, s, len);
    text[len] = '\0';

    memset(ss, 0, sizeof *ss);
    if (!bracketed && inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        *lenp = sizeof *sin;
        return 0;
    }
    if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        *lenp = sizeof *sin6;
        return 0;
    }
    return -EINVAL;
}

int
stream_parse_inet_active(const char *suffix, struct sockaddr_storage *ss,
                         socklen_t *lenp)
{
    const char *colon;
    uint16_t port;
    int error;

    if (suffix[0] == '[') {
        const char *close = strchr(suffix, ']');

        if (!close || close[1] != ':') {
            return -EINVAL;
        }
        colon = close + 1;
    } else {
        colon = strrchr(suffix, ':');
        if (!colon) {
            return -EINVAL;
        }
    }
    error = parse_port(colon + 1, 1, &port);
    if (error) {
        return error;
    }
    return parse_ip(suffix, (size_t) (colon - suffix), port, ss, lenp);
}

int
stream_parse_inet_passive(const char *suffix, struct sockaddr_storage *ss,
                          socklen_t *lenp)
{
    const char *colon = strchr(suffix, ':');
    char port_text[8];
    size_t port_len = colon ? (size_t) (colon - suffix) : strlen(suffix);
    const char *ip = colon ? colon + 1 : "0.0.0.0";
    uint16_t port;
    int error;

    if (port_len >= sizeof port_text) {
        return -EINVAL;
    }
    memcpy(port_text, suffix, port_len);
    port_text[port_len] = '\0';
    error = parse_port(port_text, 0, &port);
    if (error) {
        return error;
    }
    return parse_ip(ip, strlen(ip), port, ss, lenp);
}

int
stream_parse_unix(const char *path, struct sockaddr_storage *ss,
                  socklen_t *lenp)
{
    struct sockaddr_un *sun = (struct sockaddr_un *) ss;
    size_t len = strlen(path);

    if (!len) {
        return -EINVAL;
    }
    if (len >= sizeof sun->sun_path) {
        return -ENAMETOOLONG;
    }
    memset(ss, 0, sizeof *ss);
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, path, len + 1);
    *lenp = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len + 1);
    return 0;
}

void
stream_format_inet(const struct sockaddr_storage *ss, char *buf, size_t size)
{
    char ip[INET6_ADDRSTRLEN];

    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;

        inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof ip);
        snprintf(buf, size, "[%s]:%u", ip, ntohs(sin6->sin6_port));
    } else if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;

        inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
        snprintf(buf, size, "%s:%u", ip, ntohs(sin->sin_port));
    } else {
        snprintf(buf, size, "?");
    }
}
