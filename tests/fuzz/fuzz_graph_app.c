/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for mde_graph_app_parse and the credential matching:
 * any body Microsoft Graph (or something posing as it) could answer for the
 * application read. */
#include "fuzz.h"
#include "mde/graph_app.h"

#define APP "11111111-2222-3333-4444-555555555555"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[256];
  struct mde_graph_app a = {(void *)&err, 7}; /* must be reset */
  char *body = size ? malloc(size) : NULL;
  if (size && !body)
    abort();
  if (size)
    memcpy(body, data, size);
  enum mde_failure f =
      mde_graph_app_parse(body, size, APP, &a, err, sizeof(err));
  if (f != MDE_FAIL_NONE) {
    fz_assert(a.v == NULL && a.n == 0);
    fz_assert_clean(err, sizeof(err));
    free(body);
    return 0;
  }
  fz_assert(a.n <= MDE_GRAPH_MAX_CREDENTIALS);
  for (size_t i = 0; i < a.n; i++) {
    const struct mde_graph_credential *c = &a.v[i];
    fz_assert(strlen(c->key_id) == 36 && strlen(c->hint) <= 3);
    fz_assert(c->kind == MDE_GRAPH_SECRET || strlen(c->thumbprint) == 40);
    struct mde_graph_match m;
    if (c->kind == MDE_GRAPH_SECRET) {
      mde_graph_match_secret(&a, c->hint, NULL, 1800000000, &m);
      fz_assert(m.found == (c->hint[0] != 0) && m.matches >= (size_t)m.found);
      mde_graph_match_secret(&a, c->hint, c->key_id, 1800000000, &m);
      fz_assert(m.found == (c->hint[0] != '\0'));
    } else {
      mde_graph_match_certificate(&a, c->thumbprint, 1800000000, &m);
      fz_assert(m.found == 1);
    }
    fz_assert_clean(m.note, sizeof(m.note));
  }
  struct mde_graph_summary s;
  mde_graph_summarize(&a, 1800000000, 30 * 86400, &s);
  fz_assert(s.valid + s.expired == a.n && s.expiring <= s.valid);
  mde_graph_app_free(&a);
  free(body);
  return 0;
}
