/* SPDX-License-Identifier: Apache-2.0 */
/* nftables over raw netlink for the netdev backend's ACLs (nft.c): build a
 * batch of messages in a 'struct nft_buf', send it, read counters.  Each
 * message is in the family the buffer has when it is added: the bridge
 * family (NFPROTO_BRIDGE, the default) or inet (NFPROTO_INET, where hook
 * numbers are NF_INET_* and EtherTypes match the packet's protocol). */
#ifndef HAL_NETDEV_NFT_H
#define HAL_NETDEV_NFT_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal-acl.h"

/* Families and hook numbers as <linux/netfilter.h> and its per-family
 * headers define them (those headers clash with the C library's). */
#define ND_NFPROTO_INET 1
#define ND_NFPROTO_ARP 3
#define ND_NFPROTO_NETDEV 5
#define ND_NFPROTO_BRIDGE 7
#define ND_NF_INET_FORWARD 2
#define ND_NF_INET_LOCAL_OUT 3
#define ND_NF_ARP_OUT 1
#define ND_NF_BR_PRE_ROUTING 0
#define ND_NF_BR_FORWARD 2
#define ND_NF_BR_LOCAL_OUT 3
#define ND_NF_NETDEV_EGRESS 1

struct nft_buf {
    uint8_t *data;
    size_t len, cap;
    uint32_t seq, first_seq, last_seq;
    uint8_t family; /* Of the messages added next: NFPROTO_*. */
};

void nft_buf_init(struct nft_buf *);
void nft_buf_destroy(struct nft_buf *);

/* A batch: nft_batch_begin(), the messages, nft_batch_end(), nft_send(). */
void nft_batch_begin(struct nft_buf *);
void nft_batch_end(struct nft_buf *);

/* Adds ('add') or deletes table 'table'. */
void nft_table(struct nft_buf *, bool add, const char *table);
/* Adds table 'table' empty: made (if need be), deleted with what it holds
 * and made again, in the batch. */
void nft_table_anew(struct nft_buf *, const char *table);
/* Adds or deletes chain 'chain'; with 'hook' >= 0, a filter base chain on
 * that bridge hook, priority 0, policy accept. */
void nft_chain(struct nft_buf *, bool add, const char *table,
               const char *chain, int hook);
/* nft_chain() with base chain priority 'priority' (nft_chain()'s is 0;
 * the lower, the earlier on the hook). */
void nft_chain_prio(struct nft_buf *, bool add, const char *table,
                    const char *chain, int hook, int32_t priority);
/* Adds (or updates) base chain 'chain' on hook 'hook' of device 'dev'
 * (netdev family), priority 0, policy accept. */
void nft_chain_dev(struct nft_buf *, const char *table, const char *chain,
                   int hook, const char *dev);
/* Deletes every rule of 'chain'. */
void nft_flush(struct nft_buf *, const char *table, const char *chain);
/* Appends to 'chain' the rule for ACL rule 'r': its match, a counter, and
 * drop (deny) or return (permit). */
void nft_acl_rule(struct nft_buf *, const char *table, const char *chain,
                  const struct hal_acl_rule *r);
/* Appends to 'chain' "iifname (or oifname, if 'egress') IFNAME goto
 * TARGET" (return if 'target' is NULL); 'prefix' matches names that start
 * with 'ifname'. */
void nft_dispatch_rule(struct nft_buf *, const char *table, const char *chain,
                       bool egress, const char *ifname, bool prefix,
                       const char *target);
/* Appends to 'chain' the two rules "META IFNAME counter jump TARGET" and
 * "META IFNAME counter return", META being oifname if 'egress', sdifname
 * if 'sdif' (the device a routed packet came in on when that device is a
 * VRF's slave, whose iifname is then the VRF's), else iifname: the first
 * counter sees every packet of IFNAME,
 * the second those that TARGET let return, so that their difference is
 * what TARGET dropped. */
void nft_dispatch_counted_rules(struct nft_buf *, const char *table,
                                const char *chain, bool egress, bool sdif,
                                const char *ifname, const char *target);
