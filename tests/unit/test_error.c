/*
 * The error object: HTTP status mapping, the API's error body (README §9) with nested errors,
 * bodies that are empty or not JSON, and the one-line rendering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "support.h"

static const char nested_body[] =
    "{\"message\":\"Validation failed\",\"code\":1020,\"description\":\"Invalid value\","
    "\"field\":\"order\",\"errors\":["
    "{\"field\":\"email\",\"message\":\"must be an e-mail address\",\"code\":\"7\"},"
    "{\"field\":\"addressDelivery\",\"errors\":["
    "{\"field\":\"zipCode\",\"message\":\"too long\"},"
    "{\"message\":\"city is required\",\"errors\":[{\"field\":\"deep\",\"code\":3}]}]},"
    "{},\"not an object\",17]}";

static void test_fixture_error_body_is_read(void **state)
{
    apilo_error err = APILO_ERROR_INIT;
    size_t len = 0;
    char *body = apl_test_read_fixture("error.401.json", &len);

    (void)state;
    assert_non_null(body);
    assert_int_equal(apl_error_from_http(&err, 401, body, len, "GET", "/rest/api/orders/"),
                     APILO_E_AUTH);
    assert_int_equal(err.status, APILO_E_AUTH);
    assert_int_equal(err.http_status, 401);
    assert_string_equal(err.message, "string");
    assert_string_equal(err.description, "string");
    assert_string_equal(err.field, "string");
    assert_true(err.has_api_code);
    assert_int_equal(err.api_code, 0);
    /* The sample's "errors": [{}] carries nothing worth reporting. */
    assert_int_equal(err.errors_count, 0);
    assert_string_equal(err.method, "GET");
    assert_string_equal(err.path, "/rest/api/orders/");
    apilo_error_clear(&err);
    free(body);
}

static void test_nested_errors_are_flattened_in_order(void **state)
{
    apilo_error err = APILO_ERROR_INIT;

    (void)state;
    assert_int_equal(apl_error_from_http(&err, 422, nested_body, strlen(nested_body), "POST",
                                         "/rest/api/orders/"),
                     APILO_E_API);
    assert_string_equal(err.message, "Validation failed");
    assert_string_equal(err.description, "Invalid value");
    assert_string_equal(err.field, "order");
    assert_int_equal(err.api_code, 1020);

    assert_int_equal(err.errors_count, 5);
    assert_string_equal(err.errors[0].field, "email");
    assert_string_equal(err.errors[0].message, "must be an e-mail address");
    assert_true(err.errors[0].has_code);
    assert_int_equal(err.errors[0].code, 7);
    assert_string_equal(err.errors[1].field, "addressDelivery");
    assert_null(err.errors[1].message);
    assert_false(err.errors[1].has_code);
    assert_string_equal(err.errors[2].field, "zipCode");
    assert_string_equal(err.errors[2].message, "too long");
    assert_null(err.errors[3].field);
    assert_string_equal(err.errors[3].message, "city is required");
    assert_string_equal(err.errors[4].field, "deep");
    assert_int_equal(err.errors[4].code, 3);
    apilo_error_clear(&err);
}

/* A long list is read whole and in order (it once cost quadratic time on simdjson's tape). */
static void test_long_error_list(void **state)
{
    enum { COUNT = 20000 };
    apl_buf body = APL_BUF_INIT;
    apilo_error err = APILO_ERROR_INIT;

    (void)state;
    assert_int_equal(apl_buf_puts(&body, "{\"message\":\"many\",\"errors\":["), 0);
    for (int i = 0; i < COUNT; i++)
        assert_int_equal(apl_buf_printf(&body, "%s{\"field\":\"f%d\",\"code\":%d}",
                                        i ? "," : "", i, i),
                         0);
    assert_int_equal(apl_buf_puts(&body, "]}"), 0);

    assert_int_equal(apl_error_from_http(&err, 422, body.data, body.len, "POST", "/x/"),
                     APILO_E_API);
    assert_int_equal(err.errors_count, COUNT);
    for (int i = 0; i < COUNT; i += 997) {
        char field[16];

        snprintf(field, sizeof field, "f%d", i);
        assert_string_equal(err.errors[i].field, field);
        assert_int_equal(err.errors[i].code, i);
    }
    assert_string_equal(err.errors[COUNT - 1].field, "f19999");
    apilo_error_clear(&err);
    apl_buf_free(&body);
}

