/*
 * apilo — orders list / get / maps. Lists stream through the library's iterator: one page in
 * memory, output flushed at every page boundary so a consumer sees rows as pages arrive.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_STATUS_FILTERS 64

enum {
    OPT_CREATED_AFTER = 1,
    OPT_CREATED_BEFORE,
    OPT_ORDERED_AFTER,
    OPT_ORDERED_BEFORE,
    OPT_UPDATED_AFTER,
    OPT_UPDATED_BEFORE,
    OPT_HAS_DOCUMENT,
    OPT_ID,
    OPT_ID_EXTERNAL,
    OPT_STATUS,
    OPT_PAYMENT_STATUS,
    OPT_PAYMENT_TYPE,
    OPT_PLATFORM_ACCOUNT,
    OPT_CARRIER,
    OPT_EMAIL,
    OPT_SORT,
    OPT_OFFSET,
    OPT_LIMIT,
    OPT_ALL,
    OPT_MAX_ITEMS,
    OPT_OUTPUT
};

typedef struct list_args {
    apilo_orders_query query;
    int64_t status_ids[MAX_STATUS_FILTERS];
    size_t status_count;
    int all;
    int64_t max_items;
    cli_format format;
} list_args;

static int parse_output(cli_format *out, const char *value)
{
    if (cli_format_parse(out, value) != 0) {
        cli_errorf("--output: '%s' is not one of ndjson, json, table, csv", value);
        return -1;
    }
    return 0;
}

static int set_date(apilo_opt_time *slot, const cli_opt *opt, const char *value)
{
    /* The API filters by whole seconds: dropping a fraction would move the bound in silence. */
    const char *clock = strpbrk(value, "Tt ");
    if (clock && strpbrk(clock, ".,")) {
        cli_errorf("--%s: '%s' has a fraction of a second; the API filters by whole seconds",
                   opt->name, value);
        return -1;
    }
    if (cli_parse_date(&slot->value, value) != 0) {
        cli_errorf("--%s: '%s' is not a date (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS+hh:mm, or an "
                   "age such as 30d, 12h, 45m)",
                   opt->name, value);
        return -1;
    }
    slot->set = 1;
    return 0;
}

/* Range checks of API filters are left to the library so its messages and ours agree. */
static int set_int(apilo_opt_int *slot, const cli_opt *opt, const char *value)
{
    if (cli_parse_int(&slot->value, value, INT64_MIN, INT64_MAX) != 0) {
        cli_errorf("--%s: '%s' is not a whole number", opt->name, value);
        return -1;
    }
    slot->set = 1;
    return 0;
}

static int add_statuses(list_args *args, const char *value)
{
    const char *p = value;

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char number[24];
        int64_t id = 0;

        if (len == 0 || len >= sizeof number)
            goto bad;
        memcpy(number, p, len);
        number[len] = '\0';
        if (cli_parse_int(&id, number, INT64_MIN, INT64_MAX) != 0)
            goto bad;
        if (args->status_count == MAX_STATUS_FILTERS) {
            cli_errorf("--status: at most %d statuses", MAX_STATUS_FILTERS);
            return -1;
        }
        args->status_ids[args->status_count++] = id;
        p += len + (comma ? 1 : 0);
        if (comma && !*p)
            goto bad;
    }
    if (args->status_count > 0)
        return 0;

bad:
    cli_errorf("--status: '%s' is not a status id or a comma-separated list of ids", value);
    return -1;
}

