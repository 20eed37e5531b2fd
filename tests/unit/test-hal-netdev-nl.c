/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for hal/netdev/nl.c, the rtnetlink transport, through nl.h
 * alone.
 *
 * The request builders and parsers are tested without a kernel: a request
 * built here is parsed back.  The rest (batches with per-request verdicts,
 * dumps, link queries, notifications) talks to the kernel inside a network
 * namespace the test creates with unshare() and drops at the end; without
 * root those tests are skipped with the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "hal/netdev/nl.h"
#include "lib/util.h"
#include "tests/unit/netns-fixture.h"

#define NEED_NETNS() NETNS_REQUIRE(netns_missing)

static struct in_addr
ip(const char *s)
{
    struct in_addr a;

    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static const struct hal_mac mac1 = { { 0x02, 0, 0, 0, 0, 0x01 } };

/* ---- Builders and parsers, no kernel ------------------------------------ */

static void
test_neigh_round_trip(void **state)
{
    struct nd_neigh n = { .ifindex = 7,
                          .mac = mac1,
                          .self = true,
                          .dst = ip("198.51.100.2"),
                          .vni = 4242 };
    struct nd_neigh_info info;
    struct nl_msg *msg;
    struct nlmsghdr *nlh;

    msg = nd_msg_neigh_add(&n, false);
    assert_non_null(msg);
    nlh = nlmsg_hdr(msg);
    assert_int_equal(nlh->nlmsg_type, RTM_NEWNEIGH);
    assert_true(nlh->nlmsg_flags & NLM_F_REPLACE);
    assert_false(nlh->nlmsg_flags & NLM_F_APPEND);
    assert_int_equal(nd_neigh_parse(nlh, &info), 0);
    assert_int_equal(info.ifindex, 7);
    assert_memory_equal(&info.mac, &mac1, sizeof mac1);
    assert_true(info.flags & NTF_SELF);
    assert_true(info.state & NUD_PERMANENT);
    assert_true(info.has_dst);
    assert_int_equal(info.dst.s_addr, ip("198.51.100.2").s_addr);
    assert_int_equal(info.vni, 4242);
    nlmsg_free(msg);

    /* An appended destination; a bridge ('master') entry has no remote. */
    msg = nd_msg_neigh_add(&n, true);
    assert_true(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_APPEND);
    nlmsg_free(msg);
    n.self = false;
    msg = nd_msg_neigh_del(&n);
    nlh = nlmsg_hdr(msg);
    assert_int_equal(nlh->nlmsg_type, RTM_DELNEIGH);
    assert_int_equal(nd_neigh_parse(nlh, &info), 0);
    assert_true(info.flags & NTF_MASTER);
    assert_true(info.state & NUD_NOARP);
    assert_false(info.has_dst);
    assert_int_equal(info.vni, HAL_VNI_NONE);
    nlmsg_free(msg);
}

static void
test_neigh_parse_rejects(void **state)
{
    struct nd_neigh_info info;
    struct nl_msg *msg;
    struct ndmsg ndm;

    /* An IPv4 neighbour is not a bridge FDB entry. */
    msg = nlmsg_alloc_simple(RTM_NEWNEIGH, 0);
    memset(&ndm, 0, sizeof ndm);
    ndm.ndm_family = AF_INET;
    ndm.ndm_ifindex = 1;
    assert_int_equal(nlmsg_append(msg, &ndm, sizeof ndm, NLMSG_ALIGNTO), 0);
    assert_int_equal(nd_neigh_parse(nlmsg_hdr(msg), &info), -EINVAL);
    nlmsg_free(msg);

    /* A bridge entry without a MAC. */
    msg = nlmsg_alloc_simple(RTM_NEWNEIGH, 0);
    ndm.ndm_family = AF_BRIDGE;
    assert_int_equal(nlmsg_append(msg, &ndm, sizeof ndm, NLMSG_ALIGNTO), 0);
    assert_int_equal(nd_neigh_parse(nlmsg_hdr(msg), &info), -EINVAL);
    nlmsg_free(msg);

    /* Truncated before the ndmsg. */
    msg = nlmsg_alloc_simple(RTM_NEWNEIGH, 0);
    assert_int_equal(nd_neigh_parse(nlmsg_hdr(msg), &info), -EINVAL);
    nlmsg_free(msg);
}

/* Gives the interface request 'msg' an ifindex, as the kernel's reply
 * would have, so that it parses as a link. */
static void
set_ifindex(struct nl_msg *msg, int ifindex)
{
    struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(msg));

    ifi->ifi_index = ifindex;
}