static void test_status_mapping(void **state)
{
    static const char error_body[] = "{\"message\":\"nope\"}";
    static const struct {
        long http_status;
        int with_body;
        apilo_status expected;
    } cases[] = {
        {401, 0, APILO_E_AUTH},      {403, 1, APILO_E_AUTH},       {404, 0, APILO_E_NOT_FOUND},
        {404, 1, APILO_E_NOT_FOUND}, {429, 0, APILO_E_RATE_LIMIT}, {503, 1, APILO_E_RATE_LIMIT},
        {400, 0, APILO_E_API},       {409, 1, APILO_E_API},        {413, 0, APILO_E_API},
        {415, 0, APILO_E_API},       {422, 0, APILO_E_API},        {422, 1, APILO_E_API},
        {418, 1, APILO_E_API},       {418, 0, APILO_E_HTTP},       {405, 0, APILO_E_HTTP},
        {500, 1, APILO_E_HTTP},      {502, 0, APILO_E_HTTP},       {504, 1, APILO_E_HTTP},
        {302, 0, APILO_E_HTTP},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        apilo_error err = APILO_ERROR_INIT;
        const char *body = cases[i].with_body ? error_body : NULL;
        size_t len = cases[i].with_body ? strlen(error_body) : 0;
        apilo_status status;

        status = apl_error_from_http(&err, cases[i].http_status, body, len, "GET", "/x/");
        if (status != cases[i].expected || err.status != cases[i].expected)
            fail_msg("HTTP %ld (body %d) gave %d", cases[i].http_status, cases[i].with_body,
                     (int)status);
        assert_int_equal(err.http_status, cases[i].http_status);
        assert_non_null(err.message);
        apilo_error_clear(&err);

        /* Without an error object the status comes out the same. */
        assert_int_equal(apl_error_from_http(NULL, cases[i].http_status, body, len, NULL, NULL),
                         cases[i].expected);
    }
}

