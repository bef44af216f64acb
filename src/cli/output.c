/*
 * apilo — standard output: a record-aligned buffer (partial output always ends at a whole
 * line), JSON, CSV and table cell writers, display widths of UTF-8 text.
 */
#define _XOPEN_SOURCE 700 /* wcwidth */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"

/* Flushing at this size keeps memory flat while a page's records are written. */
#define OUT_FLUSH_AT (256u * 1024u)

static struct {
    char *data;
    size_t len;
    size_t cap;
    int pipe_closed;
    int failed;
} out;

static int out_reserve(size_t extra)
{
    if (out.len + extra <= out.cap)
        return 0;

    size_t cap = out.cap ? out.cap : 64 * 1024;
    while (cap < out.len + extra)
        cap *= 2;
    char *data = realloc(out.data, cap);
    if (!data) {
        out.failed = 1;
        return -1;
    }
    out.data = data;
    out.cap = cap;
    return 0;
}

void cli_out_write(const char *data, size_t len)
{
    if (out.pipe_closed || out.failed || out_reserve(len) != 0)
        return;
    memcpy(out.data + out.len, data, len);
    out.len += len;
}

void cli_out_puts(const char *text)
{
    cli_out_write(text, strlen(text));
}

void cli_out_printf(const char *fmt, ...)
{
    char small[512];
    va_list ap;

    va_start(ap, fmt);
    int len = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if ((size_t)len < sizeof small) {
        cli_out_write(small, (size_t)len);
        return;
    }

    char *big = malloc((size_t)len + 1);
    if (!big) {
        out.failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)len + 1, fmt, ap);
    va_end(ap);
    cli_out_write(big, (size_t)len);
    free(big);
}

void cli_out_end_record(void)
{
    if (out.len >= OUT_FLUSH_AT)
        cli_out_flush();
}

int cli_out_flush(void)
{
    size_t done = 0;

    while (done < out.len && !out.pipe_closed && !out.failed) {
        ssize_t n = write(STDOUT_FILENO, out.data + done, out.len - done);
        if (n > 0)
            done += (size_t)n;
        else if (n < 0 && errno == EPIPE)
            out.pipe_closed = 1;
        else if (n < 0 && errno != EINTR)
            out.failed = 1;
    }
    out.len = 0;
    return out.pipe_closed || out.failed ? -1 : 0;
}

int cli_out_pipe_closed(void)
{
    return out.pipe_closed;
}

int cli_out_failed(void)
{
    return out.failed;
}

void cli_out_release(void)
{
    free(out.data);
    out.data = NULL;
    out.len = out.cap = 0;
}

/* ---- JSON and CSV ------------------------------------------------------------------------ */

void cli_out_json_string(const char *text)
{
    if (!text) {
        cli_out_puts("null");
        return;
    }

    cli_out_write("\"", 1);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        char escaped[8];
        if (*p == '"' || *p == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)*p;
            cli_out_write(escaped, 2);
        } else if (*p < 0x20) {
            snprintf(escaped, sizeof escaped, "\\u%04x", *p);
            cli_out_write(escaped, 6);
        } else {
            cli_out_write((const char *)p, 1);
        }
    }
    cli_out_write("\"", 1);
}

static void out_indent(int depth)
{
    cli_out_write("\n", 1);
    for (int i = 0; i < depth; i++)
        cli_out_write("  ", 2);
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

void cli_out_json_pretty(const char *json)
{
    int depth = 0;
    const char *p = json;

    while (*(p = skip_space(p))) {
        if (*p == '"') {
            const char *start = p++;
            while (*p && *p != '"')
                p += (*p == '\\' && p[1]) ? 2 : 1;
            if (*p)
                p++;
            cli_out_write(start, (size_t)(p - start));
            continue;
        }
        if (*p == '{' || *p == '[') {
            const char *next = skip_space(p + 1);
            if (*next == (*p == '{' ? '}' : ']')) {
                cli_out_write(p, 1);
                cli_out_write(next, 1);
                p = next + 1;
                continue;
            }
            cli_out_write(p++, 1);
            out_indent(++depth);
            continue;
        }
        if (*p == '}' || *p == ']') {
            out_indent(--depth);
            cli_out_write(p++, 1);
            continue;
        }
        if (*p == ',') {
            cli_out_write(",", 1);
            out_indent(depth);
            p++;
            continue;
        }
        if (*p == ':') {
            cli_out_write(": ", 2);
            p++;
            continue;
        }
        cli_out_write(p++, 1);
    }
    cli_out_write("\n", 1);
}

void cli_out_csv_field(const char *text)
{
    if (!text)
        return;
    if (!strpbrk(text, ",\"\r\n")) {
        cli_out_puts(text);
        return;
    }

    cli_out_write("\"", 1);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            cli_out_write("\"", 1);
        cli_out_write(p, 1);
    }
    cli_out_write("\"", 1);
}

