/*
 * Retries (C3): Retry-After in every form, backoff, retries running out, 503, transport
 * failures on reads and writes, and the rate governor keeping under the server's limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "net_test_util.h"

typedef net_fixture fixture;

static fixture *start(const char *const *args)
{
    fixture *fx = net_fixture_start(args);

    assert_non_null(fx);
    return fx;
}

static void stop(fixture *fx)
{
    net_fixture_stop(fx);
}

/* A logged-in client making `retries` retries of at most `max_wait` s each; timeout_ms 0 keeps
 * the default. The sandbox's log starts empty after the login. */
static apilo_client *client_with_retries(fixture *fx, int retries, double max_wait, long timeout_ms)
{
    apilo_options options = test_options(&fx->sb, fx->store, &fx->log);
    apilo_client *client = NULL;

    options.retry_max_wait_s = max_wait;
    options.max_retries = retries;
    if (timeout_ms > 0)
        options.timeout_ms = timeout_ms;
    assert_int_equal(apilo_client_new(&client, &options, NULL), APILO_OK);
    assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);
    assert_int_equal(sandbox_reset_log(&fx->sb), 0);
    return client;
}

static apilo_client *ready_client(fixture *fx, double max_wait)
{
    return client_with_retries(fx, 3, max_wait, 0);
}

static void fault_429(fixture *fx, int count, const char *retry_after)
{
    char body[256];

    if (retry_after)
        snprintf(body, sizeof(body),
                 "{\"status\": 429, \"count\": %d, \"retryAfter\": \"%s\", "
                 "\"path\": \"/rest/api/\"}",
                 count, retry_after);
    else
        snprintf(body, sizeof(body), "{\"status\": 429, \"count\": %d, \"path\": \"/rest/api/\"}",
                 count);
    assert_int_equal(sandbox_fault(&fx->sb, body), 0);
}

/* One connection test after a 429 carrying `retry_after`; returns the seconds it took. */
static double timed_call_after_429(const char *retry_after, double max_wait)
{
    fixture *fx = start(NULL);
    apilo_client *client = ready_client(fx, max_wait);
    apilo_error err = APILO_ERROR_INIT;
    apilo_client_stats stats;
    double started;
    double took;

    fault_429(fx, 1, retry_after);
    started = apl_monotonic();
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);
    took = apl_monotonic() - started;
    apilo_client_get_stats(client, &stats);
    assert_int_equal(stats.retries, 1);
    assert_int_equal(sandbox_stat(&fx->sb, "requests"), 2);

    apilo_client_free(client);
    stop(fx);
    return took;
}

static void test_retry_after_zero(void **state)
{
    (void)state;
    assert_true(timed_call_after_429("0", 2.0) < 0.2);
}

static void test_retry_after_decimal(void **state)
{
    double took = timed_call_after_429("0.5", 2.0);

    (void)state;
    assert_true(took >= 0.45);
    assert_true(took < 1.5);
}

static void test_retry_after_date_in_past(void **state)
{
    (void)state;
    assert_true(timed_call_after_429("Wed, 21 Oct 2015 07:28:00 GMT", 2.0) < 0.2);
}

static void test_retry_after_future_date_capped(void **state)
{
    char date[64];
    time_t later = time(NULL) + 3600;
    struct tm parts;
    double took;

    (void)state;
    gmtime_r(&later, &parts);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &parts);
    took = timed_call_after_429(date, 0.3);
    assert_true(took >= 0.28);
    assert_true(took < 1.5);
}

/* Unreadable values fall back to backoff (0.25..0.5 s for the first retry), never crash. */
static void test_retry_after_garbage(void **state)
{
    static const char *const garbage[] = {
        "soon", "-1", "1e3", "0x10", "NaN", "inf", ".5", "1.2.3", "Wed, 99 Foo 2026 99:99:99 GMT"};
    double took;

    (void)state;
    took = timed_call_after_429("soon", 2.0);
    assert_true(took >= 0.2);
    assert_true(took < 1.5);
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
        assert_true(timed_call_after_429(garbage[i], 0.05) < 1.0);
    /* A huge integer is honoured but capped. */
    assert_true(timed_call_after_429("99999999999999999999", 0.1) < 1.0);
}

