/* SPDX-License-Identifier: Apache-2.0 */
/* Routing in the HAL: prefix helpers, the checked calls in front of the
 * provider's routing callbacks, and the hal/dump-routes text.
 * Backend-neutral; the callbacks are optional. */
#include "hal/hal-route.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-private.h"
#include "lib/bytes.h"
#include "lib/ds.h"
#include "lib/util.h"

/* ---- Prefixes ------------------------------------------------------------ */

uint8_t
hal_ip_max_len(const struct hal_ip *ip)
{
    return ip->family == AF_INET6 ? 128 : 32;
}

struct hal_ip
hal_ip_masked(const struct hal_ip *ip, uint8_t len)
{
    struct hal_ip m = *ip;
    uint8_t *b = ip->family == AF_INET6 ? m.v6.s6_addr : (uint8_t *) &m.v4;
    size_t n = ip->family == AF_INET6 ? 16 : 4;
    size_t i;

    for (i = 0; i < n; i++) {
        if (len >= 8 * (i + 1)) {
            continue;
        } else if (len <= 8 * i) {
            b[i] = 0;
        } else {
            b[i] &= (uint8_t) (0xff00 >> (len - 8 * i));
        }
    }
    return m;
}

bool
hal_prefix_contains(const struct hal_ip *prefix, uint8_t len,
                    const struct hal_ip *ip)
{
    struct hal_ip a, b;

    if (prefix->family != ip->family) {
        return false;
    }
    a = hal_ip_masked(prefix, len);
    b = hal_ip_masked(ip, len);
    return hal_ip_equals(&a, &b);
}

int
hal_prefix_from_string(const char *s, struct hal_ip *ip, uint8_t *len)
{
    char buf[HAL_IP_STRLEN + 5];
    const char *slash = strchr(s, '/');
    unsigned long n;
    char *end;

    if (!slash || (size_t) (slash - s) >= HAL_IP_STRLEN || slash[1] < '0'
        || slash[1] > '9' || strlen(slash) > 4) {
        return -EINVAL;
    }
    memcpy(buf, s, (size_t) (slash - s));
    buf[slash - s] = '\0';
    n = strtoul(slash + 1, &end, 10);
    if (*end || hal_ip_from_string(buf, ip) || n > hal_ip_max_len(ip)) {
        return -EINVAL;
    }
    *len = (uint8_t) n;
    return 0;
}

/* ---- Checked calls ------------------------------------------------------- */

bool
hal_route_supported(const struct hal *hal)
{
    return hal->provider->router_set != NULL;
}

const char *
hal_route_unsupported_reason(const struct hal *hal)
{
    if (!hal_route_supported(hal)) {
        return "the backend has no routing";
    }
    return hal->provider->route_unsupported
               ? hal->provider->route_unsupported(hal)
               : NULL;
}

static bool
ip_ok(const struct hal_ip *ip)
{
    return ip->family == AF_INET || ip->family == AF_INET6;
}

/* Router advertisement fields (RFC 4861 4.2, 4.6). */
#define ND_RA 134
#define ND_RA_HLEN 16
#define ND_RA_HOP_LIMIT 64 /* Cur Hop Limit for the hosts. */
#define ND_OPT_SLLA 1
#define ND_OPT_PREFIX 3
#define ND_OPT_MTU 5
#define ND_OPT_RDNSS 25 /* RFC 8106 5.1. */
#define ND_PREFIX_ONLINK 0x80
#define ND_PREFIX_AUTO 0x40
/* The prefix lifetimes RFC 4861 6.2.1 (and radvd) default to: 30 days
 * valid, 7 days preferred. */
#define ND_PREFIX_VALID_S 2592000
#define ND_PREFIX_PREFERRED_S 604800
#define RA_LIFETIME_MAX 9000

#define RA_INITIAL 3
#define RA_INITIAL_MS 16000
#define RA_MIN_DELAY_MS 3000
#define RA_MAX_DELAY_MS 500

/* Returns a random time from 'lo' to 'hi' milliseconds. */
static int64_t
random_ms(int64_t lo, int64_t hi)
{
    return lo + (hi > lo ? random() % (hi - lo + 1) : 0);
}

