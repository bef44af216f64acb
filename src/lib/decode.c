/*
 * From parsed JSON to models (ENDPOINTS.md §S2, #3, #1, #19-25). Scalar members are described
 * by tables so every model reads, names and frees its fields the same way. A member of the
 * wrong type is a decode error naming its path ("orders[3].createdAt"), never a silent zero.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NO_TEXT SIZE_MAX

enum field_kind { FIELD_STR, FIELD_DECIMAL, FIELD_INT, FIELD_BOOL, FIELD_TIME };

typedef struct field_spec {
    const char *key; /* wire name */
    enum field_kind kind;
    size_t offset;      /* of the value in the model */
    size_t text_offset; /* FIELD_TIME: of the char * receiving the text as sent, or NO_TEXT */
} field_spec;

#define SPEC_COUNT(specs) (sizeof(specs) / sizeof((specs)[0]))

static const field_spec item_fields[] = {
    {"id", FIELD_INT, offsetof(apilo_order_item, id), NO_TEXT},
    {"idExternal", FIELD_STR, offsetof(apilo_order_item, id_external), NO_TEXT},
    {"ean", FIELD_STR, offsetof(apilo_order_item, ean), NO_TEXT},
    {"sku", FIELD_STR, offsetof(apilo_order_item, sku), NO_TEXT},
    {"originalName", FIELD_STR, offsetof(apilo_order_item, original_name), NO_TEXT},
    {"originalCode", FIELD_STR, offsetof(apilo_order_item, original_code), NO_TEXT},
    {"originalPriceWithTax", FIELD_DECIMAL, offsetof(apilo_order_item, original_price_with_tax),
     NO_TEXT},
    {"originalPriceWithoutTax", FIELD_DECIMAL,
     offsetof(apilo_order_item, original_price_without_tax), NO_TEXT},
    {"media", FIELD_STR, offsetof(apilo_order_item, media), NO_TEXT},
    {"quantity", FIELD_INT, offsetof(apilo_order_item, quantity), NO_TEXT},
    {"tax", FIELD_DECIMAL, offsetof(apilo_order_item, tax), NO_TEXT},
    {"productSet", FIELD_INT, offsetof(apilo_order_item, product_set), NO_TEXT},
    {"status", FIELD_INT, offsetof(apilo_order_item, status), NO_TEXT},
    {"unit", FIELD_STR, offsetof(apilo_order_item, unit), NO_TEXT},
    {"type", FIELD_INT, offsetof(apilo_order_item, type), NO_TEXT},
    {"productId", FIELD_INT, offsetof(apilo_order_item, product_id), NO_TEXT},
};

static const field_spec address_fields[] = {
    {"id", FIELD_INT, offsetof(apilo_address, id), NO_TEXT},
    {"name", FIELD_STR, offsetof(apilo_address, name), NO_TEXT},
    {"phone", FIELD_STR, offsetof(apilo_address, phone), NO_TEXT},
    {"email", FIELD_STR, offsetof(apilo_address, email), NO_TEXT},
    {"streetName", FIELD_STR, offsetof(apilo_address, street_name), NO_TEXT},
    {"streetNumber", FIELD_STR, offsetof(apilo_address, street_number), NO_TEXT},
    {"city", FIELD_STR, offsetof(apilo_address, city), NO_TEXT},
    {"zipCode", FIELD_STR, offsetof(apilo_address, zip_code), NO_TEXT},
    {"country", FIELD_STR, offsetof(apilo_address, country), NO_TEXT},
    {"department", FIELD_STR, offsetof(apilo_address, department), NO_TEXT},
    {"parcelIdExternal", FIELD_STR, offsetof(apilo_address, parcel_id_external), NO_TEXT},
    {"parcelName", FIELD_STR, offsetof(apilo_address, parcel_name), NO_TEXT},
    {"class", FIELD_STR, offsetof(apilo_address, address_class), NO_TEXT},
    {"companyTaxNumber", FIELD_STR, offsetof(apilo_address, company_tax_number), NO_TEXT},
    {"companyName", FIELD_STR, offsetof(apilo_address, company_name), NO_TEXT},
};

