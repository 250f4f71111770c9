/* SPDX-License-Identifier: MIT */
/* Defender alerts as the engine needs them: a page of `GET /api/alerts`
 * parsed down to what counting needs (id, severity, status, times) plus
 * the @odata.nextLink, and a per-tenant index keyed by (a 64-bit hash of)
 * the alert id that yields exact counts by status x severity and notices
 * new alerts, at about 18 bytes an alert. */
#ifndef MDE_ALERTS_H
#define MDE_ALERTS_H

#include "mde/failure.h"

#include <stddef.h>
#include <stdint.h>

/* Counted as the collectd metrics name them. */
enum mde_alert_status {
  MDE_STATUS_NEW,
  MDE_STATUS_INPROGRESS,
  MDE_STATUS_RESOLVED,
  MDE_STATUS_UNKNOWN,
  MDE_STATUS_COUNT
};
enum mde_alert_severity {
  MDE_SEVERITY_INFORMATIONAL,
  MDE_SEVERITY_LOW,
  MDE_SEVERITY_MEDIUM,
  MDE_SEVERITY_HIGH,
  MDE_SEVERITY_UNSPECIFIED,
  MDE_SEVERITY_COUNT
};
/* "new", "inprogress", "resolved", "unknown"; "informational", "low",
 * "medium", "high", "unspecified". */
const char *mde_alert_status_name(enum mde_alert_status s);
const char *mde_alert_severity_name(enum mde_alert_severity s);

#define MDE_ALERT_ID_MAX 128

struct mde_alert_item {
  char id[MDE_ALERT_ID_MAX];
  uint8_t status, severity;
  int64_t last_update_us; /* lastUpdateTime, microseconds since the epoch */
};

struct mde_alert_page {
  struct mde_alert_item *items;
  size_t n;
  char *next_link; /* NULL on the last page */
};

/* Parses one page, one alert at a time (memory: the items, not a tree of
 * the page), accepting and refusing exactly what cJSON_ParseWithLength of
 * the whole body did. Unknown enum values count as unknown/unspecified; an
 * item without a string id, or a body that is not {"value": [...]}, is a
 * protocol failure (reason in err); of duplicate names the first counts.
 * Free with mde_alert_page_free. */
enum mde_failure mde_alert_page_parse(const char *body, size_t len,
                                      struct mde_alert_page *out, char *err,
                                      size_t err_size);
void mde_alert_page_free(struct mde_alert_page *p);
/* "2021-01-26T20:33:57.7220239Z" -> microseconds; -1 if malformed. */
int64_t mde_parse_timestamp_us(const char *s);

struct mde_alert_index; /* opaque */

struct mde_alert_index *mde_alert_index_new(void);
void mde_alert_index_free(struct mde_alert_index *ix);
/* Inserts or updates. Returns 1 if the id was new, 0 if known, -1 out of
 * memory. */
int mde_alert_index_put(struct mde_alert_index *ix,
                        const struct mde_alert_item *item);
size_t mde_alert_index_size(const struct mde_alert_index *ix);
/* 1 if the id is indexed. */
int mde_alert_index_has(const struct mde_alert_index *ix, const char *id);
/* How many ids of `a` are not in `b` (b NULL: all of a's). */
size_t mde_alert_index_missing_from(const struct mde_alert_index *a,
                                    const struct mde_alert_index *b);
/* counts[status][severity] over every indexed alert. */
void mde_alert_index_count(
    const struct mde_alert_index *ix,
    uint32_t counts[MDE_STATUS_COUNT][MDE_SEVERITY_COUNT]);
/* The newest lastUpdateTime seen, -1 when empty. */
int64_t mde_alert_index_newest(const struct mde_alert_index *ix);

#endif
