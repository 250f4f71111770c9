/* SPDX-License-Identifier: MIT */
/* App roles as Microsoft's APIs grant them: a role is held when the token
 * carries it or its read-write sibling (`X.ReadWrite.Y` is accepted
 * wherever `X.Read.Y` is required). The one place that rule lives: token
 * checks, role probes and messages all ask here. */
#ifndef MDE_ROLES_H
#define MDE_ROLES_H

#include "mde/strlist.h"

#include <stdbool.h>

/* True when holding `held` satisfies a requirement for `required`
 * (case-insensitive). */
bool mde_role_grants(const char *held, const char *required);
/* True when any role of `held` grants `required`. */
bool mde_roles_grant(const struct mde_strlist *held, const char *required);

#endif
