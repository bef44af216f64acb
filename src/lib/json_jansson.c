/*
 * The JSON module's backend on jansson (-DAPILO_JSON_BACKEND=jansson). An apl_json is a json_t
 * in disguise and a view holds the json_t pointer; nothing outside this file knows it.
 */
#include <stdio.h>
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

static json_t *val_json(apl_json_val value)
{
    return (json_t *)value.priv[0];
}

static apl_json_val json_val(const json_t *value)
{
    apl_json_val view = {{value, NULL, NULL}};

    return view;
}

apl_json *apl_json_parse(const char *text, size_t len, int flags, char *errbuf, size_t errbuf_size)
{
    json_error_t error;
    json_t *root;

    /* jansson reads exactly `len` bytes, so padding changes nothing. Its strings are freed
     * unwiped: APL_JSON_SECRET is honoured only by the simdjson backend. */
    (void)flags;
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

/* ---- views ------------------------------------------------------------------------------ */

apl_json_val apl_json_view(const apl_json *value)
{
    return json_val(as_json(value));
}

apl_json *apl_json_val_ref(apl_json_val value)
{
    return as_apl(json_incref(val_json(value)));
}

void apl_json_val_scalar(apl_json_val value, apl_json_scalar *out)
{
    json_t *json = val_json(value);

    memset(out, 0, sizeof *out);
    if (!json) {
        out->kind = APL_JSON_MISSING;
        return;
    }
    switch (json_typeof(json)) {
    case JSON_NULL:
        out->kind = APL_JSON_NULL;
        break;
    case JSON_TRUE:
        out->kind = APL_JSON_TRUE;
        break;
    case JSON_FALSE:
        out->kind = APL_JSON_FALSE;
        break;
    case JSON_INTEGER:
        out->kind = APL_JSON_INT;
        out->as.i = (int64_t)json_integer_value(json);
        break;
    case JSON_REAL:
        out->kind = APL_JSON_REAL;
        out->as.d = json_real_value(json);
        break;
    case JSON_STRING:
        out->kind = APL_JSON_STRING;
        out->as.s.text = json_string_value(json);
        out->as.s.len = json_string_length(json);
        break;
    case JSON_OBJECT:
        out->kind = APL_JSON_OBJECT;
        break;
    case JSON_ARRAY:
        out->kind = APL_JSON_ARRAY;
        break;
    }
}

enum apl_json_kind apl_json_val_kind(apl_json_val value)
{
    apl_json_scalar scalar;

    apl_json_val_scalar(value, &scalar);
    return scalar.kind;
}

apl_json_val apl_json_val_get(apl_json_val object, const char *key)
{
    json_t *json = val_json(object);

    if (!json || !key || !json_is_object(json))
        return json_val(NULL);
    return json_val(json_object_get(json, key));
}

/* priv[0] = the container, priv[1] = jansson's object iterator or the next array index. */
int apl_json_object_iter(apl_json_val object, apl_json_iter *iter)
{
    json_t *json = val_json(object);

    memset(iter, 0, sizeof *iter);
    if (!json || !json_is_object(json))
        return -1;
    iter->priv[0] = json;
    iter->priv[1] = json_object_iter(json);
    return 0;
}

int apl_json_object_next(apl_json_iter *iter, const char **key, size_t *key_len,
                         apl_json_val *value)
{
    void *cursor = (void *)iter->priv[1];

    if (!cursor)
        return 0;
    *key = json_object_iter_key(cursor);
    *key_len = json_object_iter_key_len(cursor);
    *value = json_val(json_object_iter_value(cursor));
    iter->priv[1] = json_object_iter_next((json_t *)iter->priv[0], cursor);
    return 1;
}

size_t apl_json_array_iter(apl_json_val array, apl_json_iter *iter)
{
    json_t *json = val_json(array);

    memset(iter, 0, sizeof *iter);
    if (!json || !json_is_array(json))
        return (size_t)-1;
    iter->priv[0] = json;
    return json_array_size(json);
}

int apl_json_array_next(apl_json_iter *iter, apl_json_val *value)
{
    json_t *json = (json_t *)iter->priv[0];
    size_t index = (size_t)(uintptr_t)iter->priv[1];

    if (!json || index >= json_array_size(json))
        return 0;
    *value = json_val(json_array_get(json, index));
    iter->priv[1] = (const void *)(uintptr_t)(index + 1);
    return 1;
}

static const apl_json_name *name_at(const apl_json_name *names, size_t stride, size_t i)
{
    return (const apl_json_name *)((const char *)names + i * stride);
}

void apl_json_object_collect(apl_json_val object, const apl_json_name *names, size_t stride,
                             size_t count, apl_json_val *found, apl_json_scalar *scalars)
{
    static const apl_json_val missing;
    apl_json_iter iter;
    apl_json_val value;
    const char *key;
    size_t key_len;
    size_t hint = 0;

    for (size_t i = 0; i < count; i++) {
        found[i] = missing;
        scalars[i].kind = APL_JSON_MISSING;
    }
    if (count == 0 || apl_json_object_iter(object, &iter) != 0)
        return;

    while (apl_json_object_next(&iter, &key, &key_len, &value)) {
        for (size_t n = 0; n < count; n++) {
            size_t i = hint + n < count ? hint + n : hint + n - count;
            const apl_json_name *name = name_at(names, stride, i);

            if (name->len == key_len && memcmp(name->text, key, key_len) == 0) {
                found[i] = value;
                apl_json_val_scalar(value, &scalars[i]);
                hint = i + 1 < count ? i + 1 : 0;
                break;
            }
        }
    }
}
