/*
 * Decoding models from the official samples (tests/fixtures) and from bodies that bend the
 * schema: counters as strings (C10), 0/false present (C8), bad dates named (C9), raw JSON kept.
 * Expected values come from the fixtures themselves, read with jansson directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "internal.h"
#include "support.h"

static int64_t instant(int year, int month, int day, int hour, int minute, int second,
                       int offset_minutes)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return (int64_t)timegm(&tm) - (int64_t)offset_minutes * 60;
}

static char *fixture(const char *name, size_t *len)
{
    char *body = apl_test_read_fixture(name, len);

    if (!body)
        fail_msg("cannot read fixture %s", name);
    return body;
}

static json_t *fixture_json(const char *name)
{
    size_t len;
    char *body = fixture(name, &len);
    json_t *root = json_loadb(body, len, 0, NULL);

    free(body);
    assert_non_null(root);
    return root;
}

/* Decode a whole page body and expect one failure naming `field`. */
static void expect_page_failure(const char *body, apilo_status expected, const char *field)
{
    apilo_error err = APILO_ERROR_INIT;
    apilo_order_page *page = (apilo_order_page *)&err;

    assert_int_equal(apilo_order_page_decode(&page, body, strlen(body), &err), expected);
    assert_null(page);
    assert_int_equal(err.status, expected);
    assert_non_null(err.message);
    if (field) {
        assert_non_null(err.field);
        assert_string_equal(err.field, field);
        assert_non_null(strstr(err.message, field));
    }
    apilo_error_clear(&err);
}

/* ---- orders ----------------------------------------------------------------------------- */

static void check_fixture_item_lines(const apilo_order *order)
{
    const apilo_order_item *phone = &order->items[0];
    const apilo_order_item *shipping = &order->items[1];

    assert_int_equal(order->items_count, 2);
    assert_true(phone->id.set);
    assert_int_equal(phone->id.value, 1);
    assert_string_equal(phone->id_external, "359");
    assert_string_equal(phone->ean, "400638133393");
    assert_string_equal(phone->sku, "P44/3-T1.2");
    assert_string_equal(phone->original_name, "Samsung Galaxy S20 Plus Black 128GB 5G");
    assert_string_equal(phone->original_code, "PHONE-S20-128GB-B");
    assert_string_equal(phone->original_price_with_tax, "2799.99");
    assert_string_equal(phone->original_price_without_tax, "2799.99");
    assert_null(phone->media);
    assert_int_equal(phone->quantity.value, 2);
    assert_string_equal(phone->tax, "23.00");
    assert_false(phone->product_set.set);
    assert_int_equal(phone->status.value, 1);
    assert_string_equal(phone->unit, "Szt.");
    assert_int_equal(phone->type.value, 1);
    assert_true(phone->product_id.set);
    assert_int_equal(phone->product_id.value, 12345);

    assert_null(shipping->id_external);
    assert_null(shipping->ean);
    assert_null(shipping->original_code);
    assert_null(shipping->tax);
    assert_null(shipping->unit);
    assert_string_equal(shipping->original_name, "Wysyłka - Poczta Polska - Pocztex");
    assert_string_equal(shipping->original_price_with_tax, "10.00");
    assert_int_equal(shipping->type.value, 2);
    assert_false(shipping->product_id.set);
}

static void check_fixture_order_head(const apilo_order *order)
{
    assert_string_equal(order->id, "AL231100017");
    assert_int_equal(order->status.value, 3);
    assert_string_equal(order->id_external, "WWW/341/2023");
    assert_true(order->is_invoice.set);
    assert_true(order->is_invoice.value);
    assert_int_equal(order->payment_status.value, 2);
    assert_int_equal(order->payment_type.value, 2);
    assert_string_equal(order->original_currency, "PLN");
    /* C8: false is a value, not an absence. */
    assert_true(order->is_encrypted.set);
    assert_false(order->is_encrypted.value);
    assert_true(order->is_canceled_by_buyer.set);
    assert_false(order->is_canceled_by_buyer.value);
    assert_true(order->created_at.set);
    assert_int_equal(order->created_at.value.unix_seconds, instant(2022, 6, 9, 10, 59, 12, 0));
    assert_int_equal(order->updated_at.value.unix_seconds, instant(2022, 6, 9, 10, 59, 12, 0));
    assert_int_equal(order->platform_id.value, 1);
    assert_int_equal(order->carrier_id.value, 1);
    assert_int_equal(order->platform_account_id.value, 1);
}

static void test_orders_list_fixture(void **state)
{
    apilo_error err = APILO_ERROR_INIT;
    apilo_order_page *page = NULL;
    const apilo_order *order;
    size_t len;
    char *body = fixture("orders_list.200.json", &len);

    (void)state;
    assert_int_equal(apilo_order_page_decode(&page, body, len, &err), APILO_OK);
    assert_non_null(page);
    assert_int_equal(page->count, 1);
    assert_int_equal(page->total_count.value, 7398);
    assert_true(page->current_offset.set);
    assert_int_equal(page->current_offset.value, 0);
    assert_int_equal(page->page_result_count.value, 64);

    order = &page->orders[0];
    check_fixture_order_head(order);
    check_fixture_item_lines(order);
    assert_non_null(order->address_customer);
    assert_int_equal(order->address_customer->id.value, 123);
    assert_string_equal(order->address_customer->name, "Jan Kowalski");
    assert_string_equal(order->address_customer->city, "Kraków");
    assert_string_equal(order->address_customer->address_class, "company");
    assert_null(order->address_customer->parcel_id_external);
    assert_null(order->address_delivery);
    assert_null(order->address_invoice);
    assert_int_equal(order->payments_count, 0);
    assert_null(order->payments);
    assert_int_equal(order->notes_count, 0);
    assert_null(order->original_amount_total_with_tax);
    assert_false(order->ordered_at.set);
    assert_false(order->carrier_account.set);

    apilo_order_page_free(page);
    free(body);
}

