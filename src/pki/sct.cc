#include "pki/sct.h"

#include "base/fuzz_record.h"
#include "crypto/digest.h"

namespace signet::pki {
namespace {

void PutUint(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(char((v >> (8 * i)) & 0xff));
}

// opaque <0..2^(8*len_bytes)-1>: the length, then the bytes.
void PutVector(std::string* out, std::string_view v, int len_bytes) {
  PutUint(out, v.size(), len_bytes);
  out->append(v);
}

// Reads TLS-encoded fields off the front of a buffer; any overrun sets
// ok_ to false and every later read yields zero or empty.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t Uint(int bytes) {
    if (!ok_ || in_.size() < size_t(bytes)) return Fail();
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | uint8_t(in_[i]);
    in_.remove_prefix(bytes);
    return v;
  }
  std::string_view Bytes(size_t n) {
    if (!ok_ || in_.size() < n) return Fail(), std::string_view();
    std::string_view v = in_.substr(0, n);
    in_.remove_prefix(n);
    return v;
  }
  std::string_view Vector(int len_bytes) { return Bytes(Uint(len_bytes)); }
  bool ok() const { return ok_; }
  bool empty() const { return in_.empty(); }

 private:
  uint64_t Fail() {
    ok_ = false;
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

std::string EncodeSct(const Sct& sct) {
  std::string out;
  out.push_back(char(sct.version));
  out.append(sct.log_id);
  PutUint(&out, sct.timestamp_ms, 8);
  PutVector(&out, sct.extensions, 2);
  out.push_back(char(sct.hash_algorithm));
  out.push_back(char(sct.signature_algorithm));
  PutVector(&out, sct.signature, 2);
  return out;
}

Result<Sct> DecodeSct(std::string_view tls) {
  Reader r(tls);
  Sct sct;
  sct.version = uint8_t(r.Uint(1));
  sct.log_id = std::string(r.Bytes(32));
  sct.timestamp_ms = r.Uint(8);
  sct.extensions = std::string(r.Vector(2));
  sct.hash_algorithm = uint8_t(r.Uint(1));
  sct.signature_algorithm = uint8_t(r.Uint(1));
  sct.signature = std::string(r.Vector(2));
  if (!r.ok() || !r.empty()) return Error(ErrorCode::kMalformed, "malformed SCT");
  if (sct.version != 0) return Error(ErrorCode::kMalformed, "SCT version is not v1");
  return sct;
}

Result<std::string> EncodeSctList(const std::vector<Sct>& scts) {
  if (scts.empty()) return Error(ErrorCode::kServerInternal, "an SCT list needs an SCT");
  std::string list;
  for (const Sct& sct : scts) PutVector(&list, EncodeSct(sct), 2);
  if (list.size() > 0xffff) return Error(ErrorCode::kServerInternal, "SCT list too long");
  std::string out;
  PutVector(&out, list, 2);
  return out;
}

Result<std::vector<Sct>> DecodeSctList(std::string_view tls) {
  RecordFuzzInput("ct_response_fuzz", tls);
  Reader outer(tls);
  std::string_view list = outer.Vector(2);
  if (!outer.ok() || !outer.empty() || list.empty())
    return Error(ErrorCode::kMalformed, "malformed SCT list");
  Reader r(list);
  std::vector<Sct> out;
  while (!r.empty()) {
    std::string_view one = r.Vector(2);
    if (!r.ok() || one.empty()) return Error(ErrorCode::kMalformed, "malformed SCT list");
    SIGNET_ASSIGN_OR_RETURN(Sct sct, DecodeSct(one));
    out.push_back(std::move(sct));
  }
  return out;
}

std::string SctSignedData(const Sct& sct, CtEntryType type, std::string_view issuer_key_hash,
                          std::string_view payload) {
  std::string out;
  out.push_back(char(sct.version));
  out.push_back(0);  // SignatureType certificate_timestamp(0)
  PutUint(&out, sct.timestamp_ms, 8);
  PutUint(&out, uint16_t(type), 2);
  if (type == CtEntryType::kPrecert) out.append(issuer_key_hash);  // PreCert.issuer_key_hash
  PutVector(&out, payload, 3);  // ASN.1Cert or TBSCertificate <1..2^24-1>
  PutVector(&out, sct.extensions, 2);
  return out;
}

std::string CtLogId(const crypto::Key& log_key) { return crypto::Sha256(log_key.PublicDer()); }

Status VerifySct(const Sct& sct, const crypto::Key& log_key, CtEntryType type,
                 std::string_view issuer_key_hash, std::string_view payload) {
  if (sct.log_id != CtLogId(log_key))
    return Error(ErrorCode::kServerInternal, "SCT's log id is not the log's key's");
  if (sct.hash_algorithm != 4)
    return Error(ErrorCode::kServerInternal, "SCT is not signed with SHA-256");
  const std::string family = log_key.Family();
  if ((family == "EC" && sct.signature_algorithm != 3) ||
      (family == "RSA" && sct.signature_algorithm != 1) || (family != "EC" && family != "RSA"))
    return Error(ErrorCode::kServerInternal, "SCT's signature algorithm is not the log key's");
  if (!crypto::VerifyDigest(log_key, EVP_sha256(),
                            SctSignedData(sct, type, issuer_key_hash, payload), sct.signature))
    return Error(ErrorCode::kServerInternal, "SCT signature does not verify with the log's key");
  return OkStatus();
}

Result<Sct> SignSct(const crypto::Key& log_key, uint64_t timestamp_ms, CtEntryType type,
                    std::string_view issuer_key_hash, std::string_view payload) {
  Sct sct;
  sct.log_id = CtLogId(log_key);
  sct.timestamp_ms = timestamp_ms;
  sct.signature_algorithm = log_key.Family() == "RSA" ? 1 : 3;
  SIGNET_ASSIGN_OR_RETURN(
      sct.signature, crypto::SignDigest(log_key, EVP_sha256(),
                                        SctSignedData(sct, type, issuer_key_hash, payload)));
  return sct;
}

std::string IssuerKeyHash(X509* issuer) {
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &der);
  if (len <= 0) return "";
  std::string hash = crypto::Sha256(std::string_view(reinterpret_cast<char*>(der), size_t(len)));
  OPENSSL_free(der);
  return hash;
}

Result<std::string> PrecertTbs(std::string_view precert_der) {
  const auto* p = reinterpret_cast<const unsigned char*>(precert_der.data());
  crypto::X509Ptr cert(d2i_X509(nullptr, &p, long(precert_der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(precert_der.data()) + precert_der.size())
    return Error(ErrorCode::kMalformed, "precertificate is not a DER certificate");
  int at = X509_get_ext_by_NID(cert.get(), NID_ct_precert_poison, -1);
  if (at < 0) return Error(ErrorCode::kMalformed, "precertificate has no poison extension");
  crypto::X509ExtPtr removed(X509_delete_ext(cert.get(), at));
  unsigned char* tbs = nullptr;
  int len = i2d_re_X509_tbs(cert.get(), &tbs);
  if (len <= 0) return Error(ErrorCode::kServerInternal, "cannot encode the precertificate's TBS");
  std::string out(reinterpret_cast<char*>(tbs), size_t(len));
  OPENSSL_free(tbs);
  return out;
}

}  // namespace signet::pki
