/* SPDX-License-Identifier: MIT */
/* $filter / $top / $skip for the simulated alerts API (see odata.h). */
#include "odata.h"

#include "alerts.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INVALID "The query specified in the URI is not valid. "

static const struct {
  const char *name;
  enum odata_field field;
} fields[] = {
    {"lastUpdateTime", OD_LAST_UPDATE_TIME},
    {"alertCreationTime", OD_ALERT_CREATION_TIME},
    {"status", OD_STATUS},
    {"severity", OD_SEVERITY},
};

static const char *const ops[] = {"eq", "ne", "gt", "ge", "lt", "le"};

struct lexer {
  const char *p;
  const char *start;
};

/* '+' is the form encoding of a space; a query string may still carry it. */
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '+'; }

/* Next token: [p, *end). Returns false at the end of input. */
static bool next_token(struct lexer *lx, const char **tok, size_t *len) {
  while (is_space(*lx->p))
    lx->p++;
  if (!*lx->p)
    return false;
  const char *s = lx->p;
  if (*s == '\'') { /* string literal, '' escapes a quote */
    const char *q = s + 1;
    for (;; q++) {
      if (!*q)
        break;
      if (*q == '\'') {
        if (q[1] != '\'')
          break;
        q++;
      }
    }
    lx->p = *q ? q + 1 : q;
  } else {
    while (*lx->p && !is_space(*lx->p))
      lx->p++;
  }
  *tok = s;
  *len = (size_t)(lx->p - s);
  return true;
}

static int syntax_error(const struct lexer *lx, const char *at, char *err,
                        size_t errlen) {
  snprintf(err, errlen, INVALID "Syntax error at position %d in '%s'.",
           (int)(at - lx->start), lx->start);
  return -1;
}

static int parse_value(enum odata_field field, const char *tok, size_t len,
                       int64_t *value, char *err, size_t errlen) {
  bool quoted = len >= 2 && tok[0] == '\'' && tok[len - 1] == '\'';
  if (tok[0] == '\'' && !quoted) {
    snprintf(err, errlen, INVALID "Unterminated string literal '%.*s'.",
             (int)(len > 64 ? 64 : len), tok);
    return -1;
  }
  if (field == OD_LAST_UPDATE_TIME || field == OD_ALERT_CREATION_TIME) {
    if (quoted) {
      snprintf(err, errlen,
               INVALID "A binary operator with incompatible types was "
                       "detected. Found operand types 'Edm.DateTimeOffset' "
                       "and 'Edm.String'.");
      return -1;
    }
    if (sim_parse_iso_ticks(tok, len, value) != 0) {
      snprintf(err, errlen,
               INVALID "Unrecognized 'Edm.DateTimeOffset' literal '%.*s'.",
               (int)len, tok);
      return -1;
    }
    return 0;
  }
  if (!quoted) {
    snprintf(err, errlen,
             INVALID "Could not find a property named '%.*s' on type "
                     "'microsoft.windowsDefenderATP.api.PublicAlert'.",
             (int)len, tok);
    return -1;
  }
  char lit[64];
  if (len - 2 >= sizeof lit) {
    snprintf(err, errlen, INVALID "The string literal is too long.");
    return -1;
  }
  size_t n = 0; /* OData escapes a quote inside a literal by doubling it */
  for (size_t i = 1; i + 1 < len; i++) {
    lit[n++] = tok[i];
    if (tok[i] == '\'' && tok[i + 1] == '\'')
      i++;
  }
  lit[n] = '\0';
  int v = field == OD_STATUS ? sim_status_parse(lit) : sim_severity_parse(lit);
  if (v < 0) {
    snprintf(err, errlen,
             INVALID "The string '%s' is not a valid enumeration type "
                     "constant.",
             lit);
    return -1;
  }
  *value = v;
  return 0;
}

int odata_parse_filter(const char *text, struct odata_filter *f, char *err,
                       size_t errlen) {
  struct lexer lx = {.p = text, .start = text};
  *f = (struct odata_filter){0};
  const char *tok;
  size_t len;
  for (;;) {
    if (!next_token(&lx, &tok, &len))
      return syntax_error(&lx, lx.p, err, errlen);
    int field = -1;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
      if (strlen(fields[i].name) == len && !memcmp(fields[i].name, tok, len))
        field = (int)fields[i].field;
    if (field < 0) {
      snprintf(err, errlen,
               INVALID "Could not find a property named '%.*s' on type "
                       "'microsoft.windowsDefenderATP.api.PublicAlert'.",
               (int)(len > 64 ? 64 : len), tok);
      return -1;
    }
    if (!next_token(&lx, &tok, &len))
      return syntax_error(&lx, lx.p, err, errlen);
    int op = -1;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
      if (len == 2 && !memcmp(ops[i], tok, 2))
        op = (int)i;
    if (op < 0)
      return syntax_error(&lx, tok, err, errlen);
    if (!next_token(&lx, &tok, &len))
      return syntax_error(&lx, lx.p, err, errlen);
    if (f->n == ODATA_MAX_TERMS) {
      snprintf(err, errlen,
               INVALID "The node count limit of '%d' has been exceeded.",
               ODATA_MAX_TERMS);
      return -1;
    }
    struct odata_term *t = &f->terms[f->n++];
    t->field = (enum odata_field)field;
    t->op = (enum odata_op)op;
    if (parse_value(t->field, tok, len, &t->value, err, errlen) != 0)
      return -1;
    if (!next_token(&lx, &tok, &len))
      return 0;
    if (len != 3 || memcmp(tok, "and", 3) != 0)
      return syntax_error(&lx, tok, err, errlen);
  }
}

bool odata_match(const struct odata_filter *f,
                 const int64_t values[OD_FIELD_COUNT]) {
  for (int i = 0; i < f->n; i++) {
    int64_t a = values[f->terms[i].field], b = f->terms[i].value;
    bool ok = false;
    switch (f->terms[i].op) {
    case OD_EQ:
      ok = a == b;
      break;
    case OD_NE:
      ok = a != b;
      break;
    case OD_GT:
      ok = a > b;
      break;
    case OD_GE:
      ok = a >= b;
      break;
    case OD_LT:
      ok = a < b;
      break;
    case OD_LE:
      ok = a <= b;
      break;
    }
    if (!ok)
      return false;
  }
  return true;
}

int odata_parse_count(const char *option, const char *text, long max, long *out,
                      char *err, size_t errlen) {
  char *end = NULL;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (!isdigit((unsigned char)*text) || *end || errno == ERANGE) {
    snprintf(err, errlen, "Invalid value '%.64s' for %s query option found.",
             text, option);
    return -1;
  }
  if (max >= 0 && v > max) {
    snprintf(err, errlen,
             INVALID "The limit of '%ld' for Top query has been exceeded. "
                     "The value from the incoming request is '%ld'.",
             max, v);
    return -1;
  }
  *out = v;
  return 0;
}
