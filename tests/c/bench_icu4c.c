/* keymsg_wrap against ICU4C's line break iterator, from C, on the same text,
 * side by side: rounds alternate between the cases, and each case keeps its
 * fastest round (another process taking the CPU for a moment then slows one
 * round, not one side). Run by scripts/bench-icu4c.sh against the release
 * libkeymsg.so and Debian's libicu-dev.
 *
 * Usage: bench_icu4c NAME FILE [NAME FILE ...]
 * Prints, per file, "<name> <case> <ns per call>" lines and the ratios:
 *   keymsg_wrap     keymsg_wrap(text, width 32, no line limit) + free
 *   icu4c_open      ubrk_open(UBRK_LINE, "th", text) + iterate + ubrk_close
 *                   (what the issue measured: one call, one iterator)
 *   icu4c_reuse     ubrk_setText on an iterator opened once + iterate (the
 *                   cheapest way to use ICU4C; text already in UTF-16)
 *   icu4c_reuse_convert
 *                   u_strFromUTF8 into a buffer allocated once, then as
 *                   icu4c_reuse: what a program holding UTF-8 text (as
 *                   keymsg_wrap takes it) pays to use ICU4C's UTF-16 API
 *   icu4c_reuse_utf8
 *                   utext_openUTF8 (reused) + ubrk_setUText on the iterator
 *                   opened once + iterate: ICU4C reading the UTF-8 in place
 * With KEYMSG_BENCH_ALONE=1 in the environment only keymsg_wrap runs, and
 * is printed as "keymsg_wrap_alone": the same calls without ICU4C's rules
 * and dictionary taking turns with keymsg's word list in the caches.
 * icu4c_open and icu4c_reuse get the text in UTF-16, converted before
 * timing; keymsg gets the UTF-8 it takes. ICU4C only finds break opportunities; keymsg_wrap also
 * normalises, measures and fills lines and copies them out. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "keymsg.h"

#define ROUNDS 30
#define CASE_COUNT 5
#define MAX_FILES 4

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile size_t sink;

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

struct text {
  const char *name;
  char *utf8;
  size_t len;
  UChar *utf16;
  int32_t len16;
  long iters;
  double best[CASE_COUNT];
};

static size_t run_keymsg(const struct text *t) {
  keymsg_lines *lines = NULL;
  size_t n;
  if (keymsg_wrap(t->utf8, t->len, 32, 0, NULL, 0, &lines) != KEYMSG_OK) {
    struct keymsg_str e = keymsg_last_error_message();
    fprintf(stderr, "keymsg_wrap failed: %.*s\n", (int)e.len, e.data);
    exit(1);
  }
  n = keymsg_lines_count(lines);
  keymsg_lines_free(lines);
  return n;
}

static size_t iterate(UBreakIterator *bi) {
  size_t n = 0;
  while (ubrk_next(bi) != UBRK_DONE) n++;
  return n;
}

static size_t run_icu_open(const struct text *t) {
  UErrorCode st = U_ZERO_ERROR;
  UBreakIterator *bi = ubrk_open(UBRK_LINE, "th", t->utf16, t->len16, &st);
  size_t n;
  if (U_FAILURE(st)) {
    fprintf(stderr, "ubrk_open: %s\n", u_errorName(st));
    exit(1);
  }
  n = iterate(bi);
  ubrk_close(bi);
  return n;
}

static UBreakIterator *reused;

static size_t run_icu_reuse(const struct text *t) {
  UErrorCode st = U_ZERO_ERROR;
  ubrk_setText(reused, t->utf16, t->len16, &st);
  if (U_FAILURE(st)) {
    fprintf(stderr, "ubrk_setText: %s\n", u_errorName(st));
    exit(1);
  }
  return iterate(reused);
}

/* UTF-16 of the longest text, for icu4c_reuse_convert (allocated once). */
static UChar *convert_buf;
static int32_t convert_cap;

static size_t run_icu_reuse_convert(const struct text *t) {
  UErrorCode st = U_ZERO_ERROR;
  int32_t len16 = 0;
  u_strFromUTF8(convert_buf, convert_cap, &len16, t->utf8, (int32_t)t->len, &st);
  ubrk_setText(reused, convert_buf, len16, &st);
  if (U_FAILURE(st)) {
    fprintf(stderr, "u_strFromUTF8 + ubrk_setText: %s\n", u_errorName(st));
    exit(1);
  }
  return iterate(reused);
}

static UText *utf8_text;

static size_t run_icu_reuse_utf8(const struct text *t) {
  UErrorCode st = U_ZERO_ERROR;
  utf8_text = utext_openUTF8(utf8_text, t->utf8, (int64_t)t->len, &st);
  ubrk_setUText(reused, utf8_text, &st);
  if (U_FAILURE(st)) {
    fprintf(stderr, "utext_openUTF8 + ubrk_setUText: %s\n", u_errorName(st));
    exit(1);
  }
  return iterate(reused);
}

