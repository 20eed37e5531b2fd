#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd-sim.sh with vtepd's software dataplane in the control thread's loop
# (--dataplane-thread=off) rather than in a thread of its own (the
# default): forwarding, learning, aging and replication without the chip
# lock.
VTEPD_DATAPLANE_THREAD=off exec bash tests/dataplane/vtepd-sim.sh "$@"
