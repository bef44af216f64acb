/*
 * Orders: one list page, the iterator over every page, one order, the order maps.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "client_private.h"

#define ORDERS_PATH "/rest/api/orders/"

static apilo_order_page *empty_page(void)
{
    return calloc(1, sizeof(apilo_order_page));
}

apilo_status apilo_orders_list(apilo_client *client, const apilo_orders_query *query,
                               apilo_order_page **out, apilo_error *err)
{
    static const apilo_orders_query no_filters; /* zero: no filters */
    apl_response response = APL_RESPONSE_INIT;
    apl_buf path = APL_BUF_INIT;
    char *query_string = NULL;
    apl_json *root = NULL;
    apilo_status status;

    if (!out)
        return apl_error_set(err, APILO_E_INVALID, "no place for the page was given");
    *out = NULL;
    if (!client)
        return apl_error_set(err, APILO_E_INVALID, "no client was given");
    if (!query)
        query = &no_filters;

    status = apilo_orders_query_validate(query, err);
    if (status != APILO_OK)
        return status;
    if (query->limit.set && query->limit.value > APILO_ORDERS_MAX_LIMIT)
        apl_log(client, APILO_LOG_WARN, APILO_LOG_PAGING,
                "limit %" PRId64 " is above the maximum of orders list; %d is sent",
                query->limit.value, APILO_ORDERS_MAX_LIMIT);

    status = apilo_orders_query_string(&query_string, query, err);
    if (status != APILO_OK)
        return status;
    if (apl_buf_printf(&path, "%s%s", ORDERS_PATH, query_string) != 0) {
        status = apl_error_set(err, APILO_E_NOMEM, "out of memory");
        goto out;
    }

    status = apl_request(client, "GET", path.data, NULL, 0, &response, err);
    if (status != APILO_OK)
        goto out;
    if (response.status == 304 || response.body.len == 0) {
        *out = empty_page();
        status = *out ? APILO_OK : apl_error_set(err, APILO_E_NOMEM, "out of memory");
        goto out;
    }
    status = apl_parse_body(&root, &response.body, err);
    /* The document holds everything decoding needs: the body goes before the models come. */
    apl_response_free(&response);
    if (status == APILO_OK)
        status = apl_decode_order_page(out, root, err);
    apl_json_decref(root);

out:
    apilo_free(query_string);
    apl_buf_free(&path);
    apl_response_free(&response);
    return status;
}

/* ---- the iterator ------------------------------------------------------------------------- */

struct apilo_orders_iter {
    apilo_client *client;
    apilo_orders_query query; /* the caller's, with owned copies of its strings and array */
    int page_size;
    int64_t max_items;
    int64_t offset;
    int64_t total; /* -1 before the first page, or when the server sent none */
    int64_t yielded;
    uint64_t pages;
    int mismatch;
    int finished;
    int last_page_full; /* the last page had all the rows asked for: more may follow */
    apilo_order_page *page;
    size_t index;
};

static int copy_query(apilo_orders_query *copy, const apilo_orders_query *query)
{
    *copy = *query;
    copy->id = NULL;
    copy->id_external = NULL;
    copy->email = NULL;
    copy->order_status_ids = NULL;

    if ((query->id && !(copy->id = apl_strdup(query->id))) ||
        (query->id_external && !(copy->id_external = apl_strdup(query->id_external))) ||
        (query->email && !(copy->email = apl_strdup(query->email))))
        return -1;
    if (query->order_status_ids_count > 0) {
        int64_t *ids = malloc(query->order_status_ids_count * sizeof(*ids));

        if (!ids)
            return -1;
        memcpy(ids, query->order_status_ids, query->order_status_ids_count * sizeof(*ids));
        copy->order_status_ids = ids;
    }
    return 0;
}

static void free_query_copy(apilo_orders_query *copy)
{
    free((char *)copy->id);
    free((char *)copy->id_external);
    free((char *)copy->email);
    free((int64_t *)copy->order_status_ids);
}

