/* SPDX-License-Identifier: Apache-2.0 */
/* BFD sessions for backends (hal-provider.h): the table of sessions by
 * remote VTEP, each a lib/bfd state machine, the inner frames Open vSwitch
 * sends and accepts, and the RFC 5881 checks on what arrives.  The asic
 * model and the netdev backend both keep their sessions here; only how a
 * frame crosses the wire differs.
 *
 * Frames: an inner Ethernet frame to the configured MAC from a locally
 * administered MAC derived from the tunnel IP, IPv4 with TOS 0xc0, TTL
 * 255 and ID 0, UDP from a port of 49152 and up to 3784 with no checksum,
 * then the 24-byte control packet. */
#include <stdlib.h>
#include <string.h>

#include "hal/hal-provider.h"
#include "lib/csum.h"
#include "lib/hash.h"
#include "lib/util.h"

#define ETH_HLEN 14
#define IP_HLEN 20
#define UDP_HLEN 8

struct hal_bfd_session {
    struct hmap_node node; /* In 'by_remote', by remote IP. */
    hal_oid_t oid;
    struct hal_bfd_config config;
    struct bfd *bfd;
};

void
hal_bfd_sessions_init(struct hal_bfd_sessions *s)
{
    hmap_init(&s->by_remote);
    s->last_id = 0;
    s->next_wake = INT64_MAX;
}

/* Notes that session 'b' may need running earlier than 's' thought. */
static void
note_wake(struct hal_bfd_sessions *s, const struct hal_bfd_session *b)
{
    s->next_wake = MIN(s->next_wake, bfd_next_wakeup(b->bfd));
}

void
hal_bfd_sessions_destroy(struct hal_bfd_sessions *s)
{
    struct hal_bfd_session *b;

    HMAP_FOR_EACH_SAFE(b, node, &s->by_remote) {
        hmap_remove(&s->by_remote, &b->node);
        bfd_destroy(b->bfd);
        free(b);
    }
    hmap_destroy(&s->by_remote);
}

size_t
hal_bfd_sessions_count(const struct hal_bfd_sessions *s)
{
    return hmap_count(&s->by_remote);
}

static struct hal_bfd_session *
by_oid(const struct hal_bfd_sessions *s, hal_oid_t oid)
{
    struct hal_bfd_session *b;

    HMAP_FOR_EACH(b, node, &s->by_remote) {
        if (b->oid == oid) {
            return b;
        }
    }
    return NULL;
}

static struct hal_bfd_session *
by_remote(const struct hal_bfd_sessions *s, struct in_addr remote)
{
    struct hal_bfd_session *b;

    HMAP_FOR_EACH_WITH_HASH(b, node, hash_int(remote.s_addr, 0),
                            &s->by_remote) {
        if (b->config.remote.s_addr == remote.s_addr) {
            return b;
        }
    }
    return NULL;
}

int
hal_bfd_sessions_set(struct hal_bfd_sessions *s,
                     const struct hal_bfd_config *c, hal_oid_t *oid,
                     int64_t now)
{
    struct hal_bfd_session *b = by_remote(s, c->remote);

    if (*oid == HAL_OID_NULL) {
        if (b) {
            return -EEXIST;
        }
        b = xzalloc(sizeof *b);
        b->oid = hal_oid_make(HAL_OBJECT_BFD, ++s->last_id);
        b->config = *c;
        b->bfd =
            bfd_create((uint32_t) s->last_id, &c->bfd, c->remote.s_addr, now);
        hmap_insert(&s->by_remote, &b->node, hash_int(c->remote.s_addr, 0));
        *oid = b->oid;
        note_wake(s, b);
        return 0;
    }
    if (!b || b->oid != *oid) {
        return b ? -EEXIST : -ENOENT;
    }
    b->config = *c;
    bfd_configure(b->bfd, &c->bfd, now);
    note_wake(s, b);
    return 0;
}

