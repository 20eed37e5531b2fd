#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ARP and ND suppression on the netdev backend: the kernel bridge answers
# (neigh_suppress on the VXLAN port).  See vtepd-arp.sh.
VTEPD_ARP_HAL=netdev
. tests/dataplane/vtepd-arp.sh
