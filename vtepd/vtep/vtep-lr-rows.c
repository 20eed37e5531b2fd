/* SPDX-License-Identifier: Apache-2.0 */
/* Reading Logical_Router rows for vtep-lr.c: router MACs, ARP source MACs
 * and the checks of switch_binding.  See vtep-lr.c for the semantics. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-lr.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_lr_rows);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 20);

const struct vtep_ls *
vtep_lr_find_ls(const struct vtep *vtep, const struct uuid *uuid)
{
    const struct vtep_ls *ls;

    HMAP_FOR_EACH_WITH_HASH(ls, node, uuid_hash(uuid), &vtep->lss) {
        if (uuid_equals(&ls->uuid, uuid)) {
            return ls;
        }
    }
    return NULL;
}

/* The default router MAC: locally administered, from the router's name. */
static void
default_router_mac(const char *name, struct hal_mac *mac)
{
    uint32_t h = hash_string(name, 0x6c72);

    mac->ea[0] = 0x02;
    mac->ea[1] = 0x00;
    mac->ea[2] = (uint8_t) (h >> 24);
    mac->ea[3] = (uint8_t) (h >> 16);
    mac->ea[4] = (uint8_t) (h >> 8);
    mac->ea[5] = (uint8_t) h;
}

/* Returns true if Arp_Sources_Local row 'row' points at our own locator
 * (our tunnel IP). */
static bool
asl_is_ours(const struct vtep *vtep, const struct ovsdb_row *row)
{
    const struct ovsdb_row *loc;
    struct uuid uuid;

    return ovsdb_row_get_uuid(row, vtep->lrs->asl_locator, &uuid)
           && (loc = ovsdb_table_find(vtep->s.locator, &uuid))
           && !strcmp(ovsdb_row_get_string(loc, vtep->s.locator_ip),
                      vtep->tunnel_ip_s);
}

/* This switch's own ARP source MAC: 02:a5 and the tunnel IP's four bytes,
 * unique per VTEP as Arp_Sources_Local wants. */
static void
default_arp_mac(const struct vtep *vtep, struct hal_mac *mac)
{
    const uint8_t *ip = (const uint8_t *) &vtep->tunnel_ip;

    mac->ea[0] = 0x02;
    mac->ea[1] = 0xa5;
    memcpy(&mac->ea[2], ip, 4);
}

/* The source MAC of our ARP requests: that of Arp_Sources_Local's row for
 * our tunnel IP, if there is one (a MAC an operator chose), else ours. */
static void
arp_source_mac(const struct vtep *vtep, struct hal_mac *mac)
{
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, vtep->lrs->asl) {
        if (asl_is_ours(vtep, row)
            && !hal_mac_from_string(
                ovsdb_row_get_string(row, vtep->lrs->asl_mac), mac)
            && !hal_mac_is_multicast(mac)) {
            return;
        }
    }
    default_arp_mac(vtep, mac);
}

static int
peer_cmp(const void *a_, const void *b_)
{
    const struct hal_router_peer *a = a_, *b = b_;

    return memcmp(&a->mac, &b->mac, sizeof a->mac);
}

/* Adds the other VTEPs' ARP source MACs, from Arp_Sources_Remote, to
 * 'cfg' (its own MACs already set): each a unicast MAC, on a locator with
 * an IPv4 address other than ours, and none twice; sorted, so that the
 * HAL sees a change only when one comes or goes. */
