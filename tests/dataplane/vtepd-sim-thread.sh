#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vtepd-sim.sh with vtepd's software dataplane in a thread of its own
# (--dataplane-thread=idle): forwarding, learning into the database through
# the control thread, aging and replication across the chip lock.
VTEPD_DATAPLANE_THREAD=${VTEPD_DATAPLANE_THREAD:-idle} \
    exec bash tests/dataplane/vtepd-sim.sh "$@"
