/* SPDX-License-Identifier: MIT */
/* check_mde reuses the collectd plugin's option parser (plugin/options.c)
 * so that --config means exactly what collectd reads. That parser calls a
 * few collectd functions; check_mde provides them here, with collectd's
 * semantics, and keeps the last error for the status line. */
#ifndef CHECK_SHIM_H
#define CHECK_SHIM_H

/* The last ERROR logged through the shim ("" if none). */
const char *shim_last_error(void);
/* Log lines (not errors) go to stderr when verbose. */
void shim_set_verbose(int verbose);

#endif