static void test_orders_get_fixture(void **state)
{
    apilo_error err = APILO_ERROR_INIT;
    apilo_order *order = NULL;
    size_t len;
    char *body = fixture("orders_get.200.json", &len);

    (void)state;
    assert_int_equal(apilo_order_decode(&order, body, len, &err), APILO_OK);
    check_fixture_order_head(order);
    check_fixture_item_lines(order);

    /* Amounts arrive as JSON numbers and come out as their exact decimal text. */
    assert_string_equal(order->original_amount_total_without_tax, "1024.37");
    assert_string_equal(order->original_amount_total_with_tax, "1259.98");
    assert_string_equal(order->original_amount_total_paid, "1259.98");
    assert_string_equal(order->customer_login, "user123");
    assert_int_equal(order->send_date_min.value.unix_seconds, instant(2022, 3, 7, 0, 0, 0, 0));
    assert_int_equal(order->send_date_max.value.unix_seconds, instant(2022, 3, 8, 20, 0, 0, 0));
    assert_int_equal(order->ordered_at.value.unix_seconds, instant(2022, 6, 9, 10, 59, 12, 60));
    assert_int_equal(order->ordered_at.value.offset_minutes, 60);
    assert_int_equal(order->carrier_account.value, 1);

    assert_int_equal(order->payments_count, 1);
    assert_string_equal(order->payments[0].id_external, "PAY-123456");
    assert_string_equal(order->payments[0].amount, "1259.98");
    assert_string_equal(order->payments[0].payment_date_text, "2022-03-08T20:00:00Z");
    assert_int_equal(order->payments[0].payment_date.value.unix_seconds,
                     instant(2022, 3, 8, 20, 0, 0, 0));
    assert_int_equal(order->payments[0].type.value, 1);
    assert_string_equal(order->payments[0].comment, "Komentarz do wpłaty");
    assert_false(order->payments[0].id.set);
    assert_null(order->payments[0].currency);

    assert_int_equal(order->notes_count, 1);
    assert_int_equal(order->notes[0].id.value, 221);
    assert_int_equal(order->notes[0].type.value, 2);
    assert_string_equal(order->notes[0].created_at_text, "2024-01-23T09:29:30+0100");
    assert_int_equal(order->notes[0].created_at.value.unix_seconds,
                     instant(2024, 1, 23, 9, 29, 30, 60));
    assert_string_equal(order->notes[0].comment, "I'll ask for delivery next week at the earliest");

    assert_non_null(order->address_customer);
    assert_non_null(order->address_delivery);
    assert_non_null(order->address_invoice);
    assert_string_equal(order->address_invoice->parcel_id_external, "KRA32B");
    assert_string_equal(order->address_invoice->parcel_name,
                        "Paczkomat, ul. Testowa 12 (obok sklepu)");
    assert_string_equal(order->address_invoice->company_tax_number, "937-271-51-54");
    assert_string_equal(order->address_invoice->company_name, "Apilo Sp. z o.o.");
    assert_string_equal(order->address_delivery->zip_code, "31-154");
    assert_string_equal(order->address_delivery->phone, "+48 500 000 000");
    assert_string_equal(order->address_delivery->street_number, "4b/12");

    apilo_order_free(order);
    free(body);
}

static void test_raw_json_keeps_unknown_fields(void **state)
{
    static const char body[] =
        "{\"id\":\"AL231100017\",\"futureField\":{\"a\":[1,2]},\"status\":\"4\"}";
    apilo_order *order = NULL;
    json_t *raw;
    char *text;

    (void)state;
    assert_int_equal(apilo_order_decode(&order, body, strlen(body), NULL), APILO_OK);
    assert_int_equal(order->status.value, 4);
    text = apilo_order_raw_json(order);
    assert_non_null(text);

    raw = json_loads(text, 0, NULL);
    assert_non_null(raw);
    assert_int_equal(json_integer_value(json_array_get(
                         json_object_get(json_object_get(raw, "futureField"), "a"), 1)),
                     2);
    assert_string_equal(json_string_value(json_object_get(raw, "id")), "AL231100017");
    json_decref(raw);
    apilo_free(text);
    apilo_order_free(order);

    assert_null(apilo_order_raw_json(NULL));
}

