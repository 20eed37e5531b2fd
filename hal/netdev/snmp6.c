/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's IPv6 counters of one interface (/proc/net/dev_snmp6/DEV),
 * from which the netdev backend gives its routers counters: the kernel
 * keeps none per VRF, and none per interface for IPv4. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"

int
nd_snmp6_read(const char *dev, struct nd_snmp6 *c)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        { "Ip6OutForwDatagrams", offsetof(struct nd_snmp6, forwarded) },
        { "Ip6InHdrErrors", offsetof(struct nd_snmp6, hdr_errors) },
        { "Ip6InNoRoutes", offsetof(struct nd_snmp6, no_route) },
        { "Icmp6OutDestUnreachs", offsetof(struct nd_snmp6, icmp_errors) },
        { "Icmp6OutTimeExcds", offsetof(struct nd_snmp6, icmp_errors) },
        { "Icmp6OutPktTooBigs", offsetof(struct nd_snmp6, icmp_errors) },
    };
    char path[64], name[64];
    uint64_t value;
    FILE *f;

    memset(c, 0, sizeof *c);
    if (strchr(dev, '/')
        || (size_t) snprintf(path, sizeof path, "/proc/net/dev_snmp6/%s", dev)
               >= sizeof path) {
        return -EINVAL;
    }
    f = fopen(path, "re");
    if (!f) {
        return -errno;
    }
    while (fscanf(f, "%63s %" SCNu64, name, &value) == 2) {
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
            if (!strcmp(name, fields[i].name)) {
                *(uint64_t *) ((char *) c + fields[i].offset) += value;
            }
        }
    }
    fclose(f);
    return 0;
}

/* Returns what counter 'now' went up by from 'base': all of it if it is
 * below its base (reset: the device made anew). */
static uint64_t
delta(uint64_t now, uint64_t base)
{
    return now >= base ? now - base : now;
}

void
nd_snmp6_add_delta(struct nd_snmp6 *sum, const struct nd_snmp6 *now,
                   const struct nd_snmp6 *base)
{
    sum->forwarded += delta(now->forwarded, base->forwarded);
    sum->hdr_errors += delta(now->hdr_errors, base->hdr_errors);
    sum->no_route += delta(now->no_route, base->no_route);
    sum->icmp_errors += delta(now->icmp_errors, base->icmp_errors);
}
