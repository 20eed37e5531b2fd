/* SPDX-License-Identifier: Apache-2.0 */
/* Between vtep-lr.c (the routers' model and programming) and vtep-lr-rows.c
 * (reading Logical_Router rows). */
#ifndef VTEPD_VTEP_VTEP_LR_H
#define VTEPD_VTEP_VTEP_LR_H 1

#include "hal/hal-route.h"
#include "lib/hmap.h"
#include "lib/uuid.h"

struct ovsdb_column;
struct ovsdb_row;
struct ovsdb_table;
struct vtep;
struct vtep_ls;

/* Limits on what one Logical_Router row may ask for. */
#define LR_MAX_BINDINGS 256
#define LR_MAX_ROUTES 65536

/* other_config:ipv6_ra=true without ipv6_ra_interval: RFC 4861 6.2.1's
 * default MaxRtrAdvInterval, in seconds. */
#define VTEP_LR_RA_INTERVAL_DEFAULT 600

struct vtep_lrs {
    const struct ovsdb_column *name, *binding, *routes, *other;
    struct ovsdb_table *asl, *ars; /* Arp_Sources_Local, _Remote. */
    const struct ovsdb_column *asl_mac, *asl_locator;
    const struct ovsdb_column *ars_mac, *ars_locator;
    struct hmap lrs;
    bool dirty;
    int published; /* Our Arp_Sources_Local row: 1 written, 0 not, -1 to
                    * check. */
};

/* A logical switch taken by a router, while computing. */
struct vtep_lr_claim {
    struct hmap_node node;
    struct uuid ls;
    const void *lr; /* The router's model. */
};

/* One switch_binding entry while computing. */
struct lr_binding {
    struct hal_ip ip;
    uint8_t len;
    struct uuid ls;
    bool ok;
};

/* Returns the logical switch 'uuid' of the mirror, or NULL. */
const struct vtep_ls *vtep_lr_find_ls(const struct vtep *,
                                      const struct uuid *uuid);

/* Fills '*cfg' for Logical_Router 'row': name, router MAC
 * (other_config:router_mac or derived from the name), ARP source MAC
 * (Arp_Sources_Local's for our tunnel IP, or 02:a5 and the tunnel IP) and
 * the other VTEPs' ARP source MACs (Arp_Sources_Remote). */
void vtep_lr_router_config(const struct vtep *, const struct ovsdb_row *row,
                           struct hal_router_config *cfg);

/* Parses the switch_binding of 'row' (router 'name', model 'lr') into 'b'
 * (LR_MAX_BINDINGS entries) and marks the ones that may be programmed: not
 * malformed, overlapping none of the others, and on a logical switch that
 * no earlier router in 'claims' has (claims of its own are added there).
 * Sets 1 << VTEP_LR_BINDINGS in '*faults' for any other.  Returns the
 * number of entries. */
size_t vtep_lr_parse_bindings(const struct vtep *, const struct ovsdb_row *row,
                              const char *name, struct hmap *claims,
                              const void *lr, struct lr_binding *b,
                              unsigned int *faults);

/* Stores in '*oid' the programmed router interface with address 'ip' of
 * Logical_Router row 'lr'.  Returns 0 or -ENOENT. */
int vtep_lr_rif_find(const struct vtep *, const struct uuid *lr,
                     const struct hal_ip *ip, hal_oid_t *oid);

/* Keeps an Arp_Sources_Local row for this switch (its ARP source MAC and
 * own locator) while 'want' (some router exists), and none otherwise; the
 * changes go into 't'. */
struct vtep_txn;
void vtep_lr_arp_sources_run(struct vtep *, struct vtep_txn *t, bool want);

#endif /* vtepd/vtep/vtep-lr.h */
