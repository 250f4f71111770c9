/* SPDX-License-Identifier: MIT */
/* Role implication (see include/mde/roles.h). */
#include "mde/roles.h"

#include <string.h>
#include <strings.h>

/* `Alert.ReadWrite.All` grants `Alert.Read.All`: same resource prefix and
 * scope suffix, "ReadWrite" in place of "Read". */
/* Roles that grant another outright, beyond the ReadWrite rule: Graph
 * lets Directory.Read.All read applications (spec D.4). */
static const struct {
  const char *held, *grants;
} implied[] = {
    {"Directory.Read.All", "Application.Read.All"},
    {"Directory.ReadWrite.All", "Application.Read.All"},
};

bool mde_role_grants(const char *held, const char *required) {
  if (!held || !required)
    return false;
  if (strcasecmp(held, required) == 0)
    return true;
  for (size_t i = 0; i < sizeof implied / sizeof implied[0]; i++)
    if (strcasecmp(held, implied[i].held) == 0 &&
        strcasecmp(required, implied[i].grants) == 0)
      return true;
  const char *r = strchr(required, '.'), *h = strchr(held, '.');
  if (!r || !h || r - required != h - held ||
      strncasecmp(held, required, (size_t)(r - required)) != 0)
    return false;
  static const char rd[] = ".Read.", rw[] = ".ReadWrite.";
  return strncasecmp(r, rd, sizeof rd - 1) == 0 &&
         strncasecmp(h, rw, sizeof rw - 1) == 0 &&
         strcasecmp(r + sizeof rd - 1, h + sizeof rw - 1) == 0;
}

bool mde_roles_grant(const struct mde_strlist *held, const char *required) {
  for (size_t i = 0; held && i < held->n; i++)
    if (mde_role_grants(held->v[i], required))
      return true;
  return false;
}
