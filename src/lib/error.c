/*
 * The error object: statuses in words, filling from HTTP answers and the API's error body
 * (README §9), and a one-line rendering for people and logs.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Nested "errors" deeper than this are not followed: no real body nests that far. */
#define MAX_ERROR_DEPTH 16

void apilo_error_clear(apilo_error *err)
{
    static const apilo_error clean = APILO_ERROR_INIT;

    if (!err)
        return;

    free(err->message);
    free(err->description);
    free(err->field);
    for (size_t i = 0; i < err->errors_count; i++) {
        free(err->errors[i].field);
        free(err->errors[i].message);
    }
    free(err->errors);
    free(err->path);
    *err = clean;
}

const char *apilo_status_str(apilo_status status)
{
    switch (status) {
    case APILO_OK:
        return "success";
    case APILO_ITER_OVER:
        return "no more items";
    case APILO_E_INVALID:
        return "invalid argument";
    case APILO_E_NOMEM:
        return "out of memory";
    case APILO_E_TRANSPORT:
        return "transport failure (no HTTP answer)";
    case APILO_E_HTTP:
        return "unexpected HTTP status";
    case APILO_E_API:
        return "the API rejected the request";
    case APILO_E_AUTH:
        return "authentication failed";
    case APILO_E_NOT_FOUND:
        return "not found";
    case APILO_E_RATE_LIMIT:
        return "rate limited";
    case APILO_E_DECODE:
        return "unexpected response shape";
    case APILO_E_TOKEN_STORE:
        return "token store failure";
    case APILO_E_NO_TOKENS:
        return "no tokens stored";
    case APILO_E_CANCELLED:
        return "cancelled";
    }
    return "unknown status";
}

/*
 * Starts a fresh error: whatever the object held before is released, so a reused error object
 * never mixes two failures.
 */
apilo_status apl_error_set(apilo_error *err, apilo_status status, const char *fmt, ...)
{
    char *message;
    va_list args;
    int needed;

    if (!err)
        return status;

    apilo_error_clear(err);
    err->status = status;
    if (!fmt)
        return status;

    va_start(args, fmt);
    needed = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (needed < 0)
        return status;

    message = malloc((size_t)needed + 1);
    if (!message)
        return status;
    va_start(args, fmt);
    vsnprintf(message, (size_t)needed + 1, fmt, args);
    va_end(args);
    err->message = message;
    return status;
}

void apl_error_set_field(apilo_error *err, const char *field)
{
    char *copy;

    if (!err)
        return;

    copy = apl_strdup(field);
    if (field && !copy)
        return;
    free(err->field);
    err->field = copy;
}

static apilo_status status_for_http(long http_status, int has_error_body)
{
    switch (http_status) {
    case 401:
    case 403:
        return APILO_E_AUTH;
    case 404:
        return APILO_E_NOT_FOUND;
    case 429:
    case 503:
        return APILO_E_RATE_LIMIT;
    case 400:
    case 409:
    case 413:
    case 415:
    case 422:
        return APILO_E_API;
    default:
        break;
    }
    if (http_status >= 400 && http_status < 500 && has_error_body)
        return APILO_E_API;
    return APILO_E_HTTP;
}

static const char *http_reason(long http_status)
{
    static const struct {
        long status;
        const char *reason;
    } reasons[] = {
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {413, "Content Too Large"},
        {415, "Unsupported Media Type"},
        {422, "Unprocessable Entity"},
        {429, "Too Many Requests"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };

    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        if (reasons[i].status == http_status)
            return reasons[i].reason;
    }
    return NULL;
}

static int has_error_members(const apl_json *body)
{
    static const char *const keys[] = {"message", "code", "description", "errors", "field"};

    if (!apl_json_is_object(body))
        return 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (apl_json_get(body, keys[i]))
            return 1;
    }
    return 0;
}