apilo_status apilo_orders_iter_new(apilo_orders_iter **out, apilo_client *client,
                                   const apilo_orders_query *query, int page_size,
                                   int64_t max_items, apilo_error *err)
{
    static const apilo_orders_query no_filters; /* zero: no filters */
    apilo_orders_iter *iter;
    apilo_status status;

    if (!out)
        return apl_error_set(err, APILO_E_INVALID, "no place for the iterator was given");
    *out = NULL;
    if (!client)
        return apl_error_set(err, APILO_E_INVALID, "no client was given");
    if (!query)
        query = &no_filters;
    if (page_size < 0) {
        apl_error_set(err, APILO_E_INVALID, "page size must not be negative");
        apl_error_set_field(err, "limit");
        return APILO_E_INVALID;
    }
    status = apilo_orders_query_validate(query, err);
    if (status != APILO_OK)
        return status;

    iter = calloc(1, sizeof(*iter));
    if (!iter)
        return apl_error_set(err, APILO_E_NOMEM, "out of memory");
    if (copy_query(&iter->query, query) != 0) {
        apilo_orders_iter_free(iter);
        return apl_error_set(err, APILO_E_NOMEM, "out of memory");
    }

    if (page_size == 0)
        page_size = query->limit.set
                        ? (int)(query->limit.value > APILO_ORDERS_MAX_LIMIT ? APILO_ORDERS_MAX_LIMIT
                                                                            : query->limit.value)
                        : APILO_ORDERS_MAX_LIMIT;
    if (page_size > APILO_ORDERS_MAX_LIMIT) {
        apl_log(client, APILO_LOG_WARN, APILO_LOG_PAGING,
                "page size %d is above the maximum of orders list; %d is used", page_size,
                APILO_ORDERS_MAX_LIMIT);
        page_size = APILO_ORDERS_MAX_LIMIT;
    }

    iter->client = client;
    iter->page_size = page_size;
    iter->max_items = max_items;
    iter->offset = query->offset.set ? query->offset.value : 0;
    iter->total = -1;
    *out = iter;
    return APILO_OK;
}

static void note_mismatch(apilo_orders_iter *iter, const char *what)
{
    iter->mismatch = 1;
    apl_log(iter->client, APILO_LOG_WARN, APILO_LOG_PAGING,
            "orders list totals disagree: %s (offset %" PRId64 ", totalCount %" PRId64 ")", what,
            iter->offset, iter->total);
}

/* Fetch the page at the current offset; the offset moves only once the page has arrived. */
static apilo_status fetch_page(apilo_orders_iter *iter, apilo_error *err)
{
    apilo_orders_query page_query = iter->query;
    apilo_order_page *page = NULL;
    apilo_status status;
    int64_t total;

    apilo_order_page_free(iter->page);
    iter->page = NULL;
    iter->index = 0;

    page_query.offset = APILO_OPT_INT(iter->offset);
    page_query.limit = APILO_OPT_INT(iter->page_size);
    status = apilo_orders_list(iter->client, &page_query, &page, err);
    if (status != APILO_OK)
        return status;
    iter->pages++;

    total = page->total_count.set ? page->total_count.value : -1;
    if (iter->total >= 0 && total != iter->total) {
        apl_log(iter->client, APILO_LOG_WARN, APILO_LOG_PAGING,
                "orders list totalCount changed from %" PRId64 " to %" PRId64 " between pages",
                iter->total, total);
        iter->mismatch = 1;
    }
    iter->total = total;

    if (page->count == 0) {
        if (iter->total >= 0 && iter->offset < iter->total)
            note_mismatch(iter, "an empty page arrived before the end");
        iter->finished = 1;
        apilo_order_page_free(page);
        return APILO_OK;
    }

    if (page->page_result_count.set && page->page_result_count.value != (int64_t)page->count)
        note_mismatch(iter, "pageResultCount differs from the rows in the page");
    iter->last_page_full = page->count >= (size_t)iter->page_size;
    iter->offset += (int64_t)page->count;
    if (iter->total >= 0 && iter->offset > iter->total)
        note_mismatch(iter, "more rows arrived than totalCount announced");
    iter->page = page;
    apl_log(iter->client, APILO_LOG_DEBUG, APILO_LOG_PAGING,
            "orders page %" PRIu64 ": %zu rows, next offset %" PRId64 " of %" PRId64, iter->pages,
            page->count, iter->offset, iter->total);
    return APILO_OK;
}

apilo_status apilo_orders_iter_next(apilo_orders_iter *iter, const apilo_order **out,
                                    apilo_error *err)
{
    apilo_status status;

    if (!iter || !out)
        return apl_error_set(err, APILO_E_INVALID, "an iterator and an output are required");
    *out = NULL;
    if (iter->max_items > 0 && iter->yielded >= iter->max_items)
        return APILO_ITER_OVER;

    while (!iter->page || iter->index >= iter->page->count) {
        /* A full page at totalCount is followed by one more request: a totalCount that is too
         * small (C6) must not cut the export short. An empty answer ends it. */
        if (iter->finished ||
            (iter->total >= 0 && iter->offset >= iter->total && !iter->last_page_full)) {
            apilo_order_page_free(iter->page);
            iter->page = NULL;
            return APILO_ITER_OVER;
        }
        status = fetch_page(iter, err);
        if (status != APILO_OK)
            return status;
    }

    *out = &iter->page->orders[iter->index++];
    iter->yielded++;
    return APILO_OK;
}

