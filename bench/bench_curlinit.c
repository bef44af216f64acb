/*
 * Context for the cold-start figures: a program that only loads Debian's libcurl and runs its
 * global init (what any libcurl client, libapilo included, does before its first request).
 * Its time is the floor under `apilo orders get` on this machine.
 */
#include <curl/curl.h>

int main(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    curl_global_cleanup();
    return 0;
}
