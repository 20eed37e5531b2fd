/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for hal/netdev/: kernel object naming and tags, and, in a
 * private network namespace of the test process's own (root only; skipped
 * otherwise), argument validation, zero-churn sets and resync against the
 * real kernel; the nftables messages of nft.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sched.h>

#include "hal/hal.h"
#include "hal/netdev/netdev.h"
#include "hal/netdev/nft.h"
#include "lib/util.h"

/* ---- Naming ------------------------------------------------------------- */

static void
test_ifnames(void **state)
{
    char name[IFNAMSIZ];
    uint32_t index;
    bool is_vxlan;

    hal_netdev_bridge_ifname(7, name);
    assert_string_equal(name, "vtb7");
    hal_netdev_vxlan_ifname(HAL_NETDEV_INDEX_MAX, name);
    assert_string_equal(name, "vtx999999999");
    assert_true(strlen(name) < IFNAMSIZ);

    assert_int_equal(hal_netdev_parse_ifname("vtb12", &index, &is_vxlan), 0);
    assert_int_equal(index, 12);
    assert_false(is_vxlan);
    assert_int_equal(hal_netdev_parse_ifname("vtx3", &index, &is_vxlan), 0);
    assert_int_equal(index, 3);
    assert_true(is_vxlan);

    assert_int_equal(hal_netdev_parse_ifname("vtb", &index, &is_vxlan),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_ifname("vtb0", &index, &is_vxlan),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_ifname("vtb01", &index, &is_vxlan),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_ifname("vtq1", &index, &is_vxlan),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_ifname("vtb1a", &index, &is_vxlan),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_ifname("eth0", &index, &is_vxlan),
                     -EINVAL);
    assert_int_equal(
        hal_netdev_parse_ifname("vtb1000000000", &index, &is_vxlan), -EINVAL);
}

static void
test_subif_names(void **state)
{
    char name[IFNAMSIZ];

    hal_netdev_subif_name("eth0", 3, 100, name);
    assert_string_equal(name, "eth0.100");
    hal_netdev_subif_name("enp0s31f6", 3, 4095, name);
    assert_string_equal(name, "enp0s31f6.4095");
    /* Too long for "PORT.VLAN": falls back to the ifindex, in hex. */
    hal_netdev_subif_name("enp0s31f6long", 0x7fffffff, 4095, name);
    assert_string_equal(name, "vts7fffffff.fff");
    assert_true(strlen(name) < IFNAMSIZ);
}

static void
test_bridge_alias(void **state)
{
    struct hal_bridge_config c, parsed;
    char alias[HAL_NETDEV_ALIAS_MAX];

    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "ls with spaces=and equals");
    c.vni = 5000;
    c.replication = HAL_REPLICATION_SERVICE_NODE;
    c.learning = true;
    assert_int_equal(hal_netdev_bridge_alias(&c, alias, sizeof alias), 0);
    assert_string_equal(alias, "vtepd:1 bridge repl=service learn=1 "
                               "ls=ls with spaces=and equals");
    memset(&parsed, 0, sizeof parsed);
    assert_int_equal(hal_netdev_parse_bridge_alias(alias, &parsed), 0);
    assert_string_equal(parsed.name, c.name);
    assert_int_equal(parsed.replication, HAL_REPLICATION_SERVICE_NODE);
    assert_true(parsed.learning);

    c.replication = HAL_REPLICATION_SOURCE_NODE;
    c.learning = false;
    assert_int_equal(hal_netdev_bridge_alias(&c, alias, sizeof alias), 0);
    assert_int_equal(hal_netdev_parse_bridge_alias(alias, &parsed), 0);
    assert_int_equal(parsed.replication, HAL_REPLICATION_SOURCE_NODE);
    assert_false(parsed.learning);

    /* A buffer too small is an error, not a truncated tag. */
    assert_int_equal(hal_netdev_bridge_alias(&c, alias, 20), -EINVAL);

    assert_int_equal(hal_netdev_parse_bridge_alias("", &parsed), -EINVAL);
    assert_int_equal(hal_netdev_parse_bridge_alias("vtepd:1 vxlan", &parsed),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_bridge_alias(
                         "vtepd:1 bridge repl=both learn=1 ls=x", &parsed),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_bridge_alias(
                         "vtepd:1 bridge repl=source learn=2 ls=x", &parsed),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_bridge_alias(
                         "vtepd:1 bridge repl=source learn=1 ls=", &parsed),
                     -EINVAL);
    assert_int_equal(hal_netdev_parse_bridge_alias(
                         "vtepd:2 bridge repl=source learn=1 ls=x", &parsed),
                     -EINVAL);
}

