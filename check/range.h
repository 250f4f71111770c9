/* SPDX-License-Identifier: MIT */
/* Nagios threshold ranges, as the monitoring-plugins guidelines define
 * them: "[@]start:end", inclusive ends, "~" for minus infinity, "10" means
 * "0:10", "10:" means 10 to infinity; the value alerts when it is outside
 * the range, or inside it with "@". The text is kept to echo in perfdata
 * as the user wrote it. */
#ifndef CHECK_RANGE_H
#define CHECK_RANGE_H

#include <stdbool.h>

struct range {
  bool set;
  bool inside; /* '@': alert inside */
  bool no_start, no_end;
  double start, end;
  char text[64];
};

/* Returns 0, or -1 if `s` is not a range. */
int range_parse(const char *s, struct range *r);
/* True if `v` should alert. */
bool range_alerts(const struct range *r, double v);
/* --cred-warn/--cred-crit: whole or fractional days, 0 to 36525 (a
 * century). Returns 0, or -1 for anything else: "", "nan", "inf", "-1",
 * "5x". */
int range_parse_days(const char *s, double *out);

#endif