static const field_spec payment_fields[] = {
    {"id", FIELD_INT, offsetof(apilo_order_payment, id), NO_TEXT},
    {"idExternal", FIELD_STR, offsetof(apilo_order_payment, id_external), NO_TEXT},
    {"amount", FIELD_DECIMAL, offsetof(apilo_order_payment, amount), NO_TEXT},
    {"paymentDate", FIELD_TIME, offsetof(apilo_order_payment, payment_date),
     offsetof(apilo_order_payment, payment_date_text)},
    {"type", FIELD_INT, offsetof(apilo_order_payment, type), NO_TEXT},
    {"comment", FIELD_STR, offsetof(apilo_order_payment, comment), NO_TEXT},
    {"currency", FIELD_STR, offsetof(apilo_order_payment, currency), NO_TEXT},
};

static const field_spec note_fields[] = {
    {"id", FIELD_INT, offsetof(apilo_order_note, id), NO_TEXT},
    {"type", FIELD_INT, offsetof(apilo_order_note, type), NO_TEXT},
    {"createdAt", FIELD_TIME, offsetof(apilo_order_note, created_at),
     offsetof(apilo_order_note, created_at_text)},
    {"comment", FIELD_STR, offsetof(apilo_order_note, comment), NO_TEXT},
};

static const field_spec order_fields[] = {
    {"id", FIELD_STR, offsetof(apilo_order, id), NO_TEXT},
    {"status", FIELD_INT, offsetof(apilo_order, status), NO_TEXT},
    {"idExternal", FIELD_STR, offsetof(apilo_order, id_external), NO_TEXT},
    {"isInvoice", FIELD_BOOL, offsetof(apilo_order, is_invoice), NO_TEXT},
    {"customerLogin", FIELD_STR, offsetof(apilo_order, customer_login), NO_TEXT},
    {"paymentStatus", FIELD_INT, offsetof(apilo_order, payment_status), NO_TEXT},
    {"paymentType", FIELD_INT, offsetof(apilo_order, payment_type), NO_TEXT},
    {"originalCurrency", FIELD_STR, offsetof(apilo_order, original_currency), NO_TEXT},
    {"originalAmountTotalWithoutTax", FIELD_DECIMAL,
     offsetof(apilo_order, original_amount_total_without_tax), NO_TEXT},
    {"originalAmountTotalWithTax", FIELD_DECIMAL,
     offsetof(apilo_order, original_amount_total_with_tax), NO_TEXT},
    {"originalAmountTotalPaid", FIELD_DECIMAL, offsetof(apilo_order, original_amount_total_paid),
     NO_TEXT},
    {"sendDateMin", FIELD_TIME, offsetof(apilo_order, send_date_min), NO_TEXT},
    {"sendDateMax", FIELD_TIME, offsetof(apilo_order, send_date_max), NO_TEXT},
    {"isEncrypted", FIELD_BOOL, offsetof(apilo_order, is_encrypted), NO_TEXT},
    {"createdAt", FIELD_TIME, offsetof(apilo_order, created_at), NO_TEXT},
    {"updatedAt", FIELD_TIME, offsetof(apilo_order, updated_at), NO_TEXT},
    {"orderedAt", FIELD_TIME, offsetof(apilo_order, ordered_at), NO_TEXT},
    {"carrierAccount", FIELD_INT, offsetof(apilo_order, carrier_account), NO_TEXT},
    {"platformId", FIELD_INT, offsetof(apilo_order, platform_id), NO_TEXT},
    {"isCanceledByBuyer", FIELD_BOOL, offsetof(apilo_order, is_canceled_by_buyer), NO_TEXT},
    {"carrierId", FIELD_INT, offsetof(apilo_order, carrier_id), NO_TEXT},
    {"platformAccountId", FIELD_INT, offsetof(apilo_order, platform_account_id), NO_TEXT},
};

static const field_spec map_entry_fields[] = {
    {"id", FIELD_INT, offsetof(apilo_map_entry, id), NO_TEXT},
    {"key", FIELD_STR, offsetof(apilo_map_entry, key), NO_TEXT},
    {"name", FIELD_STR, offsetof(apilo_map_entry, name), NO_TEXT},
    {"description", FIELD_STR, offsetof(apilo_map_entry, description), NO_TEXT},
};

