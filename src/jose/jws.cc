#include "jose/jws.h"

#include <exception>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/fuzz_record.h"
#include "base/base64url.h"
#include "crypto/ossl.h"
#include "jose/ecdsa_sig.h"

namespace signet::jose {
namespace {

namespace json = boost::json;

struct AlgInfo {
  Alg alg;
  std::string_view name;
  const EVP_MD* (*digest)();  // nullptr for EdDSA (pure Ed25519)
  size_t ec_width;            // ECDSA: bytes of R and of S; 0 otherwise
};

constexpr AlgInfo kAlgs[] = {
    {Alg::kRS256, "RS256", EVP_sha256, 0},
    {Alg::kES256, "ES256", EVP_sha256, 32},
    {Alg::kES384, "ES384", EVP_sha384, 48},
    {Alg::kES512, "ES512", EVP_sha512, 66},
    {Alg::kEdDSA, "EdDSA", nullptr, 0},
};

const AlgInfo& InfoFor(Alg alg) {
  for (const AlgInfo& info : kAlgs) {
    if (info.alg == alg) return info;
  }
  return kAlgs[0];  // unreachable: every Alg is in the table
}

const EVP_MD* DigestFor(const AlgInfo& info) {
  return info.digest != nullptr ? info.digest() : nullptr;
}

Error Malformed(const std::string& detail) { return Error(ErrorCode::kMalformed, detail); }

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string SupportedList() {
  std::string out;
  for (const std::string& name : SupportedAlgs()) {
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

// Parses `text` as a JSON object; `what` names it in error details.
Result<json::object> ParseObject(std::string_view text, const std::string& what) {
  json::value v;
  try {
    json::error_code ec;
    v = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec) return Malformed(what + " is not valid JSON: " + ec.message());
  } catch (const std::exception& e) {  // allocation failures, size limits
    return Malformed(what + " cannot be parsed: " + e.what());
  }
  if (!v.is_object()) return Malformed(what + " is not a JSON object");
  return std::move(v.get_object());
}

Result<std::string> DecodePart(std::string_view b64, std::string_view member) {
  Result<std::string> bytes = Base64UrlDecode(b64);
  if (!bytes.ok()) return Malformed("JWS " + Quoted(member) + " is not valid base64url");
  return bytes;
}

// Copies optional string member `name` of the protected header into `out`.
Status OptionalString(const json::object& header, std::string_view name, std::string& out) {
  const json::value* v = header.if_contains(name);
  if (v == nullptr) return OkStatus();
  if (!v->is_string()) return Malformed("JWS protected header " + Quoted(name) + " is not a string");
  out = std::string(v->get_string());
  return OkStatus();
}

Status FillConvenienceFields(ParsedJws& jws) {
  SIGNET_RETURN_IF_ERROR(OptionalString(jws.header, "alg", jws.alg));
  SIGNET_RETURN_IF_ERROR(OptionalString(jws.header, "nonce", jws.nonce));
  SIGNET_RETURN_IF_ERROR(OptionalString(jws.header, "url", jws.url));
  SIGNET_RETURN_IF_ERROR(OptionalString(jws.header, "kid", jws.kid));
  if (const json::value* jwk = jws.header.if_contains("jwk")) {
    if (!jwk->is_object()) return Malformed("JWS protected header \"jwk\" is not an object");
    jws.jwk = jwk->get_object();
  }
  // RFC 7515 4.1.11: we understand no extensions, so any "crit" must fail.
  if (jws.header.contains("crit"))
    return Malformed("JWS protected header \"crit\" names extensions that are not supported");
  return OkStatus();
}

}  // namespace

std::optional<Alg> ParseAlg(std::string_view name) {
  for (const AlgInfo& info : kAlgs) {
    if (info.name == name) return info.alg;
  }
  return std::nullopt;
}

std::string_view AlgName(Alg alg) { return InfoFor(alg).name; }

const std::vector<std::string>& SupportedAlgs() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const AlgInfo& info : kAlgs) names.emplace_back(info.name);
    return names;
  }();
  return kNames;
}

Result<Alg> AlgForKey(const crypto::Key& key) {
  const std::string family = key.Family();
  if (family == "RSA") return Alg::kRS256;
  if (family == "OKP") return Alg::kEdDSA;
  if (family == "EC") {
    const std::string curve = key.CurveName();
    if (curve == "P-256") return Alg::kES256;
    if (curve == "P-384") return Alg::kES384;
    if (curve == "P-521") return Alg::kES512;
    return Error(ErrorCode::kBadPublicKey, "unsupported EC curve " + Quoted(curve));
  }
  return Error(ErrorCode::kBadPublicKey, "unsupported key type");
}

