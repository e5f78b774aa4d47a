/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: the schema history, row-level security and the server role. */

#include "config.h"

#include <stdlib.h>

#include "fd-crypto.h"
#include "fd-store-pg-private.h"

/* One ordered schema history, applied by the tables' owner
 * (`frontdesk-server migrate`, or demo at start), each step in a
 * transaction of its own with the version bumped in frontdesk_schema.
 *
 * Laid out for Citus: every estate-scoped table (sessions, rooms,
 * residents and their plates and payments, visitors, alerts, the audit
 * log) has estate_id first in its primary key, so each can be
 * distributed on estate_id, and every query of the engine filters on it;
 * settings, estates, users, user_estates, login failures, the audit head
 * and the per-user limit counters are reference tables (a limit is the
 * person's, whatever estate they work in). Uniqueness that Citus could
 * not keep across shards (a session token, a resident id) comes from
 * 256-bit random tokens and sequences, not from unique indexes.
 *
 * Row-level security: each estate-scoped table is ENABLEd and FORCEd
 * (the owner too is bound), with one policy for reads and writes: the
 * row's estate is the transaction's frontdesk.estate, or that is '*'
 * (a company-wide request, the command line, the index build). An unset
 * setting ('' or NULL) matches nothing. The engine sets it with
 * set_config(…, true) in every transaction (fd-store-pg.c). */

#define RLS(table) \
  "ALTER TABLE " table " ENABLE ROW LEVEL SECURITY;" \
  "ALTER TABLE " table " FORCE ROW LEVEL SECURITY;" \
  "CREATE POLICY estate ON " table " USING (" \
  "  current_setting('frontdesk.estate', true) = '*' OR" \
  "  estate_id::text = current_setting('frontdesk.estate', true))" \
  "  WITH CHECK (current_setting('frontdesk.estate', true) = '*' OR" \
  "  estate_id::text = current_setting('frontdesk.estate', true));"