static void test_empty_and_foreign_bodies_are_tolerated(void **state)
{
    static const struct {
        const char *body;
        long http_status;
        const char *message;
    } cases[] = {
        {"", 502, "HTTP 502 Bad Gateway"},
        {"<html><body>Bad gateway</body></html>", 502, "HTTP 502 Bad Gateway"},
        {"[1,2,3]", 500, "HTTP 500 Internal Server Error"},
        {"\"just a string\"", 404, "HTTP 404 Not Found"},
        {"{\"message\":\"\"}", 422, "HTTP 422 Unprocessable Entity"},
        {"{\"message\":", 429, "HTTP 429 Too Many Requests"},
        {"{}", 599, "HTTP 599"},
        {"{\"message\":42,\"code\":\"abc\",\"errors\":{\"x\":1}}", 400, "42"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        apilo_error err = APILO_ERROR_INIT;

        apl_error_from_http(&err, cases[i].http_status, cases[i].body, strlen(cases[i].body), "GET",
                            "/rest/api/");
        assert_non_null(err.message);
        assert_string_equal(err.message, cases[i].message);
        assert_false(err.has_api_code);
        assert_int_equal(err.errors_count, 0);
        apilo_error_clear(&err);
    }
}

static void test_path_keeps_only_path_and_query(void **state)
{
    apilo_error err = APILO_ERROR_INIT;

    (void)state;
    apl_error_from_http(&err, 404, NULL, 0, "DELETE",
                        "https://user:pass@shop.example/rest/api/orders/AL231100017/?a=1#frag");
    assert_string_equal(err.path, "/rest/api/orders/AL231100017/?a=1");
    assert_null(strstr(err.path, "pass"));
    assert_string_equal(err.method, "DELETE");
    apilo_error_clear(&err);

    apl_error_from_http(&err, 404, NULL, 0, "PROPFINDLONG", NULL);
    assert_null(err.path);
    assert_true(strlen(err.method) < sizeof err.method);
    apilo_error_clear(&err);
}

static void test_format_names_everything(void **state)
{
    apilo_error err = APILO_ERROR_INIT;
    char *line;

    (void)state;
    apl_error_from_http(&err, 422, nested_body, strlen(nested_body), "GET",
                        "/rest/api/orders/?email=x");
    line = apilo_error_format(&err);
    assert_non_null(line);
    assert_non_null(strstr(line, apilo_status_str(APILO_E_API)));
    assert_non_null(strstr(line, "HTTP 422"));
    assert_non_null(strstr(line, "code 1020"));
    assert_non_null(strstr(line, "Validation failed"));
    assert_non_null(strstr(line, "[Invalid value]"));
    assert_non_null(strstr(line, "field order"));
    assert_non_null(strstr(line, "email: must be an e-mail address"));
    assert_non_null(strstr(line, "zipCode: too long"));
    assert_non_null(strstr(line, "(GET /rest/api/orders/?email=x)"));
    assert_null(strchr(line, '\n'));
    apilo_free(line);
    apilo_error_clear(&err);
}

static void test_format_keeps_one_line(void **state)
{
    static const char body[] = "{\"message\":\"line one\\nline two\\r\\tend\"}";
    apilo_error err = APILO_ERROR_INIT;
    char *line;

    (void)state;
    apl_error_from_http(&err, 400, body, strlen(body), "POST", "/rest/api/");
    line = apilo_error_format(&err);
    assert_non_null(line);
    assert_null(strchr(line, '\n'));
    assert_null(strchr(line, '\r'));
    assert_non_null(strstr(line, "line one line two"));
    apilo_free(line);
    apilo_error_clear(&err);
}

static void test_format_of_empty_and_library_errors(void **state)
{
    apilo_error err = APILO_ERROR_INIT;
    char *line;

    (void)state;
    line = apilo_error_format(&err);
    assert_non_null(line);
    assert_string_equal(line, apilo_status_str(APILO_OK));
    apilo_free(line);

    line = apilo_error_format(NULL);
    assert_non_null(line);
    apilo_free(line);

    assert_int_equal(apl_error_set(&err, APILO_E_INVALID, "limit: must be %d or more", 1),
                     APILO_E_INVALID);
    apl_error_set_field(&err, "limit");
    line = apilo_error_format(&err);
    assert_non_null(strstr(line, "limit: must be 1 or more"));
    assert_non_null(strstr(line, "field limit"));
    assert_null(strstr(line, "HTTP"));
    apilo_free(line);
    apilo_error_clear(&err);
}

static void test_set_replaces_a_previous_error(void **state)
{
    apilo_error err = APILO_ERROR_INIT;

    (void)state;
    apl_error_from_http(&err, 422, nested_body, strlen(nested_body), "GET", "/a/");
    apl_error_set(&err, APILO_E_DECODE, "second failure");
    assert_int_equal(err.status, APILO_E_DECODE);
    assert_string_equal(err.message, "second failure");
    assert_int_equal(err.http_status, 0);
    assert_int_equal(err.errors_count, 0);
    assert_null(err.path);
    assert_null(err.field);

    apl_error_set_field(&err, "first");
    apl_error_set_field(&err, "second");
    assert_string_equal(err.field, "second");
    apl_error_set_field(&err, NULL);
    assert_null(err.field);
    apilo_error_clear(&err);

    /* Clearing twice and clearing NULL are harmless. */
    apilo_error_clear(&err);
    apilo_error_clear(NULL);
    assert_int_equal(apl_error_set(NULL, APILO_E_NOMEM, "x"), APILO_E_NOMEM);
    assert_true(err.retry_after_s < 0);
}

/* 503 is retried like 429 but is not called a rate limit when reported. */
static void test_503_is_called_unavailable(void **state)
{
    apilo_error err = APILO_ERROR_INIT;
    char *line;

    (void)state;
    assert_int_equal(apl_error_from_http(&err, 503, "", 0, "GET", "/rest/api/"),
                     APILO_E_RATE_LIMIT);
    line = apilo_error_format(&err);
    assert_non_null(strstr(line, "service unavailable (HTTP 503)"));
    assert_null(strstr(line, "rate limited"));
    apilo_free(line);
    apilo_error_clear(&err);

    assert_int_equal(apl_error_from_http(&err, 429, "", 0, "GET", "/rest/api/"),
                     APILO_E_RATE_LIMIT);
    line = apilo_error_format(&err);
    assert_non_null(strstr(line, "rate limited (HTTP 429)"));
    apilo_free(line);
    apilo_error_clear(&err);
}

static void test_every_status_has_words(void **state)
{
    (void)state;
    /* APILO_E_CANCELLED is the lowest status. */
    for (int status = APILO_E_CANCELLED; status <= APILO_ITER_OVER; status++) {
        const char *words = apilo_status_str((apilo_status)status);
        assert_non_null(words);
        assert_true(strlen(words) > 3);
        assert_string_not_equal(words, "unknown status");
    }
    assert_string_equal(apilo_status_str((apilo_status)-99), "unknown status");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_error_body_is_read),
        cmocka_unit_test(test_nested_errors_are_flattened_in_order),
        cmocka_unit_test(test_long_error_list),
        cmocka_unit_test(test_status_mapping),
        cmocka_unit_test(test_empty_and_foreign_bodies_are_tolerated),
        cmocka_unit_test(test_path_keeps_only_path_and_query),
        cmocka_unit_test(test_format_names_everything),
        cmocka_unit_test(test_format_keeps_one_line),
        cmocka_unit_test(test_format_of_empty_and_library_errors),
        cmocka_unit_test(test_set_replaces_a_previous_error),
        cmocka_unit_test(test_503_is_called_unavailable),
        cmocka_unit_test(test_every_status_has_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
