/* SPDX-License-Identifier: MIT */
/* Nagios threshold ranges (see range.h). */
#include "range.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int number(const char *s, size_t n, double *out) {
  char buf[48];
  if (n == 0 || n >= sizeof buf)
    return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end = NULL;
  errno = 0;
  *out = strtod(buf, &end);
  return *end || errno || !isfinite(*out) ? -1 : 0;
}

int range_parse(const char *s, struct range *r) {
  *r = (struct range){0};
  if (!s || !*s || strlen(s) >= sizeof r->text)
    return -1;
  snprintf(r->text, sizeof r->text, "%s", s);
  if (*s == '@') {
    r->inside = true;
    s++;
  }
  const char *colon = strchr(s, ':');
  if (!colon) { /* "10" is 0:10 */
    if (number(s, strlen(s), &r->end) != 0)
      return -1;
    r->start = 0;
  } else {
    if (colon == s + 1 && *s == '~')
      r->no_start = true;
    else if (colon == s)
      r->start = 0;
    else if (number(s, (size_t)(colon - s), &r->start) != 0)
      return -1;
    if (!colon[1])
      r->no_end = true;
    else if (number(colon + 1, strlen(colon + 1), &r->end) != 0)
      return -1;
  }
  if (!r->no_start && !r->no_end && r->start > r->end)
    return -1;
  r->set = true;
  return 0;
}

bool range_alerts(const struct range *r, double v) {
  if (!r->set)
    return false;
  bool within = (r->no_start || v >= r->start) && (r->no_end || v <= r->end);
  return r->inside ? within : !within;
}

int range_parse_days(const char *s, double *out) {
  /* strtod takes "nan" and "inf"; number() refuses what is not finite */
  if (!s || number(s, strlen(s), out) != 0 || *out < 0 || *out > 36525)
    return -1;
  return 0;
}