static const char *migrations[] = {
  /* 1 */
  "CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);"
  "CREATE TABLE estates (id bigserial PRIMARY KEY, code text NOT NULL UNIQUE,"
  "  name text NOT NULL);"
  "CREATE TABLE users ("
  "  id bigserial PRIMARY KEY, username text NOT NULL UNIQUE, display_name text NOT NULL,"
  "  role text NOT NULL, password_hash text NOT NULL, disabled boolean NOT NULL DEFAULT false,"
  "  locked_until bigint NOT NULL DEFAULT 0, failed_logins integer NOT NULL DEFAULT 0,"
  "  created_at bigint NOT NULL);"
  /* no foreign keys, as on SQLite: grants may be written before the account */
  "CREATE TABLE user_estates (user_id bigint NOT NULL, estate_id bigint NOT NULL,"
  "  PRIMARY KEY (user_id, estate_id));"
  /* estate_id 0: a company-wide session */
  "CREATE TABLE sessions ("
  "  estate_id bigint NOT NULL, id bigserial, token_hash text NOT NULL, prev_token_hash text,"
  "  user_id bigint NOT NULL, created_at bigint NOT NULL, last_seen bigint NOT NULL,"
  "  expires_at bigint NOT NULL, workstation text, ip text,"
  "  locked boolean NOT NULL DEFAULT false, unlock_failures integer NOT NULL DEFAULT 0,"
  "  end_reason text, PRIMARY KEY (estate_id, id));"
  "CREATE INDEX sessions_id ON sessions (id);"
  "CREATE INDEX sessions_token ON sessions (token_hash);"
  "CREATE INDEX sessions_prev_token ON sessions (prev_token_hash);"
  "CREATE INDEX sessions_user ON sessions (user_id) WHERE end_reason IS NULL;"
  "CREATE TABLE rooms (estate_id bigint NOT NULL REFERENCES estates (id), room text NOT NULL,"
  "  building integer, unit integer, number integer, PRIMARY KEY (estate_id, room));"
  "CREATE TABLE residents ("
  "  estate_id bigint NOT NULL REFERENCES estates (id), id bigserial, name text NOT NULL,"
  "  room text NOT NULL, initials text NOT NULL,"
  "  phone_enc bytea, phone_bidx text, phone_masked text, phone_last4 text,"
  "  id_enc bytea, id_bidx text, id_masked text, address_enc bytea, address_masked text,"
  "  PRIMARY KEY (estate_id, id));"
  "CREATE INDEX residents_id ON residents (id);"
  "CREATE INDEX residents_room ON residents (estate_id, room);"
  "CREATE TABLE plates (estate_id bigint NOT NULL, resident_id bigint NOT NULL,"
  "  plate text NOT NULL, PRIMARY KEY (estate_id, resident_id, plate));"
  "CREATE TABLE payments (estate_id bigint NOT NULL, resident_id bigint NOT NULL,"
  "  account_enc bytea, account_masked text, balance_cents bigint NOT NULL DEFAULT 0,"
  "  overdue boolean NOT NULL DEFAULT false, last_paid_at text,"
  "  PRIMARY KEY (estate_id, resident_id));"
  "CREATE TABLE visitors ("
  "  estate_id bigint NOT NULL REFERENCES estates (id), id bigserial, name text NOT NULL,"
  "  phone_enc bytea, phone_masked text, id_enc bytea, id_masked text, room text NOT NULL,"
  "  purpose text NOT NULL, plate text, arrived_at bigint NOT NULL,"
  "  left_at bigint NOT NULL DEFAULT 0, registered_by text, PRIMARY KEY (estate_id, id));"
  "CREATE INDEX visitors_id ON visitors (id);"
  "CREATE INDEX visitors_arrived ON visitors (arrived_at);"
  /* estate_id 0: company-wide and command-line entries */
  "CREATE TABLE audit_log ("
  "  estate_id bigint NOT NULL, seq bigint NOT NULL, at text NOT NULL, actor text,"
  "  actor_id bigint, role text, session_hash text, workstation text, ip text,"
  "  action text NOT NULL, target text, field text, reason_code text, reason_text text,"
  "  outcome text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,"
  "  PRIMARY KEY (estate_id, seq));"
  "CREATE INDEX audit_seq ON audit_log (seq);"
  "CREATE INDEX audit_actor_counts ON audit_log (actor_id, action, at, outcome, target);"
  /* The chain's head: one row, locked FOR UPDATE by each append, so the
   * chain is serialised in the database across server processes; mac is
   * the keyed anchor (SEQ:HASH under the index key). */
  "CREATE TABLE audit_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL,"
  "  hash text NOT NULL, mac text);"
  "INSERT INTO audit_head VALUES (1, 0, "
  "  '0000000000000000000000000000000000000000000000000000000000000000', NULL);"
  "CREATE TABLE alerts (estate_id bigint NOT NULL, id bigserial, at text NOT NULL,"
  "  kind text NOT NULL, actor text, detail text, PRIMARY KEY (estate_id, id));"
  "CREATE INDEX alerts_id ON alerts (id);"
  "CREATE INDEX alerts_recent ON alerts (kind, actor, at);"
  "CREATE TABLE limit_events (id bigserial PRIMARY KEY, user_id bigint NOT NULL,"
  "  kind text NOT NULL, at bigint NOT NULL);"
  "CREATE INDEX limit_events_user ON limit_events (user_id, kind, at);"
  "CREATE TABLE listed_residents (user_id bigint NOT NULL, resident_id bigint NOT NULL,"
  "  at bigint NOT NULL, PRIMARY KEY (user_id, resident_id));"
  "CREATE INDEX listed_residents_at ON listed_residents (user_id, at);"
  "CREATE TABLE listed_counts (user_id bigint PRIMARY KEY, n bigint NOT NULL);"
  "CREATE TABLE login_failures (name_mac text PRIMARY KEY, failures integer NOT NULL,"
  "  locked_until bigint NOT NULL DEFAULT 0, last_at bigint NOT NULL);"
  "CREATE INDEX login_failures_last ON login_failures (last_at);"
  RLS ("sessions") RLS ("rooms") RLS ("residents") RLS ("plates") RLS ("payments")
  RLS ("visitors") RLS ("audit_log") RLS ("alerts"),
  /* 2 (issue 11, as SQLite's 7): an office is one estate, "main", until
   * `demo --estates N` renames it e1 or `estate add` adds others */
  "INSERT INTO estates (code, name) VALUES ('main', 'Main estate') ON CONFLICT DO NOTHING;",
  /* 3 (issue 12, as SQLite's 8): access reviews, their items, and the
   * per-actor, per-day counts of data accesses they show, kept by a
   * trigger in the statement that appends the audit entry */
  "CREATE TABLE reviews (estate_id bigint NOT NULL, id bigserial, opened_at bigint NOT NULL,"
  "  due_at bigint NOT NULL, period_from bigint NOT NULL, opened_by text NOT NULL,"
  "  signed_off_at bigint NOT NULL DEFAULT 0, signed_off_by text, PRIMARY KEY (estate_id, id));"
  "CREATE INDEX reviews_id ON reviews (id);"
  "CREATE INDEX reviews_due ON reviews (signed_off_at, due_at);"
  "CREATE UNIQUE INDEX reviews_one_open ON reviews (estate_id) WHERE signed_off_at = 0;"
  "CREATE TABLE review_items (estate_id bigint NOT NULL, review_id bigint NOT NULL,"
  "  user_id bigint NOT NULL, decision text, decided_by text,"
  "  decided_at bigint NOT NULL DEFAULT 0, PRIMARY KEY (estate_id, review_id, user_id));"
  "CREATE INDEX review_items_review ON review_items (review_id);"
  "CREATE TABLE audit_activity (actor_id bigint NOT NULL, day text NOT NULL,"
  "  action text NOT NULL, n bigint NOT NULL, PRIMARY KEY (actor_id, day, action));"
  "INSERT INTO audit_activity (actor_id, day, action, n)"
  "  SELECT actor_id, substr (at, 1, 10), action, count(*) FROM audit_log"
  "  WHERE actor_id > 0 AND outcome = 'allowed'"
  "  AND action IN ('view', 'search', 'reveal', 'verify', 'export') GROUP BY 1, 2, 3;"
  "CREATE FUNCTION audit_activity_count () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
  "  INSERT INTO audit_activity (actor_id, day, action, n)"
  "  VALUES (NEW.actor_id, substr (NEW.at, 1, 10), NEW.action, 1)"
  "  ON CONFLICT (actor_id, day, action) DO UPDATE SET n = audit_activity.n + 1;"
  "  RETURN NULL; END $$;"
  "CREATE TRIGGER audit_activity_count AFTER INSERT ON audit_log FOR EACH ROW"
  "  WHEN (NEW.actor_id > 0 AND NEW.outcome = 'allowed'"
  "  AND NEW.action IN ('view', 'search', 'reveal', 'verify', 'export'))"
  "  EXECUTE FUNCTION audit_activity_count ();"
  RLS ("reviews") RLS ("review_items"),
  /* 4 (issue 15, as SQLite's 9): an account's TOTP secret (sealed, aad
   * "user_totp:ID:secret"), its replay guard and demo exemption; recovery
   * codes as keyed hashes; pending sign-in challenges as hashes. Accounts
   * are company-wide: reference tables, no estate, no row-level security */
  "CREATE TABLE user_totp (user_id bigint PRIMARY KEY, secret_enc bytea,"
  "  confirmed boolean NOT NULL DEFAULT false, last_step bigint NOT NULL DEFAULT 0,"
  "  exempt boolean NOT NULL DEFAULT false);"
  "CREATE TABLE totp_recovery (user_id bigint NOT NULL, code_hash text NOT NULL,"
  "  used_at bigint NOT NULL DEFAULT 0, PRIMARY KEY (user_id, code_hash));"
  "CREATE TABLE totp_challenges (hash text PRIMARY KEY, user_id bigint NOT NULL,"
  "  workstation text, ip text, expires_at bigint NOT NULL);"
  "CREATE INDEX totp_challenges_expiry ON totp_challenges (expires_at);",
  /* 5 (issue 12, as SQLite's 10): the queue of alerts sent out of the app
   * (fd-store-pg-deliveries.c), estate-scoped by the alert's estate (0: a
   * company-wide account's), and where an account's password came from
   * (a reference table, like users) */
  "CREATE TABLE alert_deliveries (estate_id bigint NOT NULL DEFAULT 0, id bigserial,"
  "  alert_id bigint NOT NULL DEFAULT 0, channel text NOT NULL, destination text NOT NULL,"
  "  kind text NOT NULL, at text NOT NULL, actor text, estate text, detail text,"
  "  status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0,"
  "  next_at bigint NOT NULL, last_attempt_at bigint NOT NULL DEFAULT 0, last_error text,"
  "  created_at bigint NOT NULL, delivered_at bigint NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (estate_id, id));"
  "CREATE INDEX alert_deliveries_id ON alert_deliveries (id);"
  "CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_at);"
  "CREATE INDEX alert_deliveries_attempt ON alert_deliveries (status, last_attempt_at);"
  /* the self-check's newest sign-in of each account (account_activity) */
  "CREATE INDEX sessions_user_created ON sessions (user_id, created_at);"
  "CREATE TABLE password_origins (user_id bigint PRIMARY KEY, origin text NOT NULL,"
  "  set_at bigint NOT NULL);"
  RLS ("alert_deliveries"),
  /* 6 (issue 12 rules, as SQLite's 11): the residents each audited search
   * listed and the visitors each export carried, by the entry's seq
   * (fd-store-pg-radius.c); part of the audit log: estate-scoped and
   * append-only to the server role */
  "CREATE TABLE audit_subjects (estate_id bigint NOT NULL, seq bigint NOT NULL,"
  "  kind text NOT NULL, subject_id bigint NOT NULL,"
  "  PRIMARY KEY (estate_id, seq, kind, subject_id));"
  "CREATE INDEX audit_subjects_seq ON audit_subjects (seq);"
  RLS ("audit_subjects"),
  /* 7 (issue 16, move-store): an office's audit chain, moved with its
   * own seqs and hashes as the prior history of the estate it became
   * (orig_estate_id: the office's estate id, which its hashes cover),
   * anchored by the company chain's "store-move" entry; and the progress
   * of each move, so that an interrupted one continues (one row per
   * estate moved into, estate-scoped like the rest). fd-store-pg-move.c */
  "CREATE TABLE audit_imported ("
  "  estate_id bigint NOT NULL, seq bigint NOT NULL, at text NOT NULL, actor text,"
  "  actor_id bigint, role text, session_hash text, workstation text, ip text,"
  "  action text NOT NULL, target text, field text, reason_code text, reason_text text,"
  "  outcome text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,"
  "  orig_estate_id bigint NOT NULL, PRIMARY KEY (estate_id, seq));"
  "CREATE TABLE store_moves (estate_id bigint PRIMARY KEY, source text NOT NULL,"
  "  stage text NOT NULL, last_id bigint NOT NULL DEFAULT 0, started_at bigint NOT NULL,"
  "  finished_at bigint NOT NULL DEFAULT 0);"
  RLS ("audit_imported") RLS ("store_moves"),
  /* 8 (issue 12 rules, as SQLite's 11 does): the radius reads an actor's
   * entries from the index alone (an index-only scan): the anomaly
   * counts' key, with what the radius and the estate filter read beside
   * it; it replaces that index rather than adding one every append writes */
  "CREATE INDEX audit_actor_radius ON audit_log (actor_id, action, at, outcome, target)"
  "  INCLUDE (estate_id, role, field, seq);"
  "DROP INDEX audit_actor_counts;",
  /* 9 (issue 11, session 5): one row per entry and kind, its subjects in
   * an array, instead of one row per subject: a search wrote 50 rows and
   * 100 index entries with a conflict check each, the larger part of its
   * group commit's work in the database. What step 6 kept moves over,
   * each entry's ids in order, once each. Estate-scoped and append-only
   * as before (grants below). */
  "CREATE TABLE audit_subject_lists (estate_id bigint NOT NULL, seq bigint NOT NULL,"
  "  kind text NOT NULL, subject_ids bigint[] NOT NULL,"
  "  PRIMARY KEY (estate_id, seq, kind));"
  "CREATE INDEX audit_subject_lists_seq ON audit_subject_lists (seq);"
  "INSERT INTO audit_subject_lists (estate_id, seq, kind, subject_ids)"
  "  SELECT estate_id, seq, kind, array_agg (DISTINCT subject_id ORDER BY subject_id)"
  "  FROM audit_subjects GROUP BY estate_id, seq, kind;"
  "DROP TABLE audit_subjects;"
  RLS ("audit_subject_lists"),
};

