/* Cost of calls through the C ABI, to compare with the same calls made from
 * Rust (crates/keymsg-ffi/examples/overhead.rs). Run by scripts/bench-c.sh
 * against the release library. Prints "<case> <ns per call>" lines: the best
 * of ROUNDS rounds of ITERS calls each (the minimum filters out noise). */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "keymsg.h"

#define ROUNDS 7
#define KEYS 200000

static char keys[KEYS][16];

/* A 60-byte Thai phrase: "ถูกหลอกโอนเงิน โทร 1441" */
static const char THAI[] =
    "\xe0\xb8\x96\xe0\xb8\xb9\xe0\xb8\x81\xe0\xb8\xab\xe0\xb8\xa5\xe0\xb8\xad\xe0\xb8\x81\xe0\xb9"
    "\x82\xe0\xb8\xad\xe0\xb8\x99\xe0\xb9\x80\xe0\xb8\x87\xe0\xb8\xb4\xe0\xb8\x99 \xe0\xb9\x82\xe0"
    "\xb8\x97\xe0\xb8\xa3 1441";

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile size_t sink;

static void report(const char *name, double best, long iters) {
  printf("%s %.1f\n", name, best / (double)iters);
}

int main(void) {
  keymsg_engine *engine = NULL;
  keymsg_catalog *catalog = NULL;
  keymsg_footer_request req;
  double best, t;
  long i, iters;
  int round;

  if (keymsg_engine_new(NULL, &engine) != KEYMSG_OK) return 1;
  if (keymsg_catalog_default(&catalog) != KEYMSG_OK) return 1;

  /* 1. Smallest call: an accessor (no status, no allocation). */
  iters = 10000000;
  best = 1e300;
  for (round = 0; round < ROUNDS; round++) {
    t = now_ns();
    for (i = 0; i < iters; i++) sink += keymsg_catalog_message_count(catalog);
    t = now_ns() - t;
    if (t < best) best = t;
  }
  report("catalog_message_count", best, iters);

  /* 2. keymsg_width on 60 bytes of Thai (validate UTF-8, measure). */
  iters = 2000000;
  best = 1e300;
  for (round = 0; round < ROUNDS; round++) {
    size_t w = 0;
    t = now_ns();
    for (i = 0; i < iters; i++) {
      keymsg_width(THAI, sizeof THAI - 1, &w);
      sink += w;
    }
    t = now_ns() - t;
    if (t < best) best = t;
  }
  report("width_thai_60B", best, iters);

  /* 3. A footer with a fresh document key, no store (select + cached layout).
   *    Keys are made before timing, on both sides. */
  iters = KEYS;
  for (i = 0; i < KEYS; i++) snprintf(keys[i], sizeof keys[i], "INV-%08ld", i);
  best = 1e300;
  memset(&req, 0, sizeof req);
  for (round = 0; round < ROUNDS; round++) {
    t = now_ns();
    for (i = 0; i < iters; i++) {
      keymsg_result *r = NULL;
      req.key = keys[i];
      req.key_len = 12;
      keymsg_engine_footer(engine, &req, &r);
      sink += keymsg_result_line_count(r);
      keymsg_result_free(r);
    }
    t = now_ns() - t;
    if (t < best) best = t;
  }
  report("footer_no_store", best, iters);

  keymsg_catalog_free(catalog);
  keymsg_engine_free(engine);
  return 0;
}
