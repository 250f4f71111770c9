/* SPDX-License-Identifier: MIT */
/* Certificate credentials and signed client assertions (see
 * include/mde/assertion.h). Private key material lives only inside
 * OpenSSL objects; file contents and passphrase copies are wiped as soon
 * as OpenSSL has parsed them. */
#include "mde/assertion.h"

#include "mde/b64url.h"
#include "mde/buf.h"
#include "mde/failure.h"
#include "mde/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct mde_credential {
  X509 *cert;
  EVP_PKEY *key;
  time_t not_before, not_after;
  char thumbprint[41];
  char x5t[32];      /* base64url of 20 bytes: 27 characters */
  char x5t_s256[48]; /* of 32 bytes: 43 */
  char *x5c;         /* standard base64 of the DER */
};

void mde_credential_free(struct mde_credential *c) {
  if (!c)
    return;
  X509_free(c->cert);
  EVP_PKEY_free(c->key);
  free(c->x5c);
  free(c);
}

/* Hands OpenSSL the passphrase; with none it fails rather than prompting
 * on a terminal (the default callback would, inside collectd). */
static int pass_cb(char *buf, int size, int rwflag, void *u) {
  (void)rwflag;
  const char *pass = u;
  if (!pass)
    return -1;
  size_t n = strlen(pass);
  if (n > (size_t)size)
    return -1;
  memcpy(buf, pass, n);
  return (int)n;
}

static time_t asn1_time(const ASN1_TIME *t) {
  struct tm tm;
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
    return 0;
  return timegm(&tm);
}

/* Takes ownership of `cert` and `key`: checks them and fills in the
 * derived values. */
static enum mde_failure finish(X509 *cert, EVP_PKEY *key,
                               struct mde_credential **out, char *err,
                               size_t err_size) {
  enum mde_failure rc = MDE_FAIL_CREDENTIAL_UNUSABLE;
  struct mde_credential *c = calloc(1, sizeof(*c));
  if (!c) {
    X509_free(cert);
    EVP_PKEY_free(key);
    mde_say(err, err_size, "credential: out of memory");
    return MDE_FAIL_INTERNAL;
  }
  c->cert = cert;
  c->key = key;
  if (!cert) {
    mde_say(err, err_size, "credential: no certificate found");
    goto fail;
  }
  if (!key) {
    mde_say(err, err_size,
            "credential: no private key found (or wrong "
            "passphrase)");
    goto fail;
  }
  if (!EVP_PKEY_is_a(key, "RSA")) {
    mde_say(err, err_size,
            "credential: the private key is %s, RS256/PS256 "
            "need RSA",
            EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "?");
    goto fail;
  }
  if (EVP_PKEY_get_bits(key) < 2048) {
    mde_say(err, err_size, "credential: RSA key of %d bits, Entra needs 2048+",
            EVP_PKEY_get_bits(key));
    goto fail;
  }
  if (X509_check_private_key(cert, key) != 1) {
    mde_say(err, err_size,
            "credential: the private key does not match the certificate");
    goto fail;
  }
  c->not_before = asn1_time(X509_get0_notBefore(cert));
  c->not_after = asn1_time(X509_get0_notAfter(cert));

  rc = MDE_FAIL_INTERNAL;
  unsigned char sha1[EVP_MAX_MD_SIZE], sha256[EVP_MAX_MD_SIZE];
  unsigned n1 = 0, n256 = 0;
  if (X509_digest(cert, EVP_sha1(), sha1, &n1) != 1 || n1 != 20 ||
      X509_digest(cert, EVP_sha256(), sha256, &n256) != 1 || n256 != 32) {
    mde_say(err, err_size, "credential: cannot hash the certificate");
    goto fail;
  }
  for (unsigned i = 0; i < n1; i++)
    snprintf(c->thumbprint + 2 * i, 3, "%02X", sha1[i]);
  mde_b64url_encode(sha1, n1, c->x5t);
  mde_b64url_encode(sha256, n256, c->x5t_s256);

  unsigned char *der = NULL;
  int len = i2d_X509(cert, &der);
  if (len <= 0) {
    mde_say(err, err_size, "credential: cannot encode the certificate");
    goto fail;
  }
  c->x5c = malloc(((size_t)len + 2) / 3 * 4 + 1);
  if (c->x5c)
    EVP_EncodeBlock((unsigned char *)c->x5c, der, len);
  OPENSSL_free(der);
  if (!c->x5c) {
    mde_say(err, err_size, "credential: out of memory");
    goto fail;
  }
  *out = c;
  return MDE_FAIL_NONE;
fail:
  mde_credential_free(c);
  return rc;
}

