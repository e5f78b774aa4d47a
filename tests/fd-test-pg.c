/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helper: a throwaway PostgreSQL cluster per test process (issue 11). */

#include "config.h"

#include "fd-test-pg.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SUPERUSER       "fdtest"
#define START_TIMEOUT_S 60
#define PORT_ATTEMPTS   5

typedef struct
{
  char    *dir;          /* everything: data/, sock/, the certificate, the log */
  char    *data_dir;
  char    *socket_dir;
  char    *root_cert;
  char    *log_path;
  char    *key_path;     /* a standby uses its primary's certificate and key */
  GPtrArray *settings;   /* "name=value" after the harness's own; NULL: none */
  guint16  port;
  GPid     postmaster;
  int      reaper_fd;    /* the reaper's stdin; -1 when none */
  guint    databases;
} Cluster;

/* The cluster's user when the test runs as root; uid -1 otherwise. */
typedef struct
{
  uid_t uid;
  gid_t gid;
} RunAs;

static Cluster *cluster;
/* The clusters of primary/standby pairs, stopped at exit too. */
static GPtrArray *pair_clusters;
static RunAs run_as = { (uid_t) -1, (gid_t) -1 };

gboolean
fd_test_store_is_postgresql (void)
{
  return g_strcmp0 (g_getenv ("FD_TEST_STORE"), "postgresql") == 0;
}

gboolean
fd_test_skip_unless_sqlite (const char *why)
{
  if (!fd_test_store_is_postgresql ())
    return FALSE;
  g_test_skip (why);
  return TRUE;
}

static gboolean
has_initdb (const char *dir)
{
  g_autofree char *initdb = g_build_filename (dir, "initdb", NULL);
  g_autofree char *postgres = g_build_filename (dir, "postgres", NULL);

  return g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE)
         && g_file_test (postgres, G_FILE_TEST_IS_EXECUTABLE);
}

static char *
find_bindir (void)
{
  const char *env = g_getenv ("FD_TEST_PG_BINDIR");
  g_autofree char *out = NULL;
  g_autoptr(GDir) versions = NULL;
  g_autofree char *best = NULL;
  guint64 best_version = 0;
  const char *name;

  if (env != NULL && *env != '\0')
    {
      if (!has_initdb (env))
        g_error ("FD_TEST_PG_BINDIR=%s holds no initdb and postgres", env);
      return g_strdup (env);
    }

  /* pg_config (libpq-dev) names the server's bindir on Debian. */
  if (g_spawn_command_line_sync ("pg_config --bindir", &out, NULL, NULL, NULL) && out != NULL)
    {
      g_strstrip (out);
      if (has_initdb (out))
        return g_steal_pointer (&out);
    }

  versions = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (versions != NULL && (name = g_dir_read_name (versions)) != NULL)
    {
      g_autofree char *bin = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
      guint64 version = 0;

      if (g_ascii_string_to_unsigned (name, 10, 1, 1000, &version, NULL)
          && version > best_version && has_initdb (bin))
        {
          best_version = version;
          g_free (best);
          best = g_steal_pointer (&bin);
        }
    }
  if (best != NULL)
    return g_steal_pointer (&best);

  {
    g_autofree char *initdb = g_find_program_in_path ("initdb");

    if (initdb != NULL)
      {
        g_autofree char *dir = g_path_get_dirname (initdb);

        if (has_initdb (dir))
          return g_steal_pointer (&dir);
      }
  }
  g_error ("no PostgreSQL server binaries (initdb, postgres): install them with "
           "build-aux/setup-debian.sh (packages postgresql, libpq-dev) or set "
           "FD_TEST_PG_BINDIR");
  return NULL;
}

const char *
fd_test_pg_bindir (void)
{
  static char *bindir;

  if (bindir == NULL)
    bindir = find_bindir ();
  return bindir;
}

/* PostgreSQL refuses root: pick the unprivileged user it runs as. */
static void
choose_user (void)
{
  const char *name = g_getenv ("FD_TEST_PG_USER");
  struct passwd *pw;

  if (geteuid () != 0)
    return;
  if (name == NULL || *name == '\0')
    name = "nobody";
  pw = getpwnam (name);
  if (pw == NULL)
    g_error ("the test runs as root and PostgreSQL refuses root, but there is no user %s "
             "to run it as (set FD_TEST_PG_USER)", name);
  if (pw->pw_uid == 0)
    g_error ("FD_TEST_PG_USER=%s is root: PostgreSQL refuses to run as root", name);
  run_as.uid = pw->pw_uid;
  run_as.gid = pw->pw_gid;
}

