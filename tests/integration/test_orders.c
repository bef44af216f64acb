/*
 * Orders against a sandbox seeded with 1200 orders: the iterator (C5, C6, C7), clamping, one
 * order in detail, errors, maps, and zero values on the wire (C8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net_test_util.h"

typedef net_fixture fixture;

static int group_setup(void **state)
{
    const char *const args[] = {"--seed-orders", "1200", "--no-rate-limit", NULL};
    fixture *fx = net_fixture_start(args);
    apilo_options options;

    if (!fx)
        return -1;
    options = test_options(&fx->sb, fx->store, &fx->log);
    options.log_level = APILO_LOG_WARN;
    if (apilo_client_new(&fx->client, &options, NULL) != APILO_OK ||
        login_with_fresh_code(fx->client, &fx->sb) != 0) {
        net_fixture_stop(fx); /* cmocka skips the teardown of a failed setup */
        return -1;
    }
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    net_fixture_stop(*state);
    return 0;
}

static int before_each(void **state)
{
    fixture *fx = *state;

    sandbox_call(&fx->sb, "DELETE", "/sandbox/faults", NULL);
    sandbox_reset_log(&fx->sb);
    apl_buf_reset(&fx->log.text);
    fx->log.warnings = 0;
    return 0;
}

/* The raw query of a logged request without its offset pair, and the offset. */
static void split_offset(const char *query, char *rest, size_t size, long *offset)
{
    char *copy = strdup(query ? query : "");
    char *saveptr = NULL;

    rest[0] = '\0';
    *offset = -1;
    for (char *pair = strtok_r(copy, "&", &saveptr); pair; pair = strtok_r(NULL, "&", &saveptr)) {
        if (strncmp(pair, "offset=", 7) == 0) {
            *offset = strtol(pair + 7, NULL, 10);
            continue;
        }
        strncat(rest, pair, size - strlen(rest) - 2);
        strcat(rest, "&");
    }
    free(copy);
}

/*
 * Every logged orders list request carries the same query but for offset, and the offsets are
 * the running sum of rows received (`step` rows per full page). Returns the number of pages.
 */
static size_t check_page_requests(const apl_test_sandbox *sb, long step, long total)
{
    json_t *log = sandbox_requests(sb);
    char first[2048] = "";
    long expected_offset = 0;
    size_t pages = 0;
    size_t i;

    assert_non_null(log);
    for (i = 0; i < json_array_size(log); i++) {
        json_t *entry = json_array_get(log, i);
        const char *path = json_string_value(json_object_get(entry, "path"));
        char rest[2048];
        long offset;

        if (!path || strcmp(path, "/rest/api/orders/") != 0)
            continue;
        split_offset(json_string_value(json_object_get(entry, "query")), rest, sizeof(rest),
                     &offset);
        if (pages == 0)
            strcpy(first, rest);
        assert_string_equal(rest, first);
        assert_int_equal(offset, expected_offset);
        expected_offset += expected_offset + step > total ? total - expected_offset : step;
        pages++;
    }
    json_decref(log);
    return pages;
}

typedef struct filter_choice {
    int64_t statuses[2];
    apilo_time created_after;
} filter_choice;

/* Pick two common statuses and a date that keep several pages of matches. */
static filter_choice choose_filter(fixture *fx)
{
    apilo_orders_query query = {0};
    apilo_order_page *page = NULL;
    filter_choice choice = {{0, 0}, {0, 120}};
    int64_t counts[64] = {0};
    int64_t earliest = INT64_MAX;
    int64_t latest = 0;

    query.limit = APILO_OPT_INT(512);
    assert_int_equal(apilo_orders_list(fx->client, &query, &page, NULL), APILO_OK);
    for (size_t i = 0; i < page->count; i++) {
        const apilo_order *order = &page->orders[i];

        if (order->status.set && order->status.value > 0 && order->status.value < 64)
            counts[order->status.value]++;
        if (order->created_at.set && order->created_at.value.unix_seconds < earliest)
            earliest = order->created_at.value.unix_seconds;
        if (order->created_at.set && order->created_at.value.unix_seconds > latest)
            latest = order->created_at.value.unix_seconds;
    }
    for (int s = 1; s < 64; s++) {
        if (counts[s] > counts[choice.statuses[0]]) {
            choice.statuses[1] = choice.statuses[0];
            choice.statuses[0] = s;
        } else if (counts[s] > counts[choice.statuses[1]]) {
            choice.statuses[1] = s;
        }
    }
    assert_true(choice.statuses[0] > 0 && choice.statuses[1] > 0);
    choice.created_after.unix_seconds = earliest + (latest - earliest) / 5;
    apilo_order_page_free(page);
    return choice;
}

