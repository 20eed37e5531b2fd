/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance cases: learning, aging, moves, flushes, link events and the
 * delivery rules (batches, order, never inside another call). */
#include <string.h>

#include "hal/conformance/kit.h"

static void
learn_learned(struct kit *k)
{
    const struct hal_event *ev;
    struct hal_fdb_entry e;
    struct hal_mac mac = kit_mac(1);
    hal_oid_t a;

    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 1), 0);
    KIT_REQUIRE(k, kit_events_count(k, HAL_EVENT_FDB_LEARNED, &mac, &ev) == 1,
                "no FDB_LEARNED event after a frame from a new MAC");
    KIT_REQUIRE(k,
                ev->fdb.bridge == a && ev->fdb.port == k->port[0]
                    && ev->fdb.vlan == 0,
                "FDB_LEARNED names the wrong bridge, port or VLAN");
    KIT_REQUIRE(k, kit_fdb_find(k, a, &mac, &e) && e.type == HAL_FDB_LEARNED,
                "the learned entry is not in hal_fdb_walk() as learned");
}

static void
learn_moved(struct kit *k)
{
    const struct hal_event *ev;
    struct hal_mac mac = kit_mac(1);
    hal_oid_t a;

    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 1), 0);
    kit_events_clear(k);
    KIT_EXPECT(k, kit_learn(k, 1, 0, 1), 0);
    KIT_REQUIRE(k, kit_events_count(k, HAL_EVENT_FDB_MOVED, &mac, &ev) == 1,
                "no FDB_MOVED event when the MAC showed up on another port");
    KIT_REQUIRE(k,
                ev->fdb.port == k->port[1] && ev->fdb.old_port == k->port[0],
                "FDB_MOVED has the wrong new or old port");
}

static void
learn_aged(struct kit *k)
{
    struct hal_fdb_entry e;
    struct hal_switch_config sw;
    struct hal_mac mac = kit_mac(1);
    hal_oid_t a;

    hal_switch_get(k->hal, &sw);
    sw.aging_time_s = 2;
    KIT_EXPECT(k, hal_switch_set(k->hal, &sw), 0);
    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 1), 0);
    kit_events_clear(k);
    kit_run(k, 1000);
    KIT_REQUIRE(k, !kit_events_count(k, HAL_EVENT_FDB_AGED, &mac, NULL),
                "the entry aged after 1 s of a 2 s aging time");
    /* Software aging follows the kit's clock; a chip or kernel that ages
     * on its own reports through its descriptor, so wait on that too. */
    for (int i = 0;
         i < 6 && !kit_events_count(k, HAL_EVENT_FDB_AGED, &mac, NULL); i++) {
        kit_wait(k, 1000);
        kit_run(k, 1000);
    }
    KIT_REQUIRE(k, kit_events_count(k, HAL_EVENT_FDB_AGED, &mac, NULL) == 1,
                "no FDB_AGED event 7 s after learning with a 2 s aging time");
    KIT_REQUIRE(k, !kit_fdb_find(k, a, &mac, &e),
                "the aged entry is still in hal_fdb_walk() (%s on port "
                "%#llx)",
                e.type == HAL_FDB_LEARNED ? "learned" : "static",
                (unsigned long long) e.port);
}

static void
fdb_flush(struct kit *k)
{
    struct hal_fdb_flush filter = { HAL_OID_NULL, HAL_OID_NULL };
    struct hal_fdb_entry st_entry;
    struct hal_mac m1 = kit_mac(1), m2 = kit_mac(2);
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 1), 0);
    KIT_EXPECT(k, kit_learn(k, 1, 0, 2), 0);
    st_entry = kit_remote(a, 3, 1);
    KIT_EXPECT(k, hal_fdb_set(k->hal, &st_entry, 1, &st), 0);
    kit_events_clear(k);
    filter.port = k->port[0];
    KIT_EXPECT(k, hal_fdb_flush(k->hal, &filter), 0);
    kit_run(k, 0);
    KIT_REQUIRE(k,
                kit_events_count(k, HAL_EVENT_FDB_FLUSHED, &m1, NULL) == 1
                    && !kit_events_count(k, HAL_EVENT_FDB_FLUSHED, &m2, NULL),
                "flushing port 0 did not report exactly its learned MAC");
    KIT_REQUIRE(k, kit_fdb_count(k, a) == 2,
                "%zu entries left after the flush, not 2 (one learned on "
                "port 1, one static)",
                kit_fdb_count(k, a));
}

