/* SPDX-License-Identifier: MIT */
/* The API call budget never lets a tenant exceed 50 calls in any minute
 * or 750 in any hour, half the API's limits (libcurl may send a call twice;
 * checked over simulated days of greedy calling);
 * secrets load from files and the environment with the checks promised. */
#include "mde/budget.h"
#include "mde/secret.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* Calls every 100 ms (a client that always wants more) for two days;
 * every sliding window of the call times is checked. */
static void budget_stays_under_the_limits(void **state) {
  (void)state;
  struct mde_budget b;
  mde_budget_init(&b, 0);
  size_t cap = 200000, n = 0;
  int64_t *calls = malloc(cap * sizeof *calls);
  for (int64_t t = 0; t < 2 * 86400 * 1000LL && n < cap; t += 100)
    if (mde_budget_take(&b, t))
      calls[n++] = t;
  size_t lo_m = 0, lo_h = 0, max_m = 0, max_h = 0;
  for (size_t hi = 0; hi < n; hi++) {
    while (calls[hi] - calls[lo_m] >= 60000)
      lo_m++;
    while (calls[hi] - calls[lo_h] >= 3600000)
      lo_h++;
    if (hi - lo_m + 1 > max_m)
      max_m = hi - lo_m + 1;
    if (hi - lo_h + 1 > max_h)
      max_h = hi - lo_h + 1;
  }
  free(calls);
  assert_true(max_m <= 50);
  assert_true(max_h <= 750);
  assert_true(n >= 2 * 24 * 600 - 10); /* and it does not starve either */
  struct mde_budget empty = {0, 0, 0};
  assert_int_equal(mde_budget_wait_ms(&empty, 0), 6000);
}

static char dir[] = "/tmp/mde-secret-XXXXXX";

static char *file(const char *name, const char *content, mode_t mode) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  fputs(content, f);
  fclose(f);
  chmod(path, mode);
  return path;
}

