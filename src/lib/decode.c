/*
 * From parsed JSON to models (ENDPOINTS.md §S2, #3, #1, #19-25). Scalar members are described
 * by tables so every model reads and names its fields the same way. A member of the wrong type
 * is a decode error naming its path ("orders[3].createdAt"), never a silent zero.
 *
 * Models copy nothing they can borrow: strings point into the parsed document, which the model
 * keeps a reference on, and arrays, addresses and the text of numbers come from one arena per
 * model (model_memory). Freeing a model is releasing those two.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NO_TEXT SIZE_MAX

/* FIELD_CHILD: an array or object decoded by hand; the walk only finds it. */
enum field_kind { FIELD_STR, FIELD_DECIMAL, FIELD_INT, FIELD_BOOL, FIELD_TIME, FIELD_CHILD };

typedef struct field_spec {
    apl_json_name key; /* wire name; first, so the JSON module can walk a table of specs */
    enum field_kind kind;
    size_t offset;      /* of the value in the model */
    size_t text_offset; /* FIELD_TIME: of the char * receiving the text as sent, or NO_TEXT */
} field_spec;

#define SPEC_COUNT(specs) (sizeof(specs) / sizeof((specs)[0]))
#define KEY(name)                                                                                  \
    {                                                                                              \
        name, sizeof(name) - 1                                                                     \
    }

/* The most members one walk collects (the order table); tables are checked against it. */
#define MAX_SPECS 32

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

/* The order's sub-structures come first, so their indices are the CHILD_ constants. */
enum { CHILD_ITEMS, CHILD_PAYMENTS, CHILD_NOTES, CHILD_CUSTOMER, CHILD_DELIVERY, CHILD_INVOICE };

static const field_spec order_fields[] = {
    {KEY("orderItems"), FIELD_CHILD, 0, NO_TEXT},
    {KEY("orderPayments"), FIELD_CHILD, 0, NO_TEXT},
    {KEY("orderNotes"), FIELD_CHILD, 0, NO_TEXT},
    {KEY("addressCustomer"), FIELD_CHILD, 0, NO_TEXT},
    {KEY("addressDelivery"), FIELD_CHILD, 0, NO_TEXT},
    {KEY("addressInvoice"), FIELD_CHILD, 0, NO_TEXT},
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

_Static_assert(SPEC_COUNT(order_fields) <= MAX_SPECS, "order_fields exceeds MAX_SPECS");
_Static_assert(SPEC_COUNT(item_fields) <= MAX_SPECS, "item_fields exceeds MAX_SPECS");
_Static_assert(SPEC_COUNT(address_fields) <= MAX_SPECS, "address_fields exceeds MAX_SPECS");

/* ---- model memory ----------------------------------------------------------------------- */

/* What a decoded model keeps alive; its `memory` member points here. */
typedef struct model_memory {
    apl_json *document; /* strings are borrowed from it */
    apl_arena arena;    /* arrays, addresses, numbers turned into text */
} model_memory;

static model_memory *model_memory_new(apl_json *document)
{
    model_memory *memory = calloc(1, sizeof *memory);

    if (!memory)
        return NULL;
    memory->document = apl_json_incref(document);
    return memory;
}

static void model_memory_free(void *opaque)
{
    model_memory *memory = opaque;

    if (!memory)
        return;
    apl_arena_free(&memory->arena);
    apl_json_decref(memory->document);
    free(memory);
}

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
    case FIELD_CHILD:
        break;
    }
    return "another type";
}

/* ---- table-driven fields ---------------------------------------------------------------- */

/* One walk over an object's members: found[i] and scalars[i] get the member named
 * specs[i].key. */
static void collect_members(apl_json_val object, const field_spec *specs, size_t count,
                            apl_json_val *found, apl_json_scalar *scalars)
{
    apl_json_object_collect(object, &specs[0].key, sizeof(field_spec), count, found, scalars);
}

