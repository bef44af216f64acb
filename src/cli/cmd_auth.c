/*
 * apilo — auth login / refresh / status, whoami. Tokens and the authorization code are never
 * printed: only expiry instants and the time left.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* "2026-12-25T15:38:02Z (20d 23h left)" or "... (expired 2h 5m ago)". */
static void describe_expiry(char *buf, size_t size, int64_t expires_at, int64_t now)
{
    char instant[32], left[32];

    cli_format_instant(instant, sizeof instant, expires_at);
    cli_format_duration(left, sizeof left, expires_at - now);
    snprintf(buf, size, expires_at > now ? "%s (%s left)" : "%s (expired %s ago)", instant, left);
}

static void print_expiries(const cli_context *ctx, const apilo_token_set *tokens)
{
    char access[96], refresh[96];
    int64_t now = (int64_t)time(NULL);

    describe_expiry(access, sizeof access, tokens->access_expires_at, now);
    describe_expiry(refresh, sizeof refresh, tokens->refresh_expires_at, now);
    cli_out_printf("profile:        %s\n", ctx->config.profile);
    cli_out_printf("token file:     %s\n", ctx->config.token_file);
    cli_out_printf("access token:   valid until %s\n", access);
    cli_out_printf("refresh token:  valid until %s\n", refresh);
}

/* Expiries of the client's tokens after a login or refresh (the strings stay in the client). */
static int print_client_expiries(cli_context *ctx)
{
    apilo_token_set tokens = {0};
    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_auth_status(ctx->client, &tokens, &err);
    int rc = CLI_EXIT_OK;

    if (status == APILO_OK && !ctx->flags.quiet)
        print_expiries(ctx, &tokens);
    else if (status != APILO_OK)
        rc = cli_report(ctx, status, &err);
    apilo_token_set_clear(&tokens);
    apilo_error_clear(&err);
    return rc;
}

/* ---- auth login ------------------------------------------------------------------------- */

static int login_flag(void *state, const cli_opt *opt, const char *value)
{
    (void)opt;
    *(const char **)state = value;
    return 0;
}

/*
 * Whether a token file could be written at `path`, told before a login spends its one-time
 * code: the file is replaced by a rename in its directory, so that directory (or the nearest
 * one that exists, the rest being created) must be writable, and the path must not be a
 * directory. Returns 0, or -1 with the reason in `why`.
 */
