/* SPDX-License-Identifier: Apache-2.0 */
/* nftables over raw netlink, for the netdev backend's ACLs (acl.c): a
 * message builder for NFNL_SUBSYS_NFTABLES batches, the encoding of one
 * ACL rule as a rule of expressions, and the counter read-back.  libnl has
 * no nftables API; this is the little of it the ACLs need.  Messages are
 * in the family of their buffer: bridge for the ports' ACLs, inet for the
 * router interfaces'. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <endian.h>
#include <unistd.h>

#include "hal/netdev/nft.h"
#include "lib/util.h"

#define NFT_TYPE(MSG) ((NFNL_SUBSYS_NFTABLES << 8) | (MSG))

/* ---- The buffer ----------------------------------------------------------- */

static void *
put(struct nft_buf *b, size_t n)
{
    size_t aligned = NLMSG_ALIGN(n);
    void *p;

    if (b->len + aligned > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + aligned + 4096);
        b->data = xrealloc(b->data, b->cap);
    }
    p = b->data + b->len;
    memset(p, 0, aligned);
    b->len += aligned;
    return p;
}

void
nft_buf_init(struct nft_buf *b)
{
    memset(b, 0, sizeof *b);
    b->family = NFPROTO_BRIDGE;
}

void
nft_buf_destroy(struct nft_buf *b)
{
    free(b->data);
}

static size_t
msg_begin(struct nft_buf *b, uint16_t type, uint16_t flags, uint8_t family,
          uint16_t res_id)
{
    size_t off = b->len;
    struct nlmsghdr *h = put(b, sizeof *h);
    struct nfgenmsg *g;

    h->nlmsg_type = type;
    h->nlmsg_flags = NLM_F_REQUEST | flags;
    h->nlmsg_seq = ++b->seq;
    g = put(b, sizeof *g);
    g->nfgen_family = family;
    g->version = NFNETLINK_V0;
    g->res_id = htons(res_id);
    return off;
}

static void
msg_end(struct nft_buf *b, size_t off)
{
    ((struct nlmsghdr *) (void *) (b->data + off))->nlmsg_len =
        (uint32_t) (b->len - off);
}

static void
attr(struct nft_buf *b, uint16_t type, const void *data, size_t len)
{
    struct nlattr *a = put(b, NLA_HDRLEN + len);

    a->nla_type = type;
    a->nla_len = (uint16_t) (NLA_HDRLEN + len);
    memcpy((char *) a + NLA_HDRLEN, data, len);
}

static void
attr_u32(struct nft_buf *b, uint16_t type, uint32_t host)
{
    uint32_t be = htonl(host);

    attr(b, type, &be, sizeof be);
}

static void
attr_str(struct nft_buf *b, uint16_t type, const char *s)
{
    attr(b, type, s, strlen(s) + 1);
}

static size_t
nest_begin(struct nft_buf *b, uint16_t type)
{
    size_t off = b->len;
    struct nlattr *a = put(b, NLA_HDRLEN);

    a->nla_type = type | NLA_F_NESTED;
    return off;
}

static void
nest_end(struct nft_buf *b, size_t off)
{
    ((struct nlattr *) (void *) (b->data + off))->nla_len =
        (uint16_t) (b->len - off);
}

void
nft_batch_begin(struct nft_buf *b)
{
    msg_end(b, msg_begin(b, NFNL_MSG_BATCH_BEGIN, 0, AF_UNSPEC,
                         NFNL_SUBSYS_NFTABLES));
    b->first_seq = b->seq + 1;
}

void
nft_batch_end(struct nft_buf *b)
{
    b->last_seq = b->seq;
    /* The last message asks for an ack, so that the reply says when the
     * batch is done; failures are reported whatever the flags. */
    if (b->last_seq >= b->first_seq) {
        for (size_t off = 0; off < b->len;) {
            struct nlmsghdr *h = (struct nlmsghdr *) (void *) (b->data + off);

            if (h->nlmsg_seq == b->last_seq) {
                h->nlmsg_flags |= NLM_F_ACK;
            }
            off += NLMSG_ALIGN(h->nlmsg_len);
        }
    }
    msg_end(b, msg_begin(b, NFNL_MSG_BATCH_END, 0, AF_UNSPEC,
                         NFNL_SUBSYS_NFTABLES));
}

