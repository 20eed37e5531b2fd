/* SPDX-License-Identifier: Apache-2.0 */
/* ACLs: the reference match semantics, the header parser the software
 * dataplane uses, the checked calls and the hal/dump-acl text.
 * Backend-neutral; the provider callbacks are optional. */
#include "hal/hal-acl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-private.h"
#include "lib/ds.h"
#include "lib/util.h"

#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

const char *
hal_acl_stage_name(enum hal_acl_stage stage)
{
    return stage == HAL_ACL_INGRESS  ? "ingress"
           : stage == HAL_ACL_EGRESS ? "egress"
                                     : "unknown";
}

/* ---- Checks -------------------------------------------------------------- */

static bool
has_ports(uint8_t protocol)
{
    return protocol == IPPROTO_TCP_ || protocol == IPPROTO_UDP_
           || protocol == IPPROTO_SCTP_;
}

static const char *
check_ip(const struct hal_ip *ip, const struct hal_ip *mask, const char *what)
{
    if ((ip->family != AF_INET && ip->family != AF_INET6)
        || mask->family != ip->family) {
        return what;
    }
    return NULL;
}

const char *
hal_acl_match_check(const struct hal_acl_match *m)
{
    uint32_t f = m->fields;
    const char *error;
    int family = 0;

    if (f & ~HAL_ACL_F_ALL) {
        return "unknown match field";
    }
    if (f & HAL_ACL_F_SRC_IP) {
        error = check_ip(&m->src_ip, &m->src_mask,
                         "source_ip and source_mask of different families");
        if (error) {
            return error;
        }
        family = m->src_ip.family;
    }
    if (f & HAL_ACL_F_DST_IP) {
        error = check_ip(&m->dst_ip, &m->dst_mask,
                         "dest_ip and dest_mask of different families");
        if (error) {
            return error;
        }
        if (family && family != m->dst_ip.family) {
            return "source_ip and dest_ip of different families";
        }
        family = m->dst_ip.family;
    }
    if (family && (f & HAL_ACL_F_ETHERTYPE)
        && m->ethertype
               != (family == AF_INET ? ETH_TYPE_IPV4 : ETH_TYPE_IPV6)) {
        return "ethertype does not match the IP addresses' family";
    }
    if ((f & HAL_ACL_F_SRC_PORT) && m->src_port_min > m->src_port_max) {
        return "source port range low > high";
    }
    if ((f & HAL_ACL_F_DST_PORT) && m->dst_port_min > m->dst_port_max) {
        return "dest port range low > high";
    }
    if ((f & (HAL_ACL_F_SRC_PORT | HAL_ACL_F_DST_PORT))
        && (!(f & HAL_ACL_F_PROTOCOL) || !has_ports(m->protocol))) {
        return "L4 ports need protocol 6 (TCP), 17 (UDP) or 132 (SCTP)";
    }
    if ((f & HAL_ACL_F_TCP_FLAGS)
        && (!(f & HAL_ACL_F_PROTOCOL) || m->protocol != IPPROTO_TCP_)) {
        return "tcp_flags need protocol 6 (TCP)";
    }
    if ((f & HAL_ACL_F_TCP_FLAGS)
        && ((m->tcp_flags_mask & ~HAL_ACL_TCP_FLAGS_ALL)
            || (m->tcp_flags & ~m->tcp_flags_mask))) {
        return "tcp_flags outside tcp_flags_mask or beyond 9 bits";
    }
    if ((f & (HAL_ACL_F_ICMP_TYPE | HAL_ACL_F_ICMP_CODE))
        && (!(f & HAL_ACL_F_PROTOCOL)
            || (m->protocol != IPPROTO_ICMP_
                && m->protocol != IPPROTO_ICMPV6_))) {
        return "ICMP type/code need protocol 1 (ICMP) or 58 (ICMPv6)";
    }
    if ((f & HAL_ACL_F_PROTOCOL) && family
        && ((m->protocol == IPPROTO_ICMP_ && family != AF_INET)
            || (m->protocol == IPPROTO_ICMPV6_ && family != AF_INET6))
        && (f & (HAL_ACL_F_ICMP_TYPE | HAL_ACL_F_ICMP_CODE))) {
        return "ICMP of the other IP family";
    }
    if ((f & HAL_ACL_F_ETHERTYPE) && m->ethertype < 0x600) {
        return "ethertype below 0x0600 (a length, not a type)";
    }
    if ((f & HAL_ACL_F_ETHERTYPE) && (f & HAL_ACL_F_PROTOCOL)
        && m->ethertype != ETH_TYPE_IPV4 && m->ethertype != ETH_TYPE_IPV6) {
        return "protocol with a non-IP ethertype";
    }
    return NULL;
}

