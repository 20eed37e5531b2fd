/* SPDX-License-Identifier: Apache-2.0 */
/* How the netdev backend names and tags the kernel objects it owns (see
 * netdev.h), and which flood-list member service-node replication picks.
 * Pure functions, below everything else in hal/netdev/. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hal/netdev/netdev.h"

void
hal_netdev_bridge_ifname(uint32_t index, char name[IFNAMSIZ])
{
    snprintf(name, IFNAMSIZ, "vtb%u", (unsigned) index);
}

void
hal_netdev_vxlan_ifname(uint32_t index, char name[IFNAMSIZ])
{
    snprintf(name, IFNAMSIZ, "vtx%u", (unsigned) index);
}

int
hal_netdev_parse_ifname(const char *name, uint32_t *index, bool *is_vxlan)
{
    unsigned long long n = 0;
    const char *p;

    if (strncmp(name, "vt", 2) || (name[2] != 'b' && name[2] != 'x')
        || !name[3] || name[3] == '0' || strlen(name) >= IFNAMSIZ) {
        return -EINVAL;
    }
    for (p = name + 3; *p; p++) {
        if (*p < '0' || *p > '9') {
            return -EINVAL;
        }
        n = n * 10 + (unsigned) (*p - '0');
    }
    if (n > HAL_NETDEV_INDEX_MAX) {
        return -EINVAL;
    }
    *index = (uint32_t) n;
    *is_vxlan = name[2] == 'x';
    return 0;
}

void
hal_netdev_subif_name(const char *port, int ifindex, uint16_t vlan,
                      char name[IFNAMSIZ])
{
    if (strlen(port) + 1 + 4 < IFNAMSIZ) {
        snprintf(name, IFNAMSIZ, "%s.%u", port, (unsigned) vlan & 0xfffu);
    } else {
        /* Hexadecimal, so that any ifindex and VLAN fit. */
        snprintf(name, IFNAMSIZ, "vts%x.%x", (unsigned) ifindex,
                 (unsigned) vlan & 0xfffu);
    }
}

int
hal_netdev_bridge_alias(const struct hal_bridge_config *c, char *alias,
                        size_t size)
{
    int n = snprintf(
        alias, size, "%s bridge repl=%s learn=%d ls=%s", HAL_NETDEV_TAG,
        c->replication == HAL_REPLICATION_SOURCE_NODE ? "source" : "service",
        c->learning ? 1 : 0, c->name);

    return n < 0 || (size_t) n >= size ? -EINVAL : 0;
}

int
hal_netdev_parse_bridge_alias(const char *alias,
                              struct hal_bridge_config *config)
{
    static const char prefix[] = HAL_NETDEV_TAG " bridge repl=";
    const char *p = alias;
    const char *name;

    if (strncmp(p, prefix, sizeof prefix - 1)) {
        return -EINVAL;
    }
    p += sizeof prefix - 1;
    if (!strncmp(p, "source ", 7)) {
        config->replication = HAL_REPLICATION_SOURCE_NODE;
        p += 7;
    } else if (!strncmp(p, "service ", 8)) {
        config->replication = HAL_REPLICATION_SERVICE_NODE;
        p += 8;
    } else {
        return -EINVAL;
    }
    if (strncmp(p, "learn=", 6) || (p[6] != '0' && p[6] != '1')
        || strncmp(p + 7, " ls=", 4)) {
        return -EINVAL;
    }
    config->learning = p[6] == '1';
    name = p + 11;
    if (!*name || strlen(name) >= sizeof config->name) {
        return -EINVAL;
    }
    snprintf(config->name, sizeof config->name, "%s", name);
    return 0;
}

struct in_addr
hal_netdev_service_node(const struct in_addr *remotes, size_t n)
{
    struct in_addr best = remotes[0];
    size_t i;

    for (i = 1; i < n; i++) {
        if (ntohl(remotes[i].s_addr) < ntohl(best.s_addr)) {
            best = remotes[i];
        }
    }
    return best;
}
