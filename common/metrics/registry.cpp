#include "common/metrics/registry.h"

#include <algorithm>
#include <stdexcept>

#include "common/metrics/text_format.h"

namespace simbind::metrics {

Family::Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(type), label_names_(std::move(label_names)) {
  if (!valid_metric_name(name_)) throw std::logic_error("metrics: invalid metric name '" + name_ + "'");
  for (const auto& l : label_names_) {
    if (!valid_label_name(l)) throw std::logic_error("metrics: " + name_ + ": invalid label name '" + l + "'");
  }
}

void Family::check_labels(const LabelValues& values) const {
  if (values.size() != label_names_.size()) {
    throw std::logic_error("metrics: " + name_ + " takes " + std::to_string(label_names_.size()) +
                           " label value(s), got " + std::to_string(values.size()));
  }
}

template <typename Cell>
Cell* SeriesMap<Cell>::find_or_add(const LabelValues& values) {
  std::lock_guard lock(mutex_);
  auto& cell = cells_[values];
  if (!cell) cell = std::make_unique<Cell>(0);
  return cell.get();
}

template <typename Cell>
template <typename F>
void SeriesMap<Cell>::for_each(F f) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, cell] : cells_) f(labels, cell->load(std::memory_order_relaxed));
}

CounterFamily::CounterFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), MetricType::counter, std::move(label_names)) {
  if (this->label_names().empty()) series_.find_or_add({});
}

Counter CounterFamily::labels(const LabelValues& values) {
  check_labels(values);
  return Counter(series_.find_or_add(values));
}

std::vector<Sample> CounterFamily::collect() const {
  std::vector<Sample> out;
  series_.for_each([&out](const LabelValues& l, std::uint64_t v) { out.push_back({l, static_cast<double>(v)}); });
  return out;
}

GaugeFamily::GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), MetricType::gauge, std::move(label_names)) {
  if (this->label_names().empty()) series_.find_or_add({});
}

Gauge GaugeFamily::labels(const LabelValues& values) {
  check_labels(values);
  return Gauge(series_.find_or_add(values));
}

std::vector<Sample> GaugeFamily::collect() const {
  std::vector<Sample> out;
  series_.for_each([&out](const LabelValues& l, std::int64_t v) { out.push_back({l, static_cast<double>(v)}); });
  return out;
}

CallbackFamily::CallbackFamily(std::string name, std::string help, MetricType type,
                               std::vector<std::string> label_names, Collect collect)
    : Family(std::move(name), std::move(help), type, std::move(label_names)), collect_(std::move(collect)) {}

std::vector<Sample> CallbackFamily::collect() const {
  auto samples = collect_();
  // A sample with the wrong number of labels would render as a malformed line: leave it out.
  std::erase_if(samples, [this](const Sample& s) { return s.labels.size() != label_names().size(); });
  return samples;
}

Exposure::Exposure(Exposure&& other) noexcept : registry_(other.registry_), id_(other.id_) {
  other.registry_ = nullptr;
}

Exposure& Exposure::operator=(Exposure&& other) noexcept {
  if (this != &other) {
    release();
    registry_ = other.registry_;
    id_ = other.id_;
    other.registry_ = nullptr;
  }
  return *this;
}

Exposure::~Exposure() { release(); }

void Exposure::release() {
  if (registry_) registry_->remove(id_);
  registry_ = nullptr;
}

Registry::Registry(std::string daemon) : prefix_("simbind_" + daemon + "_") {
  if (!valid_metric_name(prefix_)) throw std::logic_error("metrics: invalid daemon name '" + daemon + "'");
}

template <typename F>
F& Registry::owned(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    if (!e.owned || e.family->name() != name) continue;
    if (auto* f = dynamic_cast<F*>(e.owned.get())) return *f;
    throw std::logic_error("metrics: " + name + " is already registered as another type");
  }
  auto family = std::make_unique<F>(name, help, std::move(label_names));
  F& ref = *family;
  entries_.push_back(Entry{next_id_++, family.get(), std::move(family)});
  return ref;
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  return owned<CounterFamily>(name, help, std::move(label_names));
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
  return owned<GaugeFamily>(name, help, std::move(label_names));
}

Exposure Registry::expose(const Family& family) { return add(&family, nullptr); }

Exposure Registry::callback(MetricType type, const std::string& name, const std::string& help,
                            std::vector<std::string> label_names, CallbackFamily::Collect collect) {
  auto family = std::make_unique<CallbackFamily>(name, help, type, std::move(label_names), std::move(collect));
  const Family* raw = family.get();
  return add(raw, std::move(family));
}

Exposure Registry::add(const Family* family, std::unique_ptr<Family> owner) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  entries_.push_back(Entry{id, family, std::move(owner)});
  return Exposure(this, id);
}

void Registry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [id](const Entry& e) { return e.id == id; });
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    render_family(out, full_name(prefix_, *e.family), *e.family, e.family->collect());
  }
  return out;
}

Exposure expose_counter(Registry& registry, const std::string& name, const std::string& help,
                        const std::atomic<std::uint64_t>& cell) {
  return registry.callback(MetricType::counter, name, help, {}, [&cell] {
    return std::vector<Sample>{{{}, static_cast<double>(cell.load(std::memory_order_relaxed))}};
  });
}

}  // namespace simbind::metrics
