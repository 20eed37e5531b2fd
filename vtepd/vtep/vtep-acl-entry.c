/* SPDX-License-Identifier: Apache-2.0 */
/* One ACL_entry row → a HAL ACL rule, checked: the cause of every
 * invalid_acl_entry. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-acl.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/vtep/vtep-private.h"

const char *const vtep_ace_columns[ACE_N] = {
    "sequence",      "source_mac",      "dest_mac",        "ethertype",
    "source_ip",     "source_mask",     "dest_ip",         "dest_mask",
    "protocol",      "source_port_min", "source_port_max", "dest_port_min",
    "dest_port_max", "tcp_flags",       "tcp_flags_mask",  "icmp_code",
    "icmp_type",     "direction",       "action",
};

static const char *
opt_string(const struct ovsdb_row *row, const struct ovsdb_column *col)
{
    struct ovsdb_datum d;

    ovsdb_row_get(row, col, &d);
    return d.n ? d.keys[0].string->s : NULL;
}

/* Parses an IP mask: an address of the family of 'ip' or a prefix
 * length. */
static bool
parse_mask(const char *s, const struct hal_ip *ip, struct hal_ip *mask)
{
    char *end;
    long bits;

    if (!hal_ip_from_string(s, mask)) {
        return mask->family == ip->family;
    }
    bits = strtol(s[0] == '/' ? s + 1 : s, &end, 10);
    if (*end || end == s || bits < 0
        || bits > (ip->family == AF_INET ? 32 : 128)) {
        return false;
    }
    memset(mask, 0, sizeof *mask);
    mask->family = ip->family;
    for (long i = 0; i < bits; i++) {
        ((uint8_t *) &mask->v6)[i / 8] |= (uint8_t) (0x80 >> (i % 8));
    }
    return true;
}

/* Parses address column 'a' and mask column 'k' into 'ip' and 'mask'. */
static const char *
parse_ip(const char *a, const char *k, struct hal_ip *ip, struct hal_ip *mask,
         bool *present)
{
    *present = a != NULL;
    if (!a) {
        return k ? "mask without address" : NULL;
    }
    if (hal_ip_from_string(a, ip)) {
        return "malformed IP address";
    }
    if (!k) {
        memset(mask, 0, sizeof *mask);
        mask->family = ip->family;
        memset(&mask->v6, 0xff, ip->family == AF_INET ? 4 : 16);
    } else if (!parse_mask(k, ip, mask)) {
        return "malformed mask or of another family";
    }
    for (size_t i = 0; i < 16; i++) {
        ((uint8_t *) &ip->v6)[i] &= ((uint8_t *) &mask->v6)[i];
    }
    return NULL;
}

static bool
opt_int(const struct ovsdb_row *row, const struct ovsdb_column *col,
        int64_t *v)
{
    return ovsdb_row_get_integer(row, col, v);
}

/* Parses a min/max pair of port columns. */
static const char *
parse_range(const struct ovsdb_row *row, const struct ovsdb_column *cmin,
            const struct ovsdb_column *cmax, uint16_t *lo, uint16_t *hi,
            bool *present)
{
    int64_t a = 0, b = 65535;
    bool has_a = opt_int(row, cmin, &a), has_b = opt_int(row, cmax, &b);

    *present = has_a || has_b;
    if (a < 0 || a > 65535 || b < 0 || b > 65535) {
        return "port out of 0..65535";
    } else if (a > b) {
        return "port range low > high";
    }
    *lo = (uint16_t) a;
    *hi = (uint16_t) b;
    return NULL;
}

static const char *
parse_l2(const struct ovsdb_column *const *c, const struct ovsdb_row *row,
         struct hal_acl_match *m)
{
    const char *smac = opt_string(row, c[ACE_SMAC]);
    const char *dmac = opt_string(row, c[ACE_DMAC]);
    const char *etype = opt_string(row, c[ACE_ETYPE]);

    if (smac) {
        if (hal_mac_from_string(smac, &m->src_mac)) {
            return "malformed source_mac";
        }
        m->fields |= HAL_ACL_F_SRC_MAC;
    }
    if (dmac) {
        if (hal_mac_from_string(dmac, &m->dst_mac)) {
            return "malformed dest_mac";
        }
        m->fields |= HAL_ACL_F_DST_MAC;
    }
    if (etype) {
        char *end;
        unsigned long v = strtoul(etype, &end, 16);

        if (!etype[0] || *end || v > 0xffff) {
            return "malformed ethertype (want 0xAAAA)";
        }
        m->ethertype = (uint16_t) v;
        m->fields |= HAL_ACL_F_ETHERTYPE;
    }
    return NULL;
}

