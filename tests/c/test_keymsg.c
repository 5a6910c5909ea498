/* C consumer tests for libkeymsg: every function, every error status that C
 * can provoke. Usage: test_keymsg FIXTURES_DIR SCRATCH_DIR
 *
 * Built with -std=c11 -Wall -Wextra -Wpedantic -Werror by scripts/test-c.sh,
 * and run plainly, under ASan/UBSan and under valgrind. */
#define _POSIX_C_SOURCE 200809L

#include "keymsg.h"
#include "keymsg.h" /* twice on purpose: the include guard must hold */
#include "harness.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

static const char *fixtures = ".";
static const char *scratch = ".";

/* A pointer value that the library must never write (outputs are written
 * only on success). */
#define SENTINEL ((void *)0x1)

static char path_buf[4096];

static const char *fixture(const char *name) {
  snprintf(path_buf, sizeof path_buf, "%s/%s", fixtures, name);
  return path_buf;
}

static keymsg_status load_file(const char *path, keymsg_catalog **out) {
  return keymsg_catalog_from_file(path, strlen(path), out);
}

/* Every status code the header defines, to check names and messages. */
static const uint32_t ALL_CODES[] = {
    KEYMSG_OK,
    KEYMSG_PANIC,
    KEYMSG_NULL_PARAMETER,
    KEYMSG_INVALID_UTF8,
    KEYMSG_INTERIOR_NUL,
    KEYMSG_INVALID_ARGUMENT,
    KEYMSG_ERROR_OTHER,
    KEYMSG_CATALOG_IO,
    KEYMSG_CATALOG_TOO_LARGE,
    KEYMSG_CATALOG_INVALID_UTF8,
    KEYMSG_CATALOG_UNKNOWN_FORMAT,
    KEYMSG_CATALOG_SYNTAX,
    KEYMSG_CATALOG_UNSUPPORTED_SCHEMA,
    KEYMSG_CATALOG_INVALID,
    KEYMSG_CATALOG_OTHER,
    KEYMSG_LAYOUT_WIDTH_TOO_SMALL,
    KEYMSG_LAYOUT_ELLIPSIS_TOO_WIDE,
    KEYMSG_LAYOUT_CONTROL_CHARACTER,
    KEYMSG_LAYOUT_UNENCODABLE,
    KEYMSG_LAYOUT_UNDECODABLE,
    KEYMSG_LAYOUT_INVALID_PROFILE,
    KEYMSG_LAYOUT_MISSING_VARIANT,
    KEYMSG_LAYOUT_INPUT_TOO_LARGE,
    KEYMSG_LAYOUT_TRUNCATED_CORE,
    KEYMSG_LAYOUT_OTHER,
    KEYMSG_SELECT_NOTHING_ELIGIBLE,
    KEYMSG_SELECT_UNKNOWN_POLICY,
    KEYMSG_SELECT_UNKNOWN_POLICY_KEY,
    KEYMSG_SELECT_BAD_TOKEN,
    KEYMSG_SELECT_UNKNOWN_MESSAGE,
    KEYMSG_SELECT_MISSING_KEY,
    KEYMSG_SELECT_IMPRESSION_LOG,
    KEYMSG_SELECT_OTHER,
    KEYMSG_STORE_SQLITE,
    KEYMSG_STORE_IO,
    KEYMSG_STORE_DISK_FULL,
    KEYMSG_STORE_CORRUPT,
    KEYMSG_STORE_FOREIGN,
    KEYMSG_STORE_NOT_A_STORE,
    KEYMSG_STORE_NEWER_SCHEMA,
    KEYMSG_STORE_READ_ONLY,
    KEYMSG_STORE_BAD_WRITER_ID,
    KEYMSG_STORE_POISONED,
    KEYMSG_STORE_LOST,
    KEYMSG_STORE_OTHER,
    KEYMSG_REPORT_IO,
    KEYMSG_REPORT_JSON,
    KEYMSG_REPORT_MISSING_SCHEMA,
    KEYMSG_REPORT_UNSUPPORTED_SCHEMA,
    KEYMSG_REPORT_XLSX,
    KEYMSG_REPORT_NO_REPORTS,
    KEYMSG_REPORT_MONTH_MISMATCH,
    KEYMSG_REPORT_EMPTY_AGENCY,
    KEYMSG_REPORT_AMEND_MISMATCH,
    KEYMSG_REPORT_OTHER,
};

/* ---- version, status ---------------------------------------------------- */

static void test_version(void) {
  keymsg_str v = keymsg_version();
  CHECK(v.data != NULL);
  CHECK(v.len > strlen("keymsg-ffi/"));
  CHECK(strncmp(v.data, "keymsg-ffi/", 11) == 0);
  CHECK(v.data[v.len] == '\0'); /* documented NUL-terminated */
}

static void test_status_codes_have_names_and_messages(void) {
  size_t i, j;
  CHECK(KEYMSG_OK == 0);
  for (i = 0; i < sizeof ALL_CODES / sizeof ALL_CODES[0]; i++) {
    keymsg_str name = keymsg_status_name(ALL_CODES[i]);
    keymsg_str msg = keymsg_status_message(ALL_CODES[i]);
    CHECK(name.data != NULL && name.data[name.len] == '\0');
    CHECK(strncmp(name.data, "KEYMSG_", 7) == 0);
    CHECK(!str_eq(name, "KEYMSG_UNKNOWN"));
    CHECK(msg.data != NULL && msg.len > 0 && msg.data[msg.len] == '\0');
    CHECK(!str_eq(msg, "unknown keymsg_status code"));
    for (j = 0; j < i; j++) CHECK(ALL_CODES[i] != ALL_CODES[j]);
  }
  CHECK(str_eq(keymsg_status_name(KEYMSG_CATALOG_INVALID), "KEYMSG_CATALOG_INVALID"));
  CHECK(str_eq(keymsg_status_message(KEYMSG_OK), "success"));
}

/* The numbers are ABI: they must never change (codes are only ever added). */
static void test_status_numbers_are_frozen(void) {
  CHECK(KEYMSG_OK == 0);
  CHECK(KEYMSG_PANIC == 1);
  CHECK(KEYMSG_NULL_PARAMETER == 2);
  CHECK(KEYMSG_INVALID_UTF8 == 3);
  CHECK(KEYMSG_INTERIOR_NUL == 4);
  CHECK(KEYMSG_INVALID_ARGUMENT == 5);
  CHECK(KEYMSG_ERROR_OTHER == 99);
  CHECK(KEYMSG_CATALOG_IO == 100);
  CHECK(KEYMSG_CATALOG_TOO_LARGE == 101);
  CHECK(KEYMSG_CATALOG_INVALID_UTF8 == 102);
  CHECK(KEYMSG_CATALOG_UNKNOWN_FORMAT == 103);
  CHECK(KEYMSG_CATALOG_SYNTAX == 104);
  CHECK(KEYMSG_CATALOG_UNSUPPORTED_SCHEMA == 105);
  CHECK(KEYMSG_CATALOG_INVALID == 106);
  CHECK(KEYMSG_CATALOG_OTHER == 199);
  CHECK(KEYMSG_LAYOUT_WIDTH_TOO_SMALL == 200);
  CHECK(KEYMSG_LAYOUT_ELLIPSIS_TOO_WIDE == 201);
  CHECK(KEYMSG_LAYOUT_CONTROL_CHARACTER == 202);
  CHECK(KEYMSG_LAYOUT_UNENCODABLE == 203);
  CHECK(KEYMSG_LAYOUT_UNDECODABLE == 204);
  CHECK(KEYMSG_LAYOUT_INVALID_PROFILE == 205);
  CHECK(KEYMSG_LAYOUT_MISSING_VARIANT == 206);
  CHECK(KEYMSG_LAYOUT_INPUT_TOO_LARGE == 207);
  CHECK(KEYMSG_LAYOUT_TRUNCATED_CORE == 208);
  CHECK(KEYMSG_LAYOUT_OTHER == 299);
  CHECK(KEYMSG_SELECT_NOTHING_ELIGIBLE == 300);
  CHECK(KEYMSG_SELECT_UNKNOWN_POLICY == 301);
  CHECK(KEYMSG_SELECT_UNKNOWN_POLICY_KEY == 302);
  CHECK(KEYMSG_SELECT_BAD_TOKEN == 303);
  CHECK(KEYMSG_SELECT_UNKNOWN_MESSAGE == 304);
  CHECK(KEYMSG_SELECT_MISSING_KEY == 305);
  CHECK(KEYMSG_SELECT_IMPRESSION_LOG == 306);
  CHECK(KEYMSG_SELECT_OTHER == 399);
  CHECK(KEYMSG_STORE_SQLITE == 400);
  CHECK(KEYMSG_STORE_IO == 401);
  CHECK(KEYMSG_STORE_DISK_FULL == 402);
  CHECK(KEYMSG_STORE_CORRUPT == 403);
  CHECK(KEYMSG_STORE_FOREIGN == 404);
  CHECK(KEYMSG_STORE_NOT_A_STORE == 405);
  CHECK(KEYMSG_STORE_NEWER_SCHEMA == 406);
  CHECK(KEYMSG_STORE_READ_ONLY == 407);
  CHECK(KEYMSG_STORE_BAD_WRITER_ID == 408);
  CHECK(KEYMSG_STORE_POISONED == 409);
  CHECK(KEYMSG_STORE_LOST == 410);
  CHECK(KEYMSG_STORE_OTHER == 499);
  CHECK(KEYMSG_REPORT_IO == 500);
  CHECK(KEYMSG_REPORT_JSON == 501);
  CHECK(KEYMSG_REPORT_MISSING_SCHEMA == 502);
  CHECK(KEYMSG_REPORT_UNSUPPORTED_SCHEMA == 503);
  CHECK(KEYMSG_REPORT_XLSX == 504);
  CHECK(KEYMSG_REPORT_NO_REPORTS == 505);
  CHECK(KEYMSG_REPORT_MONTH_MISMATCH == 506);
  CHECK(KEYMSG_REPORT_EMPTY_AGENCY == 507);
  CHECK(KEYMSG_REPORT_AMEND_MISMATCH == 508);
  CHECK(KEYMSG_REPORT_OTHER == 599);
  CHECK(KEYMSG_CATALOG_FORMAT_TOML == 1 && KEYMSG_CATALOG_FORMAT_JSON == 2);
  CHECK(KEYMSG_REPORT_FORMAT_JSON == 1 && KEYMSG_REPORT_FORMAT_CSV == 2);
  CHECK(KEYMSG_REPORT_FORMAT_MARKDOWN == 3 && KEYMSG_REPORT_FORMAT_XLSX == 4);
  CHECK(KEYMSG_CHANNEL_ONLINE == 1 && KEYMSG_CHANNEL_ON_AIR == 2 && KEYMSG_CHANNEL_ON_GROUND == 3);
  CHECK(KEYMSG_CHANNEL_BILLBOARD == 4 && KEYMSG_CHANNEL_COMMUNITY == 5 && KEYMSG_CHANNEL_DOCUMENTS == 6);
  CHECK(KEYMSG_SURFACE_RECEIPT == 1 && KEYMSG_SURFACE_INVOICE == 2 && KEYMSG_SURFACE_POPUP == 3);
  CHECK(KEYMSG_SURFACE_PUSH == 4 && KEYMSG_SURFACE_SMS == 5 && KEYMSG_SURFACE_BILLBOARD == 6);
  CHECK(KEYMSG_DURABILITY_PROCESS == 1 && KEYMSG_DURABILITY_POWER == 2);
  CHECK(KEYMSG_KEY_DOCUMENT == 1 && KEYMSG_KEY_SUBJECT == 2);
}