static void
test_link_round_trip(void **state)
{
    struct nd_link_info info;
    struct nlmsghdr *nlh;
    struct nl_msg *msg;
    struct nlattr *a;

    msg = nd_msg_vxlan_add("vx1", 42, ip("192.0.2.1"), 4789, 3);
    assert_non_null(msg);
    /* A request to create has no ifindex yet: not a link to report. */
    assert_int_equal(nd_link_parse(nlmsg_hdr(msg), &info), -EINVAL);
    set_ifindex(msg, 9);
    assert_int_equal(nd_link_parse(nlmsg_hdr(msg), &info), 0);
    assert_int_equal(info.ifindex, 9);
    assert_string_equal(info.name, "vx1");
    assert_string_equal(info.kind, "vxlan");
    assert_int_equal(info.vni, 42);
    assert_int_equal(info.local.s_addr, ip("192.0.2.1").s_addr);
    assert_int_equal(info.vxlan_port, 4789);
    assert_int_equal(info.master, 3);
    assert_true(info.oper_up); /* IFF_UP, operstate unknown. */
    nlmsg_free(msg);

    msg = nd_msg_vlan_add("eth0.10", 5, 10);
    set_ifindex(msg, 11);
    assert_int_equal(nd_link_parse(nlmsg_hdr(msg), &info), 0);
    assert_string_equal(info.kind, "vlan");
    assert_int_equal(info.vlan, 10);
    assert_int_equal(info.lower, 5);
    assert_int_equal(info.vni, HAL_VNI_NONE);
    assert_false(info.oper_up);
    nlmsg_free(msg);

    /* A change request (RTM_SETLINK) names its interface and alias. */
    msg = nd_msg_link_alias(12, HAL_NETDEV_TAG " bridge");
    nlh = nlmsg_hdr(msg);
    assert_int_equal(((struct ifinfomsg *) nlmsg_data(nlh))->ifi_index, 12);
    a = nlmsg_find_attr(nlh, sizeof(struct ifinfomsg), IFLA_IFALIAS);
    assert_non_null(a);
    assert_string_equal(nla_get_string(a), HAL_NETDEV_TAG " bridge");
    nlmsg_free(msg);

    /* Not a link message at all. */
    msg = nd_msg_neigh_add(&(struct nd_neigh){ .ifindex = 1, .mac = mac1 },
                           false);
    assert_int_equal(nd_link_parse(nlmsg_hdr(msg), &info), -EINVAL);
    nlmsg_free(msg);
}

