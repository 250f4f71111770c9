/* SPDX-License-Identifier: MIT */
/* mde-sim fixture for C tests (see simfix.h). */
#include "simfix.h"

#include "mde/buf.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *env(const char *name) {
  const char *v = getenv(name);
  if (!v)
    fprintf(stderr, "simfix: %s is not set (run through tests/run.sh)\n", name);
  return v;
}

int simfix_start(struct simfix *f, const char *scenario) {
  return simfix_start_idle(f, scenario, 0);
}

int simfix_start_idle(struct simfix *f, const char *scenario, int idle_s) {
  const char *build = env("MDE_BUILD"), *root = env("MDE_ROOT");
  const char *certs = env("MDE_CERTS"), *tmp = getenv("MDE_TEST_TMP");
  if (!build || !root || !certs)
    return -1;
  *f = (struct simfix){0};
  snprintf(f->dir, sizeof f->dir, "%s/simfix.XXXXXX", tmp ? tmp : "/tmp");
  if (!mkdtemp(f->dir))
    return -1;
  char bin[512], scen[512], cert[512], key[512], ready[300], log[300];
  snprintf(bin, sizeof bin, "%s/mde-sim", build);
  snprintf(scen, sizeof scen, "%s/%s", root, scenario);
  snprintf(cert, sizeof cert, "%s/server.pem", certs);
  snprintf(key, sizeof key, "%s/server.key", certs);
  snprintf(f->ca, sizeof f->ca, "%s/ca.pem", certs);
  snprintf(f->certs, sizeof f->certs, "%s", certs);
  snprintf(ready, sizeof ready, "%s/ready", f->dir);
  snprintf(log, sizeof log, "%s/sim.log", f->dir);
  pid_t parent = getpid();
  f->pid = fork();
  if (f->pid == 0) {
    /* A test that fails before simfix_stop (cmocka returns from it) must
     * not leave the simulator running once the test process ends. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
      _exit(126);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    char idle[16];
    snprintf(idle, sizeof idle, "%d", idle_s);
    char *argv[] = {bin,           "--scenario",
                    scen,          "--cert",
                    cert,          "--key",
                    key,           "--listen",
                    "127.0.0.1:0", "--admin",
                    "127.0.0.1:0", "--data-dir",
                    (char *)certs, "--ready-file",
                    ready,         idle_s > 0 ? "--idle-timeout" : NULL,
                    idle,          NULL};
    execv(bin, argv);
    _exit(127);
  }
  for (int i = 0; i < 200; i++) {
    FILE *r = fopen(ready, "r");
    char listen[64], admin[64];
    if (r && fscanf(r, "listen=%63s admin=%63s", listen, admin) == 2) {
      fclose(r);
      snprintf(f->base, sizeof f->base, "https://%s", listen);
      snprintf(f->admin, sizeof f->admin, "http://%s", admin);
      return 0;
    }
    if (r)
      fclose(r);
    if (waitpid(f->pid, NULL, WNOHANG) == f->pid)
      break;
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
  }
  fprintf(stderr, "simfix: mde-sim did not start; see %s\n", log);
  return -1;
}

int simfix_stop(struct simfix *f) {
  int status = -1;
  if (f->pid > 0) {
    kill(f->pid, SIGTERM);
    if (waitpid(f->pid, &status, 0) != f->pid)
      status = -1;
    f->pid = 0;
  }
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (rc != 0) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "sed 's/^/# sim: /' %s/sim.log | head -40",
             f->dir);
    if (system(cmd) != 0)
      fprintf(stderr, "simfix: could not show the log\n");
  }
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  if (system(cmd) != 0)
    fprintf(stderr, "simfix: could not remove %s\n", f->dir);
  return rc;
}

static size_t collect(char *d, size_t size, size_t n, void *user) {
  return mde_buf_append(user, d, size * n) == 0 ? size * n : 0;
}

cJSON *simfix_admin(const struct simfix *f, const char *method,
                    const char *path, const char *json) {
  CURL *c = curl_easy_init();
  if (!c)
    return NULL;
  char url[512];
  snprintf(url, sizeof url, "%s%s", f->admin, path);
  struct mde_buf b;
  mde_buf_init(&b, 16 << 20);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  if (json)
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  cJSON *out = rc == CURLE_OK && b.data ? cJSON_Parse(b.data) : NULL;
  mde_buf_free(&b);
  return out;
}

double simfix_number(const struct simfix *f, const char *path,
                     const char *dotted) {
  cJSON *root = simfix_admin(f, "GET", path, NULL);
  const cJSON *node = root;
  char key[256];
  for (const char *p = dotted; node && *p;) {
    size_t n = strcspn(p, ".");
    snprintf(key, sizeof key, "%.*s", (int)n, p);
    node = cJSON_GetObjectItemCaseSensitive(node, key);
    p += n + (p[n] == '.');
  }
  double v = cJSON_IsNumber(node) ? node->valuedouble : -1;
  cJSON_Delete(root);
  return v;
}

char *simfix_file(const struct simfix *f, const char *name, const char *value,
                  mode_t mode) {
  size_t n = strlen(f->dir) + strlen(name) + 2;
  char *path = malloc(n);
  snprintf(path, n, "%s/%s", f->dir, name);
  unlink(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || write(fd, value, strlen(value)) < 0 || fchmod(fd, mode) != 0)
    fprintf(stderr, "simfix: cannot write %s: %s\n", path, strerror(errno));
  if (fd >= 0)
    close(fd);
  return path;
}