enum mde_failure mde_credential_from_pem(const char *cert_pem, size_t cert_len,
                                         const char *key_pem, size_t key_len,
                                         const char *passphrase,
                                         struct mde_credential **out, char *err,
                                         size_t err_size) {
  *out = NULL;
  X509 *cert = NULL;
  EVP_PKEY *key = NULL;
  if (!key_pem) {
    key_pem = cert_pem;
    key_len = cert_len;
  }
  if (!cert_pem || cert_len == 0 || cert_len > INT_MAX || !key_pem ||
      key_len == 0 || key_len > INT_MAX) {
    mde_say(err, err_size, "credential: empty or oversized PEM");
    return MDE_FAIL_CREDENTIAL_UNUSABLE;
  }
  BIO *b = BIO_new_mem_buf(cert_pem, (int)cert_len);
  if (b)
    cert = PEM_read_bio_X509(b, NULL, pass_cb, NULL);
  BIO_free(b);
  b = BIO_new_mem_buf(key_pem, (int)key_len);
  if (b)
    key = PEM_read_bio_PrivateKey(b, NULL, pass_cb, (void *)passphrase);
  BIO_free(b);
  ERR_clear_error(); /* reasons are ours; leave no state to other users */
  return finish(cert, key, out, err, err_size);
}

enum mde_failure mde_credential_from_pkcs12(const unsigned char *der,
                                            size_t len, const char *password,
                                            struct mde_credential **out,
                                            char *err, size_t err_size) {
  *out = NULL;
  if (!der || len == 0 || len > INT_MAX) {
    mde_say(err, err_size, "credential: empty PKCS#12");
    return MDE_FAIL_CREDENTIAL_UNUSABLE;
  }
  X509 *cert = NULL;
  EVP_PKEY *key = NULL;
  const unsigned char *p = der;
  PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
  int parsed = p12 && PKCS12_parse(p12, password, &key, &cert, NULL) == 1;
  PKCS12_free(p12);
  ERR_clear_error();
  if (!parsed) {
    X509_free(cert);
    EVP_PKEY_free(key);
    mde_say(err, err_size, "credential: %s",
            p12 ? "cannot open the PKCS#12 (wrong password?)"
                : "not a PKCS#12 (DER) file");
    return MDE_FAIL_CREDENTIAL_UNUSABLE;
  }
  return finish(cert, key, out, err, err_size);
}

/* What each credential file is called in messages; NULL: public. */
#define WHAT_KEY "private key"
#define WHAT_CERT_AND_KEY "certificate and key file"
#define WHAT_PKCS12 "PKCS#12 file"

/* Opens a credential file without blocking (a FIFO must not hang us). A
 * file holding a secret (`what` not NULL) follows the secret-file rule; a
 * certificate alone is public and only needs to be a regular file. */
static int open_credential(const char *path, const char *what, struct stat *st,
                           char *err, size_t err_size) {
  char reason[MDE_ERR_SIZE];
  int fd = -1;
  if (what) {
    fd = mde_secret_open(path, what, st, NULL, 0, reason, sizeof reason);
  } else if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) <
             0) {
    snprintf(reason, sizeof reason, "cannot open %s: %s", path,
             strerror(errno));
  } else if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    snprintf(reason, sizeof reason, "%s is not a regular file", path);
    close(fd);
    fd = -1;
  }
  if (fd < 0)
    mde_say(err, err_size, "credential: %s", reason);
  return fd;
}

/* Reads a whole file, NUL-terminated, into *data (wipe and free it with
 * drop()). Returns 0, or -1 with the reason naming `path`. */
static int slurp(const char *path, const char *what, char **data, size_t *len,
                 char *err, size_t err_size) {
  *data = NULL;
  *len = 0;
  if (!path) {
    mde_say(err, err_size, "credential: cannot open (none): no path");
    return -1;
  }
  struct stat st;
  int fd = open_credential(path, what, &st, err, err_size);
  if (fd < 0)
    return -1;
  char *buf = NULL;
  size_t size = 0, got = 0;
  if (st.st_size > MDE_CREDENTIAL_FILE_MAX) {
    mde_say(err, err_size, "credential: %s is larger than %d bytes", path,
            MDE_CREDENTIAL_FILE_MAX);
    goto fail;
  }
  size = (size_t)st.st_size;
  buf = malloc(size + 1);
  while (buf && got < size) {
    ssize_t n = read(fd, buf + got, size - got);
    if (n <= 0 && !(n < 0 && errno == EINTR))
      break;
    got += n > 0 ? (size_t)n : 0;
  }
  if (!buf || got != size) {
    mde_say(err, err_size, "credential: cannot read %s", path);
    goto fail;
  }
  buf[size] = '\0';
  close(fd);
  *data = buf;
  *len = size;
  return 0;
fail:
  if (buf)
    OPENSSL_cleanse(buf, got);
  free(buf);
  close(fd);
  return -1;
}