static void
test_bridge_ageing_msg(void **state)
{
    struct nlattr *linkinfo[IFLA_INFO_MAX + 1];
    struct nlattr *br[IFLA_BR_MAX + 1];
    struct nl_msg *msg = nd_msg_bridge_ageing(4, 30000);
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *a;

    assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
    assert_int_equal(((struct ifinfomsg *) nlmsg_data(nlh))->ifi_index, 4);
    a = nlmsg_find_attr(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
    assert_non_null(a);
    assert_int_equal(nla_parse_nested(linkinfo, IFLA_INFO_MAX, a, NULL), 0);
    assert_string_equal(nla_get_string(linkinfo[IFLA_INFO_KIND]), "bridge");
    assert_int_equal(
        nla_parse_nested(br, IFLA_BR_MAX, linkinfo[IFLA_INFO_DATA], NULL), 0);
    assert_int_equal(nla_get_u32(br[IFLA_BR_AGEING_TIME]), 30000);
    nlmsg_free(msg);
}

/* IFLA_VXLAN_PORT is a be16 in the kernel's policy: a u32 there makes the
 * kernel log "attribute type 15 has an invalid length". */
static void
test_vxlan_port_attribute(void **state)
{
    struct nlattr *linkinfo[IFLA_INFO_MAX + 1];
    struct nlattr *vx[IFLA_VXLAN_MAX + 1];
    struct nl_msg *msg = nd_msg_vxlan_add("vx1", 42, ip("192.0.2.1"), 4789, 3);
    struct nlmsghdr *nlh = nlmsg_hdr(msg);
    struct nlattr *a;

    assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
    assert_int_equal(nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL),
                     NLM_F_CREATE | NLM_F_EXCL);
    a = nlmsg_find_attr(nlh, sizeof(struct ifinfomsg), IFLA_LINKINFO);
    assert_non_null(a);
    assert_int_equal(nla_parse_nested(linkinfo, IFLA_INFO_MAX, a, NULL), 0);
    assert_string_equal(nla_get_string(linkinfo[IFLA_INFO_KIND]), "vxlan");
    assert_int_equal(
        nla_parse_nested(vx, IFLA_VXLAN_MAX, linkinfo[IFLA_INFO_DATA], NULL),
        0);
    assert_non_null(vx[IFLA_VXLAN_PORT]);
    assert_int_equal(nla_len(vx[IFLA_VXLAN_PORT]), 2);
    assert_int_equal(ntohs(nla_get_u16(vx[IFLA_VXLAN_PORT])), 4789);
    assert_int_equal(nla_len(vx[IFLA_VXLAN_ID]), 4);
    assert_int_equal(nla_get_u32(vx[IFLA_VXLAN_ID]), 42);
    assert_int_equal(nla_len(vx[IFLA_VXLAN_LOCAL]), 4);
    assert_non_null(vx[IFLA_VXLAN_LEARNING]);
    assert_int_equal(nla_get_u8(vx[IFLA_VXLAN_LEARNING]), 0);
    nlmsg_free(msg);
}

static void
test_batch_without_message(void **state)
{
    struct nd_nl nl = { NULL, 1, 0 };
    struct nd_batch b;
    int status = 0, earlier = -EEXIST;

    /* A builder that failed: the slot says so and nothing is sent (there
     * is no socket to send on). */
    nd_batch_init(&b, &nl);
    nd_batch_add(&b, NULL, &status);
    nd_batch_add(&b, NULL, &earlier);
    nd_batch_add(&b, NULL, NULL);
    assert_int_equal(status, -ENOMEM);
    assert_int_equal(earlier, -EEXIST);
    assert_int_equal(b.n, 0);
    nd_batch_destroy(&b);
    assert_int_equal(nl.writes, 0);
}

/* ---- Against the kernel ------------------------------------------------- */

struct names {
    char names[16][IFNAMSIZ];
    size_t n;
};

static void
collect_link_cb(struct nlmsghdr *nlh, void *names_)
{
    struct names *names = names_;
    struct nd_link_info info;

    if (!nd_link_parse(nlh, &info) && names->n < ARRAY_SIZE(names->names)) {
        snprintf(names->names[names->n++], IFNAMSIZ, "%s", info.name);
    }
}

static bool
has_name(const struct names *names, const char *name)
{
    size_t i;

    for (i = 0; i < names->n; i++) {
        if (!strcmp(names->names[i], name)) {
            return true;
        }
    }
    return false;
}

