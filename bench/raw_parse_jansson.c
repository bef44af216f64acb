#include "raw_parse.h"

#include <jansson.h>

const char *raw_parse_backend(void)
{
    return "jansson " JANSSON_VERSION;
}

long raw_parse_count(const char *buf, size_t len)
{
    json_error_t error;
    json_t *root = json_loadb(buf, len, 0, &error);
    if (!root)
        return -1;
    json_t *orders = json_object_get(root, "orders");
    long count = orders ? (long)json_array_size(orders) : 1;
    json_decref(root);
    return count;
}
