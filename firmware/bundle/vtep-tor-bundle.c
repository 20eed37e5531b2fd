// SPDX-License-Identifier: Apache-2.0
/* vtep-tor-bundle: the firmware's checks of an upgrade bundle that need
 * cryptography (docs/firmware.md, "Images"), for vtep-tor-image:
 *
 *   verify MANIFEST SIGNATURE KEY.pem...
 *       whether SIGNATURE (64 bytes, raw) is an Ed25519 signature of the
 *       file MANIFEST by one of the public keys (PEM files, each may hold
 *       several keys).  The manifest names each file's SHA-256, so a good
 *       signature of it vouches for the whole bundle.
 *   fetch URL OUT [CA.pem]
 *       downloads URL (http:// or https://) to OUT.  https verifies the
 *       server's certificate chain against CA.pem (required for https) and
 *       that the certificate names the URL's host (DNS name or IP address).
 *   once LDLINUX.SYS [LABEL]
 *       makes syslinux boot LABEL once, at the next boot only (LABEL a
 *       slot, a or b), or clears a boot-once: its ADV, the last two
 *       sectors of LDLINUX.SYS, which syslinux reads at boot, clears and
 *       writes back before it boots the label.
 *   vercmp A B
 *       prints "older", "same" or "newer": bundle version A against B
 *       (the ordering is in version_cmp() below and docs/firmware.md).
 *
 * Exit status 0 on success; otherwise one line on stderr says why. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define MANIFEST_MAX (64 * 1024)
#define SIG_LEN 64
#define KEYS_MAX 16
/* The boot partition is 128 MiB and holds two slots beside the download. */
#define BUNDLE_MAX (100L * 1024 * 1024)
#define HEADER_MAX (16 * 1024)
#define URL_MAX 2048
#define IO_TIMEOUT_S 60

/* syslinux's ADV (auxiliary data vector): two copies of a 512-byte block,
 * magic, checksum, 500 bytes of tag-length-value entries, magic; the
 * checksum makes the 32-bit words after it but the last sum to MAGIC2. */
#define ADV_SIZE 512
#define ADV_MAGIC1 0x5a2d2fa5u
#define ADV_MAGIC2 0xa3041767u
#define ADV_MAGIC3 0xdd28bf64u
#define ADV_END 0
#define ADV_BOOTONCE 1

static const char *prog = "vtep-tor-bundle";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
fail(const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", prog);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    return 1;
}

/* The first OpenSSL error queued, as text (a static buffer). */
static const char *
ssl_why(void)
{
    static char buf[256];
    unsigned long e = ERR_get_error();

    if (!e) {
        return "unknown error";
    }
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

/* Reads at most 'max' bytes of 'path' into a new buffer; -1 when it cannot
 * or the file is longer. */
static long
read_file(const char *path, unsigned char **out, long max)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    size_t n;

    if (!f) {
        return -1;
    }
    buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        return -1;
    }
    n = fread(buf, 1, max + 1, f);
    fclose(f);
    if (n > (size_t) max) {
        free(buf);
        errno = EFBIG;
        return -1;
    }
    *out = buf;
    return (long) n;
}

/* ---- verify ---- */

static int
cmd_verify(int argc, char **argv)
{
    unsigned char *manifest = NULL, *sig = NULL;
    long manifest_len, sig_len;
    int keys = 0, rc = 1;

    if (argc < 3) {
        return fail("usage: verify MANIFEST SIGNATURE KEY.pem...");
    }
    manifest_len = read_file(argv[0], &manifest, MANIFEST_MAX);
    if (manifest_len < 0) {
        return fail("%s: %s", argv[0], strerror(errno));
    }
    sig_len = read_file(argv[1], &sig, SIG_LEN);
    if (sig_len != SIG_LEN) {
        free(manifest);
        free(sig);
        return fail("the signature is not an Ed25519 signature (64 bytes)");
    }
    for (int i = 2; i < argc && rc; i++) {
        FILE *f = fopen(argv[i], "r");
        EVP_PKEY *key;

        if (!f) {
            rc = fail("%s: %s", argv[i], strerror(errno));
            break;
        }
        while (rc && (key = PEM_read_PUBKEY(f, NULL, NULL, NULL))) {
            EVP_MD_CTX *ctx = EVP_MD_CTX_new();

            if (++keys > KEYS_MAX || EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
                EVP_MD_CTX_free(ctx);
                EVP_PKEY_free(key);
                fclose(f);
                free(manifest);
                free(sig);
                return fail(keys > KEYS_MAX ? "more than %d keys"
                                            : "key %d is not an Ed25519 key",
                            keys > KEYS_MAX ? KEYS_MAX : keys);
            }
            if (ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1
                && EVP_DigestVerify(ctx, sig, SIG_LEN, manifest, manifest_len)
                       == 1) {
                printf("signed by key %d\n", keys);
                rc = 0;
            }
            EVP_MD_CTX_free(ctx);
            EVP_PKEY_free(key);
        }
        ERR_clear_error();
        fclose(f);
    }
    free(manifest);
    free(sig);
    if (rc && !keys) {
        return fail("no public key (PEM) in the key files");
    } else if (rc) {
        return fail("the signature is not by any of the %d signing key%s",
                    keys, keys == 1 ? "" : "s");
    }
    return 0;
}

