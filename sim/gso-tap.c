/* SPDX-License-Identifier: Apache-2.0 */
/* VXLAN super-packets through a TAP device: see gso-tap.h. */
#include "sim/gso-tap.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/bytes.h"
#include "lib/csum.h"
#include "lib/sysctl.h"
#include "lib/vlog.h"
#include "sim/frame.h"

/* Linux 6.17's additions to if_tun.h and virtio_net.h, which Debian 12's
 * headers predate. */
#ifndef TUN_F_UDP_TUNNEL_GSO
#define TUN_F_UDP_TUNNEL_GSO 0x080
#endif
#define VNET_F_NEEDS_CSUM 1
#define VNET_GSO_TCPV4 1
#define VNET_GSO_TCPV6 4
#define VNET_GSO_UDP_TUNNEL_IPV4 0x20

/* struct virtio_net_hdr_v1_hash_tunnel: the virtio-net header, the hash
 * fields (unused here), then the tunnel's offsets.  Little-endian. */
struct vnet_tunnel_hdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
    uint16_t num_buffers;
    uint32_t hash_value;
    uint16_t hash_report;
    uint16_t padding;
    uint16_t outer_th_offset; /* The outer UDP header. */
    uint16_t inner_nh_offset; /* The inner IP header. */
};
_Static_assert(sizeof(struct vnet_tunnel_hdr) == 24, "virtio-net header");

#define IPV4_HLEN 20
#define OUTER_L4 (SIM_ETH_HLEN + IPV4_HLEN)
#define OUTER_HLEN (OUTER_L4 + SIM_UDP_HLEN + SIM_VXLAN_HLEN)

/* Brings the device up without ARP (it has no address) and reads its MAC
 * into t->mac. */
static int
tap_up(struct sim_gso_tap *t)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    int error = 0;

    if (fd < 0) {
        return -errno;
    }
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, t->name, sizeof t->name);
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        error = -errno;
    } else {
        memcpy(t->mac, ifr.ifr_hwaddr.sa_data, sizeof t->mac);
    }
    if (!error && ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        error = -errno;
    }
    ifr.ifr_flags |= IFF_UP | IFF_NOARP;
    if (!error && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
        error = -errno;
    }
    close(fd);
    return error;
}

/* Reads the namespace's ForwDatagrams counter from /proc/net/snmp (its
 * "Ip:" header line names the columns, the next one has the values). */
static int
ip_forwarded(uint64_t *value)
{
    char names[1024], values[1024];
    char *name, *val, *np, *vp;
    int error = -ENOENT;
    FILE *f = fopen("/proc/net/snmp", "re");

    if (!f) {
        return -errno;
    }
    if (fgets(names, sizeof names, f) && fgets(values, sizeof values, f)
        && !strncmp(names, "Ip:", 3) && !strncmp(values, "Ip:", 3)) {
        name = strtok_r(names + 3, " \n", &np);
        val = strtok_r(values + 3, " \n", &vp);
        for (; name && val; name = strtok_r(NULL, " \n", &np),
                            val = strtok_r(NULL, " \n", &vp)) {
            if (!strcmp(name, "ForwDatagrams")) {
                *value = strtoull(val, NULL, 10);
                error = 0;
                break;
            }
        }
    }
    fclose(f);
    return error;
}

