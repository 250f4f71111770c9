/* SPDX-License-Identifier: MIT */
/* Verdicts and output for check_mde (see report.h). */
#include "report.h"

#include "mde/escape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *report_state_name(int state) {
  return state >= 0 && state <= 3 ? names[state] : "UNKNOWN";
}

/* The state enum is the one libmde's failure table speaks. */
_Static_assert(STATE_OK == (int)MDE_NAGIOS_OK &&
                   STATE_WARNING == (int)MDE_NAGIOS_WARNING &&
                   STATE_CRITICAL == (int)MDE_NAGIOS_CRITICAL &&
                   STATE_UNKNOWN == (int)MDE_NAGIOS_UNKNOWN,
               "check states are Nagios states");

int report_state_rank(int state) {
  /* UNKNOWN ranks between WARNING and CRITICAL, as Nagios sorts them: a
   * tenant we could not judge must not hide one that is down. */
  static const int rank[] = {0, 1, 3, 2};
  return state >= 0 && state <= 3 ? rank[state] : rank[STATE_UNKNOWN];
}

int report_worse(int a, int b) {
  return report_state_rank(b) > report_state_rank(a) ? b : a;
}

uint32_t report_unhealthy(const struct mde_tenant_result *r) {
  uint32_t n = 0;
  for (int h = 0; h < MDE_HEALTH_COUNT; h++)
    if (h != MDE_HEALTH_ACTIVE)
      n += r->machines.health[h];
  return n;
}

uint32_t report_unprotected(const struct mde_tenant_result *r) {
  return r->machines.onboarding[MDE_ONBOARDING_CANBEONBOARDED];
}

/* One count against its pair of ranges: the state it earns. */
static int against(double n, const struct range *warn,
                   const struct range *crit) {
  return range_alerts(crit, n)   ? STATE_CRITICAL
         : range_alerts(warn, n) ? STATE_WARNING
                                 : STATE_OK;
}

/* --machines on a tenant that is otherwise healthy: counts we could not
 * get are UNKNOWN; counts outside their ranges warn, the worse wins. */
static void judge_machines(const struct mde_tenant_result *r,
                           const struct thresholds *th, struct verdict *v) {
  if (!th->machines)
    return;
  if (!r->machines_valid) {
    v->state = report_worse(v->state, STATE_UNKNOWN);
    if (v->state == STATE_UNKNOWN)
      snprintf(v->text, sizeof v->text,
               "%s: device counts not available (the sync did not complete "
               "within the timeout and the call budget of one run)",
               r->name);
    return;
  }
  double sick = report_unhealthy(r), open = report_unprotected(r);
  int s1 = against(sick, &th->unhealthy_warn, &th->unhealthy_crit);
  int s2 = against(open, &th->unprotected_warn, &th->unprotected_crit);
  int s = report_worse(s1, s2);
  if (s == STATE_OK || report_worse(v->state, s) != s || s == v->state)
    return;
  v->state = s;
  bool crit = s == STATE_CRITICAL;
  if (s1 == s)
    snprintf(v->text, sizeof v->text,
             "%s: %.0f onboarded devices not Active (%s %s)", r->name, sick,
             crit ? "critical" : "warning",
             crit ? th->unhealthy_crit.text : th->unhealthy_warn.text);
  else
    snprintf(v->text, sizeof v->text,
             "%s: %.0f devices can be onboarded but are not (%s %s)", r->name,
             open, crit ? "critical" : "warning",
             crit ? th->unprotected_crit.text : th->unprotected_warn.text);
}

void report_judge(const struct mde_tenant_result *r,
                  const struct thresholds *th, struct verdict *v) {
  v->state = (int)mde_failure_nagios_state(r->failure);
  if (r->failure != MDE_FAIL_NONE) {
    char code[32] = "";
    if (r->aadsts)
      snprintf(code, sizeof code, " [AADSTS%ld]", r->aadsts);
    snprintf(v->text, sizeof v->text, "%s: %s%s - %s", r->name,
             mde_failure_describe(r->failure), code,
             r->fix ? r->fix : r->reason);
    return;
  }
  /* Healthy: latency and credential life may still warn. */
  double worst_latency = 0;
  const char *which = "token";
  if (r->token_timing_valid)
    worst_latency = r->token_time.total;
  if (r->api_timing_valid && r->api_time.total > worst_latency) {
    worst_latency = r->api_time.total;
    which = "API";
  }
  double days = r->credential_ttl / 86400.0;
  if (range_alerts(&th->crit, worst_latency) ||
      range_alerts(&th->warn, worst_latency)) {
    v->state =
        range_alerts(&th->crit, worst_latency) ? STATE_CRITICAL : STATE_WARNING;
    snprintf(v->text, sizeof v->text, "%s: %s answered in %.3fs (%s %s)",
             r->name, which, worst_latency,
             v->state == STATE_CRITICAL ? "critical" : "warning",
             v->state == STATE_CRITICAL ? th->crit.text : th->warn.text);
  }
  /* A credential past its date has expired, thresholds or not. */
  bool expired = !isnan(r->credential_ttl) && days <= 0;
  if (!isnan(r->credential_ttl) &&
      (expired || (th->cred_crit_days >= 0 && days <= th->cred_crit_days) ||
       (th->cred_warn_days >= 0 && days <= th->cred_warn_days))) {
    int s = expired || (th->cred_crit_days >= 0 && days <= th->cred_crit_days)
                ? STATE_CRITICAL
                : STATE_WARNING;
    if (report_worse(v->state, s) == s && s != v->state) {
      v->state = s;
      snprintf(v->text, sizeof v->text,
               days > 0 ? "%s: credential expires in %.1f days - renew it "
                          "and update the configuration"
                        : "%s: credential expired %.1f days ago - renew it "
                          "and update the configuration",
               r->name, fabs(days));
    }
  }
  judge_machines(r, th, v);
  if (v->state == STATE_OK) {
    char roles[256] = "no role required";
    if (r->permissions == 1)
      snprintf(roles, sizeof roles, "required roles granted");
    snprintf(v->text, sizeof v->text, "%s: token valid (%.0f min left), %s%s",
             r->name, r->token_ttl / 60.0, roles,
             th->api && r->api_timing_valid ? ", API answered" : "");
  }
}

