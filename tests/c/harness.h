/* A tiny test harness for the keymsg C tests: TEST() functions, CHECK()
 * assertions, and a closing "N passed, M failed" line. */
#ifndef KEYMSG_TEST_HARNESS_H
#define KEYMSG_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

#include "keymsg.h"

static int harness_test_failed;
static int harness_passed;
static int harness_failed;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      fprintf(stdout, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);    \
      harness_test_failed = 1;                                                      \
    }                                                                               \
  } while (0)

/* Check a call's status; on mismatch print both codes and the last error. */
#define CHECK_STATUS(call, expected)                                                \
  do {                                                                              \
    keymsg_status check_status_got_ = (call);                                       \
    if (check_status_got_ != (keymsg_status)(expected)) {                           \
      keymsg_str check_status_msg_ = keymsg_last_error_message();                   \
      fprintf(stdout, "  %s:%d: %s returned %s, expected %s: %.*s\n", __FILE__,     \
              __LINE__, #call, keymsg_status_name(check_status_got_).data,          \
              keymsg_status_name((expected)).data, (int)check_status_msg_.len,      \
              check_status_msg_.data);                                              \
      harness_test_failed = 1;                                                      \
    }                                                                               \
  } while (0)

#define RUN(test)                                                                   \
  do {                                                                              \
    harness_test_failed = 0;                                                        \
    test();                                                                         \
    if (harness_test_failed) {                                                      \
      harness_failed++;                                                             \
      fprintf(stdout, "FAIL %s\n", #test);                                          \
    } else {                                                                        \
      harness_passed++;                                                             \
      printf("ok   %s\n", #test);                                                   \
    }                                                                               \
  } while (0)

/* Prints the closing line; returns the process exit code. */
static inline int harness_finish(void) {
  printf("%d passed, %d failed\n", harness_passed, harness_failed);
  return harness_failed == 0 ? 0 : 1;
}

/* Whether a view equals a C string. */
static inline int str_eq(keymsg_str s, const char *expected) {
  size_t n = strlen(expected);
  return s.data != NULL && s.len == n && memcmp(s.data, expected, n) == 0;
}

/* Whether a view contains a C string. */
static inline int str_contains(keymsg_str s, const char *needle) {
  size_t n = strlen(needle);
  size_t i;
  if (s.data == NULL || n > s.len) return 0;
  for (i = 0; i + n <= s.len; i++) {
    if (memcmp(s.data + i, needle, n) == 0) return 1;
  }
  return 0;
}

/* Whether the calling thread's last error message contains `needle`. */
static inline int last_error_contains(const char *needle) {
  return str_contains(keymsg_last_error_message(), needle);
}

#endif /* KEYMSG_TEST_HARNESS_H */
