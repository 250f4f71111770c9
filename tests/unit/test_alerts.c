/* SPDX-License-Identifier: MIT */
/* Alerts pages (the spec's sample shape), timestamps, and the alert index
 * that turns pages into exact counts. */
#include "../support/alerts_tree.h"
#include "mde/alerts.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Abridged from the spec's GET /api/alerts response (B.1.1 field order). */
static const char page_json[] =
    "{\"@odata.context\":\"https://api.securitycenter.microsoft.com/api/"
    "$metadata#Alerts\",\"value\":["
    "{\"id\":\"da637472900382838869_1364969609\",\"incidentId\":1126093,"
    "\"investigationId\":null,\"assignedTo\":null,\"severity\":\"Low\","
    "\"status\":\"New\",\"classification\":null,\"determination\":null,"
    "\"investigationState\":\"Queued\",\"detectionSource\":"
    "\"WindowsDefenderAtp\",\"category\":\"Execution\",\"title\":\"Low-"
    "reputation arbitrary code executed by signed executable\","
    "\"alertCreationTime\":\"2021-01-26T20:33:57.7220239Z\","
    "\"lastUpdateTime\":\"2021-01-26T20:33:59.2Z\",\"resolvedTime\":null,"
    "\"evidence\":[]},"
    "{\"id\":\"b\",\"severity\":\"High\",\"status\":\"InProgress\","
    "\"lastUpdateTime\":\"2021-01-27T00:00:00Z\"},"
    "{\"id\":\"c\",\"severity\":\"UnSpecified\",\"status\":\"Resolved\"},"
    "{\"id\":\"d\",\"severity\":\"Severe\",\"status\":\"Unknown\"}],"
    "\"@odata.nextLink\":\"https://api.securitycenter.microsoft.com/api/"
    "alerts?$skip=4\"}";

static void parses_a_page(void **state) {
  (void)state;
  struct mde_alert_page p;
  char err[256];
  assert_int_equal(
      mde_alert_page_parse(page_json, strlen(page_json), &p, err, sizeof err),
      MDE_FAIL_NONE);
  assert_int_equal(p.n, 4);
  assert_string_equal(p.items[0].id, "da637472900382838869_1364969609");
  assert_int_equal(p.items[0].severity, MDE_SEVERITY_LOW);
  assert_int_equal(p.items[0].status, MDE_STATUS_NEW);
  assert_true(p.items[0].last_update_us == INT64_C(1611693239200000));
  assert_int_equal(p.items[1].status, MDE_STATUS_INPROGRESS);
  assert_int_equal(p.items[1].severity, MDE_SEVERITY_HIGH);
  assert_int_equal(p.items[2].severity, MDE_SEVERITY_UNSPECIFIED);
  assert_true(p.items[2].last_update_us == -1);
  assert_int_equal(p.items[3].severity, MDE_SEVERITY_UNSPECIFIED);
  assert_int_equal(p.items[3].status, MDE_STATUS_UNKNOWN);
  assert_string_equal(p.next_link,
                      "https://api.securitycenter.microsoft.com/api/"
                      "alerts?$skip=4");
  mde_alert_page_free(&p);
}

static void refuses_what_is_not_a_page(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "[]",
      "{}",
      "{\"value\":{}}",
      "{\"value\":[1]}",
      "{\"value\":[{\"id\":7}]}",
      "{\"value\":[{\"id\":\"\"}]}",
      "{\"value\":[{}]}",
      "{\"value\":[",
      "<html>busy</html>",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct mde_alert_page p;
    char err[256] = "";
    assert_int_equal(
        mde_alert_page_parse(bad[i], strlen(bad[i]), &p, err, sizeof err),
        MDE_FAIL_PROTOCOL);
    assert_true(err[0] != '\0');
    assert_null(p.items);
  }
}

/* Parses `len` bytes of `body` both ways, streaming and as one tree (the
 * parse before), and fails unless they agree; returns the class. */
static enum mde_failure both_ways(const char *body, size_t len,
                                  struct mde_alert_page *p, char *err,
                                  size_t err_size) {
  char *copy = malloc(len ? len : 1); /* no byte past len to lean on */
  assert_non_null(copy);
  memcpy(copy, body, len);
  enum mde_failure f = mde_alert_page_parse(copy, len, p, err, err_size);
  char why[128];
  if (!alerts_same_as_tree(copy, len, f, p, why, sizeof why))
    fail_msg("%.*s: %s", (int)(len < 200 ? len : 200), body, why);
  free(copy);
  return f;
}

