/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for sim/port.c: front-panel port I/O.
 *
 * Caller-supplied descriptors are tested with socketpairs.  AF_PACKET and
 * TAP ports need a kernel: those tests run in a network namespace the
 * test creates (veth pairs and TAP devices made there with ip(8)), and
 * skip with the reason without root. */
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
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"
#include "sim/frame.h"
#include "sim/port.h"
#include "sim/port-private.h"
#include "tests/unit/netns-fixture.h"

static const char *no_netns;

/* Room for any frame of the tests. */
#define SIM_BUF_SIZE_TEST 16384

static int
kernel_setup(void **state)
{
    no_netns = netns_enter();
    if (!no_netns
        && system("ip link add sp0 type veth peer name sp1 && "
                  "ip link set sp0 up && ip link set sp1 up")) {
        no_netns = "cannot create a veth pair with ip(8)";
    }
    return 0;
}

static int
kernel_teardown(void **state)
{
    netns_leave();
    return 0;
}

/* Opens the AF_PACKET port 'name' into '*port' with the environment
 * variable 'var' set to 'value' (then unset). */
static void
open_with_env(struct sim_port *port, const char *name, const char *var,
              const char *value)
{
    assert_int_equal(setenv(var, value, 1), 0);
    assert_int_equal(sim_port_open(port, name, SIM_PORT_PACKET, -1), 0);
    unsetenv(var);
}

/* A 60-byte Ethernet frame from 02:..:01 to 02:..:02 with 'ethertype'
 * and a payload of 'fill' bytes. */
static size_t
make_frame(uint8_t *buf, uint16_t ethertype, uint8_t fill)
{
    static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

    memset(buf, fill, 60);
    memcpy(buf, macs, sizeof macs);
    buf[12] = (uint8_t) (ethertype >> 8);
    buf[13] = (uint8_t) ethertype;
    return 60;
}

/* Receives on 'port' the next frame with EtherType 'ethertype' (as
 * received, after any stripped tag), skipping others (the stack's own
 * chatter), and waiting up to a second.  Returns its length or an
 * error. */
static ssize_t
recv_wait(struct sim_port *port, uint8_t *buf, size_t size, int *tag,
          uint16_t ethertype)
{
    ssize_t n = -EAGAIN;
    int i;

    for (i = 0; i < 100; i++) {
        n = sim_port_recv(port, buf, size, tag);
        if (n == -EAGAIN) {
            usleep(10000);
        } else if (n < 14 || (buf[12] << 8 | buf[13]) == ethertype) {
            break;
        }
    }
    return n;
}

/* Reads what 'port' has waiting; returns true if a frame of 'ethertype'
 * is among it. */
static bool
own_frame_back(struct sim_port *port, uint8_t *buf, size_t size,
               uint16_t ethertype)
{
    ssize_t n;
    int tag;

    while ((n = sim_port_recv(port, buf, size, &tag)) >= 0) {
        if (n >= 14 && (buf[12] << 8 | buf[13]) == ethertype) {
            return true;
        }
    }
    return false;
}

/* ---- Without a kernel --------------------------------------------------- */

static void
test_kind_names(void **state)
{
    assert_string_equal(sim_port_kind_name(SIM_PORT_AUTO), "auto");
    assert_string_equal(sim_port_kind_name(SIM_PORT_PACKET), "packet");
    assert_string_equal(sim_port_kind_name(SIM_PORT_TAP), "tap");
    assert_string_equal(sim_port_kind_name(SIM_PORT_FD), "fd");
}