/* ---- fetch ---- */

struct url {
    bool tls;
    char host[256];
    char port[8];
    char path[URL_MAX];
};

/* Parses http[s]://HOST[:PORT][/PATH] (HOST a name, an IPv4 address or an
 * IPv6 address in brackets).  Returns false if it is not one. */
static bool
url_parse(const char *s, struct url *u)
{
    const char *p, *host_end, *slash;
    size_t len;

    if (strlen(s) >= URL_MAX) {
        return false;
    }
    if (!strncmp(s, "https://", 8)) {
        u->tls = true, p = s + 8;
        strcpy(u->port, "443");
    } else if (!strncmp(s, "http://", 7)) {
        u->tls = false, p = s + 7;
        strcpy(u->port, "80");
    } else {
        return false;
    }
    slash = p + strcspn(p, "/?#");
    if (*p == '[') {
        host_end = memchr(p, ']', slash - p);
        if (!host_end) {
            return false;
        }
        len = host_end - p - 1, p++;
        host_end++;
    } else {
        host_end = memchr(p, ':', slash - p);
        host_end = host_end ? host_end : slash;
        len = host_end - p;
    }
    if (!len || len >= sizeof u->host) {
        return false;
    }
    memcpy(u->host, p, len);
    u->host[len] = '\0';
    if (strspn(u->host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789.-:")
        != len) {
        return false;
    }
    if (*host_end == ':') {
        len = slash - host_end - 1;
        if (!len || len >= sizeof u->port
            || strspn(host_end + 1, "0123456789") < len) {
            return false;
        }
        memcpy(u->port, host_end + 1, len);
        u->port[len] = '\0';
    } else if (host_end != slash) {
        return false;
    }
    snprintf(u->path, sizeof u->path, "%s%s", *slash == '/' ? "" : "/", slash);
    /* A request line may not carry spaces or control characters. */
    for (p = u->path; *p; p++) {
        if ((unsigned char) *p <= ' ' || *p == 0x7f) {
            return false;
        }
    }
    u->path[strcspn(u->path, "#")] = '\0';
    return true;
}

static int
tcp_connect(const struct url *u)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
    struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
    int fd = -1, err;

    err = getaddrinfo(u->host, u->port, &hints, &res);
    if (err) {
        fail("%s: %s", u->host, gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
        errno = err;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fail("cannot connect to %s port %s: %s", u->host, u->port,
             strerror(errno));
    }
    return fd;
}

struct conn {
    int fd;
    SSL *ssl;
};

static long
conn_read(struct conn *c, void *buf, size_t len)
{
    if (c->ssl) {
        int n = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int) len);

        if (n > 0) {
            return n;
        }
        return SSL_get_error(c->ssl, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
    }
    return read(c->fd, buf, len);
}

static bool
conn_write(struct conn *c, const char *buf, size_t len)
{
    if (c->ssl) {
        return SSL_write(c->ssl, buf, (int) len) == (int) len;
    }
    return write(c->fd, buf, len) == (ssize_t) len;
}