static int read_field(const apl_json_scalar *value, const field_spec *spec, char *model,
                      apl_arena *arena)
{
    void *slot = model + spec->offset;
    const char **text_slot =
        spec->text_offset == NO_TEXT ? NULL : (const char **)(model + spec->text_offset);

    switch (spec->kind) {
    case FIELD_STR:
    case FIELD_DECIMAL:
        return apl_json_scalar_read_text(value, arena, (const char **)slot);
    case FIELD_INT:
        return apl_json_scalar_read_int(value, (apilo_opt_int *)slot);
    case FIELD_BOOL:
        return apl_json_scalar_read_bool(value, (apilo_opt_bool *)slot);
    case FIELD_TIME:
        return apl_json_scalar_read_time(value, (apilo_opt_time *)slot, text_slot);
    case FIELD_CHILD:
        return APL_JSON_OK;
    }
    return APL_JSON_BAD_TYPE;
}

/* Read collected members in table order, so the first bad field named is the same as ever. */
static apilo_status read_fields(void *model, const field_spec *specs, size_t count,
                                const apl_json_scalar *scalars, const path *at, apl_arena *arena,
                                apilo_error *err)
{
    for (size_t i = 0; i < count; i++) {
        int rc = read_field(&scalars[i], &specs[i], model, arena);

        if (rc == APL_JSON_NOMEM)
            return nomem(err);
        if (rc == APL_JSON_BAD_TYPE)
            return decode_error(err, at, specs[i].key.text, kind_expectation(specs[i].kind));
    }
    return APILO_OK;
}

static apilo_status decode_fields(void *model, const field_spec *specs, size_t count,
                                  apl_json_val object, const path *at, apl_arena *arena,
                                  apilo_error *err)
{
    apl_json_val found[MAX_SPECS];
    apl_json_scalar scalars[MAX_SPECS];

    collect_members(object, specs, count, found, scalars);
    return read_fields(model, specs, count, scalars, at, arena, err);
}

/* ---- arrays of sub-objects -------------------------------------------------------------- */

typedef apilo_status (*element_decoder)(void *element, apl_json_val object, const path *at,
                                        apl_arena *arena, apilo_error *err);

/*
 * Decode `list` (an array of objects, or absent/null), member `key` of the value at `at` (NULL
 * when `list` is that value itself), into a new array of `element_size` elements in `arena`.
 * `decode` cleans up after itself when it fails; what it took from the arena goes with the
 * model.
 */
static apilo_status decode_array(void **out, size_t *out_count, size_t element_size,
                                 apl_json_val list, const path *at, const char *key,
                                 element_decoder decode, apl_arena *arena, apilo_error *err)
{
    path list_path = {at, NULL, key, 0};
    path element_path = {key ? &list_path : at, NULL, NULL, 0};
    apl_json_iter iter;
    apl_json_val item;
    enum apl_json_kind kind = apl_json_val_kind(list);
    size_t count;
    char *elements;

    *out = NULL;
    *out_count = 0;
    if (kind == APL_JSON_MISSING || kind == APL_JSON_NULL)
        return APILO_OK;
    if (kind != APL_JSON_ARRAY)
        return decode_error(err, at, key, "an array");

    count = apl_json_array_iter(list, &iter);
    if (count == 0)
        return APILO_OK;
    elements = apl_arena_calloc(arena, count, element_size);
    if (!elements)
        return nomem(err);

    for (size_t done = 0; done < count && apl_json_array_next(&iter, &item); done++) {
        apilo_status status;

        element_path.index = done;
        if (apl_json_val_kind(item) != APL_JSON_OBJECT)
            return decode_error(err, &element_path, NULL, "an object");
        status = decode(elements + done * element_size, item, &element_path, arena, err);
        if (status != APILO_OK)
            return status;
        /* Published as it grows, so a failure later leaves the owner able to clean up. */
        *out = elements;
        *out_count = done + 1;
    }
    return APILO_OK;
}

/* ---- order parts ------------------------------------------------------------------------ */

static apilo_status decode_item(void *element, apl_json_val object, const path *at,
                                apl_arena *arena, apilo_error *err)
{
    return decode_fields(element, item_fields, SPEC_COUNT(item_fields), object, at, arena, err);
}

static apilo_status decode_payment(void *element, apl_json_val object, const path *at,
                                   apl_arena *arena, apilo_error *err)
{
    return decode_fields(element, payment_fields, SPEC_COUNT(payment_fields), object, at, arena,
                         err);
}

static apilo_status decode_note(void *element, apl_json_val object, const path *at,
                                apl_arena *arena, apilo_error *err)
{
    return decode_fields(element, note_fields, SPEC_COUNT(note_fields), object, at, arena, err);
}

