/*
 * The one JSON module of libapilo (internal). Models and operations parse, navigate and build
 * JSON only through these calls, so the backend (jansson today) can be replaced in this file's
 * implementation alone.
 *
 * Values are reference counted: apl_json_parse and the constructors return a new reference the
 * caller releases with apl_json_decref; getters return borrowed references.
 */
#ifndef APL_JSON_H
#define APL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "apilo/common.h"

typedef struct apl_json apl_json;

/* Parse text. NULL on failure, with a short reason (position included) in errbuf. */
apl_json *apl_json_parse(const char *text, size_t len, char *errbuf, size_t errbuf_size);

apl_json *apl_json_incref(apl_json *value);
void apl_json_decref(apl_json *value);

int apl_json_is_object(const apl_json *value);
int apl_json_is_array(const apl_json *value);
int apl_json_is_null(const apl_json *value); /* also true for a NULL pointer */

/* Borrowed member of an object; NULL when absent or when `object` is not an object. */
apl_json *apl_json_get(const apl_json *object, const char *key);

size_t apl_json_array_size(const apl_json *array); /* 0 when not an array */
apl_json *apl_json_array_at(const apl_json *array, size_t index); /* borrowed */

/*
 * Lenient readers of one member. They return APL_JSON_ABSENT when the member is missing or
 * null (the output is left unset), APL_JSON_OK when read, APL_JSON_BAD_TYPE when the value
 * cannot be read as the wanted type, and APL_JSON_NOMEM.
 */
enum { APL_JSON_OK = 0, APL_JSON_ABSENT = 1, APL_JSON_BAD_TYPE = -1, APL_JSON_NOMEM = -2 };

/* An integer: a JSON integer, or a string holding only a decimal integer ("1500"). */
int apl_json_read_int(const apl_json *object, const char *key, apilo_opt_int *out);

/* A boolean: true/false, 0/1, "0"/"1", "true"/"false". */
int apl_json_read_bool(const apl_json *object, const char *key, apilo_opt_bool *out);

/* A string, copied (malloc). A number is accepted too and written as its shortest text. */
int apl_json_read_str(const apl_json *object, const char *key, char **out);

/* A decimal amount as exact text: a string is copied; a number becomes its shortest
 * round-trip decimal text (1259.98 -> "1259.98"). */
int apl_json_read_decimal(const apl_json *object, const char *key, char **out);

/* A date-time string parsed with apilo_time_parse; `out_text` (may be NULL) gets a copy. */
int apl_json_read_time(const apl_json *object, const char *key, apilo_opt_time *out,
                       char **out_text);

/* Compact serialisation (malloc), or NULL on OOM. */
char *apl_json_dump(const apl_json *value);

/* Building request bodies. Each returns 0, or -1 on OOM (the object is left consistent). */
apl_json *apl_json_object_new(void);
int apl_json_set_string(apl_json *object, const char *key, const char *value);
int apl_json_set_int(apl_json *object, const char *key, int64_t value);

#endif
