/*
 * What the sandbox knows before the first request: the eight maps (the official samples plus
 * enough entries for realistic orders), the official order samples, and `--seed-orders N`
 * generated orders that only reference ids present in those maps.
 */
#include "sandbox.h"
#include "seed_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* ---- maps ----------------------------------------------------------------------------------- */

enum {
    MAP_STATUS,
    MAP_PAYMENT,
    MAP_PLATFORM,
    MAP_CARRIER,
    MAP_CARRIER_ACCOUNT,
    MAP_DOCUMENTS,
    MAP_TAG,
    MAP_SHIPMENT_STATUS,
    MAP_COUNT
};

static const struct {
    const char *path_name;
    const char *fixture;
    /* Entries beyond the sample, "id|key|name|description" per line; ids stay numbers except
       in the shipment status map, whose sample carries string ids. */
    const char *extra;
} map_specs[MAP_COUNT] = {
    {"status", "orders_status_map.200.json",
     "1|STATUS_1|Oczekuje na płatność|Oczekuje na płatność\n"
     "2|STATUS_2|Opłacone|Opłacone\n"
     "3|STATUS_3|Do wysłania|Do wysłania\n"
     "4|STATUS_4|Wysłane|Wysłane\n"
     "5|STATUS_5|Dostarczone|Dostarczone\n"
     "6|STATUS_6|Anulowane|Anulowane\n"
     "10|STATUS_10|Zwrot|Zwrot towaru\n"
     "11|STATUS_11|Reklamacja|Reklamacja\n"
     "12|STATUS_12|Zakończone|Zakończone\n"},
    {"payment", "orders_payment_map.200.json",
     "4|PAYMENT_TYPE_PAYPAL|PayPal|serwis PayPal\n"
     "5|PAYMENT_TYPE_SERVICE_PRZELEWY24|Przelewy24|serwis Przelewy24\n"
     "6|PAYMENT_TYPE_CARD|Karta płatnicza|karta płatnicza\n"
     "7|PAYMENT_TYPE_BLIK|BLIK|płatność BLIK\n"},
    {"platform", "orders_platform_map.200.json",
     "1|PLATFORM_SHOP_1|Sklep internetowy|Sklep www jankowalski.pl\n"
     "120|PLATFORM_EBAY_120|eBay|eBay kowalski_jan\n"
     "133|PLATFORM_KAUFLAND_133|Kaufland|Kaufland.pl Jan Kowalski\n"
     "140|PLATFORM_ERLI_140|Erli|Erli jan.kowalski\n"},
    {"carrier", "orders_carrier_map.200.json",
     "1|CARRIER_1|Kurier własny|\n"
     "7|CARRIER_260|DPD|\n"
     "9|CARRIER_261|DHL|\n"
     "11|CARRIER_262|GLS|\n"},
    {"carrier-account", "orders_carrier_account_map.200.json",
     "1|CARRIER_ACCOUNT_1_1|Kurier własny|Dostawa własna\n"
     "30|CARRIER_ACCOUNT_7_30|DPD Polska|DPD Classic\n"
     "31|CARRIER_ACCOUNT_9_31|DHL Parcel|DHL Parcel Polska\n"
     "32|CARRIER_ACCOUNT_5_32|Pocztex|Poczta Polska Pocztex\n"
     "33|CARRIER_ACCOUNT_11_33|GLS|GLS Poland\n"},
    {"documents", "orders_documents_map.200.json",
     "1|RECEIPT|Paragon|Paragon fiskalny\n"
     "16|ORDER_DOCUMENT|Dokument zamówienia|Dokument zamówienia\n"},
    {"tag", "orders_tag_map.200.json",
     "10|TAG_10|VIP|Stały klient, kolor: green-light\n"
     "11|TAG_11|Pilne|Pilna wysyłka, kolor: red\n"},
    {"shipment/status", "orders_shipment_status_map.200.json",
     "0|SHIPMENT_STATUS_0|Nowa|Nowa, jeszcze nie nadana\n"
     "1|SHIPMENT_STATUS_1|Poczekalnia|W poczekalni, nie nadana\n"
     "2|SHIPMENT_STATUS_2|Zarejestrowana|Zarejestrowana u przewoźnika\n"
     "21|SHIPMENT_STATUS_21|W doręczeniu|W doręczeniu\n"
     "9|SHIPMENT_STATUS_9|Usunięta|Usunięta\n"
     "31|SHIPMENT_STATUS_31|Do odbioru|Czeka na odbiór w punkcie\n"
     "32|SHIPMENT_STATUS_32|Zwrot / błąd|Zwrócona do nadawcy lub błąd\n"
     "100|SHIPMENT_STATUS_100|Odebrana|Odebrana przez adresata\n"
     "101|SHIPMENT_STATUS_101|Zwrot doręczony|Zwrot doręczony do nadawcy\n"},
};

int sbx_map_index(const char *name)
{
    for (int i = 0; i < MAP_COUNT; i++) {
        if (strcmp(name, map_specs[i].path_name) == 0)
            return i;
    }
    return -1;
}