static void
test_fd_port(void **state)
{
    uint8_t frame[60], buf[128];
    struct sim_port port;
    struct iovec iov[5];
    int sv[2];
    int tag = 0;
    ssize_t n;

    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    assert_int_equal(sim_port_open(&port, "fd0", SIM_PORT_FD, sv[0]), 0);
    assert_string_equal(port.name, "fd0");
    assert_int_equal(port.kind, SIM_PORT_FD);
    assert_true(fcntl(sv[0], F_GETFL) & O_NONBLOCK);

    /* Nothing waiting. */
    assert_int_equal(sim_port_recv(&port, buf, sizeof buf, &tag), -EAGAIN);

    /* One datagram in, one frame out, with no tag. */
    make_frame(frame, 0x0800, 0xab);
    assert_int_equal(send(sv[1], frame, sizeof frame, 0), sizeof frame);
    tag = 0;
    n = sim_port_recv(&port, buf, sizeof buf, &tag);
    assert_int_equal(n, sizeof frame);
    assert_memory_equal(buf, frame, sizeof frame);
    assert_int_equal(tag, SIM_PORT_NO_TAG);

    /* A frame that does not fit is refused, and so is one that just fills
     * the buffer (it may have been longer). */
    assert_int_equal(send(sv[1], frame, sizeof frame, 0), sizeof frame);
    assert_int_equal(sim_port_recv(&port, buf, 59, &tag), -EMSGSIZE);
    assert_int_equal(send(sv[1], frame, sizeof frame, 0), sizeof frame);
    assert_int_equal(sim_port_recv(&port, buf, 60, &tag), -EMSGSIZE);

    /* Sending gathers the pieces into one frame. */
    iov[0] = (struct iovec){ frame, 14 };
    iov[1] = (struct iovec){ frame + 14, 46 };
    assert_int_equal(sim_port_send(&port, iov, 2), 0);
    assert_int_equal(recv(sv[1], buf, sizeof buf, 0), sizeof frame);
    assert_memory_equal(buf, frame, sizeof frame);
    assert_int_equal(sim_port_send(&port, iov, 5), -EINVAL);

    /* Closing closes the descriptor the port took over. */
    sim_port_close(&port);
    assert_int_equal(port.fd, -1);
    assert_int_equal(fcntl(sv[0], F_GETFL), -1);
    sim_port_close(&port);
    close(sv[1]);
}

static void
test_fd_port_batch(void **state)
{
    uint8_t frame[200], bufs[4][100];
    struct sim_port_msg msgs[4];
    struct mmsghdr mm[2];
    struct iovec iov[2][2];
    struct sim_port port;
    int sv[2], error = 0, i;

    memset(frame, 0, sizeof frame);
    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    assert_int_equal(sim_port_open(&port, "fd0", SIM_PORT_FD, sv[0]), 0);
    for (i = 0; i < 4; i++) {
        msgs[i].buf = bufs[i];
        msgs[i].size = sizeof bufs[i];
    }
    assert_int_equal(sim_port_recv_batch(&port, msgs, 4), -EAGAIN);

    /* Three frames, one too big for its buffer: one call takes all three,
     * the big one reported as an error of its own. */
    make_frame(frame, 0x0800, 1);
    assert_int_equal(send(sv[1], frame, 60, 0), 60);
    assert_int_equal(send(sv[1], frame, sizeof frame, 0), sizeof frame);
    make_frame(frame, 0x0800, 3);
    assert_int_equal(send(sv[1], frame, 60, 0), 60);
    assert_int_equal(sim_port_recv_batch(&port, msgs, 4), 3);
    assert_int_equal(msgs[0].len, 60);
    assert_int_equal(msgs[0].tag, SIM_PORT_NO_TAG);
    assert_int_equal(msgs[0].gso_size, 0);
    assert_int_equal(msgs[1].len, -EMSGSIZE);
    assert_int_equal(msgs[2].len, 60);
    assert_memory_equal(bufs[2], frame, 60);

    /* Two frames out with one call, the port's header iovec first. */
    memset(mm, 0, sizeof mm);
    for (i = 0; i < 2; i++) {
        iov[i][1] = (struct iovec){ bufs[i * 2], 60 };
        mm[i].msg_hdr.msg_iov = iov[i];
        mm[i].msg_hdr.msg_iovlen = 2;
    }
    assert_int_equal(sim_port_send_batch(&port, mm, 2, &error), 2);
    assert_int_equal(error, 0);
    assert_true(mm[0].msg_len && mm[1].msg_len);
    assert_int_equal(recv(sv[1], frame, sizeof frame, 0), 60);
    assert_memory_equal(frame, bufs[0], 60);
    assert_int_equal(recv(sv[1], frame, sizeof frame, 0), 60);
    assert_memory_equal(frame, bufs[2], 60);

    /* A peer gone: nothing sent, the error reported. */
    close(sv[1]);
    assert_int_equal(sim_port_send_batch(&port, mm, 2, &error), 0);
    assert_true(error < 0);
    assert_true(!mm[0].msg_len && !mm[1].msg_len);
    sim_port_close(&port);
}

static void
test_open_errors(void **state)
{
    struct sim_port port;

    assert_int_equal(
        sim_port_open(&port, "a-name-longer-than-ifnamsiz", SIM_PORT_FD, -1),
        -ENAMETOOLONG);
    assert_int_equal(port.fd, -1);
    sim_port_close(&port);
    assert_int_equal(sim_port_open(&port, "nonesuch0", SIM_PORT_PACKET, -1),
                     -ENODEV);
    assert_int_equal(port.fd, -1);
}

/* ---- AF_PACKET and TAP, in the namespace ------------------------------- */

