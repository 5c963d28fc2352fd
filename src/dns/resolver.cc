// The Resolver's deadline check, shared by every implementation, and the
// default (thread per lookup) batch of CAA lookups.
#include "dns/resolver.h"

#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

namespace signet::dns {
namespace {

bool Passed(Deadline deadline) { return std::chrono::steady_clock::now() >= deadline; }

}  // namespace

Error QueryTimedOut(const std::string& type, const std::string& name) {
  return Error(ErrorCode::kDns, "DNS problem: query timed out looking up " + type + " for " + name);
}

Result<std::vector<std::string>> Resolver::LookupHost(const std::string& name, Deadline deadline) {
  if (Passed(deadline)) return QueryTimedOut("A", name);
  return DoLookupHost(name, deadline);
}

Result<TxtAnswer> Resolver::LookupTxt(const std::string& name, Deadline deadline) {
  if (Passed(deadline)) return QueryTimedOut("TXT", name);
  return DoLookupTxt(name, deadline);
}

Result<CaaAnswer> Resolver::LookupCaa(const std::string& name, Deadline deadline) {
  if (Passed(deadline)) return QueryTimedOut("CAA", name);
  return DoLookupCaa(name, deadline);
}

CaaAnswers Resolver::LookupCaaAll(const std::vector<std::string>& names, Deadline deadline,
                                  const CaaEnough& enough) {
  if (names.empty()) return {};
  if (Passed(deadline)) {
    CaaAnswers answers;
    for (const std::string& name : names) answers.emplace_back(QueryTimedOut("CAA", name));
    return answers;
  }
  return DoLookupCaaAll(names, deadline, enough);
}

CaaAnswers Resolver::DoLookupCaaAll(const std::vector<std::string>& names, Deadline deadline,
                                    const CaaEnough& enough) {
  std::mutex mu;
  std::condition_variable cv;
  CaaAnswers arrived(names.size());  // GUARDED_BY(mu): filled by the threads
  std::vector<std::thread> threads;
  threads.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    auto lookup = [&, i] {
      Result<CaaAnswer> answer = LookupCaa(names[i], deadline);
      std::lock_guard lock(mu);
      arrived[i] = std::move(answer);
      cv.notify_all();
    };
    try {
      threads.emplace_back(lookup);
    } catch (const std::system_error&) {  // No thread to be had: on this one.
      lookup();
    }
  }
  // `enough` sees a copy that changes only between its calls.
  CaaAnswers answers(names.size());
  size_t in = 0;
  {
    std::unique_lock lock(mu);
    while (in < names.size()) {
      cv.wait(lock, [&] {
        for (size_t i = 0; i < names.size(); ++i)
          if (arrived[i] && !answers[i]) return true;
        return false;
      });
      for (size_t i = 0; i < names.size(); ++i) {
        if (arrived[i] && !answers[i]) {
          answers[i] = std::move(arrived[i]);
          ++in;
        }
      }
      lock.unlock();
      const bool done = enough(answers);
      lock.lock();
      if (done) break;
    }
  }
  for (std::thread& t : threads) t.join();
  return answers;
}

}  // namespace signet::dns
