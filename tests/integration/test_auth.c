/*
 * Authentication against the sandbox: code exchange, proactive refresh, refresh-and-replay on
 * 401 (C2), refusals, and secrets kept out of the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static apilo_client *new_client(fixture *fx, long refresh_margin_s)
{
    apilo_options options = test_options(&fx->sb, fx->store, &fx->log);
    apilo_client *client = NULL;

    options.refresh_margin_s = refresh_margin_s;
    assert_int_equal(apilo_client_new(&client, &options, NULL), APILO_OK);
    return client;
}

static char *read_whole(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = calloc(1, 4096);
    size_t got;

    assert_non_null(f);
    assert_non_null(text);
    got = fread(text, 1, 4095, f);
    text[got] = '\0';
    fclose(f);
    return text;
}

static void write_whole(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *request_field(json_t *list, size_t index, const char *name)
{
    return json_string_value(json_object_get(json_array_get(list, index), name));
}

static long request_status(json_t *list, size_t index)
{
    return (long)json_integer_value(json_object_get(json_array_get(list, index), "status"));
}

static void test_login_then_calls(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = new_client(fx, -1);
    apilo_error err = APILO_ERROR_INIT;
    apilo_whoami *whoami = NULL;
    apilo_token_set status = {0};
    char *content = NULL;
    struct stat info;

    (void)state;
    assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);
    assert_int_equal(stat(fx->token_path, &info), 0);
    assert_int_equal(info.st_mode & 0777, 0600);

    assert_int_equal(apilo_connection_test(client, &content, &err), APILO_OK);
    assert_non_null(content);
    assert_int_equal(apilo_whoami_get(client, &whoami, &err), APILO_OK);
    assert_true(whoami->count >= 1);

    assert_int_equal(apilo_auth_status(client, &status, &err), APILO_OK);
    assert_null(status.access_token);
    assert_null(status.refresh_token);
    assert_true(status.access_expires_at > apl_now());
    assert_true(status.refresh_expires_at > status.access_expires_at);
    assert_int_equal(sandbox_stat(&fx->sb, "refreshes"), 0);

    apilo_whoami_free(whoami);
    apilo_free(content);
    apilo_client_free(client);
    stop(fx);
}

static void test_memory_only_tokens(void **state)
{
    fixture *fx = start(NULL);
    apilo_options options = test_options(&fx->sb, NULL, NULL);
    apilo_client *client = NULL;
    apilo_error err = APILO_ERROR_INIT;

    (void)state;
    assert_int_equal(apilo_client_new(&client, &options, NULL), APILO_OK);
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_E_NO_TOKENS);
    apilo_error_clear(&err);
    assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);
    assert_int_equal(apilo_auth_refresh(client, &err), APILO_OK);
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);

    apilo_client_free(client);
    stop(fx);
}

static void test_code_reused_is_refused(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = new_client(fx, -1);
    apilo_client *second = new_client(fx, -1);
    apilo_error err = APILO_ERROR_INIT;
    char *code = apl_test_mint_code(&fx->sb);
    char *before;
    char *after;

    (void)state;
    assert_non_null(code);
    assert_int_equal(apilo_auth_login(client, code, &err), APILO_OK);
    before = read_whole(fx->token_path);

    assert_int_equal(apilo_auth_login(second, code, &err), APILO_E_AUTH);
    assert_int_equal(err.http_status, 403);
    assert_non_null(err.message);
    assert_null(strstr(err.message, code));
    after = read_whole(fx->token_path);
    assert_string_equal(before, after);
    /* The code was sent once per login: never replayed automatically. */
    assert_int_equal(sandbox_stat(&fx->sb, "tokenRequests"), 2);
    assert_int_equal(sandbox_stat(&fx->sb, "codeExchanges"), 1);

    apilo_error_clear(&err);
    free(before);
    free(after);
    free(code);
    apilo_client_free(second);
    apilo_client_free(client);
    stop(fx);
}

static void test_proactive_refresh(void **state)
{
    const char *const args[] = {"--access-ttl", "3", NULL};
    fixture *fx = start(args);
    apilo_client *client = new_client(fx, 2);
    apilo_error err = APILO_ERROR_INIT;
    apilo_client_stats stats;

    (void)state;
    assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);
    assert_int_equal(sandbox_reset_log(&fx->sb), 0);
    apl_sleep(1.5);

    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);
    assert_int_equal(sandbox_stat(&fx->sb, "refreshes"), 1);
    /* No 401 was needed: the refresh came first. */
    assert_int_equal(sandbox_stat(&fx->sb, "refused"), 0);
    apilo_client_get_stats(client, &stats);
    assert_int_equal(stats.refreshes, 1);

    apilo_client_free(client);
    stop(fx);
}