/* In the child, before exec: become the cluster's user (when root). */
static void
drop_privileges (void)
{
  if (run_as.uid == (uid_t) -1)
    return;
  if (setgroups (0, NULL) != 0 || setgid (run_as.gid) != 0 || setuid (run_as.uid) != 0)
    _exit (126);
}

static void
initdb_child_setup (gpointer user_data)
{
  drop_privileges ();
}

static void
postmaster_child_setup (gpointer user_data)
{
  pid_t parent = (pid_t) GPOINTER_TO_INT (user_data);

  /* Its own session: a killpg of the test's group (meson's timeout) does
   * not reach it half-way; it goes with the test instead (below). */
  setsid ();
  drop_privileges ();
  /* After setuid, which clears it: SIGQUIT is an immediate shutdown. */
  prctl (PR_SET_PDEATHSIG, SIGQUIT);
  if (getppid () != parent)
    _exit (1);
}

static void
reaper_child_setup (gpointer user_data)
{
  setsid ();
}

/* The directory must be reachable by the cluster's user: every ancestor
 * searchable by others when that user is not us. */
static const char *
tmp_parent (void)
{
  const char *tmp = g_get_tmp_dir ();
  g_autofree char *dir = g_strdup (tmp);

  if (run_as.uid == (uid_t) -1)
    return tmp;
  while (strcmp (dir, "/") != 0 && strcmp (dir, ".") != 0)
    {
      struct stat st;
      char *parent;

      if (stat (dir, &st) != 0 || (st.st_mode & S_IXOTH) == 0)
        return "/tmp";
      parent = g_path_get_dirname (dir);
      g_free (dir);
      dir = parent;
    }
  return tmp;
}

static void
give_to_cluster_user (const char *path)
{
  if (run_as.uid != (uid_t) -1 && chown (path, run_as.uid, run_as.gid) != 0)
    g_error ("cannot hand %s to the PostgreSQL user: %s", path, g_strerror (errno));
}

/* Runs @argv to the end; aborts with its output when it fails. */
static void
run_or_die (const char * const *argv,
            gboolean            as_cluster_user)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync ("/", (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                     as_cluster_user ? initdb_child_setup : NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed (%s):\n%s%s", argv[0], error->message, out, err);
}

static void
make_certificate (Cluster *self)
{
  g_autofree char *key = g_build_filename (self->dir, "server.key", NULL);
  g_autofree char *san = g_strdup ("subjectAltName=IP:127.0.0.1");
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "3", "-subj", "/CN=127.0.0.1", "-addext", san,
    "-keyout", key, "-out", self->root_cert, NULL
  };

  run_or_die (argv, FALSE);
  /* postgres wants its key private to its user */
  if (chmod (key, 0600) != 0)
    g_error ("chmod %s: %s", key, g_strerror (errno));
  give_to_cluster_user (key);
  give_to_cluster_user (self->root_cert);
}

static void
write_hba (Cluster *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, "pg_hba.conf", NULL);
  g_autoptr(GError) error = NULL;
  /* The private socket trusts (only the test and the cluster's user reach
   * it); TCP needs TLS and a password, as a company's server would. */
  const char *hba = "local all all trust\n"
                    "local replication all trust\n"
                    "hostssl all all 127.0.0.1/32 scram-sha-256\n";

  if (!g_file_set_contents (path, hba, -1, &error))
    g_error ("cannot write pg_hba.conf: %s", error->message);
  give_to_cluster_user (path);
}

