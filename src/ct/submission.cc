#include "ct/submission.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <ctime>

#include "base/base64url.h"
#include "crypto/digest.h"

namespace signet::ct {
namespace {

namespace json = boost::json;

Error Bad(std::string detail) { return Error(ErrorCode::kMalformed, std::move(detail)); }

std::string Der(X509* cert) {
  std::string out(size_t(std::max(0, i2d_X509(cert, nullptr))), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_X509(cert, &p);
  return out;
}

Result<std::vector<crypto::X509Ptr>> ParseChain(std::string_view body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return Bad("the request body is not JSON: " + ec.message());
  const json::object* obj = v.if_object();
  const json::value* chain = obj ? obj->if_contains("chain") : nullptr;
  if (!chain || !chain->is_array()) return Bad("the request body needs a \"chain\" array");
  const json::array& arr = chain->as_array();
  if (arr.empty()) return Bad("the chain is empty: it needs at least the submitted certificate");
  if (arr.size() > kMaxChainLength) {
    return Bad("the chain has " + std::to_string(arr.size()) + " certificates, more than " +
               std::to_string(kMaxChainLength));
  }
  std::vector<crypto::X509Ptr> certs;
  for (size_t i = 0; i < arr.size(); ++i) {
    const json::string* s = arr[i].if_string();
    if (!s) return Bad("chain[" + std::to_string(i) + "] is not a string");
    Result<std::string> der = Base64Decode(*s);
    if (!der.ok() || der->empty()) return Bad("chain[" + std::to_string(i) + "] is not base64");
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
    crypto::X509Ptr cert(d2i_X509(nullptr, &p, long(der->size())));
    if (!cert || p != reinterpret_cast<const unsigned char*>(der->data()) + der->size()) {
      ERR_clear_error();
      return Bad("chain[" + std::to_string(i) + "] is not a DER X.509 certificate");
    }
    certs.push_back(std::move(cert));
  }
  return certs;
}

// The verified chain (leaf first, an accepted root last), each certificate
// held by one more reference.
Result<crypto::X509StackPtr> Verify(const std::vector<crypto::X509Ptr>& certs,
                                    const RootSet& roots) {
  crypto::X509StackPtr untrusted(sk_X509_new_null());
  for (size_t i = 1; i < certs.size(); ++i) {
    X509_up_ref(certs[i].get());
    sk_X509_push(untrusted.get(), certs[i].get());
  }
  crypto::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || !X509_STORE_CTX_init(ctx.get(), roots.store(), certs[0].get(), untrusted.get())) {
    return crypto::OsslError(ErrorCode::kServerInternal, "X509_STORE_CTX_init");
  }
  // Logs accept expired certificates (a monitor wants them too), and the
  // poison is a critical extension OpenSSL's verifier does not know.
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_IGNORE_CRITICAL);
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return Bad(std::string("the chain does not lead to an accepted root: ") +
               X509_verify_cert_error_string(err));
  }
  return crypto::X509StackPtr(X509_STORE_CTX_get1_chain(ctx.get()));
}

std::string IssuerKeyHash(X509* issuer) {
  X509_PUBKEY* key = X509_get_X509_PUBKEY(issuer);
  std::string spki(size_t(std::max(0, i2d_X509_PUBKEY(key, nullptr))), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(spki.data());
  i2d_X509_PUBKEY(key, &p);
  return crypto::Sha256(spki);
}

bool IsPrecertSigner(X509* issuer) {
  crypto::ExtKeyUsagePtr usages(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(issuer, NID_ext_key_usage, nullptr, nullptr)));
  for (int i = 0; usages && i < sk_ASN1_OBJECT_num(usages.get()); ++i) {
    if (OBJ_obj2nid(sk_ASN1_OBJECT_value(usages.get(), i)) == NID_ct_precert_signer) return true;
  }
  return false;
}

