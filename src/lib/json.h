/*
 * The one JSON module of libapilo (internal). Models and operations parse, navigate and build
 * JSON only through these calls, so the backend (simdjson by default, jansson with
 * -DAPILO_JSON_BACKEND=jansson) is chosen by the build alone: json_simdjson.cpp or
 * json_jansson.c implements the backend calls, json.c the lenient readers shared by both.
 *
 * Handles (apl_json *) are reference counted: apl_json_parse, apl_json_val_ref and the
 * constructors return a new reference the caller releases with apl_json_decref; getters return
 * borrowed references. A reference to any value of a parsed document keeps the whole document.
 *
 * Views (apl_json_val) are the cheap way through a parsed document: plain values copied on the
 * stack, never released, valid while the document lives. Decoders walk views and take a handle
 * only for what they keep (an order's raw JSON).
 */
#ifndef APL_JSON_H
#define APL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "apilo/common.h"

struct apl_arena;

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apl_json apl_json;

/* Backend-private words; a view whose first word is NULL is "missing" (no such member). */
typedef struct apl_json_val {
    const void *priv[3];
} apl_json_val;

/* Backend-private cursor over an object's members or an array's elements. */
typedef struct apl_json_iter {
    const void *priv[6];
} apl_json_iter;

enum apl_json_kind {
    APL_JSON_MISSING,
    APL_JSON_NULL,
    APL_JSON_FALSE,
    APL_JSON_TRUE,
    APL_JSON_INT,    /* fits int64_t */
    APL_JSON_UINT,   /* above INT64_MAX, fits uint64_t */
    APL_JSON_REAL,   /* fraction or exponent */
    APL_JSON_STRING, /* UTF-8, NUL-terminated, may hold NULs before `len` */
    APL_JSON_OBJECT,
    APL_JSON_ARRAY
};

/* One value's kind and, for scalars, its content (text borrowed from the document). */
typedef struct apl_json_scalar {
    enum apl_json_kind kind;
    union {
        int64_t i;
        uint64_t u;
        double d;
        struct {
            const char *text;
            size_t len;
        } s;
    } as;
} apl_json_scalar;

/* ---- backend: documents and handles ----------------------------------------------------- */

/* Bytes past the end of a text the parser may read when told the text is padded. */
#define APL_JSON_PADDING 64

/* Flags of apl_json_parse. */
enum {
    /* The caller promises APL_JSON_PADDING readable bytes after `len`: the text is parsed where
     * it is, not copied, and the document's buffers may serve the next such parse. */
    APL_JSON_PADDED = 1,
    /* The text holds secrets (tokens): no copy of it outlives the call, the document's strings
     * are wiped when it is freed, and a failure's reason never quotes it. (What a failed parse
     * had already unescaped is freed unwiped: the broken document cannot be walked.) */
    APL_JSON_SECRET = 2
};

/* Parse text. NULL on failure, with a short reason (position included) in errbuf. */
apl_json *apl_json_parse(const char *text, size_t len, int flags, char *errbuf,
                         size_t errbuf_size);

apl_json *apl_json_incref(apl_json *value);
void apl_json_decref(apl_json *value);

int apl_json_is_object(const apl_json *value);
int apl_json_is_array(const apl_json *value);
int apl_json_is_null(const apl_json *value); /* also true for a NULL pointer */

/* Borrowed member of an object; NULL when absent, when `object` is not an object, or (simdjson
 * backend, whose handles are allocated on demand) when memory runs out. */
apl_json *apl_json_get(const apl_json *object, const char *key);


/* Compact serialisation (malloc), or NULL on OOM. */
char *apl_json_dump(const apl_json *value);

/* Building request bodies. Each returns 0, or -1 on OOM (the object is left consistent). */
apl_json *apl_json_object_new(void);
int apl_json_set_string(apl_json *object, const char *key, const char *value);
int apl_json_set_int(apl_json *object, const char *key, int64_t value);

/* ---- backend: views --------------------------------------------------------------------- */

/* The view of a handle (missing for NULL). */
apl_json_val apl_json_view(const apl_json *value);

/* A new reference to the viewed value, or NULL when it is missing or memory runs out. */
apl_json *apl_json_val_ref(apl_json_val value);

