/*
 * The raw floor's JSON parse, built on whichever parser libapilo's src/lib/json.c uses
 * (bench/CMakeLists.txt picks the matching unit), so the floor moves with the library.
 */
#ifndef APILO_BENCH_RAW_PARSE_H
#define APILO_BENCH_RAW_PARSE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The backend's name and version, for the results ("jansson 2.14"). */
const char *raw_parse_backend(void);

/*
 * Parse a response body. For a list envelope returns the length of its "orders" array, for any
 * other object 1; -1 when the text is not JSON. `buf` has `len` bytes of text followed by at
 * least RAW_PARSE_PADDING writable bytes (simdjson reads past the end).
 */
long raw_parse_count(const char *buf, size_t len);

#define RAW_PARSE_PADDING 64

#ifdef __cplusplus
}
#endif

#endif
