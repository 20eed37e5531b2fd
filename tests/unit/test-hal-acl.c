/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for ACLs: the range expansion of the asic TCAM (entry counts
 * and exact cover), the TCAM model against the reference semantics on
 * random rules and packets, first-match order and hit counters, atomic
 * replacement when the TCAM is full, the checks, the header parser, and
 * router interfaces as bind points (around the route lookup, and the
 * capability). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/asic/asic-private.h"
#include "hal/hal-acl.h"
#include "lib/ds.h"
#include "tests/unit/hal-asic-fixture.h"

/* ---- Range expansion ---------------------------------------------------- */

static size_t
cost(uint16_t lo, uint16_t hi)
{
    struct asic_prefix p[ASIC_MAX_PREFIXES];

    return asic_acl_range_prefixes(lo, hi, p);
}

/* Every port lo..hi hits exactly one prefix, and no other port any. */
static void
assert_exact_cover(uint16_t lo, uint16_t hi)
{
    struct asic_prefix p[ASIC_MAX_PREFIXES];
    size_t n = asic_acl_range_prefixes(lo, hi, p);

    for (uint32_t port = 0; port <= 0xffff; port++) {
        int hits = 0;

        for (size_t i = 0; i < n; i++) {
            hits += !((port ^ p[i].value) & p[i].mask);
        }
        assert_int_equal(hits, port >= lo && port <= hi);
    }
}

static void
test_range_expansion(void **state)
{
    (void) state;
    assert_int_equal(cost(1000, 2000), 8);
    assert_int_equal(cost(0, 65535), 1);
    assert_int_equal(cost(1, 65534), 30); /* The worst case, 2w - 2. */
    assert_int_equal(cost(80, 80), 1);
    assert_int_equal(cost(1024, 2047), 1);
    assert_int_equal(cost(1024, 65535), 6);
    assert_int_equal(cost(0, 1023), 1);
    assert_exact_cover(1000, 2000);
    assert_exact_cover(1, 65534);
    assert_exact_cover(0, 65535);
    assert_exact_cover(7, 7);
    srand(1);
    for (int i = 0; i < 20; i++) {
        uint16_t a = (uint16_t) rand(), b = (uint16_t) rand();

        assert_exact_cover(a < b ? a : b, a < b ? b : a);
        assert_true(cost(a < b ? a : b, a < b ? b : a) <= 30);
    }

    /* A rule with two ranges costs the product. */
    struct hal_acl_match m = {
        .fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_SRC_PORT | HAL_ACL_F_DST_PORT,
        .protocol = 6,
        .src_port_min = 1,
        .src_port_max = 65534,
        .dst_port_min = 1000,
        .dst_port_max = 2000,
    };
    assert_int_equal(asic_acl_rule_cost(&m), 240);
}

/* ---- A topology: ls0 on swp1 (untagged) and swp2 VLAN 10 -------------- */

struct topo {
    struct fixture f;
    hal_oid_t ls0, swp1, swp2;
    struct hal_asic_decision d;
};

