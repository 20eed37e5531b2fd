/* SPDX-License-Identifier: Apache-2.0 */
/* The underlay side of the software dataplane: VXLAN packets to and from
 * remote VTEPs over the host's IPv4 stack.
 *
 * Receiving uses an ordinary UDP socket bound to the tunnel IP and the
 * VXLAN port: the kernel reassembles fragments, verifies the IP and UDP
 * checksums, and hands over the UDP payload (VXLAN header and inner frame)
 * with the outer source address.
 *
 * Sending uses a raw IPPROTO_UDP socket bound to the tunnel IP: we write
 * the UDP header ourselves, because RFC 7348 wants the source port to be a
 * hash of the inner frame (entropy for ECMP in the underlay), and a bound
 * UDP socket sends from one fixed port.  The kernel still builds the IPv4
 * header (source address, routing, TTL, ID, fragmentation) as it would for
 * its own VXLAN device.  The raw socket would also receive a copy of every
 * incoming UDP datagram: connected to its own address, it matches none
 * from elsewhere, and a filter that accepts nothing keeps its queue
 * empty. */
#ifndef SIM_UNDERLAY_H
#define SIM_UNDERLAY_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "sim/gso-tap.h"

/* Source ports (flows) that sim_underlay_send_gso() spreads over. */
#define SIM_UNDERLAY_GSO_SOCKETS 16

/* Connected UDP sockets that sim_underlay_send_batch() keeps for busy
 * (remote VTEP, source port) pairs: slots of a direct-mapped table. */
#define SIM_UNDERLAY_CONN_SLOTS 64

/* One slot of the connected-socket table: a (remote, source port) pair,
 * its socket once the pair has been busy enough to earn one. */
struct sim_underlay_conn {
    struct in_addr dst;
    uint16_t sport;    /* Host order; 0: the slot is free. */
    uint16_t hits;     /* Datagrams of the pair since it took the slot. */
    int fd;            /* -1: none (yet), -2: opening it failed. */
    uint32_t last_use; /* 'epoch' of the last datagram sent through it. */
    bool gso;          /* Segmentation offload works on 'fd'. */
};

struct sim_underlay {
    int rx_fd; /* UDP, bound to local:port. */
    int tx_fd; /* Raw IPPROTO_UDP, bound to local. */
    struct in_addr local;
    uint16_t port;      /* Host order. */
    uint16_t inner_mtu; /* The underlay interface's MTU less VXLAN's 50
                         * bytes (1450 if unknown). */
    /* UDP sockets for segmentation offload (UDP_SEGMENT), one per source
     * port, opened on first use; -1 until then, -2 if that failed. */
    int gso_fd[SIM_UNDERLAY_GSO_SOCKETS];
    /* Connected sockets for sim_underlay_send_batch(); see there. */
    struct sim_underlay_conn conn[SIM_UNDERLAY_CONN_SLOTS];
    uint32_t epoch;      /* sim_underlay_send_batch() calls so far. */
    unsigned int n_conn; /* Connected sockets open. */
    /* TCP super-frames whole, with UDP tunnel segmentation offload, if
     * this kernel can (see gso-tap.h; VTEP_SIM_GSO_TAP=0 turns it off);
     * else tap.fd is -1 and 'tap_why' says why. */
    struct sim_gso_tap tap;
    const char *tap_why;
};

/* Opens the sockets for VXLAN at 'local' (which must be an address of this
 * host) and UDP port 'port' into '*u'.  Both are nonblocking.  Returns 0 or
 * a negative errno (-EADDRNOTAVAIL, -EADDRINUSE, -EPERM without
 * CAP_NET_RAW). */
/* Returns how many VXLAN datagrams the kernel dropped at the receiving
 * socket of 'u': its buffer full when they came, or a bad UDP checksum
 * (the socket's drop count, SO_MEMINFO); 0 if it cannot tell. */
uint64_t sim_underlay_rx_drops(const struct sim_underlay *u);

