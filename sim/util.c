/* SPDX-License-Identifier: MIT */
/* Clocks, GUIDs, RNG and identifier validators for the simulator. */
#include "util.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int64_t sim_now(void) { return (int64_t)time(NULL); }

int64_t sim_now_ticks(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * TICKS_PER_SECOND + ts.tv_nsec / 100;
}

static void utc_tm(int64_t seconds, struct tm *tm) {
  time_t t = (time_t)seconds;
  gmtime_r(&t, tm);
}

/* Writes `width` digits of v, most significant first. */
static char *put_digits(char *p, unsigned v, int width) {
  for (int i = width - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian), without
 * gmtime_r: alert pages format thousands of timestamps. */
static void civil_from_days(int64_t z, unsigned *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (unsigned)(yoe + era * 400) + (*m <= 2);
}

void sim_format_ticks(int64_t ticks, char out[32]) {
  int64_t sec = ticks / TICKS_PER_SECOND;
  int64_t frac = ticks % TICKS_PER_SECOND;
  if (frac < 0) {
    frac += TICKS_PER_SECOND;
    sec--;
  }
  int64_t days = sec / 86400, rem = sec % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  unsigned y, m, d;
  civil_from_days(days, &y, &m, &d);
  char *p = put_digits(out, y % 10000, 4);
  *p++ = '-';
  p = put_digits(p, m, 2);
  *p++ = '-';
  p = put_digits(p, d, 2);
  *p++ = 'T';
  p = put_digits(p, (unsigned)(rem / 3600), 2);
  *p++ = ':';
  p = put_digits(p, (unsigned)(rem / 60 % 60), 2);
  *p++ = ':';
  p = put_digits(p, (unsigned)(rem % 60), 2);
  *p++ = '.';
  p = put_digits(p, (unsigned)frac, 7);
  *p++ = 'Z';
  *p = '\0';
}

void sim_format_aad_time(int64_t unix_seconds, char out[32]) {
  struct tm tm;
  utc_tm(unix_seconds, &tm);
  snprintf(out, 32, "%04u-%02u-%02u %02u:%02u:%02uZ",
           (unsigned)(tm.tm_year + 1900) % 10000,
           (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100,
           (unsigned)tm.tm_hour % 100, (unsigned)tm.tm_min % 100,
           (unsigned)tm.tm_sec % 100);
}

/* Reads exactly `n` digits at *p; returns -1 if any is not a digit. */
static int digits(const char **p, const char *end, int n) {
  int v = 0;
  for (int i = 0; i < n; i++, (*p)++) {
    if (*p >= end || !isdigit((unsigned char)**p))
      return -1;
    v = v * 10 + (**p - '0');
  }
  return v;
}

static bool expect(const char **p, const char *end, char c) {
  if (*p >= end || **p != c)
    return false;
  (*p)++;
  return true;
}

int sim_parse_iso_ticks(const char *s, size_t len, int64_t *ticks) {
  const char *p = s, *end = s + len;
  struct tm tm = {0};
  int y = digits(&p, end, 4);
  if (y < 1970 || !expect(&p, end, '-'))
    return -1;
  int mo = digits(&p, end, 2);
  if (mo < 1 || mo > 12 || !expect(&p, end, '-'))
    return -1;
  int d = digits(&p, end, 2);
  if (d < 1 || d > 31)
    return -1;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  int64_t frac = 0;
  if (p < end && *p == 'T') {
    p++;
    tm.tm_hour = digits(&p, end, 2);
    if (tm.tm_hour < 0 || tm.tm_hour > 23 || !expect(&p, end, ':'))
      return -1;
    tm.tm_min = digits(&p, end, 2);
    if (tm.tm_min < 0 || tm.tm_min > 59)
      return -1;
    if (p < end && *p == ':') {
      p++;
      tm.tm_sec = digits(&p, end, 2);
      if (tm.tm_sec < 0 || tm.tm_sec > 60)
        return -1;
      if (p < end && *p == '.') {
        p++;
        int n = 0;
        int64_t scale = TICKS_PER_SECOND;
        while (p < end && isdigit((unsigned char)*p)) {
          if (n++ < 7) {
            scale /= 10;
            frac += (*p - '0') * scale;
          }
          p++;
        }
        if (n == 0)
          return -1;
      }
    }
  }
  if (!expect(&p, end, 'Z') || p != end)
    return -1;
  time_t t = timegm(&tm);
  if (t == (time_t)-1 || tm.tm_mday != d) /* rejects 2021-02-30 */
    return -1;
  *ticks = (int64_t)t * TICKS_PER_SECOND + frac;
  return 0;
}

uint64_t sim_rng_next(uint64_t *state) {
  uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

double sim_rng_unit(uint64_t *state) {
  return (double)(sim_rng_next(state) >> 11) / (double)(UINT64_C(1) << 53);
}

int sim_rng_pick(uint64_t *state, const double *weights, int n, int fallback) {
  double total = 0;
  for (int i = 0; i < n; i++)
    total += weights[i] > 0 ? weights[i] : 0;
  if (total <= 0)
    return fallback;
  double r = sim_rng_unit(state) * total;
  for (int i = 0; i < n; i++) {
    double w = weights[i] > 0 ? weights[i] : 0;
    if (r < w)
      return i;
    r -= w;
  }
  return fallback;
}

int sim_enum_parse(const char *s, const char *const *names, int n) {
  for (int i = 0; s && i < n; i++)
    if (strcasecmp(s, names[i]) == 0)
      return i;
  return -1;
}

static void format_guid(const unsigned char b[16], char out[37]) {
  snprintf(out, 37,
           "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
           "%02x%02x%02x%02x%02x%02x",
           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
           b[11], b[12], b[13], b[14], b[15]);
}

void sim_random_guid(char out[37]) {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1)
    abort(); /* no entropy: nothing sensible to simulate */
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
  format_guid(b, out);
}

void sim_seeded_guid(uint64_t *state, char out[37]) {
  unsigned char b[16];
  uint64_t hi = sim_rng_next(state), lo = sim_rng_next(state);
  memcpy(b, &hi, 8);
  memcpy(b + 8, &lo, 8);
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
  format_guid(b, out);
}

bool sim_is_guid(const char *s) {
  for (int i = 0; i < 36; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
      return false;
  }
  return s[36] == '\0';
}

bool sim_is_dns_name(const char *s) {
  size_t label = 0, total = 0;
  for (const char *p = s;; p++, total++) {
    if (*p == '.' || *p == '\0') {
      if (label == 0 || label > 63 || p[-1] == '-')
        return false;
      if (*p == '\0')
        return total <= 253;
      label = 0;
      continue;
    }
    if (!isalnum((unsigned char)*p) && *p != '-')
      return false;
    if (label == 0 && *p == '-')
      return false;
    label++;
  }
}

bool sim_is_host_header(const char *s) {
  char name[256];
  const char *colon = NULL;
  if (s[0] == '[') { /* [IPv6]: hex digits, colons and dots only */
    const char *end = strchr(s, ']');
    if (!end || end == s + 1 || end - s > 46)
      return false;
    for (const char *p = s + 1; p < end; p++)
      if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
        return false;
    if (end[1] != '\0' && end[1] != ':')
      return false;
    colon = end[1] ? end + 1 : NULL;
  } else {
    colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    if (n == 0 || n >= sizeof name)
      return false;
    memcpy(name, s, n);
    name[n] = '\0';
    if (!sim_is_dns_name(name))
      return false;
  }
  if (!colon)
    return true;
  size_t digits = strspn(colon + 1, "0123456789");
  return digits >= 1 && digits <= 5 && colon[1 + digits] == '\0' &&
         atol(colon + 1) <= 65535;
}

unsigned char *sim_base64_decode(const char *s, size_t *out_len) {
  size_t len = strlen(s);
  if (len == 0 || len % 4 != 0 || len > 8192)
    return NULL;
  size_t pad = s[len - 1] == '=' ? (s[len - 2] == '=' ? 2 : 1) : 0;
  for (size_t i = 0; i < len - pad; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/')
      return NULL; /* also "====" and "A===": padding where data must be */
  unsigned char *raw = sim_xcalloc(len / 4 * 3 + 1, 1);
  int n = EVP_DecodeBlock(raw, (const unsigned char *)s, (int)len);
  if (n < (int)pad) { /* cannot happen after the checks; never index < 0 */
    free(raw);
    return NULL;
  }
  *out_len = (size_t)n - pad; /* DecodeBlock counts padding as zero bytes */
  raw[*out_len] = '\0';
  return raw;
}

bool sim_is_common_tenant(const char *s) {
  return strcasecmp(s, "common") == 0 || strcasecmp(s, "organizations") == 0 ||
         strcasecmp(s, "consumers") == 0;
}

bool sim_is_tenant_name(const char *s) {
  if (sim_is_guid(s) || sim_is_common_tenant(s))
    return true;
  size_t dashes = 0, hex = 0, len = strlen(s);
  for (const char *p = s; *p; p++) {
    dashes += *p == '-';
    hex += isxdigit((unsigned char)*p) != 0;
  }
  if (dashes == 4 && dashes + hex == len)
    return false; /* GUID-shaped, but not a GUID */
  return strchr(s, '.') && sim_is_dns_name(s);
}

bool sim_lower_copy(char *out, size_t n, const char *s) {
  size_t i = 0;
  for (; s[i] && i + 1 < n; i++)
    out[i] = (char)tolower((unsigned char)s[i]);
  out[i] = '\0';
  return s[i] == '\0';
}

static void *check(void *p) {
  if (!p) {
    fputs("mde-sim: out of memory\n", stderr);
    abort();
  }
  return p;
}

char *sim_strdup(const char *s) { return check(strdup(s ? s : "")); }

void *sim_xcalloc(size_t n, size_t size) {
  return check(calloc(n ? n : 1, size ? size : 1));
}

void *sim_xrealloc(void *p, size_t size) {
  return check(realloc(p, size ? size : 1));
}

bool sim_secret_equal(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb)
    return false;
  return CRYPTO_memcmp(a, b, la) == 0;
}