static void add_extra_entries(json_t *array, const char *extra, bool string_ids,
                              bool with_is_broker)
{
    char *copy = sbx_xstrdup(extra);
    char *save = NULL;

    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *fields[4] = {0};
        char *cursor = line;
        json_t *entry = json_object();

        for (int f = 0; f < 4; f++) {
            fields[f] = cursor;
            cursor = strchr(cursor, '|');
            if (cursor)
                *cursor++ = '\0';
            else
                cursor = line + strlen(line);
        }
        json_object_set_new(entry, "id",
                            string_ids ? json_string(fields[0]) : json_integer(atol(fields[0])));
        json_object_set_new(entry, "key", json_string(fields[1]));
        json_object_set_new(entry, "name", json_string(fields[2]));
        json_object_set_new(entry, "description", json_string(fields[3]));
        if (with_is_broker)
            json_object_set_new(entry, "isBroker", json_null());
        json_array_append_new(array, entry);
    }
    free(copy);
}

int sbx_maps_build(sbx_state *state)
{
    for (int i = 0; i < MAP_COUNT; i++) {
        const char *fixture = sbx_fixture(map_specs[i].fixture, NULL);
        json_t *array = fixture ? json_loads(fixture, 0, NULL) : NULL;
        char *text;

        if (!json_is_array(array)) {
            fprintf(stderr, "apilo-sandbox: fixture %s is missing or not an array\n",
                    map_specs[i].fixture);
            json_decref(array);
            return -1;
        }
        add_extra_entries(array, map_specs[i].extra, i == MAP_SHIPMENT_STATUS, i == MAP_DOCUMENTS);
        text = json_dumps(array, JSON_COMPACT);
        json_decref(array);
        if (!text)
            return -1;
        state->maps[i] = sbx_xstrdup(text);
        free(text);
    }
    return 0;
}

void sbx_maps_free(sbx_state *state)
{
    for (int i = 0; i < MAP_COUNT; i++) {
        free(state->maps[i]);
        state->maps[i] = NULL;
    }
}

/* ---- storing an order given as a JSON document (the official samples) ---------------------- */

static const char *const list_item_members[] = {
    "id",
    "status",
    "idExternal",
    "isInvoice",
    "paymentStatus",
    "paymentType",
    "originalCurrency",
    "isEncrypted",
    "createdAt",
    "updatedAt",
    "orderItems",
    "addressCustomer",
    "platformId",
    "isCanceledByBuyer",
    "carrierId",
    "platformAccountId",
};

static bool is_list_member(const char *key)
{
    for (size_t i = 0; i < sizeof list_item_members / sizeof list_item_members[0]; i++) {
        if (strcmp(key, list_item_members[i]) == 0)
            return true;
    }
    return false;
}

static int64_t date_member(json_t *order, const char *name)
{
    int64_t when = 0;

    sbx_parse_datetime(json_string_value(json_object_get(order, name)), &when);
    return when;
}

static int int_member(json_t *order, const char *name)
{
    return (int)json_integer_value(json_object_get(order, name));
}

static int store_document(sbx_order_inserter *ins, json_t *order, int has_document)
{
    json_t *list_part = json_object();
    json_t *extra_part = json_object();
    const char *key;
    json_t *value;
    char *list_text;
    char *extra_text;
    sbx_order_row row = {0};
    int rc;

    /* List members in the documented order, whatever the order of the sample. */
    for (size_t i = 0; i < sizeof list_item_members / sizeof list_item_members[0]; i++) {
        value = json_object_get(order, list_item_members[i]);
        if (value)
            json_object_set(list_part, list_item_members[i], value);
    }
    json_object_foreach(order, key, value)
    {
        if (!is_list_member(key))
            json_object_set(extra_part, key, value);
    }
    list_text = json_dumps(list_part, JSON_COMPACT);
    extra_text = json_dumps(extra_part, JSON_COMPACT);

    row.id = json_string_value(json_object_get(order, "id"));
    row.created_at = date_member(order, "createdAt");
    row.updated_at = date_member(order, "updatedAt");
    row.ordered_at = date_member(order, "orderedAt");
    row.status = int_member(order, "status");
    row.payment_status = int_member(order, "paymentStatus");
    row.payment_type = int_member(order, "paymentType");
    row.platform_account_id = int_member(order, "platformAccountId");
    row.carrier_id = int_member(order, "carrierId");
    row.email =
        json_string_value(json_object_get(json_object_get(order, "addressCustomer"), "email"));
    row.id_external = json_string_value(json_object_get(order, "idExternal"));
    row.has_document = has_document;
    row.list_json = list_text;
    /* Stored without its braces so it can be spliced into the list item. */
    extra_text[strlen(extra_text) - 1] = '\0';
    row.extra_json = extra_text + 1;

    rc = row.id ? sbx_order_insert(ins, &row) : -1;
    free(list_text);
    free(extra_text);
    json_decref(list_part);
    json_decref(extra_part);
    return rc;
}