static const field_spec whoami_fields[] = {
    {"clientId", FIELD_INT, offsetof(apilo_whoami_entry, client_id), NO_TEXT},
    {"name", FIELD_STR, offsetof(apilo_whoami_entry, name), NO_TEXT},
    {"validTo", FIELD_STR, offsetof(apilo_whoami_entry, valid_to_text), NO_TEXT},
};

/* ---- errors ----------------------------------------------------------------------------- */

static apilo_status nomem(apilo_error *err)
{
    return apl_error_set(err, APILO_E_NOMEM, "out of memory while decoding the response");
}

/* "where.key", "key" when there is no prefix, or "where" alone when there is no key. */
static int join_path(char *path, size_t size, const char *where, const char *key)
{
    int written;

    if (where && where[0] && key)
        written = snprintf(path, size, "%s.%s", where, key);
    else
        written = snprintf(path, size, "%s", key ? key : (where ? where : ""));
    return written < 0 || (size_t)written >= size ? -1 : 0;
}

static apilo_status decode_error(apilo_error *err, const char *where, const char *key,
                                 const char *expected)
{
    char path[256];

    join_path(path, sizeof path, where, key);
    if (path[0] == '\0')
        return apl_error_set(err, APILO_E_DECODE, "the response: expected %s", expected);
    apl_error_set(err, APILO_E_DECODE, "response member %s: expected %s", path, expected);
    apl_error_set_field(err, path);
    return APILO_E_DECODE;
}

static const char *kind_expectation(enum field_kind kind)
{
    switch (kind) {
    case FIELD_STR:
        return "a string";
    case FIELD_DECIMAL:
        return "a decimal number or string";
    case FIELD_INT:
        return "an integer (number or numeric string)";
    case FIELD_BOOL:
        return "a boolean";
    case FIELD_TIME:
        return "an ISO 8601 date-time";
    }
    return "another type";
}

/* ---- table-driven fields ---------------------------------------------------------------- */

static int read_field(const apl_json *object, const field_spec *spec, char *model)
{
    void *slot = model + spec->offset;
    char **text_slot = spec->text_offset == NO_TEXT ? NULL : (char **)(model + spec->text_offset);

    switch (spec->kind) {
    case FIELD_STR:
        return apl_json_read_str(object, spec->key, (char **)slot);
    case FIELD_DECIMAL:
        return apl_json_read_decimal(object, spec->key, (char **)slot);
    case FIELD_INT:
        return apl_json_read_int(object, spec->key, (apilo_opt_int *)slot);
    case FIELD_BOOL:
        return apl_json_read_bool(object, spec->key, (apilo_opt_bool *)slot);
    case FIELD_TIME:
        return apl_json_read_time(object, spec->key, (apilo_opt_time *)slot, text_slot);
    }
    return APL_JSON_BAD_TYPE;
}

static apilo_status decode_fields(void *model, const field_spec *specs, size_t count,
                                  const apl_json *object, const char *where, apilo_error *err)
{
    for (size_t i = 0; i < count; i++) {
        int rc = read_field(object, &specs[i], model);

        if (rc == APL_JSON_NOMEM)
            return nomem(err);
        if (rc == APL_JSON_BAD_TYPE)
            return decode_error(err, where, specs[i].key, kind_expectation(specs[i].kind));
    }
    return APILO_OK;
}

static void free_fields(void *model, const field_spec *specs, size_t count)
{
    char *base = model;

    for (size_t i = 0; i < count; i++) {
        if (specs[i].kind == FIELD_STR || specs[i].kind == FIELD_DECIMAL) {
            char **slot = (char **)(base + specs[i].offset);
            free(*slot);
            *slot = NULL;
        }
        if (specs[i].text_offset != NO_TEXT) {
            char **slot = (char **)(base + specs[i].text_offset);
            free(*slot);
            *slot = NULL;
        }
    }
}

/* ---- arrays of sub-objects -------------------------------------------------------------- */

typedef apilo_status (*element_decoder)(void *element, const apl_json *object, const char *where,
                                        apilo_error *err);
typedef void (*element_clearer)(void *element);

/*
 * Decode member `key` of `parent` (an array of objects, or absent/null) into a new array of
 * `element_size` elements. On failure nothing is left allocated.
 */
