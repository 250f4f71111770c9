/* SPDX-License-Identifier: MIT */
/* application/x-www-form-urlencoded bodies, as the token endpoint takes
 * them. Strict where Entra is strict (a duplicated parameter is an error),
 * and bounded so a hostile body cannot make us allocate without limit. */
#ifndef SIM_FORM_H
#define SIM_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS 32

struct form_field {
  char *name;
  char *value;
};

struct form {
  struct form_field fields[FORM_MAX_FIELDS];
  size_t n;
};

enum form_result {
  FORM_OK = 0,
  FORM_TOO_MANY,   /* more than FORM_MAX_FIELDS */
  FORM_BAD_ESCAPE, /* '%' not followed by two hex digits */
  FORM_DUPLICATE,  /* a name seen twice; `dup` names it */
};

/* Parses `len` bytes. On FORM_DUPLICATE, *dup points into the form. */
enum form_result form_parse(struct form *f, const char *body, size_t len,
                            const char **dup);
void form_free(struct form *f);
/* The decoded value of `name`, or NULL when absent. */
const char *form_get(const struct form *f, const char *name);
/* Percent-decodes `len` bytes ('+' becomes a space) into a new string.
 * Returns NULL on a bad escape or an embedded NUL. */
char *form_decode(const char *s, size_t len);

#endif
