/* SPDX-License-Identifier: Apache-2.0 */
/* IP learning and suppression counters of the netdev backend, from the ARP
 * requests and replies and the neighbour solicitations that local hosts
 * send on bound ports.  The kernel answers and floods them itself
 * (neigh.c); vtepd only reads them, through one AF_PACKET socket on every
 * interface whose classic BPF filter passes untagged (or priority-tagged)
 * ARP and ICMPv6 type 135 (NS) and nothing else.  A frame counts only if it arrived on the
 * interface of a binding (a port or its 802.1Q sub-interface: the tag is
 * out of the frame there, so tagged copies on the parent port are
 * dropped by the filter).
 *
 *   learning  the sender of an ARP request or reply (not 0.0.0.0, not a
 *             multicast MAC) and the source of an NS (not unspecified, not
 *             link-local; its source link-layer option, else the frame's
 *             source MAC) become HAL_EVENT_NEIGH_LEARNED on the binding's
 *             bridge; a (bridge, IP) is reported again only after
 *             SNOOP_HOLD_MS or when its MAC changes, as the asic does.
 *   counters  an ARP request (not gratuitous, not a probe) or NS (not DAD)
 *             is "answered" if its target is a neighbour entry of the
 *             bridge, which the kernel answers, else "flooded"; ARP or NS
 *             that breaks the rules is "malformed".  The kernel keeps no
 *             counters of its own, so these are what vtepd saw; and unlike
 *             the asic, the kernel forwards malformed frames. */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hal/netdev/netdev-private.h"
#include "lib/csum.h"
#include "lib/hash.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_snoop);

#define SNOOP_HOLD_MS 30000
#define SNOOP_SLOTS 1024 /* A power of 2; a collision is an early repeat. */
#define RX_BATCH 256

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct nd_snoop_slot {
    int64_t reported_ms;
    uint32_t bridge_plus1; /* 0: empty. */
    struct hal_ip ip;
    struct hal_mac mac;
};

#define FILTER_ACCEPT 11
#define FILTER_DROP 12
#define TO(TARGET, I) ((TARGET) - (I) -1)

static int
attach_filter(int fd)
{
    struct sock_filter code[] = {
        /* 0: untagged on this interface, or priority-tagged (VLAN ID 0:
         * the untagged binding's, whose tag prio-tags.c pops only after
         * the taps); either way the tag, if any, is out of the frame. */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                 SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT),
        /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0),
        /* 2 */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_VLAN_TAG),
        /* 3 */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x0fff, TO(FILTER_DROP, 3), 0),
        /* 4 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
        /* 5 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, TO(FILTER_ACCEPT, 5),
                 0),
        /* 6 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, TO(FILTER_DROP, 6)),
        /* 7: ICMPv6 right after the fixed header. */
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 6),
        /* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, TO(FILTER_DROP, 8)),
        /* 9: type 135, neighbour solicitation. */
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 40),
        /* 10 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 0, TO(FILTER_DROP, 10)),
        /* 11 (FILTER_ACCEPT) */ BPF_STMT(BPF_RET | BPF_K, 2048),
        /* 12 (FILTER_DROP) */ BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { .len = ARRAY_SIZE(code), .filter = code };

    _Static_assert(ARRAY_SIZE(code) == FILTER_DROP + 1, "filter length");
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog)
               ? -errno
               : 0;
}

int
nd_snoop_open(struct hal_netdev *nd)
{
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
    };
    struct epoll_event ev = { .events = EPOLLIN };
    int one = 1, fd, error;

    nd->snoop_fd = -1;
    nd->snoop = xcalloc(SNOOP_SLOTS, sizeof *nd->snoop);
    fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
        goto fail;
    }
    error = attach_filter(fd);
    if (!error) {
        setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
        ev.data.fd = fd;
        if (bind(fd, (struct sockaddr *) &sll, sizeof sll)
            || epoll_ctl(nd->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
            error = -errno;
        }
    }
    if (error) {
        close(fd);
        goto fail;
    }
    nd->snoop_fd = fd;
    return 0;

fail:
    VLOG_WARN("no IP learning or suppression counters: %s", strerror(-error));
    return error;
}