static apilo_status decode_address(apilo_address **out, apl_json_val object, const path *at,
                                   const char *key, apl_arena *arena, apilo_error *err)
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

    address = apl_arena_calloc(arena, 1, sizeof *address);
    if (!address)
        return nomem(err);
    status = decode_fields(address, address_fields, SPEC_COUNT(address_fields), object,
                           &address_path, arena, err);
    if (status == APILO_OK)
        *out = address;
    return status;
}

/* ---- orders ----------------------------------------------------------------------------- */

/* Drop an order's reference on its document; its strings and parts go with the model memory. */
static void order_clear(apilo_order *order)
{
    apl_json_decref(order->raw);
    memset(order, 0, sizeof *order);
}

static apilo_status decode_order_parts(apilo_order *order, apl_json_val object, const path *at,
                                       apl_arena *arena, apilo_error *err)
{
    apl_json_val found[SPEC_COUNT(order_fields)];
    apl_json_scalar scalars[SPEC_COUNT(order_fields)];
    const apl_json_val *child = found; /* the children lead the table */
    apilo_status status;
    void *elements;

    collect_members(object, order_fields, SPEC_COUNT(order_fields), found, scalars);
    status = read_fields(order, order_fields, SPEC_COUNT(order_fields), scalars, at, arena, err);
    if (status != APILO_OK)
        return status;

    status = decode_array(&elements, &order->items_count, sizeof(apilo_order_item),
                          child[CHILD_ITEMS], at, "orderItems", decode_item, arena, err);
    order->items = elements;
    if (status != APILO_OK)
        return status;

    status = decode_array(&elements, &order->payments_count, sizeof(apilo_order_payment),
                          child[CHILD_PAYMENTS], at, "orderPayments", decode_payment, arena, err);
    order->payments = elements;
    if (status != APILO_OK)
        return status;

    status = decode_array(&elements, &order->notes_count, sizeof(apilo_order_note),
                          child[CHILD_NOTES], at, "orderNotes", decode_note, arena, err);
    order->notes = elements;
    if (status != APILO_OK)
        return status;

    status = decode_address(&order->address_customer, child[CHILD_CUSTOMER], at, "addressCustomer",
                            arena, err);
    if (status == APILO_OK)
        status = decode_address(&order->address_delivery, child[CHILD_DELIVERY], at,
                                "addressDelivery", arena, err);
    if (status == APILO_OK)
        status = decode_address(&order->address_invoice, child[CHILD_INVOICE], at, "addressInvoice",
                                arena, err);
    return status;
}

static apilo_status decode_order_at(apilo_order *out, apl_json_val object, const path *at,
                                    apl_arena *arena, apilo_error *err)
{
    apilo_status status;

    memset(out, 0, sizeof *out);
    if (apl_json_val_kind(object) != APL_JSON_OBJECT)
        return decode_error(err, at, NULL, "an order object");

    status = decode_order_parts(out, object, at, arena, err);
    if (status != APILO_OK) {
        order_clear(out);
        return status;
    }
    /* Keep the whole object so fields the API adds later stay reachable (raw JSON). */
    out->raw = apl_json_val_ref(object);
    if (!out->raw) {
        order_clear(out);
        return nomem(err);
    }
    return APILO_OK;
}

static apilo_status decode_order_element(void *element, apl_json_val object, const path *at,
                                         apl_arena *arena, apilo_error *err)
{
    return decode_order_at(element, object, at, arena, err);
}

apilo_status apl_decode_order(apilo_order **out, apl_json *root, apilo_error *err)
{
    path top = {NULL, NULL, NULL, 0};
    model_memory *memory;
    apilo_order *order;
    apilo_status status;

    *out = NULL;
    order = malloc(sizeof *order);
    memory = model_memory_new(root);
    if (!order || !memory) {
        free(order);
        model_memory_free(memory);
        return nomem(err);
    }
    status = decode_order_at(order, apl_json_view(root), &top, &memory->arena, err);
    if (status != APILO_OK) {
        free(order);
        model_memory_free(memory);
        return status;
    }
    order->memory = memory;
    *out = order;
    return APILO_OK;
}

