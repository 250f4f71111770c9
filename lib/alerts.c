/* SPDX-License-Identifier: MIT */
/* Alerts pages and the per-tenant alert index (see include/mde/alerts.h). */
#include "mde/alerts.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const status_names[MDE_STATUS_COUNT] = {
    "new", "inprogress", "resolved", "unknown"};
static const char *const severity_names[MDE_SEVERITY_COUNT] = {
    "informational", "low", "medium", "high", "unspecified"};

const char *mde_alert_status_name(enum mde_alert_status s) {
  return s < MDE_STATUS_COUNT ? status_names[s] : "unknown";
}

const char *mde_alert_severity_name(enum mde_alert_severity s) {
  return s < MDE_SEVERITY_COUNT ? severity_names[s] : "unspecified";
}

static uint8_t parse_status(const char *s) {
  for (int i = 0; s && i < MDE_STATUS_UNKNOWN; i++)
    if (strcasecmp(s, status_names[i]) == 0)
      return (uint8_t)i;
  return MDE_STATUS_UNKNOWN;
}

static uint8_t parse_severity(const char *s) {
  for (int i = 0; s && i < MDE_SEVERITY_UNSPECIFIED; i++)
    if (strcasecmp(s, severity_names[i]) == 0)
      return (uint8_t)i;
  return MDE_SEVERITY_UNSPECIFIED;
}

static int digits(const char **p, int n) {
  int v = 0;
  for (int i = 0; i < n; i++, (*p)++) {
    if (!isdigit((unsigned char)**p))
      return -1;
    v = v * 10 + (**p - '0');
  }
  return v;
}

int64_t mde_parse_timestamp_us(const char *s) {
  if (!s)
    return -1;
  const char *p = s;
  struct tm tm = {0};
  int y = digits(&p, 4);
  if (y < 1970 || *p++ != '-')
    return -1;
  int mo = digits(&p, 2);
  if (mo < 1 || mo > 12 || *p++ != '-')
    return -1;
  int d = digits(&p, 2);
  if (d < 1 || d > 31 || *p++ != 'T')
    return -1;
  int h = digits(&p, 2);
  if (h < 0 || h > 23 || *p++ != ':')
    return -1;
  int mi = digits(&p, 2);
  if (mi < 0 || mi > 59 || *p++ != ':')
    return -1;
  int sec = digits(&p, 2);
  if (sec < 0 || sec > 60)
    return -1;
  int64_t us = 0, scale = 100000;
  if (*p == '.') {
    p++;
    if (!isdigit((unsigned char)*p))
      return -1;
    for (; isdigit((unsigned char)*p); p++, scale /= 10)
      us += (*p - '0') * scale;
  }
  if (*p != 'Z' || p[1] != '\0')
    return -1;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  time_t t = timegm(&tm);
  if (t == (time_t)-1)
    return -1;
  return (int64_t)t * 1000000 + us;
}