static void
test_requests(void **state)
{
    struct nd_link_info info;
    struct names names = { .n = 0 };
    struct nd_batch b;
    struct nd_nl nl;
    int st[3] = { 0, 0, 0 };
    int ifindex = 0;

    NEED_NETNS();
    assert_int_equal(nd_nl_open(&nl), 0);

    /* One batch, a verdict per request. */
    nd_batch_init(&b, &nl);
    nd_batch_add(&b, nd_msg_bridge_add("tb0"), &st[0]);
    nd_batch_add(&b, nd_msg_bridge_add("tb0"), &st[1]);
    nd_batch_add(&b, nd_msg_link_del(999999), &st[2]);
    nd_batch_destroy(&b);
    assert_int_equal(st[0], 0);
    assert_int_equal(st[1], -EEXIST);
    assert_int_equal(st[2], -ENODEV);
    assert_int_equal(nl.writes, 3);

    assert_int_equal(nd_link_get(&nl, 0, "tb0", &info), 0);
    assert_string_equal(info.kind, "bridge");
    assert_true(info.ifindex > 0);
    assert_true(nd_link_get(&nl, 0, "nonesuch", &info) < 0);

    assert_int_equal(nd_link_tag(&nl, "tb0", HAL_NETDEV_TAG " test", &ifindex),
                     0);
    assert_int_equal(nd_link_get(&nl, ifindex, NULL, &info), 0);
    assert_string_equal(info.name, "tb0");
    assert_string_equal(info.alias, HAL_NETDEV_TAG " test");

    assert_int_equal(
        nd_dump(&nl, RTM_GETLINK, AF_UNSPEC, collect_link_cb, &names), 0);
    assert_true(has_name(&names, "lo"));
    assert_true(has_name(&names, "tb0"));
    assert_int_equal(nd_request(&nl, nd_msg_link_del(ifindex)), 0);
    assert_int_equal(nd_request(&nl, nd_msg_link_del(ifindex)), -ENODEV);
    nd_nl_close(&nl);
    nd_nl_close(&nl);
}

/* More requests than one sendmsg() carries: verdicts still find their
 * requests across the flushes. */
static void
test_large_batch(void **state)
{
    enum { N = 1200, BAD = 1100 };
    struct nd_link_info info;
    struct nd_batch b;
    struct nd_nl nl;
    int shared = 0, bad = 0;
    int ifindex;
    int i;

    NEED_NETNS();
    assert_int_equal(nd_nl_open(&nl), 0);
    assert_int_equal(nd_request(&nl, nd_msg_bridge_add("tb1")), 0);
    assert_int_equal(nd_link_get(&nl, 0, "tb1", &info), 0);
    ifindex = info.ifindex;

    nd_batch_init(&b, &nl);
    for (i = 0; i < N; i++) {
        char alias[32];

        snprintf(alias, sizeof alias, "alias %d", i);
        nd_batch_add(&b, nd_msg_link_alias(i == BAD ? 999999 : ifindex, alias),
                     i == BAD ? &bad : &shared);
    }
    nd_batch_destroy(&b);
    assert_int_equal(shared, 0);
    assert_int_equal(bad, -ENODEV);
    assert_int_equal(nl.writes, N + 1);
    assert_int_equal(nd_link_get(&nl, ifindex, NULL, &info), 0);
    assert_string_equal(info.alias, "alias 1199");
    nd_nl_close(&nl);
}

/* A request sent on the socket while a batch fills (as a binding does when
 * it creates a sub-interface between two queued enslavements) must not
 * make the batch miss its acknowledgement and wait out the timeout. */
