// Seeds for the fuzz targets (tests/fuzz) from real traffic. With the
// environment variable SIGNET_FUZZ_RECORD_DIR set, each parser of outside
// input hands the bytes it received to RecordFuzzInput, which writes them to
// DIR/TARGET/<64-bit content hash>, TARGET being the fuzz target that
// replays them; docs/fuzzing.md says how to record a run of the integration
// tests and minimize what it left. Unset (always, in production), a call
// costs one load of a cached flag.
//
// Thread-safe: files are named by their content, so concurrent writers of
// the same bytes write the same file (each through its own temporary name).
// Write errors are ignored: recording never changes what the program does.
#pragma once

#include <string>
#include <string_view>

namespace signet {

// The directory recorded inputs go to, or "" when recording is off.
const std::string& FuzzRecordDir();

void RecordFuzzInput(std::string_view target, std::string_view bytes);

}  // namespace signet