static void
topo_open_platform(struct topo *t, const char *platform)
{
    fixture_open(&t->f, platform, NULL, false);
    t->swp1 = test_port(&t->f, "swp1");
    t->swp2 = test_port(&t->f, "swp2");
    t->ls0 = test_bridge(&t->f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    test_bind(&t->f, t->swp1, 0, t->ls0);
    test_bind(&t->f, t->swp2, 10, t->ls0);
    hal_asic_decision_init(&t->d);
}

static void
topo_open(struct topo *t)
{
    topo_open_platform(t, "lab");
}

static void
topo_close(struct topo *t)
{
    hal_asic_decision_uninit(&t->d);
    fixture_close(&t->f);
}

/* A TCP packet 10.0.0.S:SPORT -> 10.0.0.D:DPORT with 'flags'. */
static struct hal_acl_packet
tcp_packet(uint8_t s, uint16_t sport, uint8_t d, uint16_t dport,
           uint16_t flags)
{
    struct hal_acl_packet p = { .ethertype = 0x0800, .is_ip = true };

    p.src_mac = test_mac(s);
    p.dst_mac = test_mac(d);
    p.src_ip.family = p.dst_ip.family = AF_INET;
    p.src_ip.v4.s_addr = htonl(0x0a000000 | s);
    p.dst_ip.v4.s_addr = htonl(0x0a000000 | d);
    p.protocol = 6;
    p.has_ports = p.is_tcp = true;
    p.src_port = sport;
    p.dst_port = dport;
    p.tcp_flags = flags;
    return p;
}

/* Forwards 'p' from swp1 to swp2's host (learned there); returns true if
 * it got out. */
static bool
passes(struct topo *t, const struct hal_acl_packet *p)
{
    struct hal_asic_frame f = {
        .port = t->swp1,
        .src = p->src_mac,
        .dst = p->dst_mac,
        .bytes = 100,
        .acl = p,
    };

    hal_asic_forward(t->f.asic, &f, false, 0, &t->d);
    return t->d.action == HAL_ASIC_FORWARD;
}

static hal_oid_t
table(struct topo *t, enum hal_acl_stage stage, const struct hal_acl_rule *r,
      size_t n, int expect)
{
    struct hal_acl_table_config c = { "t", stage, r, n };
    hal_oid_t oid = HAL_OID_NULL;

    assert_int_equal(hal_acl_table_set(t->f.hal, &c, &oid), expect);
    return oid;
}

static void
acl_bind(struct topo *t, hal_oid_t port, uint16_t vlan,
         enum hal_acl_stage stage, hal_oid_t oid)
{
    struct hal_acl_binding b = { port, vlan, stage, oid };
    int status;

    assert_int_equal(hal_acl_bind_set(t->f.hal, &b, 1, &status), 0);
}

/* A random rule: each field present with probability 1/2, values from a
 * small domain so that packets hit them often. */
static struct hal_acl_match
random_match(void)
{
    struct hal_acl_match m = { .fields = HAL_ACL_F_PROTOCOL, .protocol = 6 };

    if (rand() & 1) {
        m.fields |= HAL_ACL_F_SRC_IP;
        m.src_ip.family = m.src_mask.family = AF_INET;
        m.src_ip.v4.s_addr = htonl(0x0a000000 | (rand() & 3));
        m.src_mask.v4.s_addr = htonl(0xfffffffc | (rand() & 3));
    }
    if (rand() & 1) {
        uint16_t a = (uint16_t) (rand() % 4000),
                 b = (uint16_t) (rand() % 4000);

        m.fields |= HAL_ACL_F_DST_PORT;
        m.dst_port_min = a < b ? a : b;
        m.dst_port_max = a < b ? b : a;
    }
    if (rand() & 1) {
        uint16_t a = (uint16_t) (rand() % 4000),
                 b = (uint16_t) (rand() % 4000);

        m.fields |= HAL_ACL_F_SRC_PORT;
        m.src_port_min = a < b ? a : b;
        m.src_port_max = a < b ? b : a;
    }
    if (rand() & 1) {
        m.fields |= HAL_ACL_F_TCP_FLAGS;
        m.tcp_flags_mask = (uint16_t) (rand() & 0x13);
        m.tcp_flags = (uint16_t) (rand() & m.tcp_flags_mask);
    }
    return m;
}

/* The TCAM (prefix entries) decides exactly as the reference semantics. */
static void
test_tcam_matches_reference(void **state)
{
    struct topo t;

    (void) state;
    topo_open_platform(&t, "trident2"); /* Two ranges may need 900. */
    srand(7);
    for (int i = 0; i < 40; i++) {
        struct hal_acl_rule r = { i, HAL_ACL_DENY, random_match() };
        hal_oid_t oid = table(&t, HAL_ACL_INGRESS, &r, 1, 0);

        acl_bind(&t, t.swp1, 0, HAL_ACL_INGRESS, oid);
        for (int j = 0; j < 200; j++) {
            struct hal_acl_packet p = tcp_packet(
                (uint8_t) (rand() & 3), (uint16_t) (rand() % 4000), 9,
                (uint16_t) (rand() % 4000), (uint16_t) (rand() & 0x1f));

            assert_int_equal(passes(&t, &p),
                             !hal_acl_match_packet(&r.match, &p));
        }
        assert_int_equal(hal_acl_table_remove(t.f.hal, oid), 0);
    }
    topo_close(&t);
}

static void
test_order_and_counters(void **state)
{
    struct hal_acl_match port1500 = {
        .fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT,
        .protocol = 6,
        .dst_port_min = 1500,
        .dst_port_max = 1500,
    };
    struct hal_acl_match range = port1500;
    struct hal_acl_rule rules[2];
    struct hal_acl_packet p1500 = tcp_packet(1, 40000, 9, 1500, 0x02);
    struct hal_acl_packet p1600 = tcp_packet(1, 40000, 9, 1600, 0x02);
    struct hal_acl_packet p80 = tcp_packet(1, 40000, 9, 80, 0x02);
    uint64_t hits[2];
    struct topo t;
    hal_oid_t oid;

    (void) state;
    range.dst_port_min = 1000;
    range.dst_port_max = 2000;
    topo_open(&t);

    /* Permit before deny: 1500 passes, 1600 not, 80 unmatched passes. */
    rules[0] = (struct hal_acl_rule){ 5, HAL_ACL_PERMIT, port1500 };
    rules[1] = (struct hal_acl_rule){ 10, HAL_ACL_DENY, range };
    oid = table(&t, HAL_ACL_INGRESS, rules, 2, 0);
    acl_bind(&t, t.swp1, 0, HAL_ACL_INGRESS, oid);
    assert_true(passes(&t, &p1500));
    assert_false(passes(&t, &p1600));
    assert_string_equal(t.d.drop_reason, "ACL deny (ingress)");
    assert_true(passes(&t, &p80));
    assert_int_equal(hal_acl_counters_get(t.f.hal, oid, hits, 2), 0);
    assert_int_equal(hits[0], 1);
    assert_int_equal(hits[1], 1);

    /* Deny before permit: 1500 is denied; new rules zero the counters. */
    rules[0] = (struct hal_acl_rule){ 5, HAL_ACL_DENY, range };
    rules[1] = (struct hal_acl_rule){ 10, HAL_ACL_PERMIT, port1500 };
    assert_int_equal(hal_acl_table_set(t.f.hal,
                                       &(struct hal_acl_table_config){
                                           "t", HAL_ACL_INGRESS, rules, 2 },
                                       &oid),
                     0);
    assert_false(passes(&t, &p1500));
    assert_int_equal(hal_acl_counters_get(t.f.hal, oid, hits, 2), 0);
    assert_int_equal(hits[0], 1);
    assert_int_equal(hits[1], 0);

    /* Egress on swp2 VLAN 10 only: a frame to swp2's host is dropped
     * there; the port's VLAN 0 binding stands for the other VLANs. */
    struct hal_fdb_entry e = test_local(t.ls0, 9, t.swp2, 10);
    int status;

    assert_int_equal(hal_fdb_set(t.f.hal, &e, 1, &status), 0);
    assert_int_equal(hal_acl_table_remove(t.f.hal, oid), 0);
    rules[0] = (struct hal_acl_rule){ 1, HAL_ACL_DENY, range };
    oid = table(&t, HAL_ACL_EGRESS, rules, 1, 0);
    acl_bind(&t, t.swp2, 10, HAL_ACL_EGRESS, oid);
    assert_false(passes(&t, &p1500));
    assert_string_equal(t.d.drop_reason, "ACL deny (egress)");
    assert_true(passes(&t, &p80));
    topo_close(&t);
}

/* Returns how many times 'needle' occurs in the ACL dump. */
static size_t
dump_count(struct topo *t, const char *needle, struct ds *out)
{
    size_t n = 0;

    ds_clear(out);
    hal_dump_acl(t->f.hal, out);
    for (const char *s = ds_cstr(out); (s = strstr(s, needle)); s++) {
        n++;
    }
    return n;
}

/* The TCAM is chip memory: after a warm restart it denies from the first
 * frame, before any replay; the replay adopts it without a write, and the
 * end of the resync removes what was not set again. */
static void
test_warm_restart(void **state)
{
    struct hal_acl_match range = {
        .fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT,
        .protocol = 6,
        .dst_port_min = 1000,
        .dst_port_max = 2000,
    };
    struct hal_acl_rule in[] = { { 10, HAL_ACL_DENY, range } };
    struct hal_acl_rule out[] = { { 1, HAL_ACL_DENY, { .fields = 0 } } };
    struct hal_acl_packet p1600 = tcp_packet(1, 40000, 9, 1600, 0x02);
    struct ds before = DS_EMPTY_INITIALIZER, after = DS_EMPTY_INITIALIZER;
    struct hal_acl_table_config c = { "t", HAL_ACL_INGRESS, in, 1 };
    hal_oid_t oid, oid2 = HAL_OID_NULL, eg;
    struct hal_acl_binding b;
    uint64_t writes, hits;
    struct topo t;
    char file[64];
    int status;

    (void) state;
    snprintf(file, sizeof file, "/tmp/test-hal-acl-%d.chip", (int) getpid());
    unlink(file);
    fixture_open(&t.f, "lab", file, false);
    t.swp1 = test_port(&t.f, "swp1");
    t.swp2 = test_port(&t.f, "swp2");
    t.ls0 = test_bridge(&t.f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    test_bind(&t.f, t.swp1, 0, t.ls0);
    test_bind(&t.f, t.swp2, 10, t.ls0);
    hal_asic_decision_init(&t.d);
    oid = table(&t, HAL_ACL_INGRESS, in, 1, 0);
    acl_bind(&t, t.swp1, 0, HAL_ACL_INGRESS, oid);
    eg = table(&t, HAL_ACL_EGRESS, out, 1, 0);
    acl_bind(&t, t.swp2, 10, HAL_ACL_EGRESS, eg);
    assert_false(passes(&t, &p1600));
    hal_dump_acl(t.f.hal, &before);
    topo_close(&t);

    /* Warm: the same TCAM, enforced before any replay. */
    fixture_open(&t.f, "lab", file, false);
    assert_true(hal_is_warm(t.f.hal));
    t.swp1 = test_port(&t.f, "swp1");
    hal_asic_decision_init(&t.d);
    hal_dump_acl(t.f.hal, &after);
    assert_string_equal(ds_cstr(&before), ds_cstr(&after));
    assert_false(passes(&t, &p1600));
    assert_int_equal(hal_acl_counters_get(t.f.hal, oid, &hits, 1), 0);
    assert_int_equal(hits, 2);

    /* The replay (no ids) adopts the ingress table without a write; the
     * egress table, not set again, goes at the end. */
    writes = hal_asic_writes(t.f.asic);
    assert_int_equal(hal_resync_begin(t.f.hal), 0);
    assert_int_equal(hal_acl_table_set(t.f.hal, &c, &oid2), 0);
    assert_int_equal(oid2, oid);
    b = (struct hal_acl_binding){ t.swp1, 0, HAL_ACL_INGRESS, oid2 };
    assert_int_equal(hal_acl_bind_set(t.f.hal, &b, 1, &status), 0);
    assert_int_equal(hal_asic_writes(t.f.asic) - writes, 0);
    assert_int_equal(hal_resync_end(t.f.hal), 0);
    assert_int_equal(dump_count(&t, "acl t ", &after), 1);
    assert_int_equal(dump_count(&t, "tcam egress: 0/32", &after), 1);
    assert_int_equal(dump_count(&t, "tcam ingress: 8/64", &after), 1);
    assert_false(passes(&t, &p1600));

    /* Replayed with other rules: replaced in place, still one copy. */
    topo_close(&t);
    fixture_open(&t.f, "lab", file, false);
    t.swp1 = test_port(&t.f, "swp1");
    hal_asic_decision_init(&t.d);
    assert_int_equal(hal_resync_begin(t.f.hal), 0);
    t.ls0 = test_bridge(&t.f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    test_bind(&t.f, t.swp1, 0, t.ls0);
    test_bind(&t.f, test_port(&t.f, "swp2"), 10, t.ls0);
    in[0].match.dst_port_max = 1023;
    oid2 = HAL_OID_NULL;
    assert_int_equal(hal_acl_table_set(t.f.hal, &c, &oid2), 0);
    assert_int_equal(hal_resync_end(t.f.hal), 0);
    assert_int_equal(dump_count(&t, "acl t ", &after), 1);
    assert_int_equal(dump_count(&t, "tcam ingress: 2/64", &after), 1);
    assert_int_equal(dump_count(&t, "\nbinding ", &after), 0);
    assert_true(passes(&t, &p1600));

    /* A corrupt TCAM (a rule list pointing at itself) is a cold start. */
    oid = table(&t, HAL_ACL_INGRESS, in, 1, 0);
    for (uint32_t i = 0; i < 128; i++) {
        if (t.f.asic->acl_rules[i].valid) {
            t.f.asic->acl_rules[i].next = i;
        }
    }
    topo_close(&t);
    fixture_open(&t.f, "lab", file, false);
    assert_false(hal_is_warm(t.f.hal));
    assert_int_equal(dump_count(&t, "acl ", &after), 0);
    fixture_close(&t.f);
    unlink(file);
    ds_destroy(&before);
    ds_destroy(&after);
}

/* A table that does not fit fails whole; earlier tables keep working. */
static void
test_tcam_full(void **state)
{
    struct hal_acl_match wide = {
        .fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_SRC_PORT | HAL_ACL_F_DST_PORT,
        .protocol = 17,
        .src_port_min = 1,
        .src_port_max = 65534,
        .dst_port_min = 1,
        .dst_port_max = 65534,
    };
    struct hal_acl_match range = {
        .fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT,
        .protocol = 6,
        .dst_port_min = 1000,
        .dst_port_max = 2000,
    };
    struct hal_acl_rule small = { 1, HAL_ACL_DENY, range };
    struct hal_acl_rule big[2] = { { 1, HAL_ACL_DENY, range },
                                   { 2, HAL_ACL_DENY, wide } };
    struct hal_acl_packet p = tcp_packet(1, 40000, 9, 1500, 0);
    struct hal_resource res[HAL_TABLE_N];
    hal_oid_t a, b;
    struct topo t;

    (void) state;
    topo_open(&t);
    a = table(&t, HAL_ACL_INGRESS, &small, 1, 0);
    acl_bind(&t, t.swp1, 0, HAL_ACL_INGRESS, a);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_ACL_INGRESS].used, 8);
    assert_int_equal(res[HAL_TABLE_ACL_INGRESS].capacity, 64);

    b = table(&t, HAL_ACL_INGRESS, big, 2, HAL_E_TABLE_FULL);
    assert_int_equal(b, HAL_OID_NULL);
    fixture_run(&t.f, 1);
    assert_int_equal(fixture_count(&t.f, HAL_EVENT_RESOURCE_EXHAUSTED), 1);

    /* Growing 'a' beyond the TCAM leaves its old version in force. */
    assert_int_equal(hal_acl_table_set(t.f.hal,
                                       &(struct hal_acl_table_config){
                                           "t", HAL_ACL_INGRESS, big, 2 },
                                       &a),
                     HAL_E_TABLE_FULL);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_ACL_INGRESS].used, 8);
    assert_false(passes(&t, &p));

    /* The egress stage has its own TCAM. */
    assert_int_equal(res[HAL_TABLE_ACL_EGRESS].used, 0);
    assert_int_equal(res[HAL_TABLE_ACL_EGRESS].capacity, 32);
    topo_close(&t);
}