static int list_flag(void *state, const cli_opt *opt, const char *value)
{
    list_args *args = state;
    apilo_orders_query *query = &args->query;

    switch (opt->id) {
    case OPT_CREATED_AFTER:
        return set_date(&query->created_after, opt, value);
    case OPT_CREATED_BEFORE:
        return set_date(&query->created_before, opt, value);
    case OPT_ORDERED_AFTER:
        return set_date(&query->ordered_after, opt, value);
    case OPT_ORDERED_BEFORE:
        return set_date(&query->ordered_before, opt, value);
    case OPT_UPDATED_AFTER:
        return set_date(&query->updated_after, opt, value);
    case OPT_UPDATED_BEFORE:
        return set_date(&query->updated_before, opt, value);
    case OPT_HAS_DOCUMENT:
        return set_int(&query->is_order_document, opt, value);
    case OPT_ID:
        query->id = value;
        return 0;
    case OPT_ID_EXTERNAL:
        query->id_external = value;
        return 0;
    case OPT_STATUS:
        return add_statuses(args, value);
    case OPT_PAYMENT_STATUS:
        return set_int(&query->payment_status, opt, value);
    case OPT_PAYMENT_TYPE:
        return set_int(&query->payment_type, opt, value);
    case OPT_PLATFORM_ACCOUNT:
        return set_int(&query->platform_account_id, opt, value);
    case OPT_CARRIER:
        return set_int(&query->carrier_id, opt, value);
    case OPT_EMAIL:
        query->email = value;
        return 0;
    case OPT_OFFSET:
        return set_int(&query->offset, opt, value);
    case OPT_LIMIT:
        return set_int(&query->limit, opt, value);
    case OPT_ALL:
        args->all = 1;
        return 0;
    case OPT_OUTPUT:
        return parse_output(&args->format, value);
    case OPT_SORT:
        if (apilo_orders_sort_parse(&query->sort, value) != APILO_OK) {
            cli_errorf("--sort: '%s' is not one of createdAtAsc, createdAtDesc, updatedAtAsc, "
                       "updatedAtDesc, orderedAtAsc, orderedAtDesc",
                       value);
            return -1;
        }
        return 0;
    case OPT_MAX_ITEMS:
        if (cli_parse_int(&args->max_items, value, 1, INT64_MAX) != 0) {
            cli_errorf("--max-items: '%s' is not a number of orders >= 1", value);
            return -1;
        }
        return 0;
    }
    return -1;
}

/* Status and platform names for table and CSV; without them ids are shown, so a failure
 * here is only worth a note under --verbose. */
static void load_maps(cli_context *ctx, cli_maps *maps)
{
    apilo_error err = APILO_ERROR_INIT;

    if (apilo_orders_map_get(ctx->client, APILO_MAP_ORDER_STATUS, &maps->status, &err) != APILO_OK)
        cli_debugf(ctx, "status names unavailable, showing ids: %s",
                   err.message ? err.message : "error");
    apilo_error_clear(&err);

    if (apilo_orders_map_get(ctx->client, APILO_MAP_PLATFORM, &maps->platform, &err) != APILO_OK)
        cli_debugf(ctx, "platform names unavailable, showing ids: %s",
                   err.message ? err.message : "error");
    apilo_error_clear(&err);
}

static void free_maps(cli_maps *maps)
{
    apilo_map_free(maps->status);
    apilo_map_free(maps->platform);
    maps->status = maps->platform = NULL;
}

/* One status goes out as orderStatus, several as orderStatusIds[] (both are documented). */
static void apply_statuses(list_args *args)
{
    if (args->status_count == 1)
        args->query.order_status = APILO_OPT_INT(args->status_ids[0]);
    else if (args->status_count > 1) {
        args->query.order_status_ids = args->status_ids;
        args->query.order_status_ids_count = args->status_count;
    }
}

typedef struct export_state {
    cli_format format;
    cli_maps maps;
    size_t table_width;
    uint64_t written;
    int show_progress;
    double started_s;
} export_state;

static void write_order(export_state *state, const apilo_order *order)
{
    switch (state->format) {
    case CLI_FORMAT_JSON:
        cli_out_puts(state->written > 0 ? ",\n" : "\n");
        {
            char *json = apilo_order_raw_json(order);
            cli_out_puts(json ? json : "null");
            apilo_free(json);
        }
        break;
    case CLI_FORMAT_CSV:
        cli_render_csv_row(order, &state->maps);
        break;
    case CLI_FORMAT_TABLE:
        cli_render_table_row(order, &state->maps, state->table_width);
        break;
    default:
        cli_render_order_json_line(order);
        break;
    }
    state->written++;
    cli_out_end_record();
}

static void write_header(const export_state *state)
{
    if (state->format == CLI_FORMAT_JSON)
        cli_out_puts("[");
    else if (state->format == CLI_FORMAT_CSV)
        cli_render_csv_header();
    else if (state->format == CLI_FORMAT_TABLE)
        cli_render_table_header(state->table_width);
}

