/* SPDX-License-Identifier: MIT */
/* Alerts pages and the per-tenant alert index (see include/mde/alerts.h). */
#include "mde/alerts.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdbool.h>
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

/* A page is read one alert at a time, not as one cJSON tree: a 10,000-alert
 * page (10.7 MB) made a tree of ~44 MiB, millions of small allocations
 * whose frees left glibc consolidating its fast bins; that and the tree
 * were most of the engine thread's CPU in the large-tenant benchmark. This
 * walks the page's envelope (the top-level object and the `value` array:
 * their braces, brackets, colons, commas and whitespace), and cJSON parses
 * each member and each alert in turn from where the walk stands, saying
 * where it ended, so cJSON still decides what valid JSON is, strings,
 * escapes and nesting included. What the walk adds to make a page accepted
 * or refused exactly as cJSON_ParseWithLength on the whole body was (the
 * differential fuzz harness checks this against that parse):
 * - cJSON's whitespace is every byte up to 0x20, and it skips a UTF-8 BOM
 *   only at the start of the text it is given: so at the page's start, and
 *   a BOM where a member or an alert starts is refused;
 * - cJSON counts nesting from the root (CJSON_NESTING_LIMIT containers): a
 *   top-level member may nest one level less, an alert two;
 * - the first member of a name counts (cJSON_GetObjectItemCaseSensitive),
 *   the later ones are only validated;
 * - whatever follows the top-level object is ignored, as cJSON without
 *   require_null_terminated ignores it. */

/* cJSON's whitespace (buffer_skip_whitespace). */
static const char *skip_ws(const char *p, const char *end) {
  while (p < end && (unsigned char)*p <= 32)
    p++;
  return p;
}

static const char bom[] = "\xEF\xBB\xBF";

/* Containers nested in `v`, itself included (0 for a scalar). */
static int depth(const cJSON *v) {
  if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
    return 0;
  int d = 0;
  for (const cJSON *c = v->child; c; c = c->next) {
    int k = depth(c);
    if (k > d)
      d = k;
  }
  return d + 1;
}

struct walk {
  const char *p, *end;
  struct mde_alert_page *out;
  size_t cap;
  long bad; /* the first alert without a usable id; -1: none yet */
  bool value, value_array, next, oom;
};

/* The JSON value at w->p, parsed by cJSON and past it, nested `room`
 * containers deep at most; NULL if invalid. */
static cJSON *one(struct walk *w, int room) {
  if ((size_t)(w->end - w->p) >= 3 && memcmp(w->p, bom, 3) == 0)
    return NULL;
  const char *stop = NULL;
  cJSON *v = cJSON_ParseWithLengthOpts(w->p, (size_t)(w->end - w->p), &stop, 0);
  if (v && depth(v) > room) {
    cJSON_Delete(v);
    v = NULL;
  }
  if (v)
    w->p = stop;
  return v;
}

/* Takes an alert's fields, once it has been parsed; after the first alert
 * without a usable id, only counts (the page will be refused). */
static void take(struct walk *w, const cJSON *a) {
  struct mde_alert_page *out = w->out;
  if (w->bad >= 0 || w->oom)
    return;
  const char *id = string_member(a, "id");
  if (!cJSON_IsObject(a) || !id || !*id || strlen(id) >= MDE_ALERT_ID_MAX) {
    w->bad = (long)out->n;
    return;
  }
  if (out->n == w->cap) {
    size_t cap = w->cap * 2;
    struct mde_alert_item *items = realloc(out->items, cap * sizeof *items);
    if (!items) {
      w->oom = true;
      return;
    }
    out->items = items;
    w->cap = cap;
  }
  struct mde_alert_item *it = &out->items[out->n++];
  snprintf(it->id, sizeof it->id, "%s", id);
  it->status = parse_status(string_member(a, "status"));
  it->severity = parse_severity(string_member(a, "severity"));
  it->last_update_us =
      mde_parse_timestamp_us(string_member(a, "lastUpdateTime"));
}