static void
test_packet_ports(void **state)
{
    uint8_t frame[64] = { 0 }, buf[2048];
    struct sim_port p0, p1;
    struct iovec iov;
    int tag;
    ssize_t n;

    NETNS_REQUIRE(no_netns);
    assert_int_equal(sim_port_open(&p0, "sp0", SIM_PORT_AUTO, -1), 0);
    assert_int_equal(p0.kind, SIM_PORT_PACKET);
    assert_int_equal(p0.ifindex, (int) if_nametoindex("sp0"));
    assert_int_equal(sim_port_open(&p1, "sp1", SIM_PORT_PACKET, -1), 0);

    /* Untagged, across the veth. */
    iov = (struct iovec){ frame, make_frame(frame, 0x88b5, 0x11) };
    assert_int_equal(sim_port_send(&p1, &iov, 1), 0);
    n = recv_wait(&p0, buf, sizeof buf, &tag, 0x88b5);
    assert_int_equal(n, 60);
    assert_memory_equal(buf, frame, 60);
    assert_int_equal(tag, SIM_PORT_NO_TAG);
    /* Our own transmissions do not come back to us (the kernel's own
     * chatter on a new link, IPv6 MLD and the like, may). */
    assert_false(own_frame_back(&p1, buf, sizeof buf, 0x88b5));

    /* Tagged: the veth strips the tag into metadata, and the port reports
     * it beside the untagged frame. */
    make_frame(frame, SIM_ETH_TPID_8021Q, 0x22);
    frame[14] = 0x20; /* PCP 1, VID 0x05a. */
    frame[15] = 0x5a;
    frame[16] = 0x88;
    frame[17] = 0xb5;
    iov = (struct iovec){ frame, 64 };
    assert_int_equal(sim_port_send(&p1, &iov, 1), 0);
    n = recv_wait(&p0, buf, sizeof buf, &tag, 0x88b5);
    assert_int_equal(n, 60);
    assert_int_equal(tag, 0x205a);
    assert_memory_equal(buf, frame, 12);
    assert_int_equal(buf[12], 0x88);
    assert_int_equal(buf[13], 0xb5);

    sim_port_close(&p0);
    sim_port_close(&p1);
}

/* Returns the 16-bit ones' complement sum of 'len' bytes at 'p' added to
 * 'sum', not yet folded. */
static uint32_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    if (len & 1) {
        sum += (uint32_t) p[len - 1] << 8;
    }
    return sum;
}

/* Returns true if the UDP/IPv4 packet in 'frame' has a correct checksum. */
static bool
udp_csum_ok(const uint8_t *frame, size_t len)
{
    const uint8_t *ip4 = frame + SIM_ETH_HLEN;
    size_t ihl = (size_t) (ip4[0] & 0xf) * 4;
    const uint8_t *udp = ip4 + ihl;
    size_t udp_len = (size_t) (udp[4] << 8 | udp[5]);
    uint32_t sum;

    assert_true(SIM_ETH_HLEN + ihl + udp_len <= len);
    sum = sum16(ip4 + 12, 8, 0) + 17 + (uint32_t) udp_len;
    sum = sum16(udp, udp_len, sum);
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum == 0xffff;
}

/* A datagram from the local stack leaves with its UDP checksum left to the
 * "hardware" (the veth keeps it partial); the port completes it. */
static void
test_packet_partial_checksum(void **state)
{
    struct sockaddr_in dst = { .sin_family = AF_INET,
                               .sin_port = htons(9999) };
    uint8_t buf[2048];
    struct sim_port p0;
    int tag, sock, i;
    ssize_t n = -EAGAIN;

    NETNS_REQUIRE(no_netns);
    assert_int_equal(system("ip addr add 10.9.0.1/24 dev sp1 && "
                            "ip neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 "
                            "dev sp1 nud permanent"),
                     0);
    assert_int_equal(sim_port_open(&p0, "sp0", SIM_PORT_PACKET, -1), 0);
    sock = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(sock >= 0);
    inet_pton(AF_INET, "10.9.0.2", &dst.sin_addr);
    assert_int_equal(sendto(sock, "checksum me", 11, 0,
                            (struct sockaddr *) &dst, sizeof dst),
                     11);
    for (i = 0; i < 20; i++) {
        n = recv_wait(&p0, buf, sizeof buf, &tag, 0x0800);
        if (n < 42 || buf[23] == 17) {
            break; /* An error, or UDP. */
        }
    }
    assert_true(n >= 42 + 11);
    assert_memory_equal(buf + 42, "checksum me", 11);
    assert_true(udp_csum_ok(buf, (size_t) n));
    close(sock);
    sim_port_close(&p0);
}

