/* SPDX-License-Identifier: MIT */
/* Form body parser for the token endpoint (see form.h). */
#include "form.h"

#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (char)tolower((unsigned char)c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *form_decode(const char *s, size_t len) {
  char *out = sim_xcalloc(len + 1, 1);
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '+') {
      out[o++] = ' ';
      continue;
    }
    if (s[i] != '%') {
      out[o++] = s[i];
      continue;
    }
    int hi = i + 1 < len ? hexval(s[i + 1]) : -1;
    int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) { /* bad escape or NUL */
      free(out);
      return NULL;
    }
    out[o++] = (char)(hi << 4 | lo);
    i += 2;
  }
  return out;
}

enum form_result form_parse(struct form *f, const char *body, size_t len,
                            const char **dup) {
  *f = (struct form){0};
  const char *p = body, *end = body + len;
  while (p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *stop = amp ? amp : end;
    if (stop > p) { /* empty segments ("a=1&&b=2") are skipped */
      if (f->n == FORM_MAX_FIELDS)
        goto too_many;
      const char *eq = memchr(p, '=', (size_t)(stop - p));
      const char *name_end = eq ? eq : stop;
      char *name = form_decode(p, (size_t)(name_end - p));
      char *value =
          eq ? form_decode(eq + 1, (size_t)(stop - eq - 1)) : sim_strdup("");
      if (!name || !value) {
        free(name);
        free(value);
        form_free(f);
        return FORM_BAD_ESCAPE;
      }
      f->fields[f->n++] = (struct form_field){name, value};
      for (size_t i = 0; i + 1 < f->n; i++) {
        if (strcmp(f->fields[i].name, name) == 0) {
          *dup = name;
          return FORM_DUPLICATE;
        }
      }
    }
    p = amp ? amp + 1 : end;
  }
  return FORM_OK;
too_many:
  form_free(f);
  return FORM_TOO_MANY;
}

void form_free(struct form *f) {
  for (size_t i = 0; i < f->n; i++) {
    /* client_secret and client_assertion pass through here */
    size_t n = strlen(f->fields[i].value);
    memset(f->fields[i].value, 0, n);
    free(f->fields[i].name);
    free(f->fields[i].value);
  }
  f->n = 0;
}

const char *form_get(const struct form *f, const char *name) {
  for (size_t i = 0; i < f->n; i++)
    if (strcmp(f->fields[i].name, name) == 0)
      return f->fields[i].value;
  return NULL;
}
