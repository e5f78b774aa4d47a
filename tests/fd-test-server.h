#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A real frontdesk-server in demo mode, for integration and client tests.
 *
 * The binary is $FD_SERVER_BINARY (tests/meson.build sets it). Every server
 * gets its own temporary data directory, listens on 127.0.0.1 on an ephemeral
 * port and seeds its own residents; clients trust only DIR/ca.pem. The
 * child is killed if the test process dies. Failures abort the test with a
 * clear message: there is nothing to check for. */

typedef struct
{
  /* Residents to seed; 0 means 200 (fast). */
  guint               residents;
  /* --off-hours value. NULL means a one-hour window that starts three
   * hours from now, so that no test is "off hours" by accident whatever
   * the time of day; see fd_test_off_hours_around_now() for the opposite. */
  const char         *off_hours;
  /* Further arguments for `frontdesk-server demo`, NULL-terminated.
   * Unless they hold "--sign-in-rate", the server gets --sign-in-rate
   * 100000: the suites sign in far more often than an office does. */
  const char * const *extra_args;
  /* Serve this directory (created if needed, reused if it holds a
   * database, never removed) instead of a new temporary one. */
  const char         *data_dir;
  /* --demo-password; NULL means a random one. Set it with @data_dir when
   * the directory already holds a database. */
  const char         *password;
  /* PostgreSQL (issue 11): serve this database (a libpq connection string)
   * with `--store postgresql`. NULL: on SQLite, the default; when
   * FD_TEST_STORE=postgresql, a fresh database of the test process's
   * cluster (tests/fd-test-pg.h), or the one an earlier server on the same
   * @data_dir had, so that a second server on @data_dir (with @password)
   * serves the same office. Ignored when @extra_args hold "--store". */
  const char         *database;
  /* Seconds to wait for the "listening on" line; 0 means 60. For
   * benchmarks that build a large index at start. */
  guint               start_timeout_s;
} FdTestServerOptions;

typedef struct _FdTestServer FdTestServer;

/* Starts a server and waits (≤ 60 s unless the options say otherwise) for
 * its "listening on" line.
 * @opts may be NULL. */
FdTestServer *fd_test_server_start           (const FdTestServerOptions *opts);
/* SIGTERM, waits, asserts exit status 0, removes the data directory (unless
 * it was given in the options) and frees @server. Accepts a halted server. */
void          fd_test_server_stop            (FdTestServer  *server);
/* SIGTERM, waits, asserts exit status 0, keeps the data directory (to
 * inspect or tamper with it); fd_test_server_restart() serves it again. */
void          fd_test_server_halt            (FdTestServer  *server);
/* SIGKILL (a crash: no shutdown code runs), waits, asserts the server died
 * of it, keeps the data directory; fd_test_server_restart() serves it again. */
void          fd_test_server_kill            (FdTestServer  *server);
/* Starts the server again on the same data directory and options; the port
 * (and so the base URL) usually changes. */
void          fd_test_server_restart         (FdTestServer  *server);

/* The same on the port it listened on before, so that a client keeps its
 * base URL (an outage rather than a move). */
void          fd_test_server_restart_same_port (FdTestServer *server);

/* "https://127.0.0.1:PORT" (no trailing slash). */
const char   *fd_test_server_get_base_url    (FdTestServer  *server);
const char   *fd_test_server_get_data_dir    (FdTestServer  *server);
/* Absolute path of DIR/ca.pem. */
const char   *fd_test_server_get_ca_path     (FdTestServer  *server);
/* The demo password of every account. */
const char   *fd_test_server_get_password    (FdTestServer  *server);
guint16       fd_test_server_get_port        (FdTestServer  *server);
/* Its PostgreSQL connection string, NULL on SQLite. */
const char   *fd_test_server_get_database    (FdTestServer  *server);
/* The server process's id (to read /proc/PID/status); 0 when halted. */
GPid          fd_test_server_get_pid         (FdTestServer  *server);
/* $FD_SERVER_BINARY; aborts when unset. */
const char   *fd_test_server_binary          (void);

/* A session that trusts DIR/ca.pem and nothing else (30 s timeout). */
SoupSession  *fd_test_server_new_session     (FdTestServer  *server);

/* Synchronous request to base URL + @path (path and query, sent as given).
 * @token: bearer token or NULL; @json_body: request body or NULL.
 * @status gets the HTTP status (0 on a transport error, which is also
 * reported with g_test_message), @body (may be NULL) the whole answer as a
 * string. Returns the parsed JSON answer, or NULL when it is not JSON. */
JsonNode     *fd_test_request                (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *method,
                                              const char    *path,
                                              const char    *token,
                                              const char    *json_body,
                                              guint         *status,
                                              char         **body);

typedef struct
{
  const char *method;
  const char *path;            /* appended to the base URL as given */
  const char *authorization;   /* whole Authorization header value, or NULL */
  GBytes     *body;            /* or NULL */
  const char *content_type;    /* NULL: application/json when there is a body */
} FdTestRequest;

/* Like fd_test_request(), for odd requests: returns NULL with @error set
 * (and *status 0) when no HTTP answer came back. */
JsonNode     *fd_test_request_full           (FdTestServer        *server,
                                              SoupSession         *session,
                                              const FdTestRequest *request,
                                              guint               *status,
                                              char               **body,
                                              GError             **error);

/* Raw HTTP over TLS, for requests no client library would send. */
/* A TLS connection that trusts only DIR/ca.pem; @timeout_s bounds every
 * read and write. Asserts success. */