static bool
link_is_up(const char *name)
{
    struct ifreq ifr;
    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    bool up;

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    up = sock >= 0 && !ioctl(sock, SIOCGIFFLAGS, &ifr)
         && ifr.ifr_flags & IFF_UP;
    close(sock);
    return up;
}

static void
test_tap_port(void **state)
{
    uint8_t frame[60], buf[2048];
    struct sim_port tap, pkt;
    struct iovec iov;
    int tag;
    ssize_t n;

    NETNS_REQUIRE(no_netns);
    /* AUTO makes a TAP device when no interface has the name. */
    assert_int_equal(if_nametoindex("stap0"), 0);
    assert_int_equal(sim_port_open(&tap, "stap0", SIM_PORT_AUTO, -1), 0);
    assert_int_equal(tap.kind, SIM_PORT_TAP);
    assert_true(if_nametoindex("stap0") > 0);
    assert_true(link_is_up("stap0"));
    assert_int_equal(sim_port_open(&pkt, "stap0", SIM_PORT_PACKET, -1), 0);

    /* Written to the TAP: the kernel receives it on stap0. */
    iov = (struct iovec){ frame, make_frame(frame, 0x88b5, 0x33) };
    assert_int_equal(sim_port_send(&tap, &iov, 1), 0);
    n = recv_wait(&pkt, buf, sizeof buf, &tag, 0x88b5);
    assert_int_equal(n, 60);
    assert_memory_equal(buf, frame, 60);

    /* Sent out of stap0: read from the TAP. */
    make_frame(frame, 0x88b5, 0x44);
    assert_int_equal(sim_port_send(&pkt, &iov, 1), 0);
    n = recv_wait(&tap, buf, sizeof buf, &tag, 0x88b5);
    assert_int_equal(n, 60);
    assert_memory_equal(buf, frame, 60);
    assert_int_equal(tag, SIM_PORT_NO_TAG);

    sim_port_close(&pkt);
    sim_port_close(&tap);
}

/* Receives with sim_port_recv_batch() on 'port' the next frame with
 * EtherType 'ethertype' into 'm' (whose 'buf' and 'size' are set), giving
 * back the slots of others, and waiting up to a second.  The caller calls
 * sim_port_recv_done() once done with 'm'.  Returns its length or an
 * error. */
static ssize_t
recv_batch_wait(struct sim_port *port, struct sim_port_msg *m,
                uint16_t ethertype)
{
    uint8_t *buf = m->buf;
    size_t size = m->size;
    int i;

    for (i = 0; i < 100; i++) {
        int n;

        m->buf = buf;
        m->size = size;
        n = sim_port_recv_batch(port, m, 1);
        if (n == -EAGAIN) {
            usleep(10000);
            continue;
        } else if (n < 0) {
            return n;
        } else if (m->len < 14
                   || (m->buf[12] << 8 | m->buf[13]) == ethertype) {
            return m->len;
        }
        sim_port_recv_done(port);
    }
    return -EAGAIN;
}

/* Sends from 'p1' a small frame tagged for VLAN 7 and checks that 'p0'
 * reads it in place in its ring, the tag stripped and reported. */
static void
check_tagged_in_ring(struct sim_port *p0, struct sim_port *p1)
{
    uint8_t frame[64], buf[SIM_BUF_SIZE_TEST];
    struct sim_port_msg m = { .buf = buf, .size = sizeof buf };
    struct iovec iov = { frame, sizeof frame };

    make_frame(frame, SIM_ETH_TPID_8021Q, 0x55);
    frame[14] = 0x00;
    frame[15] = 0x07;
    frame[16] = 0x88;
    frame[17] = 0xb5;
    memset(frame + 60, 0x55, 4);
    assert_int_equal(sim_port_send(p1, &iov, 1), 0);
    assert_int_equal(recv_batch_wait(p0, &m, 0x88b5), 60);
    assert_true(m.buf >= p0->ring && m.buf < p0->ring + p0->ring_len);
    assert_int_equal(m.tag, 7);
    assert_memory_equal(m.buf, frame, 12);
    assert_memory_equal(m.buf + 14, frame + 18, 46);
    sim_port_recv_done(p0);
}

/* AF_PACKET ports receive through a memory-mapped ring: frames are read in
 * place, with their stripped tag; one too large for a slot comes whole
 * through the socket; VTEP_SIM_RING=0 turns the ring off. */