/* ---- Objects ---------------------------------------------------------------- */

void
nft_table(struct nft_buf *b, bool add, const char *table)
{
    size_t m =
        msg_begin(b, NFT_TYPE(add ? NFT_MSG_NEWTABLE : NFT_MSG_DELTABLE),
                  add ? NLM_F_CREATE : 0, b->family, 0);

    attr_str(b, NFTA_TABLE_NAME, table);
    msg_end(b, m);
}

void
nft_table_anew(struct nft_buf *b, const char *table)
{
    nft_table(b, true, table);
    nft_table(b, false, table);
    nft_table(b, true, table);
}

void
nft_chain(struct nft_buf *b, bool add, const char *table, const char *chain,
          int hook)
{
    nft_chain_prio(b, add, table, chain, hook, 0);
}

/* A NEWCHAIN (or with '!add' DELCHAIN) message for 'chain'; with 'hook'
 * >= 0, a filter base chain on that hook at 'priority', on device 'dev'
 * if not NULL (netdev family), policy accept. */
static void
chain_msg(struct nft_buf *b, bool add, const char *table, const char *chain,
          int hook, int32_t priority, const char *dev)
{
    size_t m =
        msg_begin(b, NFT_TYPE(add ? NFT_MSG_NEWCHAIN : NFT_MSG_DELCHAIN),
                  add ? NLM_F_CREATE : 0, b->family, 0);

    attr_str(b, NFTA_CHAIN_TABLE, table);
    attr_str(b, NFTA_CHAIN_NAME, chain);
    if (add && hook >= 0) {
        size_t h = nest_begin(b, NFTA_CHAIN_HOOK);

        attr_u32(b, NFTA_HOOK_HOOKNUM, (uint32_t) hook);
        attr_u32(b, NFTA_HOOK_PRIORITY, (uint32_t) priority);
        if (dev) {
            attr_str(b, NFTA_HOOK_DEV, dev);
        }
        nest_end(b, h);
        attr_str(b, NFTA_CHAIN_TYPE, "filter");
        attr_u32(b, NFTA_CHAIN_POLICY, NF_ACCEPT);
    }
    msg_end(b, m);
}

void
nft_chain_prio(struct nft_buf *b, bool add, const char *table,
               const char *chain, int hook, int32_t priority)
{
    chain_msg(b, add, table, chain, hook, priority, NULL);
}

void
nft_chain_dev(struct nft_buf *b, const char *table, const char *chain,
              int hook, const char *dev)
{
    chain_msg(b, true, table, chain, hook, 0, dev);
}

void
nft_flush(struct nft_buf *b, const char *table, const char *chain)
{
    size_t m = msg_begin(b, NFT_TYPE(NFT_MSG_DELRULE), 0, b->family, 0);

    attr_str(b, NFTA_RULE_TABLE, table);
    attr_str(b, NFTA_RULE_CHAIN, chain);
    msg_end(b, m);
}

/* Starts a rule appended to 'chain' of 'table': returns its message, and
 * in '*x' the nest of its expressions; rule_end() closes both. */
static size_t
rule_begin(struct nft_buf *b, const char *table, const char *chain, size_t *x)
{
    size_t m = msg_begin(b, NFT_TYPE(NFT_MSG_NEWRULE),
                         NLM_F_CREATE | NLM_F_APPEND, b->family, 0);

    attr_str(b, NFTA_RULE_TABLE, table);
    attr_str(b, NFTA_RULE_CHAIN, chain);
    *x = nest_begin(b, NFTA_RULE_EXPRESSIONS);
    return m;
}

static void
rule_end(struct nft_buf *b, size_t m, size_t x)
{
    nest_end(b, x);
    msg_end(b, m);
}

/* ---- Expressions -------------------------------------------------------------- */

static size_t
expr_begin(struct nft_buf *b, const char *name)
{
    size_t e = nest_begin(b, NFTA_LIST_ELEM);

    attr_str(b, NFTA_EXPR_NAME, name);
    return e;
}

static void
data_value(struct nft_buf *b, uint16_t type, const void *v, size_t len)
{
    size_t d = nest_begin(b, type);

    attr(b, NFTA_DATA_VALUE, v, len);
    nest_end(b, d);
}

/* Loads 'len' bytes at 'offset' of header 'base' into register 1, or
 * with 'set' writes register 1 there. */
