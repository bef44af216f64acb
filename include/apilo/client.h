/*
 * libapilo — the client handle, its options, logging, tokens and the token store.
 * Ownership rules: see common.h.
 */
#ifndef APILO_CLIENT_H
#define APILO_CLIENT_H

#include "apilo/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apilo_client apilo_client;

/* ---- logging ---------------------------------------------------------------------------- */

typedef enum apilo_log_level {
    APILO_LOG_ERROR = 0,
    APILO_LOG_WARN = 1,
    APILO_LOG_INFO = 2,
    APILO_LOG_DEBUG = 3, /* one line per request and response, headers with secrets masked */
} apilo_log_level;

typedef enum apilo_log_category {
    APILO_LOG_HTTP = 0,  /* requests, responses, retries */
    APILO_LOG_AUTH = 1,  /* token exchange, refresh, store */
    APILO_LOG_RATE = 2,  /* rate governor waits, 429s */
    APILO_LOG_PAGING = 3 /* iterators: pages, clamping, totals that disagree */
} apilo_log_category;

/* Receives one finished line, without a newline. Secrets are masked before it is called. */
typedef void (*apilo_log_fn)(void *userdata, apilo_log_level level,
                             apilo_log_category category, const char *message);

/*
 * Asked while the client waits (a retry's back-off, the rate governor's pause) and while a
 * request is in flight (at least once a second); non-zero stops the call with
 * APILO_E_CANCELLED. Meant for a flag a signal handler sets: it must be cheap and must not
 * call back into the client.
 */
typedef int (*apilo_cancel_fn)(void *userdata);

/* ---- tokens ----------------------------------------------------------------------------- */

/* A token pair with the expiry instants the API sent (unix seconds). */
typedef struct apilo_token_set {
    char *access_token;
    int64_t access_expires_at;
    char *refresh_token;
    int64_t refresh_expires_at;
} apilo_token_set;

/* Release the strings of a token set (wiping them first) and zero it. NULL-safe. */
APILO_EXTERN void apilo_token_set_clear(apilo_token_set *tokens);

/*
 * Where tokens live. An application may keep them anywhere by filling these operations.
 * lock/unlock must give mutual exclusion across every process sharing the tokens: the client
 * holds the lock across read -> refresh -> write so a rotating refresh token is spent once.
 * load returns APILO_E_NO_TOKENS when the store is empty; it fills `out` with strings
 * allocated by malloc (the client frees them).
 */
typedef struct apilo_token_store_ops {
    apilo_status (*load)(void *ctx, apilo_token_set *out, apilo_error *err);
    apilo_status (*save)(void *ctx, const apilo_token_set *tokens, apilo_error *err);
    apilo_status (*lock)(void *ctx, apilo_error *err);
    void (*unlock)(void *ctx);
    void (*destroy)(void *ctx); /* may be NULL */
} apilo_token_store_ops;

typedef struct apilo_token_store apilo_token_store;

/* Wrap custom operations. `ops` is copied; `ctx` is passed to them and to destroy at free. */
APILO_EXTERN apilo_status apilo_token_store_new(apilo_token_store **out,
                                                const apilo_token_store_ops *ops, void *ctx);

/*
 * The built-in file store: a JSON file written atomically (temp file, fsync, rename) with mode
 * 0600; a sibling "<path>.lock" file carries an exclusive flock(2) across processes.
 * The directory is created (0700) when missing. Nothing is read until first use.
 */
APILO_EXTERN apilo_status apilo_token_store_file_new(apilo_token_store **out, const char *path,
                                                     apilo_error *err);

/* Free a store (calls destroy). NULL-safe. A store must outlive the clients using it. */
APILO_EXTERN void apilo_token_store_free(apilo_token_store *store);

/* Read the stored tokens (no lock taken). Fills `out` (caller clears it). */
APILO_EXTERN apilo_status apilo_token_store_load(apilo_token_store *store, apilo_token_set *out,
                                                 apilo_error *err);

/* ---- the client ------------------------------------------------------------------------- */

#define APILO_OPTIONS_VERSION 2

/*
 * Client options. Fields are only ever appended; set `version` with APILO_OPTIONS_INIT.
 * Strings are copied by apilo_client_new; the token store is borrowed.
 */
