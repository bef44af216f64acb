/*
 * libapilo — orders: typed models, the list query, pages, an iterator over all pages, one order
 * with its detail, and the order maps (dictionaries). Ownership rules: see common.h.
 *
 * Strings in models are NULL when the field was absent or null. Money is kept as the exact
 * decimal text ("1259.98"), never as a double. Every model keeps its raw JSON object reachable
 * through apilo_order_raw_json, so fields the API adds later are not lost.
 *
 * A model's strings, arrays and addresses are borrowed from the model itself: they point into
 * the parsed response it keeps, and stay valid until the model is freed (for an order in a
 * page, until the page is freed). Never free or modify them; copy what must outlive the model.
 */
#ifndef APILO_ORDERS_H
#define APILO_ORDERS_H

#include "apilo/client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apilo_order_item {
    apilo_opt_int id;
    const char *id_external;
    const char *ean;
    const char *sku;
    const char *original_name;
    const char *original_code;
    const char *original_price_with_tax;    /* decimal text */
    const char *original_price_without_tax; /* decimal text */
    const char *media;
    apilo_opt_int quantity;
    const char *tax; /* decimal text: "23.00"; "" not given; "-1" exempt */
    apilo_opt_int product_set;
    apilo_opt_int status;
    const char *unit;
    apilo_opt_int type; /* 1 product, 2 shipping, 3 service */
    apilo_opt_int product_id;
} apilo_order_item;

typedef struct apilo_address {
    apilo_opt_int id;
    const char *name;
    const char *phone;
    const char *email;
    const char *street_name;
    const char *street_number;
    const char *city;
    const char *zip_code;
    const char *country;
    const char *department;
    const char *parcel_id_external;
    const char *parcel_name;
    const char *address_class; /* wire name "class" */
    const char *company_tax_number;
    const char *company_name;
} apilo_address;

typedef struct apilo_order_payment {
    apilo_opt_int id;
    const char *id_external;
    const char *amount; /* decimal text */
    const char *payment_date_text;
    apilo_opt_time payment_date;
    apilo_opt_int type;
    const char *comment;
    const char *currency;
} apilo_order_payment;

typedef struct apilo_order_note {
    apilo_opt_int id;
    apilo_opt_int type; /* 1 message from the client, 2 internal */
    const char *created_at_text;
    apilo_opt_time created_at;
    const char *comment;
} apilo_order_note;

/* One order: the list item (#8) fills a subset; the detail (#10) fills everything it has. */
typedef struct apilo_order {
    const char *id;
    apilo_opt_int status;
    const char *id_external;
    apilo_opt_bool is_invoice;
    const char *customer_login;
    apilo_opt_int payment_status;  /* 0 none, 1 partial, 2 paid, 3 overpaid */
    apilo_opt_int payment_type;
    const char *original_currency;
    const char *original_amount_total_without_tax; /* decimal text */
    const char *original_amount_total_with_tax;    /* decimal text */
    const char *original_amount_total_paid;        /* decimal text */
    apilo_opt_time send_date_min;
    apilo_opt_time send_date_max;
    apilo_opt_bool is_encrypted;
    apilo_opt_time created_at;
    apilo_opt_time updated_at;
    apilo_opt_time ordered_at;
    apilo_order_item *items;
    size_t items_count;
    apilo_order_payment *payments;
    size_t payments_count;
    apilo_order_note *notes;
    size_t notes_count;
    apilo_address *address_customer; /* NULL when absent */
    apilo_address *address_delivery;
    apilo_address *address_invoice;
    apilo_opt_int carrier_account;
    apilo_opt_int platform_id;
    apilo_opt_bool is_canceled_by_buyer;
    apilo_opt_int carrier_id;
    apilo_opt_int platform_account_id;
    void *raw;    /* internal: the raw JSON object; use apilo_order_raw_json */
    void *memory; /* internal: what a standalone order keeps alive (NULL in a page) */
} apilo_order;

/* The raw JSON object of the order as a new compact string (apilo_free), or NULL on OOM. */
APILO_EXTERN char *apilo_order_raw_json(const apilo_order *order);

/*
 * Decode one order from JSON text (a list item or a detail). Used by the client and handy for
 * tests and offline tools. The caller frees the result with apilo_order_free.
 */