/* Pull every order from the iterator into the output. Returns the library status. */
static apilo_status export_orders(cli_context *ctx, apilo_orders_iter *iter, export_state *state,
                                  int64_t first_offset, apilo_error *err)
{
    for (;;) {
        const apilo_order *order = NULL;
        apilo_status status = apilo_orders_iter_next(iter, &order, err);
        if (status != APILO_OK)
            return status;

        write_order(state, order);

        /* Every row of the fetched page is out: flush before the next page is requested. */
        if (first_offset + (int64_t)state->written >= apilo_orders_iter_offset(iter)) {
            cli_out_flush();
            if (state->show_progress)
                cli_progress_update(state->written, apilo_orders_iter_total(iter),
                                    cli_now_s() - state->started_s);
        }
        if (cli_out_pipe_closed() || cli_out_failed() || cli_interrupted())
            return APILO_ITER_OVER;
    }
}

static void write_footer(const cli_context *ctx, const export_state *state,
                         const apilo_orders_iter *iter)
{
    int64_t total = apilo_orders_iter_total(iter);

    if (state->format == CLI_FORMAT_JSON && !cli_interrupted())
        cli_out_puts(state->written > 0 ? "\n]\n" : "]\n");

    if (state->format == CLI_FORMAT_TABLE && !ctx->flags.quiet && total >= 0) {
        char shown[32], all[32];
        cli_format_count(shown, sizeof shown, state->written);
        cli_format_count(all, sizeof all, (uint64_t)total);
        cli_out_printf("%s of %s matching orders shown\n", shown, all);
    }
    cli_debugf(ctx, "%" PRIu64 " orders written from %" PRIu64 " pages, totalCount %" PRId64 "%s",
               state->written, apilo_orders_iter_pages(iter), total,
               apilo_orders_iter_totals_mismatch(iter) ? " (totals disagreed)" : "");
}

int cli_cmd_orders_list(cli_context *ctx, int argc, char **argv)
{
    static const cli_opt opts[] = {
        {"created-after", 0, 1, OPT_CREATED_AFTER},
        {"created-before", 0, 1, OPT_CREATED_BEFORE},
        {"ordered-after", 0, 1, OPT_ORDERED_AFTER},
        {"ordered-before", 0, 1, OPT_ORDERED_BEFORE},
        {"updated-after", 0, 1, OPT_UPDATED_AFTER},
        {"updated-before", 0, 1, OPT_UPDATED_BEFORE},
        {"has-document", 0, 1, OPT_HAS_DOCUMENT},
        {"id", 0, 1, OPT_ID},
        {"id-external", 0, 1, OPT_ID_EXTERNAL},
        {"status", 0, 1, OPT_STATUS},
        {"payment-status", 0, 1, OPT_PAYMENT_STATUS},
        {"payment-type", 0, 1, OPT_PAYMENT_TYPE},
        {"platform-account", 0, 1, OPT_PLATFORM_ACCOUNT},
        {"carrier", 0, 1, OPT_CARRIER},
        {"email", 0, 1, OPT_EMAIL},
        {"sort", 0, 1, OPT_SORT},
        {"offset", 0, 1, OPT_OFFSET},
        {"limit", 0, 1, OPT_LIMIT},
        {"page-size", 0, 1, OPT_LIMIT},
        {"all", 'a', 0, OPT_ALL},
        {"max-items", 0, 1, OPT_MAX_ITEMS},
        {"output", 'o', 1, OPT_OUTPUT},
        {NULL, 0, 0, 0},
    };
    list_args args;
    memset(&args, 0, sizeof args);

    int rc = cli_parse_command(ctx, argc, argv, opts, list_flag, &args, NULL, 0, NULL);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
    apply_statuses(&args);

    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_orders_query_validate(&args.query, &err);
    if (status != APILO_OK)
        goto report;

    rc = cli_open_client(ctx, 0);
    if (rc != CLI_EXIT_OK)
        return rc;

    /* Without --all, --limit orders: one request, or more if the API answers with short pages. */
    int64_t page = args.query.limit.set ? args.query.limit.value : APILO_ORDERS_MAX_LIMIT;
    if (page > APILO_ORDERS_MAX_LIMIT)
        page = APILO_ORDERS_MAX_LIMIT; /* the API serves at most 512; the library warns */
    int64_t max_items = args.max_items;
    if (!args.all && (max_items == 0 || max_items > page))
        max_items = page;

    export_state state = {0};
    state.format = cli_format_resolve(args.format, ctx->stdout_tty);
    state.table_width = cli_terminal_width(160);
    state.show_progress = args.all && ctx->stderr_tty && !ctx->flags.quiet;
    state.started_s = cli_now_s();
    if (state.format == CLI_FORMAT_TABLE || state.format == CLI_FORMAT_CSV)
        load_maps(ctx, &state.maps);

    apilo_orders_iter *iter = NULL;
    status = apilo_orders_iter_new(&iter, ctx->client, &args.query, 0, max_items, &err);
    if (status == APILO_OK) {
        write_header(&state);
        status = export_orders(ctx, iter, &state,
                               args.query.offset.set ? args.query.offset.value : 0, &err);
        if (status == APILO_ITER_OVER)
            write_footer(ctx, &state, iter);
        cli_progress_clear();
        cli_out_flush();
    }
    apilo_orders_iter_free(iter);
    free_maps(&state.maps);

    if (status == APILO_ITER_OVER) {
        apilo_error_clear(&err);
        if (cli_interrupted())
            return CLI_EXIT_INTERRUPTED;
        if (cli_out_failed()) {
            cli_errorf("could not write to standard output");
            return CLI_EXIT_FAILURE;
        }
        return CLI_EXIT_OK;
    }

report:
    rc = cli_report(ctx, status, &err);
    apilo_error_clear(&err);
    return rc;
}