static void test_unknown_status_codes_are_not_trusted(void) {
  /* Integers from C are never taken as enum values unchecked. */
  CHECK(str_eq(keymsg_status_name(7), "KEYMSG_UNKNOWN"));
  CHECK(str_eq(keymsg_status_message(7), "unknown keymsg_status code"));
  CHECK(str_eq(keymsg_status_name(UINT32_MAX), "KEYMSG_UNKNOWN"));
  CHECK(str_eq(keymsg_status_message(0x80000000u), "unknown keymsg_status code"));
}

static void test_last_error_is_set_on_failure_and_cleared_on_success(void) {
  keymsg_catalog *cat = NULL;
  keymsg_str e;
  CHECK_STATUS(keymsg_catalog_default(NULL), KEYMSG_NULL_PARAMETER);
  e = keymsg_last_error_message();
  CHECK(e.data != NULL && e.data[e.len] == '\0');
  CHECK(str_contains(e, "catalog_out"));
  CHECK_STATUS(keymsg_catalog_default(&cat), KEYMSG_OK);
  e = keymsg_last_error_message();
  CHECK(e.data != NULL && e.len == 0);
  keymsg_catalog_free(cat);
}

/* ---- catalog ------------------------------------------------------------ */

static void test_catalog_default(void) {
  keymsg_catalog *cat = NULL;
  CHECK_STATUS(keymsg_catalog_default(&cat), KEYMSG_OK);
  CHECK(cat != NULL);
  CHECK(keymsg_catalog_message_count(cat) >= 24); /* at least 24 messages ship embedded */
  CHECK(keymsg_catalog_version(cat) >= 1);
  keymsg_catalog_free(cat);
}

static void test_catalog_accessors_and_free_accept_null(void) {
  CHECK(keymsg_catalog_version(NULL) == 0);
  CHECK(keymsg_catalog_message_count(NULL) == 0);
  keymsg_catalog_free(NULL);
  keymsg_string_free(NULL);
  {
    keymsg_str s = keymsg_string_get(NULL);
    CHECK(s.data == NULL && s.len == 0);
  }
}

static void test_catalog_from_file_json(void) {
  keymsg_catalog *cat = NULL;
  CHECK_STATUS(load_file(fixture("minimal.json"), &cat), KEYMSG_OK);
  CHECK(keymsg_catalog_version(cat) == 42);
  CHECK(keymsg_catalog_message_count(cat) == 1);
  keymsg_catalog_free(cat);
}

static void test_catalog_round_trip_through_file(void) {
  /* Write the default catalog with keymsg_catalog_to_string, load it back. */
  static const struct {
    uint32_t format;
    const char *name;
  } cases[] = {{KEYMSG_CATALOG_FORMAT_TOML, "round-trip.toml"},
               {KEYMSG_CATALOG_FORMAT_JSON, "round-trip.JSON"}};
  size_t i;
  keymsg_catalog *def = NULL;
  CHECK_STATUS(keymsg_catalog_default(&def), KEYMSG_OK);
  for (i = 0; i < 2; i++) {
    keymsg_string *text = NULL;
    keymsg_catalog *back = NULL;
    keymsg_str view;
    char path[4096];
    FILE *f;
    CHECK_STATUS(keymsg_catalog_to_string(def, cases[i].format, &text), KEYMSG_OK);
    view = keymsg_string_get(text);
    CHECK(view.data != NULL && view.len > 1000 && view.data[view.len] == '\0');
    snprintf(path, sizeof path, "%s/%s", scratch, cases[i].name);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f != NULL) {
      CHECK(fwrite(view.data, 1, view.len, f) == view.len);
      fclose(f);
    }
    CHECK_STATUS(load_file(path, &back), KEYMSG_OK);
    CHECK(keymsg_catalog_message_count(back) == keymsg_catalog_message_count(def));
    CHECK(keymsg_catalog_version(back) == keymsg_catalog_version(def));
    keymsg_catalog_free(back);
    keymsg_string_free(text);
  }
  keymsg_catalog_free(def);
}

static void test_catalog_from_file_missing(void) {
  keymsg_catalog *cat = (keymsg_catalog *)SENTINEL;
  const char *path = fixture("does-not-exist.toml");
  CHECK_STATUS(load_file(path, &cat), KEYMSG_CATALOG_IO);
  CHECK(cat == (keymsg_catalog *)SENTINEL); /* untouched on error */
  CHECK(last_error_contains("does-not-exist.toml"));
}

static void test_catalog_from_file_unknown_extension(void) {
  keymsg_catalog *cat = (keymsg_catalog *)SENTINEL;
  CHECK_STATUS(load_file(fixture("catalog.yaml"), &cat), KEYMSG_CATALOG_UNKNOWN_FORMAT);
  CHECK(cat == (keymsg_catalog *)SENTINEL);
  CHECK(last_error_contains("catalog.yaml"));
}

static void test_catalog_invalid_gives_every_problem_line(void) {
  keymsg_catalog *cat = (keymsg_catalog *)SENTINEL;
  keymsg_str e;
  size_t lines = 1, i;
  CHECK_STATUS(load_file(fixture("invalid.toml"), &cat), KEYMSG_CATALOG_INVALID);
  CHECK(cat == (keymsg_catalog *)SENTINEL);
  e = keymsg_last_error_message();
  for (i = 0; i < e.len; i++) lines += e.data[i] == '\n';
  /* empty text, control character, duplicate id, invalid date */
  CHECK(lines == 4);
  CHECK(str_contains(e, "invalid.toml: message `empty-text`: field `text.th.long`: text is empty"));
  CHECK(str_contains(e, "message `bell`: field `text.th.long` at char 8: control character U+0007"));
  CHECK(str_contains(e, "message `bell`: field `id`: duplicate message id"));
  CHECK(str_contains(e, "message `bad-date`: field `from`: invalid date `2026-02-30`"));
  if (lines != 4) fprintf(stderr, "  message was:\n%.*s\n", (int)e.len, e.data);
}

static void test_catalog_syntax_error_names_line_and_column(void) {
  keymsg_catalog *cat = (keymsg_catalog *)SENTINEL;
  CHECK_STATUS(load_file(fixture("syntax.toml"), &cat), KEYMSG_CATALOG_SYNTAX);
  CHECK(cat == (keymsg_catalog *)SENTINEL);
  CHECK(last_error_contains("syntax.toml:6:"));
}

static void test_catalog_unsupported_schema(void) {
  keymsg_catalog *cat = (keymsg_catalog *)SENTINEL;
  CHECK_STATUS(load_file(fixture("future-schema.json"), &cat), KEYMSG_CATALOG_UNSUPPORTED_SCHEMA);
  CHECK(cat == (keymsg_catalog *)SENTINEL);
  CHECK(last_error_contains("schema 99"));
}

static void test_catalog_file_not_utf8(void) {
  keymsg_catalog *cat = (keymsg_catalog *)SENTINEL;
  CHECK_STATUS(load_file(fixture("not-utf8.toml"), &cat), KEYMSG_CATALOG_INVALID_UTF8);
  CHECK(cat == (keymsg_catalog *)SENTINEL);
  CHECK(last_error_contains("byte offset 36"));
}

static void test_catalog_from_file_argument_errors(void) {
  keymsg_catalog *cat = (keymsg_catalog *)SENTINEL;
  static const char nul_path[] = "a\0b.toml";
  static const char bad_utf8[] = "caf\xc3.toml";
  CHECK_STATUS(keymsg_catalog_from_file(NULL, 5, &cat), KEYMSG_NULL_PARAMETER);
  CHECK(last_error_contains("`path`"));
  CHECK_STATUS(keymsg_catalog_from_file(nul_path, sizeof nul_path - 1, &cat), KEYMSG_INTERIOR_NUL);
  CHECK(last_error_contains("offset 1"));
  CHECK_STATUS(keymsg_catalog_from_file(bad_utf8, sizeof bad_utf8 - 1, &cat), KEYMSG_INVALID_UTF8);
  CHECK(last_error_contains("offset 3"));
  CHECK(cat == (keymsg_catalog *)SENTINEL);
  {
    const char *p = fixture("minimal.json");
    CHECK_STATUS(keymsg_catalog_from_file(p, strlen(p), NULL), KEYMSG_NULL_PARAMETER);
    CHECK(last_error_contains("catalog_out"));
  }
}

static void test_catalog_from_bytes(void) {
  static const char toml[] =
      "schema = 1\nversion = 9\n[allow]\nphones = [\"1441\"]\n"
      "[[messages]]\nid = \"m\"\ntopic = \"general\"\n"
      "[messages.text.th]\nlong = \"\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 1441\"\n"; /* โทร 1441 */
  keymsg_catalog *cat = NULL;
  CHECK_STATUS(keymsg_catalog_from_bytes((const uint8_t *)toml, sizeof toml - 1,
                                         KEYMSG_CATALOG_FORMAT_TOML, &cat),
               KEYMSG_OK);
  CHECK(keymsg_catalog_version(cat) == 9);
  CHECK(keymsg_catalog_message_count(cat) == 1);
  keymsg_catalog_free(cat);
}