int64_t
hal_ra_next_ms(uint32_t interval_s, uint32_t sent, int64_t now_ms)
{
    int64_t interval = (int64_t) interval_s * 1000;

    return now_ms
           + (sent < RA_INITIAL ? MIN(interval, RA_INITIAL_MS)
                                : random_ms(interval / 3, interval));
}

int64_t
hal_ra_solicited_ms(int64_t now_ms, int64_t last_ms)
{
    return MAX(now_ms + random_ms(0, RA_MAX_DELAY_MS),
               last_ms + RA_MIN_DELAY_MS);
}

bool
hal_ra_ceases(const struct hal_router_config *old_c,
              const struct hal_router_config *new_c)
{
    return old_c->ra_interval_s
           && (!new_c->ra_interval_s
               || memcmp(&old_c->mac, &new_c->mac, sizeof new_c->mac));
}

bool
hal_ra_changed(const struct hal_router_config *old_c,
               const struct hal_router_config *new_c)
{
    return old_c->ra_interval_s != new_c->ra_interval_s
           || old_c->mtu != new_c->mtu
           || memcmp(&old_c->mac, &new_c->mac, sizeof new_c->mac)
           || old_c->n_ra_dns != new_c->n_ra_dns
           || memcmp(old_c->ra_dns, new_c->ra_dns, sizeof new_c->ra_dns);
}

uint16_t
hal_ra_lifetime(uint32_t interval_s)
{
    return (uint16_t) MIN(3 * interval_s, RA_LIFETIME_MAX);
}

size_t
hal_ra_message(const struct hal_ra *ra, uint8_t msg[HAL_RA_MSG_MAX])
{
    uint8_t *o = msg + ND_RA_HLEN;
    size_t i;

    memset(msg, 0, HAL_RA_MSG_MAX);
    msg[0] = ND_RA;
    msg[4] = ND_RA_HOP_LIMIT;
    put_be16(msg + 6, ra->lifetime_s);
    o[0] = ND_OPT_SLLA;
    o[1] = 1;
    memcpy(o + 2, ra->mac.ea, 6);
    o += 8;
    o[0] = ND_OPT_MTU;
    o[1] = 1;
    put_be32(o + 4, ra->mtu);
    o += 8;
    for (i = 0; i < ra->n_prefixes && i < HAL_RA_PREFIXES_MAX; i++) {
        o[0] = ND_OPT_PREFIX;
        o[1] = 4;
        o[2] = ra->prefix_lens[i];
        /* SLAAC makes addresses of 64-bit interface identifiers: only a
         * /64 is for autonomous configuration (RFC 4862 5.5.3). */
        o[3] =
            ND_PREFIX_ONLINK | (ra->prefix_lens[i] == 64 ? ND_PREFIX_AUTO : 0);
        put_be32(o + 4, ND_PREFIX_VALID_S);
        put_be32(o + 8, ND_PREFIX_PREFERRED_S);
        memcpy(o + 16, &ra->prefixes[i].v6, 16);
        o += 32;
    }
    if (ra->n_dns) {
        size_t n = MIN(ra->n_dns, HAL_RA_DNS_MAX);

        o[0] = ND_OPT_RDNSS;
        o[1] = (uint8_t) (1 + 2 * n);
        put_be32(o + 4, ra->dns_lifetime_s);
        memcpy(o + 8, ra->dns, 16 * n);
        o += 8 + 16 * n;
    }
    return (size_t) (o - msg);
}

void
hal_ra_init(struct hal_ra *ra, const struct hal_router_config *c)
{
    memset(ra, 0, sizeof *ra);
    ra->mac = c->mac;
    hal_router_link_local(&c->mac, &ra->src);
    ra->mtu = hal_router_mtu(c);
    ra->lifetime_s = hal_ra_lifetime(c->ra_interval_s);
    ra->n_dns = (uint8_t) MIN(c->n_ra_dns, HAL_RA_DNS_MAX);
    memcpy(ra->dns, c->ra_dns, ra->n_dns * sizeof *ra->dns);
    /* RFC 8106 5.1: from the interval to twice it (radvd's default). */
    ra->dns_lifetime_s = 2 * c->ra_interval_s;
}

