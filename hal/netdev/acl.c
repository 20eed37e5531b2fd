/* SPDX-License-Identifier: Apache-2.0 */
/* ACLs of the netdev backend in the kernel's nftables bridge family
 * (docs/acl.md says why not tc flower):
 *
 *   table bridge vtepd
 *     chain forward  (filter hook forward, policy accept): jump in; jump out
 *                    (and tags.c's chains around them)
 *     chain output   (filter hook output, policy accept): jump out
 *     chain in       iifname "swp1.10" goto aclN;  iifname "swp1" goto aclM;
 *                    iifname "swp1.*" goto aclM ...   (VLAN bindings first)
 *     chain out      the same with oifname
 *     chain aclN     one rule per ACL rule: match, counter, drop or return
 *
 * The bridge's forward hook sees each frame once per output port, after
 * the 802.1Q sub-interface took its tag off, so ingress is the binding's
 * device as input and egress as output, for every copy of a flood and for
 * frames out of the VXLAN device.  Each change is one nftables batch, which
 * the kernel applies whole or not at all.  nftables has no fixed capacity,
 * but the switch this stands for has: each stage holds the platform's
 * number of rules (nd_acl_platform()), one per HAL rule, since nftables
 * matches port ranges natively (no prefix expansion), and a table that
 * does not fit fails with HAL_E_TABLE_FULL, leaving the rest as it was.
 *
 * Router interfaces (a VRF's bridges, route.c) see routed packets, which
 * never cross the bridge family's forward hook, in the inet family's:
 *
 *   table inet vtepd
 *     chain forward  (filter hook forward, policy accept): jump in; jump out
 *     chain in       iifname "vtbN" counter jump aclN;
 *                    iifname "vtbN" counter return;
 *                    sdifname "vtbN" counter jump aclN;
 *                    sdifname "vtbN" counter return
 *     chain out      oifname "vtbN" counter jump aclN;
 *                    oifname "vtbN" counter return
 *     chain aclN     the same rules as the bridge family's aclN
 *
 * The two counters of a pair see every routed packet of the interface and
 * those its ACL let return: the difference is what the ACL dropped, the
 * router's acl_denied_in or _out.  Rebuilding the dispatch chains resets
 * them, so each rebuild first adds what they counted to the interfaces'
 * routers (route.c keeps it), once the kernel took the new chains.
 *
 * Every ACL table has its chain in both tables, changed in one batch; its
 * hit counters are the sum of the two (a frame is switched or routed, never
 * both).  A routed packet's input device in that hook is its VRF, the
 * bridge it came from being the "slave device" (sdifname).
 *
 * At open the backend (re)creates the tables; a kernel without nf_tables or
 * its bridge family leaves every ACL call answering -EOPNOTSUPP, and the
 * reason is logged once; without the inet family (or without routing),
 * router interface bindings are unsupported (no HAL_CAP_ACL_RIF). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/netdev/acl-private.h"
#include "hal/netdev/netdev-private.h"
#include "hal/netdev/nft.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_acl);

static enum hal_table
stage_table(enum hal_acl_stage stage)
{
    return stage == HAL_ACL_INGRESS ? HAL_TABLE_ACL_INGRESS
                                    : HAL_TABLE_ACL_EGRESS;
}

static struct nd_acl *
acl_of(const struct hal *hal)
{
    return nd_cast(hal)->acl;
}

/* Stores in 'f' the families that have a chain per ACL table: bridge,
 * then inet, arp and netdev if their tables exist.  Returns how many. */
static size_t
table_families(const struct nd_acl *acl, uint8_t f[4])
{
    size_t n = 0;

    f[n++] = ND_NFPROTO_BRIDGE;
    if (acl->inet) {
        f[n++] = ND_NFPROTO_INET;
    }
    if (acl->arp) {
        f[n++] = ND_NFPROTO_ARP;
    }
    if (acl->egress) {
        f[n++] = ND_NFPROTO_NETDEV;
    }
    return n;
}