static void
router_peers(const struct vtep *vtep, struct hal_router_config *cfg)
{
    const struct vtep_lrs *m = vtep->lrs;
    const struct ovsdb_row *row, *loc;
    struct hal_router_peer p;
    struct uuid uuid;
    uint32_t i;

    OVSDB_TABLE_FOR_EACH(row, m->ars) {
        const char *mac = ovsdb_row_get_string(row, m->ars_mac);

        memset(&p, 0, sizeof p);
        if (hal_mac_from_string(mac, &p.mac) || hal_mac_is_multicast(&p.mac)
            || !ovsdb_row_get_uuid(row, m->ars_locator, &uuid)
            || !(loc = ovsdb_table_find(vtep->s.locator, &uuid))
            || inet_pton(AF_INET,
                         ovsdb_row_get_string(loc, vtep->s.locator_ip),
                         &p.vtep)
                   != 1
            || !memcmp(&p.mac, &cfg->mac, sizeof p.mac)
            || !memcmp(&p.mac, &cfg->arp_mac, sizeof p.mac)) {
            VLOG_WARN_RL(&rl,
                         "Arp_Sources_Remote: src_mac \"%s\" with its "
                         "locator is not another VTEP's unicast MAC; "
                         "ignored",
                         mac);
            continue;
        } else if (p.vtep.s_addr == vtep->tunnel_ip.s_addr) {
            continue; /* Our own, which Arp_Sources_Local has. */
        }
        for (i = 0; i < cfg->n_peers; i++) {
            if (!memcmp(&cfg->peers[i].mac, &p.mac, sizeof p.mac)) {
                break;
            }
        }
        if (i < cfg->n_peers) {
            continue;
        } else if (cfg->n_peers >= HAL_ROUTER_PEERS_MAX) {
            VLOG_WARN_RL(&rl,
                         "Arp_Sources_Remote: more than %d MACs; the "
                         "rest are ignored",
                         HAL_ROUTER_PEERS_MAX);
            break;
        }
        cfg->peers[cfg->n_peers++] = p;
    }
    qsort(cfg->peers, cfg->n_peers, sizeof *cfg->peers, peer_cmp);
}

void
vtep_lr_arp_sources_run(struct vtep *vtep, struct vtep_txn *t, bool want)
{
    struct ovsdb_table *asl = vtep->lrs->asl;
    const struct ovsdb_row *row;
    struct uuid *gone = NULL;
    size_t n_gone = 0, allocated = 0, i;
    bool have = false;
    char mac_s[18];

    OVSDB_TABLE_FOR_EACH(row, asl) {
        if (!asl_is_ours(vtep, row)) {
            continue;
        } else if (want) {
            have = true;
        } else {
            if (n_gone >= allocated) {
                gone = x2nrealloc(gone, &allocated, n_gone + 1, sizeof *gone);
            }
            gone[n_gone++] = row->uuid;
        }
    }
    for (i = 0; i < n_gone; i++) {
        vtep_txn_delete(t, asl, &gone[i]);
    }
    free(gone);
    if (want && !have) {
        struct ovsdb_row *w = ovsdb_txn_row_create(asl);
        struct uuid loc = vtep_own_locator(vtep, t);
        struct hal_mac mac;

        default_arp_mac(vtep, &mac);
        snprintf(mac_s, sizeof mac_s, HAL_MAC_FMT, HAL_MAC_ARGS(&mac));
        vtep_txn_check(t, ovsdb_txn_write_string(vtep_txn_get(t), asl, w,
                                                 vtep->lrs->asl_mac, mac_s));
        vtep_txn_check(t, ovsdb_txn_write_uuid(vtep_txn_get(t), asl, w,
                                               vtep->lrs->asl_locator, &loc));
        vtep_txn_insert(t, asl, w, NULL);
    }
}

/* Reads other_config:'key' of router 'name' (its 'row') into '*value' if
 * it is a number from 'min' to 'max'; leaves '*value' (the default) alone
 * if the key is absent, and logs why if it is anything else. */
static void
router_number(const struct ovsdb_row *row, const struct ovsdb_column *other,
              const char *key, uint32_t min, uint32_t max, const char *name,
              uint32_t *value)
{
    const char *s = vtep_row_map_get(row, other, key);

    if (s && !vtep_parse_uint(s, min, max, value)) {
        VLOG_WARN_RL(&rl,
                     "%s: other_config:%s=%s is not a number from %u to %u; "
                     "using the default",
                     name, key, s, min, max);
    }
}

