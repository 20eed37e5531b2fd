#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Raw Ethernet helper for the dataplane tests: sends frames and talks IPv4
over 802.1Q tagged frames through an AF_PACKET socket, because this kernel
has no 8021q module to make a VLAN interface.

  sim-frames.py send IFACE SRC_MAC DST_MAC [VLAN [INNER_VLAN]]
      Sends one frame (EtherType 0x88b5, local experimental) from SRC_MAC
      to DST_MAC, tagged with VLAN if given and nonzero (VLAN "p": a
      priority tag, VLAN ID 0), and then with INNER_VLAN if given (a
      double-tagged frame).

  sim-frames.py vlan-ping IFACE VLAN MAC IP PEER_IP
      As host MAC/IP on VLAN: resolves PEER_IP with a tagged ARP request,
      then pings it with a tagged ICMP echo request.  Succeeds only if both
      replies come back tagged with VLAN.  Prints one line per step.

  sim-frames.py arp-request IFACE SRC_MAC SPA TPA [VLAN]
      Broadcasts one ARP request for TPA from SRC_MAC and SPA, as another
      VTEP's router asks (Arp_Sources_Remote), and returns; untagged, or
      tagged with VLAN as for send (VLAN "p": a priority tag).

  sim-frames.py udp-send IFACE SRC_MAC DST_MAC SRC_IP DST_IP good|bad
      Sends one untagged IPv4 UDP packet from port 40000 to port 5998,
      its IPv4 header checksum right (good) or wrong (bad).

  sim-frames.py tso-send IFACE VLAN SRC_MAC DST_MAC SRC_IP DST_IP MSS LEN
      Sends one TCP super-frame (IPv4, tagged with VLAN if nonzero) of LEN
      payload bytes from port 40000 to port 5999, as a guest hands one to
      a virtio-net device: with a virtio-net header asking for
      segmentation into MSS-byte segments and a partial checksum.

  sim-frames.py tso-receive IFACE SRC_IP LEN SECONDS
      Collects the TCP payload to port 5999 from SRC_IP, however the
      segments come, for up to SECONDS; succeeds if all LEN bytes of
      tso-send's payload arrived, in untagged frames.  Prints what came.

The kernel may strip a received tag into metadata (veths do), so replies
are read with PACKET_AUXDATA and the tag is taken from there or from the
frame bytes.
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 1 << 4


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def tagged(dst, src, vlan, ethertype, payload):
    hdr = dst + src
    if vlan:
        hdr += struct.pack("!HH", 0x8100, vlan)
    return hdr + struct.pack("!H", ethertype) + payload


def open_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, 0))
    return s


def receive(s, deadline):
    """Yields (vlan, frame without tag) for each incoming frame."""
    while time.time() < deadline:
        s.settimeout(max(0.01, deadline - time.time()))
        try:
            data, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(64))
        except socket.timeout:
            return
        if addr[2] == PACKET_OUTGOING:
            continue
        vlan = 0
        for level, kind, cdata in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA:
                status, _, _, _, _, tci = struct.unpack_from("IIIHHH", cdata)
                if status & TP_STATUS_VLAN_VALID:
                    vlan = tci & 0xfff
        if vlan == 0 and len(data) >= 18 and data[12:14] == b"\x81\x00":
            vlan = struct.unpack_from("!H", data, 14)[0] & 0xfff
            data = data[:12] + data[16:]
        yield vlan, data


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def arp_request_body(mac, spa, tpa):
    """The ARP payload of a request for IPv4 address TPA (4 bytes) from MAC
    and SPA."""
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, spa,
                       b"\0" * 6, tpa)


