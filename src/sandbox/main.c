/* apilo-sandbox: command line, start-up, seeding and clean shutdown on SIGTERM/SIGINT. */
#include "sandbox.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage_text[] =
    "usage: apilo-sandbox [--listen ADDR:PORT] [--db PATH] [--seed-orders N] [--seed SEED]\n"
    "                     [--now EPOCH] [--client-id ID] [--client-secret SECRET]\n"
    "                     [--auth-code CODE]... [--access-ttl SECONDS] [--refresh-ttl SECONDS]\n"
    "                     [--rate-limit N] [--rate-window-ms MS] [--no-rate-limit]\n"
    "                     [--no-fixtures] [--quiet]\n"
    "A local Apilo REST API on loopback; see docs/SANDBOX.md.\n";

enum {
    OPT_LISTEN = 256,
    OPT_DB,
    OPT_SEED_ORDERS,
    OPT_SEED,
    OPT_NOW,
    OPT_CLIENT_ID,
    OPT_CLIENT_SECRET,
    OPT_AUTH_CODE,
    OPT_ACCESS_TTL,
    OPT_REFRESH_TTL,
    OPT_RATE_LIMIT,
    OPT_RATE_WINDOW_MS,
    OPT_NO_RATE_LIMIT,
    OPT_NO_FIXTURES,
    OPT_QUIET,
    OPT_HELP,
};

static const struct option long_options[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"db", required_argument, NULL, OPT_DB},
    {"seed-orders", required_argument, NULL, OPT_SEED_ORDERS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"now", required_argument, NULL, OPT_NOW},
    {"client-id", required_argument, NULL, OPT_CLIENT_ID},
    {"client-secret", required_argument, NULL, OPT_CLIENT_SECRET},
    {"auth-code", required_argument, NULL, OPT_AUTH_CODE},
    {"access-ttl", required_argument, NULL, OPT_ACCESS_TTL},
    {"refresh-ttl", required_argument, NULL, OPT_REFRESH_TTL},
    {"rate-limit", required_argument, NULL, OPT_RATE_LIMIT},
    {"rate-window-ms", required_argument, NULL, OPT_RATE_WINDOW_MS},
    {"no-rate-limit", no_argument, NULL, OPT_NO_RATE_LIMIT},
    {"no-fixtures", no_argument, NULL, OPT_NO_FIXTURES},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int parse_number(const char *flag, const char *text, long long min, long long max,
                        long long *out)
{
    char *end = NULL;
    long long value = strtoll(text, &end, 10);

    if (!*text || *end || value < min || value > max) {
        fprintf(stderr, "apilo-sandbox: %s wants an integer from %lld to %lld, got \"%s\"\n", flag,
                min, max, text);
        return -1;
    }
    *out = value;
    return 0;
}

/* An empty secret or code would let an empty Basic password or code through. */
static int parse_text(const char *flag, const char *text)
{
    if (*text)
        return 0;
    fprintf(stderr, "apilo-sandbox: %s wants a non-empty value\n", flag);
    return -1;
}

/* The shape of ADDR:PORT or [V6]:PORT, checked here so that a typo is a bad command line
 * (exit 2); whether the address is a loopback one is the server's decision at start-up. */
static int parse_listen(const char *text)
{
    const char *port = NULL;
    char *end = NULL;

    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close && close > text + 1 && close[1] == ':')
            port = close + 2;
    } else {
        const char *colon = strrchr(text, ':');
        if (colon && colon > text)
            port = colon + 1;
    }
    if (port && *port >= '0' && *port <= '9') {
        long value = strtol(port, &end, 10);
        if (!*end && value <= 65535)
            return 0;
    }
    fprintf(stderr, "apilo-sandbox: --listen wants ADDR:PORT with a port from 0 to 65535, "
                    "got \"%s\"\n",
            text);
    return -1;
}

