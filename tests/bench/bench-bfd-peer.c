/* SPDX-License-Identifier: Apache-2.0 */
/* The far ends of many BFD sessions, for tests/bench/bfd-sessions.sh: N
 * remote VTEPs at FIRST_IP, FIRST_IP+1, ... (addresses of this namespace),
 * each with one session toward the VTEP under test, carried in VXLAN VNI 0
 * as Open vSwitch carries it.  The sessions are the HAL's own (hal-bfd.c),
 * one table per remote, so the peer speaks exactly what vtepd speaks.
 *
 *   bench-bfd-peer cpu VTEP_IP FIRST_IP N INTERVAL_MS SECONDS
 *       waits until every session is up (at most 60 s), then runs SECONDS
 *       more and prints "up N/N" and its own CPU time.
 *   bench-bfd-peer failover VTEP_IP FIRST_IP INTERVAL_MS CYCLES
 *       two remotes, A = FIRST_IP and B = FIRST_IP+1, the service nodes of
 *       a logical switch whose broadcasts someone keeps sending: each cycle
 *       waits for broadcasts to reach A, silences A's session and prints
 *       the milliseconds until the first broadcast reaches B; then brings
 *       A back.  Broadcast copies are the non-BFD frames that arrive.
 *
 * Needs a UDP port 4789 free in its namespace (no kernel VXLAN there). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hal/hal-provider.h"
#include "lib/util.h"

struct remote {
    struct hal_bfd_sessions table; /* One session, toward the VTEP. */
    hal_oid_t oid;
    struct in_addr ip;
    bool silent;     /* Sends nothing, ignores what arrives. */
    int64_t data_ms; /* When a non-BFD frame last arrived. */
};

struct peer {
    int fd;
    struct in_addr vtep;
    struct remote *remotes;
    size_t n;
    uint32_t first; /* Host order. */
};

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct peer *the_peer;

static void
send_cb(void *r_, const struct hal_bfd_config *c, const uint8_t *frame,
        size_t len)
{
    struct remote *r = r_;
    uint8_t buf[8 + HAL_BFD_FRAME_LEN];
    struct sockaddr_in to = { .sin_family = AF_INET,
                              .sin_port = htons(4789),
                              .sin_addr = c->remote };
    char control[CMSG_SPACE(sizeof(struct in_pktinfo))];
    struct iovec iov = { buf, 8 + len };
    struct msghdr msg = { .msg_name = &to,
                          .msg_namelen = sizeof to,
                          .msg_iov = &iov,
                          .msg_iovlen = 1,
                          .msg_control = control,
                          .msg_controllen = sizeof control };
    struct cmsghdr *cm;
    struct in_pktinfo pi;

    memset(buf, 0, 8);
    buf[0] = 0x08;
    memcpy(buf + 8, frame, len);
    memset(control, 0, sizeof control);
    cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = IPPROTO_IP;
    cm->cmsg_type = IP_PKTINFO;
    cm->cmsg_len = CMSG_LEN(sizeof pi);
    memset(&pi, 0, sizeof pi);
    pi.ipi_spec_dst = r->ip;
    memcpy(CMSG_DATA(cm), &pi, sizeof pi);
    sendmsg(the_peer->fd, &msg, MSG_DONTWAIT);
}

static void
peer_init(struct peer *p, const char *vtep, const char *first, size_t n,
          uint32_t interval)
{
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_port = htons(4789) };
    int one = 1, big = 4 << 20;

    memset(p, 0, sizeof *p);
    if (inet_pton(AF_INET, vtep, &p->vtep) != 1
        || inet_pton(AF_INET, first, &sin.sin_addr) != 1) {
        fprintf(stderr, "bad address\n");
        exit(2);
    }
    p->first = ntohl(sin.sin_addr.s_addr);
    sin.sin_addr.s_addr = INADDR_ANY;
    p->fd = socket(AF_INET, SOCK_DGRAM, 0);
    setsockopt(p->fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    if (bind(p->fd, (struct sockaddr *) &sin, sizeof sin)) {
        perror("bind 4789");
        exit(2);
    }
    p->n = n;
    p->remotes = xcalloc(n, sizeof *p->remotes);
    for (size_t i = 0; i < n; i++) {
        struct remote *r = &p->remotes[i];
        struct hal_bfd_config c;

        r->ip.s_addr = htonl(p->first + (uint32_t) i);
        memset(&c, 0, sizeof c);
        c.remote = p->vtep;
        hal_mac_from_string("00:23:20:00:00:01", &c.dst_mac);
        inet_pton(AF_INET, "169.254.1.1", &c.src_ip);
        inet_pton(AF_INET, "169.254.1.0", &c.dst_ip);
        bfd_settings_init(&c.bfd);
        c.bfd.enable = true;
        c.bfd.min_tx = c.bfd.min_rx = interval;
        hal_bfd_sessions_init(&r->table);
        hal_bfd_sessions_set(&r->table, &c, &r->oid, now_ms());
    }
    the_peer = p;
}

