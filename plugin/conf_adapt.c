/* SPDX-License-Identifier: MIT */
/* collectd's oconfig_item_t tree copied into ours (see conf_adapt.h). */
#include "conf_adapt.h"

#include <stdlib.h>

/* collectd's value types and ours, one row each. */
static const struct {
  int oconfig;
  enum conf_type conf;
} types[] = {
    {OCONFIG_TYPE_STRING, CONF_STRING},
    {OCONFIG_TYPE_NUMBER, CONF_NUMBER},
    {OCONFIG_TYPE_BOOLEAN, CONF_BOOLEAN},
};

static int copy_value(const oconfig_value_t *from, struct conf_value *to) {
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    if (types[i].oconfig != from->type)
      continue;
    to->type = types[i].conf;
    if (to->type == CONF_STRING)
      to->value.string = from->value.string;
    else if (to->type == CONF_NUMBER)
      to->value.number = from->value.number;
    else
      to->value.boolean = from->value.boolean;
    return 0;
  }
  return -1;
}

static void free_inside(struct conf_item *ci) {
  for (int i = 0; i < ci->children_num; i++)
    free_inside(&ci->children[i]);
  free(ci->children);
  free(ci->values);
}

/* Fills `to` (zeroed, its parent set) from `from`. On failure `to` holds
 * what was copied so far, for free_inside. */
static int copy_item(const oconfig_item_t *from, struct conf_item *to) {
  to->key = from->key;
  if (from->values_num > 0 &&
      !(to->values = calloc((size_t)from->values_num, sizeof *to->values)))
    return -1;
  for (; to->values_num < from->values_num; to->values_num++)
    if (copy_value(&from->values[to->values_num],
                   &to->values[to->values_num]) != 0)
      return -1;
  if (from->children_num > 0 &&
      !(to->children =
            calloc((size_t)from->children_num, sizeof *to->children)))
    return -1;
  for (int i = 0; i < from->children_num; i++) {
    to->children_num++;
    to->children[i].parent = to;
    if (copy_item(&from->children[i], &to->children[i]) != 0)
      return -1;
  }
  return 0;
}

struct conf_item *conf_adapt(const oconfig_item_t *ci) {
  struct conf_item *root = calloc(1, sizeof *root);
  if (root && copy_item(ci, root) != 0) {
    conf_adapt_free(root);
    return NULL;
  }
  return root;
}

void conf_adapt_free(struct conf_item *ci) {
  if (!ci)
    return;
  free_inside(ci);
  free(ci);
}
