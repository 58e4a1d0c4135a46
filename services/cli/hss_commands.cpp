#include "services/cli/hss_commands.h"

#include <cstdio>
#include <ctime>
#include <iostream>
#include <functional>
#include <memory>
#include <set>
#include <span>

#include "services/cli/cli_args.h"
#include "services/cli/cli_output.h"
#include "hss_admin.grpc.pb.h"
#include "proto/event_time.h"
#include "services/cli/grpc_client.h"
#include "services/cli/hss_import.h"
#include "services/cli/hss_input.h"
#include "services/cli/apn_spec.h"
#include "services/hss/profile_proto.h"

namespace simbind::cli {
namespace {

namespace v1 = simbind::hss::v1;
using HssClient = GrpcClient<v1::HssAdmin>;
using Stub = HssClient::Stub;

// The default admin address of simbind-hss (its `admin.listen`); SIMBIND_HSS overrides it.
constexpr const char* kDefaultHssAddress = "127.0.0.1:9080";

// What every `hss` command takes: where simbind-hss listens, how long to wait, and the output format.
struct Connection {
  std::string address = kDefaultHssAddress;
  unsigned timeout_s = 5;
  bool json = false;

  void add_to(CLI::App* app) {
    const std::string group = "Connection and output";
    app->add_option("--hss", address, "simbind-hss admin address HOST:PORT")
        ->capture_default_str()
        ->envname("SIMBIND_HSS")
        ->group(group);
    app->add_option("--timeout", timeout_s, "seconds to wait for each answer (1..300)")
        ->capture_default_str()
        ->check(CLI::Range(1, 300))
        ->group(group);
    app->add_flag("--json", json, "print one JSON object instead of a table")->group(group);
  }
  HssClient connect(const ApiTlsOptions& tls, const std::string& command) const {
    require_valid("--hss", address_problem(address));
    return HssClient(tls.target("simbind-hss", address, "admin.tls"), std::chrono::seconds(timeout_s), command);
  }
};

// A leaf command over options `Opts`: `run(opts, client, json)` checks the options, makes its calls and prints.
template <typename Opts>
CLI::App* leaf(CLI::App& parent, const std::string& name, const std::string& description, std::shared_ptr<Opts> opts,
               void (*run)(const Opts&, HssClient&, bool json), const ApiTlsOptions& api_tls) {
  CLI::App* app = parent.add_subcommand(name, description);
  auto connection = std::make_shared<Connection>();
  connection->add_to(app);
  const ApiTlsOptions* tls = &api_tls;
  app->callback([opts, run, connection, name, tls] {
    HssClient client = connection->connect(*tls, "hss " + name);
    run(*opts, client, connection->json);
  });
  return app;
}

struct ImsiOptions {
  std::string imsi;
};

CLI::Option* add_imsi(CLI::App* app, std::string& imsi) {
  return app->add_option("--imsi", imsi, "IMSI (6 to 15 digits)")->required();
}

const char* policy_name(v1::BindingPolicy p) { return p == v1::BINDING_POLICY_REQUIRED ? "required" : "off"; }

const char* state_name(v1::BindingState s) {
  switch (s) {
    case v1::BINDING_STATE_PENDING: return "pending";
    case v1::BINDING_STATE_ESTABLISHED: return "established";
    default: return "none";
  }
}

// The binding fields, named `<prefix>policy` etc.; the status carries no key material.
void add_binding(Output& out, const v1::BindingStatus& b, const std::string& prefix) {
  out.add(prefix + "policy", std::string(policy_name(b.policy())))
      .add(prefix + "state", std::string(state_name(b.state())))
      .add(prefix + "has_kme", b.has_kme())
      .add(prefix + "kme_id", static_cast<long long>(b.kme_id()))
      .add(prefix + "bound_imei", b.bound_imei())
      .add(prefix + "authorized_imei", b.authorized_imei())
      .add(prefix + "failure_reports", static_cast<long long>(b.failure_reports()));
}

Output binding_output(const v1::BindingStatus& b) {
  Output out;
  out.add("imsi", b.imsi());
  add_binding(out, b, "");
  return out;
}

// One APN configuration, as `get` lists it.
Output apn_output(const v1::ApnConfig& a, std::uint32_t default_context_id) {
  const std::string ambr =
      a.ambr_ul() || a.ambr_dl() ? std::to_string(a.ambr_ul()) + ":" + std::to_string(a.ambr_dl()) : std::string();
  Output out;
  out.add("context_id", static_cast<long long>(a.context_id()))
      .add("default", a.context_id() == default_context_id)
      .add("apn", a.apn())
      .add("pdn_type", std::string(pdn_type_name(a.pdn_type())))
      .add("qci", static_cast<long long>(a.qci()))
      .add("arp", std::to_string(a.arp_priority()) + ":" + pre_emption_name(a.pre_emption_capability()) + ":" +
                      pre_emption_name(a.pre_emption_vulnerability()))
      .add("ambr", ambr)
      .add("ipv4", a.static_ipv4())
      .add("ipv6", a.static_ipv6_prefix());
  return out;
}

const char* status_name(v1::SubscriberStatus s) {
  return s == v1::SUBSCRIBER_STATUS_OPERATOR_DETERMINED_BARRING ? "operator_determined_barring" : "service_granted";
}
const char* access_mode_name(v1::NetworkAccessMode m) {
  return m == v1::NETWORK_ACCESS_MODE_PACKET_AND_CIRCUIT ? "packet_and_circuit" : "only_packet";
}

// Profile, binding status, location and SQN reservation (the API never returns K, OPc or KME). `apn`, `qci` and
// `arp_priority` are the default APN configuration's; `apns` lists them all.
Output subscriber_output(const v1::Subscriber& s, bool with_apns = true) {
  const v1::Profile& p = s.profile();
  Output out;
  out.add("imsi", s.imsi())
      .add("amf", s.amf())
      .add("msisdn", p.msisdn())
      .add("apn", p.apn())
      .add("ambr_ul", static_cast<long long>(p.ambr_ul()))
      .add("ambr_dl", static_cast<long long>(p.ambr_dl()))
      .add("qci", static_cast<long long>(p.qci()))
      .add("arp_priority", static_cast<long long>(p.arp_priority()))
      .add("default_context_id", static_cast<long long>(p.default_context_id()))
      .add("subscriber_status", std::string(status_name(p.subscriber_status())))
      .add("network_access_mode", std::string(access_mode_name(p.network_access_mode())))
      .add("access_restriction", static_cast<long long>(p.access_restriction()));
  add_binding(out, s.binding(), "binding_");
  out.add("mme_host", s.mme_host())
      .add("last_imei", s.last_imei())
      .add("purged", s.purged())
      .add("sqn_reserved", static_cast<long long>(s.sqn_reserved()));
  if (with_apns) {
    Output::Records apns{"apns", {"context_id", "default", "apn", "pdn_type", "qci", "arp", "ambr", "ipv4", "ipv6"}, {}};
    for (const auto& a : p.apns()) apns.records.push_back(apn_output(a, p.default_context_id()));
    out.add_records(std::move(apns));
  }
  return out;
}

// Options shared by create and update: the keys and the profile.
struct SubscriberOptions {
  NewSubscriber s;
  std::vector<std::string> apn_specs;
  std::uint32_t access_restriction = 0;
  CLI::Option *k = nullptr, *op = nullptr, *opc = nullptr, *amf = nullptr;
  CLI::Option *msisdn = nullptr, *apn = nullptr, *ambr_ul = nullptr, *ambr_dl = nullptr, *qci = nullptr;
  CLI::Option *apn_config = nullptr, *default_apn = nullptr, *status = nullptr, *access_mode = nullptr,
              *restriction = nullptr;

