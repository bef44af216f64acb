/*
 * Test support: start and stop an apilo-sandbox on 127.0.0.1 with a free port, talk to its
 * /sandbox/ control endpoints, make temporary directories. Every integration test uses these so
 * it starts the sandbox it needs and stops it, whatever happens.
 */
#ifndef APILO_TEST_SUPPORT_H
#define APILO_TEST_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

typedef struct apl_test_sandbox {
    pid_t pid;
    char base_url[128]; /* "http://127.0.0.1:PORT" */
    int port;
} apl_test_sandbox;

/*
 * Start APILO_SANDBOX_BIN with "--listen 127.0.0.1:0" plus `extra_args` (NULL-terminated
 * array, may be NULL), wait for its first stdout line ("listening on http://127.0.0.1:PORT"),
 * fill `sb`. Returns 0, or -1 (the test should fail). The child dies with the test process.
 */
int apl_test_sandbox_start(apl_test_sandbox *sb, const char *const *extra_args);

/* SIGTERM, wait; SIGKILL after 5 s. Safe to call twice. */
void apl_test_sandbox_stop(apl_test_sandbox *sb);

/*
 * One HTTP request to the sandbox with libcurl (no auth header unless `bearer` is given).
 * `out_body` (may be NULL) receives a malloc'd NUL-terminated body. Returns the HTTP status,
 * or -1 on a transport failure.
 */
long apl_test_http(const apl_test_sandbox *sb, const char *method, const char *path,
                   const char *body, const char *bearer, char **out_body);

/* POST /sandbox/auth-codes: a fresh one-time authorization code (malloc), or NULL. */
char *apl_test_mint_code(const apl_test_sandbox *sb);

/* The sandbox's built-in application credentials. */
#define APL_TEST_CLIENT_ID "1"
#define APL_TEST_CLIENT_SECRET "sandbox-secret"

/* A new empty directory under $TMPDIR (malloc'd path), removed by apl_test_rmtree. */
char *apl_test_tmpdir(void);
void apl_test_rmtree(const char *path);

/* Read a whole fixture file from APILO_FIXTURES_DIR (malloc'd, NUL-terminated), or NULL. */
char *apl_test_read_fixture(const char *name, size_t *out_len);

#endif
