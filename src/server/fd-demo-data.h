/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Deterministic synthetic residents for the demo office. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deterministic synthetic residents for the demo office. Same seed and
 * index → same resident, on every machine. Plainly synthetic: addresses
 * are on "演示路" (demo road), and every value is generated, never taken
 * from real people. */

typedef struct
{
  char    *name;            /* 2–4 Han characters, realistic surname frequencies */
  char    *room;            /* "3-2-1502" */
  char    *phone;           /* valid mainland mobile */
  char    *id_number;       /* valid checksum, region and birth date */
  char    *home_address;    /* off-estate address with province/city/district */
  char   **plates;          /* 0–2 plates, some 8-character new-energy; NULL-terminated */
  char    *payment_account; /* 16–19 digit bank card number */
  gint64   balance_cents;   /* amount owed (0 when paid) */
  gboolean overdue;
  char    *last_paid_at;    /* "YYYY-MM-DD" */
} FdDemoResident;

/* Fills @out; free with fd_demo_resident_clear(). Fast: 100,000 residents
 * must be generated in well under a second. */
void   fd_demo_resident_generate (guint64          seed,
                                  guint            index,
                                  FdDemoResident  *out);
/* Wipes and frees the members. */
void   fd_demo_resident_clear    (FdDemoResident  *resident);

/* A deterministic synthetic visitor name/phone for seeding today's log. */
void   fd_demo_visitor_generate  (guint64          seed,
                                  guint            index,
                                  char           **name,
                                  char           **phone);

G_END_DECLS
