/*
 * Token stores: the operations wrapper and the built-in file store (atomic JSON file, 0600,
 * with a sibling lock file carrying flock(2) across processes).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client_private.h"

/* A token file is a few hundred bytes; anything far larger is not ours. */
#define MAX_TOKEN_FILE_SIZE (1024 * 1024)

struct apilo_token_store {
    apilo_token_store_ops ops;
    void *ctx;
};

apilo_status apilo_token_store_new(apilo_token_store **out, const apilo_token_store_ops *ops,
                                   void *ctx)
{
    apilo_token_store *store;

    if (!out)
        return APILO_E_INVALID;
    *out = NULL;
    if (!ops || !ops->load || !ops->save || !ops->lock || !ops->unlock)
        return APILO_E_INVALID;

    store = calloc(1, sizeof(*store));
    if (!store)
        return APILO_E_NOMEM;
    store->ops = *ops;
    store->ctx = ctx;
    *out = store;
    return APILO_OK;
}

void apilo_token_store_free(apilo_token_store *store)
{
    if (!store)
        return;
    if (store->ops.destroy)
        store->ops.destroy(store->ctx);
    free(store);
}

apilo_status apilo_token_store_load(apilo_token_store *store, apilo_token_set *out,
                                    apilo_error *err)
{
    if (!store || !out)
        return apl_error_set(err, APILO_E_INVALID, "a store and an output are required");
    memset(out, 0, sizeof(*out));
    return store->ops.load(store->ctx, out, err);
}

apilo_status apl_store_load(apilo_token_store *store, apilo_token_set *out, apilo_error *err)
{
    return apilo_token_store_load(store, out, err);
}

apilo_status apl_store_save(apilo_token_store *store, const apilo_token_set *tokens,
                            apilo_error *err)
{
    return store->ops.save(store->ctx, tokens, err);
}

apilo_status apl_store_lock(apilo_token_store *store, apilo_error *err)
{
    return store->ops.lock(store->ctx, err);
}

void apl_store_unlock(apilo_token_store *store)
{
    store->ops.unlock(store->ctx);
}

/* ---- the file store ----------------------------------------------------------------------- */

typedef struct file_store {
    char *path;
    char *lock_path;
    char *dir;
    /* flock excludes other open files, including ours in other threads; the mutex keeps two
       threads sharing this store from both using the one descriptor. */
    pthread_mutex_t mutex;
    int lock_fd;
} file_store;

static apilo_status store_error(apilo_error *err, const char *what, const char *path, int errnum)
{
    return apl_error_set(err, APILO_E_TOKEN_STORE, "token store: cannot %s %s: %s", what, path,
                         strerror(errnum));
}

/* Create the directory and any missing parents, 0700. */
static int make_dirs(const char *dir)
{
    char *copy = apl_strdup(dir);
    int rc = 0;

    if (!copy)
        return -1;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0700) != 0 && errno != EEXIST)
            rc = -1;
        *p = '/';
        if (rc != 0)
            break;
    }
    if (rc == 0 && mkdir(copy, 0700) != 0 && errno != EEXIST)
        rc = -1;
    free(copy);
    return rc;
}

static apilo_status file_lock(void *ctx, apilo_error *err)
{
    file_store *fs = ctx;
    int fd;

    pthread_mutex_lock(&fs->mutex);
    if (make_dirs(fs->dir) != 0) {
        pthread_mutex_unlock(&fs->mutex);
        return store_error(err, "create the directory", fs->dir, errno);
    }

    fd = open(fs->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        pthread_mutex_unlock(&fs->mutex);
        return store_error(err, "open the lock file", fs->lock_path, errno);
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        store_error(err, "lock", fs->lock_path, errno);
        close(fd);
        pthread_mutex_unlock(&fs->mutex);
        return APILO_E_TOKEN_STORE;
    }
    fs->lock_fd = fd;
    return APILO_OK;
}