static void test_catalog_from_bytes_errors(void) {
  static const char json_bad[] = "{\"schema\": 1, \"version\": 1, \"messages\": [}";
  static const uint8_t not_utf8[] = {'v', '=', 0xff};
  keymsg_catalog *cat = (keymsg_catalog *)SENTINEL;
  const uint8_t *jb = (const uint8_t *)json_bad;
  size_t big_len = 4u * 1024u * 1024u + 1u;
  uint8_t *big;

  CHECK_STATUS(keymsg_catalog_from_bytes(NULL, 0, KEYMSG_CATALOG_FORMAT_TOML, &cat),
               KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_catalog_from_bytes(jb, sizeof json_bad - 1, KEYMSG_CATALOG_FORMAT_JSON, NULL),
               KEYMSG_NULL_PARAMETER);
  /* Unknown format numbers, including 0 and values outside the enum. */
  CHECK_STATUS(keymsg_catalog_from_bytes(jb, sizeof json_bad - 1, 0, &cat), KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("format"));
  CHECK_STATUS(keymsg_catalog_from_bytes(jb, sizeof json_bad - 1, 3, &cat), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_catalog_from_bytes(jb, sizeof json_bad - 1, UINT32_MAX, &cat),
               KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_catalog_from_bytes(jb, sizeof json_bad - 1, KEYMSG_CATALOG_FORMAT_JSON, &cat),
               KEYMSG_CATALOG_SYNTAX);
  CHECK(last_error_contains("<memory>:1:"));
  CHECK_STATUS(keymsg_catalog_from_bytes(not_utf8, sizeof not_utf8, KEYMSG_CATALOG_FORMAT_TOML, &cat),
               KEYMSG_CATALOG_INVALID_UTF8);
  CHECK(last_error_contains("byte offset 2"));

  big = (uint8_t *)calloc(big_len, 1);
  CHECK(big != NULL);
  if (big != NULL) {
    memset(big, ' ', big_len);
    CHECK_STATUS(keymsg_catalog_from_bytes(big, big_len, KEYMSG_CATALOG_FORMAT_TOML, &cat),
                 KEYMSG_CATALOG_TOO_LARGE);
    free(big);
  }
  CHECK(cat == (keymsg_catalog *)SENTINEL);
}

static void test_catalog_to_string_errors(void) {
  keymsg_catalog *cat = NULL;
  keymsg_string *s = (keymsg_string *)SENTINEL;
  CHECK_STATUS(keymsg_catalog_to_string(NULL, KEYMSG_CATALOG_FORMAT_TOML, &s), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_catalog_default(&cat), KEYMSG_OK);
  CHECK_STATUS(keymsg_catalog_to_string(cat, KEYMSG_CATALOG_FORMAT_TOML, NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_catalog_to_string(cat, 0, &s), KEYMSG_INVALID_ARGUMENT);
  CHECK(s == (keymsg_string *)SENTINEL);
  keymsg_catalog_free(cat);
}

/* ---- layout ------------------------------------------------------------- */

/* (pointer, length) of a string literal. */
#define LIT(s) (s), (sizeof(s) - 1)

static size_t width_of(keymsg_str s) {
  size_t w = (size_t)-1;
  CHECK_STATUS(keymsg_width(s.data, s.len, &w), KEYMSG_OK);
  return w;
}

static void test_width_counts_columns_not_bytes(void) {
  size_t w = 99;
  CHECK_STATUS(keymsg_width(LIT(""), &w), KEYMSG_OK);
  CHECK(w == 0);
  CHECK_STATUS(keymsg_width(LIT("ABC"), &w), KEYMSG_OK);
  CHECK(w == 3);
  /* สวัสดี: ส ว ั ส ด ี -- the vowel marks MAI HAN-AKAT and SARA II take no column. */
  CHECK_STATUS(keymsg_width(LIT("\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x94\xe0\xb8\xb5"), &w), KEYMSG_OK);
  CHECK(w == 4);
  /* ที่: base + SARA II + MAI EK (tone mark) = 1 column. */
  CHECK_STATUS(keymsg_width(LIT("\xe0\xb8\x97\xe0\xb8\xb5\xe0\xb9\x88"), &w), KEYMSG_OK);
  CHECK(w == 1);
  /* กำ: SARA AM takes a column of its own. */
  CHECK_STATUS(keymsg_width(LIT("\xe0\xb8\x81\xe0\xb8\xb3"), &w), KEYMSG_OK);
  CHECK(w == 2);
  /* 中文: East Asian wide, 2 columns each. */
  CHECK_STATUS(keymsg_width(LIT("\xe4\xb8\xad\xe6\x96\x87"), &w), KEYMSG_OK);
  CHECK(w == 4);
}

static void test_width_argument_errors(void) {
  size_t w = 77;
  CHECK_STATUS(keymsg_width(NULL, 0, &w), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_width(LIT("abc"), NULL), KEYMSG_NULL_PARAMETER);
  CHECK(last_error_contains("width_out"));
  CHECK_STATUS(keymsg_width(LIT("ab\0c"), &w), KEYMSG_INTERIOR_NUL);
  CHECK_STATUS(keymsg_width(LIT("\xe0\xb8"), &w), KEYMSG_INVALID_UTF8);
  CHECK(last_error_contains("`text`"));
  CHECK(w == 77);
}

/* Thai leading vowels (เ แ โ ใ ไ: U+0E40..U+0E44) must never end a line. */
static int ends_with_leading_vowel(keymsg_str s) {
  const unsigned char *p = (const unsigned char *)s.data;
  return s.len >= 3 && p[s.len - 3] == 0xe0 && p[s.len - 2] == 0xb9 && p[s.len - 1] >= 0x80 &&
         p[s.len - 1] <= 0x84;
}

/* A line must never start with a Thai combining mark or a following vowel
 * (U+0E30..U+0E3A, U+0E45..U+0E4E except ๆ U+0E46 checked separately). */
static int starts_with_dependent(keymsg_str s) {
  const unsigned char *p = (const unsigned char *)s.data;
  unsigned cp;
  if (s.len < 3 || p[0] != 0xe0) return 0;
  cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
  return (cp == 0x0e31) || (cp >= 0x0e30 && cp <= 0x0e3a) || (cp >= 0x0e45 && cp <= 0x0e4e);
}

static void test_wrap_thai_respects_width_and_break_rules(void) {
  /* "ถูกหลอกโอนเงิน โทรแจ้งธนาคารของท่านทันที แล้วโทร 1441 ศูนย์ต่อต้านการฉ้อโกงทางออนไลน์" */
  static const char text[] =
      "\xe0\xb8\x96\xe0\xb8\xb9\xe0\xb8\x81\xe0\xb8\xab\xe0\xb8\xa5\xe0\xb8\xad\xe0\xb8\x81"
      "\xe0\xb9\x82\xe0\xb8\xad\xe0\xb8\x99\xe0\xb9\x80\xe0\xb8\x87\xe0\xb8\xb4\xe0\xb8\x99 "
      "\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3\xe0\xb9\x81\xe0\xb8\x88\xe0\xb9\x89\xe0\xb8\x87"
      "\xe0\xb8\x98\xe0\xb8\x99\xe0\xb8\xb2\xe0\xb8\x84\xe0\xb8\xb2\xe0\xb8\xa3\xe0\xb8\x82"
      "\xe0\xb8\xad\xe0\xb8\x87\xe0\xb8\x97\xe0\xb9\x88\xe0\xb8\xb2\xe0\xb8\x99\xe0\xb8\x97"
      "\xe0\xb8\xb1\xe0\xb8\x99\xe0\xb8\x97\xe0\xb8\xb5 \xe0\xb9\x81\xe0\xb8\xa5\xe0\xb9\x89"
      "\xe0\xb8\xa7\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 1441 \xe0\xb8\xa8\xe0\xb8\xb9\xe0\xb8"
      "\x99\xe0\xb8\xa2\xe0\xb9\x8c\xe0\xb8\x95\xe0\xb9\x88\xe0\xb8\xad\xe0\xb8\x95\xe0\xb9"
      "\x89\xe0\xb8\xb2\xe0\xb8\x99\xe0\xb8\x81\xe0\xb8\xb2\xe0\xb8\xa3\xe0\xb8\x89\xe0\xb9"
      "\x89\xe0\xb8\xad\xe0\xb9\x82\xe0\xb8\x81\xe0\xb8\x87\xe0\xb8\x97\xe0\xb8\xb2\xe0\xb8"
      "\x87\xe0\xb8\xad\xe0\xb8\xad\xe0\xb8\x99\xe0\xb9\x84\xe0\xb8\xa5\xe0\xb8\x99\xe0\xb9\x8c";
  static const size_t widths[] = {10, 16, 32};
  size_t wi, i;
  for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
    keymsg_lines *lines = NULL;
    size_t n, joined_len = 0, seen_1441 = 0;
    CHECK_STATUS(keymsg_wrap(LIT(text), widths[wi], 0, NULL, 0, &lines), KEYMSG_OK);
    n = keymsg_lines_count(lines);
    CHECK(n >= 2);
    for (i = 0; i < n; i++) {
      keymsg_str line = keymsg_lines_get(lines, i);
      CHECK(line.data != NULL);
      CHECK(width_of(line) <= widths[wi]);
      CHECK(!ends_with_leading_vowel(line));
      CHECK(!starts_with_dependent(line));
      joined_len += line.len;
      if (str_contains(line, "1441")) seen_1441++;
      /* The hotline number is a protected span: never split. */
      CHECK(!(str_contains(line, "144") && !str_contains(line, "1441")));
    }
    CHECK(seen_1441 == 1);
    /* Only the spaces at breaks are dropped: nothing else is lost. */
    CHECK(joined_len + 3 >= sizeof text - 1 && joined_len <= sizeof text - 1);
    CHECK(keymsg_lines_get(lines, n).data == NULL);
    keymsg_lines_free(lines);
  }
}

static void test_wrap_max_lines_and_ellipsis(void) {
  static const char text[] = "one two three four five six seven eight nine ten";
  keymsg_lines *lines = NULL;
  keymsg_str last;
  CHECK_STATUS(keymsg_wrap(LIT(text), 10, 2, NULL, 0, &lines), KEYMSG_OK);
  CHECK(keymsg_lines_count(lines) == 2);
  last = keymsg_lines_get(lines, 1);
  CHECK(last.len >= 3 && memcmp(last.data + last.len - 3, "\xe2\x80\xa6", 3) == 0); /* … */
  CHECK(width_of(last) <= 10);
  keymsg_lines_free(lines);

  lines = NULL;
  CHECK_STATUS(keymsg_wrap(LIT(text), 10, 1, LIT("..."), &lines), KEYMSG_OK);
  CHECK(keymsg_lines_count(lines) == 1);
  last = keymsg_lines_get(lines, 0);
  CHECK(last.len >= 3 && memcmp(last.data + last.len - 3, "...", 3) == 0);
  CHECK(width_of(last) <= 10);
  keymsg_lines_free(lines);
}