/* Every table the history above makes, for the integrity check
 * (fd-store-pg-integrity.c): keep in step with a new step's tables. */
const char * const fd_pg_schema_tables[] = {
  "frontdesk_schema", "settings", "estates", "users", "user_estates", "sessions", "rooms",
  "residents", "plates", "payments", "visitors", "audit_log", "audit_head", "alerts",
  "limit_events", "listed_residents", "listed_counts", "login_failures", "reviews",
  "review_items", "audit_activity", "user_totp", "totp_recovery", "totp_challenges",
  "alert_deliveries", "password_origins", "audit_subject_lists", "audit_imported", "store_moves",
  NULL
};

/* The server's role: owns nothing, no BYPASSRLS, named after the
 * database (roles are the cluster's, databases are not). Made NOLOGIN
 * when missing — an owner without CREATEROLE needs the administrator to
 * make it first — and granted only what the engine does: the audit log
 * is append-only to it. Run after every migration, so new tables are
 * granted too. */
static const char grants[] =
  "DO $grants$ DECLARE r text := current_database () || '_frontdesk'; BEGIN"
  "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN"
  "    EXECUTE format ('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT', r);"
  "  END IF;"
  "  EXECUTE format ('GRANT USAGE ON SCHEMA %I TO %I', current_schema (), r);"
  "  EXECUTE format ('GRANT SELECT, INSERT, UPDATE, DELETE ON settings, estates, users,"
  "    user_estates, sessions, rooms, residents, plates, payments, visitors, alerts,"
  "    limit_events, listed_residents, listed_counts, login_failures, reviews, review_items,"
  "    audit_activity, user_totp, totp_recovery, totp_challenges, alert_deliveries,"
  "    password_origins, store_moves TO %I', r);"
  "  EXECUTE format ('GRANT SELECT, INSERT ON audit_log, audit_subject_lists TO %I', r);"
  "  EXECUTE format ('GRANT SELECT, INSERT ON audit_imported TO %I', r);"
  "  EXECUTE format ('GRANT SELECT, UPDATE ON audit_head TO %I', r);"
  "  EXECUTE format ('GRANT SELECT ON frontdesk_schema TO %I', r);"
  /* SELECT too: pg_dump (backup) reads each sequence's position */
  "  EXECUTE format ('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I',"
  "    current_schema (), r);"
  "END $grants$;";