static void test_amounts_as_numbers_or_strings(void **state)
{
    static const struct {
        const char *json_value;
        const char *expected;
    } cases[] = {
        {"1259.98", "1259.98"},
        {"\"1259.98\"", "1259.98"},
        {"100", "100"},
        {"1e2", "100"},
        {"0.1", "0.1"},
        {"\"12.50\"", "12.50"},
        {"-3.75", "-3.75"},
        {"99999999.99", "99999999.99"},
        {"0.30000000000000004", "0.30000000000000004"},
        {"9007199254740993", "9007199254740993"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[128];
        apilo_order *order = NULL;

        snprintf(body, sizeof body, "{\"originalAmountTotalPaid\":%s}", cases[i].json_value);
        assert_int_equal(apilo_order_decode(&order, body, strlen(body), NULL), APILO_OK);
        assert_string_equal(order->original_amount_total_paid, cases[i].expected);
        apilo_order_free(order);
    }
}

static void test_zero_and_false_are_present(void **state)
{
    static const char body[] =
        "{\"paymentStatus\":0,\"isInvoice\":false,\"isEncrypted\":\"0\",\"status\":\"0\","
        "\"isCanceledByBuyer\":1,\"carrierId\":null}";
    apilo_order *order = NULL;

    (void)state;
    assert_int_equal(apilo_order_decode(&order, body, strlen(body), NULL), APILO_OK);
    assert_true(order->payment_status.set);
    assert_int_equal(order->payment_status.value, 0);
    assert_true(order->is_invoice.set);
    assert_false(order->is_invoice.value);
    assert_true(order->is_encrypted.set);
    assert_false(order->is_encrypted.value);
    assert_true(order->status.set);
    assert_int_equal(order->status.value, 0);
    assert_true(order->is_canceled_by_buyer.value);
    assert_false(order->carrier_id.set);
    assert_false(order->platform_id.set);
    apilo_order_free(order);
}

/* ---- C10: envelope counters ------------------------------------------------------------- */

static void test_c10_counters_as_strings(void **state)
{
    static const char body[] = "{\"orders\":[],\"totalCount\":\"1500\",\"currentOffset\":\"0\","
                               "\"pageResultCount\":512}";
    apilo_order_page *page = NULL;

    (void)state;
    assert_int_equal(apilo_order_page_decode(&page, body, strlen(body), NULL), APILO_OK);
    assert_int_equal(page->total_count.value, 1500);
    assert_true(page->current_offset.set);
    assert_int_equal(page->current_offset.value, 0);
    assert_int_equal(page->page_result_count.value, 512);
    assert_int_equal(page->count, 0);
    apilo_order_page_free(page);
}

static void test_c10_garbage_counters_are_named(void **state)
{
    static const char *const bad_values[] = {
        "\"abc\"",
        "\"\"",
        "\"12abc\"",
        "\"1.5\"",
        "\"+7\"",
        "\" 7\"",
        "true",
        "1.5",
        "[1]",
        "{}",
        "\"9223372036854775808\"",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        char body[128];

        snprintf(body, sizeof body, "{\"orders\":[],\"totalCount\":%s}", bad_values[i]);
        expect_page_failure(body, APILO_E_DECODE, "totalCount");
    }
    expect_page_failure("{\"orders\":[],\"pageResultCount\":\"x\"}", APILO_E_DECODE,
                        "pageResultCount");
}

static void test_page_shape_is_checked(void **state)
{
    (void)state;
    expect_page_failure("{\"totalCount\":1}", APILO_E_DECODE, "orders");
    expect_page_failure("{\"orders\":{}}", APILO_E_DECODE, "orders");
    expect_page_failure("{\"orders\":null}", APILO_E_DECODE, "orders");
    expect_page_failure("[]", APILO_E_DECODE, NULL);
    expect_page_failure("{\"orders\":[1]}", APILO_E_DECODE, "orders[0]");
    expect_page_failure("{\"orders\":[{\"id\":\"A\"},{\"createdAt\":\"yesterday\"}]}",
                        APILO_E_DECODE, "orders[1].createdAt");
    expect_page_failure("{\"orders\":[{\"orderItems\":[{},{\"quantity\":\"x\"}]}]}", APILO_E_DECODE,
                        "orders[0].orderItems[1].quantity");
    expect_page_failure("{\"orders\":[{\"addressCustomer\":{\"id\":\"x\"}}]}", APILO_E_DECODE,
                        "orders[0].addressCustomer.id");
    expect_page_failure("{\"orders\":[{\"addressDelivery\":[]}]}", APILO_E_DECODE,
                        "orders[0].addressDelivery");
    expect_page_failure("{\"orders\":[{\"orderPayments\":{}}]}", APILO_E_DECODE,
                        "orders[0].orderPayments");
    expect_page_failure("{\"orders\":[{\"isInvoice\":\"yes\"}]}", APILO_E_DECODE,
                        "orders[0].isInvoice");
    expect_page_failure("{\"orders\":[{\"id\":{}}]}", APILO_E_DECODE, "orders[0].id");
}

static void test_c9_bad_dates_are_decode_errors(void **state)
{
    static const char *const bodies[] = {
        "{\"createdAt\":\"2022-13-09T10:59:12Z\"}",
        "{\"createdAt\":\"\"}",
        "{\"createdAt\":0}",
        "{\"orderNotes\":[{\"createdAt\":\"2024-01-23 nonsense\"}]}",
        "{\"orderPayments\":[{\"paymentDate\":\"2022-02-30T00:00:00Z\"}]}",
    };
    static const char *const fields[] = {
        "createdAt",
        "createdAt",
        "createdAt",
        "orderNotes[0].createdAt",
        "orderPayments[0].paymentDate",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        apilo_error err = APILO_ERROR_INIT;
        apilo_order *order = (apilo_order *)&err;

        assert_int_equal(apilo_order_decode(&order, bodies[i], strlen(bodies[i]), &err),
                         APILO_E_DECODE);
        assert_null(order);
        assert_string_equal(err.field, fields[i]);
        apilo_error_clear(&err);
    }
}

static void test_malformed_json_is_a_decode_error(void **state)
{
    static const char *const bodies[] = {"", "{", "{\"id\":}", "nul", "{\"a\":1}x", "\xff"};

    (void)state;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        apilo_error err = APILO_ERROR_INIT;
        apilo_order *order = NULL;
        apilo_map *map = NULL;

        assert_int_equal(apilo_order_decode(&order, bodies[i], strlen(bodies[i]), &err),
                         APILO_E_DECODE);
        assert_null(order);
        assert_non_null(err.message);
        assert_non_null(strstr(err.message, "not valid JSON"));
        apilo_error_clear(&err);

        assert_int_equal(apilo_map_decode(&map, bodies[i], strlen(bodies[i]), &err),
                         APILO_E_DECODE);
        assert_null(map);
        apilo_error_clear(&err);
    }
    assert_int_equal(apilo_order_decode(NULL, "{}", 2, NULL), APILO_E_INVALID);
    assert_int_equal(apilo_order_decode(&(apilo_order *){NULL}, "[]", 2, NULL), APILO_E_DECODE);
}

/* ---- maps ------------------------------------------------------------------------------- */

static int64_t json_id(const json_t *value)
{
    if (json_is_string(value))
        return strtoll(json_string_value(value), NULL, 10);
    return json_integer_value(value);
}

