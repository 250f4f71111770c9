/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the engine's state machine (lib/engine*.c): a
 * tenant lives through up to eight cycles of a scripted world
 * (tests/unit/fakeworld.c) in which the input decides, per cycle, what
 * each endpoint answers — any status, a hostile body, a Retry-After, a hang
 * past the deadline, a dropped connection — and how far the clock moves.
 * Whatever it says: every cycle returns, the result is well formed (a
 * known class, text terminated), counts are only reported from a complete
 * sync, and no cycle sends a storm of requests (a token request at most
 * twice: once more after a 401; the API within the call budget). */
#include "fakeworld.h"
#include "fuzz.h"

#define CYCLES 8
#define GUID "f0000000-0000-4000-8000-000000000001"

static struct fakeworld world;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fw_init(&world); /* one signing key for every input: RSA is slow */
  return 0;
}

/* The next input byte, 0 once it runs out. */
static uint8_t next(const uint8_t **p, const uint8_t *end) {
  return *p < end ? *(*p)++ : 0;
}

static const int statuses[] = {200, 200, 400, 401, 403, 404,
                               429, 500, 503, 302, 0};
#define N_STATUSES (int)(sizeof statuses / sizeof statuses[0])

/* One endpoint's answer this cycle, from the input. */
static void script(struct fw_override *ov, char *body, size_t body_cap,
                   const uint8_t **p, const uint8_t *end) {
  uint8_t how = next(p, end);
  *ov = (struct fw_override){.retry_after = -1, .times = -1};
  if ((how & 3) == 0)
    return; /* the world answers as the real service would */
  ov->status = statuses[(how >> 2) % N_STATUSES];
  ov->hang = (how & 0xc0) == 0xc0;
  ov->reset = ov->status == 0 && !ov->hang;
  if (ov->reset)
    ov->status = 200; /* the answer never arrives: the status is unused */
  if (how & 0x20)
    ov->retry_after = next(p, end) * 60;
  size_t len = next(p, end);
  if (len > (size_t)(end - *p))
    len = (size_t)(end - *p);
  if (len >= body_cap)
    len = body_cap - 1;
  memcpy(body, *p, len);
  body[len] = '\0';
  *p += len;
  ov->body = body;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fakeworld *w = &world;
  /* a fresh world around the one key */
  w->mono_ms = 1000;
  w->n_tenants = 0;
  w->n_queue = 0;
  w->n_log = 0;
  struct fw_tenant *t = fw_tenant(w, GUID);
  t->alerts = 25;
  t->page_size = 10;
  t->roles[1] = "Machine.Read.All";
  struct mde_engine *e = fw_engine(w);
  if (!e)
    abort();
  struct mde_tenant_config c = fw_config(w, "t", GUID, NULL);
  char err[256];
  if (mde_engine_add(e, &c, err, sizeof err) < 0)
    fz_fail("the fake tenant was refused: %s", err);

  static char bodies[FW_OTHER + 1][512];
  const uint8_t *p = data, *end = data + size;
  for (int cycle = 0; cycle < CYCLES && p < end; cycle++) {
    for (int ep = 0; ep <= FW_OTHER; ep++)
      script(&t->ov[ep], bodies[ep], sizeof bodies[ep], &p, end);
    int from = w->n_log;
    int64_t start = w->mono_ms;
    fz_assert(mde_engine_cycle(e, start + 1000, 0) == 0);
    const struct mde_tenant_result *r = mde_engine_result(e, 0);
    fz_assert((int)r->failure >= 0 && r->failure < MDE_FAIL_COUNT_);
    fz_assert(strnlen(r->reason, sizeof r->reason) < sizeof r->reason);
    fz_assert(!r->alerts_valid || r->alerts_complete == 1);
    fz_assert(r->n_codes <= MDE_MAX_STATUS_CODES);
    fz_assert(fw_count(w, FW_TOKEN, 0, from) <= 2);
    int api = fw_count(w, FW_ALERTS, 0, from) +
              fw_count(w, FW_MACHINES, 0, from) +
              fw_count(w, FW_SCORE, 0, from);
    fz_assert(api <= 11); /* the budget's burst of 10, and one refill */
    /* from a second to a day later */
    w->mono_ms = start + 1000 + (int64_t)next(&p, end) * next(&p, end) * 1000;
  }
  mde_engine_free(e);
  return 0;
}
