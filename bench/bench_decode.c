/*
 * Decode one list page (about 1 MB: 512 orders with items and addresses) into typed orders,
 * ITERS times, through the public apilo_order_page_decode — whatever JSON backend the library
 * is built with. Each iteration frees its page, so the figure is decode + release, the same
 * work json_decode/json.loads do when their result is dropped.
 *
 *   bench_decode PAGE_FILE ITERS
 *   bench_decode --backend          print the JSON backend the library was built with
 *
 * Prints one JSON line (bench_util.h) with units = bytes decoded, plus "backend".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apilo/apilo.h>

#include "bench_util.h"

#ifndef APILO_BENCH_BACKEND
#define APILO_BENCH_BACKEND "unknown"
#endif

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--backend") == 0) {
        puts(APILO_BENCH_BACKEND);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: bench_decode PAGE_FILE ITERS\n");
        return 2;
    }
    size_t len;
    char *text = bench_read_file(argv[1], &len);
    if (!text)
        return 1;
    long iters = atol(argv[2]);
    apilo_error err = APILO_ERROR_INIT;
    int rc = 0;
    size_t orders = 0;
    double t0 = 0, c0 = 0;

    /* One untimed pass checks the page and warms the allocator, as the baselines do. */
    for (long i = -1; i < iters; i++) {
        if (i == 0) {
            t0 = bench_now_s();
            c0 = bench_cpu_s();
        }
        apilo_order_page *page = NULL;
        apilo_status st = apilo_order_page_decode(&page, text, len, &err);
        if (st != APILO_OK) {
            char *line = apilo_error_format(&err);
            fprintf(stderr, "bench_decode: %s\n", line ? line : apilo_status_str(st));
            apilo_free(line);
            rc = 1;
            break;
        }
        orders = page->count;
        apilo_order_page_free(page);
        if (i == iters - 1)
            bench_print_result("libapilo", "decode", iters, bench_now_s() - t0, bench_cpu_s() - c0,
                               (double)len * (double)iters);
    }
    if (rc == 0)
        printf("{\"backend\": \"%s\", \"orders_per_page\": %zu}\n", APILO_BENCH_BACKEND, orders);
    apilo_error_clear(&err);
    free(text);
    return rc;
}
