#include "tests/integration/support/s6a_client.h"

#include <thread>

#include "common/diameter/dictionary.h"
#include "common/diameter/exchange.h"
#include "common/log/log.h"
#include "tests/integration/support/process.h"

namespace simbind::test {

using namespace simbind::diameter;

std::unique_ptr<S6aClient> S6aClient::start(const S6aClientConfig& config) {
  auto client = std::make_unique<S6aClient>();
  client->config_ = config;
  StackConfig sc;
  sc.identity = config.identity;
  sc.realm = config.realm;
  sc.port = static_cast<std::uint16_t>(free_port());
  sc.tc_timer_s = 1;
  sc.peers.push_back(PeerConfig{config.hss_identity, "127.0.0.1", static_cast<std::uint16_t>(config.hss_port)});
  S6aClient* self = client.get();
  auto stack = DiameterStack::start(sc, [self]() -> Result<void> {
    if (auto r = setup_s6a_node(); !r) return r;
    return register_handler(dictionary().s6a, dictionary().clr.request, [self](Message request) {
      auto clr = decode_clr(request);
      {
        std::lock_guard lock(self->mutex_);
        self->clrs_.push_back(clr ? clr->user_name : "undecodable");
      }
      Message answer = Message::answer_to(std::move(request));
      fill_cla(answer, CancelLocationAnswer{ResultCode::ok()});
      (void)send_answer(std::move(answer));
    });
  });
  if (!stack) {
    log::error("test S6a client: {}", stack.error().message);
    return nullptr;
  }
  client->stack_ = std::move(*stack);
  return client;
}

bool S6aClient::wait_open(std::chrono::milliseconds timeout) const {
  return stack_->wait_peer_open(config_.hss_identity, timeout);
}

std::vector<std::string> S6aClient::received_clrs() const {
  std::lock_guard lock(mutex_);
  return clrs_;
}

Result<Message> S6aClient::send(Message request) { return send_and_wait(std::move(request), std::chrono::seconds(5)); }

Result<AuthInfoAnswer> S6aClient::air(const AuthInfoRequest& r) {
  auto answer = send(encode_air(r, config_.realm, binding_vendor()));
  if (!answer) return std::unexpected(answer.error());
  return decode_aia(*answer, binding_vendor());
}

Result<UpdateLocationAnswer> S6aClient::ulr(const UpdateLocationRequest& r) {
  auto answer = send(encode_ulr(r, config_.realm));
  if (!answer) return std::unexpected(answer.error());
  return decode_ula(*answer, binding_vendor());
}

Result<PurgeUeAnswer> S6aClient::pur(const PurgeUeRequest& r) {
  auto answer = send(encode_pur(r, config_.realm));
  if (!answer) return std::unexpected(answer.error());
  return decode_pua(*answer);
}

}  // namespace simbind::test
