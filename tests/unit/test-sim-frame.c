/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for sim/frame: Ethernet and 802.1Q parsing, tag insertion and
 * removal, the VXLAN header layout of RFC 7348, the UDP source port hash,
 * VXLAN validation and checksum completion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/frame.h"

static const uint8_t untagged[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* Destination. */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* Source. */
    0x08, 0x06,                         /* ARP. */
    0xaa, 0xbb,
};

static const uint8_t tagged[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* Destination. */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* Source. */
    0x81, 0x00, 0xa0, 0x14,             /* PCP 5, VLAN 20. */
    0x08, 0x00,                         /* IPv4. */
    0xcc,
};

/* Copies the gathered 'iov' into 'buf' and returns the length. */
static size_t
flatten(const struct iovec *iov, size_t n, uint8_t *buf, size_t size)
{
    size_t len = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        assert_true(len + iov[i].iov_len <= size);
        memcpy(buf + len, iov[i].iov_base, iov[i].iov_len);
        len += iov[i].iov_len;
    }
    return len;
}

static void
test_parse_untagged(void **state)
{
    struct sim_eth eth;

    assert_int_equal(sim_eth_parse(untagged, sizeof untagged, &eth), 0);
    assert_false(eth.tagged);
    assert_int_equal(eth.vlan, 0);
    assert_int_equal(eth.ethertype, 0x0806);
    assert_int_equal(eth.payload, 14);
    assert_true(hal_mac_is_broadcast(&eth.dst));
    assert_int_equal(eth.src.ea[5], 1);
}

static void
test_parse_tagged(void **state)
{
    struct sim_eth eth;

    assert_int_equal(sim_eth_parse(tagged, sizeof tagged, &eth), 0);
    assert_true(eth.tagged);
    assert_int_equal(eth.vlan, 20);
    assert_int_equal(eth.ethertype, 0x0800);
    assert_int_equal(eth.payload, 18);
    assert_int_equal(eth.dst.ea[5], 2);
}

static void
test_parse_priority_tag_is_untagged(void **state)
{
    uint8_t frame[sizeof tagged];
    struct sim_eth eth;

    memcpy(frame, tagged, sizeof frame);
    frame[14] = 0xe0; /* PCP 7, VLAN 0. */
    frame[15] = 0x00;
    assert_int_equal(sim_eth_parse(frame, sizeof frame, &eth), 0);
    assert_true(eth.tagged);
    assert_int_equal(eth.vlan, 0);
}

static void
test_parse_truncated(void **state)
{
    struct sim_eth eth;
    size_t len;

    for (len = 0; len < 14; len++) {
        assert_int_equal(sim_eth_parse(untagged, len, &eth), -EINVAL);
    }
    /* A TPID with no room for the TCI and EtherType. */
    for (len = 14; len < 18; len++) {
        assert_int_equal(sim_eth_parse(tagged, len, &eth), -EINVAL);
    }
    assert_int_equal(sim_eth_parse(tagged, 18, &eth), 0);
    assert_int_equal(sim_eth_parse(untagged, 14, &eth), 0);
}

static void
test_parse_garbage(void **state)
{
    uint8_t frame[64];
    struct sim_eth eth;
    uint32_t seed = 1;
    int round;

    /* Whatever the bytes, the parser stays inside them. */
    for (round = 0; round < 1000; round++) {
        size_t len = seed % sizeof frame;
        size_t i;

        for (i = 0; i < sizeof frame; i++) {
            seed = seed * 1103515245 + 12345;
            frame[i] = (uint8_t) (seed >> 16);
        }
        if (round % 2) {
            frame[12] = 0x81;
            frame[13] = 0x00;
        }
        if (!sim_eth_parse(frame, len, &eth)) {
            assert_true(eth.payload <= len);
            assert_true(eth.vlan <= HAL_VLAN_MAX);
        }
    }
}