static void test_wrap_errors(void) {
  keymsg_lines *lines = (keymsg_lines *)SENTINEL;
  CHECK_STATUS(keymsg_wrap(LIT("abc"), 0, 0, NULL, 0, &lines), KEYMSG_LAYOUT_WIDTH_TOO_SMALL);
  CHECK_STATUS(keymsg_wrap(LIT("abc def ghi"), 2, 1, LIT("....."), &lines),
               KEYMSG_LAYOUT_ELLIPSIS_TOO_WIDE);
  CHECK_STATUS(keymsg_wrap(LIT("bell \x07 here"), 10, 0, NULL, 0, &lines),
               KEYMSG_LAYOUT_CONTROL_CHARACTER);
  CHECK(last_error_contains("U+0007"));
  CHECK_STATUS(keymsg_wrap(NULL, 0, 3, 0, NULL, 0, &lines), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_wrap(LIT("abc"), 3, 0, NULL, 0, NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_wrap(LIT("a\0b"), 3, 0, NULL, 0, &lines), KEYMSG_INTERIOR_NUL);
  CHECK_STATUS(keymsg_wrap(LIT("abc"), 3, 1, LIT("\xff"), &lines), KEYMSG_INVALID_UTF8);
  CHECK(last_error_contains("`ellipsis`"));
  CHECK(lines == (keymsg_lines *)SENTINEL);
  CHECK(keymsg_lines_count(NULL) == 0);
  CHECK(keymsg_lines_get(NULL, 0).data == NULL);
  keymsg_lines_free(NULL);
}

/* An agency's word: "โปรดลงทะเบียนผ่านแอปคนละครึ่งพลัสเท่านั้น" ("register
 * only through the คนละครึ่งพลัส app"); the built-in list reads the
 * programme's name คนละครึ่งพลัส as คนละ|ครึ่ง|พลัส. */
static const char words_text[] =
    "\xe0\xb9\x82\xe0\xb8\x9b\xe0\xb8\xa3\xe0\xb8\x94\xe0\xb8\xa5\xe0\xb8\x87\xe0\xb8\x97"
    "\xe0\xb8\xb0\xe0\xb9\x80\xe0\xb8\x9a\xe0\xb8\xb5\xe0\xb8\xa2\xe0\xb8\x99\xe0\xb8\x9c"
    "\xe0\xb9\x88\xe0\xb8\xb2\xe0\xb8\x99\xe0\xb9\x81\xe0\xb8\xad\xe0\xb8\x9b\xe0\xb8\x84"
    "\xe0\xb8\x99\xe0\xb8\xa5\xe0\xb8\xb0\xe0\xb8\x84\xe0\xb8\xa3\xe0\xb8\xb6\xe0\xb9\x88"
    "\xe0\xb8\x87\xe0\xb8\x9e\xe0\xb8\xa5\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb9\x80\xe0\xb8\x97"
    "\xe0\xb9\x88\xe0\xb8\xb2\xe0\xb8\x99\xe0\xb8\xb1\xe0\xb9\x89\xe0\xb8\x99";
static const char words_word[] =
    "\xe0\xb8\x84\xe0\xb8\x99\xe0\xb8\xa5\xe0\xb8\xb0\xe0\xb8\x84\xe0\xb8\xa3\xe0\xb8\xb6"
    "\xe0\xb9\x88\xe0\xb8\x87\xe0\xb8\x9e\xe0\xb8\xa5\xe0\xb8\xb1\xe0\xb8\xaa";

/* The word is cut inside at 22 columns, and not once it is given. */
static void test_wrap_with_words(void) {
  static const char words[] = "\n\xe0\xb8\x84\xe0\xb8\x99\xe0\xb8\xa5\xe0\xb8\xb0\xe0\xb8\x84\xe0\xb8\xa3\xe0\xb8\xb6"
      "\xe0\xb9\x88\xe0\xb8\x87\xe0\xb8\x9e\xe0\xb8\xa5\xe0\xb8\xb1\xe0\xb8\xaa\r\n"; /* empty lines and CRLF are fine */
  keymsg_lines *lines = NULL;
  size_t i, n, whole = 0;
  CHECK_STATUS(keymsg_wrap(LIT(words_text), 22, 0, NULL, 0, &lines), KEYMSG_OK);
  n = keymsg_lines_count(lines);
  for (i = 0; i < n; i++) whole += str_contains(keymsg_lines_get(lines, i), words_word);
  CHECK(whole == 0); /* the example still shows the problem */
  keymsg_lines_free(lines);

  lines = NULL;
  CHECK_STATUS(keymsg_wrap_with_words(LIT(words_text), 22, 0, NULL, 0, LIT(words), &lines), KEYMSG_OK);
  n = keymsg_lines_count(lines);
  CHECK(n == 2);
  for (i = 0; i < n; i++) {
    keymsg_str line = keymsg_lines_get(lines, i);
    whole += str_contains(line, words_word);
    CHECK(width_of(line) <= 22);
  }
  CHECK(whole == 1);
  keymsg_lines_free(lines);

  /* NULL words: as keymsg_wrap. A word with a space is refused by name. */
  lines = NULL;
  CHECK_STATUS(keymsg_wrap_with_words(LIT(words_text), 22, 0, NULL, 0, NULL, 0, &lines), KEYMSG_OK);
  keymsg_lines_free(lines);
  lines = (keymsg_lines *)SENTINEL;
  CHECK_STATUS(keymsg_wrap_with_words(LIT(words_text), 22, 0, NULL, 0, LIT("AOC"), &lines),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("AOC"));
  CHECK_STATUS(keymsg_wrap_with_words(LIT(words_text), 22, 0, NULL, 0, LIT("\xff"), &lines),
               KEYMSG_INVALID_UTF8);
  CHECK(lines == (keymsg_lines *)SENTINEL);
}

/* Truncation keeps the word whole too: at 26 columns the cut falls inside
 * it (…คนละครึ่ง…) unless it is given, and then before it. */
static void test_truncate_with_words(void) {
  /* Where the name starts: the result with the word is the text up to
   * there and the ellipsis. */
  const size_t before = (size_t)(strstr(words_text, words_word) - words_text);
  keymsg_string *out = NULL;
  keymsg_str s;
  CHECK_STATUS(keymsg_truncate(LIT(words_text), 26, NULL, 0, &out), KEYMSG_OK);
  s = keymsg_string_get(out);
  CHECK(s.len > before + 3); /* the example still shows the problem */
  CHECK(!str_contains(s, words_word));
  keymsg_string_free(out);

  out = NULL;
  CHECK_STATUS(keymsg_truncate_with_words(LIT(words_text), 26, NULL, 0, LIT(words_word), &out),
               KEYMSG_OK);
  s = keymsg_string_get(out);
  CHECK(s.len == before + 3 && memcmp(s.data, words_text, before) == 0);
  CHECK(memcmp(s.data + before, "\xe2\x80\xa6", 3) == 0);
  keymsg_string_free(out);

  /* NULL words: as keymsg_truncate. A bad word is refused by name, and
   * nothing is written. */
  out = NULL;
  CHECK_STATUS(keymsg_truncate_with_words(LIT(words_text), 26, NULL, 0, NULL, 0, &out), KEYMSG_OK);
  CHECK(keymsg_string_get(out).len > before + 3);
  keymsg_string_free(out);
  out = (keymsg_string *)SENTINEL;
  CHECK_STATUS(keymsg_truncate_with_words(LIT(words_text), 26, NULL, 0, LIT("AOC"), &out),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("AOC"));
  CHECK_STATUS(keymsg_truncate_with_words(LIT(words_text), 26, NULL, 0, LIT("\xff"), &out),
               KEYMSG_INVALID_UTF8);
  CHECK_STATUS(keymsg_truncate_with_words(LIT(words_text), 26, NULL, 0, LIT(words_word), NULL),
               KEYMSG_NULL_PARAMETER);
  CHECK(out == (keymsg_string *)SENTINEL);
}

static void test_truncate(void) {
  /* "โทร 1441 ตลอด 24 ชั่วโมง" */
  static const char text[] =
      "\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 1441 \xe0\xb8\x95\xe0\xb8\xa5\xe0\xb8\xad\xe0\xb8\x94"
      " 24 \xe0\xb8\x8a\xe0\xb8\xb1\xe0\xb9\x88\xe0\xb8\xa7\xe0\xb9\x82\xe0\xb8\xa1\xe0\xb8\x87";
  size_t width;
  for (width = 2; width <= 22; width++) {
    keymsg_string *out = NULL;
    keymsg_str s;
    CHECK_STATUS(keymsg_truncate(LIT(text), width, NULL, 0, &out), KEYMSG_OK);
    s = keymsg_string_get(out);
    CHECK(s.data != NULL && s.data[s.len] == '\0');
    CHECK(width_of(s) <= width);
    /* Never "144…": the number is kept whole or dropped whole. */
    CHECK(!(str_contains(s, "14") && !str_contains(s, "1441")));
    /* A prefix of the text (before the ellipsis). */
    if (s.len >= 3 && memcmp(s.data + s.len - 3, "\xe2\x80\xa6", 3) == 0) {
      CHECK(memcmp(s.data, text, s.len - 3) == 0);
    } else {
      CHECK(s.len == sizeof text - 1 && memcmp(s.data, text, s.len) == 0);
    }
    keymsg_string_free(out);
  }
  {
    keymsg_string *out = (keymsg_string *)SENTINEL;
    /* Width 0 cannot even hold the ellipsis. */
    CHECK_STATUS(keymsg_truncate(LIT("abcdef"), 0, NULL, 0, &out), KEYMSG_LAYOUT_ELLIPSIS_TOO_WIDE);
    CHECK_STATUS(keymsg_truncate(LIT("abcdef"), 3, LIT("....."), &out), KEYMSG_LAYOUT_ELLIPSIS_TOO_WIDE);
    CHECK_STATUS(keymsg_truncate(NULL, 0, 1, NULL, 0, &out), KEYMSG_NULL_PARAMETER);
    CHECK_STATUS(keymsg_truncate(LIT("abc"), 2, NULL, 0, NULL), KEYMSG_NULL_PARAMETER);
    CHECK_STATUS(keymsg_truncate(LIT("a\0"), 2, NULL, 0, &out), KEYMSG_INTERIOR_NUL);
    CHECK_STATUS(keymsg_truncate(LIT("\xc3("), 2, NULL, 0, &out), KEYMSG_INVALID_UTF8);
    CHECK(out == (keymsg_string *)SENTINEL);
  }
}

static void test_layout_input_limit(void) {
  keymsg_lines *lines = (keymsg_lines *)SENTINEL;
  keymsg_string *out = (keymsg_string *)SENTINEL;
  /* The default is 1 MiB; 0 restores it and the previous limit is returned. */
  CHECK(keymsg_set_max_input_bytes(10) == 1048576);
  CHECK_STATUS(keymsg_wrap(LIT("0123456789a"), 4, 0, NULL, 0, &lines),
               KEYMSG_LAYOUT_INPUT_TOO_LARGE);
  CHECK(last_error_contains("11 bytes, over the limit of 10 bytes"));
  CHECK_STATUS(keymsg_truncate(LIT("0123456789a"), 4, NULL, 0, &out),
               KEYMSG_LAYOUT_INPUT_TOO_LARGE);
  CHECK(lines == (keymsg_lines *)SENTINEL && out == (keymsg_string *)SENTINEL);
  CHECK_STATUS(keymsg_truncate(LIT("0123456789"), 4, NULL, 0, &out), KEYMSG_OK);
  keymsg_string_free(out);
  CHECK(keymsg_set_max_input_bytes(0) == 10);
  CHECK(keymsg_set_max_input_bytes(0) == 1048576);
}

/* ---- engine ------------------------------------------------------------- */

static keymsg_engine *engine_with(const char *store_dir, const char *agency) {
  keymsg_engine_options *o = NULL;
  keymsg_engine *e = NULL;
  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  if (store_dir != NULL) {
    CHECK_STATUS(keymsg_engine_options_set_store_path(o, store_dir, strlen(store_dir)), KEYMSG_OK);
  } else {
    CHECK_STATUS(keymsg_engine_options_set_in_memory_store(o), KEYMSG_OK);
  }
  if (agency != NULL) {
    CHECK_STATUS(keymsg_engine_options_set_agency(o, agency, strlen(agency)), KEYMSG_OK);
  }
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_OK);
  keymsg_engine_options_free(o);
  return e;
}

