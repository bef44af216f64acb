/*
 * libapilo side of the per-request and rate-budget benchmarks, through the public API only.
 *
 *   bench_libapilo list   BASE_URL N                  N x GET /rest/api/orders/?limit=512
 *   bench_libapilo get    BASE_URL N IDS_FILE         N x GET /rest/api/orders/{id}/ (ids cycled)
 *   bench_libapilo export BASE_URL MAX PAGE RATE WINDOW_MS
 *                                                     iterate MAX orders, PAGE per request, with
 *                                                     the client's rate governor at RATE/WINDOW
 *
 * The access token comes from APILO_BENCH_TOKEN (the same token the PHP and Python baselines
 * use), served by an in-memory token store so no file I/O or refresh enters the measurement.
 * list and get send one warm-up request first, as every baseline does, so connection set-up
 * is outside the timed loop. The result is one JSON line (bench_util.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <apilo/apilo.h>

#include "bench_util.h"

static apilo_status env_token_load(void *ctx, apilo_token_set *out, apilo_error *err)
{
    const char *token = ctx;
    out->access_token = strdup(token);
    out->refresh_token = strdup("unused");
    if (!out->access_token || !out->refresh_token)
        return APILO_E_NOMEM;
    /* Far enough ahead that the client never decides to refresh during a run. */
    out->access_expires_at = (int64_t)time(NULL) + 20 * 86400;
    out->refresh_expires_at = out->access_expires_at;
    return APILO_OK;
}

static apilo_status env_token_save(void *ctx, const apilo_token_set *tokens, apilo_error *err)
{
    return APILO_OK;
}

static apilo_status env_token_lock(void *ctx, apilo_error *err)
{
    return APILO_OK;
}

static void env_token_unlock(void *ctx) {}

static int fail(const char *what, apilo_status st, const apilo_error *err)
{
    char *line = apilo_error_format(err);
    fprintf(stderr, "bench_libapilo: %s: %s\n", what, line ? line : apilo_status_str(st));
    apilo_free(line);
    return 1;
}

static int run_list(apilo_client *client, long n)
{
    apilo_orders_query query;
    memset(&query, 0, sizeof query); /* APILO_ORDERS_QUERY_INIT trips -Wextra */
    query.limit = APILO_OPT_INT(512);
    apilo_error err = APILO_ERROR_INIT;
    double orders = 0, t0 = 0, c0 = 0;

    for (long i = -1; i < n; i++) {
        if (i == 0) {
            t0 = bench_now_s();
            c0 = bench_cpu_s();
        }
        apilo_order_page *page = NULL;
        apilo_status st = apilo_orders_list(client, &query, &page, &err);
        if (st != APILO_OK)
            return fail("orders list", st, &err);
        if (i >= 0)
            orders += (double)page->count;
        apilo_order_page_free(page);
    }
    bench_print_result("libapilo", "list", n, bench_now_s() - t0, bench_cpu_s() - c0, orders);
    return 0;
}

static int run_get(apilo_client *client, long n, const char *ids_path)
{
    char **ids = NULL;
    size_t count = bench_read_lines(ids_path, &ids);
    if (count == 0) {
        fprintf(stderr, "bench_libapilo: no ids in %s\n", ids_path);
        return 1;
    }
    apilo_error err = APILO_ERROR_INIT;
    double items = 0, t0 = 0, c0 = 0;
    int rc = 0;

    for (long i = -1; i < n && rc == 0; i++) {
        if (i == 0) {
            t0 = bench_now_s();
            c0 = bench_cpu_s();
        }
        apilo_order *order = NULL;
        const char *id = ids[(size_t)(i < 0 ? 0 : i) % count];
        apilo_status st = apilo_orders_get(client, id, &order, &err);
        if (st != APILO_OK) {
            rc = fail("orders get", st, &err);
            break;
        }
        if (i >= 0)
            items += (double)order->items_count;
        apilo_order_free(order);
    }
    if (rc == 0)
        bench_print_result("libapilo", "get", n, bench_now_s() - t0, bench_cpu_s() - c0, items);
    for (size_t i = 0; i < count; i++)
        free(ids[i]);
    free(ids);
    return rc;
}

