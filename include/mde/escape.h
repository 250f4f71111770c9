/* SPDX-License-Identifier: MIT */
/* Text from outside — server bodies and headers, nextLinks, configuration
 * values, argv — made safe at the point it leaves the process: a log line,
 * a notification, a Nagios status line. A control byte (below 0x20, and
 * 0x7f) becomes "\xNN", so a newline cannot start a forged log line or an
 * "MDE OK" line of its own; with MDE_ESC_PIPE '|' becomes "\x7c" too, so
 * text never turns into Nagios perfdata. Other bytes (UTF-8 included) and
 * the backslash pass unchanged: escaping twice changes nothing. */
#ifndef MDE_ESCAPE_H
#define MDE_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

enum { MDE_ESC_PIPE = 1 };

/* Copies `src` (NULL: "") escaped into dst, NUL-terminated within `size`
 * bytes; a cut never splits an escape or a UTF-8 sequence. Returns dst. */
char *mde_escape(char *dst, size_t size, const char *src, unsigned flags);
/* The same written to a stream, whole. */
void mde_escape_fputs(const char *src, unsigned flags, FILE *out);

#endif
