/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the typed calls of FdApiClient share. */

/* The typed calls live in fd-api-client-calls.c (the machinery and the
 * front desk's calls), fd-api-client-accounts.c (accounts, second factor)
 * and fd-api-client-oversight.c (audit, alerts, incident, review, rules,
 * checks). A new endpoint: its path in fd-api-path.h, its record and parser
 * in src/common, one DEFINE_* line in the file of its feature.
 */
#pragma once

#include "fd-api-client.h"

G_BEGIN_DECLS

/* One typed call: the raw request, then one parser over its answer. */
typedef struct
{
  FdRecordParseFunc  parse;        /* the record, or NULL for a page of… */
  FdRecordParseFunc  item_parse;   /* …these items */
  GDestroyNotify     item_free;
  GDestroyNotify     free_func;    /* of what parse returns */
  FdErrorDetail     *detail;       /* of a failed call */
} Call;

/* A call answered by one record of @parse, freed with @free_func. */
Call      *fd_call_record       (FdRecordParseFunc  parse,
                                 GDestroyNotify     free_func);
/* The parse of a 204 answer: there is nothing to parse; not NULL. */
gpointer   fd_call_no_content_parse (JsonNode      *node,
                                     GError       **error);
/* A call answered by a page (FdPage) of @parse's items. */
Call      *fd_call_page         (FdRecordParseFunc  parse,
                                 GDestroyNotify     item_free);
/* What the call whose async carried @source_tag parsed; *@detail (may be
 * NULL) gets the server's error object of a failed call. */
gpointer   fd_call_finish       (FdApiClient       *self,
                                 GAsyncResult      *result,
                                 gpointer           source_tag,
                                 FdErrorDetail    **detail,
                                 GError           **error);
/* Sends @method to @path (a new string, wiped after) with @body (a new
 * node or NULL, its strings wiped after) and answers through @call. */
void       fd_call_send         (FdApiClient        *self,
                                 const char         *method,
                                 char               *path,
                                 JsonNode           *body,
                                 Call               *call,
                                 gpointer            source_tag,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data);

/* Type *fd_api_client_NAME_finish (self, result, error) of the call
 * started by fd_api_client_NAME_async(). */
#define DEFINE_FINISH(Type, name)                                              \
  Type *                                                                       \
  fd_api_client_##name##_finish (FdApiClient   *self,                          \
                                 GAsyncResult  *result,                        \
                                 GError       **error)                         \
  {                                                                            \
    return fd_call_finish (self, result, fd_api_client_##name##_async, NULL, error); \
  }

#define UNPAREN(...) __VA_ARGS__

/* Defines void fd_api_client_NAME_async (PARAMS…, cancellable, callback,
 * user_data), whose task carries the source tag fd_api_client_TAG_async:
 * METHOD on the path PATH with the body BODY, answered through CALL. */
#define DEFINE_ASYNC_TAGGED(name, tag, params, method, path, body, call)       \
  void                                                                         \
  fd_api_client_##name##_async (UNPAREN params,                                \
                                GCancellable        *cancellable,              \
                                GAsyncReadyCallback  callback,                 \
                                gpointer             user_data)                \
  {                                                                            \
    fd_call_send (self, method, (path), (body), (call), fd_api_client_##tag##_async, \
               cancellable, callback, user_data);                             \
  }

#define DEFINE_ASYNC(name, params, method, path, body, call)                   \
  DEFINE_ASYNC_TAGGED (name, name, params, method, path, body, call)

/* A GET of a page of fd_THING records, finished by fd_api_client_NAME_finish(). */
#define DEFINE_PAGE_CALL(name, params, path, thing)                            \
  DEFINE_ASYNC (name, params, "GET", path, NULL,                               \
                fd_call_page ((FdRecordParseFunc) fd_##thing##_parse,             \
                           (GDestroyNotify) fd_##thing##_free))                \
  DEFINE_FINISH (FdPage, name)

G_END_DECLS
