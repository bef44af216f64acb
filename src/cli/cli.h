/*
 * apilo (the command-line tool) — declarations shared by its modules. Non-static symbols carry
 * the cli_ prefix; the tool talks to the library only through include/apilo/apilo.h.
 */
#ifndef APILO_CLI_H
#define APILO_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "apilo/apilo.h"

#if defined(__GNUC__)
#define CLI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CLI_PRINTF(fmt, args)
#endif

/* ---- exit codes (documented in `apilo --help` and docs/CLI.md) --------------------------- */

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_UNEXPECTED = 1,
    CLI_EXIT_USAGE = 2, /* usage, validation or configuration error */
    CLI_EXIT_AUTH = 3,  /* log in again */
    CLI_EXIT_NOT_FOUND = 4,
    CLI_EXIT_API = 5,       /* the API rejected the request */
    CLI_EXIT_TRANSIENT = 6, /* rate limit, 503, transport: retry later */
    CLI_EXIT_FAILURE = 7,   /* decode, token store, I/O */
    CLI_EXIT_INTERRUPTED = 130
};

/* ---- output formats --------------------------------------------------------------------- */

typedef enum cli_format {
    CLI_FORMAT_AUTO = 0, /* table on a terminal, NDJSON otherwise */
    CLI_FORMAT_NDJSON,
    CLI_FORMAT_JSON,
    CLI_FORMAT_TABLE,
    CLI_FORMAT_CSV
} cli_format;

/* ---- settings from the command line ----------------------------------------------------- */

/* Global flags as given; NULL / 0 when absent. Strings point into argv. */
typedef struct cli_flags {
    const char *base_url;
    const char *client_id;
    const char *client_secret_file;
    int client_secret_stdin;
    const char *token_file;
    const char *profile;
    const char *config_path;
    const char *lang;
    const char *timeout;
    int verbose;
    int quiet;
    int stats;
    int help;
} cli_flags;

/* The configuration after precedence (flags, environment, config file). Owned strings. */
typedef struct cli_config {
    char *profile;
    char *config_path; /* the file that was read, or NULL */
    char *base_url;    /* NULL when nothing configured */
    char *client_id;
    char *client_secret; /* wiped before it is freed */
    char *token_file;
    char *lang;
    long timeout_ms; /* 0 = library default */
} cli_config;

/* Everything a command needs; filled by main before the command runs. */
typedef struct cli_context {
    const char *command; /* "orders list": names the help text */
    cli_flags flags;
    cli_config config;
    apilo_token_store *store;
    apilo_client *client;
    int stdout_tty;
    int stderr_tty;
} cli_context;

/* ---- command-line parsing (args.c) ------------------------------------------------------ */

/* An option table ends with an all-zero entry. */
typedef struct cli_opt {
    const char *name; /* long name without the dashes */
    char short_name;  /* 0 when none */
    int has_value;
    int id;
} cli_opt;

typedef struct cli_args {
    int argc;
    char **argv;
    int index;
    int positional_only; /* after "--" */
} cli_args;

typedef enum cli_arg_kind {
    CLI_ARG_END = 0,
    CLI_ARG_FLAG,
    CLI_ARG_POSITIONAL,
    CLI_ARG_ERROR /* already reported on stderr */
} cli_arg_kind;

/*
 * Next argument: a flag found in one of `tables` (NULL-terminated list) with its value, or a
 * positional word. Unknown flags and missing values are reported and give CLI_ARG_ERROR.
 */
cli_arg_kind cli_args_next(cli_args *args, const cli_opt *const *tables, const cli_opt **out_opt,
                           const char **out_value);

/* ---- configuration (config.c) ----------------------------------------------------------- */

/* Resolve the configuration. Returns CLI_EXIT_OK or an exit code after printing the reason. */
int cli_config_resolve(cli_config *out, const cli_flags *flags);
void cli_config_clear(cli_config *config);

/* Open the token store named by the configuration (ctx->store). Returns an exit code. */
int cli_open_token_store(cli_context *ctx);

/*
 * Create ctx->client (and the token store) from the configuration. `need_credentials` makes a
 * missing client id or secret a configuration error up front (token calls need them).
 */
int cli_open_client(cli_context *ctx, int need_credentials);

/* ---- commands --------------------------------------------------------------------------- */

typedef int (*cli_command_fn)(cli_context *ctx, int argc, char **argv);

int cli_cmd_auth_login(cli_context *ctx, int argc, char **argv);
int cli_cmd_auth_refresh(cli_context *ctx, int argc, char **argv);
int cli_cmd_auth_status(cli_context *ctx, int argc, char **argv);
int cli_cmd_whoami(cli_context *ctx, int argc, char **argv);
int cli_cmd_orders_list(cli_context *ctx, int argc, char **argv);
int cli_cmd_orders_get(cli_context *ctx, int argc, char **argv);
int cli_cmd_orders_maps(cli_context *ctx, int argc, char **argv);

/* The option table every command accepts besides its own (global flags and --help). */
extern const cli_opt cli_global_opts[];

/* Returned by cli_parse_command when --help was answered: the command exits with 0. */
#define CLI_HELP_SHOWN (-1)

/*
 * Parse a command's arguments: global flags go to ctx->flags, the command's own flags to
 * `on_flag` (which reports a bad value and returns non-zero), positional words to
 * `positionals` (at most `max_positionals`). Returns CLI_EXIT_OK, CLI_HELP_SHOWN, or
 * CLI_EXIT_USAGE after printing the reason.
 */
typedef int (*cli_flag_fn)(void *state, const cli_opt *opt, const char *value);
int cli_parse_command(cli_context *ctx, int argc, char **argv, const cli_opt *opts,
                      cli_flag_fn on_flag, void *state, const char **positionals,
                      size_t max_positionals, size_t *out_count);