static const char *string_member(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

enum mde_failure mde_alert_page_parse(const char *body, size_t len,
                                      struct mde_alert_page *out, char *err,
                                      size_t err_size) {
  *out = (struct mde_alert_page){0};
  cJSON *root = cJSON_ParseWithLength(body, len);
  const cJSON *value =
      root ? cJSON_GetObjectItemCaseSensitive(root, "value") : NULL;
  if (!cJSON_IsArray(value)) {
    snprintf(err, err_size, "alerts page is not {\"value\": [...]} JSON");
    cJSON_Delete(root);
    return MDE_FAIL_PROTOCOL;
  }
  size_t n = (size_t)cJSON_GetArraySize(value);
  out->items = calloc(n ? n : 1, sizeof *out->items);
  const char *next = string_member(root, "@odata.nextLink");
  out->next_link = next ? strdup(next) : NULL;
  if (!out->items || (next && !out->next_link)) {
    cJSON_Delete(root);
    mde_alert_page_free(out);
    snprintf(err, err_size, "out of memory parsing an alerts page");
    return MDE_FAIL_INTERNAL;
  }
  const cJSON *a;
  cJSON_ArrayForEach(a, value) {
    const char *id = string_member(a, "id");
    if (!cJSON_IsObject(a) || !id || !*id || strlen(id) >= MDE_ALERT_ID_MAX) {
      snprintf(err, err_size, "alert %zu has no usable \"id\"", out->n);
      cJSON_Delete(root);
      mde_alert_page_free(out);
      return MDE_FAIL_PROTOCOL;
    }
    struct mde_alert_item *it = &out->items[out->n++];
    snprintf(it->id, sizeof it->id, "%s", id);
    it->status = parse_status(string_member(a, "status"));
    it->severity = parse_severity(string_member(a, "severity"));
    it->last_update_us =
        mde_parse_timestamp_us(string_member(a, "lastUpdateTime"));
  }
  cJSON_Delete(root);
  return MDE_FAIL_NONE;
}

void mde_alert_page_free(struct mde_alert_page *p) {
  free(p->items);
  free(p->next_link);
  *p = (struct mde_alert_page){0};
}

/* Open addressing over 64-bit hashes of the ids, in parallel arrays:
 * 9 bytes a slot instead of a heap string per alert (two ids colliding is
 * about 1 in 10^8 at a million alerts in one tenant). Alerts are never
 * removed (a full resync builds a new index), so there is no deletion. */
struct mde_alert_index {
  uint64_t *keys; /* 0: empty */
  uint8_t *meta;  /* status << 4 | severity */
  size_t cap, len;
  int64_t newest_us;
};

struct mde_alert_index *mde_alert_index_new(void) {
  struct mde_alert_index *ix = calloc(1, sizeof *ix);
  if (ix)
    ix->newest_us = -1;
  return ix;
}

void mde_alert_index_free(struct mde_alert_index *ix) {
  if (!ix)
    return;
  free(ix->keys);
  free(ix->meta);
  free(ix);
}

static uint64_t key_of(const char *id) {
  uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a, then a mixer */
  for (; *id; id++)
    h = (h ^ (unsigned char)*id) * UINT64_C(1099511628211);
  h ^= h >> 33;
  h *= UINT64_C(0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h ? h : 1;
}

static size_t find(const uint64_t *keys, size_t cap, uint64_t key) {
  for (size_t i = key & (cap - 1);; i = (i + 1) & (cap - 1))
    if (keys[i] == 0 || keys[i] == key)
      return i;
}

static int grow(struct mde_alert_index *ix) {
  size_t cap = ix->cap ? ix->cap * 2 : 16;
  uint64_t *keys = calloc(cap, sizeof *keys);
  uint8_t *meta = calloc(cap, 1);
  if (!keys || !meta) {
    free(keys);
    free(meta);
    return -1;
  }
  for (size_t i = 0; i < ix->cap; i++) {
    if (ix->keys[i]) {
      size_t j = find(keys, cap, ix->keys[i]);
      keys[j] = ix->keys[i];
      meta[j] = ix->meta[i];
    }
  }
  free(ix->keys);
  free(ix->meta);
  ix->keys = keys;
  ix->meta = meta;
  ix->cap = cap;
  return 0;
}

int mde_alert_index_put(struct mde_alert_index *ix,
                        const struct mde_alert_item *item) {
  if ((ix->len + 1) * 4 > ix->cap * 3 && grow(ix) != 0)
    return -1;
  uint64_t key = key_of(item->id);
  size_t i = find(ix->keys, ix->cap, key);
  int fresh = ix->keys[i] == 0;
  if (fresh) {
    ix->keys[i] = key;
    ix->len++;
  }
  ix->meta[i] = (uint8_t)((item->status & 15) << 4 | (item->severity & 15));
  if (item->last_update_us > ix->newest_us)
    ix->newest_us = item->last_update_us;
  return fresh;
}

size_t mde_alert_index_size(const struct mde_alert_index *ix) {
  return ix->len;
}

static int has_key(const struct mde_alert_index *ix, uint64_t key) {
  return ix->cap && ix->keys[find(ix->keys, ix->cap, key)] == key;
}

int mde_alert_index_has(const struct mde_alert_index *ix, const char *id) {
  return has_key(ix, key_of(id));
}

size_t mde_alert_index_missing_from(const struct mde_alert_index *a,
                                    const struct mde_alert_index *b) {
  size_t n = 0;
  for (size_t i = 0; i < a->cap; i++)
    if (a->keys[i] && (!b || !has_key(b, a->keys[i])))
      n++;
  return n;
}

void mde_alert_index_count(
    const struct mde_alert_index *ix,
    uint32_t counts[MDE_STATUS_COUNT][MDE_SEVERITY_COUNT]) {
  memset(counts, 0, sizeof(uint32_t) * MDE_STATUS_COUNT * MDE_SEVERITY_COUNT);
  for (size_t i = 0; i < ix->cap; i++) {
    if (!ix->keys[i])
      continue;
    unsigned st = ix->meta[i] >> 4, sev = ix->meta[i] & 15;
    if (st < MDE_STATUS_COUNT && sev < MDE_SEVERITY_COUNT)
      counts[st][sev]++;
  }
}

int64_t mde_alert_index_newest(const struct mde_alert_index *ix) {
  return ix->newest_us;
}
