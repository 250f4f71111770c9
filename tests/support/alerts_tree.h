/* SPDX-License-Identifier: MIT */
/* The oracle for mde_alert_page_parse: the page parsed as it was before
 * it was read alert by alert, as one cJSON tree of the whole body. The
 * unit test and the differential fuzz harness hold the streaming parse to
 * it: the same items, nextLink and failure class for every input. Kept
 * here only, never in the library (the tree was what cost the CPU). */
#ifndef ALERTS_TREE_H
#define ALERTS_TREE_H

#include "mde/alerts.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint8_t tree_enum(const char *s, const char *(*name)(int), int n) {
  for (int i = 0; s && i < n; i++)
    if (strcasecmp(s, name(i)) == 0)
      return (uint8_t)i;
  return (uint8_t)n;
}

static const char *tree_status(int i) {
  return mde_alert_status_name((enum mde_alert_status)i);
}

static const char *tree_severity(int i) {
  return mde_alert_severity_name((enum mde_alert_severity)i);
}

static const char *tree_string(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static enum mde_failure alerts_tree_parse(const char *body, size_t len,
                                          struct mde_alert_page *out) {
  *out = (struct mde_alert_page){0};
  cJSON *root = cJSON_ParseWithLength(body, len);
  const cJSON *value =
      root ? cJSON_GetObjectItemCaseSensitive(root, "value") : NULL;
  if (!cJSON_IsArray(value)) {
    cJSON_Delete(root);
    return MDE_FAIL_PROTOCOL;
  }
  size_t n = (size_t)cJSON_GetArraySize(value);
  out->items = calloc(n ? n : 1, sizeof *out->items);
  const char *next = tree_string(root, "@odata.nextLink");
  out->next_link = next ? strdup(next) : NULL;
  if (!out->items || (next && !out->next_link)) {
    cJSON_Delete(root);
    mde_alert_page_free(out);
    return MDE_FAIL_INTERNAL;
  }
  const cJSON *a;
  cJSON_ArrayForEach(a, value) {
    const char *id = tree_string(a, "id");
    if (!cJSON_IsObject(a) || !id || !*id || strlen(id) >= MDE_ALERT_ID_MAX) {
      cJSON_Delete(root);
      mde_alert_page_free(out);
      return MDE_FAIL_PROTOCOL;
    }
    struct mde_alert_item *it = &out->items[out->n++];
    snprintf(it->id, sizeof it->id, "%s", id);
    it->status =
        tree_enum(tree_string(a, "status"), tree_status, MDE_STATUS_UNKNOWN);
    it->severity = tree_enum(tree_string(a, "severity"), tree_severity,
                             MDE_SEVERITY_UNSPECIFIED);
    it->last_update_us =
        mde_parse_timestamp_us(tree_string(a, "lastUpdateTime"));
  }
  cJSON_Delete(root);
  return MDE_FAIL_NONE;
}

/* Whether the streaming parse's answer `f`, `p` is the tree's for the same
 * body; on a difference, `why` says which. */
static int alerts_same_as_tree(const char *body, size_t len, enum mde_failure f,
                               const struct mde_alert_page *p, char *why,
                               size_t why_size) {
  struct mde_alert_page t;
  enum mde_failure g = alerts_tree_parse(body, len, &t);
  int same = 0;
  if (f != g)
    snprintf(why, why_size, "class %d, the tree's %d", (int)f, (int)g);
  else if (p->n != t.n)
    snprintf(why, why_size, "%zu items, the tree's %zu", p->n, t.n);
  else if (!p->next_link != !t.next_link ||
           (p->next_link && strcmp(p->next_link, t.next_link) != 0))
    snprintf(why, why_size, "nextLink differs");
  else
    same = 1;
  for (size_t i = 0; same && i < p->n; i++) {
    const struct mde_alert_item *x = &p->items[i], *y = &t.items[i];
    if (strcmp(x->id, y->id) != 0 || x->status != y->status ||
        x->severity != y->severity || x->last_update_us != y->last_update_us) {
      snprintf(why, why_size, "item %zu differs", i);
      same = 0;
    }
  }
  mde_alert_page_free(&t);
  return same;
}

#endif