/* Adds to 'b' an empty table in 'b''s family with its fixed chains. */
static void
empty_table(struct nft_buf *b)
{
    nft_table_anew(b, ND_NFT_TABLE);
    nft_chain(b, true, ND_NFT_TABLE, "in", -1);
    nft_chain(b, true, ND_NFT_TABLE, "out", -1);
    nd_acl_base_chain(b, false, false);
}

/* Creates the inet table for router interfaces' ACLs. */
static void
inet_init(struct hal_netdev *nd)
{
    struct nd_acl *acl = nd->acl;
    struct nft_buf b;
    int error;

    nft_buf_init(&b);
    nft_batch_begin(&b);
    b.family = ND_NFPROTO_INET;
    empty_table(&b);
    nft_batch_end(&b);
    error = nft_send(acl->fd, &b);
    nft_buf_destroy(&b);
    if (error) {
        VLOG_INFO("no ACLs on router interfaces: no nftables inet family "
                  "(%s)",
                  strerror(-error));
        return;
    }
    acl->inet = true;
    /* Router interfaces need routers: not on a kernel without VRF. */
    if (!nd_route_unsupported(&nd->up)) {
        nd->up.capabilities |= HAL_CAP_ACL_RIF;
    }
}

/* Creates the arp table: the ARP replies the bridge makes for its
 * suppressed ports (neigh_suppress) leave by arp_xmit(), whose output hook
 * this is, not through the bridge's forward hook:
 *
 *   table arp vtepd
 *     chain output  (filter hook output, policy accept): jump out
 *     chain out     oifname dispatch of the egress bindings, as above
 *     chain aclN    the rules of every ACL: only ARP can reach them */
static void
arp_init(struct hal_netdev *nd)
{
    struct nd_acl *acl = nd->acl;
    struct nft_buf b;
    int error;

    nft_buf_init(&b);
    nft_batch_begin(&b);
    b.family = ND_NFPROTO_ARP;
    nft_table_anew(&b, ND_NFT_TABLE);
    nft_chain(&b, true, ND_NFT_TABLE, "out", -1);
    nft_chain(&b, true, ND_NFT_TABLE, "output", ND_NF_ARP_OUT);
    nft_jump_rule(&b, ND_NFT_TABLE, "output", "out");
    nft_batch_end(&b);
    error = nft_send(acl->fd, &b);
    nft_buf_destroy(&b);
    if (error) {
        VLOG_INFO("the bridge's ARP answers are not filtered: no nftables "
                  "arp family (%s)",
                  strerror(-error));
        return;
    }
    acl->arp = true;
}

/* Parses 'value' (the value of 'key') as a capacity into '*out'. */
static int
platform_u32(const char *key, const char *value, uint32_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(value, &end, 10);
    if (errno || end == value || *end || value[0] == '-'
        || v > ND_ACL_MAX_CAPACITY) {
        VLOG_ERR("netdev platform: %s=%s: expected 0 to %u", key, value,
                 (unsigned) ND_ACL_MAX_CAPACITY);
        return -EINVAL;
    }
    *out = (uint32_t) v;
    return 0;
}

int
nd_acl_platform(const char *platform, uint32_t capacity[HAL_ACL_STAGE_N])
{
    char *copy, *save = NULL, *item;
    int error = 0;

    capacity[HAL_ACL_INGRESS] = ND_ACL_DEFAULT_INGRESS;
    capacity[HAL_ACL_EGRESS] = ND_ACL_DEFAULT_EGRESS;
    if (!platform) {
        return 0;
    }
    copy = xstrdup(platform);
    for (item = strtok_r(copy, ",", &save); item && !error;
         item = strtok_r(NULL, ",", &save)) {
        char *value = strchr(item, '=');

        if (value) {
            *value++ = '\0';
        }
        if (value && !strcmp(item, "acl_ingress_entries")) {
            error = platform_u32(item, value, &capacity[HAL_ACL_INGRESS]);
        } else if (value && !strcmp(item, "acl_egress_entries")) {
            error = platform_u32(item, value, &capacity[HAL_ACL_EGRESS]);
        } else {
            VLOG_ERR("netdev platform: %s: expected acl_ingress_entries=N "
                     "or acl_egress_entries=N",
                     item);
            error = -EINVAL;
        }
    }
    free(copy);
    return error;
}

