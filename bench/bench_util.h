/*
 * Small helpers shared by the C bench programs: clocks, the process's own CPU time and peak
 * memory (getrusage), whole-file reads, and the one JSON result line every bench program prints
 * so scripts/bench.sh can compare C, PHP and Python runs field by field.
 */
#ifndef APILO_BENCH_UTIL_H
#define APILO_BENCH_UTIL_H

#include <stddef.h>

/* Monotonic wall clock in seconds. */
double bench_now_s(void);

/* User + system CPU seconds of this process so far. */
double bench_cpu_s(void);

/* Peak resident set size of this process since exec, in KiB (VmHWM). */
long bench_maxrss_kb(void);

/* Read a whole file (malloc'd, NUL-terminated). NULL on failure, with a message on stderr. */
char *bench_read_file(const char *path, size_t *out_len);

/* Read one id per line (malloc'd array of malloc'd strings). Returns the count, 0 on failure. */
size_t bench_read_lines(const char *path, char ***out);

/*
 * Print the result line: {"client", "mode", "n", "wall_s", "cpu_s", "maxrss_kb", "units"}.
 * `units` is what the run produced (orders decoded, bytes parsed...), a checksum of the work.
 */
void bench_print_result(const char *client, const char *mode, long n, double wall_s, double cpu_s,
                        double units);

#endif
