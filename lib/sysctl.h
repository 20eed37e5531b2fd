/* SPDX-License-Identifier: Apache-2.0 */
/* Network device sysctls, /proc/sys/net/PROTO/conf/DEVICE/KEY, and
 * neighbour table parameters, /proc/sys/net/PROTO/neigh/DEVICE/KEY, of
 * the network namespace of the calling thread ("all" and "default" are
 * devices here too). */
#ifndef LIB_SYSCTL_H
#define LIB_SYSCTL_H 1

/* Reads the integer in sysctl 'key' of device 'dev' under protocol
 * 'proto' ("ipv4", "ipv6") into '*value'.  Returns 0, -ENOENT (no such
 * device or key, or no such protocol in this kernel), -EINVAL (not an
 * integer) or another negative errno. */
int sysctl_dev_get(const char *proto, const char *dev, const char *key,
                   int *value);

/* Writes 'value' to sysctl 'key' of device 'dev' under protocol 'proto',
 * with one write(), as sysctl(8) does.  Returns 0, -ENOENT, or another
 * negative errno (-EINVAL: the kernel refused the value). */
int sysctl_dev_set(const char *proto, const char *dev, const char *key,
                   const char *value);

/* The same for neighbour table parameter 'key' of device 'dev'. */
int sysctl_neigh_get(const char *proto, const char *dev, const char *key,
                     int *value);
int sysctl_neigh_set(const char *proto, const char *dev, const char *key,
                     const char *value);

#endif /* lib/sysctl.h */
