/* The README's example program: print a Thai receipt footer and count it.
 * Build: cc example.c $(pkg-config --cflags --libs keymsg) */
#include <stdio.h>
#include <string.h>

#include <keymsg.h>

static int fail(const char *what, keymsg_status st) {
  keymsg_str name = keymsg_status_name(st);
  keymsg_str detail = keymsg_last_error_message();
  fprintf(stderr, "%s: %.*s: %.*s\n", what, (int)name.len, name.data, (int)detail.len, detail.data);
  return 1;
}

int main(void) {
  const char *store = "keymsg-counts"; /* a directory, created if missing */
  const char *agency = "PEA Chiang Mai";
  keymsg_engine_options *opts = NULL;
  keymsg_engine *engine = NULL;
  keymsg_result *footer = NULL;
  keymsg_footer_request req;
  keymsg_status st;
  size_t i;

  /* 1. An engine: embedded catalog, a durable store, our agency name. (The
   *    setters only fail on NULL or invalid UTF-8, impossible here.) */
  if ((st = keymsg_engine_options_new(&opts)) != KEYMSG_OK) return fail("options", st);
  keymsg_engine_options_set_store_path(opts, store, strlen(store));
  keymsg_engine_options_set_agency(opts, agency, strlen(agency));
  st = keymsg_engine_new(opts, &engine);
  keymsg_engine_options_free(opts);
  if (st != KEYMSG_OK) return fail("keymsg_engine_new", st);

  /* 2. The footer for receipt INV-2026-000123 on a 58 mm printer (32 columns). */
  memset(&req, 0, sizeof req); /* zero = defaults: receipt-58mm, Thai, now */
  req.key = "INV-2026-000123";
  req.key_len = strlen(req.key);
  st = keymsg_engine_footer(engine, &req, &footer);
  if (st != KEYMSG_OK) {
    keymsg_engine_free(engine);
    return fail("keymsg_engine_footer", st);
  }

  /* 3. Print it line by line; keep the token with the receipt for reprints. */
  for (i = 0; i < keymsg_result_line_count(footer); i++) {
    keymsg_str line = keymsg_result_line(footer, i);
    printf("%.*s\n", (int)line.len, line.data);
  }
  {
    keymsg_str id = keymsg_result_message_id(footer);
    keymsg_str token = keymsg_result_token(footer);
    printf("-- message %.*s, token %.*s, counted: %s\n", (int)id.len, id.data, (int)token.len,
           token.data, keymsg_result_counted(footer) ? "yes" : "no");
  }

  keymsg_result_free(footer);
  keymsg_engine_free(engine);
  return 0;
}
