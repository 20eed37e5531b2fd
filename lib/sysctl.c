/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Opens the sysctl file of ('proto', 'table', 'dev', 'key') with 'flags'.
 * Returns a file descriptor or a negative errno. */
static int
open_dev_sysctl(const char *proto, const char *table, const char *dev,
                const char *key, int flags)
{
    char path[160];
    int fd;

    if (strchr(dev, '/') || strchr(key, '/') || !strcmp(dev, "..")
        || (size_t) snprintf(path, sizeof path, "/proc/sys/net/%s/%s/%s/%s",
                             proto, table, dev, key)
               >= sizeof path) {
        return -EINVAL;
    }
    fd = open(path, flags | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int
sysctl_get(const char *proto, const char *table, const char *dev,
           const char *key, int *value)
{
    char buf[32], *end;
    ssize_t n;
    long v;
    int fd;

    fd = open_dev_sysctl(proto, table, dev, key, O_RDONLY);
    if (fd < 0) {
        return fd;
    }
    n = read(fd, buf, sizeof buf - 1);
    if (n < 0) {
        n = -errno;
    }
    close(fd);
    if (n < 0) {
        return (int) n;
    }
    buf[n] = '\0';
    errno = 0;
    v = strtol(buf, &end, 10);
    if (end == buf || errno || v < -2147483647L - 1 || v > 2147483647L
        || (*end && *end != '\n')) {
        return -EINVAL;
    }
    *value = (int) v;
    return 0;
}

static int
sysctl_set(const char *proto, const char *table, const char *dev,
           const char *key, const char *value)
{
    size_t len = strlen(value);
    ssize_t n;
    int fd;

    fd = open_dev_sysctl(proto, table, dev, key, O_WRONLY);
    if (fd < 0) {
        return fd;
    }
    n = write(fd, value, len);
    if (n < 0) {
        n = -errno;
    }
    close(fd);
    return n < 0 ? (int) n : (size_t) n == len ? 0 : -EIO;
}

int
sysctl_dev_get(const char *proto, const char *dev, const char *key, int *value)
{
    return sysctl_get(proto, "conf", dev, key, value);
}

int
sysctl_dev_set(const char *proto, const char *dev, const char *key,
               const char *value)
{
    return sysctl_set(proto, "conf", dev, key, value);
}

int
sysctl_neigh_get(const char *proto, const char *dev, const char *key,
                 int *value)
{
    return sysctl_get(proto, "neigh", dev, key, value);
}

int
sysctl_neigh_set(const char *proto, const char *dev, const char *key,
                 const char *value)
{
    return sysctl_set(proto, "neigh", dev, key, value);
}