static void test_refresh_on_401_then_one_replay(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = new_client(fx, 0);
    apilo_error err = APILO_ERROR_INIT;
    json_t *log;
    double started;

    (void)state;
    assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);
    assert_int_equal(sandbox_reset_log(&fx->sb), 0);
    assert_int_equal(sandbox_expire_access(&fx->sb), 0);

    started = apl_monotonic();
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);
    /* C2: no backoff on 401. */
    assert_true(apl_monotonic() - started < 2.0);
    assert_int_equal(sandbox_stat(&fx->sb, "refreshes"), 1);

    log = sandbox_requests(&fx->sb);
    assert_non_null(log);
    assert_int_equal(json_array_size(log), 3);
    assert_string_equal(request_field(log, 0, "path"), "/rest/api/");
    assert_int_equal(request_status(log, 0), 401);
    assert_string_equal(request_field(log, 1, "path"), "/rest/auth/token/");
    assert_string_equal(request_field(log, 1, "method"), "POST");
    assert_string_equal(request_field(log, 2, "path"), "/rest/api/");
    assert_int_equal(request_status(log, 2), 200);

    json_decref(log);
    apilo_client_free(client);
    stop(fx);
}

static void test_second_401_goes_to_caller(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = new_client(fx, 0);
    apilo_error err = APILO_ERROR_INIT;
    apilo_order_page *page = NULL;
    json_t *log;

    (void)state;
    assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);
    assert_int_equal(sandbox_reset_log(&fx->sb), 0);
    assert_int_equal(
        sandbox_fault(&fx->sb, "{\"status\": 401, \"count\": 2, \"path\": \"/rest/api/orders/\"}"),
        0);

    assert_int_equal(apilo_orders_list(client, NULL, &page, &err), APILO_E_AUTH);
    assert_null(page);
    assert_int_equal(err.http_status, 401);
    assert_int_equal(sandbox_stat(&fx->sb, "refreshes"), 1);

    log = sandbox_requests(&fx->sb);
    assert_int_equal(json_array_size(log), 3);
    assert_int_equal(count_requests(log, "/rest/api/orders/"), 2);
    assert_int_equal(count_requests(log, "/rest/auth/token/"), 1);

    json_decref(log);
    apilo_error_clear(&err);
    apilo_client_free(client);
    stop(fx);
}

static void test_spent_refresh_token(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = new_client(fx, -1);
    apilo_client *later = NULL;
    apilo_error err = APILO_ERROR_INIT;
    apilo_token_set old = {0};
    char *old_file;

    (void)state;
    assert_int_equal(login_with_fresh_code(client, &fx->sb), 0);
    old_file = read_whole(fx->token_path);
    assert_int_equal(apilo_token_store_load(fx->store, &old, NULL), APILO_OK);
    assert_int_equal(apilo_auth_refresh(client, &err), APILO_OK);

    /* Put the spent pair back, as a restored backup would. */
    write_whole(fx->token_path, old_file);
    later = new_client(fx, -1);
    assert_int_equal(apilo_auth_refresh(later, &err), APILO_E_AUTH);
    assert_int_equal(err.http_status, 403);
    assert_non_null(err.message);
    assert_non_null(strstr(err.message, "refresh token was refused"));
    assert_null(strstr(err.message, old.refresh_token));
    assert_null(strstr(err.message, old.access_token));
    /* One refresh succeeded; the spent token was sent once and refused (not counted). */
    assert_int_equal(sandbox_stat(&fx->sb, "refreshes"), 1);
    assert_int_equal(sandbox_stat(&fx->sb, "tokenRequests"), 3);

    apilo_error_clear(&err);
    apilo_token_set_clear(&old);
    free(old_file);
    apilo_client_free(later);
    apilo_client_free(client);
    stop(fx);
}

/* A token holding CR/LF (a damaged or forged store) is never sent: it would add headers. */
static void test_damaged_token_not_sent(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = new_client(fx, -1);
    apilo_error err = APILO_ERROR_INIT;

    (void)state;
    write_whole(fx->token_path,
                "{\"accessToken\":\"abc\\r\\nX-Injected: yes\","
                "\"accessTokenExpireAt\":\"2099-01-01T00:00:00+0000\","
                "\"refreshToken\":\"def\",\"refreshTokenExpireAt\":\"2099-01-01T00:00:00+0000\"}");
    assert_int_equal(sandbox_reset_log(&fx->sb), 0);
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_E_AUTH);
    assert_non_null(strstr(err.message, "damaged"));
    assert_null(strstr(err.message, "Injected"));
    assert_int_equal(sandbox_stat(&fx->sb, "requests"), 0);

    apilo_error_clear(&err);
    apilo_client_free(client);
    stop(fx);
}

/* A refresh token whose expiry has passed is not sent: the user is told to log in again. */
static void test_expired_refresh_token_not_sent(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = new_client(fx, -1);
    apilo_error err = APILO_ERROR_INIT;

    (void)state;
    write_whole(fx->token_path, "{\"accessToken\":\"old-access\","
                                "\"accessTokenExpireAt\":\"2020-01-01T00:00:00+0000\","
                                "\"refreshToken\":\"old-refresh\","
                                "\"refreshTokenExpireAt\":\"2020-02-01T00:00:00+0000\"}");
    assert_int_equal(sandbox_reset_log(&fx->sb), 0);
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_E_AUTH);
    assert_non_null(strstr(err.message, "expired at 2020-02-01"));
    assert_non_null(strstr(err.message, "log in again"));
    assert_int_equal(sandbox_stat(&fx->sb, "tokenRequests"), 0);

    apilo_error_clear(&err);
    apilo_client_free(client);
    stop(fx);
}

