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
    size_t key_len;
    enum field_kind kind;
    size_t offset;      /* of the value in the model */
    size_t text_offset; /* FIELD_TIME: of the char * receiving the text as sent, or NO_TEXT */
} field_spec;

#define SPEC_COUNT(specs) (sizeof(specs) / sizeof((specs)[0]))
#define KEY(name) name, sizeof(name) - 1

/* The most members one walk collects (the order table); tables are checked against it. */
#define MAX_SPECS 24

static const field_spec item_fields[] = {
    {KEY("id"), FIELD_INT, offsetof(apilo_order_item, id), NO_TEXT},
    {KEY("idExternal"), FIELD_STR, offsetof(apilo_order_item, id_external), NO_TEXT},
    {KEY("ean"), FIELD_STR, offsetof(apilo_order_item, ean), NO_TEXT},
    {KEY("sku"), FIELD_STR, offsetof(apilo_order_item, sku), NO_TEXT},
    {KEY("originalName"), FIELD_STR, offsetof(apilo_order_item, original_name), NO_TEXT},
    {KEY("originalCode"), FIELD_STR, offsetof(apilo_order_item, original_code), NO_TEXT},
    {KEY("originalPriceWithTax"), FIELD_DECIMAL,
     offsetof(apilo_order_item, original_price_with_tax), NO_TEXT},
    {KEY("originalPriceWithoutTax"), FIELD_DECIMAL,
     offsetof(apilo_order_item, original_price_without_tax), NO_TEXT},
    {KEY("media"), FIELD_STR, offsetof(apilo_order_item, media), NO_TEXT},
    {KEY("quantity"), FIELD_INT, offsetof(apilo_order_item, quantity), NO_TEXT},
    {KEY("tax"), FIELD_DECIMAL, offsetof(apilo_order_item, tax), NO_TEXT},
    {KEY("productSet"), FIELD_INT, offsetof(apilo_order_item, product_set), NO_TEXT},
    {KEY("status"), FIELD_INT, offsetof(apilo_order_item, status), NO_TEXT},
    {KEY("unit"), FIELD_STR, offsetof(apilo_order_item, unit), NO_TEXT},
    {KEY("type"), FIELD_INT, offsetof(apilo_order_item, type), NO_TEXT},
    {KEY("productId"), FIELD_INT, offsetof(apilo_order_item, product_id), NO_TEXT},
};

static const field_spec address_fields[] = {
    {KEY("id"), FIELD_INT, offsetof(apilo_address, id), NO_TEXT},
    {KEY("name"), FIELD_STR, offsetof(apilo_address, name), NO_TEXT},
    {KEY("phone"), FIELD_STR, offsetof(apilo_address, phone), NO_TEXT},
    {KEY("email"), FIELD_STR, offsetof(apilo_address, email), NO_TEXT},
    {KEY("streetName"), FIELD_STR, offsetof(apilo_address, street_name), NO_TEXT},
    {KEY("streetNumber"), FIELD_STR, offsetof(apilo_address, street_number), NO_TEXT},
    {KEY("city"), FIELD_STR, offsetof(apilo_address, city), NO_TEXT},
    {KEY("zipCode"), FIELD_STR, offsetof(apilo_address, zip_code), NO_TEXT},
    {KEY("country"), FIELD_STR, offsetof(apilo_address, country), NO_TEXT},
    {KEY("department"), FIELD_STR, offsetof(apilo_address, department), NO_TEXT},
    {KEY("parcelIdExternal"), FIELD_STR, offsetof(apilo_address, parcel_id_external), NO_TEXT},
    {KEY("parcelName"), FIELD_STR, offsetof(apilo_address, parcel_name), NO_TEXT},
    {KEY("class"), FIELD_STR, offsetof(apilo_address, address_class), NO_TEXT},
    {KEY("companyTaxNumber"), FIELD_STR, offsetof(apilo_address, company_tax_number), NO_TEXT},
    {KEY("companyName"), FIELD_STR, offsetof(apilo_address, company_name), NO_TEXT},
};