static void test_iterator_with_filter(void **state)
{
    fixture *fx = *state;
    filter_choice choice = choose_filter(fx);
    apilo_orders_query query = {0};
    apilo_orders_iter *iter = NULL;
    const apilo_order *order;
    apilo_error err = APILO_ERROR_INIT;
    char **seen;
    size_t count = 0;
    apilo_status status;

    sandbox_reset_log(&fx->sb);
    query.order_status_ids = choice.statuses;
    query.order_status_ids_count = 2;
    query.created_after.set = 1;
    query.created_after.value = choice.created_after; /* +02:00: the "+" must arrive intact */
    assert_int_equal(apilo_orders_iter_new(&iter, fx->client, &query, 100, 0, &err), APILO_OK);

    seen = calloc(2000, sizeof(*seen));
    while ((status = apilo_orders_iter_next(iter, &order, &err)) == APILO_OK) {
        assert_true(count < 2000);
        assert_true(order->status.value == choice.statuses[0] ||
                    order->status.value == choice.statuses[1]);
        assert_true(order->created_at.value.unix_seconds >= choice.created_after.unix_seconds);
        for (size_t i = 0; i < count; i++)
            assert_string_not_equal(seen[i], order->id);
        seen[count++] = strdup(order->id);
    }
    assert_int_equal(status, APILO_ITER_OVER);
    assert_true(apilo_orders_iter_total(iter) > 100);
    assert_int_equal((int64_t)count, apilo_orders_iter_total(iter));
    assert_false(apilo_orders_iter_totals_mismatch(iter));
    assert_int_equal(check_page_requests(&fx->sb, 100, (long)count), apilo_orders_iter_pages(iter));

    for (size_t i = 0; i < count; i++)
        free(seen[i]);
    free(seen);
    apilo_orders_iter_free(iter);
}

static int64_t iterate_all(fixture *fx, int page_size, apilo_orders_iter **out_iter)
{
    const apilo_order *order;
    int64_t count = 0;
    apilo_status status;

    assert_int_equal(apilo_orders_iter_new(out_iter, fx->client, NULL, page_size, 0, NULL),
                     APILO_OK);
    while ((status = apilo_orders_iter_next(*out_iter, &order, NULL)) == APILO_OK)
        count++;
    assert_int_equal(status, APILO_ITER_OVER);
    return count;
}

/* C5/C6: the server sends 37 rows whatever the page size; offsets follow the rows received. */
static void test_short_pages(void **state)
{
    fixture *fx = *state;
    apilo_orders_iter *iter = NULL;
    int64_t count;

    assert_int_equal(sandbox_fault(&fx->sb, "{\"maxPageRows\": 37}"), 0);
    count = iterate_all(fx, 100, &iter);
    assert_true(count >= 1200);
    assert_int_equal(count, apilo_orders_iter_total(iter));
    assert_false(apilo_orders_iter_totals_mismatch(iter));
    assert_int_equal(check_page_requests(&fx->sb, 37, (long)count), apilo_orders_iter_pages(iter));
    apilo_orders_iter_free(iter);
}

static void test_totals_disagree(void **state)
{
    fixture *fx = *state;
    apilo_orders_iter *iter = NULL;
    int64_t count;

    assert_int_equal(sandbox_fault(&fx->sb, "{\"totalCountDelta\": 5}"), 0);
    count = iterate_all(fx, 512, &iter);
    assert_true(count >= 1200);
    assert_int_equal(count + 5, apilo_orders_iter_total(iter));
    assert_true(apilo_orders_iter_totals_mismatch(iter));
    assert_true(fx->log.warnings > 0);
    assert_non_null(strstr(fx->log.text.data, "totals disagree"));
    apilo_orders_iter_free(iter);
}

