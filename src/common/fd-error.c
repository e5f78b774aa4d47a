/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The FD_ERROR domain and its mapping onto the API's codes and statuses. */

#include "config.h"

#include "fd-error.h"

G_DEFINE_QUARK (fd-error-quark, fd_error)

static const struct {
  FdError     error;
  const char *code;
  guint       status;
} error_table[] = {
  { FD_ERROR_BAD_REQUEST,        "bad-request",        400 },
  { FD_ERROR_BAD_CREDENTIALS,    "bad-credentials",    401 },
  { FD_ERROR_UNAUTHENTICATED,    "unauthenticated",    401 },
  { FD_ERROR_REAUTH_REQUIRED,    "reauth-required",    401 },
  { FD_ERROR_FORBIDDEN,          "forbidden",          403 },
  { FD_ERROR_ACCOUNT_DISABLED,   "account-disabled",   403 },
  { FD_ERROR_NOT_FOUND,          "not-found",          404 },
  { FD_ERROR_METHOD_NOT_ALLOWED, "method-not-allowed", 405 },
  { FD_ERROR_TOO_LARGE,          "too-large",          413 },
  { FD_ERROR_ACCOUNT_LOCKED,     "account-locked",     423 },
  { FD_ERROR_RATE_LIMITED,       "rate-limited",       429 },
  { FD_ERROR_INTERNAL,           "internal",           500 },
  { FD_ERROR_UNAVAILABLE,        "unavailable",        503 },
  { FD_ERROR_NETWORK,            "network",            0 },
  { FD_ERROR_TLS,                "tls",                0 },
  { FD_ERROR_PROTOCOL,           "protocol",           0 },
  { FD_ERROR_CONFIG,             "config",             0 },
  /* issue 12 */
  { FD_ERROR_RULES_NOT_ACKNOWLEDGED, "rules-not-acknowledged", 403 },
  { FD_ERROR_CONFLICT,           "conflict",           409 },
  { FD_ERROR_ESTATE_REQUIRED,    "estate-required",    400 },
  { FD_ERROR_ESTATE_NOT_GRANTED, "estate-not-granted", 403 },
};

const char *
fd_error_to_code (FdError error)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].error == error)
      return error_table[i].code;
  return "internal";
}

guint
fd_error_to_status (FdError error)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].error == error)
      return error_table[i].status ? error_table[i].status : 500;
  return 500;
}

FdError
fd_error_from_code (const char *code,
                    guint       status)
{
  if (code != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
      if (g_str_equal (error_table[i].code, code))
        return error_table[i].error;

  switch (status)
    {
    case 400: return FD_ERROR_BAD_REQUEST;
    case 401: return FD_ERROR_UNAUTHENTICATED;
    case 403: return FD_ERROR_FORBIDDEN;
    case 404: return FD_ERROR_NOT_FOUND;
    case 413: return FD_ERROR_TOO_LARGE;
    case 423: return FD_ERROR_ACCOUNT_LOCKED;
    case 429: return FD_ERROR_RATE_LIMITED;
    case 503: return FD_ERROR_UNAVAILABLE;
    default:  return status >= 500 ? FD_ERROR_INTERNAL : FD_ERROR_PROTOCOL;
    }
}