/* Appends to 'chain' (a bridge family chain on the prerouting hook) the
 * rules that make an IPv4 or IPv6 frame to MAC 'alias' that came in on a
 * port of bridge 'bridge' one to 'mac', the bridge's own address, for
 * the host ("meta ibrname BRIDGE ether daddr ALIAS meta protocol ip
 * counter ether daddr set MAC meta pkttype set host", and ip6): the bridge
 * passes up only frames to its own address.  ARP is left alone. */
void nft_gateway_alias_rules(struct nft_buf *, const char *table,
                             const char *chain, const char *bridge,
                             const uint8_t alias[6], const uint8_t mac[6]);
/* Appends to 'chain' a rule that counts IPv4 packets ("meta nfproto ipv4
 * counter"); with 'icmp_type' >= 0, ICMP messages of that type only, and
 * of those, with 'code_mask' nonzero, only the codes whose bits under
 * 'code_mask' are those of 'code' ("icmp type T icmp code & MASK ==
 * CODE").  Its verdict is to go on. */
void nft_count4_rule(struct nft_buf *, const char *table, const char *chain,
                     int icmp_type, uint8_t code, uint8_t code_mask);
/* Which frames nft_tag_rule() matches. */
enum nft_tag_match {
    NFT_TAG_ANY, /* An 802.1Q tag (TPID 0x8100), whatever its VLAN ID. */
    NFT_TAG_VID, /* An 802.1Q tag with a nonzero VLAN ID (not a priority
                  * tag). */
};
/* Appends to 'chain' (bridge family) a rule for the frames 'tag' says,
 * whether the tag is in the frame or in its metadata, whose input (or
 * with 'out', output) device is 'ifname' (with 'prefix', whose name starts
 * with it).  Its verdict: with 'drop', counter and drop; else return. */
void nft_tag_rule(struct nft_buf *, const char *table, const char *chain,
                  bool out, const char *ifname, bool prefix,
                  enum nft_tag_match tag, bool drop);
/* Appends to 'chain' (inet family) "iifname IFNAME meta nfproto ipv6 ip6
 * saddr SRC counter drop". */
struct in6_addr;
void nft_source_drop_rule(struct nft_buf *, const char *table,
                          const char *chain, const char *ifname,
                          const struct in6_addr *src);
/* Appends to 'chain' "meta oifgroup GROUP goto TARGET". */
void nft_group_dispatch_rule(struct nft_buf *, const char *table,
                             const char *chain, uint32_t group,
                             const char *target);
/* Appends to 'chain' (arp family) "arp operation OP counter". */
void nft_arp_count_rule(struct nft_buf *, const char *table, const char *chain,
                        uint16_t op);
/* Appends to 'chain' "[meta pkttype host] meta l4proto ipv6-icmp icmpv6
 * type nd-neighbor-advert jump TARGET" (return if 'target' is NULL); the
 * packet type only with 'host_only'. */
void nft_na_rule(struct nft_buf *, const char *table, const char *chain,
                 bool host_only, const char *target);
/* Appends to 'chain' "vlan id VID return" (the tag in the frame or in its
 * metadata). */
void nft_vlan_return_rule(struct nft_buf *, const char *table,
                          const char *chain, uint16_t vid);
/* Appends "jump TARGET" to 'chain'. */
void nft_jump_rule(struct nft_buf *, const char *table, const char *chain,
                   const char *target);

/* Opens a NETLINK_NETFILTER socket.  Returns it or a negative errno. */
int nft_open(void);
/* Returns what the kernel said about the last failed batch (static). */
const char *nft_last_error(void);
/* Sends the batch in 'b' on 'fd' and waits for the kernel's verdict.
 * Returns 0 or the first error (the kernel then applied nothing). */
int nft_send(int fd, struct nft_buf *b);
/* Reads the packet counters of the first 'n' rules of 'chain' of 'table'
 * in 'family' into 'packets'.  Returns 0 or a negative errno. */
int nft_counters(int fd, uint8_t family, const char *table, const char *chain,
                 uint64_t *packets, size_t n);

#endif /* hal/netdev/nft.h */
