/* C tests of counted-means-delivered (encoding before the count), free-text
 * rows and the report options (compact form, signature block, agency).
 *
 * Usage: test_delivered FIXTURES_DIR SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L

#include "keymsg.h"
#include "harness.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define LIT(s) (s), (sizeof(s) - 1)
#define SENTINEL ((void *)0x1)

static const char *scratch = ".";

static const char AT[] = "2026-03-10T09:00:00+07:00";

/* One receipt message a TIS-620 printer cannot print (curly quotes). */
static const char CURLY[] =
    "version = 3\n"
    "[allow]\n"
    "phones = [\"1441\"]\n"
    "[[messages]]\n"
    "id = \"curly\"\n"
    "topic = \"impersonation\"\n"
    "surfaces = [\"receipt\"]\n"
    "[messages.text.th]\n"
    "long = \"\xe0\xb8\xaa\xe0\xb8\xb2\xe0\xb8\xa2 \xe2\x80\x9c\xe0\xb8\x97\xe0\xb8\xb2\xe0\xb8\xa2\xe0\xb8\x8b\xe0\xb8\xb4"
    "\xe2\x80\x9d \xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 1441\"\n";

/* An engine of `agency` counting into the store directory `store`. */
static keymsg_engine *engine_of(const char *store, const char *agency) {
  keymsg_engine_options *o = NULL;
  keymsg_engine *e = NULL;
  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_store_path(o, store, strlen(store)), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_agency(o, agency, strlen(agency)), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_OK);
  keymsg_engine_options_free(o);
  return e;
}

/* An in-memory engine over `catalog` (NULL: the embedded one). */
static keymsg_engine *engine_with(keymsg_catalog *catalog, const char *store) {
  keymsg_engine_options *o = NULL;
  keymsg_engine *e = NULL;
  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  if (catalog != NULL) CHECK_STATUS(keymsg_engine_options_set_catalog(o, catalog), KEYMSG_OK);
  if (store != NULL) {
    CHECK_STATUS(keymsg_engine_options_set_store_path(o, store, strlen(store)), KEYMSG_OK);
  } else {
    CHECK_STATUS(keymsg_engine_options_set_in_memory_store(o), KEYMSG_OK);
  }
  CHECK_STATUS(keymsg_engine_options_set_agency(o, LIT("u")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_OK);
  keymsg_engine_options_free(o);
  return e;
}

static keymsg_footer_request receipt(const char *key) {
  keymsg_footer_request req;
  memset(&req, 0, sizeof req);
  req.key = key;
  req.key_len = strlen(key);
  req.at = AT;
  req.at_len = strlen(AT);
  req.surface = KEYMSG_SURFACE_RECEIPT;
  return req;
}

/* The Documents total of March in JSON, or -1. */
static long long documents(keymsg_engine *e) {
  keymsg_string *rep = NULL;
  const char *p;
  long long n = -1;
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &rep), KEYMSG_OK);
  if (rep == NULL) return -1;
  p = strstr(keymsg_string_get(rep).data, "\"totals\"");
  if (p != NULL) p = strstr(p, "\"documents\":");
  if (p != NULL) n = strtoll(p + strlen("\"documents\":"), NULL, 10);
  keymsg_string_free(rep);
  return n;
}

