#include "services/ue/device_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/util/hex.h"

namespace simbind::ue {
namespace {

using nlohmann::json;

Bytes aad(const std::string& owner, const char* field) {
  const std::string s = "simbind-ue:" + owner + ":" + field;
  return Bytes(s.begin(), s.end());
}

std::string sealed_hex(const crypto::MasterKey& key, ByteView secret, const std::string& owner, const char* field) {
  return to_hex(crypto::seal(key, secret, aad(owner, field)));
}

Result<Bytes> open_hex(const crypto::MasterKey& key, const json& j, const char* name, const std::string& owner) {
  if (!j.contains(name) || !j[name].is_string()) return fail(ErrorCode::io_error, std::string("missing ") + name);
  auto sealed = from_hex(j[name].get<std::string>());
  if (!sealed) return fail(ErrorCode::io_error, std::string(name) + ": " + sealed.error().message);
  auto plain = crypto::open_sealed(key, *sealed, aad(owner, name));
  if (!plain) return fail(ErrorCode::verification_failed, std::string(name) + ": " + plain.error().message);
  return plain;
}

template <std::size_t N>
Result<Octets<N>> fixed(Result<Bytes> b, const char* name) {
  if (!b) return std::unexpected(b.error());
  if (b->size() != N) return fail(ErrorCode::io_error, std::string(name) + ": wrong length");
  Octets<N> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

// Parses a whole file; any missing or mistyped field becomes an error naming the file.
template <typename F>
auto parse(const std::string& path, const std::string& text, F&& f) -> decltype(f(json{})) {
  try {
    return f(json::parse(text));
  } catch (const json::exception& e) {
    return fail(ErrorCode::io_error, path + ": " + e.what());
  }
}

}  // namespace

Result<DeviceStore> DeviceStore::open(const std::string& directory, const crypto::MasterKey& storage_key) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return fail(ErrorCode::io_error, directory + ": " + ec.message());
  ::chmod(directory.c_str(), 0700);
  return DeviceStore(directory, storage_key);
}

Result<void> DeviceStore::write_atomically(const std::string& path, const std::string& content) const {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return fail(ErrorCode::io_error, tmp + ": cannot create");
  const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return fail(ErrorCode::io_error, path + ": write failed");
  }
  // The rename must reach the disk too.
  if (const int dir = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

Result<void> DeviceStore::write_batch(const std::vector<File>& files, std::vector<std::size_t>* failed) const {
  if (failed) failed->clear();
  if (files.empty()) return {};
  std::vector<std::size_t> bad;
  std::string first_error;
  const auto give_up = [&](std::size_t i, std::string why) {
    std::remove((files[i].first + ".tmp").c_str());
    bad.push_back(i);
    if (first_error.empty()) first_error = std::move(why);
  };
  std::vector<std::size_t> staged;  // written to their .tmp
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& [path, content] = files[i];
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
      give_up(i, tmp + ": cannot create: " + std::strerror(errno));
      continue;
    }
    const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    ::close(fd);
    if (!ok) {
      give_up(i, path + ": write failed");
      continue;
    }
    staged.push_back(i);
  }
  // Every temporary file reaches the disk before any rename makes it current: a crash leaves old or new files,
  // never a truncated one.
  const int dir = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (!staged.empty() && (dir < 0 || ::syncfs(dir) != 0)) {
    for (std::size_t i : staged) give_up(i, dir_ + ": sync failed");
    staged.clear();
  }
  for (std::size_t i : staged) {
    const std::string& path = files[i].first;
    if (std::rename((path + ".tmp").c_str(), path.c_str()) != 0) {
      give_up(i, path + ": rename failed: " + std::strerror(errno));
    }
  }
  if (dir >= 0) {
    ::fsync(dir);  // the renames must reach the disk too
    ::close(dir);
  }
  if (bad.empty()) return {};
  std::sort(bad.begin(), bad.end());
  const std::size_t n = bad.size();
  if (failed) *failed = std::move(bad);
  return fail(ErrorCode::io_error, first_error + (n > 1 ? " (and " + std::to_string(n - 1) + " more file(s))" : ""));
}

Result<DeviceStore::Listing> DeviceStore::list() const {
  Listing out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    const auto id_of = [&name](const std::string& prefix) -> std::optional<std::string> {
      const std::string suffix = ".json";
      if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return std::nullopt;
      }
      return name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    };
    if (auto id = id_of("me-")) {
      if (auto imei = Imei::create(*id); imei && imei->str() == *id) {
        out.mes.push_back(*imei);
        continue;
      }
    } else if (auto id2 = id_of("uicc-")) {
      if (auto imsi = Imsi::create(*id2)) {
        out.uiccs.push_back(*imsi);
        continue;
      }
    }
    out.ignored.push_back(name);
  }
  if (ec) return fail(ErrorCode::io_error, dir_ + ": " + ec.message());
  std::sort(out.mes.begin(), out.mes.end());
  std::sort(out.uiccs.begin(), out.uiccs.end());
  return out;
}

Result<std::string> DeviceStore::read(const std::string& path) const {
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::not_found, path + ": no such device");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<void> DeviceStore::save(const MobileEquipment& me) {
  const auto [path, content] = render(me);
  return write_atomically(path, content);
}

