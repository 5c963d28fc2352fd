// What the agent tells the person running it: one line per step on stdout
// (unless -q), errors as one line on stderr.
#pragma once

#include <iostream>
#include <string>

#include "base/error.h"

namespace signet::client {

class Output {
 public:
  Output(bool quiet, int verbose) : quiet_(quiet), verbose_(verbose) {}
  void Step(const std::string& line) const {
    if (!quiet_) std::cout << line << std::endl;
  }
  void Detail(const std::string& line) const {
    if (verbose_ > 0 && !quiet_) std::cout << "  " << line << std::endl;
  }
  // The CA's problem in plain words: "type: detail (identifier)".
  void Fail(const std::string& what, const Error& e) const {
    // Problems from the CA already read "type: detail"; don't repeat the type.
    std::string name(ErrorCodeName(e.code));
    bool typed = e.detail.rfind(name + ":", 0) == 0;
    std::cerr << "signet: " << what << ": " << (typed ? e.detail : e.ToString()) << std::endl;
  }
  void Fail(const std::string& line) const { std::cerr << "signet: " << line << std::endl; }

 private:
  bool quiet_;
  int verbose_;
};

}  // namespace signet::client