static void
test_service_node(void **state)
{
    struct in_addr ips[3];

    inet_pton(AF_INET, "198.51.100.20", &ips[0]);
    inet_pton(AF_INET, "198.51.100.3", &ips[1]);
    inet_pton(AF_INET, "198.51.100.100", &ips[2]);
    assert_int_equal(hal_netdev_service_node(ips, 3).s_addr, ips[1].s_addr);
    assert_int_equal(hal_netdev_service_node(ips, 1).s_addr, ips[0].s_addr);
}

/* ---- Against the kernel, in a private namespace ------------------------- */

static bool have_netns;

/* Opens the backend; 'cold' discards what earlier tests left behind. */
static struct hal *
open_netdev(const char *port, bool cold)
{
    const char *ports[] = { port };
    struct hal_config config = { .ports = ports,
                                 .n_ports = 1,
                                 .cold_start = cold };
    struct hal_switch_config sw = { .vxlan_port = 4789, .aging_time_s = 300 };
    struct hal *hal;

    if (!have_netns) {
        skip();
    }
    inet_pton(AF_INET, "192.0.2.1", &sw.tunnel_src);
    assert_int_equal(hal_open("netdev", &config, &hal), 0);
    assert_int_equal(hal_switch_set(hal, &sw), 0);
    return hal;
}

static hal_oid_t
add_bridge(struct hal *hal, const char *name, uint32_t vni)
{
    struct hal_bridge_config c;
    hal_oid_t oid = HAL_OID_NULL;

    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", name);
    c.vni = vni;
    c.learning = true;
    assert_int_equal(hal_bridge_set(hal, &c, &oid), 0);
    return oid;
}

static struct hal_fdb_entry
remote_entry(hal_oid_t bridge, uint8_t last, const char *ip)
{
    struct hal_fdb_entry e;

    memset(&e, 0, sizeof e);
    e.bridge = bridge;
    e.mac = (struct hal_mac){ { 0x02, 0, 0, 0, 0, last } };
    e.type = HAL_FDB_STATIC;
    e.remote = true;
    e.vni = HAL_VNI_NONE;
    inet_pton(AF_INET, ip, &e.remote_ip);
    return e;
}

static void
test_validation(void **state)
{
    struct hal *hal = open_netdev("nosuchport0", true);
    struct hal_bridge_config c;
    hal_oid_t red = add_bridge(hal, "red", 100);
    hal_oid_t other = HAL_OID_NULL;
    hal_oid_t port;
    struct hal_binding b;
    struct hal_fdb_entry e;
    int status;

    assert_true(hal_poll_fd(hal) >= 0);
    assert_false(hal_is_warm(hal));

    /* Another bridge may not take the VNI or the name. */
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "blue");
    c.vni = 100;
    assert_int_equal(hal_bridge_set(hal, &c, &other), -EEXIST);
    c.vni = 200;
    snprintf(c.name, sizeof c.name, "red");
    other = add_bridge(hal, "blue", 200);
    assert_int_equal(hal_bridge_set(hal, &c, &other), -EEXIST);

    /* A port whose interface does not exist cannot be bound. */
    assert_int_equal(hal_port_by_name(hal, "nosuchport0", &port), 0);
    b = (struct hal_binding){ port, 0, red };
    assert_int_equal(hal_binding_set(hal, &b, 1, &status), -ENOENT);
    assert_int_equal(status, -ENOENT);

    /* Unknown bridges. */
    e = remote_entry(red + 1000, 1, "192.0.2.2");
    assert_int_equal(hal_fdb_set(hal, &e, 1, &status), -ENOENT);
    assert_int_equal(hal_bridge_remove(hal, red + 1000), -ENOENT);

    assert_int_equal(hal_bridge_remove(hal, red), 0);
    assert_int_equal(hal_bridge_remove(hal, red), -ENOENT);
    hal_close(hal);
}