static void test_every_map_fixture(void **state)
{
    static const char *const names[] = {
        "orders_carrier_account_map.200.json", "orders_carrier_map.200.json",
        "orders_documents_map.200.json",       "orders_payment_map.200.json",
        "orders_platform_map.200.json",        "orders_shipment_status_map.200.json",
        "orders_status_map.200.json",          "orders_tag_map.200.json",
    };

    (void)state;
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        apilo_error err = APILO_ERROR_INIT;
        apilo_map *map = NULL;
        json_t *expected = fixture_json(names[f]);
        size_t len;
        char *body = fixture(names[f], &len);

        if (apilo_map_decode(&map, body, len, &err) != APILO_OK)
            fail_msg("%s: %s", names[f], err.message ? err.message : "?");
        assert_int_equal(map->count, json_array_size(expected));
        assert_true(map->count > 0);
        for (size_t i = 0; i < map->count; i++) {
            const json_t *entry = json_array_get(expected, i);
            const apilo_map_entry *decoded = &map->entries[i];

            assert_true(decoded->id.set);
            assert_int_equal(decoded->id.value, json_id(json_object_get(entry, "id")));
            assert_string_equal(decoded->key, json_string_value(json_object_get(entry, "key")));
            assert_string_equal(decoded->name, json_string_value(json_object_get(entry, "name")));
            assert_string_equal(decoded->description,
                                json_string_value(json_object_get(entry, "description")));
            assert_ptr_equal(apilo_map_name(map, decoded->id.value), decoded->name);
        }
        apilo_map_free(map);
        json_decref(expected);
        free(body);
    }
}

static void test_shipment_status_map_string_ids(void **state)
{
    apilo_map *map = NULL;
    size_t len;
    char *body = fixture("orders_shipment_status_map.200.json", &len);

    (void)state;
    assert_int_equal(apilo_map_decode(&map, body, len, NULL), APILO_OK);
    assert_int_equal(map->count, 1);
    assert_int_equal(map->entries[0].id.value, 3);
    assert_string_equal(apilo_map_name(map, 3), "Inpost (Kurier, Paczkomaty, Allegro)");
    assert_null(apilo_map_name(map, 4));
    assert_null(apilo_map_name(NULL, 3));
    apilo_map_free(map);
    free(body);
}

static void test_map_shape_is_checked(void **state)
{
    static const struct {
        const char *body;
        const char *field;
    } cases[] = {
        {"{\"list\":[{\"id\":1}]}", NULL},
        {"{}", NULL},
        {"[{\"id\":1},2]", "[1]"},
        {"[{\"id\":\"seven\"}]", "[0].id"},
        {"[{\"id\":1,\"name\":[]}]", "[0].name"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        apilo_error err = APILO_ERROR_INIT;
        apilo_map *map = NULL;

        assert_int_equal(apilo_map_decode(&map, cases[i].body, strlen(cases[i].body), &err),
                         APILO_E_DECODE);
        assert_null(map);
        if (cases[i].field)
            assert_string_equal(err.field, cases[i].field);
        apilo_error_clear(&err);
    }

    /* An empty map is a map. */
    {
        apilo_map *map = NULL;
        assert_int_equal(apilo_map_decode(&map, "[]", 2, NULL), APILO_OK);
        assert_int_equal(map->count, 0);
        apilo_map_free(map);
    }
}

/* ---- whoami and tokens ------------------------------------------------------------------ */

static void test_whoami_fixture(void **state)
{
    apilo_whoami *whoami = NULL;
    apl_json *root = NULL;
    size_t len;
    char *body = fixture("connection_whoami.200.json", &len);

    (void)state;
    assert_int_equal(apl_parse_text(&root, body, len, NULL), APILO_OK);
    assert_int_equal(apl_decode_whoami(&whoami, root, NULL), APILO_OK);
    assert_int_equal(whoami->count, 1);
    assert_int_equal(whoami->entries[0].client_id.value, 1);
    assert_string_equal(whoami->entries[0].name, "Api Key Name");
    assert_string_equal(whoami->entries[0].valid_to_text, "2024-07-10T10:04:31+0200");
    assert_true(whoami->entries[0].valid_to.set);
    assert_int_equal(whoami->entries[0].valid_to.value.unix_seconds,
                     instant(2024, 7, 10, 10, 4, 31, 120));
    apilo_whoami_free(whoami);
    apl_json_decref(root);
    free(body);
}

static void test_whoami_lenient_valid_to_and_shape(void **state)
{
    static const char lenient[] = "{\"content\":[{\"clientId\":\"2\",\"validTo\":\"never\"}]}";
    apilo_error err = APILO_ERROR_INIT;
    apilo_whoami *whoami = NULL;
    apl_json *root = NULL;

    (void)state;
    assert_int_equal(apl_parse_text(&root, lenient, strlen(lenient), NULL), APILO_OK);
    assert_int_equal(apl_decode_whoami(&whoami, root, NULL), APILO_OK);
    assert_int_equal(whoami->entries[0].client_id.value, 2);
    assert_string_equal(whoami->entries[0].valid_to_text, "never");
    assert_false(whoami->entries[0].valid_to.set);
    assert_null(whoami->entries[0].name);
    apilo_whoami_free(whoami);
    apl_json_decref(root);

    assert_int_equal(apl_parse_text(&root, "{\"content\":\"x\"}", 15, NULL), APILO_OK);
    assert_int_equal(apl_decode_whoami(&whoami, root, &err), APILO_E_DECODE);
    assert_null(whoami);
    assert_string_equal(err.field, "content");
    apilo_error_clear(&err);
    apl_json_decref(root);
}

static void test_token_fixture(void **state)
{
    apilo_token_set tokens = {NULL, 0, NULL, 0};
    json_t *expected = fixture_json("auth_token.201.json");
    apl_json *root = NULL;
    size_t len;
    char *body = fixture("auth_token.201.json", &len);

    (void)state;
    assert_int_equal(apl_parse_text(&root, body, len, NULL), APILO_OK);
    assert_int_equal(apl_decode_token_response(&tokens, root, NULL), APILO_OK);
    assert_string_equal(tokens.access_token,
                        json_string_value(json_object_get(expected, "accessToken")));
    assert_string_equal(tokens.refresh_token,
                        json_string_value(json_object_get(expected, "refreshToken")));
    assert_int_equal(tokens.access_expires_at, instant(2021, 1, 4, 14, 40, 19, 0));
    assert_int_equal(tokens.refresh_expires_at, instant(2021, 3, 16, 13, 26, 59, 0));

    apl_free_secret(tokens.access_token);
    apl_free_secret(tokens.refresh_token);
    apl_json_decref(root);
    json_decref(expected);
    free(body);
}

static void test_token_response_needs_every_member(void **state)
{
    static const char *const members[] = {"accessToken", "accessTokenExpireAt", "refreshToken",
                                          "refreshTokenExpireAt"};

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        for (int variant = 0; variant < 3; variant++) {
            apilo_token_set tokens = {NULL, 0, NULL, 0};
            apilo_error err = APILO_ERROR_INIT;
            json_t *body = fixture_json("auth_token.201.json");
            const char *secret = json_string_value(json_object_get(body, "accessToken"));
            char *secret_copy = strdup(secret);
            char *text;
            apl_json *root = NULL;

            if (variant == 0)
                json_object_del(body, members[i]);
            else if (variant == 1)
                json_object_set_new(body, members[i], json_string("2021-02-30T00:00:00Z x"));
            else
                json_object_set_new(body, members[i], json_array());
            text = json_dumps(body, JSON_COMPACT);

            assert_int_equal(apl_parse_text(&root, text, strlen(text), NULL), APILO_OK);
            if (variant == 1 && (i == 0 || i == 2)) {
                /* Any non-empty string is a token; only expiries have a format. */
                assert_int_equal(apl_decode_token_response(&tokens, root, &err), APILO_OK);
                apl_free_secret(tokens.access_token);
                apl_free_secret(tokens.refresh_token);
            } else {
                assert_int_equal(apl_decode_token_response(&tokens, root, &err), APILO_E_DECODE);
                assert_string_equal(err.field, members[i]);
                assert_null(strstr(err.message, secret_copy));
                assert_null(tokens.access_token);
                assert_null(tokens.refresh_token);
                assert_int_equal(tokens.access_expires_at, 0);
            }
            apilo_error_clear(&err);
            apl_json_decref(root);
            free(text);
            free(secret_copy);
            json_decref(body);
        }
    }
}