GIOStream    *fd_test_raw_connect            (FdTestServer  *server,
                                              guint          timeout_s);
/* Reads until the peer closes, a read times out, or one whole answer
 * (headers and Content-Length bytes) has arrived; returns what came.
 * *@timed_out tells whether a read timed out. */
char         *fd_test_raw_read_answer        (GIOStream     *stream,
                                              gboolean      *timed_out);
/* The status of a raw answer, 0 when it is not HTTP. */
guint         fd_test_raw_status             (const char    *answer);

/* Signs @username in with the demo password, asserts 201; returns the token. */
char         *fd_test_login                  (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *username);

/* The same without acknowledging the data-protection rules (issue 12):
 * fd_test_login() acknowledges them when the account has not. */
char         *fd_test_login_unacknowledged   (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *username);
/* Reads GET /rules and acknowledges its version with @token; asserts 204. */
void          fd_test_acknowledge_rules      (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *token);

/* Signs in as admin and creates a new account with @role and the demo
 * password (so fd_test_login() works for it), signs it in once (which
 * acknowledges the rules for it, issue 12); asserts success. Returns the
 * new username ("ROLE-N"); @user_id (may be NULL) gets the account's id. */
char         *fd_test_create_user            (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *role,
                                              char         **user_id);

/* Signs in as manager and counts the alerts of @kind raised for @actor;
 * asserts that the alerts hold no clear personal value. */
guint         fd_test_count_alerts           (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *kind,
                                              const char    *actor);

/* The account @username is locked until an admin lifts it: @token (a
 * session it had) answers 401 with reason "locked", and signing in with
 * the right password answers 423 with locked_until null. */
void          fd_test_assert_locked_out      (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *token,
                                              const char    *username);

/* The 6-digit TOTP code (RFC 6238: HMAC-SHA-1, 30-second steps) of the
 * base32 @secret at @step: the tests' own oracle, written apart from the
 * server's fd-totp.c. */
char         *fd_test_totp_code              (const char    *secret,
                                              gint64         step);

/* Asserts @status and the contract's error body: error.code == @code and,
 * when @member is not NULL, error.member == @member. */
#define fd_test_assert_error(status, node, expected_status, code, member) \
  fd_test_check_error (__FILE__, __LINE__, G_STRFUNC, (status), (node), \
                       (expected_status), (code), (member))
void          fd_test_check_error            (const char    *file,
                                              int            line,
                                              const char    *func,
                                              guint          status,
                                              JsonNode      *node,
                                              guint          expected_status,
                                              const char    *code,
                                              const char    *member);

/* Asserts that @body holds no clear personal value: no 11-digit mobile,
 * no 18-character ID number, no 16–19-digit card number and, unless
 * @plates_allowed, no clear licence plate. Failure messages give the kind
 * and offset, never the value. */
#define fd_test_assert_no_clear_pii(body, plates_allowed) \
  fd_test_check_no_clear_pii (__FILE__, __LINE__, G_STRFUNC, (body), (plates_allowed))
void          fd_test_check_no_clear_pii     (const char    *file,
                                              int            line,
                                              const char    *func,
                                              const char    *body,
                                              gboolean       plates_allowed);

/* Asserts that @node holds an object and returns it. */
JsonObject   *fd_test_get_object             (JsonNode      *node);
/* The object member @member of @object, or NULL when absent; asserts that
 * a present member is an object. */
JsonObject   *fd_test_get_object_member      (JsonObject    *object,
                                              const char    *member);
/* The string member @member, asserting it is present and a string. */
const char   *fd_test_get_string             (JsonObject    *object,
                                              const char    *member);

/* GETs @path (which must already carry a '?' query) page after page,
 * following next_cursor, asserting 200 each time; returns every item
 * (JsonObject references) in order. */
GPtrArray    *fd_test_fetch_all              (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *token,
                                              const char    *path);

/* A visitor registration body (JSON) with a random name of a few, a
 * random synthetic mobile and a random room of @rooms (const char *). */
char         *fd_test_random_visitor_body    (GPtrArray     *rooms);

/* The audit chain verifies over the API (GET /audit/verify with the
 * auditor's @token: ok) and with `frontdesk-server audit verify
 * --data-dir DIR` (exit 0, "ok …"); asserts both. */
void          fd_test_assert_audit_verifies  (FdTestServer  *server,
                                              SoupSession   *session,
                                              const char    *token);

/* An --off-hours window "HH:MM-HH:MM" (local time) from @before minutes
 * ago to @after minutes from now. */
char         *fd_test_off_hours_around_now   (guint          before,
                                              guint          after);

/* The shared fixture of the integration tests. A test file starts its one
 * server in main() (one server per test would make the suite much slower)
 * and adds its tests with fd_test_add(); each test gets that server and a
 * session of its own, closed after it. */
typedef struct
{
  FdTestServer *server;
  SoupSession  *session;
} FdTestFixture;

/* @server: the FdTestServer given to fd_test_add(). */
void          fd_test_fixture_setup          (FdTestFixture *fixture,
                                              gconstpointer  server);
void          fd_test_fixture_teardown       (FdTestFixture *fixture,
                                              gconstpointer  server);

#define fd_test_add(path, server, func) \
  g_test_add ((path), FdTestFixture, (server), fd_test_fixture_setup, (func), \
              fd_test_fixture_teardown)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestServer, fd_test_server_stop)

G_END_DECLS