/* ---- orders get ------------------------------------------------------------------------- */

static int get_flag(void *state, const cli_opt *opt, const char *value)
{
    (void)opt;
    return parse_output(state, value);
}

int cli_cmd_orders_get(cli_context *ctx, int argc, char **argv)
{
    static const cli_opt opts[] = {{"output", 'o', 1, OPT_OUTPUT}, {NULL, 0, 0, 0}};
    cli_format format = CLI_FORMAT_AUTO;
    const char *ids[1];
    size_t count = 0;

    int rc = cli_parse_command(ctx, argc, argv, opts, get_flag, &format, ids, 1, &count);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
    if (count == 0) {
        cli_errorf("orders get needs an order id (see apilo orders get --help)");
        return CLI_EXIT_USAGE;
    }
    if (!apilo_order_id_valid(ids[0])) {
        cli_errorf("'%s' is not an order id (10-11 characters: letters, digits, '.', '|')", ids[0]);
        return CLI_EXIT_USAGE;
    }

    rc = cli_open_client(ctx, 0);
    if (rc != CLI_EXIT_OK)
        return rc;

    apilo_order *order = NULL;
    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_orders_get(ctx->client, ids[0], &order, &err);
    if (status != APILO_OK) {
        rc = cli_report(ctx, status, &err);
        apilo_error_clear(&err);
        return rc;
    }

    cli_maps maps = {0};
    if (format == CLI_FORMAT_TABLE || format == CLI_FORMAT_CSV)
        load_maps(ctx, &maps);

    if (format == CLI_FORMAT_NDJSON) {
        rc = cli_render_order_json_line(order) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    } else if (format == CLI_FORMAT_TABLE) {
        cli_render_order_detail(order, &maps);
    } else if (format == CLI_FORMAT_CSV) {
        cli_render_csv_header();
        cli_render_csv_row(order, &maps);
    } else {
        char *json = apilo_order_raw_json(order);
        if (json)
            cli_out_json_pretty(json);
        else
            rc = CLI_EXIT_FAILURE;
        apilo_free(json);
    }
    free_maps(&maps);
    apilo_order_free(order);
    return rc;
}