static void
init_cluster (Cluster *self)
{
  g_autofree char *initdb = g_build_filename (fd_test_pg_bindir (), "initdb", NULL);
  g_autofree char *template = NULL;
  const char *argv[] = {
    initdb, "-D", NULL, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale",
    "--no-sync", "--no-instructions", NULL
  };

  template = g_build_filename (tmp_parent (), "fd-test-pg-XXXXXX", NULL);
  if (g_mkdtemp (template) == NULL)
    g_error ("cannot make a directory for PostgreSQL: %s", g_strerror (errno));
  self->dir = g_steal_pointer (&template);
  self->data_dir = g_build_filename (self->dir, "data", NULL);
  self->socket_dir = g_build_filename (self->dir, "sock", NULL);
  self->root_cert = g_build_filename (self->dir, "server.crt", NULL);
  self->log_path = g_build_filename (self->dir, "postgres.log", NULL);
  self->key_path = g_build_filename (self->dir, "server.key", NULL);
  if (g_mkdir (self->socket_dir, 0700) != 0)
    g_error ("mkdir %s: %s", self->socket_dir, g_strerror (errno));
  give_to_cluster_user (self->dir);
  give_to_cluster_user (self->socket_dir);

  argv[2] = self->data_dir;
  run_or_die (argv, TRUE);
  write_hba (self);
  make_certificate (self);
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                        G_SOCKET_PROTOCOL_TCP, &error);
  if (probe == NULL || !g_socket_bind (probe, any, FALSE, &error)
      || (bound = g_socket_get_local_address (probe, &error)) == NULL)
    g_error ("cannot find a free port: %s", error->message);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static char *
superuser_conninfo (Cluster    *self,
                    const char *dbname)
{
  return g_strdup_printf ("host=%s port=%u user=" SUPERUSER " dbname=%s connect_timeout=10",
                          self->socket_dir, self->port, dbname);
}

static char *
log_tail (Cluster *self)
{
  g_autofree char *log = NULL;
  gsize length = 0;

  if (!g_file_get_contents (self->log_path, &log, &length, NULL))
    return g_strdup ("(no log)");
  return g_strdup (length > 4000 ? log + length - 4000 : log);
}

/* Starts postgres on a new port; FALSE when the port was taken meanwhile. */
static gboolean
start_postmaster (Cluster *self)
{
  g_autofree char *postgres = g_build_filename (fd_test_pg_bindir (), "postgres", NULL);
  g_autofree char *port = NULL;
  g_autofree char *sock = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *conninfo = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) extra = NULL;
  gint64 deadline;
  int log_fd;

  self->port = free_port ();
  port = g_strdup_printf ("%u", self->port);
  sock = g_strdup_printf ("unix_socket_directories=%s", self->socket_dir);
  cert = g_strdup_printf ("ssl_cert_file=%s", self->root_cert);
  key = g_strdup_printf ("ssl_key_file=%s", self->key_path);
  {
    /* fsync and friends only matter to a power cut; max_connections leaves
     * room for several servers with their pools at once. */
    const char *argv[] = {
      postgres, "-D", self->data_dir, "-p", port,
      "-c", "listen_addresses=127.0.0.1", "-c", sock, "-c", "unix_socket_permissions=0700",
      "-c", "ssl=on", "-c", cert, "-c", key,
      "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
      "-c", "max_connections=300", "-c", "shared_buffers=64MB",
      "-c", "logging_collector=off", "-c", "log_min_messages=warning",
      NULL
    };

    /* $FD_TEST_PG_SETTINGS: "name=value …" after these (the last one
     * wins), e.g. fsync=on for a benchmark that must pay for durability */
    for (guint i = 0; argv[i] != NULL; i++)
      g_ptr_array_add (args, (char *) argv[i]);
    for (guint i = 0; self->settings != NULL && i < self->settings->len; i++)
      {
        g_ptr_array_add (args, (char *) "-c");
        g_ptr_array_add (args, g_ptr_array_index (self->settings, i));
      }
    extra = g_strsplit (g_getenv ("FD_TEST_PG_SETTINGS") ? g_getenv ("FD_TEST_PG_SETTINGS") : "",
                        " ", -1);
    for (guint i = 0; extra[i] != NULL; i++)
      if (*extra[i] != '\0')
        {
          g_ptr_array_add (args, (char *) "-c");
          g_ptr_array_add (args, extra[i]);
        }
    g_ptr_array_add (args, NULL);

    log_fd = open (self->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0)
      g_error ("cannot open %s: %s", self->log_path, g_strerror (errno));
    if (!g_spawn_async_with_pipes_and_fds (self->dir, (const char * const *) args->pdata, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD, postmaster_child_setup,
                                           GINT_TO_POINTER (getpid ()), -1, log_fd, log_fd,
                                           NULL, NULL, 0, &self->postmaster, NULL, NULL,
                                           NULL, &error))
      g_error ("cannot start %s: %s", postgres, error->message);
    close (log_fd);
  }

  conninfo = superuser_conninfo (self, "postgres");
  deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;
  for (;;)
    {
      int status;

      if (PQping (conninfo) == PQPING_OK)
        return TRUE;
      if (waitpid (self->postmaster, &status, WNOHANG) == self->postmaster)
        {
          g_autofree char *tail = log_tail (self);

          self->postmaster = 0;
          if (strstr (tail, "could not bind") != NULL
              || strstr (tail, "could not create any TCP/IP sockets") != NULL)
            return FALSE;
          g_error ("postgres stopped before accepting connections; its log ends:\n%s", tail);
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *tail = log_tail (self);

          g_error ("postgres accepted no connection within %d s; its log ends:\n%s",
                   START_TIMEOUT_S, tail);
        }
      g_usleep (50 * 1000);
    }
}