void
hal_router_link_local(const struct hal_mac *mac, struct hal_ip *ip)
{
    uint8_t *a = ip->v6.s6_addr;

    memset(ip, 0, sizeof *ip);
    ip->family = AF_INET6;
    a[0] = 0xfe;
    a[1] = 0x80;
    a[8] = mac->ea[0] ^ 0x02; /* The universal/local bit, inverted. */
    a[9] = mac->ea[1];
    a[10] = mac->ea[2];
    a[11] = 0xff;
    a[12] = 0xfe;
    a[13] = mac->ea[3];
    a[14] = mac->ea[4];
    a[15] = mac->ea[5];
}

uint32_t
hal_router_mtu(const struct hal_router_config *c)
{
    return c->mtu ? c->mtu : HAL_RIF_MTU;
}

/* Returns true if the DNS servers of 'c' are few enough and unicast. */
static bool
ra_dns_ok(const struct hal_router_config *c)
{
    uint32_t i;

    if (c->n_ra_dns > HAL_RA_DNS_MAX) {
        return false;
    }
    for (i = 0; i < c->n_ra_dns; i++) {
        if (IN6_IS_ADDR_MULTICAST(&c->ra_dns[i])
            || IN6_IS_ADDR_UNSPECIFIED(&c->ra_dns[i])) {
            return false;
        }
    }
    return true;
}

int
hal_router_set(struct hal *hal, const struct hal_router_config *config,
               hal_oid_t *oid)
{
    if (!hal_route_supported(hal)) {
        return -EOPNOTSUPP;
    } else if (hal_mac_is_multicast(&config->mac)
               || hal_mac_is_multicast(&config->arp_mac)
               || !memchr(config->name, '\0', sizeof config->name)
               || (config->mtu
                   && (config->mtu < HAL_RIF_MTU_MIN
                       || config->mtu > HAL_RIF_MTU_MAX))
               || config->neigh_timeout_s > HAL_ROUTER_NEIGH_TIMEOUT_MAX
               || (config->ra_interval_s
                   && (config->ra_interval_s < HAL_ROUTER_RA_INTERVAL_MIN
                       || config->ra_interval_s > HAL_ROUTER_RA_INTERVAL_MAX))
               || !ra_dns_ok(config)) {
        return -EINVAL;
    } else if (*oid && hal_oid_type(*oid) != HAL_OBJECT_ROUTER) {
        return -ENOENT;
    }
    return hal->provider->router_set(hal, config, oid);
}

int
hal_router_remove(struct hal *hal, hal_oid_t oid)
{
    if (!hal_route_supported(hal)) {
        return -EOPNOTSUPP;
    } else if (hal_oid_type(oid) != HAL_OBJECT_ROUTER) {
        return -ENOENT;
    }
    return hal->provider->router_remove(hal, oid);
}

int
hal_rif_create(struct hal *hal, const struct hal_rif_config *config,
               hal_oid_t *oid)
{
    *oid = HAL_OID_NULL;
    if (!hal_route_supported(hal)) {
        return -EOPNOTSUPP;
    } else if (!ip_ok(&config->ip)
               || config->prefix_len > hal_ip_max_len(&config->ip)) {
        return -EINVAL;
    } else if (hal_oid_type(config->router) != HAL_OBJECT_ROUTER
               || hal_oid_type(config->bridge) != HAL_OBJECT_BRIDGE) {
        return -ENOENT;
    }
    return hal->provider->rif_create(hal, config, oid);
}

int
hal_rif_remove(struct hal *hal, hal_oid_t oid)
{
    if (!hal_route_supported(hal)) {
        return -EOPNOTSUPP;
    } else if (hal_oid_type(oid) != HAL_OBJECT_RIF) {
        return -ENOENT;
    }
    return hal->provider->rif_remove(hal, oid);
}

int
hal_nexthop_create(struct hal *hal, const struct hal_nexthop_config *config,
                   hal_oid_t *oid)
{
    *oid = HAL_OID_NULL;
    if (!hal_route_supported(hal)) {
        return -EOPNOTSUPP;
    } else if (!ip_ok(&config->ip)) {
        return -EINVAL;
    } else if (hal_oid_type(config->rif) != HAL_OBJECT_RIF) {
        return -ENOENT;
    }
    return hal->provider->nexthop_create(hal, config, oid);
}

