/*
 * Tokens: the code exchange, refresh under the store's lock (so a rotating refresh token is
 * spent once across processes), and keeping a valid access token for apl_request.
 */
#include <stdlib.h>
#include <string.h>

#include "client_private.h"

/* How long past its expiry instant a refresh token is still tried (clock differences). */
#define EXPIRED_GRACE_S 300

#define TOKEN_PATH "/rest/auth/token/"

static const char REFRESH_REFUSED[] =
    "the refresh token was refused (spent or expired): log in again with a new authorization code";
static const char CODE_REFUSED[] =
    "the authorization code was refused (invalid, expired or already used): create a new one "
    "in the Apilo panel";
static const char CREDENTIALS_REFUSED[] =
    "the client id or client secret was refused by the token endpoint";

static void replace_message(apilo_error *err, const char *message)
{
    if (!err)
        return;
    free(err->message);
    err->message = apl_strdup(message);
}

static apilo_status decode_tokens(const apl_response *response, apilo_token_set *out,
                                  apilo_error *err)
{
    apl_json *root = NULL;
    apilo_status status;

    /* Tokens: never parsed in place into a document kept for reuse, and wiped after. */
    status = apl_parse_secret(&root, response->body.data, response->body.len, err);
    if (status != APILO_OK)
        return status;
    status = apl_decode_token_response(out, root, err);
    apl_json_decref(root);
    return status;
}

/* Map a refusal of the token endpoint to a sentence that never carries the token sent. */
static apilo_status token_failure(const apl_response *response, int is_refresh, apilo_error *err)
{
    apilo_status status = apl_error_from_http(err, response->status, response->body.data,
                                              response->body.len, "POST", TOKEN_PATH);

    if (response->status == 401) {
        replace_message(err, CREDENTIALS_REFUSED);
        status = APILO_E_AUTH;
    } else if (response->status == 403) {
        replace_message(err, is_refresh ? REFRESH_REFUSED : CODE_REFUSED);
        status = APILO_E_AUTH;
    }
    if (err)
        err->status = status;
    return status;
}

/* POST /rest/auth/token/ once (plus the retries that are safe for the grant). */
static apilo_status token_request(apilo_client *client, const char *grant_type, const char *token,
                                  apilo_token_set *out, apilo_error *err)
{
    int is_refresh = strcmp(grant_type, "refresh_token") == 0;
    apl_http_request request = {"POST", TOKEN_PATH, NULL, 0, APL_AUTH_BASIC, NULL, !is_refresh};
    apl_response response = APL_RESPONSE_INIT;
    apl_json *body = NULL;
    char *text = NULL;
    apilo_status status;

    if (!client->client_id || !client->client_secret)
        return apl_error_set(err, APILO_E_INVALID,
                             "client_id and client_secret are required for token calls");
    if (!token || !*token)
        return apl_error_set(err, APILO_E_NO_TOKENS, "no %s to send: log in first",
                             is_refresh ? "refresh token" : "authorization code");

    body = apl_json_object_new();
    if (!body || apl_json_set_string(body, "grantType", grant_type) != 0 ||
        apl_json_set_string(body, "token", token) != 0 || !(text = apl_json_dump(body))) {
        status = apl_error_set(err, APILO_E_NOMEM, "out of memory");
        goto out;
    }
    request.body = text;
    request.body_len = strlen(text);

    if (is_refresh)
        client->stats.refreshes++;
    status = apl_http_perform(client, &request, &response, err);
    if (status != APILO_OK)
        goto out;

    if (response.status == 200 || response.status == 201) {
        status = decode_tokens(&response, out, err);
    } else {
        double retry_after = err ? err->retry_after_s : -1;

        status = token_failure(&response, is_refresh, err);
        if (err)
            err->retry_after_s = retry_after;
    }

out:
    apl_json_decref(body);
    apl_free_secret(text);
    /* The answer holds the new tokens. */
    if (response.body.data)
        explicit_bzero(response.body.data, response.body.len);
    apl_response_free(&response);
    return status;
}

