/* Client secrets, read from a file or an environment variable — never
 * from a command line, where every user can read them. A file must be a
 * regular file not readable by others (group-readable is allowed, with a
 * warning, for a daemon that runs under a group); the trailing newline is
 * trimmed. The value is wiped when freed. The file's identity (inode, size,
 * mtime) is kept so a changed file can be noticed and re-read. */
#ifndef MDE_SECRET_H
#define MDE_SECRET_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "mde/failure.h"

#define MDE_SECRET_MAX 8192

struct mde_secret {
  char *value; /* NUL-terminated; never log it */
  size_t len;
  /* identity of the file it came from (all zero for the environment) */
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
};

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