int64_t apilo_orders_iter_offset(const apilo_orders_iter *iter)
{
    return iter ? iter->offset : 0;
}

int64_t apilo_orders_iter_total(const apilo_orders_iter *iter)
{
    return iter ? iter->total : -1;
}

uint64_t apilo_orders_iter_pages(const apilo_orders_iter *iter)
{
    return iter ? iter->pages : 0;
}

int apilo_orders_iter_totals_mismatch(const apilo_orders_iter *iter)
{
    return iter ? iter->mismatch : 0;
}

void apilo_orders_iter_free(apilo_orders_iter *iter)
{
    if (!iter)
        return;
    apilo_order_page_free(iter->page);
    free_query_copy(&iter->query);
    free(iter);
}

/* ---- one order, the maps ------------------------------------------------------------------ */

apilo_status apilo_orders_get(apilo_client *client, const char *order_id, apilo_order **out,
                              apilo_error *err)
{
    apl_response response = APL_RESPONSE_INIT;
    apl_buf path = APL_BUF_INIT;
    apl_json *root = NULL;
    apilo_status status;

    if (!out)
        return apl_error_set(err, APILO_E_INVALID, "no place for the order was given");
    *out = NULL;
    if (!client)
        return apl_error_set(err, APILO_E_INVALID, "no client was given");
    if (!order_id || !apilo_order_id_valid(order_id)) {
        apl_error_set(err, APILO_E_INVALID,
                      "an order id is 10 or 11 characters of A-Z, a-z, 0-9, '.' or '|'");
        apl_error_set_field(err, "id");
        return APILO_E_INVALID;
    }

    /* The id's characters are all unreserved except '|', which is encoded. */
    if (apl_buf_puts(&path, ORDERS_PATH) != 0) {
        status = apl_error_set(err, APILO_E_NOMEM, "out of memory");
        goto out;
    }
    for (const char *p = order_id; *p; p++) {
        if ((*p == '|' ? apl_buf_puts(&path, "%7C") : apl_buf_append(&path, p, 1)) != 0) {
            status = apl_error_set(err, APILO_E_NOMEM, "out of memory");
            goto out;
        }
    }
    if (apl_buf_puts(&path, "/") != 0) {
        status = apl_error_set(err, APILO_E_NOMEM, "out of memory");
        goto out;
    }

    status = apl_request(client, "GET", path.data, NULL, 0, &response, err);
    if (status == APILO_OK)
        status = apl_parse_body(&root, &response.body, err);
    if (status == APILO_OK)
        status = apl_decode_order(out, root, err);
    apl_json_decref(root);

out:
    apl_buf_free(&path);
    apl_response_free(&response);
    return status;
}

static const char *map_path(apilo_order_map_kind kind)
{
    switch (kind) {
    case APILO_MAP_ORDER_STATUS:
        return "/rest/api/orders/status/map/";
    case APILO_MAP_PAYMENT_TYPE:
        return "/rest/api/orders/payment/map/";
    case APILO_MAP_PLATFORM:
        return "/rest/api/orders/platform/map/";
    case APILO_MAP_CARRIER:
        return "/rest/api/orders/carrier/map/";
    case APILO_MAP_CARRIER_ACCOUNT:
        return "/rest/api/orders/carrier-account/map/";
    case APILO_MAP_DOCUMENT_TYPE:
        return "/rest/api/orders/documents/map/";
    case APILO_MAP_TAG:
        return "/rest/api/orders/tag/map/";
    case APILO_MAP_SHIPMENT_STATUS:
        return "/rest/api/orders/shipment/status/map/";
    }
    return NULL;
}

apilo_status apilo_orders_map_get(apilo_client *client, apilo_order_map_kind kind, apilo_map **out,
                                  apilo_error *err)
{
    const char *path = map_path(kind);
    apl_json *root = NULL;
    apilo_status status;

    if (!out)
        return apl_error_set(err, APILO_E_INVALID, "no place for the map was given");
    *out = NULL;
    if (!client || !path)
        return apl_error_set(err, APILO_E_INVALID, "a client and a known map kind are required");

    status = apl_get_json(client, path, &root, err);
    if (status == APILO_OK)
        status = apl_decode_map(out, root, err);
    apl_json_decref(root);
    return status;
}
