/*
 * libapilo — a C11 client for the Apilo REST API. Include this one header.
 *
 *   common.h  status codes, the error object, optional scalars, time values, ownership rules
 *   client.h  the client handle, options, logging, tokens and token stores, connection checks
 *   orders.h  orders: models, list query, pages, iterator, detail, maps
 */
#ifndef APILO_APILO_H
#define APILO_APILO_H

#include "apilo/common.h"
#include "apilo/client.h"
#include "apilo/orders.h"

#endif