static void
test_checks(void **state)
{
    struct hal_acl_match m = { .fields = HAL_ACL_F_DST_PORT,
                               .dst_port_min = 1,
                               .dst_port_max = 2 };

    (void) state;
    assert_non_null(hal_acl_match_check(&m)); /* Ports need a protocol. */
    m.fields |= HAL_ACL_F_PROTOCOL;
    m.protocol = 1;
    assert_non_null(hal_acl_match_check(&m));
    m.protocol = 17;
    assert_null(hal_acl_match_check(&m));
    m.dst_port_min = 3;
    assert_string_equal(hal_acl_match_check(&m), "dest port range low > high");

    m = (struct hal_acl_match){ .fields =
                                    HAL_ACL_F_PROTOCOL | HAL_ACL_F_TCP_FLAGS,
                                .protocol = 6,
                                .tcp_flags = 0x12,
                                .tcp_flags_mask = 0x02 };
    assert_non_null(hal_acl_match_check(&m)); /* Flags outside the mask. */
    m.tcp_flags = 0x02;
    assert_null(hal_acl_match_check(&m));

    m = (struct hal_acl_match){ .fields = HAL_ACL_F_ETHERTYPE,
                                .ethertype = 0x0100 };
    assert_non_null(hal_acl_match_check(&m)); /* A length, not a type. */
}

