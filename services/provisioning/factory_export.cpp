#include "services/provisioning/factory_export.h"

#include <nlohmann/json.hpp>
#include <cstring>
#include <set>

#include "common/util/hex.h"
#include "common/util/secure.h"

namespace simbind::prov {
namespace {

constexpr std::string_view kMagic = "simbind-factory-kme-export-v1\n";

ByteView magic_bytes() { return ByteView(reinterpret_cast<const std::uint8_t*>(kMagic.data()), kMagic.size()); }

}  // namespace

void wipe(std::vector<FactoryKme>& entries) {
  for (auto& e : entries) secure_wipe(e.kme);
}

std::string format_factory_kmes(const std::vector<FactoryKme>& entries) {
  std::string out;
  for (const auto& e : entries) {
    std::string kme_hex = to_hex(e.kme);
    out += "{\"imei\":\"" + e.imei.str() + "\",\"kme_id\":" + std::to_string(e.kme_id) + ",\"kme\":\"" + kme_hex +
           "\"}\n";
    secure_wipe(kme_hex);
  }
  return out;
}

Result<std::vector<FactoryKme>> parse_factory_kmes(std::string_view text) {
  std::vector<FactoryKme> out;
  std::set<std::string> seen;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  auto bad = [&](const std::string& why) {
    wipe(out);
    return fail(ErrorCode::invalid_argument, "export line " + std::to_string(line_no) + ": " + why);
  };
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    for (const auto& [key, value] : j.items()) {
      if (key != "imei" && key != "kme_id" && key != "kme") return bad("unknown key '" + key + "'");
    }
    if (!j.contains("imei") || !j["imei"].is_string()) return bad("imei: a string is required");
    auto imei = Imei::create(j["imei"].get<std::string>());
    if (!imei) return bad("imei: " + imei.error().message);
    if (!j.contains("kme_id") || !j["kme_id"].is_number_unsigned()) return bad("kme_id: a number is required");
    const auto id = j["kme_id"].get<std::uint64_t>();
    if (id == 0 || id > 0xffffffffu) return bad("kme_id: must be 1..4294967295, got " + std::to_string(id));
    if (!j.contains("kme") || !j["kme"].is_string()) return bad("kme: a string is required");
    std::string kme_hex = j["kme"].get<std::string>();
    auto kme = octets_from_hex<16>(kme_hex);
    secure_wipe(kme_hex);
    if (!kme) return bad("kme: " + kme.error().message);
    if (!seen.insert(imei->str()).second) return bad("IMEI " + imei->str() + " repeated");
    out.push_back(FactoryKme{*imei, static_cast<std::uint32_t>(id), *kme});
    secure_wipe(*kme);
  }
  return out;
}

Bytes seal_factory_export(const crypto::MasterKey& transfer_key, const std::vector<FactoryKme>& entries) {
  std::string text = format_factory_kmes(entries);
  const ByteView plain(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  Bytes sealed = crypto::seal(transfer_key, plain, magic_bytes());
  secure_wipe(text);
  Bytes out(kMagic.size() + sealed.size());
  std::memcpy(out.data(), kMagic.data(), kMagic.size());
  std::memcpy(out.data() + kMagic.size(), sealed.data(), sealed.size());
  return out;
}

Result<std::vector<FactoryKme>> open_factory_export(const crypto::MasterKey& transfer_key, ByteView sealed) {
  if (sealed.size() < kMagic.size() || !std::equal(kMagic.begin(), kMagic.end(), sealed.begin())) {
    return fail(ErrorCode::invalid_argument, "not a simbind factory KME export (no 'simbind-factory-kme-export-v1' header)");
  }
  auto plain = crypto::open_sealed(transfer_key, sealed.subspan(kMagic.size()), magic_bytes());
  if (!plain) {
    return fail(ErrorCode::verification_failed,
                "the export does not verify under the transfer key: altered, truncated, or sealed under another key");
  }
  auto parsed = parse_factory_kmes(std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size()));
  secure_wipe(*plain);
  return parsed;
}

}  // namespace simbind::prov
