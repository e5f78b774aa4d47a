/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resident search results as a list model: paged by cursor, retried after an outage. */

#include "config.h"

#include "fd-resident-list-model.h"

#include "fd-view-util.h"

#include "fd-error.h"
#include "fd-validate.h"

#include <string.h>

#define PAGE_SIZE 25

/* ---- FdResidentItem ---------------------------------------------------- */

struct _FdResidentItem
{
  GObject       parent_instance;

  char         *id;
  FdFieldValue *name;
  FdFieldValue *room;
  FdFieldValue *phone;
  FdFieldValue *plates;
};

G_DEFINE_FINAL_TYPE (FdResidentItem, fd_resident_item, G_TYPE_OBJECT)

static void
fd_resident_item_finalize (GObject *object)
{
  FdResidentItem *self = FD_RESIDENT_ITEM (object);

  g_free (self->id);
  g_clear_pointer (&self->name, fd_field_value_free);
  g_clear_pointer (&self->room, fd_field_value_free);
  g_clear_pointer (&self->phone, fd_field_value_free);
  g_clear_pointer (&self->plates, fd_field_value_free);

  G_OBJECT_CLASS (fd_resident_item_parent_class)->finalize (object);
}

static void
fd_resident_item_class_init (FdResidentItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_resident_item_finalize;
}

static void
fd_resident_item_init (FdResidentItem *self)
{
}

const char *
fd_resident_item_get_id (FdResidentItem *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_ITEM (self), NULL);
  return self->id;
}

const FdFieldValue *
fd_resident_item_get_name (FdResidentItem *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_ITEM (self), NULL);
  return self->name;
}

const FdFieldValue *
fd_resident_item_get_room (FdResidentItem *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_ITEM (self), NULL);
  return self->room;
}

const FdFieldValue *
fd_resident_item_get_phone (FdResidentItem *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_ITEM (self), NULL);
  return self->phone;
}

const FdFieldValue *
fd_resident_item_get_plates (FdResidentItem *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_ITEM (self), NULL);
  return self->plates;
}

/* ---- FdResidentListModel ----------------------------------------------- */

struct _FdResidentListModel
{
  GObject       parent_instance;

  FdApiClient  *api;
  GPtrArray    *rows;        /* FdResident */
  char         *query;
  char         *cursor;      /* next_cursor of the last page, or NULL */
  GCancellable *cancellable; /* of the current query and its pages */
  gboolean      loading;
  gboolean      replace_pending;  /* the next answer is a first page */
  gboolean      failed;           /* the last query or page failed */
  guint         page_size;
  /* issue 14: a query that failed for a passing reason runs again */
  guint         retry_id;
  guint         retry_delay_s;
};

#define RETRY_FIRST_S 2
#define RETRY_MAX_S   30

static void schedule_retry (FdResidentListModel *self,
                            const GError        *error);

static void fd_resident_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FdResidentListModel, fd_resident_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      fd_resident_list_model_iface_init))

enum {
  PROP_0,
  PROP_QUERY,
  PROP_LOADING,
  PROP_HAS_MORE,
  N_PROPS
};

enum {
  FAILED,
  UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GType
fd_resident_list_model_get_item_type (GListModel *model)
{
  return FD_TYPE_RESIDENT_ITEM;
}

static guint
fd_resident_list_model_get_n_items (GListModel *model)
{
  return FD_RESIDENT_LIST_MODEL (model)->rows->len;
}

static gpointer
fd_resident_list_model_get_item (GListModel *model,
                                 guint       position)
{
  FdResidentListModel *self = FD_RESIDENT_LIST_MODEL (model);
  FdResidentItem *item;
  const FdResident *row;

  if (position >= self->rows->len)
    return NULL;

  row = g_ptr_array_index (self->rows, position);
  item = g_object_new (FD_TYPE_RESIDENT_ITEM, NULL);
  item->id = g_strdup (row->id);
  item->name = row->name ? fd_field_value_copy (row->name) : NULL;
  item->room = row->room ? fd_field_value_copy (row->room) : NULL;
  item->phone = row->phone ? fd_field_value_copy (row->phone) : NULL;
  item->plates = fd_resident_join_plates (row);

  return item;
}

static void
fd_resident_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fd_resident_list_model_get_item_type;
  iface->get_n_items = fd_resident_list_model_get_n_items;
  iface->get_item = fd_resident_list_model_get_item;
}