/* Perfdata items are separated by spaces; none before the first. */
static const char *sep(int *first) {
  const char *s = *first ? "" : " ";
  *first = 0;
  return s;
}

static void latency(FILE *out, int *first, const char *label, int valid,
                    double value, const struct thresholds *th) {
  if (!valid)
    return;
  fprintf(out, "%s%s=%.6fs;%s;%s;0", sep(first), label, value, th->warn.text,
          th->crit.text);
}

/* Text that carries tenant names, server messages and ids: one line,
 * never perfdata (Nagios reads a '|' in long output as perfdata too). */
static void text(FILE *out, const char *s) {
  mde_escape_fputs(s, MDE_ESC_PIPE, out);
}

/* The plugin's names, lower-cased API values; the onboarding state's
 * catch-all is machines_onboarding_unknown (machines_unknown is the
 * health's). The thresholds go with the counts they judge. */
static void machines_perfdata(FILE *out, const struct mde_tenant_result *r,
                              const struct thresholds *th) {
  for (int h = 0; h < MDE_HEALTH_COUNT; h++)
    fprintf(out, " machines_%s=%u;;;0",
            mde_machine_health_name((enum mde_machine_health)h),
            r->machines.health[h]);
  for (int o = 0; o < MDE_ONBOARDING_COUNT; o++) {
    const char *name = mde_onboarding_name((enum mde_onboarding)o);
    const struct range *w = NULL, *c = NULL;
    if (o == MDE_ONBOARDING_CANBEONBOARDED) {
      w = &th->unprotected_warn;
      c = &th->unprotected_crit;
    }
    fprintf(out, " machines_%s%s=%u;%s;%s;0",
            o == MDE_ONBOARDING_UNKNOWN ? "onboarding_" : "", name,
            r->machines.onboarding[o], w ? w->text : "", c ? c->text : "");
  }
  fprintf(out, " machines_unhealthy=%u;%s;%s;0", report_unhealthy(r),
          th->unhealthy_warn.text, th->unhealthy_crit.text);
  if (r->exposure_valid)
    fprintf(out, " exposure_score=%.2f;;;0;100", r->exposure_score);
}

static void machines_long(FILE *out, const struct mde_tenant_result *r) {
  fputs("devices by health (onboarded):", out);
  for (int h = 0; h < MDE_HEALTH_COUNT; h++)
    fprintf(out, " %s %u", mde_machine_health_name((enum mde_machine_health)h),
            r->machines.health[h]);
  fputs("\ndevices by onboarding state:", out);
  for (int o = 0; o < MDE_ONBOARDING_COUNT; o++)
    fprintf(out, " %s %u", mde_onboarding_name((enum mde_onboarding)o),
            r->machines.onboarding[o]);
  fputc('\n', out);
  if (r->exposure_valid)
    fprintf(out, "exposure score: %.2f\n", r->exposure_score);
}