void
nd_acl_init(struct hal_netdev *nd, const uint32_t capacity[HAL_ACL_STAGE_N])
{
    struct nd_acl *acl = xzalloc(sizeof *acl);
    struct nft_buf b;

    hmap_init(&acl->tables);
    hmap_init(&acl->binds);
    memcpy(acl->capacity, capacity, sizeof acl->capacity);
    nd->acl = acl;
    acl->fd = nft_open();
    if (acl->fd < 0) {
        acl->error = acl->fd;
        VLOG_INFO("no ACLs: no netfilter netlink (%s)", strerror(-acl->error));
        return;
    }
    /* Start from an empty table: what a previous run left is replayed. */
    nft_buf_init(&b);
    nft_batch_begin(&b);
    empty_table(&b);
    nft_batch_end(&b);
    acl->error = nft_send(acl->fd, &b);
    nft_buf_destroy(&b);
    if (acl->error) {
        VLOG_INFO("no ACLs: the kernel has no nftables bridge family (%s)",
                  strerror(-acl->error));
        close(acl->fd);
        acl->fd = -1;
    } else {
        VLOG_INFO("ACLs in nftables: table bridge %s", ND_NFT_TABLE);
        nd->up.capabilities |= HAL_CAP_ACL;
        inet_init(nd);
        arp_init(nd);
        acl->egress = nd_acl_egress_init(acl);
        acl->tags = nd_tags_init(acl->fd, acl->egress);
    }
}

int
nd_acl_nft_fd(const struct hal_netdev *nd)
{
    return nd->acl ? nd->acl->fd : -1;
}

bool
nd_acl_has_arp(const struct hal_netdev *nd)
{
    return nd->acl && nd->acl->arp;
}

void
nd_acl_destroy(struct hal_netdev *nd, bool clear)
{
    struct nd_acl *acl = nd->acl;
    struct nd_acl_table *t;
    struct nd_acl_bind *bd;

    if (!acl) {
        return;
    }
    if (acl->fd >= 0 && clear) {
        struct nft_buf b;

        nft_buf_init(&b);
        nft_batch_begin(&b);
        uint8_t f[4];
        size_t n = table_families(acl, f);

        for (size_t i = 0; i < n; i++) {
            b.family = f[i];
            nft_table(&b, false, ND_NFT_TABLE);
        }
        nft_batch_end(&b);
        nft_send(acl->fd, &b);
        nft_buf_destroy(&b);
    }
    if (acl->fd >= 0) {
        close(acl->fd);
    }
    HMAP_FOR_EACH_SAFE(bd, node, &acl->binds) {
        hmap_remove(&acl->binds, &bd->node);
        free(bd);
    }
    nd_acl_egress_destroy(acl);
    HMAP_FOR_EACH_SAFE(t, node, &acl->tables) {
        hmap_remove(&acl->tables, &t->node);
        free(t->rules);
        free(t);
    }
    hmap_destroy(&acl->binds);
    hmap_destroy(&acl->tables);
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        free(acl->layout[s].b);
        free(acl->next[s].b);
    }
    free(acl);
    nd->acl = NULL;
}

/* Some kernels (this project's CI host's 6.18) run the bridge family's
 * hooks only on bridges that existed when the base chain was registered,
 * so a new bridge gets the base chain registered again, in one batch: the
 * frames of the other bridges see the old chain or the new one. */
void
nd_acl_bridge_created(struct hal_netdev *nd)
{
    struct nd_acl *acl = nd->acl;
    struct nft_buf b;
    int error;

    if (!acl || acl->fd < 0) {
        return;
    }
    nft_buf_init(&b);
    nft_batch_begin(&b);
    nd_acl_base_chain_renew(&b, acl->tags, acl->egress);
    nft_batch_end(&b);
    error = nft_send(acl->fd, &b);
    nft_buf_destroy(&b);
    if (error) {
        VLOG_WARN("re-registering the ACL hook: %s", strerror(-error));
    }
}

