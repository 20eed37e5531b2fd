#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The controller side of tests/soak/soak.sh, over raw JSON-RPC.

  soak_controller.py churn SOCKET STATE SECONDS
      Until SECONDS have passed: waves of Ucast_Macs_Remote inserts and
      deletes on logical switches red and blue (one transaction a wave, a
      durable commit every few), a monitor on the MAC tables that must see
      every wave, short-lived extra monitors, and a reconnect every few
      waves.  Reconnects by itself when vtepd restarts.  Keeps in STATE
      (JSON, rewritten after each wave) the remote MACs the database must
      hold: those of acknowledged inserts, less acknowledged deletes; a
      wave whose reply never came is "uncertain" (either outcome is right).

  soak_controller.py verify SOCKET STATE CTL [hal]
      Checks that the database holds exactly STATE's MACs (no row lost,
      none resurrected: a wave answered with an error must have changed
      nothing), and that the HAL (ovs-appctl -t CTL hal/dump-fdb) agrees
      with the database: remote entries with Ucast_Macs_Remote, learned
      entries with Ucast_Macs_Local.  With "hal", only the latter.  Prints
      what differs; exits 1 if anything does.
"""
import json
import os
import random
import socket
import subprocess
import sys
import time

SWITCHES = ("red", "blue")
REMOTES = ("10.99.0.1", "10.99.0.5", "10.99.0.6")
POOL = 2000  # MACs per switch the waves draw from.
WAVE = 100  # Rows a wave inserts (and about as many it deletes).
TIMEOUT = 20.0


class Closed(Exception):
    """The connection closed: a request's outcome is unknown."""


class RpcError(Exception):
    """The server answered a request with an error: it did nothing."""


