#include "services/cli/ue_commands.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "services/cli/cli_output.h"
#include "services/cli/grpc_client.h"
#include "ue_control.grpc.pb.h"
#include "proto/event_time.h"
#include "common/nas/cause_names.h"
#include "common/util/hex.h"

namespace simbind::cli {
namespace {

namespace v1 = simbind::ue::v1;
using UeClient = GrpcClient<v1::UeControl>;
using Stub = UeClient::Stub;

// The default control address of simbind-ue (its `control.listen`); SIMBIND_UE overrides it.
constexpr const char* kDefaultUeAddress = "127.0.0.1:9090";

// What every `ue` command takes: where simbind-ue listens, how long to wait, and the output format.
struct Connection {
  std::string address = kDefaultUeAddress;
  unsigned timeout_s = 5;
  bool json = false;

  void add_to(CLI::App* app, unsigned default_timeout) {
    timeout_s = default_timeout;
    const std::string group = "Connection and output";
    app->add_option("--ue", address, "simbind-ue control address HOST:PORT")
        ->capture_default_str()
        ->envname("SIMBIND_UE")
        ->group(group);
    app->add_option("--timeout", timeout_s, "seconds to wait for the answer (1..3600)")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600))
        ->group(group);
    app->add_flag("--json", json, "print JSON instead of a table")->group(group);
  }
  UeClient connect(const ApiTlsOptions& tls, const std::string& command) const {
    if (auto problem = address_problem(address)) throw UsageError("--ue", *problem);
    return UeClient(tls.target("simbind-ue", address, "control.tls"), std::chrono::seconds(timeout_s), command);
  }
};

// A leaf command over options `Opts`: `run(opts, client, json)` makes its calls and prints.
template <typename Opts>
CLI::App* leaf(CLI::App& parent, const std::string& name, const std::string& description, std::shared_ptr<Opts> opts,
               void (*run)(const Opts&, UeClient&, bool json), const ApiTlsOptions& api_tls,
               unsigned default_timeout = 5) {
  CLI::App* app = parent.add_subcommand(name, description);
  auto connection = std::make_shared<Connection>();
  connection->add_to(app, default_timeout);
  const ApiTlsOptions* tls = &api_tls;
  app->callback([opts, run, connection, name, tls] {
    UeClient client = connection->connect(*tls, "ue " + name);
    run(*opts, client, connection->json);
  });
  return app;
}

std::string cause_text(std::uint32_t cause, bool emm) {
  if (cause == 0) return "";
  const auto c = static_cast<std::uint8_t>(cause);
  return emm ? simbind::nas::describe_emm_cause(c) : simbind::nas::describe_esm_cause(c);
}

Output status_output(const v1::UeStatus& s) {
  Output out;
  std::string bearers, kmes;
  for (const auto& b : s.bearers()) {
    std::string addresses = b.ip();
    if (!b.ipv6_iid().empty()) addresses += (addresses.empty() ? "" : " ") + ("IID " + b.ipv6_iid());
    bearers += (bearers.empty() ? "" : ", ") + ("EBI " + std::to_string(b.ebi()) + " " + b.apn() + " " + addresses);
  }
  for (const auto& k : s.kmes()) {
    kmes += (kmes.empty() ? "" : ", ") +
            (k.plmn() + "/" + std::to_string(k.kme_id()) + (k.confirmed() ? " (confirmed)" : ""));
  }
  const auto& c = s.counters();
  out.add("imei", s.imei())
      .add("imsi", s.imsi())
      .add("software_version", s.software_version())
      .add("key_scheme", s.key_scheme())
      .add("public_key", to_hex(ByteView(reinterpret_cast<const std::uint8_t*>(s.public_key().data()), s.public_key().size())))
      .add("state", s.state())
      .add("attached", s.attached())
      .add("registered_without_pdn", s.registered_without_pdn())
      .add("pdn_type", s.pdn_type())
      .add("ip", s.ip())
      .add("ipv6_iid", s.ipv6_iid())
      .add("apn", s.apn())
      .add("bearers", bearers)
      .add("last_emm_cause", static_cast<long long>(s.last_emm_cause()))
      .add("last_emm_cause_name", cause_text(s.last_emm_cause(), true))
      .add("last_esm_cause", static_cast<long long>(s.last_esm_cause()))
      .add("last_esm_cause_name", cause_text(s.last_esm_cause(), false))
      .add("kmes", kmes)
      .add("attach_attempts", static_cast<long long>(c.attach_attempts()))
      .add("attach_successes", static_cast<long long>(c.attach_successes()))
      .add("attach_failures", static_cast<long long>(c.attach_failures()))
      .add("auth_failures", static_cast<long long>(c.auth_failures()))
      .add("resyncs", static_cast<long long>(c.resyncs()))
      .add("detaches", static_cast<long long>(c.detaches()))
      .add("network_detaches", static_cast<long long>(c.network_detaches()))
      .add("nas_discarded", static_cast<long long>(c.nas_discarded()));
  return out;
}