static void
test_packet_ring(void **state)
{
    static uint8_t frame[4000], buf[SIM_BUF_SIZE_TEST];
    struct sim_port_msg m = { .buf = buf, .size = sizeof buf };
    struct sim_port p0, p1, plain;
    struct iovec iov;
    int tag;

    NETNS_REQUIRE(no_netns);
    assert_int_equal(system("ip link set sp0 mtu 9000 && "
                            "ip link set sp1 mtu 9000"),
                     0);
    assert_int_equal(sim_port_open(&p0, "sp0", SIM_PORT_PACKET, -1), 0);
    assert_int_equal(sim_port_open(&p1, "sp1", SIM_PORT_PACKET, -1), 0);
    assert_non_null(p0.ring);

    /* A small tagged frame: in place in the ring. */
    check_tagged_in_ring(&p0, &p1);

    /* A 4,000-byte frame does not fit a slot: copied into our buffer. */
    make_frame(frame, 0x88b5, 0x66);
    memset(frame + 60, 0x77, sizeof frame - 60);
    iov = (struct iovec){ frame, sizeof frame };
    assert_int_equal(sim_port_send(&p1, &iov, 1), 0);
    m.buf = buf;
    m.size = sizeof buf;
    assert_int_equal(recv_batch_wait(&p0, &m, 0x88b5), sizeof frame);
    assert_ptr_equal(m.buf, buf);
    assert_int_equal(m.tag, SIM_PORT_NO_TAG);
    assert_memory_equal(m.buf, frame, sizeof frame);
    sim_port_recv_done(&p0);
    /* And through sim_port_recv() too. */
    assert_int_equal(sim_port_send(&p1, &iov, 1), 0);
    assert_int_equal(recv_wait(&p0, buf, sizeof buf, &tag, 0x88b5),
                     sizeof frame);
    assert_memory_equal(buf, frame, sizeof frame);

    /* Without the ring, the same frames through recvmmsg(). */
    open_with_env(&plain, "sp0", "VTEP_SIM_RING", "0");
    assert_null(plain.ring);
    assert_int_equal(sim_port_send(&p1, &iov, 1), 0);
    m.buf = buf;
    m.size = sizeof buf;
    assert_int_equal(recv_batch_wait(&plain, &m, 0x88b5), sizeof frame);
    assert_memory_equal(m.buf, frame, sizeof frame);
    sim_port_recv_done(&plain);

    sim_port_close(&plain);
    sim_port_close(&p0);
    sim_port_close(&p1);
    assert_int_equal(system("ip link set sp0 mtu 1500 && "
                            "ip link set sp1 mtu 1500"),
                     0);
}

/* Sends on 'port' 'n' frames of EtherType 0x88b6 numbered from 'first'
 * (in their first two payload bytes). */
static void
send_numbered(struct sim_port *port, int first, int n)
{
    uint8_t frame[60];
    struct iovec iov = { frame, sizeof frame };
    int i, tries;

    for (i = first; i < first + n; i++) {
        make_frame(frame, 0x88b6, 0);
        frame[14] = (uint8_t) (i >> 8);
        frame[15] = (uint8_t) i;
        for (tries = 0; sim_port_send(port, &iov, 1) == -EAGAIN && tries < 100;
             tries++) {
            usleep(1000);
        }
    }
}

/* Receives in batches on 'port' the frames of send_numbered(), checking
 * that they come in order from 'first', until 'n' came or a second passed
 * without any; gives back their slots.  Returns how many came. */
static int
recv_numbered(struct sim_port *port, int first, int n)
{
    static uint8_t bufs[32][SIM_BUF_SIZE_TEST];
    int got = 0, idle = 0, i;

    while (got < n && idle < 200) {
        struct sim_port_msg ms[32];
        int k;

        for (i = 0; i < 32; i++) {
            ms[i].buf = bufs[i];
            ms[i].size = sizeof bufs[i];
        }
        k = sim_port_recv_batch(port, ms, 32);
        if (k == -EAGAIN) {
            usleep(5000);
            idle++;
            continue;
        }
        assert_true(k > 0);
        for (i = 0; i < k; i++) {
            assert_true(ms[i].len >= 60);
            if ((ms[i].buf[12] << 8 | ms[i].buf[13]) == 0x88b6) {
                assert_int_equal((ms[i].buf[14] << 8 | ms[i].buf[15]),
                                 (first + got) & 0xffff);
                got++;
            }
        }
        sim_port_recv_done(port);
    }
    return got;
}

/* VTEP_SIM_RING=block: a block ring.  Frames are read in place with
 * their stripped tag, a 4,000-byte one too (a block holds up to 64 KB),
 * and frames come across every block, in order, each block given back as
 * its frames are done. */