int
sim_gso_tap_open(struct sim_gso_tap *t, const char **why)
{
    unsigned int offload =
        TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_UDP_TUNNEL_GSO;
    int hdr_size = sizeof(struct vnet_tunnel_hdr), rp_filter = 1, error;
    struct ifreq ifr;

    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (sysctl_dev_get("ipv4", "all", "rp_filter", &rp_filter) || rp_filter) {
        *why = "net.ipv4.conf.all.rp_filter is not 0";
        return -EACCES;
    }
    t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (t->fd < 0) {
        *why = "cannot open /dev/net/tun";
        return -errno;
    }
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "vtsim%%d");
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
        error = -errno;
        *why = "cannot create a TAP device";
        goto fail;
    }
    memcpy(t->name, ifr.ifr_name, sizeof t->name);
    t->name[sizeof t->name - 1] = '\0';
    if (ioctl(t->fd, TUNSETVNETHDRSZ, &hdr_size) < 0
        || ioctl(t->fd, TUNSETOFFLOAD, (unsigned long) offload) < 0) {
        error = -EOPNOTSUPP;
        *why = "this kernel's TAP devices lack UDP tunnel segmentation "
               "offload (Linux 6.17)";
        goto fail;
    }
    if (sysctl_dev_set("ipv4", t->name, "forwarding", "1")
        || sysctl_dev_set("ipv4", t->name, "accept_local", "1")
        || sysctl_dev_set("ipv4", t->name, "rp_filter", "0")) {
        error = -EACCES;
        *why = "cannot set the TAP device's forwarding sysctls";
        goto fail;
    }
    /* Nothing to say over IPv6 there; absent IPv6 is fine too. */
    sysctl_dev_set("ipv6", t->name, "disable_ipv6", "1");
    error = tap_up(t);
    if (error) {
        *why = "cannot bring the TAP device up";
        goto fail;
    }
    if (ip_forwarded(&t->forw_seen)) {
        error = -ENOENT;
        *why = "cannot read the forwarding counter in /proc/net/snmp";
        goto fail;
    }
    t->ip_id = (uint16_t) getpid();
    t->checked_ms = time_msec();
    return 0;

fail:
    sim_gso_tap_close(t);
    return error;
}

void
sim_gso_tap_close(struct sim_gso_tap *t)
{
    if (t->fd >= 0) {
        close(t->fd);
    }
    t->fd = -1;
}

/* Writes the outer Ethernet (to the TAP device), IPv4, UDP and VXLAN
 * headers of 'f', whose inner frame is 'inner_len' bytes, at 'o'. */
static void
put_outer(struct sim_gso_tap *t, const struct sim_gso_tap_frame *f,
          size_t inner_len, uint8_t *o)
{
    uint8_t *ip = o + SIM_ETH_HLEN, *udp = o + OUTER_L4;
    uint8_t *vxlan = udp + SIM_UDP_HLEN;

    memcpy(o, t->mac, SIM_ETH_ALEN);
    memcpy(o + SIM_ETH_ALEN, t->mac, SIM_ETH_ALEN);
    o[SIM_ETH_ALEN + 5] ^= 1; /* Any other unicast address. */
    put_be16(o + 12, 0x0800);

    ip[0] = 0x45;
    ip[1] = 0;
    put_be16(ip + 2, (uint16_t) (OUTER_HLEN - SIM_ETH_HLEN + inner_len));
    put_be16(ip + 4, t->ip_id++);
    put_be16(ip + 6, 0); /* DF clear, as the kernel's VXLAN device. */
    ip[8] = 65;          /* 64 once forwarded. */
    ip[9] = 17;          /* UDP */
    put_be16(ip + 10, 0);
    memcpy(ip + 12, &f->src, 4);
    memcpy(ip + 16, &f->dst, 4);
    put_be16(ip + 10, csum_rfc1071(ip, IPV4_HLEN));

    put_be16(udp, f->sport);
    put_be16(udp + 2, f->dport);
    put_be16(udp + 4, (uint16_t) (SIM_UDP_HLEN + SIM_VXLAN_HLEN + inner_len));
    put_be16(udp + 6, 0); /* None over IPv4 (RFC 7348, 5). */

    memset(vxlan, 0, SIM_VXLAN_HLEN);
    vxlan[0] = 0x08; /* The VNI is valid. */
    vxlan[4] = (uint8_t) (f->vni >> 16);
    vxlan[5] = (uint8_t) (f->vni >> 8);
    vxlan[6] = (uint8_t) f->vni;
}

/* Returns NULL if the path still works (see sim_gso_tap_send()), else
 * what is wrong. */
