/*
 * libFuzzer harness for libapilo's JSON decoders (both backends).
 *
 * The first input byte picks a target, the rest is the JSON body:
 *   byte % 5 == 0  apilo_order_page_decode (public, parser copies the text)
 *   byte % 5 == 1  apilo_order_decode
 *   byte % 5 == 2  apilo_map_decode
 *   byte % 5 == 3  in place: apl_buf + apl_parse_body (padding, document reuse), then
 *                  (byte / 5) % 4 picks apl_decode_order_page / _order / _whoami /
 *                  _token_response; (byte / 20) & 1 keeps a decoded page alive across inputs;
 *                  (byte / 40) & 1 parses the first copy with apl_parse_text instead.
 *                  Each input is parsed three times: A; B while A lives; A freed; C (which
 *                  takes A's document from the thread's spare) while B lives.
 *   byte % 5 == 4  apl_error_from_http with the body, (byte / 5) % 12 picks the HTTP status.
 *
 * Every successful decode has each string strlen'd, each array element read, and each order's
 * raw JSON dumped (apilo_order_raw_json) and decoded again: that must succeed with the same id
 * and array sizes, or the harness aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apilo/apilo.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void touch_str(const char *text)
{
    if (text)
        sink += strlen(text);
}

static void touch_int(apilo_opt_int value)
{
    if (value.set)
        sink += (size_t)value.value;
}

static void touch_time(apilo_opt_time value)
{
    if (value.set)
        sink += (size_t)value.value.unix_seconds + (size_t)value.value.offset_minutes;
}

static void touch_address(const apilo_address *a)
{
    if (!a)
        return;
    touch_int(a->id);
    touch_str(a->name);
    touch_str(a->phone);
    touch_str(a->email);
    touch_str(a->street_name);
    touch_str(a->street_number);
    touch_str(a->city);
    touch_str(a->zip_code);
    touch_str(a->country);
    touch_str(a->department);
    touch_str(a->parcel_id_external);
    touch_str(a->parcel_name);
    touch_str(a->address_class);
    touch_str(a->company_tax_number);
    touch_str(a->company_name);
}

static int same_text(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static void touch_order(const apilo_order *o, int roundtrip)
{
    touch_str(o->id);
    touch_int(o->status);
    touch_str(o->id_external);
    sink += (size_t)o->is_invoice.set + (size_t)o->is_invoice.value;
    touch_str(o->customer_login);
    touch_int(o->payment_status);
    touch_int(o->payment_type);
    touch_str(o->original_currency);
    touch_str(o->original_amount_total_without_tax);
    touch_str(o->original_amount_total_with_tax);
    touch_str(o->original_amount_total_paid);
    touch_time(o->send_date_min);
    touch_time(o->send_date_max);
    sink += (size_t)o->is_encrypted.set + (size_t)o->is_encrypted.value;
    touch_time(o->created_at);
    touch_time(o->updated_at);
    touch_time(o->ordered_at);
    for (size_t i = 0; i < o->items_count; i++) {
        const apilo_order_item *it = &o->items[i];
        touch_int(it->id);
        touch_str(it->id_external);
        touch_str(it->ean);
        touch_str(it->sku);
        touch_str(it->original_name);
        touch_str(it->original_code);
        touch_str(it->original_price_with_tax);
        touch_str(it->original_price_without_tax);
        touch_str(it->media);
        touch_int(it->quantity);
        touch_str(it->tax);
        touch_int(it->product_set);
        touch_int(it->status);
        touch_str(it->unit);
        touch_int(it->type);
        touch_int(it->product_id);
    }
    for (size_t i = 0; i < o->payments_count; i++) {
        const apilo_order_payment *p = &o->payments[i];
        touch_int(p->id);
        touch_str(p->id_external);
        touch_str(p->amount);
        touch_str(p->payment_date_text);
        touch_time(p->payment_date);
        touch_int(p->type);
        touch_str(p->comment);
        touch_str(p->currency);
    }
    for (size_t i = 0; i < o->notes_count; i++) {
        const apilo_order_note *n = &o->notes[i];
        touch_int(n->id);
        touch_int(n->type);
        touch_str(n->created_at_text);
        touch_time(n->created_at);
        touch_str(n->comment);
    }
    touch_address(o->address_customer);
    touch_address(o->address_delivery);
    touch_address(o->address_invoice);
    touch_int(o->carrier_account);
    touch_int(o->platform_id);
    sink += (size_t)o->is_canceled_by_buyer.set + (size_t)o->is_canceled_by_buyer.value;
    touch_int(o->carrier_id);
    touch_int(o->platform_account_id);

    char *raw = apilo_order_raw_json(o);
    if (!raw)
        return;
    sink += strlen(raw);
    if (roundtrip) {
        /* The raw JSON of a decoded order is an order that decodes the same way. */
        apilo_error err = APILO_ERROR_INIT;
        apilo_order *again = NULL;
        apilo_status status = apilo_order_decode(&again, raw, strlen(raw), &err);

        if (status != APILO_OK || !same_text(again->id, o->id) ||
            again->items_count != o->items_count || again->payments_count != o->payments_count ||
            again->notes_count != o->notes_count ||
            !!again->address_customer != !!o->address_customer) {
            fprintf(stderr, "raw JSON round trip differs: status %d (%s) raw=%s\n", (int)status,
                    err.message ? err.message : "", raw);
            abort();
        }
        touch_order(again, 0);
        apilo_order_free(again);
        apilo_error_clear(&err);
    }
    apilo_free(raw);
}

