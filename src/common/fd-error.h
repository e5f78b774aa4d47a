/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one error domain of both programs and its contract codes. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FD_ERROR (fd_error_quark ())

/* One error domain for both programs. Each value maps onto one contract
 * error code ("bad-request", …) and one HTTP status. */
typedef enum
{
  FD_ERROR_BAD_REQUEST,       /* 400 bad-request */
  FD_ERROR_BAD_CREDENTIALS,   /* 401 bad-credentials */
  FD_ERROR_UNAUTHENTICATED,   /* 401 unauthenticated */
  FD_ERROR_REAUTH_REQUIRED,   /* 401 reauth-required */
  FD_ERROR_FORBIDDEN,         /* 403 forbidden */
  FD_ERROR_ACCOUNT_DISABLED,  /* 403 account-disabled */
  FD_ERROR_NOT_FOUND,         /* 404 not-found */
  FD_ERROR_METHOD_NOT_ALLOWED,/* 405 method-not-allowed */
  FD_ERROR_TOO_LARGE,         /* 413 too-large */
  FD_ERROR_ACCOUNT_LOCKED,    /* 423 account-locked */
  FD_ERROR_RATE_LIMITED,      /* 429 rate-limited */
  FD_ERROR_INTERNAL,          /* 500 internal */
  FD_ERROR_UNAVAILABLE,       /* 503 unavailable */
  /* client side only */
  FD_ERROR_NETWORK,           /* server unreachable */
  FD_ERROR_TLS,               /* certificate or pin refused */
  FD_ERROR_PROTOCOL,          /* malformed answer */
  FD_ERROR_CONFIG,            /* bad configuration */
  /* appended (issue 12, contract v1.2) */
  FD_ERROR_RULES_NOT_ACKNOWLEDGED, /* 403 rules-not-acknowledged */
  FD_ERROR_CONFLICT,          /* 409 conflict */
  /* appended (issue 11, estates) */
  FD_ERROR_ESTATE_REQUIRED,   /* 400 estate-required: name one of "estates" */
  FD_ERROR_ESTATE_NOT_GRANTED,/* 403 estate-not-granted */
} FdError;

GQuark       fd_error_quark         (void);
const char  *fd_error_to_code       (FdError     error);
guint        fd_error_to_status     (FdError     error);
FdError      fd_error_from_code     (const char *code,
                                     guint       status);

G_END_DECLS
