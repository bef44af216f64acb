/*
 * HTTP exchanges: one reused libcurl handle per client, the rate governor, retries with
 * backoff and Retry-After, and apl_request, which adds the bearer token and the single
 * refresh-and-replay on 401.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client_private.h"

#define BACKOFF_BASE_S 0.5
/* Servers count their windows in milliseconds; one more keeps us clear of rounding. */
#define GOVERNOR_SLACK_S 0.001
/* The largest announced body reserved up front; a longer one still arrives, growing as it goes. */
#define BODY_RESERVE_MAX (64u << 20)

typedef struct exchange {
    apl_response *response;
    char retry_after[128]; /* raw header value of the last response, "" when absent */
    int body_overflow;
} exchange;

void apl_response_free(apl_response *response)
{
    if (!response)
        return;
    apl_buf_free(&response->body);
    response->status = 0;
    response->content_type[0] = '\0';
}

void apl_sleep(double seconds)
{
    struct timespec left;

    if (!(seconds > 0))
        return;
    left.tv_sec = (time_t)seconds;
    left.tv_nsec = (long)((seconds - (double)left.tv_sec) * 1e9);
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        continue;
}

static size_t on_body(char *data, size_t size, size_t count, void *userdata)
{
    exchange *ex = userdata;
    size_t len = size * count;

    if (apl_buf_append(&ex->response->body, data, len) != 0) {
        ex->body_overflow = 1;
        return 0; /* libcurl aborts the transfer with CURLE_WRITE_ERROR */
    }
    return len;
}

static void trim_copy(char *dst, size_t size, const char *src, size_t len)
{
    while (len > 0 && isspace((unsigned char)*src)) {
        src++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)src[len - 1]))
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Room for a body of the announced length, plus the parser's padding, in one allocation
 * instead of a doubling series of copies. Only a hint: a compressed body grows past it. */
static void reserve_for_length(exchange *ex, const char *value, size_t len)
{
    char digits[24];
    char *end;
    unsigned long long announced;

    trim_copy(digits, sizeof(digits), value, len);
    errno = 0;
    announced = strtoull(digits, &end, 10);
    if (errno != 0 || end == digits || *end != '\0' || announced > BODY_RESERVE_MAX)
        return;
    /* Failing to reserve is not an error: appending will try again and report it. */
    (void)apl_buf_reserve(&ex->response->body, (size_t)announced + APL_JSON_PADDING);
}

static size_t on_header(char *data, size_t size, size_t count, void *userdata)
{
    exchange *ex = userdata;
    size_t len = size * count;
    static const char retry_after[] = "retry-after:";
    static const char content_length[] = "content-length:";

    /* A new status line starts a new response (after a 100 Continue, say). */
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0)
        ex->retry_after[0] = '\0';
    else if (len >= sizeof(retry_after) - 1 &&
             strncasecmp(data, retry_after, sizeof(retry_after) - 1) == 0)
        trim_copy(ex->retry_after, sizeof(ex->retry_after), data + sizeof(retry_after) - 1,
                  len - (sizeof(retry_after) - 1));
    else if (len >= sizeof(content_length) - 1 &&
             strncasecmp(data, content_length, sizeof(content_length) - 1) == 0)
        reserve_for_length(ex, data + sizeof(content_length) - 1,
                           len - (sizeof(content_length) - 1));
    return len;
}

/*
 * Retry-After in its three forms: integer seconds, decimal seconds, an HTTP date (a date in the
 * past means now). Returns -1 when absent or unreadable.
 */
static double parse_retry_after(const char *value)
{
    const char *p;
    int digits = 0;
    int dots = 0;
    time_t when;

    if (!*value)
        return -1;

    for (p = value; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p == '.')
            dots++;
        else
            break;
    }
    if (!*p && digits > 0 && dots <= 1 && value[0] != '.')
        return strtod(value, NULL);

    when = curl_getdate(value, NULL);
    if (when == (time_t)-1)
        return -1;
    if (when <= time(NULL))
        return 0;
    return (double)(when - time(NULL));
}