/* Apply a global flag to `flags`; returns 1 when `opt` was one of the global options. */
int cli_apply_global_flag(cli_flags *flags, const cli_opt *opt, const char *value);

/* Help text of a command path ("orders list"), or NULL when unknown. */
const char *cli_help_text(const char *command);
void cli_print_help(const char *command);

/* ---- output (output.c, table.c) --------------------------------------------------------- */

/*
 * Buffered stdout that writes whole records only, so an export cut short (Ctrl-C, a closed
 * pipe) ends at a whole line. A closed pipe turns every later write into a no-op.
 */
void cli_out_write(const char *data, size_t len);
void cli_out_puts(const char *text);
void cli_out_printf(const char *fmt, ...) CLI_PRINTF(1, 2);
void cli_out_end_record(void);
/* Write every finished record. Returns 0, or -1 when stdout failed (EPIPE included). */
int cli_out_flush(void);
/* Non-zero once stdout reported a closed pipe. */
int cli_out_pipe_closed(void);
/* Non-zero after a write error other than a closed pipe. */
int cli_out_failed(void);
void cli_out_release(void);

/* Append `text` to stdout as a JSON string literal (quotes included). NULL writes null. */
void cli_out_json_string(const char *text);
/* Write compact JSON text re-indented with two spaces. */
void cli_out_json_pretty(const char *json);
/* Append one CSV field (RFC 4180 quoting when needed). NULL writes an empty field. */
void cli_out_csv_field(const char *text);

int cli_format_parse(cli_format *out, const char *name);
/* AUTO resolved against stdout: table on a terminal, NDJSON otherwise. */
cli_format cli_format_resolve(cli_format format, int stdout_tty);

/* Display columns of a UTF-8 string (wide characters count 2, combining ones 0). */
size_t cli_text_width(const char *text);
/*
 * Write `text` in exactly `width` display columns: cut with an ellipsis when longer, padded
 * with spaces when shorter (on the left when `right_align`).
 */
void cli_out_cell(const char *text, size_t width, int right_align);
/* Columns of the terminal on stdout (COLUMNS, ioctl), or `fallback`. */
size_t cli_terminal_width(size_t fallback);

/* ---- orders rendering (render.c) -------------------------------------------------------- */

/* Status and platform names for tables and CSV; either map may be NULL (ids are shown). */
typedef struct cli_maps {
    apilo_map *status;
    apilo_map *platform;
} cli_maps;

void cli_render_csv_header(void);
void cli_render_csv_row(const apilo_order *order, const cli_maps *maps);
void cli_render_table_header(size_t width);
void cli_render_table_row(const apilo_order *order, const cli_maps *maps, size_t width);
void cli_render_order_detail(const apilo_order *order, const cli_maps *maps);
/* The raw JSON of an order as one line (NDJSON record). Returns 0 or -1 on OOM. */
int cli_render_order_json_line(const apilo_order *order);

/* ---- utilities (util.c) ----------------------------------------------------------------- */

/* Print "apilo: error: ..." to stderr (never pass a secret). */
void cli_errorf(const char *fmt, ...) CLI_PRINTF(1, 2);
/* Print "apilo: warning: ..." to stderr unless --quiet. */
void cli_warnf(const cli_context *ctx, const char *fmt, ...) CLI_PRINTF(2, 3);
/* Print "apilo: ..." to stderr when --verbose. */
void cli_debugf(const cli_context *ctx, const char *fmt, ...) CLI_PRINTF(2, 3);

/*
 * Report a library failure: "apilo: error: <apilo_error_format>", the offending flag for a
 * validation error, a hint for auth errors. Returns the exit code for the status.
 */
int cli_report(const cli_context *ctx, apilo_status status, const apilo_error *err);
int cli_exit_code(apilo_status status, const apilo_error *err);

/* Map a wire filter name ("createdAfter") to its flag ("--created-after"), or NULL. */
const char *cli_flag_for_field(const char *field);

/* Library log callback: prints to stderr (clearing a live progress line first). */
void cli_log(void *userdata, apilo_log_level level, apilo_log_category category,
             const char *message);

/*
 * Parse a date flag: the API's forms (apilo_time_parse) or a relative age "30d", "12h", "45m",
 * "90s", "2w" meaning that long before now. Returns 0 or -1.
 */
int cli_parse_date(apilo_time *out, const char *text);
/* A whole number within [min, max]. Returns 0 or -1. */
int cli_parse_int(int64_t *out, const char *text, int64_t min, int64_t max);

/* "12,288" into `buf`. */
void cli_format_count(char *buf, size_t size, uint64_t value);
/* "20d 3h", "5h 12m", "42s" into `buf`. */
void cli_format_duration(char *buf, size_t size, int64_t seconds);
/* ISO instant in UTC ("2026-03-20T11:00:00Z") into `buf` (26 bytes is enough). */
void cli_format_instant(char *buf, size_t size, int64_t unix_seconds);

/* Read one line (without the newline) from stdin into a new string; NULL on EOF/OOM. */
char *cli_read_stdin_line(void);
/* Overwrite a secret and free it. NULL-safe. */
void cli_free_secret(char *secret);

/* Signals: SIGPIPE ignored (EPIPE is handled), the first SIGINT/SIGTERM asks to stop. */
void cli_signals_install(void);
int cli_interrupted(void);
/* The library's cancel callback (apilo_options.cancel_fn): true once Ctrl-C or SIGTERM came. */
int cli_cancel_requested(void *userdata);

/* Live progress line on stderr (only when stderr is a terminal). */
void cli_progress_update(uint64_t fetched, int64_t total, double elapsed_s);
void cli_progress_clear(void);

/* Monotonic seconds. */
double cli_now_s(void);

#endif