static int str_eq_str(keymsg_str a, keymsg_str b) {
  return a.data != NULL && b.data != NULL && a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

static void check_result_shape(const keymsg_result *r, size_t max_width) {
  size_t n = keymsg_result_line_count(r), i, total = 0;
  keymsg_str text = keymsg_result_text(r);
  keymsg_str variant = keymsg_result_variant(r);
  CHECK(n >= 1);
  CHECK(text.data != NULL && text.len > 0);
  CHECK(keymsg_result_message_id(r).len > 0);
  CHECK(keymsg_result_token(r).len > 0);
  CHECK(str_eq(variant, "long") || str_eq(variant, "short"));
  for (i = 0; i < n; i++) {
    keymsg_str line = keymsg_result_line(r, i);
    CHECK(line.data != NULL);
    if (max_width > 0) CHECK(width_of(line) <= max_width);
    /* text = lines joined by "\n" */
    CHECK(total + line.len <= text.len && memcmp(text.data + total, line.data, line.len) == 0);
    total += line.len;
    if (i + 1 < n) {
      CHECK(total < text.len && text.data[total] == '\n');
      total++;
    }
  }
  CHECK(total == text.len);
  CHECK(keymsg_result_line(r, n).data == NULL);
}

static void test_engine_defaults_footer(void) {
  keymsg_engine *e = NULL;
  keymsg_result *r = NULL;
  CHECK_STATUS(keymsg_engine_new(NULL, &e), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_footer(e, NULL, &r), KEYMSG_OK);
  check_result_shape(r, 32); /* receipt-58mm: 32 columns */
  CHECK(!keymsg_result_counted(r)); /* no store: nothing counted */
  CHECK(keymsg_result_count_error(r).data == NULL);
  CHECK(keymsg_result_title(r).data == NULL);
  keymsg_result_free(r);
  keymsg_engine_free(e);
}

static void test_engine_footer_sticky_and_replay(void) {
  keymsg_engine *e = engine_with(NULL, "PEA Chiang Mai");
  keymsg_footer_request req;
  keymsg_result *a = NULL, *b = NULL, *c = NULL;
  memset(&req, 0, sizeof req);
  req.key = "INV-2026-000123";
  req.key_len = strlen(req.key);
  req.profile = "receipt-80mm";
  req.profile_len = strlen(req.profile);
  CHECK_STATUS(keymsg_engine_footer(e, &req, &a), KEYMSG_OK);
  check_result_shape(a, 48);
  CHECK(keymsg_result_counted(a));
  CHECK_STATUS(keymsg_engine_footer(e, &req, &b), KEYMSG_OK);
  /* The same document key gets the same message (sticky). */
  CHECK(str_eq_str(keymsg_result_message_id(a), keymsg_result_message_id(b)));
  CHECK(str_eq_str(keymsg_result_text(a), keymsg_result_text(b)));
  /* Replay of the token, on a narrower width, gives the same message. */
  memset(&req, 0, sizeof req);
  req.width = 20;
  {
    keymsg_str tok = keymsg_result_token(a);
    CHECK_STATUS(keymsg_engine_replay(e, tok.data, tok.len, &req, &c), KEYMSG_OK);
  }
  check_result_shape(c, 20);
  CHECK(str_eq_str(keymsg_result_message_id(a), keymsg_result_message_id(c)));
  keymsg_result_free(c);
  c = NULL;
  {
    keymsg_str tok = keymsg_result_token(a);
    CHECK_STATUS(keymsg_engine_replay(e, tok.data, tok.len, NULL, &c), KEYMSG_OK);
    check_result_shape(c, 32);
    keymsg_result_free(c);
  }
  keymsg_result_free(a);
  keymsg_result_free(b);
  keymsg_engine_free(e);
}

static void test_engine_footer_english_and_idempotency(void) {
  keymsg_engine *e = engine_with(NULL, NULL);
  keymsg_footer_request req;
  keymsg_result *r1 = NULL, *r2 = NULL;
  size_t i;
  memset(&req, 0, sizeof req);
  req.lang = "en";
  req.lang_len = 2;
  req.surface = KEYMSG_SURFACE_INVOICE;
  req.kind = "water-bill";
  req.kind_len = strlen(req.kind);
  req.idempotency_key = "retry-1";
  req.idempotency_key_len = strlen(req.idempotency_key);
  req.at = "2026-03-10T09:00:00+07:00";
  req.at_len = strlen(req.at);
  req.has_sequence = true;
  req.sequence = 7;
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r1), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r2), KEYMSG_OK);
  /* An invoice without a profile is laid out for invoice-a4 (90 columns), the
     profile every invoice message is validated against, in at most 3 lines. */
  check_result_shape(r1, 90);
  CHECK(keymsg_result_line_count(r1) <= 3);
  {
    keymsg_str t = keymsg_result_text(r1);
    for (i = 0; i < t.len; i++) CHECK((unsigned char)t.data[i] < 0x80 || t.data[i] == 0); /* English */
  }
  /* A retry with the same idempotency key counts once. */
  CHECK(keymsg_result_counted(r1));
  CHECK(!keymsg_result_counted(r2));
  keymsg_result_free(r1);
  keymsg_result_free(r2);
  /* A kind or key the store cannot keep is the caller's error: no footer,
     rather than one printed uncounted. */
  {
    keymsg_result *bad = NULL;
    req.kind = "bill\x1b";
    req.kind_len = strlen(req.kind);
    CHECK_STATUS(keymsg_engine_footer(e, &req, &bad), KEYMSG_INVALID_ARGUMENT);
    CHECK(bad == NULL);
    req.kind = "water-bill";
    req.kind_len = strlen(req.kind);
    req.idempotency_key = "";
    req.idempotency_key_len = 0;
    CHECK_STATUS(keymsg_engine_footer(e, &req, &bad), KEYMSG_INVALID_ARGUMENT);
    CHECK(bad == NULL);
  }
  keymsg_engine_free(e);
}

static void test_engine_popup(void) {
  keymsg_engine *e = engine_with(NULL, NULL);
  keymsg_popup_request req;
  keymsg_result *r = NULL;
  memset(&req, 0, sizeof req);
  req.key = "user-42";
  req.key_len = strlen(req.key);
  CHECK_STATUS(keymsg_engine_popup(e, &req, &r), KEYMSG_OK);
  check_result_shape(r, 0);
  CHECK(keymsg_result_title(r).data != NULL && keymsg_result_title(r).len > 0);
  CHECK(keymsg_result_counted(r));
  keymsg_result_free(r);
  r = NULL;
  CHECK_STATUS(keymsg_engine_popup(e, NULL, &r), KEYMSG_OK);
  keymsg_result_free(r);
  keymsg_engine_free(e);
}

