/*
 * GET /rest/api/orders/ and GET /rest/api/orders/{id}/. The query string is parsed from the raw
 * text the client sent, the way PHP does it (a `+` is a space, `[]` and `%5B%5D` are the same
 * key, the last value of a repeated scalar wins), so an unencoded `+` in a date breaks the date
 * exactly as it does on the real server. Pages are built by concatenating stored JSON texts.
 */
#include "sandbox.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGE_ROWS 512
#define MAX_STATUS_IDS 64

enum scalar_param {
    P_CREATED_AFTER,
    P_CREATED_BEFORE,
    P_ORDERED_AFTER,
    P_ORDERED_BEFORE,
    P_UPDATED_AFTER,
    P_UPDATED_BEFORE,
    P_IS_ORDER_DOCUMENT,
    P_ID,
    P_ID_EXTERNAL,
    P_ORDER_STATUS,
    P_PAYMENT_STATUS,
    P_PAYMENT_TYPE,
    P_PLATFORM_ACCOUNT_ID,
    P_CARRIER_ID,
    P_EMAIL,
    P_SORT,
    P_OFFSET,
    P_LIMIT,
    P_COUNT
};

static const char *const scalar_names[P_COUNT] = {
    "createdAfter",
    "createdBefore",
    "orderedAfter",
    "orderedBefore",
    "updatedAfter",
    "updatedBefore",
    "isOrderDocument",
    "id",
    "idExternal",
    "orderStatus",
    "paymentStatus",
    "paymentType",
    "platformAccountId",
    "carrierId",
    "email",
    "sort",
    "offset",
    "limit",
};

/* The date filters in enum order: column and comparison. `After` is inclusive and `Before`
   exclusive, so adjacent windows split the orders without overlap. */
static const char *const date_clauses[6] = {
    "created_at >= ?", "created_at < ?",  "ordered_at >= ?",
    "ordered_at < ?",  "updated_at >= ?", "updated_at < ?",
};

static const struct {
    const char *name;
    const char *column;
    const char *direction;
} sorts[] = {
    {"createdAtAsc", "created_at", "ASC"}, {"createdAtDesc", "created_at", "DESC"},
    {"updatedAtAsc", "updated_at", "ASC"}, {"updatedAtDesc", "updated_at", "DESC"},
    {"orderedAtAsc", "ordered_at", "ASC"}, {"orderedAtDesc", "ordered_at", "DESC"},
};

typedef struct order_query {
    char *scalars[P_COUNT];
    long status_ids[MAX_STATUS_IDS];
    size_t status_id_count;
    bool status_ids_invalid;
} order_query;

typedef struct bind_value {
    bool is_text;
    int64_t number;
    const char *text;
} bind_value;

typedef struct order_filter {
    sbx_buf where;
    bind_value binds[P_COUNT + MAX_STATUS_IDS];
    int bind_count;
    int sort; /* index into sorts */
    long offset;
    long limit;
} order_filter;

static void query_free(order_query *query)
{
    for (int i = 0; i < P_COUNT; i++)
        free(query->scalars[i]);
}

static int parse_long(const char *text, long *out)
{
    char *end = NULL;
    long value;

    if (!text || !*text || isspace((unsigned char)*text))
        return -1;
    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = value;
    return 0;
}

static bool is_status_ids_key(const char *key)
{
    size_t len = strlen(key);

    /* PHP array syntax: orderStatusIds[] or an indexed orderStatusIds[3]. */
    return strncmp(key, "orderStatusIds[", 15) == 0 && key[len - 1] == ']';
}

static void query_add(order_query *query, char *key, char *value)
{
    if (is_status_ids_key(key)) {
        long id;

        if (parse_long(value, &id) != 0 || id < 1 || query->status_id_count == MAX_STATUS_IDS)
            query->status_ids_invalid = true;
        else
            query->status_ids[query->status_id_count++] = id;
        free(value);
        free(key);
        return;
    }
    for (int i = 0; i < P_COUNT; i++) {
        if (strcmp(key, scalar_names[i]) == 0) {
            free(query->scalars[i]);
            query->scalars[i] = value;
            free(key);
            return;
        }
    }
    /* Unknown parameters are ignored, as a PHP controller ignores them. */
    free(value);
    free(key);
}