// ---- create ---------------------------------------------------------------------------------------------------

struct CreateOptions {
  std::string file;
};

void run_create(const CreateOptions& opts, UeClient& client, bool json) {
  std::ifstream in(opts.file);
  if (!in) throw UsageError("--profiles", "cannot read " + opts.file);
  std::stringstream text;
  text << in.rdbuf();
  v1::CreateUesRequest req;
  req.set_profiles_yaml(text.str());
  req.set_source_name(opts.file);
  const auto resp = client.call(&Stub::CreateUes, req);
  Listing out("ues", {"imei", "imsi"});
  out.add("created", static_cast<long long>(resp.imeis_size()));
  if (resp.ues_size() > 0) {
    for (const auto& ue : resp.ues()) {
      Output r;
      r.add("imei", ue.imei()).add("imsi", ue.imsi());
      out.add_record(std::move(r));
    }
  } else {
    // A simbind-ue without per-UE entries: `imsis` skips the MEs without a UICC, so it cannot be paired with
    // `imeis` unless every ME got one.
    const bool paired = resp.imsis_size() == resp.imeis_size();
    for (int i = 0; i < resp.imeis_size(); ++i) {
      Output r;
      r.add("imei", resp.imeis(i)).add("imsi", paired ? resp.imsis(i) : "");
      out.add_record(std::move(r));
    }
  }
  out.print(std::cout, json);
}

// ---- list / status --------------------------------------------------------------------------------------------

struct ImeiOptions {
  std::string imei;
};

void run_list(const ImeiOptions& opts, UeClient& client, bool json) {
  v1::ListUesRequest req;
  req.set_imei(opts.imei);
  const auto resp = client.call(&Stub::ListUes, req);
  Listing out("ues", {"imei", "imsi", "state", "ip", "apn", "last_emm_cause", "last_esm_cause"});
  out.add("total", static_cast<long long>(resp.total()))
      .add("registered", static_cast<long long>(resp.registered()))
      .add("mme", resp.mme_address())
      .add("mme_connected", resp.mme_connected());
  for (const auto& s : resp.ues()) out.add_record(status_output(s));
  out.print(std::cout, json);
}

void run_status(const ImeiOptions& opts, UeClient& client, bool json) {
  if (!opts.imei.empty()) {
    v1::StatusRequest req;
    req.set_imei(opts.imei);
    status_output(client.call(&Stub::Status, req)).print(std::cout, json);
    return;
  }
  // The daemon as a whole: population, the MME connection and the transport counters.
  const auto resp = client.call(&Stub::ListUes, v1::ListUesRequest{});
  const auto& t = resp.transport();
  Output out;
  out.add("total", static_cast<long long>(resp.total()))
      .add("registered", static_cast<long long>(resp.registered()))
      .add("mme", resp.mme_address())
      .add("mme_connected", resp.mme_connected())
      .add("connects", static_cast<long long>(t.connects()))
      .add("disconnects", static_cast<long long>(t.disconnects()))
      .add("frames_in", static_cast<long long>(t.frames_in()))
      .add("frames_out", static_cast<long long>(t.frames_out()))
      .add("frames_dropped", static_cast<long long>(t.frames_dropped()))
      .add("frames_for_unknown_ue", static_cast<long long>(t.frames_for_unknown_ue()));
  out.print(std::cout, json);
}

// ---- move-uicc / set-kme --------------------------------------------------------------------------------------

struct MoveOptions {
  std::string imsi, to_imei;
};

void run_move(const MoveOptions& opts, UeClient& client, bool json) {
  v1::MoveUiccRequest req;
  req.set_imsi(opts.imsi);
  req.set_to_imei(opts.to_imei);
  status_output(client.call(&Stub::MoveUicc, req)).print(std::cout, json);
}

