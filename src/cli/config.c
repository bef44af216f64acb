/*
 * apilo — configuration: flags, then environment, then the config file
 * ($XDG_CONFIG_HOME/apilo/config, an INI file with [default] and [profile NAME] sections).
 * There is deliberately no default base URL: with nothing configured the tool refuses to run
 * rather than guess a host.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Values read from the selected section of the config file. */
typedef struct file_values {
    char *base_url;
    char *client_id;
    char *client_secret;
    char *client_secret_file;
    char *token_file;
    char *lang;
    char *timeout;
    /* Line of each value above, so a bad value is reported where it was written. */
    unsigned base_url_line;
    unsigned client_id_line;
    unsigned lang_line;
    unsigned timeout_line;
    int section_found;
} file_values;

static void file_values_clear(file_values *values)
{
    free(values->base_url);
    free(values->client_id);
    cli_free_secret(values->client_secret);
    free(values->client_secret_file);
    free(values->token_file);
    free(values->lang);
    free(values->timeout);
    memset(values, 0, sizeof *values);
}

static const char *env_value(const char *name)
{
    const char *value = getenv(name);
    return value && *value ? value : NULL;
}

static char *dup_or_null(const char *text)
{
    return text ? strdup(text) : NULL;
}

static const char *home_dir(void)
{
    const char *home = env_value("HOME");
    if (home)
        return home;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_dir : NULL;
}

static char *join_path(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s/%s", a, b);
    return path;
}

/* "~/x" from a config file means the home directory, as a shell would have expanded it. */
static char *expand_home(const char *path)
{
    const char *home = home_dir();
    if (path[0] == '~' && path[1] == '/' && home)
        return join_path(home, path + 2);
    return strdup(path);
}

/* $XDG_<kind>_HOME/apilo/<leaf> or ~/<fallback>/apilo/<leaf>. */
static char *xdg_path(const char *xdg_var, const char *fallback, const char *leaf)
{
    const char *base = env_value(xdg_var);
    char *dir = NULL;

    if (base && base[0] == '/') {
        dir = join_path(base, "apilo");
    } else {
        const char *home = home_dir();
        if (!home)
            return NULL;
        char *parent = join_path(home, fallback);
        dir = parent ? join_path(parent, "apilo") : NULL;
        free(parent);
    }
    if (!dir)
        return NULL;
    char *path = join_path(dir, leaf);
    free(dir);
    return path;
}

static char *trim(char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t len = strlen(text);
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        text[--len] = '\0';
    return text;
}

/* Does this "[...]" header select `profile`? */
static int section_matches(const char *header, const char *profile)
{
    if (strcmp(header, "default") == 0)
        return strcmp(profile, "default") == 0;
    if (strncmp(header, "profile", 7) != 0 || !isspace((unsigned char)header[7]))
        return 0;
    const char *name = header + 7;
    while (isspace((unsigned char)*name))
        name++;
    return strcmp(name, profile) == 0;
}

/* 0 stored, 1 unknown key, 2 the key was already set in this profile, -1 out of memory. */
static int store_value(file_values *values, const char *key, const char *value, unsigned line_no)
{
    struct {
        const char *key;
        char **slot;
        unsigned *line;
    } slots[] = {
        {"base_url", &values->base_url, &values->base_url_line},
        {"client_id", &values->client_id, &values->client_id_line},
        {"client_secret", &values->client_secret, NULL},
        {"client_secret_file", &values->client_secret_file, NULL},
        {"token_file", &values->token_file, NULL},
        {"lang", &values->lang, &values->lang_line},
        {"timeout", &values->timeout, &values->timeout_line},
    };

    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        if (strcmp(slots[i].key, key) == 0) {
            /* Two values for one key: which one was meant cannot be guessed. */
            if (*slots[i].slot)
                return 2;
            *slots[i].slot = strdup(value);
            if (slots[i].line)
                *slots[i].line = line_no;
            return *slots[i].slot ? 0 : -1;
        }
    }
    return 1;
}

