/*
 * Example: list the orders created in the last 7 days with the library.
 *
 *   APILO_BASE_URL=http://127.0.0.1:PORT APILO_CLIENT_ID=1 APILO_CLIENT_SECRET=... \
 *   APILO_TOKEN_FILE=/path/tokens.json ./example_list_orders
 *
 * The token file must already hold tokens (`apilo auth login --code CODE`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <apilo/apilo.h>

static int fail(apilo_error *err)
{
    char *line = apilo_error_format(err);

    fprintf(stderr, "list_orders: %s\n", line ? line : apilo_status_str(err->status));
    apilo_free(line);
    apilo_error_clear(err);
    return 1;
}

int main(void)
{
    apilo_error err = APILO_ERROR_INIT;
    apilo_token_store *store = NULL;
    apilo_client *client = NULL;
    apilo_orders_iter *iter = NULL;
    apilo_options options = APILO_OPTIONS_INIT;
    apilo_orders_query query = APILO_ORDERS_QUERY_INIT;
    const apilo_order *order;
    apilo_status status;
    int exit_code = 1;

    if (apilo_global_init() != APILO_OK)
        return 1;

    if (apilo_token_store_file_new(&store, getenv("APILO_TOKEN_FILE"), &err) != APILO_OK) {
        exit_code = fail(&err);
        goto out;
    }

    options.base_url = getenv("APILO_BASE_URL");
    options.client_id = getenv("APILO_CLIENT_ID");
    options.client_secret = getenv("APILO_CLIENT_SECRET");
    options.token_store = store;
    if (apilo_client_new(&client, &options, &err) != APILO_OK) {
        exit_code = fail(&err);
        goto out;
    }

    query.created_after.set = 1;
    query.created_after.value.unix_seconds = (int64_t)time(NULL) - 7 * 86400;
    query.sort = APILO_ORDERS_SORT_CREATED_AT_DESC;
    if (apilo_orders_iter_new(&iter, client, &query, 0, 0, &err) != APILO_OK) {
        exit_code = fail(&err);
        goto out;
    }

    while ((status = apilo_orders_iter_next(iter, &order, &err)) == APILO_OK)
        printf("%s\t%s\t%s\n", order->id, order->original_currency ? order->original_currency : "",
               order->original_amount_total_with_tax ? order->original_amount_total_with_tax : "");
    if (status != APILO_ITER_OVER) {
        exit_code = fail(&err);
        goto out;
    }
    exit_code = 0;

out:
    apilo_orders_iter_free(iter);
    apilo_client_free(client);
    apilo_token_store_free(store);
    apilo_global_cleanup();
    return exit_code;
}
