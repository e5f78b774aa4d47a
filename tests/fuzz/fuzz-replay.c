/* Runs a libFuzzer harness over files without libFuzzer: every file of
 * every directory given (seed corpora and the inputs of crashes found),
 * one LLVMFuzzerTestOneInput() call each. Part of the normal test suite,
 * so that each crash the fuzzers found stays fixed in every build. */

#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

int
main (int    argc,
      char **argv)
{
  guint replayed = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return EXIT_FAILURE;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_names);

      for (guint n = 0; n < names->len; n++)
        {
          g_autofree char *contents = NULL;
          gsize len;

          if (!g_file_get_contents (names->pdata[n], &contents, &len, &error))
            {
              fprintf (stderr, "%s\n", error->message);
              return EXIT_FAILURE;
            }
          printf ("replaying %s\n", (const char *) names->pdata[n]);
          fflush (stdout);
          {
            gint64 start = g_get_monotonic_time ();
            LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
            printf ("  %.3f s\n", (g_get_monotonic_time () - start) / 1e6);
          }
          replayed++;
        }
    }
  printf ("replayed %u inputs\n", replayed);
  return replayed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
