/* SPDX-License-Identifier: Apache-2.0 */
/* One BFD session: the state machine of RFC 5880 in asynchronous mode, with
 * the single-hop rules of RFC 5881, and the encoding of its control packets.
 *
 * The module does no I/O and reads no clock: the caller passes the time in
 * milliseconds of a monotonic clock, asks when the session next needs
 * attention (bfd_next_wakeup()), sends what bfd_put_packet() writes and
 * feeds what arrives to bfd_process_packet().  Both HAL backends use it: the
 * asic model runs sessions inside the model, the netdev backend in vtepd. */
#ifndef LIB_BFD_H
#define LIB_BFD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* UDP destination port of single-hop BFD control packets (RFC 5881 4). */
#define BFD_UDP_PORT 3784
/* IP TTL that single-hop BFD packets are sent with and must arrive with. */
#define BFD_TTL 255
/* Size of a control packet without authentication. */
#define BFD_PACKET_LEN 24

/* Session states as encoded on the wire (RFC 5880 4.1). */
enum bfd_state {
    BFD_STATE_ADMIN_DOWN = 0,
    BFD_STATE_DOWN = 1,
    BFD_STATE_INIT = 2,
    BFD_STATE_UP = 3
};

/* Diagnostic codes (RFC 5880 4.1). */
enum bfd_diag {
    BFD_DIAG_NONE = 0,
    BFD_DIAG_CTL_DETECT_EXPIRED = 1,
    BFD_DIAG_ECHO_FAILED = 2,
    BFD_DIAG_NEIGHBOR_DOWN = 3,
    BFD_DIAG_FWD_PLANE_RESET = 4,
    BFD_DIAG_PATH_DOWN = 5,
    BFD_DIAG_CONCAT_PATH_DOWN = 6,
    BFD_DIAG_ADMIN_DOWN = 7,
    BFD_DIAG_REV_CONCAT_PATH_DOWN = 8
};

/* Why bfd_process_packet() dropped a packet; each has a counter. */
enum bfd_drop {
    BFD_DROP_NONE = 0,
    BFD_DROP_SHORT,       /* Fewer bytes than the header or its length. */
    BFD_DROP_VERSION,     /* Version is not 1. */
    BFD_DROP_LENGTH,      /* Length field too small for the flags. */
    BFD_DROP_DETECT_MULT, /* Detect Mult is 0. */
    BFD_DROP_MULTIPOINT,  /* M bit set. */
    BFD_DROP_MY_DISC,     /* My Discriminator is 0. */
    BFD_DROP_YOUR_DISC,   /* Your Discriminator 0 outside Down/AdminDown,
                            * or not ours. */
    BFD_DROP_AUTH,        /* Authentication, which we do not configure. */
    BFD_DROP_ADMIN_DOWN,  /* We are AdminDown: packets are discarded. */
    BFD_DROP_N_REASONS
};

/* A session's configuration: the Tunnel table's bfd_params, parsed. */
struct bfd_settings {
    bool enable;           /* Default false. */
    uint32_t min_tx;       /* ms, default 100. */
    uint32_t min_rx;       /* ms, default 1000. */
    uint32_t decay_min_rx; /* ms, 0 (the default) turns decay off. */
    bool forwarding_if_rx; /* Default false. */
    bool cpath_down;       /* Default false. */
    bool check_tnl_key;    /* Default false: the caller checks the VNI. */
    uint8_t detect_mult;   /* Not a bfd_params key; 3. */
};

/* A snapshot of what the Tunnel table's bfd_status shows. */
struct bfd_status {
    enum bfd_state state;
    enum bfd_diag diag;
    enum bfd_state remote_state;
    enum bfd_diag remote_diag;
    bool forwarding;
    uint32_t flaps; /* Transitions into or out of Up. */
};

/* Counters of one session. */
struct bfd_counters {
    uint64_t tx_packets;
    uint64_t rx_packets; /* Accepted. */
    uint64_t rx_dropped; /* Sum of 'drops'. */
    uint64_t drops[BFD_DROP_N_REASONS];
};

/* Sets 's' to the defaults of vtep.xml's bfd_params. */
void bfd_settings_init(struct bfd_settings *s);

/* Parses the 'n' pairs of a bfd_params map ('keys' and 'values' borrowed)
 * over the defaults into 's'.  A key with a bad value keeps its default and
 * an unknown key is ignored; the first such problem is described in a new
 * string returned to the caller (for bfd_status:info), NULL if none. */
char *bfd_settings_parse(struct bfd_settings *s, const char *const *keys,
                         const char *const *values, size_t n);

