/* SPDX-License-Identifier: Apache-2.0 */
/* The Linux netdev backend ("netdev"): makes the machine a VXLAN tunnel
 * endpoint by programming kernel bridges, VXLAN devices and their
 * forwarding databases over rtnetlink (libnl-route-3).
 *
 * Per HAL bridge with index N (the low bits of its object id) the backend
 * owns a Linux bridge "vtbN" and, when the bridge has a VNI, a VXLAN device
 * "vtxN" enslaved to it.  Bindings enslave the front-panel port (VLAN 0) or
 * an 802.1Q sub-interface of it.  Remote MACs, flood lists and multicast
 * groups are FDB entries on the VXLAN device; MACs the bridge learns on
 * bound ports come back as HAL events.  See docs/netdev-backend.md.
 *
 * Register it with hal_register_provider(&hal_netdev_provider) and open it
 * with hal_open("netdev", ...) in the network namespace to program.  The
 * functions below are the parts that only make sense for this backend. */
#ifndef HAL_NETDEV_NETDEV_H
#define HAL_NETDEV_NETDEV_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"

struct hal_netdev;

extern const struct hal_provider hal_netdev_provider;

/* Returns the netdev backend behind 'hal', or NULL if 'hal' is another
 * backend.  Borrowed: valid until hal_close(). */
struct hal_netdev *hal_netdev_cast(struct hal *hal);

/* Returns the number of modifying rtnetlink requests sent since open.  A
 * resync that finds the kernel already right sends none. */
uint64_t hal_netdev_writes(const struct hal_netdev *);

/* Returns true once the kernel has refused to create an 802.1Q
 * sub-interface (no 8021q support), after which every tagged binding fails
 * with -EOPNOTSUPP. */
bool hal_netdev_vlan_unsupported(const struct hal_netdev *);

/* ---- Kernel object names and tags (exported for tests) ------------------
 *
 * Everything the backend creates carries IFLA_IFALIAS "vtepd:1 ...", so a
 * restarted backend recognises its own objects and leaves others alone. */

/* The longest interface alias, with the NUL (IFALIASZ in <linux/if.h>). */
#define HAL_NETDEV_ALIAS_MAX 256

/* The alias tag every owned interface starts with. */
#define HAL_NETDEV_TAG "vtepd:1"

/* Longest bridge index: "vtb" plus 9 digits fits IFNAMSIZ. */
#define HAL_NETDEV_INDEX_MAX 999999999u

/* Writes the kernel name of bridge 'index' ("vtb<index>") or of its VXLAN
 * device ("vtx<index>") to 'name'. */
void hal_netdev_bridge_ifname(uint32_t index, char name[IFNAMSIZ]);
void hal_netdev_vxlan_ifname(uint32_t index, char name[IFNAMSIZ]);

/* Parses a kernel interface name made by the functions above.  Returns 0
 * and sets '*index' and '*is_vxlan', or -EINVAL for any other name. */
int hal_netdev_parse_ifname(const char *name, uint32_t *index, bool *is_vxlan);

/* Writes the name of the 802.1Q sub-interface for ('port', 'vlan'):
 * "PORT.VLAN" when that fits IFNAMSIZ, else "vts<ifindex>.<vlan>" in
 * hexadecimal. */
void hal_netdev_subif_name(const char *port, int ifindex, uint16_t vlan,
                           char name[IFNAMSIZ]);

/* Formats the alias of a bridge: the tag, then the replication mode, the
 * learning flag and the logical switch name, which comes last because it
 * may contain spaces.  Returns 0 or -EINVAL if the result would not fit
 * 'size' bytes (at most HAL_NETDEV_ALIAS_MAX are useful). */
int hal_netdev_bridge_alias(const struct hal_bridge_config *, char *alias,
                            size_t size);

/* Parses a bridge alias into the name, replication and learning fields of
 * '*config' (the VNI is not part of it).  Returns 0 or -EINVAL. */
int hal_netdev_parse_bridge_alias(const char *alias,
                                  struct hal_bridge_config *config);

/* Returns the flood-list member that service-node replication sends to:
 * the numerically lowest address, so that the kernel state does not depend
 * on list order.  'n' must be nonzero. */
struct in_addr hal_netdev_service_node(const struct in_addr *remotes,
                                       size_t n);

#endif /* hal/netdev/netdev.h */