static apilo_status decode_array(void **out, size_t *out_count, size_t element_size,
                                 const apl_json *parent, const char *where, const char *key,
                                 element_decoder decode, element_clearer clear, apilo_error *err)
{
    const apl_json *list = key ? apl_json_get(parent, key) : parent;
    char base[256];
    char element_where[280];
    size_t count;
    char *elements;
    apilo_status status = APILO_OK;
    size_t done = 0;

    *out = NULL;
    *out_count = 0;
    if (apl_json_is_null(list))
        return APILO_OK;
    if (!apl_json_is_array(list))
        return decode_error(err, where, key, "an array");

    count = apl_json_array_size(list);
    if (count == 0)
        return APILO_OK;
    elements = calloc(count, element_size);
    if (!elements)
        return nomem(err);

    join_path(base, sizeof base, where, key);
    for (done = 0; done < count; done++) {
        const apl_json *item = apl_json_array_at(list, done);

        snprintf(element_where, sizeof element_where, "%s[%zu]", base, done);
        if (!apl_json_is_object(item)) {
            status = decode_error(err, element_where, NULL, "an object");
            break;
        }
        status = decode(elements + done * element_size, item, element_where, err);
        if (status != APILO_OK) {
            clear(elements + done * element_size);
            break;
        }
    }

    if (status != APILO_OK) {
        for (size_t i = 0; i < done; i++)
            clear(elements + i * element_size);
        free(elements);
        return status;
    }
    *out = elements;
    *out_count = count;
    return APILO_OK;
}

/* ---- order parts ------------------------------------------------------------------------ */

static apilo_status decode_item(void *element, const apl_json *object, const char *where,
                                apilo_error *err)
{
    return decode_fields(element, item_fields, SPEC_COUNT(item_fields), object, where, err);
}

static void clear_item(void *element)
{
    free_fields(element, item_fields, SPEC_COUNT(item_fields));
}

static apilo_status decode_payment(void *element, const apl_json *object, const char *where,
                                   apilo_error *err)
{
    return decode_fields(element, payment_fields, SPEC_COUNT(payment_fields), object, where, err);
}

static void clear_payment(void *element)
{
    free_fields(element, payment_fields, SPEC_COUNT(payment_fields));
}

static apilo_status decode_note(void *element, const apl_json *object, const char *where,
                                apilo_error *err)
{
    return decode_fields(element, note_fields, SPEC_COUNT(note_fields), object, where, err);
}

static void clear_note(void *element)
{
    free_fields(element, note_fields, SPEC_COUNT(note_fields));
}

static void address_free(apilo_address *address)
{
    if (!address)
        return;
    free_fields(address, address_fields, SPEC_COUNT(address_fields));
    free(address);
}

static apilo_status decode_address(apilo_address **out, const apl_json *order, const char *where,
                                   const char *key, apilo_error *err)
{
    const apl_json *object = apl_json_get(order, key);
    char address_where[256];
    apilo_address *address;
    apilo_status status;

    *out = NULL;
    if (apl_json_is_null(object))
        return APILO_OK;
    if (!apl_json_is_object(object))
        return decode_error(err, where, key, "an object");

    address = calloc(1, sizeof *address);
    if (!address)
        return nomem(err);
    join_path(address_where, sizeof address_where, where, key);
    status = decode_fields(address, address_fields, SPEC_COUNT(address_fields), object,
                           address_where, err);
    if (status != APILO_OK) {
        address_free(address);
        return status;
    }
    *out = address;
    return APILO_OK;
}

/* ---- orders ----------------------------------------------------------------------------- */

void apl_order_clear(apilo_order *order)
{
    if (!order)
        return;

    free_fields(order, order_fields, SPEC_COUNT(order_fields));
    for (size_t i = 0; i < order->items_count; i++)
        clear_item(&order->items[i]);
    free(order->items);
    for (size_t i = 0; i < order->payments_count; i++)
        clear_payment(&order->payments[i]);
    free(order->payments);
    for (size_t i = 0; i < order->notes_count; i++)
        clear_note(&order->notes[i]);
    free(order->notes);
    address_free(order->address_customer);
    address_free(order->address_delivery);
    address_free(order->address_invoice);
    apl_json_decref(order->raw);
    memset(order, 0, sizeof *order);
}