static const field_spec payment_fields[] = {
    {KEY("id"), FIELD_INT, offsetof(apilo_order_payment, id), NO_TEXT},
    {KEY("idExternal"), FIELD_STR, offsetof(apilo_order_payment, id_external), NO_TEXT},
    {KEY("amount"), FIELD_DECIMAL, offsetof(apilo_order_payment, amount), NO_TEXT},
    {KEY("paymentDate"), FIELD_TIME, offsetof(apilo_order_payment, payment_date),
     offsetof(apilo_order_payment, payment_date_text)},
    {KEY("type"), FIELD_INT, offsetof(apilo_order_payment, type), NO_TEXT},
    {KEY("comment"), FIELD_STR, offsetof(apilo_order_payment, comment), NO_TEXT},
    {KEY("currency"), FIELD_STR, offsetof(apilo_order_payment, currency), NO_TEXT},
};

static const field_spec note_fields[] = {
    {KEY("id"), FIELD_INT, offsetof(apilo_order_note, id), NO_TEXT},
    {KEY("type"), FIELD_INT, offsetof(apilo_order_note, type), NO_TEXT},
    {KEY("createdAt"), FIELD_TIME, offsetof(apilo_order_note, created_at),
     offsetof(apilo_order_note, created_at_text)},
    {KEY("comment"), FIELD_STR, offsetof(apilo_order_note, comment), NO_TEXT},
};

static const field_spec order_fields[] = {
    {KEY("id"), FIELD_STR, offsetof(apilo_order, id), NO_TEXT},
    {KEY("status"), FIELD_INT, offsetof(apilo_order, status), NO_TEXT},
    {KEY("idExternal"), FIELD_STR, offsetof(apilo_order, id_external), NO_TEXT},
    {KEY("isInvoice"), FIELD_BOOL, offsetof(apilo_order, is_invoice), NO_TEXT},
    {KEY("customerLogin"), FIELD_STR, offsetof(apilo_order, customer_login), NO_TEXT},
    {KEY("paymentStatus"), FIELD_INT, offsetof(apilo_order, payment_status), NO_TEXT},
    {KEY("paymentType"), FIELD_INT, offsetof(apilo_order, payment_type), NO_TEXT},
    {KEY("originalCurrency"), FIELD_STR, offsetof(apilo_order, original_currency), NO_TEXT},
    {KEY("originalAmountTotalWithoutTax"), FIELD_DECIMAL,
     offsetof(apilo_order, original_amount_total_without_tax), NO_TEXT},
    {KEY("originalAmountTotalWithTax"), FIELD_DECIMAL,
     offsetof(apilo_order, original_amount_total_with_tax), NO_TEXT},
    {KEY("originalAmountTotalPaid"), FIELD_DECIMAL,
     offsetof(apilo_order, original_amount_total_paid), NO_TEXT},
    {KEY("sendDateMin"), FIELD_TIME, offsetof(apilo_order, send_date_min), NO_TEXT},
    {KEY("sendDateMax"), FIELD_TIME, offsetof(apilo_order, send_date_max), NO_TEXT},
    {KEY("isEncrypted"), FIELD_BOOL, offsetof(apilo_order, is_encrypted), NO_TEXT},
    {KEY("createdAt"), FIELD_TIME, offsetof(apilo_order, created_at), NO_TEXT},
    {KEY("updatedAt"), FIELD_TIME, offsetof(apilo_order, updated_at), NO_TEXT},
    {KEY("orderedAt"), FIELD_TIME, offsetof(apilo_order, ordered_at), NO_TEXT},
    {KEY("carrierAccount"), FIELD_INT, offsetof(apilo_order, carrier_account), NO_TEXT},
    {KEY("platformId"), FIELD_INT, offsetof(apilo_order, platform_id), NO_TEXT},
    {KEY("isCanceledByBuyer"), FIELD_BOOL, offsetof(apilo_order, is_canceled_by_buyer), NO_TEXT},
    {KEY("carrierId"), FIELD_INT, offsetof(apilo_order, carrier_id), NO_TEXT},
    {KEY("platformAccountId"), FIELD_INT, offsetof(apilo_order, platform_account_id), NO_TEXT},
};

