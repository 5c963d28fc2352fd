#include "bench/proc_stats.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace signet::bench {
namespace {

bool ParseUnsigned(std::string_view s, uint64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\n' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// "   12345 kB" -> 12345.
bool ParseKb(std::string_view value, int64_t* out) {
  auto parts = SplitSpaces(value);
  uint64_t v = 0;
  if (parts.empty() || !ParseUnsigned(parts[0], &v)) return false;
  *out = int64_t(v);
  return true;
}

std::string ProcPath(int pid, const char* file) {
  return "/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/" + file;
}

Result<std::string> ReadProcFile(int pid, const char* file) {
  std::string path = ProcPath(pid, file);
  std::ifstream in(path);
  if (!in) return Error(ErrorCode::kNotFound, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();  // /proc files report size 0: read until EOF
  return ss.str();
}

}  // namespace

Result<CpuTicks> ParseProcStat(std::string_view text) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos)
    return Error(ErrorCode::kMalformed, "/proc stat line without a command name");
  // After ')': state(3) ppid(4) ... utime(14) stime(15).
  auto fields = SplitSpaces(text.substr(close + 1));
  constexpr size_t kUtime = 14 - 3, kStime = 15 - 3;
  CpuTicks t;
  if (fields.size() <= kStime || !ParseUnsigned(fields[kUtime], &t.user) ||
      !ParseUnsigned(fields[kStime], &t.system))
    return Error(ErrorCode::kMalformed, "/proc stat line without utime/stime");
  return t;
}

Result<MemoryStatus> ParseProcStatus(std::string_view text) {
  MemoryStatus m;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon), value = line.substr(colon + 1);
    if (key == "VmRSS" && !ParseKb(value, &m.rss_kb))
      return Error(ErrorCode::kMalformed, "bad VmRSS line in /proc status");
    if (key == "VmHWM" && !ParseKb(value, &m.hwm_kb))
      return Error(ErrorCode::kMalformed, "bad VmHWM line in /proc status");
  }
  return m;
}

double TicksToSeconds(uint64_t ticks) {
  static const long kTicksPerSecond = sysconf(_SC_CLK_TCK);
  return double(ticks) / double(kTicksPerSecond > 0 ? kTicksPerSecond : 100);
}

Result<double> ProcessCpuSeconds(int pid) {
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadProcFile(pid, "stat"));
  SIGNET_ASSIGN_OR_RETURN(CpuTicks ticks, ParseProcStat(text));
  return TicksToSeconds(ticks.total());
}

Result<MemoryStatus> ProcessMemory(int pid) {
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadProcFile(pid, "status"));
  return ParseProcStatus(text);
}

}  // namespace signet::bench
