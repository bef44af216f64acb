/*
 * The lenient readers of the JSON module, shared by both backends: they see a value only
 * through apl_json_val_scalar, so the rules below hold whichever parser produced it.
 *
 * The readers are lenient because the API's samples disagree with its schema on types
 * (README §13): integers arrive as numbers or numeric strings, amounts as numbers or strings.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A whole string holding an optionally negative decimal integer that fits in int64_t. */
static int parse_int_text(const char *text, int64_t *out)
{
    const char *digits = text[0] == '-' ? text + 1 : text;
    char *end;
    long long value;

    if (digits[0] < '0' || digits[0] > '9')
        return -1;
    for (const char *p = digits; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
    }

    errno = 0;
    value = strtoll(text, &end, 10);
    if (errno == ERANGE || *end != '\0')
        return -1;
    *out = value;
    return 0;
}

static char *copy_text(const char *text, size_t len)
{
    char *copy = malloc(len + 1);

    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

/*
 * Amounts such as 1259.98 are the common case, and snprintf("%.15g") plus strtod costs about
 * a microsecond each. A value that is m / 10^k for a 15-digit integer m, checked exactly (m and
 * 10^k are exact doubles and IEEE division rounds correctly, as strtod does), prints as m with
 * k decimals: the same text "%.15g" gives for magnitudes written without an exponent.
 */
static int short_decimal(double value, char *text, size_t size)
{
    static const double scale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    double magnitude = value < 0 ? -value : value;

    if (!(magnitude >= 1e-4 && magnitude < 1e15))
        return -1;
    for (int k = 0; k < (int)(sizeof scale / sizeof scale[0]); k++) {
        double scaled = magnitude * scale[k];
        int64_t m;
        int64_t unit = (int64_t)scale[k];

        if (scaled >= 1e15)
            return -1;
        m = (int64_t)(scaled + 0.5);
        if ((double)m / scale[k] != magnitude)
            continue;
        if (k == 0)
            snprintf(text, size, "%s%" PRId64, value < 0 ? "-" : "", m);
        else
            snprintf(text, size, "%s%" PRId64 ".%0*" PRId64, value < 0 ? "-" : "", m / unit, k,
                     m % unit);
        return 0;
    }
    return -1;
}

/* The shortest "%.Ng" text that reads back as the same double; integers come out plain. */
static void real_to_text(double value, char *text, size_t size)
{
    if (short_decimal(value, text, size) == 0)
        return;
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(text, size, "%.*g", precision, value);
        if (strtod(text, NULL) == value)
            return;
    }
}

static void number_to_text(const apl_json_scalar *scalar, char *text, size_t size)
{
    switch (scalar->kind) {
    case APL_JSON_INT:
        snprintf(text, size, "%" PRId64, scalar->as.i);
        return;
    case APL_JSON_UINT:
        snprintf(text, size, "%" PRIu64, scalar->as.u);
        return;
    default:
        real_to_text(scalar->as.d, text, size);
        return;
    }
}

/* Missing and JSON null both mean "absent" to the readers. */
static int present(const apl_json_scalar *scalar)
{
    return scalar->kind != APL_JSON_MISSING && scalar->kind != APL_JSON_NULL;
}

int apl_json_scalar_read_int(const apl_json_scalar *scalar, apilo_opt_int *out)
{
    int64_t number;

    if (!present(scalar))
        return APL_JSON_ABSENT;

    switch (scalar->kind) {
    case APL_JSON_INT:
        number = scalar->as.i;
        break;
    case APL_JSON_REAL: {
        /* 3.0 is an integer written oddly; 3.5 or 1e30 is not an integer at all. */
        double real = scalar->as.d;
        if (real < -9.2e18 || real > 9.2e18 || real != (double)(int64_t)real)
            return APL_JSON_BAD_TYPE;
        number = (int64_t)real;
        break;
    }
    case APL_JSON_STRING:
        if (parse_int_text(scalar->as.s.text, &number) != 0)
            return APL_JSON_BAD_TYPE;
        break;
    default:
        return APL_JSON_BAD_TYPE;
    }

    out->set = 1;
    out->value = number;
    return APL_JSON_OK;
}

int apl_json_scalar_read_bool(const apl_json_scalar *scalar, apilo_opt_bool *out)
{
    int flag;

    if (!present(scalar))
        return APL_JSON_ABSENT;

    if (scalar->kind == APL_JSON_TRUE || scalar->kind == APL_JSON_FALSE) {
        flag = scalar->kind == APL_JSON_TRUE;
    } else if (scalar->kind == APL_JSON_INT && (scalar->as.i == 0 || scalar->as.i == 1)) {
        flag = scalar->as.i == 1;
    } else if (scalar->kind == APL_JSON_STRING) {
        const char *text = scalar->as.s.text;
        if (strcmp(text, "1") == 0 || strcmp(text, "true") == 0)
            flag = 1;
        else if (strcmp(text, "0") == 0 || strcmp(text, "false") == 0)
            flag = 0;
        else
            return APL_JSON_BAD_TYPE;
    } else {
        return APL_JSON_BAD_TYPE;
    }

    out->set = 1;
    out->value = flag;
    return APL_JSON_OK;
}

