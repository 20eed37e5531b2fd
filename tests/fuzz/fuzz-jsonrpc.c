/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzing of the JSON-RPC framing parser and message validation.
 *
 * Input layout: byte 0 selects the size cap (0: the default, else 64 times
 * its value), byte 1 the depth cap (0: the default), byte 2 how many
 * chunk sizes follow (mod 8), then those chunk sizes (1 to 256 bytes
 * each, used in turn), then the byte stream itself.  The stream is fed in
 * those chunks, as reads from a socket would deliver it; every message is
 * checked against the caps, converted with jsonrpc_msg_from_json() and,
 * if valid, sent back through its wire form. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "tests/fuzz/fuzz.h"
#include "vtepd/jsonrpc/jsonrpc.h"

#define HEADER 3
#define MAX_CHUNKS 8

/* Levels of nesting in 'json': 0 for a scalar. */
static int
json_depth(const json_t *json)
{
    const char *key;
    json_t *value;
    size_t i;
    int max = 0, depth;

    if (json_is_object(json)) {
        json_object_foreach((json_t *) json, key, value) {
            depth = json_depth(value);
            max = MAX(max, depth);
        }
        return max + 1;
    } else if (json_is_array(json)) {
        json_array_foreach(json, i, value) {
            depth = json_depth(value);
            max = MAX(max, depth);
        }
        return max + 1;
    }
    return 0;
}

/* A valid message must survive the trip through its wire form. */
static void
check_message(const json_t *json)
{
    struct jsonrpc_msg *msg, *again;
    struct jsonrpc_buf *buf;
    json_t *wire, *reparsed;
    char *error;

    msg = jsonrpc_msg_from_json(json, &error);
    if (!msg) {
        ASSERT(error);
        free(error);
        return;
    }
    ASSERT(!error);
    wire = jsonrpc_msg_to_json(msg);
    again = jsonrpc_msg_from_json(wire, &error);
    ASSERT(again && !error);
    ASSERT(again->type == msg->type);

    buf = jsonrpc_buf_from_msg(msg);
    reparsed =
        json_loadb(jsonrpc_buf_data(buf), jsonrpc_buf_size(buf), 0, NULL);
    ASSERT(reparsed && json_equal(reparsed, wire));

    json_decref(reparsed);
    jsonrpc_buf_unref(buf);
    json_decref(wire);
    jsonrpc_msg_destroy(again);
    jsonrpc_msg_destroy(msg);
}

static bool
is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t chunks[MAX_CHUNKS], n_chunks, max_size, pos, msg_start;
    struct jsonrpc_parser *parser;
    const char *stream;
    int max_depth;

    if (size < HEADER) {
        return 0;
    }
    max_size = data[0] ? 64u * data[0] : JSONRPC_DEFAULT_MAX_MSG_SIZE;
    max_depth = data[1] ? data[1] : JSONRPC_DEFAULT_MAX_DEPTH;
    n_chunks = data[2] % MAX_CHUNKS + 1;
    if (size < HEADER + n_chunks) {
        return 0;
    }
    for (size_t i = 0; i < n_chunks; i++) {
        chunks[i] = (size_t) data[HEADER + i] + 1;
    }
    stream = (const char *) data + HEADER + n_chunks;
    size -= HEADER + n_chunks;

    parser = jsonrpc_parser_create(max_size, max_depth);
    pos = msg_start = 0;
    for (size_t k = 0; pos < size; k++) {
        size_t n = MIN(chunks[k % n_chunks], size - pos);
        enum jsonrpc_parse_status status;
        size_t used = 0;

        status = jsonrpc_parser_feed(parser, stream + pos, n, &used);
        ASSERT(used <= n);
        pos += used;
        if (status == JSONRPC_PARSE_MORE) {
            ASSERT(used == n);
            continue;
        }
        while (msg_start < pos && is_space(stream[msg_start])) {
            msg_start++;
        }
        if (status == JSONRPC_PARSE_MESSAGE) {
            json_t *json = jsonrpc_parser_take(parser);

            ASSERT(json);
            ASSERT(pos - msg_start <= max_size);
            ASSERT(json_depth(json) <= max_depth);
            check_message(json);
            json_decref(json);
            msg_start = pos;
            continue;
        }
        if (status == JSONRPC_PARSE_TOO_BIG) {
            ASSERT(pos - msg_start > max_size);
        }
        ASSERT(strcmp(jsonrpc_parser_error(parser), "no error"));
        break;
    }
    jsonrpc_parser_destroy(parser);
    return 0;
}
