/* Test support: a sandbox per test on a free loopback port, control calls, temporary dirs. */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#define START_TIMEOUT_MS 15000
#define MAX_EXTRA_ARGS 64

static const char listening_prefix[] = "apilo-sandbox listening on http://127.0.0.1:";

static void exec_sandbox(int stdout_fd, pid_t parent, const char *const *extra_args)
{
    const char *argv[MAX_EXTRA_ARGS + 6];
    size_t argc = 0;

    /* Die with the test process, even when it is killed before it can stop us. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    if (dup2(stdout_fd, STDOUT_FILENO) < 0)
        _exit(127);

    argv[argc++] = APILO_SANDBOX_BIN;
    argv[argc++] = "--listen";
    argv[argc++] = "127.0.0.1:0";
    argv[argc++] = "--quiet";
    for (size_t i = 0; extra_args && extra_args[i] && i < MAX_EXTRA_ARGS; i++)
        argv[argc++] = extra_args[i];
    argv[argc] = NULL;
    execv(APILO_SANDBOX_BIN, (char *const *)argv);
    fprintf(stderr, "support: cannot run %s: %s\n", APILO_SANDBOX_BIN, strerror(errno));
    _exit(127);
}

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)((now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000);
}

/* Reads the first line the sandbox prints, within START_TIMEOUT_MS (seeding may take a while). */
static int read_first_line(int fd, char *line, size_t size)
{
    struct timespec start;
    size_t used = 0;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (used + 1 < size) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        long left = START_TIMEOUT_MS - elapsed_ms(&start);
        ssize_t got;

        if (left <= 0)
            return -1;
        if (poll(&pfd, 1, (int)left) <= 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got = read(fd, line + used, 1);
        if (got <= 0)
            return -1;
        if (line[used] == '\n') {
            line[used] = '\0';
            return 0;
        }
        used++;
    }
    return -1;
}

int apl_test_sandbox_start(apl_test_sandbox *sb, const char *const *extra_args)
{
    int fds[2];
    pid_t parent = getpid();
    pid_t pid;
    char line[256];
    char *end = NULL;
    long port;

    memset(sb, 0, sizeof *sb);
    if (pipe(fds) != 0)
        return -1;
    /* Only the child's dup2'd stdout may stay open across exec, in any sandbox we start. */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0)
        exec_sandbox(fds[1], parent, extra_args);

    close(fds[1]);
    sb->pid = pid;
    if (read_first_line(fds[0], line, sizeof line) != 0 ||
        strncmp(line, listening_prefix, strlen(listening_prefix)) != 0) {
        fprintf(stderr, "support: the sandbox did not report its port\n");
        close(fds[0]);
        apl_test_sandbox_stop(sb);
        return -1;
    }
    close(fds[0]);

    port = strtol(line + strlen(listening_prefix), &end, 10);
    if (port <= 0 || port > 65535 || *end != '\0') {
        apl_test_sandbox_stop(sb);
        return -1;
    }
    sb->port = (int)port;
    snprintf(sb->base_url, sizeof sb->base_url, "http://127.0.0.1:%d", sb->port);
    return 0;
}

void apl_test_sandbox_stop(apl_test_sandbox *sb)
{
    struct timespec start;
    int status;

    if (!sb || sb->pid <= 0)
        return;
    kill(sb->pid, SIGTERM);
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (waitpid(sb->pid, &status, WNOHANG) == 0) {
        struct timespec pause = {0, 10 * 1000000L};

        if (elapsed_ms(&start) > 5000) {
            kill(sb->pid, SIGKILL);
            waitpid(sb->pid, &status, 0);
            break;
        }
        nanosleep(&pause, NULL);
    }
    sb->pid = 0;
}

/* ---- HTTP ----------------------------------------------------------------------------------- */

typedef struct body_buffer {
    char *data;
    size_t len;
} body_buffer;

static size_t collect_body(char *data, size_t size, size_t count, void *userdata)
{
    body_buffer *body = userdata;
    size_t n = size * count;
    char *grown = realloc(body->data, body->len + n + 1);

    if (!grown)
        return 0;
    body->data = grown;
    memcpy(body->data + body->len, data, n);
    body->len += n;
    body->data[body->len] = '\0';
    return n;
}

static void global_init_once(void)
{
    static int done;

    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = 1;
    }
}

long apl_test_http(const apl_test_sandbox *sb, const char *method, const char *path,
                   const char *body, const char *bearer, char **out_body)
{
    CURL *curl;
    struct curl_slist *headers = NULL;
    body_buffer response = {0};
    char url[2048];
    char auth[4096];
    long status = -1;

    if (out_body)
        *out_body = NULL;
    global_init_once();
    curl = curl_easy_init();
    if (!curl)
        return -1;

    snprintf(url, sizeof url, "%s%s", sb->base_url, path);
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    if (bearer) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
        headers = curl_slist_append(headers, auth);
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);

    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (out_body && status >= 0)
        *out_body = response.data ? response.data : strdup("");
    else
        free(response.data);
    return status;
}

char *apl_test_mint_code(const apl_test_sandbox *sb)
{
    char *body = NULL;
    json_t *doc;
    char *code = NULL;

    if (apl_test_http(sb, "POST", "/sandbox/auth-codes", "", NULL, &body) != 201) {
        free(body);
        return NULL;
    }
    doc = json_loads(body, 0, NULL);
    if (json_is_string(json_object_get(doc, "code")))
        code = strdup(json_string_value(json_object_get(doc, "code")));
    json_decref(doc);
    free(body);
    return code;
}

/* ---- files ---------------------------------------------------------------------------------- */

char *apl_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char template[4096];
    size_t len;

    snprintf(template, sizeof template, "%s/apilo-test-", base && *base ? base : "/tmp");
    len = strlen(template);
    if (len + 7 > sizeof template)
        return NULL;
    /* mkdtemp replaces a run of six capital X at the end of the template. */
    memset(template + len, 'X', 6);
    template[len + 6] = '\0';
    if (!mkdtemp(template))
        return NULL;
    return strdup(template);
}

void apl_test_rmtree(const char *path)
{
    struct stat st;
    DIR *dir;
    struct dirent *entry;

    if (!path || lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    dir = opendir(path);
    if (dir) {
        while ((entry = readdir(dir)) != NULL) {
            char child[4096];

            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            apl_test_rmtree(child);
        }
        closedir(dir);
    }
    rmdir(path);
}

char *apl_test_read_fixture(const char *name, size_t *out_len)
{
    char path[4096];
    FILE *file;
    char *data = NULL;
    long size;

    snprintf(path, sizeof path, "%s/%s", APILO_FIXTURES_DIR, name);
    file = fopen(path, "rb");
    if (!file)
        return NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 &&
        fseek(file, 0, SEEK_SET) == 0) {
        data = malloc((size_t)size + 1);
        if (data && fread(data, 1, (size_t)size, file) != (size_t)size) {
            free(data);
            data = NULL;
        }
        if (data) {
            data[size] = '\0';
            if (out_len)
                *out_len = (size_t)size;
        }
    }
    fclose(file);
    return data;
}
