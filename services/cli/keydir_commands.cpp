#include "services/cli/keydir_commands.h"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/crypto/key_wrap.h"
#include "common/util/hex.h"
#include "keydir.grpc.pb.h"
#include "services/cli/cli_args.h"
#include "services/cli/cli_output.h"
#include "services/cli/grpc_client.h"
#include "services/cli/hss_input.h"

namespace simbind::cli {
namespace {

namespace v1 = simbind::keydir::v1;

// The default address of simbind-keydir (its `listen`); SIMBIND_KEYDIR overrides it.
constexpr const char* kDefaultKeydirAddress = "127.0.0.1:9443";

std::string read_file(const std::string& option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(option, "cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What every `keydir` command takes: where simbind-keydir listens, this client's certificate, key and CA, how
// long to wait, and the output format.
struct Connection {
  std::string address = kDefaultKeydirAddress;
  std::string cert, key, ca, server_name;
  unsigned timeout_s = 5;
  bool json = false;

  void add_to(CLI::App* app) {
    const std::string group = "Connection and output";
    app->add_option("--keydir", address, "simbind-keydir address HOST:PORT")
        ->capture_default_str()
        ->envname("SIMBIND_KEYDIR")
        ->group(group);
    app->add_option("--cert", cert, "this client's certificate (PEM); its OU is the role")
        ->envname("SIMBIND_KEYDIR_CERT")
        ->required()
        ->group(group);
    app->add_option("--key", key, "this client's private key (PEM)")
        ->envname("SIMBIND_KEYDIR_KEY")
        ->required()
        ->group(group);
    app->add_option("--ca", ca, "the CA that issued simbind-keydir's certificate (PEM)")
        ->envname("SIMBIND_KEYDIR_CA")
        ->required()
        ->group(group);
    app->add_option("--server-name", server_name,
                    "the name to expect in simbind-keydir's certificate (default: HOST of --keydir)")
        ->group(group);
    app->add_option("--timeout", timeout_s, "seconds to wait for the answer (1..300)")
        ->capture_default_str()
        ->check(CLI::Range(1, 300))
        ->group(group);
    app->add_flag("--json", json, "print one JSON object instead of a table")->group(group);
  }
};

using KeydirClient = GrpcClient<v1::KeyDirectory>;

// simbind-keydir is mTLS only, with its own options (its roles are not the admin role of the other daemons).
KeydirClient keydir_client(const Connection& c, const std::string& command) {
  if (auto problem = address_problem(c.address)) throw UsageError("--keydir", *problem);
  GrpcTarget target;
  target.daemon = "simbind-keydir";
  target.address = c.address;
  target.server_name = c.server_name;
  target.tls_hint = "Is it running, and do --ca, --cert and its certificate come from the same CA?";
  rpc::TlsFiles files;
  files.cert = read_file("--cert", c.cert);
  files.key = read_file("--key", c.key);
  files.ca = read_file("--ca", c.ca);
  target.tls = std::move(files);
  return KeydirClient(std::move(target), std::chrono::seconds(c.timeout_s), command);
}

const char* scheme_name(v1::KeyScheme scheme) {
  switch (scheme) {
    case v1::ECIES_PROFILE_A: return crypto::to_string(crypto::KeyWrapScheme::ecies_profile_a);
    case v1::ECIES_PROFILE_B: return crypto::to_string(crypto::KeyWrapScheme::ecies_profile_b);
    case v1::RSA_OAEP_SHA256: return crypto::to_string(crypto::KeyWrapScheme::rsa_oaep_sha256);
    default: return "unspecified";
  }
}

void print_key(const v1::DeviceKey& k, bool json) {
  const auto& pk = k.public_key();
  Output out;
  out.add("imei", k.imei())
      .add("scheme", std::string(scheme_name(k.scheme())))
      .add("public_key", to_hex(ByteView(reinterpret_cast<const std::uint8_t*>(pk.data()), pk.size())))
      .add("fingerprint", k.fingerprint())
      .add("registered", utc_time(k.registered_unix_ms()));
  if (json) out.add("registered_unix_ms", static_cast<long long>(k.registered_unix_ms()));
  out.print(std::cout, json);
}

struct RegisterOptions {
  std::string imei, scheme, public_key_hex, public_key_file, from;
};

// `--from FILE`: {"devices": [{"imei": "...", "scheme": "ecies-a|ecies-b|rsa-oaep", "public_key": "hex"}, ...]}.
std::vector<DevicePublicKey> read_device_file(const std::string& path) {
  const std::string text = read_file("--from", path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("--from", path + ": not JSON: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("devices") || !doc["devices"].is_array() || doc["devices"].empty()) {
    throw UsageError("--from", path + ": expected {\"devices\": [{\"imei\", \"scheme\", \"public_key\"}, ...]}");
  }
  std::vector<DevicePublicKey> out;
  std::size_t i = 0;
  for (const auto& d : doc["devices"]) {
    const std::string where = path + ": devices[" + std::to_string(i++) + "]";
    const auto field = [&](const char* name) {
      if (!d.is_object() || !d.contains(name) || !d[name].is_string()) {
        throw UsageError("--from", where + ": " + name + " (a string) is missing");
      }
      return d[name].get<std::string>();
    };
    const std::string imei = field("imei");
    if (auto problem = imei_problem(imei)) throw UsageError("--from", where + ": imei: " + *problem);
    auto scheme = crypto::key_wrap_scheme_from_string(field("scheme"));
    if (!scheme) throw UsageError("--from", where + ": scheme: " + scheme.error().message);
    auto key = from_hex(field("public_key"));
    if (!key || key->empty()) throw UsageError("--from", where + ": public_key: not a non-empty hex string");
    out.push_back(DevicePublicKey{imei, *scheme, std::move(*key)});
  }
  return out;
}

struct GetOptions {
  std::string imei;
};

}  // namespace

RegisteredCount register_device_keys(const KeydirTarget& target, const std::vector<DevicePublicKey>& devices,
                                     const std::string& command) {
  constexpr std::size_t kPerCall = 1000;
  Connection c;
  c.address = target.address;
  c.cert = target.cert;
  c.key = target.key;
  c.ca = target.ca;
  c.server_name = target.server_name;
  c.timeout_s = target.timeout_s;
  KeydirClient client = keydir_client(c, command);
  RegisteredCount count;
  for (std::size_t first = 0; first < devices.size(); first += kPerCall) {
    v1::RegisterDevicesRequest request;
    for (std::size_t i = first; i < std::min(devices.size(), first + kPerCall); ++i) {
      const DevicePublicKey& d = devices[i];
      v1::RegisterDeviceRequest* r = request.add_devices();
      r->set_imei(d.imei);
      r->set_scheme(static_cast<v1::KeyScheme>(d.scheme));
      r->set_public_key(std::string(d.public_key.begin(), d.public_key.end()));
    }
    try {
      const auto answer = client.call(&v1::KeyDirectory::Stub::RegisterDevices, request);
      count.created += answer.created();
      count.already_registered += answer.already_registered();
    } catch (const OperationError& e) {
      throw OperationError(std::string(e.what()) + " (devices " + std::to_string(first + 1) + ".." +
                           std::to_string(std::min(devices.size(), first + kPerCall)) + " of " +
                           std::to_string(devices.size()) + "; the " + std::to_string(first) +
                           " before them are registered)");
    }
  }
  return count;
}

void add_keydir_commands(CLI::App& parent) {
  CLI::App* keydir = parent.add_subcommand("keydir", "device key directory (simbind-keydir, gRPC over mTLS)");
  keydir->require_subcommand(1);

  {
    auto opts = std::make_shared<RegisterOptions>();
    auto connection = std::make_shared<Connection>();
    CLI::App* app =
        keydir->add_subcommand("register", "register a device's public key (needs a manufacturer certificate)");
    auto* imei = app->add_option("--imei", opts->imei, "IMEI (14 digits, or 15 with the Luhn check digit)");
    auto* scheme_option = app->add_option("--scheme", opts->scheme, "ecies-a, ecies-b or rsa-oaep");
    auto* from = app->add_option("--from", opts->from,
                                 "a JSON file of devices, {\"devices\": [{\"imei\", \"scheme\", \"public_key\" (hex)}]}, "
                                 "registered 1,000 per call, each call all or nothing");
    from->excludes(imei);
    from->excludes(scheme_option);
    auto* hex =
        app->add_option("--public-key", opts->public_key_hex,
                        "public key in hex (X25519 32 octets, SEC1 P-256 point, or RSA SubjectPublicKeyInfo DER)");
    auto* file =
        app->add_option("--public-key-file", opts->public_key_file, "file holding the public key as raw octets");
    hex->excludes(file);
    file->excludes(hex);
    from->excludes(hex);
    from->excludes(file);
    connection->add_to(app);
    app->callback([opts, connection] {
      if (!opts->from.empty()) {
        const auto devices = read_device_file(opts->from);
        KeydirTarget target{connection->address, connection->cert, connection->key, connection->ca,
                            connection->server_name, connection->timeout_s};
        const auto count = register_device_keys(target, devices, "keydir register --from");
        Output out;
        out.add("devices", static_cast<long long>(devices.size()))
            .add("registered", static_cast<long long>(count.created))
            .add("already_registered", static_cast<long long>(count.already_registered));
        out.print(std::cout, connection->json);
        return;
      }
      if (opts->imei.empty()) throw UsageError("--imei", "give --imei and --scheme, or --from FILE");
      if (opts->scheme.empty()) throw UsageError("--scheme", "give --imei and --scheme, or --from FILE");
      require_valid("--imei", imei_problem(opts->imei));
      auto scheme = crypto::key_wrap_scheme_from_string(opts->scheme);
      if (!scheme) throw UsageError("--scheme", scheme.error().message);
      Bytes key;
      if (!opts->public_key_hex.empty()) {
        key = hex_bytes_option("--public-key", opts->public_key_hex);
      } else if (!opts->public_key_file.empty()) {
        const std::string raw = read_file("--public-key-file", opts->public_key_file);
        key.assign(raw.begin(), raw.end());
      } else {
        throw UsageError("--public-key", "give the key with --public-key HEX or --public-key-file FILE");
      }
      if (key.empty()) throw UsageError("--public-key", "the key is empty");

      KeydirClient client = keydir_client(*connection, "keydir register");
      v1::RegisterDeviceRequest request;
      request.set_imei(opts->imei);
      request.set_scheme(static_cast<v1::KeyScheme>(*scheme));
      request.set_public_key(std::string(key.begin(), key.end()));
      print_key(client.call(&v1::KeyDirectory::Stub::RegisterDevice, request), connection->json);
    });
  }
  {
    auto opts = std::make_shared<GetOptions>();
    auto connection = std::make_shared<Connection>();
    CLI::App* app =
        keydir->add_subcommand("get", "look a device's public key up by IMEI (needs an operator certificate)");
    app->add_option("--imei", opts->imei, "IMEI (14 digits, or 15 with the Luhn check digit)")->required();
    connection->add_to(app);
    app->callback([opts, connection] {
      require_valid("--imei", imei_problem(opts->imei));
      KeydirClient client = keydir_client(*connection, "keydir get");
      v1::GetDevicePublicKeyRequest request;
      request.set_imei(opts->imei);
      print_key(client.call(&v1::KeyDirectory::Stub::GetDevicePublicKey, request), connection->json);
    });
  }
}

}  // namespace simbind::cli