static void touch_page(const apilo_order_page *page)
{
    if (!page)
        return;
    touch_int(page->total_count);
    touch_int(page->current_offset);
    touch_int(page->page_result_count);
    for (size_t i = 0; i < page->count; i++)
        touch_order(&page->orders[i], 1);
}

static void touch_map(const apilo_map *map)
{
    for (size_t i = 0; i < map->count; i++) {
        touch_int(map->entries[i].id);
        touch_str(map->entries[i].key);
        touch_str(map->entries[i].name);
        touch_str(map->entries[i].description);
        if (map->entries[i].id.set)
            touch_str(apilo_map_name(map, map->entries[i].id.value));
    }
}

static void touch_whoami(const apilo_whoami *w)
{
    for (size_t i = 0; i < w->count; i++) {
        touch_int(w->entries[i].client_id);
        touch_str(w->entries[i].name);
        touch_str(w->entries[i].valid_to_text);
        touch_time(w->entries[i].valid_to);
    }
}

static void touch_error(const apilo_error *err)
{
    touch_str(err->message);
    touch_str(err->description);
    touch_str(err->field);
    touch_str(err->path);
    for (size_t i = 0; i < err->errors_count; i++) {
        touch_str(err->errors[i].field);
        touch_str(err->errors[i].message);
        sink += (size_t)err->errors[i].code;
    }
    char *line = apilo_error_format(err);
    touch_str(line);
    apilo_free(line);
}

/* ---- in place --------------------------------------------------------------------------- */

/* A page kept alive from one input to the next (byte bit), touched before it is dropped. */
static apilo_order_page *kept_page;

typedef struct model {
    int kind;
    apilo_order_page *page;
    apilo_order *order;
    apilo_whoami *whoami;
    apilo_token_set tokens;
    int have_tokens;
} model;

static void model_touch(const model *m)
{
    switch (m->kind) {
    case 0:
        touch_page(m->page);
        break;
    case 1:
        if (m->order)
            touch_order(m->order, 1);
        break;
    case 2:
        if (m->whoami)
            touch_whoami(m->whoami);
        break;
    case 3:
        if (m->have_tokens) {
            touch_str(m->tokens.access_token);
            touch_str(m->tokens.refresh_token);
            sink += (size_t)m->tokens.access_expires_at + (size_t)m->tokens.refresh_expires_at;
        }
        break;
    }
}

