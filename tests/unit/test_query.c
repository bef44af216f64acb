/*
 * Query strings: the percent-encoder (C4), zero values that must be sent (C8), array filters,
 * validation of every orders filter (ENDPOINTS.md #8) and the limit clamp (C5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static char *query_of(const apilo_orders_query *query)
{
    apilo_error err = APILO_ERROR_INIT;
    char *text = NULL;

    assert_int_equal(apilo_orders_query_string(&text, query, &err), APILO_OK);
    assert_non_null(text);
    apilo_error_clear(&err);
    return text;
}

static apilo_time time_of(const char *text)
{
    apilo_time t;

    assert_int_equal(apilo_time_parse(&t, text), APILO_OK);
    return t;
}

static void test_encoder_escapes_everything_but_unreserved(void **state)
{
    static const struct {
        const char *value;
        const char *expected;
    } cases[] = {
        {"plain-._~AZaz09", "?v=plain-._~AZaz09"},
        {"a+b", "?v=a%2Bb"},
        {"08:16:32", "?v=08%3A16%3A32"},
        {"two words", "?v=two%20words"},
        {"a&b=c", "?v=a%26b%3Dc"},
        {"#frag", "?v=%23frag"},
        {"100%", "?v=100%25"},
        {"[x]", "?v=%5Bx%5D"},
        {"/?", "?v=%2F%3F"},
        {"Kraków", "?v=Krak%C3%B3w"},
        {"\xe2\x82\xac", "?v=%E2%82%AC"},
        {"", "?v="},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        apl_buf query = APL_BUF_INIT;

        assert_int_equal(apl_query_add(&query, "v", cases[i].value), 0);
        assert_string_equal(query.data, cases[i].expected);
        apl_buf_free(&query);
    }
}

static void test_pairs_are_joined_with_ampersands(void **state)
{
    apl_buf query = APL_BUF_INIT;

    (void)state;
    assert_int_equal(apl_query_add(&query, "a", "1"), 0);
    assert_int_equal(apl_query_add_int(&query, "b", -42), 0);
    assert_int_equal(apl_query_add_int(&query, "c", INT64_MAX), 0);
    assert_int_equal(apl_query_add(&query, "ids[]", "x y"), 0);
    assert_string_equal(query.data, "?a=1&b=-42&c=9223372036854775807&ids[]=x%20y");
    apl_buf_free(&query);
}

static void test_c4_date_filter_plus_is_encoded(void **state)
{
    apilo_orders_query query = {0};
    char *text;

    (void)state;
    query.created_after.set = 1;
    query.created_after.value = time_of("2024-09-12T08:16:32+02:00");
    text = query_of(&query);

    assert_string_equal(text, "?createdAfter=2024-09-12T08%3A16%3A32%2B0200");
    assert_null(strchr(text, '+'));
    assert_null(strchr(text, ':'));
    apilo_free(text);
}

static void test_zulu_offset_is_written_plus_zero(void **state)
{
    apilo_orders_query query = {0};
    char *text;

    (void)state;
    query.updated_before.set = 1;
    query.updated_before.value = time_of("2022-06-09T10:59:12Z");
    query.ordered_after.set = 1;
    query.ordered_after.value = time_of("2022-06-09T10:59:12-05:30");
    text = query_of(&query);

    assert_string_equal(text, "?orderedAfter=2022-06-09T10%3A59%3A12-0530"
                              "&updatedBefore=2022-06-09T10%3A59%3A12%2B0000");
    apilo_free(text);
}

static void test_c8_zero_values_are_sent(void **state)
{
    apilo_orders_query query = {0};
    char *text;

    (void)state;
    query.is_order_document = APILO_OPT_INT(0);
    query.payment_status = APILO_OPT_INT(0);
    query.offset = APILO_OPT_INT(0);
    text = query_of(&query);

    assert_string_equal(text, "?isOrderDocument=0&paymentStatus=0&offset=0");
    apilo_free(text);
}

static void test_status_ids_are_repeated_with_raw_brackets(void **state)
{
    static const int64_t ids[] = {1, 2, 7};
    apilo_orders_query query = {0};
    char *text;

    (void)state;
    query.order_status_ids = ids;
    query.order_status_ids_count = 3;
    text = query_of(&query);

    assert_string_equal(text, "?orderStatusIds[]=1&orderStatusIds[]=2&orderStatusIds[]=7");
    apilo_free(text);
}

static void test_every_filter_in_documented_order(void **state)
{
    static const int64_t ids[] = {8, 9};
    apilo_orders_query query = {0};
    char *text;

    (void)state;
    query.created_after.set = 1;
    query.created_after.value = time_of("2022-03-01T14:40:33+0200");
    query.created_before.set = 1;
    query.created_before.value = time_of("2022-03-02T00:00:00Z");
    query.ordered_after.set = 1;
    query.ordered_after.value = time_of("2022-03-03T00:00:00Z");
    query.ordered_before.set = 1;
    query.ordered_before.value = time_of("2022-03-04T00:00:00Z");
    query.updated_after.set = 1;
    query.updated_after.value = time_of("2022-03-05T00:00:00Z");
    query.updated_before.set = 1;
    query.updated_before.value = time_of("2022-03-06T00:00:00Z");
    query.is_order_document = APILO_OPT_INT(1);
    query.id = "AL231100017";
    query.id_external = "WWW/341/2023";
    query.order_status = APILO_OPT_INT(7);
    query.order_status_ids = ids;
    query.order_status_ids_count = 2;
    query.payment_status = APILO_OPT_INT(2);
    query.payment_type = APILO_OPT_INT(3);
    query.platform_account_id = APILO_OPT_INT(44);
    query.carrier_id = APILO_OPT_INT(5);
    query.email = "jan+shop@example.com";
    query.sort = APILO_ORDERS_SORT_UPDATED_AT_DESC;
    query.offset = APILO_OPT_INT(1024);
    query.limit = APILO_OPT_INT(200);
    text = query_of(&query);

    assert_string_equal(text, "?createdAfter=2022-03-01T14%3A40%3A33%2B0200"
                              "&createdBefore=2022-03-02T00%3A00%3A00%2B0000"
                              "&orderedAfter=2022-03-03T00%3A00%3A00%2B0000"
                              "&orderedBefore=2022-03-04T00%3A00%3A00%2B0000"
                              "&updatedAfter=2022-03-05T00%3A00%3A00%2B0000"
                              "&updatedBefore=2022-03-06T00%3A00%3A00%2B0000"
                              "&isOrderDocument=1&id=AL231100017&idExternal=WWW%2F341%2F2023"
                              "&orderStatus=7&orderStatusIds[]=8&orderStatusIds[]=9"
                              "&paymentStatus=2&paymentType=3&platformAccountId=44&carrierId=5"
                              "&email=jan%2Bshop%40example.com&sort=updatedAtDesc"
                              "&offset=1024&limit=200");
    apilo_free(text);
}

static void test_empty_query_is_empty_string(void **state)
{
    apilo_orders_query query = {0};
    char *text;

    (void)state;
    text = query_of(&query);
    assert_string_equal(text, "");
    apilo_free(text);

    text = query_of(NULL);
    assert_string_equal(text, "");
    apilo_free(text);
}

static void test_limit_above_maximum_is_clamped(void **state)
{
    static const struct {
        int64_t limit;
        const char *expected;
    } cases[] = {
        {1, "?limit=1"},     {511, "?limit=511"},  {512, "?limit=512"},
        {513, "?limit=512"}, {1000, "?limit=512"}, {INT64_MAX, "?limit=512"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        apilo_orders_query query = {0};
        char *text;

        query.limit = APILO_OPT_INT(cases[i].limit);
        assert_int_equal(apilo_orders_query_validate(&query, NULL), APILO_OK);
        text = query_of(&query);
        assert_string_equal(text, cases[i].expected);
        apilo_free(text);
    }
}

/* A query that breaks exactly one rule, and the wire name that must be blamed. */
typedef void (*query_breaker)(apilo_orders_query *query);