static void file_unlock(void *ctx)
{
    file_store *fs = ctx;

    if (fs->lock_fd < 0)
        return;
    flock(fs->lock_fd, LOCK_UN);
    close(fs->lock_fd);
    fs->lock_fd = -1;
    pthread_mutex_unlock(&fs->mutex);
}

static int read_all(int fd, apl_buf *out)
{
    char chunk[4096];

    for (;;) {
        ssize_t got = read(fd, chunk, sizeof(chunk));

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        if (out->len + (size_t)got > MAX_TOKEN_FILE_SIZE) {
            errno = EFBIG;
            return -1;
        }
        if (apl_buf_append(out, chunk, (size_t)got) != 0) {
            errno = ENOMEM;
            return -1;
        }
    }
}

static apilo_status corrupt(apilo_error *err, const char *path, const char *why)
{
    return apl_error_set(err, APILO_E_TOKEN_STORE,
                         "token store: %s is not a valid token file (%s); log in again", path, why);
}

static apilo_status decode_file(apilo_token_set *out, const apl_json *root, const char *path,
                                apilo_error *err)
{
    apilo_opt_time access_at = {0};
    apilo_opt_time refresh_at = {0};

    if (!apl_json_is_object(root))
        return corrupt(err, path, "not a JSON object");
    if (apl_json_read_str(root, "accessToken", &out->access_token) != APL_JSON_OK ||
        apl_json_read_str(root, "refreshToken", &out->refresh_token) != APL_JSON_OK)
        return corrupt(err, path, "a token is missing");
    if (apl_json_read_time(root, "accessTokenExpireAt", &access_at, NULL) != APL_JSON_OK ||
        apl_json_read_time(root, "refreshTokenExpireAt", &refresh_at, NULL) != APL_JSON_OK)
        return corrupt(err, path, "an expiry is missing or unreadable");
    out->access_expires_at = access_at.value.unix_seconds;
    out->refresh_expires_at = refresh_at.value.unix_seconds;
    return APILO_OK;
}