static void model_free(model *m)
{
    apilo_order_page_free(m->page);
    apilo_order_free(m->order);
    apilo_whoami_free(m->whoami);
    if (m->have_tokens)
        apilo_token_set_clear(&m->tokens);
    memset(m, 0, sizeof *m);
}

/* Parse a copy of the body as the client does (apl_get_json: parse, then free the body) and
 * decode it; the model's strings must not depend on the body buffer. */
static void model_decode(model *m, int kind, const char *text, size_t len, int from_text)
{
    apilo_error err = APILO_ERROR_INIT;
    apl_buf body = APL_BUF_INIT;
    apl_json *root = NULL;
    apilo_status status;

    memset(m, 0, sizeof *m);
    m->kind = kind;
    if (apl_buf_append(&body, text, len) != 0)
        abort();
    if (from_text)
        status = apl_parse_text(&root, body.data, body.len, &err);
    else
        status = apl_parse_body(&root, &body, &err);
    /* Wipe and free the body first, as auth.c and apl_get_json do. */
    if (body.data)
        memset(body.data, 0xA5, body.cap);
    apl_buf_free(&body);
    if (status == APILO_OK) {
        switch (kind) {
        case 0:
            status = apl_decode_order_page(&m->page, root, &err);
            break;
        case 1:
            status = apl_decode_order(&m->order, root, &err);
            break;
        case 2:
            status = apl_decode_whoami(&m->whoami, root, &err);
            break;
        default:
            status = apl_decode_token_response(&m->tokens, root, &err);
            m->have_tokens = status == APILO_OK;
            break;
        }
        apl_json_decref(root);
    }
    touch_error(&err);
    apilo_error_clear(&err);
    if (status == APILO_OK)
        model_touch(m);
}

static void run_in_place(uint8_t selector, const char *text, size_t len)
{
    int kind = (selector / 5) % 4;
    int keep = (selector / 20) & 1;
    int from_text = (selector / 40) & 1;
    model a, b, c;

    model_decode(&a, kind, text, len, from_text);
    model_decode(&b, kind, text, len, 0); /* while A lives */
    model_touch(&a);
    model_touch(&b);
    model_free(&a);                       /* A's document becomes the thread's spare... */
    model_decode(&c, kind, text, len, 0); /* ...and C takes it */
    model_touch(&b);
    model_touch(&c);
    if (keep && kind == 0 && c.page) {
        touch_page(kept_page);
        apilo_order_page_free(kept_page);
        kept_page = c.page;
        c.page = NULL;
    }
    model_free(&b);
    model_free(&c);
}

/* ---- entry ------------------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const long statuses[] = {400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 418, 302};
    apilo_error err = APILO_ERROR_INIT;
    const char *text;
    size_t len;
    uint8_t selector;

    if (size < 1)
        return 0;
    selector = data[0];
    text = (const char *)data + 1;
    len = size - 1;

    /* Whatever page was kept from an earlier input must still be intact. */
    touch_page(kept_page);

    switch (selector % 5) {
    case 0: {
        apilo_order_page *page = NULL;
        if (apilo_order_page_decode(&page, text, len, &err) == APILO_OK)
            touch_page(page);
        apilo_order_page_free(page);
        break;
    }
    case 1: {
        apilo_order *order = NULL;
        if (apilo_order_decode(&order, text, len, &err) == APILO_OK)
            touch_order(order, 1);
        apilo_order_free(order);
        break;
    }
    case 2: {
        apilo_map *map = NULL;
        if (apilo_map_decode(&map, text, len, &err) == APILO_OK)
            touch_map(map);
        apilo_map_free(map);
        break;
    }
    case 3:
        run_in_place(selector, text, len);
        break;
    default: {
        long http = statuses[(selector / 5) % (sizeof statuses / sizeof statuses[0])];
        apl_error_from_http(&err, http, text, len, "GET",
                            (selector & 0x80) ? "https://user:pw@h/rest/api/orders/?a=1#x"
                                              : "/rest/api/orders/AL1/");
        break;
    }
    }
    touch_error(&err);
    apilo_error_clear(&err);
    return 0;
}