static void query_parse(const char *raw, order_query *query)
{
    const char *p = raw;

    while (*p) {
        size_t pair_len = strcspn(p, "&");
        const char *eq = memchr(p, '=', pair_len);
        size_t key_len = eq ? (size_t)(eq - p) : pair_len;

        if (key_len > 0) {
            char *key = sbx_percent_decode(p, key_len, true);
            char *value =
                eq ? sbx_percent_decode(eq + 1, pair_len - key_len - 1, true) : sbx_xstrdup("");

            query_add(query, key, value);
        }
        p += pair_len;
        if (*p == '&')
            p++;
    }
}

static void bind_number(order_filter *filter, const char *clause, int64_t number)
{
    sbx_buf_adds(&filter->where, filter->where.len ? " AND " : " WHERE ");
    sbx_buf_adds(&filter->where, clause);
    filter->binds[filter->bind_count++] = (bind_value){.number = number};
}

static void bind_text(order_filter *filter, const char *clause, const char *text)
{
    sbx_buf_adds(&filter->where, filter->where.len ? " AND " : " WHERE ");
    sbx_buf_adds(&filter->where, clause);
    filter->binds[filter->bind_count++] = (bind_value){.is_text = true, .text = text};
}

static int invalid(sbx_reply *reply, const char *field, const char *description)
{
    sbx_reply_error(reply, 422, "Validation failed", description, field);
    return -1;
}

static bool valid_order_id(const char *text)
{
    size_t len = strlen(text);

    if (len < 10 || len > 11)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)text[i]) && text[i] != '.' && text[i] != '|')
            return false;
    }
    return true;
}

/* An integer filter that must be at least `min` (and at most `max` when max >= min). */
static int int_filter(const order_query *query, order_filter *filter, int param, long min, long max,
                      const char *clause, sbx_reply *reply)
{
    const char *text = query->scalars[param];
    long value;

    if (!text)
        return 0;
    if (parse_long(text, &value) != 0 || value < min || (max >= min && value > max))
        return invalid(reply, scalar_names[param], "Must be an integer in the documented range");
    bind_number(filter, clause, value);
    return 0;
}

