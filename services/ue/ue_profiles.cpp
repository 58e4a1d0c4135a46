#include "services/ue/ue_profiles.h"

#include <charconv>
#include <set>

#include "common/config/config_reader.h"
#include "common/crypto/sqn.h"
#include "common/util/hex.h"
#include "common/util/secure.h"
#include "services/ue/ue_config.h"

namespace simbind::ue {
namespace {

using Section = config::ConfigReader::Section;

constexpr unsigned kMaxGenerated = 100000;

template <std::size_t N>
std::optional<Octets<N>> hex_key(const Section& s, const std::string& key, bool required) {
  if (!s.has(key)) {
    if (required) s.problem(key, "is required");
    return std::nullopt;
  }
  auto v = octets_from_hex<N>(s.string(key, ""));
  if (!v) {
    s.problem(key, v.error().message);  // says how many digits, never the value
    return std::nullopt;
  }
  return *v;
}

std::optional<crypto::KeyWrapScheme> key_scheme(const Section& s) {
  const std::string v = s.choice("key_scheme", "ecies-a", {"ecies-a", "ecies-b", "rsa-2048"});
  if (v == "ecies-b") return crypto::KeyWrapScheme::ecies_profile_b;
  if (v == "rsa-2048") return crypto::KeyWrapScheme::rsa_oaep_sha256;
  return crypto::KeyWrapScheme::ecies_profile_a;
}

// `device_key: {scheme, private_key}`: a key pair made by the factory. The public key is derived here, so a
// private key that is not one of its scheme is refused now, naming the entry and key (never the value).
std::optional<crypto::DeviceKeyPair> device_key(const Section& s) {
  s.allow_only({"scheme", "private_key"});
  const std::string name = s.choice("scheme", "ecies-a", {"ecies-a", "ecies-b", "rsa-2048"});
  if (!s.has("scheme")) s.problem("scheme", "is required (ecies-a, ecies-b or rsa-2048)");
  const auto scheme = name == "ecies-b"    ? crypto::KeyWrapScheme::ecies_profile_b
                      : name == "rsa-2048" ? crypto::KeyWrapScheme::rsa_oaep_sha256
                                           : crypto::KeyWrapScheme::ecies_profile_a;
  if (!s.has("private_key")) {
    s.problem("private_key", "is required (hex)");
    return std::nullopt;
  }
  std::string text = s.string("private_key", "");
  auto priv = from_hex(text);
  secure_wipe(MutableByteView(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
  if (!priv || priv->empty()) {
    s.problem("private_key", "expected hex digits (an even number of them)");
    return std::nullopt;
  }
  auto pub = crypto::device_public_key(scheme, *priv);
  if (!pub) {
    s.problem("private_key", std::string("not a valid ") + profile_key_scheme_name(scheme) + " private key");
    secure_wipe(*priv);
    return std::nullopt;
  }
  return crypto::DeviceKeyPair{scheme, std::move(*priv), std::move(*pub)};
}

std::string software_version(const Section& s) {
  const std::string v = s.string("software_version", "01");
  if (v.size() != 2 || v.find_first_not_of("0123456789") != std::string::npos) {
    s.problem("software_version", "must be 2 digits, got '" + v + "'");
  }
  return v;
}

// The PDN type the device asks for (TS 24.301 9.9.4.10). IPv4v6 by default: a dual-stack handset's request,
// which the network narrows to what the subscription allows (#50/#51/#52).
std::uint8_t pdn_type(const Section& s) {
  const std::string v = s.choice("pdn_type", "ipv4v6", {"ipv4", "ipv6", "ipv4v6"});
  return v == "ipv4" ? 1 : v == "ipv6" ? 2 : 3;
}

// K and OPc (or OP, turned into OPc here as the HSS does).
std::optional<std::pair<crypto::Key128, crypto::Opc>> subscriber_keys(const Section& s) {
  const auto k = hex_key<16>(s, "k", true);
  if (s.has("op") == s.has("opc")) {
    s.problem("opc", "give exactly one of op and opc");
    return std::nullopt;
  }
  const auto opc = hex_key<16>(s, "opc", false);
  const auto op = hex_key<16>(s, "op", false);
  if (!k || (!opc && !op)) return std::nullopt;
  return std::pair{*k, opc ? *opc : crypto::compute_opc(*k, *op)};
}

std::optional<UiccSpec> uicc(const Section& s) {
  s.allow_only({"imsi", "k", "op", "opc", "mnc_length", "sqn"});
  auto imsi = Imsi::create(s.required_string("imsi"));
  if (!imsi && s.has("imsi")) s.problem("imsi", imsi.error().message);
  const auto keys = subscriber_keys(s);
  const auto mnc_length = static_cast<unsigned>(s.integer("mnc_length", 2, 2, 3));
  std::optional<std::uint64_t> sqn;
  if (const auto v = hex_key<6>(s, "sqn", false)) sqn = crypto::sqn_value(*v);
  if (!imsi || !keys) return std::nullopt;
  return UiccSpec{UsimProfile{*imsi, keys->first, keys->second, mnc_length, {}}, sqn};
}

std::vector<KmeSpec> kmes(const Section& s) {
  std::vector<KmeSpec> out;
  for (const auto& e : s.list("kme")) {
    e.allow_only({"plmn", "kme_id", "kme"});
    const std::string plmn_text = e.required_string("plmn");
    auto plmn = parse_plmn_digits(plmn_text);
    if (!plmn && e.has("plmn")) e.problem("plmn", plmn.error().message + ", got '" + plmn_text + "'");
    if (!e.has("kme_id")) e.problem("kme_id", "is required");
    const auto id = static_cast<std::uint32_t>(e.integer("kme_id", 0, 0, 0xffffffff));
    const auto kme = hex_key<16>(e, "kme", true);
    if (plmn && kme) out.push_back(KmeSpec{*plmn, KmeId{id}, *kme});
  }
  return out;
}

std::optional<DeviceSpec> one_ue(const Section& s) {
  s.allow_only({"imei", "software_version", "key_scheme", "device_key", "uicc", "kme", "pdn_type"});
  DeviceSpec d{s.path(), *Imei::create("00000000000000"), "01", crypto::KeyWrapScheme::ecies_profile_a, std::nullopt, std::nullopt, {}, 3};
  auto imei = Imei::create(s.required_string("imei"));
  if (!imei && s.has("imei")) s.problem("imei", imei.error().message);
  d.software_version = software_version(s);
  d.pdn_type = pdn_type(s);
  d.key_scheme = *key_scheme(s);
  if (s.has("device_key")) {
    d.device_key = device_key(s.section("device_key"));
    if (!d.device_key) return std::nullopt;
    if (s.has("key_scheme") && d.key_scheme != d.device_key->scheme) {
      s.problem("key_scheme", "differs from device_key.scheme");
    }
    d.key_scheme = d.device_key->scheme;
  }
  if (s.has("uicc")) {
    d.uicc = uicc(s.section("uicc"));
    if (!d.uicc) return std::nullopt;
  }
  d.kmes = kmes(s);
  if (!imei) return std::nullopt;
  d.imei = *imei;
  return d;
}

// Adds `i` to a decimal digit string, keeping its width; nullopt when it would overflow the width.
std::optional<std::string> add_decimal(const std::string& digits, std::uint64_t i) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  std::string out = std::to_string(v + i);
  if (out.size() > digits.size()) return std::nullopt;
  return std::string(digits.size() - out.size(), '0') + out;
}

std::vector<DeviceSpec> generated(const Section& s) {
  s.allow_only({"count", "imsi_start", "imei_start", "k", "op", "opc", "mnc_length", "software_version",
                "key_scheme", "pdn_type"});
  std::vector<DeviceSpec> out;
  const auto count = static_cast<unsigned>(s.integer("count", 0, 1, kMaxGenerated));
  if (!s.has("count")) s.problem("count", "is required");
  auto first_imsi = Imsi::create(s.required_string("imsi_start"));
  if (!first_imsi && s.has("imsi_start")) s.problem("imsi_start", first_imsi.error().message);
  auto first_imei = Imei::create(s.required_string("imei_start"));
  if (!first_imei && s.has("imei_start")) s.problem("imei_start", first_imei.error().message);
  const auto keys = subscriber_keys(s);
  const auto mnc_length = static_cast<unsigned>(s.integer("mnc_length", 2, 2, 3));
  const std::string sv = software_version(s);
  const auto scheme = *key_scheme(s);
  const std::uint8_t pdn = pdn_type(s);
  if (!first_imsi || !first_imei || !keys || count == 0) return out;
  const std::string imei_body(first_imei->tac_snr());
  if (!add_decimal(first_imsi->str(), count - 1)) s.problem("imsi_start", "too close to the last IMSI of its length for count");
  if (!add_decimal(imei_body, count - 1)) s.problem("imei_start", "too close to the last IMEI for count");
  for (unsigned i = 0; i < count; ++i) {
    const auto imsi = add_decimal(first_imsi->str(), i);
    const auto body = add_decimal(imei_body, i);
    if (!imsi || !body) break;
    DeviceSpec d{"generate#" + std::to_string(i), *Imei::create(*body), sv, scheme, std::nullopt, std::nullopt, {}, pdn};
    d.software_version = sv;
    d.key_scheme = scheme;
    d.pdn_type = pdn;
    d.uicc = UiccSpec{UsimProfile{*Imsi::create(*imsi), keys->first, keys->second, mnc_length, {}}, std::nullopt};
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

const char* profile_key_scheme_name(crypto::KeyWrapScheme s) {
  switch (s) {
    case crypto::KeyWrapScheme::ecies_profile_b: return "ecies-b";
    case crypto::KeyWrapScheme::rsa_oaep_sha256: return "rsa-2048";
    default: return "ecies-a";
  }
}

Result<std::vector<DeviceSpec>> parse_profiles(const std::string& yaml, const std::string& name) {
  auto reader = config::ConfigReader::load_string(yaml, name);
  if (!reader) return std::unexpected(reader.error());
  auto root = reader->root();
  root.allow_only({"ues", "generate"});
  if (!root.has("ues") && !root.has("generate")) root.problem("ues", "give a list `ues:` or a `generate:` block");
  std::vector<DeviceSpec> out;
  for (const auto& entry : root.list("ues")) {
    if (auto d = one_ue(entry)) out.push_back(std::move(*d));
  }
  if (root.has("generate")) {
    for (auto& d : generated(root.section("generate"))) out.push_back(std::move(d));
  }
  // An IMEI or IMSI may appear once in a file.
  std::set<std::string> imeis, imsis;
  for (const auto& d : out) {
    if (!imeis.insert(d.imei.str()).second) root.problem(d.entry + ".imei", "IMEI " + d.imei.str() + " repeated");
    if (d.uicc && !imsis.insert(d.uicc->profile.imsi.str()).second) {
      root.problem(d.entry + ".uicc.imsi", "IMSI " + d.uicc->profile.imsi.str() + " repeated");
    }
  }
  if (auto done = reader->finish(); !done) return std::unexpected(done.error());
  return out;
}

Result<NewDevice> build_device(const DeviceSpec& spec) {
  auto key = spec.device_key ? Result<crypto::DeviceKeyPair>(*spec.device_key)
                             : crypto::generate_device_key_pair(spec.key_scheme);
  if (!key) return fail(key.error().code, spec.entry + ": device key: " + key.error().message);
  NewDevice d{MobileEquipment(spec.imei, spec.software_version, std::move(*key)), std::nullopt};
  d.me.set_pdn_type(spec.pdn_type);
  for (const auto& k : spec.kmes) d.me.kme_store().add(StoredKme{k.home, k.id, k.kme, false});
  if (!spec.uicc) return d;
  const UsimProfile& profile = spec.uicc->profile;
  d.me.insert_uicc(profile.imsi);
  if (!spec.uicc->sqn) {
    d.usim.emplace(profile);
    return d;
  }
  // "UICC SQN ahead of the HSS": the highest accepted SQN is the given one (TS 33.102 C.2: SEQ_MS at its IND).
  const auto fields = crypto::split_sqn(*spec.uicc->sqn, profile.sqn_policy.ind_bits);
  std::vector<std::uint64_t> seq_ms(std::size_t{1} << profile.sqn_policy.ind_bits, 0);
  seq_ms[fields.ind] = fields.seq;
  auto window = crypto::UsimSqnWindow::restore(profile.sqn_policy, std::move(seq_ms));
  if (!window) return fail(ErrorCode::invalid_argument, spec.entry + ".uicc.sqn: " + window.error().message);
  d.usim.emplace(profile, std::move(*window));
  return d;
}

}  // namespace simbind::ue
