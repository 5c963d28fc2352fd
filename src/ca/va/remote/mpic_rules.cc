#include "ca/va/remote/mpic_rules.h"

#include <algorithm>
#include <cctype>

namespace signet::va::remote {

const std::vector<std::string>& KnownRirs() {
  static const std::vector<std::string> kRirs = {"ARIN", "RIPE", "APNIC", "LACNIC", "AFRINIC"};
  return kRirs;
}

Result<std::string> CanonicalRir(std::string_view name) {
  std::string upper;
  for (char c : name) upper += char(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "RIPE NCC" || upper == "RIPENCC") upper = "RIPE";
  const auto& rirs = KnownRirs();
  if (std::find(rirs.begin(), rirs.end(), upper) != rirs.end()) return upper;
  return Error(ErrorCode::kMalformed, "unknown regional internet registry \"" + std::string(name) +
                                          "\" (want ARIN, RIPE, APNIC, LACNIC or AFRINIC)");
}

size_t AllowedNonCorroborations(size_t remotes) {
  if (remotes <= 1) return 0;
  if (remotes <= 5) return 1;
  return 2;
}

std::vector<std::string> DistinctRirs(const std::vector<std::string>& rirs) {
  std::vector<std::string> out;
  for (const std::string& r : rirs)
    if (!r.empty()) out.push_back(r);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

}  // namespace

Status CheckDeployment(size_t configured, const std::vector<std::string>& declared_rirs) {
  if (configured < kMinRemotePerspectives) {
    return Error(ErrorCode::kMalformed,
                 "multi-perspective validation (BR 3.2.2.9) needs at least " +
                     std::to_string(kMinRemotePerspectives) + " remote perspectives (--remote-va), " +
                     std::to_string(configured) + " configured");
  }
  const std::vector<std::string> distinct = DistinctRirs(declared_rirs);
  if (distinct.size() < kMinCorroboratingRirs) {
    return Error(ErrorCode::kMalformed,
                 "multi-perspective validation (BR 3.2.2.9) needs remote perspectives in at least " +
                     std::to_string(kMinCorroboratingRirs) + " regional internet registries; " +
                     std::to_string(declared_rirs.size()) + " of " + std::to_string(configured) +
                     " remotes answered, declaring " + Join(distinct));
  }
  return OkStatus();
}

Status DeclaredRirRecord::Record(const std::string& rir, const std::string& remote) {
  std::lock_guard<std::mutex> lock(mu_);
  if (rir_.empty()) rir_ = rir;
  if (rir_ == rir) return OkStatus();
  return Error(ErrorCode::kServerInternal,
               "remote perspective " + remote + " declared RIR " + rir + ", earlier " + rir_);
}

std::string DeclaredRirRecord::rir() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rir_;
}

}  // namespace signet::va::remote