static apilo_status file_load(void *ctx, apilo_token_set *out, apilo_error *err)
{
    file_store *fs = ctx;
    apl_buf text = APL_BUF_INIT;
    apl_json *root;
    apilo_status status;
    char reason[160];
    int fd;

    fd = open(fs->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return apl_error_set(err, APILO_E_NO_TOKENS,
                             "%s does not exist yet: log in with an authorization code first",
                             fs->path);
    if (fd < 0)
        return store_error(err, "open", fs->path, errno);
    if (read_all(fd, &text) != 0) {
        status = store_error(err, "read", fs->path, errno);
        close(fd);
        goto out;
    }
    close(fd);

    /* The parser's reason may quote the file, which holds secrets: it is not passed on. */
    root = apl_json_parse(text.data ? text.data : "", text.len, APL_JSON_SECRET, reason,
                          sizeof(reason));
    if (!root) {
        status = corrupt(err, fs->path, "not JSON");
        goto out;
    }
    status = decode_file(out, root, fs->path, err);
    apl_json_decref(root);
    if (status != APILO_OK)
        apilo_token_set_clear(out);

out:
    if (text.data)
        explicit_bzero(text.data, text.len);
    apl_buf_free(&text);
    return status;
}

static char *encode_file(const apilo_token_set *tokens)
{
    apl_json *root = apl_json_object_new();
    char access_at[32];
    char refresh_at[32];
    char *text = NULL;

    if (!root)
        return NULL;
    if (apilo_time_format(access_at, sizeof(access_at), (apilo_time){tokens->access_expires_at, 0},
                          1) != APILO_OK ||
        apilo_time_format(refresh_at, sizeof(refresh_at),
                          (apilo_time){tokens->refresh_expires_at, 0}, 1) != APILO_OK)
        goto out;
    if (apl_json_set_string(root, "accessToken", tokens->access_token) != 0 ||
        apl_json_set_string(root, "accessTokenExpireAt", access_at) != 0 ||
        apl_json_set_string(root, "refreshToken", tokens->refresh_token) != 0 ||
        apl_json_set_string(root, "refreshTokenExpireAt", refresh_at) != 0)
        goto out;
    text = apl_json_dump(root);

out:
    apl_json_decref(root);
    return text;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t put = write(fd, data, len);

        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return -1;
        data += put;
        len -= (size_t)put;
    }
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* Write a temp file beside the target, fsync it, rename it over: readers see old or new. */
static apilo_status file_save(void *ctx, const apilo_token_set *tokens, apilo_error *err)
{
    file_store *fs = ctx;
    apl_buf temp_path = APL_BUF_INIT;
    apilo_status status = APILO_OK;
    char *text = NULL;
    int fd = -1;

    if (!tokens || !tokens->access_token || !tokens->refresh_token)
        return apl_error_set(err, APILO_E_INVALID, "token store: nothing to save");
    if (make_dirs(fs->dir) != 0)
        return store_error(err, "create the directory", fs->dir, errno);

    text = encode_file(tokens);
    if (!text || apl_buf_printf(&temp_path, "%s.tmp.XXXXXX", fs->path) != 0) {
        status = apl_error_set(err, APILO_E_NOMEM, "out of memory");
        goto out;
    }

    fd = mkstemp(temp_path.data); /* created 0600 */
    if (fd < 0) {
        status = store_error(err, "create a file in", fs->dir, errno);
        goto out;
    }
    if (fchmod(fd, 0600) != 0 || write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
        status = store_error(err, "write", temp_path.data, errno);
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        status = store_error(err, "write", temp_path.data, errno);
        goto out;
    }
    fd = -1;
    if (rename(temp_path.data, fs->path) != 0) {
        status = store_error(err, "replace", fs->path, errno);
        goto out;
    }
    if (sync_dir(fs->dir) != 0)
        status = store_error(err, "sync the directory", fs->dir, errno);

out:
    if (fd >= 0)
        close(fd);
    if (status != APILO_OK && temp_path.data)
        unlink(temp_path.data);
    apl_buf_free(&temp_path);
    apl_free_secret(text);
    return status;
}

static void file_destroy(void *ctx)
{
    file_store *fs = ctx;

    if (!fs)
        return;
    if (fs->lock_fd >= 0)
        file_unlock(fs);
    pthread_mutex_destroy(&fs->mutex);
    free(fs->path);
    free(fs->lock_path);
    free(fs->dir);
    free(fs);
}

static char *parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    apl_buf dir = APL_BUF_INIT;

    if (!slash)
        return apl_strdup(".");
    if (slash == path)
        return apl_strdup("/");
    if (apl_buf_append(&dir, path, (size_t)(slash - path)) != 0)
        return NULL;
    return apl_buf_detach(&dir);
}

apilo_status apilo_token_store_file_new(apilo_token_store **out, const char *path, apilo_error *err)
{
    static const apilo_token_store_ops ops = {file_load, file_save, file_lock, file_unlock,
                                              file_destroy};
    apl_buf lock_path = APL_BUF_INIT;
    file_store *fs;
    apilo_status status;

    if (!out)
        return apl_error_set(err, APILO_E_INVALID, "no place for the store was given");
    *out = NULL;
    if (!path || !*path || path[strlen(path) - 1] == '/')
        return apl_error_set(err, APILO_E_INVALID, "token store: a file path is required");

    fs = calloc(1, sizeof(*fs));
    if (!fs)
        return apl_error_set(err, APILO_E_NOMEM, "out of memory");
    fs->lock_fd = -1;
    pthread_mutex_init(&fs->mutex, NULL);
    fs->path = apl_strdup(path);
    fs->dir = parent_dir(path);
    if (!fs->path || !fs->dir || apl_buf_printf(&lock_path, "%s.lock", path) != 0) {
        apl_buf_free(&lock_path);
        file_destroy(fs);
        return apl_error_set(err, APILO_E_NOMEM, "out of memory");
    }
    fs->lock_path = apl_buf_detach(&lock_path);

    status = apilo_token_store_new(out, &ops, fs);
    if (status != APILO_OK) {
        file_destroy(fs);
        return apl_error_set(err, status, "out of memory");
    }
    return APILO_OK;
}
