/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for sim/frame: Ethernet and 802.1Q parsing, tag insertion and
 * removal, the VXLAN header layout of RFC 7348, the UDP source port hash,
 * VXLAN validation, checksum completion, TCP segmentation and IPv4
 * fragmentation. */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/csum.h"
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

/* ---- Offloads: checked against a plain big-endian RFC 1071 sum. ---- */

static uint32_t
ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    if (len & 1) {
        sum += (uint32_t) p[len - 1] << 8;
    }
    return sum;
}

static uint16_t
ref_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) sum;
}

/* True if the IPv4 ('v6' false) or IPv6 TCP/UDP packet after the 14-byte
 * Ethernet header of 'frame' has a correct L4 checksum. */
static bool
l4_csum_ok(const uint8_t *frame, size_t len, bool v6, uint8_t proto)
{
    const uint8_t *ip = frame + 14;
    size_t l4 = v6 ? 40 : (size_t) (ip[0] & 0x0f) * 4;
    size_t l4_len = len - 14 - l4;
    uint32_t sum = v6 ? ref_sum(ip + 8, 32, 0) : ref_sum(ip + 12, 8, 0);

    sum += proto + (uint32_t) l4_len;
    return ref_fold(ref_sum(ip + l4, l4_len, sum)) == 0xffff;
}

/* Writes an Ethernet + IPv4 (or IPv6) + TCP frame with 'payload' bytes of
 * payload and TCP flags 'flags' into 'buf'; returns its length.  The TCP
 * checksum field holds the pseudo-header sum, as a sender leaves it. */
