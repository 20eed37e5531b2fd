/* SPDX-License-Identifier: Apache-2.0 */
/* Byte streams for the OVSDB and control-socket protocols.
 *
 * A remote name selects a provider by its prefix: "unix:PATH" and
 * "tcp:IP:PORT" open a connected stream (non-blocking, the connection may
 * still be in progress), "punix:PATH" and "ptcp:PORT[:IP]" open a listener
 * ("pstream") that accepts connected streams.  Every stream and listener is
 * a non-blocking, close-on-exec file descriptor that the caller watches with
 * its own event loop; this module never blocks and never logs.
 *
 * Providers (fd-based unix and tcp today, TLS later) fill in a
 * 'struct stream_class' and embed 'struct stream' / 'struct pstream' in
 * their own state, the way OVS's stream-provider.h does. */
#ifndef VTEPD_JSONRPC_STREAM_H
#define VTEPD_JSONRPC_STREAM_H 1

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

struct stream;
struct pstream;

/* Connected streams. */

/* Starts connecting to 'name' ("unix:PATH", "tcp:IP:PORT").  On success
 * returns 0 and stores a new stream, which the caller owns, in '*streamp';
 * the connection may still be in progress (see stream_connect()).  Returns
 * -EAFNOSUPPORT for an unknown prefix, -EINVAL for a malformed name, or
 * another negative errno. */
int stream_open(const char *name, struct stream **streamp);
/* Finishes a connection started by stream_open(): returns 0 once connected,
 * -EAGAIN while still in progress (wait until the fd is writable), or a
 * negative errno on failure. */
int stream_connect(struct stream *);
/* Reads at most 'n' bytes into 'buf'.  Returns the number read (> 0), 0 at
 * end of stream, -EAGAIN if nothing is available now, or a negative errno. */
ssize_t stream_recv(struct stream *, void *buf, size_t n);
/* Writes at most 'n' bytes from 'buf'.  Returns the number written (> 0),
 * -EAGAIN if the peer's buffer is full, or a negative errno. */
ssize_t stream_send(struct stream *, const void *buf, size_t n);
/* Writes what it can of the 'n' buffers of 'iov', in order: in one system
 * call where the stream allows, else buffer by buffer until one is not
 * taken whole.  Returns the bytes written (> 0) or a negative errno,
 * -EAGAIN if none fit now. */
ssize_t stream_sendv(struct stream *, const struct iovec *iov, int n);
/* True if a read that returned fewer bytes than asked for has emptied
 * what the stream holds, so that the caller may wait for readiness
 * instead of reading again (plain sockets; not TLS, which buffers whole
 * records). */
bool stream_short_read_drains(const struct stream *);
/* Closes and frees the stream.  Accepts NULL. */
void stream_close(struct stream *);
/* The file descriptor to watch (readable, and writable while a connection is
 * in progress or output is pending). */
int stream_fd(const struct stream *);
/* A name for log messages, e.g. "tcp:127.0.0.1:41234" or "unix#3";
 * borrowed. */
const char *stream_name(const struct stream *);

/* Listeners. */

/* Starts listening on 'name' ("punix:PATH", "ptcp:PORT[:IP]").  A stale
 * Unix socket file at PATH is removed first.  On success returns 0 and
 * stores a new listener, which the caller owns, in '*pstreamp'; otherwise
 * returns a negative errno as stream_open() does. */
int pstream_open(const char *name, struct pstream **pstreamp);
/* Accepts one connection: returns 0 and a new stream (owned by the caller)
 * in '*streamp', -EAGAIN if none is pending, or a negative errno. */
int pstream_accept(struct pstream *, struct stream **streamp);
/* Closes and frees the listener (removing its socket file).  Accepts NULL. */
void pstream_close(struct pstream *);
int pstream_fd(const struct pstream *);
const char *pstream_name(const struct pstream *);
/* The TCP port the listener is bound to (useful after "ptcp:0"), or 0 for
 * listeners that have none. */
uint16_t pstream_get_bound_port(const struct pstream *);

/* Names. */

/* Returns true if 'name' is an active remote of a known provider with a
 * well-formed suffix, likewise for passive remotes. */
