/*
 * Dates as the API writes them (README §7) and case C9: every offset style parses to the same
 * instant, bad dates are refused, and formatting round-trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "apilo/apilo.h"

/* The instant of a wall-clock time at a given offset, computed with libc alone. */
static int64_t instant(int year, int month, int day, int hour, int minute, int second,
                       int offset_minutes)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return (int64_t)timegm(&tm) - (int64_t)offset_minutes * 60;
}

static void test_c9_three_offset_styles_are_one_instant(void **state)
{
    apilo_time colon, compact, zulu;

    (void)state;
    assert_int_equal(apilo_time_parse(&colon, "2026-03-20T12:00:00+01:00"), APILO_OK);
    assert_int_equal(apilo_time_parse(&compact, "2026-03-20T12:00:00+0100"), APILO_OK);
    assert_int_equal(apilo_time_parse(&zulu, "2026-03-20T11:00:00Z"), APILO_OK);

    assert_int_equal(colon.unix_seconds, compact.unix_seconds);
    assert_int_equal(colon.unix_seconds, zulu.unix_seconds);
    assert_int_equal(zulu.unix_seconds, instant(2026, 3, 20, 11, 0, 0, 0));
    assert_int_equal(colon.offset_minutes, 60);
    assert_int_equal(compact.offset_minutes, 60);
    assert_int_equal(zulu.offset_minutes, 0);
}

typedef struct accepted_case {
    const char *text;
    int year, month, day, hour, minute, second;
    int offset_minutes;
} accepted_case;

static void test_every_documented_form_parses(void **state)
{
    static const accepted_case cases[] = {
        /* README §7, as they appear in the official samples */
        {"2022-03-01T14:40:33+0200", 2022, 3, 1, 14, 40, 33, 120},
        {"2024-09-12T08:16:32+02:00", 2024, 9, 12, 8, 16, 32, 120},
        {"2024-07-14T13:41:18+00:00", 2024, 7, 14, 13, 41, 18, 0},
        {"2022-06-09T10:59:12Z", 2022, 6, 9, 10, 59, 12, 0},
        {"2023-11-20", 2023, 11, 20, 0, 0, 0, 0},
        {"2023-11-24TT08:33:07+0100", 2023, 11, 24, 8, 33, 7, 60},
        /* the other forms common.h promises, and tolerated variants */
        {"2024-01-31T23:59:59+02", 2024, 1, 31, 23, 59, 59, 120},
        {"2024-01-31T23:59:59-05:30", 2024, 1, 31, 23, 59, 59, -330},
        {"2024-01-31T23:59:59-0330", 2024, 1, 31, 23, 59, 59, -210},
        {"2024-01-31T23:59:59.123456Z", 2024, 1, 31, 23, 59, 59, 0},
        {"2024-01-31T23:59:59.5+01:00", 2024, 1, 31, 23, 59, 59, 60},
        {"2024-01-31t23:59:59z", 2024, 1, 31, 23, 59, 59, 0},
        {"2024-01-31 23:59:59+0000", 2024, 1, 31, 23, 59, 59, 0},
        {"2024-01-31T23:59:59", 2024, 1, 31, 23, 59, 59, 0},
        {"2024-02-29T00:00:00Z", 2024, 2, 29, 0, 0, 0, 0},
        {"2000-02-29T00:00:00Z", 2000, 2, 29, 0, 0, 0, 0},
        {"2024-12-31T12:00:00+18:00", 2024, 12, 31, 12, 0, 0, 18 * 60},
        {"2024-12-31T12:00:00-18:00", 2024, 12, 31, 12, 0, 0, -18 * 60},
        {"1970-01-01T00:00:00Z", 1970, 1, 1, 0, 0, 0, 0},
        {"1969-12-31T23:59:59Z", 1969, 12, 31, 23, 59, 59, 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const accepted_case *c = &cases[i];
        apilo_time parsed = {-1, -1};

        if (apilo_time_parse(&parsed, c->text) != APILO_OK)
            fail_msg("\"%s\" was refused", c->text);
        assert_int_equal(parsed.unix_seconds, instant(c->year, c->month, c->day, c->hour, c->minute,
                                                      c->second, c->offset_minutes));
        assert_int_equal(parsed.offset_minutes, c->offset_minutes);
    }
}

static void test_leap_second_is_accepted(void **state)
{
    apilo_time leap, next;

    (void)state;
    assert_int_equal(apilo_time_parse(&leap, "2016-12-31T23:59:60Z"), APILO_OK);
    assert_int_equal(apilo_time_parse(&next, "2017-01-01T00:00:00Z"), APILO_OK);
    assert_int_equal(leap.unix_seconds, next.unix_seconds);
}

static void test_bad_dates_are_refused(void **state)
{
    static const char *const rejected[] = {
        "",
        "abc",
        "2023",
        "2023-11",
        "2023-1-01",
        "23-11-20",
        "2023-13-01",
        "2023-00-10",
        "2023-11-00",
        "2023-11-31",
        "2023-02-29",
        "1900-02-29",
        "2023-04-31T00:00:00Z",
        "2023-11-20T",
        "2023-11-20T12:00",
        "2023-11-20T12:00Z",
        "2023-11-20T24:00:00Z",
        "2023-11-20T12:60:00Z",
        "2023-11-20T12:00:61Z",
        "2023-11-20T12-00-00Z",
        "2023-11-20T12:00:00.Z",
        "2023-11-20T12:00:00+1",
        "2023-11-20T12:00:00+01:0",
        "2023-11-20T12:00:00+010",
        "2023-11-20T12:00:00+01:60",
        "2023-11-20T12:00:00+19:00",
        "2023-11-20T12:00:00+18:01",
        "2023-11-20T12:00:00 +01:00",
        "2023-11-20T12:00:00Zx",
        "2023-11-20T12:00:00+01:00x",
        "2023-11-20T12:00:00+0100 ",
        "2023-11-20x",
        "2023-11-20TTT12:00:00Z",
        " 2023-11-20",
        "2023-11-20T12:00:00UTC",
    };
    apilo_time parsed;

    (void)state;
    for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
        if (apilo_time_parse(&parsed, rejected[i]) != APILO_E_INVALID)
            fail_msg("\"%s\" was accepted", rejected[i]);
    }
    assert_int_equal(apilo_time_parse(&parsed, NULL), APILO_E_INVALID);
    assert_int_equal(apilo_time_parse(NULL, "2023-11-20"), APILO_E_INVALID);
}

