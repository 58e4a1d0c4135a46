// simbind: the command-line tool. Subcommand groups are wired here; each lives in its own file.
#include <CLI/CLI.hpp>
#include <iostream>

#include "services/cli/auc_commands.h"
#include "services/cli/cli_args.h"
#include "services/cli/factory_commands.h"
#include "services/cli/hss_commands.h"
#include "services/cli/keydir_commands.h"
#include "services/cli/prov_commands.h"
#include "services/cli/s6a_commands.h"
#include "services/cli/tls_options.h"
#include "services/cli/ue_commands.h"

namespace {

constexpr int kExitFailure = 1;  // the operation ran and failed (a MAC tag that does not verify, an HSS refusal)
constexpr int kExitUsage = 2;    // bad command line: missing option, malformed value

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"simbind: bind a subscription (UICC) to one device (ME) with a shared key KME"};
  app.require_subcommand(1);
  simbind::cli::ApiTlsOptions api_tls;  // global: before the subcommands, which inherit fallthrough
  api_tls.add_to(app);
  simbind::cli::add_auc_commands(app);
  simbind::cli::add_factory_commands(app);
  simbind::cli::add_hss_commands(app, api_tls);
  simbind::cli::add_keydir_commands(app);
  simbind::cli::add_prov_commands(app, api_tls);
  simbind::cli::add_s6a_commands(app);
  simbind::cli::add_ue_commands(app, api_tls);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "simbind: " << e.what() << "\n(run with --help for usage)\n";
    return kExitUsage;
  } catch (const simbind::cli::UsageError& e) {
    std::cerr << "simbind: " << e.what() << "\n";
    return kExitUsage;
  } catch (const simbind::cli::OperationError& e) {
    std::cerr << "simbind: " << e.what() << "\n";
    return kExitFailure;
  }
  return 0;
}