static const field_spec map_entry_fields[] = {
    {KEY("id"), FIELD_INT, offsetof(apilo_map_entry, id), NO_TEXT},
    {KEY("key"), FIELD_STR, offsetof(apilo_map_entry, key), NO_TEXT},
    {KEY("name"), FIELD_STR, offsetof(apilo_map_entry, name), NO_TEXT},
    {KEY("description"), FIELD_STR, offsetof(apilo_map_entry, description), NO_TEXT},
};

static const field_spec whoami_fields[] = {
    {KEY("clientId"), FIELD_INT, offsetof(apilo_whoami_entry, client_id), NO_TEXT},
    {KEY("name"), FIELD_STR, offsetof(apilo_whoami_entry, name), NO_TEXT},
    {KEY("validTo"), FIELD_STR, offsetof(apilo_whoami_entry, valid_to_text), NO_TEXT},
};

/* The order's sub-structures, collected by the same walk as its scalar members (only the
 * keys are used: kind and offsets are placeholders). */
enum { CHILD_ITEMS, CHILD_PAYMENTS, CHILD_NOTES, CHILD_CUSTOMER, CHILD_DELIVERY, CHILD_INVOICE };

static const field_spec order_children[] = {
    {KEY("orderItems"), FIELD_STR, 0, NO_TEXT},
    {KEY("orderPayments"), FIELD_STR, 0, NO_TEXT},
    {KEY("orderNotes"), FIELD_STR, 0, NO_TEXT},
    {KEY("addressCustomer"), FIELD_STR, 0, NO_TEXT},
    {KEY("addressDelivery"), FIELD_STR, 0, NO_TEXT},
    {KEY("addressInvoice"), FIELD_STR, 0, NO_TEXT},
};

_Static_assert(SPEC_COUNT(order_fields) <= MAX_SPECS, "order_fields exceeds MAX_SPECS");
_Static_assert(SPEC_COUNT(item_fields) <= MAX_SPECS, "item_fields exceeds MAX_SPECS");
_Static_assert(SPEC_COUNT(address_fields) <= MAX_SPECS, "address_fields exceeds MAX_SPECS");
_Static_assert(SPEC_COUNT(order_children) <= MAX_SPECS, "order_children exceeds MAX_SPECS");

/* ---- paths ------------------------------------------------------------------------------ */

/*
 * Where a value sits ("orders[3].orderItems[1]"), kept as a chain of stack frames and written
 * out only when an error names it: formatting it for every element cost more than decoding.
 * A frame is a member (`key`, under `parent` or at the top), an array element (`index`, under
 * `parent`), or the root carrying the caller's prefix in `text` (neither parent nor key).
 */
typedef struct path {
    const struct path *parent;
    const char *text;
    const char *key;
    size_t index;
} path;

/* Append "sep" and "text" to the string in `out`, cutting at the end of the buffer. */
static void append_text(char *out, size_t size, const char *sep, const char *text)
{
    size_t used = strlen(out);
    int written = snprintf(out + used, size - used, "%s%s", sep, text);

    if (written < 0)
        out[used] = '\0';
}

/* "parent.key", "key" at the top, "parent[index]"; the root writes the caller's prefix. */
static void format_path(char *out, size_t size, const path *at)
{
    char index[32];

    out[0] = '\0';
    if (!at)
        return;
    if (!at->parent && !at->key) {
        append_text(out, size, "", at->text ? at->text : "");
        return;
    }
    format_path(out, size, at->parent);
    if (at->key) {
        append_text(out, size, out[0] ? "." : "", at->key);
        return;
    }
    snprintf(index, sizeof index, "[%zu]", at->index);
    append_text(out, size, "", index);
}