/* Starts TLS on 'c' to 'u''s host, verified against the CA file. */
static int
tls_start(struct conn *c, SSL_CTX **ctxp, const struct url *u, const char *ca)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    X509_VERIFY_PARAM *param;
    long verify;

    *ctxp = ctx;
    if (!ctx) {
        return fail("TLS: %s", ssl_why());
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* A server that closes without close_notify: the length (when given),
     * the signature or the SHA-256 catch a truncated bundle. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
        return fail("%s: no CA certificate to verify the server with: %s", ca,
                    ssl_why());
    }
    c->ssl = SSL_new(ctx);
    if (!c->ssl) {
        return fail("TLS: %s", ssl_why());
    }
    param = SSL_get0_param(c->ssl);
    X509_VERIFY_PARAM_set_hostflags(param,
                                    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, u->host) != 1) {
        ERR_clear_error();
        if (X509_VERIFY_PARAM_set1_host(param, u->host, 0) != 1) {
            return fail("TLS: %s", ssl_why());
        }
        SSL_set_tlsext_host_name(c->ssl, u->host);
    }
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_connect(c->ssl) != 1) {
        verify = SSL_get_verify_result(c->ssl);
        if (verify != X509_V_OK) {
            return fail("https://%s:%s: the server's certificate is not "
                        "trusted: %s",
                        u->host, u->port,
                        X509_verify_cert_error_string(verify));
        }
        return fail("https://%s:%s: TLS handshake failed: %s", u->host,
                    u->port, ssl_why());
    }
    return 0;
}

/* Reads the response header into 'hdr'; 'extra' bytes of body that came
 * with it stay after it at 'body'.  Returns the status, or -1. */
static int
read_header(struct conn *c, char *hdr, char **body, long *extra)
{
    size_t len = 0;
    char *end = NULL;
    int status;

    while (!end) {
        long n;

        if (len >= HEADER_MAX) {
            return fail("the server's response header is longer than %d bytes",
                        HEADER_MAX),
                   -1;
        }
        n = conn_read(c, hdr + len, HEADER_MAX - len);
        if (n <= 0) {
            return fail("the server closed the connection before its "
                        "response header"),
                   -1;
        }
        len += n;
        hdr[len] = '\0';
        end = strstr(hdr, "\r\n\r\n");
    }
    *body = end + 4;
    *extra = (long) (hdr + len - *body);
    *end = '\0';
    if (sscanf(hdr, "HTTP/1.%*1[01] %3d", &status) != 1) {
        return fail("not an HTTP response"), -1;
    }
    return status;
}

/* The Content-Length of the header 'hdr', or -1 if none. */
static long
content_length(const char *hdr)
{
    for (const char *p = strchr(hdr, '\n'); p; p = strchr(p + 1, '\n')) {
        if (!strncasecmp(p + 1, "content-length:", 15)) {
            char *end;
            long n = strtol(p + 16, &end, 10);

            return n >= 0 && (*end == '\r' || *end == '\0') ? n : -1;
        }
    }
    return -1;
}

