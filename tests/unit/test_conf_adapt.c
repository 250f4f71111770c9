/* SPDX-License-Identifier: MIT */
/* The plugin's copy of collectd's config tree into ours
 * (plugin/conf_adapt.c): every key, value (with its type) and child, with
 * parents pointing into the copy; a type collectd does not define is
 * refused, not guessed. Then the option model reads the copy as collectd's
 * tree would be read. */
#include "collectd.h"

#include "conf_adapt.h"
#include "options.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* <Plugin mde> ClientId "app"; Timeout 30; FetchAlerts false;
 * <Tenant "t"> TenantId "t1" </Tenant> </Plugin>, as collectd builds it */
static oconfig_value_t app = {.value.string = "app",
                              .type = OCONFIG_TYPE_STRING};
static oconfig_value_t thirty = {.value.number = 30,
                                 .type = OCONFIG_TYPE_NUMBER};
static oconfig_value_t no = {.value.boolean = 0, .type = OCONFIG_TYPE_BOOLEAN};
static oconfig_value_t tname = {.value.string = "t",
                                .type = OCONFIG_TYPE_STRING};
static oconfig_value_t tid = {.value.string = "t1",
                              .type = OCONFIG_TYPE_STRING};
static oconfig_item_t tenant_children[] = {
    {.key = "TenantId", .values = &tid, .values_num = 1},
};
static oconfig_item_t plugin_children[] = {
    {.key = "ClientId", .values = &app, .values_num = 1},
    {.key = "Timeout", .values = &thirty, .values_num = 1},
    {.key = "FetchAlerts", .values = &no, .values_num = 1},
    {.key = "Tenant",
     .values = &tname,
     .values_num = 1,
     .children = tenant_children,
     .children_num = 1},
};
static oconfig_value_t mde = {.value.string = "mde",
                              .type = OCONFIG_TYPE_STRING};
static oconfig_item_t plugin = {.key = "Plugin",
                                .values = &mde,
                                .values_num = 1,
                                .children = plugin_children,
                                .children_num = 4};

static void copies_every_key_value_and_child(void **state) {
  (void)state;
  struct conf_item *c = conf_adapt(&plugin);
  assert_non_null(c);
  assert_string_equal(c->key, "Plugin");
  assert_null(c->parent);
  assert_int_equal(c->values_num, 1);
  assert_int_equal(c->values[0].type, CONF_STRING);
  assert_string_equal(c->values[0].value.string, "mde");
  assert_int_equal(c->children_num, 4);
  static const enum conf_type types[] = {CONF_STRING, CONF_NUMBER, CONF_BOOLEAN,
                                         CONF_STRING};
  for (int i = 0; i < 4; i++) {
    assert_string_equal(c->children[i].key, plugin_children[i].key);
    assert_ptr_equal(c->children[i].parent, c);
    assert_int_equal(c->children[i].values_num, 1);
    assert_int_equal(c->children[i].values[0].type, types[i]);
  }
  assert_true(c->children[1].values[0].value.number == 30);
  assert_int_equal(c->children[2].values[0].value.boolean, 0);
  const struct conf_item *t = &c->children[3];
  assert_int_equal(t->children_num, 1);
  assert_ptr_equal(t->children[0].parent, t);
  assert_string_equal(t->children[0].values[0].value.string, "t1");

  struct plugin_options po;
  assert_int_equal(options_parse(c, &po), 0);
  assert_int_equal(po.timeout, 30);
  assert_int_equal(po.n_tenants, 1);
  assert_string_equal(po.tenants[0].client_id, "app");
  assert_int_equal(po.tenants[0].fetch_alerts, 0);
  options_free(&po);
  conf_adapt_free(c);
}

static void refuses_an_unknown_value_type(void **state) {
  (void)state;
  oconfig_value_t odd = {.value.number = 1, .type = 42};
  oconfig_item_t kids[] = {{.key = "Odd", .values = &odd, .values_num = 1}};
  oconfig_item_t root = {.key = "Plugin", .children = kids, .children_num = 1};
  assert_null(conf_adapt(&root)); /* and no leak: ASan */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(copies_every_key_value_and_child),
      cmocka_unit_test(refuses_an_unknown_value_type),
  };
  return cmocka_run_group_tests_name("conf_adapt", tests, NULL, NULL);
}
