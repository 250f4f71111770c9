/* SPDX-License-Identifier: MIT */
/* collectd functions used by plugin/options.c, for check_mde (see shim.h).
 * Same contracts as collectd 5.12's: one value of the right type, or an
 * error naming the option. */
#include "collectd.h"

#include "plugin.h"
#include "utils/common/common.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shim.h"

static char last_error[1024];
static bool error_is_plugins; /* the plugin's own message names the place */
static int verbose;

const char *shim_last_error(void) { return last_error; }
void shim_set_verbose(int v) { verbose = v; }

void plugin_log(int level, const char *format, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, format);
  vsnprintf(msg, sizeof msg, format, ap);
  va_end(ap);
  bool plugins = strncmp(msg, "mde plugin: ", 12) == 0;
  const char *text = plugins ? msg + 12 : msg;
  /* The first error wins, except that the plugin's message (which says
   * which block) replaces collectd's generic one about the same option. */
  if (level <= LOG_ERR && (!last_error[0] || (plugins && !error_is_plugins))) {
    snprintf(last_error, sizeof last_error, "%s", text);
    error_is_plugins = plugins;
  }
  if (verbose)
    fprintf(stderr, "check_mde: %s\n", text);
}

int cf_util_get_string(const oconfig_item_t *ci, char **ret) {
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_STRING) {
    ERROR("The `%s' option requires exactly one string argument.", ci->key);
    return -1;
  }
  char *s = strdup(ci->values[0].value.string);
  if (!s)
    return -1;
  free(*ret);
  *ret = s;
  return 0;
}

int cf_util_get_int(const oconfig_item_t *ci, int *ret) {
  /* collectd casts whatever the number is; here an int it must be */
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_NUMBER ||
      !(ci->values[0].value.number >= INT_MIN &&
        ci->values[0].value.number <= INT_MAX)) {
    ERROR("The `%s' option requires exactly one numeric argument.", ci->key);
    return -1;
  }
  *ret = (int)ci->values[0].value.number;
  return 0;
}

int cf_util_get_boolean(const oconfig_item_t *ci, bool *ret) {
  if (ci->values_num == 1 && ci->values[0].type == OCONFIG_TYPE_BOOLEAN) {
    *ret = ci->values[0].value.boolean != 0;
    return 0;
  }
  if (ci->values_num == 1 && ci->values[0].type == OCONFIG_TYPE_STRING) {
    const char *s = ci->values[0].value.string;
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
        !strcasecmp(s, "on")) {
      *ret = true;
      return 0;
    }
    if (!strcasecmp(s, "false") || !strcasecmp(s, "no") ||
        !strcasecmp(s, "off")) {
      *ret = false;
      return 0;
    }
  }
  ERROR("The `%s' option requires exactly one boolean argument.", ci->key);
  return -1;
}
