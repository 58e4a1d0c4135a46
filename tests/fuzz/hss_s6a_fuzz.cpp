// S6a requests from a hostile MME into the HSS's handlers: raw bytes through freeDiameter's parser, the dictionary
// and the command rules (as the stack does on receipt), simbind's decoders, S6aHandler with a real SQLite store,
// and the answer encoders, whose result must fit on the wire. Only the Diameter I/O is left out: one stack per
// process, no peers.
//
// The subscriber named by the request is created on first sight, with a binding state chosen by the input's last
// octet (no binding, binding required and pending, or established with a KME and a bound IMEI), so that the
// binding branches of AIR and ULR are reached, not only "user unknown".
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "common/crypto/primitives.h"
#include "common/diameter/avp_codes.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/diameter/fd.h"
#include "common/diameter/message.h"
#include "common/diameter/s6a_codec.h"
#include "common/diameter/stack.h"
#include "services/hss/hss_s6a_handler.h"
#include "services/hss/sqlite_subscriber_store.h"
#include "tests/fuzz/diameter_input.h"

using namespace simbind;
using namespace simbind::diameter;

namespace {

// Never destroyed: a store torn down by static destructors at exit would log through a logger that is gone.
hss::SqliteSubscriberStore* g_store = nullptr;
hss::HssConfig* g_config = nullptr;
hss::HssCounters* g_counters = nullptr;
hss::S6aHandler* g_handler = nullptr;

const hss::PeerIdentity kMme{"mme.fuzz.simbind.lab", "simbind.lab"};

// The subscriber the request names, created once with a binding state picked by `variant`.
void ensure_subscriber(const std::string& user_name, std::uint8_t variant) {
  auto imsi = Imsi::create(user_name);
  if (!imsi || g_store->get(*imsi)) return;
  hss::Subscriber s(*imsi);
  s.k = crypto::random_octets<16>();
  s.opc = crypto::random_octets<16>();
  switch (variant % 3) {
    case 0: break;
    case 1: s.binding.policy = hss::BindingPolicy::required; break;
    default:
      s.binding.policy = hss::BindingPolicy::required;
      s.binding.state = hss::BindingState::established;
      s.binding.kme = crypto::random_octets<16>();
      s.binding.kme_id = static_cast<KmeId>(7);
      s.binding.bound_imei = "490154203237518";
      break;
  }
  (void)g_store->create(s);
}

void must_fit(Message& answer) {
  if (!fits_on_the_wire(answer.get())) __builtin_trap();
}

void handle(Message request, std::uint8_t variant) {
  const std::uint32_t vendor = kDefaultBindingVendor;
  switch (request.command_code()) {
    case cmd::authentication_information: {
      auto air = decode_air(request, vendor);
      if (!air) return;
      ensure_subscriber(air->user_name, variant);
      const AuthInfoAnswer result = g_handler->on_air(*air, kMme);
      Message answer = Message::answer_to(std::move(request));
      fill_aia(answer, result, vendor);
      must_fit(answer);
      break;
    }
    case cmd::update_location: {
      auto ulr = decode_ulr(request);
      if (!ulr) return;
      ensure_subscriber(ulr->user_name, variant);
      const hss::UlrOutcome outcome = g_handler->on_ulr(*ulr, kMme);
      Message answer = Message::answer_to(std::move(request));
      fill_ula(answer, outcome.answer, vendor);
      must_fit(answer);
      break;
    }
    case cmd::purge_ue: {
      auto pur = decode_pur(request);
      if (!pur) return;
      ensure_subscriber(pur->user_name, variant);
      const PurgeUeAnswer result = g_handler->on_pur(*pur, kMme);
      Message answer = Message::answer_to(std::move(request));
      fill_pua(answer, result);
      must_fit(answer);
      break;
    }
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::start_diameter_stack("hss.fuzz.simbind.lab");

  // A fresh database per run, in the temporary directory (libFuzzer may run many processes side by side).
  static const auto path =
      std::filesystem::temp_directory_path() / ("simbind-hss-fuzz-" + std::to_string(::getpid()) + ".db");
  const auto remove_database = [] {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  };
  remove_database();
  std::atexit(remove_database);
  g_config = new hss::HssConfig();
  auto store = hss::SqliteSubscriberStore::open(path.string(), crypto::random_octets<32>(), g_config->sqn);
  if (!store) std::abort();
  g_store = store->release();
  g_counters = new hss::HssCounters();
  g_handler = new hss::S6aHandler(*g_store, *g_config, *g_counters);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = fuzz::parse_as_received(data, size);
  // What the stack would answer by itself (5xxx before any handler) never reaches the handlers.
  if (!input || !input->rules_ok || !input->message.is_request() ||
      input->message.application_id() != kS6aApplicationId) {
    return 0;
  }
  handle(std::move(input->message), data[size - 1]);
  return 0;
}
