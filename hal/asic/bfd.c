/* SPDX-License-Identifier: Apache-2.0 */
/* BFD sessions offloaded to the software ASIC, as switch ASICs run them
 * (SAI's BFD session object): the model holds the sessions (the generic
 * layer's table, hal-bfd.c, shared with the netdev backend) and runs their
 * timers on the HAL clock in hal_run(); the dataplane hands it the frames
 * that arrive inside VXLAN (hal_asic_bfd_input()) and sends the frames it
 * builds (the callback of hal_asic_set_bfd_tx()).  Sessions live in
 * process memory, not in chip memory: a restart brings them up again from
 * Down, as a rebooted switch does. */
#include "hal/asic/asic-private.h"

int
asic_bfd_set(struct hal *hal, const struct hal_bfd_config *c, hal_oid_t *oid)
{
    return hal_bfd_sessions_set(&asic_cast(hal)->bfds, c, oid, hal_now(hal));
}

int
asic_bfd_remove(struct hal *hal, hal_oid_t oid)
{
    return hal_bfd_sessions_remove(&asic_cast(hal)->bfds, oid);
}

int
asic_bfd_get(const struct hal *hal, hal_oid_t oid, struct hal_bfd_info *info)
{
    return hal_bfd_sessions_get(&asic_cast(hal)->bfds, oid, hal_now(hal),
                                info);
}

void
asic_bfd_destroy_all(struct hal_asic *asic)
{
    hal_bfd_sessions_destroy(&asic->bfds);
}

static void
asic_bfd_send(void *asic_, const struct hal_bfd_config *c,
              const uint8_t *frame, size_t len)
{
    struct hal_asic *asic = asic_;

    if (asic->bfd_tx) {
        asic->bfd_tx(asic->bfd_tx_aux, c->remote, c->vni, frame, len);
    }
}

void
asic_bfd_run(struct hal_asic *asic, int64_t now)
{
    struct in_addr src = { .s_addr = asic->hdr->tunnel_src };

    hal_bfd_sessions_run(&asic->bfds, src, now, asic_bfd_send, asic);
}

int64_t
asic_bfd_next_wake(const struct hal_asic *asic)
{
    return hal_bfd_sessions_next_wake(&asic->bfds);
}

void
hal_asic_set_bfd_tx(struct hal_asic *asic, hal_asic_bfd_tx_fn *fn, void *aux)
{
    asic->bfd_tx = fn;
    asic->bfd_tx_aux = aux;
}

bool
hal_asic_bfd_input(struct hal_asic *asic, struct in_addr outer_src,
                   uint32_t vni, const uint8_t *frame, size_t len, int64_t now)
{
    if (!hal_bfd_sessions_count(&asic->bfds)) {
        return false;
    }
    hal_clock_advance(&asic->up, now);
    return hal_bfd_sessions_input(&asic->bfds, outer_src, vni, frame, len,
                                  now);
}
