/* SPDX-License-Identifier: MIT */
/* Retry-After parsing (see include/mde/retry_after.h). */
#include "mde/retry_after.h"

#include <ctype.h>
#include <curl/curl.h>
#include <string.h>

static long clamp(long long secs) {
  if (secs < 0)
    return 0;
  return secs > MDE_RETRY_AFTER_MAX ? MDE_RETRY_AFTER_MAX : (long)secs;
}

long mde_retry_after_parse(const char *value, time_t now) {
  if (!value)
    return -1;
  while (*value == ' ' || *value == '\t')
    value++;
  size_t n = strlen(value);
  while (n > 0 && strchr(" \t\r\n", value[n - 1]))
    n--;
  if (n == 0 || n > 64)
    return -1;
  char v[65];
  memcpy(v, value, n);
  v[n] = '\0';
  if (isdigit((unsigned char)v[0])) {
    /* delay-seconds: digits only; a long run of them is just "a lot". */
    long long secs = 0;
    for (const char *p = v; *p; p++) {
      if (!isdigit((unsigned char)*p))
        return -1;
      if (secs <= MDE_RETRY_AFTER_MAX)
        secs = secs * 10 + (*p - '0');
    }
    return clamp(secs);
  }
  time_t when = curl_getdate(v, NULL);
  if (when == (time_t)-1)
    return -1;
  return when > now ? clamp((long long)when - (long long)now) : 0;
}
