/* SPDX-License-Identifier: Apache-2.0 */
/* Reconnection backoff for active remotes, like OVS's reconnect: the first
 * attempt is immediate; after each failed attempt or dropped connection the
 * wait starts at one second and doubles up to a maximum; a connection that
 * carried traffic resets the schedule.  Pure arithmetic, no clock, so that
 * the schedule is easy to test. */
#ifndef VTEPD_JSONRPC_RECONNECT_H
#define VTEPD_JSONRPC_RECONNECT_H 1

#include <stdbool.h>

#define RECONNECT_MIN_BACKOFF_MS 1000
#define RECONNECT_DEFAULT_MAX_BACKOFF_MS 8000

struct reconnect {
    int max_backoff_ms;
    int backoff_ms;    /* Last wait used, 0 before any failure. */
    bool had_activity; /* The current connection received something. */
};

/* Initialises 'r'; 'max_backoff_ms' <= 0 selects the default (8 s). */
void reconnect_init(struct reconnect *r, int max_backoff_ms);
/* Records that a connection was established. */
void reconnect_connected(struct reconnect *r);
/* Records that the current connection received a message. */
void reconnect_activity(struct reconnect *r);
/* Records a failed attempt or a dropped connection and returns how many
 * milliseconds to wait before the next attempt. */
int reconnect_failed(struct reconnect *r);

#endif /* vtepd/ovsdb/reconnect.h */
