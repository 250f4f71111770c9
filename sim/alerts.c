/* SPDX-License-Identifier: MIT */
/* Alert records, their generation and churn, and their JSON form. */
#include "alerts.h"

#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const sim_severity_names[SEV_COUNT] = {
    "UnSpecified", "Informational", "Low", "Medium", "High"};
const char *const sim_status_names[ST_COUNT] = {"Unknown", "New", "InProgress",
                                                "Resolved"};

/* .NET ticks count from 0001-01-01; alert ids embed them. */
#define DOTNET_EPOCH_TICKS INT64_C(621355968000000000)
#define MAX_CHURN_PER_ADVANCE 10000

int sim_severity_parse(const char *s) {
  return sim_enum_parse(s, sim_severity_names, SEV_COUNT);
}

int sim_status_parse(const char *s) {
  return sim_enum_parse(s, sim_status_names, ST_COUNT);
}

/* The kinds of detections generated alerts are drawn from. */
static const struct kind {
  const char *title, *description, *category, *source, *detector;
  const char *family, *threat, *mitre;
} kinds[] = {
    {"Suspicious PowerShell command line",
     "A suspicious PowerShell activity was observed on the machine.",
     "Execution", "WindowsDefenderAtp", "7f1c3609-a3ff-40e2-995b-c01770161d68",
     NULL, NULL, "[\"T1059.001\"]"},
    {"'Emotet' malware was detected",
     "Malware and unwanted software are undesirable applications that "
     "perform annoying, disruptive, or harmful actions on affected machines.",
     "Malware", "WindowsDefenderAv", "1b7ec0ae-0ed5-4a9d-a5c2-3c56a7b8f1d2",
     "Emotet", "TrojanDownloader:O97M/Emotet", "[]"},
    {"Suspected credential theft activity",
     "A process accessed the memory of the Local Security Authority.",
     "CredentialAccess", "WindowsDefenderAtp",
     "3c5d1a54-6b3a-4d52-9c47-22f1b0e1d9aa", NULL, NULL,
     "[\"T1003\",\"T1003.001\"]"},
    {"Ransomware behavior detected in the file system",
     "Files were encrypted in a pattern typical of ransomware.", "Ransomware",
     "WindowsDefenderAtp", "9a0e3d71-5f84-4e2b-b6a1-0c9e6f4f2b10", NULL, NULL,
     "[\"T1486\"]"},
    {"Anomalous scheduled task",
     "A scheduled task was created in an unusual way.", "Persistence",
     "WindowsDefenderAtp", "e0c2b9f4-7d1a-4f3e-8b5c-6a2d9e7f1c33", NULL, NULL,
     "[\"T1053.005\"]"},
    {"Connection to a custom network indicator",
     "A connection was made to a network indicator of the organization.",
     "CommandAndControl", "CustomTI", "5d2e8f0a-1b4c-4e6d-9a3f-7c8b0d1e2f44",
     NULL, NULL, "[\"T1071\"]"},
};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

void sim_alerts_init(struct sim_alerts *a, uint64_t seed, int64_t now) {
  *a = (struct sim_alerts){.rng = seed, .next_seq = 1, .last_advance = now};
  a->mix = (struct sim_alert_mix){
      .severity = {0, 2, 3, 3, 1},
      .status = {0, 3, 1, 2},
  };
}

static void free_alert(struct sim_alert *al) {
  free(al->title);
  free(al->description);
  free(al->category);
  free(al->assigned_to);
}

void sim_alerts_free(struct sim_alerts *a) {
  for (size_t i = 0; i < a->n; i++)
    free_alert(&a->v[i]);
  free(a->v);
  *a = (struct sim_alerts){0};
}

static struct sim_alert *append(struct sim_alerts *a) {
  if (a->n == a->cap) {
    a->cap = a->cap ? a->cap * 2 : 16;
    a->v = sim_xrealloc(a->v, a->cap * sizeof *a->v);
  }
  struct sim_alert *al = &a->v[a->n++];
  *al = (struct sim_alert){.seq = a->next_seq++};
  al->kind = (uint8_t)(sim_rng_next(&a->rng) % KIND_COUNT);
  al->machine = (uint32_t)(sim_rng_next(&a->rng) % 16);
  al->severity =
      (uint8_t)sim_rng_pick(&a->rng, a->mix.severity, SEV_COUNT, SEV_LOW);
  a->created_total++;
  return al;
}

