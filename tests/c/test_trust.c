/* C tests of trusted catalogs: keymsg_sign_file, keymsg_catalog_load with
 * a trusted key, a state directory, the last good catalog and strict mode,
 * and the load status (keymsg_catalog_fallback_status, _trust_json).
 *
 * The key pair in FIXTURES_DIR/trust-test.{key,pub} was made by
 * `minisign -G -W` for these tests only.
 *
 * Usage: test_trust FIXTURES_DIR SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L

#include "keymsg.h"
#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define LIT(s) (s), (sizeof(s) - 1)

static char fixtures[1024];
static char scratch[1024];

static void path_in(char *out, size_t n, const char *dir, const char *name) {
  snprintf(out, n, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

/* The public key file's text (static buffer). */
static const char *public_key(void) {
  static char buf[512];
  char p[1100];
  size_t n;
  FILE *f;
  path_in(p, sizeof p, fixtures, "trust-test.pub");
  f = fopen(p, "rb");
  CHECK(f != NULL);
  if (f == NULL) return "";
  n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static void catalog_text(char *out, size_t n, int version) {
  snprintf(out, n,
           "version = %d\nissuer = \"C test\"\n[allow]\nphones = [\"1441\"]\n"
           "[[messages]]\nid = \"m%d\"\ntopic = \"general\"\n[messages.text.th]\n"
           "long = \"\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 1441\"\n",
           version, version);
}

/* Write catalog `version` to SCRATCH/c.toml and sign it. */
static void publish(int version) {
  char text[1024], cat[1100], key[1100];
  catalog_text(text, sizeof text, version);
  path_in(cat, sizeof cat, scratch, "c.toml");
  path_in(key, sizeof key, fixtures, "trust-test.key");
  write_file(cat, text);
  CHECK_STATUS(keymsg_sign_file(cat, strlen(cat), key, strlen(key), NULL, 0, LIT("C test"),
                                NULL, 0),
               KEYMSG_OK);
}

static keymsg_status load(bool strict, keymsg_catalog **out) {
  keymsg_load_options *o = NULL;
  char cat[1100], state[1100];
  const char *pk = public_key();
  keymsg_status s;
  path_in(cat, sizeof cat, scratch, "c.toml");
  path_in(state, sizeof state, scratch, "state");
  CHECK_STATUS(keymsg_load_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_catalog(o, cat, strlen(cat)), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_add_trusted_key(o, pk, strlen(pk)), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_require_signature(o, true), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_state(o, state, strlen(state)), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_strict(o, strict), KEYMSG_OK);
  s = keymsg_catalog_load(o, out);
  keymsg_load_options_free(o);
  return s;
}

static void test_signed_catalog_loads_and_reports_its_signature(void) {
  keymsg_catalog *c = NULL;
  keymsg_string *json = NULL;
  publish(5);
  CHECK_STATUS(load(false, &c), KEYMSG_OK);
  CHECK(c != NULL);
  if (c == NULL) return;
  CHECK(keymsg_catalog_version(c) == 5);
  CHECK(keymsg_catalog_fallback_status(c) == KEYMSG_OK);
  CHECK_STATUS(keymsg_catalog_trust_json(c, &json), KEYMSG_OK);
  if (json != NULL) {
    CHECK(strstr(keymsg_string_get(json).data, "\"status\":\"verified\"") != NULL);
    CHECK(strstr(keymsg_string_get(json).data, "\"trusted_comment\":\"C test\"") != NULL);
    keymsg_string_free(json);
  }
  keymsg_catalog_free(c);
}

static void test_rollback_serves_the_last_good_catalog_or_fails_when_strict(void) {
  keymsg_catalog *c = NULL;
  publish(4);
  CHECK_STATUS(load(false, &c), KEYMSG_OK);
  if (c == NULL) return;
  CHECK(keymsg_catalog_version(c) == 5);
  CHECK(keymsg_catalog_fallback_status(c) == KEYMSG_CATALOG_ROLLBACK);
  keymsg_catalog_free(c);
  c = (keymsg_catalog *)0x1;
  CHECK_STATUS(load(true, &c), KEYMSG_CATALOG_ROLLBACK);
  CHECK(c == (keymsg_catalog *)0x1); /* untouched on error */
}

static void test_tampered_and_unsigned_files_are_refused(void) {
  keymsg_catalog *c = NULL;
  char cat[1100], sig[1100], text[1024];
  publish(6);
  path_in(cat, sizeof cat, scratch, "c.toml");
  catalog_text(text, sizeof text, 7); /* the signed file was version 6 */
  write_file(cat, text);
  CHECK_STATUS(load(true, &c), KEYMSG_CATALOG_SIGNATURE_INVALID);
  path_in(sig, sizeof sig, scratch, "c.toml.minisig");
  remove(sig);
  CHECK_STATUS(load(true, &c), KEYMSG_CATALOG_SIGNATURE_MISSING);
  CHECK_STATUS(load(false, &c), KEYMSG_OK);
  if (c != NULL) {
    CHECK(keymsg_catalog_version(c) == 5); /* version 6 was never loaded */
    CHECK(keymsg_catalog_fallback_status(c) == KEYMSG_CATALOG_SIGNATURE_MISSING);
    keymsg_catalog_free(c);
  }
}

static void test_overlay_adds_a_hotline_and_cannot_replace_official_text(void) {
  keymsg_load_options *o = NULL;
  keymsg_catalog *c = NULL, *base = NULL;
  char ov[1100];
  path_in(ov, sizeof ov, scratch, "agency.toml");
  write_file(ov,
             "version = 1\n[allow]\nphones = [\"053-123-456\"]\n[[messages]]\nid = \"pea-cm\"\n"
             "topic = \"impersonation\"\n[messages.text.th]\n"
             "long = \"\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 053-123-456\"\n");
  CHECK_STATUS(keymsg_catalog_default(&base), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_overlay(o, ov, strlen(ov)), KEYMSG_OK);
  CHECK_STATUS(keymsg_catalog_load(o, &c), KEYMSG_OK);
  if (c != NULL && base != NULL) {
    CHECK(keymsg_catalog_message_count(c) == keymsg_catalog_message_count(base) + 1);
    keymsg_catalog_free(c);
  }
  write_file(ov,
             "version = 1\n[[messages]]\nid = \"aoc-1441\"\ntopic = \"x\"\n[messages.text.th]\n"
             "long = \"\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 1441\"\n");
  c = NULL;
  CHECK_STATUS(keymsg_catalog_load(o, &c), KEYMSG_CATALOG_INVALID);
  CHECK(strstr(keymsg_last_error_message().data, "cannot replace") != NULL);
  keymsg_load_options_free(o);
  keymsg_catalog_free(base);
}

/* คนละครึ่งพลัสฟ้าใสพารวย, a programme name the built-in word list splits. */
#define LONG_WORD "\xe0\xb8\x84\xe0\xb8\x99\xe0\xb8\xa5\xe0\xb8\xb0\xe0\xb8\x84\xe0\xb8\xa3\xe0\xb8\xb6\xe0\xb9\x88\xe0\xb8\x87\xe0\xb8\x9e\xe0\xb8\xa5\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x9f\xe0\xb9\x89\xe0\xb8\xb2\xe0\xb9\x83\xe0\xb8\xaa\xe0\xb8\x9e\xe0\xb8\xb2\xe0\xb8\xa3\xe0\xb8\xa7\xe0\xb8\xa2"
/* เงินคืนด่วน */
#define SHORT_WORD "\xe0\xb9\x80\xe0\xb8\x87\xe0\xb8\xb4\xe0\xb8\x99\xe0\xb8\x84\xe0\xb8\xb7\xe0\xb8\x99\xe0\xb8\x94\xe0\xb9\x88\xe0\xb8\xa7\xe0\xb8\x99"
/* ลงทะเบียน */
#define REGISTER "\xe0\xb8\xa5\xe0\xb8\x87\xe0\xb8\x97\xe0\xb8\xb0\xe0\xb9\x80\xe0\xb8\x9a\xe0\xb8\xb5\xe0\xb8\xa2\xe0\xb8\x99"

static bool file_exists(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f != NULL) fclose(f);
  return f != NULL;
}