static uint64_t
writes(struct hal *hal)
{
    return hal_netdev_writes(hal_netdev_cast(hal));
}

static void
test_zero_churn(void **state)
{
    struct hal *hal = open_netdev("lo", true);
    hal_oid_t red = add_bridge(hal, "red", 100);
    struct hal_fdb_entry e[2] = { remote_entry(red, 1, "192.0.2.2"),
                                  remote_entry(red, 2, "192.0.2.3") };
    struct in_addr ips[2];
    struct hal_flood_group g = { red, HAL_FLOOD_BROADCAST, { { 0 } }, ips, 2 };
    struct hal_resource res[HAL_TABLE_N];
    int status[2];
    uint64_t w;

    inet_pton(AF_INET, "192.0.2.2", &ips[0]);
    inet_pton(AF_INET, "192.0.2.3", &ips[1]);
    assert_int_equal(hal_fdb_set(hal, e, 2, status), 0);
    assert_int_equal(hal_flood_set(hal, &g, 1, status), 0);
    w = writes(hal);
    assert_true(w > 0);

    /* The same entries again, and the list in another order. */
    assert_int_equal(hal_fdb_set(hal, e, 2, status), 0);
    ips[0] = ips[1];
    inet_pton(AF_INET, "192.0.2.2", &ips[1]);
    assert_int_equal(hal_flood_set(hal, &g, 1, status), 0);
    add_bridge(hal, "red", 100);
    assert_int_equal(writes(hal), w);

    hal_resources_get(hal, res);
    assert_int_equal(res[HAL_TABLE_FDB].used, 2);
    assert_int_equal(res[HAL_TABLE_TUNNEL].used, 2);
    assert_int_equal(res[HAL_TABLE_FLOOD].used, 2);
    assert_int_equal(res[HAL_TABLE_BRIDGE].used, 1);

    /* Removing one entry changes one. */
    assert_int_equal(hal_fdb_remove(hal, e, 1, status), 0);
    assert_int_equal(writes(hal), w + 1);
    assert_int_equal(hal_fdb_remove(hal, e, 1, status), -ENOENT);
    hal_close(hal);
}

static void
test_warm_resync(void **state)
{
    struct hal *hal = open_netdev("lo", true);
    hal_oid_t red = add_bridge(hal, "red", 100);
    hal_oid_t blue = add_bridge(hal, "blue", 200);
    struct hal_fdb_entry e[2] = { remote_entry(red, 1, "192.0.2.2"),
                                  remote_entry(red, 2, "192.0.2.3") };
    struct hal_bridge_config c;
    int status[2];
    uint64_t w;

    assert_int_equal(hal_fdb_set(hal, e, 2, status), 0);
    hal_close(hal);

    /* A new handle finds both bridges and the entries in the kernel. */
    hal = open_netdev("lo", false);
    assert_true(hal_is_warm(hal));
    assert_int_equal(hal_bridge_get(hal, red, &c), 0);
    assert_string_equal(c.name, "red");
    assert_int_equal(c.vni, 100);
    w = writes(hal);
    assert_int_equal(hal_resync_begin(hal), 0);
    assert_int_equal(hal_resync_begin(hal), -EBUSY);
    add_bridge(hal, "red", 100);
    assert_int_equal(hal_fdb_set(hal, e, 1, status), 0);
    assert_int_equal(writes(hal), w);
    assert_int_equal(hal_resync_end(hal), 0);
    assert_int_equal(hal_resync_end(hal), -EINVAL);

    /* What the replay left out is gone. */
    assert_int_equal(hal_bridge_get(hal, blue, &c), -ENOENT);
    assert_int_equal(hal_fdb_remove(hal, &e[1], 1, status), -ENOENT);
    hal_close(hal);

    /* Cold start: nothing survives. */
    {
        const char *ports[] = { "lo" };
        struct hal_config config = { .ports = ports,
                                     .n_ports = 1,
                                     .cold_start = true };

        assert_int_equal(hal_open("netdev", &config, &hal), 0);
        assert_false(hal_is_warm(hal));
        assert_int_equal(hal_bridge_get(hal, red, &c), -ENOENT);
        hal_close(hal);
    }
}