/* ---- Reference semantics -------------------------------------------------- */

static bool
ip_match(const struct hal_ip *ip, const struct hal_ip *want,
         const struct hal_ip *mask)
{
    size_t len = ip->family == AF_INET ? 4 : 16;
    const uint8_t *a = (const uint8_t *) &ip->v6;
    const uint8_t *b = (const uint8_t *) &want->v6;
    const uint8_t *k = (const uint8_t *) &mask->v6;

    if (ip->family != want->family) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if ((a[i] ^ b[i]) & k[i]) {
            return false;
        }
    }
    return true;
}

bool
hal_acl_match_packet(const struct hal_acl_match *m,
                     const struct hal_acl_packet *p)
{
    uint32_t f = m->fields;

    if (((f & HAL_ACL_F_SRC_MAC)
         && memcmp(&p->src_mac, &m->src_mac, sizeof p->src_mac))
        || ((f & HAL_ACL_F_DST_MAC)
            && memcmp(&p->dst_mac, &m->dst_mac, sizeof p->dst_mac))
        || ((f & HAL_ACL_F_ETHERTYPE) && p->ethertype != m->ethertype)) {
        return false;
    }
    if (!(f
          & ~(HAL_ACL_F_SRC_MAC | HAL_ACL_F_DST_MAC | HAL_ACL_F_ETHERTYPE))) {
        return true;
    }
    if (!p->is_ip
        || ((f & HAL_ACL_F_SRC_IP)
            && !ip_match(&p->src_ip, &m->src_ip, &m->src_mask))
        || ((f & HAL_ACL_F_DST_IP)
            && !ip_match(&p->dst_ip, &m->dst_ip, &m->dst_mask))
        || ((f & HAL_ACL_F_PROTOCOL) && p->protocol != m->protocol)) {
        return false;
    }
    if ((f & (HAL_ACL_F_SRC_PORT | HAL_ACL_F_DST_PORT))
        && (!p->has_ports
            || ((f & HAL_ACL_F_SRC_PORT)
                && (p->src_port < m->src_port_min
                    || p->src_port > m->src_port_max))
            || ((f & HAL_ACL_F_DST_PORT)
                && (p->dst_port < m->dst_port_min
                    || p->dst_port > m->dst_port_max)))) {
        return false;
    }
    if ((f & HAL_ACL_F_TCP_FLAGS)
        && (!p->is_tcp
            || ((p->tcp_flags ^ m->tcp_flags) & m->tcp_flags_mask))) {
        return false;
    }
    if ((f & (HAL_ACL_F_ICMP_TYPE | HAL_ACL_F_ICMP_CODE))
        && (!p->is_icmp
            || ((f & HAL_ACL_F_ICMP_TYPE) && p->icmp_type != m->icmp_type)
            || ((f & HAL_ACL_F_ICMP_CODE) && p->icmp_code != m->icmp_code))) {
        return false;
    }
    return true;
}

/* ---- Parsing --------------------------------------------------------------- */

static void
parse_l4(const uint8_t *l4, size_t len, struct hal_acl_packet *p)
{
    if (has_ports(p->protocol) && len >= 4) {
        p->has_ports = true;
        p->src_port = (uint16_t) (l4[0] << 8 | l4[1]);
        p->dst_port = (uint16_t) (l4[2] << 8 | l4[3]);
        if (p->protocol == IPPROTO_TCP_ && len >= 14) {
            p->is_tcp = true;
            p->tcp_flags = (uint16_t) ((l4[12] & 1) << 8 | l4[13]);
        }
    } else if ((p->protocol == IPPROTO_ICMP_ && p->src_ip.family == AF_INET)
               || (p->protocol == IPPROTO_ICMPV6_
                   && p->src_ip.family == AF_INET6)) {
        if (len >= 2) {
            p->is_icmp = true;
            p->icmp_type = l4[0];
            p->icmp_code = l4[1];
        }
    }
}

