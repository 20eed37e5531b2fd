/* SPDX-License-Identifier: Apache-2.0 */
/* BFD sessions offloaded to the software ASIC, as switch ASICs run them
 * (SAI's BFD session object): the model holds each session's lib/bfd state
 * and runs its timers on the HAL clock in hal_run(); the dataplane hands it
 * the BFD frames that arrive inside VXLAN (hal_asic_bfd_input()) and sends
 * the frames it builds (the callback of hal_asic_set_bfd_tx()).
 *
 * Frames are what Open vSwitch sends and accepts: an inner Ethernet frame
 * to the configured MAC, IPv4 with TOS 0xc0 and TTL 255, UDP from a port
 * of 49152 and up to 3784 with no checksum, then the 24-byte control
 * packet, in VXLAN with the configured VNI (0 by default).  Sessions live
 * in process memory, not in chip memory: a restart brings them up again
 * from Down, as a rebooted switch does. */
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/bfd.h"
#include "lib/hash.h"
#include "lib/util.h"

#define BFD_OID(N) (((hal_oid_t) HAL_OBJECT_BFD << 56) | (N))
#define ETH_HLEN 14
#define IP_HLEN 20
#define UDP_HLEN 8
#define BFD_FRAME_LEN (ETH_HLEN + IP_HLEN + UDP_HLEN + BFD_PACKET_LEN)

struct asic_bfd {
    struct hmap_node node; /* In hal_asic 'bfds', by remote IP. */
    hal_oid_t oid;
    struct hal_bfd_config config;
    struct bfd *bfd;
};

static struct asic_bfd *
bfd_by_oid(const struct hal_asic *asic, hal_oid_t oid)
{
    struct asic_bfd *b;

    HMAP_FOR_EACH(b, node, &asic->bfds) {
        if (b->oid == oid) {
            return b;
        }
    }
    return NULL;
}

static struct asic_bfd *
bfd_by_remote(const struct hal_asic *asic, struct in_addr remote)
{
    struct asic_bfd *b;

    HMAP_FOR_EACH_WITH_HASH(b, node, hash_int(remote.s_addr, 0), &asic->bfds) {
        if (b->config.remote.s_addr == remote.s_addr) {
            return b;
        }
    }
    return NULL;
}

int
asic_bfd_set(struct hal *hal, const struct hal_bfd_config *c, hal_oid_t *oid)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_bfd *b = bfd_by_remote(asic, c->remote);

    if (*oid == HAL_OID_NULL) {
        if (b) {
            return -EEXIST;
        }
        b = xzalloc(sizeof *b);
        b->oid = BFD_OID(++asic->bfd_last_id);
        b->config = *c;
        b->bfd = bfd_create((uint32_t) asic->bfd_last_id, &c->bfd,
                            c->remote.s_addr, hal_now(hal));
        hmap_insert(&asic->bfds, &b->node, hash_int(c->remote.s_addr, 0));
        *oid = b->oid;
        return 0;
    }
    if (!b || b->oid != *oid) {
        return b ? -EEXIST : -ENOENT;
    }
    b->config = *c;
    bfd_configure(b->bfd, &c->bfd, hal_now(hal));
    return 0;
}

int
asic_bfd_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_bfd *b = bfd_by_oid(asic, oid);

    if (!b) {
        return -ENOENT;
    }
    hmap_remove(&asic->bfds, &b->node);
    bfd_destroy(b->bfd);
    free(b);
    return 0;
}

int
asic_bfd_get(const struct hal *hal, hal_oid_t oid, struct hal_bfd_info *info)
{
    const struct hal_asic *asic = asic_cast(hal);
    const struct asic_bfd *b = bfd_by_oid(asic, oid);

    if (!b) {
        return -ENOENT;
    }
    bfd_get_status(b->bfd, hal_now(hal), &info->status);
    info->counters = *bfd_get_counters(b->bfd);
    info->seq = bfd_status_seq(b->bfd);
    return 0;
}

void
asic_bfd_destroy_all(struct hal_asic *asic)
{
    struct asic_bfd *b;

    HMAP_FOR_EACH_SAFE(b, node, &asic->bfds) {
        hmap_remove(&asic->bfds, &b->node);
        bfd_destroy(b->bfd);
        free(b);
    }
    hmap_destroy(&asic->bfds);
}