static double backoff_seconds(apilo_client *client, int attempt)
{
    double wait = BACKOFF_BASE_S;
    double fraction;
    uint64_t x = client->jitter_state;

    for (int i = 0; i < attempt && wait < client->retry_max_wait_s; i++)
        wait *= 2;
    if (wait > client->retry_max_wait_s)
        wait = client->retry_max_wait_s;

    /* xorshift64: spreads clients that failed together so they do not retry together. */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    client->jitter_state = x;
    fraction = (double)(x >> 11) / (double)(UINT64_C(1) << 53);
    return wait * (0.5 + 0.5 * fraction);
}

static int cancel_requested(apilo_client *client)
{
    return client->cancel_fn && client->cancel_fn(client->cancel_userdata);
}

/* Sleep `seconds`, in slices when a cancel callback is set so that asking to stop ends the wait
 * within a tenth of a second. Returns 1 when cancelled; the time waited goes to `waited`. */
static int wait_unless_cancelled(apilo_client *client, double seconds, double *waited)
{
    double start = apl_monotonic();
    double until = start + seconds;
    int cancelled = 0;

    if (!client->cancel_fn) {
        apl_sleep(seconds);
    } else {
        for (;;) {
            double left = until - apl_monotonic();

            if (cancel_requested(client)) {
                cancelled = 1;
                break;
            }
            if (left <= 0)
                break;
            apl_sleep(left < 0.1 ? left : 0.1);
        }
    }
    if (waited)
        *waited = apl_monotonic() - start;
    return cancelled;
}

/* libcurl's progress callback: a non-zero answer aborts the transfer. */
static int on_progress(void *userdata, curl_off_t download_total, curl_off_t downloaded,
                       curl_off_t upload_total, curl_off_t uploaded)
{
    (void)download_total;
    (void)downloaded;
    (void)upload_total;
    (void)uploaded;
    return cancel_requested(userdata);
}

/*
 * Wait until one more request keeps every window of the configured length within the limit.
 * Returns 1 when the wait was cancelled.
 */
static int governor_wait(apilo_client *client)
{
    double oldest;
    double ready;
    double now;

    double waited = 0;
    int cancelled;

    if (client->rate_limit_requests <= 0 || client->ring_used < (size_t)client->rate_limit_requests)
        return 0;

    oldest = client->completed_at[client->ring_next];
    ready = oldest + (double)client->rate_limit_window_ms / 1000.0 + GOVERNOR_SLACK_S;
    now = apl_monotonic();
    if (now >= ready)
        return 0;

    apl_log(client, APILO_LOG_DEBUG, APILO_LOG_RATE,
            "rate governor: %d requests in the last %ld ms, waiting %.3f s",
            client->rate_limit_requests, client->rate_limit_window_ms, ready - now);
    cancelled = wait_unless_cancelled(client, ready - now, &waited);
    client->stats.rate_waits++;
    client->stats.rate_wait_s += waited;
    return cancelled;
}

/*
 * Completion times, not send times: the server saw the request at or before its answer ended,
 * so spacing completions by the window keeps the server's own window within the limit.
 */
static void governor_record(apilo_client *client)
{
    if (client->rate_limit_requests <= 0)
        return;
    client->completed_at[client->ring_next] = apl_monotonic();
    client->ring_next = (client->ring_next + 1) % (size_t)client->rate_limit_requests;
    if (client->ring_used < (size_t)client->rate_limit_requests)
        client->ring_used++;
}

static int add_header(struct curl_slist **list, const char *line)
{
    struct curl_slist *grown = curl_slist_append(*list, line);

    if (!grown)
        return -1;
    *list = grown;
    return 0;
}

/* Headers may hold the bearer token: every line is wiped before it is freed. */
static void free_headers(struct curl_slist *list)
{
    for (struct curl_slist *node = list; node; node = node->next)
        explicit_bzero(node->data, strlen(node->data));
    curl_slist_free_all(list);
}

