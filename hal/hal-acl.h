/* SPDX-License-Identifier: Apache-2.0 */
/* ACLs in the HAL, after SAI's ACL objects:
 *
 *   ACL table   An ordered list of rules for one stage (ingress: frames
 *               from a port toward the bridge; egress: frames from the
 *               bridge out of a port), like a SAI ACL table with its
 *               entries.  Rules are given whole and in order; the first
 *               rule that matches decides, and a frame no rule matches is
 *               permitted.  Each rule has a hit counter (SAI ACL counter).
 *   binding     (bind point, VLAN, stage) → ACL table.  The bind point is
 *               an object, its type that of its id (SAI's bind point type
 *               and object):
 *                 a port (HAL_OBJECT_PORT), like SAI_PORT_ATTR_INGRESS_ACL
 *                 narrowed to a VLAN.  VLAN 0 means the whole port (unlike
 *                 bridge bindings, where it means untagged frames); a
 *                 binding of the frame's own VLAN takes precedence over
 *                 the port's VLAN 0 binding.
 *                 a router interface (HAL_OBJECT_RIF, hal/hal-route.h),
 *                 like SAI_ROUTER_INTERFACE_ATTR_INGRESS_ACL, VLAN 0 only,
 *                 for backends with HAL_CAP_ACL_RIF: the ingress stage sees
 *                 routed packets that come to the router through the
 *                 interface, before the route lookup; the egress stage,
 *                 packets the router sends out of it, after the route and
 *                 next hop are chosen and before the next hop is resolved.
 *                 Frames switched within the interface's bridge never meet
 *                 them, nor do packets addressed to the router itself.  MAC
 *                 fields match the frame as it came to the router.
 *
 * A table costs room in its stage's table (HAL_TABLE_ACL_INGRESS or
 * _EGRESS) by what the backend needs for its rules; for a TCAM, a rule
 * with L4 port ranges costs one entry per prefix of each range (and the
 * product for two ranges).  hal_acl_table_set() is atomic: a table that
 * does not fit fails with HAL_E_TABLE_FULL and leaves the earlier version
 * of the table, and every other table, as they were.
 *
 * Backends without ACLs leave the provider callbacks NULL: the calls
 * return -EOPNOTSUPP. */
#ifndef HAL_HAL_ACL_H
#define HAL_HAL_ACL_H 1

#include "hal/hal.h"

struct ds;

enum hal_acl_stage {
    HAL_ACL_INGRESS, /* Port → bridge; subnet → router. */
    HAL_ACL_EGRESS,  /* Bridge → port; router → subnet. */
    HAL_ACL_STAGE_N
};

enum hal_acl_action {
    HAL_ACL_PERMIT,
    HAL_ACL_DENY,
};

/* Returns "ingress" or "egress"; static. */
const char *hal_acl_stage_name(enum hal_acl_stage);

/* Which fields of a 'struct hal_acl_match' take part. */
#define HAL_ACL_F_SRC_MAC (1u << 0)
#define HAL_ACL_F_DST_MAC (1u << 1)
#define HAL_ACL_F_ETHERTYPE (1u << 2)
#define HAL_ACL_F_SRC_IP (1u << 3) /* 'src_ip' under 'src_mask'. */
#define HAL_ACL_F_DST_IP (1u << 4)
#define HAL_ACL_F_PROTOCOL (1u << 5)
#define HAL_ACL_F_SRC_PORT (1u << 6) /* 'src_port_min'..'src_port_max'. */
#define HAL_ACL_F_DST_PORT (1u << 7)
#define HAL_ACL_F_TCP_FLAGS (1u << 8) /* Under 'tcp_flags_mask'. */
#define HAL_ACL_F_ICMP_TYPE (1u << 9)
#define HAL_ACL_F_ICMP_CODE (1u << 10)
#define HAL_ACL_F_ALL ((1u << 11) - 1)

/* A rule's match.  IP fields imply an IP packet of their family; the
 * protocol, an IPv4 or IPv6 packet; port ranges, a TCP, UDP or SCTP
 * packet that is not a later fragment; TCP flags, TCP; ICMP fields,
 * ICMP (IPv4) or ICMPv6.  Check a match with hal_acl_match_check(). */
struct hal_acl_match {
    uint32_t fields; /* HAL_ACL_F_*. */
    struct hal_mac src_mac, dst_mac;
    uint16_t ethertype;
    struct hal_ip src_ip, src_mask; /* Same family. */
    struct hal_ip dst_ip, dst_mask;
    uint8_t protocol;
    uint16_t src_port_min, src_port_max;
    uint16_t dst_port_min, dst_port_max;
    uint16_t tcp_flags, tcp_flags_mask; /* 9 bits: FIN=0x01 ... NS=0x100. */
    uint8_t icmp_type, icmp_code;
};

#define HAL_ACL_TCP_FLAGS_ALL 0x1ff