APILO_EXTERN apilo_status apilo_order_decode(apilo_order **out, const char *json, size_t len,
                                             apilo_error *err);

APILO_EXTERN void apilo_order_free(apilo_order *order);

/* ---- listing ---------------------------------------------------------------------------- */

typedef enum apilo_orders_sort {
    APILO_ORDERS_SORT_NONE = 0,
    APILO_ORDERS_SORT_CREATED_AT_ASC,
    APILO_ORDERS_SORT_CREATED_AT_DESC,
    APILO_ORDERS_SORT_UPDATED_AT_ASC,
    APILO_ORDERS_SORT_UPDATED_AT_DESC,
    APILO_ORDERS_SORT_ORDERED_AT_ASC,
    APILO_ORDERS_SORT_ORDERED_AT_DESC
} apilo_orders_sort;

/* Map a wire name ("createdAtDesc") to the enum; APILO_E_INVALID when unknown. */
APILO_EXTERN apilo_status apilo_orders_sort_parse(apilo_orders_sort *out, const char *name);
/* The wire name of a sort, or NULL for NONE/unknown. */
APILO_EXTERN const char *apilo_orders_sort_name(apilo_orders_sort sort);

#define APILO_ORDERS_MAX_LIMIT 512

/*
 * Every documented filter of GET /rest/api/orders/. Zero it (or use APILO_ORDERS_QUERY_INIT);
 * unset fields are not sent. Strings and the status array are borrowed for the call.
 */
typedef struct apilo_orders_query {
    apilo_opt_time created_after;
    apilo_opt_time created_before;
    apilo_opt_time ordered_after;
    apilo_opt_time ordered_before;
    apilo_opt_time updated_after;
    apilo_opt_time updated_before;
    apilo_opt_int is_order_document; /* 0 or 1 */
    const char *id;                  /* ^[A-Za-z0-9.|]{10,11}$ */
    const char *id_external;         /* at most 36 characters */
    apilo_opt_int order_status;      /* >= 1 */
    const int64_t *order_status_ids; /* each >= 1; sent as orderStatusIds[] */
    size_t order_status_ids_count;
    apilo_opt_int payment_status;    /* 0..3 (docs say >= 1; 0 is accepted and sent) */
    apilo_opt_int payment_type;      /* >= 1 */
    apilo_opt_int platform_account_id; /* >= 1 */
    apilo_opt_int carrier_id;        /* >= 1 */
    const char *email;               /* 1..128 characters */
    apilo_orders_sort sort;
    apilo_opt_int offset;            /* >= 0 */
    apilo_opt_int limit;             /* >= 1; above 512 is clamped to 512 (logged) */
} apilo_orders_query;

#define APILO_ORDERS_QUERY_INIT {0}

/*
 * Check a query without sending it. APILO_E_INVALID with err->field naming the wire name of the
 * first bad filter.
 */
APILO_EXTERN apilo_status apilo_orders_query_validate(const apilo_orders_query *query,
                                                      apilo_error *err);

/*
 * The query string ("?createdAfter=...&limit=..."), percent-encoded, for the query; a new
 * string (apilo_free). Exposed for tests and tracing.
 */
APILO_EXTERN apilo_status apilo_orders_query_string(char **out, const apilo_orders_query *query,
                                                    apilo_error *err);

/* One page of the list with its envelope counters (which may arrive as strings). */
typedef struct apilo_order_page {
    apilo_order *orders; /* array of `count` orders */
    size_t count;
    apilo_opt_int total_count;
    apilo_opt_int current_offset;
    apilo_opt_int page_result_count;
    void *memory; /* internal: the parsed response and arena the orders borrow from */
} apilo_order_page;

/* GET /rest/api/orders/ once. The caller frees the page with apilo_order_page_free. */
APILO_EXTERN apilo_status apilo_orders_list(apilo_client *client, const apilo_orders_query *query,
                                            apilo_order_page **out, apilo_error *err);

/* Decode a list response body (used by apilo_orders_list; exposed for tests and tools). */
APILO_EXTERN apilo_status apilo_order_page_decode(apilo_order_page **out, const char *json,
                                                  size_t len, apilo_error *err);

APILO_EXTERN void apilo_order_page_free(apilo_order_page *page);

