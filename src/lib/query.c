/*
 * Query strings: percent-encoding of values, and the orders list filters (ENDPOINTS.md #8),
 * their validation and their wire form.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "internal.h"

int apl_query_add(apl_buf *query, const char *name, const char *value)
{
    size_t value_len = strlen(value);
    char *encoded;
    int rc;

    if (value_len > INT32_MAX)
        return -1;

    /* Since curl 7.82 the handle is ignored; escaping keeps only unreserved bytes as is, so
     * the "+" of an offset becomes %2B and is not read back as a space (C4). */
    encoded = value_len ? curl_easy_escape(NULL, value, (int)value_len) : NULL;
    if (value_len && !encoded)
        return -1;

    rc = apl_buf_puts(query, query->len == 0 ? "?" : "&");
    if (rc == 0)
        rc = apl_buf_puts(query, name);
    if (rc == 0)
        rc = apl_buf_puts(query, "=");
    if (rc == 0 && encoded)
        rc = apl_buf_puts(query, encoded);
    curl_free(encoded);
    return rc;
}

int apl_query_add_int(apl_buf *query, const char *name, int64_t value)
{
    char text[32];

    snprintf(text, sizeof text, "%" PRId64, value);
    return apl_query_add(query, name, text);
}

int apl_query_add_time(apl_buf *query, const char *name, apilo_time value)
{
    char text[32];

    if (apilo_time_format(text, sizeof text, value, 0) != APILO_OK)
        return -1;
    return apl_query_add(query, name, text);
}

/* ---- sorting ---------------------------------------------------------------------------- */

static const struct {
    apilo_orders_sort sort;
    const char *name;
} sort_names[] = {
    {APILO_ORDERS_SORT_CREATED_AT_ASC, "createdAtAsc"},
    {APILO_ORDERS_SORT_CREATED_AT_DESC, "createdAtDesc"},
    {APILO_ORDERS_SORT_UPDATED_AT_ASC, "updatedAtAsc"},
    {APILO_ORDERS_SORT_UPDATED_AT_DESC, "updatedAtDesc"},
    {APILO_ORDERS_SORT_ORDERED_AT_ASC, "orderedAtAsc"},
    {APILO_ORDERS_SORT_ORDERED_AT_DESC, "orderedAtDesc"},
};

#define SORT_COUNT (sizeof sort_names / sizeof sort_names[0])

apilo_status apilo_orders_sort_parse(apilo_orders_sort *out, const char *name)
{
    if (!out || !name)
        return APILO_E_INVALID;

    for (size_t i = 0; i < SORT_COUNT; i++) {
        if (strcmp(sort_names[i].name, name) == 0) {
            *out = sort_names[i].sort;
            return APILO_OK;
        }
    }
    return APILO_E_INVALID;
}

const char *apilo_orders_sort_name(apilo_orders_sort sort)
{
    for (size_t i = 0; i < SORT_COUNT; i++) {
        if (sort_names[i].sort == sort)
            return sort_names[i].name;
    }
    return NULL;
}

/* ---- validation ------------------------------------------------------------------------- */

int apilo_order_id_valid(const char *order_id)
{
    size_t len;

    if (!order_id)
        return 0;

    len = strlen(order_id);
    if (len < 10 || len > 11)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = order_id[i];
        int alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '.' && c != '|')
            return 0;
    }
    return 1;
}

/* Length limits of the API count characters, not bytes: count UTF-8 lead bytes. */
static size_t utf8_length(const char *text)
{
    size_t count = 0;

    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p & 0xC0) != 0x80)
            count++;
    }
    return count;
}

static apilo_status invalid(apilo_error *err, const char *field, const char *fmt, ...)
    APL_PRINTF(3, 4);

/* A validation failure: "<wire name>: <sentence>", with err->field set to the wire name. */
static apilo_status invalid(apilo_error *err, const char *field, const char *fmt, ...)
{
    char sentence[160];
    va_list args;

    va_start(args, fmt);
    vsnprintf(sentence, sizeof sentence, fmt, args);
    va_end(args);
    apl_error_set(err, APILO_E_INVALID, "%s: %s", field, sentence);
    apl_error_set_field(err, field);
    return APILO_E_INVALID;
}

