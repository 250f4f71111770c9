/* SPDX-License-Identifier: MIT */
/* The body of a successful token-endpoint answer (HTTP 200), v1 or v2.
 * v1 sends its numbers as strings ("expires_in":"3599") and adds
 * expires_on, not_before and resource; v2 sends integers. Both shapes are
 * accepted whichever endpoint was called, since what a server sends is
 * what counts. */
#ifndef MDE_TOKEN_RESPONSE_H
#define MDE_TOKEN_RESPONSE_H

#include "mde/failure.h"

#include <stddef.h>
#include <time.h>

/* Larger bodies are refused before parsing. */
#define MDE_TOKEN_BODY_MAX (256 * 1024)
/* Longest access token accepted (they are a few KiB in practice). */
#define MDE_TOKEN_MAX_LEN (64 * 1024)

struct mde_token {
  /* Secret: malloc'd, printable ASCII without blanks (so it is safe in an
   * Authorization header), wiped by mde_token_free. Never log it. */
  char *access_token;
  size_t access_token_len;
  long long expires_in;     /* seconds, as sent */
  long long ext_expires_in; /* seconds, -1 when absent */
  time_t expires_on;        /* as sent, or `now` + expires_in when absent */
  time_t not_before;        /* as sent, 0 when absent */
  char *resource;           /* v1 only; NULL when absent */
};

/* Parses `body` (`len` bytes, need not be NUL-terminated). On success
 * returns MDE_FAIL_NONE and fills `out`, which the caller frees with
 * mde_token_free. Otherwise returns MDE_FAIL_PROTOCOL (with the reason,
 * naming the field, in `err`) or MDE_FAIL_INTERNAL, and leaves `out`
 * empty. The body holds the token too: the caller wipes it. */
enum mde_failure mde_token_parse(const char *body, size_t len, time_t now,
                                 struct mde_token *out, char *err,
                                 size_t err_size);
/* Wipes and frees; leaves `t` empty. Safe on an empty struct. */
void mde_token_free(struct mde_token *t);

#endif
