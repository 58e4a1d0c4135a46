// simbind-s6a-fixed-node: the benchmark's baseline. A minimal freeDiameter node with simbind's dictionary that
// answers every AIR with one fixed, precomputed AIA: no store, no crypto. Comparing simbind-hss with it in one
// run shows what the HSS's own work costs on top of the Diameter stack.
//
//   simbind-s6a-fixed-node --identity fixed.simbind.lab --port 3870 --peer bench.simbind.lab
#include <CLI/CLI.hpp>

#include <iostream>

#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/s6a_codec.h"
#include "common/diameter/stack.h"
#include "common/log/log.h"
#include "common/util/signals.h"

using namespace simbind;
using namespace simbind::diameter;

int main(int argc, char** argv) {
  std::string identity = "fixed.simbind.lab";
  std::string realm = "simbind.lab";
  std::string peer = "bench.simbind.lab";
  int port = 3870;
  CLI::App app{"simbind-s6a-fixed-node: answers every AIR with a fixed AIA"};
  app.add_option("--identity", identity, "our Diameter identity");
  app.add_option("--realm", realm, "Diameter realm");
  app.add_option("--port", port, "port to listen on")->required();
  app.add_option("--peer", peer, "the one client accepted");
  CLI11_PARSE(app, argc, argv);

  log::init("simbind-s6a-fixed-node", spdlog::level::warn);
  block_termination_signals();

  // One vector with the sizes of a real one (RAND 16, XRES 8, AUTN 16, KASME 32).
  AuthInfoAnswer fixed;
  EutranVectorData v;
  v.rand.fill(0x11);
  v.xres.assign(8, 0x22);
  v.autn.fill(0x33);
  v.kasme.fill(0x44);
  fixed.vectors.push_back(v);

  StackConfig sc;
  sc.identity = identity;
  sc.realm = realm;
  sc.port = static_cast<std::uint16_t>(port);
  sc.peers.push_back(PeerConfig{peer, "", 0});
  auto stack = DiameterStack::start(sc, [&fixed]() -> Result<void> {
    if (auto r = setup_s6a_node(); !r) return r;
    return register_handler(dictionary().s6a, dictionary().air.request, [&fixed](Message request) {
      Message answer = Message::answer_to(std::move(request));
      fill_aia(answer, fixed, kDefaultBindingVendor);
      (void)send_answer(std::move(answer));
    });
  });
  if (!stack) {
    std::cerr << "simbind-s6a-fixed-node: " << stack.error().message << "\n";
    return 1;
  }
  std::cerr << "simbind-s6a-fixed-node ready\n";
  wait_for_termination_signal();
  return 0;
}
