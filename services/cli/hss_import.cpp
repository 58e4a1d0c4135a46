#include "services/cli/hss_import.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>

#include "common/config/config_reader.h"
#include "common/subscription/apn_config.h"
#include "services/cli/apn_spec.h"
#include "services/cli/cli_args.h"

namespace simbind::cli {
namespace {

constexpr std::size_t kMaxProblemsShown = 20;

// Every problem, one per line, at most kMaxProblemsShown of them.
[[noreturn]] void throw_problems(const std::vector<std::string>& problems, std::size_t total = 0) {
  total = std::max(total, problems.size());
  std::string all;
  for (std::size_t i = 0; i < problems.size() && i < kMaxProblemsShown; ++i) {
    all += (all.empty() ? "" : "\n") + problems[i];
  }
  if (const std::size_t shown = std::min(problems.size(), kMaxProblemsShown); total > shown) {
    all += "\n(" + std::to_string(total - shown) + " more problems not shown)";
  }
  throw UsageError(all + "\nnothing was imported");
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = line.find(sep, start);
    out.push_back(
        trim(std::string_view(line).substr(start, pos == std::string::npos ? std::string::npos : pos - start)));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

std::string lowercase_extension(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// A problem found while checking a file, with the line it is on (0 for YAML, whose problems come in file order).
struct Found {
  std::size_t line;
  std::string message;
};

// The earliest kMaxProblemsShown problems of each kind are kept, and all are counted: a file of a million bad
// lines costs no more memory than one with twenty.
class Problems {
 public:
  void add(std::size_t line, std::string message) {
    ++count_;
    if (kept_.size() < kMaxProblemsShown) kept_.push_back({line, std::move(message)});
  }
  void add_sorted(std::vector<Found> more, std::size_t count) {  // another kind, found in line order too
    count_ += count;
    for (auto& f : more) kept_.push_back(std::move(f));
  }
  bool empty() const { return count_ == 0; }
  [[noreturn]] void raise() {
    std::stable_sort(kept_.begin(), kept_.end(), [](const Found& a, const Found& b) { return a.line < b.line; });
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < kept_.size() && i < kMaxProblemsShown; ++i) lines.push_back(std::move(kept_[i].message));
    throw_problems(lines, count_);
  }

 private:
  std::vector<Found> kept_;
  std::size_t count_ = 0;
};

// srsEPC user_db.csv: name,auth,imsi,key,op_type,op_or_opc,amf,sqn,qci,ip_alloc. The name is a label; sqn is
// accepted and ignored (simbind-hss keeps its own SQN). ip_alloc `dynamic`, or a static IPv4 address for the
// default APN (its Served-Party-IP-Address), as srsEPC gives it to the UE.
class CsvReader {
 public:
  explicit CsvReader(const std::string& path) : path_(path), in_(path) {
    if (!in_) throw UsageError(path, "cannot read the file");
  }

  // The next subscriber line, parsed; `problem(field, message)` hears what is wrong with it. False at the end.
  template <typename OnProblem>
  bool next(ImportEntry& entry, std::size_t& number, OnProblem&& problem) {
    std::string line;
    while (std::getline(in_, line)) {
      number = ++line_;
      const std::string text = trim(line);
      if (text.empty() || text.front() == '#') continue;
      entry = {path_ + " line " + std::to_string(number), parse(text, problem)};
      return true;
    }
    return false;
  }

 private:
  template <typename OnProblem>
  NewSubscriber parse(const std::string& text, OnProblem& problem) {
    static const FieldNames names{"imsi", "key", "op_or_opc", "op_or_opc", "op_or_opc", "amf", "msisdn", "qci", "ip_alloc"};
    NewSubscriber s;
    const auto f = split(text, ',');
    if (f.size() != 10) {
      problem("", "expected 10 fields (name,auth,imsi,key,op_type,op_or_opc,amf,sqn,qci,ip_alloc), got " +
                      std::to_string(f.size()));
      return s;
    }
    if (f[1] != "mil") problem("auth", "must be 'mil' (Milenage), got '" + f[1] + "'");
    s.imsi = f[2];
    s.k = f[3];
    if (f[4] == "op") {
      s.op = f[5];
    } else if (f[4] == "opc") {
      s.opc = f[5];
    } else {
      problem("op_type", "must be 'op' or 'opc', got '" + f[4] + "'");
      s.opc = f[5];  // still check the value's form
    }
    s.amf = f[6];
    if (!f[8].empty()) {
      const auto [end, ec] = std::from_chars(f[8].data(), f[8].data() + f[8].size(), s.qci);
      if (ec != std::errc() || end != f[8].data() + f[8].size()) {
        problem("qci", "must be an integer 1..254, got '" + f[8] + "'");
        s.qci = 0;
      }
    }
    if (f[9] != "dynamic") {
      if (auto v4 = subscription::parse_ipv4(f[9]); !v4) {
        problem("ip_alloc", "must be 'dynamic' or an IPv4 address, got '" + f[9] + "'");
      } else {
        // The default APN with a static address: a configuration of its own, carrying the QCI too.
        simbind::hss::v1::ApnConfig a;
        a.set_apn("internet");
        a.set_qci(s.qci);
        a.set_static_ipv4(f[9]);
        s.apns.push_back(a);
        s.qci = 0;
      }
    }
    for (const auto& [field, message] : problems(s, names)) problem(field, message);
    return s;
  }

  std::string path_;
  std::ifstream in_;
  std::size_t line_ = 0;
};

// An IMSI (6 to 15 digits, checked before) as one number; its length keeps "0123..." apart from "123...".
std::uint64_t imsi_key(const std::string& imsi) {
  std::uint64_t v = 0;
  std::from_chars(imsi.data(), imsi.data() + imsi.size(), v);
  return v | static_cast<std::uint64_t>(imsi.size()) << 56;
}

// Checks every line; returns the number of subscribers. A repeated IMSI is found by sorting (IMSI, line) pairs:
// 16 bytes a subscriber, where a map of strings would take ten times that.
std::size_t check_csv(const std::string& path) {
  CsvReader reader(path);
  Problems found;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> imsis;
  ImportEntry entry;
  std::size_t number = 0, entries = 0;
  auto problem = [&](const std::string& field, const std::string& message) {
    found.add(number, path + ": line " + std::to_string(number) + ": " + (field.empty() ? "" : field + ": ") + message);
  };
  while (reader.next(entry, number, problem)) {
    ++entries;
    if (!entry.subscriber.imsi.empty() && !imsi_problem(entry.subscriber.imsi)) {
      imsis.emplace_back(imsi_key(entry.subscriber.imsi), static_cast<std::uint32_t>(number));
    }
  }
  // One walk over the sorted pairs: each repeat with the line its IMSI first appeared on. Only the earliest
  // kMaxProblemsShown repeats become messages.
  std::sort(imsis.begin(), imsis.end());
  struct Repeat {
    std::uint32_t line, first_line;
    std::uint64_t key;
  };
  std::vector<Repeat> all_repeats;
  for (std::size_t i = 1, first = 0; i < imsis.size(); ++i) {
    if (imsis[i].first != imsis[first].first) {
      first = i;
      continue;
    }
    all_repeats.push_back({imsis[i].second, imsis[first].second, imsis[i].first});
  }
  const std::size_t repeated = all_repeats.size();
  const auto shown = all_repeats.begin() + static_cast<std::ptrdiff_t>(std::min(repeated, kMaxProblemsShown));
  std::partial_sort(all_repeats.begin(), shown, all_repeats.end(),
                    [](const Repeat& a, const Repeat& b) { return a.line < b.line; });
  std::vector<Found> repeats;
  for (auto r = all_repeats.begin(); r != shown; ++r) {
    const std::string imsi = std::to_string(r->key & ((std::uint64_t{1} << 56) - 1));
    const std::size_t digits = static_cast<std::size_t>(r->key >> 56);
    repeats.push_back({r->line, path + ": line " + std::to_string(r->line) + ": imsi: IMSI " +
                                    std::string(digits - std::min(digits, imsi.size()), '0') + imsi +
                                    " already appears on line " + std::to_string(r->first_line)});
  }
  found.add_sorted(std::move(repeats), repeated);
  if (found.empty() && entries == 0) found.add(0, path + ": no subscribers in the file");
  if (!found.empty()) found.raise();
  return entries;
}

// One entry of a subscriber's `apns:` list.
simbind::hss::v1::ApnConfig yaml_apn(const config::ConfigReader::Section& e) {
  e.allow_only({"apn", "context_id", "pdn_type", "qci", "arp_priority", "pre_emption_capability",
                "pre_emption_vulnerability", "ambr_ul", "ambr_dl", "ipv4", "ipv6"});
  simbind::hss::v1::ApnConfig a;
  a.set_apn(e.required_string("apn"));
  a.set_context_id(static_cast<std::uint32_t>(e.integer("context_id", 0, 1, 0xffffffff)));
  if (e.has("pdn_type")) {
    auto t = parse_pdn_type(e.choice("pdn_type", "ipv4v6", {"ipv4", "ipv6", "ipv4v6", "ipv4_or_ipv6"}));
    if (t) a.set_pdn_type(*t);
  }
  a.set_qci(static_cast<std::int32_t>(e.integer("qci", 0, 1, 254)));
  a.set_arp_priority(static_cast<std::uint32_t>(e.integer("arp_priority", 0, 1, 15)));
  if (e.has("pre_emption_capability")) {
    auto p = parse_pre_emption(e.choice("pre_emption_capability", "disabled", {"enabled", "disabled"}));
    if (p) a.set_pre_emption_capability(*p);
  }
  if (e.has("pre_emption_vulnerability")) {
    auto p = parse_pre_emption(e.choice("pre_emption_vulnerability", "enabled", {"enabled", "disabled"}));
    if (p) a.set_pre_emption_vulnerability(*p);
  }
  a.set_ambr_ul(static_cast<std::uint32_t>(e.integer("ambr_ul", 0, 1, 0xffffffff)));
  a.set_ambr_dl(static_cast<std::uint32_t>(e.integer("ambr_dl", 0, 1, 0xffffffff)));
  a.set_static_ipv4(e.string("ipv4", ""));
  a.set_static_ipv6_prefix(e.string("ipv6", ""));
  return a;
}

// subscribers: [{imsi, k, op | opc, amf, msisdn, apn, qci, ambr_ul, ambr_dl (UE-AMBR; also ue_ambr_ul/_dl),
// binding: required | off, apns: [...], default_apn, subscriber_status, network_access_mode, access_restriction}]
std::vector<ImportEntry> read_yaml(const std::string& path) {
  auto reader = config::ConfigReader::load_file(path);
  if (!reader) throw_problems({reader.error().message});
  auto root = reader->root();
  root.allow_only({"subscribers"});
  const auto list = root.list("subscribers");
  if (list.empty()) root.problem("subscribers", "is required: a list of subscribers, none found");
  const FieldNames names{"imsi", "k", "op", "opc", "op/opc", "amf", "msisdn", "qci", "apns"};
  std::vector<ImportEntry> entries;
  std::map<std::string, std::string> seen;  // IMSI -> entry
  for (const auto& e : list) {
    e.allow_only({"imsi", "k", "op", "opc", "amf", "msisdn", "apn", "qci", "ambr_ul", "ambr_dl", "ue_ambr_ul",
                  "ue_ambr_dl", "binding", "apns", "default_apn", "subscriber_status", "network_access_mode",
                  "access_restriction"});
    NewSubscriber s;
    s.imsi = e.string("imsi", "");
    s.k = e.string("k", "");
    s.op = e.string("op", "");
    s.opc = e.string("opc", "");
    s.amf = e.string("amf", "");
    s.msisdn = e.string("msisdn", "");
    s.apn = e.string("apn", "");
    s.qci = static_cast<std::int32_t>(e.integer("qci", 0, 1, 254));
    s.ambr_ul = static_cast<std::uint32_t>(e.integer(e.has("ue_ambr_ul") ? "ue_ambr_ul" : "ambr_ul", 0, 1, 0xffffffff));
    s.ambr_dl = static_cast<std::uint32_t>(e.integer(e.has("ue_ambr_dl") ? "ue_ambr_dl" : "ambr_dl", 0, 1, 0xffffffff));
    for (const auto& a : e.list("apns")) s.apns.push_back(yaml_apn(a));
    s.default_apn = e.string("default_apn", "");
    if (e.has("subscriber_status")) {
      s.subscriber_status =
          e.choice("subscriber_status", "service_granted", {"service_granted", "operator_determined_barring"});
    }
    if (e.has("network_access_mode")) {
      s.network_access_mode = e.choice("network_access_mode", "only_packet", {"only_packet", "packet_and_circuit"});
    }
    if (e.has("access_restriction")) {
      s.access_restriction = static_cast<std::uint32_t>(e.integer("access_restriction", 0, 0, 0xffffffff));
    }
    s.binding_required = e.choice("binding", "off", {"required", "off"}) == "required";
    for (const auto& [field, message] : problems(s, names)) e.problem(field, message);
    if (!imsi_problem(s.imsi)) {  // a malformed IMSI is reported above
      if (auto [it, fresh] = seen.emplace(s.imsi, e.path()); !fresh) {
        e.problem("imsi", "IMSI " + s.imsi + " already appears in " + it->second);
      }
    }
    entries.push_back({path + " " + e.path(), std::move(s)});
  }
  if (auto done = reader->finish(); !done) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    const std::string& all = done.error().message;
    for (auto pos = all.find('\n');; pos = all.find('\n', start)) {
      lines.push_back(all.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
      if (pos == std::string::npos) break;
      start = pos + 1;
    }
    throw_problems(lines);
  }
  return entries;
}

}  // namespace

ImportFile ImportFile::open(const std::string& path) {
  const std::string ext = lowercase_extension(path);
  if (ext == ".csv") {
    ImportFile f(path, true);
    f.size_ = check_csv(path);
    return f;
  }
  if (ext == ".yaml" || ext == ".yml") {
    ImportFile f(path, false);
    f.yaml_entries_ = read_yaml(path);
    f.size_ = f.yaml_entries_.size();
    return f;
  }
  throw UsageError(path, "unknown file type: the name must end in .csv, .yaml or .yml");
}

void ImportFile::for_each_batch(std::size_t batch,
                                const std::function<void(std::span<const ImportEntry>)>& send) const {
  if (!csv_) {
    for (std::size_t i = 0; i < yaml_entries_.size(); i += batch) {
      send(std::span(yaml_entries_).subspan(i, std::min(batch, yaml_entries_.size() - i)));
    }
    return;
  }
  CsvReader reader(path_);
  std::vector<ImportEntry> entries;
  entries.reserve(batch);
  std::size_t number = 0, read = 0;
  auto changed = [&](const std::string&, const std::string&) {
    throw UsageError(path_, "line " + std::to_string(number) + " changed since the file was checked; " +
                                "stopped before sending it");
  };
  for (ImportEntry entry; reader.next(entry, number, changed);) {
    entries.push_back(std::move(entry));
    if (++read > size_) throw UsageError(path_, "the file grew since it was checked; stopped before sending line " +
                                                   std::to_string(number));
    if (entries.size() == batch) {
      send(entries);
      entries.clear();
    }
  }
  if (!entries.empty()) send(entries);
}

}  // namespace simbind::cli