/*
 * The bearer token goes in a header line of ours, written once per request and wiped after:
 * handing it to CURLOPT_XOAUTH2_BEARER instead made libcurl format the header with its own
 * printf on every attempt, a third of a single-order GET's client CPU.
 */
static int add_bearer(struct curl_slist **list, const char *token)
{
    static const char prefix[] = "Authorization: Bearer ";
    size_t len = strlen(token);
    char *line = malloc(sizeof(prefix) + len);
    int rc;

    if (!line)
        return -1;
    memcpy(line, prefix, sizeof(prefix) - 1);
    memcpy(line + sizeof(prefix) - 1, token, len + 1);
    rc = add_header(list, line);
    apl_free_secret(line);
    return rc;
}

/* A token is printable ASCII without spaces; anything else (a CR or LF above all, which would
 * start a header of its own) means a damaged token store or answer, never a token to send. */
static int token_fits_header(const char *token)
{
    for (const unsigned char *p = (const unsigned char *)token; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f)
            return 0;
    }
    return token[0] != '\0';
}

static struct curl_slist *build_headers(const apilo_client *client, const apl_http_request *request)
{
    struct curl_slist *list = NULL;
    char language[96];

    if (add_header(&list, "Accept: application/json") != 0 ||
        add_header(&list, "Content-Type: application/json") != 0 ||
        add_header(&list, "Expect:") != 0)
        goto fail;
    if (client->accept_language) {
        snprintf(language, sizeof(language), "Accept-Language: %s", client->accept_language);
        if (add_header(&list, language) != 0)
            goto fail;
    }
    if (request->auth == APL_AUTH_BEARER && request->bearer &&
        add_bearer(&list, request->bearer) != 0)
        goto fail;
    return list;

fail:
    free_headers(list);
    return NULL;
}

static void set_method(CURL *curl, const apl_http_request *request)
{
    if (strcmp(request->method, "GET") == 0) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (strcmp(request->method, "POST") == 0)
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
    else
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request->method);
    if (request->body || strcmp(request->method, "DELETE") != 0) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request->body ? request->body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(request->body ? request->body_len : 0));
    }
}

static void set_auth(apilo_client *client, const apl_http_request *request)
{
    CURL *curl = client->curl;

    /* Basic credentials are rare (the token endpoint): libcurl encodes them itself. The
     * bearer token travels in the header list (build_headers). */
    if (request->auth == APL_AUTH_BASIC) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, client->client_id);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, client->client_secret);
    }
}

/* One attempt. Returns the libcurl result; the response holds what arrived. */
static CURLcode perform_once(apilo_client *client, const apl_http_request *request, exchange *ex,
                             struct curl_slist *headers, char *errbuf)
{
    CURL *curl = client->curl;
    apl_buf url = APL_BUF_INIT;
    CURLcode code;
    char *content_type = NULL;

    if (apl_buf_puts(&url, client->base_url) != 0 || apl_buf_puts(&url, request->path) != 0) {
        apl_buf_free(&url);
        return CURLE_OUT_OF_MEMORY;
    }

    /* reset keeps live connections, DNS and TLS session caches: keep-alive survives. */
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.data);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, client->connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, client->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, client->user_agent);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, ex);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, ex);
    if (client->cancel_fn) {
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, client);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    }
    set_method(curl, request);
    set_auth(client, request);

    errbuf[0] = '\0';
    ex->retry_after[0] = '\0';
    ex->body_overflow = 0;
    apl_buf_reset(&ex->response->body);
    ex->response->status = 0;
    ex->response->content_type[0] = '\0';

    code = curl_easy_perform(curl);
    apl_buf_free(&url);
    if (code != CURLE_OK)
        return code;

    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &ex->response->status);
    if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type)
        snprintf(ex->response->content_type, sizeof(ex->response->content_type), "%s",
                 content_type);
    return CURLE_OK;
}

/* Nothing reached the server: safe to repeat even a write. */
static int transport_unsent(CURLcode code)
{
    return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
           code == CURLE_COULDNT_RESOLVE_PROXY;
}