static void
static_takes_learned(struct kit *k)
{
    struct hal_fdb_entry e, got;
    struct hal_mac mac = kit_mac(1);
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 1), 0);
    kit_events_clear(k);
    e = kit_remote(a, 1, 1);
    KIT_EXPECT(k, hal_fdb_set(k->hal, &e, 1, &st), 0);
    kit_run(k, 0);
    KIT_REQUIRE(k, kit_events_count(k, HAL_EVENT_FDB_FLUSHED, &mac, NULL) == 1,
                "no FDB_FLUSHED for the learned MAC a static entry took");
    KIT_REQUIRE(k,
                kit_fdb_find(k, a, &mac, &got) && got.type == HAL_FDB_STATIC,
                "the MAC is not static after hal_fdb_set()");
}

/* Removing the binding, then the bridge, flushes what each had learned. */
static void
flushed_with_owner(struct kit *k)
{
    struct hal_binding bind;
    struct hal_mac m1 = kit_mac(1), m2 = kit_mac(2);
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 1), 0);
    KIT_EXPECT(k, kit_learn(k, 1, 0, 2), 0);
    kit_events_clear(k);
    bind = (struct hal_binding){ k->port[0], 0, HAL_OID_NULL };
    KIT_EXPECT(k, hal_binding_remove(k->hal, &bind, 1, &st), 0);
    kit_run(k, 0);
    KIT_REQUIRE(k,
                kit_events_count(k, HAL_EVENT_FDB_FLUSHED, &m1, NULL) == 1
                    && !kit_events_count(k, HAL_EVENT_FDB_FLUSHED, &m2, NULL),
                "removing port 0's binding did not flush exactly its MAC");
    KIT_EXPECT(k, hal_bridge_remove(k->hal, a), 0);
    kit_run(k, 0);
    KIT_REQUIRE(k, kit_events_count(k, HAL_EVENT_FDB_FLUSHED, &m2, NULL) == 1,
                "removing the bridge did not report its learned MAC as "
                "flushed");
}

static void
port_state(struct kit *k)
{
    const struct hal_event *ev;
    struct hal_port_info info;
    struct hal_mac mac = kit_mac(1);
    hal_oid_t a;

    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 1), 0);
    kit_events_clear(k);
    KIT_EXPECT(k, k->hal->provider->test_link(k->hal, k->port[0], false), 0);
    kit_run(k, 0);
    KIT_REQUIRE(k,
                kit_events_count(k, HAL_EVENT_PORT_STATE, NULL, &ev) == 1
                    && ev->port.port == k->port[0] && !ev->port.up,
                "no PORT_STATE (down) event for port 0");
    KIT_EXPECT(k, hal_port_get(k->hal, 0, &info), 0);
    KIT_REQUIRE(k, !info.oper_up, "port 0 still reports oper_up");
    KIT_REQUIRE(k, kit_events_count(k, HAL_EVENT_FDB_FLUSHED, &mac, NULL) == 1,
                "what was learned on the port was not flushed");
    KIT_EXPECT(k, k->hal->provider->test_link(k->hal, k->port[0], true), 0);
}

