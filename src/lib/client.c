/*
 * The client handle: options, validation, logging, clocks and counters.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client_private.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS 120000L
#define DEFAULT_REFRESH_MARGIN_S 86400L
#define DEFAULT_MAX_RETRIES 4
#define DEFAULT_RATE_LIMIT 150
#define DEFAULT_RATE_WINDOW_MS 60000L
#define DEFAULT_RETRY_MAX_WAIT_S 60.0

apilo_status apilo_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return APILO_E_TRANSPORT;
    return APILO_OK;
}

void apilo_global_cleanup(void)
{
    curl_global_cleanup();
}

int64_t apl_now(void)
{
    return (int64_t)time(NULL);
}

double apl_monotonic(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

void apl_log(apilo_client *client, apilo_log_level level, apilo_log_category category,
             const char *fmt, ...)
{
    va_list args;
    char line[1024];

    if (!client || !client->log_fn || level > client->log_level)
        return;

    va_start(args, fmt);
    vsnprintf(line, sizeof(line), fmt, args);
    va_end(args);
    client->log_fn(client->log_userdata, level, category, line);
}

void apilo_token_set_clear(apilo_token_set *tokens)
{
    if (!tokens)
        return;
    apl_free_secret(tokens->access_token);
    apl_free_secret(tokens->refresh_token);
    memset(tokens, 0, sizeof(*tokens));
}

void apilo_client_get_stats(const apilo_client *client, apilo_client_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof(*out));
    if (client)
        *out = client->stats;
}

/* Plain http is allowed only towards this machine: 127.0.0.0/8, ::1 or localhost. */
static int host_is_loopback(const char *host)
{
    struct in_addr v4;

    /* Host names are case-insensitive: LOCALHOST is the same machine. */
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
        return 1;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    return 0;
}

static apilo_status invalid_option(apilo_error *err, const char *option, const char *why)
{
    apl_error_set(err, APILO_E_INVALID, "option %s: %s", option, why);
    apl_error_set_field(err, option);
    return APILO_E_INVALID;
}

static int has_url_part(CURLU *url, CURLUPart part)
{
    char *value = NULL;
    int present = curl_url_get(url, part, &value, 0) == CURLUE_OK && value != NULL;

    curl_free(value);
    return present;
}

