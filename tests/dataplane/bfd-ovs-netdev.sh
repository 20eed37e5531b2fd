#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bfd-ovs.sh with the netdev backend: vtepd's sessions run beside the
# kernel's VXLAN devices (an AF_PACKET socket for VNI 0 in, a UDP socket
# out; docs/bfd.md), against ovs-vswitchd on its userspace datapath.
BFD_HAL=netdev exec bash tests/dataplane/bfd-ovs.sh
