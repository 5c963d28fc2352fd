// signet-bench's command line, parsed into a BenchConfig. A --profile
// (profiles.h) sets its bundle first; every individual flag given on the
// command line then overrides it, wherever it stands relative to
// --profile: "--profile dns01 --caa present" is dns01-caa.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "bench/bench_config.h"

namespace signet::bench {

struct CommandLine {
  BenchConfig config;
  std::string json_path;  // --json: write the report there ("" = not)
};

// Parses argv into `out`. nullopt: go on and run. Otherwise the process's
// exit status: 0 after --help (printed to `out_stream`), non-zero after a
// usage error (explained on `err_stream`).
std::optional<int> ParseCommandLine(int argc, const char* const* argv, CommandLine& out,
                                    std::ostream& out_stream, std::ostream& err_stream);

}  // namespace signet::bench