static apilo_status check_base_url(const char *base_url, apilo_error *err)
{
    CURLU *url;
    char *scheme = NULL;
    char *host = NULL;
    apilo_status status = APILO_OK;

    if (!base_url || !*base_url)
        return invalid_option(err, "base_url", "is required");

    url = curl_url();
    if (!url)
        return apl_error_set(err, APILO_E_NOMEM, "out of memory");
    if (curl_url_set(url, CURLUPART_URL, base_url, 0) != CURLUE_OK ||
        curl_url_get(url, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(url, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        status = invalid_option(err, "base_url", "is not a valid URL");
        goto out;
    }

    /* The request path is appended to the base URL as text, so a query, a fragment or
     * credentials in it would silently change every request's target. */
    if (has_url_part(url, CURLUPART_QUERY) || has_url_part(url, CURLUPART_FRAGMENT) ||
        has_url_part(url, CURLUPART_USER) || has_url_part(url, CURLUPART_PASSWORD) ||
        strchr(base_url, '?') || strchr(base_url, '#')) {
        status = invalid_option(err, "base_url",
                                "must not carry a query, a fragment or credentials");
        goto out;
    }

    if (strcmp(scheme, "https") == 0)
        goto out;
    if (strcmp(scheme, "http") != 0) {
        status = invalid_option(err, "base_url", "must use https");
        goto out;
    }
    if (!host_is_loopback(host))
        status = invalid_option(err, "base_url",
                                "http is allowed only for 127.0.0.0/8, ::1 or localhost; "
                                "use https");

out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(url);
    return status;
}

static apilo_status check_numbers(const apilo_options *options, apilo_error *err)
{
    if (options->connect_timeout_ms < 0)
        return invalid_option(err, "connect_timeout_ms", "must not be negative");
    if (options->timeout_ms < 0)
        return invalid_option(err, "timeout_ms", "must not be negative");
    if (options->rate_limit_window_ms < 0)
        return invalid_option(err, "rate_limit_window_ms", "must not be negative");
    if (options->retry_max_wait_s < 0 || options->retry_max_wait_s != options->retry_max_wait_s)
        return invalid_option(err, "retry_max_wait_s", "must not be negative");
    if (options->max_retries > 100)
        return invalid_option(err, "max_retries", "must be at most 100");
    return APILO_OK;
}

static char *copy_base_url(const char *base_url)
{
    char *copy = apl_strdup(base_url);
    size_t len;

    if (!copy)
        return NULL;
    len = strlen(copy);
    while (len > 0 && copy[len - 1] == '/')
        copy[--len] = '\0';
    return copy;
}

static int copy_strings(apilo_client *client, const apilo_options *options)
{
    char default_agent[64];

    snprintf(default_agent, sizeof(default_agent), "libapilo/%s", APILO_VERSION_STRING);
    client->base_url = copy_base_url(options->base_url);
    client->user_agent = apl_strdup(options->user_agent ? options->user_agent : default_agent);
    if (!client->base_url || !client->user_agent)
        return -1;
    if (options->client_id && !(client->client_id = apl_strdup(options->client_id)))
        return -1;
    if (options->client_secret && !(client->client_secret = apl_strdup(options->client_secret)))
        return -1;
    if (options->accept_language &&
        !(client->accept_language = apl_strdup(options->accept_language)))
        return -1;
    return 0;
}

static void copy_numbers(apilo_client *client, const apilo_options *options)
{
    client->connect_timeout_ms =
        options->connect_timeout_ms ? options->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
    client->timeout_ms = options->timeout_ms ? options->timeout_ms : DEFAULT_TIMEOUT_MS;
    client->refresh_margin_s =
        options->refresh_margin_s < 0 ? DEFAULT_REFRESH_MARGIN_S : options->refresh_margin_s;
    client->max_retries = options->max_retries < 0 ? DEFAULT_MAX_RETRIES : options->max_retries;
    client->rate_limit_requests =
        options->rate_limit_requests == 0 ? DEFAULT_RATE_LIMIT : options->rate_limit_requests;
    client->rate_limit_window_ms =
        options->rate_limit_window_ms ? options->rate_limit_window_ms : DEFAULT_RATE_WINDOW_MS;
    client->retry_max_wait_s =
        options->retry_max_wait_s > 0 ? options->retry_max_wait_s : DEFAULT_RETRY_MAX_WAIT_S;
    client->log_fn = options->log_fn;
    client->log_userdata = options->log_userdata;
    client->log_level = options->log_level;
    client->store = options->token_store;
    /* Options of version 1 end before the cancel callback. */
    if (options->version >= 2) {
        client->cancel_fn = options->cancel_fn;
        client->cancel_userdata = options->cancel_userdata;
    }
}

apilo_status apilo_client_new(apilo_client **out, const apilo_options *options, apilo_error *err)
{
    apilo_client *client;
    apilo_status status;

    if (!out)
        return apl_error_set(err, APILO_E_INVALID, "no place for the client was given");
    *out = NULL;
    if (!options)
        return apl_error_set(err, APILO_E_INVALID, "no options were given");
    if (options->version < 1)
        return invalid_option(err, "version", "set it with APILO_OPTIONS_INIT");
    status = check_base_url(options->base_url, err);
    if (status != APILO_OK)
        return status;
    status = check_numbers(options, err);
    if (status != APILO_OK)
        return status;

    client = calloc(1, sizeof(*client));
    if (!client)
        return apl_error_set(err, APILO_E_NOMEM, "out of memory");
    copy_numbers(client, options);
    if (copy_strings(client, options) != 0)
        goto nomem;

    if (client->rate_limit_requests > 0) {
        client->completed_at = calloc((size_t)client->rate_limit_requests, sizeof(double));
        if (!client->completed_at)
            goto nomem;
    }

    client->curl = curl_easy_init();
    if (!client->curl) {
        apilo_client_free(client);
        return apl_error_set(err, APILO_E_TRANSPORT, "libcurl could not create a handle");
    }

    /* Jitter only needs to differ between processes sharing a server, not be unpredictable. */
    client->jitter_state =
        (uint64_t)apl_now() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)client;
    if (client->jitter_state == 0)
        client->jitter_state = 0x9e3779b97f4a7c15u;

    *out = client;
    return APILO_OK;

nomem:
    apilo_client_free(client);
    return apl_error_set(err, APILO_E_NOMEM, "out of memory");
}

void apilo_client_free(apilo_client *client)
{
    if (!client)
        return;
    if (client->curl)
        curl_easy_cleanup(client->curl);
    apilo_token_set_clear(&client->tokens);
    free(client->base_url);
    free(client->client_id);
    apl_free_secret(client->client_secret);
    free(client->user_agent);
    free(client->accept_language);
    free(client->completed_at);
    free(client);
}
