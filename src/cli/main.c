/*
 * apilo — entry point: global flags, command dispatch, the exit path (--stats, cleanup).
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"

enum {
    GLOBAL_BASE_URL = 1,
    GLOBAL_CLIENT_ID,
    GLOBAL_CLIENT_SECRET_FILE,
    GLOBAL_CLIENT_SECRET_STDIN,
    GLOBAL_TOKEN_FILE,
    GLOBAL_PROFILE,
    GLOBAL_CONFIG,
    GLOBAL_LANG,
    GLOBAL_TIMEOUT,
    GLOBAL_VERBOSE,
    GLOBAL_QUIET,
    GLOBAL_STATS,
    GLOBAL_HELP,
    GLOBAL_VERSION
};

const cli_opt cli_global_opts[] = {
    {"base-url", 0, 1, GLOBAL_BASE_URL},
    {"client-id", 0, 1, GLOBAL_CLIENT_ID},
    {"client-secret-file", 0, 1, GLOBAL_CLIENT_SECRET_FILE},
    {"client-secret-stdin", 0, 0, GLOBAL_CLIENT_SECRET_STDIN},
    {"token-file", 0, 1, GLOBAL_TOKEN_FILE},
    {"profile", 0, 1, GLOBAL_PROFILE},
    {"config", 0, 1, GLOBAL_CONFIG},
    {"lang", 0, 1, GLOBAL_LANG},
    {"timeout", 0, 1, GLOBAL_TIMEOUT},
    {"verbose", 'v', 0, GLOBAL_VERBOSE},
    {"quiet", 'q', 0, GLOBAL_QUIET},
    {"stats", 0, 0, GLOBAL_STATS},
    {"help", 'h', 0, GLOBAL_HELP},
    {"version", 0, 0, GLOBAL_VERSION},
    {NULL, 0, 0, 0},
};

int cli_apply_global_flag(cli_flags *flags, const cli_opt *opt, const char *value)
{
    switch (opt->id) {
    case GLOBAL_BASE_URL:
        flags->base_url = value;
        break;
    case GLOBAL_CLIENT_ID:
        flags->client_id = value;
        break;
    case GLOBAL_CLIENT_SECRET_FILE:
        flags->client_secret_file = value;
        break;
    case GLOBAL_CLIENT_SECRET_STDIN:
        flags->client_secret_stdin = 1;
        break;
    case GLOBAL_TOKEN_FILE:
        flags->token_file = value;
        break;
    case GLOBAL_PROFILE:
        flags->profile = value;
        break;
    case GLOBAL_CONFIG:
        flags->config_path = value;
        break;
    case GLOBAL_LANG:
        flags->lang = value;
        break;
    case GLOBAL_TIMEOUT:
        flags->timeout = value;
        break;
    case GLOBAL_VERBOSE:
        flags->verbose = 1;
        break;
    case GLOBAL_QUIET:
        flags->quiet = 1;
        break;
    case GLOBAL_STATS:
        flags->stats = 1;
        break;
    case GLOBAL_HELP:
        flags->help = 1;
        break;
    case GLOBAL_VERSION:
        flags->help = 2;
        break;
    default:
        return 0;
    }
    return 1;
}

static int is_global(const cli_opt *opt)
{
    return opt >= cli_global_opts &&
           opt < cli_global_opts + sizeof cli_global_opts / sizeof cli_global_opts[0];
}

int cli_parse_command(cli_context *ctx, int argc, char **argv, const cli_opt *opts,
                      cli_flag_fn on_flag, void *state, const char **positionals,
                      size_t max_positionals, size_t *out_count)
{
    const cli_opt *const tables[] = {opts, cli_global_opts, NULL};
    const cli_opt *const global_only[] = {cli_global_opts, NULL};
    cli_args args = {argc, argv, 0, 0};
    size_t count = 0;
    int too_many = 0;

    for (;;) {
        const cli_opt *opt = NULL;
        const char *value = NULL;
        cli_arg_kind kind = cli_args_next(&args, opts ? tables : global_only, &opt, &value);

        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            return CLI_EXIT_USAGE;
        if (kind == CLI_ARG_POSITIONAL) {
            if (count < max_positionals)
                positionals[count++] = value;
            else
                too_many = 1;
            continue;
        }
        if (is_global(opt)) {
            cli_apply_global_flag(&ctx->flags, opt, value);
            continue;
        }
        if (on_flag(state, opt, value) != 0)
            return CLI_EXIT_USAGE;
    }

    if (ctx->flags.help) {
        cli_print_help(ctx->command);
        return CLI_HELP_SHOWN;
    }
    if (too_many) {
        cli_errorf("too many arguments for '%s' (see apilo %s --help)", ctx->command, ctx->command);
        return CLI_EXIT_USAGE;
    }
    if (out_count)
        *out_count = count;
    return CLI_EXIT_OK;
}

static void print_version(void)
{
    cli_out_printf("apilo %s (libapilo %s)\n", APILO_VERSION_STRING, APILO_VERSION_STRING);
}

static int cmd_version(cli_context *ctx, int argc, char **argv)
{
    int rc = cli_parse_command(ctx, argc, argv, NULL, NULL, NULL, NULL, 0, NULL);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;

    print_version();
    return CLI_EXIT_OK;
}

typedef struct command_entry {
    const char *group; /* NULL for a top-level command */
    const char *name;
    cli_command_fn run;
} command_entry;

static const command_entry commands[] = {
    {"auth", "login", cli_cmd_auth_login},   {"auth", "refresh", cli_cmd_auth_refresh},
    {"auth", "status", cli_cmd_auth_status}, {"orders", "list", cli_cmd_orders_list},
    {"orders", "get", cli_cmd_orders_get},   {"orders", "maps", cli_cmd_orders_maps},
    {NULL, "whoami", cli_cmd_whoami},        {NULL, "version", cmd_version},
};

