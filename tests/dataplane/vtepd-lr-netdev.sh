#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Logical routers on the netdev backend: a VRF per router, the kernel
# routes.  On a kernel without VRF, lr_support_fault and a SKIP.  See
# vtepd-lr.sh.
VTEPD_LR_HAL=netdev
. tests/dataplane/vtepd-lr.sh