static void test_wrong_secret(void **state)
{
    fixture *fx = start(NULL);
    apilo_options options = test_options(&fx->sb, fx->store, NULL);
    apilo_client *client = NULL;
    apilo_error err = APILO_ERROR_INIT;
    char *code = apl_test_mint_code(&fx->sb);

    (void)state;
    options.client_secret = "not-the-secret";
    assert_int_equal(apilo_client_new(&client, &options, NULL), APILO_OK);
    assert_int_equal(apilo_auth_login(client, code, &err), APILO_E_AUTH);
    assert_int_equal(err.http_status, 401);
    assert_null(strstr(err.message, "not-the-secret"));
    assert_int_equal(apilo_token_store_load(fx->store, &(apilo_token_set){0}, NULL),
                     APILO_E_NO_TOKENS);

    apilo_error_clear(&err);
    free(code);
    apilo_client_free(client);
    stop(fx);
}

static void assert_absent(const char *text, const char *secret)
{
    if (secret && *secret && strstr(text, secret)) {
        fail_msg("a secret appeared in the log");
    }
}

static void test_secrets_never_logged(void **state)
{
    fixture *fx = start(NULL);
    apilo_client *client = new_client(fx, 0);
    apilo_error err = APILO_ERROR_INIT;
    apilo_token_set first = {0};
    apilo_token_set second = {0};
    char *code = apl_test_mint_code(&fx->sb);

    (void)state;
    assert_int_equal(apilo_auth_login(client, code, &err), APILO_OK);
    assert_int_equal(apilo_token_store_load(fx->store, &first, NULL), APILO_OK);
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);
    assert_int_equal(sandbox_expire_access(&fx->sb), 0);
    assert_int_equal(apilo_connection_test(client, NULL, &err), APILO_OK);
    assert_int_equal(apilo_token_store_load(fx->store, &second, NULL), APILO_OK);
    assert_int_equal(apilo_auth_login(client, code, &err), APILO_E_AUTH);
    apilo_error_clear(&err);

    assert_non_null(fx->log.text.data);
    assert_non_null(strstr(fx->log.text.data, "Authorization: <redacted>"));
    assert_absent(fx->log.text.data, code);
    assert_absent(fx->log.text.data, APL_TEST_CLIENT_SECRET);
    assert_absent(fx->log.text.data, first.access_token);
    assert_absent(fx->log.text.data, first.refresh_token);
    assert_absent(fx->log.text.data, second.access_token);
    assert_absent(fx->log.text.data, second.refresh_token);

    apilo_token_set_clear(&first);
    apilo_token_set_clear(&second);
    free(code);
    apilo_client_free(client);
    stop(fx);
}

static void test_options_validation(void **state)
{
    static const char *const bad[] = {"http://example.com",
                                      "http://10.0.0.1:8080",
                                      "ftp://127.0.0.1",
                                      "not a url",
                                      "",
                                      "http://127.0.0.1:1?x=1",
                                      "http://127.0.0.1:1/#f",
                                      "http://user:pw@127.0.0.1:1",
                                      "https://a.apilo.com/?",
                                      "http://localhost.example:1"};
    static const char *const good[] = {"https://client1000.apilo.com/", "http://127.0.0.2:1",
                                       "http://localhost:8080", "http://LOCALHOST:8080",
                                       "http://[::1]:9000"};
    apilo_options options = APILO_OPTIONS_INIT;
    apilo_client *client = NULL;
    apilo_error err = APILO_ERROR_INIT;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        options.base_url = bad[i];
        assert_int_equal(apilo_client_new(&client, &options, &err), APILO_E_INVALID);
        assert_null(client);
        assert_string_equal(err.field, "base_url");
        apilo_error_clear(&err);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        options.base_url = good[i];
        assert_int_equal(apilo_client_new(&client, &options, &err), APILO_OK);
        assert_int_equal(client->base_url[strlen(client->base_url) - 1] != '/', 1);
        apilo_client_free(client);
        client = NULL;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_validation),
        cmocka_unit_test(test_login_then_calls),
        cmocka_unit_test(test_memory_only_tokens),
        cmocka_unit_test(test_code_reused_is_refused),
        cmocka_unit_test(test_proactive_refresh),
        cmocka_unit_test(test_refresh_on_401_then_one_replay),
        cmocka_unit_test(test_second_401_goes_to_caller),
        cmocka_unit_test(test_spent_refresh_token),
        cmocka_unit_test(test_damaged_token_not_sent),
        cmocka_unit_test(test_expired_refresh_token_not_sent),
        cmocka_unit_test(test_wrong_secret),
        cmocka_unit_test(test_secrets_never_logged),
    };

    return RUN_NET_TESTS(tests, NULL, NULL);
}
