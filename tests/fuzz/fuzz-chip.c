/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzing of the asic backend's warm start: the input is the contents of
 * a state file ("vtepd.chip") of the "lab" platform, laid over a freshly
 * formatted one; the fields that decide whether the file is for this
 * layout at all (magic, version, signature, size) are kept, so that every
 * input reaches the checks of the tables.  A file the warm start accepts
 * is then dumped, used for forwarding and programming, aged, resynced to
 * nothing, given ACL tables and bindings, and closed, and must be accepted again by the next start. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/asic/asic-private.h"
#include "hal/hal-acl.h"
#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"

static char state_file[64];
static uint8_t *pristine; /* A freshly formatted state file. */
static size_t file_size;

static struct hal *
open_chip(bool cold_start)
{
    struct hal_config config = { .platform = "lab",
                                 .state_file = state_file,
                                 .cold_start = cold_start };
    struct hal *hal;

    ASSERT(!hal_open("asic", &config, &hal));
    return hal;
}

static void
remove_state_file(void)
{
    unlink(state_file);
}

static void
fuzz_init(void)
{
    int fd;

    snprintf(state_file, sizeof state_file, "/tmp/fuzz-chip-%d.chip",
             (int) getpid());
    atexit(remove_state_file);
    hal_register_provider(&hal_asic_provider);
    hal_close(open_chip(true));

    fd = open(state_file, O_RDONLY);
    ASSERT(fd >= 0);
    file_size = (size_t) lseek(fd, 0, SEEK_END);
    pristine = xmalloc(file_size);
    ASSERT(pread(fd, pristine, file_size, 0) == (ssize_t) file_size);
    close(fd);
}

/* Writes the state file: 'data' over the pristine file, except for the
 * header's identifying fields. */
static void
write_state(const uint8_t *data, size_t size)
{
    uint8_t *image = xmalloc(file_size);
    int fd;

    memcpy(image, pristine, file_size);
    memcpy(image, data, MIN(size, file_size));
    memcpy(image, pristine, offsetof(struct asic_chip_header, clean));
    memcpy(image + offsetof(struct asic_chip_header, signature),
           pristine + offsetof(struct asic_chip_header, signature),
           offsetof(struct asic_chip_header, generation)
               - offsetof(struct asic_chip_header, signature));
    fd = open(state_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT(fd >= 0);
    ASSERT(write(fd, image, file_size) == (ssize_t) file_size);
    close(fd);
    free(image);
}

/* Programs a bridge with a binding, flood list, multicast group and
 * remote MAC into whatever room the chip has; refusals are fine. */
static void
program(struct hal *hal)
{
    struct in_addr remote = { htonl(0xc0000201) };
    struct hal_flood_group g = { .remotes = &remote, .n_remotes = 1 };
    struct hal_bridge_config c = { .name = "fuzz", .vni = 77 };
    struct hal_fdb_entry e = { .type = HAL_FDB_STATIC, .remote = true };
    struct hal_binding b = { .vlan = 77 };
    hal_oid_t bridge;

    if (hal_bridge_set(hal, &c, &bridge)) {
        return;
    }
    if (!hal_port_by_name(hal, "swp2", &b.port)) {
        b.bridge = bridge;
        (void) hal_binding_set(hal, &b, 1, NULL);
    }
    g.bridge = bridge;
    g.type = HAL_FLOOD_BROADCAST;
    (void) hal_flood_set(hal, &g, 1, NULL);
    g.mac.ea[0] = 0x01;
    (void) hal_mcast_set(hal, &g, 1, NULL);
    e.bridge = bridge;
    e.mac.ea[0] = 0x02;
    e.remote_ip = remote;
    e.vni = HAL_VNI_NONE;
    (void) hal_fdb_set(hal, &e, 1, NULL);
}

/* Programs an ACL table with a port range into each stage and binds it,
 * into whatever room the TCAM has; refusals are fine. */
static void
program_acl(struct hal *hal)
{
    struct hal_acl_rule r = {
        .seq = 1,
        .action = HAL_ACL_DENY,
        .match = { .fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT,
                   .protocol = 6,
                   .dst_port_min = 1000,
                   .dst_port_max = 2000 },
    };
    struct hal_acl_table_config c = { "fuzz", HAL_ACL_INGRESS, &r, 1 };
    struct hal_acl_binding b = { .vlan = 10 };

    if (hal_port_by_name(hal, "swp1", &b.point)) {
        return;
    }
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        hal_oid_t oid = HAL_OID_NULL;

        c.stage = b.stage = s;
        if (!hal_acl_table_set(hal, &c, &oid)) {
            b.table = oid;
            (void) hal_acl_bind_set(hal, &b, 1, NULL);
        }
    }
}

/* Uses every table of a warm-started chip. */
static void
exercise(struct hal *hal)
{
    struct hal_asic_decision d;
    struct hal_asic_frame frame;
    struct ds out = DS_EMPTY_INITIALIZER;
    struct hal_port_info info;
    struct hal_acl_packet tcp1500 = { .ethertype = 0x0800,
                                      .is_ip = true,
                                      .protocol = 6,
                                      .has_ports = true,
                                      .is_tcp = true,
                                      .dst_port = 1500 };
    size_t i;

    tcp1500.src_ip.family = tcp1500.dst_ip.family = AF_INET;
    hal_dump_fdb(hal, NULL, &out);
    hal_dump_flood(hal, &out);
    hal_dump_bindings(hal, &out);
    hal_dump_resources(hal, &out);
    hal_dump_acl(hal, &out);
    for (i = 0; i < hal_port_count(hal); i++) {
        ASSERT(!hal_port_get(hal, i, &info));
    }

    /* A broadcast from every port on VLAN 10 floods and learns. */
    hal_asic_decision_init(&d);
    memset(&frame, 0, sizeof frame);
    frame.acl = &tcp1500;
    memset(&frame.dst, 0xff, sizeof frame.dst);
    frame.src.ea[0] = 0x02;
    frame.vlan = 10;
    frame.bytes = 64;
    for (i = 0; i < hal_port_count(hal); i++) {
        ASSERT(!hal_port_get(hal, i, &info));
        ASSERT(!hal_port_by_name(hal, info.name, &frame.port));
        hal_asic_forward(hal_asic_cast(hal), &frame, true, 1000, &d);
    }
    hal_asic_decision_uninit(&d);

    program(hal);
    hal_run(hal, 1000);
    hal_run(hal, INT64_C(1) << 40);
    ASSERT(!hal_resync_begin(hal));
    ASSERT(!hal_resync_end(hal));
    /* Kept for the next start to check and restore. */
    program_acl(hal);
    ds_destroy(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hal *hal;

    if (!pristine) {
        fuzz_init();
    }
    write_state(data, size);
    hal = open_chip(false);
    if (hal_is_warm(hal)) {
        exercise(hal);
        hal_close(hal);

        /* What a warm start accepted and then changed is still sound. */
        hal = open_chip(false);
        ASSERT(hal_is_warm(hal));
    }
    hal_close(hal);
    return 0;
}