static void
test_batch_interleaved(void **state)
{
    struct nd_link_info info;
    struct nd_batch b;
    struct nd_nl nl;
    int st[3] = { 0, 0, 0 };
    int ifindex;

    NEED_NETNS();
    assert_int_equal(nd_nl_open(&nl), 0);
    assert_int_equal(nd_request(&nl, nd_msg_bridge_add("tbi0")), 0);
    assert_int_equal(nd_link_get(&nl, 0, "tbi0", &info), 0);
    ifindex = info.ifindex;

    nd_batch_init(&b, &nl);
    nd_batch_add(&b, nd_msg_link_alias(ifindex, "first"), &st[0]);
    assert_int_equal(nd_request(&nl, nd_msg_bridge_add("tbi1")), 0);
    assert_int_equal(nd_link_tag(&nl, "tbi1", "between", &info.ifindex), 0);
    nd_batch_add(&b, nd_msg_link_del(999999), &st[1]);
    nd_batch_add(&b, nd_msg_link_alias(ifindex, "last"), &st[2]);
    nd_batch_destroy(&b);
    assert_int_equal(st[0], 0);
    assert_int_equal(st[1], -ENODEV);
    assert_int_equal(st[2], 0);
    assert_int_equal(nd_link_get(&nl, ifindex, NULL, &info), 0);
    assert_string_equal(info.alias, "last");

    /* The same with the failing request last, after the interleaving. */
    st[0] = st[1] = 0;
    nd_batch_init(&b, &nl);
    nd_batch_add(&b, nd_msg_link_alias(ifindex, "again"), &st[0]);
    assert_int_equal(nd_link_get(&nl, 0, "tbi1", &info), 0);
    nd_batch_add(&b, nd_msg_link_del(999999), &st[1]);
    nd_batch_destroy(&b);
    assert_int_equal(st[0], 0);
    assert_int_equal(st[1], -ENODEV);
    assert_int_equal(nd_request(&nl, nd_msg_link_del(info.ifindex)), 0);
    assert_int_equal(nd_request(&nl, nd_msg_link_del(ifindex)), 0);
    nd_nl_close(&nl);
}

struct fdb_find {
    struct nd_neigh_info found[4];
    size_t n;
    int ifindex;
};

static void
collect_fdb_cb(struct nlmsghdr *nlh, void *find_)
{
    struct fdb_find *find = find_;
    struct nd_neigh_info n;

    if (!nd_neigh_parse(nlh, &n) && n.ifindex == find->ifindex
        && n.flags & NTF_SELF && n.has_dst
        && find->n < ARRAY_SIZE(find->found)) {
        find->found[find->n++] = n;
    }
}

static void
test_vxlan_fdb(void **state)
{
    struct nd_link_info br, vx;
    struct fdb_find find = { .n = 0 };
    struct nd_neigh n;
    struct nd_nl nl;
    size_t i;

    NEED_NETNS();
    assert_int_equal(nd_nl_open(&nl), 0);
    assert_int_equal(nd_request(&nl, nd_msg_bridge_add("tb2")), 0);
    assert_int_equal(nd_link_get(&nl, 0, "tb2", &br), 0);
    assert_int_equal(
        nd_request(&nl, nd_msg_vxlan_add("tx2", 42, ip("192.0.2.1"), 4789,
                                         br.ifindex)),
        0);
    assert_int_equal(nd_link_get(&nl, 0, "tx2", &vx), 0);
    assert_string_equal(vx.kind, "vxlan");
    assert_int_equal(vx.vni, 42);
    assert_int_equal(vx.local.s_addr, ip("192.0.2.1").s_addr);
    assert_int_equal(vx.vxlan_port, 4789);
    assert_int_equal(vx.master, br.ifindex);

    n = (struct nd_neigh){ .ifindex = vx.ifindex,
                           .mac = mac1,
                           .self = true,
                           .dst = ip("198.51.100.2"),
                           .vni = 4242 };
    assert_int_equal(nd_request(&nl, nd_msg_neigh_add(&n, false)), 0);
    /* The all-zero MAC takes several destinations. */
    memset(&n.mac, 0, sizeof n.mac);
    n.vni = HAL_VNI_NONE;
    assert_int_equal(nd_request(&nl, nd_msg_neigh_add(&n, true)), 0);
    n.dst = ip("198.51.100.3");
    assert_int_equal(nd_request(&nl, nd_msg_neigh_add(&n, true)), 0);

    find.ifindex = vx.ifindex;
    assert_int_equal(
        nd_dump(&nl, RTM_GETNEIGH, AF_BRIDGE, collect_fdb_cb, &find), 0);
    assert_int_equal(find.n, 3);
    for (i = 0; i < find.n; i++) {
        if (!memcmp(&find.found[i].mac, &mac1, sizeof mac1)) {
            break;
        }
    }
    assert_true(i < find.n);
    assert_int_equal(find.found[i].vni, 4242);
    assert_int_equal(find.found[i].dst.s_addr, ip("198.51.100.2").s_addr);

    assert_int_equal(nd_request(&nl, nd_msg_neigh_del(&n)), 0);
    find.n = 0;
    assert_int_equal(
        nd_dump(&nl, RTM_GETNEIGH, AF_BRIDGE, collect_fdb_cb, &find), 0);
    assert_int_equal(find.n, 2);
    nd_nl_close(&nl);
}

