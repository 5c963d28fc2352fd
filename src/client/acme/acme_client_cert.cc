// Waiting, finalization, certificate download and revocation.
#include <boost/json/serialize.hpp>
#include <thread>

#include "base/base64url.h"
#include "client/acme/acme_client.h"

namespace signet::client {
namespace json = boost::json;

namespace {

std::string StatusOf(const json::object& o) {
  const json::value* v = o.if_contains("status");
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool AuthorizationSettled(std::string_view status) { return status != "pending"; }

bool OrderSettled(std::string_view status) { return status != "pending" && status != "processing"; }

}  // namespace

Result<AcmeResponse> AcmeClient::PollUntil(const std::string& url, Deadline deadline,
                                           std::string_view what,
                                           bool (*settled)(std::string_view status)) {
  using std::chrono::milliseconds;
  for (int attempt = 0;; ++attempt) {
    SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, PostAsGet(url));
    std::string status = StatusOf(r.json);
    if (settled(status)) return r;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return Error(ErrorCode::kServerInternal, "timed out waiting for the " + std::string(what) +
                                                   " at " + url + " (still " + status + ")");
    auto remaining = std::chrono::ceil<milliseconds>(deadline - now);
    milliseconds delay = NextPollDelay(poll_, attempt, r.RetryAfter(), remaining);
    if (delay >= std::chrono::seconds(1))  // short waits are not news
      Log("The " + std::string(what) + " at " + url + " is " + status + "; asking again in " +
          std::to_string((delay.count() + 500) / 1000) + " s");
    std::this_thread::sleep_for(delay);
  }
}

Result<Authorization> AcmeClient::WaitForAuthorization(const std::string& url, Deadline deadline) {
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r,
                          PollUntil(url, deadline, "authorization", &AuthorizationSettled));
  return ParseAuthorization(r.json, url);
}

Result<Order> AcmeClient::WaitForOrder(const std::string& url, Deadline deadline) {
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r, PollUntil(url, deadline, "order", &OrderSettled));
  return ParseOrder(r.json, url);
}

Result<Order> AcmeClient::Finalize(const Order& order, std::string_view csr_der) {
  if (order.finalize_url.empty())
    return Error(ErrorCode::kMalformed, "the order " + order.url + " has no finalize URL");
  SIGNET_ASSIGN_OR_RETURN(
      AcmeResponse r,
      PostJson(order.finalize_url, json::object{{"csr", Base64UrlEncode(csr_der)}}));
  std::string url = r.Location();
  return ParseOrder(r.json, url.empty() ? order.url : url);
}

Result<std::string> AcmeClient::DownloadCertificate(const std::string& url,
                                                    std::vector<std::string>* alternates) {
  SIGNET_RETURN_IF_ERROR(RequireAccount());
  SIGNET_RETURN_IF_ERROR(FetchDirectory());
  SIGNET_ASSIGN_OR_RETURN(AcmeResponse r,
                          transport_.Post(url, std::nullopt, KeyRef{signer_, kid_}, Expect::kAny,
                                          "application/pem-certificate-chain"));
  if (r.body.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    return Error(ErrorCode::kServerInternal,
                 "the server at " + url + " did not answer with a PEM certificate chain");
  if (alternates) *alternates = r.Links("alternate");
  return std::move(r.body);
}

Status AcmeClient::Revoke(std::string_view cert_der, int reason, const KeyRef& key) {
  SIGNET_ASSIGN_OR_RETURN(Directory dir, FetchDirectory());
  if (dir.revoke_cert.empty())
    return Error(ErrorCode::kMalformed, "the CA at " + directory_url_ + " offers no revocation");
  json::object payload{{"certificate", Base64UrlEncode(cert_der)}, {"reason", reason}};
  SIGNET_RETURN_IF_ERROR(
      transport_.Post(dir.revoke_cert, json::serialize(payload), key, Expect::kAny));
  return OkStatus();
}

Status AcmeClient::RevokeCertificate(std::string_view cert_der, int reason) {
  SIGNET_RETURN_IF_ERROR(RequireAccount());
  return Revoke(cert_der, reason, KeyRef{signer_, kid_});
}

Status AcmeClient::RevokeCertificateWithKey(std::string_view cert_der, int reason,
                                            AccountSigner& cert_key_signer) {
  return Revoke(cert_der, reason, KeyRef{cert_key_signer, ""});
}

}  // namespace signet::client