/*
 * Iterate over every order matching a query, one page in memory at a time. Every page request
 * carries the caller's full query; only offset changes, advancing by the rows received. Stops
 * at an empty page, or when offset reaches totalCount after a page shorter than asked for; a
 * full page at totalCount is followed by one more request, so a totalCount that is too small
 * loses no orders. `max_items` > 0 stops earlier.
 */
typedef struct apilo_orders_iter apilo_orders_iter;

/* The query is copied. page_size 0 = the query's limit, or 512. */
APILO_EXTERN apilo_status apilo_orders_iter_new(apilo_orders_iter **out, apilo_client *client,
                                                const apilo_orders_query *query,
                                                int page_size, int64_t max_items,
                                                apilo_error *err);

/*
 * Next order: APILO_OK with a borrowed order valid until the next call, APILO_ITER_OVER at the
 * end, or a failure (the iterator can be retried: it resumes at the same offset).
 */
APILO_EXTERN apilo_status apilo_orders_iter_next(apilo_orders_iter *iter, const apilo_order **out,
                                                 apilo_error *err);

/* The offset of the next page to fetch: persist it to resume a killed export. */
APILO_EXTERN int64_t apilo_orders_iter_offset(const apilo_orders_iter *iter);

/* totalCount of the last page (-1 before the first), and pages fetched so far. */
APILO_EXTERN int64_t apilo_orders_iter_total(const apilo_orders_iter *iter);
APILO_EXTERN uint64_t apilo_orders_iter_pages(const apilo_orders_iter *iter);

/*
 * Non-zero when the totals disagreed with what was received (totalCount changed between pages,
 * or a page came back empty before offset reached totalCount). Also logged as a warning.
 */
APILO_EXTERN int apilo_orders_iter_totals_mismatch(const apilo_orders_iter *iter);

APILO_EXTERN void apilo_orders_iter_free(apilo_orders_iter *iter);

/* GET /rest/api/orders/{id}/ with its full detail. The caller frees it with apilo_order_free. */
APILO_EXTERN apilo_status apilo_orders_get(apilo_client *client, const char *order_id,
                                           apilo_order **out, apilo_error *err);

/* Check an order id against ^[A-Za-z0-9.|]{10,11}$. Returns non-zero when valid. */
APILO_EXTERN int apilo_order_id_valid(const char *order_id);

/* ---- maps ------------------------------------------------------------------------------- */

typedef enum apilo_order_map_kind {
    APILO_MAP_ORDER_STATUS = 0,   /* /rest/api/orders/status/map/ */
    APILO_MAP_PAYMENT_TYPE,       /* /rest/api/orders/payment/map/ */
    APILO_MAP_PLATFORM,           /* /rest/api/orders/platform/map/ */
    APILO_MAP_CARRIER,            /* /rest/api/orders/carrier/map/ */
    APILO_MAP_CARRIER_ACCOUNT,    /* /rest/api/orders/carrier-account/map/ */
    APILO_MAP_DOCUMENT_TYPE,      /* /rest/api/orders/documents/map/ */
    APILO_MAP_TAG,                /* /rest/api/orders/tag/map/ */
    APILO_MAP_SHIPMENT_STATUS     /* /rest/api/orders/shipment/status/map/ */
} apilo_order_map_kind;

typedef struct apilo_map_entry {
    apilo_opt_int id; /* number or numeric string on the wire */
    const char *key;  /* strings borrowed from the map */
    const char *name;
    const char *description;
} apilo_map_entry;

typedef struct apilo_map {
    apilo_map_entry *entries;
    size_t count;
    void *memory; /* internal */
} apilo_map;

/* GET one order map (a bare JSON array). The caller frees it with apilo_map_free. */
APILO_EXTERN apilo_status apilo_orders_map_get(apilo_client *client, apilo_order_map_kind kind,
                                               apilo_map **out, apilo_error *err);

/* Decode a map body (bare array). Exposed for tests. */
APILO_EXTERN apilo_status apilo_map_decode(apilo_map **out, const char *json, size_t len,
                                           apilo_error *err);

/* The entry's name for an id, borrowed, or NULL. */
APILO_EXTERN const char *apilo_map_name(const apilo_map *map, int64_t id);

APILO_EXTERN void apilo_map_free(apilo_map *map);

#ifdef __cplusplus
}
#endif

#endif
