#include "admin_common.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "storage/open_store.h"

namespace signet::app::admin {

int Fail(const Error& e) {
  std::cerr << "signetd admin: " << e.detail << "\n";
  return 1;
}

void AddStoreOptions(CLI::App* sub, StoreLocation& where) {
  sub->add_option("--data-dir", where.data_dir, "the signetd data directory");
  sub->add_option("--store", where.store,
                  "sqlite:PATH or postgresql://... (default: the data directory's database)");
}

Result<std::unique_ptr<storage::Store>> OpenStore(const StoreLocation& where) {
  SIGNET_ASSIGN_OR_RETURN(storage::StoreSpec spec,
                          storage::ParseStoreSpec(where.store, where.data_dir));
  return storage::OpenStore(spec, storage::OpenMode::kExisting);
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