// The TBSCertificate of `precert` without the poison extension at `poison`.
Result<std::string> TbsWithoutPoison(X509* precert, int poison) {
  crypto::X509Ptr copy(X509_dup(precert));
  if (!copy) return crypto::OsslError(ErrorCode::kServerInternal, "X509_dup");
  crypto::X509ExtPtr removed(X509_delete_ext(copy.get(), poison));
  int n = i2d_re_X509_tbs(copy.get(), nullptr);
  if (n <= 0) return crypto::OsslError(ErrorCode::kServerInternal, "TBSCertificate");
  std::string tbs(size_t(n), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(tbs.data());
  i2d_re_X509_tbs(copy.get(), &p);
  return tbs;
}

Status CheckPoison(X509* leaf, bool precert, int poison) {
  if (precert && poison < 0) {
    return Bad(
        "add-pre-chain needs a precertificate: chain[0] has no CT poison extension "
        "(1.3.6.1.4.1.11129.2.4.3)");
  }
  if (!precert && poison >= 0) {
    return Bad(
        "chain[0] is a precertificate (it has the CT poison extension): submit it to "
        "add-pre-chain");
  }
  if (!precert) return OkStatus();
  X509_EXTENSION* ext = X509_get_ext(leaf, poison);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(ext);
  if (!X509_EXTENSION_get_critical(ext) || ASN1_STRING_length(value) != 2 ||
      ASN1_STRING_get0_data(value)[0] != 0x05 || ASN1_STRING_get0_data(value)[1] != 0) {
    return Bad(
        "the precertificate's poison extension must be critical and hold ASN.1 NULL "
        "(RFC 6962 3.1)");
  }
  if (X509_get_ext_by_NID(leaf, NID_ct_precert_poison, poison) >= 0) {
    return Bad("the precertificate has the poison extension twice");
  }
  return OkStatus();
}

}  // namespace

Result<RootSet> RootSet::FromPem(std::string_view pem) {
  RootSet set;
  set.store_ =
      std::shared_ptr<X509_STORE>(X509_STORE_new(), crypto::OsslDeleter<X509_STORE_free>());
  crypto::BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  while (true) {
    crypto::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    set.ders_.push_back(Der(cert.get()));
    if (X509_STORE_add_cert(set.store_.get(), cert.get()) != 1) {
      return crypto::OsslError(ErrorCode::kMalformed, "cannot add a root");
    }
  }
  ERR_clear_error();
  if (set.ders_.empty()) return Bad("the roots file holds no PEM certificate");
  return set;
}

Result<Submission> ParseSubmission(std::string_view body, bool precert, const RootSet& roots) {
  SIGNET_ASSIGN_OR_RETURN(std::vector<crypto::X509Ptr> certs, ParseChain(body));
  X509* leaf = certs[0].get();
  int poison = X509_get_ext_by_NID(leaf, NID_ct_precert_poison, -1);
  SIGNET_RETURN_IF_ERROR(CheckPoison(leaf, precert, poison));
  SIGNET_ASSIGN_OR_RETURN(crypto::X509StackPtr chain, Verify(certs, roots));

  Submission out;
  std::vector<std::string> rest;
  for (int i = 1; i < sk_X509_num(chain.get()); ++i)
    rest.push_back(Der(sk_X509_value(chain.get(), i)));
  std::string leaf_der = Der(leaf);
  if (!precert) {
    out.entry.type = EntryType::kX509;
    out.entry.cert_der = leaf_der;
    out.extra_data = X509ExtraData(rest);
  } else {
    if (rest.empty()) return Bad("the precertificate is its own root: it needs an issuer");
    X509* issuer = sk_X509_value(chain.get(), 1);
    if (IsPrecertSigner(issuer)) {
      return Bad(
          "precertificates signed by a precertificate signing certificate (RFC 6962 "
          "3.1) are not accepted by this log: sign them with the issuing CA's key");
    }
    out.entry.type = EntryType::kPrecert;
    out.entry.issuer_key_hash = IssuerKeyHash(issuer);
    SIGNET_ASSIGN_OR_RETURN(out.entry.tbs_der, TbsWithoutPoison(leaf, poison));
    out.extra_data = PrecertExtraData(leaf_der, rest);
  }
  out.issuers = std::move(rest);
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm) != 1)
    return Bad("chain[0] has no valid notAfter");
  out.not_after_s = int64_t(timegm(&tm));
  out.identity = crypto::Sha256(EncodeSignedEntry(out.entry));
  return out;
}

}  // namespace signet::ct
