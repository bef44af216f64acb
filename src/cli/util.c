/*
 * apilo — small shared pieces: messages and exit codes, number and date parsing, formatting,
 * signals, the live progress line.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* ---- messages --------------------------------------------------------------------------- */

static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
    cli_progress_clear();
    fprintf(stderr, "apilo: %s", prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error: ", fmt, ap);
    va_end(ap);
}

void cli_warnf(const cli_context *ctx, const char *fmt, ...)
{
    if (ctx->flags.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning: ", fmt, ap);
    va_end(ap);
}

void cli_debugf(const cli_context *ctx, const char *fmt, ...)
{
    if (!ctx->flags.verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    vmessage("", fmt, ap);
    va_end(ap);
}

static const struct {
    const char *field;
    const char *flag;
} field_flags[] = {
    {"createdAfter", "--created-after"},
    {"createdBefore", "--created-before"},
    {"orderedAfter", "--ordered-after"},
    {"orderedBefore", "--ordered-before"},
    {"updatedAfter", "--updated-after"},
    {"updatedBefore", "--updated-before"},
    {"isOrderDocument", "--has-document"},
    {"id", "--id"},
    {"idExternal", "--id-external"},
    {"orderStatus", "--status"},
    {"orderStatusIds", "--status"},
    {"orderStatusIds[]", "--status"},
    {"paymentStatus", "--payment-status"},
    {"paymentType", "--payment-type"},
    {"platformAccountId", "--platform-account"},
    {"carrierId", "--carrier"},
    {"email", "--email"},
    {"sort", "--sort"},
    {"offset", "--offset"},
    {"limit", "--limit"},
    {"base_url", "--base-url"},
    {"client_id", "--client-id"},
    {"accept_language", "--lang"},
    {"timeout_ms", "--timeout"},
};

const char *cli_flag_for_field(const char *field)
{
    if (!field)
        return NULL;
    for (size_t i = 0; i < sizeof field_flags / sizeof field_flags[0]; i++) {
        if (strcmp(field_flags[i].field, field) == 0)
            return field_flags[i].flag;
    }
    return NULL;
}

int cli_exit_code(apilo_status status, const apilo_error *err)
{
    long http = err ? err->http_status : 0;

    switch (status) {
    case APILO_OK:
    case APILO_ITER_OVER:
        return CLI_EXIT_OK;
    case APILO_E_INVALID:
        return CLI_EXIT_USAGE;
    case APILO_E_AUTH:
    case APILO_E_NO_TOKENS:
        return CLI_EXIT_AUTH;
    case APILO_E_NOT_FOUND:
        return CLI_EXIT_NOT_FOUND;
    case APILO_E_API:
        return CLI_EXIT_API;
    case APILO_E_RATE_LIMIT:
    case APILO_E_TRANSPORT:
        return CLI_EXIT_TRANSIENT;
    case APILO_E_HTTP:
        if (http == 502 || http == 503 || http == 504)
            return CLI_EXIT_TRANSIENT;
        return http >= 400 && http < 500 ? CLI_EXIT_API : CLI_EXIT_FAILURE;
    case APILO_E_NOMEM:
    case APILO_E_DECODE:
    case APILO_E_TOKEN_STORE:
        return CLI_EXIT_FAILURE;
    case APILO_E_CANCELLED:
        return CLI_EXIT_INTERRUPTED;
    }
    return CLI_EXIT_UNEXPECTED;
}

int cli_report(const cli_context *ctx, apilo_status status, const apilo_error *err)
{
    /* Ctrl-C during a wait or a request: the user knows, so no error line. */
    if (status == APILO_E_CANCELLED)
        return cli_exit_code(status, err);

    char *text = err ? apilo_error_format(err) : NULL;
    /* A filter the library or the API (422) refused is named by the flag that set it. */
    int names_field = status == APILO_E_INVALID || status == APILO_E_API;
    const char *flag = names_field && err ? cli_flag_for_field(err->field) : NULL;

    if (flag)
        cli_errorf("%s: %s", flag, text ? text : apilo_status_str(status));
    else
        cli_errorf("%s", text ? text : apilo_status_str(status));
    apilo_free(text);

    if (ctx->flags.quiet)
        return cli_exit_code(status, err);

    int token_call = err && err->path && strncmp(err->path, "/rest/auth/token/", 17) == 0;
    if (status == APILO_E_AUTH && token_call && err->http_status == 401)
        fprintf(stderr, "apilo: hint: the API refused the client id or secret; check them\n");
    else if (status == APILO_E_NO_TOKENS || status == APILO_E_AUTH)
        fprintf(stderr, "apilo: hint: log in again with 'apilo auth login --code CODE' "
                        "(a one-time code from the Apilo panel)\n");
    else if (status == APILO_E_RATE_LIMIT && err && err->retry_after_s >= 0)
        fprintf(stderr, "apilo: hint: the API asks to retry after %.0f s\n", err->retry_after_s);
    return cli_exit_code(status, err);
}

static const char *level_name(apilo_log_level level)
{
    switch (level) {
    case APILO_LOG_ERROR:
        return "error";
    case APILO_LOG_WARN:
        return "warning";
    case APILO_LOG_INFO:
        return "info";
    case APILO_LOG_DEBUG:
        return "debug";
    }
    return "log";
}

static const char *category_name(apilo_log_category category)
{
    switch (category) {
    case APILO_LOG_HTTP:
        return "http";
    case APILO_LOG_AUTH:
        return "auth";
    case APILO_LOG_RATE:
        return "rate";
    case APILO_LOG_PAGING:
        return "paging";
    }
    return "lib";
}

void cli_log(void *userdata, apilo_log_level level, apilo_log_category category,
             const char *message)
{
    (void)userdata;
    cli_progress_clear();
    fprintf(stderr, "apilo: %s: %s: %s\n", level_name(level), category_name(category), message);
}

/* ---- parsing ---------------------------------------------------------------------------- */

int cli_parse_int(int64_t *out, const char *text, int64_t min, int64_t max)
{
    if (!text || !*text || isspace((unsigned char)*text))
        return -1;

    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return -1;
    *out = (int64_t)value;
    return 0;
}

int cli_parse_date(apilo_time *out, const char *text)
{
    if (apilo_time_parse(out, text) == APILO_OK)
        return 0;

    size_t len = strlen(text);
    if (len < 2)
        return -1;

    static const struct {
        char unit;
        int64_t seconds;
    } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};

    int64_t per_unit = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (text[len - 1] == units[i].unit)
            per_unit = units[i].seconds;
    }

    char digits[24];
    int64_t count = 0;
    if (per_unit == 0 || len - 1 >= sizeof digits)
        return -1;
    memcpy(digits, text, len - 1);
    digits[len - 1] = '\0';
    if (!isdigit((unsigned char)digits[0]) ||
        cli_parse_int(&count, digits, 0, INT64_C(100) * 366 * 86400 / per_unit) != 0)
        return -1;

    out->unix_seconds = (int64_t)time(NULL) - count * per_unit;
    out->offset_minutes = 0;
    return 0;
}