int
hal_bfd_sessions_remove(struct hal_bfd_sessions *s, hal_oid_t oid)
{
    struct hal_bfd_session *b = by_oid(s, oid);

    if (!b) {
        return -ENOENT;
    }
    hmap_remove(&s->by_remote, &b->node);
    bfd_destroy(b->bfd);
    free(b);
    return 0;
}

int
hal_bfd_sessions_get(const struct hal_bfd_sessions *s, hal_oid_t oid,
                     int64_t now, struct hal_bfd_info *info)
{
    const struct hal_bfd_session *b = by_oid(s, oid);

    if (!b) {
        return -ENOENT;
    }
    bfd_get_status(b->bfd, now, &info->status);
    info->counters = *bfd_get_counters(b->bfd);
    info->seq = bfd_status_seq(b->bfd);
    return 0;
}

/* Builds the inner frame of session 'b' around its next control packet. */
static void
build_frame(struct hal_bfd_session *b, struct in_addr tunnel_src, uint8_t *f,
            int64_t now)
{
    uint8_t *ip = f + ETH_HLEN, *udp = ip + IP_HLEN;
    uint16_t sport = 49152 + (uint16_t) (b->oid & 0x3fff);
    uint16_t csum;

    memset(f, 0, HAL_BFD_FRAME_LEN);
    memcpy(f, b->config.dst_mac.ea, 6);
    /* A locally administered source MAC derived from our tunnel IP. */
    f[6] = 0x02;
    memcpy(f + 8, &tunnel_src.s_addr, 4);
    f[12] = 0x08;
    ip[0] = 0x45;
    ip[1] = 0xc0;
    ip[3] = IP_HLEN + UDP_HLEN + BFD_PACKET_LEN;
    ip[8] = BFD_TTL;
    ip[9] = 17;
    memcpy(ip + 12, &b->config.src_ip, 4);
    memcpy(ip + 16, &b->config.dst_ip, 4);
    csum = csum_rfc1071(ip, IP_HLEN);
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
hal_bfd_sessions_run(struct hal_bfd_sessions *s, struct in_addr tunnel_src,
                     int64_t now, hal_bfd_send_fn *send, void *aux)
{
    struct hal_bfd_session *b;
    int64_t next = INT64_MAX;

    if (now < s->next_wake) {
        return;
    }
    /* Only the sessions that are due: bfd_next_wakeup() covers every
     * timer of a session (lib/bfd.h). */
    HMAP_FOR_EACH(b, node, &s->by_remote) {
        if (bfd_next_wakeup(b->bfd) <= now) {
            bfd_run(b->bfd, now);
            if (bfd_should_send(b->bfd, now)) {
                uint8_t frame[HAL_BFD_FRAME_LEN];

                build_frame(b, tunnel_src, frame, now);
                if (send) {
                    send(aux, &b->config, frame, sizeof frame);
                }
            }
        }
        next = MIN(next, bfd_next_wakeup(b->bfd));
    }
    s->next_wake = next;
}

int64_t
hal_bfd_sessions_next_wake(const struct hal_bfd_sessions *s)
{
    return s->next_wake;
}

size_t
hal_bfd_frame_payload(const uint8_t *f, size_t len)
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
hal_bfd_sessions_input(struct hal_bfd_sessions *s, struct in_addr outer_src,
                       uint32_t vni, const uint8_t *frame, size_t len,
                       int64_t now)
{
    struct hal_bfd_session *b = by_remote(s, outer_src);
    size_t off;

    if (!b) {
        return false;
    }
    off = hal_bfd_frame_payload(frame, len);
    if (!off) {
        bfd_account_rx(b->bfd, now);
        note_wake(s, b);
        return false;
    }
    if (!b->config.bfd.check_tnl_key || vni == b->config.vni) {
        bfd_process_packet(b->bfd, frame + off, len - off, now);
        note_wake(s, b);
    }
    return true;
}