static void adopt(apilo_client *client, apilo_token_set *tokens)
{
    apilo_token_set_clear(&client->tokens);
    client->tokens = *tokens;
    memset(tokens, 0, sizeof(*tokens));
}

static int same_string(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static int fresh_enough(const apilo_client *client, const apilo_token_set *tokens)
{
    return tokens->access_token && tokens->access_expires_at > apl_now() + client->refresh_margin_s;
}

/* Nested callers (refresh inside an operation that already locked) take the lock once. */
static apilo_status lock_store(apilo_client *client, apilo_error *err)
{
    apilo_status status;

    if (!client->store || client->store_lock_depth++ > 0)
        return APILO_OK;
    status = apl_store_lock(client->store, err);
    if (status != APILO_OK)
        client->store_lock_depth = 0;
    return status;
}

static void unlock_store(apilo_client *client)
{
    if (!client->store || client->store_lock_depth == 0)
        return;
    if (--client->store_lock_depth == 0)
        apl_store_unlock(client->store);
}

static apilo_status save_and_adopt(apilo_client *client, apilo_token_set *fresh, apilo_error *err)
{
    apilo_status status = APILO_OK;

    if (client->store)
        status = apl_store_save(client->store, fresh, err);
    if (status != APILO_OK)
        apl_log(client, APILO_LOG_ERROR, APILO_LOG_AUTH,
                "new tokens could not be saved in the store; they are kept in memory only");
    adopt(client, fresh);
    return status;
}

/*
 * After a refusal another process may have won the race outside our lock (a store without
 * real locking): its refresh token then differs from the one we sent.
 */
static apilo_status adopt_if_rotated(apilo_client *client, const char *sent_refresh,
                                     apilo_error *err)
{
    apilo_token_set stored = {0};

    if (!client->store || apl_store_load(client->store, &stored, NULL) != APILO_OK)
        return APILO_E_AUTH;
    if (!stored.refresh_token || same_string(stored.refresh_token, sent_refresh)) {
        apilo_token_set_clear(&stored);
        return APILO_E_AUTH;
    }
    apl_log(client, APILO_LOG_INFO, APILO_LOG_AUTH,
            "refresh refused but the store holds newer tokens: using them");
    adopt(client, &stored);
    apilo_error_clear(err);
    return APILO_OK;
}

/*
 * With the lock held: take the stored tokens when another process already replaced
 * `dead_access`, else refresh with the newest refresh token there is.
 */
static apilo_status refresh_locked(apilo_client *client, const char *dead_access, apilo_error *err)
{
    apilo_token_set stored = {0};
    apilo_token_set fresh = {0};
    const char *refresh_token = client->tokens.refresh_token;
    int64_t refresh_expires_at = client->tokens.refresh_expires_at;
    apilo_status status;

    if (client->store) {
        status = apl_store_load(client->store, &stored, err);
        if (status != APILO_OK && !(status == APILO_E_NO_TOKENS && refresh_token))
            return status;
        if (status == APILO_E_NO_TOKENS)
            apilo_error_clear(err); /* the store was emptied: go on with ours */
        if (status == APILO_OK) {
            if (!same_string(stored.access_token, dead_access) && fresh_enough(client, &stored)) {
                apl_log(client, APILO_LOG_INFO, APILO_LOG_AUTH,
                        "the store already holds a newer access token: using it");
                adopt(client, &stored);
                return APILO_OK;
            }
            if (stored.refresh_token) {
                refresh_token = stored.refresh_token;
                refresh_expires_at = stored.refresh_expires_at;
            }
        }
    }

    /* A refresh token known to have expired is not sent: the answer could only be a refusal.
     * The grace leaves room for a clock that runs ahead of the API's. */
    if (refresh_expires_at > 0 && apl_now() > refresh_expires_at + EXPIRED_GRACE_S) {
        char when[32] = "";

        apilo_time_format(when, sizeof when, (apilo_time){refresh_expires_at, 0}, 0);
        apilo_token_set_clear(&stored);
        return apl_error_set(err, APILO_E_AUTH,
                             "the refresh token expired at %s; log in again with a new "
                             "authorization code",
                             when);
    }

    apl_log(client, APILO_LOG_INFO, APILO_LOG_AUTH, "refreshing the access token");
    status = token_request(client, "refresh_token", refresh_token, &fresh, err);
    if (status == APILO_OK) {
        status = save_and_adopt(client, &fresh, err);
    } else if (status == APILO_E_AUTH && adopt_if_rotated(client, refresh_token, err) == APILO_OK) {
        status = APILO_OK;
    }
    apilo_token_set_clear(&stored);
    apilo_token_set_clear(&fresh);
    return status;
}

static apilo_status refresh_under_lock(apilo_client *client, const char *dead_access,
                                       apilo_error *err)
{
    apilo_status status = lock_store(client, err);

    if (status != APILO_OK)
        return status;
    status = refresh_locked(client, dead_access, err);
    unlock_store(client);
    return status;
}

/* Load tokens into memory when the client holds none yet. */
static apilo_status load_if_empty(apilo_client *client, apilo_error *err)
{
    apilo_token_set stored = {0};
    apilo_status status;

    if (client->tokens.access_token || client->tokens.refresh_token)
        return APILO_OK;
    if (!client->store)
        return apl_error_set(err, APILO_E_NO_TOKENS,
                             "no tokens: log in with an authorization code first");

    status = apl_store_load(client->store, &stored, err);
    if (status != APILO_OK)
        return status;
    adopt(client, &stored);
    return APILO_OK;
}

/* Refresh treating the access token we hold now as the one that failed or expires; the copy
 * lets refresh_under_lock compare it with the store after the client's tokens change. */
static apilo_status refresh_current(apilo_client *client, apilo_error *err)
{
    char *ours = apl_strdup(client->tokens.access_token);
    apilo_status status;

    if (client->tokens.access_token && !ours)
        return apl_error_set(err, APILO_E_NOMEM, "out of memory");
    status = refresh_under_lock(client, ours, err);
    apl_free_secret(ours);
    return status;
}

apilo_status apl_auth_ensure(apilo_client *client, apilo_error *err)
{
    apilo_status status = load_if_empty(client, err);

    if (status != APILO_OK)
        return status;
    if (fresh_enough(client, &client->tokens))
        return APILO_OK;

    return refresh_current(client, err);
}

apilo_status apl_auth_recover(apilo_client *client, const char *dead_access_token, apilo_error *err)
{
    return refresh_under_lock(client, dead_access_token, err);
}

apilo_status apilo_auth_login(apilo_client *client, const char *code, apilo_error *err)
{
    apilo_token_set fresh = {0};
    apilo_status status;

    if (!client)
        return apl_error_set(err, APILO_E_INVALID, "no client was given");
    if (!code || !*code)
        return apl_error_set(err, APILO_E_INVALID, "an authorization code is required");

    status = lock_store(client, err);
    if (status != APILO_OK)
        return status;
    apl_log(client, APILO_LOG_INFO, APILO_LOG_AUTH, "exchanging an authorization code");
    status = token_request(client, "authorization_code", code, &fresh, err);
    if (status == APILO_OK)
        status = save_and_adopt(client, &fresh, err);
    unlock_store(client);
    apilo_token_set_clear(&fresh);
    return status;
}

apilo_status apilo_auth_refresh(apilo_client *client, apilo_error *err)
{
    apilo_status status;

    if (!client)
        return apl_error_set(err, APILO_E_INVALID, "no client was given");
    status = load_if_empty(client, err);
    if (status != APILO_OK)
        return status;

    return refresh_current(client, err);
}

apilo_status apilo_auth_status(apilo_client *client, apilo_token_set *out, apilo_error *err)
{
    apilo_status status;

    if (!client || !out)
        return apl_error_set(err, APILO_E_INVALID, "a client and an output are required");
    memset(out, 0, sizeof(*out));
    status = load_if_empty(client, err);
    if (status != APILO_OK)
        return status;
    out->access_expires_at = client->tokens.access_expires_at;
    out->refresh_expires_at = client->tokens.refresh_expires_at;
    return APILO_OK;
}
