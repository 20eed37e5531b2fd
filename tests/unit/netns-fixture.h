/* SPDX-License-Identifier: Apache-2.0 */
/* A private network namespace for the unit tests that need a kernel: the
 * test process enters a new one, works there, and returns; the namespace
 * goes away with its last socket.  Root only: without it the tests skip
 * and say why. */
#ifndef TESTS_UNIT_NETNS_FIXTURE_H
#define TESTS_UNIT_NETNS_FIXTURE_H 1

/* Moves the process into a new network namespace with "lo" up.  Returns
 * NULL, or a static sentence saying why it could not. */
const char *netns_enter(void);

/* Returns the process to the namespace it had before netns_enter().  Does
 * nothing if netns_enter() failed or was not called. */
void netns_leave(void);

/* Why netns_group_setup() could not enter a namespace, or NULL. */
extern const char *netns_missing;

/* A cmocka group setup and teardown for tests that all run in one new
 * namespace: netns_enter(), keeping its answer in 'netns_missing' for
 * NETNS_REQUIRE(netns_missing); and netns_leave(). */
int netns_group_setup(void **state);
int netns_group_teardown(void **state);

/* In a cmocka test: skips it, printing 'REASON', unless 'REASON' is NULL. */
#define NETNS_REQUIRE(REASON)                      \
    do {                                           \
        if (REASON) {                              \
            print_message("SKIP: %s\n", (REASON)); \
            skip();                                \
        }                                          \
    } while (0)

#endif /* tests/unit/netns-fixture.h */
