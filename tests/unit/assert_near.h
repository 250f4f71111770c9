/* SPDX-License-Identifier: MIT */
/* assert_near(got, want, eps): cmocka's assert_float_equal converts to
 * float (33.4915540511957 within 1e-12 means nothing there) and passes a
 * NaN (both of its comparisons are false), so a value that went NaN slipped
 * through. This one compares doubles and fails on NaN. */
#ifndef MDE_TEST_ASSERT_NEAR_H
#define MDE_TEST_ASSERT_NEAR_H

#include <math.h>

#define assert_near(got, want, eps)                                            \
  do {                                                                         \
    double got_ = (got), want_ = (want);                                       \
    if (!(fabs(got_ - want_) <= (eps)))                                        \
      fail_msg("%s = %.17g, want %.17g within %g", #got, got_, want_,          \
               (double)(eps));                                                 \
  } while (0)

#endif
