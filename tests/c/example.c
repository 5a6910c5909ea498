/* The README's example program: load the embedded catalog and print what it
 * holds. Build: cc example.c $(pkg-config --cflags --libs keymsg) */
#include <stdio.h>

#include <keymsg.h>

/* Print a keymsg_str (not necessarily NUL-terminated). */
#define PRINT_STR(label, s) printf("%s%.*s\n", (label), (int)(s).len, (s).data)

static int fail(const char *what, keymsg_status st) {
  keymsg_str detail = keymsg_last_error_message();
  keymsg_str name = keymsg_status_name(st);
  fprintf(stderr, "%s failed: %.*s: %.*s\n", what, (int)name.len, name.data, (int)detail.len,
          detail.data);
  return 1;
}

int main(void) {
  keymsg_catalog *catalog = NULL;
  keymsg_status st;

  PRINT_STR("library: ", keymsg_version());

  st = keymsg_catalog_default(&catalog);
  if (st != KEYMSG_OK) return fail("keymsg_catalog_default", st);
  printf("catalog version %llu, %zu messages\n",
         (unsigned long long)keymsg_catalog_version(catalog),
         keymsg_catalog_message_count(catalog));

  keymsg_catalog_free(catalog);
  return 0;
}
