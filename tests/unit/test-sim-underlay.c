/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for sim/underlay.c: VXLAN sockets toward remote VTEPs.
 *
 * Sending needs a raw socket (CAP_NET_RAW), so the tests that exchange
 * packets run in a network namespace the test creates, between loopback
 * addresses, and skip with the reason without root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/csum.h"
#include "lib/util.h"
#include "sim/frame.h"
#include "sim/underlay.h"
#include "tests/unit/netns-fixture.h"

static struct in_addr
ip(const char *s)
{
    struct in_addr a;

    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static void
wait_readable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };

    assert_int_equal(poll(&pfd, 1, 1000), 1);
}

/* A UDP header from 'sport' to 'dport' for 'payload' bytes, checksum 0
 * (none, which IPv4 allows). */
static void
udp_header(uint8_t hdr[SIM_UDP_HLEN], uint16_t sport, uint16_t dport,
           size_t payload)
{
    uint16_t len = (uint16_t) (SIM_UDP_HLEN + payload);

    hdr[0] = (uint8_t) (sport >> 8);
    hdr[1] = (uint8_t) sport;
    hdr[2] = (uint8_t) (dport >> 8);
    hdr[3] = (uint8_t) dport;
    hdr[4] = (uint8_t) (len >> 8);
    hdr[5] = (uint8_t) len;
    hdr[6] = hdr[7] = 0;
}

static void
test_open_unprivileged(void **state)
{
    struct sim_underlay u;

    if (!geteuid()) {
        print_message("SKIP: runs only without root (tests -EPERM)\n");
        skip();
    }
    /* Without CAP_NET_RAW the raw sender cannot open, and nothing stays
     * open. */
    assert_int_equal(sim_underlay_open(&u, ip("127.0.0.1"), 0), -EPERM);
    assert_int_equal(u.rx_fd, -1);
    assert_int_equal(u.tx_fd, -1);
    sim_underlay_close(&u);
}

static void
test_open_errors(void **state)
{
    struct sim_underlay u;

    NETNS_REQUIRE(netns_missing);
    /* Not an address of this host. */
    assert_int_equal(sim_underlay_open(&u, ip("192.0.2.99"), 4789),
                     -EADDRNOTAVAIL);
    assert_int_equal(u.rx_fd, -1);
    assert_int_equal(u.tx_fd, -1);
    sim_underlay_close(&u);
}