void
nd_acl_resources(const struct hal_netdev *nd, struct hal_resource res[])
{
    const struct nd_acl *acl = nd->acl;

    if (acl) {
        res[HAL_TABLE_ACL_INGRESS] =
            (struct hal_resource){ acl->used[HAL_ACL_INGRESS],
                                   acl->capacity[HAL_ACL_INGRESS] };
        res[HAL_TABLE_ACL_EGRESS] =
            (struct hal_resource){ acl->used[HAL_ACL_EGRESS],
                                   acl->capacity[HAL_ACL_EGRESS] };
    }
}

static struct nd_acl_table *
table_find(const struct nd_acl *acl, hal_oid_t oid)
{
    uint64_t id = oid & HAL_OID_VALUE_MAX;
    struct nd_acl_table *t;

    HMAP_FOR_EACH_WITH_HASH(t, node, hash_uint64(id, 0), &acl->tables) {
        if (t->id == id) {
            return t;
        }
    }
    return NULL;
}

/* ---- Dispatch -------------------------------------------------------------- */

/* Appends the dispatch rules of bindings of 'stage' with ('vlan_first')
 * or without a VLAN. */
static void
dispatch_rules(const struct hal_netdev *nd, struct nft_buf *b,
               enum hal_acl_stage stage, bool vlan)
{
    const char *chain = stage == HAL_ACL_INGRESS ? "in" : "out";
    bool egress = stage == HAL_ACL_EGRESS;
    struct nd_acl_bind *bd;

    HMAP_FOR_EACH(bd, node, &nd->acl->binds) {
        const struct nd_port *port;
        char name[IFNAMSIZ];
        size_t len;

        if (bd->rif || bd->stage != stage || (bd->vlan != 0) != vlan) {
            continue;
        }
        port = &nd->ports[bd->port];
        if (vlan) {
            hal_netdev_subif_name(port->name, port->ifindex, bd->vlan, name);
            nft_dispatch_rule(b, ND_NFT_TABLE, chain, egress, name, false,
                              bd->table->chain);
            continue;
        }
        /* The whole port: the port itself and every sub-interface. */
        nft_dispatch_rule(b, ND_NFT_TABLE, chain, egress, port->name, false,
                          bd->table->chain);
        len = strlen(port->name);
        if (len + 1 < IFNAMSIZ) {
            memcpy(name, port->name, len);
            name[len] = '.';
            name[len + 1] = '\0';
            nft_dispatch_rule(b, ND_NFT_TABLE, chain, egress, name, true,
                              bd->table->chain);
        }
        snprintf(name, sizeof name, "vts%x.", (unsigned) port->ifindex);
        nft_dispatch_rule(b, ND_NFT_TABLE, chain, egress, name, true,
                          bd->table->chain);
    }
}

/* Counted rules per binding in the inet dispatch chain of 'stage': a pair
 * for iifname and one for sdifname (ingress), or one for oifname. */
static size_t
rules_per_binding(enum hal_acl_stage stage)
{
    return stage == HAL_ACL_INGRESS ? 4 : 2;
}

static const char *
dispatch_chain(enum hal_acl_stage stage)
{
    return stage == HAL_ACL_INGRESS ? "in" : "out";
}

/* Reads what the ACL of each binding of 'layout' (the dispatch chain of
 * 'stage' in the kernel) dropped into its 'denied'.  Returns 0 or a
 * negative errno. */
static int
layout_read(const struct nd_acl *acl, enum hal_acl_stage stage,
            struct nd_acl_layout *layout)
{
    size_t per = rules_per_binding(stage), n = layout->n * per;
    uint64_t *c;
    int error;

    if (!layout->n) {
        return 0;
    }
    c = xcalloc(n, sizeof *c);
    error = nft_counters(acl->fd, ND_NFPROTO_INET, ND_NFT_TABLE,
                         dispatch_chain(stage), c, n);
    for (size_t i = 0; i < layout->n; i++) {
        layout->b[i].denied = 0;
        for (size_t k = i * per; !error && k < (i + 1) * per; k += 2) {
            /* A packet between the two rules may be in the first only. */
            layout->b[i].denied += c[k] > c[k + 1] ? c[k] - c[k + 1] : 0;
        }
    }
    free(c);
    return error;
}

