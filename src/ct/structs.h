// The TLS-encoded structures of RFC 6962 (section 3: SCTs, Merkle tree
// leaves, tree heads; TLS 1.2 presentation language, RFC 5246 4) that a log
// signs, stores and serves. Pure functions on bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace signet::ct {

// RFC 6962 3.1 LogEntryType.
enum class EntryType : uint16_t { kX509 = 0, kPrecert = 1 };

// RFC 6962 3.2 signed_entry: an ASN.1Cert (x509_entry) or a PreCert
// (issuer_key_hash, then the TBSCertificate without the poison extension).
struct SignedEntry {
  EntryType type = EntryType::kX509;
  std::string cert_der;         // kX509: the certificate
  std::string issuer_key_hash;  // kPrecert: SHA-256 of the issuer's SubjectPublicKeyInfo
  std::string tbs_der;          // kPrecert: the TBSCertificate, poison removed
};

// Appends `v` big-endian in `bytes` bytes.
void PutUint(std::string* out, uint64_t v, int bytes);
// Appends opaque<0..2^(8*len_bytes)-1>: the length, then the data.
void PutOpaque(std::string* out, std::string_view data, int len_bytes);

// entry_type followed by signed_entry, as both the SCT input and the
// TimestampedEntry hold them.
std::string EncodeSignedEntry(const SignedEntry& entry);

// RFC 6962 3.2: the data an SCT's signature covers (version v1,
// signature_type certificate_timestamp, timestamp, entry, extensions).
std::string SctSignatureInput(uint64_t timestamp_ms, const SignedEntry& entry,
                              std::string_view extensions);
// RFC 6962 3.4: MerkleTreeLeaf (v1, timestamped_entry).
std::string MerkleTreeLeaf(uint64_t timestamp_ms, const SignedEntry& entry,
                           std::string_view extensions);
// RFC 6962 3.5: the data an STH's signature covers (v1, tree_hash).
std::string SthSignatureInput(uint64_t timestamp_ms, uint64_t tree_size,
                              std::string_view root_hash);
// RFC 5246 4.7 digitally-signed with SHA-256 and ECDSA: hash algorithm 4,
// signature algorithm 3, then the DER ECDSA signature as opaque<0..2^16-1>.
std::string DigitallySignedEcdsaSha256(std::string_view der_signature);

// RFC 6962 4.6 extra_data: an x509 entry's certificate_chain, or a
// precert's PrecertChainEntry (the precertificate, then its chain). Each
// certificate is an ASN.1Cert opaque<1..2^24-1>.
std::string X509ExtraData(const std::vector<std::string>& chain_without_leaf);
std::string PrecertExtraData(std::string_view precert_der,
                             const std::vector<std::string>& chain_without_leaf);

// The parts of a stored MerkleTreeLeaf (RFC 6962 3.4) the read APIs need.
struct ParsedLeaf {
  uint64_t timestamp_ms = 0;
  EntryType type = EntryType::kX509;
  std::string timestamped_entry;  // the TimestampedEntry's encoding
  std::string extensions;         // its CtExtensions
};
// nullopt if `leaf_input` is not a v1 timestamped_entry leaf.
std::optional<ParsedLeaf> ParseMerkleTreeLeaf(std::string_view leaf_input);

// The certificates of an extra_data (RFC 6962 4.6) of `type`: for a
// precert, the precertificate first; then the chain.
std::optional<std::vector<std::string>> ParseExtraData(EntryType type, std::string_view extra);

// c2sp.org/static-ct-api: the leaf_index SCT extension (type 0, a 40-bit
// big-endian index), 8 bytes as CtExtensions.
std::string LeafIndexExtension(uint64_t index);

}  // namespace signet::ct
