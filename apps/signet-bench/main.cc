// signet-bench: an ACME (RFC 8555) load generator. Wiring only: parse the
// command line into a BenchConfig (src/bench/command_line.h), run it
// (src/bench), print the table, write the JSON.
#include <csignal>
#include <fstream>
#include <iostream>

#include <boost/json/serialize.hpp>

#include "bench/command_line.h"
#include "bench/load_driver.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  signet::bench::CommandLine cl;
  if (auto exit = signet::bench::ParseCommandLine(argc, argv, cl, std::cout, std::cerr)) return *exit;

  auto report = signet::bench::RunBench(cl.config);
  if (!report.ok()) {
    std::cerr << "signet-bench: " << report.error().ToString() << std::endl;
    return 1;
  }
  std::cout << signet::bench::FormatReport(*report) << std::flush;
  if (!cl.json_path.empty()) {
    std::ofstream out(cl.json_path);
    out << boost::json::serialize(signet::bench::ReportToJson(*report)) << "\n";
    if (!out) {
      std::cerr << "signet-bench: cannot write " << cl.json_path << std::endl;
      return 1;
    }
  }
  return 0;
}
