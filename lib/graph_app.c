/* SPDX-License-Identifier: MIT */
/* Microsoft Graph's application object, and which of its credentials a
 * tenant uses (see include/mde/graph_app.h). */
#include "mde/graph_app.h"

#include "mde/alerts.h" /* mde_parse_timestamp_us */
#include "mde/cloud.h"  /* mde_is_guid */

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *str(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void lower(char *out, size_t n, const char *s) {
  size_t i = 0;
  for (; s[i] && i + 1 < n; i++)
    out[i] = (char)tolower((unsigned char)s[i]);
  out[i] = '\0';
}

static bool hex40(const char *s) {
  if (!s || strlen(s) != 40)
    return false;
  for (const char *p = s; *p; p++)
    if (!isxdigit((unsigned char)*p))
      return false;
  return true;
}

/* One credential; 0, or -1 with the reason. */
static int credential(const cJSON *c, enum mde_graph_kind kind, size_t i,
                      struct mde_graph_credential *out, char *err,
                      size_t err_size) {
  const char *what =
      kind == MDE_GRAPH_SECRET ? "passwordCredentials" : "keyCredentials";
  *out = (struct mde_graph_credential){.kind = kind};
  const char *key_id = str(c, "keyId");
  if (!cJSON_IsObject(c) || !key_id || !mde_is_guid(key_id)) {
    mde_say(err, err_size, "%s[%zu]: no GUID keyId", what, i);
    return -1;
  }
  lower(out->key_id, sizeof out->key_id, key_id);
  const cJSON *end = cJSON_GetObjectItemCaseSensitive(c, "endDateTime");
  if (end && !cJSON_IsNull(end)) {
    int64_t us =
        mde_parse_timestamp_us(cJSON_IsString(end) ? end->valuestring : NULL);
    if (us < 0) {
      mde_say(err, err_size, "%s[%zu]: endDateTime is not an ISO 8601 time",
              what, i);
      return -1;
    }
    out->end = us / 1000000;
  }
  if (kind == MDE_GRAPH_SECRET) {
    const char *hint = str(c, "hint");
    if (hint) /* Graph's hint is three characters; never keep more */
      snprintf(out->hint, sizeof out->hint, "%.3s", hint);
    return 0;
  }
  const char *thumb = str(c, "customKeyIdentifier");
  if (!hex40(thumb)) {
    mde_say(err, err_size,
            "%s[%zu]: customKeyIdentifier is not a SHA-1 thumbprint", what, i);
    return -1;
  }
  for (size_t k = 0; k < 40; k++)
    out->thumbprint[k] = (char)toupper((unsigned char)thumb[k]);
  return 0;
}

static int credentials(const cJSON *app, enum mde_graph_kind kind,
                       struct mde_graph_app *out, char *err, size_t err_size) {
  const char *name =
      kind == MDE_GRAPH_SECRET ? "passwordCredentials" : "keyCredentials";
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(app, name), *c;
  if (!list || cJSON_IsNull(list))
    return 0;
  if (!cJSON_IsArray(list)) {
    mde_say(err, err_size, "%s is not an array", name);
    return -1;
  }
  size_t i = 0;
  cJSON_ArrayForEach(c, list) {
    if (out->n == MDE_GRAPH_MAX_CREDENTIALS) {
      mde_say(err, err_size, "more than %d credentials",
              MDE_GRAPH_MAX_CREDENTIALS);
      return -1;
    }
    if (credential(c, kind, i++, &out->v[out->n], err, err_size) != 0)
      return -1;
    for (size_t k = 0; k < out->n; k++) {
      if (strcmp(out->v[k].key_id, out->v[out->n].key_id) == 0) {
        mde_say(err, err_size, "%s[%zu]: keyId %s appears twice", name, i - 1,
                out->v[k].key_id);
        return -1;
      }
    }
    out->n++;
  }
  return 0;
}

enum mde_failure mde_graph_app_parse(const char *body, size_t len,
                                     const char *app_id,
                                     struct mde_graph_app *out, char *err,
                                     size_t err_size) {
  *out = (struct mde_graph_app){0};
  if (!body || len > MDE_GRAPH_BODY_MAX) {
    mde_say(err, err_size, "no body, or more than %d bytes",
            MDE_GRAPH_BODY_MAX);
    return MDE_FAIL_PROTOCOL;
  }
  cJSON *doc = cJSON_ParseWithLength(body, len);
  const cJSON *app = doc;
  const cJSON *value = cJSON_GetObjectItemCaseSensitive(doc, "value");
  enum mde_failure f = MDE_FAIL_PROTOCOL;
  if (!cJSON_IsObject(doc)) {
    mde_say(err, err_size, "not a JSON object");
    goto out;
  }
  if (value) { /* the $filter form: a list holding the app, or nothing */
    if (!cJSON_IsArray(value) || cJSON_GetArraySize(value) != 1) {
      mde_say(err, err_size,
              "the application list does not hold exactly one application "
              "(is it registered in this tenant?)");
      goto out;
    }
    app = cJSON_GetArrayItem(value, 0);
  }
  const char *got = str(app, "appId");
  if (!cJSON_IsObject(app) || !got || !app_id || strcasecmp(got, app_id)) {
    mde_say(err, err_size, "the answer is not about application %s",
            app_id ? app_id : "?");
    goto out;
  }
  size_t cap = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                   app, "passwordCredentials")) +
               (size_t)cJSON_GetArraySize(
                   cJSON_GetObjectItemCaseSensitive(app, "keyCredentials"));
  if (cap > MDE_GRAPH_MAX_CREDENTIALS)
    cap = MDE_GRAPH_MAX_CREDENTIALS + 1; /* refused below, once counted */
  out->v = cap ? calloc(cap, sizeof *out->v) : NULL;
  if (cap && !out->v) {
    mde_say(err, err_size, "out of memory");
    f = MDE_FAIL_INTERNAL;
    goto out;
  }
  if (credentials(app, MDE_GRAPH_SECRET, out, err, err_size) != 0 ||
      credentials(app, MDE_GRAPH_CERTIFICATE, out, err, err_size) != 0) {
    mde_graph_app_free(out);
    goto out;
  }
  f = MDE_FAIL_NONE;
