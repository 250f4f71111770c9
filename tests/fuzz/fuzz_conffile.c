/* libFuzzer harness for check_mde's reader of collectd.conf syntax: any
 * bytes give a tree or an error naming file and line, never a crash or a
 * leak. Inputs with Include are skipped: they would read files of this
 * machine, which is not what is being tested here. */
#include "conffile.h"

#include <ctype.h>

#include "fuzz.h"

static size_t count(const oconfig_item_t *ci) {
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
  char *lower = fz_cstr(data, size);
  for (char *p = lower; *p; p++)
    *p = (char)tolower((unsigned char)*p);
  int includes = strstr(lower, "include") != NULL;
  free(lower);
  if (includes) {
    free(text);
    return 0;
  }
  char err[512] = "";
  oconfig_item_t *root =
      conffile_parse_text(text, strlen(text), "fuzz.conf", err, sizeof(err));
  if (root) {
    fz_assert(count(root) >= 1);
    conffile_plugin_block(root, "mde");
    conffile_free(root);
  } else {
    fz_assert(strncmp(err, "fuzz.conf:", 10) == 0);
    fz_assert_clean(err, sizeof(err));
  }
  free(text);
  return 0;
}
