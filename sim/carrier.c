/* SPDX-License-Identifier: Apache-2.0 */
/* Port link state from the Linux interfaces' carrier.
 *
 * A switch port is up when its PHY has a link; vtep-sim's ports are Linux
 * interfaces (veths, TAP devices, a VM's NICs), whose PHY is the kernel's
 * carrier.  So the asic model's port goes down when its interface loses
 * the carrier or is set down, and up again with it: the model then flushes
 * what the port learned and stops forwarding to and from it
 * (hal_asic_set_link()), and vtepd withdraws the port's MACs from
 * Ucast_Macs_Local, as on hardware when a server is unplugged.
 *
 * The state is read once with SIOCGIFFLAGS when the dataplane starts, and
 * then followed from rtnetlink's link notifications (RTNLGRP_LINK) in the
 * dataplane's loop; a lost notification (ENOBUFS) reads every port again.
 * "Up" is IFF_UP and IFF_RUNNING (operational state up, or unknown for
 * devices that report no carrier).  Ports given as descriptors
 * (SIM_PORT_FD) have no interface and stay as the model has them; vtep-sim's
 * "link PORT up|down" still sets a port's state until its carrier next
 * changes. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "sim/sim-private.h"

VLOG_DEFINE_THIS_MODULE(sim_carrier);

/* Enough for a burst of link notifications (each well under 2 KB). */
#define CARRIER_RCVBUF (256 * 1024)
#define CARRIER_BUF 16384

static bool
flags_up(unsigned int flags)
{
    return (flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
}

/* Sets port 'slot''s link as its interface now is, if that changed. */
static void
set_link(struct sim *sim, struct sim_port_slot *slot, bool up)
{
    if (slot->carrier == (up ? SIM_CARRIER_UP : SIM_CARRIER_DOWN)) {
        return;
    }
    slot->carrier = up ? SIM_CARRIER_UP : SIM_CARRIER_DOWN;
    hal_asic_set_link(sim->asic, slot->oid, up);
    VLOG_INFO("port %s: link %s", slot->io.name,
              up ? "up" : "down (its interface is down or has no carrier)");
}

/* Reads every followed port's flags, as the kernel has them now. */
static void
read_all(struct sim *sim)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        VLOG_WARN("port links: %s", strerror(errno));
        return;
    }
    for (size_t i = 0; i < sim->n_ports; i++) {
        struct sim_port_slot *slot = &sim->ports[i];
        struct ifreq ifr;

        if (!slot->carrier_ifindex) {
            continue;
        }
        memset(&ifr, 0, sizeof ifr);
        /* It has an ifindex, so its name fits. */
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%.*s", IFNAMSIZ - 1,
                 slot->io.name);
        set_link(sim, slot,
                 !ioctl(fd, SIOCGIFFLAGS, &ifr)
                     && flags_up((unsigned short) ifr.ifr_flags));
    }
    close(fd);
}

static struct sim_port_slot *
slot_by_ifindex(struct sim *sim, int ifindex)
{
    for (size_t i = 0; i < sim->n_ports; i++) {
        if (sim->ports[i].carrier_ifindex == ifindex) {
            return &sim->ports[i];
        }
    }
    return NULL;
}

/* Applies the link notifications in 'buf' ('len' bytes). */
static void
parse(struct sim *sim, const uint8_t *buf, size_t len)
{
    const struct nlmsghdr *nlh;
    int left = (int) len;

    for (nlh = (const struct nlmsghdr *) buf; NLMSG_OK(nlh, left);
         nlh = NLMSG_NEXT(nlh, left)) {
        const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
        struct sim_port_slot *slot;

        if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
            || nlh->nlmsg_len < NLMSG_LENGTH(sizeof *ifi)) {
            continue;
        }
        slot = slot_by_ifindex(sim, ifi->ifi_index);
        if (slot) {
            set_link(sim, slot,
                     nlh->nlmsg_type == RTM_NEWLINK
                         && flags_up(ifi->ifi_flags));
        }
    }
}

static void
carrier_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct sim *sim = container_of(w, struct sim, carrier_watcher);
    uint8_t buf[CARRIER_BUF];

    for (;;) {
        ssize_t n = recv(sim->carrier_fd, buf, sizeof buf, 0);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0 || (n < 0 && errno != ENOBUFS)) {
            break;
        }
        if (sim->lock) {
            sim->lock(sim->lock_aux);
        }
        if (n < 0) {
            /* Notifications lost: what they said is in the flags now. */
            read_all(sim);
        } else {
            parse(sim, buf, (size_t) n);
        }
        if (sim->unlock) {
            sim->unlock(sim->lock_aux);
        }
    }
}

void
sim_carrier_open(struct sim *sim)
{
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
                              .nl_groups = RTMGRP_LINK };
    int rcvbuf = CARRIER_RCVBUF, n = 0;

    for (size_t i = 0; i < sim->n_ports; i++) {
        struct sim_port_slot *slot = &sim->ports[i];

        slot->carrier = SIM_CARRIER_UNKNOWN;
        if (slot->io.kind != SIM_PORT_FD) {
            slot->carrier_ifindex = (int) if_nametoindex(slot->io.name);
            n += slot->carrier_ifindex != 0;
        }
    }
    if (!n) {
        return;
    }
    sim->carrier_fd = socket(
        AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (sim->carrier_fd < 0
        || setsockopt(sim->carrier_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
                      sizeof rcvbuf)
        || bind(sim->carrier_fd, (struct sockaddr *) &sa, sizeof sa)) {
        VLOG_WARN("port links do not follow the interfaces' carrier: %s",
                  strerror(errno));
        if (sim->carrier_fd >= 0) {
            close(sim->carrier_fd);
            sim->carrier_fd = -1;
        }
        return;
    }
    /* Subscribed first, then read: a change in between is seen twice,
     * never missed. */
    read_all(sim);
    ev_io_init(&sim->carrier_watcher, carrier_cb, sim->carrier_fd, EV_READ);
    ev_io_start(sim->loop, &sim->carrier_watcher);
}

void
sim_carrier_close(struct sim *sim)
{
    if (sim->carrier_fd >= 0) {
        ev_io_stop(sim->loop, &sim->carrier_watcher);
        close(sim->carrier_fd);
        sim->carrier_fd = -1;
    }
}