static void
layout_append(struct nd_acl_layout *l, hal_oid_t router)
{
    l->b = xrealloc(l->b, (l->n + 1) * sizeof *l->b);
    l->b[l->n++] = (struct nd_acl_counted){ router, 0 };
}

/* After a batch: on success the kernel has 'next' and the old chains'
 * drops go to their routers; else it still has 'layout'. */
static void
layout_commit(struct hal_netdev *nd, bool ok)
{
    struct nd_acl *acl = nd->acl;

    if (!acl->pending) {
        return;
    }
    acl->pending = false;
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        struct nd_acl_layout *l = ok ? &acl->layout[s] : &acl->next[s];

        for (size_t i = 0; ok && i < l->n; i++) {
            nd_router_acl_denied_add(nd, l->b[i].router, s, l->b[i].denied);
        }
        free(l->b);
        if (ok) {
            acl->layout[s] = acl->next[s];
        }
        acl->next[s] = (struct nd_acl_layout){ NULL, 0 };
    }
}

/* Appends the inet family's dispatch rules, router interfaces, and
 * records them in 'next' after reading what the rules in place counted. */
static void
dispatch_rif_rules(const struct hal_netdev *nd, struct nft_buf *b)
{
    struct nd_acl *acl = nd->acl;
    struct nd_acl_bind *bd;

    acl->pending = true;
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        int error = layout_read(acl, s, &acl->layout[s]);

        if (error) {
            VLOG_WARN("router ACL counters (%s): %s", dispatch_chain(s),
                      strerror(-error));
        }
    }
    HMAP_FOR_EACH(bd, node, &acl->binds) {
        char name[IFNAMSIZ];

        if (!bd->rif || nd_rif_bridge_ifname(nd, bd->port, name)) {
            continue;
        }
        nft_dispatch_counted_rules(b, ND_NFT_TABLE, dispatch_chain(bd->stage),
                                   bd->stage == HAL_ACL_EGRESS, false, name,
                                   bd->table->chain);
        if (bd->stage == HAL_ACL_INGRESS) {
            nft_dispatch_counted_rules(b, ND_NFT_TABLE, "in", false, true,
                                       name, bd->table->chain);
        }
        layout_append(&acl->next[bd->stage], nd_rif_router(nd, bd->port));
    }
}

uint64_t
nd_acl_router_denied(const struct hal_netdev *nd, hal_oid_t router,
                     enum hal_acl_stage stage)
{
    const struct nd_acl *acl = nd->acl;
    struct nd_acl_layout l;
    uint64_t sum = 0;

    if (!acl || acl->fd < 0 || !acl->inet || !acl->layout[stage].n) {
        return 0;
    }
    l.n = acl->layout[stage].n;
    l.b = xmemdup(acl->layout[stage].b, l.n * sizeof *l.b);
    if (!layout_read(acl, stage, &l)) {
        for (size_t i = 0; i < l.n; i++) {
            sum += l.b[i].router == router ? l.b[i].denied : 0;
        }
    }
    free(l.b);
    return sum;
}

/* Adds to 'b' the rebuilt "out" chain of 'family', whose tables have the
 * egress bindings only (the arp and netdev tables). */
static void
egress_dispatch(const struct hal_netdev *nd, struct nft_buf *b, uint8_t family)
{
    b->family = family;
    nft_flush(b, ND_NFT_TABLE, "out");
    dispatch_rules(nd, b, HAL_ACL_EGRESS, true);
    dispatch_rules(nd, b, HAL_ACL_EGRESS, false);
}

/* Adds to 'b' the rebuilt dispatch chains, of every family. */
static void
dispatch(const struct hal_netdev *nd, struct nft_buf *b)
{
    nft_flush(b, ND_NFT_TABLE, "in");
    nft_flush(b, ND_NFT_TABLE, "out");
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        dispatch_rules(nd, b, s, true);
        dispatch_rules(nd, b, s, false);
    }
    if (nd->acl->inet) {
        b->family = ND_NFPROTO_INET;
        nft_flush(b, ND_NFT_TABLE, "in");
        nft_flush(b, ND_NFT_TABLE, "out");
        dispatch_rif_rules(nd, b);
    }
    if (nd->acl->arp) {
        egress_dispatch(nd, b, ND_NFPROTO_ARP);
    }
    if (nd->acl->egress) {
        egress_dispatch(nd, b, ND_NFPROTO_NETDEV);
    }
    b->family = ND_NFPROTO_BRIDGE;
}

