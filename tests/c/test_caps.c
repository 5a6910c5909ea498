/* C tests of the pop-up cap ledger shared through a store directory.
 *
 * Usage: test_caps FIXTURES_DIR SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L

#include "keymsg.h"
#include "harness.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LIT(s) (s), (sizeof(s) - 1)

static const char *scratch = ".";

static void test_two_ledgers_on_one_store_share_the_caps(void) {
  char store[4096];
  snprintf(store, sizeof store, "%s/caps-store", scratch);
  /* The store exists once an engine has opened it. */
  keymsg_engine_options *o = NULL;
  keymsg_engine *e = NULL;
  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_store_path(o, store, strlen(store)), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_OK);
  keymsg_engine_options_free(o);

  keymsg_cap_ledger *a = NULL, *b = NULL;
  CHECK_STATUS(keymsg_cap_ledger_open(store, strlen(store), &a), KEYMSG_OK);
  CHECK_STATUS(keymsg_cap_ledger_open(store, strlen(store), &b), KEYMSG_OK);
  keymsg_caps caps;
  memset(&caps, 0, sizeof caps);
  caps.has_per_day = true;
  caps.per_day = 2;
  keymsg_cap_claim claim;
  CHECK_STATUS(keymsg_cap_ledger_claim(a, LIT("user-1"), &caps, LIT("2026-03-15T10:00:00+07:00"), &claim), KEYMSG_OK);
  CHECK(claim.granted && claim.retry_at_unix == 0);
  CHECK_STATUS(keymsg_cap_ledger_claim(b, LIT(" USER-1 "), &caps, LIT("2026-03-15T11:00:00+07:00"), &claim), KEYMSG_OK);
  CHECK(claim.granted);
  CHECK_STATUS(keymsg_cap_ledger_claim(a, LIT("user-1"), &caps, LIT("2026-03-15T12:00:00+07:00"), &claim), KEYMSG_OK);
  CHECK(!claim.granted);
  /* Bangkok midnight of 16 March = 2026-03-15T17:00:00Z. */
  CHECK(claim.retry_at_unix == 1773594000);
  CHECK_STATUS(keymsg_cap_ledger_claim(b, LIT("user-1"), &caps, LIT("2026-03-16T00:00:00+07:00"), &claim), KEYMSG_OK);
  CHECK(claim.granted);
  /* No caps: always granted. */
  CHECK_STATUS(keymsg_cap_ledger_claim(a, LIT("user-1"), NULL, NULL, 0, &claim), KEYMSG_OK);
  CHECK(claim.granted);

  /* Bad input. */
  CHECK_STATUS(keymsg_cap_ledger_claim(a, LIT(""), &caps, NULL, 0, &claim), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_cap_ledger_claim(a, LIT("u"), &caps, LIT("soon"), &claim), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_cap_ledger_claim(a, NULL, 0, &caps, NULL, 0, &claim), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_cap_ledger_claim(NULL, LIT("u"), &caps, NULL, 0, &claim), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_cap_ledger_claim(a, LIT("u"), &caps, NULL, 0, NULL), KEYMSG_NULL_PARAMETER);
  keymsg_cap_ledger *none = NULL;
  CHECK_STATUS(keymsg_cap_ledger_open(scratch, strlen(scratch), &none), KEYMSG_STORE_NOT_A_STORE);
  CHECK(none == NULL);
  keymsg_cap_ledger_free(a);
  keymsg_cap_ledger_free(b);
  keymsg_cap_ledger_free(NULL);
  keymsg_engine_free(e);
}

static void test_in_memory_ledger(void) {
  keymsg_cap_ledger *m = NULL;
  CHECK_STATUS(keymsg_cap_ledger_in_memory(&m), KEYMSG_OK);
  keymsg_caps caps;
  memset(&caps, 0, sizeof caps);
  caps.has_min_gap = true;
  caps.min_gap_seconds = 600;
  keymsg_cap_claim claim;
  CHECK_STATUS(keymsg_cap_ledger_claim(m, LIT("u"), &caps, LIT("2026-03-15T10:00:00+07:00"), &claim), KEYMSG_OK);
  CHECK(claim.granted);
  CHECK_STATUS(keymsg_cap_ledger_claim(m, LIT("u"), &caps, LIT("2026-03-15T10:05:00+07:00"), &claim), KEYMSG_OK);
  CHECK(!claim.granted && claim.retry_at_unix == 1773544200);
  keymsg_cap_ledger_free(m);
}

static void test_a_postgres_url_opens_the_fleet_ledger(void) {
  /* Only the URL is checked at open; nothing listens on port 1, so the
   * claim fails (nothing noted) with a store error, never a crash. */
  keymsg_cap_ledger *pg = NULL;
  CHECK_STATUS(keymsg_cap_ledger_open(LIT("postgres://keymsg@127.0.0.1:1/fleet"), &pg), KEYMSG_OK);
  keymsg_caps caps;
  memset(&caps, 0, sizeof caps);
  caps.has_per_day = true;
  caps.per_day = 1;
  keymsg_cap_claim claim;
  CHECK_STATUS(keymsg_cap_ledger_claim(pg, LIT("u"), &caps, LIT("2026-03-15T10:00:00+07:00"), &claim), KEYMSG_STORE_OTHER);
  keymsg_cap_ledger_free(pg);
  keymsg_cap_ledger *bad = NULL;
  CHECK_STATUS(keymsg_cap_ledger_open(LIT("postgres://[bad"), &bad), KEYMSG_STORE_OTHER);
  CHECK(bad == NULL);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FIXTURES_DIR SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  scratch = argv[2];
  RUN(test_two_ledgers_on_one_store_share_the_caps);
  RUN(test_in_memory_ledger);
  RUN(test_a_postgres_url_opens_the_fleet_ledger);
  return harness_finish();
}