static void
set_loading (FdResidentListModel *self,
             gboolean             loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_cursor (FdResidentListModel *self,
            const char          *cursor)
{
  gboolean had = self->cursor != NULL;

  g_free (self->cursor);
  self->cursor = g_strdup (cursor);
  if (had != (self->cursor != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

static guint
append_items (FdResidentListModel *self,
              FdPage              *page)
{
  guint added = page->items->len;

  for (guint i = 0; i < added; i++)
    g_ptr_array_add (self->rows, g_steal_pointer (&page->items->pdata[i]));
  g_ptr_array_set_size (page->items, 0);
  return added;
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdResidentListModel) self = user_data;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  guint old_n, added;

  page = fd_api_client_search_residents_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);

  if (page == NULL)
    {
      self->failed = TRUE;
      schedule_retry (self, error);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }
  self->retry_delay_s = 0;

  old_n = self->rows->len;
  if (self->replace_pending)
    {
      self->replace_pending = FALSE;
      g_ptr_array_set_size (self->rows, 0);
      added = append_items (self, page);
      set_cursor (self, page->next_cursor);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, added);
    }
  else
    {
      added = append_items (self, page);
      set_cursor (self, page->next_cursor);
      if (added > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, added);
    }

  g_signal_emit (self, signals[UPDATED], 0);
}

static void
fetch (FdResidentListModel *self,
       const char          *cursor)
{
  self->failed = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_loading (self, TRUE);
  fd_api_client_search_residents_async (self->api, self->query, self->page_size, cursor,
                                        self->cancellable, page_cb, g_object_ref (self));
}

static void
cancel_pending (FdResidentListModel *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_delay_s = 0;
  fd_view_cancel (&self->cancellable);
  set_loading (self, FALSE);
}

void
fd_resident_list_model_clear (FdResidentListModel *self)
{
  guint old_n;

  g_return_if_fail (FD_IS_RESIDENT_LIST_MODEL (self));

  cancel_pending (self);
  set_cursor (self, NULL);
  old_n = self->rows->len;
  g_ptr_array_set_size (self->rows, 0);
  if (old_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
}

void
fd_resident_list_model_set_query (FdResidentListModel *self,
                                  const char          *query)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (FD_IS_RESIDENT_LIST_MODEL (self));

  /* Full-width digits and letters from an input method count as ASCII. */
  normalized = fd_input_normalize (query ? query : "", FALSE);
  if (normalized == NULL)
    normalized = g_strdup ("");

  if (g_strcmp0 (self->query, normalized) == 0)
    return;

  cancel_pending (self);
  set_cursor (self, NULL);
  g_clear_pointer (&self->query, fd_secret_free);
  self->query = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);

  if (*self->query == '\0')
    {
      self->replace_pending = FALSE;
      fd_resident_list_model_clear (self);
      g_signal_emit (self, signals[UPDATED], 0);
      return;
    }

  self->cancellable = g_cancellable_new ();
  self->replace_pending = TRUE;
  fetch (self, NULL);
}

const char *
fd_resident_list_model_get_query (FdResidentListModel *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_LIST_MODEL (self), NULL);
  return self->query ? self->query : "";
}

void
fd_resident_list_model_load_more (FdResidentListModel *self)
{
  g_return_if_fail (FD_IS_RESIDENT_LIST_MODEL (self));

  if (self->loading || self->cursor == NULL || self->query == NULL || *self->query == '\0')
    return;

  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  fetch (self, self->cursor);
}

void
fd_resident_list_model_set_page_size (FdResidentListModel *self,
                                      guint                page_size)
{
  g_return_if_fail (FD_IS_RESIDENT_LIST_MODEL (self));

  self->page_size = CLAMP (page_size, 1, 100);
}

gboolean
fd_resident_list_model_get_loading (FdResidentListModel *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_LIST_MODEL (self), FALSE);
  return self->loading;
}

gboolean
fd_resident_list_model_get_has_more (FdResidentListModel *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_LIST_MODEL (self), FALSE);
  return self->cursor != NULL;
}

static void
fd_resident_list_model_dispose (GObject *object)
{
  FdResidentListModel *self = FD_RESIDENT_LIST_MODEL (object);

  cancel_pending (self);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_resident_list_model_parent_class)->dispose (object);
}

static void
fd_resident_list_model_finalize (GObject *object)
{
  FdResidentListModel *self = FD_RESIDENT_LIST_MODEL (object);

  g_ptr_array_unref (self->rows);
  g_clear_pointer (&self->query, fd_secret_free);
  g_free (self->cursor);

  G_OBJECT_CLASS (fd_resident_list_model_parent_class)->finalize (object);
}

static void
fd_resident_list_model_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  FdResidentListModel *self = FD_RESIDENT_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_QUERY:
      g_value_set_string (value, fd_resident_list_model_get_query (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_HAS_MORE:
      g_value_set_boolean (value, self->cursor != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_resident_list_model_class_init (FdResidentListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_resident_list_model_dispose;
  object_class->finalize = fd_resident_list_model_finalize;
  object_class->get_property = fd_resident_list_model_get_property;

  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MORE] =
    g_param_spec_boolean ("has-more", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[UPDATED] = fd_view_add_signal (klass, "updated");
}

static void
fd_resident_list_model_init (FdResidentListModel *self)
{
  self->page_size = PAGE_SIZE;
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_resident_free);
}

static void
fetch_again (FdResidentListModel *self)
{
  if (!self->failed || self->loading || self->query == NULL || *self->query == '\0')
    return;

  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  fetch (self, self->replace_pending ? NULL : self->cursor);
}

/* The server is back after an outage: a query or page that failed runs
 * again, so the search recovers without being typed again. */
static void
reachable_cb (FdResidentListModel *self)
{
  if (fd_api_client_get_reachable (self->api))
    fetch_again (self);
}

static gboolean
retry_cb (gpointer user_data)
{
  FdResidentListModel *self = user_data;

  self->retry_id = 0;
  fetch_again (self);
  return G_SOURCE_REMOVE;
}

/* A failure that passes (no answer, 503 while the server restarts or is
 * busy, 500) tries again by itself, backing off: the server may be back
 * before anything else of this app notices (issue 14). */
static void
schedule_retry (FdResidentListModel *self,
                const GError        *error)
{
  if (!g_error_matches (error, FD_ERROR, FD_ERROR_NETWORK) &&
      !g_error_matches (error, FD_ERROR, FD_ERROR_UNAVAILABLE) &&
      !g_error_matches (error, FD_ERROR, FD_ERROR_INTERNAL))
    return;

  self->retry_delay_s = self->retry_delay_s == 0
                        ? RETRY_FIRST_S : MIN (self->retry_delay_s * 2, RETRY_MAX_S);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->retry_delay_s, retry_cb, self);
}

FdResidentListModel *
fd_resident_list_model_new (FdApiClient *api)
{
  FdResidentListModel *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_RESIDENT_LIST_MODEL, NULL);
  self->api = g_object_ref (api);
  g_signal_connect_object (api, "notify::reachable", G_CALLBACK (reachable_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}