static void
expr_payload_io(struct nft_buf *b, bool set, uint32_t base, uint32_t offset,
                uint32_t len)
{
    size_t e = expr_begin(b, "payload"), d = nest_begin(b, NFTA_EXPR_DATA);

    attr_u32(b, set ? NFTA_PAYLOAD_SREG : NFTA_PAYLOAD_DREG, NFT_REG_1);
    attr_u32(b, NFTA_PAYLOAD_BASE, base);
    attr_u32(b, NFTA_PAYLOAD_OFFSET, offset);
    attr_u32(b, NFTA_PAYLOAD_LEN, len);
    if (set) {
        attr_u32(b, NFTA_PAYLOAD_CSUM_TYPE, NFT_PAYLOAD_CSUM_NONE);
    }
    nest_end(b, d);
    nest_end(b, e);
}

static void
expr_payload(struct nft_buf *b, uint32_t base, uint32_t offset, uint32_t len)
{
    expr_payload_io(b, false, base, offset, len);
}

/* Loads meta key 'key' into register 1, or with 'set' sets it from
 * register 1. */
static void
expr_meta_io(struct nft_buf *b, bool set, uint32_t key)
{
    size_t e = expr_begin(b, "meta"), d = nest_begin(b, NFTA_EXPR_DATA);

    attr_u32(b, NFTA_META_KEY, key);
    attr_u32(b, set ? NFTA_META_SREG : NFTA_META_DREG, NFT_REG_1);
    nest_end(b, d);
    nest_end(b, e);
}

static void
expr_meta(struct nft_buf *b, uint32_t key)
{
    expr_meta_io(b, false, key);
}

/* Compares register 1 with 'v' by 'op' (NFT_CMP_EQ, NFT_CMP_NEQ, ...). */
static void
expr_cmp_op(struct nft_buf *b, uint32_t op, const void *v, size_t len)
{
    size_t e = expr_begin(b, "cmp"), d = nest_begin(b, NFTA_EXPR_DATA);

    attr_u32(b, NFTA_CMP_SREG, NFT_REG_1);
    attr_u32(b, NFTA_CMP_OP, op);
    data_value(b, NFTA_CMP_DATA, v, len);
    nest_end(b, d);
    nest_end(b, e);
}

static void
expr_cmp(struct nft_buf *b, const void *v, size_t len)
{
    expr_cmp_op(b, NFT_CMP_EQ, v, len);
}

/* Compares interface name key 'meta' with 'ifname'; a 'prefix' name
 * compares only its own bytes, as nft does for "name*". */
static void
expr_ifname(struct nft_buf *b, uint32_t meta, const char *ifname, bool prefix)
{
    char name[IFNAMSIZ] = "";

    strncpy(name, ifname, sizeof name - 1);
    expr_meta(b, meta);
    expr_cmp(b, name, prefix ? strlen(name) : sizeof name);
}

static void
expr_mask(struct nft_buf *b, const void *mask, size_t len)
{
    static const uint8_t zero[16];
    size_t e = expr_begin(b, "bitwise"), d = nest_begin(b, NFTA_EXPR_DATA);

    attr_u32(b, NFTA_BITWISE_SREG, NFT_REG_1);
    attr_u32(b, NFTA_BITWISE_DREG, NFT_REG_1);
    attr_u32(b, NFTA_BITWISE_LEN, (uint32_t) len);
    data_value(b, NFTA_BITWISE_MASK, mask, len);
    data_value(b, NFTA_BITWISE_XOR, zero, len);
    nest_end(b, d);
    nest_end(b, e);
}

static void
expr_range(struct nft_buf *b, uint16_t lo, uint16_t hi)
{
    size_t e = expr_begin(b, "range"), d = nest_begin(b, NFTA_EXPR_DATA);
    uint16_t from = htons(lo), to = htons(hi);

    attr_u32(b, NFTA_RANGE_SREG, NFT_REG_1);
    attr_u32(b, NFTA_RANGE_OP, NFT_RANGE_EQ);
    data_value(b, NFTA_RANGE_FROM_DATA, &from, 2);
    data_value(b, NFTA_RANGE_TO_DATA, &to, 2);
    nest_end(b, d);
    nest_end(b, e);
}

static void
expr_counter(struct nft_buf *b)
{
    size_t e = expr_begin(b, "counter"), d = nest_begin(b, NFTA_EXPR_DATA);

    nest_end(b, d);
    nest_end(b, e);
}