static int build_filter(const order_query *query, order_filter *filter, sbx_reply *reply)
{
    const char *const *s = (const char *const *)query->scalars;

    for (int param = P_CREATED_AFTER; param <= P_UPDATED_BEFORE; param++) {
        int64_t when;

        if (!s[param])
            continue;
        if (sbx_parse_datetime(s[param], &when) != 0)
            return invalid(reply, scalar_names[param],
                           "Must be a date-time like 2022-03-01T14:40:33+0200 (encode + as %2B)");
        bind_number(filter, date_clauses[param], when);
    }
    if (int_filter(query, filter, P_IS_ORDER_DOCUMENT, 0, 1, "has_document = ?", reply) ||
        int_filter(query, filter, P_ORDER_STATUS, 1, 0, "status = ?", reply) ||
        int_filter(query, filter, P_PAYMENT_STATUS, 0, 3, "payment_status = ?", reply) ||
        int_filter(query, filter, P_PAYMENT_TYPE, 1, 0, "payment_type = ?", reply) ||
        int_filter(query, filter, P_PLATFORM_ACCOUNT_ID, 1, 0, "platform_account_id = ?", reply) ||
        int_filter(query, filter, P_CARRIER_ID, 1, 0, "carrier_id = ?", reply))
        return -1;

    if (s[P_ID]) {
        if (!valid_order_id(s[P_ID]))
            return invalid(reply, "id", "Must match ^[A-Za-z0-9.|]{10,11}$");
        bind_text(filter, "id = ?", s[P_ID]);
    }
    if (s[P_ID_EXTERNAL]) {
        if (!*s[P_ID_EXTERNAL] || strlen(s[P_ID_EXTERNAL]) > 36)
            return invalid(reply, "idExternal", "Must be 1 to 36 characters");
        bind_text(filter, "id_external = ?", s[P_ID_EXTERNAL]);
    }
    if (s[P_EMAIL]) {
        if (!*s[P_EMAIL] || strlen(s[P_EMAIL]) > 128)
            return invalid(reply, "email", "Must be 1 to 128 characters");
        bind_text(filter, "email = ? COLLATE NOCASE", s[P_EMAIL]);
    }
    if (query->status_ids_invalid)
        return invalid(reply, "orderStatusIds", "Every item must be an integer >= 1");
    if (query->status_id_count > 0) {
        sbx_buf_adds(&filter->where, filter->where.len ? " AND status IN (" : " WHERE status IN (");
        for (size_t i = 0; i < query->status_id_count; i++) {
            sbx_buf_adds(&filter->where, i ? ",?" : "?");
            filter->binds[filter->bind_count++] = (bind_value){.number = query->status_ids[i]};
        }
        sbx_buf_addc(&filter->where, ')');
    }

    filter->sort = 0;
    if (s[P_SORT]) {
        size_t i;

        for (i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
            if (strcmp(s[P_SORT], sorts[i].name) == 0)
                break;
        }
        if (i == sizeof sorts / sizeof sorts[0])
            return invalid(reply, "sort",
                           "Must be one of createdAtAsc, createdAtDesc, "
                           "updatedAtAsc, updatedAtDesc, orderedAtAsc, "
                           "orderedAtDesc");
        filter->sort = (int)i;
    }

    filter->offset = 0;
    if (s[P_OFFSET] && (parse_long(s[P_OFFSET], &filter->offset) != 0 || filter->offset < 0))
        return invalid(reply, "offset", "Must be an integer >= 0");
    filter->limit = MAX_PAGE_ROWS;
    if (s[P_LIMIT] && (parse_long(s[P_LIMIT], &filter->limit) != 0 || filter->limit < 1))
        return invalid(reply, "limit", "Must be an integer from 1 to 512");
    /* The real API serves a larger limit as its maximum page rather than refusing it (C5). */
    if (filter->limit > MAX_PAGE_ROWS)
        filter->limit = MAX_PAGE_ROWS;
    return 0;
}