void report_single(FILE *out, const struct mde_tenant_result *r,
                   const struct verdict *v, const struct thresholds *th) {
  int first = 1;
  fprintf(out, "MDE %s - ", report_state_name(v->state));
  text(out, v->text);
  fputc('|', out);
  latency(out, &first, "token_time", r->token_timing_valid, r->token_time.total,
          th);
  latency(out, &first, "api_time", r->api_timing_valid, r->api_time.total, th);
  if (r->token_ttl >= 0)
    fprintf(out, "%stoken_ttl=%.0fs", sep(&first), r->token_ttl);
  fprintf(out, "%sroles_missing=%zu", sep(&first), r->missing_roles.n);
  if (!isnan(r->credential_ttl))
    fprintf(out, " credential_ttl=%.0fs", r->credential_ttl);
  if (th->machines && r->machines_valid)
    machines_perfdata(out, r, th);
  fputc('\n', out);
  if (th->machines && r->machines_valid)
    machines_long(out, r);
  /* Long output: what Microsoft support asks for. */
  if (r->failure != MDE_FAIL_NONE) {
    fprintf(out, "class: %s\nreason: ", mde_failure_name(r->failure));
    text(out, r->reason);
    fputc('\n', out);
  }
  if (r->missing_roles.n) {
    char *roles = mde_strlist_join(&r->missing_roles, ", ");
    fputs("missing roles: ", out);
    text(out, roles ? roles : "?");
    fputc('\n', out);
    free(roles);
  }
  if (r->credential_from_graph)
    fputs("credential expiry: from Microsoft Graph\n", out);
  if (r->credential_note[0]) {
    fputs("credential: ", out);
    text(out, r->credential_note);
    fputc('\n', out);
  }
  const char *const labels[] = {"tenant id", "trace id", "correlation id",
                                "timestamp"};
  const char *const values[] = {r->tenant_id, r->trace_id, r->correlation_id,
                                r->timestamp};
  for (size_t i = 0; i < 4; i++) {
    if (!values[i][0] || (i > 1 && !r->trace_id[0]))
      continue;
    fprintf(out, "%s: ", labels[i]);
    text(out, values[i]);
    fputc('\n', out);
  }
}

struct ordered {
  const struct verdict *v;
  size_t i;
};

static int by_severity(const void *a, const void *b) {
  const struct ordered *x = a, *y = b;
  int d = report_state_rank(y->v->state) - report_state_rank(x->v->state);
  return d ? d : (x->i > y->i) - (x->i < y->i);
}

void report_multi(FILE *out, const struct mde_tenant_result *const *r,
                  const struct verdict *v, size_t n) {
  size_t count[4] = {0};
  int state = STATE_OK;
  for (size_t i = 0; i < n; i++) {
    count[v[i].state]++;
    state = report_worse(state, v[i].state);
  }
  fprintf(out, "MDE %s - ", report_state_name(state));
  const char *sep = "";
  static const int order[] = {STATE_CRITICAL, STATE_UNKNOWN, STATE_WARNING,
                              STATE_OK};
  for (int k = 0; k < 4; k++) {
    if (count[order[k]] || order[k] == STATE_OK) {
      fprintf(out, "%s%zu %s", sep, count[order[k]],
              report_state_name(order[k]));
      sep = ", ";
    }
  }
  fprintf(out, "|tenants=%zu ok=%zu warning=%zu critical=%zu unknown=%zu\n", n,
          count[STATE_OK], count[STATE_WARNING], count[STATE_CRITICAL],
          count[STATE_UNKNOWN]);
  struct ordered *o = calloc(n ? n : 1, sizeof *o);
  for (size_t i = 0; o && i < n; i++)
    o[i] = (struct ordered){&v[i], i};
  if (o)
    qsort(o, n, sizeof *o, by_severity);
  for (size_t i = 0; o && i < n && o[i].v->state != STATE_OK; i++) {
    fprintf(out, "%s: ", report_state_name(o[i].v->state));
    text(out, o[i].v->text);
    fputc('\n', out);
  }
  /* Then, as for one tenant, what Microsoft support asks for. */
  for (size_t i = 0; o && i < n && o[i].v->state != STATE_OK; i++) {
    const struct mde_tenant_result *t = r[o[i].i];
    if (t->failure == MDE_FAIL_NONE)
      continue;
    text(out, t->name);
    fprintf(out, ": class: %s; reason: ", mde_failure_name(t->failure));
    text(out, t->reason);
    if (t->trace_id[0]) {
      fputs("; trace id: ", out);
      text(out, t->trace_id);
      fputs("; correlation id: ", out);
      text(out, t->correlation_id);
      fputs("; timestamp: ", out);
      text(out, t->timestamp);
    }
    fputc('\n', out);
  }
  /* What Graph says of each tenant's credential, when there is a word. */
  for (size_t i = 0; i < n; i++) {
    if (!r[i]->credential_note[0])
      continue;
    text(out, r[i]->name);
    fputs(": credential: ", out);
    text(out, r[i]->credential_note);
    fputc('\n', out);
  }
  free(o);
  for (size_t i = 0; i < n; i++) { /* --machines: every tenant's counts */
    if (!r[i]->machines_valid)
      continue;
    text(out, r[i]->name);
    uint32_t all = 0;
    for (int k = 0; k < MDE_ONBOARDING_COUNT; k++)
      all += r[i]->machines.onboarding[k];
    fprintf(out,
            ": devices %u, onboarded %u, not Active %u, can be onboarded %u\n",
            all, r[i]->machines.onboarding[MDE_ONBOARDING_ONBOARDED],
            report_unhealthy(r[i]), report_unprotected(r[i]));
  }
}
