/*
 * The file token store: round trip, permissions, atomic replacement, the cross-process lock,
 * and the two failure kinds of load (missing, corrupt).
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "client_private.h"
#include "support.h"

typedef struct fixture {
    char *dir;
    char path[512];
    apilo_token_store *store;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));

    assert_non_null(fx);
    fx->dir = apl_test_tmpdir();
    assert_non_null(fx->dir);
    /* Two missing levels: the store creates them. */
    snprintf(fx->path, sizeof(fx->path), "%s/state/apilo/tokens.json", fx->dir);
    assert_int_equal(apilo_token_store_file_new(&fx->store, fx->path, NULL), APILO_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;

    apilo_token_store_free(fx->store);
    apl_test_rmtree(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

static apilo_token_set make_tokens(int generation)
{
    apilo_token_set tokens = {0};
    char text[256];

    /* Long tokens make a torn write easy to notice. */
    memset(text, 'a' + generation % 26, sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    tokens.access_token = strdup(text);
    text[0] = 'R';
    tokens.refresh_token = strdup(text);
    tokens.access_expires_at = 1900000000 + generation;
    tokens.refresh_expires_at = 1910000000 + generation;
    return tokens;
}

static void save(apilo_token_store *store, int generation)
{
    apilo_token_set tokens = make_tokens(generation);
    apilo_error err = APILO_ERROR_INIT;

    assert_int_equal(apl_store_save(store, &tokens, &err), APILO_OK);
    apilo_token_set_clear(&tokens);
    apilo_error_clear(&err);
}

static void test_round_trip(void **state)
{
    fixture *fx = *state;
    apilo_token_set expected = make_tokens(3);
    apilo_token_set loaded = {0};
    apilo_error err = APILO_ERROR_INIT;

    save(fx->store, 3);
    assert_int_equal(apilo_token_store_load(fx->store, &loaded, &err), APILO_OK);
    assert_string_equal(loaded.access_token, expected.access_token);
    assert_string_equal(loaded.refresh_token, expected.refresh_token);
    assert_int_equal(loaded.access_expires_at, expected.access_expires_at);
    assert_int_equal(loaded.refresh_expires_at, expected.refresh_expires_at);

    apilo_token_set_clear(&loaded);
    apilo_token_set_clear(&expected);
    assert_null(loaded.access_token);
}

static void test_permissions(void **state)
{
    fixture *fx = *state;
    char dir[512];
    struct stat info;

    save(fx->store, 1);
    assert_int_equal(stat(fx->path, &info), 0);
    assert_int_equal(info.st_mode & 0777, 0600);

    snprintf(dir, sizeof(dir), "%s/state/apilo", fx->dir);
    assert_int_equal(stat(dir, &info), 0);
    assert_int_equal(info.st_mode & 0777, 0700);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *entry;
    int count = 0;

    assert_non_null(d);
    while ((entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            count++;
    }
    closedir(d);
    return count;
}

/* A reader polling in another process while 300 writes happen never sees a partial file. */
static void test_atomic_replace(void **state)
{
    fixture *fx = *state;
    char dir[512];
    pid_t reader;
    int status;

    save(fx->store, 0);
    reader = fork();
    assert_true(reader >= 0);
    if (reader == 0) {
        apilo_token_store *own = NULL;
        int bad = 0;

        if (apilo_token_store_file_new(&own, fx->path, NULL) != APILO_OK)
            _exit(2);
        for (int i = 0; i < 3000; i++) {
            apilo_token_set loaded = {0};

            if (apilo_token_store_load(own, &loaded, NULL) != APILO_OK ||
                strlen(loaded.access_token) != 255 ||
                loaded.access_token[1] != loaded.access_token[0])
                bad++;
            apilo_token_set_clear(&loaded);
        }
        apilo_token_store_free(own);
        _exit(bad == 0 ? 0 : 1);
    }

    for (int generation = 1; generation <= 300; generation++)
        save(fx->store, generation);
    assert_int_equal(waitpid(reader, &status, 0), reader);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    /* Only the token file is left: no temp files (the lock file appears only when locking). */
    snprintf(dir, sizeof(dir), "%s/state/apilo", fx->dir);
    assert_int_equal(count_entries(dir), 1);
}

static int exists(const char *path)
{
    struct stat info;

    return stat(path, &info) == 0;
}

static void touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0600);

    assert_true(fd >= 0);
    close(fd);
}

/* The child holds the lock; the parent's lock returns only after the child has let go. */
static void test_lock_excludes_processes(void **state)
{
    fixture *fx = *state;
    char locked_mark[600];
    char released_mark[600];
    char lock_path[600];
    struct stat info;
    pid_t holder;
    int status;

    snprintf(locked_mark, sizeof(locked_mark), "%s/child-locked", fx->dir);
    snprintf(released_mark, sizeof(released_mark), "%s/child-releasing", fx->dir);

    holder = fork();
    assert_true(holder >= 0);
    if (holder == 0) {
        apilo_token_store *own = NULL;
        struct timespec pause = {0, 300 * 1000 * 1000};

        if (apilo_token_store_file_new(&own, fx->path, NULL) != APILO_OK ||
            apl_store_lock(own, NULL) != APILO_OK)
            _exit(2);
        touch(locked_mark);
        nanosleep(&pause, NULL);
        touch(released_mark);
        apl_store_unlock(own);
        apilo_token_store_free(own);
        _exit(0);
    }

    while (!exists(locked_mark)) {
        struct timespec poll = {0, 5 * 1000 * 1000};

        nanosleep(&poll, NULL);
    }
    assert_int_equal(apl_store_lock(fx->store, NULL), APILO_OK);
    assert_true(exists(released_mark));
    apl_store_unlock(fx->store);

    assert_int_equal(waitpid(holder, &status, 0), holder);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    snprintf(lock_path, sizeof(lock_path), "%s.lock", fx->path);
    assert_int_equal(stat(lock_path, &info), 0);
    assert_int_equal(info.st_mode & 0777, 0600);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_corrupt_file(void **state)
{
    fixture *fx = *state;
    static const char *const bodies[] = {
        "{\"accessToken\": \"SECRETVALUE\", \"refreshTok",
        "[]",
        "{\"accessToken\": \"SECRETVALUE\", \"refreshToken\": \"R\"}",
        "{\"accessToken\": \"SECRETVALUE\", \"refreshToken\": \"R\", "
        "\"accessTokenExpireAt\": \"soon\", \"refreshTokenExpireAt\": \"later\"}",
        "",
    };

    save(fx->store, 1);
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        apilo_token_set loaded = {0};
        apilo_error err = APILO_ERROR_INIT;

        write_file(fx->path, bodies[i]);
        assert_int_equal(apilo_token_store_load(fx->store, &loaded, &err), APILO_E_TOKEN_STORE);
        assert_int_equal(err.status, APILO_E_TOKEN_STORE);
        assert_non_null(err.message);
        assert_null(strstr(err.message, "SECRETVALUE"));
        assert_null(loaded.access_token);
        apilo_error_clear(&err);
    }
}

static void test_missing_file(void **state)
{
    fixture *fx = *state;
    apilo_token_set loaded = {0};
    apilo_error err = APILO_ERROR_INIT;

    assert_int_equal(apilo_token_store_load(fx->store, &loaded, &err), APILO_E_NO_TOKENS);
    assert_non_null(err.message);
    apilo_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_excludes_processes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