/* An IPv4 TCP SYN and an ICMP echo request, parsed from bytes. */
static void
test_parse(void **state)
{
    static const uint8_t tcp[] = {
        /* Ethernet */
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
        /* IPv4: 20 bytes, TCP, 10.0.0.1 -> 10.0.0.2 */
        0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        /* TCP: 40000 -> 1500, SYN */
        0x9c, 0x40, 0x05, 0xdc, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
        0, 0, 0, 0
    };
    uint8_t icmp[14 + 20 + 8];
    struct hal_acl_packet p;

    (void) state;
    hal_acl_packet_parse(tcp, sizeof tcp, 0x0800, 14, &p);
    assert_true(p.is_ip && p.has_ports && p.is_tcp && !p.is_icmp);
    assert_int_equal(p.protocol, 6);
    assert_int_equal(p.src_port, 40000);
    assert_int_equal(p.dst_port, 1500);
    assert_int_equal(p.tcp_flags, 0x02);
    assert_int_equal(ntohl(p.dst_ip.v4.s_addr), 0x0a000002);
    assert_int_equal(p.src_mac.ea[5], 1);

    memcpy(icmp, tcp, 34);
    icmp[14 + 9] = 1;
    icmp[34] = 8; /* Echo request. */
    icmp[35] = 0;
    hal_acl_packet_parse(icmp, sizeof icmp, 0x0800, 14, &p);
    assert_true(p.is_icmp && !p.has_ports);
    assert_int_equal(p.icmp_type, 8);

    /* IPv6 UDP, the next header in the fixed header. */
    uint8_t v6[14 + 40 + 8] = { 0 };
    v6[14] = 0x60;
    v6[14 + 6] = 17;
    v6[14 + 23] = 1;
    v6[14 + 39] = 2;
    v6[54] = 0x00, v6[55] = 53, v6[56] = 0x04, v6[57] = 0x00;
    hal_acl_packet_parse(v6, sizeof v6, 0x86dd, 14, &p);
    assert_true(p.is_ip && p.has_ports && !p.is_tcp);
    assert_int_equal(p.src_ip.family, AF_INET6);
    assert_int_equal(p.src_port, 53);
    assert_int_equal(p.dst_port, 1024);
    struct hal_acl_match m6 = { .fields = HAL_ACL_F_DST_IP };
    assert_int_equal(hal_ip_from_string("::2", &m6.dst_ip), 0);
    assert_int_equal(hal_ip_from_string("ffff:ffff::", &m6.dst_mask), 0);
    assert_true(hal_acl_match_packet(&m6, &p));
    m6.dst_ip.v6.s6_addr[0] = 1;
    assert_false(hal_acl_match_packet(&m6, &p));

    /* Truncated: no L4, and a later fragment has no ports. */
    hal_acl_packet_parse(tcp, 14 + 20 + 2, 0x0800, 14, &p);
    assert_true(p.is_ip && !p.has_ports);
    uint8_t frag[sizeof tcp];
    memcpy(frag, tcp, sizeof tcp);
    frag[14 + 7] = 1;
    hal_acl_packet_parse(frag, sizeof frag, 0x0800, 14, &p);
    assert_true(p.is_ip && !p.has_ports);
}

/* Builds into 'f' an Ethernet + IPv6 frame whose fixed header's next
 * header is 'first', followed by the 'n' extension headers 'ext' (each
 * given as its type and length in bytes) and an upper-layer header of
 * type 'upper' with 8 bytes: ports 40000 -> 22 (TCP, SYN) or ICMPv6 echo
 * request.  'frag_off' is the fragment offset (in 8-byte units) of a
 * fragment header.  Returns the frame's length. */
