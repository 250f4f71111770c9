/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for sim_parse_iso_ticks, the simulator's reader of
 * $filter times and scenario dates. What it accepts must survive a round
 * trip through sim_format_ticks, the writer of alert timestamps. */
#include "fuzz.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int64_t ticks = -1;
  if (sim_parse_iso_ticks((const char *)data, size, &ticks) != 0)
    return 0;
  fz_assert(ticks >= 0);
  char text[32];
  sim_format_ticks(ticks, text);
  int64_t again = -1;
  if (sim_parse_iso_ticks(text, strlen(text), &again) != 0 || again != ticks)
    fz_fail("%lld formats as %s, which reads back as %lld", (long long)ticks,
            text, (long long)again);
  return 0;
}