void sim_alert_set_status(struct sim_alert *al, int status, int64_t now) {
  al->status = (uint8_t)status;
  al->updated = now;
  al->resolved = status == ST_RESOLVED ? now : 0;
}

void sim_alerts_generate(struct sim_alerts *a, size_t count, double age_days,
                         int64_t now) {
  int64_t span = (int64_t)(age_days * 86400.0) * TICKS_PER_SECOND;
  for (size_t i = 0; i < count; i++) {
    struct sim_alert *al = append(a);
    int64_t age =
        span > 0 ? (int64_t)(sim_rng_unit(&a->rng) * (double)span) : 0;
    al->created = now - age;
    al->first_event = al->created - 3 * TICKS_PER_SECOND;
    al->last_event = al->created - TICKS_PER_SECOND;
    int64_t since = (int64_t)(sim_rng_unit(&a->rng) * (double)age);
    int status = sim_rng_pick(&a->rng, a->mix.status, ST_COUNT, ST_NEW);
    sim_alert_set_status(al, status, al->created + since);
  }
}

struct sim_alert *sim_alerts_add(struct sim_alerts *a, int64_t now) {
  struct sim_alert *al = append(a);
  al->created = now;
  al->first_event = now - 3 * TICKS_PER_SECOND;
  al->last_event = now - TICKS_PER_SECOND;
  sim_alert_set_status(al, ST_NEW, now);
  return al;
}

/* Moves one open alert a step along New -> InProgress -> Resolved. */
static void progress_one(struct sim_alerts *a, int64_t now) {
  for (int tries = 0; tries < 4 && a->n > 0; tries++) {
    struct sim_alert *al = &a->v[sim_rng_next(&a->rng) % a->n];
    if (al->status == ST_NEW || al->status == ST_INPROGRESS) {
      sim_alert_set_status(al, al->status + 1, now);
      return;
    }
  }
}

void sim_alerts_advance(struct sim_alerts *a, int64_t now) {
  if (a->churn_per_hour <= 0 || now <= a->last_advance) {
    a->last_advance = now > a->last_advance ? now : a->last_advance;
    return;
  }
  double hours = (double)(now - a->last_advance) / (3600.0 * TICKS_PER_SECOND);
  a->last_advance = now;
  a->churn_carry += hours * a->churn_per_hour;
  int due = a->churn_carry > MAX_CHURN_PER_ADVANCE ? MAX_CHURN_PER_ADVANCE
                                                   : (int)a->churn_carry;
  a->churn_carry -= due;
  if (a->churn_carry > 1)
    a->churn_carry = 0; /* a long idle gap is not replayed in full */
  for (int i = 0; i < due; i++) {
    progress_one(a, now);
    sim_alerts_add(a, now);
  }
}

void sim_alert_id(const struct sim_alert *al, char out[48]) {
  snprintf(out, 48, "da%" PRId64 "_%" PRIu32, al->created + DOTNET_EPOCH_TICKS,
           UINT32_C(1000000000) + al->seq);
}

struct sim_alert *sim_alerts_find(struct sim_alerts *a, const char *id) {
  char buf[48];
  for (size_t i = 0; i < a->n; i++) {
    sim_alert_id(&a->v[i], buf);
    if (strcmp(buf, id) == 0)
      return &a->v[i];
  }
  return NULL;
}

void sim_machine_id(const struct sim_alert_ctx *c, uint32_t machine,
                    char out[41]) {
  uint64_t s = c->machine_seed ^ ((uint64_t)machine << 32);
  uint64_t h1 = sim_rng_next(&s), h2 = sim_rng_next(&s);
  snprintf(out, 41, "%016" PRIx64 "%016" PRIx64 "%08" PRIx32, h1, h2,
           (uint32_t)sim_rng_next(&s));
}

static int put_key(struct mde_buf *out, const char *name) {
  size_t n = strlen(name);
  char key[64];
  if (n + 4 > sizeof key)
    return -1;
  key[0] = ',';
  key[1] = '"';
  memcpy(key + 2, name, n);
  key[n + 2] = '"';
  key[n + 3] = ':';
  return mde_buf_append(out, key, n + 4);
}

