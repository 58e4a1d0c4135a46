// Configuration files written by someone in a hurry: the shared YAML reader (repeated keys, types, ranges, HOST:PORT)
// and the sections every daemon reads through it (diameter:, metrics:) refuse with a named key or accept, and never
// crash. The daemons' own sections are read by the same Section calls.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/config/config_reader.h"
#include "common/diameter/stack_config.h"
#include "common/metrics/metrics_config.h"

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
  return 0;
}
