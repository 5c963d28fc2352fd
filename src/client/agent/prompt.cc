#include "client/agent/prompt.h"

#include <regex>
#include <sstream>

namespace signet::client {
namespace {

const char kSideFrame[] =
    "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -";

// "Yes" -> "(Y)es".
std::string ParensAroundFirst(const std::string& label) {
  if (label.empty()) return label;
  return "(" + label.substr(0, 1) + ")" + label.substr(1);
}

bool StartsWithLetterOf(const std::string& answer, const std::string& label) {
  return !answer.empty() && !label.empty() &&
         std::tolower(static_cast<unsigned char>(answer[0])) ==
             std::tolower(static_cast<unsigned char>(label[0]));
}

}  // namespace

std::optional<std::string> Prompter::ReadLine(const std::string& prompt) const {
  out_ << prompt << std::flush;
  std::string line;
  if (!std::getline(in_, line)) {
    out_ << std::endl;
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> Prompter::Input(const std::string& message) const {
  if (!interactive_) return std::nullopt;
  auto answer = ReadLine(message + " (Enter 'c' to cancel): ");
  if (!answer || *answer == "c" || *answer == "C") return std::nullopt;
  return answer;
}

std::optional<bool> Prompter::YesNo(const std::string& message, const std::string& yes_label,
                                    const std::string& no_label) const {
  if (!interactive_) return std::nullopt;
  out_ << "\n" << kSideFrame << "\n" << message << "\n" << kSideFrame << "\n";
  while (true) {
    auto answer = ReadLine(ParensAroundFirst(yes_label) + "/" + ParensAroundFirst(no_label) + ": ");
    if (!answer) return std::nullopt;
    if (StartsWithLetterOf(*answer, yes_label)) return true;
    if (StartsWithLetterOf(*answer, no_label)) return false;
  }
}

std::optional<size_t> Prompter::Menu(const std::string& message,
                                     const std::vector<std::string>& choices) const {
  if (!interactive_ || choices.empty()) return std::nullopt;
  out_ << "\n" << message << "\n" << kSideFrame << "\n";
  for (size_t i = 0; i < choices.size(); ++i) out_ << i + 1 << ": " << choices[i] << "\n";
  out_ << kSideFrame << "\n";
  std::string ask = choices.size() > 1
                        ? "Select the appropriate number [1-" + std::to_string(choices.size()) +
                              "] then [enter] (press 'c' to cancel): "
                        : "Press 1 [enter] to confirm the selection (press 'c' to cancel): ";
  while (true) {
    auto answer = ReadLine(ask);
    if (!answer || (!answer->empty() && ((*answer)[0] == 'c' || (*answer)[0] == 'C')))
      return std::nullopt;
    char* end = nullptr;
    long n = std::strtol(answer->c_str(), &end, 10);
    if (!answer->empty() && *end == '\0' && n >= 1 && n <= long(choices.size())) return size_t(n - 1);
    out_ << "** Invalid input **\n";
  }
}

bool PlausibleEmail(const std::string& email) {
  static const std::regex kEmail(
      R"(^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@)"
      R"(([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$)");
  return std::regex_match(email, kEmail);
}

std::vector<std::string> SplitNameList(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text + " ") {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return out;
}

}  // namespace signet::client