static json_t *load_fixture(const char *name)
{
    const char *text = sbx_fixture(name, NULL);
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;

    if (!json_is_object(doc)) {
        fprintf(stderr, "apilo-sandbox: fixture %s is missing or not an object\n", name);
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* The create-order sample becomes the order the create sample answers with (AA123456789), with
   the read-only members a stored order has. */
static json_t *created_sample_order(void)
{
    json_t *order = load_fixture("orders_create.request.json");
    json_t *created = load_fixture("orders_create.200.json");
    json_t *notes;
    size_t i;
    json_t *note;

    if (!order || !created) {
        json_decref(order);
        json_decref(created);
        return NULL;
    }
    json_object_set(order, "id", json_object_get(created, "id"));
    json_object_set_new(order, "isEncrypted", json_false());
    json_object_set_new(order, "createdAt", json_string("2022-06-09T11:05:41Z"));
    json_object_set_new(order, "updatedAt", json_string("2022-06-09T11:05:41Z"));
    json_object_set_new(order, "isCanceledByBuyer", json_false());
    json_object_set_new(order, "carrierId", json_integer(1));
    json_object_set(order, "platformAccountId", json_object_get(order, "platformId"));
    notes = json_object_get(order, "orderNotes");
    json_array_foreach(notes, i, note)
    {
        json_object_set_new(note, "id", json_integer(222 + (json_int_t)i));
        json_object_set_new(note, "createdAt", json_string("2022-06-09T11:05:41+0200"));
    }
    json_decref(created);
    return order;
}

int sbx_seed_fixtures(sbx_state *state)
{
    sbx_order_inserter ins = {0};
    json_t *detail = load_fixture("orders_get.200.json");
    json_t *created = created_sample_order();
    int rc = -1;

    if (!detail || !created || sbx_order_inserter_open(state, &ins) != 0)
        goto out;
    if (store_document(&ins, detail, 1) == 0 && store_document(&ins, created, 0) == 0)
        rc = 0;
    sbx_order_inserter_close(&ins);

out:
    json_decref(detail);
    json_decref(created);
    return rc;
}

/* ---- the generator -------------------------------------------------------------------------- */

typedef struct rng {
    uint64_t state;
} rng;

/* splitmix64: tiny, fast and the same on every platform, so a seed names one data set. */
static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static long rng_range(rng *r, long low, long high) /* inclusive */
{
    return low + (long)(rng_next(r) % (uint64_t)(high - low + 1));
}

static bool rng_chance(rng *r, int percent)
{
    return rng_range(r, 0, 99) < percent;
}

typedef struct word_list {
    char *storage;
    const char **items;
    int count;
} word_list;

static void words_split(word_list *list, const char *text)
{
    int count = 1;

    for (const char *p = text; *p; p++)
        count += *p == '|';
    list->storage = sbx_xstrdup(text);
    list->items = sbx_xmalloc(sizeof *list->items * (size_t)count);
    list->count = 0;
    for (char *p = list->storage;;) {
        char *bar = strchr(p, '|');

        list->items[list->count++] = p;
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
}

static void words_free(word_list *list)
{
    free(list->storage);
    free(list->items);
}

static const char *words_pick(const word_list *list, rng *r)
{
    return list->items[rng_range(r, 0, list->count - 1)];
}

enum { W_MALE, W_FEMALE, W_SURNAMES, W_CITIES, W_STREETS, W_DOMAINS, W_COUNT };

typedef struct country_words {
    word_list lists[W_COUNT];
} country_words;

typedef struct weighted {
    int id;
    int weight;
} weighted;

static int pick_weighted(rng *r, const weighted *choices, size_t count)
{
    int total = 0;
    long roll;

    for (size_t i = 0; i < count; i++)
        total += choices[i].weight;
    roll = rng_range(r, 0, total - 1);
    for (size_t i = 0; i < count; i++) {
        if (roll < choices[i].weight)
            return choices[i].id;
        roll -= choices[i].weight;
    }
    return choices[0].id;
}

#define PICK(r, table) pick_weighted((r), (table), sizeof(table) / sizeof((table)[0]))

static const weighted platform_weights[] = {{44, 45}, {1, 20},  {92, 10}, {101, 8},
                                            {120, 7}, {133, 5}, {140, 5}};
static const weighted payment_type_weights[] = {{1, 15}, {2, 10}, {3, 30}, {4, 5},
                                                {5, 20}, {6, 10}, {7, 10}};
static const weighted old_status_weights[] = {{12, 50}, {5, 20}, {4, 8}, {6, 6}, {10, 3},
                                              {11, 2},  {2, 3},  {3, 3}, {9, 3}, {1, 2}};
static const weighted new_status_weights[] = {{7, 30}, {8, 10}, {1, 15}, {2, 15},
                                              {9, 15}, {3, 10}, {4, 5}};

static const struct {
    int account;
    int carrier;
    const char *name;
    const char *sku;
    long price_cents;
} carriers[] = {
    {15, 3, "InPost Paczkomaty 24/7", "ship-inpost", 1399},
    {22, 143, "Allegro One Box", "ship-allegro", 899},
    {30, 7, "Kurier DPD", "ship-dpd", 1699},
    {31, 9, "Kurier DHL", "ship-dhl", 1799},
    {32, 5, "Poczta Polska - Pocztex", "ship-pp", 1000},
    {33, 11, "Kurier GLS", "ship-gls", 1599},
    {1, 1, "Odbiór osobisty", "ship-pickup", 0},
};

/* One Unicode code point to its ASCII stand-in, for e-mail addresses made from names. */
static const char *ascii_for(unsigned codepoint)
{
    static const struct {
        unsigned codepoint;
        const char *ascii;
    } table[] = {
        {0xe0, "a"},  {0xe1, "a"},  {0xe4, "ae"}, {0xe7, "c"},  {0xe8, "e"},  {0xe9, "e"},
        {0xea, "e"},  {0xec, "i"},  {0xed, "i"},  {0xee, "i"},  {0xf1, "n"},  {0xf2, "o"},
        {0xf3, "o"},  {0xf6, "oe"}, {0xf9, "u"},  {0xfa, "u"},  {0xfc, "ue"}, {0xfd, "y"},
        {0xdf, "ss"}, {0x105, "a"}, {0x107, "c"}, {0x10d, "c"}, {0x10f, "d"}, {0x117, "e"},
        {0x119, "e"}, {0x11b, "e"}, {0x12f, "i"}, {0x13e, "l"}, {0x142, "l"}, {0x144, "n"},
        {0x148, "n"}, {0x159, "r"}, {0x15b, "s"}, {0x161, "s"}, {0x165, "t"}, {0x16b, "u"},
        {0x16f, "u"}, {0x173, "u"}, {0x17a, "z"}, {0x17c, "z"}, {0x17e, "z"},
    };

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].codepoint == codepoint)
            return table[i].ascii;
    }
    return "";
}

