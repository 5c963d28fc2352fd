// A deterministic stand-in for libFuzzer's main(), so every fuzz target also
// builds with g++ and runs in CTest: it feeds each seed in CORPUS_DIR, then
// ITERATIONS mutations of them (bit flips, truncations, insertions, splices)
// from a fixed-seed generator. Coverage-guided fuzzing uses the same targets
// built with clang and -fsanitize=fuzzer (tests/fuzz/run_libfuzzer.sh).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string Mutate(const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  std::string s = seeds[rng() % seeds.size()];
  int edits = 1 + int(rng() % 8);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 5) {
      case 0:
        if (!s.empty()) s[rng() % s.size()] ^= char(1u << (rng() % 8));
        break;
      case 1:
        if (!s.empty()) s.resize(rng() % s.size());
        break;
      case 2:
        s.insert(s.begin() + long(s.empty() ? 0 : rng() % s.size()), char(rng() % 256));
        break;
      case 3: {
        const std::string& other = seeds[rng() % seeds.size()];
        if (!other.empty()) s += other.substr(rng() % other.size());
        break;
      }
      case 4:
        if (s.size() > 1) {
          size_t a = rng() % s.size(), b = rng() % s.size();
          std::swap(s[a], s[b]);
        }
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR ITERATIONS\n", argv[0]);
    return 2;
  }
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    seeds.push_back(ss.str());
  }
  if (seeds.empty()) seeds.push_back("");
  for (const auto& s : seeds) LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::mt19937_64 rng(0x5167e7);
  long iterations = std::atol(argv[2]);
  for (long i = 0; i < iterations; ++i) {
    std::string input = Mutate(seeds, rng);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  std::printf("%zu seeds and %ld mutations: no crash\n", seeds.size(), iterations);
  return 0;
}
