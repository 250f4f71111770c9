/* SPDX-License-Identifier: MIT */
/* A small owned list of strings: required roles from the configuration,
 * roles granted in a token, roles named by a Defender API 403, and the
 * difference that is reported as "missing". */
#ifndef MDE_STRLIST_H
#define MDE_STRLIST_H

#include <stddef.h>

/* Bounds what a peer can make us hold: a list refuses to grow past it. */
#define MDE_STRLIST_MAX 1024

struct mde_strlist {
  char **v; /* v[0..n-1], each malloc'd and NUL-terminated */
  size_t n;
  size_t cap;
};

/* A zeroed struct is an empty list; mde_strlist_free returns it to that. */
void mde_strlist_free(struct mde_strlist *l);
/* Copies `len` bytes of `s`. Returns 0, or -1 (out of memory, full). */
int mde_strlist_add(struct mde_strlist *l, const char *s, size_t len);
int mde_strlist_add_str(struct mde_strlist *l, const char *s);
/* Appends each `sep`-separated item of `s`, ASCII blanks around items
 * trimmed, empty items skipped. Returns 0 or -1 (list then has the items
 * added before the failure). */
int mde_strlist_split(struct mde_strlist *l, const char *s, char sep);
/* 1 if `s` is in the list. `icase` compares ASCII case-insensitively. */
int mde_strlist_contains(const struct mde_strlist *l, const char *s, int icase);
/* The items joined by `sep`, malloc'd ("" for an empty list), or NULL. */
char *mde_strlist_join(const struct mde_strlist *l, const char *sep);

#endif