static size_t
make_tcp(uint8_t *buf, bool v6, size_t payload, uint8_t flags)
{
    size_t l3 = v6 ? 40 : 20, len = 14 + l3 + 20 + payload;
    uint8_t *ip = buf + 14, *tcp = ip + l3;
    uint32_t sum;
    size_t i;

    memset(buf, 0, len);
    memcpy(buf, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
    buf[12] = v6 ? 0x86 : 0x08;
    buf[13] = v6 ? 0xdd : 0x00;
    if (v6) {
        ip[0] = 0x60;
        ip[4] = (uint8_t) ((20 + payload) >> 8);
        ip[5] = (uint8_t) (20 + payload);
        ip[6] = 6;
        ip[7] = 64;
        ip[23] = 1;
        ip[39] = 2;
    } else {
        ip[0] = 0x45;
        ip[2] = (uint8_t) ((l3 + 20 + payload) >> 8);
        ip[3] = (uint8_t) (l3 + 20 + payload);
        ip[4] = 0x12; /* ID 0x1234. */
        ip[5] = 0x34;
        ip[6] = 0x40; /* DF. */
        ip[8] = 64;
        ip[9] = 6;
        memcpy(ip + 12, "\x0a\0\0\x01\x0a\0\0\x02", 8);
    }
    tcp[1] = 80;
    tcp[3] = 81;
    memcpy(tcp + 4, "\xff\xff\xff\x00", 4); /* Wraps. */
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    for (i = 0; i < payload; i++) {
        tcp[20 + i] = (uint8_t) (i * 7 + 3);
    }
    sum = v6 ? ref_sum(ip + 8, 32, 0) : ref_sum(ip + 12, 8, 0);
    sum = ref_fold(sum + 6 + 20 + (uint32_t) payload);
    tcp[16] = (uint8_t) (sum >> 8);
    tcp[17] = (uint8_t) sum;
    return len;
}

static void
check_tso(bool v6)
{
    static uint8_t frame[14 + 40 + 20 + 2500], seg[14 + 40 + 20 + 1000];
    size_t len = make_tcp(frame, v6, 2500, 0x80 | 0x08 | 0x01 | 0x10);
    size_t l4 = 14 + (v6 ? 40 : 20);
    struct sim_tso tso;
    size_t k;

    assert_int_equal(sim_tso_init(&tso, frame, len, l4 + 1, 1000), -EINVAL);
    assert_int_equal(sim_tso_init(&tso, frame, len, l4, 0), -EINVAL);
    assert_int_equal(sim_tso_init(&tso, frame, len, 0, 1000), 0);
    assert_int_equal(sim_tso_init(&tso, frame, len, l4, 1000), 0);
    assert_int_equal(sim_tso_count(&tso), 3);
    for (k = 0; k < 3; k++) {
        size_t n = sim_tso_segment(&tso, k, seg);
        size_t plen = k < 2 ? 1000 : 500;
        uint8_t *tcp = seg + l4;
        uint32_t seq = 0xffffff00 + (uint32_t) (k * 1000);

        assert_int_equal(n, l4 + 20 + plen);
        assert_memory_equal(tcp + 20, frame + l4 + 20 + k * 1000, plen);
        assert_int_equal((uint32_t) tcp[4] << 24 | (uint32_t) tcp[5] << 16
                             | (uint32_t) tcp[6] << 8 | tcp[7],
                         seq);
        /* CWR on the first only, FIN and PSH on the last only, ACK on
         * all. */
        assert_int_equal(tcp[13], k == 0 ? 0x90 : k == 1 ? 0x10 : 0x19);
        if (v6) {
            assert_int_equal(seg[18] << 8 | seg[19], 20 + plen);
        } else {
            assert_int_equal(seg[16] << 8 | seg[17], 40 + plen);
            assert_int_equal(seg[18] << 8 | seg[19], 0x1234 + k);
            assert_int_equal(ref_fold(ref_sum(seg + 14, 20, 0)), 0xffff);
        }
        assert_true(l4_csum_ok(seg, n, v6, 6));
    }
}

static void
test_tso_ipv4(void **state)
{
    check_tso(false);
}

static void
test_tso_ipv6(void **state)
{
    check_tso(true);
}

/* The segment 'k' of the super-frame 'f' ('len' bytes, IP header at
 * 'l3', TCP at 'l4', payload at 'hdr') as the copying segmentation of the
 * fourth round of issue 22 cut it: headers and payload copied into 'out',
 * headers fixed, checksums summed over the copy.  Returns its length. */
static size_t
ref_segment(const uint8_t *f, size_t len, size_t l3, size_t l4, size_t hdr,
            size_t mss, bool v6, size_t k, uint8_t *out)
{
    size_t n = len > hdr ? (len - hdr + mss - 1) / mss : 1;
    size_t start = hdr + k * mss;
    size_t plen = k + 1 < n ? mss : len - start;
    size_t seg_len = hdr + plen, tcp_len = seg_len - l4;
    uint8_t *ip = out + l3, *tcp = out + l4;
    uint32_t seq, sum;
    uint16_t v;

    memcpy(out, f, hdr);
    memcpy(out + hdr, f + start, plen);
    seq = (uint32_t) tcp[4] << 24 | (uint32_t) tcp[5] << 16
          | (uint32_t) tcp[6] << 8 | tcp[7];
    seq += (uint32_t) (k * mss);
    tcp[4] = (uint8_t) (seq >> 24);
    tcp[5] = (uint8_t) (seq >> 16);
    tcp[6] = (uint8_t) (seq >> 8);
    tcp[7] = (uint8_t) seq;
    if (k + 1 < n) {
        tcp[13] &= (uint8_t) ~0x09;
    }
    if (k) {
        tcp[13] &= (uint8_t) ~0x80;
    }
    if (v6) {
        ip[4] = (uint8_t) ((seg_len - l3 - 40) >> 8);
        ip[5] = (uint8_t) (seg_len - l3 - 40);
        sum = ref_sum(ip + 8, 32, 0);
    } else {
        ip[2] = (uint8_t) ((seg_len - l3) >> 8);
        ip[3] = (uint8_t) (seg_len - l3);
        v = (uint16_t) ((ip[4] << 8 | ip[5]) + k);
        ip[4] = (uint8_t) (v >> 8);
        ip[5] = (uint8_t) v;
        ip[10] = ip[11] = 0;
        v = (uint16_t) ~ref_fold(ref_sum(ip, l4 - l3, 0));
        ip[10] = (uint8_t) (v >> 8);
        ip[11] = (uint8_t) v;
        sum = ref_sum(ip + 12, 8, 0);
    }
    sum += 6 + (uint32_t) tcp_len;
    tcp[16] = tcp[17] = 0;
    v = (uint16_t) ~ref_fold(ref_sum(tcp, tcp_len, sum));
    tcp[16] = (uint8_t) (v >> 8);
    tcp[17] = (uint8_t) v;
    return seg_len;
}

/* Segments built by sim_tso_segment() and gathered from
 * sim_tso_segment_hdr() and the payload in place are byte for byte those
 * of the copying reference: IPv4 and IPv6, tagged or not, with TCP
 * options, for odd and even payload lengths and sizes. */
static void
test_tso_matches_reference(void **state)
{
    static const size_t payloads[] = { 0, 1, 999, 1000, 1001, 4097, 17377 };
    static const size_t msses[] = { 1, 7, 536, 1000, 1448, 8948 };
    static uint8_t frame[18 + 40 + 32 + 17377], seg[sizeof frame],
        ref[sizeof frame], gathered[sizeof frame];
    size_t a, b, c, i, k;

    for (a = 0; a < 4; a++) {
        bool v6 = a & 1, tag = a & 2;

        for (b = 0; b < sizeof payloads / sizeof *payloads; b++) {
            for (c = 0; c < sizeof msses / sizeof *msses; c++) {
                size_t pl = payloads[b], mss = msses[c], len, l3, l4, n;
                struct sim_tso tso;

                if (mss == 1 && pl > 1001) {
                    continue; /* Enough segments already. */
                }
                /* 12 bytes of options (NOP, NOP, timestamps) before the
                 * payload, which the tag, if any, shifts by 4. */
                len = make_tcp(frame, v6, pl + 12, 0x80 | 0x08 | 0x01 | 0x10);
                l3 = 14;
                l4 = l3 + (v6 ? 40 : 20);
                memcpy(frame + l4 + 20, "\x01\x01\x08\x0a", 4);
                for (i = 0; i < 8; i++) {
                    frame[l4 + 24 + i] = (uint8_t) (0xa5 ^ (i * 31));
                }
                frame[l4 + 12] = 8 << 4;
                for (i = 0; i < pl; i++) {
                    frame[l4 + 32 + i] = (uint8_t) (i * 131 + b + c);
                }
                if (tag) {
                    memmove(frame + 16, frame + 12, len - 12);
                    memcpy(frame + 12, "\x81\x00\x00\x14", 4);
                    len += 4;
                    l3 += 4;
                    l4 += 4;
                }
                assert_int_equal(
                    sim_tso_init(&tso, frame, len, 0, (uint16_t) mss), 0);
                assert_int_equal(tso.hdr, l4 + 32);
                n = sim_tso_count(&tso);
                assert_int_equal(n, pl ? (pl + mss - 1) / mss : 1);
                for (k = 0; k < n; k++) {
                    size_t rlen = ref_segment(frame, len, l3, l4, l4 + 32, mss,
                                              v6, k, ref);
                    const uint8_t *payload;
                    size_t plen, glen;

                    assert_int_equal(sim_tso_segment(&tso, k, seg), rlen);
                    assert_memory_equal(seg, ref, rlen);
                    glen = sim_tso_segment_hdr(&tso, k, gathered, &payload,
                                               &plen);
                    assert_int_equal(glen, rlen);
                    assert_int_equal(tso.hdr + plen, rlen);
                    assert_true(payload >= frame
                                && payload + plen <= frame + len);
                    memcpy(gathered + tso.hdr, payload, plen);
                    assert_memory_equal(gathered, ref, rlen);
                }
            }
        }
    }
}

static void
test_tso_refuses(void **state)
{
    uint8_t frame[14 + 20 + 20 + 10];
    size_t len = make_tcp(frame, false, 10, 0x10);
    struct sim_tso tso;

    frame[14 + 9] = 17; /* UDP. */
    assert_int_equal(sim_tso_init(&tso, frame, len, 0, 4), -EINVAL);
    frame[14 + 9] = 6;
    frame[14 + 7] = 8; /* A fragment. */
    assert_int_equal(sim_tso_init(&tso, frame, len, 0, 4), -EINVAL);
    frame[14 + 7] = 0;
    frame[14 + 20 + 12] = 15 << 4; /* TCP header past the end. */
    assert_int_equal(sim_tso_init(&tso, frame, len, 0, 4), -EINVAL);
    assert_int_equal(sim_tso_init(&tso, untagged, sizeof untagged, 0, 4),
                     -EINVAL);
}

static void
test_csum_fix_inner(void **state)
{
    uint8_t frame[14 + 40 + 20 + 101], good[sizeof frame];
    struct sim_eth eth;
    size_t len;

    /* A partial checksum is completed, IPv4 and IPv6, odd lengths. */
    len = make_tcp(frame, false, 101, 0x18);
    assert_int_equal(sim_eth_parse(frame, len, &eth), 0);
    assert_false(l4_csum_ok(frame, len, false, 6));
    assert_int_equal(sim_csum_fix_inner(frame, len, &eth), 1);
    assert_true(l4_csum_ok(frame, len, false, 6));
    /* A complete one is left alone. */
    memcpy(good, frame, len);
    assert_int_equal(sim_csum_fix_inner(frame, len, &eth), 0);
    assert_memory_equal(frame, good, len);
    /* So is a wrong one that is not a partial sum (a corrupt frame). */
    frame[len - 1] ^= 0x40;
    memcpy(good, frame, len);
    assert_int_equal(sim_csum_fix_inner(frame, len, &eth), 0);
    assert_memory_equal(frame, good, len);

    len = make_tcp(frame, true, 101, 0x18);
    assert_int_equal(sim_eth_parse(frame, len, &eth), 0);
    assert_int_equal(sim_csum_fix_inner(frame, len, &eth), 1);
    assert_true(l4_csum_ok(frame, len, true, 6));

    /* Ethernet padding after the IPv4 packet is not summed. */
    len = make_tcp(frame, false, 2, 0x18);
    memset(frame + len, 0xa5, 6);
    assert_int_equal(sim_eth_parse(frame, len + 6, &eth), 0);
    assert_int_equal(sim_csum_fix_inner(frame, len + 6, &eth), 1);
    assert_true(l4_csum_ok(frame, len, false, 6));

    /* Not TCP/UDP over IP. */
    assert_int_equal(sim_eth_parse(untagged, sizeof untagged, &eth), 0);
    assert_int_equal(
        sim_csum_fix_inner((uint8_t *) untagged, sizeof untagged, &eth),
        -EINVAL);
}

/* ---- IPv4 fragmentation ---------------------------------- */

/* Writes into 'f' an Ethernet frame with an IPv4 packet of 'payload' data
 * bytes (byte i of the data is i * 7), header options 'opts' ('n_opts'
 * bytes, a multiple of 4), the fragment field 'frag'.  Returns its
 * length. */
static size_t
ipv4_frame(uint8_t *f, size_t payload, const uint8_t *opts, size_t n_opts,
           uint16_t frag)
{
    size_t hl = 20 + n_opts, i;
    uint8_t *ip = f + 14;

    memset(f, 0, 14 + hl);
    memcpy(f, "\x02\x00\x00\x00\x00\x09\x02\x00\x00\x00\x00\x01", 12);
    f[12] = 0x08;
    ip[0] = (uint8_t) (0x40 | hl / 4);
    ip[2] = (uint8_t) ((hl + payload) >> 8);
    ip[3] = (uint8_t) (hl + payload);
    ip[4] = 0x12; /* Identification. */
    ip[5] = 0x34;
    ip[6] = (uint8_t) (frag >> 8);
    ip[7] = (uint8_t) frag;
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, "\x0a\x01\x00\x0a\x0a\x02\x00\x0a", 8);
    if (n_opts) {
        memcpy(ip + 20, opts, n_opts);
    }
    ip[10] = ip[11] = 0;
    {
        uint16_t c = csum_rfc1071(ip, hl);

        ip[10] = (uint8_t) (c >> 8);
        ip[11] = (uint8_t) c;
    }
    for (i = 0; i < payload; i++) {
        ip[hl + i] = (uint8_t) (i * 7);
    }
    return 14 + hl + payload;
}

