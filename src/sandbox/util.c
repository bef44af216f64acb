/* Small building blocks of the sandbox: text buffers, dates, randomness, encodings. */
#include "sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

void *sbx_xmalloc(size_t size)
{
    void *ptr = malloc(size ? size : 1);

    if (!ptr) {
        fputs("apilo-sandbox: out of memory\n", stderr);
        abort();
    }
    return ptr;
}

void *sbx_xrealloc(void *ptr, size_t size)
{
    void *grown = realloc(ptr, size ? size : 1);

    if (!grown) {
        fputs("apilo-sandbox: out of memory\n", stderr);
        abort();
    }
    return grown;
}

char *sbx_xstrdup(const char *text)
{
    size_t len = strlen(text);
    char *copy = sbx_xmalloc(len + 1);

    memcpy(copy, text, len + 1);
    return copy;
}

void sbx_buf_reserve(sbx_buf *buf, size_t extra)
{
    size_t need = buf->len + extra + 1;
    size_t cap = buf->cap ? buf->cap : 256;

    if (need <= buf->cap)
        return;
    while (cap < need)
        cap *= 2;
    buf->data = sbx_xrealloc(buf->data, cap);
    buf->cap = cap;
}

void sbx_buf_add(sbx_buf *buf, const char *text, size_t len)
{
    sbx_buf_reserve(buf, len);
    memcpy(buf->data + buf->len, text, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void sbx_buf_adds(sbx_buf *buf, const char *text)
{
    sbx_buf_add(buf, text, strlen(text));
}

void sbx_buf_addc(sbx_buf *buf, char c)
{
    sbx_buf_reserve(buf, 1);
    buf->data[buf->len++] = c;
    buf->data[buf->len] = '\0';
}

void sbx_buf_addf(sbx_buf *buf, const char *fmt, ...)
{
    va_list args;
    size_t room;
    int needed;

    /* Format straight into the spare room; only a too-small buffer costs a second pass. */
    sbx_buf_reserve(buf, 64);
    room = buf->cap - buf->len;
    va_start(args, fmt);
    needed = vsnprintf(buf->data + buf->len, room, fmt, args);
    va_end(args);
    if (needed < 0) {
        buf->data[buf->len] = '\0';
        return;
    }
    if ((size_t)needed >= room) {
        sbx_buf_reserve(buf, (size_t)needed);
        va_start(args, fmt);
        vsnprintf(buf->data + buf->len, (size_t)needed + 1, fmt, args);
        va_end(args);
    }
    buf->len += (size_t)needed;
}

void sbx_buf_add_json_string(sbx_buf *buf, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p;

    if (!text) {
        sbx_buf_add(buf, "null", 4);
        return;
    }
    sbx_buf_addc(buf, '"');
    for (p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            sbx_buf_addc(buf, '\\');
            sbx_buf_addc(buf, (char)*p);
        } else if (*p < 0x20) {
            char esc[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
            sbx_buf_add(buf, esc, 6);
        } else {
            sbx_buf_addc(buf, (char)*p);
        }
    }
    sbx_buf_addc(buf, '"');
}

char *sbx_buf_take(sbx_buf *buf)
{
    char *text = buf->data;

    if (!text)
        text = sbx_xstrdup("");
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return text;
}

void sbx_buf_free(sbx_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

/* ---- dates ---------------------------------------------------------------------------------- */

static int parse_digits(const char *text, int count, int *out)
{
    int value = 0;

    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    *out = value;
    return 0;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no timegm: it depends on TZ handling). */
static int64_t days_from_civil(int64_t year, int month, int day)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;
    int64_t doe;

    year -= month <= 2;
    era = (year >= 0 ? year : year - 399) / 400;
    yoe = year - era * 400;
    doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int sbx_parse_datetime(const char *text, int64_t *out)
{
    int year, month, day, hour, minute, second;
    int off_hours = 0, off_minutes = 0;
    const char *rest;
    int sign = 1;

    if (!text || strlen(text) < 19)
        return -1;
    if (parse_digits(text, 4, &year) || text[4] != '-' || parse_digits(text + 5, 2, &month) ||
        text[7] != '-' || parse_digits(text + 8, 2, &day) || text[10] != 'T' ||
        parse_digits(text + 11, 2, &hour) || text[13] != ':' ||
        parse_digits(text + 14, 2, &minute) || text[16] != ':' ||
        parse_digits(text + 17, 2, &second))
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 59)
        return -1;

    rest = text + 19;
    if (*rest == 'Z') {
        rest++;
    } else if (*rest == '+' || *rest == '-') {
        sign = *rest == '-' ? -1 : 1;
        rest++;
        if (parse_digits(rest, 2, &off_hours))
            return -1;
        rest += 2;
        if (*rest == ':')
            rest++;
        if (parse_digits(rest, 2, &off_minutes))
            return -1;
        rest += 2;
        if (off_hours > 23 || off_minutes > 59)
            return -1;
    }
    if (*rest != '\0')
        return -1;

    *out = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
           sign * (off_hours * 3600 + off_minutes * 60);
    return 0;
}

void sbx_format_utc(int64_t when, char *out, size_t size)
{
    time_t t = (time_t)when;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Last Sunday of `month` in `year` at 01:00 UTC: the EU daylight-saving switch instant. */
static int64_t eu_switch_instant(int year, int month)
{
    int64_t last_day = days_from_civil(year, month, days_in_month(year, month));
    int weekday = (int)((last_day % 7 + 11) % 7); /* 0 = Sunday; 1970-01-01 was a Thursday */

    return (last_day - weekday) * 86400 + 3600;
}

void sbx_format_warsaw(int64_t when, char *out, size_t size)
{
    time_t t = (time_t)when;
    struct tm tm;
    int offset_hours;

    gmtime_r(&t, &tm);
    offset_hours = when >= eu_switch_instant(tm.tm_year + 1900, 3) &&
                           when < eu_switch_instant(tm.tm_year + 1900, 10)
                       ? 2
                       : 1;
    t += offset_hours * 3600;
    gmtime_r(&t, &tm);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d+%02d00", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset_hours);
}

int64_t sbx_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- randomness and encodings ---------------------------------------------------------------- */

void sbx_random_bytes(void *out, size_t len)
{
    unsigned char *p = out;

    while (len > 0) {
        ssize_t got = getrandom(p, len, 0);

        if (got < 0) {
            if (errno == EINTR)
                continue;
            fputs("apilo-sandbox: getrandom failed\n", stderr);
            abort();
        }
        p += got;
        len -= (size_t)got;
    }
}

char *sbx_base64url(const unsigned char *data, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = sbx_xmalloc(len / 3 * 4 + 5);
    size_t o = 0;
    size_t i = 0;

    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];

        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;

        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;

        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
    }
    out[o] = '\0';
    return out;
}

static int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

unsigned char *sbx_base64_decode(const char *text, size_t *out_len)
{
    size_t len = strlen(text);
    unsigned char *out;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;

    while (len > 0 && text[len - 1] == '=')
        len--;
    out = sbx_xmalloc(len / 4 * 3 + 4);
    for (size_t i = 0; i < len; i++) {
        int v = base64_value(text[i]);

        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits & 0xff);
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *sbx_percent_decode(const char *text, size_t len, bool plus_is_space)
{
    char *out = sbx_xmalloc(len + 1);
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '%' && i + 2 < len && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out[o++] = (char)(hex_value(text[i + 1]) << 4 | hex_value(text[i + 2]));
            i += 2;
        } else if (text[i] == '+' && plus_is_space) {
            out[o++] = ' ';
        } else {
            out[o++] = text[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* ---- replies --------------------------------------------------------------------------------- */

void sbx_reply_json(sbx_reply *reply, int status, char *json)
{
    free(reply->body);
    reply->status = status;
    reply->body = json;
    reply->body_len = json ? strlen(json) : 0;
}

void sbx_reply_error(sbx_reply *reply, int status, const char *message, const char *description,
                     const char *field)
{
    sbx_buf buf = {0};

    sbx_buf_adds(&buf, "{\"message\":");
    sbx_buf_add_json_string(&buf, message);
    sbx_buf_addf(&buf, ",\"code\":%d,\"description\":", status);
    sbx_buf_add_json_string(&buf, description ? description : message);
    sbx_buf_adds(&buf, ",\"errors\":[]");
    if (field) {
        sbx_buf_adds(&buf, ",\"field\":");
        sbx_buf_add_json_string(&buf, field);
    }
    sbx_buf_addc(&buf, '}');
    sbx_reply_json(reply, status, sbx_buf_take(&buf));
}
