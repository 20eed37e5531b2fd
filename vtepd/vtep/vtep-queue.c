/* SPDX-License-Identifier: Apache-2.0 */
/* The reconciler's work queues (what each run has to recompute, what waits
 * for room in the HAL) and the hashes of its natural keys: the plumbing
 * every part of vtepd/vtep/ shares. */
#include "lib/hash.h"
#include "vtepd/vtep/vtep-private.h"

/* ---- Work queues ---- */

void
vtep_q_init(struct vtep_qnode *q)
{
    list_init(&q->node);
    q->state = VTEP_Q_IDLE;
}

void
vtep_q_idle(struct vtep_qnode *q)
{
    if (q->state != VTEP_Q_IDLE) {
        list_remove(&q->node);
        list_init(&q->node);
        q->state = VTEP_Q_IDLE;
    }
}

void
vtep_q_dirty(struct list *dirty, struct vtep_qnode *q)
{
    if (q->state != VTEP_Q_DIRTY) {
        vtep_q_idle(q);
        list_push_back(dirty, &q->node);
        q->state = VTEP_Q_DIRTY;
    }
}

void
vtep_q_block(struct list *blocked, struct vtep_qnode *q)
{
    vtep_q_idle(q);
    list_push_back(blocked, &q->node);
    q->state = VTEP_Q_BLOCKED;
}

size_t
vtep_q_count(const struct list *dirty, size_t max)
{
    const struct list *node;
    size_t n = 0;

    for (node = dirty->next; node != dirty && n < max; node = node->next) {
        n++;
    }
    return n;
}

void
vtep_q_unblock(struct list *blocked, struct list *dirty)
{
    while (!list_is_empty(blocked)) {
        struct vtep_qnode *q =
            container_of(list_front(blocked), struct vtep_qnode, node);

        vtep_q_dirty(dirty, q);
    }
}

/* ---- Hashes ---- */

uint32_t
vtep_hash_ls_mac(const struct uuid *ls, const struct hal_mac *mac)
{
    return hash_bytes(mac->ea, sizeof mac->ea, uuid_hash(ls));
}

uint32_t
vtep_hash_port_vlan(const char *port_name, uint16_t vlan)
{
    return hash_string(port_name, vlan);
}