static sqlite3_stmt *prepare_filtered(sbx_state *state, const char *head, const order_filter *f,
                                      const char *tail)
{
    sqlite3_stmt *stmt = NULL;
    sbx_buf sql = {0};

    sbx_buf_adds(&sql, head);
    if (f->where.data)
        sbx_buf_adds(&sql, f->where.data);
    sbx_buf_adds(&sql, tail);
    if (sqlite3_prepare_v2(state->db, sql.data, -1, &stmt, NULL) != SQLITE_OK)
        stmt = NULL;
    sbx_buf_free(&sql);
    if (!stmt)
        return NULL;

    for (int i = 0; i < f->bind_count; i++) {
        if (f->binds[i].is_text)
            sqlite3_bind_text(stmt, i + 1, f->binds[i].text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(stmt, i + 1, f->binds[i].number);
    }
    return stmt;
}

static int count_matching(sbx_state *state, const order_filter *filter, int64_t *out)
{
    sqlite3_stmt *stmt = prepare_filtered(state, "SELECT COUNT(*) FROM orders", filter, "");
    int rc;

    if (!stmt)
        return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

static int append_page(sbx_state *state, const order_filter *filter, long rows, sbx_buf *out,
                       long *out_rows)
{
    sbx_buf tail = {0};
    sqlite3_stmt *stmt;
    long received = 0;
    int rc;

    const char *column = sorts[filter->sort].column;
    const char *direction = sorts[filter->sort].direction;
    sbx_buf head = {0};

    /* Skip the offset over the sort index alone, then fetch the page's JSON by rowid: reading
       every skipped row would make deep pages cost milliseconds per thousand rows. Ties are
       broken by id so offset paging never repeats or skips an order. */
    sbx_buf_addf(&head,
                 "SELECT o.list_json FROM (SELECT rowid AS row_id, %s AS sort_key, id"
                 " FROM orders",
                 column);
    sbx_buf_addf(&tail,
                 " ORDER BY %s %s, id %s LIMIT %ld OFFSET %ld) AS page CROSS JOIN orders AS o"
                 " ON o.rowid = page.row_id ORDER BY page.sort_key %s, page.id %s",
                 column, direction, direction, rows, filter->offset, direction, direction);
    stmt = prepare_filtered(state, head.data, filter, tail.data);
    sbx_buf_free(&head);
    sbx_buf_free(&tail);
    if (!stmt)
        return -1;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *json = (const char *)sqlite3_column_text(stmt, 0);
        int len = sqlite3_column_bytes(stmt, 0);

        if (received > 0)
            sbx_buf_addc(out, ',');
        sbx_buf_add(out, json, (size_t)len);
        received++;
    }
    sqlite3_finalize(stmt);
    *out_rows = received;
    return rc == SQLITE_DONE ? 0 : -1;
}

void sbx_orders_list(sbx_state *state, const sbx_request *req, sbx_reply *reply)
{
    order_query query = {0};
    order_filter filter = {0};
    sbx_buf body = {0};
    int64_t total = 0;
    long rows = 0;
    long page_rows;

    query_parse(req->raw_query, &query);
    if (build_filter(&query, &filter, reply) != 0)
        goto out;

    page_rows = filter.limit;
    if (state->faults.max_page_rows > 0 && state->faults.max_page_rows < page_rows)
        page_rows = state->faults.max_page_rows;

    sbx_buf_reserve(&body, (size_t)page_rows * 1600 + 128);
    sbx_buf_adds(&body, "{\"orders\":[");
    if (count_matching(state, &filter, &total) != 0 ||
        append_page(state, &filter, page_rows, &body, &rows) != 0) {
        sbx_reply_error(reply, 500, "Database error", sqlite3_errmsg(state->db), NULL);
        goto out;
    }
    total += state->faults.total_count_delta;
    if (total < 0)
        total = 0;
    sbx_buf_addf(&body, "],\"totalCount\":%lld,\"currentOffset\":%ld,\"pageResultCount\":%ld}",
                 (long long)total, filter.offset, rows);
    sbx_reply_json(reply, 200, sbx_buf_take(&body));

out:
    sbx_buf_free(&body);
    sbx_buf_free(&filter.where);
    query_free(&query);
}

void sbx_orders_get(sbx_state *state, const char *id, sbx_reply *reply)
{
    sqlite3_stmt *stmt = NULL;
    sbx_buf body = {0};

    if (sqlite3_prepare_v2(state->db, "SELECT list_json, extra_json FROM orders WHERE id = ?", -1,
                           &stmt, NULL) != SQLITE_OK) {
        sbx_reply_error(reply, 500, "Database error", sqlite3_errmsg(state->db), NULL);
        return;
    }
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        sbx_reply_error(reply, 404, "Order not found", "No order with this id", NULL);
        return;
    }

    /* The detail is the list item with the detail-only members spliced in before its brace. */
    {
        const char *list_json = (const char *)sqlite3_column_text(stmt, 0);
        int list_len = sqlite3_column_bytes(stmt, 0);
        const char *extra = (const char *)sqlite3_column_text(stmt, 1);
        int extra_len = sqlite3_column_bytes(stmt, 1);

        sbx_buf_add(&body, list_json, (size_t)(list_len > 0 ? list_len - 1 : 0));
        if (extra_len > 0) {
            sbx_buf_addc(&body, ',');
            sbx_buf_add(&body, extra, (size_t)extra_len);
        }
        sbx_buf_addc(&body, '}');
    }
    sqlite3_finalize(stmt);
    sbx_reply_json(reply, 200, sbx_buf_take(&body));
}