static apilo_status decode_order_parts(apilo_order *order, const apl_json *object,
                                       const char *where, apilo_error *err)
{
    apilo_status status;
    void *elements;

    status = decode_fields(order, order_fields, SPEC_COUNT(order_fields), object, where, err);
    if (status != APILO_OK)
        return status;

    status = decode_array(&elements, &order->items_count, sizeof(apilo_order_item), object, where,
                          "orderItems", decode_item, clear_item, err);
    if (status != APILO_OK)
        return status;
    order->items = elements;

    status = decode_array(&elements, &order->payments_count, sizeof(apilo_order_payment), object,
                          where, "orderPayments", decode_payment, clear_payment, err);
    if (status != APILO_OK)
        return status;
    order->payments = elements;

    status = decode_array(&elements, &order->notes_count, sizeof(apilo_order_note), object, where,
                          "orderNotes", decode_note, clear_note, err);
    if (status != APILO_OK)
        return status;
    order->notes = elements;

    status = decode_address(&order->address_customer, object, where, "addressCustomer", err);
    if (status == APILO_OK)
        status = decode_address(&order->address_delivery, object, where, "addressDelivery", err);
    if (status == APILO_OK)
        status = decode_address(&order->address_invoice, object, where, "addressInvoice", err);
    return status;
}

apilo_status apl_decode_order(apilo_order *out, const apl_json *object, const char *where,
                              apilo_error *err)
{
    apilo_status status;

    memset(out, 0, sizeof *out);
    if (!apl_json_is_object(object))
        return decode_error(err, where, NULL, "an order object");

    status = decode_order_parts(out, object, where, err);
    if (status != APILO_OK) {
        apl_order_clear(out);
        return status;
    }
    /* Keep the whole object so fields the API adds later stay reachable (raw JSON). */
    out->raw = apl_json_incref((apl_json *)object);
    return APILO_OK;
}

static apilo_status decode_order_element(void *element, const apl_json *object, const char *where,
                                         apilo_error *err)
{
    return apl_decode_order(element, object, where, err);
}

static void clear_order_element(void *element)
{
    apl_order_clear(element);
}

static apilo_status decode_counters(apilo_order_page *page, const apl_json *root, apilo_error *err)
{
    static const field_spec counters[] = {
        {"totalCount", FIELD_INT, offsetof(apilo_order_page, total_count), NO_TEXT},
        {"currentOffset", FIELD_INT, offsetof(apilo_order_page, current_offset), NO_TEXT},
        {"pageResultCount", FIELD_INT, offsetof(apilo_order_page, page_result_count), NO_TEXT},
    };

    return decode_fields(page, counters, SPEC_COUNT(counters), root, NULL, err);
}

apilo_status apl_decode_order_page(apilo_order_page **out, const apl_json *root, apilo_error *err)
{
    apilo_order_page *page;
    apilo_status status;
    void *orders;

    *out = NULL;
    if (!apl_json_is_object(root))
        return decode_error(err, NULL, NULL, "an object with an \"orders\" array");
    if (!apl_json_is_array(apl_json_get(root, "orders")))
        return decode_error(err, NULL, "orders", "an array");

    page = calloc(1, sizeof *page);
    if (!page)
        return nomem(err);

    status = decode_counters(page, root, err);
    if (status != APILO_OK)
        goto fail;
    status = decode_array(&orders, &page->count, sizeof(apilo_order), root, NULL, "orders",
                          decode_order_element, clear_order_element, err);
    if (status != APILO_OK)
        goto fail;
    page->orders = orders;

    *out = page;
    return APILO_OK;

fail:
    apilo_order_page_free(page);
    return status;
}

/* ---- maps ------------------------------------------------------------------------------- */

static apilo_status decode_map_entry(void *element, const apl_json *object, const char *where,
                                     apilo_error *err)
{
    return decode_fields(element, map_entry_fields, SPEC_COUNT(map_entry_fields), object, where,
                         err);
}

static void clear_map_entry(void *element)
{
    free_fields(element, map_entry_fields, SPEC_COUNT(map_entry_fields));
}