/* ---- lenient readers -------------------------------------------------------------------- */

static void test_int_and_bool_readers(void **state)
{
    static const char body[] =
        "{\"n\":42,\"s\":\"-17\",\"r\":3.0,\"half\":3.5,\"big\":9223372036854775807,"
        "\"plus\":\"+1\",\"empty\":\"\",\"nul\":null,\"t\":true,\"one\":1,\"two\":2,"
        "\"strue\":\"true\",\"sfalse\":\"false\",\"s1\":\"1\",\"yes\":\"yes\"}";
    apl_json *root = apl_json_parse(body, strlen(body), 0, NULL, 0);
    apilo_opt_int number = {0, 0};
    apilo_opt_bool flag = {0, 0};

    (void)state;
    assert_non_null(root);
    assert_int_equal(apl_json_read_int(root, "n", &number), APL_JSON_OK);
    assert_int_equal(number.value, 42);
    assert_int_equal(apl_json_read_int(root, "s", &number), APL_JSON_OK);
    assert_int_equal(number.value, -17);
    assert_int_equal(apl_json_read_int(root, "r", &number), APL_JSON_OK);
    assert_int_equal(number.value, 3);
    assert_int_equal(apl_json_read_int(root, "big", &number), APL_JSON_OK);
    assert_true(number.value == INT64_MAX);
    assert_int_equal(apl_json_read_int(root, "half", &number), APL_JSON_BAD_TYPE);
    assert_int_equal(apl_json_read_int(root, "plus", &number), APL_JSON_BAD_TYPE);
    assert_int_equal(apl_json_read_int(root, "empty", &number), APL_JSON_BAD_TYPE);
    assert_int_equal(apl_json_read_int(root, "t", &number), APL_JSON_BAD_TYPE);

    number.set = 0;
    assert_int_equal(apl_json_read_int(root, "nul", &number), APL_JSON_ABSENT);
    assert_int_equal(apl_json_read_int(root, "missing", &number), APL_JSON_ABSENT);
    assert_false(number.set);

    assert_int_equal(apl_json_read_bool(root, "t", &flag), APL_JSON_OK);
    assert_true(flag.value);
    assert_int_equal(apl_json_read_bool(root, "one", &flag), APL_JSON_OK);
    assert_true(flag.value);
    assert_int_equal(apl_json_read_bool(root, "sfalse", &flag), APL_JSON_OK);
    assert_false(flag.value);
    assert_int_equal(apl_json_read_bool(root, "strue", &flag), APL_JSON_OK);
    assert_true(flag.value);
    assert_int_equal(apl_json_read_bool(root, "s1", &flag), APL_JSON_OK);
    assert_true(flag.value);
    assert_int_equal(apl_json_read_bool(root, "two", &flag), APL_JSON_BAD_TYPE);
    assert_int_equal(apl_json_read_bool(root, "yes", &flag), APL_JSON_BAD_TYPE);
    assert_int_equal(apl_json_read_bool(root, "nul", &flag), APL_JSON_ABSENT);

    /* Readers on something that is not an object see nothing. */
    assert_int_equal(apl_json_read_int(apl_json_get(root, "n"), "n", &number), APL_JSON_ABSENT);
    apl_json_decref(root);
}