static apilo_status check_time(const apilo_opt_time *value, const char *field, apilo_error *err)
{
    char text[32];

    if (!value->set)
        return APILO_OK;
    if (apilo_time_format(text, sizeof text, value->value, 0) != APILO_OK)
        return invalid(err, field, "date out of range (years 0000..9999, offsets up to 18 hours)");
    return APILO_OK;
}

static apilo_status check_min(const apilo_opt_int *value, const char *field, int64_t min,
                              apilo_error *err)
{
    if (!value->set || value->value >= min)
        return APILO_OK;
    if (min == 0)
        return invalid(err, field, "must be 0 or more, got %" PRId64, value->value);
    return invalid(err, field, "must be 1 or more, got %" PRId64, value->value);
}

static apilo_status check_range(const apilo_opt_int *value, const char *field, int64_t min,
                                int64_t max, apilo_error *err)
{
    if (!value->set || (value->value >= min && value->value <= max))
        return APILO_OK;
    return invalid(err, field, "must be %" PRId64 "..%" PRId64 ", got %" PRId64, min, max,
                   value->value);
}

static apilo_status check_dates(const apilo_orders_query *query, apilo_error *err)
{
    const struct {
        const apilo_opt_time *value;
        const char *field;
    } dates[] = {
        {&query->created_after, "createdAfter"}, {&query->created_before, "createdBefore"},
        {&query->ordered_after, "orderedAfter"}, {&query->ordered_before, "orderedBefore"},
        {&query->updated_after, "updatedAfter"}, {&query->updated_before, "updatedBefore"},
    };

    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        apilo_status status = check_time(dates[i].value, dates[i].field, err);
        if (status != APILO_OK)
            return status;
    }
    return APILO_OK;
}

static apilo_status check_texts(const apilo_orders_query *query, apilo_error *err)
{
    if (query->id && !apilo_order_id_valid(query->id))
        return invalid(err, "id", "must be 10 or 11 characters of A-Z, a-z, 0-9, '.' or '|'");
    if (query->id_external && query->id_external[0] == '\0')
        return invalid(err, "idExternal", "must not be empty (leave it unset instead)");
    if (query->id_external && utf8_length(query->id_external) > 36)
        return invalid(err, "idExternal", "must be at most 36 characters, got %zu",
                       utf8_length(query->id_external));
    if (query->email && query->email[0] == '\0')
        return invalid(err, "email", "must not be empty (leave it unset instead)");
    if (query->email && utf8_length(query->email) > 128)
        return invalid(err, "email", "must be at most 128 characters, got %zu",
                       utf8_length(query->email));
    return APILO_OK;
}

static apilo_status check_status_ids(const apilo_orders_query *query, apilo_error *err)
{
    if (query->order_status_ids_count > 0 && !query->order_status_ids)
        return invalid(err, "orderStatusIds[]", "has a count of %zu but no array",
                       query->order_status_ids_count);

    for (size_t i = 0; i < query->order_status_ids_count; i++) {
        if (query->order_status_ids[i] < 1)
            return invalid(err, "orderStatusIds[]",
                           "every status id must be 1 or more, got %" PRId64,
                           query->order_status_ids[i]);
    }
    return APILO_OK;
}