/* ---- orders maps ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    apilo_order_map_kind kind;
} map_kinds[] = {
    {"status", APILO_MAP_ORDER_STATUS},
    {"payment", APILO_MAP_PAYMENT_TYPE},
    {"platform", APILO_MAP_PLATFORM},
    {"carrier", APILO_MAP_CARRIER},
    {"carrier-account", APILO_MAP_CARRIER_ACCOUNT},
    {"documents", APILO_MAP_DOCUMENT_TYPE},
    {"tag", APILO_MAP_TAG},
    {"shipment-status", APILO_MAP_SHIPMENT_STATUS},
};

static void write_map_entry(cli_format format, const apilo_map_entry *entry, size_t index)
{
    char id[24] = "";
    if (entry->id.set)
        snprintf(id, sizeof id, "%" PRId64, entry->id.value);

    if (format == CLI_FORMAT_CSV) {
        const char *fields[] = {id, entry->key, entry->name, entry->description};
        for (size_t i = 0; i < 4; i++) {
            if (i > 0)
                cli_out_write(",", 1);
            cli_out_csv_field(fields[i]);
        }
        cli_out_puts("\r\n");
        return;
    }
    if (format == CLI_FORMAT_TABLE) {
        cli_out_cell(id, 6, 1);
        cli_out_puts("  ");
        cli_out_cell(entry->key, 32, 0);
        cli_out_puts("  ");
        cli_out_cell(entry->name, 28, 0);
        cli_out_puts("  ");
        cli_out_puts(entry->description ? entry->description : "");
        cli_out_puts("\n");
        return;
    }

    if (format == CLI_FORMAT_JSON)
        cli_out_puts(index > 0 ? ",\n  " : "\n  ");
    cli_out_printf("{\"id\":%s,\"key\":", entry->id.set ? id : "null");
    cli_out_json_string(entry->key);
    cli_out_puts(",\"name\":");
    cli_out_json_string(entry->name);
    cli_out_puts(",\"description\":");
    cli_out_json_string(entry->description);
    cli_out_puts(format == CLI_FORMAT_JSON ? "}" : "}\n");
}

int cli_cmd_orders_maps(cli_context *ctx, int argc, char **argv)
{
    static const cli_opt opts[] = {{"output", 'o', 1, OPT_OUTPUT}, {NULL, 0, 0, 0}};
    cli_format format = CLI_FORMAT_AUTO;
    const char *kinds[1];
    size_t count = 0, k = 0;

    int rc = cli_parse_command(ctx, argc, argv, opts, get_flag, &format, kinds, 1, &count);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;

    while (count > 0 && k < sizeof map_kinds / sizeof map_kinds[0] &&
           strcmp(map_kinds[k].name, kinds[0]) != 0)
        k++;
    if (count == 0 || k == sizeof map_kinds / sizeof map_kinds[0]) {
        cli_errorf("orders maps needs one of: status, payment, platform, carrier, "
                   "carrier-account, documents, tag, shipment-status");
        return CLI_EXIT_USAGE;
    }

    rc = cli_open_client(ctx, 0);
    if (rc != CLI_EXIT_OK)
        return rc;

    apilo_map *map = NULL;
    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_orders_map_get(ctx->client, map_kinds[k].kind, &map, &err);
    if (status != APILO_OK) {
        rc = cli_report(ctx, status, &err);
        apilo_error_clear(&err);
        return rc;
    }

    format = cli_format_resolve(format, ctx->stdout_tty);
    if (format == CLI_FORMAT_JSON)
        cli_out_puts("[");
    else if (format == CLI_FORMAT_CSV)
        cli_out_puts("id,key,name,description\r\n");
    else if (format == CLI_FORMAT_TABLE) {
        cli_out_cell("ID", 6, 1);
        cli_out_puts("  ");
        cli_out_cell("KEY", 32, 0);
        cli_out_puts("  ");
        cli_out_cell("NAME", 28, 0);
        cli_out_puts("  DESCRIPTION\n");
    }
    for (size_t i = 0; i < map->count; i++)
        write_map_entry(format, &map->entries[i], i);
    if (format == CLI_FORMAT_JSON)
        cli_out_puts(map->count > 0 ? "\n]\n" : "]\n");
    apilo_map_free(map);
    return CLI_EXIT_OK;
}
