// What a CT log parses from the network and from its own store: the
// add-chain / add-pre-chain body (JSON, base64, DER, the chain checks and
// the precertificate's TBSCertificate), stored leaves and extra_data, and
// static-ct-api tile paths. The first byte picks the parser. The seeds'
// chains are under the root below (a test root made for this corpus; the
// log checks no validity dates, so it never goes stale).
#include <cstdlib>
#include <string>

#include "ct/static_api.h"
#include "ct/structs.h"
#include "ct/submission.h"

namespace {

const char kRootPem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBkzCCATmgAwIBAgIUR7cnMSO5wOnIxGcROgF/W/3WQ7owCgYIKoZIzj0EAwIw\n"
    "FzEVMBMGA1UEAwwMQ1QgVGVzdCBSb290MB4XDTI2MTIwNTAyMTY0MVoXDTI3MDEw\n"
    "NDAyMTY0MVowFzEVMBMGA1UEAwwMQ1QgVGVzdCBSb290MFkwEwYHKoZIzj0CAQYI\n"
    "KoZIzj0DAQcDQgAElKz08W8h5RnFXfHY0gBffDKgURhukBJwfuWKCEujZbkZVFgW\n"
    "021oIofxAtRg/KfKppQSkLAxGmf74ucktC3Jn6NjMGEwHQYDVR0OBBYEFCr0+9C4\n"
    "oQR+Boa7tujDoEHc3Mg5MB8GA1UdIwQYMBaAFCr0+9C4oQR+Boa7tujDoEHc3Mg5\n"
    "MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMAoGCCqGSM49BAMCA0gA\n"
    "MEUCIHglOnFOFX8Iig+W5SHD7cUELizNH2niFVaKHbIDvopMAiEApd16TX82NWLT\n"
    "bE/eIV3vDUovlVVASTU6eGz915oJfi8=\n"
    "-----END CERTIFICATE-----\n";

const signet::ct::RootSet& Roots() {
  static const signet::ct::RootSet roots = *signet::ct::RootSet::FromPem(kRootPem);
  return roots;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
    case 1: {
      auto sub = signet::ct::ParseSubmission(in, data[0] % 5 == 1, Roots());
      if (sub.ok() && sub->identity.size() != 32) std::abort();
      if (!sub.ok() && sub.error().detail.empty()) std::abort();  // every refusal says why
      break;
    }
    case 2: {
      auto leaf = signet::ct::ParseMerkleTreeLeaf(in);
      if (leaf && leaf->timestamped_entry != in.substr(2)) std::abort();
      break;
    }
    case 3:
      (void)signet::ct::ParseExtraData(signet::ct::EntryType(data[0] >> 7), in);
      break;
    default: {
      auto tile = signet::ct::ParseTileIndex(in);
      if (tile && (tile->second < 1 || tile->second > 256)) std::abort();
      break;
    }
  }
  return 0;
}