/* Sends batch 'b' (and frees it); a dispatch() in it takes effect with
 * it. */
static int
send_batch(struct hal_netdev *nd, struct nft_buf *b)
{
    int error;

    nft_batch_end(b);
    error = nft_send(nd->acl->fd, b);
    nft_buf_destroy(b);
    layout_commit(nd, !error);
    return error;
}

void
nd_acl_rif_gone(struct hal_netdev *nd, hal_oid_t oid)
{
    struct nd_acl *acl = nd->acl;
    struct nd_acl_bind *bd;
    struct nft_buf b;
    bool any = false;
    int error;

    if (!acl || acl->fd < 0) {
        return;
    }
    HMAP_FOR_EACH_SAFE(bd, node, &acl->binds) {
        if (bd->rif && bd->port == oid) {
            hmap_remove(&acl->binds, &bd->node);
            free(bd);
            any = true;
        }
    }
    if (!any) {
        return;
    }
    nft_buf_init(&b);
    nft_batch_begin(&b);
    dispatch(nd, &b);
    error = send_batch(nd, &b);
    if (error) {
        VLOG_WARN("ACL bindings of a router interface: %s", strerror(-error));
    }
}

/* ---- Provider callbacks ------------------------------------------------------ */

int
nd_acl_table_set(struct hal *hal, const struct hal_acl_table_config *c,
                 hal_oid_t *oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_acl *acl = nd->acl;
    struct nd_acl_table *t = NULL;
    uint8_t families[4];
    size_t n_families = table_families(acl, families);
    struct nft_buf b;
    int error;

    if (acl->fd < 0) {
        return -EOPNOTSUPP;
    }
    if (*oid && !(t = table_find(acl, *oid))) {
        return -ENOENT;
    } else if (t && t->stage != c->stage) {
        return -EINVAL;
    }
    /* Atomic replace: the old version's rules count as room. */
    if ((uint64_t) acl->used[c->stage] - (t ? t->n_rules : 0) + c->n_rules
        > acl->capacity[c->stage]) {
        hal_event_exhausted(hal, stage_table(c->stage), HAL_E_TABLE_FULL);
        return HAL_E_TABLE_FULL;
    }
    nft_buf_init(&b);
    nft_batch_begin(&b);
    if (!t) {
        t = xzalloc(sizeof *t);
        t->id = ++acl->last_id;
        t->stage = c->stage;
        snprintf(t->chain, sizeof t->chain, "acl%u", (unsigned) t->id);
    }
    for (size_t f = 0; f < n_families; f++) {
        b.family = families[f];
        if (*oid) {
            nft_flush(&b, ND_NFT_TABLE, t->chain);
        } else {
            nft_chain(&b, true, ND_NFT_TABLE, t->chain, -1);
        }
        for (size_t i = 0; i < c->n_rules; i++) {
            nft_acl_rule(&b, ND_NFT_TABLE, t->chain, &c->rules[i]);
        }
    }
    error = send_batch(nd, &b);
    if (error) {
        VLOG_WARN("ACL %s: nftables refused chain %s: %s (%s)", c->name,
                  t->chain, strerror(-error), nft_last_error());
        if (!*oid) {
            free(t);
        }
        return error;
    }
    if (!*oid) {
        hmap_insert(&acl->tables, &t->node, hash_uint64(t->id, 0));
        *oid = hal_oid_make(HAL_OBJECT_ACL_TABLE, t->id);
    }
    acl->used[t->stage] += (uint32_t) c->n_rules - (uint32_t) t->n_rules;
    free(t->rules);
    t->rules =
        xmemdup(c->rules, (c->n_rules ? c->n_rules : 1) * sizeof *c->rules);
    t->n_rules = c->n_rules;
    snprintf(t->name, sizeof t->name, "%s", c->name);
    return 0;
}