static void test_building_and_dumping(void **state)
{
    apl_json *object = apl_json_object_new();
    apl_json *back;
    char *text;
    char *name = NULL;
    apilo_opt_int number = {0, 0};

    (void)state;
    assert_non_null(object);
    assert_int_equal(apl_json_set_string(object, "name", "Zażółć \"quoted\""), 0);
    assert_int_equal(apl_json_set_int(object, "big", INT64_MIN), 0);
    assert_int_equal(apl_json_set_string(object, "none", NULL), 0);
    text = apl_json_dump(object);
    assert_non_null(text);

    back = apl_json_parse(text, strlen(text), 0, NULL, 0);
    assert_non_null(back);
    assert_int_equal(apl_json_read_str(back, "name", &name), APL_JSON_OK);
    assert_string_equal(name, "Zażółć \"quoted\"");
    assert_int_equal(apl_json_read_int(back, "big", &number), APL_JSON_OK);
    assert_true(number.value == INT64_MIN);
    assert_true(apl_json_is_null(apl_json_get(back, "none")));
    assert_non_null(apl_json_get(back, "none"));

    free(name);
    apilo_free(text);
    apl_json_decref(back);
    apl_json_decref(object);
}

static void test_parse_reports_a_reason(void **state)
{
    char reason[128];
    apilo_error err = APILO_ERROR_INIT;
    apl_json *root = (apl_json *)&err;

    (void)state;
    assert_null(apl_json_parse("{\n  \"a\": tru }", 15, 0, reason, sizeof reason));
    assert_non_null(strstr(reason, "line 2"));
    assert_int_equal(apl_parse_text(&root, "[1,", 3, &err), APILO_E_DECODE);
    assert_null(root);
    assert_int_equal(err.status, APILO_E_DECODE);
    assert_non_null(strstr(err.message, "not valid JSON"));
    apilo_error_clear(&err);

    /* A bare value is valid JSON; the decoders judge its shape. */
    assert_int_equal(apl_parse_text(&root, "42", 2, NULL), APILO_OK);
    apl_json_decref(root);
}

/* ---- allocation failures ---------------------------------------------------------------- */

/*
 * Every allocation of a decode is made to fail in turn (the Nth, for N = 0, 1, ...) until a run
 * needs no more than N allocations. Each failing run must report NOMEM (or DECODE when jansson
 * itself ran out while parsing) and leave nothing allocated. Sanitizer builds bring their own
 * allocator, so the sweep runs in plain builds only.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SWEEP_AVAILABLE 0
#else
#define SWEEP_AVAILABLE 1

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

static struct {
    int active;
    long fail_at;
    long calls;
    long live;
} sweep;

static int sweep_should_fail(void)
{
    if (!sweep.active)
        return 0;
    return sweep.calls++ == sweep.fail_at;
}

void *malloc(size_t size)
{
    void *ptr = sweep_should_fail() ? NULL : __libc_malloc(size);

    if (ptr && sweep.active)
        sweep.live++;
    return ptr;
}

void *calloc(size_t count, size_t size)
{
    void *ptr = sweep_should_fail() ? NULL : __libc_calloc(count, size);

    if (ptr && sweep.active)
        sweep.live++;
    return ptr;
}

void *realloc(void *old, size_t size)
{
    void *ptr;

    if (sweep_should_fail())
        return NULL;
    ptr = __libc_realloc(old, size);
    if (sweep.active && !old && ptr)
        sweep.live++;
    return ptr;
}

void free(void *ptr)
{
    if (ptr && sweep.active)
        sweep.live--;
    __libc_free(ptr);
}
#endif

static const char nested_error_body[] =
    "{\"message\":\"Validation failed\",\"code\":1020,\"errors\":["
    "{\"field\":\"email\",\"message\":\"bad\",\"code\":\"7\"},"
    "{\"field\":\"address\",\"errors\":[{\"field\":\"zipCode\",\"message\":\"long\"}]}]}";

/* Valgrind and sanitizers replace malloc themselves; then nothing can be made to fail. */
static int sweep_is_effective(void)
{
#if SWEEP_AVAILABLE
    /* Called through a volatile pointer: an optimising compiler may otherwise drop a malloc
     * whose block is only freed, and the sweep would be skipped in release builds. */
    void *(*volatile allocate)(size_t) = malloc;
    void *volatile probe;

    sweep.fail_at = 0;
    sweep.calls = 0;
    sweep.active = 1;
    probe = allocate(16);
    sweep.active = 0;
    free(probe);
    return probe == NULL;
#else
    return 0;
#endif
}

typedef apilo_status (*sweep_target)(const char *body, size_t len, apilo_error *err);

static apilo_status sweep_order(const char *body, size_t len, apilo_error *err)
{
    apilo_order *order = NULL;
    apilo_status status = apilo_order_decode(&order, body, len, err);
    char *raw = apilo_order_raw_json(order);

    if (status == APILO_OK && !raw)
        status = APILO_E_NOMEM;
    apilo_free(raw);
    apilo_order_free(order);
    return status;
}

static apilo_status sweep_page(const char *body, size_t len, apilo_error *err)
{
    apilo_order_page *page = NULL;
    apilo_status status = apilo_order_page_decode(&page, body, len, err);

    apilo_order_page_free(page);
    return status;
}

static apilo_status sweep_map(const char *body, size_t len, apilo_error *err)
{
    apilo_map *map = NULL;
    apilo_status status = apilo_map_decode(&map, body, len, err);

    apilo_map_free(map);
    return status;
}