static const int64_t bad_ids[] = {3, 0};

static void bad_created_after(apilo_orders_query *q)
{
    q->created_after.set = 1;
    q->created_after.value.offset_minutes = 19 * 60;
}
static void bad_updated_before(apilo_orders_query *q)
{
    q->updated_before.set = 1;
    q->updated_before.value.unix_seconds = INT64_MAX / 4;
}
static void bad_is_order_document_high(apilo_orders_query *q)
{
    q->is_order_document = APILO_OPT_INT(2);
}
static void bad_is_order_document_low(apilo_orders_query *q)
{
    q->is_order_document = APILO_OPT_INT(-1);
}
static void bad_id_short(apilo_orders_query *q)
{
    q->id = "AL2311000";
}
static void bad_id_long(apilo_orders_query *q)
{
    q->id = "AL2311000170";
}
static void bad_id_chars(apilo_orders_query *q)
{
    q->id = "AL23110001/";
}
static void bad_id_external(apilo_orders_query *q)
{
    q->id_external = "0123456789012345678901234567890123456";
}
static void bad_id_external_empty(apilo_orders_query *q)
{
    q->id_external = "";
}
static void bad_order_status(apilo_orders_query *q)
{
    q->order_status = APILO_OPT_INT(0);
}
static void bad_status_ids(apilo_orders_query *q)
{
    q->order_status_ids = bad_ids;
    q->order_status_ids_count = 2;
}
static void bad_status_ids_missing(apilo_orders_query *q)
{
    q->order_status_ids_count = 1;
}
static void bad_payment_status_high(apilo_orders_query *q)
{
    q->payment_status = APILO_OPT_INT(4);
}
static void bad_payment_status_low(apilo_orders_query *q)
{
    q->payment_status = APILO_OPT_INT(-1);
}
static void bad_payment_type(apilo_orders_query *q)
{
    q->payment_type = APILO_OPT_INT(0);
}
static void bad_platform_account(apilo_orders_query *q)
{
    q->platform_account_id = APILO_OPT_INT(-5);
}
static void bad_carrier(apilo_orders_query *q)
{
    q->carrier_id = APILO_OPT_INT(0);
}
static void bad_email_empty(apilo_orders_query *q)
{
    q->email = "";
}
static void bad_email_long(apilo_orders_query *q)
{
    static char email[130];

    memset(email, 'a', 129);
    email[129] = '\0';
    q->email = email;
}
static void bad_sort(apilo_orders_query *q)
{
    q->sort = (apilo_orders_sort)99;
}
static void bad_offset(apilo_orders_query *q)
{
    q->offset = APILO_OPT_INT(-1);
}
static void bad_limit(apilo_orders_query *q)
{
    q->limit = APILO_OPT_INT(0);
}