struct KmeOptions {
  std::string imei, plmn, kme;
  std::uint32_t kme_id = 0;
};

void run_factory_reset(const ImeiOptions& opts, UeClient& client, bool json) {
  v1::StatusRequest req;
  req.set_imei(opts.imei);
  status_output(client.call(&Stub::FactoryReset, req)).print(std::cout, json);
}

void run_set_kme(const KmeOptions& opts, UeClient& client, bool json) {
  hex_option<16>("--kme", opts.kme);  // checked here so that a typo never leaves the machine
  if ((opts.plmn.size() != 5 && opts.plmn.size() != 6) || opts.plmn.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("--plmn", "expected MCC and MNC as 5 or 6 digits (e.g. 00101), got '" + opts.plmn + "'");
  }
  v1::SetKmeRequest req;
  req.set_imei(opts.imei);
  req.set_home_plmn(opts.plmn);
  req.set_kme_id(opts.kme_id);
  req.set_kme(opts.kme);
  status_output(client.call(&Stub::SetKme, req)).print(std::cout, json);
}

// ---- attach / detach / bearer ---------------------------------------------------------------------------------

struct AttachOptions {
  std::string imei, apn;
  bool no_wait = false;
};

void run_attach(const AttachOptions& opts, UeClient& client, bool json) {
  v1::AttachRequest req;
  req.set_imei(opts.imei);
  req.set_apn(opts.apn);
  req.set_wait(!opts.no_wait);
  const auto r = client.call(&Stub::Attach, req);
  Output out;
  out.add("success", r.success())
      .add("registered_without_pdn", r.registered_without_pdn())
      .add("emm_cause", static_cast<long long>(r.emm_cause()))
      .add("emm_cause_name", cause_text(r.emm_cause(), true))
      .add("esm_cause", static_cast<long long>(r.esm_cause()))
      .add("esm_cause_name", cause_text(r.esm_cause(), false))
      .add("pdn_type", r.pdn_type())
      .add("ip", r.ip())
      .add("ipv6_iid", r.ipv6_iid())
      .add("apn", r.apn())
      .add("latency_ms", static_cast<long long>(r.latency_us() / 1000))
      .add("pre_processed", r.pre_processed())
      .add("rand_on_air", r.rand_on_air())
      .add("rand_used", r.rand_used())
      .add("kme_id", r.kme_used() ? std::to_string(r.kme_id()) : std::string())
      .add("resyncs", static_cast<long long>(r.resyncs()))
      .add("attempts", static_cast<long long>(r.attempts()))
      .add("message", r.message());
  out.print(std::cout, json);
  if (!r.success() && !r.started_only()) throw OperationError("ue attach: attach failed: " + r.message());
}

void run_detach(const ImeiOptions& opts, UeClient& client, bool json) {
  v1::DetachRequest req;
  req.set_imei(opts.imei);
  const auto r = client.call(&Stub::Detach, req);
  Output out;
  out.add("success", r.success()).add("local", r.local()).add("message", r.message());
  out.print(std::cout, json);
  if (!r.success()) throw OperationError("ue detach: " + r.message());
}

struct BearerOptions {
  std::string imei, apn;
};

void run_bearer(const BearerOptions& opts, UeClient& client, bool json) {
  v1::BearerRequest req;
  req.set_imei(opts.imei);
  req.set_apn(opts.apn);
  const auto r = client.call(&Stub::RequestBearer, req);
  Output out;
  out.add("success", r.success())
      .add("ebi", static_cast<long long>(r.ebi()))
      .add("apn", r.apn())
      .add("pdn_type", r.pdn_type())
      .add("ip", r.ip())
      .add("ipv6_iid", r.ipv6_iid())
      .add("esm_cause", static_cast<long long>(r.esm_cause()))
      .add("esm_cause_name", cause_text(r.esm_cause(), false))
      .add("message", r.message());
  out.print(std::cout, json);
  if (!r.success()) throw OperationError("ue bearer: " + r.message());
}

// ---- events ---------------------------------------------------------------------------------------------------

std::string local_time(std::int64_t unix_ms) {
  const std::time_t s = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&s, &tm);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%H:%M:%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>(unix_ms % 1000));
  return std::string(text, n) + ms;
}