static apilo_status sweep_error(const char *body, size_t len, apilo_error *err)
{
    apilo_error http_err = APILO_ERROR_INIT;
    char *line;

    apl_error_from_http(&http_err, 422, body, len, "GET", "/rest/api/orders/");
    line = apilo_error_format(&http_err);
    apilo_error_clear(&http_err);
    if (!line)
        return apl_error_set(err, APILO_E_NOMEM, "format");
    apilo_free(line);
    return APILO_OK;
}

static void run_sweep_text(const char *fixture_name, const char *body, size_t len,
                           sweep_target target)
{
#if SWEEP_AVAILABLE
    long fail_at;

    for (fail_at = 0; fail_at < 100000; fail_at++) {
        apilo_error err = APILO_ERROR_INIT;
        apilo_status status;

        sweep.fail_at = fail_at;
        sweep.calls = 0;
        sweep.live = 0;
        sweep.active = 1;
        status = target(body, len, &err);
        apilo_error_clear(&err);
        sweep.active = 0;

        if (sweep.live != 0)
            fail_msg("%s: %ld allocations leaked when allocation %ld failed", fixture_name,
                     sweep.live, fail_at);
        if (sweep.calls <= fail_at) {
            assert_int_equal(status, APILO_OK);
            break;
        }
        if (status != APILO_E_NOMEM && status != APILO_E_DECODE && status != APILO_OK)
            fail_msg("%s: allocation %ld failed and gave status %d", fixture_name, fail_at,
                     (int)status);
    }
    assert_true(fail_at > 3);
#else
    (void)fixture_name;
    (void)body;
    (void)len;
    (void)target;
#endif
}

static void run_sweep(const char *fixture_name, sweep_target target)
{
    size_t len;
    char *body = fixture(fixture_name, &len);

    run_sweep_text(fixture_name, body, len, target);
    free(body);
}

/* Arena blocks are aligned for any type and never overlap, small or large. */
static void test_arena_blocks(void **state)
{
    static const size_t sizes[] = {1, 7, 16, 100, 3000, 5000, 70000, 24, 16384, 1};
    apl_arena arena = {NULL};
    unsigned char *blocks[10];

    (void)state;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < 10; i++) {
            blocks[i] = apl_arena_alloc(&arena, sizes[i]);
            assert_non_null(blocks[i]);
            assert_int_equal((uintptr_t)blocks[i] % _Alignof(max_align_t), 0);
            memset(blocks[i], (int)i + 1, sizes[i]);
        }
        for (size_t i = 0; i < 10; i++) {
            for (size_t b = 0; b < sizes[i]; b++)
                assert_int_equal(blocks[i][b], i + 1);
        }
        char *copy = apl_arena_strndup(&arena, "2799.99xyz", 7);
        assert_string_equal(copy, "2799.99");
        unsigned char *zeroed = apl_arena_calloc(&arena, 300, 8);
        for (size_t b = 0; b < 2400; b++)
            assert_int_equal(zeroed[b], 0);
        apl_arena_free(&arena);
        assert_null(arena.head);
    }
}

/* A body parsed in place gets zeroed padding and keeps its content. */
static void test_buffer_padding(void **state)
{
    apl_buf buf = APL_BUF_INIT;

    (void)state;
    assert_int_equal(apl_buf_pad(&buf, APL_JSON_PADDING), 0); /* an empty body too */
    assert_int_equal(buf.len, 0);
    assert_int_equal(apl_buf_append(&buf, "{\"a\":1}", 7), 0);
    assert_int_equal(apl_buf_pad(&buf, APL_JSON_PADDING), 0);
    assert_int_equal(buf.len, 7);
    assert_string_equal(buf.data, "{\"a\":1}");
    assert_true(buf.cap >= buf.len + 1 + APL_JSON_PADDING);
    for (size_t i = buf.len; i <= buf.len + APL_JSON_PADDING; i++)
        assert_int_equal(buf.data[i], 0);
    apl_buf_free(&buf);
}

static apl_buf body_of(const char *fixture_name)
{
    apl_buf buf = APL_BUF_INIT;
    size_t len;
    char *text = apl_test_read_fixture(fixture_name, &len);

    assert_non_null(text);
    assert_int_equal(apl_buf_append(&buf, text, len), 0);
    free(text);
    return buf;
}

/*
 * Bodies parsed in place reuse the buffers of a freed document: a page decoded into reused
 * buffers reads as its own, and a page still alive never lends its buffers to the next parse.
 */
static void test_parsed_bodies_reuse_only_freed_documents(void **state)
{
    apilo_error err = APILO_ERROR_INIT;
    apilo_order_page *pages[3] = {NULL, NULL, NULL};
    apilo_order *order = NULL;

    (void)state;
    for (int i = 0; i < 3; i++) {
        apl_buf body = body_of(i == 1 ? "orders_get.200.json" : "orders_list.200.json");
        apl_json *root = NULL;

        assert_int_equal(apl_parse_body(&root, &body, &err), APILO_OK);
        apl_buf_free(&body); /* the document needs nothing from the body */
        if (i == 1)
            assert_int_equal(apl_decode_order(&order, root, &err), APILO_OK);
        else
            assert_int_equal(apl_decode_order_page(&pages[i], root, &err), APILO_OK);
        apl_json_decref(root);
        if (i == 0) {
            /* Freed and parsed again: the next parse takes these buffers. */
            apilo_order_page_free(pages[0]);
            pages[0] = NULL;
        }
    }

    assert_string_equal(order->id, "AL231100017");
    assert_string_equal(order->address_customer->city, "Kraków");
    assert_int_equal(pages[2]->count, 1);
    assert_string_equal(pages[2]->orders[0].id, "AL231100017");
    assert_string_equal(pages[2]->orders[0].id_external, "WWW/341/2023");
    assert_string_equal(pages[2]->orders[0].original_currency, "PLN");
    assert_int_equal(pages[2]->orders[0].created_at.value.unix_seconds, 1654772352);
    apilo_order_free(order);
    apilo_order_page_free(pages[2]);
}