static void test_engine_custom_catalog(void) {
  keymsg_catalog *cat = NULL;
  keymsg_engine_options *o = NULL;
  keymsg_engine *e = NULL;
  keymsg_result *r = NULL;
  CHECK_STATUS(load_file(fixture("minimal.json"), &cat), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_catalog(o, cat), KEYMSG_OK);
  keymsg_catalog_free(cat); /* the options keep their own reference */
  CHECK_STATUS(keymsg_engine_options_set_policy(o, LIT("round-robin")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_durability(o, KEYMSG_DURABILITY_POWER), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_key_retention_months(o, 0), KEYMSG_OK); /* forever */
  CHECK_STATUS(keymsg_engine_options_set_key_retention_months(o, 24), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_fail_closed(o, true), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_OK);
  keymsg_engine_options_free(o);
  CHECK_STATUS(keymsg_engine_footer(e, NULL, &r), KEYMSG_OK);
  CHECK(str_eq(keymsg_result_message_id(r), "only"));
  keymsg_result_free(r);
  keymsg_engine_free(e);
}

static void test_engine_options_errors(void) {
  keymsg_engine_options *o = NULL;
  keymsg_engine *e = (keymsg_engine *)SENTINEL;
  CHECK_STATUS(keymsg_engine_options_new(NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_catalog(NULL, NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_store_path(NULL, LIT("x")), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_in_memory_store(NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_agency(NULL, LIT("x")), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_policy(NULL, LIT("sticky")), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_durability(NULL, KEYMSG_DURABILITY_PROCESS), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_fail_closed(NULL, false), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_key_retention_months(NULL, 13), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_new(NULL, NULL), KEYMSG_NULL_PARAMETER);
  keymsg_engine_options_free(NULL);
  keymsg_engine_free(NULL);

  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_catalog(o, NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_durability(o, 0), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_options_set_durability(o, 3), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_options_set_store_path(o, NULL, 0), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_store_path(o, LIT("dir\0x")), KEYMSG_INTERIOR_NUL);
  CHECK_STATUS(keymsg_engine_options_set_agency(o, LIT("\xe0\xb8")), KEYMSG_INVALID_UTF8);
  CHECK_STATUS(keymsg_engine_options_set_policy(o, LIT("sometimes")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_SELECT_UNKNOWN_POLICY);
  CHECK(last_error_contains("sometimes"));
  CHECK_STATUS(keymsg_engine_options_set_policy(o, LIT("sticky")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_agency(o, LIT("   ")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("agency"));
  CHECK_STATUS(keymsg_engine_options_set_agency(o, LIT("x")), KEYMSG_OK);
  {
    /* A regular file is not a store directory. */
    const char *f = fixture("minimal.json");
    CHECK_STATUS(keymsg_engine_options_set_store_path(o, f, strlen(f)), KEYMSG_OK);
    CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_STORE_NOT_A_STORE);
    CHECK(last_error_contains("minimal.json"));
  }
  CHECK(e == (keymsg_engine *)SENTINEL);
  keymsg_engine_options_free(o);
}

/* A writer file deleted after it acknowledged counts: the store is refused,
 * with its own status and a message naming the file and the counts missing,
 * and the file is not recreated. */
static void test_engine_refuses_a_store_that_lost_counts(void) {
  char store[512], file[600];
  keymsg_engine *e;
  keymsg_engine_options *o = NULL;
  keymsg_footer_request req;
  const char *ext[] = {"", "-wal", "-shm"};
  int i;
  snprintf(store, sizeof store, "%s/lost-store", scratch);
  e = engine_with(store, "PEA");
  memset(&req, 0, sizeof req);
  req.at = "2026-03-10T10:00:00+07:00";
  req.at_len = strlen(req.at);
  for (i = 0; i < 4; i++) {
    char key[32];
    keymsg_result *r = NULL;
    snprintf(key, sizeof key, "LOST-%d", i);
    req.key = key;
    req.key_len = strlen(key);
    CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_OK);
    CHECK(keymsg_result_counted(r));
    keymsg_result_free(r);
  }
  keymsg_engine_free(e);
  for (i = 0; i < 3; i++) {
    snprintf(file, sizeof file, "%s/w-0.sqlite%s", store, ext[i]);
    remove(file);
  }
  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_store_path(o, store, strlen(store)), KEYMSG_OK);
  e = (keymsg_engine *)SENTINEL;
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_STORE_LOST);
  CHECK(last_error_contains("w-0.sqlite"));
  CHECK(last_error_contains("lost 4 acknowledged counts"));
  CHECK(e == (keymsg_engine *)SENTINEL);
  keymsg_engine_options_free(o);
  snprintf(file, sizeof file, "%s/w-0.sqlite", store);
  {
    FILE *f = fopen(file, "rb");
    CHECK(f == NULL); /* not recreated */
    if (f != NULL) fclose(f);
  }
}

static void test_engine_request_errors(void) {
  keymsg_engine *e = engine_with(NULL, NULL);
  keymsg_footer_request req;
  keymsg_popup_request preq;
  keymsg_result *r = (keymsg_result *)SENTINEL;

  CHECK_STATUS(keymsg_engine_footer(NULL, NULL, &r), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_footer(e, NULL, NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_popup(NULL, NULL, &r), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_popup(e, NULL, NULL), KEYMSG_NULL_PARAMETER);

  memset(&req, 0, sizeof req);
  req.profile = "receipt-99mm";
  req.profile_len = strlen(req.profile);
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("receipt-99mm"));

  memset(&req, 0, sizeof req);
  req.at = "yesterday";
  req.at_len = strlen(req.at);
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("request.at") || last_error_contains("`at`"));

  memset(&req, 0, sizeof req);
  req.surface = 99;
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_INVALID_ARGUMENT);

  memset(&req, 0, sizeof req);
  req.key = "\xff";
  req.key_len = 1;
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_INVALID_UTF8);
  CHECK(last_error_contains("request.key"));

  memset(&req, 0, sizeof req);
  req.lang = "t\0h";
  req.lang_len = 3;
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_INTERIOR_NUL);

  memset(&req, 0, sizeof req);
  req.lang = "xx";
  req.lang_len = 2;
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_SELECT_NOTHING_ELIGIBLE);

  memset(&preq, 0, sizeof preq);
  preq.idempotency_key = "\xc3";
  preq.idempotency_key_len = 1;
  CHECK_STATUS(keymsg_engine_popup(e, &preq, &r), KEYMSG_INVALID_UTF8);

  CHECK_STATUS(keymsg_engine_replay(e, LIT("not a token"), NULL, &r), KEYMSG_SELECT_BAD_TOKEN);
  CHECK_STATUS(keymsg_engine_replay(e, NULL, 0, NULL, &r), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_replay(NULL, LIT("k1.1.aoc-1441"), NULL, &r), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_replay(e, LIT("k1.1.no-such-message"), NULL, &r),
               KEYMSG_SELECT_UNKNOWN_MESSAGE);
  CHECK(r == (keymsg_result *)SENTINEL);

  /* Accessors on NULL. */
  CHECK(keymsg_result_text(NULL).data == NULL);
  CHECK(keymsg_result_line_count(NULL) == 0);
  CHECK(keymsg_result_line(NULL, 0).data == NULL);
  CHECK(keymsg_result_message_id(NULL).data == NULL);
  CHECK(keymsg_result_title(NULL).data == NULL);
  CHECK(keymsg_result_token(NULL).data == NULL);
  CHECK(keymsg_result_variant(NULL).data == NULL);
  CHECK(!keymsg_result_truncated(NULL));
  CHECK(!keymsg_result_counted(NULL));
  CHECK(keymsg_result_count_error(NULL).data == NULL);
  keymsg_result_free(NULL);
  keymsg_engine_free(e);
}

/* The number after `"key": ` following `"totals"` in a JSON report. */
static unsigned long long json_total(keymsg_str json, const char *key) {
  char needle[64];
  const char *p = NULL, *q;
  size_t i;
  for (i = 0; i + 8 <= json.len; i++) {
    if (memcmp(json.data + i, "\"totals\"", 8) == 0) p = json.data + i;
  }
  if (p == NULL) return (unsigned long long)-1;
  snprintf(needle, sizeof needle, "\"%s\":", key);
  q = strstr(p, needle); /* the report string is NUL-terminated */
  if (q == NULL) return (unsigned long long)-1;
  return strtoull(q + strlen(needle), NULL, 10);
}

static void test_engine_postgres_store_acknowledges_in_the_journal(void) {
  /* Nothing listens on port 1: footers are acknowledged in the journal and
     shipped later; printing never waits for PostgreSQL. */
  const char *url = "postgres://keymsg@127.0.0.1:1/fleet";
  char journal[4096];
  keymsg_engine_options *o = NULL;
  keymsg_engine *e = (keymsg_engine *)SENTINEL;
  keymsg_footer_request req;
  keymsg_result *r1 = NULL, *r2 = NULL;
  snprintf(journal, sizeof journal, "%s/fleet-journal", scratch);
  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_store_path(o, url, strlen(url)), KEYMSG_OK);
  if (getenv("KEYMSG_JOURNAL") == NULL) {
    /* Without a journal the engine is refused, naming what is missing. */
    CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_INVALID_ARGUMENT);
    CHECK(e == (keymsg_engine *)SENTINEL);
  }
  CHECK_STATUS(keymsg_engine_options_set_journal_path(o, journal, strlen(journal)), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &e), KEYMSG_OK);
  keymsg_engine_options_free(o);
  memset(&req, 0, sizeof req);
  req.idempotency_key = "fleet-1";
  req.idempotency_key_len = strlen(req.idempotency_key);
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r1), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r2), KEYMSG_OK);
  CHECK(keymsg_result_counted(r1));
  CHECK(!keymsg_result_counted(r2));
  keymsg_result_free(r1);
  keymsg_result_free(r2);
  keymsg_engine_free(e);
}

static void test_engine_record_and_report(void) {
  char store[4096];
  keymsg_engine *e;
  keymsg_footer_request req;
  keymsg_string *rep = NULL;
  keymsg_str s;
  int i;
  snprintf(store, sizeof store, "%s/report-store", scratch);
  e = engine_with(store, "PEA Chiang Mai");
  memset(&req, 0, sizeof req);
  req.at = "2026-03-10T10:00:00+07:00";
  req.at_len = strlen(req.at);
  for (i = 0; i < 3; i++) {
    char key[32];
    keymsg_result *r = NULL;
    snprintf(key, sizeof key, "INV-%d", i);
    req.key = key;
    req.key_len = strlen(key);
    CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_OK);
    CHECK(keymsg_result_counted(r));
    keymsg_result_free(r);
  }
  CHECK_STATUS(keymsg_engine_record(e, LIT("2026-03"), KEYMSG_CHANNEL_ONLINE, LIT("aoc-1441"), 5),
               KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_record(e, LIT("2026-03"), KEYMSG_CHANNEL_ON_AIR, LIT("aoc-1441"), 2),
               KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_flush(e), KEYMSG_OK);

  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &rep), KEYMSG_OK);
  s = keymsg_string_get(rep);
  CHECK(str_contains(s, "\"month\": \"2026-03\""));
  CHECK(str_contains(s, "PEA Chiang Mai"));
  CHECK(json_total(s, "documents") == 3);
  CHECK(json_total(s, "online") == 5);
  CHECK(json_total(s, "on_air") == 2);
  keymsg_string_free(rep);

  rep = NULL;
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_CSV, &rep), KEYMSG_OK);
  s = keymsg_string_get(rep);
  CHECK(s.len > 3 && memcmp(s.data, "\xef\xbb\xbf", 3) == 0); /* BOM for Excel */
  keymsg_string_free(rep);

  rep = NULL;
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_MARKDOWN, &rep), KEYMSG_OK);
  s = keymsg_string_get(rep);
  CHECK(s.len > 0 && s.data[0] == '#');
  keymsg_string_free(rep);

  rep = NULL;
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_XLSX, &rep), KEYMSG_OK);
  s = keymsg_string_get(rep);
  CHECK(s.len > 100 && memcmp(s.data, "PK\x03\x04", 4) == 0); /* a zip container */
  keymsg_string_free(rep);

  /* A month with nothing counted reports zeros. */
  rep = NULL;
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-04"), KEYMSG_REPORT_FORMAT_JSON, &rep), KEYMSG_OK);
  CHECK(json_total(keymsg_string_get(rep), "documents") == 0);
  keymsg_string_free(rep);
  keymsg_engine_free(e);

  /* Counts are durable: a new engine on the same store sees them. */
  e = engine_with(store, "PEA Chiang Mai");
  rep = NULL;
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &rep), KEYMSG_OK);
  CHECK(json_total(keymsg_string_get(rep), "documents") == 3);
  keymsg_string_free(rep);
  keymsg_engine_free(e);
}