static const command_entry *find_command(const char *group, const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const command_entry *entry = &commands[i];
        int same_group = group ? entry->group && strcmp(entry->group, group) == 0 : !entry->group;
        if (same_group && strcmp(entry->name, name) == 0)
            return entry;
    }
    return NULL;
}

static int is_group(const char *word)
{
    return strcmp(word, "auth") == 0 || strcmp(word, "orders") == 0;
}

static void print_stats(const cli_context *ctx, double started_s)
{
    struct rusage usage;
    double peak_mib = 0.0;
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        peak_mib = (double)usage.ru_maxrss / 1024.0; /* Linux reports KiB */

    apilo_client_stats stats = {0};
    if (ctx->client)
        apilo_client_get_stats(ctx->client, &stats);

    fprintf(stderr,
            "apilo: stats: elapsed %.2f s, peak RSS %.1f MiB, %llu requests, %llu retries, "
            "%llu rate-limit waits (%.1f s)\n",
            cli_now_s() - started_s, peak_mib, (unsigned long long)stats.requests,
            (unsigned long long)stats.retries, (unsigned long long)stats.rate_waits,
            stats.rate_wait_s);
}

/*
 * Resolve the command from the leading words (global flags may come first), then hand the
 * rest of argv to it. `command_buf` receives "group name" for help texts.
 */
static int dispatch(cli_context *ctx, int argc, char **argv, char *command_buf, size_t size)
{
    const cli_opt *const tables[] = {cli_global_opts, NULL};
    cli_args args = {argc, argv, 1, 0};
    const char *group = NULL;

    for (;;) {
        const cli_opt *opt = NULL;
        const char *word = NULL;
        cli_arg_kind kind = cli_args_next(&args, tables, &opt, &word);

        if (kind == CLI_ARG_ERROR)
            return CLI_EXIT_USAGE;
        if (kind == CLI_ARG_FLAG) {
            cli_apply_global_flag(&ctx->flags, opt, word);
            continue;
        }
        if (kind == CLI_ARG_END) {
            if (ctx->flags.help == 2 && !group) {
                print_version();
                return CLI_EXIT_OK;
            }
            if (ctx->flags.help) {
                cli_print_help(group ? group : "");
                return CLI_EXIT_OK;
            }
            /* No command: the usage goes to stderr so stdout stays empty on a mistake. */
            fputs(cli_help_text(group ? group : ""), stderr);
            return CLI_EXIT_USAGE;
        }

        if (!group && strcmp(word, "help") == 0) {
            ctx->flags.help = 1;
            continue;
        }
        if (!group && is_group(word)) {
            group = word;
            continue;
        }

        const command_entry *entry = find_command(group, word);
        if (!entry) {
            if (group)
                cli_errorf("unknown command 'apilo %s %s' (see apilo %s --help)", group, word,
                           group);
            else
                cli_errorf("unknown command '%s' (see apilo --help)", word);
            return CLI_EXIT_USAGE;
        }

        snprintf(command_buf, size, "%s%s%s", group ? group : "", group ? " " : "", word);
        ctx->command = command_buf;
        return entry->run(ctx, argc - args.index, argv + args.index);
    }
}

/*
 * Give a closed standard descriptor /dev/null. Left closed, its number goes to the next file
 * opened (libcurl's socket, the token file's lock) and output meant for the terminal lands
 * there. Returns the mask of descriptors that were closed (bit n for descriptor n).
 */
static int reopen_closed_standard_fds(void)
{
    int closed = 0;

    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        /* open takes the lowest free number, which is this one: the lower ones are open. */
        if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
            _exit(CLI_EXIT_FAILURE);
        closed |= 1 << fd;
    }
    return closed;
}

int main(int argc, char **argv)
{
    double started_s = cli_now_s();
    int closed_fds = reopen_closed_standard_fds();
    cli_context ctx;
    char command_buf[64];

    memset(&ctx, 0, sizeof ctx);
    ctx.command = "";
    ctx.stdout_tty = isatty(STDOUT_FILENO);
    ctx.stderr_tty = isatty(STDERR_FILENO);

    /* Only character classification follows the environment (for display widths); numbers
     * and dates keep the C locale so output is the same everywhere. */
    if (!setlocale(LC_CTYPE, "") || strcmp(setlocale(LC_CTYPE, NULL), "C") == 0)
        setlocale(LC_CTYPE, "C.UTF-8");

#ifdef __GLIBC__
    /* Every page of an export allocates and frees buffers of about a megabyte. glibc would
     * raise its mmap threshold after the first free and serve later pages from a heap that
     * fragments, so peak memory grew with the length of the export; a fixed threshold keeps
     * those buffers in mmap and the peak flat. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif

    cli_signals_install();

    if (apilo_global_init() != APILO_OK) {
        cli_errorf("could not initialise the HTTP library");
        return CLI_EXIT_FAILURE;
    }

    if (closed_fds & (1 << STDOUT_FILENO))
        cli_warnf(&ctx, "standard output was closed: the output goes nowhere");

    int rc = dispatch(&ctx, argc, argv, command_buf, sizeof command_buf);

    if (cli_out_flush() != 0 && !cli_out_pipe_closed() && rc == CLI_EXIT_OK) {
        cli_errorf("could not write to standard output");
        rc = CLI_EXIT_FAILURE;
    }
    cli_out_release();
    cli_progress_clear();

    if (ctx.flags.stats)
        print_stats(&ctx, started_s);

    apilo_client_free(ctx.client);
    apilo_token_store_free(ctx.store);
    cli_config_clear(&ctx.config);
    apilo_global_cleanup();
    return rc;
}