int sim_underlay_open(struct sim_underlay *u, struct in_addr local,
                      uint16_t port);

/* Closes the sockets.  Accepts an underlay that failed to open. */
void sim_underlay_close(struct sim_underlay *u);

/* Receives one UDP payload into 'buf' (of 'size' bytes) and its sender's
 * address into '*src'.  Returns the payload's length, -EAGAIN when nothing
 * is waiting, -EMSGSIZE for a datagram larger than 'size' (dropped), or
 * another negative errno. */
ssize_t sim_underlay_recv(struct sim_underlay *u, uint8_t *buf, size_t size,
                          struct in_addr *src);

/* Sends to 'dst' the UDP datagram gathered from the 'n' entries of 'iov'
 * (at most 8), which must start with the UDP header.  Returns 0 or a
 * negative errno. */
int sim_underlay_send(struct sim_underlay *u, struct in_addr dst,
                      const struct iovec *iov, size_t n);

/* One UDP payload of sim_underlay_recv_batch(). */
struct sim_underlay_msg {
    uint8_t *buf; /* Set by the caller: where the payload goes, */
    size_t size;  /* and how many bytes fit there. */
    ssize_t len;  /* Its length, or -EMSGSIZE (dropped). */
    struct in_addr src;
};

/* Receives up to 'n' UDP payloads into 'msgs' (whose 'buf' and 'size' the
 * caller set) with one system call.  Returns how many entries were filled,
 * -EAGAIN if nothing was waiting, or another negative errno. */
int sim_underlay_recv_batch(struct sim_underlay *u,
                            struct sim_underlay_msg *msgs, size_t n);

/* Sends the 'n' UDP datagrams of 'msgs', each a complete msghdr with its
 * destination (struct sockaddr_in) and iovecs starting with the UDP
 * header.  Sets msgs[i].msg_len nonzero for each one sent.  Returns how
 * many were sent; on a failure stores its negative errno in '*error' (the
 * datagram is skipped, and after -EAGAIN or -ENOBUFS every later one of
 * its socket too).
 *
 * What leaves is what the raw socket would send, source port, TTL and DF
 * included.  But a (destination, source port) pair that keeps sending gets
 * a UDP socket bound to that port and connected to the destination, whose
 * cached route saves the lookup per datagram (as the kernel's VXLAN
 * device caches its routes); its datagrams go with one sendmmsg(), and a
 * run of them of one size (a flow's frames, the last may be shorter) that
 * fits the underlay MTU with one UDP_SEGMENT send, which the kernel
 * segments.  (Connected sockets compute the UDP checksum, which the
 * offload needs, or leave it to the device; the raw socket sends zero.)
 * At most SIM_UNDERLAY_CONN_SLOTS such sockets; a pair whose
 * slot is taken by a busier one, or whose port is in use, stays on the
 * raw socket.  Rewrites the msghdrs and first iovecs (not the data) of
 * 'msgs'. */
size_t sim_underlay_send_batch(struct sim_underlay *u, struct mmsghdr *msgs,
                               size_t n, int *error);

/* Sends to 'dst' the bytes gathered from the 'n_iov' (at most IOV_MAX)
 * entries of 'iov' as UDP datagrams of 'seg_size' bytes of payload each
 * (the last may be shorter; the entries need not align with datagrams),
 * with one system call
 * (UDP segmentation offload): VXLAN packets of a TCP super-frame's
 * segments.  They leave from one of SIM_UNDERLAY_GSO_SOCKETS fixed source
 * ports in the upper part of the RFC 7348 range, picked by 'sport' (a flow
 * hash), so one flow keeps one port.  Returns the number of datagrams
 * sent, or a negative errno (then nothing was sent; -EOPNOTSUPP: no
 * socket for that port). */
int sim_underlay_send_gso(struct sim_underlay *u, struct in_addr dst,
                          uint16_t sport, const struct iovec *iov,
                          size_t n_iov, uint16_t seg_size);

#endif /* sim/underlay.h */