void run_events(const ImeiOptions& opts, UeClient& client, bool json) {
  grpc::ClientContext context;  // no deadline: the stream runs until Ctrl-C
  v1::StreamEventsRequest req;
  req.set_imei(opts.imei);
  auto reader = client.stub().StreamEvents(&context, req);
  v1::Event e;
  while (reader->Read(&e)) {
    if (json) {
      nlohmann::ordered_json j{{"unix_ms", e.unix_ms()},
                               {"unix_us", unix_us_of(e)},
                               {"imei", e.imei()},
                               {"imsi", e.imsi()},
                               {"kind", e.kind()},
                               {"text", e.text()}};
      std::cout << j.dump() << std::endl;
    } else {
      std::cout << local_time(e.unix_ms()) << "  " << e.imei() << "  " << (e.imsi().empty() ? "-" : e.imsi()) << "  "
                << std::left << std::setw(20) << e.kind() << " " << e.text() << std::endl;
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) throw client.failure(status);
}

// ---- load -----------------------------------------------------------------------------------------------------

struct LoadOptions {
  std::uint32_t count = 0, first_n = 0;
  double rate = 100;
  bool detach = false;
  std::string apn;
};

void progress_bar(const v1::LoadProgress& p) {
  constexpr int kWidth = 40;
  const double f = p.count() ? static_cast<double>(p.done()) / p.count() : 0;
  const int filled = static_cast<int>(f * kWidth);
  std::fprintf(stderr, "\r[%s%s] %u/%u done, %u ok, %u failed", std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), p.done(), p.count(), p.succeeded(),
               p.failed());
  std::fflush(stderr);
}

void run_load(const LoadOptions& opts, UeClient& client, bool json) {
  grpc::ClientContext context;  // no deadline: a load takes as long as count / rate and then some
  v1::LoadRequest req;
  req.set_count(opts.count);
  req.set_rate(opts.rate);
  req.set_first_n(opts.first_n);
  req.set_detach_after(opts.detach);
  req.set_apn(opts.apn);
  auto reader = client.stub().RunLoad(&context, req);
  const bool bar = isatty(STDERR_FILENO) == 1;
  v1::LoadUpdate u;
  std::optional<v1::LoadSummary> summary;
  while (reader->Read(&u)) {
    if (u.has_progress() && bar) progress_bar(u.progress());
    if (u.has_summary()) summary = u.summary();
  }
  if (bar) std::fprintf(stderr, "\n");
  const grpc::Status status = reader->Finish();
  if (!status.ok()) throw client.failure(status);
  if (!summary) throw OperationError("ue load: the stream ended without a summary");
  std::ostringstream rate, p50, p99;
  rate << std::fixed << std::setprecision(1) << summary->attaches_per_second();
  p50 << std::fixed << std::setprecision(1) << summary->p50_ms();
  p99 << std::fixed << std::setprecision(1) << summary->p99_ms();
  std::string failures;
  for (const auto& [cause, n] : summary->failures_by_cause()) {
    failures += (failures.empty() ? "" : ", ") + (cause + ": " + std::to_string(n));
  }
  if (json) {
    nlohmann::ordered_json j{{"count", summary->count()},
                             {"succeeded", summary->succeeded()},
                             {"failed", summary->failed()},
                             {"elapsed_s", summary->elapsed_s()},
                             {"attaches_per_second", summary->attaches_per_second()},
                             {"p50_ms", summary->p50_ms()},
                             {"p99_ms", summary->p99_ms()},
                             {"failures_by_cause", nlohmann::ordered_json::object()}};
    for (const auto& [cause, n] : summary->failures_by_cause()) j["failures_by_cause"][cause] = n;
    std::cout << j.dump() << "\n";
  } else {
    Output out;
    out.add("count", static_cast<long long>(summary->count()))
        .add("succeeded", static_cast<long long>(summary->succeeded()))
        .add("failed", static_cast<long long>(summary->failed()))
        .add("attaches_per_second", rate.str())
        .add("p50_ms", p50.str())
        .add("p99_ms", p99.str())
        .add("failures", failures);
    out.print(std::cout, false);
  }
  if (summary->failed() > 0) {
    throw OperationError("ue load: " + std::to_string(summary->failed()) + " of " + std::to_string(summary->count()) +
                         " attaches failed (" + failures + ")");
  }
}

}  // namespace