out:
  cJSON_Delete(doc);
  return f;
}

void mde_graph_app_free(struct mde_graph_app *a) {
  free(a->v);
  *a = (struct mde_graph_app){0};
}

static bool valid_at(const struct mde_graph_credential *c, int64_t now) {
  return c->end == 0 || c->end > now;
}

/* Is `a` a better pick than `b` among credentials that fit: a valid one
 * over an expired one; among valid ones the earliest to expire (never
 * expiring last); among expired ones the latest. */
static bool better(const struct mde_graph_credential *a,
                   const struct mde_graph_credential *b, int64_t now) {
  if (!b)
    return true;
  bool va = valid_at(a, now), vb = valid_at(b, now);
  if (va != vb)
    return va;
  if (!va)
    return a->end > b->end;
  if (a->end == 0 || b->end == 0)
    return b->end == 0 && a->end != 0;
  return a->end < b->end;
}

static void pick(struct mde_graph_match *m,
                 const struct mde_graph_credential *c) {
  m->found = 1;
  m->end = c->end;
  snprintf(m->key_id, sizeof m->key_id, "%s", c->key_id);
}

void mde_graph_match_secret(const struct mde_graph_app *a, const char *hint,
                            const char *key_id, int64_t now,
                            struct mde_graph_match *m) {
  *m = (struct mde_graph_match){0};
  char want[4];
  snprintf(want, sizeof want, "%.3s", hint ? hint : "");
  const struct mde_graph_credential *best = NULL, *by_id = NULL;
  for (size_t i = 0; i < a->n; i++) {
    const struct mde_graph_credential *c = &a->v[i];
    if (c->kind != MDE_GRAPH_SECRET)
      continue;
    if (key_id && strcasecmp(c->key_id, key_id) == 0)
      by_id = c;
    if (!want[0] || strcmp(c->hint, want) != 0)
      continue;
    m->matches++;
    if (better(c, best, now))
      best = c;
  }
  if (key_id) {
    if (!by_id)
      mde_say(m->note, sizeof m->note,
              "ClientSecretKeyId %.40s is not a secret of the app", key_id);
    else if (!want[0] || strcmp(by_id->hint, want) != 0)
      mde_say(m->note, sizeof m->note,
              "ClientSecretKeyId %.40s is a secret that does not begin as "
              "the configured one",
              key_id);
    else
      pick(m, by_id);
    return;
  }
  if (!best) {
    mde_say(m->note, sizeof m->note,
            "no secret of the app begins as the configured one (removed, or "
            "a secret of another app?)");
    return;
  }
  pick(m, best);
  if (m->matches > 1)
    mde_say(m->note, sizeof m->note,
            "%zu secrets of the app begin as the configured one; the "
            "earliest-expiring still valid one (keyId %s) counts: set "
            "ClientSecretKeyId to name it",
            m->matches, best->key_id);
}

void mde_graph_match_certificate(const struct mde_graph_app *a,
                                 const char *thumbprint, int64_t now,
                                 struct mde_graph_match *m) {
  *m = (struct mde_graph_match){0};
  const struct mde_graph_credential *best = NULL;
  for (size_t i = 0; thumbprint && i < a->n; i++) {
    const struct mde_graph_credential *c = &a->v[i];
    if (c->kind == MDE_GRAPH_CERTIFICATE &&
        strcasecmp(c->thumbprint, thumbprint) == 0) {
      m->matches++;
      if (better(c, best, now))
        best = c;
    }
  }
  if (best)
    pick(m, best);
  else
    mde_say(m->note, sizeof m->note,
            "the certificate (thumbprint %.40s) is not registered on the app: "
            "Entra will refuse it",
            thumbprint ? thumbprint : "?");
}

void mde_graph_summarize(const struct mde_graph_app *a, int64_t now,
                         int64_t warn, struct mde_graph_summary *s) {
  *s = (struct mde_graph_summary){0};
  for (size_t i = 0; i < a->n; i++) {
    const struct mde_graph_credential *c = &a->v[i];
    if (!valid_at(c, now)) {
      s->expired++;
      continue;
    }
    s->valid++;
    if (c->end == 0)
      continue;
    if (c->end - now <= warn)
      s->expiring++;
    if (s->earliest == 0 || c->end < s->earliest)
      s->earliest = c->end;
  }
}
