/* SPDX-License-Identifier: Apache-2.0 */
/* Open vSwitch's tools resolve a relative socket name against their run
 * directory ($OVS_RUNDIR, default /var/run/openvswitch): "vtep-ctl
 * --db=unix:run/db.sock" connects to RUNDIR/run/db.sock, and "ovs-appctl -t
 * run/vtepd.ctl" reads the pid from RUNDIR/run/vtepd.ctl.pid and connects
 * to RUNDIR/run/vtepd.ctl.PID.ctl.  So that those commands work as written
 * from the directory vtepd runs in, vtepd publishes each socket it serves
 * under a relative name there too: a symbolic link to the real socket (and,
 * for the control socket, the pid file ovs-appctl reads).  Everything
 * published is removed at exit. */
#ifndef VTEPD_OVS_RUNDIR_H
#define VTEPD_OVS_RUNDIR_H 1

/* Publishes the database socket 'path' (relative names only; absolute
 * ones need nothing).  Failure is logged, not fatal. */
void ovs_rundir_publish_socket(const char *path);
/* Publishes the control socket 'path' for "ovs-appctl -t PATH". */
void ovs_rundir_publish_unixctl(const char *path);
/* Removes everything published that still points at this process. */
void ovs_rundir_unpublish(void);

#endif /* vtepd/ovs-rundir.h */