static void
test_exchange(void **state)
{
    static const char payload[] = "vxlan header + inner frame";
    struct sim_underlay a, b;
    struct in_addr src;
    uint8_t hdr[SIM_UDP_HLEN], buf[256];
    struct iovec iov[9];
    int zero = 0, big = 1 << 20;
    ssize_t n;

    NETNS_REQUIRE(netns_missing);
    assert_int_equal(sim_underlay_open(&a, ip("127.0.0.1"), 4789), 0);
    assert_int_equal(sim_underlay_open(&b, ip("127.0.0.2"), 4789), 0);
    assert_int_equal(a.port, 4789);
    assert_true(fcntl(a.rx_fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(a.tx_fd, F_GETFL) & O_NONBLOCK);

    /* Nothing waiting. */
    assert_int_equal(sim_underlay_recv(&b, buf, sizeof buf, &src), -EAGAIN);

    /* Our UDP header, the kernel's IP header: b gets the payload and a's
     * address. */
    udp_header(hdr, 50000, 4789, sizeof payload);
    iov[0] = (struct iovec){ hdr, sizeof hdr };
    iov[1] = (struct iovec){ (void *) payload, sizeof payload };
    assert_int_equal(sim_underlay_send(&a, ip("127.0.0.2"), iov, 2), 0);
    wait_readable(b.rx_fd);
    n = sim_underlay_recv(&b, buf, sizeof buf, &src);
    assert_int_equal(n, sizeof payload);
    assert_memory_equal(buf, payload, sizeof payload);
    assert_int_equal(src.s_addr, ip("127.0.0.1").s_addr);

    /* The raw sender's filter keeps incoming UDP out of its queue. */
    assert_int_equal(recv(b.tx_fd, buf, sizeof buf, MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);

    /* And the kernel does not even hand it a copy (a clone per datagram
     * in the sender's softirq): without the filter, still nothing. */
    assert_int_equal(
        setsockopt(b.tx_fd, SOL_SOCKET, SO_DETACH_FILTER, &zero, sizeof zero),
        0);
    assert_int_equal(sim_underlay_send(&a, ip("127.0.0.2"), iov, 2), 0);
    wait_readable(b.rx_fd);
    assert_int_equal(recv(b.tx_fd, buf, sizeof buf, MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(sim_underlay_recv(&b, buf, sizeof buf, &src),
                     sizeof payload);
    /* The connected sender still sends anywhere. */
    assert_int_equal(sim_underlay_send(&b, ip("127.0.0.1"), iov, 2), 0);
    wait_readable(a.rx_fd);
    assert_int_equal(sim_underlay_recv(&a, buf, sizeof buf, &src),
                     sizeof payload);
    assert_int_equal(src.s_addr, ip("127.0.0.2").s_addr);

    /* A full receive buffer loses datagrams, and says how many. */
    assert_int_equal(sim_underlay_rx_drops(&b), 0);
    assert_int_equal(
        setsockopt(b.rx_fd, SOL_SOCKET, SO_RCVBUF, &zero, sizeof zero), 0);
    for (n = 0; n < 100; n++) {
        assert_int_equal(sim_underlay_send(&a, ip("127.0.0.2"), iov, 2), 0);
    }
    n = 0;
    while (sim_underlay_recv(&b, buf, sizeof buf, &src) > 0) {
        n++;
    }
    assert_true(n > 0 && n < 100);
    assert_int_equal(sim_underlay_rx_drops(&b), 100 - n);
    assert_int_equal(
        setsockopt(b.rx_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big), 0);

    /* Too big for the buffer: refused, not truncated. */
    assert_int_equal(sim_underlay_send(&a, ip("127.0.0.2"), iov, 2), 0);
    wait_readable(b.rx_fd);
    assert_int_equal(sim_underlay_recv(&b, buf, 8, &src), -EMSGSIZE);

    assert_int_equal(sim_underlay_send(&a, ip("127.0.0.2"), iov, 9), -EINVAL);

    sim_underlay_close(&a);
    sim_underlay_close(&b);
    assert_int_equal(a.rx_fd, -1);
    assert_int_equal(a.tx_fd, -1);
    sim_underlay_close(&a);
}

/* RFC 7348 wants the source port to carry entropy: the port we write is
 * the port that goes out, not the socket's. */
static void
test_source_port_is_ours(void **state)
{
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_port = htons(4789) };
    socklen_t sin_len = sizeof sin;
    struct sim_underlay a;
    uint8_t hdr[SIM_UDP_HLEN], buf[64];
    struct iovec iov[2];
    int sock;

    NETNS_REQUIRE(netns_missing);
    sock = socket(AF_INET, SOCK_DGRAM, 0);
    sin.sin_addr = ip("127.0.0.3");
    assert_int_equal(bind(sock, (struct sockaddr *) &sin, sizeof sin), 0);
    assert_int_equal(sim_underlay_open(&a, ip("127.0.0.1"), 4789), 0);

    udp_header(hdr, 54321, 4789, 4);
    iov[0] = (struct iovec){ hdr, sizeof hdr };
    iov[1] = (struct iovec){ "ping", 4 };
    assert_int_equal(sim_underlay_send(&a, ip("127.0.0.3"), iov, 2), 0);
    wait_readable(sock);
    assert_int_equal(
        recvfrom(sock, buf, sizeof buf, 0, (struct sockaddr *) &sin, &sin_len),
        4);
    assert_int_equal(ntohs(sin.sin_port), 54321);
    assert_int_equal(sin.sin_addr.s_addr, ip("127.0.0.1").s_addr);

    sim_underlay_close(&a);
    close(sock);
}

/* Datagrams of a batch for send_some(): UDP header and a sequence number
 * per datagram. */
struct batch {
    struct mmsghdr msgs[64];
    struct iovec iov[64][3];
    uint8_t pad[64][16];
    uint8_t hdr[64][SIM_UDP_HLEN];
    uint32_t seq[64];
    struct sockaddr_in dst[64];
};

/* Sends 'n' datagrams to 'dst' in one sim_underlay_send_batch(), from
 * source ports 'sport' and 'sport' + 1 in turn, numbered from '*seq' on,
 * each followed by 'pad'(its number) bytes; returns how many were sent. */
static size_t
send_some(struct sim_underlay *u, struct batch *b, const char *dst,
          uint16_t sport, size_t n, uint32_t *seq, size_t (*pad)(uint32_t))
{
    int error = 0;
    size_t i, sent;

    memset(b, 0, sizeof *b);
    for (i = 0; i < n; i++) {
        struct msghdr *m = &b->msgs[i].msg_hdr;

        size_t extra = pad(*seq);

        udp_header(b->hdr[i], (uint16_t) (sport + i % 2), 4789,
                   sizeof b->seq[i] + extra);
        b->seq[i] = (*seq)++;
        b->iov[i][0] = (struct iovec){ b->hdr[i], SIM_UDP_HLEN };
        b->iov[i][1] = (struct iovec){ &b->seq[i], sizeof b->seq[i] };
        b->iov[i][2] = (struct iovec){ b->pad[i], extra };
        b->dst[i].sin_family = AF_INET;
        b->dst[i].sin_addr = ip(dst);
        m->msg_name = &b->dst[i];
        m->msg_namelen = sizeof b->dst[i];
        m->msg_iov = b->iov[i];
        m->msg_iovlen = 3;
    }
    sent = sim_underlay_send_batch(u, b->msgs, n, &error);
    for (i = 0; i < n; i++) {
        assert_int_equal(b->msgs[i].msg_len != 0, i < sent);
    }
    return sent;
}

static size_t
no_pad(uint32_t seq)
{
    return 0;
}

/* Runs of 3 of one size, growing: UDP_SEGMENT sends of 2 (the next is
 * bigger) or of 3 and a shorter one, per flow. */
static size_t
varied_pad(uint32_t seq)
{
    return (seq / 2 / 3) % 8;
}

/* Receives 'n' datagrams on 'sock' from 127.0.0.1, ports 50001 and 50002,
 * and checks that each flow's come in order, numbered from 'next'[flow]
 * on in steps of 2, each 'pad'(its number) bytes longer than the number. */
static void
receive_flows(int sock, int n, uint32_t next[2], size_t (*pad)(uint32_t))
{
    uint8_t buf[64];
    uint32_t got;
    int i;

    for (i = 0; i < n; i++) {
        struct sockaddr_in sin;
        socklen_t sin_len = sizeof sin;
        ssize_t len;
        int flow;

        wait_readable(sock);
        len = recvfrom(sock, buf, sizeof buf, 0, (struct sockaddr *) &sin,
                       &sin_len);
        assert_true(len >= (ssize_t) sizeof got);
        memcpy(&got, buf, sizeof got);
        assert_int_equal(sin.sin_addr.s_addr, ip("127.0.0.1").s_addr);
        flow = ntohs(sin.sin_port) - 50001;
        assert_true(flow == 0 || flow == 1);
        assert_int_equal(got, next[flow]);
        assert_int_equal(len, sizeof got + pad(got));
        next[flow] += 2;
    }
}

/* Busy (destination, source port) pairs get connected sockets: what
 * arrives is the same, source port, size and order per flow included. */
static void
test_batch_connected(void **state)
{
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_port = htons(4789) };
    uint32_t seq = 0, next[2] = { 0, 1 };
    struct sim_underlay a;
    struct batch *b = xzalloc(sizeof *b);
    int sock, i;

    NETNS_REQUIRE(netns_missing);
    sock = socket(AF_INET, SOCK_DGRAM, 0);
    sin.sin_addr = ip("127.0.0.3");
    assert_int_equal(bind(sock, (struct sockaddr *) &sin, sizeof sin), 0);
    assert_int_equal(sim_underlay_open(&a, ip("127.0.0.1"), 4789), 0);

    /* 2 flows, 20 datagrams each per batch: the raw socket until each
     * has sent 32, then sockets of their own. */
    for (i = 0; i < 4; i++) {
        assert_int_equal(
            send_some(&a, b, "127.0.0.3", 50001, 40, &seq, no_pad), 40);
    }
    assert_int_equal(a.n_conn, 2);
    receive_flows(sock, 160, next, no_pad);

    /* Frames of different sizes, in runs. */
    for (i = 0; i < 4; i++) {
        assert_int_equal(
            send_some(&a, b, "127.0.0.3", 50001, 64, &seq, varied_pad), 64);
        receive_flows(sock, 64, next, varied_pad);
    }
    /* ... through segmentation offload, which still works. */
    for (i = 0; i < SIM_UNDERLAY_CONN_SLOTS; i++) {
        assert_true(a.conn[i].fd < 0 || a.conn[i].gso);
    }

    /* A remote with nothing on the port answers ICMP port unreachable,
     * which a connected socket reports by failing the next send: every
     * datagram still goes, as through the raw socket. */
    for (i = 0; i < 4; i++) {
        assert_int_equal(
            send_some(&a, b, "127.0.0.4", 50001, 40, &seq, no_pad), 40);
    }
    assert_int_equal(a.n_conn, 4);
    for (i = 0; i < SIM_UNDERLAY_CONN_SLOTS; i++) {
        assert_true(a.conn[i].fd < 0 || a.conn[i].gso);
    }

    sim_underlay_close(&a);
    assert_int_equal(a.n_conn, 0);
    close(sock);
    free(b);
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

/* Builds in 'hdr' the inner headers of a super-frame: Ethernet, IPv4 (ID
 * 0x1000, DF) or IPv6, TCP (ports 80 -> 81, seq 7, ACK|PSH) for 'payload'
 * bytes; the TCP checksum is garbage, which the offload must not care
 * about.  Returns the headers' length; the TCP header is its last 20. */
static size_t
inner_headers(uint8_t *hdr, bool ipv6, size_t payload)
{
    static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 0xb, 2, 0, 0, 0, 0, 0xa };
    size_t l4 = 14 + (ipv6 ? 40 : 20);
    uint8_t *tcp = hdr + l4;

    memset(hdr, 0, l4 + 20);
    memcpy(hdr, macs, 12);
    if (ipv6) {
        hdr[12] = 0x86;
        hdr[13] = 0xdd;
        hdr[14] = 0x60;
        hdr[18] = (uint8_t) ((20 + payload) >> 8);
        hdr[19] = (uint8_t) (20 + payload);
        hdr[20] = 6;
        hdr[21] = 64;
        hdr[22] = hdr[38] = 0xfd; /* fd00::1 -> fd00::2 */
        hdr[37] = 1;
        hdr[53] = 2;
    } else {
        hdr[12] = 0x08;
        hdr[14] = 0x45;
        hdr[16] = (uint8_t) ((40 + payload) >> 8);
        hdr[17] = (uint8_t) (40 + payload);
        hdr[18] = 0x10;
        hdr[20] = 0x40;
        hdr[22] = 64;
        hdr[23] = 6;
        memcpy(hdr + 26, (const uint8_t[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
    }
    tcp[1] = 80;
    tcp[3] = 81;
    tcp[7] = 7;
    tcp[12] = 0x50;
    tcp[13] = 0x18;
    tcp[16] = 0xde;
    tcp[17] = 0xad;
    return l4 + 20;
}

/* Writes a super-frame of 2.5 segments (inner IPv4 or 'ipv6') to 'u''s TAP
 * device and checks the VXLAN segments that 'sock' captures behind the
 * veth. */
static void
check_gso_tap(struct sim_underlay *u, int sock, bool ipv6)
{
    enum { MSS = 1000, PAYLOAD = 2500, SEGS = 3 };
    static const uint8_t outer_ips[8] = { 10, 8, 0, 1, 10, 8, 0, 2 };
    static const uint8_t vni[3] = { 0x12, 0x34, 0x56 };
    uint8_t hdr[14 + 40 + 20], payload[PAYLOAD], buf[2048];
    size_t hlen = inner_headers(hdr, ipv6, PAYLOAD);
    struct sim_gso_tap_frame f;
    uint64_t sent = u->tap.sent;
    const char *why = NULL;
    int k, got = 0;

    for (k = 0; k < PAYLOAD; k++) {
        payload[k] = (uint8_t) (k * 7 + k / 256 + ipv6);
    }
    memset(&f, 0, sizeof f);
    f.src = ip("10.8.0.1");
    f.dst = ip("10.8.0.2");
    f.sport = 50123;
    f.dport = 4789;
    f.vni = 0x123456;
    f.hdr = hdr;
    f.hdr_len = hlen;
    f.l3 = 14;
    f.l4 = hlen - 20;
    f.ipv6 = ipv6;
    f.payload = payload;
    f.payload_len = PAYLOAD;
    f.mss = MSS;
    assert_int_equal(sim_gso_tap_send(&u->tap, &f, &why), 0);
    assert_int_equal(u->tap.sent, sent + 1);

    for (k = 0; k < 50 && got < SEGS; k++) {
        ssize_t n = recv(sock, buf, sizeof buf, 0);
        const uint8_t *o = buf + 14, *udp = o + 20, *vx = udp + 8;
        const uint8_t *in = vx + 8, *iip = in + 14, *tcp = in + hlen - 20;
        size_t plen = got < SEGS - 1 ? MSS : PAYLOAD - (SEGS - 1) * MSS;

        if (n < 0) {
            assert_int_equal(errno, EAGAIN);
            usleep(20000);
            continue;
        }
        if (n < 50 + 54 || o[9] != 17 || get16(udp + 2) != 4789) {
            continue; /* Not ours. */
        }
        /* The outer headers of the kernel's VXLAN device: TTL 64 once
         * forwarded, DF clear, no UDP checksum, the flow's port. */
        assert_int_equal((size_t) n, 50 + hlen + plen);
        assert_int_equal(o[8], 64);
        assert_int_equal(get16(o + 6) & 0x4000, 0);
        assert_int_equal(csum_rfc1071(o, 20), 0);
        assert_memory_equal(o + 12, outer_ips, 8);
        assert_int_equal(get16(udp), 50123);
        assert_int_equal(get16(udp + 4), 8 + 8 + hlen + plen);
        assert_int_equal(get16(udp + 6), 0);
        assert_int_equal(vx[0], 0x08);
        assert_memory_equal(vx + 4, vni, 3);
        /* The inner segment, as TSO cuts it. */
        assert_memory_equal(in, hdr, 14);
        if (ipv6) {
            assert_int_equal(get16(iip + 4), 20 + plen);
            assert_memory_equal(iip + 8, hdr + 22, 32);
        } else {
            assert_int_equal(get16(iip + 2), 40 + plen);
            assert_int_equal(get16(iip + 4), 0x1000 + got);
            assert_int_equal(csum_rfc1071(iip, 20), 0);
        }
        assert_int_equal(get16(tcp + 6), 7 + got * MSS);
        assert_int_equal(tcp[13], got == SEGS - 1 ? 0x18 : 0x10);
        assert_int_equal(
            csum_finish(csum_add(
                ipv6 ? csum_pseudo_ipv6(iip + 8, iip + 24, 6, 20 + plen)
                     : csum_pseudo_ipv4(iip + 12, iip + 16, 6, 20 + plen),
                tcp, 20 + plen)),
            0);
        assert_memory_equal(tcp + 20, payload + got * MSS, plen);
        got++;
    }
    assert_int_equal(got, SEGS);
}

/* TCP super-frames through the TAP device (sim/gso-tap.h): the kernel of
 * this namespace routes each out of a veth that has neither the tunnel's
 * segmentation offload nor checksum offload, so it cuts the segments and
 * completes every checksum itself; the peer receives VXLAN packets as the
 * kernel's own VXLAN device would send them, inner IPv4 and IPv6. */
static void
test_gso_tap(void **state)
{
    struct sockaddr_ll sll;
    struct sim_underlay u;
    int sock;

    NETNS_REQUIRE(netns_missing);
    assert_int_equal(
        system("ip link add ga type veth peer name gb && "
               "ip addr add 10.8.0.1/24 dev ga && ip link set ga up && "
               "ip link set gb up && "
               "ethtool -K ga tx-udp_tnl-segmentation off tx off "
               ">/dev/null && "
               "ip neigh add 10.8.0.2 lladdr 02:00:00:00:00:02 dev ga"),
        0);
    assert_int_equal(sim_underlay_open(&u, ip("10.8.0.1"), 4789), 0);
    if (u.tap.fd < 0) {
        print_message("SKIP: %s\n", u.tap_why);
        sim_underlay_close(&u);
        assert_int_equal(system("ip link del ga"), 0);
        skip();
    }
    sock = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_IP));
    assert_true(sock >= 0);
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_IP);
    sll.sll_ifindex = (int) if_nametoindex("gb");
    assert_int_equal(bind(sock, (struct sockaddr *) &sll, sizeof sll), 0);

    check_gso_tap(&u, sock, false);
    check_gso_tap(&u, sock, true);

    /* rp_filter turned on behind its back: the kernel would drop what it
     * writes, so the next send (once a second) closes the device. */
    {
        uint8_t hdr[14 + 20 + 20], payload[3000] = { 0 };
        struct sim_gso_tap_frame f = {
            .src = ip("10.8.0.1"),
            .dst = ip("10.8.0.2"),
            .sport = 50000,
            .dport = 4789,
            .hdr = hdr,
            .l3 = 14,
            .l4 = 34,
            .payload = payload,
            .payload_len = sizeof payload,
            .mss = 1000,
        };
        const char *why = NULL;

        f.hdr_len = inner_headers(hdr, false, sizeof payload);
        assert_int_equal(system("sysctl -qw net.ipv4.conf.all.rp_filter=1"),
                         0);
        assert_int_equal(sim_gso_tap_send(&u.tap, &f, &why), 0);
        u.tap.checked_ms -= 1000;
        assert_int_equal(sim_gso_tap_send(&u.tap, &f, &why), -EACCES);
        assert_string_equal(why, "net.ipv4.conf.all.rp_filter is no longer 0");
        assert_int_equal(u.tap.fd, -1);
        assert_int_equal(sim_gso_tap_send(&u.tap, &f, &why), -EBADF);
        assert_int_equal(system("sysctl -qw net.ipv4.conf.all.rp_filter=0"),
                         0);

        /* A route that drops what is forwarded (as a netfilter FORWARD
         * rule would): the namespace forwarded fewer packets than were
         * written, and the next check closes the device. */
        sim_underlay_close(&u);
        assert_int_equal(sim_underlay_open(&u, ip("10.8.0.1"), 4789), 0);
        assert_true(u.tap.fd >= 0);
        u.tap.checked_ms -= 1000;
        assert_int_equal(sim_gso_tap_send(&u.tap, &f, &why), 0);
        assert_int_equal(system("ip route add blackhole 10.8.0.2/32"), 0);
        assert_int_equal(sim_gso_tap_send(&u.tap, &f, &why), 0);
        u.tap.checked_ms -= 1000;
        assert_int_equal(sim_gso_tap_send(&u.tap, &f, &why), -EACCES);
        assert_non_null(strstr(why, "were not forwarded"));
        assert_int_equal(u.tap.fd, -1);
        assert_int_equal(system("ip route del blackhole 10.8.0.2/32"), 0);
    }

    close(sock);
    sim_underlay_close(&u);
    assert_int_equal(u.tap.fd, -1);
    assert_int_equal(system("ip link del ga"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_unprivileged),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_exchange),
        cmocka_unit_test(test_source_port_is_ours),
        cmocka_unit_test(test_batch_connected),
        cmocka_unit_test(test_gso_tap),
    };

    return cmocka_run_group_tests_name(
        "sim/underlay", tests, netns_group_setup, netns_group_teardown);
}