static size_t
v6_chain(uint8_t *f, const uint8_t (*ext)[2], size_t n, uint8_t upper,
         uint16_t frag_off)
{
    size_t off = 14 + 40;

    memset(f, 0, 14 + 40);
    f[12] = 0x86, f[13] = 0xdd;
    f[14] = 0x60;
    f[14 + 6] = n ? ext[0][0] : upper;
    f[14 + 39] = 2;
    for (size_t i = 0; i < n; i++) {
        uint8_t type = ext[i][0], len = ext[i][1];

        memset(f + off, 0, len);
        f[off] = i + 1 < n ? ext[i + 1][0] : upper;
        if (type == 44) {
            f[off + 2] = (uint8_t) (frag_off >> 5);
            f[off + 3] = (uint8_t) (frag_off << 3) | 1;
        } else if (type == 51) {
            f[off + 1] = (uint8_t) (len / 4 - 2);
        } else {
            f[off + 1] = (uint8_t) (len / 8 - 1);
        }
        off += len;
    }
    memset(f + off, 0, 20);
    if (upper == 6) {
        f[off] = 0x9c, f[off + 1] = 0x40, f[off + 3] = 22;
        f[off + 12] = 0x50, f[off + 13] = 0x02;
        return off + 20;
    }
    f[off] = 128; /* ICMPv6 echo request. */
    return off + 8;
}

/* IPv6 extension headers are walked to the L4 header; a later fragment
 * has the protocol but no ports; too long a chain stops the walk. */
static void
test_parse_ipv6_ext(void **state)
{
    static const uint8_t hbh_dst[][2] = { { 0, 8 }, { 60, 16 } };
    static const uint8_t rt_ah[][2] = { { 43, 24 }, { 51, 12 } };
    static const uint8_t frag[][2] = { { 0, 8 }, { 44, 8 } };
    uint8_t deep[HAL_ACL_IPV6_MAX_EXT + 1][2];
    struct hal_acl_match ssh = {
        .fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT,
        .protocol = 6,
        .dst_port_min = 22,
        .dst_port_max = 22,
    };
    struct hal_acl_match tcp = { .fields = HAL_ACL_F_PROTOCOL, .protocol = 6 };
    struct hal_acl_match echo = { .fields =
                                      HAL_ACL_F_PROTOCOL | HAL_ACL_F_ICMP_TYPE,
                                  .protocol = 58,
                                  .icmp_type = 128 };
    uint8_t f[14 + 40 + 16 * 8 + 20];
    struct hal_acl_packet p;
    size_t len;

    (void) state;
    len = v6_chain(f, hbh_dst, 2, 6, 0);
    hal_acl_packet_parse(f, len, 0x86dd, 14, &p);
    assert_true(p.is_ip && p.has_ports && p.is_tcp);
    assert_int_equal(p.protocol, 6);
    assert_int_equal(p.dst_port, 22);
    assert_int_equal(p.tcp_flags, 0x02);
    assert_true(hal_acl_match_packet(&ssh, &p));

    len = v6_chain(f, rt_ah, 2, 58, 0);
    hal_acl_packet_parse(f, len, 0x86dd, 14, &p);
    assert_true(p.is_icmp && hal_acl_match_packet(&echo, &p));

    /* First fragment: L4; a later one: only L3 and the protocol. */
    len = v6_chain(f, frag, 2, 6, 0);
    hal_acl_packet_parse(f, len, 0x86dd, 14, &p);
    assert_true(p.has_ports && hal_acl_match_packet(&ssh, &p));
    len = v6_chain(f, frag, 2, 6, 185);
    hal_acl_packet_parse(f, len, 0x86dd, 14, &p);
    assert_true(p.is_ip && !p.has_ports && !p.is_tcp);
    assert_int_equal(p.protocol, 6);
    assert_false(hal_acl_match_packet(&ssh, &p));
    assert_true(hal_acl_match_packet(&tcp, &p));
    len = v6_chain(f, frag, 2, 58, 1);
    hal_acl_packet_parse(f, len, 0x86dd, 14, &p);
    assert_true(!p.is_icmp && !hal_acl_match_packet(&echo, &p));

    /* One header more than the bound: the walk stops there. */
    for (size_t i = 0; i < ARRAY_SIZE(deep); i++) {
        deep[i][0] = 60, deep[i][1] = 8;
    }
    len = v6_chain(f, deep, ARRAY_SIZE(deep), 6, 0);
    hal_acl_packet_parse(f, len, 0x86dd, 14, &p);
    assert_true(p.is_ip && !p.has_ports);
    assert_int_equal(p.protocol, 60);
    len = v6_chain(f, deep, ARRAY_SIZE(deep) - 1, 6, 0);
    hal_acl_packet_parse(f, len, 0x86dd, 14, &p);
    assert_true(p.has_ports && p.dst_port == 22);

    /* Truncated inside an extension header: no L4. */
    len = v6_chain(f, hbh_dst, 2, 6, 0);
    hal_acl_packet_parse(f, 14 + 40 + 8 + 10, 0x86dd, 14, &p);
    assert_true(p.is_ip && !p.has_ports);
    assert_int_equal(p.protocol, 60);
}

static void
test_dump(void **state)
{
    struct hal_acl_match m = { .fields =
                                   HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT,
                               .protocol = 6,
                               .dst_port_min = 1000,
                               .dst_port_max = 2000 };
    struct hal_acl_rule r = { 10, HAL_ACL_DENY, m };
    struct ds out = DS_EMPTY_INITIALIZER;
    struct topo t;
    hal_oid_t oid;

    (void) state;
    topo_open(&t);
    oid = table(&t, HAL_ACL_INGRESS, &r, 1, 0);
    acl_bind(&t, t.swp2, 10, HAL_ACL_INGRESS, oid);
    hal_dump_acl(t.f.hal, &out);
    assert_string_equal(ds_cstr(&out),
                        "tcam ingress: 8/64 entries\n"
                        "tcam egress: 0/32 entries\n"
                        "acl t ingress: 1 rules, 8 TCAM entries, 1 bindings\n"
                        "  seq 10     deny   hits=0 tcam=8 proto 6 "
                        "dport 1000-2000\n"
                        "binding swp2 vlan 10 ingress -> t\n");
    ds_destroy(&out);
    topo_close(&t);
}

/* Routes 'p' (to p->dst_ip) that came to the router on ls0; returns the
 * result's action. */