bool stream_verify_name(const char *name);
bool pstream_verify_name(const char *name);
/* Returns true if 'name' starts with the prefix of a passive provider. */
bool stream_name_is_passive(const char *name);

/* Parses the "IP:PORT" of an active TCP remote (IPv6 in brackets, or bare if
 * unambiguous as in options.c) into 'ss'.  Returns 0 or -EINVAL. */
int stream_parse_inet_active(const char *suffix, struct sockaddr_storage *ss,
                             socklen_t *lenp);
/* Parses the "PORT[:IP]" of a passive TCP remote (IP defaults to 0.0.0.0;
 * "[::1]" and "::1" both accepted; port 0 means ephemeral).  Returns 0 or
 * -EINVAL. */
int stream_parse_inet_passive(const char *suffix, struct sockaddr_storage *ss,
                              socklen_t *lenp);
/* Fills a Unix socket address with 'path'.  Returns 0, -EINVAL for an empty
 * path, or -ENAMETOOLONG. */
int stream_parse_unix(const char *path, struct sockaddr_storage *ss,
                      socklen_t *lenp);
/* Formats 'ss' as "IP:PORT" ("[IP6]:PORT") into 'buf'. */
void stream_format_inet(const struct sockaddr_storage *ss, char *buf,
                        size_t size);

/* Provider interface.
 *
 * A provider handles one active prefix ('name') and its passive twin ("p"
 * followed by 'name').  It allocates its own structure embedding
 * 'struct stream' or 'struct pstream', fills the embedded part with
 * stream_init() / pstream_init(), and frees everything in 'close' /
 * 'pclose'.  Functions return 0 or a negative errno like the public API. */
struct stream_class {
    const char *name; /* "tcp", "unix"; passive prefix is "p" + name. */

    /* Checks the syntax of what follows "NAME:" (active) or "pNAME:". */
    bool (*verify)(const char *suffix, bool passive);
    int (*open)(const char *suffix, struct stream **streamp);
    int (*connect)(struct stream *);
    ssize_t (*recv)(struct stream *, void *buf, size_t n);
    ssize_t (*send)(struct stream *, const void *buf, size_t n);
    /* Optional: gathers 'n' buffers into one write. */
    ssize_t (*sendv)(struct stream *, const struct iovec *iov, int n);
    void (*close)(struct stream *);
    /* A short read empties the stream (see stream_short_read_drains()). */
    bool short_read_drains;

    int (*listen)(const char *suffix, struct pstream **pstreamp);
    int (*accept)(struct pstream *, struct stream **streamp);
    void (*pclose)(struct pstream *);
};

struct stream {
    const struct stream_class *class;
    int fd;
    char *name; /* Owned. */
};

struct pstream {
    const struct stream_class *class;
    int fd;
    char *name;    /* Owned. */
    uint16_t port; /* Bound TCP port, or 0. */
};

/* Initialises the embedded part; takes ownership of 'name' (malloc'd). */
void stream_init(struct stream *, const struct stream_class *, int fd,
                 char *name);
void pstream_init(struct pstream *, const struct stream_class *, int fd,
                  char *name);
/* Frees what stream_init() / pstream_init() stored (not the fd). */
void stream_uninit(struct stream *);
void pstream_uninit(struct pstream *);

/* Built-in providers (stream-fd.c, stream-ssl.c). */
extern const struct stream_class stream_tcp_class;
extern const struct stream_class stream_unix_class;
extern const struct stream_class stream_ssl_class;

/* TLS configuration for "ssl:" and "pssl:" (--private-key, --certificate,
 * --ca-cert), shared by every TLS stream.  Paths are copied.  The files
 * are read when the first TLS stream opens and re-read whenever one of
 * them changes (checked at each new connection).  Until all three are set,
 * opening an ssl: or pssl: remote fails with -ENOPROTOOPT. */
void stream_ssl_set_private_key_file(const char *path);
void stream_ssl_set_certificate_file(const char *path);
void stream_ssl_set_ca_cert_file(const char *path);
bool stream_ssl_is_configured(void);

#endif /* vtepd/ovsdb/stream.h */