static const char *
parse_l4(const struct ovsdb_column *const *c, const struct ovsdb_row *row,
         struct hal_acl_match *m)
{
    const char *error;
    int64_t v, k;
    bool present;

    error = parse_range(row, c[ACE_SPMIN], c[ACE_SPMAX], &m->src_port_min,
                        &m->src_port_max, &present);
    if (error) {
        return error;
    }
    m->fields |= present ? HAL_ACL_F_SRC_PORT : 0;
    error = parse_range(row, c[ACE_DPMIN], c[ACE_DPMAX], &m->dst_port_min,
                        &m->dst_port_max, &present);
    if (error) {
        return error;
    }
    m->fields |= present ? HAL_ACL_F_DST_PORT : 0;
    if (opt_int(row, c[ACE_FMASK], &k) && !opt_int(row, c[ACE_FLAGS], &v)) {
        return "tcp_flags_mask without tcp_flags";
    }
    if (opt_int(row, c[ACE_FLAGS], &v)) {
        if (!opt_int(row, c[ACE_FMASK], &k)) {
            k = HAL_ACL_TCP_FLAGS_ALL;
        }
        if (v < 0 || v > HAL_ACL_TCP_FLAGS_ALL || k < 0
            || k > HAL_ACL_TCP_FLAGS_ALL) {
            return "tcp_flags or tcp_flags_mask beyond 9 bits";
        }
        m->tcp_flags = (uint16_t) v;
        m->tcp_flags_mask = (uint16_t) k;
        m->fields |= HAL_ACL_F_TCP_FLAGS;
    }
    if (opt_int(row, c[ACE_ITYPE], &v)) {
        if (v < 0 || v > 255) {
            return "icmp_type out of 0..255";
        }
        m->icmp_type = (uint8_t) v;
        m->fields |= HAL_ACL_F_ICMP_TYPE;
    }
    if (opt_int(row, c[ACE_ICODE], &v)) {
        if (v < 0 || v > 255) {
            return "icmp_code out of 0..255";
        }
        m->icmp_code = (uint8_t) v;
        m->fields |= HAL_ACL_F_ICMP_CODE;
    }
    return NULL;
}

const char *
vtep_ace_parse(const struct ovsdb_column *const *c,
               const struct ovsdb_row *row, struct vtep_ace *e)
{
    struct hal_acl_match *m = &e->rule.match;
    const char *error;
    bool present;
    int64_t v;

    memset(e, 0, sizeof *e);
    ovsdb_row_get_integer(row, c[ACE_SEQ], &e->seq);
    e->rule.seq = e->seq;
    e->stage = strcmp(ovsdb_row_get_string(row, c[ACE_DIR]), "egress")
                   ? HAL_ACL_INGRESS
                   : HAL_ACL_EGRESS;
    e->rule.action = strcmp(ovsdb_row_get_string(row, c[ACE_ACTION]), "deny")
                         ? HAL_ACL_PERMIT
                         : HAL_ACL_DENY;
    error = parse_l2(c, row, m);
    if (error) {
        return error;
    }
    error =
        parse_ip(opt_string(row, c[ACE_SIP]), opt_string(row, c[ACE_SMASK]),
                 &m->src_ip, &m->src_mask, &present);
    if (error) {
        return error[0] == 'm' && error[1] == 'a' && error[2] == 's'
                   ? "source_mask without source_ip"
                   : error;
    }
    m->fields |= present ? HAL_ACL_F_SRC_IP : 0;
    error =
        parse_ip(opt_string(row, c[ACE_DIP]), opt_string(row, c[ACE_DMASK]),
                 &m->dst_ip, &m->dst_mask, &present);
    if (error) {
        return error[0] == 'm' && error[1] == 'a' && error[2] == 's'
                   ? "dest_mask without dest_ip"
                   : error;
    }
    m->fields |= present ? HAL_ACL_F_DST_IP : 0;
    if (opt_int(row, c[ACE_PROTO], &v)) {
        if (v < 0 || v > 255) {
            return "protocol out of 0..255";
        }
        m->protocol = (uint8_t) v;
        m->fields |= HAL_ACL_F_PROTOCOL;
    }
    error = parse_l4(c, row, m);
    return error ? error : hal_acl_match_check(m);
}
