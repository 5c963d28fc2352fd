// What the load generator reads about a process from Linux's /proc (proc(5)):
// CPU time from /proc/PID/stat (utime + stime, fields 14 and 15, in clock
// ticks) and memory from /proc/PID/status (VmRSS now, VmHWM the peak
// resident set). The parsers are pure; the readers open the files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace signet::bench {

struct CpuTicks {
  uint64_t user = 0;    // utime
  uint64_t system = 0;  // stime
  uint64_t total() const { return user + system; }
};

struct MemoryStatus {
  int64_t rss_kb = -1;  // VmRSS; -1 when absent (kernel threads, zombies)
  int64_t hwm_kb = -1;  // VmHWM
};

// Parses the one line of /proc/PID/stat. The command name (field 2) is in
// parentheses and may itself hold spaces and parentheses, so fields are
// counted from the last ')'. kMalformed if the line is too short.
Result<CpuTicks> ParseProcStat(std::string_view text);

// Parses /proc/PID/status ("VmHWM:\t  12345 kB" lines).
Result<MemoryStatus> ParseProcStatus(std::string_view text);

// sysconf(_SC_CLK_TCK) ticks as seconds.
double TicksToSeconds(uint64_t ticks);

// CPU seconds (user + system) the process has used so far; pid 0 is this
// process. kNotFound when there is no such process.
Result<double> ProcessCpuSeconds(int pid);
Result<MemoryStatus> ProcessMemory(int pid);

}  // namespace signet::bench
