/* SPDX-License-Identifier: MIT */
/* Owned string lists (see include/mde/strlist.h). */
#include "mde/strlist.h"

#include "mde/buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void mde_strlist_free(struct mde_strlist *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  *l = (struct mde_strlist){0};
}

int mde_strlist_add(struct mde_strlist *l, const char *s, size_t len) {
  if (l->n == l->cap) {
    if (l->cap >= MDE_STRLIST_MAX)
      return -1;
    size_t cap = l->cap ? l->cap * 2 : 8;
    if (cap > MDE_STRLIST_MAX)
      cap = MDE_STRLIST_MAX;
    char **v = realloc(l->v, cap * sizeof(*v));
    if (!v)
      return -1;
    l->v = v;
    l->cap = cap;
  }
  char *copy = malloc(len + 1);
  if (!copy)
    return -1;
  memcpy(copy, s, len);
  copy[len] = '\0';
  l->v[l->n++] = copy;
  return 0;
}

int mde_strlist_add_str(struct mde_strlist *l, const char *s) {
  return mde_strlist_add(l, s, strlen(s));
}

static int blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int mde_strlist_split(struct mde_strlist *l, const char *s, char sep) {
  while (*s) {
    const char *end = strchr(s, sep);
    if (!end)
      end = s + strlen(s);
    const char *a = s, *b = end;
    while (a < b && blank(*a))
      a++;
    while (b > a && blank(b[-1]))
      b--;
    if (b > a && mde_strlist_add(l, a, (size_t)(b - a)) != 0)
      return -1;
    s = *end ? end + 1 : end;
  }
  return 0;
}

int mde_strlist_contains(const struct mde_strlist *l, const char *s,
                         int icase) {
  for (size_t i = 0; i < l->n; i++)
    if ((icase ? strcasecmp(l->v[i], s) : strcmp(l->v[i], s)) == 0)
      return 1;
  return 0;
}

char *mde_strlist_join(const struct mde_strlist *l, const char *sep) {
  struct mde_buf b;
  mde_buf_init(&b, 0);
  for (size_t i = 0; i < l->n; i++) {
    if ((i > 0 && mde_buf_puts(&b, sep) != 0) ||
        mde_buf_puts(&b, l->v[i]) != 0) {
      mde_buf_free(&b);
      return NULL;
    }
  }
  return mde_buf_steal(&b, NULL);
}