static int transport_transient(CURLcode code)
{
    return transport_unsent(code) || code == CURLE_OPERATION_TIMEDOUT || code == CURLE_SEND_ERROR ||
           code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING || code == CURLE_PARTIAL_FILE ||
           code == CURLE_HTTP2 || code == CURLE_HTTP2_STREAM;
}

static void log_exchange(apilo_client *client, const apl_http_request *request, long status,
                         double started, int attempt)
{
    const char *auth = request->auth == APL_AUTH_NONE ? "" : ", Authorization: <redacted>";

    apl_log(client, APILO_LOG_DEBUG, APILO_LOG_HTTP,
            "%s %s -> %ld in %.1f ms (attempt %d; headers: Accept, Content-Type, User-Agent%s%s)",
            request->method, request->path, status, (apl_monotonic() - started) * 1000.0,
            attempt + 1, client->accept_language ? ", Accept-Language" : "", auth);
}

static void set_error_request(apilo_error *err, const apl_http_request *request)
{
    if (!err)
        return;
    snprintf(err->method, sizeof(err->method), "%s", request->method);
    free(err->path);
    err->path = apl_strdup(request->path);
}

static apilo_status transport_error(apilo_error *err, const apl_http_request *request,
                                    CURLcode code, const char *errbuf)
{
    if (code == CURLE_OUT_OF_MEMORY || code == CURLE_WRITE_ERROR)
        apl_error_set(err, APILO_E_NOMEM, "out of memory while receiving %s %s", request->method,
                      request->path);
    else
        apl_error_set(err, APILO_E_TRANSPORT, "%s %s failed: %s", request->method, request->path,
                      errbuf[0] ? errbuf : curl_easy_strerror(code));
    set_error_request(err, request);
    return code == CURLE_OUT_OF_MEMORY || code == CURLE_WRITE_ERROR ? APILO_E_NOMEM
                                                                    : APILO_E_TRANSPORT;
}

static apilo_status cancelled_error(apilo_error *err, const apl_http_request *request)
{
    apl_error_set(err, APILO_E_CANCELLED, "%s %s was cancelled", request->method, request->path);
    set_error_request(err, request);
    return APILO_E_CANCELLED;
}

/* Decide whether to go again and for how long to wait first; -1 = do not retry. */
static double retry_wait(apilo_client *client, const apl_http_request *request, CURLcode code,
                         long status, double retry_after, int attempt)
{
    int is_get = strcmp(request->method, "GET") == 0;

    if (request->never_retry || attempt >= client->max_retries)
        return -1;
    if (code != CURLE_OK) {
        if (!(is_get ? transport_transient(code) : transport_unsent(code)))
            return -1;
        return backoff_seconds(client, attempt);
    }
    /* A 429 was refused before processing, so even a write may go again; a 503 only on GET. */
    if (status != 429 && !(status == 503 && is_get))
        return -1;
    if (retry_after >= 0)
        return retry_after < client->retry_max_wait_s ? retry_after : client->retry_max_wait_s;
    return backoff_seconds(client, attempt);
}