/* A page cut at every byte is refused as the whole-tree parse refused it
 * (the only prefix that parses is the whole page). */
static void a_page_cut_anywhere_is_refused_as_before(void **state) {
  (void)state;
  size_t len = strlen(page_json);
  for (size_t k = 0; k <= len; k++) {
    struct mde_alert_page p;
    char err[256] = "";
    enum mde_failure f = both_ways(page_json, k, &p, err, sizeof err);
    assert_int_equal(f, k == len ? MDE_FAIL_NONE : MDE_FAIL_PROTOCOL);
    if (k < len)
      assert_string_equal(err, "alerts page is not {\"value\": [...]} JSON");
    mde_alert_page_free(&p);
  }
}

/* JSON that text-level scanning gets wrong, and the envelope's rules:
 * each row's class, item count, nextLink and first id, and the same as the
 * tree parse. */
static void envelopes_parse_as_one_tree_did(void **state) {
  (void)state;
  static const struct {
    const char *body;
    enum mde_failure f;
    size_t n;
    const char *next, *id0, *err;
  } rows[] = {
      /* strings holding brackets, braces, commas, colons, escaped quotes */
      {"{\"value\":[{\"id\":\"a]}\\\",{\",\"title\":\"x\\\\\\\"]\"},{\"id\":"
       "\"b\"}]}",
       MDE_FAIL_NONE, 2, NULL, "a]}\",{", NULL},
      {"{\"x\":\"]}\\\"\",\"value\":[{\"id\":\"a\"}]}", MDE_FAIL_NONE, 1, NULL,
       "a", NULL},
      {"{\"value\":[{\"id\":\"\\u0061\\/\"}]}", MDE_FAIL_NONE, 1, NULL, "a/",
       NULL},
      /* `value` not an array, or missing */
      {"{\"value\":\"[]\"}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"{\"value\":{\"0\":{\"id\":\"a\"}}}", MDE_FAIL_PROTOCOL, 0, NULL, NULL,
       "not {"},
      {"{\"value\":null}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"{\"Value\":[]}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"[{\"value\":[]}]", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      /* members in any order, nextLink before value */
      {"{\"@odata.nextLink\":\"https://n\",\"@odata.context\":\"c\","
       "\"value\":[{\"id\":\"a\"}]}",
       MDE_FAIL_NONE, 1, "https://n", "a", NULL},
      {"{\"value\":[],\"@odata.nextLink\":\"https://n\"}", MDE_FAIL_NONE, 0,
       "https://n", NULL, NULL},
      {"{\"@odata.nextLink\":null,\"value\":[]}", MDE_FAIL_NONE, 0, NULL, NULL,
       NULL},
      /* the first of duplicate names wins; the others must still parse */
      {"{\"value\":[{\"id\":\"a\"}],\"value\":[]}", MDE_FAIL_NONE, 1, NULL, "a",
       NULL},
      {"{\"value\":1,\"value\":[{\"id\":\"a\"}]}", MDE_FAIL_PROTOCOL, 0, NULL,
       NULL, "not {"},
      {"{\"value\":[],\"value\":[}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"{\"@odata.nextLink\":7,\"value\":[],\"@odata.nextLink\":\"https://n\"}",
       MDE_FAIL_NONE, 0, NULL, NULL, NULL},
      {"{\"val\\u0075e\":[{\"id\":\"a\"}]}", MDE_FAIL_NONE, 1, NULL, "a", NULL},
      /* punctuation */
      {"{\"value\":[{\"id\":\"a\"},]}", MDE_FAIL_PROTOCOL, 0, NULL, NULL,
       "not {"},
      {"{\"value\":[],}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"{,\"value\":[]}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"{\"value\":[] \"x\":1}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"{\"value\" []}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"{value:[]}", MDE_FAIL_PROTOCOL, 0, NULL, NULL, "not {"},
      {"{\"value\":[{\"id\":\"a\"} {\"id\":\"b\"}]}", MDE_FAIL_PROTOCOL, 0,
       NULL, NULL, "not {"},
      /* cJSON's whitespace is every byte to 0x20; a BOM only at the start */
      {" \t\r\n\x01{\x1f\"value\"\x02:\x03[\x04{\"id\":\"a\"}\x05]\x06}",
       MDE_FAIL_NONE, 1, NULL, "a", NULL},
      {"\xEF\xBB\xBF{\"value\":[]}", MDE_FAIL_NONE, 0, NULL, NULL, NULL},
      {"{\"value\":[\xEF\xBB\xBF{\"id\":\"a\"}]}", MDE_FAIL_PROTOCOL, 0, NULL,
       NULL, "not {"},
      {"{\"x\":\xEF\xBB\xBF\"y\",\"value\":[]}", MDE_FAIL_PROTOCOL, 0, NULL,
       NULL, "not {"},
      /* after the top-level object: ignored, as cJSON ignores it */
      {"{\"value\":[{\"id\":\"a\"}]} trailing, {[\"", MDE_FAIL_NONE, 1, NULL,
       "a", NULL},
      /* a bad alert is said only of a page that parses */
      {"{\"value\":[{\"id\":\"a\"},{\"id\":\"\"},{\"id\":\"c\"}]}",
       MDE_FAIL_PROTOCOL, 0, NULL, NULL, "alert 1 has no usable \"id\""},
      {"{\"value\":[{\"id\":\"a\"},5]}", MDE_FAIL_PROTOCOL, 0, NULL, NULL,
       "alert 1 has no usable \"id\""},
      {"{\"value\":[{\"id\":\"a\"},{\"id\":\"\"}],\"x\":}", MDE_FAIL_PROTOCOL,
       0, NULL, NULL, "not {"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    struct mde_alert_page p;
    char err[256] = "";
    enum mde_failure f =
        both_ways(rows[i].body, strlen(rows[i].body), &p, err, sizeof err);
    if (f != rows[i].f || p.n != rows[i].n)
      fail_msg("row %zu: class %d, %zu items (%s)", i, (int)f, p.n, err);
    if (rows[i].next)
      assert_string_equal(p.next_link, rows[i].next);
    else
      assert_null(p.next_link);
    if (rows[i].id0)
      assert_string_equal(p.items[0].id, rows[i].id0);
    if (rows[i].err && !strstr(err, rows[i].err))
      fail_msg("row %zu: \"%s\" does not say \"%s\"", i, err, rows[i].err);
    mde_alert_page_free(&p);
  }
  /* NUL bytes are whitespace to cJSON too */
  static const char nul[] = "{\"value\":[\0{\"id\":\"a\"}\0]}";
  struct mde_alert_page p;
  char err[256];
  assert_int_equal(both_ways(nul, sizeof nul - 1, &p, err, sizeof err),
                   MDE_FAIL_NONE);
  assert_int_equal(p.n, 1);
  mde_alert_page_free(&p);
}

/* "[[[...]]]" nested `k` deep, with `pre` before and `post` after. */
static char *nested(const char *pre, int k, const char *post) {
  size_t n = strlen(pre) + 2 * (size_t)k + strlen(post) + 1;
  char *s = malloc(n);
  assert_non_null(s);
  snprintf(s, n, "%s%*s%*s%s", pre, k, "", k, "", post);
  char *o = s + strlen(pre);
  memset(o, '[', (size_t)k);
  memset(o + k, ']', (size_t)k);
  return s;
}

/* Nesting counts from the page's root, as in the tree: an alert may nest
 * 998 containers (itself included), another member 999. */
static void nesting_is_bounded_from_the_root(void **state) {
  (void)state;
  static const struct {
    const char *pre, *post;
    int k;
    enum mde_failure f;
  } rows[] = {
      {"{\"value\":[{\"id\":\"a\",\"x\":", "}]}", CJSON_NESTING_LIMIT - 3,
       MDE_FAIL_NONE},
      {"{\"value\":[{\"id\":\"a\",\"x\":", "}]}", CJSON_NESTING_LIMIT - 2,
       MDE_FAIL_PROTOCOL},
      {"{\"value\":[],\"x\":", "}", CJSON_NESTING_LIMIT - 1, MDE_FAIL_NONE},
      {"{\"value\":[],\"x\":", "}", CJSON_NESTING_LIMIT, MDE_FAIL_PROTOCOL},
      {"{\"value\":", "}", CJSON_NESTING_LIMIT, MDE_FAIL_PROTOCOL},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char *body = nested(rows[i].pre, rows[i].k, rows[i].post);
    struct mde_alert_page p;
    char err[256];
    enum mde_failure f = both_ways(body, strlen(body), &p, err, sizeof err);
    if (f != rows[i].f)
      fail_msg("row %zu (%d deep): class %d", i, rows[i].k, (int)f);
    mde_alert_page_free(&p);
    free(body);
  }
}

static void parses_timestamps(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int64_t us;
  } rows[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2021-01-26T20:33:57.7220239Z", INT64_C(1611693237722023)},
      {"2021-01-26T20:33:57.7Z", INT64_C(1611693237700000)},
      {"2021-01-26T20:33:57", -1},
      {"2021-01-26 20:33:57Z", -1},
      {"2021-13-26T20:33:57Z", -1},
      /* every calendar field at its bounds */
      {"2021-12-31T23:59:59Z", INT64_C(1640995199000000)},
      {"2021-01-01T00:00:00Z", INT64_C(1609459200000000)},
      {"2021-00-10T00:00:00Z", -1},
      {"2021-01-00T00:00:00Z", -1},
      {"2021-01-32T00:00:00Z", -1},
      {"2021-01-01T24:00:00Z", -1},
      {"2021-01-01T00:60:00Z", -1},
      {"2021-01-26T20:33:57.Z", -1},
      {"2021-01-26T20:33:57Zjunk", -1},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    if (mde_parse_timestamp_us(rows[i].s) != rows[i].us)
      fail_msg("%s: %lld", rows[i].s,
               (long long)mde_parse_timestamp_us(rows[i].s));
  assert_true(mde_parse_timestamp_us(NULL) == -1);
}

static struct mde_alert_item item(const char *id, int status, int severity,
                                  int64_t t) {
  struct mde_alert_item it = {.status = (uint8_t)status,
                              .severity = (uint8_t)severity,
                              .last_update_us = t};
  snprintf(it.id, sizeof it.id, "%s", id);
  return it;
}

static void index_counts_exactly(void **state) {
  (void)state;
  struct mde_alert_index *ix = mde_alert_index_new();
  assert_true(mde_alert_index_newest(ix) == -1);
  char id[32];
  for (int i = 0; i < 5000; i++) { /* grows well past its first size */
    snprintf(id, sizeof id, "a%d", i);
    struct mde_alert_item it = item(id, i % 3, i % 5, i);
    assert_int_equal(mde_alert_index_put(ix, &it), 1);
  }
  struct mde_alert_item again =
      item("a10", MDE_STATUS_RESOLVED, MDE_SEVERITY_HIGH, 99999);
  assert_int_equal(mde_alert_index_put(ix, &again), 0); /* an update */
  assert_int_equal(mde_alert_index_size(ix), 5000);
  assert_true(mde_alert_index_newest(ix) == 99999);
  uint32_t c[MDE_STATUS_COUNT][MDE_SEVERITY_COUNT];
  mde_alert_index_count(ix, c);
  uint32_t total = 0;
  for (int s = 0; s < MDE_STATUS_COUNT; s++)
    for (int v = 0; v < MDE_SEVERITY_COUNT; v++)
      total += c[s][v];
  assert_int_equal(total, 5000);
  /* a10 was (status 1, severity 0) and is now (resolved, high) */
  assert_int_equal(c[1][0], 332);
  assert_true(mde_alert_index_has(ix, "a4999"));
  assert_false(mde_alert_index_has(ix, "a5000"));
  struct mde_alert_index *other = mde_alert_index_new();
  struct mde_alert_item x = item("a1", 0, 0, 0), y = item("zz", 0, 0, 0);
  mde_alert_index_put(other, &x);
  mde_alert_index_put(other, &y);
  assert_int_equal(mde_alert_index_missing_from(other, ix), 1);
  assert_int_equal(mde_alert_index_missing_from(other, NULL), 2);
  mde_alert_index_free(other);
  mde_alert_index_free(ix);
  assert_string_equal(mde_alert_status_name(MDE_STATUS_INPROGRESS),
                      "inprogress");
  assert_string_equal(mde_alert_severity_name(MDE_SEVERITY_UNSPECIFIED),
                      "unspecified");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_a_page),
      cmocka_unit_test(refuses_what_is_not_a_page),
      cmocka_unit_test(a_page_cut_anywhere_is_refused_as_before),
      cmocka_unit_test(envelopes_parse_as_one_tree_did),
      cmocka_unit_test(nesting_is_bounded_from_the_root),
      cmocka_unit_test(parses_timestamps),
      cmocka_unit_test(index_counts_exactly),
  };
  return cmocka_run_group_tests_name("alerts", tests, NULL, NULL);
}
