// A real authoritative DNS server for VA integration tests: bind9's named
// on 127.0.0.1 (a free high port, loopback only, recursion off) serving test
// zones from a temporary directory, some open to dynamic updates (RFC 2136)
// from 127.0.0.1 and some DNSSEC-signed with dnssec-keygen/dnssec-signzone.
// Needs the Debian packages bind9, bind9-utils and bind9-dnsutils.
//
// Zones:
//   test.                            static; the parent of the others, so a
//                                    CAA climb ends in an answer, not REFUSED
//   example.test., other.test.       dynamic
//   _acme-challenge.ns.example.test. dynamic, delegated by NS from example.test
//   signed.test.                     signed; its DS is DsAnchor()
//   broken.test.                     signed, then one RRSIG (of the TXT at
//                                    _acme-challenge.broken.test) corrupted;
//                                    its KSK file is BrokenKeyFile()
//   servfail.test.                   configured with a missing file: SERVFAIL
//
// Not thread-safe; one instance per test suite. The child dies with the test
// process (PR_SET_PDEATHSIG) and is stopped by the destructor.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace signet::test_support {

class Bind9 {
 public:
  Bind9() = default;
  ~Bind9();
  Bind9(const Bind9&) = delete;
  Bind9& operator=(const Bind9&) = delete;

  // Writes zones and config, signs, starts named and waits until it answers.
  // `signed_txt` is the TXT value at _acme-challenge of signed.test and
  // broken.test. On failure returns false and error() says why.
  bool Start(const std::string& signed_txt);
  const std::string& error() const { return error_; }

  // "127.0.0.1:PORT", for UnboundResolver::Create.
  std::string Server() const;
  // The DS record(s) of signed.test ("signed.test. IN DS ...").
  const std::vector<std::string>& DsAnchor() const { return ds_anchor_; }
  // The KSK file (DNSKEY) of broken.test, for ub_ctx_add_ta_file.
  const std::string& BrokenKeyFile() const { return broken_key_file_; }

  // Sends one RFC 2136 update to `zone` with nsupdate: `commands` are
  // nsupdate lines such as "update add NAME 60 TXT \"v\"". True on success.
  bool Update(const std::string& zone, const std::vector<std::string>& commands);
  // Replaces the TXT / CAA RRset at `name` in `zone` (empty: deletes it).
  bool SetTxt(const std::string& zone, const std::string& name,
              const std::vector<std::string>& values);
  bool SetCaa(const std::string& zone, const std::string& name,
              const std::vector<std::string>& records);  // "0 issue \"ca\""

 private:
  bool Run(const std::string& command);  // Output goes to DIR/commands.log.
  bool WriteZones(const std::string& signed_txt);
  bool SignZone(const std::string& zone, bool corrupt);
  bool WaitReady();

  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::vector<std::string> ds_anchor_;
  std::string broken_key_file_;
  std::string error_;
};

}  // namespace signet::test_support