static const char *CASES[CASE_COUNT] = {"keymsg_wrap", "icu4c_open", "icu4c_reuse",
                                        "icu4c_reuse_convert", "icu4c_reuse_utf8"};
static size_t (*const RUN[CASE_COUNT])(const struct text *) = {
    run_keymsg, run_icu_open, run_icu_reuse, run_icu_reuse_convert, run_icu_reuse_utf8};

int main(int argc, char **argv) {
  struct text texts[MAX_FILES];
  int n = 0, i, c, round;
  const char *alone_env = getenv("KEYMSG_BENCH_ALONE");
  int alone = alone_env != NULL && strcmp(alone_env, "1") == 0;
  long k;
  UErrorCode st = U_ZERO_ERROR;

  if (argc < 3 || argc % 2 == 0 || (argc - 1) / 2 > MAX_FILES) {
    fprintf(stderr, "usage: %s NAME FILE [NAME FILE ...] (at most %d)\n", argv[0], MAX_FILES);
    return 2;
  }
  for (i = 1; i + 1 < argc; i += 2, n++) {
    struct text *t = &texts[n];
    t->name = argv[i];
    t->utf8 = read_file(argv[i + 1], &t->len);
    if (!t->utf8) {
      fprintf(stderr, "cannot read %s\n", argv[i + 1]);
      return 1;
    }
    st = U_ZERO_ERROR;
    u_strFromUTF8(NULL, 0, &t->len16, t->utf8, (int32_t)t->len, &st);
    st = U_ZERO_ERROR;
    t->utf16 = malloc(sizeof(UChar) * ((size_t)t->len16 + 1));
    u_strFromUTF8(t->utf16, t->len16 + 1, NULL, t->utf8, (int32_t)t->len, &st);
    if (U_FAILURE(st)) {
      fprintf(stderr, "%s: not UTF-8 (%s)\n", argv[i + 1], u_errorName(st));
      return 1;
    }
    /* About 2 ms of work per round and case. */
    t->iters = t->len < 4096 ? 200 : 2;
    for (c = 0; c < CASE_COUNT; c++) t->best[c] = 1e300;
    if (t->len16 + 1 > convert_cap) convert_cap = t->len16 + 1;
  }
  convert_buf = malloc(sizeof(UChar) * (size_t)convert_cap);
  if (!convert_buf) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  st = U_ZERO_ERROR;
  reused = ubrk_open(UBRK_LINE, "th", NULL, 0, &st);
  if (U_FAILURE(st)) {
    fprintf(stderr, "ubrk_open: %s\n", u_errorName(st));
    return 1;
  }
  /* Warm up both libraries (keymsg's word list, ICU's rules and dictionary). */
  for (i = 0; i < n; i++) {
    /* Every way of using ICU4C finds the same breaks (by count). */
    size_t breaks = RUN[1](&texts[i]);
    for (c = 0; c < CASE_COUNT; c++) {
      size_t got = RUN[c](&texts[i]);
      if (c > 0 && got != breaks) {
        fprintf(stderr, "%s: %s finds %zu breaks, %s %zu\n", texts[i].name, CASES[c], got,
                CASES[1], breaks);
        return 1;
      }
      sink += got;
    }
  }

  for (round = 0; round < ROUNDS; round++) {
    for (i = 0; i < n; i++) {
      struct text *t = &texts[i];
      for (c = 0; c < CASE_COUNT; c++) {
        /* Rotate which case goes first from round to round. */
        int cc = (c + round) % CASE_COUNT;
        if (alone && cc != 0) continue;
        double t0 = now_ns();
        for (k = 0; k < t->iters; k++) sink += RUN[cc](t);
        t0 = (now_ns() - t0) / (double)t->iters;
        if (t0 < t->best[cc]) t->best[cc] = t0;
      }
    }
  }
  for (i = 0; i < n; i++) {
    struct text *t = &texts[i];
    if (alone) {
      printf("%s keymsg_wrap_alone %.0f\n", t->name, t->best[0]);
      continue;
    }
    for (c = 0; c < CASE_COUNT; c++) printf("%s %s %.0f\n", t->name, CASES[c], t->best[c]);
    printf("%s bytes %zu\n", t->name, t->len);
    for (c = 1; c < CASE_COUNT; c++)
      printf("%s %s/keymsg_wrap %.2f\n", t->name, CASES[c], t->best[c] / t->best[0]);
  }
  ubrk_close(reused);
  utext_close(utf8_text);
  free(convert_buf);
  for (i = 0; i < n; i++) {
    free(texts[i].utf8);
    free(texts[i].utf16);
  }
  return 0;
}
