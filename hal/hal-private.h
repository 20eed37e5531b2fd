/* SPDX-License-Identifier: Apache-2.0 */
/* Between the files of the generic HAL layer (hal.c, hal-event.c,
 * hal-load.c); no backend includes this. */
#ifndef HAL_HAL_PRIVATE_H
#define HAL_HAL_PRIVATE_H 1

#include "hal/hal-provider.h"

struct ds;

/* hal.c */

/* Returns the registered provider named 'name', or NULL. */
const struct hal_provider *hal_provider_find(const char *name);

/* Appends the names of the registered providers to 'out', separated by
 * ", " ("none" if there are none). */
void hal_provider_names(struct ds *out);

/* hal-event.c */

/* Empties 'ring' with the defaults of hal_init(); allocates nothing. */
void hal_event_ring_init(struct hal_event_ring *ring);
/* Frees what 'ring' holds. */
void hal_event_ring_destroy(struct hal_event_ring *ring);
/* Returns true if events (or a count of lost ones) wait for delivery. */
bool hal_event_ring_pending(const struct hal_event_ring *ring);
/* Hands everything queued in 'hal''s ring to its callback, in order and in
 * batches, including what the callback itself queues meanwhile. */
void hal_event_ring_deliver(struct hal *hal);

/* hal.c */

typedef bool hal_entry_check_fn(const void *entry);
typedef int hal_provider_bulk_fn(struct hal *, const void *entries, size_t n,
                                 int *status);

/* Runs a public bulk call: checks each of the 'n' entries of 'size' bytes
 * with 'check', marks malformed ones -EINVAL in 'status' (may be NULL) and
 * hands 'fn' only the well-formed ones.  Returns the first error or 0. */
int hal_bulk_call(struct hal *hal, const void *entries, size_t size, size_t n,
                  int *status, hal_entry_check_fn *check,
                  hal_provider_bulk_fn *fn);

/* A bulk call to a provider without the feature: marks each of the 'n'
 * entries -EOPNOTSUPP in 'status' (may be NULL).  Returns -EOPNOTSUPP, or
 * 0 if 'n' is 0. */
int hal_bulk_unsupported(size_t n, int *status);

#endif /* hal/hal-private.h */