Result<ParsedJws> ParseFlattened(std::string_view body) {
  RecordFuzzInput("jws_fuzz", body);
  SIGNET_ASSIGN_OR_RETURN(json::object outer, ParseObject(body, "JWS"));
  for (const json::key_value_pair& kv : outer) {
    const std::string_view name = kv.key();
    if (name == "protected" || name == "payload" || name == "signature") continue;
    if (name == "signatures")
      return Malformed("JWS uses the general JSON serialization (\"signatures\"); only the "
                       "flattened serialization is accepted");
    if (name == "header")
      return Malformed("JWS has an unprotected \"header\"; all header parameters must be in "
                       "\"protected\"");
    return Malformed("JWS has unexpected member " + Quoted(name) +
                     "; only \"protected\", \"payload\" and \"signature\" are allowed");
  }

  ParsedJws jws;
  const std::pair<std::string_view, std::string*> parts[] = {
      {"protected", &jws.protected_b64},
      {"payload", &jws.payload_b64},
      {"signature", &jws.signature_b64},
  };
  for (const auto& [name, out] : parts) {
    const json::value* v = outer.if_contains(name);
    if (v == nullptr) return Malformed("JWS is missing " + Quoted(name));
    if (!v->is_string()) return Malformed("JWS " + Quoted(name) + " is not a string");
    *out = std::string(v->get_string());
  }

  SIGNET_ASSIGN_OR_RETURN(std::string header_json, DecodePart(jws.protected_b64, "protected"));
  SIGNET_ASSIGN_OR_RETURN(jws.header, ParseObject(header_json, "JWS protected header"));
  SIGNET_ASSIGN_OR_RETURN(jws.payload, DecodePart(jws.payload_b64, "payload"));
  SIGNET_ASSIGN_OR_RETURN(jws.signature, DecodePart(jws.signature_b64, "signature"));
  SIGNET_RETURN_IF_ERROR(FillConvenienceFields(jws));
  return jws;
}

Status Verify(const ParsedJws& jws, const crypto::Key& key) {
  std::optional<Alg> alg = ParseAlg(jws.alg);
  if (!alg) {
    return Error(ErrorCode::kBadSignatureAlgorithm,
                 "JWS algorithm " + Quoted(jws.alg) + " is not supported; use one of " +
                     SupportedList());
  }
  SIGNET_ASSIGN_OR_RETURN(Alg key_alg, AlgForKey(key));
  if (key_alg != *alg) {
    return Error(ErrorCode::kBadSignatureAlgorithm,
                 "JWS algorithm " + Quoted(jws.alg) + " does not match the key, which signs with " +
                     std::string(AlgName(key_alg)));
  }
  const AlgInfo& info = InfoFor(*alg);
  std::string signature = jws.signature;
  if (info.ec_width != 0) {
    if (signature.size() != 2 * info.ec_width) {
      return Malformed(std::string(info.name) + " signature must be " +
                       std::to_string(2 * info.ec_width) + " bytes, got " +
                       std::to_string(signature.size()));
    }
    SIGNET_ASSIGN_OR_RETURN(signature, internal::EcdsaRawToDer(signature));
  }
  const std::string input = jws.protected_b64 + "." + jws.payload_b64;
  if (!crypto::VerifyDigest(key, DigestFor(info), input, signature))
    return Malformed("JWS signature is invalid");
  return OkStatus();
}

Result<std::string> Sign(const crypto::Key& key, json::object protected_header,
                         std::string_view payload) {
  SIGNET_ASSIGN_OR_RETURN(Alg alg, AlgForKey(key));
  const AlgInfo& info = InfoFor(alg);
  protected_header["alg"] = json::string(info.name);
  const std::string protected_b64 = Base64UrlEncode(json::serialize(protected_header));
  const std::string payload_b64 = Base64UrlEncode(payload);
  const std::string input = protected_b64 + "." + payload_b64;
  SIGNET_ASSIGN_OR_RETURN(std::string signature, crypto::SignDigest(key, DigestFor(info), input));
  if (info.ec_width != 0) {
    SIGNET_ASSIGN_OR_RETURN(signature, internal::EcdsaDerToRaw(signature, info.ec_width));
  }
  json::object out;
  out["protected"] = protected_b64;
  out["payload"] = payload_b64;
  out["signature"] = Base64UrlEncode(signature);
  return json::serialize(out);
}

}  // namespace signet::jose
