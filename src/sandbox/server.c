/*
 * libmicrohttpd glue: a loopback listen socket, one thread per connection (so an injected delay
 * holds up only its own connection), TCP_NODELAY on every accepted socket (kept-alive requests
 * would otherwise stall on Nagle + delayed ACK), and the raw request URI kept per request,
 * because MHD's own argument parsing has already turned a `+` into a space.
 */
#include "sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#define MAX_BODY_BYTES (4 * 1024 * 1024)

struct sbx_server {
    struct MHD_Daemon *daemon;
    sbx_state *state;
};

typedef struct pending_request {
    char *raw_uri;
    sbx_buf body;
    bool started;
    bool too_large;
} pending_request;

static void *remember_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
    pending_request *pending = sbx_xmalloc(sizeof *pending);

    memset(pending, 0, sizeof *pending);
    pending->raw_uri = sbx_xstrdup(uri);
    return pending;
}

static void forget_request(void *cls, struct MHD_Connection *connection, void **req_cls,
                           enum MHD_RequestTerminationCode toe)
{
    pending_request *pending = *req_cls;

    if (!pending)
        return;
    free(pending->raw_uri);
    sbx_buf_free(&pending->body);
    free(pending);
    *req_cls = NULL;
}

static void set_nodelay(void *cls, struct MHD_Connection *connection, void **socket_context,
                        enum MHD_ConnectionNotificationCode toe)
{
    const union MHD_ConnectionInfo *info;
    int one = 1;

    if (toe != MHD_CONNECTION_NOTIFY_STARTED)
        return;
    info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info)
        setsockopt(info->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static enum MHD_Result send_reply(struct MHD_Connection *connection, sbx_reply *reply)
{
    struct MHD_Response *response;
    enum MHD_Result result;

    if (reply->body) {
        response =
            MHD_create_response_from_buffer(reply->body_len, reply->body, MHD_RESPMEM_MUST_FREE);
        reply->body = NULL;
    } else {
        response = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!response)
        return MHD_NO;
    if (reply->status != 204)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (reply->retry_after[0])
        MHD_add_response_header(response, MHD_HTTP_HEADER_RETRY_AFTER, reply->retry_after);
    result = MHD_queue_response(connection, (unsigned int)reply->status, response);
    MHD_destroy_response(response);
    return result;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    sbx_server *server = cls;
    sbx_state *state = server->state;
    pending_request *pending = *req_cls;
    sbx_request req = {0};
    sbx_reply reply = {0};
    const char *query;
    char *raw_query;
    long delay_ms = 0;
    enum MHD_Result result;

    if (!pending)
        return MHD_NO;
    if (!pending->started) {
        pending->started = true;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (pending->body.len + *upload_data_size > MAX_BODY_BYTES)
            pending->too_large = true;
        else
            sbx_buf_add(&pending->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    query = strchr(pending->raw_uri, '?');
    raw_query = sbx_xstrdup(query ? query + 1 : "");
    raw_query[strcspn(raw_query, "#")] = '\0';
    req.method = method;
    req.path = url;
    req.raw_query = raw_query;
    req.body = pending->body.data ? pending->body.data : "";
    req.body_len = pending->body.len;
    req.authorization =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    req.accept = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);

    if (strncmp(url, "/rest/", 6) == 0) {
        pthread_mutex_lock(&state->lock);
        delay_ms = state->faults.delay_ms;
        pthread_mutex_unlock(&state->lock);
    }
    if (delay_ms > 0)
        sleep_ms(delay_ms);

    pthread_mutex_lock(&state->lock);
    if (pending->too_large)
        sbx_reply_error(&reply, 413, "Payload Too Large", "The request body is too large", NULL);
    else
        sbx_dispatch(state, &req, &reply);
    pthread_mutex_unlock(&state->lock);

    result = send_reply(connection, &reply);
    free(reply.body);
    free(raw_query);
    return result;
}

/* Splits "host:port", "[v6]:port"; accepts only loopback hosts. */
static int parse_listen(const char *listen_spec, struct sockaddr_storage *addr, socklen_t *len,
                        char *err, size_t err_size)
{
    char host[64];
    const char *port_text;
    char *end = NULL;
    long port;

    if (listen_spec[0] == '[') {
        const char *close = strchr(listen_spec, ']');

        if (!close || close[1] != ':' || (size_t)(close - listen_spec) >= sizeof host)
            goto malformed;
        snprintf(host, sizeof host, "%.*s", (int)(close - listen_spec - 1), listen_spec + 1);
        port_text = close + 2;
    } else {
        const char *colon = strrchr(listen_spec, ':');

        if (!colon || (size_t)(colon - listen_spec) >= sizeof host)
            goto malformed;
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen_spec), listen_spec);
        port_text = colon + 1;
    }
    port = strtol(port_text, &end, 10);
    if (!*port_text || *end || port < 0 || port > 65535)
        goto malformed;

    memset(addr, 0, sizeof *addr);
    if (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") == 0) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)addr;

        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *len = sizeof *v4;
    } else if (strcmp(host, "::1") == 0) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;

        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        v6->sin6_addr = in6addr_loopback;
        *len = sizeof *v6;
    } else {
        snprintf(err, err_size, "refusing to listen on %s: only 127.0.0.1, ::1 or localhost", host);
        return -1;
    }
    return 0;

malformed:
    snprintf(err, err_size, "--listen wants ADDR:PORT, got \"%s\"", listen_spec);
    return -1;
}

static int open_listen_socket(const char *listen_spec, int *out_port, char *err, size_t err_size)
{
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    int fd;
    int one = 1;

    if (parse_listen(listen_spec, &addr, &addr_len, err, err_size) != 0)
        return -1;
    fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_size, "socket: %s", strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* Linux copies TCP_NODELAY from the listener to accepted sockets; set_nodelay covers the
       rest. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, addr_len) != 0 || listen(fd, 128) != 0) {
        snprintf(err, err_size, "cannot listen on %s: %s", listen_spec, strerror(errno));
        close(fd);
        return -1;
    }
    addr_len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &addr_len);
    *out_port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                 : ((struct sockaddr_in *)&addr)->sin_port);
    return fd;
}

sbx_server *sbx_server_start(sbx_state *state, const char *listen_spec, int *out_port, char *err,
                             size_t err_size)
{
    sbx_server *server = sbx_xmalloc(sizeof *server);
    unsigned int flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    int fd = open_listen_socket(listen_spec, out_port, err, err_size);

    if (fd < 0) {
        free(server);
        return NULL;
    }
    if (!state->config->quiet)
        flags |= MHD_USE_ERROR_LOG;
    server->state = state;
    server->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, server, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_URI_LOG_CALLBACK, remember_uri, (void *)server, MHD_OPTION_NOTIFY_COMPLETED,
        forget_request, (void *)server, MHD_OPTION_NOTIFY_CONNECTION, set_nodelay, (void *)server,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120, MHD_OPTION_END);
    if (!server->daemon) {
        snprintf(err, err_size, "libmicrohttpd failed to start");
        close(fd);
        free(server);
        return NULL;
    }
    return server;
}

void sbx_server_stop(sbx_server *server)
{
    const union MHD_DaemonInfo *info;
    int fd = -1;

    if (!server)
        return;
    /* Whether MHD closes a listen socket it was given has varied between versions; close it
       here only if it is still open (no other thread can open descriptors by now). */
    info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_LISTEN_FD);
    if (info)
        fd = info->listen_fd;
    MHD_stop_daemon(server->daemon);
    if (fd >= 0 && fcntl(fd, F_GETFD) != -1)
        close(fd);
    free(server);
}