apilo_status apl_decode_map(apilo_map **out, const apl_json *root, apilo_error *err)
{
    apilo_map *map;
    apilo_status status;
    void *entries;

    *out = NULL;
    /* Order maps are a bare array (ENDPOINTS.md #19-25, C10); anything else is not a map. */
    if (!apl_json_is_array(root))
        return decode_error(err, NULL, NULL, "a JSON array of map entries");

    map = calloc(1, sizeof *map);
    if (!map)
        return nomem(err);
    status = decode_array(&entries, &map->count, sizeof(apilo_map_entry), root, "", NULL,
                          decode_map_entry, clear_map_entry, err);
    if (status != APILO_OK) {
        free(map);
        return status;
    }
    map->entries = entries;
    *out = map;
    return APILO_OK;
}

/* ---- whoami ----------------------------------------------------------------------------- */

static apilo_status decode_whoami_entry(void *element, const apl_json *object, const char *where,
                                        apilo_error *err)
{
    apilo_whoami_entry *entry = element;
    apilo_status status;

    status = decode_fields(entry, whoami_fields, SPEC_COUNT(whoami_fields), object, where, err);
    if (status != APILO_OK)
        return status;

    /* validTo is typed a plain string since 2.0 (#3): keep the text, parse it when we can. */
    if (entry->valid_to_text &&
        apilo_time_parse(&entry->valid_to.value, entry->valid_to_text) == APILO_OK)
        entry->valid_to.set = 1;
    return APILO_OK;
}

static void clear_whoami_entry(void *element)
{
    free_fields(element, whoami_fields, SPEC_COUNT(whoami_fields));
}

apilo_status apl_decode_whoami(apilo_whoami **out, const apl_json *root, apilo_error *err)
{
    apilo_whoami *whoami;
    apilo_status status;
    void *entries;

    *out = NULL;
    if (!apl_json_is_object(root))
        return decode_error(err, NULL, NULL, "an object with a \"content\" array");
    if (!apl_json_is_array(apl_json_get(root, "content")))
        return decode_error(err, NULL, "content", "an array");

    whoami = calloc(1, sizeof *whoami);
    if (!whoami)
        return nomem(err);
    status = decode_array(&entries, &whoami->count, sizeof(apilo_whoami_entry), root, NULL,
                          "content", decode_whoami_entry, clear_whoami_entry, err);
    if (status != APILO_OK) {
        free(whoami);
        return status;
    }
    whoami->entries = entries;
    *out = whoami;
    return APILO_OK;
}

/* ---- tokens ----------------------------------------------------------------------------- */

/* A required token string; the value itself never reaches an error message. */
static apilo_status read_token(const apl_json *root, const char *key, char **out, apilo_error *err)
{
    const apl_json *value = apl_json_get(root, key);
    int rc;

    if (apl_json_is_null(value))
        return decode_error(err, NULL, key, "a token string (it is missing)");
    rc = apl_json_read_str(root, key, out);
    if (rc == APL_JSON_NOMEM)
        return nomem(err);
    if (rc != APL_JSON_OK || (*out)[0] == '\0')
        return decode_error(err, NULL, key, "a non-empty token string");
    return APILO_OK;
}

/* A required expiry: unparseable would mean "expired" or "never", so it is an error (C9). */
static apilo_status read_expiry(const apl_json *root, const char *key, int64_t *out,
                                apilo_error *err)
{
    apilo_opt_time when = {0, {0, 0}};
    int rc = apl_json_read_time(root, key, &when, NULL);

    if (rc == APL_JSON_NOMEM)
        return nomem(err);
    if (rc == APL_JSON_ABSENT)
        return decode_error(err, NULL, key, "an ISO 8601 date-time (it is missing)");
    if (rc != APL_JSON_OK)
        return decode_error(err, NULL, key, "an ISO 8601 date-time");
    *out = when.value.unix_seconds;
    return APILO_OK;
}