/* ---- errors ----------------------------------------------------------------------------- */

static apilo_status nomem(apilo_error *err)
{
    return apl_error_set(err, APILO_E_NOMEM, "out of memory while decoding the response");
}

static apilo_status decode_error(apilo_error *err, const path *at, const char *key,
                                 const char *expected)
{
    path member = {at, NULL, key, 0};
    char full[256];

    format_path(full, sizeof full, key ? &member : at);
    if (full[0] == '\0')
        return apl_error_set(err, APILO_E_DECODE, "the response: expected %s", expected);
    apl_error_set(err, APILO_E_DECODE, "response member %s: expected %s", full, expected);
    apl_error_set_field(err, full);
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

/*
 * The index of the spec named key, or `count`. The API writes members in a fixed order, so the
 * search starts after the previous hit and usually matches at once.
 */
static size_t find_spec(const field_spec *specs, size_t count, const char *key, size_t key_len,
                        size_t *hint)
{
    for (size_t n = 0; n < count; n++) {
        size_t i = *hint + n < count ? *hint + n : *hint + n - count;

        if (specs[i].key_len == key_len && memcmp(specs[i].key, key, key_len) == 0) {
            *hint = i + 1 < count ? i + 1 : 0;
            return i;
        }
    }
    return count;
}

/*
 * One walk over an object's members instead of one search per field: found[i] gets the member
 * named specs[i].key, and children_found[i] the one named children[i].key (both missing when
 * absent). The last of duplicate keys wins, as a lookup by key did.
 */
static void collect_members(apl_json_val object, const field_spec *specs, size_t count,
                            apl_json_val *found, const field_spec *children, size_t child_count,
                            apl_json_val *children_found)
{
    static const apl_json_val missing;
    apl_json_iter iter;
    const char *key;
    size_t key_len;
    apl_json_val value;
    size_t hint = 0;
    size_t child_hint = 0;

    for (size_t i = 0; i < count; i++)
        found[i] = missing;
    for (size_t i = 0; i < child_count; i++)
        children_found[i] = missing;
    if (apl_json_object_iter(object, &iter) != 0)
        return;

    while (apl_json_object_next(&iter, &key, &key_len, &value)) {
        size_t i = find_spec(specs, count, key, key_len, &hint);

        if (i < count) {
            found[i] = value;
            continue;
        }
        i = find_spec(children, child_count, key, key_len, &child_hint);
        if (i < child_count)
            children_found[i] = value;
    }
}

static int read_field(apl_json_val value, const field_spec *spec, char *model)
{
    void *slot = model + spec->offset;
    char **text_slot = spec->text_offset == NO_TEXT ? NULL : (char **)(model + spec->text_offset);

    switch (spec->kind) {
    case FIELD_STR:
        return apl_json_val_read_str(value, (char **)slot);
    case FIELD_DECIMAL:
        return apl_json_val_read_decimal(value, (char **)slot);
    case FIELD_INT:
        return apl_json_val_read_int(value, (apilo_opt_int *)slot);
    case FIELD_BOOL:
        return apl_json_val_read_bool(value, (apilo_opt_bool *)slot);
    case FIELD_TIME:
        return apl_json_val_read_time(value, (apilo_opt_time *)slot, text_slot);
    }
    return APL_JSON_BAD_TYPE;
}

/* Read collected members in table order, so the first bad field named is the same as ever. */
static apilo_status read_fields(void *model, const field_spec *specs, size_t count,
                                const apl_json_val *found, const path *at, apilo_error *err)
{
    for (size_t i = 0; i < count; i++) {
        int rc = read_field(found[i], &specs[i], model);

        if (rc == APL_JSON_NOMEM)
            return nomem(err);
        if (rc == APL_JSON_BAD_TYPE)
            return decode_error(err, at, specs[i].key, kind_expectation(specs[i].kind));
    }
    return APILO_OK;
}

static apilo_status decode_fields(void *model, const field_spec *specs, size_t count,
                                  apl_json_val object, const path *at, apilo_error *err)
{
    apl_json_val found[MAX_SPECS];

    collect_members(object, specs, count, found, NULL, 0, NULL);
    return read_fields(model, specs, count, found, at, err);
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

typedef apilo_status (*element_decoder)(void *element, apl_json_val object, const path *at,
                                        apilo_error *err);
typedef void (*element_clearer)(void *element);

/*
 * Decode `list` (an array of objects, or absent/null), member `key` of the value at `at` (NULL
 * when `list` is that value itself), into a new array of `element_size` elements. On failure
 * nothing is left allocated.
 */
static apilo_status decode_array(void **out, size_t *out_count, size_t element_size,
                                 apl_json_val list, const path *at, const char *key,
                                 element_decoder decode, element_clearer clear, apilo_error *err)
{
    path list_path = {at, NULL, key, 0};
    path element_path = {key ? &list_path : at, NULL, NULL, 0};
    apl_json_iter iter;
    apl_json_val item;
    enum apl_json_kind kind = apl_json_val_kind(list);
    size_t count;
    char *elements;
    apilo_status status = APILO_OK;
    size_t done = 0;

    *out = NULL;
    *out_count = 0;
    if (kind == APL_JSON_MISSING || kind == APL_JSON_NULL)
        return APILO_OK;
    if (kind != APL_JSON_ARRAY)
        return decode_error(err, at, key, "an array");

    count = apl_json_array_iter(list, &iter);
    if (count == 0)
        return APILO_OK;
    elements = calloc(count, element_size);
    if (!elements)
        return nomem(err);

    for (done = 0; done < count && apl_json_array_next(&iter, &item); done++) {
        element_path.index = done;
        if (apl_json_val_kind(item) != APL_JSON_OBJECT) {
            status = decode_error(err, &element_path, NULL, "an object");
            break;
        }
        status = decode(elements + done * element_size, item, &element_path, err);
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

static apilo_status decode_item(void *element, apl_json_val object, const path *at,
                                apilo_error *err)
{
    return decode_fields(element, item_fields, SPEC_COUNT(item_fields), object, at, err);
}

static void clear_item(void *element)
{
    free_fields(element, item_fields, SPEC_COUNT(item_fields));
}

static apilo_status decode_payment(void *element, apl_json_val object, const path *at,
                                   apilo_error *err)
{
    return decode_fields(element, payment_fields, SPEC_COUNT(payment_fields), object, at, err);
}

static void clear_payment(void *element)
{
    free_fields(element, payment_fields, SPEC_COUNT(payment_fields));
}

static apilo_status decode_note(void *element, apl_json_val object, const path *at,
                                apilo_error *err)
{
    return decode_fields(element, note_fields, SPEC_COUNT(note_fields), object, at, err);
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

static apilo_status decode_address(apilo_address **out, apl_json_val object, const path *at,
                                   const char *key, apilo_error *err)
{
    path address_path = {at, NULL, key, 0};
    enum apl_json_kind kind = apl_json_val_kind(object);
    apilo_address *address;
    apilo_status status;

    *out = NULL;
    if (kind == APL_JSON_MISSING || kind == APL_JSON_NULL)
        return APILO_OK;
    if (kind != APL_JSON_OBJECT)
        return decode_error(err, at, key, "an object");

    address = calloc(1, sizeof *address);
    if (!address)
        return nomem(err);
    status = decode_fields(address, address_fields, SPEC_COUNT(address_fields), object,
                           &address_path, err);
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

static apilo_status decode_order_parts(apilo_order *order, apl_json_val object, const path *at,
                                       apilo_error *err)
{
    apl_json_val found[MAX_SPECS];
    apl_json_val child[SPEC_COUNT(order_children)];
    apilo_status status;
    void *elements;

    collect_members(object, order_fields, SPEC_COUNT(order_fields), found, order_children,
                    SPEC_COUNT(order_children), child);
    status = read_fields(order, order_fields, SPEC_COUNT(order_fields), found, at, err);
    if (status != APILO_OK)
        return status;

    status = decode_array(&elements, &order->items_count, sizeof(apilo_order_item),
                          child[CHILD_ITEMS], at, "orderItems", decode_item, clear_item, err);
    if (status != APILO_OK)
        return status;
    order->items = elements;

    status = decode_array(&elements, &order->payments_count, sizeof(apilo_order_payment),
                          child[CHILD_PAYMENTS], at, "orderPayments", decode_payment, clear_payment,
                          err);
    if (status != APILO_OK)
        return status;
    order->payments = elements;

    status = decode_array(&elements, &order->notes_count, sizeof(apilo_order_note),
                          child[CHILD_NOTES], at, "orderNotes", decode_note, clear_note, err);
    if (status != APILO_OK)
        return status;
    order->notes = elements;

    status =
        decode_address(&order->address_customer, child[CHILD_CUSTOMER], at, "addressCustomer", err);
    if (status == APILO_OK)
        status = decode_address(&order->address_delivery, child[CHILD_DELIVERY], at,
                                "addressDelivery", err);
    if (status == APILO_OK)
        status = decode_address(&order->address_invoice, child[CHILD_INVOICE], at, "addressInvoice",
                                err);
    return status;
}

static apilo_status decode_order_at(apilo_order *out, apl_json_val object, const path *at,
                                    apilo_error *err)
{
    apilo_status status;

    memset(out, 0, sizeof *out);
    if (apl_json_val_kind(object) != APL_JSON_OBJECT)
        return decode_error(err, at, NULL, "an order object");

    status = decode_order_parts(out, object, at, err);
    if (status != APILO_OK) {
        apl_order_clear(out);
        return status;
    }
    /* Keep the whole object so fields the API adds later stay reachable (raw JSON). */
    out->raw = apl_json_val_ref(object);
    if (!out->raw) {
        apl_order_clear(out);
        return nomem(err);
    }
    return APILO_OK;
}

apilo_status apl_decode_order(apilo_order *out, const apl_json *object, const char *where,
                              apilo_error *err)
{
    path root = {NULL, where, NULL, 0};

    return decode_order_at(out, apl_json_view(object), &root, err);
}

static apilo_status decode_order_element(void *element, apl_json_val object, const path *at,
                                         apilo_error *err)
{
    return decode_order_at(element, object, at, err);
}

static void clear_order_element(void *element)
{
    apl_order_clear(element);
}

apilo_status apl_decode_order_page(apilo_order_page **out, const apl_json *root, apilo_error *err)
{
    static const field_spec counters[] = {
        {KEY("totalCount"), FIELD_INT, offsetof(apilo_order_page, total_count), NO_TEXT},
        {KEY("currentOffset"), FIELD_INT, offsetof(apilo_order_page, current_offset), NO_TEXT},
        {KEY("pageResultCount"), FIELD_INT, offsetof(apilo_order_page, page_result_count), NO_TEXT},
    };
    static const field_spec page_children[] = {{KEY("orders"), FIELD_STR, 0, NO_TEXT}};
    apl_json_val view = apl_json_view(root);
    apl_json_val found[SPEC_COUNT(counters)];
    apl_json_val orders_list;
    apilo_order_page *page;
    apilo_status status;
    void *orders;

    *out = NULL;
    if (apl_json_val_kind(view) != APL_JSON_OBJECT)
        return decode_error(err, NULL, NULL, "an object with an \"orders\" array");
    collect_members(view, counters, SPEC_COUNT(counters), found, page_children, 1, &orders_list);
    if (apl_json_val_kind(orders_list) != APL_JSON_ARRAY)
        return decode_error(err, NULL, "orders", "an array");

    page = calloc(1, sizeof *page);
    if (!page)
        return nomem(err);

    status = read_fields(page, counters, SPEC_COUNT(counters), found, NULL, err);
    if (status != APILO_OK)
        goto fail;
    status = decode_array(&orders, &page->count, sizeof(apilo_order), orders_list, NULL, "orders",
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

static apilo_status decode_map_entry(void *element, apl_json_val object, const path *at,
                                     apilo_error *err)
{
    return decode_fields(element, map_entry_fields, SPEC_COUNT(map_entry_fields), object, at, err);
}

static void clear_map_entry(void *element)
{
    free_fields(element, map_entry_fields, SPEC_COUNT(map_entry_fields));
}

apilo_status apl_decode_map(apilo_map **out, const apl_json *root, apilo_error *err)
{
    path top = {NULL, "", NULL, 0};
    apl_json_val view = apl_json_view(root);
    apilo_map *map;
    apilo_status status;
    void *entries;

    *out = NULL;
    /* Order maps are a bare array (ENDPOINTS.md #19-25, C10); anything else is not a map. */
    if (apl_json_val_kind(view) != APL_JSON_ARRAY)
        return decode_error(err, NULL, NULL, "a JSON array of map entries");

    map = calloc(1, sizeof *map);
    if (!map)
        return nomem(err);
    status = decode_array(&entries, &map->count, sizeof(apilo_map_entry), view, &top, NULL,
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

static apilo_status decode_whoami_entry(void *element, apl_json_val object, const path *at,
                                        apilo_error *err)
{
    apilo_whoami_entry *entry = element;
    apilo_status status;

    status = decode_fields(entry, whoami_fields, SPEC_COUNT(whoami_fields), object, at, err);
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
    apl_json_val view = apl_json_view(root);
    apl_json_val content;
    apilo_whoami *whoami;
    apilo_status status;
    void *entries;

    *out = NULL;
    if (apl_json_val_kind(view) != APL_JSON_OBJECT)
        return decode_error(err, NULL, NULL, "an object with a \"content\" array");
    content = apl_json_val_get(view, "content");
    if (apl_json_val_kind(content) != APL_JSON_ARRAY)
        return decode_error(err, NULL, "content", "an array");

    whoami = calloc(1, sizeof *whoami);
    if (!whoami)
        return nomem(err);
    status = decode_array(&entries, &whoami->count, sizeof(apilo_whoami_entry), content, NULL,
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
static apilo_status read_token(apl_json_val root, const char *key, char **out, apilo_error *err)
{
    apl_json_val value = apl_json_val_get(root, key);
    enum apl_json_kind kind = apl_json_val_kind(value);
    int rc;

    if (kind == APL_JSON_MISSING || kind == APL_JSON_NULL)
        return decode_error(err, NULL, key, "a token string (it is missing)");
    rc = apl_json_val_read_str(value, out);
    if (rc == APL_JSON_NOMEM)
        return nomem(err);
    if (rc != APL_JSON_OK || (*out)[0] == '\0')
        return decode_error(err, NULL, key, "a non-empty token string");
    return APILO_OK;
}

/* A required expiry: unparseable would mean "expired" or "never", so it is an error (C9). */
static apilo_status read_expiry(apl_json_val root, const char *key, int64_t *out, apilo_error *err)
{
    apilo_opt_time when = {0, {0, 0}};
    int rc = apl_json_val_read_time(apl_json_val_get(root, key), &when, NULL);

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
    apl_json_val view = apl_json_view(root);
    apilo_token_set tokens = {NULL, 0, NULL, 0};
    apilo_status status;

    if (apl_json_val_kind(view) != APL_JSON_OBJECT)
        return decode_error(err, NULL, NULL, "a token object");

    status = read_token(view, "accessToken", &tokens.access_token, err);
    if (status == APILO_OK)
        status = read_expiry(view, "accessTokenExpireAt", &tokens.access_expires_at, err);
    if (status == APILO_OK)
        status = read_token(view, "refreshToken", &tokens.refresh_token, err);
    if (status == APILO_OK)
        status = read_expiry(view, "refreshTokenExpireAt", &tokens.refresh_expires_at, err);
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