/* Lower-case ASCII form of a UTF-8 name: "Łucja Wójcik" -> "lucja", spaces and quotes dropped. */
static void ascii_lower(const char *text, char *out, size_t size)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t o = 0;

    while (*p && o + 3 < size) {
        unsigned codepoint;
        const char *ascii;

        if (*p < 0x80) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
                out[o++] = (char)*p;
            else if (*p >= 'A' && *p <= 'Z')
                out[o++] = (char)(*p - 'A' + 'a');
            p++;
            continue;
        }
        if ((*p & 0xe0) == 0xc0 && p[1]) {
            codepoint = (unsigned)(*p & 0x1f) << 6 | (p[1] & 0x3f);
            p += 2;
        } else {
            p++;
            while ((*p & 0xc0) == 0x80)
                p++;
            continue;
        }
        /* Capitals of the Latin-1 and Latin Extended-A letters are one below or 0x20 below. */
        if (codepoint >= 0xc0 && codepoint <= 0xde)
            codepoint += 0x20;
        else if (codepoint >= 0x100 && codepoint < 0x180 && !*ascii_for(codepoint))
            codepoint += 1;
        for (ascii = ascii_for(codepoint); *ascii && o + 1 < size; ascii++)
            out[o++] = *ascii;
    }
    out[o] = '\0';
}

static void fill_pattern(rng *r, const char *format, const char *leads, const char *prefix,
                         char *out, size_t size)
{
    size_t o = 0;

    for (const char *f = format; *f && o + 1 < size; f++) {
        if (*f == 'N') {
            out[o++] = prefix && *prefix ? *prefix++ : (char)('0' + rng_range(r, 0, 9));
        } else if (*f == 'P') {
            out[o++] = leads[rng_range(r, 0, (long)strlen(leads) - 1)];
        } else if (*f == 'A') {
            out[o++] = (char)('A' + rng_range(r, 0, 25));
        } else {
            out[o++] = *f;
        }
    }
    out[o] = '\0';
}

static void format_money(long cents, char *out, size_t size)
{
    snprintf(out, size, "%s%ld.%02ld", cents < 0 ? "-" : "", labs(cents) / 100, labs(cents) % 100);
}

static int ean13_check_digit(const char *twelve_digits)
{
    int sum = 0;

    for (int i = 0; i < 12; i++)
        sum += (twelve_digits[i] - '0') * (i % 2 ? 3 : 1);
    return (10 - sum % 10) % 10;
}

typedef struct person {
    const sbx_country *country;
    char name[128];
    char email[192];
    char phone[32];
    char street[96];
    char street_number[16];
    char city[64];
    char zip[16];
    char login[96];
    bool company;
    char company_name[128];
    char tax_number[24];
} person;