static int put_time(struct mde_buf *out, const char *name, int64_t ticks) {
  if (put_key(out, name) != 0)
    return -1;
  if (!ticks)
    return mde_buf_append(out, "null", 4);
  char ts[34];
  ts[0] = '"';
  sim_format_ticks(ticks, ts + 1);
  ts[29] = '"';
  return mde_buf_append(out, ts, 30);
}

static int put_str(struct mde_buf *out, const char *name, const char *value) {
  if (put_key(out, name) != 0)
    return -1;
  return value ? mde_buf_json_string(out, value)
               : mde_buf_append(out, "null", 4);
}

int sim_alert_render(const struct sim_alert *al, const struct sim_alert_ctx *c,
                     struct mde_buf *out) {
  const struct kind *k = &kinds[al->kind % KIND_COUNT];
  bool resolved = al->status == ST_RESOLVED;
  bool true_positive = al->seq % 3 != 0;
  char id[48], machine[41], dns[300];
  sim_alert_id(al, id);
  sim_machine_id(c, al->machine, machine);
  snprintf(dns, sizeof dns, "ws%04" PRIu32 ".%s", al->machine, c->domain);
  int rc = mde_buf_printf(out,
                          "{\"id\":\"%s\",\"incidentId\":%" PRIu32
                          ",\"investigationId\":%" PRIu32,
                          id, 100000 + al->seq, 5000 + al->seq);
  rc = rc ? rc : put_str(out, "assignedTo", al->assigned_to);
  rc = rc ? rc
          : mde_buf_printf(out, ",\"severity\":\"%s\",\"status\":\"%s\"",
                           sim_severity_names[al->severity],
                           sim_status_names[al->status]);
  rc = rc ? rc
          : put_str(out, "classification",
                    !resolved       ? NULL
                    : true_positive ? "TruePositive"
                                    : "FalsePositive");
  rc = rc ? rc
          : put_str(out, "determination",
                    !resolved       ? NULL
                    : true_positive ? "Malware"
                                    : "Clean");
  rc = rc ? rc
          : put_str(out, "investigationState",
                    resolved ? "SuccessfullyRemediated" : "Running");
  rc = rc ? rc : put_str(out, "detectionSource", k->source);
  rc = rc ? rc : put_str(out, "detectorId", k->detector);
  rc = rc ? rc
          : put_str(out, "category", al->category ? al->category : k->category);
  rc = rc ? rc : put_str(out, "threatFamilyName", k->family);
  rc = rc ? rc : put_str(out, "title", al->title ? al->title : k->title);
  rc = rc ? rc
          : put_str(out, "description",
                    al->description ? al->description : k->description);
  rc = rc ? rc : put_time(out, "alertCreationTime", al->created);
  rc = rc ? rc : put_time(out, "firstEventTime", al->first_event);
  rc = rc ? rc : put_time(out, "lastEventTime", al->last_event);
  rc = rc ? rc : put_time(out, "lastUpdateTime", al->updated);
  rc = rc ? rc : put_time(out, "resolvedTime", al->resolved);
  rc = rc ? rc : put_str(out, "machineId", machine);
  rc = rc ? rc : put_str(out, "computerDnsName", dns);
  rc = rc ? rc : put_str(out, "rbacGroupName", "UnassignedGroup");
  rc = rc ? rc : put_str(out, "aadTenantId", c->tenant_id);
  rc = rc ? rc : put_str(out, "threatName", k->threat);
  rc = rc ? rc : mde_buf_printf(out, ",\"mitreTechniques\":%s", k->mitre);
  rc = rc ? rc
          : mde_buf_printf(out,
                           ",\"relatedUser\":{\"userName\":\"user%" PRIu32
                           "\",\"domainName\":\"%s\"}",
                           al->machine, c->domain);
  return rc ? rc : mde_buf_puts(out, ",\"comments\":[],\"evidence\":[]}");
}

void sim_alerts_count(const struct sim_alerts *a,
                      uint64_t counts[ST_COUNT][SEV_COUNT]) {
  memset(counts, 0, sizeof(uint64_t) * ST_COUNT * SEV_COUNT);
  for (size_t i = 0; i < a->n; i++)
    counts[a->v[i].status][a->v[i].severity]++;
}
