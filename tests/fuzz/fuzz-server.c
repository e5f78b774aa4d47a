#define _GNU_SOURCE   /* memmem */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "fd-certs.h"
#include "fd-crypto.h"
#include "fd-seed.h"
#include "fd-server-private.h"
#include "fd-store-sqlite.h"
#include "fuzz-server.h"

#define FUZZ_RESIDENTS   40
#define EXCHANGE_LIMIT_S 300   /* at nice 19 on a busy machine a sign-in can take 30 s */

const char *const fuzz_roles[6] = {
  "reception", "patrol", "finance", "manager", "auditor", "admin",
};

static FdServer   *server;
static char       *data_dir;
static GHashTable *tokens;     /* role → token */

static void
remove_data_dir (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (data_dir == NULL || (dir = g_dir_open (data_dir, 0, NULL)) == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (data_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (data_dir);
}

void
fuzz_server_init (void)
{
  const char *hosts[] = { "127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdKeys) keys = NULL;
  g_autofree char *password = NULL;
  FdConfig *config;
  FdStore *store;

  if (server != NULL)
    return;

  /* In memory when it can: every answer waits for a commit (fsync). */
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
    {
      data_dir = g_build_filename ("/dev/shm", "fd-fuzz-XXXXXX", NULL);
      if (g_mkdtemp (data_dir) == NULL)
        g_clear_pointer (&data_dir, g_free);
    }
  if (data_dir == NULL)
    data_dir = g_dir_make_tmp ("fd-fuzz-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_data_dir);

  config = fd_config_new_defaults ();
  config->demo = TRUE;
  config->data_dir = g_strdup (data_dir);
  g_free (config->audit_witness);
  config->audit_witness = g_strdup ("off");
  fd_config_resolve_paths (config);

  if (!fd_crypto_init (&error) ||
      !fd_certs_ensure_demo (data_dir, hosts, &error) ||
      (keys = fd_keys_load (config->key_file, TRUE, &error)) == NULL ||
      (store = fd_store_sqlite_open (config->db_path, g_steal_pointer (&keys), &error)) == NULL)
    g_error ("fuzz: cannot make the office: %s", error->message);

  /* Nobody signs in with it: sessions are made in the store. */
  password = fd_random_token (24);
  if (!fd_seed_demo (store, FUZZ_RESIDENTS, 9, password, &error))
    g_error ("fuzz: cannot seed the office: %s", error->message);

  server = fd_server_new (config, store, &error);
  if (server == NULL)
    g_error ("fuzz: cannot start the server: %s", error->message);
  /* an off-hours window that is never now; inputs may switch it on */
  fuzz_server_set_off_hours (FALSE);
  tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
fuzz_server_set_off_hours (gboolean on)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  guint minute = g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now);

  /* An hour-long window around now, or one that starts in three hours. */
  if (on)
    {
      server->config->off_hours_start = (minute + 1440 - 30) % 1440;
      server->config->off_hours_end = (minute + 30) % 1440;
    }
  else
    {
      server->config->off_hours_start = (minute + 180) % 1440;
      server->config->off_hours_end = (minute + 240) % 1440;
    }
}

static gboolean
session_usable (FdStore    *store,
                const char *token)
{
  g_autofree char *hash = fd_sha256_hex (token, strlen (token));
  g_autoptr(FdSessionRecord) session = FD_STORE_CALL (store, session_by_token_hash, hash);
  g_autoptr(FdUserRecord) user = NULL;
  gint64 now = g_get_real_time ();

  if (session == NULL || session->end_reason != NULL || session->locked ||
      now >= session->expires_at ||
      now - session->last_seen > (gint64) server->config->idle_timeout_s * G_USEC_PER_SEC / 2)
    return FALSE;
  user = FD_STORE_CALL (store, user_by_id, session->user_id);
  return user != NULL && !user->disabled && user->locked_until == 0;
}

const char *
fuzz_server_token (const char *role)
{
  FdStore *store = server->store;
  const char *token = g_hash_table_lookup (tokens, role);
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  FdSessionRecord session = { 0 };
  gint64 now = g_get_real_time ();
  char *fresh;

  if (token != NULL && session_usable (store, token))
    return token;

  /* The demo account of each role is named after it. */
  user = FD_STORE_CALL (store, user_by_name, role);
  g_assert (user != NULL);
  if (user->disabled || user->locked_until != 0 || user->failed_logins != 0 ||
      g_strcmp0 (user->role, role) != 0)
    {
      user->disabled = FALSE;
      user->locked_until = 0;
      user->failed_logins = 0;
      g_free (user->role);
      user->role = g_strdup (role);
      if (!FD_STORE_CALL (store, user_update, user, &error))
        g_error ("fuzz: cannot restore %s: %s", role, error->message);
    }

  fresh = fd_random_token (32);
  session.token_hash = fd_sha256_hex (fresh, strlen (fresh));
  session.user_id = user->id;
  session.created_at = session.last_seen = now;
  session.expires_at = now + (gint64) server->config->max_age_s * G_USEC_PER_SEC;
  session.workstation = (char *) "fuzz";
  session.ip = (char *) "127.0.0.1";
  if (FD_STORE_CALL (store, session_insert, &session, &error) == 0)
    g_error ("fuzz: cannot make a session: %s", error->message);
  g_free (session.token_hash);
  g_hash_table_replace (tokens, g_strdup (role), fresh);
  return fresh;
}

typedef struct
{
  int         fd;
  GByteArray *answer;
  gboolean    closed;
} Peer;

static gboolean
peer_readable_cb (int          fd,
                  GIOCondition condition,
                  gpointer     data)
{
  Peer *peer = data;
  guint8 buffer[16384];
  ssize_t n = read (fd, buffer, sizeof buffer);

  if (n > 0)
    {
      g_byte_array_append (peer->answer, buffer, n);
      return G_SOURCE_CONTINUE;
    }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  peer->closed = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
limit_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* No answer may be a 500: bad input gets a clear 4xx (libsoup itself
 * answers 501 to an unknown transfer coding and 505 to HTTP/2.0; a held
 * commit or a full queue may say 503). */
static void
check_statuses (GByteArray *answer)
{
  const char *p = (const char *) answer->data;
  const char *end;

  if (answer->len == 0)
    return;
  end = p + answer->len;
  while (p < end)
    {
      const char *line = memmem (p, end - p, "HTTP/1.1 500", 12);
      if (line == NULL)
        break;
      if (line == (const char *) answer->data || line[-1] == '\n')
        {
          fprintf (stderr, "fuzz: the server answered %.12s\n", line);
          abort ();
        }
      p = line + 12;
    }
}

GBytes *
fuzz_server_exchange (const guint8 *data,
                      gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (loopback, 443);
  g_autoptr(GSocketAddress) remote = g_inet_socket_address_new (loopback, 50000);
  Peer peer = { 0 };
  gboolean timed_out = FALSE;
  guint watch, limit;
  gsize sent = 0;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    g_error ("fuzz: socketpair: %s", g_strerror (errno));
  if (!g_unix_set_fd_nonblocking (fds[1], TRUE, &error))
    g_error ("fuzz: %s", error->message);
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  if (!soup_server_accept_iostream (server->soup, G_IO_STREAM (connection), local, remote, &error))
    g_error ("fuzz: accept: %s", error->message);

  peer.fd = fds[1];
  peer.answer = g_byte_array_new ();
  watch = g_unix_fd_add (fds[1], G_IO_IN | G_IO_HUP | G_IO_ERR, peer_readable_cb, &peer);
  limit = g_timeout_add_seconds (EXCHANGE_LIMIT_S, limit_cb, &timed_out);

  while (!peer.closed && !timed_out)
    {
      if (sent < len)
        {
          ssize_t n = write (fds[1], data + sent, len - sent);
          if (n > 0)
            sent += n;
          else if (n < 0 && errno != EAGAIN && errno != EINTR)
            sent = len;   /* the server closed early (a refusal) */
          if (sent == len)
            shutdown (fds[1], SHUT_WR);
        }
      else if (len == 0 && sent == 0)
        {
          shutdown (fds[1], SHUT_WR);
          sent = 1;
        }
      g_main_context_iteration (NULL, sent >= len);
    }

  if (!peer.closed)
    g_source_remove (watch);
  if (!timed_out)
    g_source_remove (limit);
  close (fds[1]);
  /* let the server side finish closing */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (timed_out)
    {
      fprintf (stderr, "fuzz: no answer within %d s\n", EXCHANGE_LIMIT_S);
      abort ();
    }
  /* An input that froze the office (incident mode) would make every later
   * one a refusal: thaw it. */
  if (fd_incident_frozen (server) &&
      !FD_STORE_CALL (server->store, set_setting, "incident.frozen", "false", &error))
    g_error ("fuzz: cannot thaw the office: %s", error->message);

  if (g_getenv ("FD_FUZZ_VERBOSE") != NULL)
    fprintf (stderr, "%.*s\n", (int) MIN (peer.answer->len, 400), (const char *) peer.answer->data);
  check_statuses (peer.answer);
  return g_byte_array_free_to_bytes (peer.answer);
}

void
fuzz_append_query (GString      *out,
                   const guint8 *text,
                   gsize         len)
{
  static const char safe[] = "._~&=+,:;!*'()/@%-";

  for (gsize i = 0; i < len; i++)
    {
      if (g_ascii_isalnum (text[i]) || (text[i] != '\0' && strchr (safe, text[i]) != NULL))
        g_string_append_c (out, text[i]);
      else
        g_string_append_printf (out, "%%%02X", text[i]);
    }
}

GBytes *
fuzz_server_request (const char   *method,
                     const char   *target,
                     const char   *token,
                     const guint8 *body,
                     gsize         body_len)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autoptr(GString) head = g_string_new (NULL);

  g_string_append_printf (head, "%s /api/v1/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target);
  if (token != NULL)
    g_string_append_printf (head, "Authorization: Bearer %s\r\n", token);
  if (body != NULL)
    g_string_append_printf (head, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                            body_len);
  g_string_append (head, "Connection: close\r\n\r\n");
  g_byte_array_append (request, (const guint8 *) head->str, head->len);
  if (body != NULL)
    g_byte_array_append (request, body, body_len);
  return fuzz_server_exchange (request->data, request->len);
}

const char *
fuzz_server_begin (const guint8 *data,
                   guint         n_endpoints,
                   guint        *endpoint)
{
  guint role = data[0] & 7;

  fuzz_server_init ();
  fuzz_server_set_off_hours ((data[0] & 8) != 0);
  *endpoint = data[1] % n_endpoints;
  return role < G_N_ELEMENTS (fuzz_roles) ? fuzz_server_token (fuzz_roles[role]) : NULL;
}