static void make_person(rng *r, const country_words *words, const sbx_country *country, person *out)
{
    bool female = rng_chance(r, 50);
    const char *first = words_pick(&words->lists[female ? W_FEMALE : W_MALE], r);
    const char *surname = words_pick(&words->lists[W_SURNAMES], r);
    const char *slash = strchr(surname, '/');
    const char *city = words_pick(&words->lists[W_CITIES], r);
    const char *colon = strchr(city, ':');
    char last[64];
    char first_ascii[40];
    char last_ascii[40];

    memset(out, 0, sizeof *out);
    out->country = country;
    if (slash && female)
        snprintf(last, sizeof last, "%s", slash + 1);
    else
        snprintf(last, sizeof last, "%.*s", (int)(slash ? slash - surname : (long)strlen(surname)),
                 surname);
    snprintf(out->name, sizeof out->name, "%s %s", first, last);

    ascii_lower(first, first_ascii, sizeof first_ascii);
    ascii_lower(last, last_ascii, sizeof last_ascii);
    snprintf(out->email, sizeof out->email, "%s.%s%ld@%s", first_ascii, last_ascii,
             rng_range(r, 1, 999), words_pick(&words->lists[W_DOMAINS], r));
    snprintf(out->login, sizeof out->login, "%s_%s%ld", first_ascii, last_ascii,
             rng_range(r, 60, 99));
    fill_pattern(r, country->phone_format, country->phone_leads, NULL, out->phone,
                 sizeof out->phone);

    snprintf(out->city, sizeof out->city, "%.*s", (int)(colon - city), city);
    fill_pattern(r, country->zip_format, "", colon + 1, out->zip, sizeof out->zip);
    snprintf(out->street, sizeof out->street, "%s", words_pick(&words->lists[W_STREETS], r));
    if (rng_chance(r, 40))
        snprintf(out->street_number, sizeof out->street_number, "%ld/%ld", rng_range(r, 1, 120),
                 rng_range(r, 1, 60));
    else
        snprintf(out->street_number, sizeof out->street_number, "%ld%s", rng_range(r, 1, 150),
                 rng_chance(r, 15) ? "b" : "");

    out->company = rng_chance(r, 15);
    if (out->company) {
        static const char *const kinds[] = {"Sp. z o.o.", "S.A.", "s.c.", "sp.j."};

        snprintf(out->company_name, sizeof out->company_name, "%s %s", last,
                 kinds[rng_range(r, 0, 3)]);
        if (strcmp(country->code, "PL") == 0)
            fill_pattern(r, "NNN-NNN-NN-NN", "", NULL, out->tax_number, sizeof out->tax_number);
        else
            fill_pattern(r, "NNNNNNNNN", "", NULL, out->tax_number, sizeof out->tax_number);
        if (strcmp(country->code, "PL") != 0) {
            char with_prefix[24];

            snprintf(with_prefix, sizeof with_prefix, "%s%s", country->code, out->tax_number);
            memcpy(out->tax_number, with_prefix, sizeof out->tax_number);
        }
    }
}

static void add_address(sbx_buf *b, const person *p, long id, bool with_company,
                        const char *parcel_id, const char *parcel_name)
{
    sbx_buf_addf(b, "{\"id\":%ld,\"name\":", id);
    sbx_buf_add_json_string(b, p->name);
    sbx_buf_adds(b, ",\"phone\":");
    sbx_buf_add_json_string(b, p->phone);
    sbx_buf_adds(b, ",\"email\":");
    sbx_buf_add_json_string(b, p->email);
    sbx_buf_adds(b, ",\"streetName\":");
    sbx_buf_add_json_string(b, p->street);
    sbx_buf_adds(b, ",\"streetNumber\":");
    sbx_buf_add_json_string(b, p->street_number);
    sbx_buf_adds(b, ",\"city\":");
    sbx_buf_add_json_string(b, p->city);
    sbx_buf_addf(b, ",\"zipCode\":\"%s\",\"country\":\"%s\",\"department\":null", p->zip,
                 p->country->code);
    if (parcel_id) {
        sbx_buf_addf(b, ",\"parcelIdExternal\":\"%s\",\"parcelName\":", parcel_id);
        sbx_buf_add_json_string(b, parcel_name);
    }
    sbx_buf_addf(b, ",\"class\":\"%s\"", p->company && with_company ? "company" : "house");
    if (with_company && p->company) {
        sbx_buf_adds(b, ",\"companyTaxNumber\":");
        sbx_buf_add_json_string(b, p->tax_number);
        sbx_buf_adds(b, ",\"companyName\":");
        sbx_buf_add_json_string(b, p->company_name);
    }
    sbx_buf_addc(b, '}');
}

/* Price of a PLN catalogue price in the order's currency (fixed, plausible rates). */
static long convert_cents(long pln_cents, const char *currency)
{
    if (strcmp(currency, "EUR") == 0)
        return (pln_cents * 100 + 215) / 430;
    if (strcmp(currency, "CZK") == 0)
        return (pln_cents * 57 + 5) / 10 / 100 * 100; /* whole crowns */
    return pln_cents;
}

static long net_of(long gross_cents, int tax_percent)
{
    return (gross_cents * 100 + (100 + tax_percent) / 2) / (100 + tax_percent);
}

typedef struct generator {
    rng r;
    country_words *words;
    int64_t now;
    long count;
    long next_address_id;
    long next_item_id;
    long next_payment_id;
    long next_note_id;
    sbx_buf list;
    sbx_buf extra;
} generator;