/* Loads 'len' bytes of 'v' into register 1. */
static void
expr_immediate(struct nft_buf *b, const void *v, size_t len)
{
    size_t e = expr_begin(b, "immediate"), d = nest_begin(b, NFTA_EXPR_DATA);

    attr_u32(b, NFTA_IMMEDIATE_DREG, NFT_REG_1);
    data_value(b, NFTA_IMMEDIATE_DATA, v, len);
    nest_end(b, d);
    nest_end(b, e);
}

static void
expr_verdict(struct nft_buf *b, int code, const char *chain)
{
    size_t e = expr_begin(b, "immediate"), d = nest_begin(b, NFTA_EXPR_DATA);
    size_t v, vv;

    attr_u32(b, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
    v = nest_begin(b, NFTA_IMMEDIATE_DATA);
    vv = nest_begin(b, NFTA_DATA_VERDICT);
    attr_u32(b, NFTA_VERDICT_CODE, (uint32_t) code);
    if (chain) {
        attr_str(b, NFTA_VERDICT_CHAIN, chain);
    }
    nest_end(b, vv);
    nest_end(b, v);
    nest_end(b, d);
    nest_end(b, e);
}

/* Loads 'len' bytes at 'offset' of header 'base', masks them with 'mask'
 * (unless NULL) and compares with 'value'. */
static void
match_bytes(struct nft_buf *b, uint32_t base, uint32_t offset,
            const void *value, const void *mask, size_t len)
{
    expr_payload(b, base, offset, (uint32_t) len);
    if (mask) {
        uint8_t v[16];

        for (size_t i = 0; i < len; i++) {
            v[i] = ((const uint8_t *) value)[i] & ((const uint8_t *) mask)[i];
        }
        expr_mask(b, mask, len);
        expr_cmp(b, v, len);
    } else {
        expr_cmp(b, value, len);
    }
}

static void
match_u8(struct nft_buf *b, uint32_t offset, uint8_t v)
{
    match_bytes(b, NFT_PAYLOAD_TRANSPORT_HEADER, offset, &v, NULL, 1);
}

/* Matches an 802.1Q tag (TPID 0x8100) and loads its VLAN ID into register
 * 1.  A tag the device moved into metadata reads as if in the bytes: the
 * payload expression rebuilds the header around it. */
static void
expr_vlan_id(struct nft_buf *b)
{
    static const uint8_t tpid[2] = { 0x81, 0x00 },
                         vid_mask[2] = { 0x0f, 0xff };

    expr_payload(b, NFT_PAYLOAD_LL_HEADER, 12, 2);
    expr_cmp(b, tpid, 2);
    expr_payload(b, NFT_PAYLOAD_LL_HEADER, 14, 2);
    expr_mask(b, vid_mask, 2);
}

/* The expressions of match 'm'. */
static void
match_exprs(struct nft_buf *b, const struct hal_acl_match *m)
{
    uint32_t f = m->fields;
    int family = f & HAL_ACL_F_SRC_IP   ? m->src_ip.family
                 : f & HAL_ACL_F_DST_IP ? m->dst_ip.family
                                        : 0;

    /* The arp family sees ARP the host sends, whose link-layer header it
     * cannot load: an Ethernet ARP reply's sender and target hardware
     * addresses are its source and destination MACs. */
    bool arp = b->family == NFPROTO_ARP;

    if (f & HAL_ACL_F_SRC_MAC) {
        match_bytes(b,
                    arp ? NFT_PAYLOAD_NETWORK_HEADER : NFT_PAYLOAD_LL_HEADER,
                    arp ? 8 : 6, m->src_mac.ea, NULL, 6);
    }
    if (f & HAL_ACL_F_DST_MAC) {
        match_bytes(b,
                    arp ? NFT_PAYLOAD_NETWORK_HEADER : NFT_PAYLOAD_LL_HEADER,
                    arp ? 18 : 0, m->dst_mac.ea, NULL, 6);
    }
    if (f & HAL_ACL_F_ETHERTYPE || family) {
        uint16_t type = htons(f & HAL_ACL_F_ETHERTYPE ? m->ethertype
                              : family == AF_INET     ? 0x0800
                                                      : 0x86dd);

        /* Routed packets (inet) are past their link layer's tags: the
         * packet's protocol is the EtherType. */
        if (b->family == NFPROTO_BRIDGE) {
            match_bytes(b, NFT_PAYLOAD_LL_HEADER, 12, &type, NULL, 2);
        } else {
            expr_meta(b, NFT_META_PROTOCOL);
            expr_cmp(b, &type, 2);
        }
    }
    if (f & HAL_ACL_F_SRC_IP) {
        size_t len = family == AF_INET ? 4 : 16;

        match_bytes(b, NFT_PAYLOAD_NETWORK_HEADER, family == AF_INET ? 12 : 8,
                    &m->src_ip.v6, &m->src_mask.v6, len);
    }
    if (f & HAL_ACL_F_DST_IP) {
        size_t len = family == AF_INET ? 4 : 16;

        match_bytes(b, NFT_PAYLOAD_NETWORK_HEADER, family == AF_INET ? 16 : 24,
                    &m->dst_ip.v6, &m->dst_mask.v6, len);
    }
    if (f & HAL_ACL_F_PROTOCOL) {
        expr_meta(b, NFT_META_L4PROTO);
        expr_cmp(b, &m->protocol, 1);
    }
    if (f & HAL_ACL_F_SRC_PORT) {
        expr_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
        expr_range(b, m->src_port_min, m->src_port_max);
    }
    if (f & HAL_ACL_F_DST_PORT) {
        expr_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
        expr_range(b, m->dst_port_min, m->dst_port_max);
    }
    if (f & HAL_ACL_F_TCP_FLAGS) {
        uint16_t v = htons(m->tcp_flags), k = htons(m->tcp_flags_mask);

        match_bytes(b, NFT_PAYLOAD_TRANSPORT_HEADER, 12, &v, &k, 2);
    }
    if (f & HAL_ACL_F_ICMP_TYPE) {
        match_u8(b, 0, m->icmp_type);
    }
    if (f & HAL_ACL_F_ICMP_CODE) {
        match_u8(b, 1, m->icmp_code);
    }
}

void
nft_acl_rule(struct nft_buf *b, const char *table, const char *chain,
             const struct hal_acl_rule *r)
{
    size_t x, m = rule_begin(b, table, chain, &x);

    match_exprs(b, &r->match);
    expr_counter(b);
    /* A permit ends the ACL and goes on with the hook (the other
     * direction's ACL may still drop the frame). */
    expr_verdict(b, r->action == HAL_ACL_DENY ? NF_DROP : NFT_RETURN, NULL);
    rule_end(b, m, x);
}

/* "META IFNAME [counter] VERDICT [TARGET]" with interface name key 'meta';
 * a 'prefix' name compares only its own bytes, as nft does for "name*". */
static void
iface_rule(struct nft_buf *b, const char *table, const char *chain,
           uint32_t meta, const char *ifname, bool prefix, bool counter,
           int verdict, const char *target)
{
    size_t x, m = rule_begin(b, table, chain, &x);

    expr_ifname(b, meta, ifname, prefix);
    if (counter) {
        expr_counter(b);
    }
    expr_verdict(b, verdict, target);
    rule_end(b, m, x);
}

void
nft_dispatch_rule(struct nft_buf *b, const char *table, const char *chain,
                  bool egress, const char *ifname, bool prefix,
                  const char *target)
{
    iface_rule(b, table, chain, egress ? NFT_META_OIFNAME : NFT_META_IIFNAME,
               ifname, prefix, false, target ? NFT_GOTO : NFT_RETURN, target);
}

void
nft_dispatch_counted_rules(struct nft_buf *b, const char *table,
                           const char *chain, bool egress, bool sdif,
                           const char *ifname, const char *target)
{
    uint32_t meta = sdif     ? NFT_META_SDIFNAME
                    : egress ? NFT_META_OIFNAME
                             : NFT_META_IIFNAME;

    iface_rule(b, table, chain, meta, ifname, false, true, NFT_JUMP, target);
    iface_rule(b, table, chain, meta, ifname, false, true, NFT_RETURN, NULL);
}

void
nft_jump_rule(struct nft_buf *b, const char *table, const char *chain,
              const char *target)
{
    size_t x, m = rule_begin(b, table, chain, &x);

    expr_verdict(b, NFT_JUMP, target);
    rule_end(b, m, x);
}

void
nft_gateway_alias_rules(struct nft_buf *b, const char *table,
                        const char *chain, const char *bridge,
                        const uint8_t alias[6], const uint8_t mac[6])
{
    static const uint16_t protocols[] = { 0x0800, 0x86dd };
    static const uint8_t host = 0; /* PACKET_HOST */

    for (size_t i = 0; i < sizeof protocols / sizeof *protocols; i++) {
        size_t x, m = rule_begin(b, table, chain, &x);
        uint16_t proto = htons(protocols[i]);

        expr_ifname(b, NFT_META_BRI_IIFNAME, bridge, false);
        match_bytes(b, NFT_PAYLOAD_LL_HEADER, 0, alias, NULL, 6);
        expr_meta(b, NFT_META_PROTOCOL);
        expr_cmp(b, &proto, sizeof proto);
        expr_counter(b);
        expr_immediate(b, mac, 6);
        expr_payload_io(b, true, NFT_PAYLOAD_LL_HEADER, 0, 6);
        expr_immediate(b, &host, 1);
        expr_meta_io(b, true, NFT_META_PKTTYPE);
        rule_end(b, m, x);
    }
}

void
nft_count4_rule(struct nft_buf *b, const char *table, const char *chain,
                int icmp_type, uint8_t code, uint8_t code_mask)
{
    size_t x, m = rule_begin(b, table, chain, &x);
    static const uint8_t ipv4 = NFPROTO_IPV4, icmp = 1; /* IPPROTO_ICMP */

    expr_meta(b, NFT_META_NFPROTO);
    expr_cmp(b, &ipv4, 1);
    if (icmp_type >= 0) {
        expr_meta(b, NFT_META_L4PROTO);
        expr_cmp(b, &icmp, 1);
        match_u8(b, 0, (uint8_t) icmp_type);
        if (code_mask) {
            match_bytes(b, NFT_PAYLOAD_TRANSPORT_HEADER, 1, &code,
                        code_mask == 0xff ? NULL : &code_mask, 1);
        }
    }
    expr_counter(b);
    rule_end(b, m, x);
}

void
nft_tag_rule(struct nft_buf *b, const char *table, const char *chain, bool out,
             const char *ifname, bool prefix, enum nft_tag_match tag,
             bool drop)
{
    size_t x, m = rule_begin(b, table, chain, &x);
    static const uint8_t zero[2] = { 0, 0 };

    expr_ifname(b, out ? NFT_META_OIFNAME : NFT_META_IIFNAME, ifname, prefix);
    expr_vlan_id(b);
    if (tag == NFT_TAG_VID) {
        expr_cmp_op(b, NFT_CMP_NEQ, zero, 2);
    }
    if (drop) {
        expr_counter(b);
    }
    expr_verdict(b, drop ? NF_DROP : NFT_RETURN, NULL);
    rule_end(b, m, x);
}

void
nft_source_drop_rule(struct nft_buf *b, const char *table, const char *chain,
                     const char *ifname, const struct in6_addr *src)
{
    size_t x, m = rule_begin(b, table, chain, &x);
    static const uint8_t ipv6 = NFPROTO_IPV6;

    expr_ifname(b, NFT_META_IIFNAME, ifname, false);
    expr_meta(b, NFT_META_NFPROTO);
    expr_cmp(b, &ipv6, 1);
    match_bytes(b, NFT_PAYLOAD_NETWORK_HEADER, 8, src, NULL, 16);
    expr_counter(b);
    expr_verdict(b, NF_DROP, NULL);
    rule_end(b, m, x);
}

void
nft_group_dispatch_rule(struct nft_buf *b, const char *table,
                        const char *chain, uint32_t group, const char *target)
{
    size_t x, m = rule_begin(b, table, chain, &x);

    expr_meta(b, NFT_META_OIFGROUP);
    expr_cmp(b, &group, sizeof group); /* Host order, as the kernel's. */
    expr_verdict(b, NFT_GOTO, target);
    rule_end(b, m, x);
}

void
nft_arp_count_rule(struct nft_buf *b, const char *table, const char *chain,
                   uint16_t op)
{
    size_t x, m = rule_begin(b, table, chain, &x);
    uint16_t be = htons(op);

    match_bytes(b, NFT_PAYLOAD_NETWORK_HEADER, 6, &be, NULL, 2);
    expr_counter(b);
    rule_end(b, m, x);
}

void
nft_na_rule(struct nft_buf *b, const char *table, const char *chain,
            bool host_only, const char *target)
{
    size_t x, m = rule_begin(b, table, chain, &x);
    static const uint8_t host = 0, icmpv6 = 58, na = 136; /* PACKET_HOST */

    if (host_only) {
        expr_meta(b, NFT_META_PKTTYPE);
        expr_cmp(b, &host, 1);
    }
    expr_meta(b, NFT_META_L4PROTO);
    expr_cmp(b, &icmpv6, 1);
    match_u8(b, 0, na);
    expr_verdict(b, target ? NFT_JUMP : NFT_RETURN, target);
    rule_end(b, m, x);
}

void
nft_vlan_return_rule(struct nft_buf *b, const char *table, const char *chain,
                     uint16_t vid)
{
    size_t x, m = rule_begin(b, table, chain, &x);
    uint8_t v[2] = { (uint8_t) (vid >> 8), (uint8_t) vid };

    expr_vlan_id(b);
    expr_cmp(b, v, 2);
    expr_verdict(b, NFT_RETURN, NULL);
    rule_end(b, m, x);
}

/* ---- Talking to the kernel -------------------------------------------------- */

static char last_error[160];

const char *
nft_last_error(void)
{
    return last_error;
}

/* Keeps the kernel's extended ack of failed message 'h' ('sent' is the
 * batch) in 'last_error': its text and the offending attribute. */
static void
note_error(const struct nlmsghdr *h, const struct nft_buf *sent)
{
    const struct nlmsgerr *e = NLMSG_DATA(h);
    size_t off = sizeof *e;
    const char *msg = "";
    uint32_t bad = 0;

    if (h->nlmsg_flags & NLM_F_CAPPED) {
        off = sizeof *e;
    } else {
        off = sizeof *e - sizeof e->msg + NLMSG_ALIGN(e->msg.nlmsg_len);
    }
    if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
        const char *p = (const char *) e + off;
        size_t len = h->nlmsg_len - NLMSG_HDRLEN - off;

        while (len >= NLA_HDRLEN) {
            const struct nlattr *a = (const void *) p;

            if (a->nla_len < NLA_HDRLEN || a->nla_len > len) {
                break;
            }
            if (a->nla_type == NLMSGERR_ATTR_MSG) {
                msg = p + NLA_HDRLEN;
            } else if (a->nla_type == NLMSGERR_ATTR_OFFS) {
                memcpy(&bad, p + NLA_HDRLEN, 4);
            }
            if ((size_t) NLA_ALIGN(a->nla_len) >= len) {
                break;
            }
            len -= NLA_ALIGN(a->nla_len);
            p += NLA_ALIGN(a->nla_len);
        }
    }
    (void) sent;
    snprintf(last_error, sizeof last_error,
             "message %u type %#x: %s (attribute at offset %u)",
             (unsigned) h->nlmsg_seq, (unsigned) e->msg.nlmsg_type, msg,
             (unsigned) bad);
}

