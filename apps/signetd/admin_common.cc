#include "admin_common.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace signet::app::admin {

int Fail(const Error& e) {
  std::cerr << "signetd admin: " << e.detail << "\n";
  return 1;
}

Result<std::unique_ptr<storage::SqliteStore>> OpenStore(const std::string& data_dir) {
  std::string path = data_dir + "/signetd.sqlite3";
  if (!std::filesystem::exists(path))
    return Error(ErrorCode::kNotFound, "no signetd database at " + path);
  return storage::SqliteStore::Open(path);
}

std::string Field(std::string_view value) {
  if (value.empty()) return "-";
  std::string out;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '%') {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", u);
      out += hex;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string IdentifierText(const acme::Identifier& id) { return id.type + ":" + id.value; }

void MoreFollow(const std::string& last) {
  std::cerr << "signetd admin: more records follow; continue with --after " << last << "\n";
}

}  // namespace signet::app::admin
