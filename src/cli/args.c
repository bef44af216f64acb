/*
 * apilo — command-line tokenizer: long flags (--name VALUE, --name=VALUE), short flags (-v),
 * positional words, and "--" ending the flags.
 */
#include <string.h>

#include "cli.h"

static const cli_opt *find_long(const cli_opt *const *tables, const char *name, size_t len)
{
    for (size_t t = 0; tables[t]; t++) {
        for (const cli_opt *opt = tables[t]; opt->name; opt++) {
            if (strlen(opt->name) == len && strncmp(opt->name, name, len) == 0)
                return opt;
        }
    }
    return NULL;
}

static const cli_opt *find_short(const cli_opt *const *tables, char name)
{
    for (size_t t = 0; tables[t]; t++) {
        for (const cli_opt *opt = tables[t]; opt->name; opt++) {
            if (opt->short_name && opt->short_name == name)
                return opt;
        }
    }
    return NULL;
}

/* The secret must not sit in argv where `ps` shows it to every user, so the flag is refused
 * with directions rather than reported as merely unknown. Its value is never echoed. */
static cli_arg_kind refuse_unknown(const char *arg, size_t name_len)
{
    if (name_len == strlen("client-secret") && strncmp(arg + 2, "client-secret", name_len) == 0) {
        cli_errorf("--client-secret is not accepted: other users can read the command line; "
                   "use APILO_CLIENT_SECRET, --client-secret-file PATH or --client-secret-stdin");
        return CLI_ARG_ERROR;
    }
    cli_errorf("unknown option '--%.*s' (see --help)", (int)name_len, arg + 2);
    return CLI_ARG_ERROR;
}

static cli_arg_kind take_value(cli_args *args, const cli_opt *opt, const char *inline_value,
                               const char **out_value)
{
    if (!opt->has_value) {
        if (inline_value) {
            cli_errorf("option '--%s' takes no value", opt->name);
            return CLI_ARG_ERROR;
        }
        *out_value = NULL;
        return CLI_ARG_FLAG;
    }

    if (inline_value) {
        *out_value = inline_value;
        return CLI_ARG_FLAG;
    }

    if (args->index >= args->argc) {
        cli_errorf("option '--%s' needs a value", opt->name);
        return CLI_ARG_ERROR;
    }
    *out_value = args->argv[args->index++];
    return CLI_ARG_FLAG;
}

cli_arg_kind cli_args_next(cli_args *args, const cli_opt *const *tables, const cli_opt **out_opt,
                           const char **out_value)
{
    if (args->index >= args->argc)
        return CLI_ARG_END;

    const char *arg = args->argv[args->index++];

    if (args->positional_only || arg[0] != '-' || arg[1] == '\0') {
        *out_value = arg;
        return CLI_ARG_POSITIONAL;
    }

    if (strcmp(arg, "--") == 0) {
        args->positional_only = 1;
        return cli_args_next(args, tables, out_opt, out_value);
    }

    if (arg[1] == '-') {
        const char *equals = strchr(arg + 2, '=');
        size_t name_len = equals ? (size_t)(equals - (arg + 2)) : strlen(arg + 2);
        const cli_opt *opt = find_long(tables, arg + 2, name_len);
        if (!opt)
            return refuse_unknown(arg, name_len);
        *out_opt = opt;
        return take_value(args, opt, equals ? equals + 1 : NULL, out_value);
    }

    const cli_opt *opt = find_short(tables, arg[1]);
    if (!opt) {
        cli_errorf("unknown option '%.2s' (see --help)", arg);
        return CLI_ARG_ERROR;
    }
    /* Short options stand alone: "-o csv", not "-o=csv" or "-ocsv"; "-ao" is "-a -o". */
    if (arg[2] != '\0') {
        if (opt->has_value)
            cli_errorf("'%s': give the value as the next argument ('-%c VALUE') or write "
                       "'--%s=VALUE'",
                       arg, arg[1], opt->name);
        else
            cli_errorf("'%s': write short options one by one ('-%c -%c...')", arg, arg[1], arg[2]);
        return CLI_ARG_ERROR;
    }
    *out_opt = opt;
    return take_value(args, opt, NULL, out_value);
}