static void test_no_retry_after_header(void **state)
{
    double took;

    (void)state;
    took = timed_call_after_429(NULL, 2.0);
    assert_true(took >= 0.2);
    assert_true(took < 1.5);
}

static void test_retries_run_out(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = ready_client(fx, 0.05);
    apilo_error err = APILO_ERROR_INIT;
    apilo_client_stats stats;

    (void)state;
    fault_429(fx, 10, "0");
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_E_RATE_LIMIT);
    assert_int_equal(err.status, APILO_E_RATE_LIMIT);
    assert_int_equal(err.http_status, 429);
    assert_non_null(err.message);
    assert_true(err.retry_after_s == 0.0);
    assert_string_equal(err.path, "/rest/api/");
    apilo_client_get_stats(client, &stats);
    assert_int_equal(stats.retries, 3);
    assert_int_equal(sandbox_stat(&fx->sb, "requests"), 4);

    apilo_error_clear(&err);
    apilo_client_free(client);
    stop(fx);
}

static void test_503_retried(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = ready_client(fx, 0.05);
    apilo_error err = APILO_ERROR_INIT;
    apilo_client_stats stats;

    (void)state;
    assert_int_equal(
        sandbox_fault(&fx->sb, "{\"status\": 503, \"count\": 2, \"path\": \"/rest/api/\"}"), 0);
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);
    apilo_client_get_stats(client, &stats);
    assert_int_equal(stats.retries, 2);

    apilo_client_free(client);
    stop(fx);
}

/* A read that times out is repeated; a refresh (a write) that times out is not. */
static void test_timeouts_read_and_write(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = client_with_retries(fx, 2, 0.05, 300);
    apilo_error err = APILO_ERROR_INIT;
    apilo_client_stats stats;

    (void)state;
    assert_int_equal(sandbox_fault(&fx->sb, "{\"delayMs\": 1500}"), 0);

    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_E_TRANSPORT);
    assert_int_equal(err.http_status, 0);
    apilo_client_get_stats(client, &stats);
    assert_int_equal(stats.retries, 2);
    apilo_error_clear(&err);

    assert_int_equal(apilo_auth_refresh(client, &err), APILO_E_TRANSPORT);
    apilo_client_get_stats(client, &stats);
    assert_int_equal(stats.retries, 2);
    assert_int_equal(stats.refreshes, 1);
    apilo_error_clear(&err);

    apl_sleep(1.6); /* let the sandbox finish the delayed answers before counting */
    /* The log was reset after the login: one refresh, never repeated. */
    assert_int_equal(sandbox_stat(&fx->sb, "tokenRequests"), 1);

    apilo_client_free(client);
    stop(fx);
}

static void test_connection_refused_retried_on_read(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = client_with_retries(fx, 2, 0.05, 0);
    apilo_error err = APILO_ERROR_INIT;
    apilo_client_stats stats;

    (void)state;
    apl_test_sandbox_stop(&fx->sb);

    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_E_TRANSPORT);
    assert_non_null(err.message);
    apilo_client_get_stats(client, &stats);
    assert_int_equal(stats.retries, 2);

    apilo_error_clear(&err);
    apilo_client_free(client);
    stop(fx);
}

static void test_code_exchange_never_retried(void **state)
{
    fixture *fx = start(NULL);
    apilo_options options = test_options(&fx->sb, fx->store, NULL);
    apilo_client *client = NULL;
    apilo_error err = APILO_ERROR_INIT;
    char *code = apl_test_mint_code(&fx->sb);

    (void)state;
    options.retry_max_wait_s = 0.05;
    assert_int_equal(apilo_client_new(&client, &options, NULL), APILO_OK);
    assert_int_equal(sandbox_fault(&fx->sb, "{\"status\": 429, \"count\": 1, \"retryAfter\": "
                                            "\"0\", \"path\": \"/rest/auth/token/\"}"),
                     0);
    assert_int_equal(apilo_auth_login(client, code, &err), APILO_E_RATE_LIMIT);
    assert_int_equal(err.http_status, 429);
    assert_true(err.retry_after_s == 0.0);
    /* The fault answers before the token handler counts, so count all /rest/ requests. */
    assert_int_equal(sandbox_stat(&fx->sb, "requests"), 1);
    /* The code is still unspent and works once the limit has passed. */
    apilo_error_clear(&err);
    assert_int_equal(apilo_auth_login(client, code, &err), APILO_OK);

    apilo_error_clear(&err);
    free(code);
    apilo_client_free(client);
    stop(fx);
}