typedef struct apilo_options {
    unsigned version;
    const char *base_url;        /* "https://<account>.apilo.com"; http only for loopback */
    const char *client_id;       /* required for token calls */
    const char *client_secret;   /* required for token calls; never logged */
    apilo_token_store *token_store; /* borrowed; NULL = tokens in memory only */
    const char *user_agent;      /* NULL = "libapilo/<version>" */
    long connect_timeout_ms;     /* 0 = 10 s */
    long timeout_ms;             /* whole request; 0 = 120 s */
    const char *accept_language; /* NULL = not sent (the API answers in Polish) */
    apilo_log_fn log_fn;         /* NULL = silent */
    void *log_userdata;
    apilo_log_level log_level;   /* highest level passed to log_fn */
    long refresh_margin_s;       /* refresh when the access token expires within this; <0 = 1 day */
    int max_retries;             /* retries of 429/503/transport failures on GET; <0 = 4 */
    int rate_limit_requests;     /* requests allowed per window; 0 = 150; <0 = no limit */
    long rate_limit_window_ms;   /* 0 = 60000 */
    double retry_max_wait_s;     /* cap of one wait on Retry-After or backoff; 0 = 60 */
    /* version 2 */
    apilo_cancel_fn cancel_fn;   /* NULL = never cancelled */
    void *cancel_userdata;
} apilo_options;

#define APILO_OPTIONS_INIT                                                                         \
    {APILO_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, APILO_LOG_WARN,  \
     -1, -1, 0, 0, 0.0, NULL, NULL}

/*
 * Create a client. Validates the options (APILO_E_INVALID names the bad one: an http URL that
 * is not loopback is refused). Returns APILO_OK and a client the caller frees with
 * apilo_client_free. apilo_global_init must have been called.
 */
APILO_EXTERN apilo_status apilo_client_new(apilo_client **out, const apilo_options *options,
                                           apilo_error *err);

/* Free a client and everything it owns. NULL-safe. */
APILO_EXTERN void apilo_client_free(apilo_client *client);

/*
 * Exchange a one-time authorization code for a token pair and save it in the store. The code
 * is sent once: never retried, never logged.
 */
APILO_EXTERN apilo_status apilo_auth_login(apilo_client *client, const char *code,
                                           apilo_error *err);

/*
 * Refresh now (under the store's lock; when another process refreshed in the meantime, its
 * tokens are taken and no request is made).
 */
APILO_EXTERN apilo_status apilo_auth_refresh(apilo_client *client, apilo_error *err);

/*
 * Copy the client's current token expiries into `out` (token strings are left NULL, so the
 * result can be shown). Loads from the store when the client has none in memory.
 */
APILO_EXTERN apilo_status apilo_auth_status(apilo_client *client, apilo_token_set *out,
                                            apilo_error *err);

/* Counters for tests and tools: how many requests and token refreshes this client made. */
typedef struct apilo_client_stats {
    uint64_t requests;       /* HTTP requests sent, including retries and token calls */
    uint64_t refreshes;      /* refresh_token grants sent */
    uint64_t retries;        /* requests repeated after 429/503/transport failures */
    uint64_t rate_waits;     /* times the rate governor made a request wait */
    double rate_wait_s;      /* total time spent waiting for the rate governor */
} apilo_client_stats;

APILO_EXTERN void apilo_client_get_stats(const apilo_client *client, apilo_client_stats *out);

/* ---- connection ------------------------------------------------------------------------- */

/* GET /rest/api/: checks the token. `out_content` (may be NULL) receives a new string. */
APILO_EXTERN apilo_status apilo_connection_test(apilo_client *client, char **out_content,
                                                apilo_error *err);

typedef struct apilo_whoami_entry {
    apilo_opt_int client_id;
    const char *name;          /* strings borrowed from the whoami */
    const char *valid_to_text; /* as sent */
    apilo_opt_time valid_to;
} apilo_whoami_entry;

typedef struct apilo_whoami {
    apilo_whoami_entry *entries;
    size_t count;
    void *memory; /* internal */
} apilo_whoami;

/* GET /rest/api/whoami/. Fills `out`; the caller frees it with apilo_whoami_free. */
APILO_EXTERN apilo_status apilo_whoami_get(apilo_client *client, apilo_whoami **out,
                                           apilo_error *err);
APILO_EXTERN void apilo_whoami_free(apilo_whoami *whoami);

#ifdef __cplusplus
}
#endif

#endif
