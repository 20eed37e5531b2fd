/* SPDX-License-Identifier: Apache-2.0 */
/* A raw JSON-RPC client for unit tests of servers that run on a libev loop
 * in the same process: it sends requests on a Unix socket and runs the
 * loop while it waits, keeping notifications that arrive meanwhile. */
#ifndef TESTS_UNIT_JSONRPC_CLIENT_FIXTURE_H
#define TESTS_UNIT_JSONRPC_CLIENT_FIXTURE_H 1

#include <ev.h>
#include <jansson.h>

struct test_client;

/* Connects to the Unix socket 'path', served on 'loop' (borrowed). */
struct test_client *test_client_connect(struct ev_loop *loop,
                                        const char *path);
/* Closes the connection and frees 'c'; NULL is a no-op. */
void test_client_close(struct test_client *c);

/* Sends the request {"method": METHOD, "params": PARAMS, "id": ID};
 * 'params' is JSON text. */
void test_client_send(struct test_client *c, const char *method,
                      const char *params, int id);
/* Sends 'text' as it is. */
void test_client_send_raw(struct test_client *c, const char *text);

/* Sends a request and returns its reply (new reference), failing the
 * test if none comes within 2 s.  Notifications received first are kept
 * for test_client_notification(). */
json_t *test_client_call(struct test_client *c, const char *method,
                         const char *params);
/* Returns the reply to request 'id' (new reference), or NULL if none comes
 * within 'max_ms' milliseconds. */
json_t *test_client_reply(struct test_client *c, int id, int max_ms);
/* Returns the oldest notification not yet returned (new reference), or
 * NULL if none comes within 'max_ms' milliseconds. */
json_t *test_client_notification(struct test_client *c, int max_ms);

/* Returns 'json' as compact, key-sorted text with each distinct UUID
 * replaced by <0>, <1>, ... in order of first appearance (the caller
 * frees it). */
char *test_json_normalize(const json_t *json);

#endif /* tests/unit/jsonrpc-client-fixture.h */
