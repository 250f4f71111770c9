/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the <Plugin mde> option model (conf/options.c,
 * shared by collectd and check_mde --config): any block gives options or an
 * error, never a crash or a leak; what it accepts converts to the engine's
 * view (every value was checked when read). The input is also read as a
 * ClientSecretExpires/--secret-expires date: an accepted one is a real day that
 * prints back as written, and never 0 (the engine's "no date"). Inputs with
 * Include are skipped, as in the conffile harness. */
#define _GNU_SOURCE /* memmem */
#include "conffile.h"
#include "fuzz.h"
#include "mde/engine.h"
#include "options.h"

#include <string.h>
#include <time.h>

static void date(const char *s) {
  time_t t = 0;
  if (options_parse_date(s, &t) != 0)
    return;
  fz_assert(t != 0);
  struct tm tm;
  fz_assert(gmtime_r(&t, &tm));
  char day[16];
  snprintf(day, sizeof day, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday);
  if (t != 1) /* the epoch comes back one second past it */
    fz_assert(strncmp(day, s, 10) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fz_cstr(data, size);
  date(text);
  if (memmem(data, size, "nclude", 6) || memmem(data, size, "NCLUDE", 6)) {
    free(text);
    return 0;
  }
  char err[512];
  struct conf_item *root =
      conffile_parse_text(text, strlen(text), "fuzz.conf", err, sizeof err);
  const struct conf_item *block = root ? conffile_plugin_block(root, "mde") : 0;
  if (block) {
    struct plugin_options po = {0};
    if (options_parse(block, &po) == 0) {
      fz_assert(po.n_tenants >= 1);
      for (size_t i = 0; i < po.n_tenants; i++) {
        fz_assert(po.tenants[i].name && po.tenants[i].tenant_id);
        struct mde_tenant_config c;
        options_tenant_config(&po, i, &c);
        fz_assert(c.name == po.tenants[i].name);
      }
      struct mde_engine_options eo;
      options_engine(&po, &eo);
      fz_assert(eo.http.timeout_ms > 0 && eo.http.max_connections > 0);
    }
    options_free(&po);
    /* The plugin's parse skips bad <Tenant> blocks: every tenant kept is
     * whole, every skipped one has a name and a reason. */
    if (options_parse_skipping(block, &po) == 0) {
      fz_assert(po.n_tenants >= 1);
      for (size_t i = 0; i < po.n_tenants; i++)
        fz_assert(po.tenants[i].name && po.tenants[i].tenant_id);
    }
    for (size_t i = 0; i < po.n_skipped; i++)
      fz_assert(po.skipped[i].name && po.skipped[i].reason);
    options_free(&po);
  }
  conffile_free(root);
  free(text);
  return 0;
}