int
nd_acl_table_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_acl *acl = nd->acl;
    struct nd_acl_table *t = acl->fd < 0 ? NULL : table_find(acl, oid);
    struct nd_acl_bind *bd;
    struct nft_buf b;
    uint8_t f[4];
    int error;

    if (acl->fd < 0) {
        return -EOPNOTSUPP;
    } else if (!t) {
        return -ENOENT;
    }
    HMAP_FOR_EACH_SAFE(bd, node, &acl->binds) {
        if (bd->table == t) {
            hmap_remove(&acl->binds, &bd->node);
            free(bd);
        }
    }
    nft_buf_init(&b);
    nft_batch_begin(&b);
    dispatch(nd, &b);
    for (size_t i = 0; i < table_families(acl, f); i++) {
        b.family = f[i];
        nft_chain(&b, false, ND_NFT_TABLE, t->chain, -1);
    }
    error = send_batch(nd, &b);
    acl->used[t->stage] -= (uint32_t) t->n_rules;
    hal_event_freed(hal, stage_table(t->stage));
    hmap_remove(&acl->tables, &t->node);
    free(t->rules);
    free(t);
    return error;
}

/* Reads the hits of the first 'n' rules of 't', its chains in every
 * family summed. */
static int
table_counters(const struct nd_acl *acl, const struct nd_acl_table *t,
               uint64_t *packets, size_t n)
{
    uint64_t *more = xcalloc(n + 1, sizeof *more);
    uint8_t f[4];
    size_t n_f = table_families(acl, f);
    int error =
        nft_counters(acl->fd, f[0], ND_NFT_TABLE, t->chain, packets, n);

    for (size_t i = 1; !error && i < n_f; i++) {
        error = nft_counters(acl->fd, f[i], ND_NFT_TABLE, t->chain, more, n);
        for (size_t j = 0; !error && j < n; j++) {
            packets[j] += more[j];
        }
    }
    free(more);
    return error;
}

int
nd_acl_counters_get(const struct hal *hal, hal_oid_t oid, uint64_t *packets,
                    size_t n)
{
    const struct nd_acl *acl = acl_of(hal);
    const struct nd_acl_table *t = acl->fd < 0 ? NULL : table_find(acl, oid);

    if (acl->fd < 0) {
        return -EOPNOTSUPP;
    } else if (!t) {
        return -ENOENT;
    } else if (n > t->n_rules) {
        return -EINVAL;
    }
    return n ? table_counters(acl, t, packets, n) : 0;
}

static uint32_t
bind_hash(bool rif, uint64_t port, uint16_t vlan, enum hal_acl_stage stage)
{
    return hash_uint64(
        port ^ ((uint64_t) rif << 63 | (uint64_t) vlan << 4 | stage), 0);
}

static struct nd_acl_bind *
bind_find(const struct nd_acl *acl, bool rif, uint64_t port, uint16_t vlan,
          enum hal_acl_stage stage)
{
    struct nd_acl_bind *bd;

    HMAP_FOR_EACH_WITH_HASH(bd, node, bind_hash(rif, port, vlan, stage),
                            &acl->binds) {
        if (bd->rif == rif && bd->port == port && bd->vlan == vlan
            && bd->stage == stage) {
            return bd;
        }
    }
    return NULL;
}

static int64_t
port_index(const struct hal_netdev *nd, hal_oid_t oid)
{
    return hal_oid_index(oid, HAL_OBJECT_PORT, nd->n_ports);
}

/* Applies 'n' binding changes to the model ('set' or remove), then the
 * dispatch chains in one batch. */