/* A shell that waits for our end of its stdin to close: when we die
 * without running the atexit handler (an abort, a SIGKILL) it stops the
 * postmaster and removes the directory. "done" on stdin dismisses it. */
static void
start_reaper (Cluster *self)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) self->postmaster);
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    "/bin/sh", "-c",
    "trap '' HUP INT TERM; read -r word; [ \"$word\" = done ] && exit 0; "
    "kill -QUIT \"$1\" 2>/dev/null; i=0; "
    "while kill -0 \"$1\" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
    "rm -rf \"$2\"",
    "fd-test-pg-reaper", pid, self->dir, NULL
  };
  int null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);

  if (!g_spawn_async_with_pipes_and_fds ("/", argv, NULL, G_SPAWN_CLOEXEC_PIPES,
                                         reaper_child_setup, NULL, -1, null_fd, null_fd,
                                         NULL, NULL, 0, NULL, &self->reaper_fd, NULL, NULL,
                                         &error))
    g_error ("cannot start the PostgreSQL reaper: %s", error->message);
  close (null_fd);
}

static void
cluster_free (Cluster *self)
{
  if (self->postmaster > 0)
    {
      /* pg_ctl stop -m immediate, by PID */
      kill (self->postmaster, SIGQUIT);
      while (waitpid (self->postmaster, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  {
    const char *argv[] = { "rm", "-rf", self->dir, NULL };

    g_spawn_sync ("/", (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                  NULL, NULL);
  }
  if (self->reaper_fd >= 0)
    {
      G_GNUC_UNUSED ssize_t written = write (self->reaper_fd, "done\n", 5);

      close (self->reaper_fd);
    }
  g_free (self->dir);
  g_free (self->data_dir);
  g_free (self->socket_dir);
  g_free (self->root_cert);
  g_free (self->log_path);
  g_free (self->key_path);
  g_clear_pointer (&self->settings, g_ptr_array_unref);
  g_free (self);
}

void
fd_test_pg_stop (void)
{
  Cluster *self = cluster;

  if (self == NULL)
    return;
  cluster = NULL;
  cluster_free (self);
}

static void
stop_at_exit (void)
{
  /* Only the process that started it (not a forked child that exits). */
  static pid_t owner;

  if (owner == 0)
    owner = getpid ();
  else if (owner == getpid ())
    {
      fd_test_pg_stop ();
      while (pair_clusters != NULL && pair_clusters->len > 0)
        cluster_free (g_ptr_array_steal_index (pair_clusters, pair_clusters->len - 1));
    }
}

static void
register_stop_at_exit (void)
{
  static gboolean registered;

  if (!registered)
    {
      stop_at_exit ();   /* records the owner */
      atexit (stop_at_exit);
      registered = TRUE;
    }
  choose_user ();
}

static void
start_cluster (Cluster *self)
{
  for (guint attempt = 0; !start_postmaster (self); attempt++)
    if (attempt + 1 >= PORT_ATTEMPTS)
      g_error ("postgres could not bind a free port in %d attempts", PORT_ATTEMPTS);
  start_reaper (self);
}

static Cluster *
get_cluster (void)
{
  if (cluster != NULL)
    return cluster;

  register_stop_at_exit ();
  cluster = g_new0 (Cluster, 1);
  cluster->reaper_fd = -1;
  init_cluster (cluster);
  start_cluster (cluster);
  return cluster;
}

static PGconn *
connect_or_die (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect to the test PostgreSQL: %s", PQerrorMessage (conn));
  return conn;
}

static void
exec_or_die (PGconn     *conn,
             const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("test PostgreSQL: %s failed: %s", sql, PQerrorMessage (conn));
  PQclear (result);
}

/* A new database and its owner in @self; "host=… port=… " of the owner's
 * connection string is @hosts (NULL: @self's own). */
static char *
new_database_in (Cluster    *self,
                 const char *hosts)
{
  g_autofree char *own_hosts = NULL;
  g_autofree char *conninfo = superuser_conninfo (self, "postgres");
  g_autofree char *password = NULL;
  g_autofree char *role = NULL;
  g_autofree char *create_role = NULL;
  g_autofree char *create_database = NULL;
  guint32 salt[4];
  PGconn *conn;
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (salt); i++)
    salt[i] = g_random_int ();
  password = g_strdup_printf ("%08x%08x%08x%08x", salt[0], salt[1], salt[2], salt[3]);
  n = ++self->databases;
  role = g_strdup_printf ("fd_owner_%u", n);
  create_role = g_strdup_printf ("CREATE ROLE %s LOGIN CREATEROLE NOSUPERUSER NOCREATEDB "
                                 "PASSWORD '%s'", role, password);
  /* FILE_COPY of the tiny template0: no WAL for the copy, and fsync is off */
  create_database = g_strdup_printf ("CREATE DATABASE fd_%u OWNER %s TEMPLATE template0 "
                                     "STRATEGY FILE_COPY", n, role);

  conn = connect_or_die (conninfo);
  exec_or_die (conn, create_role);
  exec_or_die (conn, create_database);
  PQfinish (conn);
  explicit_bzero (create_role, strlen (create_role));

  if (hosts == NULL)
    hosts = own_hosts = g_strdup_printf ("host=127.0.0.1 port=%u", self->port);
  return g_strdup_printf ("%s dbname=fd_%u user=%s password=%s "
                          "sslmode=verify-full sslrootcert=%s connect_timeout=10",
                          hosts, n, role, password, self->root_cert);
}

char *
fd_test_pg_new_database (void)
{
  return new_database_in (get_cluster (), NULL);
}

static char *
superuser_conninfo_for (Cluster    *self,
                        const char *conninfo)
{
  g_autofree char *dbname = NULL;
  PQconninfoOption *options;
  char *error = NULL;

  options = PQconninfoParse (conninfo, &error);
  if (options == NULL)
    g_error ("cannot parse a connection string: %s", error != NULL ? error : "no memory");
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (strcmp (o->keyword, "dbname") == 0 && o->val != NULL)
      dbname = g_strdup (o->val);
  PQconninfoFree (options);
  if (dbname == NULL)
    g_error ("the connection string names no database");
  return superuser_conninfo (self, dbname);
}

char *
fd_test_pg_superuser_conninfo (const char *conninfo)
{
  return superuser_conninfo_for (get_cluster (), conninfo);
}

guint
fd_test_pg_tamper (const char *conninfo,
                   const char *sql)
{
  g_autofree char *super = fd_test_pg_superuser_conninfo (conninfo);
  PGconn *conn = connect_or_die (super);
  PGresult *result = PQexec (conn, sql);
  guint changed;

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("test PostgreSQL: %s failed: %s", sql, PQerrorMessage (conn));
  changed = (guint) g_ascii_strtoull (PQcmdTuples (result), NULL, 10);
  PQclear (result);
  PQfinish (conn);
  return changed;
}

char *
fd_test_pg_query_value (const char *conninfo,
                        const char *sql)
{
  PGconn *conn = connect_or_die (conninfo);
  PGresult *result = PQexec (conn, sql);
  char *value = NULL;

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("test PostgreSQL: %s failed: %s", sql, PQerrorMessage (conn));
  if (PQntuples (result) > 0 && PQnfields (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  PQfinish (conn);
  return value;
}

/* --- A primary and its synchronous standby (issue 16, failover) --- */

#define STANDBY_NAME "fdstandby"

struct _FdTestPgPair
{
  Cluster *primary;   /* the cluster that takes writes now */
  Cluster *standby;   /* NULL once promoted */
  Cluster *killed;    /* the primary fd_test_pg_pair_kill_primary() killed */
  char    *hosts;     /* "host=127.0.0.1,127.0.0.1 port=P,S" */
};

static void
add_setting (Cluster    *self,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_setting (Cluster    *self,
             const char *format,
             ...)
{
  va_list args;

  if (self->settings == NULL)
    self->settings = g_ptr_array_new_with_free_func (g_free);
  va_start (args, format);
  g_ptr_array_add (self->settings, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
track_pair_cluster (Cluster *self)
{
  if (pair_clusters == NULL)
    pair_clusters = g_ptr_array_new ();
  g_ptr_array_add (pair_clusters, self);
}

static void
untrack_and_free (Cluster *self)
{
  if (self == NULL)
    return;
  g_ptr_array_remove (pair_clusters, self);
  cluster_free (self);
}

/* A copy of @primary by pg_basebackup, streaming from it under the name
 * the primary's synchronous_standby_names waits for. */
static Cluster *
new_standby (Cluster *primary)
{
  Cluster *self = g_new0 (Cluster, 1);
  g_autofree char *basebackup = g_build_filename (fd_test_pg_bindir (), "pg_basebackup", NULL);
  g_autofree char *source = NULL;
  g_autofree char *template = g_build_filename (tmp_parent (), "fd-test-pg-standby-XXXXXX",
                                                NULL);

  self->reaper_fd = -1;
  if (g_mkdtemp (template) == NULL)
    g_error ("cannot make a directory for the PostgreSQL standby: %s", g_strerror (errno));
  self->dir = g_steal_pointer (&template);
  self->data_dir = g_build_filename (self->dir, "data", NULL);
  self->socket_dir = g_build_filename (self->dir, "sock", NULL);
  self->log_path = g_build_filename (self->dir, "postgres.log", NULL);
  /* one certificate for both: a multi-host connection string has one sslrootcert */
  self->root_cert = g_strdup (primary->root_cert);
  self->key_path = g_strdup (primary->key_path);
  if (g_mkdir (self->socket_dir, 0700) != 0)
    g_error ("mkdir %s: %s", self->socket_dir, g_strerror (errno));
  give_to_cluster_user (self->dir);
  give_to_cluster_user (self->socket_dir);

  source = g_strdup_printf ("host=%s port=%u user=" SUPERUSER " application_name=" STANDBY_NAME,
                            primary->socket_dir, primary->port);
  {
    /* -R: standby.signal; a slot keeps the primary's WAL until the standby streams it */
    const char *argv[] = {
      basebackup, "-D", self->data_dir, "-d", source, "-X", "stream", "-R", "--no-sync",
      "-C", "-S", STANDBY_NAME, "-c", "fast", NULL
    };

    run_or_die (argv, TRUE);
  }
  add_setting (self, "primary_conninfo=%s", source);
  add_setting (self, "primary_slot_name=" STANDBY_NAME);
  add_setting (self, "hot_standby=on");
  /* between two tries to read WAL after the primary went (5 s by
   * default): a promotion waits for the end of that pause */
  add_setting (self, "wal_retrieve_retry_interval=250ms");
  return self;
}

/* Waits until the primary counts the standby as synchronous. */
static void
wait_for_sync (Cluster *primary)
{
  g_autofree char *conninfo = superuser_conninfo (primary, "postgres");
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *state = fd_test_pg_query_value (conninfo,
                                                       "SELECT sync_state FROM pg_stat_replication "
                                                       "WHERE application_name = '" STANDBY_NAME "'");

      if (g_strcmp0 (state, "sync") == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *tail = log_tail (primary);

          g_error ("the standby did not become synchronous within %d s (state %s); the "
                   "primary's log ends:\n%s", START_TIMEOUT_S, state ? state : "none", tail);
        }
      g_usleep (50 * 1000);
    }
}

FdTestPgPair *
fd_test_pg_pair_start (void)
{
  FdTestPgPair *pair = g_new0 (FdTestPgPair, 1);
  Cluster *primary;

  register_stop_at_exit ();
  primary = g_new0 (Cluster, 1);
  primary->reaper_fd = -1;
  track_pair_cluster (primary);
  init_cluster (primary);
  /* a commit returns once the standby has the WAL on disk: what a
   * client was told is stored survives the primary */
  add_setting (primary, "synchronous_standby_names=" STANDBY_NAME);
  add_setting (primary, "synchronous_commit=on");
  add_setting (primary, "wal_level=replica");
  start_cluster (primary);

  pair->standby = new_standby (primary);
  track_pair_cluster (pair->standby);
  start_cluster (pair->standby);
  wait_for_sync (primary);

  pair->primary = primary;
  pair->hosts = g_strdup_printf ("host=127.0.0.1,127.0.0.1 port=%u,%u "
                                 "target_session_attrs=read-write",
                                 primary->port, pair->standby->port);
  return pair;
}

char *
fd_test_pg_pair_new_database (FdTestPgPair *pair)
{
  g_return_val_if_fail (pair->killed == NULL, NULL);
  /* the role and the database reach the standby with the WAL */
  return new_database_in (pair->primary, pair->hosts);
}

char *
fd_test_pg_pair_superuser_conninfo (FdTestPgPair *pair,
                                    const char   *conninfo)
{
  return superuser_conninfo_for (pair->primary, conninfo);
}

/* The postmaster's children (each its own process group: PostgreSQL's
 * children call setsid), read from /proc. */
static GArray *
children_of (pid_t parent)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *close_paren;
      guint64 pid;
      int ppid = 0;

      if (!g_ascii_string_to_unsigned (name, 10, 1, G_MAXINT, &pid, NULL))
        continue;
      path = g_strdup_printf ("/proc/%s/stat", name);
      if (!g_file_get_contents (path, &stat, NULL, NULL)
          || (close_paren = strrchr (stat, ')')) == NULL)
        continue;
      /* "pid (comm) state ppid …" */
      if (sscanf (close_paren + 1, " %*c %d", &ppid) == 1 && ppid == parent)
        {
          pid_t child = (pid_t) pid;

          g_array_append_val (pids, child);
        }
    }
  return pids;
}

void
fd_test_pg_pair_kill_primary (FdTestPgPair *pair)
{
  Cluster *self = pair->primary;
  g_autoptr(GArray) children = NULL;

  g_return_if_fail (pair->killed == NULL && self->postmaster > 0);
  /* The machine dies: every process at once, nothing flushed or said
   * goodbye. Stopped first, so that it starts no child meanwhile. */
  kill (self->postmaster, SIGSTOP);
  children = children_of (self->postmaster);
  for (guint i = 0; i < children->len; i++)
    kill (g_array_index (children, pid_t, i), SIGKILL);
  kill (self->postmaster, SIGKILL);
  while (waitpid (self->postmaster, NULL, 0) < 0 && errno == EINTR)
    ;
  self->postmaster = 0;
  pair->killed = self;
  pair->primary = NULL;
}

void
fd_test_pg_pair_promote (FdTestPgPair *pair)
{
  g_autofree char *conninfo = NULL;
  g_autofree char *promoted = NULL;

  g_return_if_fail (pair->standby != NULL);
  conninfo = superuser_conninfo (pair->standby, "postgres");
  /* waits (up to 60 s) until it takes writes */
  promoted = fd_test_pg_query_value (conninfo, "SELECT pg_promote (true, 60)");
  if (g_strcmp0 (promoted, "t") != 0)
    {
      g_autofree char *tail = log_tail (pair->standby);

      g_error ("the standby did not promote; its log ends:\n%s", tail);
    }
  pair->primary = pair->standby;
  pair->standby = NULL;
}

void
fd_test_pg_pair_stop (FdTestPgPair *pair)
{
  if (pair == NULL)
    return;
  /* the standby uses the killed primary's key: it goes first */
  untrack_and_free (pair->standby);
  untrack_and_free (pair->primary);
  untrack_and_free (pair->killed);
  g_free (pair->hosts);
  g_free (pair);
}
