/*
 * C1: processes sharing one token file refresh a rotating token exactly once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "net_test_util.h"

/* In a child: wait for the start signal, list orders with a fresh client, exit 0 on success. */
static void run_child(const apl_test_sandbox *sb, const char *path, int start_fd)
{
    apilo_token_store *store = NULL;
    apilo_client *client = NULL;
    apilo_order_page *page = NULL;
    apilo_orders_query query = {0};
    apilo_options options;
    apilo_error err = APILO_ERROR_INIT;
    char byte;
    int rc = 1;

    if (read(start_fd, &byte, 1) < 0)
        _exit(3);
    if (apilo_token_store_file_new(&store, path, NULL) != APILO_OK)
        _exit(2);
    options = test_options(sb, store, NULL);
    options.refresh_margin_s = 0;
    query.limit = APILO_OPT_INT(5);
    if (apilo_client_new(&client, &options, NULL) == APILO_OK &&
        apilo_orders_list(client, &query, &page, &err) == APILO_OK && page->count > 0)
        rc = 0;
    else
        fprintf(stderr, "child %d: %s\n", (int)getpid(), err.message ? err.message : "?");
    apilo_order_page_free(page);
    apilo_error_clear(&err);
    apilo_client_free(client);
    apilo_token_store_free(store);
    _exit(rc);
}

/* Fork `count` children that start together; assert they all succeed. */
static void run_children(const apl_test_sandbox *sb, const char *path, int count)
{
    pid_t children[16];
    int start[2];

    assert_true(count <= 16);
    assert_int_equal(pipe(start), 0);
    for (int i = 0; i < count; i++) {
        children[i] = fork();
        assert_true(children[i] >= 0);
        if (children[i] == 0) {
            close(start[1]);
            run_child(sb, path, start[0]);
        }
    }
    close(start[0]);
    close(start[1]); /* every child's read returns now */

    for (int i = 0; i < count; i++) {
        int status;

        assert_int_equal(waitpid(children[i], &status, 0), children[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
}

/* A sandbox and a token file a parent client has logged in to, for the children to share. */
static net_fixture *logged_in_fixture(const char *const *args)
{
    net_fixture *fx = net_fixture_start(args);
    apilo_options options;

    assert_non_null(fx);
    options = test_options(&fx->sb, fx->store, NULL);
    assert_int_equal(apilo_client_new(&fx->client, &options, NULL), APILO_OK);
    assert_int_equal(login_with_fresh_code(fx->client, &fx->sb), 0);
    /* Only the token file goes on: the children fork without the parent's connection. */
    apilo_client_free(fx->client);
    fx->client = NULL;
    return fx;
}

/* The access token dies on the server (401 for everyone); one process refreshes. */
static void test_eight_processes_one_refresh(void **state)
{
    const char *const args[] = {"--seed-orders", "20", NULL};
    net_fixture *fx = logged_in_fixture(args);

    (void)state;
    assert_int_equal(sandbox_expire_access(&fx->sb), 0);
    assert_int_equal(sandbox_reset_log(&fx->sb), 0);

    run_children(&fx->sb, fx->token_path, 8);
    assert_int_equal(sandbox_stat(&fx->sb, "refreshes"), 1);
    assert_int_equal(sandbox_stat(&fx->sb, "tokenRequests"), 1);

    net_fixture_stop(fx);
}

/* C1 as reported: the token expired by the clock; both processes decide to refresh. */
static void test_two_processes_expired_by_time(void **state)
{
    const char *const args[] = {"--seed-orders", "20", "--access-ttl", "2", NULL};
    net_fixture *fx = logged_in_fixture(args);

    (void)state;
    apl_sleep(2.5);
    assert_int_equal(sandbox_reset_log(&fx->sb), 0);

    run_children(&fx->sb, fx->token_path, 2);
    assert_int_equal(sandbox_stat(&fx->sb, "refreshes"), 1);
    assert_int_equal(sandbox_stat(&fx->sb, "tokenRequests"), 1);
    /* Nobody was turned away: the expiry was seen before sending. */
    assert_int_equal(sandbox_stat(&fx->sb, "refused"), 0);

    net_fixture_stop(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eight_processes_one_refresh),
        cmocka_unit_test(test_two_processes_expired_by_time),
    };

    return RUN_NET_TESTS(tests, NULL, NULL);
}