/* "PATH:LINE: key" for messages about a value that came from the config file. */
static const char *file_origin(char *buf, size_t size, const char *path, unsigned line,
                               const char *key)
{
    snprintf(buf, size, "%s:%u: %s", path ? path : "config file", line, key);
    return buf;
}

/* Checks of one "key = value" line that need no other setting. Returns an exit code. */
static int check_line(const char *path, unsigned line_no, const char *key, const char *value)
{
    /* Comments start only at the beginning of a line, so "url # note" would end up in the
     * URL; no URL holds blanks, so say where the value is instead of failing much later. */
    if (strcmp(key, "base_url") == 0 && strpbrk(value, " \t")) {
        cli_errorf("%s:%u: base_url '%s' contains a blank (comments must be on a line of "
                   "their own)",
                   path, line_no, value);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static int parse_lines(FILE *file, const char *path, const char *profile, file_values *values,
                       char **line, size_t *line_size)
{
    int in_section = 0;
    int seen_section = 0;
    unsigned line_no = 0;
    ssize_t len;

    while ((len = getline(line, line_size, file)) >= 0) {
        line_no++;
        /* A NUL would cut the value short without a word; the file is damaged or binary. */
        if (memchr(*line, '\0', (size_t)len)) {
            cli_errorf("%s:%u: the line contains a NUL byte", path, line_no);
            return CLI_EXIT_USAGE;
        }
        char *text = trim(*line);
        if (*text == '\0' || *text == '#' || *text == ';')
            continue;

        if (*text == '[') {
            char *close = strchr(text, ']');
            if (!close) {
                cli_errorf("%s:%u: a section header needs ']'", path, line_no);
                return CLI_EXIT_USAGE;
            }
            *close = '\0';
            in_section = section_matches(trim(text + 1), profile);
            values->section_found |= in_section;
            seen_section = 1;
            continue;
        }

        char *equals = strchr(text, '=');
        if (!equals) {
            cli_errorf("%s:%u: expected 'key = value'", path, line_no);
            return CLI_EXIT_USAGE;
        }
        *equals = '\0';
        const char *key = trim(text);
        /* Every key belongs to a profile; guessing [default] would hide a misplaced header. */
        if (!seen_section) {
            cli_errorf("%s:%u: '%s' is outside any section (put it under [default] or "
                       "[profile NAME])",
                       path, line_no, key);
            return CLI_EXIT_USAGE;
        }
        if (!in_section)
            continue;
        const char *value = trim(equals + 1);
        int rc = check_line(path, line_no, key, value);
        if (rc != CLI_EXIT_OK)
            return rc;
        rc = store_value(values, key, value, line_no);
        if (rc < 0)
            return CLI_EXIT_FAILURE;
        if (rc == 2) {
            cli_errorf("%s:%u: '%s' is set twice in this profile", path, line_no, key);
            return CLI_EXIT_USAGE;
        }
        if (rc > 0) {
            cli_errorf("%s:%u: unknown key '%s'", path, line_no, key);
            return CLI_EXIT_USAGE;
        }
    }
    if (ferror(file)) {
        cli_errorf("cannot read config file %s: %s", path, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static int parse_config_file(FILE *file, const char *path, const char *profile, file_values *values)
{
    char *line = NULL;
    size_t line_size = 0;
    int rc = parse_lines(file, path, profile, values, &line, &line_size);

    /* The buffer may have held client_secret. */
    if (line)
        memset(line, 0, line_size);
    free(line);
    return rc;
}

/* Read the config file. A missing default file is fine; a missing --config file is not. */
static int load_config_file(cli_config *config, const char *path, int explicit_path,
                            file_values *values)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        if (errno == ENOENT && !explicit_path)
            return CLI_EXIT_OK;
        cli_errorf("cannot read config file %s: %s", path, strerror(errno));
        return CLI_EXIT_USAGE;
    }

    struct stat st;
    int rc = CLI_EXIT_FAILURE;
    if (fstat(fileno(file), &st) != 0) {
        cli_errorf("cannot read config file %s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        /* A directory reads as empty, which would silently mean "no configuration". */
        cli_errorf("config file %s is not a regular file", path);
        rc = CLI_EXIT_USAGE;
    } else {
        rc = parse_config_file(file, path, config->profile, values);
    }
    fclose(file);
    if (rc != CLI_EXIT_OK)
        return rc;

    config->config_path = strdup(path);
    if (values->client_secret && (st.st_mode & (S_IRWXG | S_IRWXO))) {
        cli_errorf("config file %s holds client_secret but other users can read it; "
                   "run: chmod 600 %s",
                   path, path);
        return CLI_EXIT_USAGE;
    }
    if (!values->section_found && strcmp(config->profile, "default") != 0) {
        cli_errorf("profile '%s' not found in %s (expected a [profile %s] section)",
                   config->profile, path, config->profile);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static int valid_profile_name(const char *name)
{
    if (!*name || *name == '.' || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return 0;
    }
    return 1;
}

static int read_secret_file(char **out, const char *path, int quiet)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        cli_errorf("cannot read client secret file %s: %s", path, strerror(errno));
        return CLI_EXIT_USAGE;
    }

    struct stat st;
    if (fstat(fileno(file), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) && !quiet)
        fprintf(stderr,
                "apilo: warning: client secret file %s is readable by other users "
                "(chmod 600 it)\n",
                path);

    char buf[1024];
    size_t len = fread(buf, 1, sizeof buf - 1, file);
    fclose(file);
    buf[len] = '\0';

    char *end = memchr(buf, '\n', len);
    if (end)
        *end = '\0';
    char *secret = trim(buf);
    *out = *secret ? strdup(secret) : NULL;
    memset(buf, 0, sizeof buf);
    if (!*out) {
        cli_errorf("client secret file %s is empty", path);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static int resolve_secret(cli_config *config, const cli_flags *flags, const file_values *values)
{
    if (flags->client_secret_file && flags->client_secret_stdin) {
        cli_errorf("give either --client-secret-file or --client-secret-stdin, not both");
        return CLI_EXIT_USAGE;
    }

    if (flags->client_secret_stdin) {
        config->client_secret = cli_read_stdin_line();
        if (!config->client_secret || !*config->client_secret) {
            cli_errorf("--client-secret-stdin: no secret on standard input");
            return CLI_EXIT_USAGE;
        }
        return CLI_EXIT_OK;
    }
    if (flags->client_secret_file)
        return read_secret_file(&config->client_secret, flags->client_secret_file, flags->quiet);

    const char *env = env_value("APILO_CLIENT_SECRET");
    if (env) {
        config->client_secret = strdup(env);
        return config->client_secret ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    }

    if (values->client_secret_file) {
        char *path = expand_home(values->client_secret_file);
        int rc =
            path ? read_secret_file(&config->client_secret, path, flags->quiet) : CLI_EXIT_FAILURE;
        free(path);
        return rc;
    }
    if (values->client_secret) {
        config->client_secret = strdup(values->client_secret);
        return config->client_secret ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

static int resolve_lang_and_timeout(cli_config *config, const cli_flags *flags,
                                    const file_values *values)
{
    static const char *const langs[] = {"pl", "de", "en", "en-US", "en-GB"};
    char where[512];
    const char *origin = flags->lang ? "--lang" : "APILO_LANG";
    const char *lang = flags->lang ? flags->lang : env_value("APILO_LANG");
    if (!lang && values->lang) {
        lang = values->lang;
        origin = file_origin(where, sizeof where, config->config_path, values->lang_line, "lang");
    }

    if (lang) {
        size_t i = 0;
        while (i < sizeof langs / sizeof langs[0] && strcmp(langs[i], lang) != 0)
            i++;
        if (i == sizeof langs / sizeof langs[0]) {
            cli_errorf("%s: '%s' is not one of pl, de, en, en-US, en-GB", origin, lang);
            return CLI_EXIT_USAGE;
        }
        config->lang = strdup(lang);
    }

    const char *timeout = flags->timeout;
    origin = "--timeout";
    if (!timeout && values->timeout) {
        timeout = values->timeout;
        origin =
            file_origin(where, sizeof where, config->config_path, values->timeout_line, "timeout");
    }
    if (timeout) {
        char *end = NULL;
        double seconds = strtod(timeout, &end);
        if (end == timeout || *end != '\0' || !(seconds > 0.0) || seconds > 86400.0) {
            cli_errorf("%s: '%s' is not a number of seconds greater than 0 and at most 86400",
                       origin, timeout);
            return CLI_EXIT_USAGE;
        }
        config->timeout_ms = (long)(seconds * 1000.0 + 0.5);
        if (config->timeout_ms < 1)
            config->timeout_ms = 1;
    }
    return CLI_EXIT_OK;
}

static int resolve_token_file(cli_config *config, const cli_flags *flags, const file_values *values)
{
    const char *path = flags->token_file ? flags->token_file : env_value("APILO_TOKEN_FILE");

    if (path)
        config->token_file = strdup(path);
    else if (values->token_file)
        config->token_file = expand_home(values->token_file);
    else {
        size_t len = strlen(config->profile) + sizeof ".tokens.json";
        char *leaf = malloc(len);
        if (!leaf)
            return CLI_EXIT_FAILURE;
        snprintf(leaf, len, "%s.tokens.json", config->profile);
        config->token_file = xdg_path("XDG_STATE_HOME", ".local/state", leaf);
        free(leaf);
    }
    if (!config->token_file) {
        cli_errorf("no token file: set --token-file, APILO_TOKEN_FILE or HOME");
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int cli_config_resolve(cli_config *out, const cli_flags *flags)
{
    file_values values;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&values, 0, sizeof values);

    const char *profile = flags->profile ? flags->profile : env_value("APILO_PROFILE");
    out->profile = strdup(profile ? profile : "default");
    if (!out->profile)
        return CLI_EXIT_FAILURE;
    if (!valid_profile_name(out->profile)) {
        cli_errorf("--profile: '%s' is not a valid name (letters, digits, '.', '-', '_')",
                   out->profile);
        return CLI_EXIT_USAGE;
    }

    const char *config_path = flags->config_path ? flags->config_path : env_value("APILO_CONFIG");
    char *default_path = config_path ? NULL : xdg_path("XDG_CONFIG_HOME", ".config", "config");
    if (config_path || default_path) {
        rc = load_config_file(out, config_path ? config_path : default_path, config_path != NULL,
                              &values);
        free(default_path);
        if (rc != CLI_EXIT_OK)
            goto out;
    }

    const char *base_url = flags->base_url ? flags->base_url : env_value("APILO_BASE_URL");
    out->base_url = dup_or_null(base_url ? base_url : values.base_url);

    const char *client_id = flags->client_id ? flags->client_id : env_value("APILO_CLIENT_ID");
    out->client_id = dup_or_null(client_id ? client_id : values.client_id);

    rc = resolve_secret(out, flags, &values);
    if (rc == CLI_EXIT_OK)
        rc = resolve_lang_and_timeout(out, flags, &values);
    if (rc == CLI_EXIT_OK)
        rc = resolve_token_file(out, flags, &values);

out:
    file_values_clear(&values);
    return rc;
}

void cli_config_clear(cli_config *config)
{
    free(config->profile);
    free(config->config_path);
    free(config->base_url);
    free(config->client_id);
    cli_free_secret(config->client_secret);
    free(config->token_file);
    free(config->lang);
    memset(config, 0, sizeof *config);
}

static int ensure_config(cli_context *ctx)
{
    if (ctx->config.profile)
        return CLI_EXIT_OK;

    int rc = cli_config_resolve(&ctx->config, &ctx->flags);
    if (rc == CLI_EXIT_OK) {
        cli_debugf(ctx, "profile %s, config file %s, token file %s", ctx->config.profile,
                   ctx->config.config_path ? ctx->config.config_path : "(none)",
                   ctx->config.token_file);
    }
    return rc;
}

int cli_open_token_store(cli_context *ctx)
{
    int rc = ensure_config(ctx);
    if (rc != CLI_EXIT_OK || ctx->store)
        return rc;

    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_token_store_file_new(&ctx->store, ctx->config.token_file, &err);
    if (status != APILO_OK)
        rc = cli_report(ctx, status, &err);
    apilo_error_clear(&err);

    /* The library writes the file 0600; one opened up since then gives the tokens away. */
    struct stat st;
    if (rc == CLI_EXIT_OK && ctx->config.token_file && stat(ctx->config.token_file, &st) == 0 &&
        (st.st_mode & (S_IRWXG | S_IRWXO)))
        cli_warnf(ctx, "token file %s is readable by other users (chmod 600 it)",
                  ctx->config.token_file);
    return rc;
}

/* Where a setting the library refused came from, when that was not its flag: the generic
 * report would blame the flag (--base-url) although the user never passed it. NULL when the
 * flag set it or the field is not one of these settings. */
static const char *setting_origin(const cli_context *ctx, const char *field, char *buf, size_t size)
{
    static const struct {
        const char *field;
        const char *env;
    } settings[] = {
        {"base_url", "APILO_BASE_URL"},
        {"client_id", "APILO_CLIENT_ID"},
    };
    const char *flag_values[] = {ctx->flags.base_url, ctx->flags.client_id};

    for (size_t i = 0; field && i < sizeof settings / sizeof settings[0]; i++) {
        if (strcmp(field, settings[i].field) != 0 || flag_values[i])
            continue;
        if (env_value(settings[i].env))
            return settings[i].env;
        if (!ctx->config.config_path)
            return NULL;
        snprintf(buf, size, "config file %s, key %s", ctx->config.config_path, field);
        return buf;
    }
    return NULL;
}

int cli_open_client(cli_context *ctx, int need_credentials)
{
    int rc = cli_open_token_store(ctx);
    if (rc != CLI_EXIT_OK)
        return rc;

    const cli_config *config = &ctx->config;
    if (!config->base_url) {
        cli_errorf("no base URL configured: pass --base-url URL, set APILO_BASE_URL, or put "
                   "base_url in the config file (see apilo --help)");
        return CLI_EXIT_USAGE;
    }
    if (need_credentials && !config->client_id) {
        cli_errorf("no client id configured: pass --client-id, set APILO_CLIENT_ID, or put "
                   "client_id in the config file");
        return CLI_EXIT_USAGE;
    }
    if (need_credentials && !config->client_secret) {
        cli_errorf("no client secret configured: set APILO_CLIENT_SECRET, pass "
                   "--client-secret-file PATH or --client-secret-stdin, or put "
                   "client_secret_file in the config file");
        return CLI_EXIT_USAGE;
    }

    apilo_options options = APILO_OPTIONS_INIT;
    options.base_url = config->base_url;
    options.client_id = config->client_id;
    options.client_secret = config->client_secret;
    options.token_store = ctx->store;
    options.user_agent = "apilo-cli/" APILO_VERSION_STRING;
    options.timeout_ms = config->timeout_ms;
    options.accept_language = config->lang;
    options.log_fn = cli_log;
    options.cancel_fn = cli_cancel_requested; /* Ctrl-C ends the client's waits at once */
    options.log_level = ctx->flags.verbose ? APILO_LOG_DEBUG
                        : ctx->flags.quiet ? APILO_LOG_ERROR
                                           : APILO_LOG_WARN;

    apilo_error err = APILO_ERROR_INIT;
    apilo_status status = apilo_client_new(&ctx->client, &options, &err);
    char where[512];
    const char *origin =
        status == APILO_E_INVALID ? setting_origin(ctx, err.field, where, sizeof where) : NULL;
    if (origin) {
        char *text = apilo_error_format(&err);
        cli_errorf("%s: %s", origin, text ? text : apilo_status_str(status));
        apilo_free(text);
        rc = cli_exit_code(status, &err);
    } else if (status != APILO_OK) {
        rc = cli_report(ctx, status, &err);
    }
    apilo_error_clear(&err);
    return rc;
}