static enum hal_asic_l3_action
route(struct topo *t, const struct hal_acl_packet *p,
      struct hal_asic_route_result *res)
{
    hal_asic_route(t->f.asic, t->ls0, &p->src_ip, &p->dst_ip, 64, 100, 86,
                   false, 0, p, res, &t->d);
    return res->action;
}

/* ACLs on router interfaces: ingress before the lookup, egress on the
 * output interface, switched frames untouched, bindings gone with their
 * interface, and none without HAL_CAP_ACL_RIF. */
static void
test_router_interfaces(void **state)
{
    struct hal_router_config rc = { .name = "r", .mac = test_mac(100) };
    struct hal_acl_match http = { .fields =
                                      HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT,
                                  .protocol = 6,
                                  .dst_port_min = 80,
                                  .dst_port_max = 80 };
    struct hal_acl_rule deny = { 10, HAL_ACL_DENY, http };
    struct hal_acl_packet p80 = tcp_packet(2, 40000, 9, 80, 0x02);
    struct hal_acl_packet p81 = tcp_packet(2, 40000, 9, 81, 0x02);
    struct hal_rif_config c0 = { .prefix_len = 24 }, c1 = { .prefix_len = 24 };
    struct hal_route_entry r = { .prefix_len = 24 };
    struct hal_rneigh_entry n = { .mac = test_mac(9) };
    hal_oid_t router = HAL_OID_NULL, ls1, rif0, rif1, in, out;
    struct hal_asic_route_result res;
    struct hal_acl_binding b[2];
    struct hal_router_stats rs;
    uint64_t hits;
    struct topo t;
    int st[2];

    (void) state;
    topo_open(&t);
    /* r: 10.0.0.1/24 on ls0, 10.0.1.1/24 on ls1, host 10.0.1.9 on ls1. */
    ls1 = test_bridge(&t.f, "ls1", 5001, HAL_REPLICATION_SOURCE_NODE);
    assert_int_equal(hal_router_set(t.f.hal, &rc, &router), 0);
    c0.router = c1.router = router;
    c0.bridge = t.ls0;
    c1.bridge = ls1;
    assert_int_equal(hal_ip_from_string("10.0.0.1", &c0.ip), 0);
    assert_int_equal(hal_ip_from_string("10.0.1.1", &c1.ip), 0);
    assert_int_equal(hal_rif_create(t.f.hal, &c0, &rif0), 0);
    assert_int_equal(hal_rif_create(t.f.hal, &c1, &rif1), 0);
    r.router = router;
    r.nexthop = rif1;
    assert_int_equal(hal_ip_from_string("10.0.1.0", &r.prefix), 0);
    assert_int_equal(hal_route_set(t.f.hal, &r, 1, st), 0);
    n.rif = rif1;
    assert_int_equal(hal_ip_from_string("10.0.1.9", &n.ip), 0);
    assert_int_equal(hal_rneigh_set(t.f.hal, &n, 1, st), 0);
    p80.dst_ip = p81.dst_ip = n.ip;
    assert_int_equal(route(&t, &p80, &res), HAL_ASIC_L3_FORWARD);

    /* Ingress on ls0's interface: port 80 is dropped before the lookup,
     * 81 passes; a frame switched within ls0 is not the router's. */
    in = table(&t, HAL_ACL_INGRESS, &deny, 1, 0);
    acl_bind(&t, rif0, 0, HAL_ACL_INGRESS, in);
    assert_int_equal(route(&t, &p80, &res), HAL_ASIC_L3_DROP);
    assert_string_equal(res.drop_reason, "ACL deny (router ingress)");
    assert_int_equal(route(&t, &p81, &res), HAL_ASIC_L3_FORWARD);
    assert_true(passes(&t, &p80));
    assert_int_equal(hal_acl_counters_get(t.f.hal, in, &hits, 1), 0);
    assert_int_equal(hits, 1);
    assert_int_equal(hal_router_stats_get(t.f.hal, router, &rs), 0);
    assert_int_equal(rs.acl_denied_in, 1);
    assert_int_equal(rs.acl_denied_out, 0);
    assert_int_equal(rs.routed, 2);
    /* Not on the output interface's ingress: only where it came in. */
    b[0] = (struct hal_acl_binding){ rif0, 0, HAL_ACL_INGRESS, in };
    assert_int_equal(hal_acl_bind_remove(t.f.hal, b, 1, st), 0);
    acl_bind(&t, rif1, 0, HAL_ACL_INGRESS, in);
    assert_int_equal(route(&t, &p80, &res), HAL_ASIC_L3_FORWARD);

    /* Egress on ls1's interface, after the lookup. */
    out = table(&t, HAL_ACL_EGRESS, &deny, 1, 0);
    acl_bind(&t, rif1, 0, HAL_ACL_EGRESS, out);
    assert_int_equal(route(&t, &p80, &res), HAL_ASIC_L3_DROP);
    assert_string_equal(res.drop_reason, "ACL deny (router egress)");
    assert_int_equal(route(&t, &p81, &res), HAL_ASIC_L3_FORWARD);
    assert_int_equal(hal_router_stats_get(t.f.hal, router, &rs), 0);
    assert_int_equal(rs.acl_denied_in, 1);
    assert_int_equal(rs.acl_denied_out, 1);

    /* An interface binding has no VLAN. */
    b[0] = (struct hal_acl_binding){ rif0, 10, HAL_ACL_EGRESS, out };
    assert_int_equal(hal_acl_bind_set(t.f.hal, b, 1, st), -EINVAL);

    /* The interface goes: so do its bindings. */
    assert_int_equal(hal_rif_remove(t.f.hal, rif1), 0);
    b[0] = (struct hal_acl_binding){ rif1, 0, HAL_ACL_EGRESS, out };
    assert_int_equal(hal_acl_bind_remove(t.f.hal, b, 1, st), -ENOENT);

    /* Without HAL_CAP_ACL_RIF the HAL refuses interfaces itself, and the
     * ports of the same call are bound. */
    t.f.hal->capabilities &= ~HAL_CAP_ACL_RIF;
    b[0] = (struct hal_acl_binding){ rif0, 0, HAL_ACL_EGRESS, out };
    b[1] = (struct hal_acl_binding){ t.swp1, 0, HAL_ACL_EGRESS, out };
    assert_int_equal(hal_acl_bind_set(t.f.hal, b, 2, st), -EOPNOTSUPP);
    assert_int_equal(st[0], -EOPNOTSUPP);
    assert_int_equal(st[1], 0);
    topo_close(&t);
}

