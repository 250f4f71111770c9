/* SPDX-License-Identifier: MIT */
/* Microsoft Graph's answer about the partner app itself (spec D.4,
 * GET /v1.0/applications(appId='…') or ?$filter=appId eq '…'): its
 * passwordCredentials (keyId, hint = the secret's first three characters,
 * endDateTime) and keyCredentials (keyId, customKeyIdentifier = the
 * certificate's SHA-1 thumbprint, endDateTime), and which of them is the
 * credential a tenant is configured with. Nothing of a secret beyond the
 * three characters Graph itself shows is passed in or kept. */
#ifndef MDE_GRAPH_APP_H
#define MDE_GRAPH_APP_H

#include "mde/failure.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* An application object is a few KiB; Graph allows a few hundred
 * credentials at most. */
#define MDE_GRAPH_BODY_MAX (1024 * 1024)
#define MDE_GRAPH_MAX_CREDENTIALS 512
#define MDE_GRAPH_HINT_LEN 3

enum mde_graph_kind { MDE_GRAPH_SECRET, MDE_GRAPH_CERTIFICATE };

struct mde_graph_credential {
  enum mde_graph_kind kind;
  char key_id[37];     /* lowercase GUID */
  char hint[4];        /* secrets: up to 3 characters */
  char thumbprint[41]; /* certificates: SHA-1, upper-case hex */
  int64_t end;         /* endDateTime, Unix seconds; 0: none given */
};

struct mde_graph_app {
  struct mde_graph_credential *v;
  size_t n;
};

/* Parses the application (an entity, or a list holding it). `app_id` is
 * the client id asked for: an answer about another app, or an empty list,
 * is refused. Returns MDE_FAIL_NONE with *out filled (free with
 * mde_graph_app_free), or MDE_FAIL_PROTOCOL / MDE_FAIL_INTERNAL with the
 * reason in err and *out empty. Credentials without a GUID keyId, with a
 * malformed endDateTime, or (certificates) without a thumbprint are
 * refused: they cannot be told apart or dated. */
enum mde_failure mde_graph_app_parse(const char *body, size_t len,
                                     const char *app_id,
                                     struct mde_graph_app *out, char *err,
                                     size_t err_size);
void mde_graph_app_free(struct mde_graph_app *a);

/* Which registered credential a tenant's is. */
struct mde_graph_match {
  int found;   /* 1: `end` is the credential's expiry (0 = never) */
  int64_t end; /* Unix seconds */
  char key_id[37];
  size_t matches;          /* credentials that fit the hint or thumbprint */
  char note[MDE_ERR_SIZE]; /* why nothing or a guess was picked; "" */
};

/* A secret, by its first three characters (`hint`, as Graph shows them)
 * and, when set, the keyId that disambiguates (ClientSecretKeyId). Several
 * secrets with the hint and no keyId: the earliest-expiring still valid
 * one counts (or the latest expired, when none is valid) and `note` says
 * so. */
void mde_graph_match_secret(const struct mde_graph_app *a, const char *hint,
                            const char *key_id, int64_t now,
                            struct mde_graph_match *m);
/* A certificate, by SHA-1 thumbprint (hex, any case). Not registered:
 * found 0 and a note. */
void mde_graph_match_certificate(const struct mde_graph_app *a,
                                 const char *thumbprint, int64_t now,
                                 struct mde_graph_match *m);

/* The app as a whole: the earliest expiry among still-valid credentials
 * (0 when none is valid or none has an end), how many valid ones expire
 * within `warn` seconds, and how many expired ones are still registered. */
struct mde_graph_summary {
  int64_t earliest;
  unsigned expiring, expired, valid;
};
void mde_graph_summarize(const struct mde_graph_app *a, int64_t now,
                         int64_t warn, struct mde_graph_summary *s);

#endif
