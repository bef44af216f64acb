/*
 * The client handle's layout and the calls client.c, http.c, auth.c and token_store.c share
 * (internal). Nothing here is part of the public interface.
 */
#ifndef APL_CLIENT_PRIVATE_H
#define APL_CLIENT_PRIVATE_H

#include <curl/curl.h>

#include "internal.h"

/*
 * One client. Not thread-safe: a client is used by one thread at a time; many clients may run
 * in parallel threads.
 */
struct apilo_client {
    char *base_url; /* without a trailing slash */
    char *client_id;
    char *client_secret;
    apilo_token_store *store; /* borrowed, may be NULL */
    char *user_agent;
    char *accept_language;
    long connect_timeout_ms;
    long timeout_ms;
    apilo_log_fn log_fn;
    void *log_userdata;
    apilo_log_level log_level;
    long refresh_margin_s;
    int max_retries;
    int rate_limit_requests; /* <= 0: no limit */
    long rate_limit_window_ms;
    double retry_max_wait_s;
    apilo_cancel_fn cancel_fn;
    void *cancel_userdata;

    CURL *curl; /* one easy handle, reused so connections are kept alive */

    apilo_token_set tokens; /* in memory; strings are secrets */
    int store_lock_depth;   /* the store's lock is taken once however deep the calls nest */

    double *completed_at; /* ring of the last rate_limit_requests completion times */
    size_t ring_next;
    size_t ring_used;
    uint64_t jitter_state;

    apilo_client_stats stats;
};

/* ---- one HTTP exchange with retries and the rate governor (http.c) ------------------------ */

typedef enum apl_auth_kind {
    APL_AUTH_NONE = 0,
    APL_AUTH_BEARER, /* the given access token */
    APL_AUTH_BASIC   /* client id and secret (token endpoint) */
} apl_auth_kind;

typedef struct apl_http_request {
    const char *method;
    const char *path; /* path and query, relative to the base URL */
    const char *body; /* NULL = no body */
    size_t body_len;
    apl_auth_kind auth;
    const char *bearer;
    int never_retry; /* the authorization_code grant: a code is sent exactly once */
} apl_http_request;

/*
 * Send a request through the governor, retrying what is safe to retry. APILO_OK when an HTTP
 * answer arrived (any status; the last one when retries ran out), APILO_E_TRANSPORT otherwise.
 * err->retry_after_s receives the last Retry-After hint.
 */
apilo_status apl_http_perform(apilo_client *client, const apl_http_request *request,
                              apl_response *out, apilo_error *err);

/* Sleep for `seconds` (fractions allowed), resuming after signals. */
void apl_sleep(double seconds);

/* ---- tokens (auth.c) ---------------------------------------------------------------------- */

/* Make sure the client holds an access token that is not about to expire. */
apilo_status apl_auth_ensure(apilo_client *client, apilo_error *err);

/*
 * `dead_access_token` got a 401: take a token from the store when another process refreshed,
 * else refresh once.
 */
apilo_status apl_auth_recover(apilo_client *client, const char *dead_access_token,
                              apilo_error *err);

/* ---- the store's operations (token_store.c) ----------------------------------------------- */

apilo_status apl_store_load(apilo_token_store *store, apilo_token_set *out, apilo_error *err);
apilo_status apl_store_save(apilo_token_store *store, const apilo_token_set *tokens,
                            apilo_error *err);
apilo_status apl_store_lock(apilo_token_store *store, apilo_error *err);
void apl_store_unlock(apilo_token_store *store);

#endif
