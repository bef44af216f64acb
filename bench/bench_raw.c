/*
 * The floor: the same requests as bench_libapilo with nothing but libcurl and the JSON parser
 * libapilo uses. One easy handle is reused, so every request rides the one kept-alive
 * connection; the body buffer is reused too. No typed model is built: this is the least work
 * any client must do, and libapilo is judged by how close it comes.
 *
 *   bench_raw list BASE_URL N             N x GET /rest/api/orders/?limit=512
 *   bench_raw get  BASE_URL N IDS_FILE    N x GET /rest/api/orders/{id}/ (ids cycled)
 *
 * Token from APILO_BENCH_TOKEN. Prints one JSON line (bench_util.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "bench_util.h"
#include "raw_parse.h"

typedef struct body {
    char *data;
    size_t len;
    size_t cap;
} body;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    body *b = userdata;
    size_t add = size * nmemb;
    if (b->len + add + RAW_PARSE_PADDING > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (b->len + add + RAW_PARSE_PADDING > cap)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown)
            return 0;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, add);
    b->len += add;
    return add;
}

/* One GET and its parse; returns what raw_parse_count returned, or -1 on any failure. */
static long fetch(CURL *curl, body *b, const char *url)
{
    b->len = 0;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "bench_raw: %s: %s, HTTP %ld\n", url, curl_easy_strerror(rc), status);
        return -1;
    }
    return raw_parse_count(b->data, b->len);
}

int main(int argc, char **argv)
{
    const char *token = getenv("APILO_BENCH_TOKEN");
    int is_list = argc == 4 && strcmp(argv[1], "list") == 0;
    int is_get = argc == 5 && strcmp(argv[1], "get") == 0;
    if (!token || (!is_list && !is_get)) {
        fprintf(stderr, "usage: bench_raw list BASE_URL N | get BASE_URL N IDS_FILE\n"
                        "env APILO_BENCH_TOKEN: the access token\n");
        return 2;
    }
    const char *base = argv[2];
    long n = atol(argv[3]);
    char **ids = NULL;
    size_t id_count = 0;
    if (is_get && (id_count = bench_read_lines(argv[4], &ids)) == 0) {
        fprintf(stderr, "bench_raw: no ids in %s\n", argv[4]);
        return 1;
    }

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    char auth[4096];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, auth);
    body b = {NULL, 0, 0};
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);

    char url[1024];
    double units = 0, t0 = 0, c0 = 0;
    int rc = 0;
    for (long i = -1; i < n; i++) {
        if (i == 0) {
            t0 = bench_now_s();
            c0 = bench_cpu_s();
        }
        if (is_list)
            snprintf(url, sizeof url, "%s/rest/api/orders/?limit=512", base);
        else
            snprintf(url, sizeof url, "%s/rest/api/orders/%s/", base,
                     ids[(size_t)(i < 0 ? 0 : i) % id_count]);
        long got = fetch(curl, &b, url);
        if (got < 0) {
            rc = 1;
            break;
        }
        if (i >= 0)
            units += (double)got;
    }
    if (rc == 0)
        bench_print_result("raw", argv[1], n, bench_now_s() - t0, bench_cpu_s() - c0, units);

    free(b.data);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    for (size_t i = 0; i < id_count; i++)
        free(ids[i]);
    free(ids);
    return rc;
}
