/* SPDX-License-Identifier: MIT */
/* collectd.conf parser for check_mde (see conffile.h). */
#include "conffile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE (1024 * 1024)
#define MAX_DEPTH 16
#define MAX_VALUES 64
#define MAX_INCLUDES 256 /* files read, and entries of one directory */
#define MAX_NESTING 8    /* directory levels below an Include, as collectd */

struct parser {
  const char *p, *end;
  const char *name;
  int line;
  char *err;
  size_t err_size;
  int *includes; /* files read so far through Include, in all: shared by
                    the parsers of included files (a count per chain let
                    six nested files make 37,449 opens) */
};

static int fail(struct parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(struct parser *ps, const char *fmt, ...) {
  int n = snprintf(ps->err, ps->err_size, "%s:%d: ", ps->name, ps->line);
  va_list ap;
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < ps->err_size)
    vsnprintf(ps->err + n, ps->err_size - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

static void free_item(struct conf_item *ci) {
  free(ci->key);
  for (int i = 0; i < ci->values_num; i++)
    if (ci->values[i].type == CONF_STRING)
      free(ci->values[i].value.string);
  free(ci->values);
  for (int i = 0; i < ci->children_num; i++)
    free_item(&ci->children[i]);
  free(ci->children);
}

void conffile_free(struct conf_item *root) {
  if (!root)
    return;
  free_item(root);
  free(root);
}

/* Skips blanks and continuations; stops at a newline or a comment. */
static void skip_blanks(struct parser *ps) {
  while (ps->p < ps->end) {
    if (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r') {
      ps->p++;
    } else if (*ps->p == '\\' && ps->p + 1 < ps->end && ps->p[1] == '\n') {
      ps->p += 2;
      ps->line++;
    } else {
      return;
    }
  }
}

static bool at_end_of_statement(struct parser *ps) {
  skip_blanks(ps);
  return ps->p >= ps->end || *ps->p == '\n' || *ps->p == '#';
}

static void skip_line(struct parser *ps) {
  while (ps->p < ps->end && *ps->p != '\n')
    ps->p++;
}

static bool word_char(char c) {
  return c && !isspace((unsigned char)c) && c != '"' && c != '#' && c != '<' &&
         c != '>';
}

/* One value: "string", number, boolean or unquoted word. */
static int read_value(struct parser *ps, struct conf_value *v) {
  if (*ps->p == '"') {
    ps->p++;
    size_t cap = 64, n = 0;
    char *s = malloc(cap);
    for (;;) {
      if (!s)
        return fail(ps, "out of memory");
      if (ps->p >= ps->end || *ps->p == '\n') {
        free(s);
        return fail(ps, "unterminated string");
      }
      char c = *ps->p++;
      if (c == '"')
        break;
      if (c == '\\' && ps->p < ps->end && *ps->p != '\n')
        c = *ps->p++;
      if (c == '\0') { /* it would cut the string short, silently */
        free(s);
        return fail(ps, "a NUL byte inside a quoted string");
      }
      if (n + 2 > cap) {
        char *grown = realloc(s, cap *= 2);
        if (!grown)
          free(s);
        s = grown;
        if (!s)
          continue;
      }
      s[n++] = c;
    }
    s[n] = '\0';
    *v = (struct conf_value){.value.string = s, .type = CONF_STRING};
    return 0;
  }
  const char *start = ps->p;
  while (ps->p < ps->end && word_char(*ps->p))
    ps->p++;
  size_t n = (size_t)(ps->p - start);
  if (n == 0) { /* never echo a control byte into a status line */
    unsigned char c = (unsigned char)*ps->p;
    if (isprint(c))
      return fail(ps, "unexpected '%c'", c);
    return fail(ps, "unexpected byte 0x%02x", c);
  }
  char *word = strndup(start, n);
  if (!word)
    return fail(ps, "out of memory");
  static const char *const truths[] = {"true", "yes", "on"};
  static const char *const lies[] = {"false", "no", "off"};
  for (int i = 0; i < 3; i++) {
    if (!strcasecmp(word, truths[i]) || !strcasecmp(word, lies[i])) {
      *v = (struct conf_value){.value.boolean = !strcasecmp(word, truths[i]),
                               .type = CONF_BOOLEAN};
      free(word);
      return 0;
    }
  }
  char *endp = NULL;
  errno = 0;
  double d = strtod(word, &endp);
  if (*endp == '\0' && errno == 0) {
    *v = (struct conf_value){.value.number = d, .type = CONF_NUMBER};
    free(word);
    return 0;
  }
  *v = (struct conf_value){.value.string = word, .type = CONF_STRING};
  return 0;
}

static int read_key(struct parser *ps, char **key) {
  const char *start = ps->p;
  while (ps->p < ps->end && (isalnum((unsigned char)*ps->p) || *ps->p == '_'))
    ps->p++;
  if (ps->p == start)
    return fail(ps, "expected an option name");
  *key = strndup(start, (size_t)(ps->p - start));
  return *key ? 0 : fail(ps, "out of memory");
}

static struct conf_item *add_child(struct parser *ps,
                                   struct conf_item *parent) {
  struct conf_item *v =
      realloc(parent->children, (size_t)(parent->children_num + 1) * sizeof *v);
  if (!v) {
    fail(ps, "out of memory");
    return NULL;
  }
  parent->children = v;
  struct conf_item *ci = &v[parent->children_num++];
  *ci = (struct conf_item){.parent = parent};
  return ci;
}

static int read_values(struct parser *ps, struct conf_item *ci, bool in_tag) {
  for (;;) {
    if (in_tag) {
      skip_blanks(ps);
      if (ps->p < ps->end && *ps->p == '>')
        return 0;
      if (ps->p >= ps->end || *ps->p == '\n' || *ps->p == '#')
        return fail(ps, "<%s ...> is missing its '>'", ci->key);
    } else if (at_end_of_statement(ps)) {
      return 0;
    }
    if (ci->values_num == MAX_VALUES)
      return fail(ps, "more than %d values", MAX_VALUES);
    struct conf_value *v =
        realloc(ci->values, (size_t)(ci->values_num + 1) * sizeof *v);
    if (!v)
      return fail(ps, "out of memory");
    ci->values = v;
    if (read_value(ps, &ci->values[ci->values_num]) != 0)
      return -1;
    ci->values_num++;
  }
}

static int expand_include(struct parser *ps, struct conf_item *parent,
                          int depth);

/* Statements until the end of input or until </closing>. */
static int parse_block(struct parser *ps, struct conf_item *parent,
                       const char *closing, int depth) {
  if (depth > MAX_DEPTH)
    return fail(ps, "blocks nested more than %d deep", MAX_DEPTH);
  for (;;) {
    skip_blanks(ps);
    if (ps->p >= ps->end) {
      if (closing)
        return fail(ps, "<%s> is never closed", closing);
      return 0;
    }
    if (*ps->p == '\n') {
      ps->p++;
      ps->line++;
      continue;
    }
    if (*ps->p == '#') {
      skip_line(ps);
      continue;
    }
    if (ps->p[0] == '<' && ps->p + 1 < ps->end && ps->p[1] == '/') {
      ps->p += 2;
      char *key = NULL;
      if (read_key(ps, &key) != 0)
        return -1;
      skip_blanks(ps);
      bool ok = closing && !strcasecmp(key, closing) && ps->p < ps->end &&
                *ps->p == '>';
      free(key);
      if (!ok)
        return fail(ps, closing ? "expected </%s>" : "unexpected </...>%s",
                    closing ? closing : "");
      ps->p++;
      if (!at_end_of_statement(ps))
        return fail(ps, "text after </%s>", closing);
      return 0;
    }
    bool block = *ps->p == '<';
    if (block)
      ps->p++;
    struct conf_item *ci = add_child(ps, parent);
    if (!ci || read_key(ps, &ci->key) != 0 || read_values(ps, ci, block) != 0)
      return -1;
    if (block) {
      ps->p++; /* '>' */
      if (!at_end_of_statement(ps))
        return fail(ps, "text after <%s ...>", ci->key);
      if (parse_block(ps, ci, ci->key, depth + 1) != 0)
        return -1;
    }
    if (!strcasecmp(ci->key, "Include") && expand_include(ps, parent, depth))
      return -1;
  }
}

static char *read_file(const char *path, size_t *len, char *err,
                       size_t err_size) {
  /* Without blocking, and regular files only: a directory Include walks
   * whatever is there, and a FIFO or a terminal must not hang the check. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  struct stat st;
  FILE *f = NULL;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      !(f = fdopen(fd, "r"))) {
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)))
      snprintf(err, err_size, "cannot read %s: not a regular file", path);
    else
      snprintf(err, err_size, "cannot read %s: %s", path, strerror(errno));
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  char *buf = malloc(MAX_FILE + 1);
  size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
  fclose(f);
  if (!buf || n > MAX_FILE) {
    snprintf(err, err_size, "%s is larger than 1 MiB", path);
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static int parse_into(struct conf_item *root, const char *text, size_t len,
                      const char *name, int *includes, char *err,
                      size_t err_size, int depth) {
  struct parser ps = {.p = text,
                      .end = text + len,
                      .name = name,
                      .line = 1,
                      .err = err,
                      .err_size = err_size,
                      .includes = includes};
  return parse_block(&ps, root, NULL, depth);
}

static int compare(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One path of an Include, as collectd 5.12 reads it: a directory
 * recursively (names starting with '.' skipped, strcmp order at each
 * level), a file if its name matches `pattern` (fnmatch; NULL: any). */
static int include_path(struct parser *ps, struct conf_item *parent,
                        const char *path, const char *pattern, int depth,
                        int nesting) {
  struct stat st;
  if (nesting > MAX_NESTING)
    return fail(ps, "Include \"%s\": directories nested more than %d deep",
                path, MAX_NESTING);
  if (stat(path, &st) != 0)
    return fail(ps, "Include \"%s\": %s", path, strerror(errno));
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (!d)
      return fail(ps, "Include \"%s\": %s", path, strerror(errno));
    char *names[MAX_INCLUDES];
    size_t n = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
      if (de->d_name[0] == '.')
        continue;
      if (n == MAX_INCLUDES) {
        rc = fail(ps, "Include \"%s\": more than %d entries", path,
                  MAX_INCLUDES);
        break;
      }
      if (!(names[n++] = strdup(de->d_name)))
        rc = fail(ps, "out of memory");
    }
    closedir(d);
    if (rc == 0)
      qsort(names, n, sizeof names[0], compare);
    for (size_t i = 0; i < n; i++) {
      char full[4096];
      snprintf(full, sizeof full, "%s/%s", path, names[i]);
      if (rc == 0)
        rc = include_path(ps, parent, full, pattern, depth, nesting + 1);
      free(names[i]);
    }
    return rc;
  }
  const char *base = strrchr(path, '/');
  if (pattern && fnmatch(pattern, base ? base + 1 : path, 0) != 0)
    return 0;
  if (++*ps->includes > MAX_INCLUDES)
    return fail(ps, "more than %d included files", MAX_INCLUDES);
  size_t len = 0;
  char *text = read_file(path, &len, ps->err, ps->err_size);
  if (!text)
    return -1;
  int rc = parse_into(parent, text, len, path, ps->includes, ps->err,
                      ps->err_size, depth);
  free(text);
  return rc;
}

/* `Include PATH [PATTERN]`, or `<Include PATH> Filter PATTERN </Include>`:
 * the statements read replace the Include item, the parent's last child.
 * PATH may be a shell wildcard (collectd uses wordexp; glob(3) here, which
 * never runs a command), its matches read in order. */
static int expand_include(struct parser *ps, struct conf_item *parent,
                          int depth) {
  struct conf_item *ci = &parent->children[parent->children_num - 1];
  char *path = NULL, *pattern = NULL;
  int rc = 0;
  if (ci->values_num < 1 || ci->values_num > 2 ||
      ci->values[0].type != CONF_STRING ||
      (ci->values_num == 2 && ci->values[1].type != CONF_STRING))
    rc = fail(ps, "Include takes a path and, optionally, a file name "
                  "pattern");
  for (int i = 0; rc == 0 && i < ci->children_num; i++) {
    const struct conf_item *o = &ci->children[i];
    if (strcasecmp(o->key, "Filter") || o->values_num != 1 ||
        o->values[0].type != CONF_STRING)
      rc = fail(ps, "<Include> takes only Filter \"PATTERN\"");
    else if (ci->values_num == 2)
      rc = fail(ps, "Include has two patterns; keep one");
    else
      pattern = strdup(o->values[0].value.string);
  }
  if (rc == 0) {
    path = strdup(ci->values[0].value.string);
    if (ci->values_num == 2)
      pattern = strdup(ci->values[1].value.string);
  }
  free_item(ci);
  parent->children_num--;
  if (rc == 0 && !path)
    rc = fail(ps, "out of memory");
  glob_t g = {0};
  if (rc == 0 && strpbrk(path, "*?[")) {
    int grc = glob(path, 0, NULL, &g);
    if (grc == GLOB_NOMATCH)
      rc = fail(ps, "Include \"%s\": no file matches", path);
    else if (grc != 0)
      rc = fail(ps, "Include \"%s\": cannot expand it", path);
    for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
      rc = include_path(ps, parent, g.gl_pathv[i], pattern, depth, 0);
    globfree(&g);
  } else if (rc == 0) {
    rc = include_path(ps, parent, path, pattern, depth, 0);
  }
  free(path);
  free(pattern);
  return rc;
}

/* Children moved while their arrays grew: set the parent links last. */
static void fix_parents(struct conf_item *ci) {
  for (int i = 0; i < ci->children_num; i++) {
    ci->children[i].parent = ci;
    fix_parents(&ci->children[i]);
  }
}

struct conf_item *conffile_parse_text(const char *text, size_t len,
                                      const char *name, char *err,
                                      size_t err_size) {
  struct conf_item *root = calloc(1, sizeof *root);
  if (!root) {
    snprintf(err, err_size, "out of memory");
    return NULL;
  }
  int includes = 0;
  if (parse_into(root, text, len, name, &includes, err, err_size, 0) != 0) {
    conffile_free(root);
    return NULL;
  }
  fix_parents(root);
  return root;
}

struct conf_item *conffile_parse_file(const char *path, char *err,
                                      size_t err_size) {
  size_t len = 0;
  char *text = read_file(path, &len, err, err_size);
  if (!text)
    return NULL;
  struct conf_item *root = conffile_parse_text(text, len, path, err, err_size);
  free(text);
  return root;
}

static bool names(const struct conf_item *ci, const char *key,
                  const char *name) {
  return !strcasecmp(ci->key, key) && ci->values_num >= 1 &&
         ci->values[0].type == CONF_STRING &&
         !strcasecmp(ci->values[0].value.string, name);
}

const struct conf_item *conffile_plugin_block(const struct conf_item *root,
                                              const char *name) {
  for (int i = 0; i < root->children_num; i++) {
    const struct conf_item *ci = &root->children[i];
    if (names(ci, "Plugin", name))
      return ci;
    if (names(ci, "LoadPlugin", name)) {
      const struct conf_item *inner = conffile_plugin_block(ci, name);
      if (inner)
        return inner;
    }
  }
  return NULL;
}

int conffile_plugin_blocks(const struct conf_item *root, const char *name) {
  int n = 0;
  for (int i = 0; i < root->children_num; i++) {
    const struct conf_item *ci = &root->children[i];
    if (names(ci, "Plugin", name))
      n++;
    else if (names(ci, "LoadPlugin", name))
      n += conffile_plugin_blocks(ci, name);
  }
  return n;
}
