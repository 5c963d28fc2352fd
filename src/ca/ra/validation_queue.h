// A fixed pool of worker threads that runs validations off the request path
// (RFC 8555 7.5.1: the challenge POST returns at once; the client polls).
// Thread-safe. The destructor drains nothing: pending tasks are dropped and
// running ones finish before the threads are joined.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace signet::ca {

class ValidationQueue {
 public:
  explicit ValidationQueue(int workers);
  ~ValidationQueue();
  ValidationQueue(const ValidationQueue&) = delete;
  ValidationQueue& operator=(const ValidationQueue&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace signet::ca