/* Reads what waits on the socket. */
static void
peer_input(struct peer *p, int64_t now)
{
    for (int k = 0; k < 1024; k++) {
        uint8_t buf[2048];
        char control[256];
        struct sockaddr_in from;
        struct iovec iov = { buf, sizeof buf };
        struct msghdr msg = { .msg_name = &from,
                              .msg_namelen = sizeof from,
                              .msg_iov = &iov,
                              .msg_iovlen = 1,
                              .msg_control = control,
                              .msg_controllen = sizeof control };
        ssize_t n = recvmsg(p->fd, &msg, MSG_DONTWAIT);
        struct in_addr dst = { 0 };
        struct cmsghdr *cm;
        uint32_t idx, vni;

        if (n < 0) {
            return;
        }
        for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
                struct in_pktinfo pi;

                memcpy(&pi, CMSG_DATA(cm), sizeof pi);
                dst = pi.ipi_addr;
            }
        }
        idx = ntohl(dst.s_addr) - p->first;
        if (n < 8 || idx >= p->n || p->remotes[idx].silent) {
            continue;
        }
        vni = (uint32_t) buf[4] << 16 | buf[5] << 8 | buf[6];
        if (!hal_bfd_sessions_input(&p->remotes[idx].table, from.sin_addr, vni,
                                    buf + 8, (size_t) n - 8, now)) {
            p->remotes[idx].data_ms = now;
        }
    }
}

/* Runs every session's timers that are due. */
static void
peer_run(struct peer *p, int64_t now)
{
    for (size_t i = 0; i < p->n; i++) {
        struct remote *r = &p->remotes[i];

        if (!r->silent && hal_bfd_sessions_next_wake(&r->table) <= now) {
            hal_bfd_sessions_run(&r->table, r->ip, now, send_cb, r);
        }
    }
}

/* Runs the peer for up to 'ms'. */
static void
peer_loop(struct peer *p, int64_t ms)
{
    int64_t end = now_ms() + ms;

    for (int64_t now = now_ms(); now < end; now = now_ms()) {
        struct pollfd pfd = { p->fd, POLLIN, 0 };

        peer_input(p, now);
        peer_run(p, now);
        poll(&pfd, 1, 1);
    }
}

static size_t
peer_up(const struct peer *p)
{
    size_t up = 0;

    for (size_t i = 0; i < p->n; i++) {
        struct hal_bfd_info info;

        hal_bfd_sessions_get(&p->remotes[i].table, p->remotes[i].oid, now_ms(),
                             &info);
        up += info.status.state == BFD_STATE_UP;
    }
    return up;
}

static double
cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
           + (double) ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
run_cpu(struct peer *p, int seconds)
{
    double c0;
    int waited;

    for (waited = 0; waited < 600 && peer_up(p) < p->n; waited++) {
        peer_loop(p, 100);
    }
    printf("up %zu/%zu after %.1f s\n", peer_up(p), p->n, waited / 10.0);
    fflush(stdout);
    c0 = cpu_s();
    peer_loop(p, (int64_t) seconds * 1000);
    printf("still up %zu/%zu; peer CPU %.1f%%\n", peer_up(p), p->n,
           100 * (cpu_s() - c0) / seconds);
    return peer_up(p) == p->n ? 0 : 1;
}

/* Runs until broadcasts reach remote 'i' (a data frame after 'since'), at
 * most 'limit' ms; returns when they did, or -1. */
static int64_t
wait_data(struct peer *p, size_t i, int64_t since, int64_t limit)
{
    int64_t end = since + limit;

    while (now_ms() < end) {
        peer_loop(p, 1);
        if (p->remotes[i].data_ms > since) {
            return p->remotes[i].data_ms;
        }
    }
    return -1;
}

static int
run_failover(struct peer *p, int cycles)
{
    for (int c = 0; c < cycles; c++) {
        int64_t t0, t1;

        p->remotes[0].silent = false;
        if (wait_data(p, 0, now_ms(), 30000) < 0) {
            printf("cycle %d: broadcasts never came back to A\n", c);
            return 1;
        }
        peer_loop(p, 500);
        t0 = now_ms();
        p->remotes[0].silent = true;
        t1 = wait_data(p, 1, t0, 10000);
        if (t1 < 0) {
            printf("cycle %d: no fail-over to B within 10 s\n", c);
            return 1;
        }
        printf("failover %lld\n", (long long) (t1 - t0));
        fflush(stdout);
    }
    return 0;
}

int
main(int argc, char *argv[])
{
    struct peer p;

    if (argc == 7 && !strcmp(argv[1], "cpu")) {
        peer_init(&p, argv[2], argv[3], (size_t) atoi(argv[4]),
                  (uint32_t) atoi(argv[5]));
        return run_cpu(&p, atoi(argv[6]));
    } else if (argc == 6 && !strcmp(argv[1], "failover")) {
        peer_init(&p, argv[2], argv[3], 2, (uint32_t) atoi(argv[4]));
        return run_failover(&p, atoi(argv[5]));
    }
    fprintf(stderr,
            "usage: %s cpu VTEP_IP FIRST_IP N INTERVAL_MS SECONDS\n"
            "       %s failover VTEP_IP FIRST_IP INTERVAL_MS "
            "CYCLES\n",
            argv[0], argv[0]);
    return 2;
}
