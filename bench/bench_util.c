#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

long bench_maxrss_kb(void)
{
    /*
     * VmHWM, not ru_maxrss: ru_maxrss inherits the peak of the process that forked us (the
     * Python driver), while VmHWM belongs to this program's own memory since exec.
     */
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmHWM: %ld", &kb) == 1)
            break;
    }
    if (f)
        fclose(f);
    if (kb < 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        kb = ru.ru_maxrss;
    }
    return kb;
}

char *bench_read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        cap *= 2;
        char *grown = realloc(buf, cap + 1);
        if (!grown) {
            free(buf);
            buf = NULL;
        } else {
            buf = grown;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", path);
        return NULL;
    }
    buf[len] = '\0';
    *out_len = len;
    return buf;
}

size_t bench_read_lines(const char *path, char ***out)
{
    size_t len;
    char *text = bench_read_file(path, &len);
    if (!text)
        return 0;
    size_t count = 0, cap = 16;
    char **lines = malloc(cap * sizeof *lines);
    char *save = NULL;
    for (char *tok = strtok_r(text, "\r\n", &save); tok && lines;
         tok = strtok_r(NULL, "\r\n", &save)) {
        if (count == cap) {
            cap *= 2;
            char **grown = realloc(lines, cap * sizeof *lines);
            if (!grown)
                break;
            lines = grown;
        }
        lines[count] = strdup(tok);
        if (!lines[count])
            break;
        count++;
    }
    free(text);
    *out = lines;
    return lines ? count : 0;
}

void bench_print_result(const char *client, const char *mode, long n, double wall_s, double cpu_s,
                        double units)
{
    printf("{\"client\": \"%s\", \"mode\": \"%s\", \"n\": %ld, \"wall_s\": %.6f, "
           "\"cpu_s\": %.6f, \"maxrss_kb\": %ld, \"units\": %.0f}\n",
           client, mode, n, wall_s, cpu_s, bench_maxrss_kb(), units);
    fflush(stdout);
}