static void test_engine_refuses_extreme_instants_and_keeps_counting(void) {
  /* The last instant of time, a count the form cannot hold, a token with a
     terminal escape: each a clear status and an escaped message, and the
     engine goes on counting. */
  char store[4096];
  keymsg_engine *e;
  keymsg_footer_request req;
  keymsg_result *r = NULL;
  keymsg_string *rep = NULL;
  keymsg_string *explained = NULL;
  static const char *const extreme[] = {"9999-12-31T23:59:59Z", "0000-12-31T16:59:59Z"};
  size_t i;
  snprintf(store, sizeof store, "%s/extreme-store", scratch);
  e = engine_with(store, "PEA");
  memset(&req, 0, sizeof req);
  req.key = "D-1";
  req.key_len = 3;
  for (i = 0; i < sizeof extreme / sizeof extreme[0]; i++) {
    req.at = extreme[i];
    req.at_len = strlen(req.at);
    r = SENTINEL;
    CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_INVALID_ARGUMENT);
    CHECK(r == SENTINEL);
    CHECK(str_contains(keymsg_last_error_message(), "years 1 to 2399"));
    /* Explaining refuses what selecting refuses. */
    explained = (keymsg_string *)SENTINEL;
    CHECK_STATUS(keymsg_engine_explain(e, &req, &explained), KEYMSG_INVALID_ARGUMENT);
    CHECK(explained == (keymsg_string *)SENTINEL);
    CHECK(str_contains(keymsg_last_error_message(), "years 1 to 2399"));
    req.at = "2026-03-10T10:00:00+07:00";
    req.at_len = strlen(req.at);
    r = NULL;
    CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_OK);
    keymsg_result_free(r);
  }
  CHECK(keymsg_engine_record(e, LIT("2026-03"), KEYMSG_CHANNEL_ONLINE, LIT("aoc-1441"),
                             UINT64_MAX) != KEYMSG_OK);
  CHECK(str_contains(keymsg_last_error_message(), "18446744073709551615"));
  {
    const char *evil = "k1.1.\x1b]0;pwned\x07";
    r = SENTINEL;
    CHECK(keymsg_engine_replay(e, evil, strlen(evil), NULL, &r) != KEYMSG_OK);
    CHECK(r == SENTINEL);
    CHECK(!str_contains(keymsg_last_error_message(), "\x1b"));
    CHECK(str_contains(keymsg_last_error_message(), "\\u{1b}"));
  }
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &rep), KEYMSG_OK);
  CHECK(json_total(keymsg_string_get(rep), "documents") == 2); /* one per valid call */
  keymsg_string_free(rep);
  keymsg_engine_free(e);
}

static void test_engine_record_and_report_errors(void) {
  keymsg_engine *e = engine_with(NULL, NULL);
  keymsg_engine *nostore = NULL;
  keymsg_string *rep = (keymsg_string *)SENTINEL;
  CHECK_STATUS(keymsg_engine_record(e, LIT("2026-13"), KEYMSG_CHANNEL_ONLINE, LIT("aoc-1441"), 1),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("month"));
  CHECK_STATUS(keymsg_engine_record(e, LIT("2026-03"), 0, LIT("aoc-1441"), 1), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_record(e, LIT("2026-03"), 7, LIT("aoc-1441"), 1), KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("channel"));
  CHECK_STATUS(keymsg_engine_record(e, NULL, 0, KEYMSG_CHANNEL_ONLINE, LIT("aoc-1441"), 1),
               KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_record(e, LIT("2026-03"), KEYMSG_CHANNEL_ONLINE, NULL, 0, 1),
               KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_record(NULL, LIT("2026-03"), KEYMSG_CHANNEL_ONLINE, LIT("x"), 1),
               KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), 0, &rep), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), 5, &rep), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_report(e, LIT("March"), KEYMSG_REPORT_FORMAT_JSON, &rep),
               KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_engine_report(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, NULL),
               KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_report(NULL, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &rep),
               KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_flush(NULL), KEYMSG_NULL_PARAMETER);

  /* An engine without a store counts nothing and cannot record or report. */
  CHECK_STATUS(keymsg_engine_new(NULL, &nostore), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_flush(nostore), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_record(nostore, LIT("2026-03"), KEYMSG_CHANNEL_ONLINE, LIT("aoc-1441"), 1),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("store"));
  CHECK_STATUS(keymsg_engine_report(nostore, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &rep),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(rep == (keymsg_string *)SENTINEL);
  keymsg_engine_free(nostore);
  keymsg_engine_free(e);
}

/* ---- selection ---------------------------------------------------------- */

static void test_select_agrees_with_footer(void) {
  keymsg_engine *e = NULL;
  keymsg_select_request sreq;
  keymsg_footer_request freq;
  keymsg_selection *sel = NULL;
  keymsg_result *r = NULL;
  CHECK_STATUS(keymsg_engine_new(NULL, &e), KEYMSG_OK);
  memset(&sreq, 0, sizeof sreq);
  memset(&freq, 0, sizeof freq);
  sreq.document_key = freq.key = "INV-2026-000777";
  sreq.document_key_len = freq.key_len = strlen(freq.key);
  sreq.at = freq.at = "2026-06-01T08:00:00+07:00";
  sreq.at_len = freq.at_len = strlen(freq.at);
  CHECK_STATUS(keymsg_engine_select(e, &sreq, &sel), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_footer(e, &freq, &r), KEYMSG_OK);
  CHECK(str_eq_str(keymsg_selection_message_id(sel), keymsg_result_message_id(r)));
  CHECK(str_eq_str(keymsg_selection_token(sel), keymsg_result_token(r)));
  CHECK(str_eq(keymsg_selection_policy(sel), "sticky"));
  keymsg_selection_free(sel);
  keymsg_result_free(r);
  sel = NULL;
  /* No key: the documented fallback to round-robin. */
  CHECK_STATUS(keymsg_engine_select(e, NULL, &sel), KEYMSG_OK);
  CHECK(str_eq(keymsg_selection_policy(sel), "round-robin"));
  keymsg_selection_free(sel);
  keymsg_engine_free(e);
}

static void test_select_errors(void) {
  keymsg_engine *e = NULL;
  keymsg_select_request req;
  keymsg_selection *sel = (keymsg_selection *)SENTINEL;
  CHECK_STATUS(keymsg_engine_new(NULL, &e), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_select(NULL, NULL, &sel), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_select(e, NULL, NULL), KEYMSG_NULL_PARAMETER);
  memset(&req, 0, sizeof req);
  req.surface = 7;
  CHECK_STATUS(keymsg_engine_select(e, &req, &sel), KEYMSG_INVALID_ARGUMENT);
  memset(&req, 0, sizeof req);
  req.subject_key = "\xe0\xb8";
  req.subject_key_len = 2;
  CHECK_STATUS(keymsg_engine_select(e, &req, &sel), KEYMSG_INVALID_UTF8);
  CHECK(last_error_contains("request.subject_key"));
  memset(&req, 0, sizeof req);
  req.lang = "zz";
  req.lang_len = 2;
  CHECK_STATUS(keymsg_engine_select(e, &req, &sel), KEYMSG_SELECT_NOTHING_ELIGIBLE);
  CHECK(sel == (keymsg_selection *)SENTINEL);
  CHECK(keymsg_selection_message_id(NULL).data == NULL);
  CHECK(keymsg_selection_policy(NULL).data == NULL);
  CHECK(keymsg_selection_token(NULL).data == NULL);
  keymsg_selection_free(NULL);
  keymsg_engine_free(e);
}

static void test_key_hash(void) {
  uint64_t a = 0, b = 1, c = 2;
  CHECK_STATUS(keymsg_key_hash(KEYMSG_KEY_DOCUMENT, LIT("INV-2026-000001"), &a), KEYMSG_OK);
  /* Keys are canonicalised: case and surrounding space do not matter. */
  CHECK_STATUS(keymsg_key_hash(KEYMSG_KEY_DOCUMENT, LIT("  inv-2026-000001 "), &b), KEYMSG_OK);
  CHECK(a == b);
  /* The two kinds are domain-separated. */
  CHECK_STATUS(keymsg_key_hash(KEYMSG_KEY_SUBJECT, LIT("INV-2026-000001"), &c), KEYMSG_OK);
  CHECK(a != c);
  c = 3;
  CHECK_STATUS(keymsg_key_hash(KEYMSG_KEY_DOCUMENT, LIT(" \t"), &c), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_key_hash(0, LIT("x"), &c), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_key_hash(3, LIT("x"), &c), KEYMSG_INVALID_ARGUMENT);
  CHECK_STATUS(keymsg_key_hash(KEYMSG_KEY_DOCUMENT, NULL, 0, &c), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_key_hash(KEYMSG_KEY_DOCUMENT, LIT("x"), NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_key_hash(KEYMSG_KEY_DOCUMENT, LIT("x\0"), &c), KEYMSG_INTERIOR_NUL);
  CHECK(c == 3);
}

/* A key message keeps its point: a footer narrower than 16 columns is
 * refused, and one cut before every hotline and link is refused unless the
 * engine allows lossy output, and then never counted. */
static void test_engine_footer_keeps_its_point(void) {
  keymsg_engine *strict = engine_with(NULL, NULL);
  keymsg_engine_options *o = NULL;
  keymsg_engine *lossy = NULL;
  keymsg_footer_request req;
  keymsg_result *r = NULL;
  char key[32];
  int i, refused = 0;
  memset(&req, 0, sizeof req);
  req.width = 8;
  CHECK_STATUS(keymsg_engine_footer(strict, &req, &r), KEYMSG_LAYOUT_WIDTH_TOO_SMALL);
  CHECK(r == NULL);
  CHECK(last_error_contains("minimum of 16 columns"));
  req.width = 15;
  CHECK_STATUS(keymsg_engine_footer(strict, &req, &r), KEYMSG_LAYOUT_WIDTH_TOO_SMALL);

  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_in_memory_store(o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_allow_lossy(NULL, true), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_options_set_allow_lossy(o, true), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &lossy), KEYMSG_OK);
  keymsg_engine_options_free(o);

  /* The billboard profile at 16 columns has 4 lines: many messages lose
   * their hotline there. */
  req.width = 16;
  req.profile = "billboard";
  req.profile_len = strlen(req.profile);
  for (i = 0; i < 30; i++) {
    keymsg_status st;
    snprintf(key, sizeof key, "K-%d", i);
    req.key = key;
    req.key_len = strlen(key);
    st = keymsg_engine_footer(strict, &req, &r);
    if (st == KEYMSG_LAYOUT_TRUNCATED_CORE) {
      CHECK(r == NULL);
      CHECK(last_error_contains("without losing every hotline and link"));
      refused++;
      CHECK_STATUS(keymsg_engine_footer(lossy, &req, &r), KEYMSG_OK);
      CHECK(keymsg_result_truncated(r));
      CHECK(keymsg_result_truncated_core(r));
      CHECK(!keymsg_result_counted(r)); /* never counted */
      CHECK(keymsg_result_count_error(r).data == NULL);
    } else {
      CHECK_STATUS(st, KEYMSG_OK);
      CHECK(!keymsg_result_truncated_core(r));
      CHECK(keymsg_result_counted(r));
    }
    keymsg_result_free(r);
    r = NULL;
  }
  CHECK(refused > 0);
  CHECK(!keymsg_result_truncated_core(NULL));
  keymsg_engine_free(strict);
  keymsg_engine_free(lossy);
}

