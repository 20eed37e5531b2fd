/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/unit/netns-fixture.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int orig_fd = -1;

static int
lo_up(void)
{
    struct ifreq ifr;
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int error = 0;

    if (sock < 0) {
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
        error = -1;
    } else {
        ifr.ifr_flags |= IFF_UP;
        error = ioctl(sock, SIOCSIFFLAGS, &ifr) < 0 ? -1 : 0;
    }
    close(sock);
    return error;
}

const char *
netns_enter(void)
{
    if (geteuid()) {
        return "needs root to create a network namespace";
    }
    orig_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (orig_fd < 0) {
        return "cannot open /proc/self/ns/net";
    }
    if (unshare(CLONE_NEWNET)) {
        close(orig_fd);
        orig_fd = -1;
        return "cannot create a network namespace (unshare)";
    }
    if (lo_up()) {
        netns_leave();
        return "cannot bring up lo in the new network namespace";
    }
    return NULL;
}

void
netns_leave(void)
{
    if (orig_fd >= 0) {
        if (setns(orig_fd, CLONE_NEWNET)) {
            _exit(99); /* Never run more tests in the wrong namespace. */
        }
        close(orig_fd);
        orig_fd = -1;
    }
}

const char *netns_missing;

int
netns_group_setup(void **state)
{
    (void) state;
    netns_missing = netns_enter();
    return 0;
}

int
netns_group_teardown(void **state)
{
    (void) state;
    netns_leave();
    return 0;
}
