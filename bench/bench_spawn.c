/*
 * Run one command and report its wall time, CPU and peak memory as a JSON line.
 *
 *   bench_spawn count|null CMD [ARGS...]
 *
 * count: the child's stdout is read through a pipe and its lines counted (an export's rows);
 * null: the child's stdout goes to /dev/null. stderr is inherited.
 *
 * Why a C launcher: on Linux a child's ru_maxrss starts at the peak RSS of the process that
 * forked it (exec carries the old memory's high-water mark over), so a 30 MB Python driver
 * would put a 30 MB floor under every figure. Forking from this small process keeps that
 * floor at this process's own size, about a megabyte. It also keeps interpreter overhead out
 * of the cold-start wall times.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    int count = argc > 2 && strcmp(argv[1], "count") == 0;
    if (argc < 3 || (!count && strcmp(argv[1], "null") != 0)) {
        fprintf(stderr, "usage: bench_spawn count|null CMD [ARGS...]\n");
        return 2;
    }
    int fds[2];
    if (count ? pipe(fds) : (fds[1] = open("/dev/null", O_WRONLY)) < 0) {
        perror("bench_spawn");
        return 1;
    }

    double t0 = bench_now_s();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        if (count)
            close(fds[0]);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        perror("fork");
        return 1;
    }

    unsigned long long lines = 0;
    if (count) {
        char buf[1 << 16];
        ssize_t got;
        while ((got = read(fds[0], buf, sizeof buf)) > 0) {
            for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + got - p))); p++)
                lines++;
        }
        close(fds[0]);
    }

    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 1;
    }
    double wall = bench_now_s() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("{\"wall_s\": %.6f, \"cpu_s\": %.6f, \"maxrss_kb\": %ld, \"lines\": %llu, "
           "\"exit\": %d}\n",
           wall, tv_s(ru.ru_utime) + tv_s(ru.ru_stime), ru.ru_maxrss, lines, code);
    return code;
}