/* Room for one more field error. The array doubles when its count reaches a power of two, so a
 * body listing many errors costs linear time, not a copy per error. */
static int reserve_field_error(apilo_error *err)
{
    size_t count = err->errors_count;
    apilo_field_error *grown;

    if (count != 0 && (count & (count - 1)) != 0)
        return 0;
    if (count > SIZE_MAX / 2 / sizeof *grown)
        return -1;
    grown = realloc(err->errors, (count ? count * 2 : 4) * sizeof *grown);
    if (!grown)
        return -1;
    err->errors = grown;
    return 0;
}

static int push_field_error(apilo_error *err, apl_json_val entry)
{
    apilo_field_error item = {NULL, NULL, 0, 0};
    apilo_opt_int code = {0, 0};

    if (apl_json_val_read_str(apl_json_val_get(entry, "field"), &item.field) == APL_JSON_NOMEM ||
        apl_json_val_read_str(apl_json_val_get(entry, "message"), &item.message) == APL_JSON_NOMEM)
        goto fail;
    if (apl_json_val_read_int(apl_json_val_get(entry, "code"), &code) == APL_JSON_OK) {
        item.has_code = 1;
        item.code = code.value;
    }

    /* An empty object (the documented sample has "errors": [{}]) says nothing. */
    if (!item.field && !item.message && !item.has_code)
        return 0;

    if (reserve_field_error(err) != 0)
        goto fail;
    err->errors[err->errors_count++] = item;
    return 0;

fail:
    free(item.field);
    free(item.message);
    return -1;
}

/*
 * Depth-first, so a nested error follows the error that contains it. The list is walked with an
 * iterator: reaching element i by index costs i steps on simdjson's tape, which made a long
 * "errors" array take quadratic time.
 */
static int flatten_errors(apilo_error *err, apl_json_val parent, int depth)
{
    apl_json_iter iter;
    apl_json_val entry;

    if (depth > MAX_ERROR_DEPTH ||
        apl_json_array_iter(apl_json_val_get(parent, "errors"), &iter) == (size_t)-1)
        return 0;

    while (apl_json_array_next(&iter, &entry)) {
        if (apl_json_val_kind(entry) != APL_JSON_OBJECT)
            continue;
        if (push_field_error(err, entry) != 0)
            return -1;
        if (flatten_errors(err, entry, depth + 1) != 0)
            return -1;
    }
    return 0;
}

static void fill_from_body(apilo_error *err, const apl_json *body)
{
    apilo_opt_int code = {0, 0};

    /* Out of memory while reading an error body only loses detail; the status stays right. */
    apl_json_read_str(body, "message", &err->message);
    apl_json_read_str(body, "description", &err->description);
    apl_json_read_str(body, "field", &err->field);
    if (apl_json_read_int(body, "code", &code) == APL_JSON_OK) {
        err->has_api_code = 1;
        err->api_code = code.value;
    }
    flatten_errors(err, apl_json_view(body), 0);

    /* An empty message string is as good as none; the fallback sentence is more useful. */
    if (err->message && err->message[0] == '\0') {
        free(err->message);
        err->message = NULL;
    }
}

/* Only the path and query: drop a scheme and authority (credentials could hide there). */
static char *safe_path(const char *path)
{
    const char *scheme_end;
    size_t len;
    char *copy;

    if (!path)
        return NULL;

    scheme_end = strstr(path, "://");
    if (scheme_end) {
        path = strchr(scheme_end + 3, '/');
        if (!path)
            path = "/";
    }
    len = strcspn(path, "#");
    copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, path, len);
    copy[len] = '\0';
    return copy;
}