static void make_order_id(const generator *g, long index, int64_t created_at, char *out,
                          size_t size)
{
    static const char digits36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char stamp[32];
    char serial[24];

    sbx_format_utc(created_at, stamp, sizeof stamp);
    /* Decimal serials while they fit five digits, base 36 beyond: ids stay unique and 11 long. */
    if (g->count <= 100000) {
        snprintf(serial, sizeof serial, "%05ld", index);
    } else {
        long value = index;

        for (int i = 4; i >= 0; i--) {
            serial[i] = digits36[value % 36];
            value /= 36;
        }
        serial[5] = '\0';
    }
    /* "AP" keeps generated ids apart from the samples' AL... and AA... ids. */
    snprintf(out, size, "AP%.2s%.2s%.5s", stamp + 2, stamp + 5, serial);
}

static void external_id(generator *g, int platform, char *out, size_t size)
{
    rng *r = &g->r;

    switch (platform) {
    case 44: {
        uint64_t a = rng_next(r);
        uint64_t b = rng_next(r);

        snprintf(out, size, "%08lx-%04lx-11ee-%04lx-%012lx", (unsigned long)(a >> 32),
                 (unsigned long)(a & 0xffff), (unsigned long)(b >> 48) | 0x8000,
                 (unsigned long)(b & 0xffffffffffffUL));
        break;
    }
    case 92:
        snprintf(out, size, "40%ld-%07ld-%07ld", rng_range(r, 2, 8), rng_range(r, 0, 9999999),
                 rng_range(r, 0, 9999999));
        break;
    case 120:
        snprintf(out, size, "%02ld-%05ld-%05ld", rng_range(r, 10, 27), rng_range(r, 0, 99999),
                 rng_range(r, 0, 99999));
        break;
    case 1:
        snprintf(out, size, "WWW/%ld/%ld", rng_range(r, 1, 9999), rng_range(r, 2023, 2026));
        break;
    default:
        snprintf(out, size, "%ld%09ld", (long)platform, rng_range(r, 0, 999999999));
        break;
    }
}

static void add_item(generator *g, const sbx_product *product, int product_index, long quantity,
                     const char *currency, long *gross_total, long *net_total)
{
    sbx_buf *b = &g->list;
    char ean[24];
    char gross_text[24];
    char net_text[24];
    long gross = convert_cents(product->gross_pln_cents, currency);
    long net = net_of(gross, product->tax_percent);

    snprintf(ean, sizeof ean, "590%09d", 123400000 + product_index * 7919);
    ean[12] = (char)('0' + ean13_check_digit(ean));
    ean[13] = '\0';
    format_money(gross, gross_text, sizeof gross_text);
    format_money(net, net_text, sizeof net_text);

    sbx_buf_addf(b,
                 "{\"id\":%ld,\"idExternal\":\"%ld\",\"ean\":\"%s\",\"sku\":\"SKU-%05d\","
                 "\"originalName\":",
                 g->next_item_id++, rng_range(&g->r, 100000, 999999), ean, 1000 + product_index);
    sbx_buf_add_json_string(b, product->name);
    sbx_buf_addf(b,
                 ",\"originalCode\":\"PRD-%04d\",\"originalPriceWithTax\":\"%s\","
                 "\"originalPriceWithoutTax\":\"%s\",\"media\":null,\"quantity\":%ld,"
                 "\"tax\":\"%d.00\",\"productSet\":null,\"status\":1,\"unit\":",
                 product_index + 1, gross_text, net_text, quantity, product->tax_percent);
    sbx_buf_add_json_string(b, product->unit);
    sbx_buf_addf(b, ",\"type\":1,\"productId\":%d}", 10000 + product_index);
    *gross_total += gross * quantity;
    *net_total += net * quantity;
}

static void add_shipping_item(generator *g, int carrier_index, const char *currency,
                              long *gross_total, long *net_total)
{
    sbx_buf *b = &g->list;
    long gross = convert_cents(carriers[carrier_index].price_cents, currency);
    long net = net_of(gross, 23);
    char gross_text[24];
    char net_text[24];

    format_money(gross, gross_text, sizeof gross_text);
    format_money(net, net_text, sizeof net_text);
    sbx_buf_addf(b, "{\"id\":%ld,\"idExternal\":null,\"ean\":null,\"sku\":\"%s\",\"originalName\":",
                 g->next_item_id++, carriers[carrier_index].sku);
    sbx_buf_add_json_string(b, carriers[carrier_index].name);
    sbx_buf_addf(b,
                 ",\"originalCode\":null,\"originalPriceWithTax\":\"%s\","
                 "\"originalPriceWithoutTax\":\"%s\",\"media\":null,\"quantity\":1,"
                 "\"tax\":\"23.00\",\"productSet\":null,\"status\":1,\"unit\":null,\"type\":2,"
                 "\"productId\":null}",
                 gross_text, net_text);
    *gross_total += gross;
    *net_total += net;
}