static void test_format_both_offset_styles(void **state)
{
    char text[26];
    apilo_time t;

    (void)state;
    t.unix_seconds = instant(2024, 9, 12, 8, 16, 32, 120);
    t.offset_minutes = 120;
    assert_int_equal(apilo_time_format(text, sizeof text, t, 1), APILO_OK);
    assert_string_equal(text, "2024-09-12T08:16:32+02:00");
    assert_int_equal(apilo_time_format(text, sizeof text, t, 0), APILO_OK);
    assert_string_equal(text, "2024-09-12T08:16:32+0200");

    t.offset_minutes = 0;
    assert_int_equal(apilo_time_format(text, sizeof text, t, 1), APILO_OK);
    assert_string_equal(text, "2024-09-12T06:16:32+00:00");
    assert_int_equal(apilo_time_format(text, sizeof text, t, 0), APILO_OK);
    assert_string_equal(text, "2024-09-12T06:16:32+0000");

    t.offset_minutes = -330;
    assert_int_equal(apilo_time_format(text, sizeof text, t, 1), APILO_OK);
    assert_string_equal(text, "2024-09-12T00:46:32-05:30");
}

static void test_format_refuses_small_buffers_and_bad_offsets(void **state)
{
    char text[26];
    apilo_time t = {0, 0};

    (void)state;
    assert_int_equal(apilo_time_format(text, 25, t, 1), APILO_E_INVALID);
    assert_int_equal(apilo_time_format(text, 25, t, 0), APILO_OK);
    assert_int_equal(apilo_time_format(text, 24, t, 0), APILO_E_INVALID);
    assert_int_equal(apilo_time_format(NULL, 26, t, 1), APILO_E_INVALID);

    t.offset_minutes = 18 * 60 + 1;
    assert_int_equal(apilo_time_format(text, sizeof text, t, 1), APILO_E_INVALID);
    t.offset_minutes = 0;
    t.unix_seconds = INT64_MAX / 2;
    assert_int_equal(apilo_time_format(text, sizeof text, t, 1), APILO_E_INVALID);
}

static void test_format_then_parse_round_trips(void **state)
{
    static const int offsets[] = {0, 60, 120, -300, 330, -18 * 60, 18 * 60, 45};
    char text[26];

    (void)state;
    /* Spread over 1970..2100 with odd steps so every field takes many values. */
    for (int64_t seconds = -86400; seconds < 4102444800LL; seconds += 7777777 + 13) {
        for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
            for (int colon = 0; colon <= 1; colon++) {
                apilo_time original = {seconds, offsets[i]};
                apilo_time parsed;

                assert_int_equal(apilo_time_format(text, sizeof text, original, colon), APILO_OK);
                assert_int_equal(apilo_time_parse(&parsed, text), APILO_OK);
                assert_int_equal(parsed.unix_seconds, original.unix_seconds);
                assert_int_equal(parsed.offset_minutes, original.offset_minutes);
            }
        }
    }
}

/* The parser counts days itself (no timegm): every day of four centuries around the present,
 * the leap-year rules' edge years among them, must match libc's count. */
static void test_every_day_matches_libc(void **state)
{
    static const int years[][2] = {{1600, 2401}, {0, 4}, {9996, 10000}};
    char text[32];

    (void)state;
    for (size_t r = 0; r < sizeof years / sizeof years[0]; r++) {
        for (int year = years[r][0]; year < years[r][1]; year++) {
            for (int month = 1; month <= 12; month++) {
                for (int day = 1; day <= 31; day++) {
                    apilo_time parsed;
                    int64_t expected = instant(year, month, day, 13, 7, 9, 0);
                    struct tm check;
                    time_t when = (time_t)expected;

                    /* Skip days the month does not have: libc would roll them over. */
                    if (!gmtime_r(&when, &check) || check.tm_mday != day)
                        continue;
                    snprintf(text, sizeof text, "%04d-%02d-%02dT13:07:09+0000", year, month, day);
                    assert_int_equal(apilo_time_parse(&parsed, text), APILO_OK);
                    assert_int_equal(parsed.unix_seconds, expected);
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c9_three_offset_styles_are_one_instant),
        cmocka_unit_test(test_every_documented_form_parses),
        cmocka_unit_test(test_leap_second_is_accepted),
        cmocka_unit_test(test_bad_dates_are_refused),
        cmocka_unit_test(test_format_both_offset_styles),
        cmocka_unit_test(test_format_refuses_small_buffers_and_bad_offsets),
        cmocka_unit_test(test_format_then_parse_round_trips),
        cmocka_unit_test(test_every_day_matches_libc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
