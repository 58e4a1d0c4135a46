// Request/answer exchange over the running stack: sending requests with an answer deadline (client side) and
// handling requests whose answers may be sent later, from any thread (server side: a ULR can wait for an IDR
// round trip before its ULA goes out).
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "common/diameter/exchange_failure.h"
#include "common/diameter/message.h"

struct dict_object;

namespace simbind::diameter {

// Called exactly once: with the answer, or with an error when no answer came within the timeout or the request
// could not be routed. Runs on a freeDiameter thread: keep it short, never block in it.
using AnswerCallback = std::function<void(Result<Message>)>;

// Whether the message's length fits the 24-bit length field (RFC 6733 3); freeDiameter would wrap it silently.
Result<void> fits_on_the_wire(struct msg* m);

Result<void> send_request(Message request, std::chrono::milliseconds timeout, AnswerCallback done);

// freeDiameter drops an answer that breaks its command's rules after it has taken the request off its list of
// pending requests: neither the answer nor the expiry callback would ever run, and the caller would wait forever.
// The stack's parsing-error hook calls this instead: the request's callback gets `why` as its error. False when
// the answer is not to a request sent with send_request.
bool fail_pending_request(struct msg* answer, const std::string& why);

// Blocking form for tools and tests (never from a freeDiameter thread).
Result<Message> send_and_wait(Message request, std::chrono::milliseconds timeout);

// Sends `request` and calls `done` exactly once, from a freeDiameter thread or from here when the request could not
// be sent: with `decode(answer)`, or with an ExchangeFailure. The answer must come from `expected_host`: freeDiameter
// matches answers by hop-by-hop id, and this keeps another node's answer from passing for the one asked.
template <typename Answer, typename Decode, typename Done>
void exchange(Message request, std::chrono::milliseconds timeout, const std::string& expected_host, const char* name,
              Decode decode, Done done) {
  auto shared = std::make_shared<Done>(std::move(done));
  const auto failure = [name](ExchangeFailure::Kind kind, const std::string& why) {
    return std::unexpected(ExchangeFailure{kind, std::string(name) + ": " + why});
  };
  auto on_answer = [shared, expected_host, decode, failure](Result<Message> answer) {
    if (!answer) {
      const bool late = answer.error().code == ErrorCode::timeout;
      return (*shared)(failure(late ? ExchangeFailure::Kind::timeout : ExchangeFailure::Kind::unreachable,
                               answer.error().message));
    }
    const std::string origin = answer->origin_host();
    if (origin != expected_host) {
      return (*shared)(failure(ExchangeFailure::Kind::malformed, "from " + origin + ", not from " + expected_host));
    }
    auto decoded = decode(*answer);
    if (!decoded) return (*shared)(failure(ExchangeFailure::Kind::malformed, decoded.error().message));
    (*shared)(ExchangeResult<Answer>(std::move(*decoded)));
  };
  auto sent = send_request(std::move(request), timeout, std::move(on_answer));
  if (!sent) (*shared)(failure(ExchangeFailure::Kind::unreachable, sent.error().message));
}

// Blocking form of exchange() for callers on their own thread (an admin API call), never a freeDiameter thread.
template <typename Answer, typename Decode>
ExchangeResult<Answer> exchange_and_wait(Message request, std::chrono::milliseconds timeout,
                                         const std::string& expected_host, const char* name, Decode decode) {
  auto outcome = std::make_shared<std::promise<ExchangeResult<Answer>>>();
  auto ready = outcome->get_future();
  exchange<Answer>(std::move(request), timeout, expected_host, name, std::move(decode),
                   [outcome](ExchangeResult<Answer> result) { outcome->set_value(std::move(result)); });
  return ready.get();
}

// Server side. The handler owns the request; it answers with Message::answer_to(std::move(request)) and
// send_answer(), now or later. Handlers run on freeDiameter's AppServThreads.
using RequestHandler = std::function<void(Message request)>;

Result<void> register_handler(dict_object* application, dict_object* command, RequestHandler handler);
// Advertises the application in capabilities exchange (Vendor-Specific-Application-Id when vendor is given).
Result<void> advertise_application(dict_object* application, dict_object* vendor);
// An answer longer than a Diameter length field counts (16,777,215 octets) is not sent: the peer gets
// DIAMETER_UNABLE_TO_COMPLY instead, and the error says so. send_request refuses such a request the same way.
Result<void> send_answer(Message answer);

// The setup of a plain S6a node (the tools and test clients): simbind's dictionary with default binding codes,
// and S6a advertised in capabilities exchange.
Result<void> setup_s6a_node();

}  // namespace simbind::diameter