struct hal_acl_rule {
    int64_t seq; /* The caller's label (a sequence number), for dumps. */
    enum hal_acl_action action;
    struct hal_acl_match match;
};

/* Longest ACL table in rules. */
#define HAL_ACL_MAX_RULES 65536

struct hal_acl_table_config {
    char name[HAL_NAME_MAX]; /* For dumps: the ACL's name. */
    enum hal_acl_stage stage;
    const struct hal_acl_rule *rules; /* Borrowed; in match order. */
    size_t n_rules;
};

/* The header fields of a frame, as an ACL stage sees them. */
struct hal_acl_packet {
    struct hal_mac src_mac, dst_mac;
    uint16_t ethertype; /* After any 802.1Q tag. */
    bool is_ip;         /* IPv4 or IPv6 header parsed into what follows. */
    struct hal_ip src_ip, dst_ip;
    uint8_t protocol;
    bool has_ports; /* TCP, UDP or SCTP, not a later fragment. */
    uint16_t src_port, dst_port;
    bool is_tcp;
    uint16_t tcp_flags;
    bool is_icmp; /* ICMP or ICMPv6, not a later fragment. */
    uint8_t icmp_type, icmp_code;
};

/* Returns NULL if 'm' is well formed, else a static string saying what is
 * wrong ("source port range low > high", ...). */
const char *hal_acl_match_check(const struct hal_acl_match *m);

/* Returns true if packet 'p' matches 'm': the reference semantics that
 * every backend implements. */
bool hal_acl_match_packet(const struct hal_acl_match *m,
                          const struct hal_acl_packet *p);

/* The most IPv6 extension headers hal_acl_packet_parse() walks. */
#define HAL_ACL_IPV6_MAX_EXT 8

/* Parses the headers of Ethernet 'frame' of 'len' bytes (borrowed), whose
 * EtherType after any tag is 'ethertype' and L3 header starts at offset
 * 'l3', into '*p'.  Truncated headers leave the fields they would have set
 * unset ('is_ip' etc. false).  IPv6 extension headers (hop-by-hop,
 * routing, fragment, destination options, AH; at most
 * HAL_ACL_IPV6_MAX_EXT) are walked to the upper-layer protocol; a later
 * fragment (IPv4 or IPv6) has its protocol but no L4 fields. */
void hal_acl_packet_parse(const uint8_t *frame, size_t len, uint16_t ethertype,
                          size_t l3, struct hal_acl_packet *p);

/* Creates (if '*oid' is HAL_OID_NULL, storing the new id in '*oid') or
 * replaces ACL table '*oid' with 'config' (borrowed), atomically, and
 * zeroes its hit counters when its rules change.  Returns 0,
 * HAL_E_TABLE_FULL (the old version stays), -EINVAL for a malformed rule,
 * -ENOENT or -EOPNOTSUPP. */
int hal_acl_table_set(struct hal *, const struct hal_acl_table_config *config,
                      hal_oid_t *oid);

/* Removes ACL table 'oid' and the bindings to it.  Returns 0, -ENOENT or
 * -EOPNOTSUPP. */
int hal_acl_table_remove(struct hal *, hal_oid_t oid);

/* Reads the hit counters of the first 'n' rules of table 'oid' into
 * 'packets'.  Returns 0, -ENOENT, -EINVAL if the table has fewer rules, or
 * -EOPNOTSUPP. */
int hal_acl_counters_get(const struct hal *, hal_oid_t oid, uint64_t *packets,
                         size_t n);

struct hal_acl_binding {
    hal_oid_t point; /* A port, or a router interface (HAL_CAP_ACL_RIF). */
    uint16_t vlan;   /* 0: the whole port; always 0 for an interface. */
    enum hal_acl_stage stage;
    hal_oid_t table; /* Ignored by hal_acl_bind_remove(). */
};

/* Binds (point, vlan, stage) to a table of that stage, replacing an earlier
 * binding of the triple.  Bulk call, as in hal/hal.h; an entry gets
 * -EINVAL for another kind of object or a router interface with a VLAN,
 * -EOPNOTSUPP for a router interface without HAL_CAP_ACL_RIF, -ENOENT for
 * an unknown point or table.  Removing a port or router interface removes
 * its bindings. */
int hal_acl_bind_set(struct hal *, const struct hal_acl_binding *, size_t n,
                     int *status);
/* Removes bindings by (point, vlan, stage). */
int hal_acl_bind_remove(struct hal *, const struct hal_acl_binding *, size_t n,
                        int *status);

/* "hal/dump-acl": every table with its rules, their hit counters and the
 * TCAM entries each costs, then the bindings.  Sorted. */
void hal_dump_acl(const struct hal *, struct ds *out);

/* Appends a one-line description of match 'm' ("tcp dst 1000-2000") to
 * 'out'; "any" for an empty match. */
void hal_acl_match_format(const struct hal_acl_match *m, struct ds *out);

#endif /* hal/hal-acl.h */