static void
test_retag_insert(void **state)
{
    uint8_t out[64], tag[SIM_VLAN_HLEN];
    struct iovec iov[3];
    struct sim_eth eth;
    size_t n, len;

    assert_int_equal(sim_eth_parse(untagged, sizeof untagged, &eth), 0);
    n = sim_eth_retag(untagged, sizeof untagged, &eth, 300, tag, iov);
    assert_int_equal(n, 3);
    len = flatten(iov, n, out, sizeof out);
    assert_int_equal(len, sizeof untagged + 4);
    assert_memory_equal(out, untagged, 12);
    assert_int_equal(out[12], 0x81);
    assert_int_equal(out[13], 0x00);
    assert_int_equal(out[14], 0x01); /* 300 = 0x12c. */
    assert_int_equal(out[15], 0x2c);
    assert_memory_equal(out + 16, untagged + 12, sizeof untagged - 12);
}

static void
test_retag_strip_and_replace(void **state)
{
    uint8_t out[64], tag[SIM_VLAN_HLEN];
    struct iovec iov[3];
    struct sim_eth eth;
    size_t n, len;

    assert_int_equal(sim_eth_parse(tagged, sizeof tagged, &eth), 0);

    n = sim_eth_retag(tagged, sizeof tagged, &eth, 0, tag, iov);
    assert_int_equal(n, 2);
    len = flatten(iov, n, out, sizeof out);
    assert_int_equal(len, sizeof tagged - 4);
    assert_memory_equal(out, tagged, 12);
    assert_memory_equal(out + 12, tagged + 16, sizeof tagged - 16);

    n = sim_eth_retag(tagged, sizeof tagged, &eth, 4095, tag, iov);
    len = flatten(iov, n, out, sizeof out);
    assert_int_equal(len, sizeof tagged);
    assert_int_equal(out[14], 0x0f);
    assert_int_equal(out[15], 0xff);
    assert_memory_equal(out + 16, tagged + 16, sizeof tagged - 16);
}

static void
test_vxlan_encap_layout(void **state)
{
    uint8_t hdr[SIM_ENCAP_HLEN];
    static const uint8_t expected[SIM_ENCAP_HLEN] = {
        /* UDP: source 50000, destination 4789, length 8+8+60, csum 0. */
        0xc3,
        0x50,
        0x12,
        0xb5,
        0x00,
        0x4c,
        0x00,
        0x00,
        /* VXLAN: I flag, reserved, VNI 0x123456, reserved. */
        0x08,
        0x00,
        0x00,
        0x00,
        0x12,
        0x34,
        0x56,
        0x00,
    };

    assert_int_equal(sim_vxlan_encap(hdr, 50000, 4789, 0x123456, 60), 0);
    assert_memory_equal(hdr, expected, sizeof hdr);

    assert_int_equal(sim_vxlan_encap(hdr, 50000, 4789, HAL_VNI_MAX, 60), 0);
    assert_int_equal(hdr[12], 0xff);
    assert_int_equal(hdr[15], 0x00);
    assert_int_equal(sim_vxlan_encap(hdr, 50000, 4789, HAL_VNI_MAX + 1, 60),
                     -EINVAL);
    assert_int_equal(sim_vxlan_encap(hdr, 1, 4789, 1, 65535 - 16), 0);
    assert_int_equal(sim_vxlan_encap(hdr, 1, 4789, 1, 65535 - 15), -EINVAL);
}