void add_ue_commands(CLI::App& parent, const ApiTlsOptions& tls) {
  CLI::App* ue = parent.add_subcommand("ue", "drive the emulated UEs of simbind-ue through its control API");
  ue->require_subcommand(1);

  auto create = std::make_shared<CreateOptions>();
  leaf(*ue, "create", "create UEs (ME + UICC) from a profiles YAML file", create, run_create, tls, 300)
      ->add_option("--profiles", create->file, "profiles file (ues: list or generate: block)")
      ->required();

  auto list = std::make_shared<ImeiOptions>();
  leaf(*ue, "list", "list the UEs: state, address, last causes", list, run_list, tls, 30)
      ->add_option("--imei", list->imei, "only this UE");

  auto status = std::make_shared<ImeiOptions>();
  leaf(*ue, "status", "one UE in full (--imei), or the daemon: population, MME connection, counters", status,
       run_status, tls)
      ->add_option("--imei", status->imei, "IMEI (14 or 15 digits)");

  auto move = std::make_shared<MoveOptions>();
  CLI::App* mv = leaf(*ue, "move-uicc", "move a UICC into another ME (both deregistered)", move, run_move, tls);
  mv->add_option("--imsi", move->imsi, "the UICC's IMSI")->required();
  mv->add_option("--to-imei", move->to_imei, "the ME it goes into")->required();

  auto reset = std::make_shared<ImeiOptions>();
  leaf(*ue, "factory-reset", "erase the ME's KME store (a lost KME, DESIGN 3.5)", reset, run_factory_reset, tls)
      ->add_option("--imei", reset->imei, "the ME")
      ->required();

  auto kme = std::make_shared<KmeOptions>();
  CLI::App* sk = leaf(*ue, "set-kme", "load a KME into an ME's key store (lab use)", kme, run_set_kme, tls);
  sk->add_option("--imei", kme->imei, "the ME")->required();
  sk->add_option("--plmn", kme->plmn, "home PLMN of the subscription, MCC+MNC (e.g. 00101)")->required();
  sk->add_option("--kme-id", kme->kme_id, "KME-Id (32 bits)")->required();
  sk->add_option("--kme", kme->kme, "KME (32 hex digits)")->required();

  auto attach = std::make_shared<AttachOptions>();
  CLI::App* at =
      leaf(*ue, "attach", "attach a UE and wait for the outcome (exit 1 if it fails)", attach, run_attach, tls, 300);
  at->add_option("--imei", attach->imei, "the UE")->required();
  at->add_option("--apn", attach->apn, "APN in the PDN CONNECTIVITY REQUEST (default: none, the network's default)");
  at->add_flag("--no-wait", attach->no_wait, "return once the attach has started");

  auto detach = std::make_shared<ImeiOptions>();
  leaf(*ue, "detach", "detach a UE (DETACH REQUEST, T3421 retransmissions)", detach, run_detach, tls, 120)
      ->add_option("--imei", detach->imei, "the UE")
      ->required();

  auto bearer = std::make_shared<BearerOptions>();
  CLI::App* br =
      leaf(*ue, "bearer", "request a PDN connection for an APN (exit 1 if refused)", bearer, run_bearer, tls, 60);
  br->add_option("--imei", bearer->imei, "the UE")->required();
  br->add_option("--apn", bearer->apn, "the APN")->required();

  auto events = std::make_shared<ImeiOptions>();
  leaf(*ue, "events", "print the event stream until Ctrl-C", events, run_events, tls)
      ->add_option("--imei", events->imei, "only this UE");

  auto load = std::make_shared<LoadOptions>();
  CLI::App* ld = leaf(*ue, "load", "attach many UEs at a target rate; summary of rate, latency and failures", load,
                      run_load, tls);
  ld->add_option("--count", load->count, "attaches (default: one per chosen UE)");
  ld->add_option("--rate", load->rate, "attaches started per second")->capture_default_str()->check(CLI::PositiveNumber);
  ld->add_option("--first", load->first_n, "use only the first N UEs by IMEI (default: all)");
  ld->add_flag("--detach", load->detach, "detach each UE after its attach (so that UEs can attach again)");
  ld->add_option("--apn", load->apn, "APN for every attach");
}

}  // namespace simbind::cli
