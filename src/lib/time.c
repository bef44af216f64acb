/*
 * ISO 8601 date-times as the API writes them (README §7): offsets with or without a colon,
 * "Z", hours alone, optional fractions, a date alone, and the documented "TT" typo.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define MAX_OFFSET_MINUTES (18 * 60)

/* The fields of a date-time as read, before the offset is applied. */
typedef struct civil_time {
    int year, month, day;
    int hour, minute, second;
} civil_time;

/* Read exactly `count` decimal digits; advances *cursor. */
static int read_digits(const char **cursor, int count, int *out)
{
    int value = 0;

    for (int i = 0; i < count; i++) {
        char c = (*cursor)[i];
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    *cursor += count;
    *out = value;
    return 0;
}

static int is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month == 2 && is_leap_year(year))
        return 29;
    return days[month - 1];
}

static int parse_date(const char **cursor, civil_time *tm)
{
    int year, month, day;

    if (read_digits(cursor, 4, &year) != 0 || *(*cursor)++ != '-' ||
        read_digits(cursor, 2, &month) != 0 || *(*cursor)++ != '-' ||
        read_digits(cursor, 2, &day) != 0)
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
        return -1;

    tm->year = year;
    tm->month = month;
    tm->day = day;
    return 0;
}

static int parse_clock(const char **cursor, civil_time *tm)
{
    int hour, minute, second;

    if (read_digits(cursor, 2, &hour) != 0 || *(*cursor)++ != ':' ||
        read_digits(cursor, 2, &minute) != 0 || *(*cursor)++ != ':' ||
        read_digits(cursor, 2, &second) != 0)
        return -1;
    if (hour > 23 || minute > 59 || second > 60)
        return -1;

    /* Fractions are accepted and dropped: the API's instants are whole seconds. */
    if (**cursor == '.' || **cursor == ',') {
        (*cursor)++;
        if (**cursor < '0' || **cursor > '9')
            return -1;
        while (**cursor >= '0' && **cursor <= '9')
            (*cursor)++;
    }

    tm->hour = hour;
    tm->minute = minute;
    tm->second = second;
    return 0;
}

/* "Z", "+hh", "+hhmm", "+hh:mm" or the same with "-"; nothing at all means UTC (README §7). */
static int parse_offset(const char **cursor, int *out_minutes)
{
    int sign, hours, minutes = 0;

    if (**cursor == '\0') {
        *out_minutes = 0;
        return 0;
    }
    if (**cursor == 'Z' || **cursor == 'z') {
        (*cursor)++;
        *out_minutes = 0;
        return 0;
    }
    if (**cursor != '+' && **cursor != '-')
        return -1;

    sign = **cursor == '-' ? -1 : 1;
    (*cursor)++;
    if (read_digits(cursor, 2, &hours) != 0)
        return -1;
    if (**cursor == ':') {
        (*cursor)++;
        if (read_digits(cursor, 2, &minutes) != 0)
            return -1;
    } else if (**cursor != '\0') {
        if (read_digits(cursor, 2, &minutes) != 0)
            return -1;
    }
    if (minutes > 59 || hours * 60 + minutes > MAX_OFFSET_MINUTES)
        return -1;

    *out_minutes = sign * (hours * 60 + minutes);
    return 0;
}

/*
 * Days from 1970-01-01 to a proleptic Gregorian date, by counting in 400-year eras that start on
 * 1 March, so the leap day falls at the end of each counted year. timegm did this through the
 * time zone machinery and cost more than the rest of an order's decoding.
 */
static int64_t days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t year_of_era = y - era * 400;
    int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

    return era * 146097 + day_of_era - 719468;
}

apilo_status apilo_time_parse(apilo_time *out, const char *text)
{
    civil_time tm;
    const char *cursor = text;
    int offset_minutes = 0;
    int64_t local_seconds;

    if (!out || !text)
        return APILO_E_INVALID;

    memset(&tm, 0, sizeof tm);
    if (parse_date(&cursor, &tm) != 0)
        return APILO_E_INVALID;

    if (*cursor != '\0') {
        if (*cursor != 'T' && *cursor != 't' && *cursor != ' ')
            return APILO_E_INVALID;
        cursor++;
        /* The order-documents sample writes "2023-11-24TT08:33:07+0100". */
        if (*cursor == 'T' || *cursor == 't')
            cursor++;
        if (parse_clock(&cursor, &tm) != 0 || parse_offset(&cursor, &offset_minutes) != 0)
            return APILO_E_INVALID;
        if (*cursor != '\0')
            return APILO_E_INVALID;
    }

    /* A leap second (:60) counts into the next minute, which is what we want. */
    local_seconds = days_from_civil(tm.year, tm.month, tm.day) * 86400 + tm.hour * 3600 +
                    tm.minute * 60 + tm.second;
    out->unix_seconds = local_seconds - (int64_t)offset_minutes * 60;
    out->offset_minutes = offset_minutes;
    return APILO_OK;
}

apilo_status apilo_time_format(char *buf, size_t size, apilo_time t, int colon_offset)
{
    struct tm tm;
    time_t local_seconds;
    int offset = t.offset_minutes;
    int offset_abs = offset < 0 ? -offset : offset;
    size_t needed = colon_offset ? 26 : 25;

    if (!buf || size < needed)
        return APILO_E_INVALID;
    if (offset_abs > MAX_OFFSET_MINUTES)
        return APILO_E_INVALID;
    /* Keep the arithmetic and the four-digit year in range (0000-01-01 .. 9999-12-31). */
    if (t.unix_seconds < -62167219200LL - 86400 || t.unix_seconds > 253402300799LL + 86400)
        return APILO_E_INVALID;

    local_seconds = (time_t)(t.unix_seconds + (int64_t)offset * 60);
    if (!gmtime_r(&local_seconds, &tm))
        return APILO_E_INVALID;
    if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
        return APILO_E_INVALID;

    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d%s%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+',
             offset_abs / 60, colon_offset ? ":" : "", offset_abs % 60);
    return APILO_OK;
}