/* Cuts 'f' ('len' bytes) for 'mtu' into 'n' fragments and checks each:
 * at most 'mtu' bytes of IP, the header fields the original had, a valid
 * checksum, data a multiple of 8 but in the last, offsets that follow on
 * from 'first_off' (in 8-byte units), More Fragments on all but the last
 * (which has 'last_mf'), header length 'hl' in the first and 'later_hl'
 * in the rest, and together the original data. */
static void
check_fragments(const uint8_t *f, size_t len, uint32_t mtu, size_t n,
                uint16_t first_off, bool last_mf, size_t hl, size_t later_hl)
{
    size_t hl0 = (size_t) (f[14] & 15) * 4, total = len - 14 - hl0, got = 0;
    uint8_t frag[14 + 1500];
    size_t i;

    assert_int_equal(sim_ipv4_fragment_count(f, len, 14, mtu), n);
    for (i = 0; i < n; i++) {
        size_t flen = sim_ipv4_fragment(f, len, 14, mtu, i, frag);
        const uint8_t *ip = frag + 14;
        size_t fhl = (size_t) (ip[0] & 15) * 4;
        size_t data = (size_t) (ip[2] << 8 | ip[3]) - fhl;
        uint16_t field = (uint16_t) (ip[6] << 8 | ip[7]);

        assert_true(flen > 14 && flen - 14 <= mtu);
        assert_int_equal(flen, 14 + fhl + data);
        assert_memory_equal(frag, f, 14);
        assert_int_equal(ip[0] >> 4, 4);
        assert_int_equal(fhl, i ? later_hl : hl);
        assert_memory_equal(ip + 4, f + 14 + 4, 2); /* Identification. */
        assert_memory_equal(ip + 8, f + 14 + 8, 2); /* TTL, protocol. */
        assert_memory_equal(ip + 12, f + 14 + 12, 8);
        assert_int_equal(csum_rfc1071(ip, fhl), 0);
        assert_int_equal(field & 0x1fff, first_off + got / 8);
        assert_int_equal((field & 0x2000) != 0, i + 1 < n || last_mf);
        assert_int_equal(field & 0x4000, 0);
        if (i + 1 < n) {
            assert_int_equal(data % 8, 0);
        }
        assert_memory_equal(ip + fhl, f + 14 + hl0 + got, data);
        got += data;
    }
    assert_int_equal(got, total);
    assert_int_equal(sim_ipv4_fragment(f, len, 14, mtu, n, frag), 0);
}