static int
bind_apply(struct hal *hal, const struct hal_acl_binding *e, size_t n,
           int *status, bool set)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_acl *acl = nd->acl;
    struct nft_buf b;
    int first = 0, error;

    for (size_t i = 0; i < n; i++) {
        bool rif = hal_oid_type(e[i].point) == HAL_OBJECT_RIF;
        int64_t port = acl->fd < 0 ? -1
                       : rif       ? nd_rif_valid(nd, e[i].point)
                                   : port_index(nd, e[i].point);
        struct nd_acl_table *t = set ? table_find(acl, e[i].table) : NULL;
        struct nd_acl_bind *bd =
            port < 0 ? NULL
                     : bind_find(acl, rif, rif ? e[i].point : (uint64_t) port,
                                 e[i].vlan, e[i].stage);

        status[i] = acl->fd < 0                     ? -EOPNOTSUPP
                    : port < 0                      ? -ENOENT
                    : set && !t                     ? -ENOENT
                    : set && t->stage != e[i].stage ? -EINVAL
                    : !set && !bd                   ? -ENOENT
                                                    : 0;
        if (!status[i] && set) {
            if (!bd) {
                bd = xzalloc(sizeof *bd);
                bd->rif = rif;
                bd->port = rif ? e[i].point : (uint64_t) port;
                bd->vlan = e[i].vlan;
                bd->stage = e[i].stage;
                hmap_insert(&acl->binds, &bd->node,
                            bind_hash(rif, bd->port, bd->vlan, bd->stage));
            }
            bd->table = t;
        } else if (!status[i]) {
            hmap_remove(&acl->binds, &bd->node);
            free(bd);
        }
        first = first ? first : status[i];
    }
    if (acl->fd < 0) {
        return first;
    }
    nft_buf_init(&b);
    nft_batch_begin(&b);
    dispatch(nd, &b);
    error = send_batch(nd, &b);
    if (!error) {
        nd_acl_egress_sync(nd, acl);
    } else {
        VLOG_WARN("ACL bindings: %s", strerror(-error));
        for (size_t i = 0; i < n; i++) {
            status[i] = status[i] ? status[i] : error;
        }
        first = first ? first : error;
    }
    return first;
}

int
nd_acl_bind_set(struct hal *hal, const struct hal_acl_binding *e, size_t n,
                int *status)
{
    return bind_apply(hal, e, n, status, true);
}

int
nd_acl_bind_remove(struct hal *hal, const struct hal_acl_binding *e, size_t n,
                   int *status)
{
    return bind_apply(hal, e, n, status, false);
}

void
nd_acl_dump(const struct hal *hal, struct ds *out)
{
    const struct hal_netdev *nd = nd_cast(hal);
    const struct nd_acl *acl = nd->acl;
    const struct nd_acl_table *t;
    const struct nd_acl_bind *bd;

    if (acl->fd < 0) {
        ds_put_format(out, "no ACLs: %s\n", strerror(-acl->error));
        return;
    }
    HMAP_FOR_EACH(t, node, &acl->tables) {
        uint64_t *hits = xcalloc(t->n_rules + 1, sizeof *hits);

        table_counters(acl, t, hits, t->n_rules);
        ds_put_format(out, "acl %s %s: %zu rules, nft chain %s\n", t->name,
                      hal_acl_stage_name(t->stage), t->n_rules, t->chain);
        for (size_t i = 0; i < t->n_rules; i++) {
            ds_put_format(out, "  seq %-6lld %-6s hits=%llu ",
                          (long long) t->rules[i].seq,
                          t->rules[i].action == HAL_ACL_PERMIT ? "permit"
                                                               : "deny",
                          (unsigned long long) hits[i]);
            hal_acl_match_format(&t->rules[i].match, out);
            ds_put_char(out, '\n');
        }
        free(hits);
    }
    HMAP_FOR_EACH(bd, node, &acl->binds) {
        char name[IFNAMSIZ];

        if (bd->rif) {
            ds_put_cstr(out, "binding rif ");
            nd_rif_format(nd, bd->port, out);
            ds_put_format(out, " %s -> %s (%s)\n",
                          hal_acl_stage_name(bd->stage), bd->table->name,
                          nd_rif_bridge_ifname(nd, bd->port, name) ? "?"
                                                                   : name);
            continue;
        }
        ds_put_format(out, "binding %s vlan %u %s -> %s\n",
                      nd->ports[bd->port].name, bd->vlan,
                      hal_acl_stage_name(bd->stage), bd->table->name);
    }
    if (acl->tags) {
        nd_tags_dump(nd, out);
    }
}