/* Layout words given with the load options are checked against the
 * catalog's messages: a billboard message (ลงทะเบียน, then the programme
 * name three times with เงินคืนด่วน between) that fits while the name may
 * break between its parts is refused once the name is kept whole.
 * A check that passed is remembered in the state directory. */
static void test_layout_words_are_checked_at_load_and_remembered(void) {
  keymsg_load_options *o = NULL;
  keymsg_catalog *c = NULL;
  char cat[1100], state[1100], memo[2200];
  path_in(cat, sizeof cat, scratch, "board.toml");
  path_in(state, sizeof state, scratch, "words-state");
  path_in(memo, sizeof memo, state, "layout-words-checked");
  write_file(cat,
             "version = 1\n[[messages]]\nid = \"board\"\ntopic = \"general\"\n"
             "surfaces = [\"billboard\"]\n[messages.text.th]\nlong = \""
             REGISTER LONG_WORD SHORT_WORD LONG_WORD SHORT_WORD LONG_WORD "\"\n");
  CHECK_STATUS(keymsg_load_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_catalog(o, cat, strlen(cat)), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_state(o, state, strlen(state)), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_add_layout_word(o, LIT(SHORT_WORD)), KEYMSG_OK);
  CHECK_STATUS(keymsg_catalog_load(o, &c), KEYMSG_OK);
  keymsg_catalog_free(c);
  c = NULL;
  CHECK(file_exists(memo));
  CHECK_STATUS(keymsg_load_options_add_layout_word(o, LIT(LONG_WORD)), KEYMSG_OK);
  CHECK_STATUS(keymsg_catalog_load(o, &c), KEYMSG_CATALOG_INVALID);
  CHECK(c == NULL);
  CHECK(strstr(keymsg_last_error_message().data, "does not fit profile `billboard`") != NULL);
  CHECK(strstr(keymsg_last_error_message().data, LONG_WORD) != NULL);
  keymsg_load_options_free(o);

  o = NULL;
  CHECK_STATUS(keymsg_load_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_add_layout_word(o, LIT("AOC")), KEYMSG_OK);
  CHECK_STATUS(keymsg_catalog_load(o, &c), KEYMSG_CATALOG_INVALID);
  CHECK(strstr(keymsg_last_error_message().data, "layout.words[0]") != NULL);
  CHECK_STATUS(keymsg_load_options_add_layout_word(NULL, LIT("AOC")), KEYMSG_NULL_PARAMETER);
  CHECK_STATUS(keymsg_load_options_add_layout_word(o, NULL, 3), KEYMSG_NULL_PARAMETER);
  keymsg_load_options_free(o);
}

