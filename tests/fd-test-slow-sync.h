/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fd-test-slow-sync.c: how much slower a sync is while the flag exists. */

#pragma once

#define FD_TEST_SLOW_SYNC_S 3