void apl_json_val_scalar(apl_json_val value, apl_json_scalar *out);
enum apl_json_kind apl_json_val_kind(apl_json_val value);

/* Member `key` of an object view; missing when absent or when `object` is not an object. */
apl_json_val apl_json_val_get(apl_json_val object, const char *key);

/*
 * Member iteration. apl_json_object_iter returns 0, or -1 when `object` is not an object;
 * apl_json_object_next returns 1 with the next member (key borrowed, NUL-terminated, `key_len`
 * bytes) or 0 at the end. Duplicate keys come out as often as they are written.
 */
int apl_json_object_iter(apl_json_val object, apl_json_iter *iter);
int apl_json_object_next(apl_json_iter *iter, const char **key, size_t *key_len,
                         apl_json_val *value);

/* A member name to look for; entries of a caller's field table begin with one. */
typedef struct apl_json_name {
    const char *text;
    size_t len;
} apl_json_name;

/*
 * One walk over an object's members, matching names in the backend's own loop: found[i] gets
 * the member named like the table entry i (`count` entries, `stride` bytes apart, the first at
 * `names`) and scalars[i] what apl_json_val_scalar would say of it, both missing when absent;
 * the last of duplicate keys wins. The search for each key starts after the previous hit, since
 * the API writes members in a fixed order. All missing when `object` is not an object.
 */
void apl_json_object_collect(apl_json_val object, const apl_json_name *names, size_t stride,
                             size_t count, apl_json_val *found, apl_json_scalar *scalars);

/* Element iteration: the element count, or (size_t)-1 when `array` is not an array. */
size_t apl_json_array_iter(apl_json_val array, apl_json_iter *iter);
int apl_json_array_next(apl_json_iter *iter, apl_json_val *value);

/* ---- lenient readers (json.c, shared by the backends) ----------------------------------- */

/*
 * Lenient readers of one value or member. They return APL_JSON_ABSENT when the value is
 * missing or null (the output is left unset), APL_JSON_OK when read, APL_JSON_BAD_TYPE when
 * the value cannot be read as the wanted type, and APL_JSON_NOMEM.
 */
enum { APL_JSON_OK = 0, APL_JSON_ABSENT = 1, APL_JSON_BAD_TYPE = -1, APL_JSON_NOMEM = -2 };

/* Each reader comes in two forms: from a view, and from a scalar already read (as
 * apl_json_object_collect hands them out). */

/* An integer: a JSON integer, or a string holding only a decimal integer ("1500"). */
int apl_json_scalar_read_int(const apl_json_scalar *scalar, apilo_opt_int *out);
int apl_json_val_read_int(apl_json_val value, apilo_opt_int *out);
int apl_json_read_int(const apl_json *object, const char *key, apilo_opt_int *out);

/* A boolean: true/false, 0/1, "0"/"1", "true"/"false". */
int apl_json_scalar_read_bool(const apl_json_scalar *scalar, apilo_opt_bool *out);
int apl_json_val_read_bool(apl_json_val value, apilo_opt_bool *out);
int apl_json_read_bool(const apl_json *object, const char *key, apilo_opt_bool *out);

/* A string, copied (malloc). A number is accepted too and written as its shortest text. */
int apl_json_val_read_str(apl_json_val value, char **out);
int apl_json_read_str(const apl_json *object, const char *key, char **out);

/*
 * A string or a decimal amount as text, without copying: a string is borrowed from the
 * document (valid while it lives); a number becomes its shortest round-trip decimal text
 * (1259.98 -> "1259.98") allocated in `arena`.
 */
int apl_json_scalar_read_text(const apl_json_scalar *scalar, struct apl_arena *arena,
                              const char **out);
int apl_json_val_read_text(apl_json_val value, struct apl_arena *arena, const char **out);

/* A date-time string parsed with apilo_time_parse; `out_text` (may be NULL) gets the text as
 * sent, borrowed from the document. */
int apl_json_scalar_read_time(const apl_json_scalar *scalar, apilo_opt_time *out,
                              const char **out_text);
int apl_json_val_read_time(apl_json_val value, apilo_opt_time *out, const char **out_text);
int apl_json_read_time(const apl_json *object, const char *key, apilo_opt_time *out,
                       const char **out_text);

#ifdef __cplusplus
}
#endif

#endif
