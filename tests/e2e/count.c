/* The C side of the end-to-end month (tests/e2e/month.py): counts footers
 * into a store and reports the month, through libkeymsg.
 *
 * Usage: count STORE AGENCY < commands
 *   F KEY AT          a receipt footer for document KEY at AT (RFC 3339),
 *                     KEY also its idempotency key; prints "KEY MESSAGE_ID 0|1"
 *                     (1: counted now, 0: counted before)
 *   M MONTH ID COUNT  record COUNT community events for message ID
 *   R MONTH           print the month's report as JSON, then a line "END"
 * Any failure prints the status and message to stderr and exits 1. */
#include "keymsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(keymsg_status s, const char *what) {
  if (s != KEYMSG_OK) {
    keymsg_str m = keymsg_last_error_message();
    fprintf(stderr, "count: %s failed: status %u: %.*s\n", what, (unsigned)s, (int)m.len,
            m.data);
    exit(1);
  }
}

int main(int argc, char **argv) {
  keymsg_engine_options *o = NULL;
  keymsg_engine *e = NULL;
  char line[512];
  if (argc != 3) {
    fprintf(stderr, "usage: count STORE AGENCY < commands\n");
    return 2;
  }
  check(keymsg_engine_options_new(&o), "options");
  check(keymsg_engine_options_set_store_path(o, argv[1], strlen(argv[1])), "store path");
  check(keymsg_engine_options_set_agency(o, argv[2], strlen(argv[2])), "agency");
  check(keymsg_engine_new(o, &e), "engine");
  keymsg_engine_options_free(o);
  while (fgets(line, sizeof line, stdin) != NULL) {
    char a[200], b[200], c[200];
    if (sscanf(line, "F %199s %199s", a, b) == 2) {
      keymsg_footer_request req;
      keymsg_result *r = NULL;
      keymsg_str id;
      memset(&req, 0, sizeof req);
      req.key = a;
      req.key_len = strlen(a);
      req.idempotency_key = a;
      req.idempotency_key_len = strlen(a);
      req.at = b;
      req.at_len = strlen(b);
      check(keymsg_engine_footer(e, &req, &r), "footer");
      id = keymsg_result_message_id(r);
      printf("%s %.*s %d\n", a, (int)id.len, id.data, keymsg_result_counted(r) ? 1 : 0);
      keymsg_result_free(r);
    } else if (sscanf(line, "M %199s %199s %199s", a, b, c) == 3) {
      check(keymsg_engine_record(e, a, strlen(a), KEYMSG_CHANNEL_COMMUNITY, b, strlen(b),
                                 strtoull(c, NULL, 10)),
            "record");
    } else if (sscanf(line, "R %199s", a) == 1) {
      keymsg_string *rep = NULL;
      keymsg_str s;
      check(keymsg_engine_report(e, a, strlen(a), KEYMSG_REPORT_FORMAT_JSON, &rep), "report");
      s = keymsg_string_get(rep);
      printf("%.*s\nEND\n", (int)s.len, s.data);
      keymsg_string_free(rep);
    } else {
      fprintf(stderr, "count: bad command: %s", line);
      return 1;
    }
    fflush(stdout);
  }
  check(keymsg_engine_flush(e), "flush");
  keymsg_engine_free(e);
  return 0;
}
