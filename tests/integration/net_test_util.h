/*
 * Helpers shared by the transport and token tests: sandbox control calls, a client on a file
 * store in a temporary directory, and a log capture. Header-only (static inline) because every
 * test is its own executable. Include it after <cmocka.h>.
 */
#ifndef APILO_NET_TEST_UTIL_H
#define APILO_NET_TEST_UTIL_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_private.h"
#include "support.h"

/* GET /sandbox/stats and read one counter; -1 on failure. */
static inline long sandbox_stat(const apl_test_sandbox *sb, const char *name)
{
    char *body = NULL;
    json_t *root;
    long value = -1;

    if (apl_test_http(sb, "GET", "/sandbox/stats", NULL, NULL, &body) != 200)
        goto out;
    root = json_loads(body, 0, NULL);
    if (root && json_is_integer(json_object_get(root, name)))
        value = (long)json_integer_value(json_object_get(root, name));
    json_decref(root);
out:
    free(body);
    return value;
}

/* The request log, oldest first: a new reference to the "requests" array, or NULL. */
static inline json_t *sandbox_requests(const apl_test_sandbox *sb)
{
    char *body = NULL;
    json_t *root;
    json_t *list = NULL;

    if (apl_test_http(sb, "GET", "/sandbox/requests", NULL, NULL, &body) == 200) {
        root = json_loads(body, 0, NULL);
        list = json_incref(json_object_get(root, "requests"));
        json_decref(root);
    }
    free(body);
    return list;
}

static inline int sandbox_call(const apl_test_sandbox *sb, const char *method, const char *path,
                               const char *body)
{
    long status = apl_test_http(sb, method, path, body, NULL, NULL);

    return status >= 200 && status < 300 ? 0 : -1;
}

/* Forget the request log and reset the stats. */
static inline int sandbox_reset_log(const apl_test_sandbox *sb)
{
    return sandbox_call(sb, "DELETE", "/sandbox/requests", NULL);
}

static inline int sandbox_fault(const apl_test_sandbox *sb, const char *json)
{
    return sandbox_call(sb, "POST", "/sandbox/faults", json);
}

static inline int sandbox_expire_access(const apl_test_sandbox *sb)
{
    return sandbox_call(sb, "POST", "/sandbox/expire-access-tokens", "{}");
}

/* Every log line, newline-separated, for assertions on content. */
typedef struct log_capture {
    apl_buf text;
    int warnings;
    int rate_lines;
} log_capture;

static inline void capture_log(void *userdata, apilo_log_level level, apilo_log_category category,
                               const char *message)
{
    log_capture *capture = userdata;

    if (level == APILO_LOG_WARN)
        capture->warnings++;
    if (category == APILO_LOG_RATE)
        capture->rate_lines++;
    apl_buf_printf(&capture->text, "%d %d %s\n", (int)level, (int)category, message);
}

static inline apilo_options test_options(const apl_test_sandbox *sb, apilo_token_store *store,
                                         log_capture *capture)
{
    apilo_options options = APILO_OPTIONS_INIT;

    options.base_url = sb->base_url;
    options.client_id = APL_TEST_CLIENT_ID;
    options.client_secret = APL_TEST_CLIENT_SECRET;
    options.token_store = store;
    options.retry_max_wait_s = 0.2;
    options.rate_limit_requests = -1;
    if (capture) {
        options.log_fn = capture_log;
        options.log_userdata = capture;
        options.log_level = APILO_LOG_DEBUG;
    }
    return options;
}

/* Mint a code and log in; 0 on success. */
static inline int login_with_fresh_code(apilo_client *client, const apl_test_sandbox *sb)
{
    char *code = apl_test_mint_code(sb);
    apilo_error err = APILO_ERROR_INIT;
    apilo_status status;

    if (!code)
        return -1;
    status = apilo_auth_login(client, code, &err);
    if (status != APILO_OK)
        fprintf(stderr, "login failed: %s\n", err.message ? err.message : "?");
    apilo_error_clear(&err);
    free(code);
    return status == APILO_OK ? 0 : -1;
}

/* A sandbox of the test's own, a token file in a temporary directory, and a log capture. */
typedef struct net_fixture {
    apl_test_sandbox sb;
    char *dir;
    char token_path[512];
    apilo_token_store *store;
    apilo_client *client; /* for tests that keep one client; net_fixture_stop frees it */
    log_capture log;
} net_fixture;

static inline void net_fixture_stop(net_fixture *fx)
{
    if (!fx)
        return;
    apilo_client_free(fx->client);
    apl_test_sandbox_stop(&fx->sb);
    apilo_token_store_free(fx->store);
    if (fx->dir)
        apl_test_rmtree(fx->dir);
    free(fx->dir);
    apl_buf_free(&fx->log.text);
    free(fx);
}

/* Start a sandbox with `sandbox_args` (NULL-terminated, may be NULL); NULL on failure. */
static inline net_fixture *net_fixture_start(const char *const *sandbox_args)
{
    net_fixture *fx = calloc(1, sizeof(*fx));

    if (!fx)
        return NULL;
    if (apl_test_sandbox_start(&fx->sb, sandbox_args) != 0) {
        free(fx);
        return NULL;
    }
    fx->dir = apl_test_tmpdir();
    if (!fx->dir) {
        net_fixture_stop(fx);
        return NULL;
    }
    snprintf(fx->token_path, sizeof(fx->token_path), "%s/tokens.json", fx->dir);
    if (apilo_token_store_file_new(&fx->store, fx->token_path, NULL) != APILO_OK) {
        net_fixture_stop(fx);
        return NULL;
    }
    return fx;
}

/* main() of a test program: the group runs between libapilo's global init and cleanup. */
static inline int run_net_tests(const char *name, const struct CMUnitTest *tests, size_t count,
                                CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
    int failed;

    if (apilo_global_init() != APILO_OK)
        return 1;
    failed = _cmocka_run_group_tests(name, tests, count, group_setup, group_teardown);
    apilo_global_cleanup();
    return failed;
}

#define RUN_NET_TESTS(tests, setup, teardown)                                                      \
    run_net_tests(#tests, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

/* How many logged requests went to a path starting with `prefix`. */
static inline size_t count_requests(json_t *list, const char *prefix)
{
    size_t count = 0;
    size_t i;

    for (i = 0; i < json_array_size(list); i++) {
        json_t *entry = json_array_get(list, i);
        const char *path = json_string_value(json_object_get(entry, "path"));

        if (path && strncmp(path, prefix, strlen(prefix)) == 0)
            count++;
    }
    return count;
}

#endif