apilo_status apl_http_perform(apilo_client *client, const apl_http_request *request,
                              apl_response *out, apilo_error *err)
{
    exchange ex;
    struct curl_slist *headers;
    char errbuf[CURL_ERROR_SIZE];
    apilo_status status = APILO_OK;

    memset(&ex, 0, sizeof(ex));
    ex.response = out;
    if (request->auth == APL_AUTH_BEARER && request->bearer && !token_fits_header(request->bearer))
        return apl_error_set(err, APILO_E_AUTH,
                             "the stored access token is damaged (it holds spaces or control "
                             "characters); log in again");
    headers = build_headers(client, request);
    if (!headers)
        return apl_error_set(err, APILO_E_NOMEM, "out of memory");

    for (int attempt = 0;; attempt++) {
        double started;
        double retry_after;
        double wait;
        CURLcode code;

        if (governor_wait(client)) {
            status = cancelled_error(err, request);
            break;
        }
        started = apl_monotonic();
        code = perform_once(client, request, &ex, headers, errbuf);
        governor_record(client);
        client->stats.requests++;
        log_exchange(client, request, code == CURLE_OK ? out->status : 0, started, attempt);
        if (code == CURLE_ABORTED_BY_CALLBACK) {
            status = cancelled_error(err, request);
            break;
        }

        retry_after = code == CURLE_OK ? parse_retry_after(ex.retry_after) : -1;
        if (err)
            err->retry_after_s = retry_after;
        wait = retry_wait(client, request, code, out->status, retry_after, attempt);
        if (wait < 0) {
            if (code != CURLE_OK)
                status = transport_error(err, request, code, errbuf);
            break;
        }

        client->stats.retries++;
        if (code != CURLE_OK)
            apl_log(client, APILO_LOG_WARN, APILO_LOG_HTTP,
                    "%s %s failed (%s); retry %d/%d in %.2f s", request->method, request->path,
                    curl_easy_strerror(code), attempt + 1, client->max_retries, wait);
        else
            apl_log(client, APILO_LOG_WARN, out->status == 429 ? APILO_LOG_RATE : APILO_LOG_HTTP,
                    "%s %s answered %ld%s; retry %d/%d in %.2f s", request->method, request->path,
                    out->status, retry_after >= 0 ? " with Retry-After" : "", attempt + 1,
                    client->max_retries, wait);
        if (wait_unless_cancelled(client, wait, NULL)) {
            status = cancelled_error(err, request);
            break;
        }
    }

    free_headers(headers);
    return status;
}

static int is_success(long status)
{
    return (status >= 200 && status < 300) || status == 304;
}

apilo_status apl_request(apilo_client *client, const char *method, const char *path_and_query,
                         const char *body, size_t body_len, apl_response *out, apilo_error *err)
{
    apl_http_request request = {method, path_and_query, body, body_len, APL_AUTH_BEARER, NULL, 0};
    apilo_status status;
    double retry_after;

    if (!client || !method || !path_and_query || path_and_query[0] != '/' || !out)
        return apl_error_set(err, APILO_E_INVALID, "a request needs a client, method and path");

    status = apl_auth_ensure(client, err);
    if (status != APILO_OK)
        return status;

    for (int replayed = 0;; replayed = 1) {
        char *dead_token;

        request.bearer = client->tokens.access_token;
        status = apl_http_perform(client, &request, out, err);
        if (status != APILO_OK)
            return status;
        if (out->status != 401 || replayed)
            break;

        /* An expired token is not transient: refresh once, replay once, never back off. */
        apl_log(client, APILO_LOG_INFO, APILO_LOG_AUTH,
                "%s %s answered 401: refreshing the access token and replaying once", method,
                path_and_query);
        dead_token = apl_strdup(client->tokens.access_token);
        if (client->tokens.access_token && !dead_token)
            return apl_error_set(err, APILO_E_NOMEM, "out of memory");
        status = apl_auth_recover(client, dead_token, err);
        apl_free_secret(dead_token);
        if (status != APILO_OK)
            return status;
    }

    if (is_success(out->status)) {
        if (err)
            err->retry_after_s = -1;
        return APILO_OK;
    }

    retry_after = err ? err->retry_after_s : -1;
    status = apl_error_from_http(err, out->status, out->body.data, out->body.len, method,
                                 path_and_query);
    if (err)
        err->retry_after_s = retry_after;
    return status;
}

apilo_status apl_get_json(apilo_client *client, const char *path_and_query, apl_json **out,
                          apilo_error *err)
{
    apl_response response = APL_RESPONSE_INIT;
    apilo_status status;

    *out = NULL;
    status = apl_request(client, "GET", path_and_query, NULL, 0, &response, err);
    if (status == APILO_OK)
        status = apl_parse_body(out, &response.body, err);
    apl_response_free(&response);
    return status;
}