static gint
read_version (PGconn  *conn,
              GError **error)
{
  PGresult *res = PQexec (conn, "SELECT version FROM frontdesk_schema WHERE id = 1");
  gint version = -1;

  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
    version = atoi (PQgetvalue (res, 0, 0));
  else if (PQresultStatus (res) != PGRES_TUPLES_OK)
    g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                 "The database has no Front Desk schema: run `frontdesk-server migrate "
                 "--config FILE` as the tables' owner first");
  PQclear (res);
  return version;
}

gboolean
fd_pg_schema_current (PGconn  *conn,
                      GError **error)
{
  gint version = read_version (conn, error);

  if (version < 0)
    return FALSE;
  if (version != (gint) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The database's schema is version %d and this server's is %u: %s", version,
                   (guint) G_N_ELEMENTS (migrations),
                   version < (gint) G_N_ELEMENTS (migrations)
                     ? "run `frontdesk-server migrate --config FILE` first"
                     : "this server is older than the database; upgrade it");
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_pg_migrate (PGconn  *conn,
               guint   *from,
               guint   *to,
               GError **error)
{
  gint version;
  gboolean ok = TRUE;

  /* One migrator at a time, whichever process (two demos starting). */
  if (!fd_pg_exec (conn, "SELECT pg_advisory_lock (7046101)", error))
    return FALSE;
  if (!fd_pg_exec (conn, "CREATE TABLE IF NOT EXISTS frontdesk_schema ("
                         "id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL);"
                         "INSERT INTO frontdesk_schema VALUES (1, 0) ON CONFLICT DO NOTHING",
                   error) ||
      (version = read_version (conn, error)) < 0)
    ok = FALSE;
  else if (version > (gint) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The database schema (version %d) is newer than this server knows (%u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      ok = FALSE;
    }
  if (ok && from != NULL)
    *from = version;
  for (guint i = ok ? (guint) version : G_N_ELEMENTS (migrations);
       i < G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *bump = g_strdup_printf ("UPDATE frontdesk_schema SET version = %u", i + 1);

      ok = fd_pg_exec (conn, "BEGIN; SELECT set_config ('frontdesk.estate', '*', true)", error) &&
           fd_pg_exec (conn, migrations[i], error) &&
           fd_pg_exec (conn, bump, error) &&
           fd_pg_exec (conn, "COMMIT", error);
      if (!ok)
        {
          fd_pg_exec (conn, "ROLLBACK", NULL);
          break;
        }
    }
  if (ok)
    ok = fd_pg_exec (conn, grants, error);
  if (ok && to != NULL)
    *to = G_N_ELEMENTS (migrations);
  fd_pg_exec (conn, "SELECT pg_advisory_unlock (7046101)", NULL);
  return ok;
}

gboolean
fd_store_pg_migrate (const char  *conninfo,
                     const char  *password,
                     guint       *from,
                     guint       *to,
                     GError     **error)
{
  PGconn *conn = fd_pg_connect (conninfo, password, error);
  gboolean ok;

  if (conn == NULL)
    return FALSE;
  ok = fd_pg_migrate (conn, from, to, error);
  PQfinish (conn);
  return ok;
}

/* @conninfo as key='value' pairs, with user= @user and without the owner's password. */
static char *
conninfo_as_user (const char *conninfo,
                  const char *user)
{
  PQconninfoOption *opts = PQconninfoParse (conninfo, NULL);
  GString *out = g_string_new (NULL);

  for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
    {
      const char *value = g_str_equal (o->keyword, "user") ? user : o->val;

      if (value == NULL || g_str_equal (o->keyword, "password"))
        continue;
      g_string_append_printf (out, "%s%s='", out->len > 0 ? " " : "", o->keyword);
      for (const char *c = value; *c != '\0'; c++)
        {
          if (*c == '\'' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '\'');
    }
  PQconninfoFree (opts);
  return g_string_free (out, FALSE);
}

static void
set_role_error (PGconn  *conn,
                GError **error)
{
  g_autofree char *msg = g_strdup (PQerrorMessage (conn));

  g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot give the server role a login: %s",
               g_strchomp (msg));
}

/* The password in @path, made (mode 0600) when missing; refused when
 * others may read it. */
static char *
load_or_make_password (const char  *path,
                       GError     **error)
{
  char *password = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *fresh = fd_random_token (24);
      g_autofree char *line = g_strconcat (fresh, "\n", NULL);

      if (!g_file_set_contents_full (path, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                     error))
        {
          explicit_bzero (fresh, strlen (fresh));
          return NULL;
        }
      explicit_bzero (fresh, strlen (fresh));
      explicit_bzero (line, strlen (line));
    }
  password = fd_store_pg_read_password_file (path, error);
  return password;
}

char *
fd_store_pg_server_login (const char  *owner_conninfo,
                          const char  *owner_password,
                          const char  *password_file,
                          char       **password,
                          GError     **error)
{
  PGconn *conn = fd_pg_connect (owner_conninfo, owner_password, error);
  g_autofree char *role = NULL;
  char *secret = NULL, *verifier = NULL, *quoted = NULL, *ident = NULL;
  g_autofree char *sql = NULL;
  PGresult *res;
  gboolean ok;

  if (conn == NULL)
    return NULL;
  res = PQexec (conn, "SELECT current_database () || '_frontdesk'");
  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
    role = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  secret = role != NULL ? load_or_make_password (password_file, error) : NULL;
  if (secret == NULL)
    {
      if (role == NULL)
        set_role_error (conn, error);
      PQfinish (conn);
      return NULL;
    }
  /* The password reaches PostgreSQL only as its SCRAM verifier: never in
   * a statement's text, where a log could keep it. */
  verifier = PQencryptPasswordConn (conn, secret, role, "scram-sha-256");
  ident = PQescapeIdentifier (conn, role, strlen (role));
  quoted = verifier != NULL ? PQescapeLiteral (conn, verifier, strlen (verifier)) : NULL;
  if (quoted != NULL)
    sql = g_strdup_printf ("ALTER ROLE %s LOGIN PASSWORD %s", ident, quoted);
  ok = sql != NULL && fd_pg_exec (conn, sql, error);
  if (sql == NULL)
    set_role_error (conn, error);
  PQfreemem (ident);
  PQfreemem (quoted);
  PQfreemem (verifier);
  PQfinish (conn);
  if (!ok)
    {
      fd_secret_free (secret);
      return NULL;
    }
  *password = secret;
  return conninfo_as_user (owner_conninfo, role);
}