static int pick_country(rng *r)
{
    long roll = rng_range(r, 0, 99);

    for (int i = 0; i < sbx_country_count; i++) {
        if (roll < sbx_countries[i].weight)
            return i;
        roll -= sbx_countries[i].weight;
    }
    return 0;
}

static int generate_order(generator *g, long index, sbx_order_inserter *ins)
{
    rng *r = &g->r;
    int country_index = pick_country(r);
    const sbx_country *country = &sbx_countries[country_index];
    const char *currency = rng_chance(r, 95) ? country->currency : "EUR";
    person customer;
    int platform = PICK(r, platform_weights);
    int payment_type = PICK(r, payment_type_weights);
    int carrier_index;
    /* One order in ten lands in the last 30 days so "recent orders" demos never come up empty. */
    int64_t age = index % 10 == 0 ? rng_range(r, 0, 30L * 86400) : rng_range(r, 0, 730L * 86400);
    int64_t created_at = g->now - age;
    int64_t ordered_at = created_at - rng_range(r, 0, 7200);
    int64_t updated_at = created_at + rng_range(r, 0, age < 14L * 86400 ? age : 14L * 86400);
    int status = age < 3L * 86400 ? PICK(r, new_status_weights) : PICK(r, old_status_weights);
    int payment_status;
    bool invoice;
    bool canceled = status == 6 && rng_chance(r, 30);
    int has_document;
    char id[16];
    char external[48];
    char created_text[32], updated_text[32], ordered_text[32], send_min[32], send_max[32];
    char parcel_id[16] = "";
    char parcel_name[160] = "";
    long item_count = rng_range(r, 1, 5);
    long gross_total = 0;
    long net_total = 0;
    long paid = 0;
    char money[3][24];
    sbx_order_row row = {0};
    sbx_buf *b = &g->list;
    sbx_buf *x = &g->extra;

    make_person(r, g->words, country, &customer);
    invoice = customer.company || rng_chance(r, 5);
    if (strcmp(country->code, "PL") != 0)
        carrier_index = rng_chance(r, 50) ? 2 : 3; /* international parcels go by DPD or DHL */
    else if (platform == 44)
        carrier_index = (int)rng_range(r, 0, 1);
    else
        carrier_index = (int)rng_range(r, 0, 6);
    if (payment_type == 2)
        payment_status = status == 5 || status == 12 ? 2 : 0; /* cash on delivery */
    else
        payment_status = rng_chance(r, 85) ? 2 : (int)rng_range(r, 0, 3);
    has_document = (status == 4 || status == 5 || status == 12) && rng_chance(r, 80);

    make_order_id(g, index, created_at, id, sizeof id);
    external_id(g, platform, external, sizeof external);
    sbx_format_utc(created_at, created_text, sizeof created_text);
    sbx_format_utc(updated_at, updated_text, sizeof updated_text);
    sbx_format_warsaw(ordered_at, ordered_text, sizeof ordered_text);
    sbx_format_utc(ordered_at + 86400, send_min, sizeof send_min);
    sbx_format_utc(ordered_at + 2 * 86400, send_max, sizeof send_max);

    b->len = 0;
    x->len = 0;
    sbx_buf_addf(b, "{\"id\":\"%s\",\"status\":%d,\"idExternal\":", id, status);
    sbx_buf_add_json_string(b, external);
    sbx_buf_addf(b,
                 ",\"isInvoice\":%s,\"paymentStatus\":%d,\"paymentType\":%d,"
                 "\"originalCurrency\":\"%s\",\"isEncrypted\":false,\"createdAt\":\"%s\","
                 "\"updatedAt\":\"%s\",\"orderItems\":[",
                 invoice ? "true" : "false", payment_status, payment_type, currency, created_text,
                 updated_text);
    for (long i = 0; i < item_count; i++) {
        int product_index = (int)rng_range(r, 0, sbx_product_count - 1);

        add_item(g, &sbx_products[product_index], product_index,
                 rng_chance(r, 80) ? 1 : rng_range(r, 2, 4), currency, &gross_total, &net_total);
        sbx_buf_addc(b, ',');
    }
    add_shipping_item(g, carrier_index, currency, &gross_total, &net_total);
    sbx_buf_adds(b, "],\"addressCustomer\":");
    add_address(b, &customer, g->next_address_id, true, NULL, NULL);
    sbx_buf_addf(b,
                 ",\"platformId\":%d,\"isCanceledByBuyer\":%s,\"carrierId\":%d,"
                 "\"platformAccountId\":%d}",
                 platform, canceled ? "true" : "false", carriers[carrier_index].carrier, platform);

    if (payment_status == 2)
        paid = gross_total;
    else if (payment_status == 1)
        paid = gross_total / 2;
    else if (payment_status == 3)
        paid = gross_total + rng_range(r, 100, 2000);
    format_money(net_total, money[0], sizeof money[0]);
    format_money(gross_total, money[1], sizeof money[1]);
    format_money(paid, money[2], sizeof money[2]);

    sbx_buf_adds(x, "\"customerLogin\":");
    sbx_buf_add_json_string(x, customer.login);
    sbx_buf_addf(x,
                 ",\"originalAmountTotalWithoutTax\":\"%s\",\"originalAmountTotalWithTax\":\"%s\","
                 "\"originalAmountTotalPaid\":\"%s\",\"sendDateMin\":\"%s\","
                 "\"sendDateMax\":\"%s\"",
                 money[0], money[1], money[2], send_min, send_max);
    if (platform == 1)
        sbx_buf_addf(x, ",\"preferences\":{\"idUser\":\"user-%ld\"}", rng_range(r, 1, 99999));
    sbx_buf_adds(x, ",\"orderPayments\":[");
    if (paid > 0) {
        char paid_at[32];

        sbx_format_utc(ordered_at + rng_range(r, 60, 3600), paid_at, sizeof paid_at);
        sbx_buf_addf(x,
                     "{\"id\":%ld,\"idExternal\":\"PAY-%06ld\",\"amount\":\"%s\","
                     "\"paymentDate\":\"%s\",\"type\":%d,\"comment\":\"\",\"currency\":\"%s\"}",
                     g->next_payment_id++, rng_range(r, 0, 999999), money[2], paid_at, payment_type,
                     currency);
    }
    sbx_buf_adds(x, "],\"addressDelivery\":");
    if (carrier_index == 0) {
        /* Parcel locker ids look like KRA32B: three letters of the city, digits, a letter. */
        char city_code[64];

        ascii_lower(customer.city, city_code, sizeof city_code);
        city_code[3] = '\0';
        for (char *c = city_code; *c; c++)
            *c = (char)(*c - 'a' + 'A');
        snprintf(parcel_id, sizeof parcel_id, "%.3s%02ld%c", city_code, rng_range(r, 1, 99),
                 (char)('A' + rng_range(r, 0, 5)));
        snprintf(parcel_name, sizeof parcel_name, "Paczkomat %s, ul. %s %ld", parcel_id,
                 customer.street, rng_range(r, 1, 80));
    }
    add_address(x, &customer, g->next_address_id + 1, false, parcel_id[0] ? parcel_id : NULL,
                parcel_name);
    if (invoice) {
        sbx_buf_adds(x, ",\"addressInvoice\":");
        add_address(x, &customer, g->next_address_id + 2, true, NULL, NULL);
    }
    g->next_address_id += 3;
    sbx_buf_addf(x, ",\"carrierAccount\":%d,\"orderNotes\":[", carriers[carrier_index].account);
    if (rng_chance(r, 20)) {
        char note_at[32];

        sbx_format_warsaw(created_at + rng_range(r, 60, 86400), note_at, sizeof note_at);
        sbx_buf_addf(x, "{\"id\":%ld,\"type\":%ld,\"createdAt\":\"%s\",\"comment\":",
                     g->next_note_id++, rng_range(r, 1, 2), note_at);
        sbx_buf_add_json_string(x, sbx_note_texts[rng_range(r, 0, sbx_note_text_count - 1)]);
        sbx_buf_addc(x, '}');
    }
    sbx_buf_addf(x, "],\"orderedAt\":\"%s\"", ordered_text);

    row.id = id;
    row.created_at = created_at;
    row.updated_at = updated_at;
    row.ordered_at = ordered_at;
    row.status = status;
    row.payment_status = payment_status;
    row.payment_type = payment_type;
    row.platform_account_id = platform;
    row.carrier_id = carriers[carrier_index].carrier;
    row.email = customer.email;
    row.id_external = external;
    row.has_document = has_document;
    row.list_json = b->data;
    row.extra_json = x->data;
    return sbx_order_insert(ins, &row);
}

