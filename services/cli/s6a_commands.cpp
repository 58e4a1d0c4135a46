#include "services/cli/s6a_commands.h"

#include <chrono>
#include <iostream>
#include <thread>

#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/s6a_codec.h"
#include "common/diameter/stack.h"
#include "common/log/log.h"
#include "common/util/hex.h"
#include "common/util/identifiers.h"
#include "common/util/signals.h"
#include "services/cli/cli_args.h"
#include "services/cli/cli_output.h"

namespace simbind::cli {
namespace {

using namespace simbind::diameter;

struct AirOptions {
  std::string identity = "mme.simbind.lab";
  std::string realm = "simbind.lab";
  std::string peer = "hss.simbind.lab";
  std::string address = "127.0.0.1";
  int port = 3868;
  std::string imsi;
  std::string visited_plmn = "00101";
  unsigned vectors = 1;
  bool binding = false;
  unsigned timeout_s = 10;
  bool json = false;
};

Octets<3> plmn_option(const std::string& text) {
  if (text.size() != 5 && text.size() != 6) throw UsageError("--visited-plmn", "MCC and MNC digits, e.g. 00101");
  auto p = Plmn::create(text.substr(0, 3), text.substr(3));
  if (!p) throw UsageError("--visited-plmn", p.error().message);
  return p->encode();
}

void run_air(const AirOptions& o) {
  if (!Imsi::create(o.imsi)) throw UsageError("--imsi", "must be 6 to 15 digits");
  AuthInfoRequest req;
  req.user_name = o.imsi;
  req.visited_plmn = plmn_option(o.visited_plmn);
  req.requested_vectors = o.vectors;
  if (o.binding) req.supported_features.push_back({kDefaultBindingVendor, kBindingFeatureListId, kBindingFeatureBit});

  log::init("simbind", spdlog::level::warn);
  block_termination_signals();
  StackConfig sc;
  sc.identity = o.identity;
  sc.realm = o.realm;
  sc.port = 0;
  sc.tc_timer_s = 1;
  sc.peers.push_back(PeerConfig{o.peer, o.address, static_cast<std::uint16_t>(o.port)});
  auto stack = DiameterStack::start(sc, setup_s6a_node);
  if (!stack) throw OperationError(stack.error().message);
  if (!(*stack)->wait_peer_open(o.peer, std::chrono::seconds(o.timeout_s))) {
    throw OperationError("no S6a connection to " + o.peer + " at " + o.address + ":" + std::to_string(o.port) +
                         " (not running, or it does not accept " + o.identity + ")");
  }
  auto answer = send_and_wait(encode_air(req, o.realm, kDefaultBindingVendor), std::chrono::seconds(o.timeout_s));
  if (!answer) throw OperationError("AIR: " + answer.error().message);
  auto aia = decode_aia(*answer, kDefaultBindingVendor);
  if (!aia) throw OperationError("AIA: " + aia.error().message);

  Listing out("vectors", {"rand", "autn", "av_type", "kme_id"});
  out.add("result_code", static_cast<long long>(aia->result.code)).add("experimental", aia->result.experimental);
  if (aia->binding_restriction) {
    out.add("binding_restriction", std::string(*aia->binding_restriction == BindingRestriction::provisioning_only
                                                   ? "provisioning-only"
                                                   : "none"));
  }
  for (const auto& v : aia->vectors) {
    Output rec;
    rec.add("rand", to_hex(v.rand)).add("xres", to_hex(v.xres)).add("autn", to_hex(v.autn)).add("kasme", to_hex(v.kasme));
    // Binding AVPs appear only when the HSS sent them (to an MME that advertised the feature).
    if (v.av_type) {
      rec.add("av_type", std::string(*v.av_type == BindingAvType::pre_processed ? "pre-processed" : "regular"));
    }
    if (v.kme_id) rec.add("kme_id", static_cast<long long>(*v.kme_id));
    out.add_record(std::move(rec));
  }
  out.print(std::cout, o.json);
  std::cout.flush();
  if (!aia->result.success()) {
    throw OperationError(std::string("the HSS answered ") +
                         (aia->result.experimental ? "Experimental-Result " : "Result-Code ") +
                         std::to_string(aia->result.code));
  }
}

}  // namespace

void add_s6a_commands(CLI::App& parent) {
  CLI::App* s6a = parent.add_subcommand("s6a", "act as an MME on S6a: one request to an HSS, and its answer");
  s6a->require_subcommand(1);
  auto o = std::make_shared<AirOptions>();
  CLI::App* air = s6a->add_subcommand("air", "Authentication-Information-Request: fetch vectors for an IMSI");
  air->add_option("--imsi", o->imsi, "IMSI")->required();
  air->add_option("--peer", o->peer, "Diameter identity of the HSS")->capture_default_str();
  air->add_option("--address", o->address, "its address")->capture_default_str();
  air->add_option("--port", o->port, "its Diameter port")->capture_default_str()->check(CLI::Range(1, 65535));
  air->add_option("--identity", o->identity, "our Diameter identity (the HSS must accept it)")->capture_default_str();
  air->add_option("--realm", o->realm, "Diameter realm")->capture_default_str();
  air->add_option("--visited-plmn", o->visited_plmn, "serving network MCC+MNC, e.g. 00101")->capture_default_str();
  air->add_option("--vectors", o->vectors, "number of vectors")->capture_default_str()->check(CLI::Range(1u, 32u));
  air->add_flag("--binding", o->binding, "advertise the ME-binding feature (Supported-Features 32473/1/bit 0)");
  air->add_option("--timeout", o->timeout_s, "seconds to wait")->capture_default_str()->check(CLI::Range(1u, 120u));
  air->add_flag("--json", o->json, "one JSON object");
  air->callback([o] { run_air(*o); });
}

}  // namespace simbind::cli
