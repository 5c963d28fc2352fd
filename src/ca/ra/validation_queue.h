// A fixed pool of worker threads that runs validations and background
// issuance off the request path (RFC 8555 7.5.1: the challenge POST returns
// at once; the client polls). Bounded: at most `capacity` tasks wait, so one
// client cannot queue unbounded work; a request finding it full is refused
// (rateLimited) before it changes anything, by reserving its place first.
// Thread-safe. The destructor drains nothing: waiting tasks are dropped and
// running ones finish before the threads are joined.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace signet::ca {

class ValidationQueue {
 public:
  // `capacity`: the most tasks waiting to run (running ones not counted,
  // reserved places counted); 0 = unbounded.
  explicit ValidationQueue(int workers, size_t capacity = 0);
  ~ValidationQueue();
  ValidationQueue(const ValidationQueue&) = delete;
  ValidationQueue& operator=(const ValidationQueue&) = delete;

  // A reserved place in the queue; given back when dropped unused.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : queue_(std::exchange(other.queue_, nullptr)) {}
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket();

   private:
    friend class ValidationQueue;
    explicit Ticket(ValidationQueue* queue) : queue_(queue) {}
    ValidationQueue* queue_;
  };

  // A place for one task, or nullopt when the queue is full.
  std::optional<Ticket> Reserve();
  // Queues `task` in the place `ticket` reserved.
  void Submit(Ticket ticket, std::function<void()> task);
  // Queues `task` whatever the capacity (restart recovery re-queues all).
  void Submit(std::function<void()> task);
  // Waits until no task waits or runs (graceful shutdown: nothing new is
  // being submitted), or until `deadline`; true when drained.
  bool Drain(std::chrono::steady_clock::time_point deadline);
  // Tasks waiting for a worker now (the operator's gauge; also whether a
  // new task would start at once).
  size_t waiting() {
    std::lock_guard lock(mu_);
    return tasks_.size();
  }

 private:
  void Run();

  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // GUARDED_BY(mu_)
  size_t reserved_ = 0;                      // GUARDED_BY(mu_)
  size_t running_ = 0;                       // GUARDED_BY(mu_)
  std::condition_variable idle_;             // signalled when a task ends
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace signet::ca
