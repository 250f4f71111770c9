/* Alerts pages and the per-tenant alert index (see include/mde/alerts.h). */
#include "mde/alerts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

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

/* Open addressing, keys owned; alerts are never removed (a full resync
 * builds a new index), so there is no deletion. */
struct slot {
  char *id;
  uint8_t status, severity;
};

struct mde_alert_index {
  struct slot *slots;
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
  for (size_t i = 0; i < ix->cap; i++)
    free(ix->slots[i].id);
  free(ix->slots);
  free(ix);
}

static uint64_t hash(const char *s) {
  uint64_t h = UINT64_C(1469598103934665603);
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
  return h;
}

static struct slot *find(struct slot *slots, size_t cap, const char *id) {
  for (size_t i = hash(id) & (cap - 1);; i = (i + 1) & (cap - 1))
    if (!slots[i].id || strcmp(slots[i].id, id) == 0)
      return &slots[i];
}

static int grow(struct mde_alert_index *ix) {
  size_t cap = ix->cap ? ix->cap * 2 : 16;
  struct slot *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t i = 0; i < ix->cap; i++)
    if (ix->slots[i].id)
      *find(slots, cap, ix->slots[i].id) = ix->slots[i];
  free(ix->slots);
  ix->slots = slots;
  ix->cap = cap;
  return 0;
}

int mde_alert_index_put(struct mde_alert_index *ix,
                        const struct mde_alert_item *item) {
  if ((ix->len + 1) * 4 > ix->cap * 3 && grow(ix) != 0)
    return -1;
  struct slot *s = find(ix->slots, ix->cap, item->id);
  int fresh = !s->id;
  if (fresh) {
    s->id = strdup(item->id);
    if (!s->id)
      return -1;
    ix->len++;
  }
  s->status = item->status;
  s->severity = item->severity;
  if (item->last_update_us > ix->newest_us)
    ix->newest_us = item->last_update_us;
  return fresh;
}

size_t mde_alert_index_size(const struct mde_alert_index *ix) {
  return ix->len;
}

int mde_alert_index_has(const struct mde_alert_index *ix, const char *id) {
  return ix->cap && find(ix->slots, ix->cap, id)->id != NULL;
}

size_t mde_alert_index_missing_from(const struct mde_alert_index *a,
                                    const struct mde_alert_index *b) {
  size_t n = 0;
  for (size_t i = 0; i < a->cap; i++)
    if (a->slots[i].id && (!b || !mde_alert_index_has(b, a->slots[i].id)))
      n++;
  return n;
}

void mde_alert_index_count(
    const struct mde_alert_index *ix,
    uint32_t counts[MDE_STATUS_COUNT][MDE_SEVERITY_COUNT]) {
  memset(counts, 0, sizeof(uint32_t) * MDE_STATUS_COUNT * MDE_SEVERITY_COUNT);
  for (size_t i = 0; i < ix->cap; i++)
    if (ix->slots[i].id)
      counts[ix->slots[i].status][ix->slots[i].severity]++;
}

int64_t mde_alert_index_newest(const struct mde_alert_index *ix) {
  return ix->newest_us;
}
