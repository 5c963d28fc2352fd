#include "ca/ra/validation_queue.h"

#include <algorithm>
#include <utility>

namespace signet::ca {

ValidationQueue::ValidationQueue(int workers, size_t capacity) : capacity_(capacity) {
  for (int i = 0; i < std::max(1, workers); ++i) threads_.emplace_back([this] { Run(); });
}

ValidationQueue::~ValidationQueue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    tasks_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

ValidationQueue::Ticket::~Ticket() {
  if (!queue_) return;
  std::lock_guard<std::mutex> lock(queue_->mu_);
  --queue_->reserved_;
}

std::optional<ValidationQueue::Ticket> ValidationQueue::Reserve() {
  std::lock_guard<std::mutex> lock(mu_);
  if (capacity_ > 0 && tasks_.size() + reserved_ >= capacity_) return std::nullopt;
  ++reserved_;
  return Ticket(this);
}

void ValidationQueue::Submit(Ticket ticket, std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ticket.queue_ == this) {
      ticket.queue_ = nullptr;  // its place becomes the task's
      --reserved_;
    }
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ValidationQueue::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ValidationQueue::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
      ++running_;
    }
    task();
    {
      std::lock_guard<std::mutex> lock(mu_);
      --running_;
    }
    idle_.notify_all();
  }
}

bool ValidationQueue::Drain(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_.wait_until(lock, deadline, [this] { return tasks_.empty() && running_ == 0; });
}

}  // namespace signet::ca