/* Keys are per layer: keymsg_load_options_add_trusted_key for the base,
 * keymsg_load_options_add_overlay_key for the overlay (review 2, T1). The
 * one test key signs both files here; each layer needs it in its own list. */
static keymsg_status load_layers(bool base_key, bool overlay_key, keymsg_catalog **out) {
  keymsg_load_options *o = NULL;
  char cat[1100], ov[1100];
  const char *pk = public_key();
  keymsg_status s;
  path_in(cat, sizeof cat, scratch, "c.toml");
  path_in(ov, sizeof ov, scratch, "signed-overlay.toml");
  CHECK_STATUS(keymsg_load_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_catalog(o, cat, strlen(cat)), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_overlay(o, ov, strlen(ov)), KEYMSG_OK);
  if (base_key) CHECK_STATUS(keymsg_load_options_add_trusted_key(o, pk, strlen(pk)), KEYMSG_OK);
  if (overlay_key) CHECK_STATUS(keymsg_load_options_add_overlay_key(o, pk, strlen(pk)), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_set_require_signature(o, true), KEYMSG_OK);
  s = keymsg_catalog_load(o, out);
  keymsg_load_options_free(o);
  return s;
}

static void test_base_and_overlay_keys_are_separate(void) {
  keymsg_catalog *c = NULL;
  char ov[1100], key[1100];
  publish(8);
  path_in(ov, sizeof ov, scratch, "signed-overlay.toml");
  path_in(key, sizeof key, fixtures, "trust-test.key");
  /* Shaped as a catalog too: keymsg_sign_file validates what it signs. */
  write_file(ov, "version = 1\nissuer = \"C agency\"\n[allow]\nphones = [\"1129\"]\n"
                 "[[messages]]\nid = \"agency-own\"\ntopic = \"general\"\n[messages.text.th]\n"
                 "long = \"\xe0\xb9\x82\xe0\xb8\x97\xe0\xb8\xa3 1129\"\n");
  CHECK_STATUS(keymsg_sign_file(ov, strlen(ov), key, strlen(key), NULL, 0, NULL, 0, NULL, 0),
               KEYMSG_OK);
  CHECK_STATUS(load_layers(true, true, &c), KEYMSG_OK);
  keymsg_catalog_free(c);
  c = NULL;
  /* A base key alone does not sign the overlay, an overlay key alone not the base. */
  CHECK_STATUS(load_layers(true, false, &c), KEYMSG_CATALOG_BAD_KEY);
  CHECK(strstr(keymsg_last_error_message().data, "overlay_keys") != NULL);
  CHECK_STATUS(load_layers(false, true, &c), KEYMSG_CATALOG_BAD_KEY);
  CHECK(strstr(keymsg_last_error_message().data, "[trust] keys") != NULL);
  CHECK(c == NULL);
  CHECK_STATUS(keymsg_load_options_add_overlay_key(NULL, LIT("RW")), KEYMSG_NULL_PARAMETER);
}

static void test_bad_key_and_null_arguments(void) {
  keymsg_load_options *o = NULL;
  CHECK_STATUS(keymsg_load_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_load_options_add_trusted_key(o, LIT("RWnot-a-key")), KEYMSG_CATALOG_BAD_KEY);
  keymsg_load_options_free(o);
  CHECK_STATUS(keymsg_catalog_load(NULL, NULL), KEYMSG_NULL_PARAMETER);
  CHECK(keymsg_catalog_fallback_status(NULL) == KEYMSG_NULL_PARAMETER);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_trust FIXTURES_DIR SCRATCH_DIR\n");
    return 2;
  }
  snprintf(fixtures, sizeof fixtures, "%s", argv[1]);
  snprintf(scratch, sizeof scratch, "%s", argv[2]);
  RUN(test_signed_catalog_loads_and_reports_its_signature);
  RUN(test_rollback_serves_the_last_good_catalog_or_fails_when_strict);
  RUN(test_tampered_and_unsigned_files_are_refused);
  RUN(test_overlay_adds_a_hotline_and_cannot_replace_official_text);
  RUN(test_layout_words_are_checked_at_load_and_remembered);
  RUN(test_base_and_overlay_keys_are_separate);
  RUN(test_bad_key_and_null_arguments);
  return harness_finish();
}
