/* SPDX-License-Identifier: Apache-2.0 */
/* Reconnection backoff schedule. */
#include "vtepd/jsonrpc/reconnect.h"

#include "lib/util.h"

void
reconnect_init(struct reconnect *r, int max_backoff_ms)
{
    r->max_backoff_ms =
        max_backoff_ms > 0 ? max_backoff_ms : RECONNECT_DEFAULT_MAX_BACKOFF_MS;
    r->backoff_ms = 0;
    r->had_activity = false;
}

void
reconnect_connected(struct reconnect *r)
{
    r->had_activity = false;
}

void
reconnect_activity(struct reconnect *r)
{
    r->had_activity = true;
}

int
reconnect_failed(struct reconnect *r)
{
    if (r->had_activity || !r->backoff_ms) {
        r->backoff_ms = RECONNECT_MIN_BACKOFF_MS;
    } else if (r->backoff_ms < r->max_backoff_ms / 2) {
        r->backoff_ms *= 2;
    } else {
        r->backoff_ms = r->max_backoff_ms;
    }
    r->backoff_ms = MIN(r->backoff_ms, r->max_backoff_ms);
    r->had_activity = false;
    return r->backoff_ms;
}
