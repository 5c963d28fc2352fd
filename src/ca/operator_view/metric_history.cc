#include "ca/operator_view/metric_history.h"

#include <map>
#include <utility>

namespace signet::ca::operator_view {

void MetricHistory::Record(acme::TimePoint at, std::vector<metrics::SignetdMetrics::Total> totals) {
  std::lock_guard lock(mu_);
  samples_.push_back({at, std::move(totals)});
  while (!samples_.empty() && samples_.front().at < at - window_) samples_.pop_front();
}

std::vector<Series> MetricHistory::AllSeries(std::optional<Sample> latest) const {
  std::unique_lock lock(mu_);
  std::deque<Sample> samples = samples_;
  lock.unlock();
  if (latest && (samples.empty() || latest->at > samples.back().at))
    samples.push_back(std::move(*latest));
  std::vector<Series> out;
  if (samples.empty()) return out;
  std::map<std::string, size_t> index;
  for (const auto& t : samples.back().totals) {
    index[t.name] = out.size();
    out.push_back({t.name, t.counter, {}});
  }
  std::map<std::string, std::pair<acme::TimePoint, double>> previous;
  std::optional<acme::TimePoint> previous_sample;
  for (const Sample& s : samples) {
    for (const auto& t : s.totals) {
      auto it = index.find(t.name);
      if (it == index.end()) continue;
      Series& series = out[it->second];
      if (!series.counter) {
        series.points.emplace_back(s.at, t.value);
        continue;
      }
      // A labelled family appears with its first label set: 0 before.
      if (!previous.contains(t.name) && previous_sample) previous[t.name] = {*previous_sample, 0};
      auto prev = previous.find(t.name);
      if (prev != previous.end() && t.value >= prev->second.second && s.at > prev->second.first) {
        std::chrono::duration<double> dt = s.at - prev->second.first;
        series.points.emplace_back(s.at, (t.value - prev->second.second) * 60 / dt.count());
      }
      previous[t.name] = {s.at, t.value};
    }
    previous_sample = s.at;
  }
  return out;
}

PeriodicSampler::PeriodicSampler(std::chrono::milliseconds interval, std::function<void()> take)
    : thread_([this, interval, take = std::move(take)] {
        std::unique_lock lock(mu_);
        while (!stop_) {
          lock.unlock();
          take();
          lock.lock();
          wake_.wait_for(lock, interval, [this] { return stop_; });
        }
      }) {}

PeriodicSampler::~PeriodicSampler() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace signet::ca::operator_view