apilo_status apl_decode_order_page(apilo_order_page **out, apl_json *root, apilo_error *err)
{
    static const field_spec envelope[] = {
        {KEY("orders"), FIELD_CHILD, 0, NO_TEXT},
        {KEY("totalCount"), FIELD_INT, offsetof(apilo_order_page, total_count), NO_TEXT},
        {KEY("currentOffset"), FIELD_INT, offsetof(apilo_order_page, current_offset), NO_TEXT},
        {KEY("pageResultCount"), FIELD_INT, offsetof(apilo_order_page, page_result_count), NO_TEXT},
    };
    apl_json_val view = apl_json_view(root);
    apl_json_val found[SPEC_COUNT(envelope)];
    apl_json_scalar scalars[SPEC_COUNT(envelope)];
    apl_json_val orders_list;
    apilo_order_page *page;
    model_memory *memory;
    apilo_status status;
    void *orders;

    *out = NULL;
    if (apl_json_val_kind(view) != APL_JSON_OBJECT)
        return decode_error(err, NULL, NULL, "an object with an \"orders\" array");
    collect_members(view, envelope, SPEC_COUNT(envelope), found, scalars);
    orders_list = found[0];
    if (apl_json_val_kind(orders_list) != APL_JSON_ARRAY)
        return decode_error(err, NULL, "orders", "an array");

    page = calloc(1, sizeof *page);
    memory = model_memory_new(root);
    if (!page || !memory) {
        free(page);
        model_memory_free(memory);
        return nomem(err);
    }
    page->memory = memory;

    status = read_fields(page, envelope, SPEC_COUNT(envelope), scalars, NULL, &memory->arena, err);
    if (status == APILO_OK) {
        status = decode_array(&orders, &page->count, sizeof(apilo_order), orders_list, NULL,
                              "orders", decode_order_element, &memory->arena, err);
        /* Set on failure too: the orders decoded so far hold references to release. */
        page->orders = orders;
    }
    if (status != APILO_OK) {
        apilo_order_page_free(page);
        return status;
    }
    *out = page;
    return APILO_OK;
}

/* ---- maps ------------------------------------------------------------------------------- */

static apilo_status decode_map_entry(void *element, apl_json_val object, const path *at,
                                     apl_arena *arena, apilo_error *err)
{
    return decode_fields(element, map_entry_fields, SPEC_COUNT(map_entry_fields), object, at, arena,
                         err);
}

apilo_status apl_decode_map(apilo_map **out, apl_json *root, apilo_error *err)
{
    path top = {NULL, "", NULL, 0};
    apl_json_val view = apl_json_view(root);
    model_memory *memory;
    apilo_map *map;
    apilo_status status;
    void *entries;

    *out = NULL;
    /* Order maps are a bare array (ENDPOINTS.md #19-25, C10); anything else is not a map. */
    if (apl_json_val_kind(view) != APL_JSON_ARRAY)
        return decode_error(err, NULL, NULL, "a JSON array of map entries");

    map = calloc(1, sizeof *map);
    memory = model_memory_new(root);
    if (!map || !memory) {
        free(map);
        model_memory_free(memory);
        return nomem(err);
    }
    map->memory = memory;
    status = decode_array(&entries, &map->count, sizeof(apilo_map_entry), view, &top, NULL,
                          decode_map_entry, &memory->arena, err);
    map->entries = entries;
    if (status != APILO_OK) {
        apilo_map_free(map);
        return status;
    }
    *out = map;
    return APILO_OK;
}

/* ---- whoami ----------------------------------------------------------------------------- */

static apilo_status decode_whoami_entry(void *element, apl_json_val object, const path *at,
                                        apl_arena *arena, apilo_error *err)
{
    apilo_whoami_entry *entry = element;
    apilo_status status;

    status = decode_fields(entry, whoami_fields, SPEC_COUNT(whoami_fields), object, at, arena, err);
    if (status != APILO_OK)
        return status;

    /* validTo is typed a plain string since 2.0 (#3): keep the text, parse it when we can. */
    if (entry->valid_to_text &&
        apilo_time_parse(&entry->valid_to.value, entry->valid_to_text) == APILO_OK)
        entry->valid_to.set = 1;
    return APILO_OK;
}

