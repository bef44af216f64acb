/*
 * Internal interfaces shared by the library's modules. Non-static internal symbols carry the
 * apl_ prefix so they never clash with the public apilo_ names or with applications.
 */
#ifndef APL_INTERNAL_H
#define APL_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "apilo/apilo.h"
#include "json.h"

#if defined(__GNUC__)
#define APL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define APL_PRINTF(fmt, args)
#endif

/* ---- growable byte buffer (buf.c) ------------------------------------------------------- */

typedef struct apl_buf {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
} apl_buf;

#define APL_BUF_INIT {NULL, 0, 0}

int apl_buf_append(apl_buf *buf, const char *data, size_t len); /* 0 or -1 on OOM */
int apl_buf_reserve(apl_buf *buf, size_t extra); /* room for `extra` more bytes and the NUL */
int apl_buf_puts(apl_buf *buf, const char *text);
int apl_buf_printf(apl_buf *buf, const char *fmt, ...) APL_PRINTF(2, 3);
void apl_buf_reset(apl_buf *buf); /* keeps the allocation */
void apl_buf_free(apl_buf *buf);
char *apl_buf_detach(apl_buf *buf); /* hands the string over; "" when empty; NULL on OOM */
/* Make `padding` bytes past the NUL readable (zeroed), without changing the content. */
int apl_buf_pad(apl_buf *buf, size_t padding);

char *apl_strdup(const char *text); /* NULL-safe: NULL in, NULL out */

/* ---- arenas (arena.c) ------------------------------------------------------------------- */

/* Memory released all at once; blocks are aligned for any type. Zero-initialise to start. */
typedef struct apl_arena {
    struct apl_arena_chunk *head;
} apl_arena;

void *apl_arena_alloc(apl_arena *arena, size_t size);               /* NULL on OOM */
void *apl_arena_calloc(apl_arena *arena, size_t count, size_t size); /* zeroed */
char *apl_arena_strndup(apl_arena *arena, const char *text, size_t len);
void apl_arena_free(apl_arena *arena); /* every block; the arena can be used again */
/* Overwrite a secret before freeing it, so it does not linger in freed heap memory. */
void apl_free_secret(char *secret);

/* ---- errors (error.c) ------------------------------------------------------------------- */

/* Set status and a sentence made by the library; returns `status` for tail calls. NULL-safe. */
apilo_status apl_error_set(apilo_error *err, apilo_status status, const char *fmt, ...)
    APL_PRINTF(3, 4);

/* Name the offending field (wire name) of a validation or decode error. NULL-safe. */
void apl_error_set_field(apilo_error *err, const char *field);

/*
 * Fill `err` from a non-2xx HTTP answer: status class from the HTTP status (401/403 auth,
 * 404 not found, 429/503 rate limit, other 4xx with a JSON error body API, else HTTP), then
 * message, code, description, field and nested errors from the body when it is the API's
 * error shape (tolerates an empty or non-JSON body). Returns the status.
 */
apilo_status apl_error_from_http(apilo_error *err, long http_status, const char *body,
                                 size_t body_len, const char *method, const char *path);

/* ---- query strings (query.c) ------------------------------------------------------------ */

/*
 * Append "name=value" to a query string under construction ("?" before the first pair, "&"
 * after). The value is percent-encoded (everything but unreserved characters), so "+" becomes
 * "%2B". The name is written as given (array filters pass "name[]").
 */
int apl_query_add(apl_buf *query, const char *name, const char *value);
int apl_query_add_int(apl_buf *query, const char *name, int64_t value);
/* A date filter: "YYYY-MM-DDTHH:MM:SS+hhmm", then encoded. */
int apl_query_add_time(apl_buf *query, const char *name, apilo_time value);

/* ---- decoding (decode.c) ---------------------------------------------------------------- */

/*
 * Decoders from a parsed document into models. The model takes its own reference on `root`
 * (its strings are borrowed from it); the caller still releases its own. On a member of the
 * wrong type they return APILO_E_DECODE with err->field naming it ("orders[3].createdAt").
 */
apilo_status apl_decode_order(apilo_order **out, apl_json *root, apilo_error *err);
apilo_status apl_decode_order_page(apilo_order_page **out, apl_json *root, apilo_error *err);
apilo_status apl_decode_map(apilo_map **out, apl_json *root, apilo_error *err);
apilo_status apl_decode_whoami(apilo_whoami **out, apl_json *root, apilo_error *err);
apilo_status apl_decode_token_response(apilo_token_set *out, const apl_json *root,
                                       apilo_error *err);

/* Parse text (copied by the parser); APILO_E_DECODE with the parser's reason on failure. */
apilo_status apl_parse_text(apl_json **out, const char *text, size_t len, apilo_error *err);
/* Parse text holding secrets (APL_JSON_SECRET); same errors, which never quote the text. */
apilo_status apl_parse_secret(apl_json **out, const char *text, size_t len, apilo_error *err);
/* Parse a response body in place: the buffer gets the parser's padding; same errors. */
apilo_status apl_parse_body(apl_json **out, apl_buf *body, apilo_error *err);

/* ---- the client (client.c, http.c, auth.c) ---------------------------------------------- */

typedef struct apl_response {
    long status;
    apl_buf body;
    char content_type[128];
} apl_response;

#define APL_RESPONSE_INIT {0, APL_BUF_INIT, ""}
void apl_response_free(apl_response *response);

/*
 * Send one API request (path and query relative to the base URL, e.g. "/rest/api/orders/?a=1")
 * with a valid bearer token: proactive refresh near expiry, one refresh and one replay on 401,
 * rate governor, retries with backoff and Retry-After on 429/503/transport failures for GET.
 * APILO_OK for 2xx and 304 (the response is filled); otherwise `err` is filled via
 * apl_error_from_http or with the transport failure.
 */
apilo_status apl_request(apilo_client *client, const char *method, const char *path_and_query,
                         const char *body, size_t body_len, apl_response *out, apilo_error *err);

/* GET a path and parse its JSON body. The caller releases *out with apl_json_decref. */
apilo_status apl_get_json(apilo_client *client, const char *path_and_query, apl_json **out,
                          apilo_error *err);

/* Log through the client's callback when the level passes; the line is built only then. */
void apl_log(apilo_client *client, apilo_log_level level, apilo_log_category category,
             const char *fmt, ...) APL_PRINTF(4, 5);

/* Current time in seconds (wall clock), and a monotonic clock in seconds. */
int64_t apl_now(void);
double apl_monotonic(void);

#endif