/* Every surface through the footer call, explain as JSON, reprints counted
 * only when asked, and the checks every front end shares. */
static void test_engine_surfaces_explain_reprints_and_checks(void) {
  static const uint32_t SURFACES[] = {KEYMSG_SURFACE_RECEIPT, KEYMSG_SURFACE_INVOICE,
                                      KEYMSG_SURFACE_POPUP,   KEYMSG_SURFACE_PUSH,
                                      KEYMSG_SURFACE_SMS,     KEYMSG_SURFACE_BILLBOARD};
  keymsg_engine *e = engine_with(NULL, NULL);
  keymsg_engine_options *o = NULL;
  keymsg_engine *counting = NULL;
  keymsg_footer_request req;
  keymsg_result *r = NULL, *again = NULL;
  keymsg_string *json = NULL;
  size_t i;
  memset(&req, 0, sizeof req);
  req.key = "user-1";
  req.key_len = strlen(req.key);
  req.at = "2026-03-10T09:00:00+07:00";
  req.at_len = strlen(req.at);
  for (i = 0; i < sizeof SURFACES / sizeof SURFACES[0]; i++) {
    req.surface = SURFACES[i];
    CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_OK);
    CHECK(keymsg_result_counted(r));
    CHECK(keymsg_result_line_count(r) >= 1);
    keymsg_result_free(r);
    r = NULL;
  }

  req.surface = KEYMSG_SURFACE_RECEIPT;
  CHECK_STATUS(keymsg_engine_explain(e, &req, NULL), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_explain(NULL, &req, &json), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_engine_explain(e, &req, &json), KEYMSG_OK);
  {
    keymsg_str j = keymsg_string_get(json);
    CHECK(j.len > 0 && j.data[0] == '{' && j.data[j.len] == '\0');
    CHECK(str_contains(j, "\"policy\":\"sticky\""));
    CHECK(str_contains(j, "\"chosen\":{"));
    CHECK(str_contains(j, "\"candidates\":["));
  }
  keymsg_string_free(json);
  json = NULL;
  CHECK_STATUS(keymsg_engine_explain(e, NULL, &json), KEYMSG_OK);
  keymsg_string_free(json);

  /* A reprint is counted only when the engine counts reprints. */
  CHECK_STATUS(keymsg_engine_footer(e, &req, &r), KEYMSG_OK);
  {
    keymsg_str tok = keymsg_result_token(r);
    CHECK_STATUS(keymsg_engine_replay(e, tok.data, tok.len, NULL, &again), KEYMSG_OK);
    CHECK(!keymsg_result_counted(again));
    keymsg_result_free(again);
    again = NULL;
    CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
    CHECK_STATUS(keymsg_engine_options_set_in_memory_store(o), KEYMSG_OK);
    CHECK_STATUS(keymsg_engine_options_set_count_reprints(NULL, true), KEYMSG_NULL_PARAMETER);
    CHECK_STATUS(keymsg_engine_options_set_count_reprints(o, true), KEYMSG_OK);
    CHECK_STATUS(keymsg_engine_new(o, &counting), KEYMSG_OK);
    keymsg_engine_options_free(o);
    CHECK_STATUS(keymsg_engine_replay(counting, tok.data, tok.len, NULL, &again), KEYMSG_OK);
    CHECK(keymsg_result_counted(again));
    keymsg_result_free(again);
  }
  keymsg_result_free(r);

  /* A message id the catalog lacks, and a Buddhist Era month. */
  CHECK_STATUS(keymsg_engine_record(e, LIT("2026-03"), KEYMSG_CHANNEL_ONLINE, LIT("nope"), 1),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("not in the catalog"));
  CHECK_STATUS(keymsg_engine_record(e, LIT("2569-03"), KEYMSG_CHANNEL_ONLINE, LIT("aoc-1441"), 1),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("Buddhist Era"));
  CHECK(last_error_contains("2026-03"));
  keymsg_engine_free(counting);
  keymsg_engine_free(e);
}

/* Monitoring counters, raw printer bytes and the report's signature block. */
static void test_metrics_encode_and_signed_report(void) {
  keymsg_engine *e = engine_with(NULL, "PEA");
  keymsg_engine *bare = NULL;
  keymsg_result *r = NULL;
  keymsg_string *s = NULL;
  keymsg_report_signature sig;
  CHECK_STATUS(keymsg_engine_footer(e, NULL, &r), KEYMSG_OK);
  keymsg_result_free(r);
  CHECK_STATUS(keymsg_engine_metrics(e, &s), KEYMSG_OK);
  CHECK(str_contains(keymsg_string_get(s), "keymsg_insertions_total{agency=\"PEA\""));
  keymsg_string_free(s);
  s = NULL;
  CHECK_STATUS(keymsg_engine_new(NULL, &bare), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_metrics(bare, &s), KEYMSG_INVALID_ARGUMENT); /* no store */
  CHECK(s == NULL);
  keymsg_engine_free(bare);

  /* "โทร 1441" in TIS-620: one byte per Thai letter. */
  CHECK_STATUS(keymsg_encode(LIT("\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 1441"),
                             KEYMSG_ENCODING_TIS620, &s),
               KEYMSG_OK);
  {
    keymsg_str b = keymsg_string_get(s);
    CHECK(b.len == 8);
    CHECK((unsigned char)b.data[0] == 0xE2 && (unsigned char)b.data[1] == 0xB7);
  }
  keymsg_string_free(s);
  s = NULL;
  CHECK_STATUS(keymsg_encode(LIT("\xe2\x82\xac"), KEYMSG_ENCODING_TIS620, &s),
               KEYMSG_LAYOUT_UNENCODABLE); /* the euro sign: CP874 only */
  CHECK_STATUS(keymsg_encode(LIT("\xe2\x82\xac"), KEYMSG_ENCODING_CP874, &s), KEYMSG_OK);
  keymsg_string_free(s);
  s = NULL;
  CHECK_STATUS(keymsg_encode(LIT("a"), 0, &s), KEYMSG_INVALID_ARGUMENT);

  memset(&sig, 0, sizeof sig);
  sig.reporter = "Somchai";
  sig.reporter_len = strlen(sig.reporter);
  sig.signed_on = "2026-03-31";
  sig.signed_on_len = strlen(sig.signed_on);
  CHECK_STATUS(keymsg_engine_report_signed(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &sig, &s),
               KEYMSG_OK);
  CHECK(str_contains(keymsg_string_get(s), "\"reporter\": \"Somchai\""));
  CHECK(str_contains(keymsg_string_get(s), "\"date\": \"2026-03-31\""));
  keymsg_string_free(s);
  s = NULL;
  sig.signed_on = "31/03/2026";
  sig.signed_on_len = strlen(sig.signed_on);
  CHECK_STATUS(keymsg_engine_report_signed(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &sig, &s),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(last_error_contains("signature.signed_on"));
  /* A date, but not one the March form is signed on. */
  sig.signed_on = "-9999-12-31";
  sig.signed_on_len = strlen(sig.signed_on);
  s = (keymsg_string *)SENTINEL;
  CHECK_STATUS(keymsg_engine_report_signed(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_JSON, &sig, &s),
               KEYMSG_INVALID_ARGUMENT);
  CHECK(s == (keymsg_string *)SENTINEL);
  CHECK(last_error_contains("signed_on") && last_error_contains("2026-03-01 to 2028-03-31"));
  s = NULL;
  CHECK_STATUS(keymsg_engine_report_signed(e, LIT("2026-03"), KEYMSG_REPORT_FORMAT_CSV, NULL, &s),
               KEYMSG_OK);
  keymsg_string_free(s);
  keymsg_engine_free(e);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FIXTURES_DIR SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  fixtures = argv[1];
  scratch = argv[2];

  RUN(test_version);
  RUN(test_status_codes_have_names_and_messages);
  RUN(test_status_numbers_are_frozen);
  RUN(test_unknown_status_codes_are_not_trusted);
  RUN(test_last_error_is_set_on_failure_and_cleared_on_success);
  RUN(test_catalog_default);
  RUN(test_catalog_accessors_and_free_accept_null);
  RUN(test_catalog_from_file_json);
  RUN(test_catalog_round_trip_through_file);
  RUN(test_catalog_from_file_missing);
  RUN(test_catalog_from_file_unknown_extension);
  RUN(test_catalog_invalid_gives_every_problem_line);
  RUN(test_catalog_syntax_error_names_line_and_column);
  RUN(test_catalog_unsupported_schema);
  RUN(test_catalog_file_not_utf8);
  RUN(test_catalog_from_file_argument_errors);
  RUN(test_catalog_from_bytes);
  RUN(test_catalog_from_bytes_errors);
  RUN(test_catalog_to_string_errors);
  RUN(test_width_counts_columns_not_bytes);
  RUN(test_width_argument_errors);
  RUN(test_wrap_thai_respects_width_and_break_rules);
  RUN(test_wrap_max_lines_and_ellipsis);
  RUN(test_wrap_errors);
  RUN(test_wrap_with_words);
  RUN(test_truncate_with_words);
  RUN(test_truncate);
  RUN(test_layout_input_limit);
  RUN(test_engine_defaults_footer);
  RUN(test_engine_footer_sticky_and_replay);
  RUN(test_engine_footer_english_and_idempotency);
  RUN(test_engine_postgres_store_acknowledges_in_the_journal);
  RUN(test_engine_popup);
  RUN(test_engine_custom_catalog);
  RUN(test_engine_footer_keeps_its_point);
  RUN(test_engine_surfaces_explain_reprints_and_checks);
  RUN(test_metrics_encode_and_signed_report);
  RUN(test_engine_options_errors);
  RUN(test_engine_refuses_a_store_that_lost_counts);
  RUN(test_engine_request_errors);
  RUN(test_engine_record_and_report);
  RUN(test_engine_refuses_extreme_instants_and_keeps_counting);
  RUN(test_engine_record_and_report_errors);
  RUN(test_select_agrees_with_footer);
  RUN(test_select_errors);
  RUN(test_key_hash);
  return harness_finish();
}
