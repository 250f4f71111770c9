/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for mde_alert_page_parse and the alert index: a page of
 * GET /api/alerts as the Defender API sends it. Checks what the header
 * promises: items have a non-empty id and known status/severity values,
 * every item lands in the index, counts add up; a refused page is empty.
 * And, differentially, that the page read alert by alert gives what one
 * cJSON tree of the whole body gave (the parse before: the same class,
 * items and nextLink). */
#include "../support/alerts_tree.h"
#include "fuzz.h"
#include "mde/alerts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[256];
  char *body = size ? malloc(size) : NULL;
  if (size && !body)
    abort();
  if (size)
    memcpy(body, data, size);
  struct mde_alert_page page;
  enum mde_failure f =
      mde_alert_page_parse(body, size, &page, err, sizeof(err));
  char why[128];
  if (!alerts_same_as_tree(body, size, f, &page, why, sizeof why))
    fz_fail("not as the whole-tree parse: %s", why);
  if (f == MDE_FAIL_NONE) {
    struct mde_alert_index *ix = mde_alert_index_new();
    fz_assert(ix);
    for (size_t i = 0; i < page.n; i++) {
      const struct mde_alert_item *it = &page.items[i];
      fz_assert(it->id[0] && strlen(it->id) < MDE_ALERT_ID_MAX);
      fz_assert(it->status < MDE_STATUS_COUNT);
      fz_assert(it->severity < MDE_SEVERITY_COUNT);
      fz_assert(mde_alert_index_put(ix, it) >= 0);
      fz_assert(mde_alert_index_has(ix, it->id));
    }
    uint32_t counts[MDE_STATUS_COUNT][MDE_SEVERITY_COUNT];
    mde_alert_index_count(ix, counts);
    size_t total = 0;
    for (int s = 0; s < MDE_STATUS_COUNT; s++)
      for (int v = 0; v < MDE_SEVERITY_COUNT; v++)
        total += counts[s][v];
    fz_assert(total == mde_alert_index_size(ix));
    fz_assert(total <= page.n);
    mde_alert_index_free(ix);
  } else {
    fz_assert(f == MDE_FAIL_PROTOCOL || f == MDE_FAIL_INTERNAL);
    fz_assert(!page.items && !page.next_link && page.n == 0);
    fz_assert_clean(err, sizeof(err));
  }
  mde_alert_page_free(&page);
  free(body);
  return 0;
}
