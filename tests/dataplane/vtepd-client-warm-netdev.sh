#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd-client-warm.sh with the netdev backend: the kernel's bridges and
# VXLAN devices forward while vtepd waits for the database, and the first
# sync reconciles them without a flush.
HAL=netdev
. tests/dataplane/vtepd-client-warm.sh