void
nd_snoop_close(struct hal_netdev *nd)
{
    if (nd->snoop_fd >= 0) {
        close(nd->snoop_fd);
        nd->snoop_fd = -1;
    }
    free(nd->snoop);
    nd->snoop = NULL;
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static void
learn(struct hal_netdev *nd, const struct nd_bridge *br,
      const struct hal_ip *ip, const struct hal_mac *mac, int64_t now)
{
    struct nd_snoop_slot *s =
        &nd->snoop[hal_ip_hash(ip, br->index) & (SNOOP_SLOTS - 1)];
    struct hal_event ev;

    if (s->bridge_plus1 == br->index + 1 && hal_ip_equals(&s->ip, ip)
        && !memcmp(&s->mac, mac, sizeof *mac)
        && now - s->reported_ms < SNOOP_HOLD_MS) {
        return;
    }
    s->bridge_plus1 = br->index + 1;
    s->ip = *ip;
    s->mac = *mac;
    s->reported_ms = now;
    memset(&ev, 0, sizeof ev);
    ev.type = HAL_EVENT_NEIGH_LEARNED;
    ev.neigh.bridge = nd_bridge_oid(br->index);
    ev.neigh.ip = *ip;
    ev.neigh.mac = *mac;
    hal_event_push(&nd->up, &ev);
}

static void
count_request(struct hal_netdev *nd, struct nd_bridge *br,
              const struct hal_ip *target)
{
    if (nd_neigh_known(nd, br->index, target)) {
        br->neigh_stats.answered++;
    } else {
        br->neigh_stats.flooded++;
    }
}

static void
arp_input(struct hal_netdev *nd, struct nd_bridge *br, const uint8_t *p,
          size_t len, int64_t now)
{
    struct hal_ip sender, target;
    struct hal_mac sha;
    uint16_t op;

    if (len < 28 || get16(p) != 1 || get16(p + 2) != ETH_P_IP || p[4] != 6
        || p[5] != 4 || ((op = get16(p + 6)) != 1 && op != 2)) {
        br->neigh_stats.malformed++;
        return;
    }
    memset(&sender, 0, sizeof sender);
    memset(&target, 0, sizeof target);
    sender.family = target.family = AF_INET;
    memcpy(sha.ea, p + 8, 6);
    memcpy(&sender.v4, p + 14, 4);
    memcpy(&target.v4, p + 24, 4);
    if (!sender.v4.s_addr || hal_mac_is_multicast(&sha)) {
        return; /* A probe (RFC 5227): nothing to learn, never answered. */
    }
    learn(nd, br, &sender, &sha, now);
    if (op == 1 && sender.v4.s_addr != target.v4.s_addr) {
        count_request(nd, br, &target);
    }
}

/* The ICMPv6 checksum of the 'len'-byte message 'msg' in the IPv6 packet
 * 'ip' (RFC 8200, 8.1): 0 if the message's checksum field is right. */
static uint16_t
icmpv6_csum(const uint8_t *ip, const uint8_t *msg, size_t len)
{
    return csum_finish(
        csum_add(csum_pseudo_ipv6(ip + 8, ip + 24, 58, len), msg, len));
}

/* Returns false if the NS options at 'opt' are malformed (RFC 4861 4.6);
 * stores a source link-layer address option in '*sha'. */
static bool
ns_options(const uint8_t *opt, size_t len, struct hal_mac *sha)
{
    while (len) {
        size_t olen = len >= 2 ? (size_t) opt[1] * 8 : 0;

        if (!olen || olen > len) {
            return false;
        }
        if (opt[0] == 1 && olen == 8) {
            memcpy(sha->ea, opt + 2, 6);
        }
        opt += olen;
        len -= olen;
    }
    return true;
}

static void
ns_input(struct hal_netdev *nd, struct nd_bridge *br,
         const struct hal_mac *src, const uint8_t *ip, size_t len, int64_t now)
{
    const uint8_t *icmp = ip + 40;
    struct hal_ip sender, target;
    struct hal_mac sha = *src;
    size_t plen;

    plen = len >= 40 ? get16(ip + 4) : 0;
    if (len < 40 + 24 || plen < 24 || plen > len - 40 || ip[7] != 255
        || icmp[1] != 0 || icmpv6_csum(ip, icmp, plen) || icmp[8] == 0xff
        || !ns_options(icmp + 24, plen - 24, &sha)) {
        br->neigh_stats.malformed++;
        return;
    }
    memset(&sender, 0, sizeof sender);
    memset(&target, 0, sizeof target);
    sender.family = target.family = AF_INET6;
    memcpy(&sender.v6, ip + 8, 16);
    memcpy(&target.v6, icmp + 8, 16);
    if (IN6_IS_ADDR_UNSPECIFIED(&sender.v6)) {
        return; /* Duplicate address detection: never answered. */
    }
    if (!IN6_IS_ADDR_LINKLOCAL(&sender.v6) && !hal_mac_is_multicast(&sha)) {
        learn(nd, br, &sender, &sha, now);
    }
    count_request(nd, br, &target);
}

static void
frame_input(struct hal_netdev *nd, int ifindex, const uint8_t *f, size_t len,
            int64_t now)
{
    const struct nd_binding *b = nd_binding_by_ifindex(nd, ifindex);
    struct nd_bridge *br = b ? nd_bridge_find(nd, b->bridge) : NULL;
    struct hal_mac src;

    if (!br || len < 14) {
        return;
    }
    memcpy(src.ea, f + 6, 6);
    if (get16(f + 12) == ETH_P_ARP) {
        arp_input(nd, br, f + 14, len - 14, now);
    } else {
        ns_input(nd, br, &src, f + 14, len - 14, now);
    }
}

void
nd_snoop_run(struct hal_netdev *nd, int64_t now)
{
    uint8_t buf[2048];

    for (int i = 0; nd->snoop_fd >= 0 && i < RX_BATCH; i++) {
        struct sockaddr_ll sll;
        socklen_t sl = sizeof sll;
        ssize_t n = recvfrom(nd->snoop_fd, buf, sizeof buf, MSG_TRUNC,
                             (struct sockaddr *) &sll, &sl);

        if (n < 0) {
            return;
        }
        if (sll.sll_pkttype != PACKET_OUTGOING) {
            frame_input(nd, sll.sll_ifindex, buf, MIN((size_t) n, sizeof buf),
                        now);
        }
    }
}

int
nd_neigh_stats_get(const struct hal *hal, hal_oid_t bridge,
                   struct hal_neigh_stats *stats)
{
    const struct nd_bridge *br = nd_bridge_find(nd_cast(hal), bridge);

    if (!br) {
        return -ENOENT;
    }
    *stats = br->neigh_stats;
    return 0;
}
