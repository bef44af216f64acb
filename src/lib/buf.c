/*
 * Growable byte buffers and the small string helpers every module uses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Make room for `extra` more bytes plus the terminating NUL. */
static int buf_reserve(apl_buf *buf, size_t extra)
{
    size_t needed;
    size_t new_cap;
    char *grown;

    if (extra > SIZE_MAX - buf->len - 1)
        return -1;
    needed = buf->len + extra + 1;
    if (needed <= buf->cap)
        return 0;

    new_cap = buf->cap ? buf->cap : 64;
    while (new_cap < needed)
        new_cap = new_cap > SIZE_MAX / 2 ? needed : new_cap * 2;

    grown = realloc(buf->data, new_cap);
    if (!grown)
        return -1;
    buf->data = grown;
    buf->cap = new_cap;
    return 0;
}

int apl_buf_reserve(apl_buf *buf, size_t extra)
{
    return buf_reserve(buf, extra);
}

int apl_buf_append(apl_buf *buf, const char *data, size_t len)
{
    if (buf_reserve(buf, len) != 0)
        return -1;

    if (len > 0)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return 0;
}

int apl_buf_puts(apl_buf *buf, const char *text)
{
    return apl_buf_append(buf, text, strlen(text));
}

int apl_buf_printf(apl_buf *buf, const char *fmt, ...)
{
    va_list args;
    int needed;

    va_start(args, fmt);
    needed = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (needed < 0)
        return -1;

    if (buf_reserve(buf, (size_t)needed) != 0)
        return -1;

    va_start(args, fmt);
    vsnprintf(buf->data + buf->len, (size_t)needed + 1, fmt, args);
    va_end(args);
    buf->len += (size_t)needed;
    return 0;
}

void apl_buf_reset(apl_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void apl_buf_free(apl_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

int apl_buf_pad(apl_buf *buf, size_t padding)
{
    if (buf_reserve(buf, padding) != 0)
        return -1;
    /* The reserve counted one NUL already; zero from it to the end of the padding. */
    memset(buf->data + buf->len, 0, padding + 1);
    return 0;
}

char *apl_buf_detach(apl_buf *buf)
{
    char *text = buf->data;

    if (!text)
        text = apl_strdup("");
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return text;
}

char *apl_strdup(const char *text)
{
    size_t len;
    char *copy;

    if (!text)
        return NULL;

    len = strlen(text);
    copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, len + 1);
    return copy;
}

void apl_free_secret(char *secret)
{
    if (!secret)
        return;

    explicit_bzero(secret, strlen(secret));
    free(secret);
}

void apilo_free(void *ptr)
{
    free(ptr);
}
