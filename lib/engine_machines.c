/* SPDX-License-Identifier: MIT */
/* The sensor-health steps of a tenant's cycle, after alerts and before the
 * role probes: every MachinesInterval (and in the first cycle) a full sync
 * of /api/machines — pages counted as they arrive into a building set that
 * replaces the published counts only when the last page is in, resumed
 * next cycle where the call budget or the network stopped it — then the
 * exposure score when the token has Score.Read.All. Both pay from the
 * tenant's budget, which alerts have drawn on first. A 404 from
 * /api/machines means no devices (get-machines.md): zero counts, not a
 * failure. A 403 is a missing permission, as for any endpoint; other
 * failures keep the sync where it was, to be asked again next cycle. */
#include "engine_int.h"
#include "mde/roles.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The exposure score is one small object; a machines page keeps the
 * transport's cap (10,000 devices are several MB). */
#define SCORE_BODY_MAX (64 * 1024)

static char *api_url(const struct tenant *t, const char *path) {
  size_t n = strlen(t->api) + strlen(path) + 1;
  char *s = malloc(n);
  if (s)
    snprintf(s, n, "%s%s", t->api, path);
  return s;
}

void mde_machines_sync_reset(struct machines_sync *s) {
  free(s->next_url);
  *s = (struct machines_sync){0};
}

/* FetchMachines forces; by default the token's roles decide. */
static bool machines_wanted(const struct tenant *t) {
  if (t->fetch_machines >= 0)
    return t->fetch_machines == 1;
  return mde_roles_grant(&t->token_roles, "Machine.Read.All");
}

static bool score_wanted(const struct tenant *t) {
  return t->fetch_machines != 0 &&
         mde_roles_grant(&t->token_roles, "Score.Read.All");
}

static bool due(const struct tenant *t, time_t next) {
  return t->e->now >= next || (t->e->flags & MDE_CYCLE_ONESHOT);
}

/* --- machines --- */

enum step mde_step_machines(struct tenant *t) {
  struct machines_sync *s = &t->msync;
  if (!machines_wanted(t)) {
    mde_machines_sync_reset(s); /* a role gone: no half sync kept */
    return STEP_SCORE;
  }
  if (!s->active) {
    if (!due(t, t->next_machines) || (t->probed & (1u << API_EP_MACHINES)))
      return STEP_SCORE;
    *s = (struct machines_sync){.active = true,
                                .next_url = api_url(t, "/api/machines")};
    if (!s->next_url) {
      mde_machines_sync_reset(s);
      mde_tenant_fail(t, MDE_FAIL_INTERNAL, "out of memory");
      return STEP_END;
    }
  }
  t->machines_owed = mde_budget_wait_ms(&t->budget, mde_engine_mono(t->e)) > 0;
  return mde_api_call(t, strdup(s->next_url), STEP_MACHINES_ANSWER, 0);
}

/* The last page is in: its counts become the published ones. */
static void finish(struct tenant *t) {
  t->machines = t->msync.building;
  t->machines_fresh_ms = mde_engine_mono(t->e);
  t->next_machines = t->e->now + t->machines_interval;
  mde_machines_sync_reset(&t->msync);
}

static enum step machines_page(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  struct machines_sync *s = &t->msync;
  char err[MDE_ERR_SIZE], *next = NULL;
  enum mde_failure f = mde_machines_page_count(
      req->body.data, req->body.len, &s->building, &next, err, sizeof err);
  if (f != MDE_FAIL_NONE) { /* the same page is asked for again next cycle */
    mde_tenant_fail(t, f, "machines page from %s: %s", t->url, err);
    return STEP_END;
  }
  /* The bearer token goes with it: only to a Defender API host of this
   * cloud (lib/cloud.c), never elsewhere. */
  if (next && !mde_cloud_next_link_allowed(t->cloud, t->api, next)) {
    mde_tenant_fail(t, MDE_FAIL_PROTOCOL,
                    "@odata.nextLink leaves the Defender API (%.200s)", next);
    free(next);
    mde_machines_sync_reset(s); /* that link will not be followed */
    return STEP_END;
  }
  if (!next) {
    finish(t);
    return STEP_SCORE;
  }
  free(s->next_url);
  s->next_url = next;
  return STEP_MACHINES;
}

enum step mde_step_machines_answer(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  enum step next = mde_api_common_answer(t);
  if (next != STEP_COUNT_)
    return next;
  if (req->status == 200) {
    mde_api_served(t, API_EP_MACHINES);
    return machines_page(t);
  }
  if (req->status == 404) { /* no devices; any pages so far were stale */
    mde_api_served(t, API_EP_MACHINES);
    t->msync.building = (struct mde_machine_counts){0};
    finish(t);
    return STEP_SCORE;
  }
  if (req->status == 403) {
    mde_api_refused(t, API_EP_MACHINES);
    t->probed |= 1u << API_EP_MACHINES;
    mde_machines_sync_reset(&t->msync);
    t->next_machines = t->e->now + t->machines_interval;
    return STEP_SCORE;
  }
  return mde_api_error_answer(t);
}

/* --- exposure score --- */

enum step mde_step_score(struct tenant *t) {
  if (!score_wanted(t) || !due(t, t->next_score) ||
      (t->probed & (1u << API_EP_SCORE)))
    return STEP_PROBE;
  return mde_api_call(t, api_url(t, "/api/exposureScore"), STEP_SCORE_ANSWER,
                      SCORE_BODY_MAX);
}

enum step mde_step_score_answer(struct tenant *t) {
  struct mde_http_req *req = &t->req;
  enum step next = mde_api_common_answer(t);
  if (next != STEP_COUNT_)
    return next;
  if (req->status == 200) {
    mde_api_served(t, API_EP_SCORE);
    char err[MDE_ERR_SIZE];
    double score;
    enum mde_failure f = mde_exposure_score_parse(req->body.data, req->body.len,
                                                  &score, err, sizeof err);
    if (f != MDE_FAIL_NONE) {
      mde_tenant_fail(t, f, "exposure score from %s: %s", t->url, err);
      return STEP_END;
    }
    t->score = score;
    t->score_fresh_ms = mde_engine_mono(t->e);
    t->next_score = t->e->now + t->machines_interval;
    return STEP_PROBE;
  }
  if (req->status == 403) {
    mde_api_refused(t, API_EP_SCORE);
    t->probed |= 1u << API_EP_SCORE;
    t->next_score = t->e->now + t->machines_interval;
    return STEP_PROBE;
  }
  return mde_api_error_answer(t);
}

/* --- what the result reports --- */

/* Shown only while the last completed sync is recent enough to be called
 * current (two intervals and one cycle, as alerts); after that, a gap. */
static bool fresh(const struct tenant *t, int64_t at_ms) {
  return at_ms && t->e->mono - at_ms <=
                      mde_tenant_fresh_window_ms(t, t->machines_interval);
}

void mde_machines_freshness(struct tenant *t) {
  struct mde_tenant_result *r = &t->res;
  r->machines_valid = fresh(t, t->machines_fresh_ms);
  r->machines = t->machines;
  r->machines_age = t->machines_fresh_ms
                        ? (double)(t->e->mono - t->machines_fresh_ms) / 1000.0
                        : NAN;
  r->exposure_valid = fresh(t, t->score_fresh_ms);
  r->exposure_score = t->score;
}
