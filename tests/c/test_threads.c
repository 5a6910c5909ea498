/* Four C threads share one keymsg_engine: every footer is counted exactly
 * once and the month's report shows the total. Also checks that the last
 * error message is per thread.
 * Usage: test_threads FIXTURES_DIR SCRATCH_DIR */
#define _POSIX_C_SOURCE 200809L

#include "keymsg.h"
#include "harness.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define THREADS 4
#define PER_THREAD 250

#define LIT(s) (s), (sizeof(s) - 1)

struct worker {
  const keymsg_engine *engine;
  int id;
  int ok;      /* footers that returned KEYMSG_OK */
  int counted; /* of those, how many say they were counted */
  int errors_seen_own_message;
};

static void *work(void *arg) {
  struct worker *w = (struct worker *)arg;
  keymsg_footer_request req;
  int i;
  memset(&req, 0, sizeof req);
  req.at = "2026-05-15T12:00:00+07:00";
  req.at_len = strlen(req.at);
  for (i = 0; i < PER_THREAD; i++) {
    char key[64];
    keymsg_result *r = NULL;
    snprintf(key, sizeof key, "T%d-INV-%06d", w->id, i);
    req.key = key;
    req.key_len = strlen(key);
    if (keymsg_engine_footer(w->engine, &req, &r) == KEYMSG_OK) {
      w->ok++;
      w->counted += keymsg_result_counted(r) ? 1 : 0;
      keymsg_result_free(r);
    }
    if (i % 50 == 0) {
      /* A failing call on this thread sets this thread's message only. */
      char bad[32];
      int n = snprintf(bad, sizeof bad, "bad-profile-%d", w->id);
      keymsg_footer_request b;
      keymsg_result *none = NULL;
      memset(&b, 0, sizeof b);
      b.profile = bad;
      b.profile_len = (size_t)n;
      if (keymsg_engine_footer(w->engine, &b, &none) == KEYMSG_INVALID_ARGUMENT &&
          str_contains(keymsg_last_error_message(), bad)) {
        w->errors_seen_own_message++;
      }
    }
  }
  return NULL;
}

static unsigned long long json_total(keymsg_str json, const char *key) {
  char needle[64];
  const char *p = NULL, *q;
  size_t i;
  for (i = 0; i + 8 <= json.len; i++) {
    if (memcmp(json.data + i, "\"totals\"", 8) == 0) p = json.data + i;
  }
  if (p == NULL) return (unsigned long long)-1;
  snprintf(needle, sizeof needle, "\"%s\":", key);
  q = strstr(p, needle);
  return q == NULL ? (unsigned long long)-1 : strtoull(q + strlen(needle), NULL, 10);
}

static const char *scratch = ".";

static void test_four_threads_share_one_engine(void) {
  char store[4096];
  keymsg_engine_options *o = NULL;
  keymsg_engine *engine = NULL;
  pthread_t threads[THREADS];
  struct worker workers[THREADS];
  keymsg_string *rep = NULL;
  int i, ok = 0, counted = 0;

  snprintf(store, sizeof store, "%s/threads-store", scratch);
  CHECK_STATUS(keymsg_engine_options_new(&o), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_store_path(o, store, strlen(store)), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_options_set_agency(o, LIT("MWA Bang Khen")), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_new(o, &engine), KEYMSG_OK);
  keymsg_engine_options_free(o);
  if (engine == NULL) return;

  for (i = 0; i < THREADS; i++) {
    memset(&workers[i], 0, sizeof workers[i]);
    workers[i].engine = engine;
    workers[i].id = i;
    CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
  }
  for (i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    ok += workers[i].ok;
    counted += workers[i].counted;
    CHECK(workers[i].errors_seen_own_message == PER_THREAD / 50);
  }
  CHECK(ok == THREADS * PER_THREAD);
  CHECK(counted == THREADS * PER_THREAD);

  CHECK_STATUS(keymsg_engine_flush(engine), KEYMSG_OK);
  CHECK_STATUS(keymsg_engine_report(engine, LIT("2026-05"), KEYMSG_REPORT_FORMAT_JSON, &rep),
               KEYMSG_OK);
  CHECK(json_total(keymsg_string_get(rep), "documents") == THREADS * PER_THREAD);
  keymsg_string_free(rep);
  keymsg_engine_free(engine);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FIXTURES_DIR SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  scratch = argv[2];
  RUN(test_four_threads_share_one_engine);
  return harness_finish();
}