static int
cmd_fetch(int argc, char **argv)
{
    static char hdr[HEADER_MAX + 1];
    struct conn c = { .fd = -1 };
    SSL_CTX *ctx = NULL;
    char req[URL_MAX + 512], buf[65536], *body;
    long extra, length, total = 0, n;
    struct url u;
    FILE *out = NULL;
    int status, rc = 1;

    if (argc < 2 || argc > 3) {
        return fail("usage: fetch URL OUT [CA.pem]");
    }
    if (!url_parse(argv[0], &u)) {
        return fail("%s: not an http:// or https:// URL", argv[0]);
    }
    if (u.tls && argc < 3) {
        return fail("%s: no CA certificate to verify the server with "
                    "(image-ca-cert= in the config)",
                    argv[0]);
    }
    c.fd = tcp_connect(&u);
    if (c.fd < 0) {
        return 1;
    }
    if (u.tls && tls_start(&c, &ctx, &u, argv[2])) {
        goto out;
    }
    snprintf(req, sizeof req,
             "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: vtep-tor-bundle\r\n"
             "Connection: close\r\n\r\n",
             u.path, u.host);
    if (!conn_write(&c, req, strlen(req))) {
        fail("cannot send the request to %s", u.host);
        goto out;
    }
    status = read_header(&c, hdr, &body, &extra);
    if (status < 0) {
        goto out;
    } else if (status != 200) {
        fail("%s: the server answered %.*s", argv[0], (int) strcspn(hdr, "\r"),
             hdr);
        goto out;
    }
    length = content_length(hdr);
    if (length > BUNDLE_MAX) {
        fail("%s: %ld bytes, more than a bundle can be (%ld)", argv[0], length,
             BUNDLE_MAX);
        goto out;
    }
    out = fopen(argv[1], "wb");
    if (!out) {
        fail("%s: %s", argv[1], strerror(errno));
        goto out;
    }
    if (extra && fwrite(body, 1, extra, out) != (size_t) extra) {
        fail("%s: %s", argv[1], strerror(errno));
        goto out;
    }
    total = extra;
    while ((n = conn_read(&c, buf, sizeof buf)) > 0) {
        total += n;
        if (total > BUNDLE_MAX) {
            fail("%s: more than a bundle can be (%ld bytes)", argv[0],
                 BUNDLE_MAX);
            goto out;
        }
        if (fwrite(buf, 1, n, out) != (size_t) n) {
            fail("%s: %s", argv[1], strerror(errno));
            goto out;
        }
    }
    if (n < 0) {
        fail("%s: the download broke off after %ld bytes", argv[0], total);
    } else if (length >= 0 && total != length) {
        fail("%s: %ld bytes of %ld: the download broke off", argv[0], total,
             length);
    } else if (fclose(out)) {
        out = NULL;
        fail("%s: %s", argv[1], strerror(errno));
    } else {
        out = NULL;
        rc = 0;
    }
out:
    if (out) {
        fclose(out);
    }
    if (c.ssl) {
        SSL_free(c.ssl);
    }
    SSL_CTX_free(ctx);
    close(c.fd);
    return rc;
}

/* ---- once ---- */

static uint32_t
get32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24;
}

static void
put32(unsigned char *p, uint32_t v)
{
    p[0] = v, p[1] = v >> 8, p[2] = v >> 16, p[3] = v >> 24;
}

static bool
adv_valid(const unsigned char *adv)
{
    uint32_t sum = 0;

    for (int i = 4; i < ADV_SIZE - 4; i += 4) {
        sum += get32(adv + i);
    }
    return get32(adv) == ADV_MAGIC1 && get32(adv + ADV_SIZE - 4) == ADV_MAGIC3
           && sum == ADV_MAGIC2;
}

static int
cmd_once(int argc, char **argv)
{
    unsigned char adv[2 * ADV_SIZE], data[ADV_SIZE - 12] = { 0 };
    const char *label = argc == 2 ? argv[1] : NULL;
    size_t n = 0, off = 0;
    uint32_t sum = ADV_MAGIC2;
    FILE *f;

    if (argc < 1 || argc > 2) {
        return fail("usage: once LDLINUX.SYS [LABEL]");
    } else if (label && (strlen(label) != 1 || !strchr("ab", *label))) {
        return fail("'%s' is not a slot (a or b)", label);
    }
    f = fopen(argv[0], "r+b");
    if (!f) {
        return fail("%s: %s", argv[0], strerror(errno));
    }
    if (fseek(f, -(long) sizeof adv, SEEK_END)
        || fread(adv, 1, sizeof adv, f) != sizeof adv) {
        fclose(f);
        return fail("%s: cannot read its last two sectors", argv[0]);
    }
    if (!adv_valid(adv) && !adv_valid(adv + ADV_SIZE)) {
        fclose(f);
        return fail("%s: no syslinux ADV in its last two sectors", argv[0]);
    }
    /* Keeps every entry but a boot-once, then adds ours. */
    memcpy(adv, adv_valid(adv) ? adv : adv + ADV_SIZE, ADV_SIZE);
    while (off + 2 <= sizeof data && adv[8 + off] != ADV_END) {
        unsigned char tag = adv[8 + off], len = adv[9 + off];

        if (off + 2 + len > sizeof data) {
            break;
        }
        if (tag != ADV_BOOTONCE) {
            memcpy(data + n, adv + 8 + off, 2 + len);
            n += 2 + len;
        }
        off += 2 + len;
    }
    if (label) {
        if (n + 3 > sizeof data) {
            fclose(f);
            return fail("%s: no room in the ADV", argv[0]);
        }
        data[n++] = ADV_BOOTONCE, data[n++] = 1, data[n++] = *label;
    }
    memcpy(adv + 8, data, sizeof data);
    put32(adv, ADV_MAGIC1);
    for (int i = 8; i < ADV_SIZE - 4; i += 4) {
        sum -= get32(adv + i);
    }
    put32(adv + 4, sum);
    put32(adv + ADV_SIZE - 4, ADV_MAGIC3);
    memcpy(adv + ADV_SIZE, adv, ADV_SIZE);
    if (fseek(f, -(long) sizeof adv, SEEK_END)
        || fwrite(adv, 1, sizeof adv, f) != sizeof adv || fflush(f)
        || fsync(fileno(f))) {
        fclose(f);
        return fail("%s: cannot write its ADV: %s", argv[0], strerror(errno));
    }
    if (fclose(f)) {
        return fail("%s: %s", argv[0], strerror(errno));
    }
    return 0;
}