/* C6 the other way: the server announces fewer rows than it sends (the QA repro was -500). */
static void test_total_too_small(void **state)
{
    fixture *fx = *state;
    apilo_orders_iter *iter = NULL;
    int64_t all = iterate_all(fx, 512, &iter);
    int64_t count;

    apilo_orders_iter_free(iter);
    assert_int_equal(sandbox_fault(&fx->sb, "{\"totalCountDelta\": -500}"), 0);
    count = iterate_all(fx, 512, &iter);
    /* Every order still arrives: full pages at totalCount are followed by another request. */
    assert_int_equal(count, all);
    assert_true(count > apilo_orders_iter_total(iter));
    assert_true(apilo_orders_iter_totals_mismatch(iter));
    assert_true(fx->log.warnings > 0);
    assert_non_null(strstr(fx->log.text.data, "more rows arrived than totalCount"));
    apilo_orders_iter_free(iter);
}

static void test_max_items_and_resume(void **state)
{
    fixture *fx = *state;
    apilo_orders_iter *iter = NULL;
    const apilo_order *order;
    int64_t count = 0;

    assert_int_equal(apilo_orders_iter_new(&iter, fx->client, NULL, 10, 25, NULL), APILO_OK);
    while (apilo_orders_iter_next(iter, &order, NULL) == APILO_OK)
        count++;
    assert_int_equal(count, 25);
    assert_int_equal(apilo_orders_iter_pages(iter), 3);
    apilo_orders_iter_free(iter);

    /* After a failure the iterator asks for the same offset again. */
    assert_int_equal(apilo_orders_iter_new(&iter, fx->client, NULL, 10, 0, NULL), APILO_OK);
    assert_int_equal(apilo_orders_iter_next(iter, &order, NULL), APILO_OK);
    for (int i = 1; i < 10; i++)
        assert_int_equal(apilo_orders_iter_next(iter, &order, NULL), APILO_OK);
    assert_int_equal(sandbox_fault(&fx->sb, "{\"status\": 500, \"count\": 1}"), 0);
    assert_int_not_equal(apilo_orders_iter_next(iter, &order, NULL), APILO_OK);
    assert_int_equal(apilo_orders_iter_offset(iter), 10);
    assert_int_equal(apilo_orders_iter_next(iter, &order, NULL), APILO_OK);
    assert_int_equal(apilo_orders_iter_offset(iter), 20);
    apilo_orders_iter_free(iter);
}

static void test_limit_clamped(void **state)
{
    fixture *fx = *state;
    apilo_orders_query query = {0};
    apilo_order_page *page = NULL;
    json_t *log;

    query.limit = APILO_OPT_INT(1000);
    assert_int_equal(apilo_orders_list(fx->client, &query, &page, NULL), APILO_OK);
    assert_int_equal(page->count, 512);
    assert_true(fx->log.warnings > 0);
    assert_non_null(strstr(fx->log.text.data, "512"));

    log = sandbox_requests(&fx->sb);
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(log, 0), "query")), "limit=512"));
    json_decref(log);
    apilo_order_page_free(page);
}

static void test_get_one_order(void **state)
{
    fixture *fx = *state;
    apilo_order *order = NULL;
    apilo_error err = APILO_ERROR_INIT;
    char *raw;

    assert_int_equal(apilo_orders_get(fx->client, "AL231100017", &order, &err), APILO_OK);
    assert_string_equal(order->id, "AL231100017");
    assert_int_equal(order->status.value, 3);
    assert_string_equal(order->id_external, "WWW/341/2023");
    assert_true(order->is_invoice.set && order->is_invoice.value);
    assert_int_equal(order->payment_status.value, 2);
    assert_string_equal(order->original_amount_total_with_tax, "1259.98");
    assert_int_equal(order->items_count, 2);
    assert_string_equal(order->items[0].original_price_with_tax, "2799.99");
    assert_string_equal(order->items[0].tax, "23.00");
    assert_null(order->items[1].tax);
    assert_int_equal(order->items[1].type.value, 2);
    assert_true(order->payments_count >= 1);
    assert_int_equal(order->notes_count, 1);
    assert_non_null(order->address_customer);
    assert_string_equal(order->address_customer->city, "Kraków");
    assert_string_equal(order->address_delivery->address_class, "company");
    assert_non_null(order->address_invoice);
    assert_true(order->is_encrypted.set && !order->is_encrypted.value);
    assert_true(order->ordered_at.set);
    assert_int_equal(order->ordered_at.value.offset_minutes, 60);
    assert_int_equal(order->platform_account_id.value, 1);

    raw = apilo_order_raw_json(order);
    assert_non_null(strstr(raw, "preferences"));
    apilo_free(raw);
    apilo_order_free(order);
}

