/* SPDX-License-Identifier: MIT */
/* Client secrets from files or the environment (see include/mde/secret.h). */
#include "mde/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static enum mde_failure fail(char *err, size_t err_size, const char *fmt,
                             const char *path, const char *detail) {
  snprintf(err, err_size, fmt, path, detail);
  return MDE_FAIL_CREDENTIAL_UNUSABLE;
}

static void trim(char *s, size_t *len) {
  while (*len > 0 && (s[*len - 1] == '\n' || s[*len - 1] == '\r'))
    s[--*len] = '\0';
}

int mde_secret_open(const char *path, const char *what, struct stat *st,
                    char *warn, size_t warn_size, char *err, size_t err_size) {
  if (warn && warn_size)
    warn[0] = '\0';
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    snprintf(err, err_size, "cannot open %s %s: %s", what, path,
             strerror(errno));
    return -1;
  }
  char mode[8];
  uid_t me = geteuid();
  if (fstat(fd, st) != 0) {
    snprintf(err, err_size, "cannot stat %s %s: %s", what, path,
             strerror(errno));
    goto refuse;
  }
  if (!S_ISREG(st->st_mode)) {
    snprintf(err, err_size, "%s %s is not a regular file%s", what, path,
             S_ISDIR(st->st_mode)    ? " (a directory)"
             : S_ISFIFO(st->st_mode) ? " (a FIFO)"
                                     : "");
    goto refuse;
  }
  snprintf(mode, sizeof mode, "%04o", (unsigned)(st->st_mode & 07777));
  if (st->st_mode & S_IRWXO) {
    snprintf(err, err_size,
             "%s %s is accessible by other users (mode %s); run: chmod 600 "
             "%s",
             what, path, mode, path);
    goto refuse;
  }
  /* Another user who owns the file can chmod it, or swap its content. */
  if (st->st_uid != me && st->st_uid != 0) {
    snprintf(err, err_size,
             "%s %s is owned by uid %u, not by the user running this (uid "
             "%u) or root; run: chown %u %s",
             what, path, (unsigned)st->st_uid, (unsigned)me, (unsigned)me,
             path);
    goto refuse;
  }
  if ((st->st_mode & S_IRWXG) && warn)
    snprintf(warn, warn_size,
             "%s %s is readable by its group (mode %s); chmod 600 unless "
             "that group needs it",
             what, path, mode);
  return fd;
refuse:
  close(fd);
  return -1;
}

enum mde_failure mde_secret_file_check(const char *path, const char *what,
                                       char *err, size_t err_size) {
  struct stat st;
  int fd = mde_secret_open(path, what, &st, NULL, 0, err, err_size);
  if (fd < 0)
    return MDE_FAIL_CREDENTIAL_UNUSABLE;
  close(fd);
  return MDE_FAIL_NONE;
}

enum mde_failure mde_secret_load_file(const char *path, struct mde_secret *out,
                                      char *warn, size_t warn_size, char *err,
                                      size_t err_size) {
  *out = (struct mde_secret){0};
  struct stat st;
  int fd =
      mde_secret_open(path, "secret file", &st, warn, warn_size, err, err_size);
  if (fd < 0)
    return MDE_FAIL_CREDENTIAL_UNUSABLE;
  enum mde_failure rc = MDE_FAIL_CREDENTIAL_UNUSABLE;
  if (st.st_size > MDE_SECRET_MAX) {
    fail(err, err_size, "secret file %s is larger than %s bytes", path, "8192");
    goto out;
  }
  /* Read on the stack (wiped below), keep an exact-size copy: a tenant
   * should not cost 8 KiB for a 40-byte secret. */
  char buf[MDE_SECRET_MAX + 2];
  ssize_t n = read(fd, buf, MDE_SECRET_MAX + 1);
  if (n < 0) {
    fail(err, err_size, "cannot read secret file %s: %s", path,
         strerror(errno));
    goto out;
  }
  size_t len = (size_t)n;
  buf[len] = '\0';
  trim(buf, &len);
  if (len == 0 || len > MDE_SECRET_MAX || strcspn(buf, "\r\n") != len) {
    fail(err, err_size, "secret file %s is %s", path,
         len == 0 ? "empty" : "not a single-line secret");
    OPENSSL_cleanse(buf, sizeof buf);
    goto out;
  }
  out->value = malloc(len + 1);
  if (out->value) {
    memcpy(out->value, buf, len + 1);
    out->len = len;
  }
  OPENSSL_cleanse(buf, sizeof buf);
  if (!out->value) {
    rc = MDE_FAIL_INTERNAL;
    snprintf(err, err_size, "out of memory reading %s", path);
    goto out;
  }
  out->dev = st.st_dev;
  out->ino = st.st_ino;
  out->size = st.st_size;
  out->mtime = st.st_mtim;
  out->mode = st.st_mode;
  out->uid = st.st_uid;
  rc = MDE_FAIL_NONE;
out:
  close(fd);
  if (rc != MDE_FAIL_NONE)
    mde_secret_free(out);
  return rc;
}

enum mde_failure mde_secret_load_env(const char *name, struct mde_secret *out,
                                     char *err, size_t err_size) {
  *out = (struct mde_secret){0};
  const char *v = getenv(name);
  if (!v || !*v)
    return fail(err, err_size, "environment variable %s%s", name,
                " is not set or empty");
  out->len = strnlen(v, MDE_SECRET_MAX + 1);
  if (out->len > MDE_SECRET_MAX)
    return fail(err, err_size, "environment variable %s%s", name,
                " is longer than 8192 bytes");
  out->value = strdup(v);
  if (!out->value)
    return MDE_FAIL_INTERNAL;
  trim(out->value, &out->len);
  /* "\n" alone would send an empty client_secret; "a\nb" a broken one */
  if (out->len == 0 || strcspn(out->value, "\r\n") != out->len) {
    bool empty = out->len == 0;
    mde_secret_free(out);
    return fail(err, err_size, "environment variable %s%s", name,
                empty ? " holds only a line break: set it to the secret"
                      : " is not a single-line secret");
  }
  return MDE_FAIL_NONE;
}

int mde_secret_file_changed(const char *path, const struct mde_secret *s) {
  struct stat st;
  if (stat(path, &st) != 0)
    return 1;
  return st.st_dev != s->dev || st.st_ino != s->ino || st.st_size != s->size ||
         st.st_mtim.tv_sec != s->mtime.tv_sec ||
         st.st_mtim.tv_nsec != s->mtime.tv_nsec || st.st_mode != s->mode ||
         st.st_uid != s->uid;
}

void mde_secret_free(struct mde_secret *s) {
  if (s->value) {
    OPENSSL_cleanse(s->value, s->len);
    free(s->value);
  }
  *s = (struct mde_secret){0};
}
