/* SPDX-License-Identifier: MIT */
/* collectd.conf syntax, read by check_mde so that `--config` takes the very
 * <Plugin mde> block collectd uses: "Key value ..." statements, <Block
 * "arg">...</Block>, quoted strings with \" and \\, numbers, booleans
 * (true/false, yes/no, on/off), unquoted words, # comments, backslash line
 * continuations, and Include as collectd 5.12 follows it: a file, a
 * directory (recursively, dot-files skipped, in strcmp order) or a shell
 * wildcard, with an optional file name pattern — `Include "DIR" "*.conf"` or
 * Debian's `<Include "DIR"> Filter "*.conf" </Include>`. Built into
 * our own item shape (conf_item.h), as collectd builds its oconfig_item_t.
 * Bounded (size, depth, values, files) because a config file is input too; a
 * NUL byte is refused, not a string silently cut short. */
#ifndef CHECK_CONFFILE_H
#define CHECK_CONFFILE_H

#include "conf_item.h"

#include <stddef.h>

/* Returns the root item (its children are the file's statements) or NULL
 * with "FILE:LINE: what" in `err`. */
struct conf_item *conffile_parse_file(const char *path, char *err,
                                      size_t err_size);
struct conf_item *conffile_parse_text(const char *text, size_t len,
                                      const char *name, char *err,
                                      size_t err_size);
void conffile_free(struct conf_item *root);
/* The first <Plugin NAME> block (also one nested in <LoadPlugin NAME>),
 * or NULL. */
const struct conf_item *conffile_plugin_block(const struct conf_item *root,
                                              const char *name);
/* How many <Plugin NAME> blocks there are (collectd allows the mde plugin
 * one). */
int conffile_plugin_blocks(const struct conf_item *root, const char *name);

#endif