/* An ICMPv6 echo request 2001:db8:S::2 -> 'dst' (or, with 'tcp', a TCP
 * SYN to port 22), as hal_acl_packet_parse() sees it. */
static struct hal_acl_packet
v6_packet(const char *src, const char *dst, bool tcp)
{
    struct hal_acl_packet p = { .ethertype = 0x86dd, .is_ip = true };

    p.src_mac = test_mac(2);
    p.dst_mac = test_mac(100);
    assert_int_equal(hal_ip_from_string(src, &p.src_ip), 0);
    assert_int_equal(hal_ip_from_string(dst, &p.dst_ip), 0);
    if (tcp) {
        p.protocol = 6;
        p.has_ports = p.is_tcp = true;
        p.src_port = 40000;
        p.dst_port = 22;
        p.tcp_flags = 0x02;
    } else {
        p.protocol = 58;
        p.is_icmp = true;
        p.icmp_type = 128;
    }
    return p;
}

/* Adds an interface 'ip'/'len' of 'router' on 'bridge'. */
static hal_oid_t
rif_add(struct topo *t, hal_oid_t router, hal_oid_t bridge, const char *ip,
        uint8_t len)
{
    struct hal_rif_config c = { router, bridge, .prefix_len = len };
    hal_oid_t oid;

    assert_int_equal(hal_ip_from_string(ip, &c.ip), 0);
    assert_int_equal(hal_rif_create(t->f.hal, &c, &oid), 0);
    return oid;
}

/* Adds the connected route 'prefix'/'len' through 'rif' and the host 'ip'
 * (MAC 'mac') behind it. */
static void
connected(struct topo *t, hal_oid_t router, hal_oid_t rif, const char *prefix,
          uint8_t len, const char *ip, uint8_t mac)
{
    struct hal_route_entry r = { router, .prefix_len = len, .nexthop = rif };
    struct hal_rneigh_entry n = { rif, .mac = test_mac(mac) };
    int st;

    assert_int_equal(hal_ip_from_string(prefix, &r.prefix), 0);
    assert_int_equal(hal_route_set(t->f.hal, &r, 1, &st), 0);
    assert_int_equal(hal_ip_from_string(ip, &n.ip), 0);
    assert_int_equal(hal_rneigh_set(t->f.hal, &n, 1, &st), 0);
}

/* Routed IPv6 meets the ACLs of the IPv6 interfaces: an ICMPv6 deny by
 * source prefix on ls0's interface (ingress) and toward one host on ls1's
 * (egress), while TCP passes, IPv4 through the IPv4 interfaces of the same
 * bridges is not theirs, and the router counts each drop. */
static void
test_router_interfaces_ipv6(void **state)
{
    struct hal_router_config rc = { .name = "r", .mac = test_mac(100) };
    struct hal_acl_match icmp6 = { .fields = HAL_ACL_F_SRC_IP
                                             | HAL_ACL_F_PROTOCOL
                                             | HAL_ACL_F_ICMP_TYPE,
                                   .protocol = 58,
                                   .icmp_type = 128 };
    struct hal_acl_match to9 = { .fields =
                                     HAL_ACL_F_DST_IP | HAL_ACL_F_PROTOCOL,
                                 .protocol = 58 };
    struct hal_acl_rule deny_in = { 10, HAL_ACL_DENY, icmp6 };
    struct hal_acl_rule deny_out = { 10, HAL_ACL_DENY, to9 };
    struct hal_acl_packet echo9 =
        v6_packet("2001:db8:0::2", "2001:db8:1::9", false);
    struct hal_acl_packet echo8 =
        v6_packet("2001:db8:0::2", "2001:db8:1::8", false);
    struct hal_acl_packet ssh9 =
        v6_packet("2001:db8:0::2", "2001:db8:1::9", true);
    struct hal_acl_packet v4 = { .ethertype = 0x0800,
                                 .is_ip = true,
                                 .protocol = 1,
                                 .is_icmp = true,
                                 .icmp_type = 8 };
    hal_oid_t router = HAL_OID_NULL, ls1, v6in, v6out, v4out, in, out;
    struct hal_asic_route_result res;
    struct hal_router_stats rs;
    uint64_t hits[1];
    struct topo t;

    (void) state;
    topo_open(&t);
    ls1 = test_bridge(&t.f, "ls1", 5001, HAL_REPLICATION_SOURCE_NODE);
    assert_int_equal(hal_router_set(t.f.hal, &rc, &router), 0);
    rif_add(&t, router, t.ls0, "10.0.0.1", 24);
    v4out = rif_add(&t, router, ls1, "10.0.1.1", 24);
    v6in = rif_add(&t, router, t.ls0, "2001:db8:0::1", 64);
    v6out = rif_add(&t, router, ls1, "2001:db8:1::1", 64);
    connected(&t, router, v4out, "10.0.1.0", 24, "10.0.1.9", 9);
    connected(&t, router, v6out, "2001:db8:1::", 64, "2001:db8:1::9", 9);
    connected(&t, router, v6out, "2001:db8:1::", 64, "2001:db8:1::8", 8);
    assert_int_equal(hal_ip_from_string("10.0.0.2", &v4.src_ip), 0);
    assert_int_equal(hal_ip_from_string("10.0.1.9", &v4.dst_ip), 0);
    assert_int_equal(route(&t, &echo9, &res), HAL_ASIC_L3_FORWARD);

    /* Ingress: ICMPv6 echo from 2001:db8::/64 is denied before the
     * lookup, TCP to the same host passes. */
    deny_in.match.src_ip = echo9.src_ip;
    assert_int_equal(
        hal_ip_from_string("ffff:ffff:ffff:ffff::", &deny_in.match.src_mask),
        0);
    in = table(&t, HAL_ACL_INGRESS, &deny_in, 1, 0);
    acl_bind(&t, v6in, 0, HAL_ACL_INGRESS, in);
    assert_int_equal(route(&t, &echo9, &res), HAL_ASIC_L3_DROP);
    assert_string_equal(res.drop_reason, "ACL deny (router ingress)");
    assert_int_equal(route(&t, &ssh9, &res), HAL_ASIC_L3_FORWARD);
    /* IPv4 comes in by the IPv4 interface, which has no ACL. */
    assert_int_equal(route(&t, &v4, &res), HAL_ASIC_L3_FORWARD);
    assert_int_equal(hal_acl_counters_get(t.f.hal, in, hits, 1), 0);
    assert_int_equal(hits[0], 1);

    /* Egress: ICMPv6 toward ::9 only, after the lookup. */
    deny_out.match.dst_ip = echo9.dst_ip;
    deny_out.match.dst_mask.family = AF_INET6;
    memset(&deny_out.match.dst_mask.v6, 0xff, 16);
    out = table(&t, HAL_ACL_EGRESS, &deny_out, 1, 0);
    echo9.src_ip.v6.s6_addr[15] = 3;
    echo9.src_ip.v6.s6_addr[7] = 7; /* 2001:db8:0:7::3: not the ingress's. */
    acl_bind(&t, v6out, 0, HAL_ACL_EGRESS, out);
    assert_int_equal(route(&t, &echo9, &res), HAL_ASIC_L3_DROP);
    assert_string_equal(res.drop_reason, "ACL deny (router egress)");
    assert_int_equal(route(&t, &echo8, &res), HAL_ASIC_L3_DROP);
    assert_string_equal(res.drop_reason, "ACL deny (router ingress)");
    echo8.src_ip = echo9.src_ip;
    assert_int_equal(route(&t, &echo8, &res), HAL_ASIC_L3_FORWARD);
    assert_int_equal(route(&t, &v4, &res), HAL_ASIC_L3_FORWARD);

    assert_int_equal(hal_router_stats_get(t.f.hal, router, &rs), 0);
    assert_int_equal(rs.acl_denied_in, 2);
    assert_int_equal(rs.acl_denied_out, 1);
    assert_int_equal(rs.routed, 5);
    topo_close(&t);
}