static void
test_vxlan_sport(void **state)
{
    uint8_t frame[64];
    struct sim_eth eth;
    uint16_t first, sport;
    bool varied = false;
    int i;

    memset(frame, 0, sizeof frame);
    memcpy(frame, tagged, sizeof tagged);
    frame[18] = 0x45; /* IPv4, IHL 5, UDP. */
    frame[18 + 9] = 17;
    assert_int_equal(sim_eth_parse(frame, sizeof frame, &eth), 0);
    first = sim_vxlan_sport(frame, sizeof frame, &eth);
    for (i = 0; i < 256; i++) {
        frame[18 + 20] = (uint8_t) i; /* The inner UDP source port. */
        sport = sim_vxlan_sport(frame, sizeof frame, &eth);
        assert_true(sport >= SIM_VXLAN_SPORT_MIN);
        /* Stable for a flow. */
        assert_int_equal(sport, sim_vxlan_sport(frame, sizeof frame, &eth));
        varied |= sport != first;
    }
    assert_true(varied);
    /* Frames too short for an IP header still get a port. */
    assert_int_equal(sim_eth_parse(tagged, sizeof tagged, &eth), 0);
    assert_true(sim_vxlan_sport(tagged, sizeof tagged, &eth)
                >= SIM_VXLAN_SPORT_MIN);
}

static void
test_vxlan_decap(void **state)
{
    uint8_t pkt[SIM_VXLAN_HLEN + sizeof untagged];
    uint32_t vni = 0;
    size_t len;

    memset(pkt, 0, SIM_VXLAN_HLEN);
    memcpy(pkt + SIM_VXLAN_HLEN, untagged, sizeof untagged);
    pkt[0] = SIM_VXLAN_FLAG_I;
    pkt[4] = 0x00;
    pkt[5] = 0x01;
    pkt[6] = 0x2c;
    pkt[7] = 0xee; /* Reserved: ignored. */
    assert_int_equal(sim_vxlan_decap(pkt, sizeof pkt, &vni), 0);
    assert_int_equal(vni, 300);

    /* Reserved flag bits are ignored on receipt. */
    pkt[0] = 0xff;
    assert_int_equal(sim_vxlan_decap(pkt, sizeof pkt, &vni), 0);

    /* Without the I flag the VNI is not valid. */
    pkt[0] = 0xf7;
    assert_int_equal(sim_vxlan_decap(pkt, sizeof pkt, &vni), -EBADMSG);

    /* Too short for VXLAN plus an Ethernet header. */
    pkt[0] = SIM_VXLAN_FLAG_I;
    for (len = 0; len < SIM_VXLAN_HLEN + 14; len++) {
        assert_int_equal(sim_vxlan_decap(pkt, len, &vni), -EINVAL);
    }
}

static void
test_csum_complete(void **state)
{
    /* An ICMP-like header whose checksum covers bytes 2..9; the field at
     * offset 2 starts at zero (no pseudo-header). */
    uint8_t buf[10] = { 0xee, 0xee, 0x08, 0x00, 0x00,
                        0x00, 0x12, 0x34, 0x00, 0x01 };

    assert_int_equal(sim_csum_complete(buf, sizeof buf, 2, 2), 0);
    /* 0x0800 + 0x1234 + 0x0001 = 0x1a35; ~ = 0xe5ca. */
    assert_int_equal(buf[4], 0xe5);
    assert_int_equal(buf[5], 0xca);
    assert_int_equal(sim_csum_complete(buf, sizeof buf, 9, 0), -EINVAL);
    assert_int_equal(sim_csum_complete(buf, sizeof buf, 11, 0), -EINVAL);
    assert_int_equal(sim_csum_complete(buf, sizeof buf, 2, 7), -EINVAL);
    assert_int_equal(sim_csum_complete(buf, sizeof buf, 2, SIZE_MAX), -EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_untagged),
        cmocka_unit_test(test_parse_tagged),
        cmocka_unit_test(test_parse_priority_tag_is_untagged),
        cmocka_unit_test(test_parse_truncated),
        cmocka_unit_test(test_parse_garbage),
        cmocka_unit_test(test_retag_insert),
        cmocka_unit_test(test_retag_strip_and_replace),
        cmocka_unit_test(test_vxlan_encap_layout),
        cmocka_unit_test(test_vxlan_sport),
        cmocka_unit_test(test_vxlan_decap),
        cmocka_unit_test(test_csum_complete),
    };

    return cmocka_run_group_tests_name("sim/frame", tests, NULL, NULL);
}