/* Creates a session with local discriminator 'my_disc' (nonzero, unique
 * among the caller's sessions), configured by 's' (copied), at time 'now'.
 * 'seed' varies the transmit jitter between sessions.  The session starts
 * Down if 's->enable', AdminDown otherwise.  Returns a new session. */
struct bfd *bfd_create(uint32_t my_disc, const struct bfd_settings *s,
                       uint32_t seed, int64_t now);

/* Frees 'bfd'; NULL is allowed. */
void bfd_destroy(struct bfd *bfd);

/* Applies new settings 's' (copied).  Changed intervals of a session that
 * is Up take effect through a Poll Sequence (RFC 5880 6.8.3); disabling
 * puts the session AdminDown, enabling brings it to Down. */
void bfd_configure(struct bfd *bfd, const struct bfd_settings *s, int64_t now);

/* Advances the session's timers to 'now': detection time expiry, decay of
 * the receive interval, forwarding_if_rx. */
void bfd_run(struct bfd *bfd, int64_t now);

/* Returns true if a control packet is due at 'now'. */
bool bfd_should_send(const struct bfd *bfd, int64_t now);

/* Writes the next control packet into 'buf' (at least BFD_PACKET_LEN
 * bytes), schedules the one after it and returns its length. */
size_t bfd_put_packet(struct bfd *bfd, uint8_t *buf, int64_t now);

/* Processes the BFD payload 'buf' of 'len' bytes received at 'now' (the
 * caller has checked UDP port 3784 and TTL 255).  Returns BFD_DROP_NONE if
 * the packet was accepted, otherwise the reason it was dropped (and
 * counted). */
enum bfd_drop bfd_process_packet(struct bfd *bfd, const uint8_t *buf,
                                 size_t len, int64_t now);

/* Tells the session that non-BFD traffic arrived on its tunnel at 'now',
 * for forwarding_if_rx and decay_min_rx. */
void bfd_account_rx(struct bfd *bfd, int64_t now);

/* Returns the time at which the session next needs bfd_run() or a packet
 * sent, INT64_MAX if never. */
int64_t bfd_next_wakeup(const struct bfd *bfd);

/* Fills '*st' from the session at 'now'. */
void bfd_get_status(const struct bfd *bfd, int64_t now, struct bfd_status *st);

/* Returns a number that changes whenever bfd_get_status() would return
 * something else, so callers write status only when it changed. */
uint64_t bfd_status_seq(const struct bfd *bfd);

/* Returns the session's counters (borrowed). */
const struct bfd_counters *bfd_get_counters(const struct bfd *bfd);

/* Returns the local discriminator. */
uint32_t bfd_my_disc(const struct bfd *bfd);

/* Returns the settings in force (borrowed). */
const struct bfd_settings *bfd_get_settings(const struct bfd *bfd);

/* Returns the detection time in ms in force, 0 while nothing was heard. */
int64_t bfd_detect_time(const struct bfd *bfd);

/* Names as Open vSwitch writes them in bfd_status: "admin_down", "down",
 * "init", "up"; and the RFC's text of a diagnostic.  Static strings. */
const char *bfd_state_to_string(enum bfd_state);
const char *bfd_diag_to_string(enum bfd_diag);
const char *bfd_drop_to_string(enum bfd_drop);

/* A decoded control packet (RFC 5880 4.1); intervals in microseconds. */
struct bfd_msg {
    uint8_t version;
    enum bfd_diag diag;
    enum bfd_state state;
    uint8_t flags; /* BFD_FLAG_*. */
    uint8_t detect_mult;
    uint8_t length;
    uint32_t my_disc;
    uint32_t your_disc;
    uint32_t min_tx;
    uint32_t min_rx;
    uint32_t min_echo_rx;
};

#define BFD_FLAG_POLL 0x20
#define BFD_FLAG_FINAL 0x10
#define BFD_FLAG_CPI 0x08
#define BFD_FLAG_AUTH 0x04
#define BFD_FLAG_DEMAND 0x02
#define BFD_FLAG_MULTIPOINT 0x01

/* Decodes 'len' bytes at 'buf' into '*msg' with the checks of RFC 5880
 * 6.8.6 that need no session (version, length, detect mult, M bit, my
 * discriminator, authentication).  Returns BFD_DROP_NONE or the reason. */
enum bfd_drop bfd_msg_decode(const uint8_t *buf, size_t len,
                             struct bfd_msg *msg);

/* Encodes '*msg' into the BFD_PACKET_LEN bytes at 'buf'. */
void bfd_msg_encode(const struct bfd_msg *msg, uint8_t *buf);

#endif /* LIB_BFD_H */