static void
test_packet_block_ring(void **state)
{
    static uint8_t frame[4000], buf[SIM_BUF_SIZE_TEST];
    struct sim_port_msg m = { .buf = buf, .size = sizeof buf };
    struct sim_port p0, p1;
    struct iovec iov;
    int round;

    NETNS_REQUIRE(no_netns);
    assert_int_equal(system("ip link set sp0 mtu 9000 && "
                            "ip link set sp1 mtu 9000"),
                     0);
    open_with_env(&p0, "sp0", "VTEP_SIM_RING", "block");
    assert_int_equal(sim_port_open(&p1, "sp1", SIM_PORT_PACKET, -1), 0);
    assert_true(p0.ring_blocks);
    assert_false(p1.ring_blocks);

    check_tagged_in_ring(&p0, &p1);

    make_frame(frame, 0x88b5, 0x66);
    memset(frame + 60, 0x77, sizeof frame - 60);
    iov = (struct iovec){ frame, sizeof frame };
    assert_int_equal(sim_port_send(&p1, &iov, 1), 0);
    m.buf = buf;
    m.size = sizeof buf;
    assert_int_equal(recv_batch_wait(&p0, &m, 0x88b5), sizeof frame);
    assert_true(m.buf >= p0.ring && m.buf < p0.ring + p0.ring_len);
    assert_memory_equal(m.buf, frame, sizeof frame);
    sim_port_recv_done(&p0);

    /* 70 rounds of 1,000 frames: more than the ring's 128 blocks hold,
     * so it comes round only if each block was given back. */
    for (round = 0; round < 70; round++) {
        send_numbered(&p1, round * 1000, 1000);
        assert_int_equal(recv_numbered(&p0, round * 1000, 1000), 1000);
    }

    sim_port_close(&p0);
    sim_port_close(&p1);
    assert_int_equal(system("ip link set sp0 mtu 1500 && "
                            "ip link set sp1 mtu 1500"),
                     0);
}

/* Sends from 'port' the frame numbered 'i' of send_numbered() alone and
 * receives it on 'in' (within a second); returns whether the frame came
 * from 'in''s frame ring (not its block ring). */
static bool
one_numbered(struct sim_port *port, struct sim_port *in, int i)
{
    uint8_t buf[SIM_BUF_SIZE_TEST];
    struct sim_port_msg m = { .buf = buf, .size = sizeof buf };
    bool framed;

    send_numbered(port, i, 1);
    assert_int_equal(recv_batch_wait(in, &m, 0x88b6), 60);
    assert_int_equal(m.buf[14] << 8 | m.buf[15], i);
    framed = m.buf >= in->ring && m.buf < in->ring + in->ring_len;
    sim_port_recv_done(in);
    return framed;
}

/* By default a port receives adaptively: the frame ring while it keeps
 * up, the block ring once full reads pile up, the frame ring again once
 * blocks come light; at each switch the frames already in the other ring
 * come first, so that every frame comes once and in order. */
static void
test_packet_adaptive(void **state)
{
    struct sim_port p0, p1;
    int i;

    NETNS_REQUIRE(no_netns);
    assert_int_equal(sim_port_open(&p0, "sp0", SIM_PORT_PACKET, -1), 0);
    assert_int_equal(sim_port_open(&p1, "sp1", SIM_PORT_PACKET, -1), 0);
    if (!p0.burst) {
        print_message("SKIP: this kernel has no PACKET_FANOUT_FLAG_"
                      "IGNORE_OUTGOING (Linux 6.10): frame rings alone\n");
        sim_port_close(&p0);
        sim_port_close(&p1);
        skip();
    }
    assert_false(p0.ring_blocks);
    assert_true(p0.burst->ring_blocks);
    assert_int_equal(p0.rx_mode, SIM_PORT_RX_FRAMES);

    /* Light traffic: the frame ring. */
    for (i = 0; i < 3; i++) {
        assert_true(one_numbered(&p1, &p0, i));
    }
    check_tagged_in_ring(&p0, &p1);

    /* 3,000 frames waiting: the first 16 reads of 32 come back full and
     * the port switches; the frames left in the frame ring come before
     * any of the block ring. */
    send_numbered(&p1, 3, 3000);
    assert_int_equal(recv_numbered(&p0, 3, 3000), 3000);
    assert_int_equal(p0.rx_mode, SIM_PORT_RX_BLOCKS);
    assert_int_equal(p0.to_blocks, 1);

    /* The next ones all go to blocks. */
    send_numbered(&p1, 3003, 3000);
    assert_int_equal(recv_numbered(&p0, 3003, 3000), 3000);
    assert_int_equal(p0.rx_mode, SIM_PORT_RX_BLOCKS);

    /* Single frames: each block closed by the timer with one frame; after
     * at most 8 of them (the last block of the 3,000 may count) the port
     * goes back to the frame ring. */
    for (i = 6003; p0.rx_mode == SIM_PORT_RX_BLOCKS; i++) {
        assert_true(i < 6011);
        assert_false(one_numbered(&p1, &p0, i));
    }
    assert_int_equal(p0.rx_mode, SIM_PORT_RX_CLOSING);
    assert_true(one_numbered(&p1, &p0, i));
    assert_int_equal(p0.rx_mode, SIM_PORT_RX_FRAMES);
    send_numbered(&p1, i + 1, 100);
    assert_int_equal(recv_numbered(&p0, i + 1, 100), 100);
    assert_int_equal(p0.to_blocks, 1);

    /* Our own transmissions, from the socket of the transmit ring (not in
     * the group), are not received. */
    {
        uint8_t frames[10][60];
        struct iovec iov[10][2];
        struct mmsghdr mm[10];
        int error = 0;

        memset(mm, 0, sizeof mm);
        for (i = 0; i < 10; i++) {
            make_frame(frames[i], 0x88b6, 0);
            frames[i][14] = (uint8_t) ((7000 + i) >> 8);
            frames[i][15] = (uint8_t) (7000 + i);
            iov[i][1] = (struct iovec){ frames[i], sizeof frames[i] };
            mm[i].msg_hdr.msg_iov = iov[i];
            mm[i].msg_hdr.msg_iovlen = 2;
        }
        assert_non_null(p0.tx_ring);
        assert_int_equal(sim_port_send_batch(&p0, mm, 10, &error), 10);
        assert_int_equal(recv_numbered(&p1, 7000, 10), 10);
        assert_int_equal(recv_numbered(&p0, 7000, 1), 0);
    }

    sim_port_close(&p0);
    assert_null(p0.burst);
    sim_port_close(&p1);

    /* VTEP_SIM_RING=frame: the frame ring alone. */
    open_with_env(&p0, "sp0", "VTEP_SIM_RING", "frame");
    assert_non_null(p0.ring);
    assert_null(p0.burst);
    sim_port_close(&p0);
}