int sbx_seed_generated(sbx_state *state, long count, uint64_t seed, int64_t now)
{
    country_words *words = sbx_xmalloc(sizeof *words * (size_t)sbx_country_count);
    generator g = {.r = {seed}, .words = words, .now = now, .count = count};
    sbx_order_inserter ins = {0};
    int rc = 0;

    g.next_address_id = 1000;
    g.next_item_id = 5000;
    g.next_payment_id = 700;
    g.next_note_id = 300;
    for (int i = 0; i < sbx_country_count; i++) {
        const sbx_country *c = &sbx_countries[i];
        const char *texts[W_COUNT] = {c->male_names, c->female_names, c->surnames,
                                      c->cities,     c->streets,      c->email_domains};

        for (int w = 0; w < W_COUNT; w++)
            words_split(&words[i].lists[w], texts[w]);
    }

    if (sbx_order_inserter_open(state, &ins) != 0) {
        rc = -1;
        goto out;
    }
    for (long i = 0; i < count && rc == 0; i++)
        rc = generate_order(&g, i, &ins);
    sbx_order_inserter_close(&ins);

out:
    for (int i = 0; i < sbx_country_count; i++) {
        for (int w = 0; w < W_COUNT; w++)
            words_free(&words[i].lists[w]);
    }
    free(words);
    sbx_buf_free(&g.list);
    sbx_buf_free(&g.extra);
    return rc;
}
