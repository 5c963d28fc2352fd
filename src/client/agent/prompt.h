// Questions on the terminal, asked as certbot's display asks them (the
// "- - -" frames, "(Enter 'c' to cancel)", "(Y)es/(N)o", numbered menus),
// so an operator's muscle memory and expect(1) scripts keep working.
// Non-interactive (-n, -q, no terminal): nothing is asked and each call
// returns nullopt; the caller then answers as certbot does without a
// terminal (a default, or a one-line error naming the flag to pass).
// Not thread-safe; one Prompter per command.
#pragma once

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace signet::client {

class Prompter {
 public:
  explicit Prompter(bool interactive, std::istream& in = std::cin, std::ostream& out = std::cout)
      : interactive_(interactive), in_(in), out_(out) {}

  bool interactive() const { return interactive_; }

  // Free text; nullopt when not interactive, on end of input or 'c'.
  std::optional<std::string> Input(const std::string& message) const;
  // Asks until the answer starts with the first letter of a label; nullopt
  // when not interactive or on end of input.
  std::optional<bool> YesNo(const std::string& message, const std::string& yes_label = "Yes",
                            const std::string& no_label = "No") const;
  // A numbered menu; the 0-based choice, nullopt when not interactive, on
  // end of input or 'c'.
  std::optional<size_t> Menu(const std::string& message,
                             const std::vector<std::string>& choices) const;

 private:
  std::optional<std::string> ReadLine(const std::string& prompt) const;

  bool interactive_;
  std::istream& in_;
  std::ostream& out_;
};

// certbot's e-mail check (util.safe_email): LOCAL@DOMAIN of the usual
// characters, with a dot in DOMAIN.
bool PlausibleEmail(const std::string& email);

// The names typed at the domain prompt: comma and/or space separated.
std::vector<std::string> SplitNameList(const std::string& text);

}  // namespace signet::client
