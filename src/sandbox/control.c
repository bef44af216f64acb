/*
 * What makes the sandbox a test tool rather than a plain server: the sliding-window rate limit,
 * injected faults, the request log and counters, and the /sandbox/ control endpoints.
 */
#include "sandbox.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

int sbx_control_init(sbx_state *state)
{
    long limit = state->config->rate_limit;

    state->window_stamps =
        sbx_xmalloc(sizeof *state->window_stamps * (size_t)(limit > 0 ? limit : 1));
    state->window_head = 0;
    state->window_used = 0;
    return 0;
}

static void log_clear(sbx_state *state)
{
    for (size_t i = 0; i < state->log_len; i++) {
        free(state->log[i].method);
        free(state->log[i].path);
        free(state->log[i].query);
    }
    state->log_len = 0;
}

void sbx_control_free(sbx_state *state)
{
    log_clear(state);
    free(state->log);
    state->log = NULL;
    state->log_cap = 0;
    free(state->window_stamps);
    state->window_stamps = NULL;
}

int sbx_rate_limit_admit(sbx_state *state, sbx_reply *reply)
{
    const sbx_config *config = state->config;
    size_t limit = (size_t)config->rate_limit;
    int64_t now = sbx_now_ms();
    int64_t wait_ms;
    long retry_seconds;

    if (config->no_rate_limit)
        return 0;

    /* Forget admissions that left the window; the ring holds them oldest first. */
    while (state->window_used > 0 &&
           state->window_stamps[state->window_head] <= now - config->rate_window_ms) {
        state->window_head = (state->window_head + 1) % limit;
        state->window_used--;
    }
    if (state->window_used < limit) {
        state->window_stamps[(state->window_head + state->window_used) % limit] = now;
        state->window_used++;
        return 0;
    }

    wait_ms = state->window_stamps[state->window_head] + config->rate_window_ms - now;
    retry_seconds = (long)((wait_ms + 999) / 1000);
    if (retry_seconds < 1)
        retry_seconds = 1;
    state->stats.rate_limited++;
    sbx_reply_error(reply, 429, "Too Many Requests",
                    "Rate limit exceeded, retry after the time given in Retry-After", NULL);
    snprintf(reply->retry_after, sizeof reply->retry_after, "%ld", retry_seconds);
    return -1;
}

int sbx_fault_take(sbx_state *state, const char *path, sbx_reply *reply)
{
    sbx_faults *faults = &state->faults;

    if (faults->status == 0 || faults->count <= 0 ||
        strncmp(path, faults->path, strlen(faults->path)) != 0)
        return 0;

    faults->count--;
    sbx_reply_error(reply, faults->status, "Injected fault",
                    "apilo-sandbox answered with a fault set by POST /sandbox/faults", NULL);
    snprintf(reply->retry_after, sizeof reply->retry_after, "%s", faults->retry_after);
    if (faults->count == 0)
        faults->status = 0;
    return -1;
}

void sbx_log_request(sbx_state *state, const sbx_request *req, int status)
{
    sbx_log_entry *entry;

    if (state->log_len == state->log_cap) {
        state->log_cap = state->log_cap ? state->log_cap * 2 : 256;
        state->log = sbx_xrealloc(state->log, state->log_cap * sizeof *state->log);
    }
    entry = &state->log[state->log_len++];
    entry->method = sbx_xstrdup(req->method);
    entry->path = sbx_xstrdup(req->path);
    entry->query = sbx_xstrdup(req->raw_query);
    entry->status = status;
}

/* ---- control endpoints ---------------------------------------------------------------------- */

static char *dump_and_free(json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT);
    char *copy = sbx_xstrdup(text ? text : "null");

    free(text);
    json_decref(value);
    return copy;
}

static char *faults_json(const sbx_faults *faults)
{
    json_t *obj = json_object();

    json_object_set_new(obj, "status", json_integer(faults->status));
    json_object_set_new(obj, "count", json_integer(faults->status ? faults->count : 0));
    json_object_set_new(obj, "retryAfter",
                        faults->retry_after[0] ? json_string(faults->retry_after) : json_null());
    json_object_set_new(obj, "path", json_string(faults->path));
    json_object_set_new(obj, "maxPageRows", json_integer(faults->max_page_rows));
    json_object_set_new(obj, "totalCountDelta", json_integer(faults->total_count_delta));
    json_object_set_new(obj, "delayMs", json_integer(faults->delay_ms));
    return dump_and_free(obj);
}

/* Reads an optional integer member within [min, max]; -1 (with the 422 filled) when invalid. */
static int int_member(json_t *body, const char *name, long min, long max, long *out,
                      sbx_reply *reply)
{
    json_t *value = json_object_get(body, name);

    if (!value || json_is_null(value))
        return 0;
    if (!json_is_integer(value) || json_integer_value(value) < min ||
        json_integer_value(value) > max) {
        sbx_reply_error(reply, 422, "Validation failed", "Out of range or not an integer", name);
        return -1;
    }
    *out = (long)json_integer_value(value);
    return 0;
}