static uint16_t
ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* Builds the inner frame of session 'b' around its next control packet. */
static void
build_frame(const struct hal_asic *asic, struct asic_bfd *b, uint8_t *f,
            int64_t now)
{
    uint8_t *ip = f + ETH_HLEN, *udp = ip + IP_HLEN;
    uint32_t src = asic->hdr->tunnel_src;
    uint16_t sport = 49152 + (uint16_t) (b->oid & 0x3fff);
    uint16_t csum;

    memset(f, 0, BFD_FRAME_LEN);
    memcpy(f, b->config.dst_mac.ea, 6);
    /* A locally administered source MAC derived from our tunnel IP. */
    f[6] = 0x02;
    memcpy(f + 8, &src, 4);
    f[12] = 0x08;
    ip[0] = 0x45;
    ip[1] = 0xc0;
    ip[3] = IP_HLEN + UDP_HLEN + BFD_PACKET_LEN;
    ip[8] = BFD_TTL;
    ip[9] = 17;
    memcpy(ip + 12, &b->config.src_ip, 4);
    memcpy(ip + 16, &b->config.dst_ip, 4);
    csum = ip_checksum(ip, IP_HLEN);
    ip[10] = csum >> 8;
    ip[11] = csum & 0xff;
    udp[0] = sport >> 8;
    udp[1] = sport & 0xff;
    udp[2] = BFD_UDP_PORT >> 8;
    udp[3] = BFD_UDP_PORT & 0xff;
    udp[5] = UDP_HLEN + BFD_PACKET_LEN;
    bfd_put_packet(b->bfd, udp + UDP_HLEN, now);
}

void
asic_bfd_run(struct hal_asic *asic, int64_t now)
{
    struct asic_bfd *b;

    HMAP_FOR_EACH(b, node, &asic->bfds) {
        bfd_run(b->bfd, now);
        if (bfd_should_send(b->bfd, now)) {
            uint8_t frame[BFD_FRAME_LEN];

            build_frame(asic, b, frame, now);
            if (asic->bfd_tx) {
                asic->bfd_tx(asic->bfd_tx_aux, b->config.remote, b->config.vni,
                             frame, sizeof frame);
            }
        }
    }
}

int64_t
asic_bfd_next_wake(const struct hal_asic *asic)
{
    const struct asic_bfd *b;
    int64_t t = INT64_MAX;

    HMAP_FOR_EACH(b, node, &asic->bfds) {
        t = MIN(t, bfd_next_wakeup(b->bfd));
    }
    return t;
}

void
hal_asic_set_bfd_tx(struct hal_asic *asic, hal_asic_bfd_tx_fn *fn, void *aux)
{
    asic->bfd_tx = fn;
    asic->bfd_tx_aux = aux;
}

/* Returns the offset of the BFD payload if 'f' (an inner Ethernet frame of
 * 'len' bytes) is single-hop BFD by RFC 5881's rules, else 0. */
static size_t
bfd_payload(const uint8_t *f, size_t len)
{
    const uint8_t *ip = f + ETH_HLEN;
    size_t ihl;

    if (len < ETH_HLEN + IP_HLEN || f[12] != 0x08 || f[13] != 0x00
        || (ip[0] >> 4) != 4) {
        return 0;
    }
    ihl = (size_t) (ip[0] & 0x0f) * 4;
    if (ihl < IP_HLEN || len < ETH_HLEN + ihl + UDP_HLEN || ip[9] != 17
        || ip[8] != BFD_TTL || (ip[6] & 0x3f) || ip[7]) {
        return 0;
    }
    if ((ip[ihl + 2] << 8 | ip[ihl + 3]) != BFD_UDP_PORT) {
        return 0;
    }
    return ETH_HLEN + ihl + UDP_HLEN;
}

bool
hal_asic_bfd_input(struct hal_asic *asic, struct in_addr outer_src,
                   uint32_t vni, const uint8_t *frame, size_t len, int64_t now)
{
    struct asic_bfd *b = bfd_by_remote(asic, outer_src);
    size_t off;

    if (!b) {
        return false;
    }
    hal_clock_advance(&asic->up, now);
    off = bfd_payload(frame, len);
    if (!off) {
        bfd_account_rx(b->bfd, now);
        return false;
    }
    if (!b->config.bfd.check_tnl_key || vni == b->config.vni) {
        bfd_process_packet(b->bfd, frame + off, len - off, now);
    }
    return true;
}