/* Strings copied, numbers written as text. */
int apl_json_val_read_str(apl_json_val value, char **out)
{
    apl_json_scalar scalar;
    char number[64];
    char *text;

    apl_json_val_scalar(value, &scalar);
    if (!present(&scalar))
        return APL_JSON_ABSENT;

    switch (scalar.kind) {
    case APL_JSON_STRING:
        /* Up to the first NUL, as a C string would read it. */
        text = copy_text(scalar.as.s.text, strnlen(scalar.as.s.text, scalar.as.s.len));
        break;
    case APL_JSON_INT:
    case APL_JSON_UINT:
    case APL_JSON_REAL:
        number_to_text(&scalar, number, sizeof number);
        text = copy_text(number, strlen(number));
        break;
    default:
        return APL_JSON_BAD_TYPE;
    }

    if (!text)
        return APL_JSON_NOMEM;
    *out = text;
    return APL_JSON_OK;
}

int apl_json_scalar_read_text(const apl_json_scalar *scalar, apl_arena *arena, const char **out)
{
    char number[64];

    if (!present(scalar))
        return APL_JSON_ABSENT;

    switch (scalar->kind) {
    case APL_JSON_STRING:
        /* Both backends keep a NUL after every string, so the text is a C string as it is
         * (one with a NUL inside reads up to it, as a copy would). */
        *out = scalar->as.s.text;
        return APL_JSON_OK;
    case APL_JSON_INT:
    case APL_JSON_UINT:
    case APL_JSON_REAL:
        number_to_text(scalar, number, sizeof number);
        *out = apl_arena_strndup(arena, number, strlen(number));
        return *out ? APL_JSON_OK : APL_JSON_NOMEM;
    default:
        return APL_JSON_BAD_TYPE;
    }
}

int apl_json_scalar_read_time(const apl_json_scalar *scalar, apilo_opt_time *out,
                              const char **out_text)
{
    apilo_time parsed;

    if (!present(scalar))
        return APL_JSON_ABSENT;
    if (scalar->kind != APL_JSON_STRING)
        return APL_JSON_BAD_TYPE;
    if (apilo_time_parse(&parsed, scalar->as.s.text) != APILO_OK)
        return APL_JSON_BAD_TYPE;

    if (out_text)
        *out_text = scalar->as.s.text;
    out->set = 1;
    out->value = parsed;
    return APL_JSON_OK;
}

/* ---- views ------------------------------------------------------------------------------ */

int apl_json_val_read_int(apl_json_val value, apilo_opt_int *out)
{
    apl_json_scalar scalar;

    apl_json_val_scalar(value, &scalar);
    return apl_json_scalar_read_int(&scalar, out);
}

int apl_json_val_read_bool(apl_json_val value, apilo_opt_bool *out)
{
    apl_json_scalar scalar;

    apl_json_val_scalar(value, &scalar);
    return apl_json_scalar_read_bool(&scalar, out);
}

int apl_json_val_read_text(apl_json_val value, apl_arena *arena, const char **out)
{
    apl_json_scalar scalar;

    apl_json_val_scalar(value, &scalar);
    return apl_json_scalar_read_text(&scalar, arena, out);
}

int apl_json_val_read_time(apl_json_val value, apilo_opt_time *out, const char **out_text)
{
    apl_json_scalar scalar;

    apl_json_val_scalar(value, &scalar);
    return apl_json_scalar_read_time(&scalar, out, out_text);
}

/* ---- by key ----------------------------------------------------------------------------- */

static apl_json_val member(const apl_json *object, const char *key)
{
    return apl_json_val_get(apl_json_view(object), key);
}

int apl_json_read_int(const apl_json *object, const char *key, apilo_opt_int *out)
{
    return apl_json_val_read_int(member(object, key), out);
}

int apl_json_read_bool(const apl_json *object, const char *key, apilo_opt_bool *out)
{
    return apl_json_val_read_bool(member(object, key), out);
}

int apl_json_read_str(const apl_json *object, const char *key, char **out)
{
    return apl_json_val_read_str(member(object, key), out);
}

int apl_json_read_time(const apl_json *object, const char *key, apilo_opt_time *out,
                       const char **out_text)
{
    return apl_json_val_read_time(member(object, key), out, out_text);
}