static void
batching(struct kit *k)
{
    enum { N = 8 };
    hal_oid_t a;

    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    for (uint32_t i = 0; i < N; i++) {
        struct hal_mac mac = kit_mac(100 + i);

        KIT_EXPECT(
            k, k->hal->provider->test_learn(k->hal, k->port[0], 0, &mac), 0);
    }
    KIT_REQUIRE(k, kit_wants_run(k),
                "events wait, but neither hal_next_wake() nor hal_poll_fd() "
                "asks for a run");
    kit_run(k, 0);
    KIT_REQUIRE(k, k->n_events == N && k->n_batches < N,
                "%zu events in %zu callbacks for %d learned MACs", k->n_events,
                k->n_batches, N);
    for (uint32_t i = 0; i < N; i++) {
        struct hal_mac mac = kit_mac(100 + i);

        KIT_REQUIRE(k, !memcmp(&k->events[i].fdb.mac, &mac, sizeof mac),
                    "event %u is not about the %uth MAC learned", i, i);
    }
}

static void
not_inside_calls(struct kit *k)
{
    struct hal_fdb_flush all = { HAL_OID_NULL, HAL_OID_NULL };
    struct hal_mac mac = kit_mac(1);
    hal_oid_t a;

    /* The recorder fails the case if called outside hal_run(). */
    KIT_EXPECT(k, kit_two_port_bridge(k, &a), 0);
    KIT_EXPECT(k, k->hal->provider->test_learn(k->hal, k->port[0], 0, &mac),
               0);
    KIT_EXPECT(k, hal_fdb_flush(k->hal, &all), 0);
    KIT_EXPECT(k, hal_bridge_remove(k->hal, a), 0);
    kit_run(k, 0);
}

const struct kit_case kit_event_cases[] = {
    { "learn.learned", "hal/hal.h", "A new learned entry: 'fdb'.",
      HAL_CAP_LEARNING, KIT_HOOK_LEARN, learn_learned },
    { "learn.moved", "hal/hal.h",
      "A learned MAC was seen on another port or VLAN of its bridge: 'fdb' "
      "is the new location, 'fdb.old_port' and 'fdb.old_vlan' the old.",
      HAL_CAP_LEARNING, KIT_HOOK_LEARN, learn_moved },
    { "learn.aged", "hal/hal.h", "Learned entries age after this; 0 never.",
      HAL_CAP_LEARNING, KIT_HOOK_LEARN, learn_aged },
    { "fdb.flush", "hal/hal.h",
      "Removes the learned entries that match 'filter' (static ones stay) "
      "and reports each as HAL_EVENT_FDB_FLUSHED.",
      HAL_CAP_LEARNING, KIT_HOOK_LEARN, fdb_flush },
    { "fdb.static-takes-learned", "hal/hal.h",
      "A static entry replaces a learned entry for the same MAC, which is "
      "then reported as flushed.",
      HAL_CAP_LEARNING, KIT_HOOK_LEARN, static_takes_learned },
    { "fdb.flushed-with-binding-and-bridge", "hal/hal.h",
      "A learned entry was removed by hal_fdb_flush(), a link going down, a "
      "binding or bridge going away, or a static entry taking its MAC.",
      HAL_CAP_LEARNING, KIT_HOOK_LEARN, flushed_with_owner },
    { "port.state", "hal/hal-provider.h",
      "Reports link changes as HAL_EVENT_PORT_STATE and flushes what was "
      "learned on a port whose link goes down.",
      HAL_CAP_PORT_EVENTS | HAL_CAP_LEARNING, KIT_HOOK_LINK | KIT_HOOK_LEARN,
      port_state },
    { "events.batched-in-order", "hal/hal.h",
      "Receives a batch of 'n' events in the order they happened.",
      HAL_CAP_LEARNING, KIT_HOOK_LEARN, batching },
    { "events.never-inside-a-call", "hal/hal.h",
      "The event callback is only ever called from inside hal_run(), never "
      "from inside another HAL call, so the callback may itself call the "
      "HAL.",
      HAL_CAP_LEARNING, KIT_HOOK_LEARN, not_inside_calls },
    { NULL, NULL, NULL, 0, 0, NULL },
};
