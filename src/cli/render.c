/*
 * apilo — how an order is shown: one NDJSON line, one CSV row, one table row, a detail view.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

static const char *const payment_status_names[] = {"none", "partial", "paid", "overpaid"};

static const char *payment_status_name(apilo_opt_int status)
{
    if (status.set && status.value >= 0 && status.value <= 3)
        return payment_status_names[status.value];
    return NULL;
}

static const char *map_name(const apilo_map *map, apilo_opt_int id)
{
    return map && id.set ? apilo_map_name(map, id.value) : NULL;
}

/* The platform map is keyed by the platform account id the order was placed through. */
static apilo_opt_int platform_key(const apilo_order *order)
{
    return order->platform_id.set ? order->platform_id : order->platform_account_id;
}

static const apilo_address *first_address(const apilo_order *order)
{
    if (order->address_customer)
        return order->address_customer;
    if (order->address_invoice)
        return order->address_invoice;
    return order->address_delivery;
}

static const char *customer_name(const apilo_order *order)
{
    const apilo_address *addresses[] = {order->address_customer, order->address_invoice,
                                        order->address_delivery};
    for (size_t i = 0; i < 3; i++) {
        if (addresses[i] && addresses[i]->name && *addresses[i]->name)
            return addresses[i]->name;
        if (addresses[i] && addresses[i]->company_name && *addresses[i]->company_name)
            return addresses[i]->company_name;
    }
    return order->customer_login;
}

static const char *customer_email(const apilo_order *order)
{
    const apilo_address *addresses[] = {order->address_customer, order->address_delivery,
                                        order->address_invoice};
    for (size_t i = 0; i < 3; i++) {
        if (addresses[i] && addresses[i]->email && *addresses[i]->email)
            return addresses[i]->email;
    }
    return NULL;
}

static void format_time(char *buf, size_t size, apilo_opt_time when)
{
    buf[0] = '\0';
    if (when.set && apilo_time_format(buf, size, when.value, 1) != APILO_OK)
        buf[0] = '\0';
}

static void format_int(char *buf, size_t size, apilo_opt_int value)
{
    buf[0] = '\0';
    if (value.set)
        snprintf(buf, size, "%" PRId64, value.value);
}

/* A decimal text ("2799.99", "-1.5") in ten-thousandths. Returns 0, or -1 when it has more
 * than four decimals or too many digits to add up safely. */
static int parse_decimal(int64_t *out, const char *text)
{
    int negative = *text == '-';
    int64_t units = 0;
    int digits = 0, decimals = -1;

    for (const char *p = text + negative; *p; p++) {
        if (*p == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || ++digits > 14 || (decimals >= 0 && ++decimals > 4))
            return -1;
        units = units * 10 + (*p - '0');
    }
    if (digits == 0)
        return -1;
    for (int d = decimals < 0 ? 0 : decimals; d < 4; d++)
        units *= 10;
    *out = negative ? -units : units;
    return 0;
}

/*
 * The order's gross total: the API's own figure when it sent one (detail), otherwise the sum
 * of gross unit price x quantity over the items, because list items carry no order total.
 * Empty when neither is available.
 */
static void order_total(char *buf, size_t size, const apilo_order *order)
{
    int64_t sum = 0;

    buf[0] = '\0';
    if (order->original_amount_total_with_tax) {
        snprintf(buf, size, "%s", order->original_amount_total_with_tax);
        return;
    }
    if (order->items_count == 0)
        return;
    for (size_t i = 0; i < order->items_count; i++) {
        const apilo_order_item *item = &order->items[i];
        int64_t price = 0;
        if (!item->original_price_with_tax || !item->quantity.set || item->quantity.value < 0 ||
            item->quantity.value > 1000000 ||
            parse_decimal(&price, item->original_price_with_tax) != 0)
            return;
        int64_t magnitude = price < 0 ? -price : price;
        if (item->quantity.value > 0 && magnitude > INT64_MAX / 4 / item->quantity.value)
            return;
        sum += price * item->quantity.value;
        if (sum > INT64_MAX / 4 || sum < -(INT64_MAX / 4))
            return;
    }

    int64_t magnitude = sum < 0 ? -sum : sum;
    if (magnitude % 100 == 0)
        snprintf(buf, size, "%s%" PRId64 ".%02" PRId64, sum < 0 ? "-" : "", magnitude / 10000,
                 magnitude % 10000 / 100);
    else
        snprintf(buf, size, "%s%" PRId64 ".%04" PRId64, sum < 0 ? "-" : "", magnitude / 10000,
                 magnitude % 10000);
}

int cli_render_order_json_line(const apilo_order *order)
{
    char *json = apilo_order_raw_json(order);
    if (!json)
        return -1;
    cli_out_puts(json);
    cli_out_write("\n", 1);
    apilo_free(json);
    return 0;
}

/* ---- CSV -------------------------------------------------------------------------------- */