struct seen {
    size_t n_msgs;
    bool tb3_new;
};

static void
seen_cb(struct nlmsghdr *nlh, void *seen_)
{
    struct seen *seen = seen_;
    struct nd_link_info info;

    seen->n_msgs++;
    if (nlh->nlmsg_type == RTM_NEWLINK && !nd_link_parse(nlh, &info)
        && !strcmp(info.name, "tb3")) {
        seen->tb3_new = true;
    }
}

static void
test_notifications(void **state)
{
    static const int groups[] = { RTNLGRP_LINK };
    struct nl_sock *mon, *tiny;
    struct nd_link_info info;
    struct seen seen = { 0, false };
    struct nd_nl nl;
    int i;

    NEED_NETNS();
    assert_int_equal(nd_nl_open(&nl), 0);
    assert_int_equal(nd_nl_notify_open(groups, 1, 1 << 20, &mon), 0);
    /* The smallest buffer the kernel allows. */
    assert_int_equal(nd_nl_notify_open(groups, 1, 1, &tiny), 0);

    /* Nothing waiting: returns at once. */
    assert_false(nd_nl_notify_recv(mon, seen_cb, &seen));
    assert_int_equal(seen.n_msgs, 0);

    assert_int_equal(nd_request(&nl, nd_msg_bridge_add("tb3")), 0);
    assert_false(nd_nl_notify_recv(mon, seen_cb, &seen));
    assert_true(seen.tb3_new);

    /* More changes than the tiny socket holds: the loss is reported. */
    assert_int_equal(nd_link_get(&nl, 0, "tb3", &info), 0);
    for (i = 0; i < 64; i++) {
        char alias[16];

        snprintf(alias, sizeof alias, "a%d", i);
        assert_int_equal(
            nd_request(&nl, nd_msg_link_alias(info.ifindex, alias)), 0);
    }
    seen = (struct seen){ 0, false };
    assert_true(nd_nl_notify_recv(tiny, seen_cb, &seen));
    assert_false(nd_nl_notify_recv(tiny, seen_cb, &seen));
    /* The big one kept up. */
    seen = (struct seen){ 0, false };
    assert_false(nd_nl_notify_recv(mon, seen_cb, &seen));
    assert_true(seen.n_msgs >= 64);

    nl_socket_free(tiny);
    nl_socket_free(mon);
    nd_nl_close(&nl);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        /* Without a kernel. */
        cmocka_unit_test(test_neigh_round_trip),
        cmocka_unit_test(test_neigh_parse_rejects),
        cmocka_unit_test(test_link_round_trip),
        cmocka_unit_test(test_bridge_ageing_msg),
        cmocka_unit_test(test_vxlan_port_attribute),
        cmocka_unit_test(test_batch_without_message),
        /* In the namespace netns_group_setup() makes. */
        cmocka_unit_test(test_requests),
        cmocka_unit_test(test_large_batch),
        cmocka_unit_test(test_batch_interleaved),
        cmocka_unit_test(test_vxlan_fdb),
        cmocka_unit_test(test_notifications),
    };

    return cmocka_run_group_tests_name(
        "hal/netdev/nl", tests, netns_group_setup, netns_group_teardown);
}