static const char *
path_broken(struct sim_gso_tap *t)
{
    int all_rpf = 1, rpf = 1, fwd = 0, local = 0;
    uint64_t forw = 0;

    if (sysctl_dev_get("ipv4", "all", "rp_filter", &all_rpf) || all_rpf) {
        return "net.ipv4.conf.all.rp_filter is no longer 0";
    } else if (sysctl_dev_get("ipv4", t->name, "rp_filter", &rpf)
               || sysctl_dev_get("ipv4", t->name, "forwarding", &fwd)
               || sysctl_dev_get("ipv4", t->name, "accept_local", &local)
               || rpf || !fwd || !local) {
        return "the TAP device's forwarding sysctls changed";
    } else if (ip_forwarded(&forw)
               || forw - t->forw_seen < t->sent - t->sent_seen) {
        return "super-frames written to the TAP device were not forwarded "
               "(a netfilter FORWARD rule, a route?)";
    }
    t->forw_seen = forw;
    t->sent_seen = t->sent;
    return NULL;
}

int
sim_gso_tap_send(struct sim_gso_tap *t, const struct sim_gso_tap_frame *f,
                 const char **why)
{
    uint8_t
        buf[sizeof(struct vnet_tunnel_hdr) + OUTER_HLEN + SIM_GSO_TAP_HDR_MAX];
    size_t inner_len = f->hdr_len + f->payload_len, tcp_len;
    struct vnet_tunnel_hdr vh;
    uint8_t *inner = buf + sizeof vh + OUTER_HLEN;
    const uint8_t *l3 = inner + f->l3;
    struct iovec iov[2];
    uint64_t sum;

    int64_t now = time_msec();

    if (t->fd < 0) {
        return -EBADF;
    }
    if (now - t->checked_ms >= 1000) {
        const char *changed = path_broken(t);

        if (changed) {
            sim_gso_tap_close(t);
            *why = changed;
            return -EACCES;
        }
        t->checked_ms = now;
    }
    if (f->hdr_len > SIM_GSO_TAP_HDR_MAX || f->l4 + 20 > f->hdr_len
        || OUTER_HLEN - SIM_ETH_HLEN + inner_len > 65535) {
        return -EMSGSIZE;
    }
    put_outer(t, f, inner_len, buf + sizeof vh);
    memcpy(inner, f->hdr, f->hdr_len);

    /* The inner TCP checksum field as the offload wants it: the sum of
     * the pseudo-header of the whole super-frame's TCP length, which the
     * segmentation corrects per segment. */
    tcp_len = inner_len - f->l4;
    sum = f->ipv6 ? csum_pseudo_ipv6(l3 + 8, l3 + 24, 6, tcp_len)
                  : csum_pseudo_ipv4(l3 + 12, l3 + 16, 6, tcp_len);
    put_be16(inner + f->l4 + 16, csum_fold(sum));

    memset(&vh, 0, sizeof vh);
    vh.flags = VNET_F_NEEDS_CSUM;
    vh.gso_type = (uint8_t) ((f->ipv6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4)
                             | VNET_GSO_UDP_TUNNEL_IPV4);
    vh.hdr_len = htole16((uint16_t) (OUTER_HLEN + f->hdr_len));
    vh.gso_size = htole16(f->mss);
    vh.csum_start = htole16((uint16_t) (OUTER_HLEN + f->l4));
    vh.csum_offset = htole16(16); /* The TCP checksum field. */
    vh.outer_th_offset = htole16(OUTER_L4);
    vh.inner_nh_offset = htole16((uint16_t) (OUTER_HLEN + f->l3));
    memcpy(buf, &vh, sizeof vh);

    iov[0].iov_base = buf;
    iov[0].iov_len = sizeof vh + OUTER_HLEN + f->hdr_len;
    iov[1].iov_base = (void *) f->payload;
    iov[1].iov_len = f->payload_len;
    if (writev(t->fd, iov, 2) < 0) {
        t->failed++;
        return -errno;
    }
    t->sent++;
    return 0;
}