/* A router interface binding is in chip memory too: after a warm restart
 * it filters before any replay. */
static void
test_router_interface_warm(void **state)
{
    struct hal_router_config rc = { .name = "r", .mac = test_mac(100) };
    struct hal_acl_match tcp = { .fields = HAL_ACL_F_PROTOCOL, .protocol = 6 };
    struct hal_acl_rule deny = { 10, HAL_ACL_DENY, tcp };
    struct hal_acl_packet p = tcp_packet(2, 40000, 9, 80, 0x02);
    struct hal_rif_config c0 = { .prefix_len = 24 }, c1 = { .prefix_len = 24 };
    struct hal_route_entry r = { .prefix_len = 24 };
    struct hal_rneigh_entry n = { .mac = test_mac(9) };
    struct ds before = DS_EMPTY_INITIALIZER, after = DS_EMPTY_INITIALIZER;
    hal_oid_t router = HAL_OID_NULL, ls1, rif0, rif1, in;
    struct hal_asic_route_result res;
    struct hal_router_stats rs;
    struct topo t;
    char file[64];
    int st;

    (void) state;
    snprintf(file, sizeof file, "/tmp/test-hal-acl-rif-%d.chip",
             (int) getpid());
    unlink(file);
    fixture_open(&t.f, "lab", file, false);
    t.ls0 = test_bridge(&t.f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    ls1 = test_bridge(&t.f, "ls1", 5001, HAL_REPLICATION_SOURCE_NODE);
    hal_asic_decision_init(&t.d);
    assert_int_equal(hal_router_set(t.f.hal, &rc, &router), 0);
    c0.router = c1.router = router;
    c0.bridge = t.ls0;
    c1.bridge = ls1;
    assert_int_equal(hal_ip_from_string("10.0.0.1", &c0.ip), 0);
    assert_int_equal(hal_ip_from_string("10.0.1.1", &c1.ip), 0);
    assert_int_equal(hal_rif_create(t.f.hal, &c0, &rif0), 0);
    assert_int_equal(hal_rif_create(t.f.hal, &c1, &rif1), 0);
    r.router = router;
    r.nexthop = rif1;
    assert_int_equal(hal_ip_from_string("10.0.1.0", &r.prefix), 0);
    assert_int_equal(hal_route_set(t.f.hal, &r, 1, &st), 0);
    n.rif = rif1;
    assert_int_equal(hal_ip_from_string("10.0.1.9", &n.ip), 0);
    assert_int_equal(hal_rneigh_set(t.f.hal, &n, 1, &st), 0);
    p.dst_ip = n.ip;
    in = table(&t, HAL_ACL_INGRESS, &deny, 1, 0);
    acl_bind(&t, rif0, 0, HAL_ACL_INGRESS, in);
    assert_int_equal(route(&t, &p, &res), HAL_ASIC_L3_DROP);
    hal_dump_acl(t.f.hal, &before);
    topo_close(&t);
    /* The router's counters are chip memory too: its ACL drop carries
     * on. */

    fixture_open(&t.f, "lab", file, false);
    assert_true(hal_is_warm(t.f.hal));
    t.ls0 = test_bridge(&t.f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    hal_asic_decision_init(&t.d);
    hal_dump_acl(t.f.hal, &after);
    assert_string_equal(ds_cstr(&before), ds_cstr(&after));
    assert_non_null(
        strstr(ds_cstr(&after), "binding rif r 10.0.0.1/24 ingress -> t\n"));
    assert_int_equal(route(&t, &p, &res), HAL_ASIC_L3_DROP);
    assert_string_equal(res.drop_reason, "ACL deny (router ingress)");
    assert_int_equal(hal_router_stats_get(t.f.hal, router, &rs), 0);
    assert_int_equal(rs.acl_denied_in, 2);
    topo_close(&t);
    unlink(file);
    ds_destroy(&before);
    ds_destroy(&after);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range_expansion),
        cmocka_unit_test(test_tcam_matches_reference),
        cmocka_unit_test(test_order_and_counters),
        cmocka_unit_test(test_tcam_full),
        cmocka_unit_test(test_warm_restart),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_ipv6_ext),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_router_interfaces),
        cmocka_unit_test(test_router_interfaces_ipv6),
        cmocka_unit_test(test_router_interface_warm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