apilo_status apl_decode_token_response(apilo_token_set *out, const apl_json *root, apilo_error *err)
{
    apilo_token_set tokens = {NULL, 0, NULL, 0};
    apilo_status status;

    if (!apl_json_is_object(root))
        return decode_error(err, NULL, NULL, "a token object");

    status = read_token(root, "accessToken", &tokens.access_token, err);
    if (status == APILO_OK)
        status = read_expiry(root, "accessTokenExpireAt", &tokens.access_expires_at, err);
    if (status == APILO_OK)
        status = read_token(root, "refreshToken", &tokens.refresh_token, err);
    if (status == APILO_OK)
        status = read_expiry(root, "refreshTokenExpireAt", &tokens.refresh_expires_at, err);
    if (status != APILO_OK) {
        apl_free_secret(tokens.access_token);
        apl_free_secret(tokens.refresh_token);
        return status;
    }
    *out = tokens;
    return APILO_OK;
}

/* ---- parsing ---------------------------------------------------------------------------- */

apilo_status apl_parse_body(apl_json **out, const char *body, size_t len, apilo_error *err)
{
    char reason[200];
    apl_json *root;

    root = apl_json_parse(body, len, reason, sizeof reason);
    if (!root) {
        *out = NULL;
        return apl_error_set(err, APILO_E_DECODE, "the response is not valid JSON: %s", reason);
    }
    *out = root;
    return APILO_OK;
}

/* ---- public decoders -------------------------------------------------------------------- */

apilo_status apilo_order_decode(apilo_order **out, const char *json, size_t len, apilo_error *err)
{
    apilo_order *order = NULL;
    apl_json *root = NULL;
    apilo_status status;

    if (!out || !json)
        return apl_error_set(err, APILO_E_INVALID, "out and json must not be NULL");
    *out = NULL;

    status = apl_parse_body(&root, json, len, err);
    if (status != APILO_OK)
        return status;

    order = malloc(sizeof *order);
    if (!order) {
        status = nomem(err);
        goto out;
    }
    status = apl_decode_order(order, root, NULL, err);
    if (status != APILO_OK) {
        free(order);
        goto out;
    }
    *out = order;

out:
    apl_json_decref(root);
    return status;
}

void apilo_order_free(apilo_order *order)
{
    if (!order)
        return;
    apl_order_clear(order);
    free(order);
}

char *apilo_order_raw_json(const apilo_order *order)
{
    if (!order || !order->raw)
        return NULL;
    return apl_json_dump(order->raw);
}

apilo_status apilo_order_page_decode(apilo_order_page **out, const char *json, size_t len,
                                     apilo_error *err)
{
    apl_json *root = NULL;
    apilo_status status;

    if (!out || !json)
        return apl_error_set(err, APILO_E_INVALID, "out and json must not be NULL");
    *out = NULL;

    status = apl_parse_body(&root, json, len, err);
    if (status != APILO_OK)
        return status;
    status = apl_decode_order_page(out, root, err);
    apl_json_decref(root);
    return status;
}

void apilo_order_page_free(apilo_order_page *page)
{
    if (!page)
        return;
    for (size_t i = 0; i < page->count; i++)
        apl_order_clear(&page->orders[i]);
    free(page->orders);
    free(page);
}

apilo_status apilo_map_decode(apilo_map **out, const char *json, size_t len, apilo_error *err)
{
    apl_json *root = NULL;
    apilo_status status;

    if (!out || !json)
        return apl_error_set(err, APILO_E_INVALID, "out and json must not be NULL");
    *out = NULL;

    status = apl_parse_body(&root, json, len, err);
    if (status != APILO_OK)
        return status;
    status = apl_decode_map(out, root, err);
    apl_json_decref(root);
    return status;
}

const char *apilo_map_name(const apilo_map *map, int64_t id)
{
    if (!map)
        return NULL;
    for (size_t i = 0; i < map->count; i++) {
        if (map->entries[i].id.set && map->entries[i].id.value == id)
            return map->entries[i].name;
    }
    return NULL;
}

void apilo_map_free(apilo_map *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->count; i++)
        clear_map_entry(&map->entries[i]);
    free(map->entries);
    free(map);
}

void apilo_whoami_free(apilo_whoami *whoami)
{
    if (!whoami)
        return;
    for (size_t i = 0; i < whoami->count; i++)
        clear_whoami_entry(&whoami->entries[i]);
    free(whoami->entries);
    free(whoami);
}
