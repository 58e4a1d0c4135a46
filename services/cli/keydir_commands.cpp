#include "services/cli/keydir_commands.h"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "common/crypto/key_wrap.h"
#include "keydir.grpc.pb.h"
#include "services/cli/cli_args.h"
#include "services/cli/cli_output.h"
#include "services/cli/hss_client.h"
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

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    default: return "UNKNOWN";
  }
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

class KeydirClient {
 public:
  KeydirClient(const Connection& c, std::string command) : address_(c.address), command_(std::move(command)) {
    if (auto problem = hss_address_problem(c.address)) throw UsageError("--keydir", *problem);
    grpc::SslCredentialsOptions tls;
    tls.pem_cert_chain = read_file("--cert", c.cert);
    tls.pem_private_key = read_file("--key", c.key);
    tls.pem_root_certs = read_file("--ca", c.ca);
    grpc::ChannelArguments args;
    if (!c.server_name.empty()) args.SetSslTargetNameOverride(c.server_name);
    stub_ = v1::KeyDirectory::NewStub(grpc::CreateCustomChannel(address_, grpc::SslCredentials(tls), args));
    deadline_ = std::chrono::seconds(c.timeout_s);
  }

  template <typename Request>
  v1::DeviceKey call(grpc::Status (v1::KeyDirectory::Stub::*rpc)(grpc::ClientContext*, const Request&, v1::DeviceKey*),
                     const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline_);
    v1::DeviceKey response;
    const grpc::Status status = ((*stub_).*rpc)(&context, request, &response);
    if (!status.ok()) throw failure(status);
    return response;
  }

 private:
  OperationError failure(const grpc::Status& status) const {
    std::string message = command_ + ": " + code_name(status.error_code()) + ": ";
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      message += "cannot reach simbind-keydir at " + address_ +
                 " (is it running, and do --ca, --cert and its certificate come from the same CA? " +
                 status.error_message() + ")";
    } else {
      message += status.error_message();
    }
    return OperationError(message);
  }

  std::string address_, command_;
  std::chrono::seconds deadline_{5};
  std::unique_ptr<v1::KeyDirectory::Stub> stub_;
};

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
  std::string imei, scheme, public_key_hex, public_key_file;
};

struct GetOptions {
  std::string imei;
};

}  // namespace

void register_device_keys(const KeydirTarget& target, const std::vector<DevicePublicKey>& devices,
                          const std::string& command) {
  Connection c;
  c.address = target.address;
  c.cert = target.cert;
  c.key = target.key;
  c.ca = target.ca;
  c.server_name = target.server_name;
  c.timeout_s = target.timeout_s;
  KeydirClient client(c, command);
  for (const auto& d : devices) {
    v1::RegisterDeviceRequest request;
    request.set_imei(d.imei);
    request.set_scheme(static_cast<v1::KeyScheme>(d.scheme));
    request.set_public_key(std::string(d.public_key.begin(), d.public_key.end()));
    try {
      client.call(&v1::KeyDirectory::Stub::RegisterDevice, request);
    } catch (const OperationError& e) {
      throw OperationError(std::string(e.what()) + " (IMEI " + d.imei + ")");
    }
  }
}

void add_keydir_commands(CLI::App& parent) {
  CLI::App* keydir = parent.add_subcommand("keydir", "device key directory (simbind-keydir, gRPC over mTLS)");
  keydir->require_subcommand(1);

  {
    auto opts = std::make_shared<RegisterOptions>();
    auto connection = std::make_shared<Connection>();
    CLI::App* app =
        keydir->add_subcommand("register", "register a device's public key (needs a manufacturer certificate)");
    app->add_option("--imei", opts->imei, "IMEI (14 digits, or 15 with the Luhn check digit)")->required();
    app->add_option("--scheme", opts->scheme, "ecies-a, ecies-b or rsa-oaep")->required();
    auto* hex =
        app->add_option("--public-key", opts->public_key_hex,
                        "public key in hex (X25519 32 octets, SEC1 P-256 point, or RSA SubjectPublicKeyInfo DER)");
    auto* file =
        app->add_option("--public-key-file", opts->public_key_file, "file holding the public key as raw octets");
    hex->excludes(file);
    file->excludes(hex);
    connection->add_to(app);
    app->callback([opts, connection] {
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

      KeydirClient client(*connection, "keydir register");
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
      KeydirClient client(*connection, "keydir get");
      v1::GetDevicePublicKeyRequest request;
      request.set_imei(opts->imei);
      print_key(client.call(&v1::KeyDirectory::Stub::GetDevicePublicKey, request), connection->json);
    });
  }
}

}  // namespace simbind::cli
