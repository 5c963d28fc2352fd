#include "bench/proc_stats.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace signet::bench {
namespace {

TEST(ProcStat, ReadsUtimeAndStime) {
  // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt
  // cminflt majflt cmajflt utime stime ...
  auto t = ParseProcStat(
      "4242 (signetd) S 1 4242 4242 0 -1 4194560 1234 0 5 0 731 129 0 0 20 0 3 0 100 1000 200");
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->user, 731u);
  EXPECT_EQ(t->system, 129u);
  EXPECT_EQ(t->total(), 860u);
}

TEST(ProcStat, CommandNameWithSpacesAndParens) {
  auto t = ParseProcStat("7 (a b) c)) R 1 7 7 0 -1 0 0 0 0 0 42 8 0 0 20 0 1 0 5 10 2\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->user, 42u);
  EXPECT_EQ(t->system, 8u);
}

TEST(ProcStat, TruncatedIsMalformed) {
  EXPECT_FALSE(ParseProcStat("1 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("no parens at all").ok());
  EXPECT_FALSE(ParseProcStat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 -3 8 0").ok());
}

TEST(ProcStatus, ReadsRssAndHwm) {
  auto m = ParseProcStatus(
      "Name:\tsignetd\nVmPeak:\t  900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\n"
      "Threads:\t5\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->hwm_kb, 51200);
  EXPECT_EQ(m->rss_kb, 40960);
}

TEST(ProcStatus, AbsentFieldsStayUnknown) {
  auto m = ParseProcStatus("Name:\tkthreadd\nState:\tS (sleeping)\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->rss_kb, -1);
  EXPECT_EQ(m->hwm_kb, -1);
  EXPECT_FALSE(ParseProcStatus("VmHWM:\tlots kB\n").ok());
}

TEST(ProcStats, ReadsThisProcess) {
  auto cpu = ProcessCpuSeconds(0);
  ASSERT_TRUE(cpu.ok());
  EXPECT_GE(*cpu, 0.0);
  auto mine = ProcessMemory(int(getpid()));
  ASSERT_TRUE(mine.ok());
  EXPECT_GT(mine->rss_kb, 0);
  EXPECT_GE(mine->hwm_kb, mine->rss_kb);
  EXPECT_EQ(ProcessCpuSeconds(-5).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace signet::bench
