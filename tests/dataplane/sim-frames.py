#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Raw Ethernet helper for the dataplane tests: sends frames and talks IPv4
over 802.1Q tagged frames through an AF_PACKET socket, because this kernel
has no 8021q module to make a VLAN interface.

  sim-frames.py send IFACE SRC_MAC DST_MAC [VLAN]
      Sends one frame (EtherType 0x88b5, local experimental) from SRC_MAC
      to DST_MAC, tagged with VLAN if given and nonzero.

  sim-frames.py vlan-ping IFACE VLAN MAC IP PEER_IP
      As host MAC/IP on VLAN: resolves PEER_IP with a tagged ARP request,
      then pings it with a tagged ICMP echo request.  Succeeds only if both
      replies come back tagged with VLAN.  Prints one line per step.

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


def arp_resolve(s, vlan, mac, ip, peer_ip):
    bcast = b"\xff" * 6
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, ip,
                      b"\0" * 6, peer_ip)
    s.send(tagged(bcast, mac, vlan, 0x0806, arp))
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


def send(iface, src, dst, vlan="0"):
    s = open_socket(iface)
    payload = b"vtep-sim test frame".ljust(46, b"\0")
    s.send(tagged(mac_bytes(dst), mac_bytes(src), int(vlan), 0x88b5,
                  payload))
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "send":
        return send(*argv[2:])
    if len(argv) == 7 and argv[1] == "vlan-ping":
        return vlan_ping(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