/* Returns true if IPv6 next header 'nh' is an extension header that the
 * parser walks past: hop-by-hop options, routing, fragment, destination
 * options and the authentication header. */
static bool
ipv6_ext_walked(uint8_t nh)
{
    return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51;
}

/* Walks the extension headers of the IPv6 packet at 'ip' ('left' bytes, at
 * least the 40 of the fixed header) to the upper-layer header, at most
 * HAL_ACL_IPV6_MAX_EXT of them, as Linux's ipv6_find_hdr() does for
 * nftables: 'protocol' is the upper-layer protocol, also behind a later
 * fragment, whose L4 fields stay unset.  A chain that is truncated or
 * longer than the bound leaves 'protocol' at the next header where the
 * walk stopped, with no L4 fields. */
static void
parse_ipv6_chain(const uint8_t *ip, size_t left, struct hal_acl_packet *p)
{
    uint8_t nh = ip[6];
    size_t off = 40;
    bool later_fragment = false;

    for (int n = 0; ipv6_ext_walked(nh); n++) {
        size_t hlen;

        if (n >= HAL_ACL_IPV6_MAX_EXT || left - off < 8) {
            p->protocol = nh;
            return;
        }
        if (nh == 44) {
            hlen = 8;
            later_fragment = ((ip[off + 2] << 8 | ip[off + 3]) & 0xfff8) != 0;
        } else if (nh == 51) {
            hlen = ((size_t) ip[off + 1] + 2) * 4;
        } else {
            hlen = ((size_t) ip[off + 1] + 1) * 8;
        }
        if (hlen > left - off) {
            p->protocol = nh;
            return;
        }
        nh = ip[off];
        off += hlen;
    }
    p->protocol = nh;
    if (!later_fragment) {
        parse_l4(ip + off, left - off, p);
    }
}

void
hal_acl_packet_parse(const uint8_t *frame, size_t len, uint16_t ethertype,
                     size_t l3, struct hal_acl_packet *p)
{
    const uint8_t *ip = frame + l3;
    size_t left = l3 <= len ? len - l3 : 0;

    memset(p, 0, sizeof *p);
    if (len >= 12) {
        memcpy(p->dst_mac.ea, frame, 6);
        memcpy(p->src_mac.ea, frame + 6, 6);
    }
    p->ethertype = ethertype;
    if (ethertype == ETH_TYPE_IPV4 && left >= 20 && (ip[0] >> 4) == 4) {
        size_t ihl = (size_t) (ip[0] & 0xf) * 4;
        bool later_fragment = ((ip[6] & 0x1f) << 8 | ip[7]) != 0;

        if (ihl < 20 || ihl > left) {
            return;
        }
        p->is_ip = true;
        p->src_ip.family = p->dst_ip.family = AF_INET;
        memcpy(&p->src_ip.v4, ip + 12, 4);
        memcpy(&p->dst_ip.v4, ip + 16, 4);
        p->protocol = ip[9];
        if (!later_fragment) {
            parse_l4(ip + ihl, left - ihl, p);
        }
    } else if (ethertype == ETH_TYPE_IPV6 && left >= 40 && (ip[0] >> 4) == 6) {
        p->is_ip = true;
        p->src_ip.family = p->dst_ip.family = AF_INET6;
        memcpy(&p->src_ip.v6, ip + 8, 16);
        memcpy(&p->dst_ip.v6, ip + 24, 16);
        parse_ipv6_chain(ip, left, p);
    }
}

/* ---- Formatting ------------------------------------------------------------ */