void cli_render_csv_header(void)
{
    cli_out_puts("id,status_id,status,id_external,created_at,ordered_at,platform_id,platform,"
                 "payment_status,currency,total_with_tax,customer_name,email,country,"
                 "items_count\r\n");
}

void cli_render_csv_row(const apilo_order *order, const cli_maps *maps)
{
    char status_id[24], platform_id[24], payment[24], items[24], created[32], ordered[32];
    char total[40];
    const apilo_address *address = first_address(order);

    format_int(status_id, sizeof status_id, order->status);
    format_int(platform_id, sizeof platform_id, platform_key(order));
    format_int(payment, sizeof payment, order->payment_status);
    format_time(created, sizeof created, order->created_at);
    format_time(ordered, sizeof ordered, order->ordered_at);
    snprintf(items, sizeof items, "%zu", order->items_count);
    order_total(total, sizeof total, order);

    const char *fields[] = {
        order->id,
        status_id,
        map_name(maps->status, order->status),
        order->id_external,
        created,
        ordered,
        platform_id,
        map_name(maps->platform, platform_key(order)),
        payment,
        order->original_currency,
        total,
        customer_name(order),
        customer_email(order),
        address ? address->country : NULL,
        items,
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (i > 0)
            cli_out_write(",", 1);
        cli_out_csv_field(fields[i]);
    }
    cli_out_write("\r\n", 2);
}

/* ---- table ------------------------------------------------------------------------------ */

typedef enum table_column {
    COL_ID,
    COL_CREATED,
    COL_STATUS,
    COL_PLATFORM,
    COL_PAYMENT,
    COL_TOTAL,
    COL_CURRENCY,
    COL_ITEMS,
    COL_CUSTOMER,
    COL_COUNT
} table_column;

static const struct {
    const char *title;
    size_t width; /* 0 = takes what is left */
    int right_align;
    int priority; /* on a narrow terminal the highest numbers go first */
} columns[COL_COUNT] = {
    [COL_ID] = {"ID", 11, 0, 0},
    [COL_CREATED] = {"CREATED", 16, 0, 1},
    [COL_STATUS] = {"STATUS", 16, 0, 2},
    [COL_PLATFORM] = {"PLATFORM", 12, 0, 6},
    [COL_PAYMENT] = {"PAYMENT", 8, 0, 7},
    [COL_TOTAL] = {"TOTAL", 11, 1, 3},
    [COL_CURRENCY] = {"CUR", 3, 0, 4},
    [COL_ITEMS] = {"ITEMS", 5, 1, 8},
    [COL_CUSTOMER] = {"CUSTOMER", 0, 0, 5},
};

#define COLUMN_GAP 2
#define MIN_FLEX_WIDTH 12

static size_t layout_width(const size_t widths[COL_COUNT])
{
    size_t used = 0, shown = 0;
    for (int c = 0; c < COL_COUNT; c++) {
        if (widths[c] > 0) {
            used += widths[c];
            shown++;
        }
    }
    return used + (shown > 1 ? (shown - 1) * COLUMN_GAP : 0);
}

/*
 * Widths for a terminal `width` columns wide: the least important columns are dropped
 * (width 0) until the rest fit, then the customer column takes what is left.
 */
static void table_layout(size_t width, size_t out_widths[COL_COUNT])
{
    for (int c = 0; c < COL_COUNT; c++)
        out_widths[c] = columns[c].width ? columns[c].width : MIN_FLEX_WIDTH;

    while (layout_width(out_widths) > width) {
        int drop = -1;
        for (int c = 0; c < COL_COUNT; c++) {
            if (out_widths[c] > 0 && (drop < 0 || columns[c].priority > columns[drop].priority))
                drop = c;
        }
        if (drop <= 0)
            break; /* only the id is left: let the terminal wrap it */
        out_widths[drop] = 0;
    }

    if (out_widths[COL_CUSTOMER] > 0)
        out_widths[COL_CUSTOMER] += width - layout_width(out_widths);
}

static void table_line(const char *const cells[COL_COUNT], size_t width)
{
    size_t widths[COL_COUNT];
    int first = 1, last = 0;

    table_layout(width, widths);
    for (int c = 0; c < COL_COUNT; c++) {
        if (widths[c] > 0)
            last = c;
    }
    for (int c = 0; c < COL_COUNT; c++) {
        if (widths[c] == 0)
            continue;
        if (!first)
            cli_out_write("  ", COLUMN_GAP);
        first = 0;
        size_t cell_width = widths[c];
        if (c == last && !columns[c].right_align) {
            /* The last column is not padded: no trailing blanks on every row. */
            size_t text_width = cells[c] ? cli_text_width(cells[c]) : 0;
            cell_width = text_width < widths[c] ? text_width : widths[c];
        }
        cli_out_cell(cells[c], cell_width, columns[c].right_align);
    }
    cli_out_write("\n", 1);
}

void cli_render_table_header(size_t width)
{
    const char *cells[COL_COUNT];
    for (int c = 0; c < COL_COUNT; c++)
        cells[c] = columns[c].title;
    table_line(cells, width);
}

