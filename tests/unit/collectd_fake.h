/* SPDX-License-Identifier: MIT */
/* A recording stand-in for the collectd functions plugin/submit.c calls,
 * so its values and notifications are asserted exactly in a unit test (the
 * integration scripts keep the real daemon). Each dispatched value is kept
 * as "instance/type-type_instance=value"; each notification with its meta
 * as "key=value" lines. */
#ifndef MDE_COLLECTD_FAKE_H
#define MDE_COLLECTD_FAKE_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_MAX 512

struct fake_notification {
  int severity;
  uint64_t time;
  char host[128], plugin_instance[128], type[128], type_instance[128];
  char message[256];
  char meta[2048]; /* "key=value\n" each, in the order added */
};

struct fake_record {
  char values[FAKE_MAX][600];
  uint64_t times[FAKE_MAX]; /* cdtime_t, each value's */
  size_t n_values;
  struct fake_notification notes[16];
  size_t n_notes;
  char log[4096]; /* every plugin_log line as "info|warning|other LINE\n" */
};

extern struct fake_record fake;

void fake_reset(void);
/* The value dispatched as `id` ("instance/type-type_instance"), or NULL. */
const char *fake_value(const char *id);

#endif