def arp_resolve(s, vlan, mac, ip, peer_ip):
    bcast = b"\xff" * 6
    s.send(tagged(bcast, mac, vlan, 0x0806,
                  arp_request_body(mac, ip, peer_ip)))
    for rx_vlan, frame in receive(s, time.time() + 2):
        if len(frame) < 42 or frame[12:14] != b"\x08\x06":
            continue
        op, sha, spa = struct.unpack_from("!H6s4s", frame, 20)
        if op == 2 and spa == peer_ip and frame[0:6] == mac:
            return rx_vlan, sha
    return None, None


def icmp_echo(s, vlan, mac, ip, peer_mac, peer_ip):
    ident, seq = 0x5e5e, 1
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"vtep-sim" * 4
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0x4000,
                      64, 1, 0, ip, peer_ip)
    iph = iph[:10] + struct.pack("!H", checksum(iph)) + iph[12:]
    s.send(tagged(peer_mac, mac, vlan, 0x0800, iph + icmp))
    for rx_vlan, frame in receive(s, time.time() + 2):
        if len(frame) < 42 or frame[12:14] != b"\x08\x00":
            continue
        ihl = (frame[14] & 0x0f) * 4
        if frame[23] != 1 or frame[26:30] != peer_ip or frame[30:34] != ip:
            continue
        itype, _, _, rid, rseq = struct.unpack_from("!BBHHH", frame,
                                                    14 + ihl)
        if itype == 0 and rid == ident and rseq == seq:
            return rx_vlan
    return None


def vlan_ping(iface, vlan, mac, ip, peer_ip):
    vlan = int(vlan)
    mac = mac_bytes(mac)
    ip = socket.inet_aton(ip)
    peer_ip = socket.inet_aton(peer_ip)
    s = open_socket(iface)
    ok = True

    rx_vlan, peer_mac = arp_resolve(s, vlan, mac, ip, peer_ip)
    if peer_mac is None:
        print("arp: no reply")
        return 1
    print("arp: reply from %s on vlan %d" % (peer_mac.hex(":"), rx_vlan))
    ok &= rx_vlan == vlan
    rx_vlan = icmp_echo(s, vlan, mac, ip, peer_mac, peer_ip)
    if rx_vlan is None:
        print("icmp: no reply")
        return 1
    print("icmp: echo reply on vlan %d" % rx_vlan)
    ok &= rx_vlan == vlan
    return 0 if ok else 1


def tagged_arg(dst, src, vlan, ethertype, payload):
    """tagged(), with VLAN as the command line gives it: a number, or "p"
    for a priority tag (VLAN ID 0)."""
    frame = tagged(dst, src, 0 if vlan == "p" else int(vlan), ethertype,
                   payload)
    if vlan == "p":
        frame = frame[:12] + struct.pack("!HH", 0x8100, 0) + frame[12:]
    return frame


def send(iface, src, dst, vlan="0", inner=None):
    s = open_socket(iface)
    payload = b"vtep-sim test frame".ljust(46, b"\0")
    ethertype = 0x88b5
    if inner is not None:
        payload = struct.pack("!HH", int(inner), ethertype) + payload
        ethertype = 0x8100
    s.send(tagged_arg(mac_bytes(dst), mac_bytes(src), vlan, ethertype,
                      payload))
    return 0


def arp_request(iface, src, spa, tpa, vlan="0"):
    mac = mac_bytes(src)
    arp = arp_request_body(mac, socket.inet_aton(spa), socket.inet_aton(tpa))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.send(tagged_arg(b"\xff" * 6, mac, vlan, 0x0806, arp + bytes(18)))
    return 0


def udp_send(iface, src, dst, src_ip, dst_ip, csum):
    data = b"vtep-sim udp test"
    udp = struct.pack("!HHHH", 40000, 5998, 8 + len(data), 0) + data
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64,
                         17, 0, socket.inet_aton(src_ip),
                         socket.inet_aton(dst_ip))
    good = checksum(header)
    header = header[:10] + struct.pack(
        "!H", good if csum == "good" else good ^ 0x5a5a) + header[12:]
    s = open_socket(iface)
    s.send(tagged(mac_bytes(dst), mac_bytes(src), 0, 0x0800, header + udp))
    return 0