/* AF_PACKET ports send through a memory-mapped ring: a batch goes in one
 * send(), a frame too large for a slot with sendmsg() in its place in the
 * order, and the frames arrive whole; VTEP_SIM_TX_RING=0 turns the ring
 * off. */
static void
test_packet_tx_ring(void **state)
{
    static uint8_t small[3][64], big[4000], buf[SIM_BUF_SIZE_TEST];
    static const uint8_t seqs[] = { 0x11, 0x22, 0x33, 0x44 };
    struct sim_port_msg m = { .buf = buf, .size = sizeof buf };
    struct iovec iov[4][2];
    struct mmsghdr mm[4];
    struct sim_port p0, p1, plain;
    int error = 0, i;

    NETNS_REQUIRE(no_netns);
    assert_int_equal(system("ip link set sp0 mtu 9000 && "
                            "ip link set sp1 mtu 9000"),
                     0);
    assert_int_equal(sim_port_open(&p0, "sp0", SIM_PORT_PACKET, -1), 0);
    assert_int_equal(sim_port_open(&p1, "sp1", SIM_PORT_PACKET, -1), 0);
    assert_non_null(p1.tx_ring);

    /* Small, small, 4,000 bytes, small: sequence numbers 0x11..0x44. */
    memset(mm, 0, sizeof mm);
    for (i = 0; i < 4; i++) {
        uint8_t *f = i == 2 ? big : small[i < 2 ? i : 2];
        size_t len = i == 2 ? sizeof big : sizeof small[0];

        make_frame(f, 0x88b5, seqs[i]);
        memset(f + 60, seqs[i], len - 60);
        iov[i][1] = (struct iovec){ f, len };
        mm[i].msg_hdr.msg_iov = iov[i];
        mm[i].msg_hdr.msg_iovlen = 2;
    }
    assert_int_equal(sim_port_send_batch(&p1, mm, 4, &error), 4);
    assert_int_equal(error, 0);
    for (i = 0; i < 4; i++) {
        size_t len = i == 2 ? sizeof big : sizeof small[0];

        assert_true(mm[i].msg_len > 0);
        m.buf = buf;
        m.size = sizeof buf;
        assert_int_equal(recv_batch_wait(&p0, &m, 0x88b5), len);
        assert_memory_equal(m.buf, i == 2 ? big : small[i < 2 ? i : 2], len);
        sim_port_recv_done(&p0);
    }

    /* Small, 4,000, 4,000, 4,000, small: the three large frames (TCP
     * super-frames in the dataplane) go in one sendmmsg() between the
     * ring's two kicks, and everything arrives in order. */
    {
        static uint8_t bigs[3][4000];
        static const uint8_t seq5[] = { 0x51, 0x52, 0x53, 0x54, 0x55 };
        struct iovec iov5[5][2];
        struct mmsghdr mm5[5];
        uint64_t calls = p1.tx_calls;

        memset(mm5, 0, sizeof mm5);
        for (i = 0; i < 5; i++) {
            bool is_big = i >= 1 && i <= 3;
            uint8_t *f = is_big ? bigs[i - 1] : small[i ? 1 : 0];
            size_t len = is_big ? sizeof bigs[0] : sizeof small[0];

            make_frame(f, 0x88b5, seq5[i]);
            memset(f + 60, seq5[i], len - 60);
            iov5[i][1] = (struct iovec){ f, len };
            mm5[i].msg_hdr.msg_iov = iov5[i];
            mm5[i].msg_hdr.msg_iovlen = 2;
        }
        assert_int_equal(sim_port_send_batch(&p1, mm5, 5, &error), 5);
        assert_int_equal(error, 0);
        assert_int_equal(p1.tx_calls - calls, 3);
        for (i = 0; i < 5; i++) {
            size_t len = mm5[i].msg_hdr.msg_iov[1].iov_len;

            assert_true(mm5[i].msg_len > 0);
            m.buf = buf;
            m.size = sizeof buf;
            assert_int_equal(recv_batch_wait(&p0, &m, 0x88b5), len);
            assert_memory_equal(m.buf, mm5[i].msg_hdr.msg_iov[1].iov_base,
                                len);
            sim_port_recv_done(&p0);
        }
    }

    /* Many batches: the ring's slots come back and are used again. */
    for (i = 0; i < 600; i++) {
        mm[0].msg_len = 0;
        assert_int_equal(sim_port_send_batch(&p1, mm, 1, &error), 1);
        m.buf = buf;
        m.size = sizeof buf;
        assert_int_equal(recv_batch_wait(&p0, &m, 0x88b5), 64);
        assert_memory_equal(m.buf, small[0], 64);
        sim_port_recv_done(&p0);
    }

    open_with_env(&plain, "sp1", "VTEP_SIM_TX_RING", "0");
    assert_non_null(plain.ring);
    assert_null(plain.tx_ring);
    assert_int_equal(sim_port_send_batch(&plain, mm, 1, &error), 1);
    m.buf = buf;
    m.size = sizeof buf;
    assert_int_equal(recv_batch_wait(&p0, &m, 0x88b5), 64);
    sim_port_recv_done(&p0);

    sim_port_close(&plain);
    sim_port_close(&p0);
    sim_port_close(&p1);
    assert_int_equal(system("ip link set sp0 mtu 1500 && "
                            "ip link set sp1 mtu 1500"),
                     0);
}