/* A page of `limit` orders from `offset`, sorted so pages never overlap. */
static apilo_order_page *list_page(fixture *fx, int64_t offset, int64_t limit)
{
    apilo_orders_query query = APILO_ORDERS_QUERY_INIT;
    apilo_error err = APILO_ERROR_INIT;
    apilo_order_page *page = NULL;

    query.offset = APILO_OPT_INT(offset);
    query.limit = APILO_OPT_INT(limit);
    query.sort = APILO_ORDERS_SORT_CREATED_AT_ASC;
    assert_int_equal(apilo_orders_list(fx->client, &query, &page, &err), APILO_OK);
    assert_int_equal(page->count, (size_t)limit);
    return page;
}

/* Every order's id and customer email, as its own raw JSON says them. */
static void assert_page_matches_raw(const apilo_order_page *page)
{
    char expected[96];

    for (size_t i = 0; i < page->count; i++) {
        const apilo_order *order = &page->orders[i];
        char *raw = apilo_order_raw_json(order);

        assert_non_null(order->id);
        snprintf(expected, sizeof expected, "\"id\":\"%s\"", order->id);
        assert_non_null(strstr(raw, expected));
        if (order->address_customer && order->address_customer->email) {
            snprintf(expected, sizeof expected, "\"email\":\"%s\"", order->address_customer->email);
            assert_non_null(strstr(raw, expected));
        }
        apilo_free(raw);
    }
}

/*
 * Models borrow their strings from the parsed response, and a freed response's buffers are
 * reused for the next one: pages alive together must never share them, and a page parsed into
 * reused buffers must read as its own.
 */
static void test_pages_keep_their_strings(void **state)
{
    fixture *fx = *state;
    apilo_error err = APILO_ERROR_INIT;
    apilo_order_page *first = list_page(fx, 0, 40);
    apilo_order_page *second;
    apilo_order_page *third;
    apilo_order *single = NULL;
    char *ids[40];

    for (size_t i = 0; i < first->count; i++)
        ids[i] = strdup(first->orders[i].id);

    second = list_page(fx, 40, 40);
    assert_int_equal(apilo_orders_get(fx->client, second->orders[0].id, &single, &err), APILO_OK);
    for (size_t i = 0; i < first->count; i++)
        assert_string_equal(first->orders[i].id, ids[i]);
    assert_page_matches_raw(first);
    assert_page_matches_raw(second);
    assert_string_equal(single->id, second->orders[0].id);

    apilo_order_page_free(first);
    third = list_page(fx, 80, 40);
    assert_page_matches_raw(second);
    assert_page_matches_raw(third);
    for (size_t i = 0; i < third->count; i++) {
        for (size_t j = 0; j < 40; j++)
            assert_string_not_equal(third->orders[i].id, ids[j]);
    }
    assert_string_equal(single->id, second->orders[0].id);

    for (size_t i = 0; i < 40; i++)
        free(ids[i]);
    apilo_order_free(single);
    apilo_order_page_free(second);
    apilo_order_page_free(third);
}

static void test_unknown_order(void **state)
{
    fixture *fx = *state;
    apilo_order *order = NULL;
    apilo_error err = APILO_ERROR_INIT;

    assert_int_equal(apilo_orders_get(fx->client, "ZZ999999999", &order, &err), APILO_E_NOT_FOUND);
    assert_null(order);
    assert_int_equal(err.http_status, 404);
    assert_non_null(err.message);
    assert_string_equal(err.method, "GET");
    assert_string_equal(err.path, "/rest/api/orders/ZZ999999999/");
    apilo_error_clear(&err);
}

