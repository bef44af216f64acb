/*
 * apilo — help texts, one per command and group, each with examples.
 */
#include <string.h>

#include "cli.h"

#define GLOBAL_FLAGS                                                                               \
    "Global flags (anywhere on the line):\n"                                                       \
    "  --base-url URL            https://<account>.apilo.com (env APILO_BASE_URL); no default\n"   \
    "  --client-id ID            API application id (env APILO_CLIENT_ID)\n"                       \
    "  --client-secret-file PATH read the client secret from a file\n"                             \
    "  --client-secret-stdin     read the client secret from the first line of stdin\n"            \
    "                            (or env APILO_CLIENT_SECRET; never on the command line)\n"        \
    "  --token-file PATH         token file (env APILO_TOKEN_FILE;\n"                              \
    "                            default $XDG_STATE_HOME/apilo/<profile>.tokens.json)\n"           \
    "  --profile NAME            config profile (env APILO_PROFILE; default 'default')\n"          \
    "  --config PATH             config file (env APILO_CONFIG;\n"                                 \
    "                            default $XDG_CONFIG_HOME/apilo/config)\n"                         \
    "  --lang pl|de|en|en-US|en-GB  language of API texts (Accept-Language)\n"                     \
    "  --timeout SECONDS         limit for one attempt of a request (default 120)\n"               \
    "  -v, --verbose             trace requests on stderr (secrets masked)\n"                      \
    "  -q, --quiet               only errors on stderr\n"                                          \
    "  -h, --help                this help\n"

static const char help_main[] =
    "apilo - command-line client for the Apilo REST API\n"
    "\n"
    "Usage: apilo [global flags] COMMAND [flags]\n"
    "\n"
    "Commands:\n"
    "  auth login --code CODE    exchange a one-time code from the Apilo panel for tokens\n"
    "  auth refresh              refresh the token pair now\n"
    "  auth status               token expiry instants and time left (never the tokens)\n"
    "  whoami                    the API key the tokens belong to\n"
    "  orders list [filters]     list orders (one page, or every page with --all)\n"
    "  orders get ID             one order with its detail\n"
    "  orders maps KIND          a dictionary: status, payment, platform, carrier, ...\n"
    "  version                   print the version\n"
    "\n" GLOBAL_FLAGS "\n"
    "Exit codes:\n"
    "  0 ok                      4 not found\n"
    "  1 unexpected failure      5 the API rejected the request\n"
    "  2 usage, validation or    6 rate limit or transient failure: retry later\n"
    "    configuration error     7 other failure (decode, token store, I/O)\n"
    "  3 authentication: log in again    130 interrupted\n"
    "\n"
    "Examples:\n"
    "  export APILO_BASE_URL=https://myshop.apilo.com APILO_CLIENT_ID=12\n"
    "  apilo --client-secret-file ~/.config/apilo/secret auth login --code \"$CODE\"\n"
    "  apilo orders list --created-after 30d --max-items 20\n"
    "  apilo orders list --all --output ndjson > orders.ndjson\n"
    "\n"
    "Run 'apilo COMMAND --help' for a command's flags. Full guide: docs/CLI.md\n";

static const char help_auth[] =
    "Usage: apilo auth login|refresh|status [flags]\n"
    "\n"
    "  login --code CODE   exchange a one-time authorization code for a token pair\n"
    "  refresh             refresh the token pair now (normally automatic)\n"
    "  status              show when the access and refresh tokens expire\n"
    "\n"
    "Examples:\n"
    "  apilo auth login --code \"$CODE\"\n"
    "  apilo auth status\n";

static const char help_auth_login[] =
    "Usage: apilo auth login --code CODE|-\n"
    "\n"
    "Exchange the one-time authorization code of an API application (Apilo panel:\n"
    "Administracja > API Apilo) for an access and a refresh token, saved in the token file.\n"
    "The code works once. Needs the base URL, client id and client secret.\n"
    "\n"
    "Flags:\n"
    "  -c, --code CODE   the authorization code; '-' reads it from standard input\n"
    "\n" GLOBAL_FLAGS "\n"
    "Examples:\n"
    "  apilo auth login --code \"$CODE\"\n"
    "  pass show apilo/code | apilo auth login --code -\n";

static const char help_auth_refresh[] =
    "Usage: apilo auth refresh\n"
    "\n"
    "Refresh the token pair now. Other commands refresh on their own when the access token\n"
    "is about to expire; processes sharing one token file refresh once between them.\n"
    "\n" GLOBAL_FLAGS "\n"
    "Example:\n"
    "  apilo --profile shop2 auth refresh\n";

static const char help_auth_status[] =
    "Usage: apilo auth status\n"
    "\n"
    "Show the profile, the token file and when the access and refresh tokens expire, with\n"
    "the time left. The tokens themselves are never shown. Exit code 3 when not logged in or\n"
    "when the refresh token has expired.\n"
    "\n" GLOBAL_FLAGS "\n"
    "Example:\n"
    "  apilo auth status\n";

static const char help_whoami[] =
    "Usage: apilo whoami\n"
    "\n"
    "Show the API key the tokens belong to (GET /rest/api/whoami/): name, client id, and\n"
    "until when it is valid.\n"
    "\n" GLOBAL_FLAGS "\n"
    "Example:\n"
    "  apilo whoami\n";