int
nft_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
    int one = 1;

    if (fd < 0) {
        return -errno;
    }
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    if (bind(fd, (struct sockaddr *) &sa, sizeof sa)) {
        int error = -errno;

        close(fd);
        return error;
    }
    return fd;
}

/* Reads replies until the one for 'last' (or any error); returns the first
 * error, 0, or -ETIMEDOUT. */
static int
read_acks(int fd, uint32_t first, uint32_t last)
{
    static uint8_t buf[65536];
    int result = 0;

    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&p, 1, 2000) <= 0) {
            return -ETIMEDOUT;
        }
        n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) {
            return errno == EINTR ? result : -errno;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *) (void *) buf;
             NLMSG_OK(h, (size_t) n); h = NLMSG_NEXT(h, n)) {
            const struct nlmsgerr *e = NLMSG_DATA(h);

            if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq < first) {
                continue;
            }
            if (e->error && !result) {
                result = e->error;
                note_error(h, NULL);
            }
            if (h->nlmsg_seq == last) {
                return result;
            }
        }
    }
}

int
nft_send(int fd, struct nft_buf *b)
{
    ssize_t n;

    if (b->last_seq < b->first_seq) {
        return 0;
    }
    n = send(fd, b->data, b->len, 0);
    if (n < 0) {
        return -errno;
    }
    return read_acks(fd, b->first_seq, b->last_seq);
}