static void secret_files(void **state) {
  (void)state;
  assert_non_null(mkdtemp(dir));
  struct mde_secret s;
  char err[512], warn[512];
  char *p = file("ok", "s3cr3t~value\n", 0600);
  assert_int_equal(mde_secret_load_file(p, &s, warn, sizeof warn, err, 512),
                   MDE_FAIL_NONE);
  assert_string_equal(s.value, "s3cr3t~value");
  assert_string_equal(warn, "");
  assert_false(mde_secret_file_changed(p, &s));
  sleep(0); /* same second: size changes, so does identity */
  file("ok", "another-value\r\n", 0600);
  assert_true(mde_secret_file_changed(p, &s));
  mde_secret_free(&s);
  assert_null(s.value);

  /* a chmod that opens the file to others, or a change of owner, is a
   * change too: the engine reads (and checks) the file again */
  p = file("ok", "s3cr3t~value\n", 0600);
  assert_int_equal(mde_secret_load_file(p, &s, warn, sizeof warn, err, 512),
                   MDE_FAIL_NONE);
  assert_int_equal(chmod(p, 0644), 0);
  assert_true(mde_secret_file_changed(p, &s));
  assert_int_equal(mde_secret_file_check(p, "secret file", err, sizeof err),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "accessible by other users (mode 0644)"));
  assert_int_equal(chmod(p, 0600), 0);
  assert_false(mde_secret_file_changed(p, &s));
  if (geteuid() == 0) { /* only root can give a file away */
    assert_int_equal(chown(p, 65534, -1), 0);
    assert_true(mde_secret_file_changed(p, &s));
    assert_int_equal(chown(p, 0, -1), 0);
  }
  mde_secret_free(&s);

  p = file("group", "x", 0640);
  assert_int_equal(mde_secret_load_file(p, &s, warn, sizeof warn, err, 512),
                   MDE_FAIL_NONE);
  assert_non_null(strstr(warn, "readable by its group (mode 0640)"));
  mde_secret_free(&s);

  static const struct {
    const char *name, *content;
    mode_t mode;
    const char *message;
  } bad[] = {
      {"world", "x", 0644,
       "accessible by other users (mode 0644); run: chmod 600"},
      {"empty", "\n", 0600, "is empty"},
      {"nul", "a\nb", 0600, "not a single-line secret"},
      {"others-x", "x", 0601, "accessible by other users (mode 0601)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    p = file(bad[i].name, bad[i].content, bad[i].mode);
    assert_int_equal(mde_secret_load_file(p, &s, NULL, 0, err, sizeof err),
                     MDE_FAIL_CREDENTIAL_UNUSABLE);
    if (!strstr(err, bad[i].message) || !strstr(err, p))
      fail_msg("%s: \"%s\"", bad[i].name, err);
  }
  /* MDE_SECRET_MAX bytes is the most a secret file may hold */
  static char big[MDE_SECRET_MAX + 2];
  memset(big, 'k', MDE_SECRET_MAX);
  p = file("largest", big, 0600);
  assert_int_equal(mde_secret_load_file(p, &s, NULL, 0, err, sizeof err),
                   MDE_FAIL_NONE);
  assert_int_equal(s.len, MDE_SECRET_MAX);
  mde_secret_free(&s);
  big[MDE_SECRET_MAX] = 'k';
  p = file("too-large", big, 0600);
  assert_int_equal(mde_secret_load_file(p, &s, NULL, 0, err, sizeof err),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "is larger than 8192 bytes"));
  assert_int_equal(mde_secret_load_file(dir, &s, NULL, 0, err, sizeof err),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "not a regular file (a directory)"));
  char fifo[300];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  /* must not block waiting for a writer */
  assert_int_equal(mde_secret_load_file(fifo, &s, NULL, 0, err, sizeof err),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "not a regular file (a FIFO)"));
  if (geteuid() == 0) { /* a 0600 file of another user: refused */
    p = file("theirs", "x", 0600);
    assert_int_equal(chown(p, 65534, 65534), 0);
    assert_int_equal(mde_secret_load_file(p, &s, NULL, 0, err, sizeof err),
                     MDE_FAIL_CREDENTIAL_UNUSABLE);
    assert_non_null(strstr(err, "is owned by uid 65534, not by the user "
                                "running this (uid 0) or root; run: chown 0"));
    assert_non_null(strstr(err, p));
  }
  assert_int_equal(
      mde_secret_load_file("/nonexistent/s", &s, NULL, 0, err, sizeof err),
      MDE_FAIL_CREDENTIAL_UNUSABLE);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

static void secret_from_the_environment(void **state) {
  (void)state;
  struct mde_secret s;
  char err[256];
  setenv("MDE_TEST_SECRET", "from-env\n", 1);
  assert_int_equal(mde_secret_load_env("MDE_TEST_SECRET", &s, err, sizeof err),
                   MDE_FAIL_NONE);
  assert_string_equal(s.value, "from-env");
  mde_secret_free(&s);
  unsetenv("MDE_TEST_SECRET");
  assert_int_equal(mde_secret_load_env("MDE_TEST_SECRET", &s, err, sizeof err),
                   MDE_FAIL_CREDENTIAL_UNUSABLE);
  assert_non_null(strstr(err, "MDE_TEST_SECRET is not set"));
  static const struct {
    const char *value, *message;
  } bad[] = {
      {"\n", "MDE_TEST_SECRET holds only a line break"},
      {"\r\n", "MDE_TEST_SECRET holds only a line break"},
      {"a\nb\n", "MDE_TEST_SECRET is not a single-line secret"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    setenv("MDE_TEST_SECRET", bad[i].value, 1);
    assert_int_equal(
        mde_secret_load_env("MDE_TEST_SECRET", &s, err, sizeof err),
        MDE_FAIL_CREDENTIAL_UNUSABLE);
    assert_null(s.value);
    if (!strstr(err, bad[i].message))
      fail_msg("row %zu: \"%s\"", i, err);
  }
  unsetenv("MDE_TEST_SECRET");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(budget_stays_under_the_limits),
      cmocka_unit_test(secret_files),
      cmocka_unit_test(secret_from_the_environment),
  };
  return cmocka_run_group_tests_name("budget_secret", tests, NULL, NULL);
}
