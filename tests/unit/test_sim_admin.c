/* SPDX-License-Identifier: MIT */
/* mde-sim's POST /keys/rotate: the RSA key is generated before the world
 * lock is taken, so answers that need the lock do not wait the ~0.2 s of a
 * generation (issue 13's soak saw one answer 230 ms late). The link wraps
 * OpenSSL's key generation (-Wl,--wrap=EVP_PKEY_Q_keygen, which
 * EVP_RSA_gen expands to) to see the lock as the generation runs. */
#include "admin.h"
#include "http.h"
#include "world.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

EVP_PKEY *__real_EVP_PKEY_Q_keygen(OSSL_LIB_CTX *ctx, const char *propq,
                                   const char *type, ...);
EVP_PKEY *__wrap_EVP_PKEY_Q_keygen(OSSL_LIB_CTX *ctx, const char *propq,
                                   const char *type, ...);

static struct gen_watch {
  struct sim_world *watch; /* NULL: generations pass through unobserved */
  int made, under_lock;
  bool fail;
} gen;

EVP_PKEY *__wrap_EVP_PKEY_Q_keygen(OSSL_LIB_CTX *ctx, const char *propq,
                                   const char *type, ...) {
  va_list ap;
  va_start(ap, type);
  size_t bits = va_arg(ap, size_t); /* the only argument RSA takes */
  va_end(ap);
  assert_string_equal(type, "RSA");
  if (gen.watch) {
    gen.made++;
    if (pthread_mutex_trylock(&gen.watch->lock) != 0)
      gen.under_lock++;
    else
      pthread_mutex_unlock(&gen.watch->lock);
    if (gen.fail)
      return NULL;
  }
  return __real_EVP_PKEY_Q_keygen(ctx, propq, type, bits);
}

static cJSON *rotate(struct sim_world *w, int *status) {
  struct sim_req rq = {.method = "POST",
                       .path = "/keys/rotate",
                       .body = "{\"grace_seconds\": 60}"};
  rq.body_len = strlen(rq.body);
  struct sim_resp rs = {0};
  mde_buf_init(&rs.body, 0);
  sim_admin(w, &rq, &rs);
  *status = rs.status;
  cJSON *j = cJSON_Parse(rs.body.data);
  mde_buf_free(&rs.body);
  return j;
}

static void the_key_is_generated_outside_the_world_lock(void **state) {
  (void)state;
  struct sim_world w;
  assert_int_equal(sim_world_init(&w), 0);
  char current[32], upcoming[32];
  strcpy(current, w.keys.keys[0].kid);
  strcpy(upcoming, w.keys.keys[1].kid);
  gen = (struct gen_watch){.watch = &w};
  int status;
  cJSON *j = rotate(&w, &status);
  assert_int_equal(status, 200);
  assert_int_equal(gen.made, 1);
  assert_int_equal(gen.under_lock, 0);
  /* and the rotation is as before: the upcoming key signs, the new one is
   * published next, the old one kept for its grace period */
  assert_int_equal(w.keys.n, 3);
  assert_string_equal(w.keys.keys[0].kid, upcoming);
  assert_string_equal(w.keys.keys[2].kid, current);
  assert_string_equal(cJSON_GetObjectItem(j, "current")->valuestring, upcoming);
  assert_string_equal(cJSON_GetObjectItem(j, "upcoming")->valuestring,
                      w.keys.keys[1].kid);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "published")), 3);
  cJSON_Delete(j);
  gen = (struct gen_watch){0};
  sim_world_free(&w);
}

static void a_failed_generation_is_a_500_and_changes_nothing(void **state) {
  (void)state;
  struct sim_world w;
  assert_int_equal(sim_world_init(&w), 0);
  char current[32];
  strcpy(current, w.keys.keys[0].kid);
  gen = (struct gen_watch){.watch = &w, .fail = true};
  int status;
  cJSON *j = rotate(&w, &status);
  assert_int_equal(status, 500);
  assert_string_equal(cJSON_GetObjectItem(j, "error")->valuestring,
                      "key generation failed");
  assert_int_equal(w.keys.n, 2);
  assert_string_equal(w.keys.keys[0].kid, current);
  cJSON_Delete(j);
  gen = (struct gen_watch){0};
  sim_world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_key_is_generated_outside_the_world_lock),
      cmocka_unit_test(a_failed_generation_is_a_500_and_changes_nothing),
  };
  return cmocka_run_group_tests_name("sim_admin", tests, NULL, NULL);
}
