/* SPDX-License-Identifier: MIT */
/* The slice of OData that the Defender alerts API documents and clients
 * use: `$filter` comparisons (eq ne gt ge lt le) on lastUpdateTime,
 * alertCreationTime, status and severity, joined by `and`; `$top`, `$skip`.
 * Anything else is an ODataError, as ASP.NET OData would answer it. */
#ifndef SIM_ODATA_H
#define SIM_ODATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum odata_field {
  OD_LAST_UPDATE_TIME,
  OD_ALERT_CREATION_TIME,
  OD_STATUS,
  OD_SEVERITY,
  OD_FIELD_COUNT
};

enum odata_op { OD_EQ, OD_NE, OD_GT, OD_GE, OD_LT, OD_LE };

#define ODATA_MAX_TERMS 16
#define ODATA_MAX_TOP 10000

struct odata_term {
  enum odata_field field;
  enum odata_op op;
  int64_t value; /* 100 ns ticks for times; enum index for status/severity */
};

struct odata_filter {
  struct odata_term terms[ODATA_MAX_TERMS];
  int n;
};

/* Parses a $filter value. Returns 0, or -1 with an OData-style message. */
int odata_parse_filter(const char *text, struct odata_filter *f, char *err,
                       size_t errlen);
/* True if a record with these field values passes every term. */
bool odata_match(const struct odata_filter *f,
                 const int64_t values[OD_FIELD_COUNT]);
/* Parses $top (0..ODATA_MAX_TOP) or $skip (max < 0: no upper bound).
 * Returns 0, or -1 with a message. */
int odata_parse_count(const char *option, const char *text, long max, long *out,
                      char *err, size_t errlen);

#endif
