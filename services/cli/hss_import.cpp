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
[[noreturn]] void throw_problems(const std::vector<std::string>& problems) {
  std::string all;
  for (std::size_t i = 0; i < problems.size() && i < kMaxProblemsShown; ++i) {
    all += (all.empty() ? "" : "\n") + problems[i];
  }
  if (problems.size() > kMaxProblemsShown) {
    all += "\n(" + std::to_string(problems.size() - kMaxProblemsShown) + " more problems not shown)";
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

// srsEPC user_db.csv: name,auth,imsi,key,op_type,op_or_opc,amf,sqn,qci,ip_alloc. The name is a label; sqn is
// accepted and ignored (simbind-hss keeps its own SQN). ip_alloc `dynamic`, or a static IPv4 address for the
// default APN (its Served-Party-IP-Address), as srsEPC gives it to the UE.
std::vector<ImportEntry> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(path, "cannot read the file");
  const FieldNames names{"imsi", "key", "op_or_opc", "op_or_opc", "op_or_opc", "amf", "msisdn", "qci", "ip_alloc"};
  std::vector<ImportEntry> entries;
  std::vector<std::string> problems_found;
  std::map<std::string, std::size_t> seen;  // IMSI -> line
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const std::string at = path + ": line " + std::to_string(number) + ": ";
    auto problem = [&](const std::string& field, const std::string& message) {
      problems_found.push_back(at + field + ": " + message);
    };
    const auto f = split(text, ',');
    if (f.size() != 10) {
      problems_found.push_back(at +
                               "expected 10 fields (name,auth,imsi,key,op_type,op_or_opc,amf,sqn,qci,ip_alloc), got " +
                               std::to_string(f.size()));
      continue;
    }
    NewSubscriber s;
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
    if (!imsi_problem(s.imsi)) {  // a malformed IMSI is reported above
      if (auto [it, fresh] = seen.emplace(s.imsi, number); !fresh) {
        problem("imsi", "IMSI " + s.imsi + " already appears on line " + std::to_string(it->second));
      }
    }
    entries.push_back({path + " line " + std::to_string(number), std::move(s)});
  }
  if (problems_found.empty() && entries.empty()) problems_found.push_back(path + ": no subscribers in the file");
  if (!problems_found.empty()) throw_problems(problems_found);
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

std::vector<ImportEntry> read_import_file(const std::string& path) {
  const std::string ext = lowercase_extension(path);
  if (ext == ".csv") return read_csv(path);
  if (ext == ".yaml" || ext == ".yml") return read_yaml(path);
  throw UsageError(path, "unknown file type: the name must end in .csv, .yaml or .yml");
}

}  // namespace simbind::cli
