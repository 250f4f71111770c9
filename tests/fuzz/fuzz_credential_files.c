/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the loaders of files that hold a secret: a client
 * secret file (mde_secret_load_file), a PEM certificate with its key
 * (mde_credential_load_pem, the key in the same file) and a PKCS#12
 * (mde_credential_load_pkcs12). The first byte picks the loader, the rest
 * is written to a private file (mode 0600) that is loaded: a secret comes
 * back as one non-empty line without its newline; every failure names the
 * file; nothing leaks. */
#include "fuzz.h"
#include "mde/assertion.h"
#include "mde/secret.h"

#include <fcntl.h>
#include <unistd.h>

static char path[64];

static void remove_input(void) { unlink(path); }

static void write_input(const uint8_t *data, size_t size) {
  if (!path[0]) {
    snprintf(path, sizeof path, "/tmp/fuzz-credential-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
      abort();
    close(fd);
    atexit(remove_input);
  }
  int fd = open(path, O_WRONLY | O_TRUNC);
  if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
    abort();
  close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  write_input(data + 1, size - 1);
  char err[MDE_ERR_SIZE] = "";
  switch (data[0] % 3) {
  case 0: {
    struct mde_secret s;
    char warn[256];
    if (mde_secret_load_file(path, &s, warn, sizeof warn, err, sizeof err) ==
        MDE_FAIL_NONE) {
      fz_assert(s.len > 0 && s.len == strlen(s.value));
      fz_assert(!strpbrk(s.value, "\r\n"));
      mde_secret_free(&s);
    } else {
      fz_assert(strstr(err, path));
      fz_assert(!s.value);
    }
    break;
  }
  case 1:
  case 2: {
    struct mde_credential *c = NULL;
    enum mde_failure f =
        data[0] % 3 == 1
            ? mde_credential_load_pem(path, NULL, "pw", &c, err, sizeof err)
            : mde_credential_load_pkcs12(path, "pw", &c, err, sizeof err);
    if (f == MDE_FAIL_NONE)
      fz_assert(c && strlen(mde_credential_thumbprint(c)) == 40);
    else
      fz_assert(!c && strstr(err, path));
    mde_credential_free(c);
    break;
  }
  }
  return 0;
}
