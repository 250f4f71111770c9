/* collectd.conf syntax, read by check_mde so that `--config` takes the very
 * <Plugin mde> block collectd uses: "Key value ..." statements, <Block
 * "arg">...</Block>, quoted strings with \" and \\, numbers, booleans
 * (true/false, yes/no, on/off), unquoted words, # comments, backslash line
 * continuations, and Include of a file or of a directory's files. Built into
 * collectd's own oconfig_item_t tree. Bounded (size, depth, values, files)
 * because a config file is input too. */
#ifndef CHECK_CONFFILE_H
#define CHECK_CONFFILE_H

#include <stddef.h>

#include "liboconfig/oconfig.h"

/* Returns the root item (its children are the file's statements) or NULL
 * with "FILE:LINE: what" in `err`. */
oconfig_item_t *conffile_parse_file(const char *path, char *err,
                                    size_t err_size);
oconfig_item_t *conffile_parse_text(const char *text, size_t len,
                                    const char *name, char *err,
                                    size_t err_size);
void conffile_free(oconfig_item_t *root);
/* The first <Plugin NAME> block (also one nested in <LoadPlugin NAME>),
 * or NULL. */
const oconfig_item_t *conffile_plugin_block(const oconfig_item_t *root,
                                            const char *name);

#endif
