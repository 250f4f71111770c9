/* SPDX-License-Identifier: MIT */
/* The <Plugin mde> options as the engine sees them (plugin/options.c, with
 * the collectd helpers check_mde provides): what a tenant leaves unset
 * keeps the engine's default, what it sets (false included) wins, and a
 * value that cannot be converted is an error naming the option and the
 * tenant. */
#include "collectd.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conffile.h"
#include "mde/engine.h"
#include "options.h"
#include "shim.h"

/* The block in `text` parsed into *po; its root, to free. */
static oconfig_item_t *parse(const char *text, struct plugin_options *po) {
  char err[512] = "";
  oconfig_item_t *root =
      conffile_parse_text(text, strlen(text), "t.conf", err, sizeof err);
  if (!root)
    fail_msg("%s", err);
  const oconfig_item_t *block = conffile_plugin_block(root, "mde");
  assert_non_null(block);
  *po = (struct plugin_options){0};
  if (options_parse(block, po) != 0)
    fail_msg("%s", shim_last_error());
  return root;
}

/* ProbeRoles and FetchAlerts: unset is the engine's default (on); set,
 * false as much as true is the tenant's choice. */
static void booleans_set_to_false_are_kept(void **state) {
  (void)state;
  static const char text[] =
      "<Plugin mde>\n"
      "  ClientId \"app\"\n"
      "  <Tenant \"unset\">\n    TenantId \"t1\"\n  </Tenant>\n"
      "  <Tenant \"off\">\n    TenantId \"t2\"\n"
      "    ProbeRoles false\n    FetchAlerts false\n  </Tenant>\n"
      "  <Tenant \"on\">\n    TenantId \"t3\"\n"
      "    ProbeRoles true\n    FetchAlerts true\n  </Tenant>\n"
      "</Plugin>\n";
  struct plugin_options po;
  oconfig_item_t *root = parse(text, &po);
  assert_int_equal(po.n_tenants, 3);
  static const int want[3] = {1, 0, 1};
  for (size_t i = 0; i < 3; i++) {
    struct mde_tenant_config c;
    assert_int_equal(options_tenant_config(&po, i, &c), 0);
    assert_string_equal(c.name, po.tenants[i].name);
    assert_int_equal(c.probe_roles, want[i]);
    assert_int_equal(c.fetch_alerts, want[i]);
  }
  options_free(&po);
  conffile_free(root);
}

/* AssertionAlgorithm: PS256 or RS256 in any case, the default PS256;
 * anything else names the option and the tenant. */
static void assertion_algorithm_is_ps256_or_rs256(void **state) {
  (void)state;
  static const char text[] =
      "<Plugin mde>\n"
      "  ClientId \"app\"\n"
      "  <Tenant \"default\">\n    TenantId \"t1\"\n  </Tenant>\n"
      "  <Tenant \"ps\">\n    TenantId \"t2\"\n"
      "    AssertionAlgorithm \"ps256\"\n  </Tenant>\n"
      "  <Tenant \"rs\">\n    TenantId \"t3\"\n"
      "    AssertionAlgorithm \"RS256\"\n  </Tenant>\n"
      "  <Tenant \"es\">\n    TenantId \"t4\"\n"
      "    AssertionAlgorithm \"ES256\"\n  </Tenant>\n"
      "</Plugin>\n";
  struct plugin_options po;
  oconfig_item_t *root = parse(text, &po);
  assert_int_equal(po.n_tenants, 4);
  struct mde_tenant_config c;
  static const int want[3] = {1, 1, 0};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(options_tenant_config(&po, i, &c), 0);
    assert_int_equal(c.assertion_ps256, want[i]);
  }
  assert_int_equal(options_tenant_config(&po, 3, &c), -1);
  assert_string_equal(shim_last_error(),
                      "<Tenant \"es\">: \"AssertionAlgorithm\" is RS256 or "
                      "PS256, not \"ES256\"");
  options_free(&po);
  conffile_free(root);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(booleans_set_to_false_are_kept),
      cmocka_unit_test(assertion_algorithm_is_ps256_or_rs256),
  };
  return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