PACKET_VNET_HDR = 15
TSO_SPORT, TSO_DPORT, TSO_SEQ = 40000, 5999, 1000000


def tso_payload(length):
    return bytes((i * 7 + i // 251) & 0xff for i in range(length))


def tso_send(iface, vlan, src, dst, src_ip, dst_ip, mss, length):
    vlan, mss, length = int(vlan), int(mss), int(length)
    src_ip, dst_ip = socket.inet_aton(src_ip), socket.inet_aton(dst_ip)
    payload = tso_payload(length)
    tcp_len = 20 + length
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + tcp_len, 0x1000,
                      0x4000, 64, 6, 0, src_ip, dst_ip)
    iph = iph[:10] + struct.pack("!H", checksum(iph)) + iph[12:]
    # A partial checksum, as a sender with checksum offload leaves it: the
    # pseudo-header's sum, not complemented.
    pseudo = ~checksum(src_ip + dst_ip + struct.pack("!BBH", 0, 6, tcp_len))
    tcp = struct.pack("!HHIIBBHHH", TSO_SPORT, TSO_DPORT, TSO_SEQ, 1, 0x50,
                      0x18, 65535, pseudo & 0xffff, 0)
    l3 = 14 + (4 if vlan else 0)
    # struct virtio_net_hdr: NEEDS_CSUM, GSO_TCPV4, hdr_len, gso_size,
    # csum_start, csum_offset (little-endian, as on x86).
    vnet = struct.pack("<BBHHHH", 1, 1, l3 + 40, mss, l3 + 20, 16)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.bind((iface, 0))
    s.send(vnet + tagged(mac_bytes(dst), mac_bytes(src), vlan, 0x0800,
                         iph + tcp + payload))
    return 0


def tso_receive(iface, src_ip, length, seconds):
    src_ip, length = socket.inet_aton(src_ip), int(length)
    want = tso_payload(length)
    got = bytearray(length)
    have = set()
    frames = tagged_frames = 0
    s = open_socket(iface)
    for vlan, frame in receive(s, time.time() + float(seconds)):
        if len(frame) < 54 or frame[12:14] != b"\x08\x00":
            continue
        ihl = (frame[14] & 0x0f) * 4
        tcp = 14 + ihl
        if frame[23] != 6 or frame[26:30] != src_ip:
            continue
        sport, dport, seq = struct.unpack_from("!HHI", frame, tcp)
        if (sport, dport) != (TSO_SPORT, TSO_DPORT):
            continue
        frames += 1
        tagged_frames += vlan != 0
        end = 14 + struct.unpack_from("!H", frame, 16)[0]
        data = frame[tcp + (frame[tcp + 12] >> 4) * 4:end]
        off = seq - TSO_SEQ
        if off < 0 or off + len(data) > length:
            continue
        got[off:off + len(data)] = data
        have.update(range(off, off + len(data)))
        if len(have) == length:
            break
    print("tso-receive: %d of %d bytes in %d frames, %d tagged, %s"
          % (len(have), length, frames, tagged_frames,
             "intact" if bytes(got) == want else "corrupt"))
    return 0 if len(have) == length and bytes(got) == want \
        and not tagged_frames else 1


def main(argv):
    if len(argv) >= 4 and argv[1] == "send":
        return send(*argv[2:])
    if len(argv) == 7 and argv[1] == "vlan-ping":
        return vlan_ping(*argv[2:])
    if len(argv) in (6, 7) and argv[1] == "arp-request":
        return arp_request(*argv[2:])
    if len(argv) == 8 and argv[1] == "udp-send":
        return udp_send(*argv[2:])
    if len(argv) == 10 and argv[1] == "tso-send":
        return tso_send(*argv[2:])
    if len(argv) == 6 and argv[1] == "tso-receive":
        return tso_receive(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