/* ---- secrets ------------------------------------------------------------------------------ */

#if defined(APILO_TEST_SECRETS_WIPED) && !defined(__SANITIZE_ADDRESS__)
#define SECRETS_CHECKED 1
#else
#define SECRETS_CHECKED 0
#endif

#if SECRETS_CHECKED

/* Look for `needle` in the process's brk heap, read through /proc/self/mem so freed blocks can
 * be read without touching them. The needle is kept XOR-masked, so the search does not find
 * its own copy. Returns the number of places found, or -1 when the heap cannot be read. */
static int heap_copies(const unsigned char *masked, size_t len, unsigned char mask)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    int mem = open("/proc/self/mem", O_RDONLY);
    char line[512];
    int found = -1;

    while (maps && mem >= 0 && fgets(line, sizeof line, maps)) {
        unsigned long start, end;
        unsigned char *copy;

        if (!strstr(line, "[heap]") || sscanf(line, "%lx-%lx", &start, &end) != 2)
            continue;
        copy = malloc(end - start);
        if (!copy || pread(mem, copy, end - start, (off_t)start) != (ssize_t)(end - start)) {
            free(copy);
            break;
        }
        found = 0;
        for (size_t at = 0; at + len <= end - start; at++) {
            size_t i = 0;
            while (i < len && (copy[at + i] ^ mask) == masked[i])
                i++;
            found += i == len;
        }
        explicit_bzero(copy, end - start);
        free(copy);
    }
    if (maps)
        fclose(maps);
    if (mem >= 0)
        close(mem);
    return found;
}

/* Decode a token answer the way auth.c does and release everything; how many copies of the
 * refresh token are left in the heap. */
static int token_copies_after_decode(int secret)
{
    static const unsigned char mask = 0x5a;
    unsigned char masked[40];
    char token[41];
    char *body;
    apl_json *root = NULL;
    apilo_token_set tokens = {NULL, 0, NULL, 0};
    apilo_error err = APILO_ERROR_INIT;
    int copies;

    /* A token made at run time, so it is nowhere in the program's image. */
    for (size_t i = 0; i < 40; i++) {
        token[i] = (char)('a' + (rand() % 26));
        masked[i] = (unsigned char)token[i] ^ mask;
    }
    token[40] = '\0';
    body = malloc(512);
    assert_non_null(body);
    snprintf(body, 512,
             "{\"accessToken\":\"access-%d\",\"accessTokenExpireAt\":\"2030-01-01T00:00:00+0000\","
             "\"refreshToken\":\"%s\",\"refreshTokenExpireAt\":\"2030-02-01T00:00:00+0000\"}",
             rand(), token);
    explicit_bzero(token, sizeof token);

    if (secret)
        assert_int_equal(apl_parse_secret(&root, body, strlen(body), &err), APILO_OK);
    else
        assert_int_equal(apl_parse_text(&root, body, strlen(body), &err), APILO_OK);
    explicit_bzero(body, strlen(body));
    free(body);
    assert_int_equal(apl_decode_token_response(&tokens, root, &err), APILO_OK);
    apl_json_decref(root);
    apilo_token_set_clear(&tokens);

    copies = heap_copies(masked, sizeof masked, mask);
    explicit_bzero(masked, sizeof masked);
    return copies;
}

#endif

/* Parsed as secret, a token answer leaves no copy of its tokens in freed memory. Parsed as
 * plain text, the freed document still holds them: the control that the search works. */
static void test_secrets_leave_no_copy(void **state)
{
    (void)state;
#if SECRETS_CHECKED
    int plain = token_copies_after_decode(0);

    if (plain < 0)
        skip(); /* no readable brk heap (another allocator): nothing to check */
    assert_true(plain > 0);
    assert_int_equal(token_copies_after_decode(1), 0);
#else
    skip();
#endif
}

static void test_allocation_failure_sweep(void **state)
{
    (void)state;
    if (!sweep_is_effective())
        skip();
    run_sweep("orders_get.200.json", sweep_order);
    run_sweep("orders_list.200.json", sweep_page);
    run_sweep("orders_status_map.200.json", sweep_map);
    run_sweep("error.401.json", sweep_error);
    run_sweep_text("nested error", nested_error_body, strlen(nested_error_body), sweep_error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders_list_fixture),
        cmocka_unit_test(test_orders_get_fixture),
        cmocka_unit_test(test_raw_json_keeps_unknown_fields),
        cmocka_unit_test(test_amounts_as_numbers_or_strings),
        cmocka_unit_test(test_zero_and_false_are_present),
        cmocka_unit_test(test_c10_counters_as_strings),
        cmocka_unit_test(test_c10_garbage_counters_are_named),
        cmocka_unit_test(test_page_shape_is_checked),
        cmocka_unit_test(test_c9_bad_dates_are_decode_errors),
        cmocka_unit_test(test_malformed_json_is_a_decode_error),
        cmocka_unit_test(test_every_map_fixture),
        cmocka_unit_test(test_shipment_status_map_string_ids),
        cmocka_unit_test(test_map_shape_is_checked),
        cmocka_unit_test(test_whoami_fixture),
        cmocka_unit_test(test_whoami_lenient_valid_to_and_shape),
        cmocka_unit_test(test_token_fixture),
        cmocka_unit_test(test_token_response_needs_every_member),
        cmocka_unit_test(test_int_and_bool_readers),
        cmocka_unit_test(test_building_and_dumping),
        cmocka_unit_test(test_parse_reports_a_reason),
        cmocka_unit_test(test_arena_blocks),
        cmocka_unit_test(test_buffer_padding),
        cmocka_unit_test(test_parsed_bodies_reuse_only_freed_documents),
        cmocka_unit_test(test_secrets_leave_no_copy),
        cmocka_unit_test(test_allocation_failure_sweep),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