static void test_a_footer_that_fails_after_selection_is_never_counted(void) {
  keymsg_catalog *cat = NULL;
  keymsg_engine *e;
  keymsg_result *r = SENTINEL;
  keymsg_footer_request req = receipt("INV-1");
  keymsg_str bytes;
  CHECK_STATUS(keymsg_catalog_from_bytes((const uint8_t *)CURLY, sizeof CURLY - 1,
                                         KEYMSG_CATALOG_FORMAT_TOML, &cat),
               KEYMSG_OK);
  e = engine_with(cat, NULL);
  /* Selected, laid out, then the encoding fails: an error, and no count. */
  CHECK_STATUS(keymsg_engine_footer_encoded(e, &req, KEYMSG_ENCODING_TIS620, &r),
               KEYMSG_LAYOUT_UNENCODABLE);
  CHECK(r == SENTINEL);
  CHECK(last_error_contains("curly"));
  CHECK(last_error_contains("U+201C"));
  CHECK(documents(e) == 0);
  /* CP874 has the quotes: bytes for the printer, counted. */
  r = NULL;
  CHECK_STATUS(keymsg_engine_footer_encoded(e, &req, KEYMSG_ENCODING_CP874, &r), KEYMSG_OK);
  CHECK(keymsg_result_counted(r));
  bytes = keymsg_result_encoded(r);
  CHECK(bytes.len > 0 && str_contains(bytes, "\x93") && str_contains(bytes, "1441"));
  CHECK(!str_contains(bytes, "\xe2\x80\x9c")); /* not UTF-8 */
  keymsg_result_free(r);
  CHECK(documents(e) == 1);
  /* Without an encoding the bytes are the UTF-8 text. */
  r = NULL;
  req = receipt("INV-2");
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_OK);
  bytes = keymsg_result_encoded(r);
  CHECK(bytes.len == keymsg_result_text(r).len);
  CHECK(memcmp(bytes.data, keymsg_result_text(r).data, bytes.len) == 0);
  keymsg_result_free(r);
  /* Bad arguments: no side effects. */
  r = SENTINEL;
  CHECK_STATUS(keymsg_engine_footer_encoded(e, &req, 0, &r), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_footer_encoded(e, &req, 99, &r), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_footer_encoded(NULL, &req, 2, &r), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_footer_encoded(e, &req, 2, NULL), KEYMSG_NULL_PARAMETER);
  CHECK(r == SENTINEL);
  CHECK(documents(e) == 2);
  CHECK(keymsg_result_encoded(NULL).data == NULL);
  keymsg_engine_free(e);
  keymsg_catalog_free(cat);
}

static void test_the_default_catalog_prints_in_tis_620(void) {
  keymsg_engine *e = engine_with(NULL, NULL);
  int i;
  for (i = 0; i < 200; i++) {
    char key[32];
    keymsg_result *r = NULL;
    keymsg_footer_request req;
    keymsg_str bytes;
    size_t j;
    snprintf(key, sizeof key, "INV-%06d", i);
    req = receipt(key);
    CHECK_STATUS(keymsg_engine_footer_encoded(e, &req, KEYMSG_ENCODING_TIS620, &r), KEYMSG_OK);
    CHECK(keymsg_result_counted(r));
    bytes = keymsg_result_encoded(r);
    for (j = 0; j < bytes.len; j++) {
      unsigned char b = (unsigned char)bytes.data[j];
      /* ASCII or a Thai byte; the only control byte is the line feed. */
      CHECK((b >= 0x20 && b < 0x7f) || b == '\n' || (b >= 0xa1 && b <= 0xfb));
    }
    keymsg_result_free(r);
  }
  CHECK(documents(e) == 200);
  keymsg_engine_free(e);
}