/* Parses 's', other_config:ipv6_ra_rdnss of router 'name' (up to
 * HAL_RA_DNS_MAX unicast IPv6 addresses, separated by commas or spaces),
 * into 'cfg'; logs why and leaves 'cfg' without any if it is anything
 * else. */
static void
router_ra_dns(const char *s, const char *name, struct hal_router_config *cfg)
{
    char *copy, *save = NULL, *tok;
    uint32_t n = 0;
    bool ok = true;

    if (!s) {
        return;
    }
    copy = xstrdup(s);
    for (tok = strtok_r(copy, ", ", &save); tok && ok;
         tok = strtok_r(NULL, ", ", &save)) {
        struct hal_ip ip;

        ok = n < HAL_RA_DNS_MAX && !hal_ip_from_string(tok, &ip)
             && ip.family == AF_INET6 && !IN6_IS_ADDR_MULTICAST(&ip.v6)
             && !IN6_IS_ADDR_UNSPECIFIED(&ip.v6);
        if (ok) {
            cfg->ra_dns[n++] = ip.v6;
        }
    }
    free(copy);
    if (ok) {
        cfg->n_ra_dns = n;
    } else {
        memset(cfg->ra_dns, 0, sizeof cfg->ra_dns);
        VLOG_WARN_RL(&rl,
                     "%s: other_config:ipv6_ra_rdnss=%s is not up to %d "
                     "unicast IPv6 addresses; advertising no DNS server",
                     name, s, HAL_RA_DNS_MAX);
    }
}

/* Reads other_config:ipv6_ra ("true" or "false") and ipv6_ra_interval of
 * router 'name' (its 'row') into 'cfg'. */
static void
router_ra(const struct ovsdb_row *row, const struct ovsdb_column *other,
          const char *name, struct hal_router_config *cfg)
{
    const char *ra = vtep_row_map_get(row, other, "ipv6_ra");

    if (ra && !strcmp(ra, "true")) {
        cfg->ra_interval_s = VTEP_LR_RA_INTERVAL_DEFAULT;
        router_number(row, other, "ipv6_ra_interval",
                      HAL_ROUTER_RA_INTERVAL_MIN, HAL_ROUTER_RA_INTERVAL_MAX,
                      name, &cfg->ra_interval_s);
        router_ra_dns(vtep_row_map_get(row, other, "ipv6_ra_rdnss"), name,
                      cfg);
    } else if (ra && strcmp(ra, "false")) {
        VLOG_WARN_RL(&rl,
                     "%s: other_config:ipv6_ra=%s is not true or false; "
                     "no router advertisements",
                     name, ra);
    }
}

void
vtep_lr_router_config(const struct vtep *vtep, const struct ovsdb_row *row,
                      struct hal_router_config *cfg)
{
    const struct vtep_lrs *m = vtep->lrs;
    const char *name = ovsdb_row_get_string(row, m->name);
    const char *mac = vtep_row_map_get(row, m->other, "router_mac");
    char uuid[UUID_LEN + 1];

    memset(cfg, 0, sizeof *cfg);
    if (!name[0]) {
        uuid_to_string(&row->uuid, uuid);
        name = uuid;
    }
    snprintf(cfg->name, sizeof cfg->name, "%s", name);
    if (!mac || hal_mac_from_string(mac, &cfg->mac)
        || hal_mac_is_multicast(&cfg->mac)) {
        if (mac) {
            VLOG_WARN_RL(&rl,
                         "%s: other_config:router_mac=%s is not a "
                         "unicast MAC; using the default",
                         name, mac);
        }
        default_router_mac(cfg->name, &cfg->mac);
    }
    router_number(row, m->other, "mtu", HAL_RIF_MTU_MIN, HAL_RIF_MTU_MAX, name,
                  &cfg->mtu);
    router_number(row, m->other, "neighbour_timeout", 1,
                  HAL_ROUTER_NEIGH_TIMEOUT_MAX, name, &cfg->neigh_timeout_s);
    router_ra(row, m->other, name, cfg);
    arp_source_mac(vtep, &cfg->arp_mac);
    router_peers(vtep, cfg);
}