int cli_format_parse(cli_format *out_format, const char *name)
{
    static const struct {
        const char *name;
        cli_format format;
    } formats[] = {{"ndjson", CLI_FORMAT_NDJSON},
                   {"json", CLI_FORMAT_JSON},
                   {"table", CLI_FORMAT_TABLE},
                   {"csv", CLI_FORMAT_CSV}};

    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(formats[i].name, name) == 0) {
            *out_format = formats[i].format;
            return 0;
        }
    }
    return -1;
}

cli_format cli_format_resolve(cli_format format, int stdout_tty)
{
    if (format != CLI_FORMAT_AUTO)
        return format;
    return stdout_tty ? CLI_FORMAT_TABLE : CLI_FORMAT_NDJSON;
}

/* ---- display widths --------------------------------------------------------------------- */

/*
 * Decode one character at `p` (at most `avail` bytes): its byte length and display width.
 * Bytes that are not valid in the locale count as one column (shown as '?'), control
 * characters as one column (shown as a space) so a stray newline cannot break a table row.
 */
static size_t next_char(const char *p, size_t avail, int *out_width, int *out_printable)
{
    mbstate_t state;
    wchar_t wc;

    memset(&state, 0, sizeof state);
    size_t n = mbrtowc(&wc, p, avail, &state);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *out_width = 1;
        *out_printable = 0;
        return 1;
    }

    int width = wcwidth(wc);
    *out_printable = width >= 0;
    *out_width = width >= 0 ? width : 1;
    return n;
}

size_t cli_text_width(const char *text)
{
    size_t width = 0, len = strlen(text);

    for (size_t i = 0; i < len;) {
        int w, printable;
        i += next_char(text + i, len - i, &w, &printable);
        width += (size_t)w;
    }
    return width;
}

static void out_spaces(size_t count)
{
    static const char spaces[] = "                                ";
    while (count > 0) {
        size_t chunk = count < sizeof spaces - 1 ? count : sizeof spaces - 1;
        cli_out_write(spaces, chunk);
        count -= chunk;
    }
}

void cli_out_cell(const char *text, size_t width, int right_align)
{
    const char *ellipsis = MB_CUR_MAX > 1 ? "\xE2\x80\xA6" : "~";
    size_t len = text ? strlen(text) : 0;
    size_t full = text ? cli_text_width(text) : 0;
    size_t room = full > width ? (width > 0 ? width - 1 : 0) : width;
    size_t used = 0;

    if (right_align && full < width)
        out_spaces(width - full);

    for (size_t i = 0; i < len;) {
        int w, printable;
        size_t n = next_char(text + i, len - i, &w, &printable);
        if (used + (size_t)w > room)
            break;
        if (printable)
            cli_out_write(text + i, n);
        else
            cli_out_write(text[i] < 0x20 && text[i] >= 0 ? " " : "?", 1);
        used += (size_t)w;
        i += n;
    }

    if (full > width && width > 0) {
        cli_out_puts(ellipsis);
        used++;
    }
    if (!right_align || full > width)
        out_spaces(width > used ? width - used : 0);
}

size_t cli_terminal_width(size_t fallback)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;

    const char *columns = getenv("COLUMNS");
    int64_t value = 0;
    if (columns && cli_parse_int(&value, columns, 20, 10000) == 0)
        return (size_t)value;
    return fallback;
}
