/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzing of the software dataplane's whole receive path, as hostile hosts
 * on the front-panel ports and hostile remote VTEPs reach it: learning,
 * ARP/ND suppression, the ACL stages, the logical router (ARP, ND, ICMP
 * errors, fragmentation, Arp_Sources_Remote), TCP super-frames and BFD,
 * through sim_inject_*() into a dataplane configured with all of them.
 *
 * Topology (asic backend, "lab" platform):
 *   ls0, VNI 5000: swp1 untagged, swp2 VLAN 10; router interfaces
 *     192.0.2.1/24 and 2001:db8::1/64; ARP/ND suppression for 192.0.2.7
 *     and 2001:db8::7; a remote MAC and flood lists to 127.0.0.2/.3.
 *   ls1, VNI 5001: swp3 untagged with an ingress ACL; router interfaces
 *     198.51.100.1/24 (egress ACL) and 2001:db8:1::1/64; the next hop
 *     198.51.100.254 behind swp3; routes 10.0.0.0/8, 2001:db8:99::/48.
 *   The router's MAC 02:00:00:00:00:fe, ARP source 02:00:00:00:00:fd, a
 *   peer 02:00:00:00:00:fc at 127.0.0.2, router advertisements every 4 s
 *   at most; a BFD session to 127.0.0.3.
 * The underlay is real: the target runs in a network namespace of its own
 * (root only; elsewhere without an underlay), tunnel IP 127.0.0.1.
 *
 * The input is a sequence of records: an opcode byte, a length (2 bytes,
 * big-endian) and that many bytes (fewer at the end of the input).  The
 * opcode's low 3 bits say what the bytes are:
 *   0, 6  a frame on swp1;            1  on swp2, tagged 10 if bit 3;
 *   2     a frame on swp3;            3, 7  VXLAN from 127.0.0.2 (.3 if
 *                                           bit 3);
 *   4     a super-frame on swp1 (swp3 if bit 3): TCP header offset and
 *         segment size (2 bytes each) before the frame;
 *   5     hal_run() (and, if bit 3, the learned MACs flushed).
 * A frame whose source MAC is one of the router's gets one bit flipped, so
 * that whatever leaves with the router's MACs was made by the router.
 *
 * Checked on every frame that leaves a port or goes to a remote VTEP (the
 * remotes' sockets are in the namespace too): at least an Ethernet header,
 * at most what the input could become (plus a tag) or an ICMP error; on
 * swp2, tagged 10; in VXLAN, a valid header, a VNI of a bridge (or 0 for
 * BFD, to its remote) and no tag; no frame back out of its port unchanged,
 * no VXLAN packet into a tunnel again; nothing at all for what swp3's
 * ingress ACL denies, no DNS routed into ls1 (its egress ACL); and the
 * router's own frames are sound:
 * IPv4 header checksums of routed packets, and the checksums of the ICMP
 * and ICMPv6 messages it sends.
 * FUZZ_DATAPLANE_VERBOSE=1 prints each frame that leaves, and the
 * dataplane's counters at the end. */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hal/asic/asic.h"
#include "hal/hal-acl.h"
#include "hal/hal-route.h"
#include "hal/hal.h"
#include "lib/csum.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "sim/frame.h"
#include "sim/port.h"
#include "sim/sim.h"
#include "tests/fuzz/fuzz.h"

#define N_PORTS 3
#define ETH_HLEN 14
/* The largest frame the router makes of nothing: an IPv6 ICMP error of
 * 1,280 bytes in a tagged frame. */
#define MADE_MAX (ETH_HLEN + 4 + 1280)

static struct ev_loop *loop;
static struct hal *hal;
static struct sim *sim;
static int peer[N_PORTS]; /* The far ends of swp1..swp3. */
static hal_oid_t ls0, ls1;
static struct in_addr remote[2];
static int remote_fd[2] = { -1, -1 }; /* The remotes' VXLAN sockets. */
static bool verbose; /* FUZZ_DATAPLANE_VERBOSE: print what leaves. */

static const struct hal_mac router_mac = { { 2, 0, 0, 0, 0, 0xfe } };
static const struct hal_mac arp_mac = { { 2, 0, 0, 0, 0, 0xfd } };
static const struct hal_mac peer_mac = { { 2, 0, 0, 0, 0, 0xfc } };
static const struct hal_mac nexthop_mac = { { 2, 0, 0, 0, 0, 0x54 } };

/* The router's addresses: its own messages come from one of them (or, for
 * ND, from a link-local address). */
static const char *const rif_addrs[] = { "192.0.2.1", "2001:db8::1",
                                         "198.51.100.1", "2001:db8:1::1" };
static struct hal_ip rif_ip[ARRAY_SIZE(rif_addrs)];

static struct hal_ip
ip(const char *s)
{
    struct hal_ip a;

    ASSERT(!hal_ip_from_string(s, &a));
    return a;
}

static struct in_addr
ip4(const char *s)
{
    return ip(s).v4;
}

/* Moves this process into a network namespace of its own with loopback
 * up.  Returns false if it cannot (not root). */
static bool
private_netns(void)
{
    struct ifreq ifr;
    int fd;
    bool ok;

    if (unshare(CLONE_NEWNET)) {
        return false;
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT(fd >= 0);
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    ok = !ioctl(fd, SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags |= IFF_UP;
    ok = ok && !ioctl(fd, SIOCSIFFLAGS, &ifr);
    close(fd);
    return ok;
}

/* A socket that receives what the dataplane sends to VTEP 'ip'. */
static int
udp_socket(struct in_addr ip)
{
    struct sockaddr_in sin = { .sin_family = AF_INET,
                               .sin_port = htons(4789),
                               .sin_addr = ip };
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int size = 4 << 20;

    ASSERT(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    ASSERT(!bind(fd, (struct sockaddr *) &sin, sizeof sin));
    return fd;
}

static hal_oid_t
port(const char *name)
{
    hal_oid_t oid;

    ASSERT(!hal_port_by_name(hal, name, &oid));
    return oid;
}

static hal_oid_t
bridge(const char *name, uint32_t vni)
{
    struct hal_bridge_config bc = { .vni = vni,
                                    .replication = HAL_REPLICATION_SOURCE_NODE,
                                    .learning = true };
    hal_oid_t oid = HAL_OID_NULL;

    snprintf(bc.name, sizeof bc.name, "%s", name);
    ASSERT(!hal_bridge_set(hal, &bc, &oid));
    return oid;
}

static hal_oid_t
rif(hal_oid_t router, hal_oid_t br, const char *addr, uint8_t len)
{
    struct hal_rif_config c = { router, br, ip(addr), len };
    struct hal_route_entry r = { .router = router, .prefix_len = len };
    hal_oid_t oid;

    ASSERT(!hal_rif_create(hal, &c, &oid));
    r.prefix = hal_ip_masked(&c.ip, len);
    r.nexthop = oid;
    ASSERT(!hal_route_set(hal, &r, 1, NULL));
    return oid;
}

static void
route(hal_oid_t router, const char *prefix, hal_oid_t nexthop)
{
    struct hal_route_entry r = { .router = router, .nexthop = nexthop };

    ASSERT(!hal_prefix_from_string(prefix, &r.prefix, &r.prefix_len));
    ASSERT(!hal_route_set(hal, &r, 1, NULL));
}

static hal_oid_t
nexthop(hal_oid_t via, const char *addr)
{
    struct hal_nexthop_config nc = { via, ip(addr) };
    struct hal_rneigh_entry n = { .rif = via,
                                  .ip = nc.ip,
                                  .mac = nexthop_mac };
    hal_oid_t oid;

    ASSERT(!hal_nexthop_create(hal, &nc, &oid));
    ASSERT(!hal_rneigh_set(hal, &n, 1, NULL));
    return oid;
}

static void
configure_l2(hal_oid_t swp1, hal_oid_t swp2, hal_oid_t swp3)
{
    struct hal_binding b[] = { { swp1, 0, ls0 },
                               { swp2, 10, ls0 },
                               { swp3, 0, ls1 } };
    struct hal_fdb_entry fdb[2];
    struct hal_flood_group flood[] = {
        { ls0, HAL_FLOOD_UNKNOWN_UNICAST, { { 0 } }, remote, 2 },
        { ls0, HAL_FLOOD_BROADCAST, { { 0 } }, remote, 2 },
        { ls1, HAL_FLOOD_BROADCAST, { { 0 } }, remote + 1, 1 },
    };
    struct hal_neigh_entry neigh[] = {
        { ls0, ip("192.0.2.7"), { { 2, 0, 0, 0, 0, 7 } } },
        { ls0, ip("2001:db8::7"), { { 2, 0, 0, 0, 0, 7 } } },
    };

    ASSERT(!hal_binding_set(hal, b, ARRAY_SIZE(b), NULL));
    memset(fdb, 0, sizeof fdb);
    fdb[0] = (struct hal_fdb_entry){ .bridge = ls0,
                                     .mac = { { 2, 0, 0, 0, 0, 0x20 } },
                                     .type = HAL_FDB_STATIC,
                                     .remote = true,
                                     .remote_ip = remote[0],
                                     .vni = HAL_VNI_NONE };
    fdb[1] = (struct hal_fdb_entry){
        .bridge = ls1, .mac = nexthop_mac, .type = HAL_FDB_STATIC, .port = swp3
    };
    ASSERT(!hal_fdb_set(hal, fdb, ARRAY_SIZE(fdb), NULL));
    ASSERT(!hal_flood_set(hal, flood, ARRAY_SIZE(flood), NULL));
    ASSERT(!hal_neigh_set(hal, neigh, ARRAY_SIZE(neigh), NULL));
}

/* A rule that denies protocol 'proto' to port 'port'. */
static struct hal_acl_rule
deny_port(uint8_t proto, uint16_t port)
{
    struct hal_acl_rule r;

    memset(&r, 0, sizeof r);
    r.action = HAL_ACL_DENY;
    r.match.fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT;
    r.match.protocol = proto;
    r.match.dst_port_min = r.match.dst_port_max = port;
    return r;
}

static void
configure_router(hal_oid_t swp3)
{
    struct hal_router_config rc = { .mac = router_mac, .arp_mac = arp_mac };
    struct hal_acl_rule in[5], out[2];
    struct hal_acl_table_config t;
    struct hal_acl_binding bind[2];
    hal_oid_t r0 = HAL_OID_NULL, rif1, rif1v6, nh, nh6;
    hal_oid_t acl_in = HAL_OID_NULL, acl_out = HAL_OID_NULL;

    snprintf(rc.name, sizeof rc.name, "r0");
    /* Router advertisements (hal_run() sends them, solicitations bring
     * them forward), with a DNS server. */
    rc.ra_interval_s = HAL_ROUTER_RA_INTERVAL_MIN;
    rc.n_ra_dns = 1;
    ASSERT(inet_pton(AF_INET6, "2001:db8::53", &rc.ra_dns[0]) == 1);
    rc.n_peers = 1;
    rc.peers[0] =
        (struct hal_router_peer){ .mac = peer_mac, .vtep = remote[0] };
    ASSERT(!hal_router_set(hal, &rc, &r0));
    rif(r0, ls0, "192.0.2.1", 24);
    rif(r0, ls0, "2001:db8::1", 64);
    rif1 = rif(r0, ls1, "198.51.100.1", 24);
    rif1v6 = rif(r0, ls1, "2001:db8:1::1", 64);
    nh = nexthop(rif1, "198.51.100.254");
    nh6 = nexthop(rif1v6, "2001:db8:1::fe");
    route(r0, "10.0.0.0/8", nh);
    route(r0, "2001:db8:99::/48", nh6);

    /* Ingress on swp3: telnet, an IPv4 source, an IPv6 /124 and IPv6
     * echo requests denied.  Egress at the router's ls1 interface: DNS
     * denied. */
    memset(in, 0, sizeof in);
    in[0] = deny_port(6, 23);
    in[1].action = HAL_ACL_DENY;
    in[1].match.fields = HAL_ACL_F_SRC_IP;
    in[1].match.src_ip = ip("198.51.100.66");
    in[1].match.src_mask = ip("255.255.255.255");
    in[2].action = HAL_ACL_DENY;
    in[2].match.fields = HAL_ACL_F_SRC_IP;
    in[2].match.src_ip = ip("2001:db8:1::66");
    in[2].match.src_mask = ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0");
    in[3].action = HAL_ACL_DENY;
    in[3].match.fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_ICMP_TYPE;
    in[3].match.protocol = 58;
    in[3].match.icmp_type = 128; /* Echo request. */
    in[4].action = HAL_ACL_PERMIT;
    memset(&t, 0, sizeof t);
    snprintf(t.name, sizeof t.name, "in");
    t.stage = HAL_ACL_INGRESS;
    t.rules = in;
    t.n_rules = ARRAY_SIZE(in);
    ASSERT(!hal_acl_table_set(hal, &t, &acl_in));

    memset(out, 0, sizeof out);
    out[0] = deny_port(17, 53);
    out[1].action = HAL_ACL_PERMIT;
    snprintf(t.name, sizeof t.name, "out");
    t.stage = HAL_ACL_EGRESS;
    t.rules = out;
    t.n_rules = ARRAY_SIZE(out);
    ASSERT(!hal_acl_table_set(hal, &t, &acl_out));

    bind[0] = (struct hal_acl_binding){ swp3, 0, HAL_ACL_INGRESS, acl_in };
    bind[1] = (struct hal_acl_binding){ rif1, 0, HAL_ACL_EGRESS, acl_out };
    ASSERT(!hal_acl_bind_set(hal, bind, ARRAY_SIZE(bind), NULL));
}

static void
configure_bfd(void)
{
    struct hal_bfd_config bc;
    hal_oid_t oid = HAL_OID_NULL;

    memset(&bc, 0, sizeof bc);
    bc.remote = remote[1];
    bc.dst_mac = (struct hal_mac){ { 0, 0x23, 0x20, 0, 0, 1 } };
    bc.src_ip = ip4("169.254.1.0");
    bc.dst_ip = ip4("169.254.1.1");
    bfd_settings_init(&bc.bfd);
    bc.bfd.enable = true;
    ASSERT(!hal_bfd_set(hal, &bc, &oid));
}

static void
print_stats(void)
{
    struct ds out = DS_EMPTY_INITIALIZER;

    sim_format_stats(sim, &out);
    fprintf(stderr, "%s", ds_cstr(&out));
    ds_destroy(&out);
}

static void
fuzz_init(void)
{
    static const char *const names[N_PORTS] = { "swp1", "swp2", "swp3" };
    struct hal_config hc = { .platform = "lab" };
    struct hal_switch_config sw = { { 0 }, 4789, 300 };
    struct sim_port_spec specs[N_PORTS];
    struct sim_config sc;
    size_t i;

    vlog_set_level(VLD_CONSOLE, VLL_OFF); /* Drops are logged. */
    setenv("VTEP_SIM_GSO_TAP", "0", 1);
    verbose = getenv("FUZZ_DATAPLANE_VERBOSE") != NULL;
    remote[0] = ip4("127.0.0.2");
    remote[1] = ip4("127.0.0.3");
    for (i = 0; i < ARRAY_SIZE(rif_addrs); i++) {
        rif_ip[i] = ip(rif_addrs[i]);
    }
    if (private_netns()) {
        sw.tunnel_src = ip4("127.0.0.1");
        for (i = 0; i < ARRAY_SIZE(remote_fd); i++) {
            remote_fd[i] = udp_socket(remote[i]);
        }
    } else {
        fprintf(stderr, "fuzz-dataplane: no network namespace of its own "
                        "(not root?): running without an underlay\n");
    }

    hal_register_provider(&hal_asic_provider);
    ASSERT(!hal_open("asic", &hc, &hal));
    ASSERT(!hal_switch_set(hal, &sw));
    ls0 = bridge("ls0", 5000);
    ls1 = bridge("ls1", 5001);
    configure_l2(port("swp1"), port("swp2"), port("swp3"));
    configure_router(port("swp3"));
    configure_bfd();

    memset(specs, 0, sizeof specs);
    for (i = 0; i < N_PORTS; i++) {
        int sv[2];

        ASSERT(!socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
        specs[i].name = names[i];
        specs[i].kind = SIM_PORT_FD;
        specs[i].fd = sv[0];
        peer[i] = sv[1];
    }
    memset(&sc, 0, sizeof sc);
    sc.ports = specs;
    sc.n_ports = N_PORTS;
    loop = ev_loop_new(0);
    ASSERT(!sim_create(loop, hal, &sc, &sim));
    if (verbose) {
        atexit(print_stats);
    }
}

static bool
is_rif_ip(int family, const uint8_t *addr)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rif_ip); i++) {
        if (rif_ip[i].family == family
            && !memcmp(family == AF_INET ? (const void *) &rif_ip[i].v4
                                         : (const void *) &rif_ip[i].v6,
                       addr, family == AF_INET ? 4 : 16)) {
            return true;
        }
    }
    return false;
}

/* The router's IPv4 packet 'p' ('len' bytes to the frame's end), which
 * left into ls1 if 'to_ls1'. */
static void
check_router_ipv4(const uint8_t *p, size_t len, bool to_ls1)
{
    size_t ihl, total;

    ASSERT(len >= 20 && p[0] >> 4 == 4);
    ihl = (size_t) (p[0] & 15) * 4;
    total = (size_t) (p[2] << 8 | p[3]);
    ASSERT(ihl >= 20 && ihl <= total && total <= len);
    ASSERT(csum_rfc1071(p, ihl) == 0);
    if (p[9] == 1 && is_rif_ip(AF_INET, p + 12)) {
        ASSERT(total - ihl >= 8);
        ASSERT(csum_rfc1071(p + ihl, total - ihl) == 0);
    }
    /* The egress ACL of the ls1 interface denies DNS (a first fragment or
     * a whole packet). */
    if (to_ls1 && p[9] == 17 && !(p[6] & 0x1f) && !p[7] && total >= ihl + 4) {
        ASSERT((p[ihl + 2] << 8 | p[ihl + 3]) != 53);
    }
}

/* The router's IPv6 packet 'p' ('len' bytes to the frame's end). */
static void
check_router_ipv6(const uint8_t *p, size_t len)
{
    size_t plen;

    ASSERT(len >= 40 && p[0] >> 4 == 6);
    plen = (size_t) (p[4] << 8 | p[5]);
    ASSERT(40 + plen <= len);
    if (p[6] == 58
        && (is_rif_ip(AF_INET6, p + 8)
            || (p[8] == 0xfe && (p[9] & 0xc0) == 0x80))) {
        uint64_t sum = csum_pseudo_ipv6(p + 8, p + 24, 58, plen);

        ASSERT(plen >= 8);
        ASSERT(csum_finish(csum_add(sum, p + 40, plen)) == 0);
    }
}

/* True if 'mac' is one the router sends from: its own or its ARP source
 * MAC (Arp_Sources_Local). */
static bool
routers(const uint8_t *mac)
{
    return !memcmp(mac, router_mac.ea, 6) || !memcmp(mac, arp_mac.ea, 6);
}

/* Checks a frame that left port 'port' (0-based; -1: inside VXLAN with
 * 'vni'), for an input of 'in_len' bytes. */
static void
check_frame(const uint8_t *frame, size_t len, int port, uint32_t vni,
            size_t in_len)
{
    size_t off = ETH_HLEN;
    uint16_t type;

    ASSERT(len >= ETH_HLEN);
    ASSERT(len <= MAX(in_len + 4, MADE_MAX));
    if (verbose) {
        fprintf(stderr, "%s%d: %zu bytes, type %02x%02x%s\n",
                port < 0 ? "vxlan" : "swp", port + 1, len, frame[12],
                frame[13], routers(frame + 6) ? ", the router's" : "");
    }
    type = (uint16_t) (frame[12] << 8 | frame[13]);
    if (port == 1) {
        /* swp2's only binding is VLAN 10. */
        ASSERT(len >= ETH_HLEN + 4 && type == 0x8100
               && ((frame[14] << 8 | frame[15]) & 0xfff) == 10);
    }
    if (type == 0x8100 && port == 1) {
        type = (uint16_t) (frame[16] << 8 | frame[17]);
        off += 4;
    }
    if (routers(frame + 6)) {
        if (type == 0x0800) {
            check_router_ipv4(frame + off, len - off,
                              port == 2 || (port < 0 && vni == 5001));
        } else if (type == 0x86dd) {
            check_router_ipv6(frame + off, len - off);
        }
    }
}

/* Checks the VXLAN packet 'pkt' (a UDP payload) sent to remote 'i'. */
static void
check_vxlan(const uint8_t *pkt, size_t len, size_t i, size_t in_len)
{
    uint32_t vni;

    ASSERT(len >= 8 + ETH_HLEN);
    ASSERT(pkt[0] == 0x08 && !pkt[1] && !pkt[2] && !pkt[3] && !pkt[7]);
    vni = (uint32_t) (pkt[4] << 16 | pkt[5] << 8 | pkt[6]);
    /* A frame of a bridge, or BFD (VNI 0) to the remote of the session. */
    ASSERT(vni == 5000 || vni == 5001 || (vni == 0 && i == 1));
    /* RFC 7348: the VNI replaces the binding's tag. */
    ASSERT(pkt[8 + 12] != 0x81 || pkt[8 + 13] != 0x00);
    check_frame(pkt + 8, len - 8, -1, vni, in_len);
}

/* The record being checked: what came in, and where (a port's index, or
 * -1 for VXLAN; -2 for neither); and whether swp3's ingress ACL denies
 * it, so that nothing at all may leave. */
static const uint8_t *in_bytes;
static int in_where = -2;
static bool in_denied;

/* True if swp3's ingress ACL (configure_router()) denies 'frame'. */
static bool
ingress_denied(const uint8_t *frame, size_t len)
{
    struct hal_ip denied6 = ip("2001:db8:1::60");
    struct hal_acl_packet acl;
    struct sim_eth eth;

    if (sim_eth_parse(frame, len, &eth)) {
        return false;
    }
    hal_acl_packet_parse(frame, len, eth.ethertype, eth.payload, &acl);
    return (acl.has_ports && acl.protocol == 6 && acl.dst_port == 23)
           || (acl.is_ip && acl.src_ip.family == AF_INET
               && acl.src_ip.v4.s_addr == ip4("198.51.100.66").s_addr)
           || (acl.is_ip && acl.src_ip.family == AF_INET6
               && !memcmp(&acl.src_ip.v6, &denied6.v6, 15)
               && (acl.src_ip.v6.s6_addr[15] & 0xf0) == 0x60)
           || (acl.is_icmp && acl.protocol == 58 && acl.icmp_type == 128);
}

/* Reads and checks what left the ports and the underlay for an input of
 * 'in_len' bytes. */
static void
drain(size_t in_len)
{
    static uint8_t buf[65536 + 64];
    ssize_t n;
    size_t i;

    for (i = 0; i < N_PORTS; i++) {
        while ((n = recv(peer[i], buf, sizeof buf, 0)) >= 0) {
            ASSERT(!in_denied);
            check_frame(buf, (size_t) n, (int) i, 0, in_len);
            /* Never back out of the port it came in by, unchanged. */
            ASSERT(in_where != (int) i || (size_t) n != in_len
                   || memcmp(buf, in_bytes, in_len));
        }
        ASSERT(errno == EAGAIN || errno == EWOULDBLOCK);
    }
    for (i = 0; i < ARRAY_SIZE(remote_fd); i++) {
        while (remote_fd[i] >= 0
               && (n = recv(remote_fd[i], buf, sizeof buf, 0)) >= 0) {
            ASSERT(!in_denied);
            check_vxlan(buf, (size_t) n, i, in_len);
            /* Split horizon: never from a tunnel into a tunnel. */
            ASSERT(in_where != -1 || (size_t) n != in_len
                   || memcmp(buf, in_bytes, in_len));
        }
    }
}

/* Flips a bit of the source MAC at 'mac' if it is one of the router's. */
static void
not_the_router(uint8_t *frame, size_t len, size_t mac_off)
{
    if (len >= mac_off + 6 && routers(frame + mac_off)) {
        frame[mac_off + 5] ^= 1;
    }
}

static void
one_record(uint8_t op, uint8_t *p, size_t len)
{
    bool bit3 = (op & 8) != 0;
    struct hal_fdb_flush all = { HAL_OID_NULL, HAL_OID_NULL };

    in_bytes = p;
    in_where = -2;
    in_denied = false;
    switch (op & 7) {
    case 0:
    case 6:
        not_the_router(p, len, 6);
        in_where = 0;
        sim_inject_frame(sim, 0, p, len, SIM_PORT_NO_TAG);
        break;
    case 1:
        not_the_router(p, len, 6);
        sim_inject_frame(sim, 1, p, len, bit3 ? 10 : SIM_PORT_NO_TAG);
        break;
    case 2:
        not_the_router(p, len, 6);
        in_where = 2;
        in_denied = ingress_denied(p, len);
        sim_inject_frame(sim, 2, p, len, SIM_PORT_NO_TAG);
        break;
    case 3:
    case 7:
        not_the_router(p, len, 8 + 6);
        in_where = -1;
        sim_inject_vxlan(sim, remote[bit3], p, len);
        break;
    case 4:
        if (len >= 4) {
            not_the_router(p + 4, len - 4, 6);
            in_denied = bit3 && ingress_denied(p + 4, len - 4);
            sim_inject_superframe(
                sim, bit3 ? 2 : 0, p + 4, len - 4, SIM_PORT_NO_TAG,
                (uint16_t) (p[0] << 8 | p[1]), (uint16_t) (p[2] << 8 | p[3]));
        }
        break;
    case 5:
    default:
        hal_run(hal, time_msec());
        if (bit3) {
            hal_fdb_flush(hal, &all);
        }
        break;
    }
    drain(len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t frame[65536];
    size_t i = 0;

    if (!sim) {
        fuzz_init();
    }
    while (i + 3 <= size) {
        uint8_t op = data[i];
        size_t len = (size_t) (data[i + 1] << 8 | data[i + 2]);

        i += 3;
        len = MIN(len, size - i);
        /* A copy: the dataplane may change a frame in place. */
        memcpy(frame, data + i, len);
        one_record(op, frame, len);
        i += len;
    }
    return 0;
}
