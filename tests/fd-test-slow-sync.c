/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A slow disk for test-server-commit-sync: loaded into the server with
 * LD_PRELOAD, it makes fsync() and fdatasync() take FD_TEST_SLOW_SYNC_S
 * seconds longer while the file named by $FD_TEST_SLOW_SYNC exists. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fd-test-slow-sync.h"

int fsync (int fd);
int fdatasync (int fd);

static void
maybe_wait (void)
{
  const char *flag = getenv ("FD_TEST_SLOW_SYNC");
  struct timespec wait = { FD_TEST_SLOW_SYNC_S, 0 };

  if (flag != NULL && access (flag, F_OK) == 0)
    while (nanosleep (&wait, &wait) != 0)
      ;
}

int
fsync (int fd)
{
  int (*real) (int) = (int (*) (int)) dlsym (RTLD_NEXT, "fsync");

  maybe_wait ();
  return real (fd);
}

int
fdatasync (int fd)
{
  int (*real) (int) = (int (*) (int)) dlsym (RTLD_NEXT, "fdatasync");

  maybe_wait ();
  return real (fd);
}