apilo_status apilo_orders_query_validate(const apilo_orders_query *query, apilo_error *err)
{
    apilo_status status;

    if (!query)
        return APILO_OK;

    if ((status = check_dates(query, err)) != APILO_OK)
        return status;
    if ((status = check_range(&query->is_order_document, "isOrderDocument", 0, 1, err)) != APILO_OK)
        return status;
    if ((status = check_texts(query, err)) != APILO_OK)
        return status;
    if ((status = check_min(&query->order_status, "orderStatus", 1, err)) != APILO_OK)
        return status;
    if ((status = check_status_ids(query, err)) != APILO_OK)
        return status;
    /* The docs say >= 1, but the codes are 0..3 and 0 ("no payment") is a real filter. */
    if ((status = check_range(&query->payment_status, "paymentStatus", 0, 3, err)) != APILO_OK)
        return status;
    if ((status = check_min(&query->payment_type, "paymentType", 1, err)) != APILO_OK)
        return status;
    if ((status = check_min(&query->platform_account_id, "platformAccountId", 1, err)) != APILO_OK)
        return status;
    if ((status = check_min(&query->carrier_id, "carrierId", 1, err)) != APILO_OK)
        return status;
    if (query->sort != APILO_ORDERS_SORT_NONE && !apilo_orders_sort_name(query->sort))
        return invalid(err, "sort", "unknown sort value %d", (int)query->sort);
    if ((status = check_min(&query->offset, "offset", 0, err)) != APILO_OK)
        return status;
    return check_min(&query->limit, "limit", 1, err);
}

/* ---- the wire form ---------------------------------------------------------------------- */

static int add_opt_int(apl_buf *query, const char *name, const apilo_opt_int *value)
{
    return value->set ? apl_query_add_int(query, name, value->value) : 0;
}

static int add_opt_time(apl_buf *query, const char *name, const apilo_opt_time *value)
{
    return value->set ? apl_query_add_time(query, name, value->value) : 0;
}

static int add_text(apl_buf *query, const char *name, const char *value)
{
    return value ? apl_query_add(query, name, value) : 0;
}

/* Pairs go out in the order of the documented filter table (ENDPOINTS.md #8). */
static int build_query(apl_buf *out, const apilo_orders_query *query)
{
    int rc = 0;

    rc |= add_opt_time(out, "createdAfter", &query->created_after);
    rc |= add_opt_time(out, "createdBefore", &query->created_before);
    rc |= add_opt_time(out, "orderedAfter", &query->ordered_after);
    rc |= add_opt_time(out, "orderedBefore", &query->ordered_before);
    rc |= add_opt_time(out, "updatedAfter", &query->updated_after);
    rc |= add_opt_time(out, "updatedBefore", &query->updated_before);
    rc |= add_opt_int(out, "isOrderDocument", &query->is_order_document);
    rc |= add_text(out, "id", query->id);
    rc |= add_text(out, "idExternal", query->id_external);
    rc |= add_opt_int(out, "orderStatus", &query->order_status);
    for (size_t i = 0; i < query->order_status_ids_count; i++)
        rc |= apl_query_add_int(out, "orderStatusIds[]", query->order_status_ids[i]);
    rc |= add_opt_int(out, "paymentStatus", &query->payment_status);
    rc |= add_opt_int(out, "paymentType", &query->payment_type);
    rc |= add_opt_int(out, "platformAccountId", &query->platform_account_id);
    rc |= add_opt_int(out, "carrierId", &query->carrier_id);
    rc |= add_text(out, "email", query->email);
    rc |= add_text(out, "sort", apilo_orders_sort_name(query->sort));
    rc |= add_opt_int(out, "offset", &query->offset);
    if (query->limit.set) {
        int64_t limit = query->limit.value;
        if (limit > APILO_ORDERS_MAX_LIMIT)
            limit = APILO_ORDERS_MAX_LIMIT;
        rc |= apl_query_add_int(out, "limit", limit);
    }
    return rc;
}

apilo_status apilo_orders_query_string(char **out, const apilo_orders_query *query,
                                       apilo_error *err)
{
    static const apilo_orders_query empty; /* static: all zero, every filter unset */
    apl_buf text = APL_BUF_INIT;
    apilo_status status;
    char *result;

    if (!out)
        return apl_error_set(err, APILO_E_INVALID, "out must not be NULL");
    *out = NULL;
    if (!query)
        query = &empty;

    status = apilo_orders_query_validate(query, err);
    if (status != APILO_OK)
        return status;

    if (build_query(&text, query) != 0) {
        apl_buf_free(&text);
        return apl_error_set(err, APILO_E_NOMEM, "out of memory building the query string");
    }
    result = apl_buf_detach(&text);
    if (!result)
        return apl_error_set(err, APILO_E_NOMEM, "out of memory building the query string");
    *out = result;
    return APILO_OK;
}
