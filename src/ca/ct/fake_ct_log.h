// A CT log for tests: signs an SCT over what it is sent, as RFC 6962 says a
// log does, after an optional delay; or fails, or signs with the wrong key.
// Test-only. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "ca/ct/ct_log.h"
#include "ca/ct/log_list.h"
#include "pki/certificate.h"

namespace signet::ca::ct::testing_support {

class FakeCtLog : public CtLog {
 public:
  enum class Mode { kSign, kFail, kWrongKey };
  FakeCtLog(crypto::Key key, Mode mode = Mode::kSign,
            std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : key_(std::move(key)), mode_(mode), delay_(delay) {}

  Result<pki::Sct> Submit(bool precert, const std::vector<std::string>& chain_der,
                          std::chrono::milliseconds) override {
    ++calls_;
    (precert ? precert_calls_ : final_calls_)++;
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    if (mode_ == Mode::kFail) return Error(ErrorCode::kConnection, "fake log is down");
    if (chain_der.size() < 2) return Error(ErrorCode::kMalformed, "no issuer");
    auto issuer = pki::CertFromDer(chain_der[1]);
    if (!issuer.ok()) return issuer.error();
    std::string payload = chain_der[0];
    if (precert) {
      auto tbs = pki::PrecertTbs(chain_der[0]);
      if (!tbs.ok()) return tbs.error();
      payload = *tbs;
    }
    crypto::Key signer = key_;
    if (mode_ == Mode::kWrongKey) signer = *crypto::Key::Generate(crypto::KeyType::kEcP256);
    auto sct = pki::SignSct(signer, 1700000000000, precert ? pki::CtEntryType::kPrecert
                                                           : pki::CtEntryType::kX509,
                            pki::IssuerKeyHash(issuer->get()), payload);
    if (sct.ok()) sct->log_id = pki::CtLogId(key_);  // claims to be this log
    return sct;
  }

  int calls() const { return calls_; }
  int precert_calls() const { return precert_calls_; }
  int final_calls() const { return final_calls_; }

 private:
  crypto::Key key_;
  Mode mode_;
  std::chrono::milliseconds delay_;
  std::atomic<int> calls_{0}, precert_calls_{0}, final_calls_{0};
};

// A log list entry for `key` under `operator_name`.
inline LogInfo FakeLogInfo(const crypto::Key& key, const std::string& operator_name,
                           const std::string& description) {
  LogInfo info;
  info.operator_name = operator_name;
  info.description = description;
  info.url = "http://127.0.0.1:1/" + description + "/";
  info.log_id = pki::CtLogId(key);
  info.key = key;
  info.state = "usable";
  return info;
}

}  // namespace signet::ca::ct::testing_support
