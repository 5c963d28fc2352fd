// X.509 certificates: PEM/DER conversion and the few fields callers read.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/ossl.h"

namespace signet::pki {

using Clock = std::chrono::system_clock;

Result<crypto::X509Ptr> CertFromPem(std::string_view pem);
Result<crypto::X509Ptr> CertFromDer(std::string_view der);
std::string CertToPem(X509* cert);
std::string CertToDer(X509* cert);
// PEM of a certificate's DER, without parsing it.
std::string CertDerToPem(std::string_view der);
// Every certificate in a PEM bundle, in order.
Result<std::vector<crypto::X509Ptr>> CertChainFromPem(std::string_view pem);

// The serial number as lower-case hex without leading zeros ("" on error).
std::string SerialHex(X509* cert);
std::vector<std::string> DnsSans(X509* cert);
Clock::time_point NotAfter(X509* cert);
Clock::time_point NotBefore(X509* cert);

}  // namespace signet::pki
