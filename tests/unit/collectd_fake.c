/* SPDX-License-Identifier: MIT */
/* See collectd_fake.h. Signatures are collectd 5.12's (plugin.h, common.h),
 * so a change there fails to compile here. Meta lists are really built and
 * freed: ASan sees a notification whose meta leaks. */
#include "collectd_fake.h"

#include "collectd.h"

#include "plugin.h"
#include "utils/common/common.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_record fake;
static char host[] = "testhost";
char *hostname_g = host;

void fake_reset(void) { memset(&fake, 0, sizeof fake); }

const char *fake_value(const char *id) {
  size_t n = strlen(id);
  for (size_t i = 0; i < fake.n_values; i++)
    if (strncmp(fake.values[i], id, n) == 0 && fake.values[i][n] == '=')
      return fake.values[i] + n + 1;
  return NULL;
}

char *sstrncpy(char *dest, const char *src, size_t n) {
  snprintf(dest, n, "%s", src);
  return dest;
}

int plugin_dispatch_values(value_list_t const *vl) {
  if (vl->values_len != 1 || fake.n_values == FAKE_MAX ||
      strcmp(vl->plugin, "mde") != 0)
    abort(); /* submit.c sends one value of plugin "mde" at a time */
  /* submit.c's counters use these types (DERIVE in types.db) */
  char v[64];
  bool is_derive = strcmp(vl->type, "derive") == 0 ||
                   strcmp(vl->type, "errors") == 0 ||
                   strcmp(vl->type, "operations") == 0 ||
                   strcmp(vl->type, "http_response_codes") == 0;
  if (is_derive)
    snprintf(v, sizeof v, "%" PRId64, (int64_t)vl->values[0].derive);
  else
    snprintf(v, sizeof v, "%g", vl->values[0].gauge);
  fake.times[fake.n_values] = vl->time;
  snprintf(fake.values[fake.n_values++], sizeof fake.values[0], "%s/%s-%s=%s",
           vl->plugin_instance, vl->type, vl->type_instance, v);
  return 0;
}

static int meta_add(notification_t *n, const char *name,
                    notification_meta_t m) {
  notification_meta_t *e = malloc(sizeof *e);
  if (!e)
    abort();
  *e = m;
  snprintf(e->name, sizeof e->name, "%s", name);
  e->next = NULL;
  notification_meta_t **tail = &n->meta;
  while (*tail)
    tail = &(*tail)->next;
  *tail = e;
  return 0;
}

int plugin_notification_meta_add_string(notification_t *n, const char *name,
                                        const char *value) {
  char *copy = strdup(value);
  if (!copy)
    abort();
  return meta_add(n, name,
                  (notification_meta_t){.type = NM_TYPE_STRING,
                                        .nm_value.nm_string = copy});
}

int plugin_notification_meta_add_signed_int(notification_t *n, const char *name,
                                            int64_t value) {
  return meta_add(n, name,
                  (notification_meta_t){.type = NM_TYPE_SIGNED_INT,
                                        .nm_value.nm_signed_int = value});
}

int plugin_notification_meta_add_double(notification_t *n, const char *name,
                                        double value) {
  return meta_add(n, name,
                  (notification_meta_t){.type = NM_TYPE_DOUBLE,
                                        .nm_value.nm_double = value});
}

int plugin_notification_meta_free(notification_meta_t *m) {
  while (m) {
    notification_meta_t *next = m->next;
    if (m->type == NM_TYPE_STRING)
      free((char *)m->nm_value.nm_string);
    free(m);
    m = next;
  }
  return 0;
}

int plugin_dispatch_notification(const notification_t *n) {
  if (fake.n_notes == sizeof fake.notes / sizeof fake.notes[0] ||
      strcmp(n->plugin, "mde") != 0)
    abort();
  struct fake_notification *f = &fake.notes[fake.n_notes++];
  f->severity = n->severity;
  f->time = n->time;
  snprintf(f->host, sizeof f->host, "%s", n->host);
  snprintf(f->plugin_instance, sizeof f->plugin_instance, "%s",
           n->plugin_instance);
  snprintf(f->type, sizeof f->type, "%s", n->type);
  snprintf(f->type_instance, sizeof f->type_instance, "%s", n->type_instance);
  snprintf(f->message, sizeof f->message, "%s", n->message);
  size_t used = 0;
  for (const notification_meta_t *m = n->meta; m; m = m->next) {
    char v[1024];
    if (m->type == NM_TYPE_STRING)
      snprintf(v, sizeof v, "%s", m->nm_value.nm_string);
    else if (m->type == NM_TYPE_SIGNED_INT)
      snprintf(v, sizeof v, "%" PRId64, m->nm_value.nm_signed_int);
    else
      snprintf(v, sizeof v, "%g", m->nm_value.nm_double);
    used += (size_t)snprintf(f->meta + used, sizeof f->meta - used, "%s=%s\n",
                             m->name, v);
    if (used >= sizeof f->meta)
      abort();
  }
  return 0;
}

void plugin_log(int level, const char *format, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, format);
  vsnprintf(line, sizeof line, format, ap);
  va_end(ap);
  size_t used = strlen(fake.log);
  snprintf(fake.log + used, sizeof fake.log - used, "%s %s\n",
           level == LOG_INFO      ? "info"
           : level == LOG_WARNING ? "warning"
                                  : "other",
           line);
}