static void drop(char *data, size_t len) {
  if (data)
    OPENSSL_cleanse(data, len);
  free(data);
}

/* Prefixes a reason with the file it is about. */
static void name_file(char *err, size_t err_size, const char *path) {
  if (!err || err_size == 0)
    return;
  char copy[MDE_ERR_SIZE];
  snprintf(copy, sizeof(copy), "%s", err);
  const char *rest = strncmp(copy, "credential: ", 12) == 0 ? copy + 12 : copy;
  mde_say(err, err_size, "credential %s: %s", path, rest);
}

enum mde_failure mde_credential_load_pem(const char *cert_path,
                                         const char *key_path,
                                         const char *passphrase,
                                         struct mde_credential **out, char *err,
                                         size_t err_size) {
  *out = NULL;
  char *cert = NULL, *key = NULL;
  size_t cert_len = 0, key_len = 0;
  enum mde_failure rc = MDE_FAIL_CREDENTIAL_UNUSABLE;
  /* Without ClientKey the certificate file holds the key: it is secret. */
  if (slurp(cert_path, key_path ? NULL : WHAT_CERT_AND_KEY, &cert, &cert_len,
            err, err_size) != 0 ||
      (key_path &&
       slurp(key_path, WHAT_KEY, &key, &key_len, err, err_size) != 0))
    goto out;
  rc = mde_credential_from_pem(cert, cert_len, key, key_len, passphrase, out,
                               err, err_size);
  if (rc != MDE_FAIL_NONE)
    name_file(err, err_size, key_path ? key_path : cert_path);
out:
  drop(cert, cert_len);
  drop(key, key_len);
  return rc;
}

enum mde_failure mde_credential_load_pkcs12(const char *path,
                                            const char *password,
                                            struct mde_credential **out,
                                            char *err, size_t err_size) {
  *out = NULL;
  char *data = NULL;
  size_t len = 0;
  if (slurp(path, WHAT_PKCS12, &data, &len, err, err_size) != 0)
    return MDE_FAIL_CREDENTIAL_UNUSABLE;
  enum mde_failure rc = mde_credential_from_pkcs12(
      (const unsigned char *)data, len, password, out, err, err_size);
  if (rc != MDE_FAIL_NONE)
    name_file(err, err_size, path);
  drop(data, len);
  return rc;
}

enum mde_failure mde_credential_check_files(const char *cert_path,
                                            const char *key_path,
                                            const char *pkcs12_path, char *err,
                                            size_t err_size) {
  const char *path = pkcs12_path ? pkcs12_path
                     : key_path  ? key_path
                                 : cert_path;
  const char *what = pkcs12_path ? WHAT_PKCS12
                     : key_path  ? WHAT_KEY
                                 : WHAT_CERT_AND_KEY;
  if (!path)
    return MDE_FAIL_NONE;
  char reason[MDE_ERR_SIZE];
  if (mde_secret_file_check(path, what, reason, sizeof reason) == MDE_FAIL_NONE)
    return MDE_FAIL_NONE;
  mde_say(err, err_size, "credential: %s", reason);
  return MDE_FAIL_CREDENTIAL_UNUSABLE;
}

time_t mde_credential_not_after(const struct mde_credential *c) {
  return c->not_after;
}

time_t mde_credential_not_before(const struct mde_credential *c) {
  return c->not_before;
}

const char *mde_credential_thumbprint(const struct mde_credential *c) {
  return c->thumbprint;
}

const char *mde_credential_x5t(const struct mde_credential *c) {
  return c->x5t;
}

const char *mde_credential_x5t_s256(const struct mde_credential *c) {
  return c->x5t_s256;
}

void mde_assertion_free(char *assertion) {
  if (assertion) {
    OPENSSL_cleanse(assertion, strlen(assertion));
    free(assertion);
  }
}

/* A random (version 4) GUID, lower-case, into out[37]. */
static int random_guid(char out[37]) {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof(b)) != 1)
    return -1;
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
  snprintf(out, 37,
           "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
           "%02x%02x%02x%02x%02x%02x",
           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
           b[11], b[12], b[13], b[14], b[15]);
  return 0;
}

