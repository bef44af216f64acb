/*
 * libapilo — common types: status codes, the error object, optional scalars, time values.
 *
 * Ownership rules, stated once for the whole library:
 *  - A function named *_new allocates; the caller releases the result with the matching *_free,
 *    which accepts NULL.
 *  - Output parameters come first and are named `out`; what they receive is owned by the caller
 *    unless the function's comment says "borrowed".
 *  - Getters return borrowed pointers, valid until their parent object is freed or, for
 *    iterators, until the next call to *_next.
 *  - Strings returned as `char *` are released with apilo_free().
 *  - Decoded models (orders, pages, maps, whoami) are the exception to "owned by the caller" for
 *    their members: strings (`const char *`), arrays and addresses are borrowed from the model,
 *    which keeps the parsed response they point into; they live until the model is freed.
 *  - Every call that can fail returns an apilo_status and, when `err` is not NULL, fills the
 *    caller-owned error object (release its contents with apilo_error_clear()).
 */
#ifndef APILO_COMMON_H
#define APILO_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define APILO_EXTERN __attribute__((visibility("default")))
#else
#define APILO_EXTERN
#endif

#define APILO_VERSION_STRING "0.1.0"

/* Result of every fallible call. Negative values are failures. */
typedef enum apilo_status {
    APILO_OK = 0,
    APILO_ITER_OVER = 1,         /* an iterator has no more items; not a failure */
    APILO_E_INVALID = -1,        /* validation before sending: a bad argument or option */
    APILO_E_NOMEM = -2,          /* an allocation failed */
    APILO_E_TRANSPORT = -3,      /* connect, TLS, timeout, reset: no HTTP answer */
    APILO_E_HTTP = -4,           /* an unexpected HTTP status without an API error body */
    APILO_E_API = -5,            /* the API rejected the request (400, 409, 413, 415, 422...) */
    APILO_E_AUTH = -6,           /* authentication failed: 401/403, no or spent tokens */
    APILO_E_NOT_FOUND = -7,      /* 404: the resource does not exist */
    APILO_E_RATE_LIMIT = -8,     /* 429 (or 503) after the retries ran out */
    APILO_E_DECODE = -9,         /* the response did not have the documented shape */
    APILO_E_TOKEN_STORE = -10,   /* the token store could not be read, locked or written */
    APILO_E_NO_TOKENS = -11,     /* the token store is empty: log in with a code first */
    APILO_E_CANCELLED = -12      /* the options' cancel_fn asked to stop (nothing is retried) */
} apilo_status;

/* One nested error of an API error body (usually one per invalid field of a 422). */
typedef struct apilo_field_error {
    char *field;   /* name of the offending field, or NULL */
    char *message; /* the API's message, or NULL */
    int has_code;
    int64_t code;
} apilo_field_error;

/*
 * A caller-owned error object. Initialise with APILO_ERROR_INIT (or zero it), pass it to calls,
 * release its contents with apilo_error_clear(). It never contains a secret.
 */
typedef struct apilo_error {
    apilo_status status;
    long http_status;          /* 0 when no HTTP answer was received */
    int has_api_code;          /* the body carried a numeric "code" */
    int64_t api_code;
    char *message;             /* the API's "message", or a sentence made by the library */
    char *description;         /* the API's "description", or NULL */
    char *field;               /* the API's top-level "field", or NULL */
    apilo_field_error *errors; /* nested "errors", flattened */
    size_t errors_count;
    char method[8];            /* "GET", "POST"... of the failed request, or "" */
    char *path;                /* path and query of the failed request (never a secret), or NULL */
    double retry_after_s;      /* server's Retry-After hint, or -1 when none */
} apilo_error;

#define APILO_ERROR_INIT {APILO_OK, 0, 0, 0, NULL, NULL, NULL, NULL, 0, "", NULL, -1.0}

/* Release the strings an error object owns and reset it to APILO_ERROR_INIT. NULL-safe. */
APILO_EXTERN void apilo_error_clear(apilo_error *err);

/* A static English sentence for a status ("the API rejected the request"...). Never NULL. */
APILO_EXTERN const char *apilo_status_str(apilo_status status);

/*
 * One line describing the error for people and logs: status, HTTP status, API code, message,
 * description, field errors, method and path. Returns a new string (apilo_free) or NULL on OOM.
 */
APILO_EXTERN char *apilo_error_format(const apilo_error *err);

/* Release memory the library handed out as a plain pointer (strings). NULL-safe. */
APILO_EXTERN void apilo_free(void *ptr);

/*
 * Global initialisation: call once at program start, before any other thread runs, and
 * apilo_global_cleanup() once at the end. It initialises libcurl; the library never does that
 * behind the caller's back.
 */
APILO_EXTERN apilo_status apilo_global_init(void);
APILO_EXTERN void apilo_global_cleanup(void);

/* Optional scalars: `set` tells presence, so 0 and false differ from absent. */
typedef struct apilo_opt_int {
    int set;
    int64_t value;
} apilo_opt_int;

typedef struct apilo_opt_bool {
    int set;
    int value;
} apilo_opt_bool;

/* An instant with the UTC offset it was written in (minutes east of UTC). */
typedef struct apilo_time {
    int64_t unix_seconds;
    int offset_minutes;
} apilo_time;

typedef struct apilo_opt_time {
    int set;
    apilo_time value;
} apilo_opt_time;

#define APILO_OPT_INT(v) ((apilo_opt_int){1, (v)})
#define APILO_OPT_BOOL(v) ((apilo_opt_bool){1, (v)})

/*
 * Parse an ISO 8601 date-time as the API writes it: "YYYY-MM-DDTHH:MM:SS" followed by "Z",
 * "+hh:mm", "+hhmm" or "+hh" (or "-"), optional fractional seconds; also a date alone
 * ("YYYY-MM-DD", taken as midnight UTC). Returns APILO_OK or APILO_E_INVALID.
 */
APILO_EXTERN apilo_status apilo_time_parse(apilo_time *out, const char *text);

/*
 * Format as "YYYY-MM-DDTHH:MM:SS+hh:mm" (colon_offset != 0, the ATOM form used in bodies) or
 * "YYYY-MM-DDTHH:MM:SS+hhmm" (the form used in query filters). `buf` needs 26 bytes.
 * Returns APILO_OK or APILO_E_INVALID (out of range, or buffer too small).
 */
APILO_EXTERN apilo_status apilo_time_format(char *buf, size_t size, apilo_time t, int colon_offset);

#ifdef __cplusplus
}
#endif

#endif