static int
mask_prefix(const struct hal_ip *mask)
{
    size_t len = mask->family == AF_INET ? 4 : 16;
    const uint8_t *k = (const uint8_t *) &mask->v6;
    int bits = 0;
    size_t i;

    for (i = 0; i < len && k[i] == 0xff; i++) {
        bits += 8;
    }
    if (i < len) {
        uint8_t b = k[i];

        while (b & 0x80) {
            bits++;
            b = (uint8_t) (b << 1);
        }
        if (b) {
            return -1;
        }
        for (i++; i < len; i++) {
            if (k[i]) {
                return -1;
            }
        }
    }
    return bits;
}

static void
put_ip(struct ds *out, const char *what, const struct hal_ip *ip,
       const struct hal_ip *mask)
{
    char a[HAL_IP_STRLEN], b[HAL_IP_STRLEN];
    int prefix = mask_prefix(mask);

    if (prefix >= 0) {
        ds_put_format(out, " %s %s/%d", what, hal_ip_format(ip, a), prefix);
    } else {
        ds_put_format(out, " %s %s/%s", what, hal_ip_format(ip, a),
                      hal_ip_format(mask, b));
    }
}

static void
put_range(struct ds *out, const char *what, uint16_t lo, uint16_t hi)
{
    if (lo == hi) {
        ds_put_format(out, " %s %u", what, lo);
    } else {
        ds_put_format(out, " %s %u-%u", what, lo, hi);
    }
}

void
hal_acl_match_format(const struct hal_acl_match *m, struct ds *out)
{
    size_t start = out->length;
    uint32_t f = m->fields;

    if (f & HAL_ACL_F_SRC_MAC) {
        ds_put_format(out, " src-mac " HAL_MAC_FMT, HAL_MAC_ARGS(&m->src_mac));
    }
    if (f & HAL_ACL_F_DST_MAC) {
        ds_put_format(out, " dst-mac " HAL_MAC_FMT, HAL_MAC_ARGS(&m->dst_mac));
    }
    if (f & HAL_ACL_F_ETHERTYPE) {
        ds_put_format(out, " ethertype 0x%04x", m->ethertype);
    }
    if (f & HAL_ACL_F_SRC_IP) {
        put_ip(out, "src", &m->src_ip, &m->src_mask);
    }
    if (f & HAL_ACL_F_DST_IP) {
        put_ip(out, "dst", &m->dst_ip, &m->dst_mask);
    }
    if (f & HAL_ACL_F_PROTOCOL) {
        ds_put_format(out, " proto %u", m->protocol);
    }
    if (f & HAL_ACL_F_SRC_PORT) {
        put_range(out, "sport", m->src_port_min, m->src_port_max);
    }
    if (f & HAL_ACL_F_DST_PORT) {
        put_range(out, "dport", m->dst_port_min, m->dst_port_max);
    }
    if (f & HAL_ACL_F_TCP_FLAGS) {
        ds_put_format(out, " tcp-flags 0x%03x/0x%03x", m->tcp_flags,
                      m->tcp_flags_mask);
    }
    if (f & HAL_ACL_F_ICMP_TYPE) {
        ds_put_format(out, " icmp-type %u", m->icmp_type);
    }
    if (f & HAL_ACL_F_ICMP_CODE) {
        ds_put_format(out, " icmp-code %u", m->icmp_code);
    }
    if (out->length == start) {
        ds_put_cstr(out, "any");
    } else {
        /* Drop the leading space. */
        memmove(out->string + start, out->string + start + 1,
                out->length - start);
        out->length--;
    }
}

/* ---- Calls ------------------------------------------------------------------ */

int
hal_acl_table_set(struct hal *hal, const struct hal_acl_table_config *config,
                  hal_oid_t *oid)
{
    if (!hal->provider->acl_table_set) {
        return -EOPNOTSUPP;
    }
    if ((unsigned) config->stage >= HAL_ACL_STAGE_N
        || config->n_rules > HAL_ACL_MAX_RULES
        || (*oid && hal_oid_type(*oid) != HAL_OBJECT_ACL_TABLE)
        || !memchr(config->name, '\0', sizeof config->name)) {
        return -EINVAL;
    }
    for (size_t i = 0; i < config->n_rules; i++) {
        const struct hal_acl_rule *r = &config->rules[i];

        if ((r->action != HAL_ACL_PERMIT && r->action != HAL_ACL_DENY)
            || hal_acl_match_check(&r->match)) {
            return -EINVAL;
        }
    }
    return hal->provider->acl_table_set(hal, config, oid);
}

