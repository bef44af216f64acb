/*
 * The JSON module on jansson. An apl_json is a json_t in disguise; nothing outside this file
 * knows it, so the backend can change here alone.
 *
 * The readers are lenient because the API's samples disagree with its schema on types
 * (README §13): integers arrive as numbers or numeric strings, amounts as numbers or strings.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

static json_t *as_json(const apl_json *value)
{
    return (json_t *)value;
}

static apl_json *as_apl(json_t *value)
{
    return (apl_json *)value;
}

apl_json *apl_json_parse(const char *text, size_t len, char *errbuf, size_t errbuf_size)
{
    json_error_t error;
    json_t *root;

    if (errbuf && errbuf_size > 0)
        errbuf[0] = '\0';
    if (!text)
        text = "";

    /* Bodies are objects or arrays, but a bare value is still valid JSON; the decoders check
     * the shape they expect and say so by name. */
    root = json_loadb(text, len, JSON_DECODE_ANY, &error);
    if (!root && errbuf && errbuf_size > 0)
        snprintf(errbuf, errbuf_size, "%s (line %d, column %d)", error.text, error.line,
                 error.column);
    return as_apl(root);
}

apl_json *apl_json_incref(apl_json *value)
{
    return as_apl(json_incref(as_json(value)));
}

void apl_json_decref(apl_json *value)
{
    json_decref(as_json(value));
}

int apl_json_is_object(const apl_json *value)
{
    return value && json_is_object(as_json(value));
}

int apl_json_is_array(const apl_json *value)
{
    return value && json_is_array(as_json(value));
}

int apl_json_is_null(const apl_json *value)
{
    return !value || json_is_null(as_json(value));
}

apl_json *apl_json_get(const apl_json *object, const char *key)
{
    if (!object || !key || !json_is_object(as_json(object)))
        return NULL;
    return as_apl(json_object_get(as_json(object), key));
}

size_t apl_json_array_size(const apl_json *array)
{
    if (!array)
        return 0;
    return json_array_size(as_json(array));
}

apl_json *apl_json_array_at(const apl_json *array, size_t index)
{
    if (!array)
        return NULL;
    return as_apl(json_array_get(as_json(array), index));
}

/* The member, or NULL when it is missing or JSON null: both mean "absent" to the readers. */
static json_t *member(const apl_json *object, const char *key)
{
    json_t *value = as_json(apl_json_get(object, key));

    if (!value || json_is_null(value))
        return NULL;
    return value;
}

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

/* The shortest "%.Ng" text that reads back as the same double; integers come out plain. */
static char *real_to_text(double value)
{
    char text[64];

    for (int precision = 15; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, value);
        if (strtod(text, NULL) == value)
            break;
    }
    return apl_strdup(text);
}

static char *number_to_text(const json_t *value)
{
    char text[32];

    if (json_is_integer(value)) {
        snprintf(text, sizeof text, "%" PRId64, (int64_t)json_integer_value(value));
        return apl_strdup(text);
    }
    return real_to_text(json_real_value(value));
}

int apl_json_read_int(const apl_json *object, const char *key, apilo_opt_int *out)
{
    json_t *value = member(object, key);
    int64_t number;

    if (!value)
        return APL_JSON_ABSENT;

    if (json_is_integer(value)) {
        number = json_integer_value(value);
    } else if (json_is_real(value)) {
        /* 3.0 is an integer written oddly; 3.5 or 1e30 is not an integer at all. */
        double real = json_real_value(value);
        if (real < -9.2e18 || real > 9.2e18 || real != (double)(int64_t)real)
            return APL_JSON_BAD_TYPE;
        number = (int64_t)real;
    } else if (json_is_string(value)) {
        if (parse_int_text(json_string_value(value), &number) != 0)
            return APL_JSON_BAD_TYPE;
    } else {
        return APL_JSON_BAD_TYPE;
    }

    out->set = 1;
    out->value = number;
    return APL_JSON_OK;
}

int apl_json_read_bool(const apl_json *object, const char *key, apilo_opt_bool *out)
{
    json_t *value = member(object, key);
    int flag;

    if (!value)
        return APL_JSON_ABSENT;

    if (json_is_boolean(value)) {
        flag = json_is_true(value);
    } else if (json_is_integer(value) &&
               (json_integer_value(value) == 0 || json_integer_value(value) == 1)) {
        flag = json_integer_value(value) == 1;
    } else if (json_is_string(value)) {
        const char *text = json_string_value(value);
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

/* Strings copied, numbers written as text: shared by the string and decimal readers. */
static int read_text(const apl_json *object, const char *key, char **out)
{
    json_t *value = member(object, key);
    char *text;

    if (!value)
        return APL_JSON_ABSENT;

    if (json_is_string(value))
        text = apl_strdup(json_string_value(value));
    else if (json_is_number(value))
        text = number_to_text(value);
    else
        return APL_JSON_BAD_TYPE;

    if (!text)
        return APL_JSON_NOMEM;
    *out = text;
    return APL_JSON_OK;
}

int apl_json_read_str(const apl_json *object, const char *key, char **out)
{
    return read_text(object, key, out);
}

int apl_json_read_decimal(const apl_json *object, const char *key, char **out)
{
    return read_text(object, key, out);
}

int apl_json_read_time(const apl_json *object, const char *key, apilo_opt_time *out,
                       char **out_text)
{
    json_t *value = member(object, key);
    apilo_time parsed;
    char *text = NULL;

    if (!value)
        return APL_JSON_ABSENT;
    if (!json_is_string(value))
        return APL_JSON_BAD_TYPE;
    if (apilo_time_parse(&parsed, json_string_value(value)) != APILO_OK)
        return APL_JSON_BAD_TYPE;

    if (out_text) {
        text = apl_strdup(json_string_value(value));
        if (!text)
            return APL_JSON_NOMEM;
        *out_text = text;
    }
    out->set = 1;
    out->value = parsed;
    return APL_JSON_OK;
}

char *apl_json_dump(const apl_json *value)
{
    if (!value)
        return NULL;
    return json_dumps(as_json(value), JSON_COMPACT | JSON_ENCODE_ANY);
}

apl_json *apl_json_object_new(void)
{
    return as_apl(json_object());
}

int apl_json_set_string(apl_json *object, const char *key, const char *value)
{
    json_t *member_value = value ? json_string(value) : json_null();

    /* json_object_set_new releases the value even when it fails, so nothing leaks. */
    if (!member_value)
        return -1;
    return json_object_set_new(as_json(object), key, member_value) == 0 ? 0 : -1;
}

int apl_json_set_int(apl_json *object, const char *key, int64_t value)
{
    json_t *member_value = json_integer((json_int_t)value);

    if (!member_value)
        return -1;
    return json_object_set_new(as_json(object), key, member_value) == 0 ? 0 : -1;
}
