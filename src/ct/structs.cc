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
  // version v1 (0), leaf_type timestamped_entry (0), then the TimestampedEntry
  // (timestamp, entry, extensions): byte for byte what a v1 SCT signs.
  return SctSignatureInput(timestamp_ms, entry, extensions);
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

namespace {

// Reads TLS encodings from a byte string; any overrun makes ok() false.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t Uint(int bytes) {
    if (!Need(size_t(bytes))) return 0;
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | uint8_t(in_[pos_++]);
    return v;
  }
  std::string_view Bytes(size_t n) {
    if (!Need(n)) return {};
    std::string_view out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::string_view Opaque(int len_bytes) { return Bytes(size_t(Uint(len_bytes))); }
  size_t pos() const { return pos_; }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == in_.size(); }

 private:
  bool Need(size_t n) {
    if (!ok_ || in_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::optional<ParsedLeaf> ParseMerkleTreeLeaf(std::string_view leaf_input) {
  Reader r(leaf_input);
  if (r.Uint(1) != 0 || r.Uint(1) != 0) return std::nullopt;
  ParsedLeaf out;
  out.timestamp_ms = r.Uint(8);
  uint64_t type = r.Uint(2);
  if (type == 0) {
    r.Opaque(3);
  } else if (type == 1) {
    r.Bytes(32);
    r.Opaque(3);
  } else {
    return std::nullopt;
  }
  out.type = EntryType(type);
  out.extensions = std::string(r.Opaque(2));
  if (!r.done()) return std::nullopt;
  out.timestamped_entry = std::string(leaf_input.substr(2));
  return out;
}

std::optional<std::vector<std::string>> ParseExtraData(EntryType type, std::string_view extra) {
  Reader r(extra);
  std::vector<std::string> out;
  if (type == EntryType::kPrecert) out.emplace_back(r.Opaque(3));
  Reader list(r.Opaque(3));
  if (!r.done()) return std::nullopt;
  while (list.ok() && !list.done()) out.emplace_back(list.Opaque(3));
  if (!list.done()) return std::nullopt;
  return out;
}

std::string LeafIndexExtension(uint64_t index) {
  std::string out;
  PutUint(&out, 0, 1);  // extension_type leaf_index
  PutUint(&out, 5, 2);  // extension_data length
  PutUint(&out, index, 5);
  return out;
}

}  // namespace signet::ct