void cli_render_table_row(const apilo_order *order, const cli_maps *maps, size_t width)
{
    char created[32], status[24], platform[24], items[24], total[40];
    const char *cells[COL_COUNT];

    format_time(created, sizeof created, order->created_at);
    if (strlen(created) >= 16) {
        created[10] = ' ';
        created[16] = '\0';
    }
    format_int(status, sizeof status, order->status);
    format_int(platform, sizeof platform, platform_key(order));
    snprintf(items, sizeof items, "%zu", order->items_count);
    order_total(total, sizeof total, order);

    const char *status_name = map_name(maps->status, order->status);
    const char *platform_name = map_name(maps->platform, platform_key(order));

    cells[COL_ID] = order->id;
    cells[COL_CREATED] = created;
    cells[COL_STATUS] = status_name ? status_name : status;
    cells[COL_PLATFORM] = platform_name ? platform_name : platform;
    cells[COL_PAYMENT] = payment_status_name(order->payment_status);
    cells[COL_TOTAL] = total;
    cells[COL_CURRENCY] = order->original_currency;
    cells[COL_ITEMS] = items;
    cells[COL_CUSTOMER] = customer_name(order);
    table_line(cells, width);
}

/* ---- detail view ------------------------------------------------------------------------ */

static void detail_text(const char *label, const char *value)
{
    if (value && *value)
        cli_out_printf("  %-16s %s\n", label, value);
}

static void detail_time(const char *label, apilo_opt_time when)
{
    char text[32];
    format_time(text, sizeof text, when);
    detail_text(label, text);
}

static void detail_named(const char *label, apilo_opt_int id, const apilo_map *map)
{
    if (!id.set)
        return;
    const char *name = map_name(map, id);
    if (name)
        cli_out_printf("  %-16s %s (%" PRId64 ")\n", label, name, id.value);
    else
        cli_out_printf("  %-16s %" PRId64 "\n", label, id.value);
}

static void detail_address(const char *title, const apilo_address *address)
{
    if (!address)
        return;
    cli_out_printf("%s\n", title);
    detail_text("name", address->name);
    detail_text("company", address->company_name);
    detail_text("tax number", address->company_tax_number);
    if (address->street_name)
        cli_out_printf("  %-16s %s %s\n", "street", address->street_name,
                       address->street_number ? address->street_number : "");
    if (address->zip_code || address->city)
        cli_out_printf("  %-16s %s %s\n", "city", address->zip_code ? address->zip_code : "",
                       address->city ? address->city : "");
    detail_text("country", address->country);
    detail_text("email", address->email);
    detail_text("phone", address->phone);
    detail_text("parcel point", address->parcel_name);
}

void cli_render_order_detail(const apilo_order *order, const cli_maps *maps)
{
    char amount[96];

    cli_out_printf("Order %s\n", order->id ? order->id : "?");
    detail_named("status", order->status, maps->status);
    detail_text("external id", order->id_external);
    detail_named("platform", platform_key(order), maps->platform);
    detail_time("created", order->created_at);
    detail_time("ordered", order->ordered_at);
    detail_time("updated", order->updated_at);
    detail_text("payment status", payment_status_name(order->payment_status));
    if (order->original_amount_total_with_tax) {
        snprintf(amount, sizeof amount, "%s %s (paid %s)", order->original_amount_total_with_tax,
                 order->original_currency ? order->original_currency : "",
                 order->original_amount_total_paid ? order->original_amount_total_paid : "?");
        detail_text("total", amount);
    }
    detail_text("customer login", order->customer_login);

    detail_address("Customer", order->address_customer);
    detail_address("Delivery", order->address_delivery);
    detail_address("Invoice", order->address_invoice);

    if (order->items_count > 0)
        cli_out_printf("Items (%zu)\n", order->items_count);
    for (size_t i = 0; i < order->items_count; i++) {
        const apilo_order_item *item = &order->items[i];
        cli_out_printf("  %" PRId64 " x %s  [%s]  %s\n",
                       item->quantity.set ? item->quantity.value : 0,
                       item->original_name ? item->original_name : "?", item->sku ? item->sku : "-",
                       item->original_price_with_tax ? item->original_price_with_tax : "?");
    }

    if (order->payments_count > 0)
        cli_out_printf("Payments (%zu)\n", order->payments_count);
    for (size_t i = 0; i < order->payments_count; i++) {
        const apilo_order_payment *payment = &order->payments[i];
        cli_out_printf("  %s %s  %s\n", payment->amount ? payment->amount : "?",
                       payment->currency ? payment->currency : "",
                       payment->payment_date_text ? payment->payment_date_text : "");
    }

    if (order->notes_count > 0)
        cli_out_printf("Notes (%zu)\n", order->notes_count);
    for (size_t i = 0; i < order->notes_count; i++) {
        const apilo_order_note *note = &order->notes[i];
        cli_out_printf("  %s  %s\n", note->created_at_text ? note->created_at_text : "",
                       note->comment ? note->comment : "");
    }
}
