/* C consumer tests for libkeymsg: every function, every error status that C
 * can provoke. Usage: test_keymsg FIXTURES_DIR SCRATCH_DIR
 *
 * Built with -std=c11 -Wall -Wextra -Wpedantic -Werror by scripts/test-c.sh,
 * and run plainly, under ASan/UBSan and under valgrind. */
#define _POSIX_C_SOURCE 200809L

#include "keymsg.h"
#include "keymsg.h" /* twice on purpose: the include guard must hold */
#include "harness.h"

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
    KEYMSG_LAYOUT_OTHER,
    KEYMSG_SELECT_NOTHING_ELIGIBLE,
    KEYMSG_SELECT_OTHER,
    KEYMSG_STORE_SQLITE,
    KEYMSG_STORE_OTHER,
    KEYMSG_REPORT_IO,
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
  CHECK(keymsg_catalog_message_count(cat) >= 2);
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

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FIXTURES_DIR SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  fixtures = argv[1];
  scratch = argv[2];

  RUN(test_version);
  RUN(test_status_codes_have_names_and_messages);
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
  return harness_finish();
}
