#include "ct/structs.h"

namespace signet::ct {

void PutUint(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(char((v >> (8 * i)) & 0xff));
}

void PutOpaque(std::string* out, std::string_view data, int len_bytes) {
  PutUint(out, data.size(), len_bytes);
  out->append(data);
}

std::string EncodeSignedEntry(const SignedEntry& entry) {
  std::string out;
  PutUint(&out, uint16_t(entry.type), 2);
  if (entry.type == EntryType::kX509) {
    PutOpaque(&out, entry.cert_der, 3);
  } else {
    out.append(entry.issuer_key_hash);
    PutOpaque(&out, entry.tbs_der, 3);
  }
  return out;
}

std::string SctSignatureInput(uint64_t timestamp_ms, const SignedEntry& entry,
                              std::string_view extensions) {
  std::string out;
  PutUint(&out, 0, 1);  // sct_version v1
  PutUint(&out, 0, 1);  // signature_type certificate_timestamp
  PutUint(&out, timestamp_ms, 8);
  out.append(EncodeSignedEntry(entry));
  PutOpaque(&out, extensions, 2);
  return out;
}

std::string MerkleTreeLeaf(uint64_t timestamp_ms, const SignedEntry& entry,
                           std::string_view extensions) {
  std::string out;
  PutUint(&out, 0, 1);  // version v1
  PutUint(&out, 0, 1);  // leaf_type timestamped_entry
  PutUint(&out, timestamp_ms, 8);
  out.append(EncodeSignedEntry(entry));
  PutOpaque(&out, extensions, 2);
  return out;
}

std::string SthSignatureInput(uint64_t timestamp_ms, uint64_t tree_size,
                              std::string_view root_hash) {
  std::string out;
  PutUint(&out, 0, 1);  // version v1
  PutUint(&out, 1, 1);  // signature_type tree_hash
  PutUint(&out, timestamp_ms, 8);
  PutUint(&out, tree_size, 8);
  out.append(root_hash);
  return out;
}

std::string DigitallySignedEcdsaSha256(std::string_view der_signature) {
  std::string out;
  PutUint(&out, 4, 1);  // HashAlgorithm sha256
  PutUint(&out, 3, 1);  // SignatureAlgorithm ecdsa
  PutOpaque(&out, der_signature, 2);
  return out;
}

namespace {
std::string CertList(const std::vector<std::string>& chain) {
  std::string list;
  for (const auto& der : chain) PutOpaque(&list, der, 3);
  std::string out;
  PutOpaque(&out, list, 3);
  return out;
}
}  // namespace

std::string X509ExtraData(const std::vector<std::string>& chain_without_leaf) {
  return CertList(chain_without_leaf);
}

std::string PrecertExtraData(std::string_view precert_der,
                             const std::vector<std::string>& chain_without_leaf) {
  std::string out;
  PutOpaque(&out, precert_der, 3);
  out.append(CertList(chain_without_leaf));
  return out;
}

}  // namespace signet::ct
