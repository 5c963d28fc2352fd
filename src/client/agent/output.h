// What the agent tells the person running it: one line per step on stdout
// (unless -q), errors as one line on stderr. With --json the steps go to
// stderr too, so that stdout holds only the JSON document (report.h).
#pragma once

#include <iostream>
#include <string>

#include "base/error.h"

namespace signet::client {

class Output {
 public:
  Output(bool quiet, int verbose, bool steps_to_stderr = false)
      : quiet_(quiet), verbose_(verbose), steps_(steps_to_stderr ? &std::cerr : &std::cout) {}
  void Step(const std::string& line) const {
    if (!quiet_) *steps_ << line << std::endl;
  }
  void Detail(const std::string& line) const {
    if (verbose_ > 0 && !quiet_) *steps_ << "  " << line << std::endl;
  }
  // The CA's problem in plain words: "type: detail (identifier)".
  void Fail(const std::string& what, const Error& e) const {
    // Problems from the CA already read "type: detail"; don't repeat the type.
    std::string name(ErrorCodeName(e.code));
    bool typed = e.detail.rfind(name + ":", 0) == 0;
    Fail(what + ": " + (typed ? e.detail : e.ToString()));
  }
  void Fail(const std::string& line) const {
    last_failure_ = line;
    std::cerr << "signet: " << line << std::endl;
  }
  // The last Fail line ("" if none), for --json's failures.
  const std::string& last_failure() const { return last_failure_; }

 private:
  bool quiet_;
  int verbose_;
  std::ostream* steps_;
  mutable std::string last_failure_;
};

}  // namespace signet::client