static void
count_binding_cb(const struct hal_binding *b, void *n_)
{
    size_t *n = n_;

    (*n)++;
}

/* A configured port whose interface the backend made itself (on the
 * firmware image a "swp*" glob finds the sub-interface "swp1.100" after a
 * restart; here the VXLAN device plays it, being as much ours and as much
 * enslaved to our bridge) is refused as a port.  Taking it for one made the
 * warm start invent an untagged binding on it that nobody replays, so
 * resync_end released it from its bridge. */
static void
test_warm_own_interface_as_port(void **state)
{
    const char *ports[2] = { "ndp0", NULL };
    struct hal_config config = { .ports = ports, .n_ports = 2 };
    char vxlan[IFNAMSIZ], cmd[128];
    struct hal_binding b;
    hal_oid_t red, port;
    size_t n = 0;
    int status;
    uint64_t w;
    struct hal *hal;

    if (!have_netns) {
        skip();
    }
    assert_int_equal(system("ip link add ndp0 type veth peer name ndp1"), 0);
    hal = open_netdev("ndp0", true);
    red = add_bridge(hal, "red", 100);
    assert_int_equal(hal_port_by_name(hal, "ndp0", &port), 0);
    b = (struct hal_binding){ port, HAL_VLAN_UNTAGGED, red };
    assert_int_equal(hal_binding_set(hal, &b, 1, &status), 0);
    hal_close(hal);

    hal_netdev_vxlan_ifname((uint32_t) (red & 0xffffffffu), vxlan);
    ports[1] = vxlan;
    assert_int_equal(hal_open("netdev", &config, &hal), 0);
    assert_true(hal_is_warm(hal));
    assert_int_equal(hal_port_count(hal), 1);
    assert_true(hal_port_by_name(hal, vxlan, &port) < 0);
    assert_int_equal(hal_port_by_name(hal, "ndp0", &port), 0);
    hal_binding_walk(hal, count_binding_cb, &n);
    assert_int_equal(n, 1);

    /* The replay changes nothing in the kernel, the sweep neither. */
    w = writes(hal);
    assert_int_equal(hal_resync_begin(hal), 0);
    add_bridge(hal, "red", 100);
    b = (struct hal_binding){ port, HAL_VLAN_UNTAGGED, red };
    assert_int_equal(hal_binding_set(hal, &b, 1, &status), 0);
    assert_int_equal(hal_resync_end(hal), 0);
    assert_int_equal(writes(hal), w);
    snprintf(cmd, sizeof cmd, "ip -o link show %s | grep -q ' master vtb'",
             vxlan);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(system("ip -o link show ndp0 | grep -q ' master vtb'"),
                     0);
    hal_close(hal);
    assert_int_equal(system("ip link del ndp0"), 0);
}

static int
setup_group(void **state)
{
    hal_register_provider(&hal_netdev_provider);
    /* A network namespace of our own, so nothing here touches the host. */
    have_netns = !unshare(CLONE_NEWNET);
    if (!have_netns) {
        fprintf(stderr, "SKIP: kernel tests (cannot unshare a network "
                        "namespace: not root?)\n");
    }
    return 0;
}

/* ---- nftables messages (nft.h) ------------------------------------------- */

/* Returns the first attribute of type 'type' among the 'len' bytes at
 * 'p', its payload length in '*n', or NULL. */
static const uint8_t *
nla_find(const uint8_t *p, size_t len, uint16_t type, size_t *n)
{
    while (len >= NLA_HDRLEN) {
        const struct nlattr *a = (const void *) p;

        if (a->nla_len < NLA_HDRLEN || a->nla_len > len) {
            return NULL;
        }
        if ((a->nla_type & NLA_TYPE_MASK) == type) {
            *n = a->nla_len - NLA_HDRLEN;
            return p + NLA_HDRLEN;
        }
        if ((size_t) NLA_ALIGN(a->nla_len) >= len) {
            return NULL;
        }
        len -= NLA_ALIGN(a->nla_len);
        p += NLA_ALIGN(a->nla_len);
    }
    return NULL;
}

/* Returns the attributes of the first message of type NFT_MSG_'msg' in
 * 'b' and their length in '*len'. */