/* "<b64url header>.<b64url claims>" into `b`. */
static int signing_input(struct mde_buf *b, const struct mde_credential *c,
                         const struct mde_assertion_opts *o,
                         const char *client_id, const char *aud, time_t now,
                         const char *jti) {
  struct mde_buf h, p;
  mde_buf_init(&h, 0);
  mde_buf_init(&p, 0);
  int pss = o->alg == MDE_ASSERTION_PS256;
  int rc = mde_buf_printf(&h, "{\"alg\":\"%s\",\"typ\":\"JWT\",\"%s\":\"%s\"",
                          pss ? "PS256" : "RS256", pss ? "x5t#S256" : "x5t",
                          pss ? c->x5t_s256 : c->x5t);
  if (rc == 0 && o->x5c)
    rc = mde_buf_printf(&h, ",\"x5c\":[\"%s\"]", c->x5c);
  if (rc == 0)
    rc = mde_buf_puts(&h, "}");
  if (rc == 0)
    rc = mde_buf_puts(&p, "{\"aud\":");
  if (rc == 0)
    rc = mde_buf_json_string(&p, aud);
  if (rc == 0)
    rc = mde_buf_printf(
        &p, ",\"exp\":%lld,\"iss\":", (long long)now + MDE_ASSERTION_LIFETIME);
  if (rc == 0)
    rc = mde_buf_json_string(&p, client_id);
  if (rc == 0)
    rc = mde_buf_printf(&p, ",\"jti\":\"%s\",\"nbf\":%lld,\"sub\":", jti,
                        (long long)now);
  if (rc == 0)
    rc = mde_buf_json_string(&p, client_id);
  if (rc == 0)
    rc = mde_buf_puts(&p, "}");
  char *he =
      rc == 0 ? mde_b64url_encode_alloc((unsigned char *)h.data, h.len) : NULL;
  char *pe =
      rc == 0 ? mde_b64url_encode_alloc((unsigned char *)p.data, p.len) : NULL;
  rc = he && pe ? mde_buf_printf(b, "%s.%s", he, pe) : -1;
  free(he);
  free(pe);
  mde_buf_free(&h);
  mde_buf_free(&p);
  return rc;
}

enum mde_failure mde_assertion_sign(const struct mde_credential *c,
                                    const struct mde_assertion_opts *opts,
                                    const char *client_id,
                                    const char *token_url, time_t now,
                                    char **out, char *err, size_t err_size) {
  static const struct mde_assertion_opts defaults = {MDE_ASSERTION_RS256, 0};
  const struct mde_assertion_opts *o = opts ? opts : &defaults;
  enum mde_failure rc = MDE_FAIL_INTERNAL;
  struct mde_buf in;
  mde_buf_init(&in, 0);
  EVP_MD_CTX *md = NULL;
  unsigned char *sig = NULL;
  char *sig64 = NULL;
  char jti[37];
  *out = NULL;

  if (!c || !client_id || !*client_id || !token_url || !*token_url) {
    mde_say(err, err_size,
            "assertion: credential, client id and token URL are "
            "required");
    goto done;
  }
  if (random_guid(jti) != 0) {
    mde_say(err, err_size, "assertion: no randomness for jti");
    goto done;
  }
  if (signing_input(&in, c, o, client_id, token_url, now, jti) != 0) {
    mde_say(err, err_size, "assertion: out of memory");
    goto done;
  }
  EVP_PKEY_CTX *pctx = NULL;
  size_t sig_len = (size_t)EVP_PKEY_get_size(c->key);
  md = EVP_MD_CTX_new();
  sig = malloc(sig_len);
  if (!md || !sig ||
      EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, c->key) != 1 ||
      (o->alg == MDE_ASSERTION_PS256 &&
       (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) ||
      EVP_DigestSign(md, sig, &sig_len, (unsigned char *)in.data, in.len) !=
          1) {
    ERR_clear_error();
    mde_say(err, err_size, "assertion: signing failed");
    goto done;
  }
  sig64 = mde_b64url_encode_alloc(sig, sig_len);
  size_t total = in.len + 1 + (sig64 ? strlen(sig64) : 0);
  char *jwt = sig64 ? malloc(total + 1) : NULL;
  if (!jwt) {
    mde_say(err, err_size, "assertion: out of memory");
    goto done;
  }
  snprintf(jwt, total + 1, "%s.%s", in.data, sig64);
  *out = jwt;
  rc = MDE_FAIL_NONE;
done:
  EVP_MD_CTX_free(md);
  free(sig);
  free(sig64);
  mde_buf_free(&in);
  return rc;
}