  void add_to(CLI::App* app) {
    k = app->add_option("--k", s.k, "subscriber key K (32 hex digits)");
    op = app->add_option("--op", s.op, "operator variant key OP (32 hex digits); the HSS stores OPc only");
    opc = app->add_option("--opc", s.opc, "derived operator key OPc (32 hex digits)");
    op->excludes(opc);
    opc->excludes(op);
    amf = app->add_option("--amf", s.amf, "AMF (4 hex digits; HSS default 8000)");
    msisdn = app->add_option("--msisdn", s.msisdn, "MSISDN (up to 15 digits)");
    apn = app->add_option("--apn", s.apn, "the single (default) APN's name (HSS default: internet)");
    const auto bps = CLI::Range(std::uint64_t{1}, std::uint64_t{0xffffffff});
    ambr_ul = app->add_option("--ue-ambr-ul,--ambr-ul", s.ambr_ul, "UE-AMBR uplink, bit/s (HSS default 50000000)")
                  ->check(bps);
    ambr_dl = app->add_option("--ue-ambr-dl,--ambr-dl", s.ambr_dl, "UE-AMBR downlink, bit/s (HSS default 100000000)")
                  ->check(bps);
    qci = app->add_option("--qci", s.qci, "the single (default) APN's QCI (1..254)")->check(CLI::Range(1, 254));
    apn_config = app->add_option("--apn-config", apn_specs,
                                 "an APN configuration, repeatable (replaces the list on update): NAME[,pdn=ipv4|ipv6|"
                                 "ipv4v6|ipv4_or_ipv6][,qci=N][,arp=PL[:CAP:VUL]][,ambr=UL:DL][,ipv4=A.B.C.D]"
                                 "[,ipv6=PREFIX/64][,id=N]");
    default_apn = app->add_option("--default-apn", s.default_apn,
                                  "which --apn-config is the default (the APN-Configuration-Profile's context id); "
                                  "default: the first");
    status = app->add_option("--subscriber-status", s.subscriber_status,
                             "service_granted (default) or operator_determined_barring")
                 ->check(CLI::IsMember({"service_granted", "operator_determined_barring"}));
    access_mode = app->add_option("--network-access-mode", s.network_access_mode,
                                  "only_packet (default) or packet_and_circuit")
                      ->check(CLI::IsMember({"only_packet", "packet_and_circuit"}));
    restriction = app->add_option("--access-restriction", access_restriction,
                                  "Access-Restriction-Data bit mask (TS 29.272 7.3.31), decimal or 0x hex");
  }
  bool keys_given() const { return k->count() + op->count() + opc->count() + amf->count() > 0; }
  bool profile_given() const {
    return msisdn->count() + apn->count() + ambr_ul->count() + ambr_dl->count() + qci->count() + apn_config->count() +
               default_apn->count() + status->count() + access_mode->count() + restriction->count() >
           0;
  }
  // The --apn-config specs parsed into `s.apns` (UsageError naming the option on a malformed one).
  NewSubscriber parsed() const {
    NewSubscriber out = s;
    for (const auto& spec : apn_specs) {
      auto a = parse_apn_spec(spec);
      if (!a) throw UsageError("--apn-config", a.error().message);
      out.apns.push_back(*a);
    }
    if (restriction->count()) out.access_restriction = access_restriction;
    return out;
  }
};

const FieldNames kOptionNames{"--imsi", "--k", "--op", "--opc", "--op/--opc", "--amf", "--msisdn", "--qci",
                              "--apn-config"};

struct CreateOptions {
  SubscriberOptions o;
  std::string binding = "off";
};

void run_create(const CreateOptions& opts, HssClient& client, bool json) {
  NewSubscriber s = opts.o.parsed();
  s.binding_required = opts.binding == "required";
  if (!s.default_apn.empty() && s.apns.empty()) throw UsageError("--default-apn", "names one of the --apn-config");
  if (const auto found = problems(s, kOptionNames); !found.empty()) {
    throw UsageError(found.front().first, found.front().second);
  }
  subscriber_output(client.call(&Stub::CreateSubscriber, to_request(s))).print(std::cout, json);
}

void add_create(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<CreateOptions>();
  CLI::App* app = leaf(hss, "create", "create a subscriber", opts, run_create, tls);
  add_imsi(app, opts->o.s.imsi);
  opts->o.add_to(app);
  opts->o.k->required();
  app->add_option("--binding", opts->binding, "ME binding policy: required or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"required", "off"}));
}

void run_get(const ImsiOptions& opts, HssClient& client, bool json) {
  require_valid("--imsi", imsi_problem(opts.imsi));
  v1::GetSubscriberRequest req;
  req.set_imsi(opts.imsi);
  subscriber_output(client.call(&Stub::GetSubscriber, req)).print(std::cout, json);
}

void add_get(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<ImsiOptions>();
  CLI::App* app = leaf(hss, "get", "show a subscriber: profile, binding status, location, SQN reservation (never keys)",
                       opts, run_get, tls);
  add_imsi(app, opts->imsi);
}

// Keys are sent only when --k is given (the API changes K, OPc and AMF together). Profile fields given replace
// the stored ones; the API replaces the profile as a whole, so the others are read from the HSS first.
void run_update(const SubscriberOptions& opts, HssClient& client, bool json) {
  const NewSubscriber s = opts.parsed();
  require_valid("--imsi", imsi_problem(s.imsi));
  const bool keys = opts.keys_given();
  const bool profile = opts.profile_given();
  if (!keys && !profile) {
    throw UsageError("hss update",
                     "nothing to change: give --k with --op or --opc, or a profile option "
                     "(--msisdn, --apn, --qci, --apn-config, --default-apn, --ue-ambr-ul, --ue-ambr-dl, "
                     "--subscriber-status, --network-access-mode, --access-restriction)");
  }
  v1::UpdateSubscriberRequest req;
  req.set_imsi(s.imsi);
  if (keys) {
    if (s.k.empty()) throw UsageError("--k", "required to change --op, --opc or --amf");
    require_valid("--k", hex_problem(s.k, 16));
    if (s.op.empty() && s.opc.empty()) throw UsageError("--op/--opc", "give one of them with --k");
    if (!s.op.empty()) require_valid("--op", hex_problem(s.op, 16));
    if (!s.opc.empty()) require_valid("--opc", hex_problem(s.opc, 16));
    if (opts.amf->count()) require_valid("--amf", hex_problem(s.amf, 2));
    auto* k = req.mutable_keys();
    k->set_k(s.k);
    k->set_op(s.op);
    k->set_opc(s.opc);
    k->set_amf(s.amf);
  }
  if (profile) {
    require_valid("--msisdn", msisdn_problem(s.msisdn));
    if (!s.apns.empty() && (opts.apn->count() || opts.qci->count())) {
      throw UsageError("--apn-config", "give the default with --default-apn and its QCI in its --apn-config, not "
                                       "--apn / --qci");
    }
    v1::GetSubscriberRequest get;
    get.set_imsi(s.imsi);
    v1::Profile p = client.call(&Stub::GetSubscriber, get).profile();
    // The shortcut fields act on the default configuration only where given (the answer filled them).
    p.clear_apn();
    p.clear_qci();
    p.clear_arp_priority();
    if (opts.msisdn->count()) p.set_msisdn(s.msisdn);
    if (opts.apn->count()) p.set_apn(s.apn.empty() ? "internet" : s.apn);  // '' = the HSS default APN again
    if (opts.ambr_ul->count()) p.set_ambr_ul(s.ambr_ul);
    if (opts.ambr_dl->count()) p.set_ambr_dl(s.ambr_dl);
    if (opts.qci->count()) p.set_qci(s.qci);
    if (!s.apns.empty()) {  // a new list: the default is --default-apn, or the old default's name if kept
      std::string old_default = p.default_apn();
      p.clear_apns();
      for (const auto& a : s.apns) *p.add_apns() = a;
      p.clear_default_context_id();
      p.set_default_apn(opts.default_apn->count() ? s.default_apn : std::string());
      if (!opts.default_apn->count()) {
        for (const auto& a : s.apns) {
          if (a.apn() == old_default) p.set_default_apn(old_default);
        }
      }
    } else if (opts.default_apn->count()) {
      p.clear_default_context_id();
      p.set_default_apn(s.default_apn);
    }
    if (opts.status->count()) {
      p.set_subscriber_status(s.subscriber_status == "operator_determined_barring"
                                  ? v1::SUBSCRIBER_STATUS_OPERATOR_DETERMINED_BARRING
                                  : v1::SUBSCRIBER_STATUS_SERVICE_GRANTED);
    }
    if (opts.access_mode->count()) {
      p.set_network_access_mode(s.network_access_mode == "packet_and_circuit"
                                    ? v1::NETWORK_ACCESS_MODE_PACKET_AND_CIRCUIT
                                    : v1::NETWORK_ACCESS_MODE_ONLY_PACKET);
    }
    if (s.access_restriction) p.set_access_restriction(*s.access_restriction);
    // The HSS's rules, before sending: a refusal names the problem and nothing is changed either way.
    if (auto checked = simbind::hss::profile_from_proto(p); !checked) {
      std::string message = checked.error().message;
      if (message.starts_with("profile.")) message.erase(0, 8);
      throw UsageError("hss update", message);
    }
    *req.mutable_profile() = p;
  }
  subscriber_output(client.call(&Stub::UpdateSubscriber, req)).print(std::cout, json);
}

void add_update(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<SubscriberOptions>();
  CLI::App* app =
      leaf(hss, "update", "change a subscriber's keys and/or profile fields (the rest is kept)", opts, run_update, tls);
  add_imsi(app, opts->s.imsi);
  opts->add_to(app);
}

void run_delete(const ImsiOptions& opts, HssClient& client, bool json) {
  require_valid("--imsi", imsi_problem(opts.imsi));
  v1::DeleteSubscriberRequest req;
  req.set_imsi(opts.imsi);
  client.call(&Stub::DeleteSubscriber, req);
  Output().add("imsi", opts.imsi).add("deleted", true).print(std::cout, json);
}

void add_delete(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<ImsiOptions>();
  CLI::App* app = leaf(hss, "delete", "delete a subscriber", opts, run_delete, tls);
  add_imsi(app, opts->imsi);
}

struct ListOptions {
  std::uint32_t offset = 0, limit = 100;
};

void run_list(const ListOptions& opts, HssClient& client, bool json) {
  v1::ListSubscribersRequest req;
  req.set_offset(opts.offset);
  req.set_limit(opts.limit);
  const auto answer = client.call(&Stub::ListSubscribers, req);
  Listing out("subscribers",
              {"imsi", "msisdn", "apn", "qci", "binding_policy", "binding_state", "binding_kme_id", "mme_host"});
  for (const auto& s : answer.subscribers()) out.add_record(subscriber_output(s));
  out.add("total", static_cast<long long>(answer.total()))
      .add("offset", static_cast<long long>(opts.offset))
      .add("shown", static_cast<long long>(answer.subscribers_size()));
  out.print(std::cout, json);
}

void add_list(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<ListOptions>();
  CLI::App* app = leaf(hss, "list", "list subscribers in IMSI order, a page at a time", opts, run_list, tls);
  app->add_option("--offset", opts->offset, "skip this many subscribers")->capture_default_str();
  app->add_option("--limit", opts->limit, "show at most this many (1..10000)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
}

struct ImportOptions {
  std::string file;
  std::size_t batch = 1000;
};

struct ImportCounts {
  long long created = 0, existing = 0, failed = 0;
  long long done() const { return created + existing + failed; }
};

void report_existing(const ImportEntry& e) {
  std::cerr << "simbind: hss import: " << e.where << ": IMSI " << e.subscriber.imsi << " already exists, skipped\n";
}

// One subscriber at a time (CreateSubscriber), for a batch the HSS refused as a whole or an HSS without
// ImportSubscribers: each refusal is reported and counted, and the others are still created.
void import_one_by_one(std::span<const ImportEntry> entries, HssClient& client, ImportCounts& counts,
                       const std::function<void(const grpc::Status&)>& unreachable) {
  for (const auto& e : entries) {
    v1::Subscriber answer;
    const grpc::Status status = client.try_call(&Stub::CreateSubscriber, to_request(e.subscriber), answer);
    if (status.ok()) {
      ++counts.created;
    } else if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++counts.existing;
      report_existing(e);
    } else if (HssClient::unreachable(status)) {
      unreachable(status);
    } else {
      ++counts.failed;
      std::cerr << "simbind: hss import: " << e.where << ": IMSI " << e.subscriber.imsi << ": "
                << status.error_message() << "\n";
    }
  }
}

// The whole file is checked first (ImportFile::open throws on any problem); then ImportSubscribers, a batch at a
// time. An IMSI that exists is skipped, a refusal is counted, a daemon that stops answering stops the import.
void run_import(const ImportOptions& opts, HssClient& client, bool json) {
  const ImportFile file = ImportFile::open(opts.file);
  ImportCounts counts;
  auto unreachable = [&](const grpc::Status& status) {
    std::string what = client.failure(status).what();
    if (counts.done() > 0) {
      what += "; stopped after " + std::to_string(counts.done()) + " of " + std::to_string(file.size()) +
              " entries (" + std::to_string(counts.created) + " created)";
    }
    throw OperationError(what);
  };
  bool batches = true;  // until the HSS says it has no ImportSubscribers
  file.for_each_batch(opts.batch, [&](std::span<const ImportEntry> entries) {
    if (!batches) return import_one_by_one(entries, client, counts, unreachable);
    v1::ImportSubscribersRequest req;
    for (const auto& e : entries) *req.add_subscribers() = to_request(e.subscriber);
    v1::ImportSubscribersResponse answer;
    const grpc::Status status = client.try_call(&Stub::ImportSubscribers, req, answer);
    if (status.ok()) {
      counts.created += answer.created();
      counts.existing += answer.existing_size();
      if (answer.existing_size() > 0) {
        const std::set<std::string> existing(answer.existing().begin(), answer.existing().end());
        for (const auto& e : entries) {
          if (existing.contains(e.subscriber.imsi)) report_existing(e);
        }
      }
    } else if (HssClient::unreachable(status)) {
      unreachable(status);
    } else {
      batches = status.error_code() != grpc::StatusCode::UNIMPLEMENTED;
      import_one_by_one(entries, client, counts, unreachable);  // finds and reports the refused ones
    }
  });
  Output()
      .add("file", opts.file)
      .add("entries", static_cast<long long>(file.size()))
      .add("created", counts.created)
      .add("existing", counts.existing)
      .add("failed", counts.failed)
      .print(std::cout, json);
  if (counts.failed > 0) {
    throw OperationError("hss import: " + std::to_string(counts.failed) + " of " + std::to_string(file.size()) +
                         " subscribers could not be created");
  }
}

void add_import(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<ImportOptions>();
  CLI::App* app =
      leaf(hss, "import", "create subscribers from a CSV (srsEPC user_db.csv) or YAML file", opts, run_import, tls);
  app->add_option("file", opts->file, "FILE.csv, FILE.yaml or FILE.yml")->required();
  // One transaction and one fsync at the HSS per batch; 1,000 is about 150 KB of request.
  app->add_option("--batch", opts->batch, "subscribers per ImportSubscribers call (1..10000)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));  // the HSS takes up to 10,000 a call
}

struct BindingPolicyOptions {
  std::string imsi, policy;
};

void run_binding_policy(const BindingPolicyOptions& opts, HssClient& client, bool json) {
  require_valid("--imsi", imsi_problem(opts.imsi));
  v1::SetBindingPolicyRequest req;
  req.set_imsi(opts.imsi);
  req.set_policy(opts.policy == "required" ? v1::BINDING_POLICY_REQUIRED : v1::BINDING_POLICY_OFF);
  binding_output(client.call(&Stub::SetBindingPolicy, req)).print(std::cout, json);
}

void add_binding_policy(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<BindingPolicyOptions>();
  CLI::App* app =
      leaf(hss, "binding-policy", "require ME binding for a subscriber, or turn it off", opts, run_binding_policy, tls);
  add_imsi(app, opts->imsi);
  app->add_option("--policy", opts->policy, "required or off")->required()->check(CLI::IsMember({"required", "off"}));
}

void run_binding_status(const ImsiOptions& opts, HssClient& client, bool json) {
  require_valid("--imsi", imsi_problem(opts.imsi));
  v1::GetSubscriberRequest req;
  req.set_imsi(opts.imsi);
  binding_output(client.call(&Stub::GetBindingStatus, req)).print(std::cout, json);
}

void add_binding_status(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<ImsiOptions>();
  CLI::App* app = leaf(hss, "binding-status", "show a subscriber's binding: policy, state, KME-Id, devices", opts,
                       run_binding_status, tls);
  add_imsi(app, opts->imsi);
}

struct AuthorizeDeviceOptions {
  std::string imsi, imei;
};

void run_authorize_device(const AuthorizeDeviceOptions& opts, HssClient& client, bool json) {
  require_valid("--imsi", imsi_problem(opts.imsi));
  require_valid("--imei", imei_problem(opts.imei));
  v1::AuthorizeDeviceChangeRequest req;
  req.set_imsi(opts.imsi);
  req.set_imei(opts.imei);
  binding_output(client.call(&Stub::AuthorizeDeviceChange, req)).print(std::cout, json);
}

void add_authorize_device(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<AuthorizeDeviceOptions>();
  CLI::App* app = leaf(hss, "authorize-device", "allow the next device (IMEI) for a bound subscription", opts,
                       run_authorize_device, tls);
  add_imsi(app, opts->imsi);
  app->add_option("--imei", opts->imei, "IMEI (14 digits, or 15 with the Luhn check digit)")->required();
}

struct SetKmeOptions {
  std::string imsi, kme, imei;
  std::uint32_t kme_id = 0;
};

void run_set_kme(const SetKmeOptions& opts, HssClient& client, bool json) {
  require_valid("--imsi", imsi_problem(opts.imsi));
  require_valid("--kme", hex_problem(opts.kme, 16));
  if (!opts.imei.empty()) require_valid("--imei", imei_problem(opts.imei));
  v1::SetKmeRequest req;
  req.set_imsi(opts.imsi);
  req.set_kme(opts.kme);
  req.set_kme_id(opts.kme_id);
  req.set_imei(opts.imei);
  binding_output(client.call(&Stub::SetKme, req)).print(std::cout, json);
}

void add_set_kme(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<SetKmeOptions>();
  CLI::App* app =
      leaf(hss, "set-kme", "lab: load a KME directly; the binding becomes established", opts, run_set_kme, tls);
  add_imsi(app, opts->imsi);
  app->add_option("--kme", opts->kme, "KME (32 hex digits)")->required();
  app->add_option("--kme-id", opts->kme_id, "KME-Id (0..4294967295)")->required();
  app->add_option("--imei", opts->imei, "the device the KME belongs to (optional)");
}

struct AuditOptions {
  std::string imsi;
  std::uint32_t limit = 100;
};

void run_audit(const AuditOptions& opts, HssClient& client, bool json) {
  if (!opts.imsi.empty()) require_valid("--imsi", imsi_problem(opts.imsi));
  v1::ListAuditEventsRequest req;
  req.set_imsi(opts.imsi);
  req.set_limit(opts.limit);
  const auto answer = client.call(&Stub::ListAuditEvents, req);
  Listing out("events", {"id", "time", "imsi", "event", "decision", "imei", "reason"});
  for (const auto& e : answer.events()) {
    out.add_record(Output()
                       .add("id", static_cast<long long>(e.id()))
                       .add("time", utc_time(e.time_ms()))
                       .add("time_ms", static_cast<long long>(e.time_ms()))
                       .add("time_us", static_cast<long long>(time_us_of(e)))
                       .add("imsi", e.imsi())
                       .add("event", e.event())
                       .add("decision", e.decision())
                       .add("imei", e.imei())
                       .add("reason", e.reason()));
  }
  out.add("shown", static_cast<long long>(answer.events_size()));
  out.print(std::cout, json);
}

void add_audit(CLI::App& hss, const ApiTlsOptions& tls) {
  auto opts = std::make_shared<AuditOptions>();
  CLI::App* app =
      leaf(hss, "audit", "show audit events (binding decisions, admin changes), newest first", opts, run_audit, tls);
  app->add_option("--imsi", opts->imsi, "only this subscriber's events");
  app->add_option("--limit", opts->limit, "show at most this many (1..10000)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
}

}  // namespace

void add_hss_commands(CLI::App& parent, const ApiTlsOptions& tls) {
  CLI::App* hss = parent.add_subcommand("hss", "subscriber administration through simbind-hss's admin API");
  hss->require_subcommand(1);
  add_create(*hss, tls);
  add_get(*hss, tls);
  add_update(*hss, tls);
  add_delete(*hss, tls);
  add_list(*hss, tls);
  add_import(*hss, tls);
  add_binding_policy(*hss, tls);
  add_binding_status(*hss, tls);
  add_authorize_device(*hss, tls);
  add_set_kme(*hss, tls);
  add_audit(*hss, tls);
}

}  // namespace simbind::cli