static int run_export(apilo_client *client, long max_items, int page_size)
{
    apilo_orders_query query;
    memset(&query, 0, sizeof query); /* APILO_ORDERS_QUERY_INIT trips -Wextra */
    apilo_orders_iter *iter = NULL;
    apilo_error err = APILO_ERROR_INIT;
    double t0 = bench_now_s(), c0 = bench_cpu_s(), orders = 0;

    apilo_status st = apilo_orders_iter_new(&iter, client, &query, page_size, max_items, &err);
    if (st != APILO_OK)
        return fail("iterator", st, &err);
    const apilo_order *order;
    while ((st = apilo_orders_iter_next(iter, &order, &err)) == APILO_OK)
        orders++;
    double wall = bench_now_s() - t0, cpu = bench_cpu_s() - c0;
    uint64_t pages = apilo_orders_iter_pages(iter);
    apilo_orders_iter_free(iter);
    if (st != APILO_ITER_OVER)
        return fail("iterator next", st, &err);

    apilo_client_stats stats;
    apilo_client_get_stats(client, &stats);
    bench_print_result("libapilo", "export", (long)pages, wall, cpu, orders);
    printf("{\"requests\": %llu, \"retries\": %llu, \"rate_waits\": %llu, "
           "\"rate_wait_s\": %.6f}\n",
           (unsigned long long)stats.requests, (unsigned long long)stats.retries,
           (unsigned long long)stats.rate_waits, stats.rate_wait_s);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_libapilo list BASE_URL N\n"
                    "       bench_libapilo get BASE_URL N IDS_FILE\n"
                    "       bench_libapilo export BASE_URL MAX PAGE RATE WINDOW_MS\n"
                    "env APILO_BENCH_TOKEN: the access token\n");
}

int main(int argc, char **argv)
{
    const char *token = getenv("APILO_BENCH_TOKEN");
    if (argc < 4 || !token) {
        usage();
        return 2;
    }
    const char *mode = argv[1];
    int is_export = strcmp(mode, "export") == 0;
    if ((strcmp(mode, "get") == 0 && argc != 5) || (is_export && argc != 7)) {
        usage();
        return 2;
    }

    apilo_global_init();
    apilo_token_store_ops ops = {env_token_load, env_token_save, env_token_lock, env_token_unlock,
                                 NULL};
    apilo_token_store *store = NULL;
    apilo_client *client = NULL;
    apilo_error err = APILO_ERROR_INIT;
    int rc = 1;

    if (apilo_token_store_new(&store, &ops, (void *)token) != APILO_OK)
        goto out;
    apilo_options opts = APILO_OPTIONS_INIT;
    opts.base_url = argv[2];
    opts.client_id = "1";
    opts.client_secret = "sandbox-secret";
    opts.token_store = store;
    opts.rate_limit_requests = is_export ? atoi(argv[5]) : -1;
    opts.rate_limit_window_ms = is_export ? atol(argv[6]) : 0;
    apilo_status st = apilo_client_new(&client, &opts, &err);
    if (st != APILO_OK) {
        rc = fail("client", st, &err);
        goto out;
    }

    long n = atol(argv[3]);
    if (strcmp(mode, "list") == 0)
        rc = run_list(client, n);
    else if (strcmp(mode, "get") == 0)
        rc = run_get(client, n, argv[4]);
    else if (is_export)
        rc = run_export(client, n, atoi(argv[4]));
    else
        usage();
out:
    apilo_error_clear(&err);
    apilo_client_free(client);
    apilo_token_store_free(store);
    apilo_global_cleanup();
    return rc;
}