/* ---- Counters -------------------------------------------------------------------- */

/* Calls 'cb' for each attribute of the 'len' bytes at 'attrs'; stops and
 * returns true when 'cb' does. */
static bool
for_each_attr(const void *attrs, size_t len,
              bool (*cb)(uint16_t type, const void *data, size_t len,
                         void *aux),
              void *aux)
{
    const char *p = attrs;

    while (len >= NLA_HDRLEN) {
        const struct nlattr *a = (const void *) p;

        if (a->nla_len < NLA_HDRLEN || a->nla_len > len) {
            return false;
        }
        if (cb(a->nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN,
               a->nla_len - NLA_HDRLEN, aux)) {
            return true;
        }
        if ((size_t) NLA_ALIGN(a->nla_len) >= len) {
            break;
        }
        len -= NLA_ALIGN(a->nla_len);
        p += NLA_ALIGN(a->nla_len);
    }
    return false;
}

struct counter_search {
    uint64_t *packets;
    bool is_counter;
};

static bool
counter_data_cb(uint16_t type, const void *data, size_t len, void *cs_)
{
    struct counter_search *cs = cs_;
    uint64_t be;

    if (type == NFTA_COUNTER_PACKETS && len == 8) {
        memcpy(&be, data, 8);
        *cs->packets = be64toh(be);
        return true;
    }
    return false;
}