static void test_each_bad_filter_is_named(void **state)
{
    static const struct {
        query_breaker breaker;
        const char *field;
    } cases[] = {
        {bad_created_after, "createdAfter"},
        {bad_updated_before, "updatedBefore"},
        {bad_is_order_document_high, "isOrderDocument"},
        {bad_is_order_document_low, "isOrderDocument"},
        {bad_id_short, "id"},
        {bad_id_long, "id"},
        {bad_id_chars, "id"},
        {bad_id_external, "idExternal"},
        {bad_id_external_empty, "idExternal"},
        {bad_order_status, "orderStatus"},
        {bad_status_ids, "orderStatusIds[]"},
        {bad_status_ids_missing, "orderStatusIds[]"},
        {bad_payment_status_high, "paymentStatus"},
        {bad_payment_status_low, "paymentStatus"},
        {bad_payment_type, "paymentType"},
        {bad_platform_account, "platformAccountId"},
        {bad_carrier, "carrierId"},
        {bad_email_empty, "email"},
        {bad_email_long, "email"},
        {bad_sort, "sort"},
        {bad_offset, "offset"},
        {bad_limit, "limit"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        apilo_orders_query query = {0};
        apilo_error err = APILO_ERROR_INIT;
        char *text = (char *)"untouched";

        cases[i].breaker(&query);
        assert_int_equal(apilo_orders_query_validate(&query, &err), APILO_E_INVALID);
        assert_int_equal(err.status, APILO_E_INVALID);
        assert_non_null(err.field);
        assert_string_equal(err.field, cases[i].field);
        assert_non_null(err.message);
        assert_non_null(strstr(err.message, cases[i].field));
        apilo_error_clear(&err);

        assert_int_equal(apilo_orders_query_string(&text, &query, &err), APILO_E_INVALID);
        assert_null(text);
        assert_string_equal(err.field, cases[i].field);
        apilo_error_clear(&err);
    }
}

static void test_boundary_values_are_valid(void **state)
{
    static const int64_t ids[] = {1, INT64_MAX};
    apilo_orders_query query = {0};
    char id_external[37];
    char email[129];

    (void)state;
    memset(id_external, 'x', 36);
    id_external[36] = '\0';
    memset(email, 'e', 128);
    email[128] = '\0';
    query.id = "AB.12|3456";
    query.id_external = id_external;
    query.email = email;
    query.is_order_document = APILO_OPT_INT(1);
    query.order_status = APILO_OPT_INT(1);
    query.order_status_ids = ids;
    query.order_status_ids_count = 2;
    query.payment_status = APILO_OPT_INT(3);
    query.payment_type = APILO_OPT_INT(1);
    query.platform_account_id = APILO_OPT_INT(1);
    query.carrier_id = APILO_OPT_INT(1);
    query.offset = APILO_OPT_INT(0);
    query.limit = APILO_OPT_INT(1);
    query.created_after.set = 1;
    query.created_after.value.offset_minutes = -18 * 60;
    assert_int_equal(apilo_orders_query_validate(&query, NULL), APILO_OK);

    /* Lengths count characters: 36 two-byte characters are still 36. */
    {
        char wide[36 * 2 + 1] = "";
        for (int i = 0; i < 36; i++)
            strcat(wide, "\xc3\xb3");
        query.id_external = wide;
        assert_int_equal(apilo_orders_query_validate(&query, NULL), APILO_OK);
    }
}

static void test_sort_names_round_trip(void **state)
{
    apilo_orders_sort sort = APILO_ORDERS_SORT_NONE;

    (void)state;
    for (int value = APILO_ORDERS_SORT_CREATED_AT_ASC; value <= APILO_ORDERS_SORT_ORDERED_AT_DESC;
         value++) {
        const char *name = apilo_orders_sort_name((apilo_orders_sort)value);

        assert_non_null(name);
        assert_int_equal(apilo_orders_sort_parse(&sort, name), APILO_OK);
        assert_int_equal(sort, value);
    }
    assert_int_equal(apilo_orders_sort_parse(&sort, "createdAtDesc"), APILO_OK);
    assert_int_equal(sort, APILO_ORDERS_SORT_CREATED_AT_DESC);
    assert_null(apilo_orders_sort_name(APILO_ORDERS_SORT_NONE));
    assert_int_equal(apilo_orders_sort_parse(&sort, "createdatdesc"), APILO_E_INVALID);
    assert_int_equal(apilo_orders_sort_parse(&sort, ""), APILO_E_INVALID);
    assert_int_equal(apilo_orders_sort_parse(&sort, NULL), APILO_E_INVALID);
}

static void test_order_id_pattern(void **state)
{
    (void)state;
    assert_true(apilo_order_id_valid("AL231100017"));
    assert_true(apilo_order_id_valid("AA12345678"));
    assert_true(apilo_order_id_valid("a.b|c.d|e.f"));
    assert_false(apilo_order_id_valid("AL0012345"));
    assert_false(apilo_order_id_valid("AL2311000170"));
    assert_false(apilo_order_id_valid("AL23110001 "));
    assert_false(apilo_order_id_valid("AL2311-0001"));
    assert_false(apilo_order_id_valid("AL231100\xc3\xb3"));
    assert_false(apilo_order_id_valid(""));
    assert_false(apilo_order_id_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoder_escapes_everything_but_unreserved),
        cmocka_unit_test(test_pairs_are_joined_with_ampersands),
        cmocka_unit_test(test_c4_date_filter_plus_is_encoded),
        cmocka_unit_test(test_zulu_offset_is_written_plus_zero),
        cmocka_unit_test(test_c8_zero_values_are_sent),
        cmocka_unit_test(test_status_ids_are_repeated_with_raw_brackets),
        cmocka_unit_test(test_every_filter_in_documented_order),
        cmocka_unit_test(test_empty_query_is_empty_string),
        cmocka_unit_test(test_limit_above_maximum_is_clamped),
        cmocka_unit_test(test_each_bad_filter_is_named),
        cmocka_unit_test(test_boundary_values_are_valid),
        cmocka_unit_test(test_sort_names_round_trip),
        cmocka_unit_test(test_order_id_pattern),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