static void
test_fragment_plain(void **state)
{
    uint8_t f[14 + 2000];
    size_t len = ipv4_frame(f, 1980, NULL, 0, 0);

    (void) state;
    /* 1480 + 500, as Linux cuts 2000 bytes for 1500. */
    check_fragments(f, len, 1500, 2, 0, false, 20, 20);
    /* The tunnel's 1450: 1424 + 556. */
    check_fragments(f, len, 1450, 2, 0, false, 20, 20);
    /* Small: 576 leaves 552 per fragment, 4 of them. */
    check_fragments(f, len, 576, 4, 0, false, 20, 20);
}

static void
test_fragment_options(void **state)
{
    /* Router alert (copied), a NOP and an empty record route (not). */
    static const uint8_t opts[8] = { 0x94, 4, 0, 0, 1, 7, 3, 4 };
    uint8_t f[14 + 128], frag[14 + 1500];
    size_t len = ipv4_frame(f, 100, opts, sizeof opts, 0);

    (void) state;
    /* MTU 56: 24 bytes after the first 28-byte header, 32 after the
     * later 24-byte ones: 24 + 32 + 32 + 12. */
    check_fragments(f, len, 56, 4, 0, false, 28, 24);
    sim_ipv4_fragment(f, len, 14, 56, 1, frag);
    assert_memory_equal(frag + 14 + 20, opts, 4);
    /* The first keeps every option. */
    sim_ipv4_fragment(f, len, 14, 56, 0, frag);
    assert_memory_equal(frag + 14 + 20, opts, sizeof opts);
}

