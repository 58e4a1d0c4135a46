#include "services/cli/factory_commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "common/config/key_file.h"
#include "common/crypto/binding.h"
#include "common/util/hex.h"
#include "common/util/secure.h"
#include "services/cli/cli_args.h"
#include "services/cli/cli_output.h"
#include "services/cli/grpc_client.h"
#include "services/cli/hss_input.h"
#include "services/cli/keydir_commands.h"
#include "services/provisioning/factory_export.h"
#include "services/ue/ue_config.h"
#include "services/ue/ue_profiles.h"

namespace simbind::cli {
namespace {

constexpr unsigned kMaxDevices = 100000;

struct MakeOptions {
  unsigned count = 1;
  std::string imei_start, scheme = "ecies-a", software_version = "01", home_plmn = "00101";
  bool with_kme = false;
  std::string profiles, kme_export, export_key_file;
  bool register_keys = false;
  KeydirTarget keydir;
  bool json = false;
};

struct Device {
  Imei imei;
  crypto::DeviceKeyPair key;
  std::uint32_t kme_id = 0;
  crypto::Kme kme{};
};

// Writes `content` to `path` with mode 0600 (also when the file existed with another mode).
void write_private_file(const std::string& option, const std::string& path, ByteView content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw OperationError(option + ": cannot write " + path + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t done = 0;
  while (ok && done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) throw OperationError(option + ": cannot write " + path + ": " + std::strerror(errno));
}

ByteView text_bytes(const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

std::uint32_t nonzero_kme_id() {
  for (;;) {
    const auto id = to_uint(crypto::generate_kme_id());
    if (id != 0) return id;
  }
}

// The transfer key: read from the file, or made (256 random bits) and written with mode 0600 when the file does
// not exist yet. `created` says which.
crypto::MasterKey transfer_key(const std::string& path, bool& created) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    crypto::MasterKey key = crypto::random_octets<32>();
    std::string text = to_hex(key) + "\n";
    write_private_file("--export-key-file", path, text_bytes(text));
    secure_wipe(text);
    created = true;
    return key;
  }
  auto key = config::read_256_bit_key_file(path);
  if (!key) throw UsageError("--export-key-file", key.error().message);
  created = false;
  return *key;
}

std::string profiles_yaml(const std::vector<Device>& devices, const MakeOptions& o, const Plmn& home) {
  std::string y = "# Made by `simbind factory make`: " + std::to_string(devices.size()) +
                  " device(s). Holds device private keys" + std::string(o.with_kme ? " and factory KMEs" : "") +
                  ": keep it mode 0600.\n# No UICC is inserted: add `uicc:` to an entry, or `simbind ue move-uicc`.\nues:\n";
  for (const auto& d : devices) {
    std::string priv = to_hex(d.key.private_key);
    y += "  - imei: \"" + d.imei.str() + "\"   # IMEISV " + std::string(d.imei.tac_snr()) + o.software_version + "\n";
    y += "    software_version: \"" + o.software_version + "\"\n";
    y += "    device_key: {scheme: " + std::string(ue::profile_key_scheme_name(d.key.scheme)) + ", private_key: " + priv +
         "}\n";
    secure_wipe(priv);
    if (o.with_kme) {
      std::string kme = to_hex(d.kme);
      y += "    kme:\n      - {plmn: \"" + home.mcc() + home.mnc() + "\", kme_id: " + std::to_string(d.kme_id) +
           ", kme: " + kme + "}\n";
      secure_wipe(kme);
    }
  }
  return y;
}

void make(const MakeOptions& o) {
  // Everything is checked before anything is made or written.
  require_valid("--imei-start", imei_problem(o.imei_start));
  const Imei first = *Imei::create(o.imei_start);
  std::uint64_t base = 0;
  for (char c : first.tac_snr()) base = base * 10 + static_cast<std::uint64_t>(c - '0');
  if (base + o.count - 1 > 99999999999999ULL) throw UsageError("--imei-start", "too close to the last IMEI for --count");
  crypto::KeyWrapScheme scheme = crypto::KeyWrapScheme::ecies_profile_a;
  if (o.scheme == "ecies-b") scheme = crypto::KeyWrapScheme::ecies_profile_b;
  else if (o.scheme == "rsa-2048") scheme = crypto::KeyWrapScheme::rsa_oaep_sha256;
  else if (o.scheme != "ecies-a") throw UsageError("--scheme", "must be ecies-a, ecies-b or rsa-2048, got '" + o.scheme + "'");
  if (o.software_version.size() != 2 || o.software_version.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("--software-version", "must be 2 digits, got '" + o.software_version + "'");
  }
  auto home = ue::parse_plmn_digits(o.home_plmn);
  if (!home) throw UsageError("--home-plmn", home.error().message + ", got '" + o.home_plmn + "'");
  if (!o.kme_export.empty() && !o.with_kme) throw UsageError("--kme-export", "needs --with-kme");
  if (o.with_kme && o.kme_export.empty()) throw UsageError("--with-kme", "give --kme-export FILE for the IMEI -> KME export");
  if (!o.kme_export.empty() && o.export_key_file.empty()) {
    throw UsageError("--export-key-file", "is required with --kme-export (the transfer key, 64 hex digits)");
  }
  if (o.register_keys) {
    if (auto problem = address_problem(o.keydir.address)) throw UsageError("--keydir", *problem);
    if (o.keydir.cert.empty() || o.keydir.key.empty() || o.keydir.ca.empty()) {
      throw UsageError("--register", "needs --cert, --key and --ca (a manufacturer certificate)");
    }
  }
  bool key_created = false;
  crypto::MasterKey tkey{};
  if (!o.kme_export.empty()) tkey = transfer_key(o.export_key_file, key_created);

  std::vector<Device> devices;
  devices.reserve(o.count);
  for (unsigned i = 0; i < o.count; ++i) {
    std::string body = std::to_string(base + i);
    body = std::string(14 - body.size(), '0') + body;
    auto pair = crypto::generate_device_key_pair(scheme);
    if (!pair) throw OperationError("factory make: device key: " + pair.error().message);
    Device d{*Imei::create(body), std::move(*pair), 0, {}};
    if (o.with_kme) {
      d.kme = crypto::generate_kme();
      d.kme_id = nonzero_kme_id();
    }
    devices.push_back(std::move(d));
  }
  auto wipe_all = [&] {
    for (auto& d : devices) {
      secure_wipe(d.kme);
      secure_wipe(d.key.private_key);
    }
    secure_wipe(tkey);
  };

  std::string yaml = profiles_yaml(devices, o, *home);
  // What simbind-ue will read: check it with the same parser before it is written.
  if (auto check = ue::parse_profiles(yaml, o.profiles); !check) {
    secure_wipe(yaml);
    wipe_all();
    throw OperationError("factory make: the profile file does not parse: " + check.error().message);
  }
  try {
    write_private_file("--profiles", o.profiles, text_bytes(yaml));
  } catch (...) {
    secure_wipe(yaml);
    wipe_all();
    throw;
  }
  secure_wipe(yaml);

  if (!o.kme_export.empty()) {
    std::vector<prov::FactoryKme> entries;
    for (const auto& d : devices) entries.push_back(prov::FactoryKme{d.imei, d.kme_id, d.kme});
    const Bytes sealed = prov::seal_factory_export(tkey, entries);
    prov::wipe(entries);
    try {
      write_private_file("--kme-export", o.kme_export, sealed);
    } catch (...) {
      wipe_all();
      throw;
    }
  }

  std::vector<DevicePublicKey> keys;
  for (const auto& d : devices) keys.push_back(DevicePublicKey{d.imei.str(), d.key.scheme, d.key.public_key});
  const std::string first_imei = devices.front().imei.str(), last_imei = devices.back().imei.str();
  wipe_all();
  if (o.register_keys) register_device_keys(o.keydir, keys, "factory make: keydir register");

  Output out;
  out.add("devices", static_cast<long long>(o.count))
      .add("first_imei", first_imei)
      .add("last_imei", last_imei)
      .add("scheme", o.scheme)
      .add("software_version", o.software_version)
      .add("profiles", o.profiles)
      .add("with_kme", o.with_kme)
      .add("kme_export", o.kme_export.empty() ? std::string("-") : o.kme_export)
      .add("export_key_created", key_created)
      .add("registered", o.register_keys);
  out.print(std::cout, o.json);
}

}  // namespace

void add_factory_commands(CLI::App& parent) {
  CLI::App* factory = parent.add_subcommand("factory", "device factory: IMEIs, device keys, factory KMEs (scenario 1)");
  factory->require_subcommand(1);
  auto o = std::make_shared<MakeOptions>();
  CLI::App* app = factory->add_subcommand("make", "make devices and write their UE profile file");
  app->add_option("--count", o->count, "how many devices (consecutive IMEIs)")
      ->capture_default_str()
      ->check(CLI::Range(1u, kMaxDevices));
  app->add_option("--imei-start", o->imei_start, "first IMEI (14 digits, or 15 with the Luhn check digit)")->required();
  app->add_option("--scheme", o->scheme, "device key: ecies-a, ecies-b or rsa-2048")->capture_default_str();
  app->add_option("--software-version", o->software_version, "2 digits; IMEISV = IMEI body + this")->capture_default_str();
  app->add_flag("--with-kme", o->with_kme, "give each device a random factory KME and KME-Id (scenario 1)");
  app->add_option("--home-plmn", o->home_plmn, "home PLMN (MCC+MNC digits) the factory KMEs are stored under")
      ->capture_default_str();
  app->add_option("--profiles", o->profiles, "the UE profile file to write (mode 0600)")->required();
  app->add_option("--kme-export", o->kme_export, "the IMEI -> KME export to write, sealed (AES-256-GCM)");
  app->add_option("--export-key-file", o->export_key_file,
                  "the transfer key (64 hex digits, mode 0600); made if the file does not exist");
  const std::string group = "Key directory (with --register)";
  app->add_flag("--register", o->register_keys, "register the public keys in simbind-keydir")->group(group);
  app->add_option("--keydir", o->keydir.address, "simbind-keydir address HOST:PORT")
      ->capture_default_str()
      ->envname("SIMBIND_KEYDIR")
      ->group(group);
  app->add_option("--cert", o->keydir.cert, "manufacturer certificate (PEM)")->envname("SIMBIND_KEYDIR_CERT")->group(group);
  app->add_option("--key", o->keydir.key, "its private key (PEM)")->envname("SIMBIND_KEYDIR_KEY")->group(group);
  app->add_option("--ca", o->keydir.ca, "the CA of simbind-keydir's certificate (PEM)")->envname("SIMBIND_KEYDIR_CA")->group(group);
  app->add_option("--server-name", o->keydir.server_name, "name expected in keydir's certificate")->group(group);
  app->add_option("--timeout", o->keydir.timeout_s, "seconds to wait for each keydir answer (1..300)")
      ->capture_default_str()
      ->check(CLI::Range(1, 300))
      ->group(group);
  app->add_flag("--json", o->json, "print one JSON object instead of a table");
  app->callback([o] { make(*o); });
}

}  // namespace simbind::cli