static void set_faults(sbx_state *state, const sbx_request *req, sbx_reply *reply)
{
    json_t *body = json_loadb(req->body ? req->body : "", req->body_len, 0, NULL);
    sbx_faults next = {0};
    long status = 0;
    long count = 1;
    json_t *retry_after;
    json_t *path;

    if (!json_is_object(body)) {
        sbx_reply_error(reply, 422, "Validation failed", "The body must be a JSON object", NULL);
        goto out;
    }
    if (int_member(body, "status", 100, 599, &status, reply) ||
        int_member(body, "count", 0, 1000000000, &count, reply) ||
        int_member(body, "maxPageRows", 0, 1000000, &next.max_page_rows, reply) ||
        int_member(body, "totalCountDelta", -1000000000, 1000000000, &next.total_count_delta,
                   reply) ||
        int_member(body, "delayMs", 0, 120000, &next.delay_ms, reply))
        goto out;

    retry_after = json_object_get(body, "retryAfter");
    if (json_is_string(retry_after)) {
        snprintf(next.retry_after, sizeof next.retry_after, "%s", json_string_value(retry_after));
    } else if (json_is_integer(retry_after)) {
        snprintf(next.retry_after, sizeof next.retry_after, "%lld",
                 (long long)json_integer_value(retry_after));
    } else if (retry_after && !json_is_null(retry_after)) {
        sbx_reply_error(reply, 422, "Validation failed", "retryAfter must be a string",
                        "retryAfter");
        goto out;
    }
    path = json_object_get(body, "path");
    if (json_is_string(path)) {
        snprintf(next.path, sizeof next.path, "%s", json_string_value(path));
    } else if (path && !json_is_null(path)) {
        sbx_reply_error(reply, 422, "Validation failed", "path must be a string", "path");
        goto out;
    }

    next.status = (int)status;
    next.count = count;
    if (next.count == 0)
        next.status = 0;
    state->faults = next;
    sbx_reply_json(reply, 200, faults_json(&state->faults));

out:
    json_decref(body);
}

static char *stats_json(const sbx_stats *stats)
{
    json_t *obj = json_object();

    json_object_set_new(obj, "requests", json_integer(stats->requests));
    json_object_set_new(obj, "tokenRequests", json_integer(stats->token_requests));
    json_object_set_new(obj, "refreshes", json_integer(stats->refreshes));
    json_object_set_new(obj, "codeExchanges", json_integer(stats->code_exchanges));
    json_object_set_new(obj, "refused", json_integer(stats->refused));
    json_object_set_new(obj, "rateLimited", json_integer(stats->rate_limited));
    return dump_and_free(obj);
}

/* Paths and queries are whatever the client sent; bytes that are not UTF-8 become '?'. */
static json_t *client_string(const char *text)
{
    json_t *value = json_string(text);
    char *copy;

    if (value)
        return value;
    copy = sbx_xstrdup(text);
    for (char *p = copy; *p; p++) {
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    }
    value = json_string(copy);
    free(copy);
    return value;
}

static char *log_json(const sbx_state *state)
{
    json_t *list = json_array();
    json_t *obj = json_object();

    for (size_t i = 0; i < state->log_len; i++) {
        const sbx_log_entry *entry = &state->log[i];
        json_t *item = json_object();

        json_object_set_new(item, "method", json_string(entry->method));
        json_object_set_new(item, "path", client_string(entry->path));
        json_object_set_new(item, "query", client_string(entry->query));
        json_object_set_new(item, "status", json_integer(entry->status));
        json_array_append_new(list, item);
    }
    json_object_set_new(obj, "requests", list);
    return dump_and_free(obj);
}

void sbx_control_handle(sbx_state *state, const sbx_request *req, sbx_reply *reply)
{
    char name[64];
    size_t len;
    bool get = strcmp(req->method, "GET") == 0;
    bool post = strcmp(req->method, "POST") == 0;
    bool delete = strcmp(req->method, "DELETE") == 0;

    /* Accept the control paths with or without a trailing slash. */
    snprintf(name, sizeof name, "%s", req->path + strlen("/sandbox/"));
    len = strlen(name);
    if (len > 0 && name[len - 1] == '/')
        name[len - 1] = '\0';

    if (strcmp(name, "auth-codes") == 0 && post) {
        char *code = sbx_auth_mint_code(state);
        sbx_buf body = {0};

        if (!code) {
            sbx_reply_error(reply, 500, "Cannot store the code", NULL, NULL);
            return;
        }
        sbx_buf_adds(&body, "{\"code\":");
        sbx_buf_add_json_string(&body, code);
        sbx_buf_addc(&body, '}');
        free(code);
        sbx_reply_json(reply, 201, sbx_buf_take(&body));
    } else if (strcmp(name, "stats") == 0 && get) {
        sbx_reply_json(reply, 200, stats_json(&state->stats));
    } else if (strcmp(name, "requests") == 0 && get) {
        sbx_reply_json(reply, 200, log_json(state));
    } else if (strcmp(name, "requests") == 0 && delete) {
        log_clear(state);
        memset(&state->stats, 0, sizeof state->stats);
        sbx_reply_json(reply, 204, NULL);
    } else if (strcmp(name, "expire-access-tokens") == 0 && post) {
        sbx_auth_expire_access_tokens(state);
        sbx_reply_json(reply, 200, sbx_xstrdup("{}"));
    } else if (strcmp(name, "faults") == 0 && post) {
        set_faults(state, req, reply);
    } else if (strcmp(name, "faults") == 0 && delete) {
        memset(&state->faults, 0, sizeof state->faults);
        sbx_reply_json(reply, 200, faults_json(&state->faults));
    } else if (strcmp(name, "faults") == 0 && get) {
        sbx_reply_json(reply, 200, faults_json(&state->faults));
    } else {
        sbx_reply_error(reply, 404, "Not Found", "Unknown sandbox control endpoint", NULL);
    }
}