static const char help_orders[] =
    "Usage: apilo orders list|get|maps [flags]\n"
    "\n"
    "  list [filters]   list orders: one page, or every page with --all\n"
    "  get ID           one order with its detail\n"
    "  maps KIND        a dictionary (status, payment, platform, carrier, ...)\n"
    "\n"
    "Examples:\n"
    "  apilo orders list --status 7 --created-after 2026-03-01\n"
    "  apilo orders get AL231100017\n"
    "  apilo orders maps status\n";

static const char help_orders_list[] =
    "Usage: apilo orders list [filters] [--all] [--page-size N] [--max-items N]\n"
    "                         [--output ndjson|json|table|csv]\n"
    "\n"
    "Without --all, up to --limit orders are listed (default 512, the API maximum).\n"
    "With --all every page is fetched, one page in memory at a time; every page request\n"
    "carries the same filters, only the offset moves.\n"
    "\n"
    "Filters (GET /rest/api/orders/):\n"
    "  --created-after DATE     --created-before DATE    created in Apilo\n"
    "  --ordered-after DATE     --ordered-before DATE    placed by the customer\n"
    "  --updated-after DATE     --updated-before DATE    last updated\n"
    "        DATE: 2026-03-01, 2026-03-01T12:00:00+01:00, ...Z, or an age: 30d 12h 45m 2w\n"
    "  --status ID[,ID...]      order status ids (repeatable); one id is sent as\n"
    "                           orderStatus, several as orderStatusIds[]\n"
    "  --payment-status 0..3    0 none, 1 partial, 2 paid, 3 overpaid\n"
    "  --payment-type ID        --platform-account ID     --carrier ID\n"
    "  --has-document 0|1       whether an order document exists (isOrderDocument)\n"
    "  --id ID                  Apilo order number      --id-external TEXT\n"
    "  --email ADDRESS          customer e-mail\n"
    "  --sort NAME              createdAtAsc|createdAtDesc|updatedAtAsc|updatedAtDesc|\n"
    "                           orderedAtAsc|orderedAtDesc\n"
    "  --offset N               start at this row\n"
    "  --limit N, --page-size N rows per request (1..512)\n"
    "\n"
    "Flags:\n"
    "  -a, --all                fetch every page (a live counter on stderr at a terminal)\n"
    "  --max-items N            stop after N orders\n"
    "  -o, --output FORMAT      ndjson (one raw order per line; default when piped),\n"
    "                           json (one array), csv (RFC 4180, main columns),\n"
    "                           table (default at a terminal)\n"
    "\n" GLOBAL_FLAGS "\n"
    "Examples:\n"
    "  apilo orders list --created-after 30d --max-items 20\n"
    "  apilo orders list --status 7,8 --sort createdAtDesc --output csv > orders.csv\n"
    "  apilo orders list --all --output ndjson > orders.ndjson\n"
    "  apilo orders list --all --updated-after 2026-03-01T00:00:00+01:00 | jq .id\n";

static const char help_orders_get[] =
    "Usage: apilo orders get ID [--output json|ndjson|table|csv]\n"
    "\n"
    "Fetch one order with its detail (GET /rest/api/orders/ID/). Prints the order's JSON,\n"
    "indented, unless --output asks for one line (ndjson), a readable view (table) or a\n"
    "CSV row. Exit code 4 when the order does not exist.\n"
    "\n" GLOBAL_FLAGS "\n"
    "Examples:\n"
    "  apilo orders get AL231100017\n"
    "  apilo orders get AL231100017 --output table\n";

static const char help_orders_maps[] =
    "Usage: apilo orders maps KIND [--output ndjson|json|table|csv]\n"
    "\n"
    "Show an order dictionary: ids with their keys and names (names follow --lang).\n"
    "KIND: status, payment, platform, carrier, carrier-account, documents, tag,\n"
    "      shipment-status\n"
    "\n" GLOBAL_FLAGS "\n"
    "Examples:\n"
    "  apilo orders maps status\n"
    "  apilo --lang en orders maps payment --output json\n";

static const char help_version[] = "Usage: apilo version\n"
                                   "\n"
                                   "Print the versions of the tool and the library.\n";

static const struct {
    const char *command;
    const char *text;
} help_texts[] = {
    {"", help_main},
    {"auth", help_auth},
    {"auth login", help_auth_login},
    {"auth refresh", help_auth_refresh},
    {"auth status", help_auth_status},
    {"whoami", help_whoami},
    {"orders", help_orders},
    {"orders list", help_orders_list},
    {"orders get", help_orders_get},
    {"orders maps", help_orders_maps},
    {"version", help_version},
};

const char *cli_help_text(const char *command)
{
    for (size_t i = 0; i < sizeof help_texts / sizeof help_texts[0]; i++) {
        if (strcmp(help_texts[i].command, command) == 0)
            return help_texts[i].text;
    }
    return NULL;
}

void cli_print_help(const char *command)
{
    const char *text = cli_help_text(command);
    cli_out_puts(text ? text : help_main);
}
