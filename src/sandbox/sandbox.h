/*
 * apilo-sandbox internals. The sandbox is an independent implementation of the server side of
 * the Apilo REST API and shares no code with src/lib. Every module below works on one global
 * state object guarded by one mutex: the request rate is that of tests and benchmarks, and a
 * single lock keeps SQLite, the rate limiter, the faults and the log consistent with each other.
 */
#ifndef APILO_SANDBOX_H
#define APILO_SANDBOX_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* ---- growable text buffer (util.c) ------------------------------------------------------- */

typedef struct sbx_buf {
    char *data;
    size_t len;
    size_t cap;
} sbx_buf;

void sbx_buf_reserve(sbx_buf *buf, size_t extra);
void sbx_buf_add(sbx_buf *buf, const char *text, size_t len);
void sbx_buf_adds(sbx_buf *buf, const char *text);
void sbx_buf_addc(sbx_buf *buf, char c);
void sbx_buf_addf(sbx_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `text` as a quoted JSON string, or `null` when text is NULL. */
void sbx_buf_add_json_string(sbx_buf *buf, const char *text);
/* Hands the NUL-terminated text over to the caller (never NULL) and empties the buffer. */
char *sbx_buf_take(sbx_buf *buf);
void sbx_buf_free(sbx_buf *buf);

/* Aborts the process: the sandbox has no meaningful way to go on without memory. */
void *sbx_xmalloc(size_t size);
void *sbx_xrealloc(void *ptr, size_t size);
char *sbx_xstrdup(const char *text);

/* ---- dates (util.c) ---------------------------------------------------------------------- */

/*
 * Parses YYYY-MM-DDTHH:MM:SS followed by nothing (UTC), `Z`, `+hh:mm`/`-hh:mm` or
 * `+hhmm`/`-hhmm`. Returns 0 and the unix time, or -1 for anything else.
 */
int sbx_parse_datetime(const char *text, int64_t *out);
/* `YYYY-MM-DDTHH:MM:SSZ` into out (at least 21 bytes). */
void sbx_format_utc(int64_t when, char *out, size_t size);
/* `YYYY-MM-DDTHH:MM:SS+hhmm` in Polish local time (CET/CEST) into out (at least 25 bytes). */
void sbx_format_warsaw(int64_t when, char *out, size_t size);
int64_t sbx_now_ms(void); /* CLOCK_MONOTONIC milliseconds, for the rate limiter */

/* ---- randomness and encodings (util.c) --------------------------------------------------- */

void sbx_random_bytes(void *out, size_t len);
/* base64url without padding; returns a malloc'd string. */
char *sbx_base64url(const unsigned char *data, size_t len);
/* Standard base64 decode (padding optional); returns malloc'd bytes + NUL, or NULL. */
unsigned char *sbx_base64_decode(const char *text, size_t *out_len);
/* Percent-decodes `len` bytes; `plus_is_space` follows HTML form rules. Returns malloc'd text. */
char *sbx_percent_decode(const char *text, size_t len, bool plus_is_space);

/* ---- HTTP exchange, independent of libmicrohttpd ------------------------------------------- */

typedef struct sbx_request {
    const char *method;
    const char *path;      /* percent-decoded path, no query */
    const char *raw_query; /* exactly as received after '?', "" when none */
    const char *body;      /* NUL-terminated; may contain NULs before body_len */
    size_t body_len;
    const char *authorization; /* header values, NULL when absent */
    const char *accept;
} sbx_request;

typedef struct sbx_reply {
    int status;
    char *body; /* malloc'd, may be NULL for no body */
    size_t body_len;
    char retry_after[64]; /* Retry-After header when non-empty */
} sbx_reply;

/* Sets a JSON body (takes ownership of the malloc'd text). */
void sbx_reply_json(sbx_reply *reply, int status, char *json);
/* The API error body {"message", "code", "description", "errors", "field"?}. */
void sbx_reply_error(sbx_reply *reply, int status, const char *message, const char *description,
                     const char *field);

/* ---- configuration and state ------------------------------------------------------------- */

typedef struct sbx_config {
    const char *listen;
    const char *db_path;
    long seed_orders;
    uint64_t seed;
    int64_t now; /* reference instant of the generator; 0 = time at start */
    const char *client_id;
    const char *client_secret;
    const char **auth_codes;
    size_t auth_code_count;
    long access_ttl;
    long refresh_ttl;
    long rate_limit;
    long rate_window_ms;
    bool no_rate_limit;
    bool no_fixtures;
    bool quiet;
} sbx_config;

typedef struct sbx_log_entry {
    char *method;
    char *path;
    char *query;
    int status;
} sbx_log_entry;

typedef struct sbx_faults {
    int status; /* 0 = none */
    long count;
    char retry_after[64];
    char path[256];
    long max_page_rows; /* 0 = none */
    long total_count_delta;
    long delay_ms;
} sbx_faults;

typedef struct sbx_stats {
    long requests;
    long token_requests;
    long refreshes;
    long code_exchanges;
    long refused;
    long rate_limited;
} sbx_stats;

typedef struct sbx_state {
    pthread_mutex_t lock;
    const sbx_config *config;
    sqlite3 *db;

    int64_t *window_stamps; /* ring of admission times, rate_limit entries */
    size_t window_head;
    size_t window_used;

    sbx_faults faults;
    sbx_stats stats;

    sbx_log_entry *log;
    size_t log_len;
    size_t log_cap;

    char *maps[8]; /* prebuilt JSON texts, see sbx_map_names */
} sbx_state;

/* ---- modules ------------------------------------------------------------------------------- */

/* db.c */
int sbx_db_open(sbx_state *state, const char *path);
void sbx_db_close(sbx_state *state);
int sbx_db_exec(sbx_state *state, const char *sql);
/* Bulk seeding drops the secondary indexes, inserts, then builds them in one sorted pass. */
int sbx_db_drop_order_indexes(sbx_state *state);
int sbx_db_create_order_indexes(sbx_state *state);

typedef struct sbx_order_row {
    const char *id;
    int64_t created_at;
    int64_t updated_at;
    int64_t ordered_at;
    int status;
    int payment_status;
    int payment_type;
    int platform_account_id;
    int carrier_id;
    const char *email;
    const char *id_external;
    int has_document;
    const char *list_json;  /* the OrderListItem object */
    const char *extra_json; /* the remaining detail members, without braces, may be "" */
} sbx_order_row;

/* Prepared insert, reused for bulk seeding inside one transaction. */
typedef struct sbx_order_inserter {
    sqlite3_stmt *stmt;
} sbx_order_inserter;

int sbx_order_inserter_open(sbx_state *state, sbx_order_inserter *ins);
int sbx_order_insert(sbx_order_inserter *ins, const sbx_order_row *row);
void sbx_order_inserter_close(sbx_order_inserter *ins);

/* fixtures (generated from tests/fixtures by embed.cmake) */
const char *sbx_fixture(const char *name, size_t *out_len);

/* seed.c */
int sbx_seed_fixtures(sbx_state *state);
int sbx_seed_generated(sbx_state *state, long count, uint64_t seed, int64_t now);
int sbx_maps_build(sbx_state *state);
void sbx_maps_free(sbx_state *state);
/* Index into state->maps for a path segment ("status", "shipment/status", ...), or -1. */
int sbx_map_index(const char *name);

/* auth.c */
int sbx_auth_register_code(sbx_state *state, const char *code);
char *sbx_auth_mint_code(sbx_state *state);
void sbx_auth_token(sbx_state *state, const sbx_request *req, sbx_reply *reply);
/* 0 when the bearer is a live access token; otherwise fills reply with the 401. */
int sbx_auth_check_bearer(sbx_state *state, const sbx_request *req, sbx_reply *reply,
                          int64_t *out_expires_at);
void sbx_auth_expire_access_tokens(sbx_state *state);

/* orders.c */
void sbx_orders_list(sbx_state *state, const sbx_request *req, sbx_reply *reply);
void sbx_orders_get(sbx_state *state, const char *id, sbx_reply *reply);

/* control.c: rate limit, faults, request log, /sandbox/ endpoints */
int sbx_control_init(sbx_state *state);
void sbx_control_free(sbx_state *state);
/* 0 = admitted; otherwise the 429 reply is filled. */
int sbx_rate_limit_admit(sbx_state *state, sbx_reply *reply);
/* 0 = no fault for this path; otherwise the fault reply is filled and one use consumed. */
int sbx_fault_take(sbx_state *state, const char *path, sbx_reply *reply);
void sbx_log_request(sbx_state *state, const sbx_request *req, int status);
void sbx_control_handle(sbx_state *state, const sbx_request *req, sbx_reply *reply);

/* router.c */
void sbx_dispatch(sbx_state *state, const sbx_request *req, sbx_reply *reply);

/* server.c */
typedef struct sbx_server sbx_server;
sbx_server *sbx_server_start(sbx_state *state, const char *listen, int *out_port, char *err,
                             size_t err_size);
void sbx_server_stop(sbx_server *server);

#endif