static const uint8_t *
nft_msg_attrs(const struct nft_buf *b, uint16_t msg, size_t *len)
{
    for (size_t off = 0; off < b->len;) {
        const struct nlmsghdr *h = (const void *) (b->data + off);

        if (h->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | msg)) {
            size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));

            *len = h->nlmsg_len - hdr;
            return (const uint8_t *) h + hdr;
        }
        off += NLMSG_ALIGN(h->nlmsg_len);
    }
    return NULL;
}

/* Writes the names of the expressions of the first rule in 'b' to 'out',
 * comma-separated. */
static void
rule_exprs(const struct nft_buf *b, char *out, size_t size)
{
    size_t len = 0, n = 0;
    const uint8_t *a = nft_msg_attrs(b, NFT_MSG_NEWRULE, &len);
    const uint8_t *x = a ? nla_find(a, len, NFTA_RULE_EXPRESSIONS, &n) : NULL;

    out[0] = '\0';
    assert_non_null(x);
    while (n >= NLA_HDRLEN) {
        const struct nlattr *e = (const void *) x;
        size_t name_len;
        const char *name =
            (const char *) nla_find(x + NLA_HDRLEN, e->nla_len - NLA_HDRLEN,
                                    NFTA_EXPR_NAME, &name_len);

        assert_non_null(name);
        snprintf(out + strlen(out), size - strlen(out), "%s%s",
                 out[0] ? "," : "", name);
        if ((size_t) NLA_ALIGN(e->nla_len) >= n) {
            break;
        }
        n -= NLA_ALIGN(e->nla_len);
        x += NLA_ALIGN(e->nla_len);
    }
}

/* The rules counters4.c counts with: IPv4, then ICMP of a type, then a
 * code under a mask. */
static void
test_nft_count4_rule(void **state)
{
    static const struct {
        int type;
        uint8_t code, mask;
        const char *exprs;
    } cases[] = {
        { -1, 0, 0, "meta,cmp,counter" },
        { 11, 0, 0, "meta,cmp,meta,cmp,payload,cmp,counter" },
        { 11, 0, 0xff, "meta,cmp,meta,cmp,payload,cmp,payload,cmp,counter" },
        { 3, 0, 0xfe,
          "meta,cmp,meta,cmp,payload,cmp,payload,bitwise,cmp,counter" },
    };
    char exprs[256];

    (void) state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct nft_buf b;

        nft_buf_init(&b);
        nft_count4_rule(&b, "vtepd", "vtr0-icmp4", cases[i].type,
                        cases[i].code, cases[i].mask);
        rule_exprs(&b, exprs, sizeof exprs);
        assert_string_equal(exprs, cases[i].exprs);
        nft_buf_destroy(&b);
    }
}

/* A base chain's priority goes to the kernel as a big-endian signed 32. */
static void
test_nft_chain_prio(void **state)
{
    static const int32_t prios[] = { 0, 100, -200 };

    (void) state;
    for (size_t i = 0; i < sizeof prios / sizeof *prios; i++) {
        const uint8_t *a, *hook, *prio;
        size_t len = 0, n = 0, m = 0;
        struct nft_buf b;
        uint32_t be;

        nft_buf_init(&b);
        nft_chain_prio(&b, true, "vtepd", "routed4", 2, prios[i]);
        a = nft_msg_attrs(&b, NFT_MSG_NEWCHAIN, &len);
        assert_non_null(a);
        hook = nla_find(a, len, NFTA_CHAIN_HOOK, &n);
        assert_non_null(hook);
        prio = nla_find(hook, n, NFTA_HOOK_PRIORITY, &m);
        assert_non_null(prio);
        assert_int_equal(m, 4);
        memcpy(&be, prio, 4);
        assert_int_equal((int32_t) ntohl(be), prios[i]);
        nft_buf_destroy(&b);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ifnames),
        cmocka_unit_test(test_subif_names),
        cmocka_unit_test(test_bridge_alias),
        cmocka_unit_test(test_service_node),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_zero_churn),
        cmocka_unit_test(test_warm_resync),
        cmocka_unit_test(test_warm_own_interface_as_port),
        cmocka_unit_test(test_nft_count4_rule),
        cmocka_unit_test(test_nft_chain_prio),
    };

    return cmocka_run_group_tests_name("hal/netdev", tests, setup_group, NULL);
}
