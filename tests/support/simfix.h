/* SPDX-License-Identifier: MIT */
/* Test fixture: one mde-sim process for a C test, on ephemeral loopback
 * ports, with the test CA of the run (tests/run.sh sets MDE_BUILD,
 * MDE_ROOT, MDE_CERTS, MDE_TEST_TMP). Plus its admin interface as cJSON,
 * and helpers for the files tests need (secrets with the right mode). */
#ifndef SIMFIX_H
#define SIMFIX_H

#include <cjson/cJSON.h>
#include <sys/types.h>

struct simfix {
  pid_t pid;
  char dir[256];   /* a private temporary folder, removed by stop */
  char base[96];   /* https://127.0.0.1:PORT */
  char admin[96];  /* http://127.0.0.1:PORT */
  char ca[512];    /* the test CA file */
  char certs[512]; /* the run's certificate folder */
};

/* Starts mde-sim with a scenario (a path relative to the repository).
 * Returns 0, or -1 after printing why. */
int simfix_start(struct simfix *f, const char *scenario);
/* The same, with the simulator closing connections idle for `idle_s`
 * seconds (0: its default, 30). */
int simfix_start_idle(struct simfix *f, const char *scenario, int idle_s);
/* SIGTERM, wait; returns mde-sim's exit status (0: clean, no leaks). */
int simfix_stop(struct simfix *f);

/* An admin call; `json` may be NULL. Returns the parsed answer (caller
 * frees) or NULL. */
cJSON *simfix_admin(const struct simfix *f, const char *method,
                    const char *path, const char *json);
/* The number at a dotted path in an admin answer, e.g.
 * simfix_number(f, "/stats", "tenants.<id>.token_v2"); -1 if absent. */
double simfix_number(const struct simfix *f, const char *path,
                     const char *dotted);
/* Writes `value` to <dir>/<name> with `mode`; returns the path (static
 * storage per call site is the caller's business: it is malloc'd). */
char *simfix_file(const struct simfix *f, const char *name, const char *value,
                  mode_t mode);

#endif
