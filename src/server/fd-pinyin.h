/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pinyin initials of Chinese names, for search. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pinyin initials of Chinese names, for search: "张三" → "zs". ICU's
 * Han-Latin transliterator gives one reading per character; a surname
 * override table (曾 zeng, 单 shan, 区 ou, 仇 qiu, 查 zha, 盖 ge, 朴 piao,
 * 解 xie, …) and a table of common polyphonic characters add the other
 * readings, so one name may have several initial strings. */

typedef struct _FdPinyin FdPinyin;

/* Opening the transliterator takes ~200 ms: open once. Not thread-safe:
 * one FdPinyin per thread. */
FdPinyin  *fd_pinyin_new       (GError     **error);
void       fd_pinyin_free      (FdPinyin    *pinyin);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdPinyin, fd_pinyin_free)

/* Every distinct lowercase ASCII initials string of @name, one letter per
 * character (non-Han letters keep their own lowercase letter, '·' and
 * spaces are skipped), at most 16 combinations, sorted. NULL-terminated;
 * free with g_strfreev(). Never NULL: an empty vector for empty input. */
char     **fd_pinyin_initials  (FdPinyin    *pinyin,
                                const char  *name);

G_END_DECLS
