/* SPDX-License-Identifier: MIT */
/* Token-bucket API budget (see include/mde/budget.h). */
#include "mde/budget.h"

#define MINUTE_BURST 10.0
#define MINUTE_RATE (40.0 / 60000.0) /* calls per ms */
#define HOUR_BURST 150.0
#define HOUR_RATE ((double)MDE_BUDGET_PER_HOUR / 3600000.0)

static void refill(struct mde_budget *b, int64_t now_ms) {
  if (now_ms <= b->at_ms)
    return;
  double dt = (double)(now_ms - b->at_ms);
  b->minute += dt * MINUTE_RATE;
  b->hour += dt * HOUR_RATE;
  if (b->minute > MINUTE_BURST)
    b->minute = MINUTE_BURST;
  if (b->hour > HOUR_BURST)
    b->hour = HOUR_BURST;
  b->at_ms = now_ms;
}

void mde_budget_init(struct mde_budget *b, int64_t now_ms) {
  *b = (struct mde_budget){MINUTE_BURST, HOUR_BURST, now_ms};
}

bool mde_budget_take(struct mde_budget *b, int64_t now_ms) {
  refill(b, now_ms);
  if (b->minute < 1.0 || b->hour < 1.0)
    return false;
  b->minute -= 1.0;
  b->hour -= 1.0;
  return true;
}

int64_t mde_budget_wait_ms(struct mde_budget *b, int64_t now_ms) {
  refill(b, now_ms);
  double need_m = b->minute >= 1.0 ? 0 : (1.0 - b->minute) / MINUTE_RATE;
  double need_h = b->hour >= 1.0 ? 0 : (1.0 - b->hour) / HOUR_RATE;
  double need = need_m > need_h ? need_m : need_h;
  return (int64_t)(need + 0.999);
}
