// The raw floor's parse on simdjson's DOM parser, for when libapilo's backend is simdjson.
// One parser object is reused across calls, as simdjson recommends, so its buffers are
// allocated once.
#include "raw_parse.h"

#include <simdjson.h>

static simdjson::dom::parser parser;

// SIMDJSON_VERSION is a bare token (3.0.1), not a string literal.
#define RAW_STR2(x) #x
#define RAW_STR(x) RAW_STR2(x)

extern "C" const char *raw_parse_backend(void)
{
    return "simdjson " RAW_STR(SIMDJSON_VERSION);
}

extern "C" long raw_parse_count(const char *buf, size_t len)
{
    static_assert(RAW_PARSE_PADDING >= simdjson::SIMDJSON_PADDING, "padding too small");
    simdjson::dom::element root;
    if (parser.parse(buf, len, false).get(root))
        return -1;
    simdjson::dom::array orders;
    if (root["orders"].get(orders))
        return 1;
    return (long)orders.size();
}