/* Returns true if 'a' and 'b' have addresses in common. */
static bool
prefixes_overlap(const struct lr_binding *a, const struct lr_binding *b)
{
    uint8_t len = MIN(a->len, b->len);

    return hal_prefix_contains(&a->ip, len, &b->ip);
}

/* A usable interface address: not the subnet's first or last address
 * (below /31), and a subnet with room for a host. */
static bool
rif_address_ok(const struct hal_ip *ip, uint8_t len)
{
    struct hal_ip net = hal_ip_masked(ip, len);
    uint8_t max = hal_ip_max_len(ip);

    if (len >= max) {
        return false;
    } else if (ip->family == AF_INET && len < 31) {
        uint32_t host = ntohl(ip->v4.s_addr) & (UINT32_MAX >> len);

        return host && host != UINT32_MAX >> len;
    }
    return !hal_ip_equals(&net, ip);
}

/* Parses switch_binding into 'b' (up to LR_MAX_BINDINGS) and marks the
 * entries that may be programmed.  Returns the count. */
size_t
vtep_lr_parse_bindings(const struct vtep *vtep, const struct ovsdb_row *row,
                       const char *name, struct hmap *claims, const void *lr,
                       struct lr_binding *b, unsigned int *faults)
{
    struct ovsdb_datum d;
    size_t n, i, j;

    ovsdb_row_get(row, vtep->lrs->binding, &d);
    n = MIN(d.n, LR_MAX_BINDINGS);
    if (d.n > n) {
        VLOG_WARN_RL(&rl, "%s: more than %d switch bindings", name,
                     LR_MAX_BINDINGS);
        *faults |= 1u << VTEP_LR_BINDINGS;
    }
    for (i = 0; i < n; i++) {
        const char *s = d.keys[i].string->s;

        b[i].ls = d.values[i].uuid;
        b[i].ok = !hal_prefix_from_string(s, &b[i].ip, &b[i].len)
                  && rif_address_ok(&b[i].ip, b[i].len);
        if (!b[i].ok) {
            VLOG_WARN_RL(&rl,
                         "%s: switch_binding %s: not an interface "
                         "address with a subnet prefix",
                         name, s);
            *faults |= 1u << VTEP_LR_BINDINGS;
        }
    }
    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (b[i].ok && b[j].ok && prefixes_overlap(&b[i], &b[j])) {
                VLOG_WARN_RL(&rl,
                             "%s: switch_binding %s overlaps %s: "
                             "neither is programmed",
                             name, d.keys[i].string->s, d.keys[j].string->s);
                b[i].ok = b[j].ok = false;
                *faults |= 1u << VTEP_LR_BINDINGS;
            }
        }
    }
    for (i = 0; i < n; i++) {
        struct vtep_lr_claim *c;
        bool taken = false;

        HMAP_FOR_EACH_WITH_HASH(c, node, uuid_hash(&b[i].ls), claims) {
            if (uuid_equals(&c->ls, &b[i].ls) && c->lr != lr) {
                taken = true;
            }
        }
        if (taken && b[i].ok) {
            VLOG_WARN_RL(&rl,
                         "%s: switch_binding %s: the logical switch "
                         "belongs to another router",
                         name, d.keys[i].string->s);
            b[i].ok = false;
            *faults |= 1u << VTEP_LR_BINDINGS;
        } else if (b[i].ok) {
            c = xmalloc(sizeof *c);
            c->ls = b[i].ls;
            c->lr = lr;
            hmap_insert(claims, &c->node, uuid_hash(&b[i].ls));
        }
    }
    return n;
}
