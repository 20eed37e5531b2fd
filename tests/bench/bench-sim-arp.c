/* SPDX-License-Identifier: Apache-2.0 */
/* ARP suppression in the software dataplane, timed: a bridge with a
 * source-node flood list of three remote VTEPs and ten remote hosts whose
 * addresses the host table knows (suppression on) or does not (off).  A
 * local host sends N ARP requests, round robin over the ten addresses,
 * through sim_inject_frame(); the figures are requests per second and the
 * VXLAN copies the pipeline sent toward the remote VTEPs (the tunnels'
 * tx counters).
 *
 * Usage: bench-sim-arp [N]   (default 1,000,000) */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hal/asic/asic.h"
#include "hal/hal.h"
#include "sim/sim.h"

#define N_HOSTS 10
#define N_VTEPS 3

struct run {
    double seconds;
    uint64_t vxlan_copies;
    uint64_t replies;
};

static void
die(const char *what, int error)
{
    fprintf(stderr, "bench-sim-arp: %s: %s\n", what, hal_strerror(error));
    exit(1);
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
make_arp(uint8_t f[42], int host)
{
    static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x0a };

    memset(f, 0, 42);
    memset(f, 0xff, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08, f[13] = 0x06, f[15] = 1, f[16] = 0x08, f[18] = 6, f[19] = 4;
    f[21] = 1;
    memcpy(f + 22, src, 6);
    f[28] = 10, f[29] = 0, f[30] = 0, f[31] = 200;
    f[38] = 10, f[39] = 0, f[40] = 1, f[41] = (uint8_t) (host + 1);
}

static void
setup_hal(struct hal *hal, hal_oid_t *ls, bool suppress)
{
    struct hal_bridge_config bc = { .name = "ls0",
                                    .vni = 5000,
                                    .replication = HAL_REPLICATION_SOURCE_NODE,
                                    .learning = true };
    struct in_addr vteps[N_VTEPS];
    struct hal_flood_group g;
    struct hal_binding b;
    hal_oid_t swp1;
    int error, i;

    *ls = HAL_OID_NULL;
    if ((error = hal_port_by_name(hal, "swp1", &swp1))
        || (error = hal_bridge_set(hal, &bc, ls))) {
        die("setup", error);
    }
    b = (struct hal_binding){ swp1, 0, *ls };
    for (i = 0; i < N_VTEPS; i++) {
        vteps[i].s_addr = htonl(0xc0000201 + (uint32_t) i);
    }
    memset(&g, 0, sizeof g);
    g.bridge = *ls;
    g.type = HAL_FLOOD_BROADCAST;
    g.remotes = vteps;
    g.n_remotes = N_VTEPS;
    if ((error = hal_binding_set(hal, &b, 1, NULL))
        || (error = hal_flood_set(hal, &g, 1, NULL))) {
        die("setup", error);
    }
    for (i = 0; suppress && i < N_HOSTS; i++) {
        struct hal_neigh_entry n = { .bridge = *ls };
        char ip[INET_ADDRSTRLEN];

        snprintf(ip, sizeof ip, "10.0.1.%d", (i + 1) & 0xff);
        hal_ip_from_string(ip, &n.ip);
        n.mac.ea[0] = 0x02;
        n.mac.ea[5] = (uint8_t) (i + 1);
        if ((error = hal_neigh_set(hal, &n, 1, NULL))) {
            die("neighbour", error);
        }
    }
}

static uint64_t
vxlan_copies(const struct hal *hal)
{
    uint64_t total = 0;
    int i;

    for (i = 0; i < N_VTEPS; i++) {
        struct hal_tunnel_stats st;
        struct in_addr ip = { htonl(0xc0000201 + (uint32_t) i) };

        if (!hal_tunnel_stats_get(hal, ip, &st)) {
            total += st.tx_packets;
        }
    }
    return total;
}

static struct run
run(size_t n, bool suppress)
{
    struct hal_config hc = { .platform = "trident2" };
    struct sim_port_spec spec = { .name = "swp1", .kind = SIM_PORT_FD };
    struct sim_config sc = { .ports = &spec, .n_ports = 1 };
    struct ev_loop *loop = ev_loop_new(0);
    uint8_t frames[N_HOSTS][42], buf[128];
    struct sim_stats st;
    struct hal *hal;
    struct sim *sim;
    struct run r;
    hal_oid_t ls;
    double start;
    int sv[2], error;
    size_t i;

    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv)) {
        die("socketpair", -errno);
    }
    spec.fd = sv[0];
    if ((error = hal_open("asic", &hc, &hal))) {
        die("hal_open", error);
    }
    setup_hal(hal, &ls, suppress);
    if ((error = sim_create(loop, hal, &sc, &sim))) {
        die("sim_create", error);
    }
    for (i = 0; i < N_HOSTS; i++) {
        make_arp(frames[i], (int) i);
    }
    start = now_s();
    for (i = 0; i < n; i++) {
        sim_inject_frame(sim, 0, frames[i % N_HOSTS], 42, SIM_PORT_NO_TAG);
        if ((i & 63) == 63) {
            while (recv(sv[1], buf, sizeof buf, MSG_DONTWAIT) > 0) {
                continue;
            }
        }
    }
    r.seconds = now_s() - start;
    r.vxlan_copies = vxlan_copies(hal);
    sim_get_stats(sim, &st);
    r.replies = st.neigh_replies;
    sim_destroy(sim);
    hal_close(hal);
    ev_loop_destroy(loop);
    close(sv[1]);
    return r;
}

int
main(int argc, char *argv[])
{
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    struct run on, off;

    hal_register_provider(&hal_asic_provider);
    on = run(n, true);
    off = run(n, false);
    printf("requests: %zu, remote hosts: %d, remote VTEPs: %d\n", n, N_HOSTS,
           N_VTEPS);
    printf("suppression on:  %.0f requests/s, %llu answered, %llu VXLAN "
           "copies\n",
           (double) n / on.seconds, (unsigned long long) on.replies,
           (unsigned long long) on.vxlan_copies);
    printf("suppression off: %.0f requests/s, %llu answered, %llu VXLAN "
           "copies\n",
           (double) n / off.seconds, (unsigned long long) off.replies,
           (unsigned long long) off.vxlan_copies);
    return on.replies == n && on.vxlan_copies == 0
                   && off.vxlan_copies == (uint64_t) n * N_VTEPS
               ? 0
               : 1;
}
