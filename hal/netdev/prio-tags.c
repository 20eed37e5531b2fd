/* SPDX-License-Identifier: Apache-2.0 */
/* Priority tags on the ports of untagged bindings, taken off at ingress as
 * the switch does.
 *
 * A priority-tagged frame (an 802.1Q tag with VLAN ID 0, sent for its PCP
 * bits) belongs to the port's untagged binding.  The switch (hal/asic,
 * sim/) forwards it untagged; a Linux bridge forwards it with its tag, and
 * the VXLAN device then sends the tag into the overlay, which RFC 7348 6.1
 * says a VTEP should not (tags.c's tags-out lets VLAN ID 0 through, since
 * nftables cannot pop a tag).  The kernel itself only drops a VLAN ID 0
 * tag after the bridge has had the frame.  So each port whose untagged
 * binding enslaves it gets, ahead of the bridge:
 *
 *   qdisc clsact (added if missing, and kept)
 *   filter ingress protocol 802.1Q pref ND_PRIO_PREF handle 1
 *          flower vlan_id 0 action vlan pop
 *
 * act_vlan's pop moves an inner tag, if any, into the frame's metadata, as
 * the kernel does for its own stack: a priority tag over VLAN 100 reaches
 * that VLAN's sub-interface.  The filter is added with NLM_F_EXCL, so the
 * one a warm restart finds stays and is no write; it goes with the binding.
 * Needs cls_flower and act_vlan (Debian's kernel has both); where either is
 * missing, the first attempt says so once and priority-tagged frames keep
 * their tag, as before. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_vlan.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_prio_tags);

#define ND_PRIO_PREF 0x7e00 /* Ahead of "tc filter add"'s 49152 and up. */
#define ND_PRIO_HANDLE 1
/* Marks the action as vtepd's, for anyone reading "tc -s filter show". */
#define ND_PRIO_COOKIE "vtepd-prio-tag"

/* A tcmsg request of 'type' for 'ifindex', parent 'parent'. */
static struct nl_msg *
tc_msg(int type, int flags, int ifindex, uint32_t parent, uint32_t handle,
       uint32_t info)
{
    struct tcmsg tcm = {
        .tcm_family = AF_UNSPEC,
        .tcm_ifindex = ifindex,
        .tcm_handle = handle,
        .tcm_parent = parent,
        .tcm_info = info,
    };
    struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

    if (msg && nlmsg_append(msg, &tcm, sizeof tcm, NLMSG_ALIGNTO)) {
        nlmsg_free(msg);
        msg = NULL;
    }
    return msg;
}

static struct nl_msg *
clsact_msg(int type, int flags, int ifindex)
{
    struct nl_msg *msg = tc_msg(type, flags, ifindex, TC_H_CLSACT,
                                TC_H_MAKE(TC_H_CLSACT, 0), 0);

    if (msg && nla_put_string(msg, TCA_KIND, "clsact")) {
        nlmsg_free(msg);
        msg = NULL;
    }
    return msg;
}

/* The filter of 'ifindex', as RTM_NEWTFILTER (with its match and action)
 * or RTM_DELTFILTER. */
static struct nl_msg *
filter_msg(int type, int flags, int ifindex)
{
    uint32_t info =
        TC_H_MAKE((uint32_t) ND_PRIO_PREF << 16, htons(ETH_P_8021Q));
    struct nl_msg *msg =
        tc_msg(type, flags, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
               ND_PRIO_HANDLE, info);
    struct tc_vlan parms = {
        .action = TC_ACT_PIPE,
        .v_action = TCA_VLAN_ACT_POP,
    };
    struct nlattr *opts, *acts, *act, *act_opts;

    if (!msg) {
        return NULL;
    }
    if (nla_put_string(msg, TCA_KIND, "flower")) {
        goto error;
    }
    if (type == RTM_DELTFILTER) {
        return msg;
    }
    /* flower reads VLAN keys only under an 802.1Q EtherType key; with no
     * VLAN EtherType key, any inner EtherType matches. */
    if (!(opts = nla_nest_start(msg, TCA_OPTIONS))
        || nla_put_u16(msg, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_8021Q))
        || nla_put_u16(msg, TCA_FLOWER_KEY_VLAN_ID, 0)
        || !(acts = nla_nest_start(msg, TCA_FLOWER_ACT))
        || !(act = nla_nest_start(msg, 1))
        || nla_put_string(msg, TCA_ACT_KIND, "vlan")
        || nla_put(msg, TCA_ACT_COOKIE, sizeof ND_PRIO_COOKIE - 1,
                   ND_PRIO_COOKIE)
        || !(act_opts = nla_nest_start(msg, TCA_ACT_OPTIONS))
        || nla_put(msg, TCA_VLAN_PARMS, sizeof parms, &parms)) {
        goto error;
    }
    nla_nest_end(msg, act_opts);
    nla_nest_end(msg, act);
    nla_nest_end(msg, acts);
    nla_nest_end(msg, opts);
    return msg;

error:
    nlmsg_free(msg);
    return NULL;
}

/* Errors that mean "this kernel cannot": no clsact, flower or act_vlan
 * (-ENOENT: "TC classifier not found", "Failed to load TC action
 * module"), or no tc at all. */
static bool
unsupported(int error)
{
    return error == -ENOENT || error == -EOPNOTSUPP || error == -EINVAL;
}

void
nd_prio_tags_add(struct hal_netdev *nd, int ifindex)
{
    uint64_t writes = nd->nl.writes;
    int qdisc, error;

    if (nd->prio_tags_unsupported || !ifindex) {
        return;
    }
    qdisc = nd_request(
        &nd->nl, clsact_msg(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex));
    if (qdisc && qdisc != -EEXIST) {
        error = qdisc;
    } else {
        error = nd_request(
            &nd->nl,
            filter_msg(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex));
    }
    if (!error) {
        return;
    }
    if (!qdisc) {
        /* Not a qdisc of anyone else's: do not leave it. */
        nd_request(&nd->nl, clsact_msg(RTM_DELQDISC, 0, ifindex));
    }
    if (error == -EEXIST) {
        /* Found as a warm restart left it. */
        nd->nl.writes = writes;
    } else if (unsupported(error)) {
        nd->prio_tags_unsupported = true;
        nd->nl.writes = writes;
        VLOG_WARN("priority-tagged frames keep their tag into the tunnels: "
                  "this kernel cannot pop it at ingress (tc clsact, flower "
                  "and act_vlan: %s)",
                  strerror(-error));
    } else {
        VLOG_WARN("ifindex %d: priority tags: %s", ifindex, strerror(-error));
    }
}

void
nd_prio_tags_del(struct hal_netdev *nd, int ifindex, struct nd_batch *batch)
{
    if (!nd->prio_tags_unsupported && ifindex) {
        nd_batch_add(batch, filter_msg(RTM_DELTFILTER, 0, ifindex), NULL);
    }
}