class Session:
    """One JSON-RPC connection: requests with replies, notifications kept
    for the caller, echo requests answered."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(path)
        self.buf = ""
        self.next_id = 1
        self.updates = []
        self.decoder = json.JSONDecoder()

    def close(self):
        self.sock.close()

    def _read(self):
        while True:
            self.buf = self.buf.lstrip()
            if self.buf:
                try:
                    msg, end = self.decoder.raw_decode(self.buf)
                    self.buf = self.buf[end:]
                    return msg
                except json.JSONDecodeError:
                    pass
            try:
                data = self.sock.recv(1 << 20)
            except OSError as e:
                raise Closed(str(e))
            if not data:
                raise Closed("connection closed")
            self.buf += data.decode()

    def _send(self, msg):
        try:
            self.sock.sendall(json.dumps(msg).encode())
        except OSError as e:
            raise Closed(str(e))

    def call(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self._send({"id": rid, "method": method, "params": params})
        while True:
            msg = self._read()
            if msg.get("method") == "echo" and msg.get("id") is not None:
                self._send({"id": msg["id"], "result": msg["params"],
                            "error": None})
            elif msg.get("method") in ("update", "update2", "update3"):
                self.updates.append(msg)
            elif msg.get("id") == rid:
                if msg.get("error"):
                    raise RpcError(msg["error"])
                return msg["result"]

    def transact(self, *ops):
        return self.call("transact", ["hardware_vtep"] + list(ops))


def select(s, table, columns, where=()):
    r = s.transact({"op": "select", "table": table, "where": list(where),
                    "columns": columns})
    return r[0]["rows"]


def uuid_map(s, table, key):
    return {r[key]: r["_uuid"][1]
            for r in select(s, table, ["_uuid", key])}


def locators(s):
    """For each of REMOTES, a reference to its vxlan locator for an
    operation of the next wave, and the ops that make the missing ones (a
    locator nothing refers to is garbage collected, so it is made in the
    wave that refers to it)."""
    have = {r["dst_ip"]: ["uuid", r["_uuid"][1]]
            for r in select(s, "Physical_Locator", ["_uuid", "dst_ip"])}
    refs, ops = {}, []
    for i, ip in enumerate(REMOTES):
        if ip in have:
            refs[ip] = have[ip]
        else:
            refs[ip] = ["named-uuid", "loc%d" % i]
            ops.append({"op": "insert", "table": "Physical_Locator",
                        "uuid-name": "loc%d" % i,
                        "row": {"dst_ip": ip,
                                "encapsulation_type": "vxlan_over_ipv4"}})
    return refs, ops


def mac(ls, i):
    return "02:5a:%02x:%02x:%02x:%02x" % (
        SWITCHES.index(ls), (i >> 16) & 255, (i >> 8) & 255, i & 255)


def load_state(path):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {"macs": {}, "uncertain": {}, "waves": 0, "acked": 0,
            "failed": 0, "lost_replies": 0, "reconnects": 0,
            "updates": 0, "errors": []}


def save_state(path, state):
    with open(path + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(path + ".tmp", path)


def make_wave(rng, state, ls_uuid, s):
    """Returns (ops, inserts {key: ip}, deletes [key]) for one wave."""
    locs, ops = locators(s)
    ins, dels = {}, []
    for ls in SWITCHES:
        present = [k for k in state["macs"] if k.startswith(ls + "/")]
        for k in rng.sample(present, min(len(present), WAVE // 4)):
            dels.append(k)
            ops.append({"op": "delete", "table": "Ucast_Macs_Remote",
                        "where": [["MAC", "==", k.split("/")[1]],
                                  ["logical_switch", "==",
                                   ["uuid", ls_uuid[ls]]]]})
        for _ in range(WAVE // 2):
            m = mac(ls, rng.randrange(POOL))
            k = ls + "/" + m
            if k in state["macs"] or k in ins or k in dels:
                continue
            ip = rng.choice(REMOTES)
            ins[k] = ip
            ops.append({"op": "insert", "table": "Ucast_Macs_Remote",
                        "row": {"MAC": m,
                                "logical_switch": ["uuid", ls_uuid[ls]],
                                "locator": locs[ip]}})
    return ops, ins, dels


def apply_wave(s, state, ops, ins, dels, durable):
    """Runs one wave; records its outcome in 'state'."""
    if durable:
        ops = ops + [{"op": "commit", "durable": True}]
    try:
        result = s.transact(*ops)
    except RpcError as e:
        # A durable commit that could not be made durable, for instance:
        # as in ovsdb-server, it must not have been applied.
        result = [{"error": e.args[0]}]
    except Closed:
        state["lost_replies"] += 1
        for k, ip in ins.items():
            state["uncertain"][k] = ip
        for k in dels:
            state["uncertain"][k] = state["macs"].pop(k)
        raise
    errors = [r for r in result if isinstance(r, dict) and "error" in r]
    if errors:
        state["failed"] += 1
        state.setdefault("failed_keys", {}).update(
            dict.fromkeys(list(ins) + dels, errors[0]["error"]))
        if len(state["errors"]) < 20:
            state["errors"].append(errors[0])
        return
    state["acked"] += 1
    for k in dels:
        state["macs"].pop(k, None)
    state["macs"].update(ins)


def resolve_uncertain(s, state):
    """Settles the waves whose reply was lost, from what the database
    holds now (a restart has made it durable, or not)."""
    if not state["uncertain"]:
        return
    have = db_macs(s)
    for k, ip in state["uncertain"].items():
        if have.get(k) == ip:
            state["macs"][k] = ip
    state["uncertain"] = {}


def db_macs(s):
    """{"LS/MAC": locator IP} of Ucast_Macs_Remote; the IPs joined with
    "+" if several rows have the same MAC (nothing in the schema forbids
    it, but the soak's controller never makes two)."""
    ls_name = {u: n for n, u in uuid_map(s, "Logical_Switch", "name").items()}
    loc_ip = {r["_uuid"][1]: r["dst_ip"]
              for r in select(s, "Physical_Locator", ["_uuid", "dst_ip"])}
    out = {}
    for r in select(s, "Ucast_Macs_Remote",
                    ["MAC", "logical_switch", "locator"]):
        k = ls_name.get(r["logical_switch"][1], "?") + "/" + r["MAC"]
        ip = loc_ip.get(r["locator"][1], "?")
        out[k] = "+".join(sorted(out[k].split("+") + [ip])) if k in out \
            else ip
    return out


def connect(path, deadline):
    """A session with a monitor on the MAC tables, retrying while vtepd
    restarts."""
    while True:
        try:
            s = Session(path)
            s.call("monitor_cond", ["hardware_vtep", "soak", {
                "Ucast_Macs_Remote": [{"columns": ["MAC"]}],
                "Ucast_Macs_Local": [{"columns": ["MAC"]}]}])
            return s
        except (OSError, Closed):
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def extra_monitors(path):
    """A few short-lived monitors, as controllers that come and go."""
    for i in range(3):
        m = Session(path)
        m.call("monitor", ["hardware_vtep", ["m", i], {
            "Ucast_Macs_Remote": {"columns": ["MAC", "locator"]},
            "Physical_Locator": {}}])
        m.close()


def churn(path, state_path, seconds):
    rng = random.Random(int(os.environ.get("SOAK_SEED", "1")))
    deadline = time.time() + seconds
    state = load_state(state_path)
    s = None
    while time.time() < deadline:
        try:
            if s is None:
                s = connect(path, deadline + 30)
                ls_uuid = uuid_map(s, "Logical_Switch", "name")
                resolve_uncertain(s, state)
            ops, ins, dels = make_wave(rng, state, ls_uuid, s)
            seen = len(s.updates)
            apply_wave(s, state, ops, ins, dels,
                       durable=state["waves"] % 5 == 0)
            state["waves"] += 1
            # The monitor's update comes before the reply (RFC 7047).
            if len(s.updates) > seen:
                state["updates"] += 1
            if state["waves"] % 7 == 0:
                extra_monitors(path)
            if state["waves"] % 11 == 0:
                s.close()
                s = None
                state["reconnects"] += 1
        except (Closed, OSError, RpcError, RuntimeError) as e:
            if s is not None:
                s.close()
            s = None
            state["reconnects"] += 1
            if not isinstance(e, (Closed, OSError)) \
                    and len(state["errors"]) < 20:
                state["errors"].append(str(e))
            time.sleep(0.2)
        save_state(state_path, state)
        time.sleep(float(os.environ.get("SOAK_WAVE_PAUSE", "0.2")))
    if s is not None:
        s.close()
    save_state(state_path, state)
    print("churn: %(waves)d waves, %(acked)d acknowledged, %(failed)d "
          "failed, %(lost_replies)d replies lost, %(reconnects)d "
          "reconnects, %(updates)d seen by the monitor" % state)
    print("churn: %d remote MACs expected" % len(state["macs"]))
    for e in state["errors"][:5]:
        print("churn: error: %s" % json.dumps(e)[:300])


def hal_fdb(ctl):
    """{"LS/MAC": "remote=IP" or "learned"} from hal/dump-fdb."""
    out = subprocess.run(["ovs-appctl", "-t", ctl, "hal/dump-fdb"],
                         check=True, capture_output=True, text=True).stdout
    fdb = {}
    for line in out.splitlines()[1:]:
        f = line.split()
        if len(f) < 5:
            continue
        ls, m, dest, kind = f[0], f[2], f[3], f[-1]
        if dest.startswith("remote="):
            fdb[ls + "/" + m] = dest.split(",")[0]
        elif kind == "learned":
            fdb[ls + "/" + m] = "learned"
    return fdb


def diff(what, want, have, failed_keys):
    bad = 0
    for k in sorted(set(want) | set(have)):
        if want.get(k) != have.get(k):
            bad += 1
            if bad <= 10:
                print("verify: %s: %s: expected %s, found %s%s"
                      % (what, k, want.get(k), have.get(k),
                         " (in a wave that failed: %s)" % failed_keys[k]
                         if k in failed_keys else ""))
    print("verify: %s: %d entries, %d differ" % (what, len(want), bad))
    return bad


def verify(path, state_path, ctl, hal_only):
    state = load_state(state_path)
    s = connect(path, time.time() + 30)
    have = db_macs(s)
    bad = 0
    if not hal_only:
        resolve_uncertain(s, state)
        ours = {k: ip for k, ip in have.items() if "/02:5a:" in k}
        bad += diff("database vs acknowledged", state["macs"], ours,
                    state.get("failed_keys", {}))
    ls_name = {u: n for n, u in uuid_map(s, "Logical_Switch", "name").items()}
    local = {ls_name.get(r["logical_switch"][1], "?") + "/" + r["MAC"]:
             "learned"
             for r in select(s, "Ucast_Macs_Local", ["MAC", "logical_switch"])}
    s.close()
    want = {k: "remote=" + ip for k, ip in have.items()}
    want.update(local)
    # The lab's own entries (lab_attach) are in the database too.
    bad += diff("HAL vs database", want, hal_fdb(ctl),
                state.get("failed_keys", {}))
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "churn":
        churn(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "verify":
        sys.exit(verify(sys.argv[2], sys.argv[3], sys.argv[4],
                        sys.argv[5:] == ["hal"]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
