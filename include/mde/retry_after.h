/* SPDX-License-Identifier: MIT */
/* Retry-After (RFC 9110 10.2.3) as a wait the engine can add to a clock:
 * delay-seconds or an HTTP-date, clamped to MDE_RETRY_AFTER_MAX so that a
 * hostile or broken peer can neither overflow `now + wait` nor mute a
 * tenant for years. */
#ifndef MDE_RETRY_AFTER_H
#define MDE_RETRY_AFTER_H

#include <time.h>

/* An hour: the longest window of the Defender API's quotas (1,500 calls
 * an hour), so no honest throttle asks for longer. */
#define MDE_RETRY_AFTER_MAX 3600L

/* Seconds to wait from `now`, in 0..MDE_RETRY_AFTER_MAX; -1 when `value`
 * (a header value, surrounding blanks allowed) is neither form. */
long mde_retry_after_parse(const char *value, time_t now);

#endif