static void test_bad_id_not_sent(void **state)
{
    fixture *fx = *state;
    static const char *const bad[] = {"AL1", "AL2311000171", "AL23110/017", "", "AL 31100017"};
    apilo_order *order = NULL;
    apilo_error err = APILO_ERROR_INIT;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(apilo_orders_get(fx->client, bad[i], &order, &err), APILO_E_INVALID);
        assert_string_equal(err.field, "id");
        apilo_error_clear(&err);
    }
    assert_int_equal(sandbox_stat(&fx->sb, "requests"), 0);
}

static void test_server_validation_error(void **state)
{
    fixture *fx = *state;
    apl_response response = APL_RESPONSE_INIT;
    apilo_error err = APILO_ERROR_INIT;

    assert_int_equal(
        apl_request(fx->client, "GET", "/rest/api/orders/?limit=0", NULL, 0, &response, &err),
        APILO_E_API);
    assert_int_equal(err.http_status, 422);
    assert_non_null(err.field);
    assert_string_equal(err.field, "limit");
    apl_response_free(&response);
    apilo_error_clear(&err);
}

static void test_maps(void **state)
{
    fixture *fx = *state;
    apilo_map *map = NULL;
    apilo_error err = APILO_ERROR_INIT;

    for (int kind = APILO_MAP_ORDER_STATUS; kind <= APILO_MAP_SHIPMENT_STATUS; kind++) {
        assert_int_equal(apilo_orders_map_get(fx->client, (apilo_order_map_kind)kind, &map, &err),
                         APILO_OK);
        assert_true(map->count > 0);
        assert_true(map->entries[0].id.set);
        assert_non_null(apilo_map_name(map, map->entries[0].id.value));
        apilo_map_free(map);
        map = NULL;
    }
    assert_int_equal(apilo_orders_map_get(fx->client, (apilo_order_map_kind)99, &map, &err),
                     APILO_E_INVALID);
    apilo_error_clear(&err);
}

static void test_zero_values_are_sent(void **state)
{
    fixture *fx = *state;
    apilo_orders_query query = {0};
    apilo_order_page *page = NULL;
    json_t *log;
    const char *sent;

    query.is_order_document = APILO_OPT_INT(0);
    query.payment_status = APILO_OPT_INT(0);
    query.offset = APILO_OPT_INT(0);
    query.limit = APILO_OPT_INT(5);
    assert_int_equal(apilo_orders_list(fx->client, &query, &page, NULL), APILO_OK);
    for (size_t i = 0; i < page->count; i++) {
        assert_true(page->orders[i].payment_status.set);
        assert_int_equal(page->orders[i].payment_status.value, 0);
    }

    log = sandbox_requests(&fx->sb);
    sent = json_string_value(json_object_get(json_array_get(log, 0), "query"));
    assert_non_null(sent);
    assert_non_null(strstr(sent, "isOrderDocument=0"));
    assert_non_null(strstr(sent, "paymentStatus=0"));
    assert_non_null(strstr(sent, "offset=0"));
    json_decref(log);
    apilo_order_page_free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_iterator_with_filter, before_each),
        cmocka_unit_test_setup(test_short_pages, before_each),
        cmocka_unit_test_setup(test_totals_disagree, before_each),
        cmocka_unit_test_setup(test_total_too_small, before_each),
        cmocka_unit_test_setup(test_max_items_and_resume, before_each),
        cmocka_unit_test_setup(test_limit_clamped, before_each),
        cmocka_unit_test_setup(test_get_one_order, before_each),
        cmocka_unit_test_setup(test_pages_keep_their_strings, before_each),
        cmocka_unit_test_setup(test_unknown_order, before_each),
        cmocka_unit_test_setup(test_bad_id_not_sent, before_each),
        cmocka_unit_test_setup(test_server_validation_error, before_each),
        cmocka_unit_test_setup(test_maps, before_each),
        cmocka_unit_test_setup(test_zero_values_are_sent, before_each),
    };

    return RUN_NET_TESTS(tests, group_setup, group_teardown);
}
