/*
 * The token endpoint and bearer checks. Authorization codes and refresh tokens are one-time:
 * a spent or unknown one is refused with 403, and a refresh also revokes the access token that
 * was issued together with the spent refresh token, as the rotation rules in the API notes say.
 */
#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

static const char jwt_header_json[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

/* Looks like the real tokens (three base64url segments) but the payload is informational only:
   the sandbox validates tokens by looking them up, never by decoding them. */
static char *make_token(const sbx_config *config, const char *type, int64_t issued_at,
                        int64_t expires_at)
{
    unsigned char jti[16];
    unsigned char signature[32];
    char *header_part;
    char *payload_part;
    char *signature_part;
    sbx_buf payload = {0};
    sbx_buf token = {0};

    sbx_random_bytes(jti, sizeof jti);
    sbx_random_bytes(signature, sizeof signature);

    sbx_buf_addf(&payload, "{\"iss\":\"apilo-sandbox\",\"exp\":%lld,\"jti\":\"",
                 (long long)expires_at);
    for (size_t i = 0; i < sizeof jti; i++)
        sbx_buf_addf(&payload, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", jti[i]);
    sbx_buf_addf(&payload, "\",\"type\":\"%s\",\"client_id\":", type);
    sbx_buf_add_json_string(&payload, config->client_id);
    sbx_buf_addf(&payload, ",\"platform_id\":1,\"iat\":%lld}", (long long)issued_at);

    header_part = sbx_base64url((const unsigned char *)jwt_header_json, strlen(jwt_header_json));
    payload_part = sbx_base64url((const unsigned char *)payload.data, payload.len);
    signature_part = sbx_base64url(signature, sizeof signature);
    sbx_buf_addf(&token, "%s.%s.%s", header_part, payload_part, signature_part);

    free(header_part);
    free(payload_part);
    free(signature_part);
    sbx_buf_free(&payload);
    return sbx_buf_take(&token);
}

int sbx_auth_register_code(sbx_state *state, const char *code)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    if (sqlite3_prepare_v2(state->db, "INSERT OR IGNORE INTO auth_codes (code) VALUES (?)", -1,
                           &stmt, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

char *sbx_auth_mint_code(sbx_state *state)
{
    int64_t now = (int64_t)time(NULL);
    char *code = make_token(state->config, "authorization_code", now, now + 3600);

    if (sbx_auth_register_code(state, code) != 0) {
        free(code);
        return NULL;
    }
    return code;
}

static bool accept_is_json(const char *accept)
{
    const char *p = accept;

    if (!accept)
        return false;
    /* A list of media ranges; any one that is application/json (parameters ignored) will do. */
    while (*p) {
        const char *end = p + strcspn(p, ",");
        const char *type_end = p + strcspn(p, ",;");

        while (p < type_end && (*p == ' ' || *p == '\t'))
            p++;
        while (type_end > p && (type_end[-1] == ' ' || type_end[-1] == '\t'))
            type_end--;
        if ((size_t)(type_end - p) == 16 && strncasecmp(p, "application/json", 16) == 0)
            return true;
        p = *end ? end + 1 : end;
    }
    return false;
}

static bool basic_auth_ok(const sbx_config *config, const char *authorization)
{
    unsigned char *decoded;
    size_t decoded_len;
    size_t id_len = strlen(config->client_id);
    size_t secret_len = strlen(config->client_secret);
    bool ok;

    if (!authorization || strncasecmp(authorization, "Basic ", 6) != 0)
        return false;
    decoded = sbx_base64_decode(authorization + 6, &decoded_len);
    if (!decoded)
        return false;
    ok = decoded_len == id_len + 1 + secret_len &&
         memcmp(decoded, config->client_id, id_len) == 0 && decoded[id_len] == ':' &&
         memcmp(decoded + id_len + 1, config->client_secret, secret_len) == 0;
    free(decoded);
    return ok;
}

static int insert_token(sbx_state *state, const char *token, const char *kind, int64_t expires_at,
                        const char *partner)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    if (sqlite3_prepare_v2(state->db,
                           "INSERT INTO tokens (token, kind, expires_at, partner) VALUES (?,?,?,?)",
                           -1, &stmt, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(stmt, 1, token, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, expires_at);
    sqlite3_bind_text(stmt, 4, partner, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void issue_pair(sbx_state *state, sbx_reply *reply)
{
    const sbx_config *config = state->config;
    int64_t now = (int64_t)time(NULL);
    int64_t access_expiry = now + config->access_ttl;
    int64_t refresh_expiry = now + config->refresh_ttl;
    char *access = make_token(config, "access_token", now, access_expiry);
    char *refresh = make_token(config, "refresh_token", now, refresh_expiry);
    char access_at[32];
    char refresh_at[32];
    sbx_buf body = {0};

    if (insert_token(state, access, "access", access_expiry, NULL) != 0 ||
        insert_token(state, refresh, "refresh", refresh_expiry, access) != 0) {
        sbx_reply_error(reply, 500, "Token storage failed", NULL, NULL);
        goto out;
    }

    sbx_format_utc(access_expiry, access_at, sizeof access_at);
    sbx_format_utc(refresh_expiry, refresh_at, sizeof refresh_at);
    sbx_buf_adds(&body, "{\"accessToken\":");
    sbx_buf_add_json_string(&body, access);
    sbx_buf_addf(&body, ",\"accessTokenExpireAt\":\"%s\",\"refreshToken\":", access_at);
    sbx_buf_add_json_string(&body, refresh);
    sbx_buf_addf(&body, ",\"refreshTokenExpireAt\":\"%s\"}", refresh_at);
    sbx_reply_json(reply, 201, sbx_buf_take(&body));

out:
    free(access);
    free(refresh);
}

/* Marks the code used; 0 when it existed unused, -1 otherwise. */
static int spend_code(sbx_state *state, const char *code)
{
    sqlite3_stmt *stmt = NULL;
    int changed;

    if (sqlite3_prepare_v2(state->db, "UPDATE auth_codes SET used = 1 WHERE code = ? AND used = 0",
                           -1, &stmt, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC);
    changed = sqlite3_step(stmt) == SQLITE_DONE ? sqlite3_changes(state->db) : 0;
    sqlite3_finalize(stmt);
    return changed == 1 ? 0 : -1;
}

/* Revokes a live refresh token and the access token issued with it; -1 when not live. */
static int spend_refresh_token(sbx_state *state, const char *token)
{
    static const char sql[] =
        "UPDATE tokens SET revoked = 1 WHERE revoked = 0 AND ("
        " (token = ?1 AND kind = 'refresh' AND expires_at > ?2) OR"
        " (kind = 'access' AND token = (SELECT partner FROM tokens WHERE token = ?1"
        "  AND kind = 'refresh' AND revoked = 0 AND expires_at > ?2)))";
    sqlite3_stmt *stmt = NULL;
    int changed;

    if (sqlite3_prepare_v2(state->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(stmt, 1, token, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (int64_t)time(NULL));
    changed = sqlite3_step(stmt) == SQLITE_DONE ? sqlite3_changes(state->db) : 0;
    sqlite3_finalize(stmt);
    return changed >= 1 ? 0 : -1;
}

static const char *string_member(json_t *body, const char *name, bool *wrong_type)
{
    json_t *value = json_object_get(body, name);

    *wrong_type = value && !json_is_string(value) && !json_is_null(value);
    return json_is_string(value) ? json_string_value(value) : NULL;
}

void sbx_auth_token(sbx_state *state, const sbx_request *req, sbx_reply *reply)
{
    json_t *body = NULL;
    const char *grant_type;
    const char *token;
    bool wrong_type;

    state->stats.token_requests++;
    if (!basic_auth_ok(state->config, req->authorization)) {
        sbx_reply_error(reply, 401, "Authorization failed",
                        "Invalid client credentials in the Basic authorization header", NULL);
        return;
    }
    if (!accept_is_json(req->accept)) {
        sbx_reply_error(reply, 422, "Invalid Accept header value",
                        "The Accept header must be application/json", NULL);
        return;
    }

    body = json_loadb(req->body ? req->body : "", req->body_len, 0, NULL);
    if (!json_is_object(body)) {
        sbx_reply_error(reply, 422, "Validation failed", "The body must be a JSON object", NULL);
        goto out;
    }
    grant_type = string_member(body, "grantType", &wrong_type);
    if (!grant_type || (strcmp(grant_type, "authorization_code") != 0 &&
                        strcmp(grant_type, "refresh_token") != 0)) {
        sbx_reply_error(reply, 422, "Validation failed",
                        "grantType must be authorization_code or refresh_token", "grantType");
        goto out;
    }
    token = string_member(body, "token", &wrong_type);
    if (!token || !*token) {
        sbx_reply_error(reply, 422, "Validation failed", "token must be a non-empty string",
                        "token");
        goto out;
    }
    string_member(body, "developerId", &wrong_type);
    if (wrong_type) {
        sbx_reply_error(reply, 422, "Validation failed", "developerId must be a string or null",
                        "developerId");
        goto out;
    }

    if (strcmp(grant_type, "authorization_code") == 0) {
        if (spend_code(state, token) != 0) {
            sbx_reply_error(reply, 403, "Invalid authorization code",
                            "The authorization code is unknown or was already used", NULL);
            goto out;
        }
        state->stats.code_exchanges++;
    } else {
        if (spend_refresh_token(state, token) != 0) {
            sbx_reply_error(reply, 403, "Invalid refresh token",
                            "The refresh token is unknown, expired or was already used", NULL);
            goto out;
        }
        state->stats.refreshes++;
    }
    issue_pair(state, reply);

out:
    json_decref(body);
}

int sbx_auth_check_bearer(sbx_state *state, const sbx_request *req, sbx_reply *reply,
                          int64_t *out_expires_at)
{
    sqlite3_stmt *stmt = NULL;
    const char *auth = req->authorization;
    bool live = false;

    if (auth && strncasecmp(auth, "Bearer ", 7) == 0 &&
        sqlite3_prepare_v2(state->db,
                           "SELECT expires_at FROM tokens WHERE token = ? AND kind = 'access'"
                           " AND revoked = 0",
                           -1, &stmt, NULL) == SQLITE_OK) {
        sqlite3_bind_text(stmt, 1, auth + 7, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) == SQLITE_ROW) {
            int64_t expires_at = sqlite3_column_int64(stmt, 0);

            live = expires_at > (int64_t)time(NULL);
            if (out_expires_at)
                *out_expires_at = expires_at;
        }
        sqlite3_finalize(stmt);
    }
    if (live)
        return 0;
    sbx_reply_error(reply, 401, "Unauthorized",
                    auth ? "The access token is invalid or expired" : "Missing bearer token", NULL);
    return -1;
}

void sbx_auth_expire_access_tokens(sbx_state *state)
{
    char sql[128];

    snprintf(sql, sizeof sql,
             "UPDATE tokens SET expires_at = %lld WHERE kind = 'access' AND expires_at > %lld",
             (long long)time(NULL) - 1, (long long)time(NULL) - 1);
    sbx_db_exec(state, sql);
}
