// Configuration files written by someone in a hurry: the shared YAML reader (repeated keys, types, ranges, HOST:PORT),
// then each daemon's own reader (hss, mme, prov, keydir, ue) on the same text. Each refuses with a named key or
// accepts, and never crashes. The seeds are the shipped configurations (deploy/config), one per daemon.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/config/config_reader.h"
#include "common/diameter/stack_config.h"
#include "common/metrics/metrics_config.h"
#include "services/hss/hss_config.h"
#include "services/keydir/keydir_config.h"
#include "services/mme/mme_config.h"
#include "services/provisioning/prov_config.h"
#include "services/ue/ue_config.h"

using namespace simbind;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  auto reader = config::ConfigReader::load_string(yaml, "fuzz.yaml");
  if (!reader) return 0;
  const auto root = reader->root();
  (void)diameter::read_stack_config(root.section("diameter"), "fuzz.simbind.lab");
  (void)metrics::read_metrics_config(root);
  const auto admin = root.section("admin");
  (void)admin.host_port("listen", "127.0.0.1:9080");
  (void)admin.integer("timeout_ms", 5000, 100, 60000);
  (void)root.strings("list");
  for (const auto& item : root.list("peers")) (void)item.required_string("identity");
  (void)reader->finish();

  (void)hss::parse_hss_config(yaml, "hss.yaml");
  (void)mme::parse_mme_config(yaml, "mme.yaml");
  (void)prov::parse_prov_config(yaml, "prov.yaml");
  (void)keydir::parse_keydir_config(yaml, "keydir.yaml");
  (void)ue::parse_ue_config(yaml, "ue.yaml");
  return 0;
}
