// What a daemon counts, for the Prometheus scrape (GET /metrics, text format 0.0.4: text_format.h).
//
// A family is one metric name with fixed label names; each set of label values is one series. Counter and Gauge
// are handles to a series' atomic cell: once a handle is held, an increment is one relaxed atomic add and takes
// no lock (the hot path keeps handles; finding a series by label values locks its family briefly). Families
// either live in the registry (counter(), gauge()), or in the part that counts (a member of its counters struct,
// shown with expose()), or are computed at scrape time (callback(): peer states, connection states).
//
// Names are given without the daemon prefix: the registry of daemon "mme" renders "attaches_completed" as
// simbind_mme_attaches_completed_total. A malformed metric or label name, or label values that do not match the
// family's label names, are programming errors: std::logic_error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace simbind::metrics {

enum class MetricType { counter, gauge };

using LabelValues = std::vector<std::string>;

struct Sample {
  LabelValues labels;  // one value per label name of the family, in its order
  double value = 0;
};

// What the registry renders: name, help, type, label names, and the current samples.
class Family {
 public:
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names);
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  virtual std::vector<Sample> collect() const = 0;

 protected:
  void check_labels(const LabelValues& values) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

class Counter {
 public:
  void inc(std::uint64_t n = 1) const { cell_->fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return cell_->load(std::memory_order_relaxed); }

 private:
  friend class CounterFamily;
  explicit Counter(std::atomic<std::uint64_t>* cell) : cell_(cell) {}
  std::atomic<std::uint64_t>* cell_;
};

class Gauge {
 public:
  void set(std::int64_t v) const { cell_->store(v, std::memory_order_relaxed); }
  void inc(std::int64_t n = 1) const { cell_->fetch_add(n, std::memory_order_relaxed); }
  void dec(std::int64_t n = 1) const { cell_->fetch_sub(n, std::memory_order_relaxed); }
  std::int64_t value() const { return cell_->load(std::memory_order_relaxed); }

 private:
  friend class GaugeFamily;
  explicit Gauge(std::atomic<std::int64_t>* cell) : cell_(cell) {}
  std::atomic<std::int64_t>* cell_;
};

// Series cells never move (each is its own allocation), so handles stay valid as long as the family.
template <typename Cell>
class SeriesMap {
 public:
  Cell* find_or_add(const LabelValues& values);
  template <typename F>
  void for_each(F f) const;

 private:
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<Cell>> cells_;
};

class CounterFamily final : public Family {
 public:
  // Without labels the one series exists from the start (it renders 0 before the first event).
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names = {});
  Counter labels(const LabelValues& values);  // the series, created at 0 on first use
  Counter series() { return labels({}); }      // the family without labels
  void inc(const LabelValues& values, std::uint64_t n = 1) { labels(values).inc(n); }
  std::uint64_t value(const LabelValues& values = {}) { return labels(values).value(); }
  std::vector<Sample> collect() const override;

 private:
  SeriesMap<std::atomic<std::uint64_t>> series_;
};

class GaugeFamily final : public Family {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names = {});
  Gauge labels(const LabelValues& values);
  Gauge series() { return labels({}); }
  std::vector<Sample> collect() const override;

 private:
  SeriesMap<std::atomic<std::int64_t>> series_;
};

// Samples computed when scraped. The function runs on the HTTP server's thread, with the registry locked.
class CallbackFamily final : public Family {
 public:
  using Collect = std::function<std::vector<Sample>()>;
  CallbackFamily(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
                 Collect collect);
  std::vector<Sample> collect() const override;

 private:
  Collect collect_;
};

class Registry;

// A family shown by the registry until this handle goes (RAII): declared after what the family reads, it is
// withdrawn before that is destroyed; a scrape in progress finishes first.
class Exposure {
 public:
  Exposure() = default;
  Exposure(Exposure&& other) noexcept;
  Exposure& operator=(Exposure&& other) noexcept;
  ~Exposure();

 private:
  friend class Registry;
  Exposure(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  void release();
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  explicit Registry(std::string daemon);  // metric names render as simbind_<daemon>_<name>
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families the registry owns, for as long as it lives. Asking twice for one name gives the same family.
  CounterFamily& counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});

  // A family owned by the part that counts; it must outlive the returned handle.
  [[nodiscard]] Exposure expose(const Family& family);
  // Samples computed at scrape time; what `collect` reads must outlive the returned handle.
  [[nodiscard]] Exposure callback(MetricType type, const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names, CallbackFamily::Collect collect);

  const std::string& prefix() const { return prefix_; }
  // Every family in registration order, in the Prometheus text format 0.0.4.
  std::string render() const;

 private:
  friend class Exposure;
  struct Entry {
    std::uint64_t id;
    const Family* family;
    std::unique_ptr<Family> owned;  // null when exposed from elsewhere
  };
  template <typename F>
  F& owned(const std::string& name, const std::string& help, std::vector<std::string> label_names);
  Exposure add(const Family* family, std::unique_ptr<Family> owner);
  void remove(std::uint64_t id);

  std::string prefix_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  std::uint64_t next_id_ = 1;
};

// A counter a component already keeps as a plain atomic (its counters struct), read at scrape time; the atomic
// must outlive the handle.
[[nodiscard]] Exposure expose_counter(Registry& registry, const std::string& name, const std::string& help,
                                      const std::atomic<std::uint64_t>& cell);

}  // namespace simbind::metrics