int
hal_nexthop_remove(struct hal *hal, hal_oid_t oid)
{
    if (!hal_route_supported(hal)) {
        return -EOPNOTSUPP;
    } else if (hal_oid_type(oid) != HAL_OBJECT_NEXTHOP) {
        return -ENOENT;
    }
    return hal->provider->nexthop_remove(hal, oid);
}

static bool
route_key_check(const void *entry_)
{
    const struct hal_route_entry *e = entry_;
    struct hal_ip masked;

    if (hal_oid_type(e->router) != HAL_OBJECT_ROUTER || !ip_ok(&e->prefix)
        || e->prefix_len > hal_ip_max_len(&e->prefix)) {
        return false;
    }
    masked = hal_ip_masked(&e->prefix, e->prefix_len);
    return hal_ip_equals(&masked, &e->prefix);
}

static bool
route_set_check(const void *entry_)
{
    const struct hal_route_entry *e = entry_;
    enum hal_object_type t = hal_oid_type(e->nexthop);

    return route_key_check(e)
           && (t == HAL_OBJECT_NEXTHOP || t == HAL_OBJECT_RIF);
}

static bool
rneigh_key_check(const void *entry_)
{
    const struct hal_rneigh_entry *e = entry_;

    return hal_oid_type(e->rif) == HAL_OBJECT_RIF && ip_ok(&e->ip);
}

static bool
rneigh_set_check(const void *entry_)
{
    const struct hal_rneigh_entry *e = entry_;

    return rneigh_key_check(e) && !hal_mac_is_multicast(&e->mac);
}

#define ROUTE_OP(NAME)                                                   \
    static int NAME##_op(struct hal *hal, const void *entries, size_t n, \
                         int *status)                                    \
    {                                                                    \
        return hal->provider->NAME(hal, entries, n, status);             \
    }
ROUTE_OP(route_set)
ROUTE_OP(route_remove)
ROUTE_OP(rneigh_set)
ROUTE_OP(rneigh_remove)

int
hal_route_set(struct hal *hal, const struct hal_route_entry *entries, size_t n,
              int *status)
{
    if (!hal_route_supported(hal)) {
        return hal_bulk_unsupported(n, status);
    }
    return hal_bulk_call(hal, entries, sizeof *entries, n, status,
                         route_set_check, route_set_op);
}

int
hal_route_remove(struct hal *hal, const struct hal_route_entry *entries,
                 size_t n, int *status)
{
    if (!hal_route_supported(hal)) {
        return hal_bulk_unsupported(n, status);
    }
    return hal_bulk_call(hal, entries, sizeof *entries, n, status,
                         route_key_check, route_remove_op);
}

int
hal_rneigh_set(struct hal *hal, const struct hal_rneigh_entry *entries,
               size_t n, int *status)
{
    if (!hal_route_supported(hal)) {
        return hal_bulk_unsupported(n, status);
    }
    return hal_bulk_call(hal, entries, sizeof *entries, n, status,
                         rneigh_set_check, rneigh_set_op);
}

int
hal_rneigh_remove(struct hal *hal, const struct hal_rneigh_entry *entries,
                  size_t n, int *status)
{
    if (!hal_route_supported(hal)) {
        return hal_bulk_unsupported(n, status);
    }
    return hal_bulk_call(hal, entries, sizeof *entries, n, status,
                         rneigh_key_check, rneigh_remove_op);
}

int
hal_router_stats_get(const struct hal *hal, hal_oid_t oid,
                     struct hal_router_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!hal_route_supported(hal)) {
        return -EOPNOTSUPP;
    } else if (hal_oid_type(oid) != HAL_OBJECT_ROUTER) {
        return -ENOENT;
    }
    return hal->provider->router_stats_get(hal, oid, stats);
}

void
hal_route_walk(const struct hal *hal, const struct hal_route_walk *walk,
               void *aux)
{
    if (hal_route_supported(hal)) {
        hal->provider->route_walk(hal, walk, aux);
    }
}
