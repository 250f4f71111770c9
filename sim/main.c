/* SPDX-License-Identifier: MIT */
/* mde-sim: a simulator of Microsoft Entra ID's token endpoints, discovery
 * and signing keys, and the Microsoft Defender for Endpoint API, over real
 * HTTPS, driven by a scenario file and changed at run time through a
 * loopback admin interface. */
#include "admin.h"
#include "dispatch.h"
#include "http.h"
#include "scenario.h"
#include "world.h"

#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: mde-sim --scenario FILE --cert PEM --key PEM\n"
    "               [--listen 127.0.0.1:8443] [--admin 127.0.0.1:8444]\n"
    "               [--data-dir DIR] [--ready-file FILE]\n"
    "               [--idle-timeout S] [--max-connections N]\n"
    "\n"
    "Simulates Microsoft Entra ID (client-credentials token endpoints v1 and\n"
    "v2, OpenID discovery, signing keys) and the Microsoft Defender for\n"
    "Endpoint API (/api/alerts, /api/machines, /api/exposureScore) over\n"
    "HTTPS on --listen, for the world described by the scenario file.\n"
    "\n"
    "  --scenario FILE    the world: apps, tenants, alerts, faults (JSON)\n"
    "  --cert PEM         TLS certificate chain for --listen\n"
    "  --key PEM          its private key\n"
    "  --listen H:P       service address (default 127.0.0.1:8443; port 0\n"
    "                     picks a free port)\n"
    "  --admin H:P        admin interface, plain HTTP, JSON (default\n"
    "                     127.0.0.1:8444); keep it on loopback\n"
    "  --data-dir DIR     where certificate files named in the scenario are\n"
    "                     (default: the scenario file's folder)\n"
    "  --ready-file FILE  once serving, write \"listen=H:P admin=H:P\" here\n"
    "  --idle-timeout S   close a connection silent for S seconds (default\n"
    "                     30, 1 to 3600)\n"
    "  --max-connections N  connections at once (default 1024, 2 to 65536);\n"
    "                     one client address may hold half of them\n"
    "  -h, --help         this text\n"
    "  -V, --version      the version\n"
    "\n"
    "Stops cleanly on SIGINT or SIGTERM. Schema and admin routes:\n"
    "examples/scenarios/README.md\n";

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = calloc(1, 1 << 20);
  size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
  fclose(f);
  if (buf && n == 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static int parse_limit(const char *opt, const char *arg, long min, long max,
                       unsigned *out) {
  char *end = NULL;
  long v = strtol(arg, &end, 10);
  if (end == arg || *end || v < min || v > max) {
    fprintf(stderr,
            "mde-sim: %s: '%s' must be a whole number from %ld to %ld\n", opt,
            arg, min, max);
    return -1;
  }
  *out = (unsigned)v;
  return 0;
}

static bool loopback(const char *addr) {
  return strncmp(addr, "127.", 4) == 0 || strncmp(addr, "[::1]:", 6) == 0 ||
         strncmp(addr, "localhost:", 10) == 0;
}

int main(int argc, char **argv) {
  const char *scenario = NULL, *cert = NULL, *key = NULL, *ready = NULL;
  const char *listen = "127.0.0.1:8443", *admin = "127.0.0.1:8444";
  const char *data_dir = NULL;
  struct sim_limits limits = {0};
  static const struct option opts[] = {
      {"scenario", required_argument, NULL, 's'},
      {"cert", required_argument, NULL, 'c'},
      {"key", required_argument, NULL, 'k'},
      {"listen", required_argument, NULL, 'l'},
      {"admin", required_argument, NULL, 'a'},
      {"data-dir", required_argument, NULL, 'd'},
      {"ready-file", required_argument, NULL, 'r'},
      {"idle-timeout", required_argument, NULL, 'i'},
      {"max-connections", required_argument, NULL, 'm'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0},
  };
  for (int c; (c = getopt_long(argc, argv, "hV", opts, NULL)) != -1;) {
    switch (c) {
    case 's':
      scenario = optarg;
      break;
    case 'c':
      cert = optarg;
      break;
    case 'k':
      key = optarg;
      break;
    case 'l':
      listen = optarg;
      break;
    case 'a':
      admin = optarg;
      break;
    case 'd':
      data_dir = optarg;
      break;
    case 'r':
      ready = optarg;
      break;
    case 'i':
    case 'm':
      if (parse_limit(c == 'i' ? "--idle-timeout" : "--max-connections", optarg,
                      c == 'i' ? 1 : 2, c == 'i' ? 3600 : 65536,
                      c == 'i' ? &limits.idle_timeout_s
                               : &limits.max_connections) != 0)
        return 2;
      break;
    case 'h':
      fputs(usage, stdout);
      return 0;
    case 'V':
      puts("mde-sim " MDE_VERSION);
      return 0;
    default:
      fputs(usage, stderr);
      return 2;
    }
  }
  if (optind < argc || !scenario || !cert || !key) {
    fprintf(stderr, "mde-sim: %s\n\n%s",
            optind < argc ? "unexpected argument"
                          : "--scenario, --cert and --key are required",
            usage);
    return 2;
  }
  if (!loopback(admin))
    fprintf(stderr,
            "mde-sim: warning: the admin interface on %s has no "
            "authentication; anyone who reaches it can change the "
            "world\n",
            admin);

  /* Threads inherit this mask: only the main thread takes the signals. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);

  char err[1024];
  int rc = 1;
  char *cert_pem = slurp(cert), *key_pem = slurp(key);
  char *dir_copy = strdup(scenario);
  struct sim_world world;
  struct sim_server *svc = NULL, *adm = NULL;
  if (sim_world_init(&world) != 0) {
    fputs("mde-sim: cannot create signing keys\n", stderr);
    goto out;
  }
  if (!cert_pem || !key_pem) {
    fprintf(stderr, "mde-sim: cannot read %s\n", !cert_pem ? cert : key);
    goto out_world;
  }
  if (sim_scenario_load(&world, scenario,
                        data_dir ? data_dir : dirname(dir_copy), err,
                        sizeof err) != 0) {
    fprintf(stderr, "mde-sim: %s\n", err);
    goto out_world;
  }
  svc = sim_server_start(listen, cert_pem, key_pem, sim_dispatch, &world,
                         &limits, err, sizeof err);
  if (!svc) {
    fprintf(stderr, "mde-sim: --listen: %s\n", err);
    goto out_world;
  }
  adm = sim_server_start(admin, NULL, NULL, sim_admin, &world, NULL, err,
                         sizeof err);
  if (!adm) {
    fprintf(stderr, "mde-sim: --admin: %s\n", err);
    goto out_world;
  }
  printf("mde-sim: %zu tenants, %zu apps; https://%s (admin http://%s)\n",
         world.n_tenants, world.n_apps, sim_server_address(svc),
         sim_server_address(adm));
  fflush(stdout);
  if (ready) {
    FILE *f = fopen(ready, "w");
    if (!f) {
      fprintf(stderr, "mde-sim: cannot write %s\n", ready);
      goto out_world;
    }
    fprintf(f, "listen=%s admin=%s\n", sim_server_address(svc),
            sim_server_address(adm));
    fclose(f);
  }
  int sig = 0;
  sigwait(&stop, &sig);
  rc = 0;
out_world:
  sim_server_stop(adm);
  sim_server_stop(svc);
  sim_world_free(&world);
out:
  free(cert_pem);
  if (key_pem)
    memset(key_pem, 0, strlen(key_pem));
  free(key_pem);
  free(dir_copy);
  return rc;
}
