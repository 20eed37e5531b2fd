#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# sim-tcp.sh with every port reading a block ring (VTEP_SIM_RING=block,
# sim/port.h): TCP both ways between ports and to the kernel VXLAN
# hypervisor, with checksum offload and TSO super-frames, must pass as it
# does with the default ring, and the ports must really read block rings.
export VTEP_SIM_RING=block
. tests/dataplane/sim-tcp.sh