DeviceStore::File DeviceStore::render(const MobileEquipment& me) const {
  const std::string owner = me.imei().str();
  json j;
  j["imei"] = owner;
  j["software_version"] = me.software_version();
  j["pdn_type"] = me.pdn_type();
  j["key_scheme"] = crypto::to_string(me.device_key().scheme);
  j["public_key"] = to_hex(me.device_key().public_key);
  j["private_key"] = sealed_hex(key_, me.device_key().private_key, owner, "private_key");
  j["kmes"] = json::array();
  for (const auto& k : me.kme_store().entries()) {
    const std::string field_owner = owner + ":" + k.home_plmn.to_string() + ":" + std::to_string(to_uint(k.id));
    j["kmes"].push_back({{"mcc", k.home_plmn.mcc()},
                         {"mnc", k.home_plmn.mnc()},
                         {"kme_id", to_uint(k.id)},
                         {"confirmed", k.confirmed},
                         {"kme", sealed_hex(key_, k.kme, field_owner, "kme")}});
  }
  j["uicc"] = me.inserted_uicc() ? json(me.inserted_uicc()->str()) : json(nullptr);
  return {me_path(me.imei()), j.dump(2)};
}

Result<MobileEquipment> DeviceStore::load_me(const Imei& imei) const {
  const std::string path = me_path(imei);
  auto text = read(path);
  if (!text) return std::unexpected(text.error());
  return parse(path, *text, [&](const json& j) -> Result<MobileEquipment> {
    const std::string owner = imei.str();
    auto scheme = crypto::key_wrap_scheme_from_string(j.at("key_scheme").get<std::string>());
    if (!scheme) return fail(ErrorCode::io_error, path + ": " + scheme.error().message);
    auto pub = from_hex(j.at("public_key").get<std::string>());
    auto priv = open_hex(key_, j, "private_key", owner);
    if (!pub || !priv) return fail(ErrorCode::io_error, path + ": device key: " + (priv ? "bad public key" : priv.error().message));
    MobileEquipment me(imei, j.at("software_version").get<std::string>(),
                       crypto::DeviceKeyPair{*scheme, std::move(*priv), std::move(*pub)});
    // Files written before the PDN type was configurable have none: the default (IPv4v6).
    if (j.contains("pdn_type")) me.set_pdn_type(j.at("pdn_type").get<std::uint8_t>());
    for (const auto& k : j.at("kmes")) {
      auto plmn = Plmn::create(k.at("mcc").get<std::string>(), k.at("mnc").get<std::string>());
      if (!plmn) return fail(ErrorCode::io_error, path + ": " + plmn.error().message);
      const KmeId id{k.at("kme_id").get<std::uint32_t>()};
      const std::string field_owner = owner + ":" + plmn->to_string() + ":" + std::to_string(to_uint(id));
      auto kme = fixed<16>(open_hex(key_, k, "kme", field_owner), "kme");
      if (!kme) return fail(kme.error().code, path + ": " + kme.error().message);
      me.kme_store().add(StoredKme{*plmn, id, *kme, k.at("confirmed").get<bool>()});
    }
    // Files written before UICCs could move have no "uicc": nothing inserted.
    if (j.contains("uicc") && j["uicc"].is_string()) {
      auto imsi = Imsi::create(j["uicc"].get<std::string>());
      if (!imsi) return fail(ErrorCode::io_error, path + ": uicc: " + imsi.error().message);
      me.insert_uicc(*imsi);
    }
    return me;
  });
}

Result<void> DeviceStore::save(const Usim& usim) {
  const auto [path, content] = render(usim.profile(), usim.sqn_window());
  return write_atomically(path, content);
}

DeviceStore::File DeviceStore::render(const UsimProfile& p, const crypto::UsimSqnWindow& window) const {
  const std::string owner = p.imsi.str();
  json j;
  j["imsi"] = owner;
  j["mnc_length"] = p.mnc_length;
  j["k"] = sealed_hex(key_, p.k, owner, "k");
  j["opc"] = sealed_hex(key_, p.opc, owner, "opc");
  j["ind_bits"] = p.sqn_policy.ind_bits;
  j["delta"] = p.sqn_policy.delta;
  j["limit_l"] = p.sqn_policy.limit_l;
  j["seq_ms"] = window.seq_ms_by_ind();
  return {usim_path(p.imsi), j.dump(2)};
}

Result<Usim> DeviceStore::load_usim(const Imsi& imsi) const {
  const std::string path = usim_path(imsi);
  auto text = read(path);
  if (!text) return std::unexpected(text.error());
  return parse(path, *text, [&](const json& j) -> Result<Usim> {
    const std::string owner = imsi.str();
    auto k = fixed<16>(open_hex(key_, j, "k", owner), "k");
    auto opc = fixed<16>(open_hex(key_, j, "opc", owner), "opc");
    if (!k) return fail(k.error().code, path + ": " + k.error().message);
    if (!opc) return fail(opc.error().code, path + ": " + opc.error().message);
    UsimProfile profile{imsi, *k, *opc, j.at("mnc_length").get<unsigned>(),
                        crypto::UsimSqnPolicy{j.at("ind_bits").get<unsigned>(), j.at("delta").get<std::uint64_t>(),
                                              j.at("limit_l").get<std::uint64_t>()}};
    auto window = crypto::UsimSqnWindow::restore(profile.sqn_policy, j.at("seq_ms").get<std::vector<std::uint64_t>>());
    if (!window) return fail(ErrorCode::io_error, path + ": " + window.error().message);
    return Usim(std::move(profile), std::move(*window));
  });
}

}  // namespace simbind::ue
