/* SPDX-License-Identifier: MIT */
/* The shape of one collectd.conf statement, ours: `Key value ...` or a
 * <Key value ...> block with children. It mirrors collectd's
 * oconfig_item_t/oconfig_value_t field for field, so that the option model
 * (options.h) is read the same by the plugin (which converts collectd's
 * tree, plugin/conf_adapt.c) and by check_mde (whose config reader builds
 * this shape directly) without either needing collectd's headers. */
#ifndef MDE_CONF_ITEM_H
#define MDE_CONF_ITEM_H

enum conf_type { CONF_STRING, CONF_NUMBER, CONF_BOOLEAN };

struct conf_value {
  union {
    char *string;
    double number;
    int boolean;
  } value;
  enum conf_type type;
};

struct conf_item {
  char *key;
  struct conf_value *values;
  int values_num;
  struct conf_item *parent;
  struct conf_item *children;
  int children_num;
};

#endif
