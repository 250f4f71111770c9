/* SPDX-License-Identifier: MIT */
/* Client secrets, read from a file or an environment variable — never
 * from a command line, where every user can read them. Every file that
 * holds a secret (a secret file, a private key, a PKCS#12) follows one rule,
 * mde_secret_open(): opened without blocking (a FIFO must not hang the
 * daemon), a regular file, not accessible by others (group-readable is
 * allowed, with a warning, for a daemon that runs under a group), owned by
 * the user running us or by root. A secret's trailing newline is trimmed,
 * and the value is wiped when freed. The file's identity (inode, size,
 * mtime, mode, owner) is kept so a changed file — a new secret, or a chmod
 * that opened it to others — is noticed and read (and checked) again. */
#ifndef MDE_SECRET_H
#define MDE_SECRET_H

#include "mde/failure.h"

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define MDE_SECRET_MAX 8192

struct mde_secret {
  char *value; /* NUL-terminated; never log it */
  size_t len;
  /* identity of the file it came from (all zero for the environment) */
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  mode_t mode;
  uid_t uid;
};

/* Opens `path`, which holds a secret described by `what` ("secret file",
 * "private key", "PKCS#12 file"), under the rule above. Returns the open
 * descriptor (the caller closes it) with *st filled, or -1 with a reason
 * naming what, the file and the fix. `warn` (may be NULL) receives a
 * warning, "" if none. */
int mde_secret_open(const char *path, const char *what, struct stat *st,
                    char *warn, size_t warn_size, char *err, size_t err_size);
/* The same check without reading: for a file already loaded, to see at run
 * time that it has not been opened to others. */
enum mde_failure mde_secret_file_check(const char *path, const char *what,
                                       char *err, size_t err_size);

/* Returns MDE_FAIL_NONE, or MDE_FAIL_CREDENTIAL_UNUSABLE with a reason
 * naming the file and the fix. `warn` (may be NULL) receives a warning,
 * "" if none. Never blocks on a FIFO. */
enum mde_failure mde_secret_load_file(const char *path, struct mde_secret *out,
                                      char *warn, size_t warn_size, char *err,
                                      size_t err_size);
enum mde_failure mde_secret_load_env(const char *name, struct mde_secret *out,
                                     char *err, size_t err_size);
/* 1 if the file at `path` is no longer the one `s` was read from. */
int mde_secret_file_changed(const char *path, const struct mde_secret *s);
void mde_secret_free(struct mde_secret *s);

#endif