/* The `value` array, w->p on its '['. */
static bool walk_alerts(struct walk *w) {
  w->cap = 64;
  w->out->items = malloc(w->cap * sizeof *w->out->items);
  w->oom = !w->out->items;
  w->p = skip_ws(w->p + 1, w->end);
  if (w->p < w->end && *w->p == ']') {
    w->p++;
    return true;
  }
  for (;;) {
    cJSON *a = one(w, CJSON_NESTING_LIMIT - 2);
    if (!a)
      return false;
    take(w, a);
    cJSON_Delete(a);
    w->p = skip_ws(w->p, w->end);
    if (w->p < w->end && *w->p == ',') {
      w->p = skip_ws(w->p + 1, w->end);
      continue;
    }
    if (w->p < w->end && *w->p == ']') {
      w->p++;
      return true;
    }
    return false;
  }
}

/* One member's value, w->p on it, named `name`. */
static bool walk_member(struct walk *w, const char *name) {
  if (strcmp(name, "value") == 0 && !w->value) {
    w->value = true;
    w->value_array = w->p < w->end && *w->p == '[';
    if (w->value_array)
      return walk_alerts(w);
  }
  cJSON *v = one(w, CJSON_NESTING_LIMIT - 1);
  if (!v)
    return false;
  if (strcmp(name, "@odata.nextLink") == 0 && !w->next) {
    w->next = true;
    if (cJSON_IsString(v)) {
      w->out->next_link = strdup(v->valuestring);
      w->oom |= !w->out->next_link;
    }
  }
  cJSON_Delete(v);
  return true;
}

/* The top-level object; true if it is valid JSON (cJSON's). */
static bool walk_page(struct walk *w) {
  if ((size_t)(w->end - w->p) > 4 && memcmp(w->p, bom, 3) == 0)
    w->p += 3; /* cJSON_ParseWithLength's skip_utf8_bom */
  w->p = skip_ws(w->p, w->end);
  if (w->p == w->end || *w->p != '{')
    return false;
  w->p = skip_ws(w->p + 1, w->end);
  if (w->p < w->end && *w->p == '}')
    return true;
  for (;;) {
    if (w->p == w->end || *w->p != '"')
      return false;
    cJSON *key = one(w, 0);
    if (!key)
      return false;
    w->p = skip_ws(w->p, w->end);
    bool ok = w->p < w->end && *w->p == ':';
    if (ok) {
      w->p = skip_ws(w->p + 1, w->end);
      ok = walk_member(w, key->valuestring);
    }
    cJSON_Delete(key);
    if (!ok)
      return false;
    w->p = skip_ws(w->p, w->end);
    if (w->p < w->end && *w->p == ',') {
      w->p = skip_ws(w->p + 1, w->end);
      continue;
    }
    return w->p < w->end && *w->p == '}';
  }
}

enum mde_failure mde_alert_page_parse(const char *body, size_t len,
                                      struct mde_alert_page *out, char *err,
                                      size_t err_size) {
  *out = (struct mde_alert_page){0};
  struct walk w = {
      .p = body, .end = body ? body + len : body, .out = out, .bad = -1};
  bool valid = body && len && walk_page(&w);
  enum mde_failure f = MDE_FAIL_NONE;
  if (!valid || !w.value_array) {
    snprintf(err, err_size, "alerts page is not {\"value\": [...]} JSON");
    f = MDE_FAIL_PROTOCOL;
  } else if (w.oom) {
    snprintf(err, err_size, "out of memory parsing an alerts page");
    f = MDE_FAIL_INTERNAL;
  } else if (w.bad >= 0) {
    snprintf(err, err_size, "alert %ld has no usable \"id\"", w.bad);
    f = MDE_FAIL_PROTOCOL;
  }
  if (f != MDE_FAIL_NONE)
    mde_alert_page_free(out);
  return f;
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
