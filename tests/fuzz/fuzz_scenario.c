/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for sim_scenario_parse: scenario JSON into a fresh,
 * empty world each time.
 *
 * Two things keep it a parser test rather than a load test or a file
 * reader. Inputs whose "count" and "machines" members would generate more
 * than MAX_GENERATED tenants, alerts and devices are skipped: the loader
 * accepts 200,000 tenants of 1,000,000 alerts each by design. Certificate files
 * are read from a private temporary directory holding one certificate made at
 * start-up (app1.pem, as the example scenarios name it), and an input that
 * names a file by path (any '/') is skipped, so nothing else on the machine
 * is ever opened. */
#include "fuzz.h"
#include "scenario.h"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#define MAX_GENERATED 20000.0

static char data_dir[128];
static char cert_path[160];

static void remove_data_dir(void) {
  unlink(cert_path);
  rmdir(data_dir);
}

static void setup(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(data_dir, sizeof(data_dir), "%s/mde-fuzz-scenario.XXXXXX",
           tmp && *tmp && strlen(tmp) < 64 ? tmp : "/tmp");
  if (!mkdtemp(data_dir))
    fz_fail("cannot make a temporary directory");
  snprintf(cert_path, sizeof(cert_path), "%s/app1.pem", data_dir);
  atexit(remove_data_dir);
  EVP_PKEY *key = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  X509_NAME *name = X509_NAME_new();
  FILE *f = fopen(cert_path, "w");
  if (!key || !x || !name || !f || X509_set_version(x, 2) != 1 ||
      !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
      !X509_gmtime_adj(X509_getm_notAfter(x), 86400) ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 (const unsigned char *)"fuzz", -1, -1,
                                 0) != 1 ||
      X509_set_subject_name(x, name) != 1 ||
      X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, key) != 1 ||
      X509_sign(x, key, EVP_sha256()) <= 0 || PEM_write_X509(f, x) != 1)
    fz_fail("cannot write %s", cert_path);
  fclose(f);
  X509_NAME_free(name);
  X509_free(x);
  EVP_PKEY_free(key);
}

/* Roughly how many tenants and alerts loading `j` generates: a "count"
 * multiplies whatever its object holds (a tenant set's template alerts). */
static double generated(const cJSON *j) {
  double own = 0, inner = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, j) {
    if (c->string && strcmp(c->string, "count") == 0 && cJSON_IsNumber(c))
      own = c->valuedouble > own ? c->valuedouble : own;
    else if (c->string && strcmp(c->string, "machines") == 0 &&
             cJSON_IsNumber(c)) /* a device state each (issue 17) */
      inner += c->valuedouble > 0 ? c->valuedouble : 0;
    else
      inner += generated(c);
  }
  return own > 0 ? own * (1 + inner) : inner;
}

/* Any "file" string with a path in it. */
static int names_a_path(const cJSON *j) {
  const cJSON *c;
  cJSON_ArrayForEach(c, j) {
    if (c->string && strcmp(c->string, "file") == 0 && cJSON_IsString(c) &&
        strchr(c->valuestring, '/'))
      return 1;
    if (names_a_path(c))
      return 1;
  }
  return 0;
}

/* As sim_world_init, without the 2048-bit signing key and the request log:
 * the loader touches neither, and making a key per input would be all the
 * fuzzer did. sim_world_free copes with both absent. */
static void world_init(struct sim_world *w) {
  *w = (struct sim_world){0};
  sim_settings_defaults(&w->settings);
  pthread_mutex_init(&w->lock, NULL);
  strmap_init(&w->apps_by_id);
  strmap_init(&w->tenants_by_name);
  w->rng = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!data_dir[0])
    setup();
  char *text = fz_cstr(data, size);
  cJSON *j = cJSON_Parse(text);
  int skip = j && (!(generated(j) <= MAX_GENERATED) || names_a_path(j));
  cJSON_Delete(j);
  if (!skip) {
    struct sim_world w;
    char err[512] = "";
    world_init(&w);
    if (sim_scenario_parse(&w, text, data_dir, err, sizeof(err)) != 0)
      fz_assert(err[0] && strnlen(err, sizeof(err)) < sizeof(err));
    else
      fz_assert(w.n_apps > 0);
    sim_world_free(&w);
  }
  free(text);
  return 0;
}
