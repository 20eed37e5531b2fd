/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic generator for tests/bench/sim-pps.sh: sends frames of one size
 * as fast as the kernel takes them for a number of seconds and prints how
 * many it sent.
 *
 *   bench-sim-gen eth IFNAME DST_MAC SRC_MAC SECONDS [LEN]
 *       LEN-byte Ethernet frames (without FCS; default 60, 64 on the wire)
 *       through AF_PACKET on IFNAME.
 *   bench-sim-gen vxlan DST_IP VNI DST_MAC SRC_MAC SECONDS [LEN]
 *       VXLAN packets (a LEN-byte inner frame) over UDP to DST_IP:4789. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hal/hal.h"
#include "lib/vlog.h"
#include "lib/util.h"

#define BATCH 64
#define FRAME_MIN 60 /* 64 on the wire with the FCS. */
#define FRAME_MAX 9000

static size_t frame_len = FRAME_MIN;

static void
build_frame(uint8_t *frame, const char *dst, const char *src)
{
    struct hal_mac d, s;

    if (hal_mac_from_string(dst, &d) || hal_mac_from_string(src, &s)) {
        xabort("bad MAC address");
    }
    memset(frame, 0, frame_len);
    memcpy(frame, d.ea, 6);
    memcpy(frame + 6, s.ea, 6);
    frame[12] = 0x88; /* Local experimental EtherType. */
    frame[13] = 0xb5;
}

/* Sends 'len'-byte 'pkt' on 'fd' (connected) for 'seconds'; returns the
 * number sent. */
static uint64_t
blast(int fd, uint8_t *pkt, size_t len, int seconds)
{
    struct mmsghdr msgs[BATCH];
    struct iovec iov = { pkt, len };
    int64_t end = time_msec() + (int64_t) seconds * 1000;
    uint64_t sent = 0;
    int i;

    memset(msgs, 0, sizeof msgs);
    for (i = 0; i < BATCH; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    while (time_msec() < end) {
        int n = sendmmsg(fd, msgs, BATCH, 0);

        if (n > 0) {
            sent += (uint64_t) n;
        } else if (errno == ENOBUFS || errno == EAGAIN) {
            usleep(10);
        } else {
            xabort("sendmmsg: %s", strerror(errno));
        }
    }
    return sent;
}

static uint64_t
gen_eth(char *argv[])
{
    struct sockaddr_ll sll;
    uint8_t frame[FRAME_MAX];
    int fd;

    build_frame(frame, argv[3], argv[4]);
    fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = (int) if_nametoindex(argv[2]);
    if (fd < 0 || !sll.sll_ifindex
        || bind(fd, (struct sockaddr *) &sll, sizeof sll)) {
        xabort("%s: %s", argv[2], strerror(errno));
    }
    return blast(fd, frame, frame_len, atoi(argv[5]));
}

static uint64_t
gen_vxlan(char *argv[])
{
    uint8_t pkt[8 + FRAME_MAX];
    struct sockaddr_in sin;
    uint32_t vni = (uint32_t) atol(argv[3]);
    int fd;

    memset(pkt, 0, 8);
    pkt[0] = 0x08;
    pkt[4] = (uint8_t) (vni >> 16);
    pkt[5] = (uint8_t) (vni >> 8);
    pkt[6] = (uint8_t) vni;
    build_frame(pkt + 8, argv[4], argv[5]);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(4789);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1
        || connect(fd, (struct sockaddr *) &sin, sizeof sin)) {
        xabort("%s: %s", argv[2], strerror(errno));
    }
    return blast(fd, pkt, 8 + frame_len, atoi(argv[6]));
}

int
main(int argc, char *argv[])
{
    uint64_t sent;

    set_program_name(argv[0]);
    if (argc > 1 && argc == (strcmp(argv[1], "eth") ? 8 : 7)) {
        frame_len = (size_t) atoi(argv[argc - 1]);
        frame_len = frame_len < FRAME_MIN   ? FRAME_MIN
                    : frame_len > FRAME_MAX ? FRAME_MAX
                                            : frame_len;
    }
    if ((argc == 6 || argc == 7) && !strcmp(argv[1], "eth")) {
        sent = gen_eth(argv);
    } else if ((argc == 7 || argc == 8) && !strcmp(argv[1], "vxlan")) {
        sent = gen_vxlan(argv);
    } else {
        fprintf(stderr,
                "usage: %s eth IFNAME DST_MAC SRC_MAC SECONDS [LEN]\n"
                "       %s vxlan DST_IP VNI DST_MAC SRC_MAC "
                "SECONDS [LEN]\n",
                program_name, program_name);
        return EXIT_FAILURE;
    }
    printf("%llu\n", (unsigned long long) sent);
    return EXIT_SUCCESS;
}