static int token_path_usable(const char *path, char *why, size_t size)
{
    char dir[4096];
    struct stat info;

    if (stat(path, &info) == 0 && S_ISDIR(info.st_mode)) {
        snprintf(why, size, "%.400s is a directory", path);
        return -1;
    }
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
        snprintf(why, size, "the path is too long");
        return -1;
    }
    for (;;) {
        char *slash = strrchr(dir, '/');

        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
        if (stat(dir, &info) == 0)
            break;
        if (errno != ENOENT || !slash || slash == dir) {
            snprintf(why, size, "%.400s: %s", dir, strerror(errno));
            return -1;
        }
    }
    if (!S_ISDIR(info.st_mode)) {
        snprintf(why, size, "%.400s is not a directory", dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(why, size, "%.400s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int cli_cmd_auth_login(cli_context *ctx, int argc, char **argv)
{
    static const cli_opt opts[] = {{"code", 'c', 1, 1}, {NULL, 0, 0, 0}};
    const char *code_arg = NULL;
    char *code = NULL;

    int rc = cli_parse_command(ctx, argc, argv, opts, login_flag, &code_arg, NULL, 0, NULL);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;

    if (!code_arg) {
        cli_errorf("auth login needs --code CODE (or --code - to read it from standard input)");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(code_arg, "-") == 0 && ctx->flags.client_secret_stdin) {
        cli_errorf("--code - and --client-secret-stdin cannot both read standard input");
        return CLI_EXIT_USAGE;
    }

    rc = cli_open_client(ctx, 1);
    if (rc != CLI_EXIT_OK)
        return rc;

    char why[512];
    if (ctx->config.token_file && token_path_usable(ctx->config.token_file, why, sizeof why)) {
        cli_errorf("the tokens could not be saved (%s); nothing was sent, so the code is still "
                   "unused",
                   why);
        return CLI_EXIT_FAILURE;
    }

    code = strcmp(code_arg, "-") == 0 ? cli_read_stdin_line() : strdup(code_arg);
    if (!code || !*code) {
        cli_errorf("--code: no authorization code given");
        cli_free_secret(code);
        return CLI_EXIT_USAGE;
    }

    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_auth_login(ctx->client, code, &err);
    cli_free_secret(code);
    if (status != APILO_OK) {
        rc = cli_report(ctx, status, &err);
        apilo_error_clear(&err);
        return rc;
    }

    if (!ctx->flags.quiet)
        cli_out_printf("logged in; tokens saved\n");
    return print_client_expiries(ctx);
}

/* ---- auth refresh ----------------------------------------------------------------------- */

int cli_cmd_auth_refresh(cli_context *ctx, int argc, char **argv)
{
    int rc = cli_parse_command(ctx, argc, argv, NULL, NULL, NULL, NULL, 0, NULL);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;

    rc = cli_open_client(ctx, 1);
    if (rc != CLI_EXIT_OK)
        return rc;

    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_auth_refresh(ctx->client, &err);
    if (status != APILO_OK) {
        rc = cli_report(ctx, status, &err);
        apilo_error_clear(&err);
        return rc;
    }

    if (!ctx->flags.quiet)
        cli_out_printf("tokens refreshed\n");
    return print_client_expiries(ctx);
}

/* ---- auth status ------------------------------------------------------------------------ */

int cli_cmd_auth_status(cli_context *ctx, int argc, char **argv)
{
    int rc = cli_parse_command(ctx, argc, argv, NULL, NULL, NULL, NULL, 0, NULL);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;

    /* Only the store is needed: status works before a base URL is configured. */
    rc = cli_open_token_store(ctx);
    if (rc != CLI_EXIT_OK)
        return rc;

    apilo_token_set tokens = {0};
    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_token_store_load(ctx->store, &tokens, &err);

    if (status == APILO_E_NO_TOKENS) {
        cli_errorf("not logged in (no tokens in %s)", ctx->config.token_file);
        if (!ctx->flags.quiet)
            fprintf(stderr, "apilo: hint: log in with 'apilo auth login --code CODE'\n");
        rc = CLI_EXIT_AUTH;
    } else if (status != APILO_OK) {
        rc = cli_report(ctx, status, &err);
    } else {
        print_expiries(ctx, &tokens);
        if (tokens.refresh_expires_at <= (int64_t)time(NULL)) {
            cli_errorf("the refresh token has expired: log in again with a new code");
            rc = CLI_EXIT_AUTH;
        }
    }
    apilo_token_set_clear(&tokens);
    apilo_error_clear(&err);
    return rc;
}

/* ---- whoami ----------------------------------------------------------------------------- */

int cli_cmd_whoami(cli_context *ctx, int argc, char **argv)
{
    int rc = cli_parse_command(ctx, argc, argv, NULL, NULL, NULL, NULL, 0, NULL);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;

    rc = cli_open_client(ctx, 0);
    if (rc != CLI_EXIT_OK)
        return rc;

    apilo_whoami *whoami = NULL;
    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_whoami_get(ctx->client, &whoami, &err);
    if (status != APILO_OK) {
        rc = cli_report(ctx, status, &err);
        apilo_error_clear(&err);
        return rc;
    }

    cli_out_printf("base url:       %s\n", ctx->config.base_url);
    for (size_t i = 0; i < whoami->count; i++) {
        const apilo_whoami_entry *entry = &whoami->entries[i];
        if (i > 0)
            cli_out_puts("\n");
        cli_out_printf("key name:       %s\n", entry->name ? entry->name : "?");
        if (entry->client_id.set)
            cli_out_printf("client id:      %" PRId64 "\n", entry->client_id.value);
        if (entry->valid_to.set) {
            char left[32];
            int64_t delta = entry->valid_to.value.unix_seconds - (int64_t)time(NULL);
            cli_format_duration(left, sizeof left, delta);
            cli_out_printf("valid to:       %s (%s %s)\n", entry->valid_to_text, left,
                           delta > 0 ? "left" : "ago");
        } else if (entry->valid_to_text) {
            cli_out_printf("valid to:       %s\n", entry->valid_to_text);
        }
    }
    if (whoami->count == 0)
        cli_out_puts("the API returned no key details\n");
    apilo_whoami_free(whoami);
    return CLI_EXIT_OK;
}
