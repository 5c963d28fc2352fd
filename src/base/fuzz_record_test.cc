// RecordFuzzInput writes each input once, named by its content, under the
// target's folder of SIGNET_FUZZ_RECORD_DIR.
#include "base/fuzz_record.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "base/files.h"

namespace signet {
namespace {

TEST(FuzzRecordTest, WritesEachInputOnceUnderItsTarget) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("signet-fuzz-record-" + std::to_string(::getpid()));
  // The directory is read once per process: this is the first call here.
  ASSERT_EQ(::setenv("SIGNET_FUZZ_RECORD_DIR", dir.c_str(), 1), 0);
  ASSERT_EQ(FuzzRecordDir(), dir.string());
  RecordFuzzInput("jws_fuzz", std::string_view("{\"a\":\0}", 7));
  RecordFuzzInput("jws_fuzz", std::string_view("{\"a\":\0}", 7));
  RecordFuzzInput("csr_fuzz", "other");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    auto text = ReadFile(f);
    ASSERT_TRUE(text.ok());
    if (f.parent_path().filename() == "jws_fuzz") {
      EXPECT_EQ(*text, std::string("{\"a\":\0}", 7));
    } else {
      EXPECT_EQ(f.parent_path().filename(), "csr_fuzz");
      EXPECT_EQ(*text, "other");
    }
    EXPECT_EQ(f.filename().string().size(), 16u) << "a 64-bit content hash in hex";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace signet