static void test_rate_governor(void **state)
{
    const char *const args[] = {"--rate-limit", "10", "--rate-window-ms", "1000", NULL};
    fixture *fx = start(args);
    apilo_options options = test_options(&fx->sb, fx->store, &fx->log);
    apilo_client *client = NULL;
    apilo_error err = APILO_ERROR_INIT;
    apilo_client_stats stats;

    (void)state;
    options.rate_limit_requests = 10;
    options.rate_limit_window_ms = 1000;
    options.max_retries = 0; /* a 429 would surface as a failure */
    assert_int_equal(apilo_client_new(&client, &options, NULL), APILO_OK);
    assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);

    for (int i = 0; i < 35; i++) {
        assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);
    }
    assert_int_equal(sandbox_stat(&fx->sb, "rateLimited"), 0);
    apilo_client_get_stats(client, &stats);
    assert_true(stats.rate_waits > 0);
    assert_true(stats.rate_wait_s > 2.0);
    assert_true(fx->log.rate_lines > 0);
    assert_non_null(strstr(fx->log.text.data, "rate governor"));

    apilo_client_free(client);
    stop(fx);
}

/* A cancel callback that asks to stop once its deadline (monotonic seconds) has passed. */
static int cancel_after(void *userdata)
{
    const double *deadline = userdata;

    return apl_monotonic() >= *deadline;
}

/* Each wait of the client ends soon after the cancel callback says so, and nothing is retried:
 * the rate governor's pause, a retry's back-off and a request in flight. */
static void test_cancel_ends_every_wait(void **state)
{
    const char *const args[] = {"--no-rate-limit", NULL};
    static const char *const faults[] = {
        NULL, /* the governor: one request per 30 s, the second must wait */
        "{\"status\": 429, \"count\": 3, \"retryAfter\": \"30\", \"path\": \"/rest/api/\"}",
        "{\"delayMs\": 5000, \"path\": \"/rest/api/\"}",
    };
    fixture *fx = start(args);
    double deadline = 0;

    (void)state;
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        apilo_options options = test_options(&fx->sb, fx->store, &fx->log);
        apilo_client *client = NULL;
        apilo_error err = APILO_ERROR_INIT;
        apilo_client_stats stats;
        double started;

        options.cancel_fn = cancel_after;
        options.cancel_userdata = &deadline;
        options.retry_max_wait_s = 60;
        if (!faults[i]) {
            options.rate_limit_requests = 1;
            options.rate_limit_window_ms = 30000;
        }
        deadline = 1e300;
        assert_int_equal(apilo_client_new(&client, &options, NULL), APILO_OK);
        assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);
        if (faults[i])
            assert_int_equal(sandbox_fault(&fx->sb, faults[i]), 0);

        started = apl_monotonic();
        deadline = started + 0.3;
        assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_E_CANCELLED);
        assert_true(apl_monotonic() - started < 3.5);
        assert_int_equal(err.status, APILO_E_CANCELLED);
        assert_non_null(strstr(err.message, "cancelled"));
        apilo_client_get_stats(client, &stats);
        assert_int_equal(stats.retries, i == 1 ? 1 : 0);

        apilo_error_clear(&err);
        apilo_client_free(client);
        assert_int_equal(sandbox_call(&fx->sb, "DELETE", "/sandbox/faults", NULL), 0);
    }
    stop(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_zero),
        cmocka_unit_test(test_retry_after_decimal),
        cmocka_unit_test(test_retry_after_date_in_past),
        cmocka_unit_test(test_retry_after_future_date_capped),
        cmocka_unit_test(test_retry_after_garbage),
        cmocka_unit_test(test_no_retry_after_header),
        cmocka_unit_test(test_retries_run_out),
        cmocka_unit_test(test_503_retried),
        cmocka_unit_test(test_timeouts_read_and_write),
        cmocka_unit_test(test_connection_refused_retried_on_read),
        cmocka_unit_test(test_code_exchange_never_retried),
        cmocka_unit_test(test_rate_governor),
        cmocka_unit_test(test_cancel_ends_every_wait),
    };

    return RUN_NET_TESTS(tests, NULL, NULL);
}
