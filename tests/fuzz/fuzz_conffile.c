/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for check_mde's reader of collectd.conf syntax: any
 * bytes give a tree or an error naming file and line, never a crash or a
 * leak, whatever bytes it holds (a NUL inside a string is an error, not a
 * string cut short). Inputs with Include are skipped: they would read files of
 * this machine, which is not what is being tested here. */
#define _GNU_SOURCE /* memmem */
#include "conffile.h"
#include "fuzz.h"

#include <ctype.h>

static size_t count(const struct conf_item *ci) {
  size_t n = 1;
  for (int i = 0; i < ci->children_num; i++) {
    fz_assert(ci->children[i].parent == ci);
    fz_assert(ci->children[i].key && ci->children[i].key[0]);
    n += count(&ci->children[i]);
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fz_cstr(data, size);
  /* every byte, NULs included: a NUL inside a string must be refused */
  char *lower = fz_cstr(data, size);
  for (size_t i = 0; i < size; i++)
    lower[i] = (char)tolower((unsigned char)lower[i]);
  int includes = memmem(lower, size, "include", 7) != NULL;
  free(lower);
  if (includes) {
    free(text);
    return 0;
  }
  char err[512] = "";
  struct conf_item *root =
      conffile_parse_text(text, size, "fuzz.conf", err, sizeof(err));
  if (root) {
    fz_assert(count(root) >= 1);
    conffile_plugin_block(root, "mde");
    fz_assert(conffile_plugin_blocks(root, "mde") >= 0);
    conffile_free(root);
  } else {
    fz_assert(strncmp(err, "fuzz.conf:", 10) == 0);
    fz_assert_clean(err, sizeof(err));
  }
  free(text);
  return 0;
}