static void
test_fragment_of_fragment(void **state)
{
    uint8_t f[14 + 2000];
    /* A middle fragment: offset 100 units, More Fragments set. */
    size_t len = ipv4_frame(f, 1600, NULL, 0, 0x2000 | 100);

    (void) state;
    check_fragments(f, len, 1500, 2, 100, true, 20, 20);
    /* The last one: no More Fragments to keep. */
    len = ipv4_frame(f, 1600, NULL, 0, 100);
    check_fragments(f, len, 1500, 2, 100, false, 20, 20);
}

static void
test_fragment_refuses(void **state)
{
    static const uint8_t bad_opt[4] = { 0x94, 0, 0, 0 };
    uint8_t f[14 + 2048], frag[14 + 1500];
    size_t len = ipv4_frame(f, 1980, NULL, 0, 0);

    (void) state;
    /* Not 8 bytes of data after the header. */
    assert_int_equal(sim_ipv4_fragment_count(f, len, 14, 27), 0);
    assert_int_equal(sim_ipv4_fragment(f, len, 14, 27, 0, frag), 0);
    assert_int_equal(sim_ipv4_fragment_count(f, len, 14, 28), 248);
    /* A total length past the frame, an option of length 0, not IPv4. */
    assert_int_equal(sim_ipv4_fragment_count(f, len - 1, 14, 1500), 0);
    len = ipv4_frame(f, 1980, bad_opt, sizeof bad_opt, 0);
    assert_int_equal(sim_ipv4_fragment_count(f, len, 14, 1500), 0);
    len = ipv4_frame(f, 1980, NULL, 0, 0);
    f[14] = 0x65;
    assert_int_equal(sim_ipv4_fragment_count(f, len, 14, 1500), 0);
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
        cmocka_unit_test(test_tso_ipv4),
        cmocka_unit_test(test_tso_ipv6),
        cmocka_unit_test(test_tso_matches_reference),
        cmocka_unit_test(test_tso_refuses),
        cmocka_unit_test(test_csum_fix_inner),
        cmocka_unit_test(test_fragment_plain),
        cmocka_unit_test(test_fragment_options),
        cmocka_unit_test(test_fragment_of_fragment),
        cmocka_unit_test(test_fragment_refuses),
    };

    return cmocka_run_group_tests_name("sim/frame", tests, NULL, NULL);
}
