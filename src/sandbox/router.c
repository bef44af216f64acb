/*
 * Routing of one request. Every /rest/ request is counted, rate-limited, checked against the
 * injected faults and logged with its final status, in that order, whatever it asked for.
 */
#include "sandbox.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static bool is_order_id(const char *text, size_t len)
{
    if (len < 10 || len > 11)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)text[i]) && text[i] != '.' && text[i] != '|')
            return false;
    }
    return true;
}

static void method_not_allowed(sbx_reply *reply)
{
    sbx_reply_error(reply, 405, "Method Not Allowed", "This path does not accept this method",
                    NULL);
}

static void connection_test(sbx_reply *reply)
{
    sbx_reply_json(reply, 200, sbx_xstrdup("{\"content\":\"Connection to apilo-sandbox works\"}"));
}

/* The whoami sample with this sandbox's client id and the caller's token expiry filled in. */
static void whoami(sbx_state *state, int64_t token_expires_at, sbx_reply *reply)
{
    const char *fixture = sbx_fixture("connection_whoami.200.json", NULL);
    json_t *doc = fixture ? json_loads(fixture, 0, NULL) : NULL;
    json_t *entry = json_array_get(json_object_get(doc, "content"), 0);
    const char *client_id = state->config->client_id;
    char *end = NULL;
    long long numeric_id = strtoll(client_id, &end, 10);
    char valid_to[32];

    if (!json_is_object(entry)) {
        json_decref(doc);
        sbx_reply_error(reply, 500, "whoami fixture missing", NULL, NULL);
        return;
    }
    sbx_format_warsaw(token_expires_at, valid_to, sizeof valid_to);
    json_object_set_new(entry, "clientId",
                        *client_id && end && *end == '\0' ? json_integer(numeric_id)
                                                          : json_string(client_id));
    json_object_set_new(entry, "validTo", json_string(valid_to));

    char *text = json_dumps(doc, JSON_COMPACT);
    sbx_reply_json(reply, 200, sbx_xstrdup(text ? text : "{}"));
    free(text);
    json_decref(doc);
}

static void route_orders(sbx_state *state, const sbx_request *req, sbx_reply *reply)
{
    const char *rest = req->path + strlen("/rest/api/orders/");
    size_t rest_len = strlen(rest);
    bool get = strcmp(req->method, "GET") == 0;

    if (rest_len == 0) {
        if (get)
            sbx_orders_list(state, req, reply);
        else
            method_not_allowed(reply);
        return;
    }
    if (rest_len > 5 && strcmp(rest + rest_len - 5, "/map/") == 0) {
        char name[64];
        int index;

        snprintf(name, sizeof name, "%.*s", (int)(rest_len - 5), rest);
        index = sbx_map_index(name);
        if (index >= 0) {
            if (get)
                sbx_reply_json(reply, 200, sbx_xstrdup(state->maps[index]));
            else
                method_not_allowed(reply);
            return;
        }
    }
    if (rest[rest_len - 1] == '/' && memchr(rest, '/', rest_len - 1) == NULL) {
        char id[64];

        if (!get) {
            method_not_allowed(reply);
            return;
        }
        if (!is_order_id(rest, rest_len - 1)) {
            sbx_reply_error(reply, 422, "Validation failed",
                            "The order id must match ^[A-Za-z0-9.|]{10,11}$", "id");
            return;
        }
        snprintf(id, sizeof id, "%.*s", (int)(rest_len - 1), rest);
        sbx_orders_get(state, id, reply);
        return;
    }
    sbx_reply_error(reply, 404, "Not Found", "No such resource in apilo-sandbox", NULL);
}

static void route_rest(sbx_state *state, const sbx_request *req, sbx_reply *reply)
{
    int64_t token_expires_at = 0;
    bool get = strcmp(req->method, "GET") == 0;

    if (strcmp(req->path, "/rest/auth/token/") == 0) {
        if (strcmp(req->method, "POST") == 0)
            sbx_auth_token(state, req, reply);
        else
            method_not_allowed(reply);
        return;
    }
    if (!starts_with(req->path, "/rest/api/")) {
        sbx_reply_error(reply, 404, "Not Found", "No such resource in apilo-sandbox", NULL);
        return;
    }
    if (sbx_auth_check_bearer(state, req, reply, &token_expires_at) != 0)
        return;

    if (strcmp(req->path, "/rest/api/") == 0) {
        if (get)
            connection_test(reply);
        else
            method_not_allowed(reply);
    } else if (strcmp(req->path, "/rest/api/whoami/") == 0) {
        if (get)
            whoami(state, token_expires_at, reply);
        else
            method_not_allowed(reply);
    } else if (starts_with(req->path, "/rest/api/orders/")) {
        route_orders(state, req, reply);
    } else {
        sbx_reply_error(reply, 404, "Not Found", "No such resource in apilo-sandbox", NULL);
    }
}

void sbx_dispatch(sbx_state *state, const sbx_request *req, sbx_reply *reply)
{
    if (starts_with(req->path, "/sandbox/")) {
        sbx_control_handle(state, req, reply);
        return;
    }
    if (!starts_with(req->path, "/rest/")) {
        sbx_reply_error(reply, 404, "Not Found", "apilo-sandbox serves /rest/ and /sandbox/", NULL);
        return;
    }

    state->stats.requests++;
    if (sbx_rate_limit_admit(state, reply) == 0 && sbx_fault_take(state, req->path, reply) == 0)
        route_rest(state, req, reply);

    if (reply->status == 401 || reply->status == 403)
        state->stats.refused++;
    sbx_log_request(state, req, reply->status);
}
