#include "base/fuzz_record.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace signet {
namespace {

// FNV-1a: a stable name for the same bytes across runs and programs.
uint64_t ContentHash(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

const std::string& FuzzRecordDir() {
  static const std::string dir = [] {
    const char* v = std::getenv("SIGNET_FUZZ_RECORD_DIR");
    return std::string(v ? v : "");
  }();
  return dir;
}

void RecordFuzzInput(std::string_view target, std::string_view bytes) {
  const std::string& dir = FuzzRecordDir();
  if (dir.empty()) return;
  static std::atomic<uint64_t> counter{0};
  char name[17];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(ContentHash(bytes)));
  std::error_code ec;
  const std::filesystem::path folder = std::filesystem::path(dir) / std::string(target);
  std::filesystem::create_directories(folder, ec);
  const std::filesystem::path final_path = folder / name;
  if (std::filesystem::exists(final_path, ec)) return;
  const std::filesystem::path tmp =
      folder / ("." + std::string(name) + "." + std::to_string(::getpid()) + "." +
                std::to_string(counter++) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return;
  }
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace signet
