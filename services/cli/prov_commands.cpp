#include "services/cli/prov_commands.h"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "prov_admin.grpc.pb.h"
#include "services/cli/cli_args.h"
#include "services/cli/cli_output.h"
#include "services/cli/grpc_client.h"
#include "services/cli/hss_input.h"

namespace simbind::cli {
namespace {

namespace v1 = simbind::prov::v1;

// The default admin address of simbind-prov (its `admin.listen`); SIMBIND_PROV overrides it.
constexpr const char* kDefaultProvAddress = "127.0.0.1:9081";

struct Connection {
  std::string address = kDefaultProvAddress;
  unsigned timeout_s = 10;
  bool json = false;
  void add_to(CLI::App* app) {
    const std::string group = "Connection and output";
    app->add_option("--prov", address, "simbind-prov admin address HOST:PORT")
        ->capture_default_str()
        ->envname("SIMBIND_PROV")
        ->group(group);
    app->add_option("--timeout", timeout_s, "seconds to wait for the answer (1..300)")
        ->capture_default_str()
        ->check(CLI::Range(1, 300))
        ->group(group);
    app->add_flag("--json", json, "print one JSON object instead of a table")->group(group);
  }
};

using ProvClient = GrpcClient<v1::ProvAdmin>;

template <typename Request, typename Response>
Response call(const Connection& c, const ApiTlsOptions& tls, const std::string& command,
              ProvClient::Rpc<Request, Response> rpc, const Request& request) {
  if (auto problem = address_problem(c.address)) throw UsageError("--prov", *problem);
  ProvClient client(tls.target("simbind-prov", c.address, "admin.tls"), std::chrono::seconds(c.timeout_s), command);
  Response response;
  const grpc::Status status = client.try_call(rpc, request, response);
  if (status.ok()) return response;
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    throw OperationError(command + ": simbind-prov at " + c.address + " has no back office (configure store:)");
  }
  throw client.failure(status);
}

}  // namespace

void add_prov_commands(CLI::App& parent, const ApiTlsOptions& tls) {
  CLI::App* prov = parent.add_subcommand("prov", "provisioning back office (simbind-prov admin API)");
  prov->require_subcommand(1);
  {
    auto file = std::make_shared<std::string>();
    auto connection = std::make_shared<Connection>();
    CLI::App* app = prov->add_subcommand("import", "import a factory KME export (`simbind factory make --kme-export`)");
    app->add_option("--file", *file, "the sealed export file")->required();
    connection->add_to(app);
    app->callback([file, connection, &tls] {
      std::ifstream in(*file, std::ios::binary);
      if (!in) throw UsageError("--file", "cannot read " + *file);
      v1::ImportRequest request;
      request.set_sealed_export(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
      const auto r = call(*connection, tls, "prov import", &v1::ProvAdmin::Stub::ImportFactoryKmes, request);
      Output out;
      out.add("file", *file)
          .add("imported", static_cast<long long>(r.imported()))
          .add("already_known", static_cast<long long>(r.already_known()));
      out.print(std::cout, connection->json);
    });
  }
  {
    auto imsi = std::make_shared<std::string>();
    auto imei = std::make_shared<std::string>();
    auto connection = std::make_shared<Connection>();
    CLI::App* app =
        prov->add_subcommand("activate", "activate (IMSI, IMEI): prov sends the IMEI's factory KME to the HSS");
    app->add_option("--imsi", *imsi, "IMSI of the subscription")->required();
    app->add_option("--imei", *imei, "IMEI of the device (14 digits, or 15 with the Luhn check digit)")->required();
    connection->add_to(app);
    app->callback([imsi, imei, connection, &tls] {
      require_valid("--imsi", imsi_problem(*imsi));
      require_valid("--imei", imei_problem(*imei));
      v1::ActivateRequest request;
      request.set_imsi(*imsi);
      request.set_imei(*imei);
      const auto r = call(*connection, tls, "prov activate", &v1::ProvAdmin::Stub::Activate, request);
      Output out;
      out.add("imsi", *imsi)
          .add("imei", r.imei())
          .add("kme_id", static_cast<long long>(r.kme_id()))
          .add("result_code", static_cast<long long>(r.result_code()))
          .add("message", r.message());
      out.print(std::cout, connection->json);
      if (r.result_code() != 2001) {
        throw OperationError("prov activate: the HSS answered " + std::to_string(r.result_code()) + ": " + r.message());
      }
    });
  }
}

}  // namespace simbind::cli