apilo_status apl_error_from_http(apilo_error *err, long http_status, const char *body,
                                 size_t body_len, const char *method, const char *path)
{
    apl_json *parsed = NULL;
    apilo_status status;

    if (body && body_len > 0)
        parsed = apl_json_parse(body, body_len, 0, NULL, 0);
    status = status_for_http(http_status, has_error_members(parsed));
    if (!err)
        goto out;

    apl_error_set(err, status, NULL);
    err->http_status = http_status;
    if (method)
        snprintf(err->method, sizeof err->method, "%s", method);
    err->path = safe_path(path);
    if (apl_json_is_object(parsed))
        fill_from_body(err, parsed);

    if (!err->message) {
        apl_buf fallback = APL_BUF_INIT;
        const char *reason = http_reason(http_status);

        if (apl_buf_printf(&fallback, "HTTP %ld%s%s", http_status, reason ? " " : "",
                           reason ? reason : "") == 0)
            err->message = apl_buf_detach(&fallback);
        apl_buf_free(&fallback);
    }

out:
    apl_json_decref(parsed);
    return status;
}

/* API texts may carry newlines or tabs; the rendering stays on one line. */
static int put_one_line(apl_buf *out, const char *text)
{
    size_t start = out->len;

    if (apl_buf_puts(out, text) != 0)
        return -1;
    for (size_t i = start; i < out->len; i++) {
        if ((unsigned char)out->data[i] < 0x20 || out->data[i] == 0x7f)
            out->data[i] = ' ';
    }
    return 0;
}

static int format_field_errors(apl_buf *out, const apilo_error *err)
{
    int rc = 0;

    for (size_t i = 0; i < err->errors_count && rc == 0; i++) {
        const apilo_field_error *item = &err->errors[i];

        rc |= apl_buf_puts(out, "; ");
        if (item->field) {
            rc |= put_one_line(out, item->field);
            rc |= apl_buf_puts(out, item->message ? ": " : "");
        }
        if (item->message)
            rc |= put_one_line(out, item->message);
        if (item->has_code)
            rc |= apl_buf_printf(out, " (code %lld)", (long long)item->code);
    }
    return rc;
}

char *apilo_error_format(const apilo_error *err)
{
    apl_buf out = APL_BUF_INIT;
    int rc = 0;

    if (!err)
        return apl_strdup(apilo_status_str(APILO_OK));

    /* 503 is retried and reported like 429, but it is not the client's rate that caused it. */
    if (err->status == APILO_E_RATE_LIMIT && err->http_status == 503)
        rc |= apl_buf_puts(&out, "service unavailable");
    else
        rc |= apl_buf_puts(&out, apilo_status_str(err->status));
    if (err->http_status && err->has_api_code)
        rc |= apl_buf_printf(&out, " (HTTP %ld, code %lld)", err->http_status,
                             (long long)err->api_code);
    else if (err->http_status)
        rc |= apl_buf_printf(&out, " (HTTP %ld)", err->http_status);
    else if (err->has_api_code)
        rc |= apl_buf_printf(&out, " (code %lld)", (long long)err->api_code);

    if (err->message) {
        rc |= apl_buf_puts(&out, ": ");
        rc |= put_one_line(&out, err->message);
    }
    if (err->description && (!err->message || strcmp(err->description, err->message) != 0)) {
        rc |= apl_buf_puts(&out, " [");
        rc |= put_one_line(&out, err->description);
        rc |= apl_buf_puts(&out, "]");
    }
    if (err->field) {
        rc |= apl_buf_puts(&out, " (field ");
        rc |= put_one_line(&out, err->field);
        rc |= apl_buf_puts(&out, ")");
    }
    rc |= format_field_errors(&out, err);

    if (err->method[0] || err->path) {
        rc |= apl_buf_puts(&out, " (");
        rc |= put_one_line(&out, err->method[0] ? err->method : "?");
        if (err->path) {
            rc |= apl_buf_puts(&out, " ");
            rc |= put_one_line(&out, err->path);
        }
        rc |= apl_buf_puts(&out, ")");
    }

    if (rc != 0) {
        apl_buf_free(&out);
        return NULL;
    }
    return apl_buf_detach(&out);
}
