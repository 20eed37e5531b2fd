/* SPDX-License-Identifier: Apache-2.0 */
/* The lab's configuration language: one command per line, applied to a HAL
 * with the ordinary HAL calls, so that the dataplane can be driven before
 * (and without) the OVSDB reconciler.  vtep-sim reads these lines from its
 * --config file and from its control socket.
 *
 *   tunnel-ip IP                      switch: local VTEP address
 *   aging SECONDS                     switch: FDB aging time (0: never)
 *   bridge NAME VNI|none [source_node|service_node] [nolearning]
 *   bridge-remove NAME
 *   bind PORT VLAN BRIDGE             VLAN 0: untagged
 *   unbind PORT VLAN
 *   fdb-remote BRIDGE MAC IP          static entry behind a remote VTEP
 *   fdb-local BRIDGE MAC PORT VLAN    static entry on a local binding
 *   fdb-remove BRIDGE MAC
 *   flush [BRIDGE]                    forget learned entries
 *   flood BRIDGE [TYPE] [IP...]       flood list for TYPE (unknown-unicast,
 *                                     broadcast, unknown-multicast) or all
 *                                     three; no IP clears it
 *   link PORT up|down                 the port's link, until its interface's
 *                                     carrier next changes (sim/carrier.c)
 *   dump-fdb [BRIDGE] | dump-flood | dump-bindings | dump-ports | resources
 *   binding-stats PORT VLAN | tunnel-stats IP
 *
 * Blank lines and lines starting with '#' do nothing. */
#ifndef SIM_LAB_H
#define SIM_LAB_H 1

struct ds;
struct hal;

/* Executes the command 'line' on 'hal' (an asic backend for "link"),
 * appending its output, or a one-line error message, to 'out'.  Returns 0
 * or a negative errno. */
int sim_lab_exec(struct hal *hal, const char *line, struct ds *out);

#endif /* sim/lab.h */