/* Frames that find the receive ring full are lost and counted, as a
 * NIC's rx_missed: the kernel's count, which reading resets, adds up in
 * the port. */
static void
test_packet_rx_missed(void **state)
{
    struct sim_port p0, p1;
    uint64_t missed;
    int n = RING_FRAME_NR + 500;

    NETNS_REQUIRE(no_netns);
    assert_int_equal(sim_port_open(&p0, "sp0", SIM_PORT_PACKET, -1), 0);
    assert_int_equal(sim_port_open(&p1, "sp1", SIM_PORT_PACKET, -1), 0);
    assert_non_null(p0.ring);
    assert_int_equal(sim_port_rx_missed(&p0), 0);

    /* Nobody reads p0: the frame ring takes RING_FRAME_NR, the rest go. */
    send_numbered(&p1, 0, n);
    missed = sim_port_rx_missed(&p0);
    assert_true(missed >= 500);
    assert_true(missed <= (uint64_t) n);
    /* Asked again, the same total. */
    assert_int_equal(sim_port_rx_missed(&p0), missed);
    /* What the ring holds comes, first frame first. */
    assert_int_equal(recv_numbered(&p0, 0, n - (int) missed),
                     n - (int) missed);
    assert_int_equal(sim_port_rx_missed(&p0), missed);
    /* The sender lost nothing of its own. */
    assert_int_equal(sim_port_rx_missed(&p1), 0);

    sim_port_close(&p0);
    sim_port_close(&p1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_fd_port),
        cmocka_unit_test(test_fd_port_batch),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_packet_ports),
        cmocka_unit_test(test_packet_partial_checksum),
        cmocka_unit_test(test_tap_port),
        cmocka_unit_test(test_packet_ring),
        cmocka_unit_test(test_packet_block_ring),
        cmocka_unit_test(test_packet_adaptive),
        cmocka_unit_test(test_packet_tx_ring),
        cmocka_unit_test(test_packet_rx_missed),
    };

    return cmocka_run_group_tests_name("sim/port", tests, kernel_setup,
                                       kernel_teardown);
}