static void test_free_text_rows_and_report_options(void) {
  char store[4096];
  keymsg_engine *e;
  keymsg_report_options *o = SENTINEL;
  keymsg_string *rep = NULL;
  keymsg_str s;
  /* สปอตวิทยุชุมชน */
  static const char SPOT[] =
      "\xe0\xb8\xaa\xe0\xb8\x9b\xe0\xb8\xad\xe0\xb8\x95\xe0\xb8\xa7\xe0\xb8\xb4\xe0\xb8\x97\xe0\xb8\xa2"
      "\xe0\xb8\xb8\xe0\xb8\x8a\xe0\xb8\xb8\xe0\xb8\xa1\xe0\xb8\x8a\xe0\xb8\x99";
  snprintf(store, sizeof store, "%s/delivered-store", scratch);
  e = engine_with(NULL, store);
  CHECK_STATUS(keymsg_engine_record_content(e, LIT("2026-03"), KEYMSG_CHANNEL_ON_AIR, SPOT,
                                            strlen(SPOT), 3),
               KEYMSG_OK);
  /* The same content again: the same row, the count replaced. */
  CHECK_STATUS(keymsg_engine_record_content(e, LIT("2026-03"), KEYMSG_CHANNEL_ON_AIR, SPOT,
                                            strlen(SPOT), 4),
               KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_record(e, LIT("2026-03"), KEYMSG_CHANNEL_ONLINE, LIT("aoc-1441"), 7),
               KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_record_content(e, LIT("2026-03"), KEYMSG_CHANNEL_ON_AIR, LIT("  "), 1),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("content"));
  CHECK_STATUS(keymsg_engine_record_content(e, LIT("2026-03"), 0, SPOT, strlen(SPOT), 1),
               KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_record_content(e, LIT("2026-03"), KEYMSG_CHANNEL_ON_AIR, NULL, 0, 1),
               KEYMSG_NULL_PARAMETER);

  CHECK_STATUS(keymsg_report_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_report_options_set_omit_zero_rows(o, true), KEYMSG_OK);
  CHECK_STATUS(keymsg_report_options_set_reporter(o, LIT("Somsri Jaidee")), KEYMSG_OK);
  CHECK_STATUS(keymsg_report_options_set_position(o, LIT("Computer Technical Officer")),
               KEYMSG_OK);
  CHECK_STATUS(keymsg_report_options_set_signed_on(o, LIT("2026-04-05")), KEYMSG_OK);
  CHECK_STATUS(keymsg_report_options_set_signed_on(o, LIT("5 April")), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_report_options_set_reporter(NULL, LIT("x")), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_report_options_set_omit_zero_rows(NULL, true), KEYMSG_NULL_PARAMETER);

  CHECK_STATUS(keymsg_engine_report_with(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, o, &rep),
               KEYMSG_OK);
  s = keymsg_string_get(rep);
  CHECK(str_contains(s, SPOT));
  CHECK(str_contains(s, "\"on_air\": 4"));
  CHECK(str_contains(s, "\"reporter\": \"Somsri Jaidee\""));
  CHECK(str_contains(s, "\"position\": \"Computer Technical Officer\""));
  CHECK(str_contains(s, "\"date\": \"2026-04-05\"")); /* the failed set left it alone */
  /* Compact: two rows (the content, aoc-1441). */
  CHECK(!str_contains(s, "fake-police-call"));
  keymsg_string_free(rep);

  /* NULL options: every row, no signature. */
  rep = NULL;
  CHECK_STATUS(keymsg_engine_report_with(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, NULL, &rep),
               KEYMSG_OK);
  s = keymsg_string_get(rep);
  CHECK(str_contains(s, "fake-police-call"));
  CHECK(!str_contains(s, "Somsri"));
  keymsg_string_free(rep);

  rep = NULL;
  CHECK_STATUS(keymsg_engine_report_with(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_XLSX, o, &rep),
               KEYMSG_OK);
  s = keymsg_string_get(rep);
  CHECK(s.len > 100 && memcmp(s.data, "PK\x03\x04", 4) == 0);
  keymsg_string_free(rep);

  rep = SENTINEL;
  CHECK_STATUS(keymsg_engine_report_with(e, LIT("2026-03"), 9, o, &rep), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_report_with(e, LIT("March"), 1, o, &rep), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_report_with(e, LIT("2026-03"), 1, o, NULL), KEYMSG_NULL_PARAMETER);
  CHECK(rep == SENTINEL);
  /* A date no one signs the March form on (a Buddhist Era year, the year
     -9999): a date to the setter, refused by the report, naming signed_on. */
  CHECK_STATUS(keymsg_report_options_set_signed_on(o, LIT("2569-04-05")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_report_with(e, LIT("2026-03"), 1, o, &rep), KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("signed_on") && last_error_contains("Buddhist Era"));
  CHECK_STATUS(keymsg_report_options_set_signed_on(o, LIT("-9999-12-31")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_report_with(e, LIT("2026-03"), 1, o, &rep), KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("2026-03-01 to 2028-03-31"));
  CHECK(rep == SENTINEL);
  keymsg_report_options_free(o);
  keymsg_report_options_free(NULL);
  CHECK_STATUS(keymsg_report_options_new(NULL), KEYMSG_NULL_PARAMETER);
  keymsg_engine_free(e);
}

/* What a `deliver` callback saw, and what it answers. */
struct hand_over {
  int calls;
  int32_t answer;
  char text[2048];
};

static int32_t deliver(void *user_data, const keymsg_result *r) {
  struct hand_over *h = user_data;
  keymsg_str text = keymsg_result_text(r);
  h->calls++;
  if (text.len < sizeof h->text) {
    memcpy(h->text, text.data, text.len);
    h->text[text.len] = '\0';
  }
  return h->answer;
}

/* A hand-over that fails takes its count back; a retry then counts once. */
static void test_a_failed_hand_over_withdraws_its_count(void) {
  char store[4096];
  keymsg_engine *e;
  keymsg_result *r = SENTINEL;
  keymsg_footer_request req = receipt("INV-D-1");
  keymsg_popup_request pop;
  struct hand_over h;
  memset(&h, 0, sizeof h);
  req.idempotency_key = "INV-D-1";
  req.idempotency_key_len = strlen("INV-D-1");
  snprintf(store, sizeof store, "%s/hand-over-store", scratch);
  e = engine_with(NULL, store);

  h.answer = 5; /* the printer is out of paper */
  CHECK_STATUS(keymsg_engine_footer_delivered(e, &req, deliver, &h, &r), KEYMSG_UNDELIVERED);
  CHECK(last_error_contains("returned 5") && last_error_contains("withdrawn"));
  CHECK(h.calls == 1 && strlen(h.text) > 0);
  CHECK(r == SENTINEL);
  CHECK(documents(e) == 0);

  h.answer = 0; /* the retry prints */
  CHECK_STATUS(keymsg_engine_footer_delivered(e, &req, deliver, &h, &r), KEYMSG_OK);
  CHECK(h.calls == 2);
  CHECK(keymsg_result_counted(r));
  CHECK(keymsg_result_text(r).len == strlen(h.text) &&
        memcmp(keymsg_result_text(r).data, h.text, strlen(h.text)) == 0);
  keymsg_result_free(r);
  CHECK(documents(e) == 1);

  /* The same document again, failing: a duplicate counted nothing, so
   * nothing is withdrawn and the delivered receipt stays counted. */
  h.answer = -1;
  r = SENTINEL;
  CHECK_STATUS(keymsg_engine_footer_delivered(e, &req, deliver, &h, &r), KEYMSG_UNDELIVERED);
  CHECK(last_error_contains("nothing had been counted"));
  CHECK(r == SENTINEL);
  CHECK(documents(e) == 1);

  /* An engine error: `deliver` is not called, nothing is counted. */
  req.profile = "no-such-profile";
  req.profile_len = strlen(req.profile);
  CHECK_STATUS(keymsg_engine_footer_delivered(e, &req, deliver, &h, &r), KEYMSG_INVALID_ARGUMENT);
  CHECK(h.calls == 3);
  CHECK_STATUS(keymsg_engine_footer_delivered(e, NULL, NULL, &h, &r), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_footer_delivered(NULL, NULL, deliver, &h, &r), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_footer_delivered(e, NULL, deliver, &h, NULL), KEYMSG_NULL_PARAMETER);
  CHECK(h.calls == 3);

  /* A pop-up the app could not show is not counted either. */
  memset(&pop, 0, sizeof pop);
  pop.key = "user-7";
  pop.key_len = strlen("user-7");
  pop.at = AT;
  pop.at_len = strlen(AT);
  h.answer = 1;
  CHECK_STATUS(keymsg_engine_popup_delivered(e, &pop, deliver, &h, &r), KEYMSG_UNDELIVERED);
  CHECK(last_error_contains("withdrawn"));
  h.answer = 0;
  CHECK_STATUS(keymsg_engine_popup_delivered(e, &pop, deliver, &h, &r), KEYMSG_OK);
  CHECK(keymsg_result_counted(r));
  keymsg_result_free(r);
  CHECK(h.calls == 5);
  keymsg_engine_free(e);
}

/* The Documents total in a JSON report, or -1. */
static long long documents_in(keymsg_str s) {
  const char *p = strstr(s.data, "\"totals\"");
  if (p != NULL) p = strstr(p, "\"documents\":");
  return p == NULL ? -1 : strtoll(p + strlen("\"documents\":"), NULL, 10);
}

/* The form of another agency of the store, and of every agency: as
 * `keymsg report --agency` and Python's `keymsg.report(agency=)`. */
static void test_reports_of_another_agency_and_of_all(void) {
  char store[4096];
  keymsg_engine *u, *v;
  keymsg_report_options *o = NULL;
  keymsg_string *rep = NULL;
  keymsg_result *r = NULL;
  const char *keys[] = {"A-1", "B-1", "B-2"};
  size_t i;
  snprintf(store, sizeof store, "%s/agencies-store", scratch);
  u = engine_of(store, "u");
  v = engine_of(store, "v");
  for (i = 0; i < 3; i++) {
    keymsg_footer_request req = receipt(keys[i]);
    CHECK_STATUS(keymsg_engine_footer(i == 0 ? u : v, &req, &r), KEYMSG_OK);
    CHECK(keymsg_result_counted(r));
    keymsg_result_free(r);
  }
  CHECK(documents(u) == 1);
  CHECK_STATUS(keymsg_report_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_report_options_set_agency(o, LIT("v")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_report_with(u, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, o, &rep),
               KEYMSG_OK);
  CHECK(documents_in(keymsg_string_get(rep)) == 2);
  CHECK(str_contains(keymsg_string_get(rep), "\"agency\": \"v\""));
  keymsg_string_free(rep);
  CHECK_STATUS(keymsg_report_options_set_all_agencies(o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_report_with(u, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, o, &rep),
               KEYMSG_OK);
  CHECK(documents_in(keymsg_string_get(rep)) == 3);
  keymsg_string_free(rep);
  /* Refused: an empty name (the choice is unchanged), a control character. */
  CHECK_STATUS(keymsg_report_options_set_agency(o, LIT("  ")), KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("agency"));
  CHECK_STATUS(keymsg_engine_report_with(u, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, o, &rep),
               KEYMSG_OK);
  CHECK(documents_in(keymsg_string_get(rep)) == 3);
  keymsg_string_free(rep);
  rep = SENTINEL;
  CHECK_STATUS(keymsg_report_options_set_agency(o, LIT("v\x07")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_report_with(u, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, o, &rep),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("agency"));
  CHECK(rep == SENTINEL);
  CHECK_STATUS(keymsg_report_options_set_agency(NULL, LIT("v")), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_report_options_set_agency(o, NULL, 0), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_report_options_set_all_agencies(NULL), KEYMSG_NULL_PARAMETER);
  keymsg_report_options_free(o);
  keymsg_engine_free(v);
  keymsg_engine_free(u);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FIXTURES_DIR SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  scratch = argv[2];
  RUN(test_a_footer_that_fails_after_selection_is_never_counted);
  RUN(test_the_default_catalog_prints_in_tis_620);
  RUN(test_free_text_rows_and_report_options);
  RUN(test_reports_of_another_agency_and_of_all);
  RUN(test_a_failed_hand_over_withdraws_its_count);
  return harness_finish();
}