apilo_status apl_decode_whoami(apilo_whoami **out, apl_json *root, apilo_error *err)
{
    apl_json_val view = apl_json_view(root);
    apl_json_val content;
    model_memory *memory;
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
    memory = model_memory_new(root);
    if (!whoami || !memory) {
        free(whoami);
        model_memory_free(memory);
        return nomem(err);
    }
    whoami->memory = memory;
    status = decode_array(&entries, &whoami->count, sizeof(apilo_whoami_entry), content, NULL,
                          "content", decode_whoami_entry, &memory->arena, err);
    whoami->entries = entries;
    if (status != APILO_OK) {
        apilo_whoami_free(whoami);
        return status;
    }
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

static apilo_status parse_failed(apilo_error *err, const char *reason)
{
    return apl_error_set(err, APILO_E_DECODE, "the response is not valid JSON: %s", reason);
}

apilo_status apl_parse_text(apl_json **out, const char *text, size_t len, apilo_error *err)
{
    char reason[200];

    *out = apl_json_parse(text ? text : "", text ? len : 0, 0, reason, sizeof reason);
    return *out ? APILO_OK : parse_failed(err, reason);
}

apilo_status apl_parse_secret(apl_json **out, const char *text, size_t len, apilo_error *err)
{
    char reason[200];

    *out = apl_json_parse(text ? text : "", text ? len : 0, APL_JSON_SECRET, reason, sizeof reason);
    return *out ? APILO_OK : parse_failed(err, reason);
}

apilo_status apl_parse_body(apl_json **out, apl_buf *body, apilo_error *err)
{
    char reason[200];

    /* The parser reads ahead in blocks: give it the padding it needs and skip its copy. */
    if (apl_buf_pad(body, APL_JSON_PADDING) != 0)
        return apl_parse_text(out, body->data, body->len, err);
    *out = apl_json_parse(body->data, body->len, APL_JSON_PADDED, reason, sizeof reason);
    return *out ? APILO_OK : parse_failed(err, reason);
}

/* ---- public decoders -------------------------------------------------------------------- */

/* The public decoders' common start: check the arguments and parse a copy of the text. */
static apilo_status parse_argument(apl_json **root, int have_out, const char *json, size_t len,
                                   apilo_error *err)
{
    *root = NULL;
    if (!have_out || !json)
        return apl_error_set(err, APILO_E_INVALID, "out and json must not be NULL");
    return apl_parse_text(root, json, len, err);
}

apilo_status apilo_order_decode(apilo_order **out, const char *json, size_t len, apilo_error *err)
{
    apl_json *root;
    apilo_status status = parse_argument(&root, out != NULL, json, len, err);

    if (status == APILO_OK)
        status = apl_decode_order(out, root, err);
    else if (out)
        *out = NULL;
    apl_json_decref(root);
    return status;
}

apilo_status apilo_order_page_decode(apilo_order_page **out, const char *json, size_t len,
                                     apilo_error *err)
{
    apl_json *root;
    apilo_status status = parse_argument(&root, out != NULL, json, len, err);

    if (status == APILO_OK)
        status = apl_decode_order_page(out, root, err);
    else if (out)
        *out = NULL;
    apl_json_decref(root);
    return status;
}

apilo_status apilo_map_decode(apilo_map **out, const char *json, size_t len, apilo_error *err)
{
    apl_json *root;
    apilo_status status = parse_argument(&root, out != NULL, json, len, err);

    if (status == APILO_OK)
        status = apl_decode_map(out, root, err);
    else if (out)
        *out = NULL;
    apl_json_decref(root);
    return status;
}

void apilo_order_free(apilo_order *order)
{
    void *memory;

    if (!order)
        return;
    memory = order->memory;
    order_clear(order);
    model_memory_free(memory);
    free(order);
}

char *apilo_order_raw_json(const apilo_order *order)
{
    if (!order || !order->raw)
        return NULL;
    return apl_json_dump(order->raw);
}

void apilo_order_page_free(apilo_order_page *page)
{
    if (!page)
        return;
    for (size_t i = 0; i < page->count; i++)
        order_clear(&page->orders[i]);
    model_memory_free(page->memory);
    free(page);
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
    model_memory_free(map->memory);
    free(map);
}

void apilo_whoami_free(apilo_whoami *whoami)
{
    if (!whoami)
        return;
    model_memory_free(whoami->memory);
    free(whoami);
}
