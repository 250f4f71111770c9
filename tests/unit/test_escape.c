/* SPDX-License-Identifier: MIT */
/* Untrusted text leaves the process escaped: control bytes as \xNN (no
 * forged log or status lines), '|' too where Nagios would read perfdata,
 * cuts that never split an escape or a UTF-8 character. */
#include "mde/escape.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void escapes_control_bytes_and_pipes(void **state) {
  (void)state;
  static const struct {
    const char *in;
    unsigned flags;
    const char *out;
  } rows[] = {
      {"plain text, UTF-8 \xc3\xa9", 0, "plain text, UTF-8 \xc3\xa9"},
      {"a\nMDE OK - forged", 0, "a\\x0aMDE OK - forged"},
      {"next\r\n[info] forged", 0, "next\\x0d\\x0a[info] forged"},
      {"\x1b[2Jtab\there\x7f", 0, "\\x1b[2Jtab\\x09here\\x7f"},
      {"reason | x=1", 0, "reason | x=1"},
      {"reason | x=1", MDE_ESC_PIPE, "reason \\x7c x=1"},
      {"C:\\path\\x0a", 0, "C:\\path\\x0a"}, /* twice changes nothing */
      {"", 0, ""},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char out[128];
    mde_escape(out, sizeof out, rows[i].in, rows[i].flags);
    if (strcmp(out, rows[i].out) != 0)
      fail_msg("row %zu: \"%s\", want \"%s\"", i, out, rows[i].out);
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    mde_escape_fputs(rows[i].in, rows[i].flags, f);
    fclose(f);
    assert_string_equal(mem, rows[i].out);
    free(mem);
  }
  char out[8];
  assert_string_equal(mde_escape(out, sizeof out, NULL, 0), "");
}

static void cuts_whole_units(void **state) {
  (void)state;
  char out[8];
  /* "ab\x0a" needs 6 bytes; "\x0b" would not fit the 2 left */
  assert_string_equal(mde_escape(out, sizeof out, "ab\n\v", 0), "ab\\x0a");
  /* "abcd" + a 3-byte character cut after 2 of its bytes: dropped whole */
  char four[] = "abcdef\xe2\x82\xac";
  assert_string_equal(mde_escape(out, sizeof out, four, 0), "abcdef");
  assert_string_equal(mde_escape(out, 7, "abcde\xe2\x82\xac", 0), "abcde");
  assert_string_equal(mde_escape(out, 4, "\xc3\xa9\xc3\xa9", 0), "\xc3\xa9");
  assert_string_equal(mde_escape(out, 1, "abc", 0), "");
  /* no room at all: not one byte written */
  memcpy(out, "unused", 7);
  assert_ptr_equal(mde_escape(out, 0, "abc", 0), out);
  assert_string_equal(out, "unused");
  assert_null(mde_escape(NULL, 8, "abc", 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(escapes_control_bytes_and_pipes),
      cmocka_unit_test(cuts_whole_units),
  };
  return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