/* The weight of character 'c' (0 for the end of a string) in a run of
 * non-digits: '~' below the end, the end below letters, letters below the
 * other characters. */
static int
char_weight(char c)
{
    if (c == '~') {
        return -1;
    } else if (!c) {
        return 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        return (unsigned char) c;
    }
    return (unsigned char) c + 256;
}

/* Compares bundle versions 'a' and 'b' (strcmp()-like result).  Each is
 * read as alternating runs of non-digits and digits from its start; runs
 * are compared in turn: non-digit runs character by character by
 * char_weight() (so "1.0~rc1" < "1.0" < "1.0-test" < "1.0.1"), digit runs
 * as numbers (so "0.9" < "0.10", "01" = "1").  This is the ordering of a
 * Debian package's upstream version, the form vtepd's versions take. */
static int
version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        /* Non-digits (possibly none). */
        while ((*a && !isdigit((unsigned char) *a))
               || (*b && !isdigit((unsigned char) *b))) {
            int wa = isdigit((unsigned char) *a) ? 0 : char_weight(*a);
            int wb = isdigit((unsigned char) *b) ? 0 : char_weight(*b);

            if (wa != wb) {
                return wa < wb ? -1 : 1;
            }
            a += !isdigit((unsigned char) *a) && *a;
            b += !isdigit((unsigned char) *b) && *b;
        }
        /* Digits (possibly none, which is 0): leading zeros do not count,
         * then the longer run is the larger, else the first difference. */
        while (*a == '0') {
            a++;
        }
        while (*b == '0') {
            b++;
        }
        size_t na = 0, nb = 0;

        while (isdigit((unsigned char) a[na])) {
            na++;
        }
        while (isdigit((unsigned char) b[nb])) {
            nb++;
        }
        if (na != nb) {
            return na < nb ? -1 : 1;
        }
        int c = strncmp(a, b, na);

        if (c) {
            return c < 0 ? -1 : 1;
        }
        a += na;
        b += nb;
    }
    return 0;
}

static int
cmd_vercmp(int argc, char **argv)
{
    int c;

    if (argc != 2) {
        return fail("usage: vercmp A B");
    }
    for (int i = 0; i < 2; i++) {
        if (!*argv[i]
            || strspn(argv[i], "0123456789abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+~_-")
                   != strlen(argv[i])) {
            return fail("'%s' is not a version (letters, digits and .+~_-)",
                        argv[i]);
        }
    }
    c = version_cmp(argv[0], argv[1]);
    printf("%s\n", c < 0 ? "older" : c > 0 ? "newer" : "same");
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "verify")) {
        return cmd_verify(argc - 2, argv + 2);
    } else if (argc >= 2 && !strcmp(argv[1], "fetch")) {
        return cmd_fetch(argc - 2, argv + 2);
    } else if (argc >= 2 && !strcmp(argv[1], "once")) {
        return cmd_once(argc - 2, argv + 2);
    } else if (argc >= 2 && !strcmp(argv[1], "vercmp")) {
        return cmd_vercmp(argc - 2, argv + 2);
    }
    return fail("usage: %s verify MANIFEST SIGNATURE KEY.pem... | fetch URL "
                "OUT [CA.pem] | once LDLINUX.SYS [LABEL] | vercmp A B",
                prog);
}
