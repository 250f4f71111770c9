/* SPDX-License-Identifier: MIT */
/* mde-sim's form parser: decoding, duplicates, bounds, hostile bytes. */
#include "form.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void decodes_fields(void **state) {
  (void)state;
  static const char body[] =
      "grant_type=client_credentials&client_id=abc&client_secret=a%2Bb%3D%3D"
      "&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"
      "&empty=&flag&&plus=a+b";
  struct form f;
  const char *dup = NULL;
  assert_int_equal(form_parse(&f, body, strlen(body), &dup), FORM_OK);
  assert_string_equal(form_get(&f, "grant_type"), "client_credentials");
  assert_string_equal(form_get(&f, "client_secret"), "a+b==");
  assert_string_equal(form_get(&f, "scope"),
                      "https://api.securitycenter.microsoft.com/.default");
  assert_string_equal(form_get(&f, "empty"), "");
  assert_string_equal(form_get(&f, "flag"), "");
  assert_string_equal(form_get(&f, "plus"), "a b");
  assert_null(form_get(&f, "missing"));
  form_free(&f);
}

static void reports_duplicates(void **state) {
  (void)state;
  static const char body[] = "client_id=a&x=1&client_id=b";
  struct form f;
  const char *dup = NULL;
  assert_int_equal(form_parse(&f, body, strlen(body), &dup), FORM_DUPLICATE);
  assert_string_equal(dup, "client_id");
  form_free(&f);
}

static void rejects_bad_input(void **state) {
  (void)state;
  static const struct {
    const char *body;
    enum form_result want;
  } cases[] = {
      {"a=%zz", FORM_BAD_ESCAPE},  {"a=%4", FORM_BAD_ESCAPE},
      {"a=%", FORM_BAD_ESCAPE},    {"a=%00", FORM_BAD_ESCAPE},
      {"%41%=1", FORM_BAD_ESCAPE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct form f;
    const char *dup = NULL;
    assert_int_equal(form_parse(&f, cases[i].body, strlen(cases[i].body), &dup),
                     cases[i].want);
    form_free(&f);
  }
}

static void bounds_the_field_count(void **state) {
  (void)state;
  char body[4096] = "";
  for (int i = 0; i <= FORM_MAX_FIELDS; i++) {
    char field[16];
    snprintf(field, sizeof field, "f%d=1&", i);
    strcat(body, field);
  }
  struct form f;
  const char *dup = NULL;
  assert_int_equal(form_parse(&f, body, strlen(body), &dup), FORM_TOO_MANY);
  form_free(&f);
}

static void survives_every_byte(void **state) {
  (void)state;
  unsigned char body[512];
  uint64_t x = 88172645463325252u;
  for (int round = 0; round < 2000; round++) {
    for (size_t i = 0; i < sizeof body; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      body[i] = "a=%&+1\x00\xff"[x % 8];
    }
    struct form f;
    const char *dup = NULL;
    form_parse(&f, (const char *)body, (size_t)(x % sizeof body), &dup);
    form_free(&f);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(decodes_fields),
      cmocka_unit_test(reports_duplicates),
      cmocka_unit_test(rejects_bad_input),
      cmocka_unit_test(bounds_the_field_count),
      cmocka_unit_test(survives_every_byte),
  };
  return cmocka_run_group_tests_name("sim_form", tests, NULL, NULL);
}