static bool
expr_cb(uint16_t type, const void *data, size_t len, void *cs_)
{
    struct counter_search *cs = cs_;

    if (type == NFTA_EXPR_NAME) {
        cs->is_counter = len >= 8 && !memcmp(data, "counter", 8);
    } else if (type == NFTA_EXPR_DATA && cs->is_counter) {
        return for_each_attr(data, len, counter_data_cb, cs);
    }
    return false;
}

static bool
elem_cb(uint16_t type, const void *data, size_t len, void *cs_)
{
    struct counter_search *cs = cs_;

    cs->is_counter = false;
    return type == NFTA_LIST_ELEM && for_each_attr(data, len, expr_cb, cs);
}

static bool
rule_cb(uint16_t type, const void *data, size_t len, void *cs)
{
    return type == NFTA_RULE_EXPRESSIONS
           && for_each_attr(data, len, elem_cb, cs);
}

/* Finds the packet count of the counter expression of a rule whose
 * attributes are the 'len' bytes at 'attrs'. */
static bool
rule_packets(const void *attrs, size_t len, uint64_t *packets)
{
    struct counter_search cs = { packets, false };

    return for_each_attr(attrs, len, rule_cb, &cs);
}

int
nft_counters(int fd, uint8_t family, const char *table, const char *chain,
             uint64_t *packets, size_t n)
{
    static uint8_t rx[65536];
    struct nft_buf b;
    size_t got = 0, m;
    int error = 0;

    nft_buf_init(&b);
    b.family = family;
    m = msg_begin(&b, NFT_TYPE(NFT_MSG_GETRULE), NLM_F_DUMP, b.family, 0);
    attr_str(&b, NFTA_RULE_TABLE, table);
    attr_str(&b, NFTA_RULE_CHAIN, chain);
    msg_end(&b, m);
    if (send(fd, b.data, b.len, 0) < 0) {
        nft_buf_destroy(&b);
        return -errno;
    }
    nft_buf_destroy(&b);
    for (bool done = false; !done;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        ssize_t len;

        if (poll(&p, 1, 2000) <= 0 || (len = recv(fd, rx, sizeof rx, 0)) < 0) {
            return -ETIMEDOUT;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *) (void *) rx;
             NLMSG_OK(h, (size_t) len); h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                done = true;
            } else if (h->nlmsg_type == NLMSG_ERROR) {
                error = ((const struct nlmsgerr *) NLMSG_DATA(h))->error;
                done = true;
            } else if (got < n) {
                const char *at = (const char *) NLMSG_DATA(h)
                                 + NLMSG_ALIGN(sizeof(struct nfgenmsg));
                size_t at_len =
                    h->nlmsg_len - (size_t) (at - (const char *) h);

                packets[got] = 0;
                rule_packets(at, at_len, &packets[got]);
                got++;
            }
        }
    }
    return error ? error : got == n ? 0 : -EINVAL;
}