int
hal_acl_table_remove(struct hal *hal, hal_oid_t oid)
{
    if (!hal->provider->acl_table_remove) {
        return -EOPNOTSUPP;
    }
    return hal_oid_type(oid) == HAL_OBJECT_ACL_TABLE
               ? hal->provider->acl_table_remove(hal, oid)
               : -ENOENT;
}

int
hal_acl_counters_get(const struct hal *hal, hal_oid_t oid, uint64_t *packets,
                     size_t n)
{
    if (!hal->provider->acl_counters_get) {
        return -EOPNOTSUPP;
    }
    return hal_oid_type(oid) == HAL_OBJECT_ACL_TABLE
               ? hal->provider->acl_counters_get(hal, oid, packets, n)
               : -ENOENT;
}

static bool
bind_key_check(const void *entry_)
{
    const struct hal_acl_binding *b = entry_;
    enum hal_object_type type = hal_oid_type(b->point);

    return ((type == HAL_OBJECT_PORT && b->vlan <= HAL_VLAN_MAX)
            || (type == HAL_OBJECT_RIF && !b->vlan))
           && (unsigned) b->stage < HAL_ACL_STAGE_N;
}

static bool
bind_set_check(const void *entry_)
{
    const struct hal_acl_binding *b = entry_;

    return bind_key_check(b) && hal_oid_type(b->table) == HAL_OBJECT_ACL_TABLE;
}

/* Calls 'fn' of the provider for 'n' well-formed bindings, unless it lacks
 * HAL_CAP_ACL_RIF: then router interface bindings get -EOPNOTSUPP here and
 * it sees only the others. */
static void
bind_call(struct hal *hal, const struct hal_acl_binding *e, size_t n,
          int *status,
          int (*fn)(struct hal *, const struct hal_acl_binding *, size_t,
                    int *))
{
    struct hal_acl_binding *ports;
    size_t n_ports = 0, i, j;
    int *st;

    if (hal_capabilities(hal) & HAL_CAP_ACL_RIF) {
        fn(hal, e, n, status);
        return;
    }
    ports = xcalloc(n, sizeof *ports);
    st = xcalloc(n, sizeof *st);
    for (i = 0; i < n; i++) {
        if (hal_oid_type(e[i].point) == HAL_OBJECT_PORT) {
            ports[n_ports++] = e[i];
        }
    }
    if (n_ports) {
        fn(hal, ports, n_ports, st);
    }
    for (i = j = 0; i < n; i++) {
        status[i] = hal_oid_type(e[i].point) == HAL_OBJECT_PORT ? st[j++]
                                                                : -EOPNOTSUPP;
    }
    free(st);
    free(ports);
}

static int
bind_set_op(struct hal *hal, const void *entries, size_t n, int *status)
{
    bind_call(hal, entries, n, status, hal->provider->acl_bind_set);
    return 0;
}

static int
bind_remove_op(struct hal *hal, const void *entries, size_t n, int *status)
{
    bind_call(hal, entries, n, status, hal->provider->acl_bind_remove);
    return 0;
}

int
hal_acl_bind_set(struct hal *hal, const struct hal_acl_binding *bindings,
                 size_t n, int *status)
{
    if (!hal->provider->acl_bind_set) {
        return hal_bulk_unsupported(n, status);
    }
    return hal_bulk_call(hal, bindings, sizeof *bindings, n, status,
                         bind_set_check, bind_set_op);
}

int
hal_acl_bind_remove(struct hal *hal, const struct hal_acl_binding *bindings,
                    size_t n, int *status)
{
    if (!hal->provider->acl_bind_remove) {
        return hal_bulk_unsupported(n, status);
    }
    return hal_bulk_call(hal, bindings, sizeof *bindings, n, status,
                         bind_key_check, bind_remove_op);
}

void
hal_dump_acl(const struct hal *hal, struct ds *out)
{
    if (hal->provider->acl_dump) {
        hal->provider->acl_dump(hal, out);
    } else {
        ds_put_format(out, "backend %s has no ACLs\n", hal->provider->name);
    }
}
