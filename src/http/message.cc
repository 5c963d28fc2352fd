#include "http/message.h"

#include <algorithm>
#include <cctype>

namespace signet::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

namespace {
std::string_view Find(const std::vector<std::pair<std::string, std::string>>& headers,
                      std::string_view name) {
  for (const auto& [k, v] : headers)
    if (EqualsIgnoreCase(k, name)) return v;
  return {};
}
}  // namespace

std::string_view Request::Header(std::string_view name) const { return Find(headers, name); }

std::string_view Request::Path() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? t : t.substr(0, q);
}

void Response::Set(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::Add(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

std::string_view Response::Header(std::string_view name) const { return Find(headers, name); }

}  // namespace signet::http
