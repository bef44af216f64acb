/*
 * Connection checks: GET /rest/api/ and GET /rest/api/whoami/.
 */
#include <stdlib.h>

#include "client_private.h"

apilo_status apilo_connection_test(apilo_client *client, char **out_content, apilo_error *err)
{
    apl_json *root = NULL;
    apilo_status status;

    if (out_content)
        *out_content = NULL;
    if (!client)
        return apl_error_set(err, APILO_E_INVALID, "no client was given");

    status = apl_get_json(client, "/rest/api/", &root, err);
    if (status != APILO_OK)
        return status;

    if (out_content) {
        int rc = apl_json_read_str(root, "content", out_content);

        if (rc == APL_JSON_NOMEM)
            status = apl_error_set(err, APILO_E_NOMEM, "out of memory");
        else if (rc == APL_JSON_BAD_TYPE) {
            status = apl_error_set(err, APILO_E_DECODE, "\"content\" is not a string");
            apl_error_set_field(err, "content");
        }
    }
    apl_json_decref(root);
    return status;
}

apilo_status apilo_whoami_get(apilo_client *client, apilo_whoami **out, apilo_error *err)
{
    apl_json *root = NULL;
    apilo_status status;

    if (!out)
        return apl_error_set(err, APILO_E_INVALID, "no place for the answer was given");
    *out = NULL;
    if (!client)
        return apl_error_set(err, APILO_E_INVALID, "no client was given");

    status = apl_get_json(client, "/rest/api/whoami/", &root, err);
    if (status != APILO_OK)
        return status;
    status = apl_decode_whoami(out, root, err);
    apl_json_decref(root);
    return status;
}