/* ---- formatting ------------------------------------------------------------------------- */

void cli_format_count(char *buf, size_t size, uint64_t value)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, value);
    size_t pos = 0;

    for (int i = 0; i < len && pos + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && pos + 2 < size)
            buf[pos++] = ',';
        buf[pos++] = digits[i];
    }
    buf[pos] = '\0';
}

void cli_format_duration(char *buf, size_t size, int64_t seconds)
{
    if (seconds < 0)
        seconds = -seconds;

    int64_t days = seconds / 86400;
    int64_t hours = seconds % 86400 / 3600;
    int64_t minutes = seconds % 3600 / 60;

    if (days > 0)
        snprintf(buf, size, "%" PRId64 "d %" PRId64 "h", days, hours);
    else if (hours > 0)
        snprintf(buf, size, "%" PRId64 "h %" PRId64 "m", hours, minutes);
    else if (minutes > 0)
        snprintf(buf, size, "%" PRId64 "m %" PRId64 "s", minutes, seconds % 60);
    else
        snprintf(buf, size, "%" PRId64 "s", seconds);
}

void cli_format_instant(char *buf, size_t size, int64_t unix_seconds)
{
    time_t when = (time_t)unix_seconds;
    struct tm tm;

    if (!gmtime_r(&when, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "@%" PRId64, unix_seconds);
}

/* ---- stdin and secrets ------------------------------------------------------------------ */

char *cli_read_stdin_line(void)
{
    size_t cap = 256, len = 0;
    char *line = malloc(cap);
    int c;

    if (!line)
        return NULL;
    while ((c = getchar()) != EOF && c != '\n') {
        if (len + 1 >= cap) {
            char *bigger = malloc(cap * 2);
            if (!bigger) {
                cli_free_secret(line);
                return NULL;
            }
            memcpy(bigger, line, len);
            memset(line, 0, cap);
            free(line);
            line = bigger;
            cap *= 2;
        }
        line[len++] = (char)c;
    }
    if (c == EOF && len == 0) {
        free(line);
        return NULL;
    }
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    line[len] = '\0';
    return line;
}

void cli_free_secret(char *secret)
{
    if (!secret)
        return;
    volatile char *p = secret;
    while (*p)
        *p++ = '\0';
    free(secret);
}

/* ---- signals ---------------------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signo)
{
    (void)signo;
    interrupted = 1;
}

void cli_signals_install(void)
{
    struct sigaction action;

    /* A closed pipe shows up as EPIPE on write, which ends the export quietly. */
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &action, NULL);

    /* The first Ctrl-C stops after the current order; SA_RESETHAND lets a second one kill. */
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int cli_interrupted(void)
{
    return interrupted != 0;
}

int cli_cancel_requested(void *userdata)
{
    (void)userdata;
    return interrupted != 0;
}

/* ---- progress --------------------------------------------------------------------------- */

static int progress_shown;

void cli_progress_update(uint64_t fetched, int64_t total, double elapsed_s)
{
    char done[32], all[32];

    cli_format_count(done, sizeof done, fetched);
    if (total >= 0)
        cli_format_count(all, sizeof all, (uint64_t)total);
    else
        snprintf(all, sizeof all, "?");

    /* A rate over the first fraction of a second would be noise. */
    if (elapsed_s < 0.2) {
        fprintf(stderr, "\r\033[Kfetched %s / %s orders", done, all);
    } else {
        char rate[32];
        cli_format_count(rate, sizeof rate, (uint64_t)((double)fetched / elapsed_s));
        fprintf(stderr, "\r\033[Kfetched %s / %s orders, %s/s", done, all, rate);
    }
    fflush(stderr);
    progress_shown = 1;
}

void cli_progress_clear(void)
{
    if (!progress_shown)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    progress_shown = 0;
}

double cli_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
