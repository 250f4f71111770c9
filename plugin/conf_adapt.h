/* SPDX-License-Identifier: MIT */
/* collectd's configuration tree (oconfig_item_t) in our own shape
 * (conf/conf_item.h), which the option model reads. A copy, not a cast:
 * two struct types with the same layout are still different types to the
 * compiler, and reading one through the other is undefined behaviour. */
#ifndef MDE_PLUGIN_CONF_ADAPT_H
#define MDE_PLUGIN_CONF_ADAPT_H

#include "collectd.h"

#include "conf_item.h"
#include "liboconfig/oconfig.h"

/* The tree under `ci`, or NULL when out of memory or a value has a type
 * collectd does not define. Keys and strings are borrowed from `ci`: the
 * copy lives no longer than collectd's tree (the config callback). */
struct conf_item *conf_adapt(const oconfig_item_t *ci);
/* Frees what conf_adapt allocated (not the borrowed strings). */
void conf_adapt_free(struct conf_item *ci);

#endif