/* Returns 0, 1 for --help, or -1 on a bad command line. */
static int parse_args(int argc, char **argv, sbx_config *config)
{
    int opt;
    int long_index = 0;
    long long n;
    char flag[64];

    while ((opt = getopt_long(argc, argv, "", long_options, &long_index)) != -1) {
        /* argv[optind - 1] is the value, not the flag, when they are separate words. */
        snprintf(flag, sizeof flag, "--%s",
                 opt >= OPT_LISTEN ? long_options[long_index].name : "?");

        switch (opt) {
        case OPT_LISTEN:
            if (parse_listen(optarg))
                return -1;
            config->listen = optarg;
            break;
        case OPT_DB:
            config->db_path = optarg;
            break;
        case OPT_CLIENT_ID:
            config->client_id = optarg;
            break;
        case OPT_CLIENT_SECRET:
            if (parse_text(flag, optarg))
                return -1;
            config->client_secret = optarg;
            break;
        case OPT_NO_RATE_LIMIT:
            config->no_rate_limit = true;
            break;
        case OPT_NO_FIXTURES:
            config->no_fixtures = true;
            break;
        case OPT_QUIET:
            config->quiet = true;
            break;
        case OPT_HELP:
            return 1;
        case OPT_AUTH_CODE:
            if (parse_text(flag, optarg))
                return -1;
            config->auth_codes = sbx_xrealloc(
                config->auth_codes, sizeof *config->auth_codes * (config->auth_code_count + 1));
            config->auth_codes[config->auth_code_count++] = optarg;
            break;
        case OPT_SEED_ORDERS:
            if (parse_number(flag, optarg, 0, 50000000, &n))
                return -1;
            config->seed_orders = (long)n;
            break;
        case OPT_SEED:
            if (parse_number(flag, optarg, 0, INT64_MAX, &n))
                return -1;
            config->seed = (uint64_t)n;
            break;
        case OPT_NOW:
            if (parse_number(flag, optarg, 0, 253402300799LL, &n))
                return -1;
            config->now = n;
            break;
        case OPT_ACCESS_TTL:
        case OPT_REFRESH_TTL:
            if (parse_number(flag, optarg, 1, 10LL * 365 * 86400, &n))
                return -1;
            *(opt == OPT_ACCESS_TTL ? &config->access_ttl : &config->refresh_ttl) = (long)n;
            break;
        case OPT_RATE_LIMIT:
            if (parse_number(flag, optarg, 1, 10000000, &n))
                return -1;
            config->rate_limit = (long)n;
            break;
        case OPT_RATE_WINDOW_MS:
            if (parse_number(flag, optarg, 1, 86400000, &n))
                return -1;
            config->rate_window_ms = (long)n;
            break;
        default:
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "apilo-sandbox: unexpected argument \"%s\"\n", argv[optind]);
        return -1;
    }
    return 0;
}

static int seed_everything(sbx_state *state)
{
    const sbx_config *config = state->config;
    struct timespec start, end;
    int64_t now = config->now ? config->now : (int64_t)time(NULL);

    clock_gettime(CLOCK_MONOTONIC, &start);
    if (sbx_db_exec(state, "BEGIN") != 0)
        return -1;
    if ((!config->no_fixtures && sbx_seed_fixtures(state) != 0) ||
        (config->seed_orders > 0 &&
         (sbx_db_drop_order_indexes(state) != 0 ||
          sbx_seed_generated(state, config->seed_orders, config->seed, now) != 0 ||
          sbx_db_create_order_indexes(state) != 0))) {
        sbx_db_exec(state, "ROLLBACK");
        return -1;
    }
    for (size_t i = 0; i < config->auth_code_count; i++) {
        if (sbx_auth_register_code(state, config->auth_codes[i]) != 0) {
            sbx_db_exec(state, "ROLLBACK");
            return -1;
        }
    }
    if (sbx_db_exec(state, "COMMIT") != 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &end);

    if (!config->quiet && config->seed_orders > 0)
        fprintf(stderr, "apilo-sandbox: seeded %ld generated orders in %.0f ms\n",
                config->seed_orders,
                (double)(end.tv_sec - start.tv_sec) * 1e3 +
                    (double)(end.tv_nsec - start.tv_nsec) / 1e6);
    return 0;
}

int main(int argc, char **argv)
{
    sbx_config config = {
        .listen = "127.0.0.1:8080",
        .db_path = ":memory:",
        .seed = 1,
        .client_id = "1",
        .client_secret = "sandbox-secret",
        .access_ttl = 21L * 86400,
        .refresh_ttl = 61L * 86400,
        .rate_limit = 150,
        .rate_window_ms = 60000,
    };
    sbx_state state;
    sbx_server *server = NULL;
    sigset_t stop_signals;
    char err[256] = "";
    int port = 0;
    int signal_number = 0;
    int status = 1;
    int parsed = parse_args(argc, argv, &config);

    if (parsed != 0) {
        fputs(usage_text, parsed > 0 ? stdout : stderr);
        free(config.auth_codes);
        return parsed > 0 ? 0 : 2;
    }

    /* Block the stop signals before any thread exists so only sigwait below receives them. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    memset(&state, 0, sizeof state);
    pthread_mutex_init(&state.lock, NULL);
    state.config = &config;
    if (sbx_db_open(&state, config.db_path) != 0 || sbx_maps_build(&state) != 0 ||
        sbx_control_init(&state) != 0 || seed_everything(&state) != 0)
        goto out;

    server = sbx_server_start(&state, config.listen, &port, err, sizeof err);
    if (!server) {
        fprintf(stderr, "apilo-sandbox: %s\n", err);
        goto out;
    }
    if (strchr(config.listen, '[') || strncmp(config.listen, "::1", 3) == 0)
        printf("apilo-sandbox listening on http://[::1]:%d\n", port);
    else
        printf("apilo-sandbox listening on http://127.0.0.1:%d\n", port);
    fflush(stdout);

    while (sigwait(&stop_signals, &signal_number) != 0)
        ;
    status = 0;

out:
    sbx_server_stop(server);
    sbx_control_free(&state);
    sbx_maps_free(&state);
    if (state.db)
        sbx_db_close(&state);
    pthread_mutex_destroy(&state.lock);
    free(config.auth_codes);
    return status;
}
