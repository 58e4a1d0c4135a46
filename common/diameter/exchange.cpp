#include "common/diameter/exchange.h"

#include <ctime>
#include <future>
#include <list>
#include <mutex>
#include <memory>
#include <optional>
#include <string>

#include "common/diameter/avp_codes.h"
#include "common/diameter/command_abnf.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/fd.h"
#include "common/diameter/refusals.h"
#include "common/log/log.h"

namespace simbind::diameter {
namespace {

// freeDiameter calls back with a void*: the callback travels as a heap object, deleted by whichever of the
// answer or the expiry callback runs (freeDiameter runs exactly one of them).
const char* routing_result_name(std::uint32_t code) {
  switch (code) {
    case 3002: return "DIAMETER_UNABLE_TO_DELIVER";
    case 3003: return "DIAMETER_REALM_NOT_SERVED";
    case 3004: return "DIAMETER_TOO_BUSY";
    case 3005: return "DIAMETER_LOOP_DETECTED";
    default: return "a protocol error";
  }
}

// An error answer that our own stack made because the request could not be routed (the peer not connected yet, an
// unknown realm) is not the peer's answer: say so, instead of "an answer from ourselves, not from the peer".
std::optional<std::string> local_routing_failure(const Message& answer) {
  const std::string self(fd_g_config->cnf_diamid, fd_g_config->cnf_diamid_len);
  const auto outcome = answer.outcome();
  if (answer.origin_host() != self || !outcome || outcome->experimental || outcome->code < 3000 ||
      outcome->code >= 4000) {
    return std::nullopt;
  }
  std::string destination = "the destination";
  struct msg* request = nullptr;
  if (fd_msg_answ_getq(answer.get(), &request) == 0 && request != nullptr) {
    for (struct avp* a = AvpRef::first_child(request); a != nullptr; a = AvpRef::next_sibling(a)) {
      const AvpRef ref(a);
      if (ref.vendor() == 0 && ref.code() == avp::destination_host) destination = ref.string().value_or(destination);
      if (ref.vendor() == 0 && ref.code() == avp::destination_realm && destination == "the destination") {
        destination = "realm " + ref.string().value_or("?");
      }
    }
  }
  return "no route to " + destination + ": " + routing_result_name(outcome->code) + " (" +
         std::to_string(outcome->code) + ") from the local Diameter stack; is that peer connected?";
}

void on_answer(void* data, struct msg** answer) {
  std::unique_ptr<AnswerCallback> done(static_cast<AnswerCallback*>(data));
  Message m = Message::adopt(*answer);  // freeing the answer frees the request linked to it
  *answer = nullptr;
  if (auto failure = local_routing_failure(m)) return (*done)(fail(ErrorCode::io_error, *failure));
  (*done)(std::move(m));
}

void on_expiry(void* data, DiamId_t sent_to, size_t sent_to_len, struct msg** request) {
  std::unique_ptr<AnswerCallback> done(static_cast<AnswerCallback*>(data));
  const std::string peer = sent_to ? std::string(sent_to, sent_to_len) : "no peer";
  fd_msg_free(*request);
  *request = nullptr;
  (*done)(fail(ErrorCode::timeout, "no answer from " + peer + " in time"));
}

}  // namespace

bool fail_pending_request(struct msg* answer, const std::string& why) {
  struct msg* request = nullptr;
  if (answer == nullptr || fd_msg_answ_getq(answer, &request) != 0 || request == nullptr) return false;
  void (*anscb)(void*, struct msg**) = nullptr;
  void (*expirecb)(void*, DiamId_t, size_t, struct msg**) = nullptr;
  void* data = nullptr;
  if (fd_msg_anscb_get(request, &anscb, &expirecb, &data) != 0 || anscb != on_answer || data == nullptr) return false;
  fd_msg_anscb_reset(request, 1, 1);  // the callback runs here, once, and never from freeDiameter
  std::unique_ptr<AnswerCallback> done(static_cast<AnswerCallback*>(data));
  (*done)(fail(ErrorCode::io_error, why));
  return true;
}

namespace {

// The peer a request came from is the connection's: freeDiameter records it on receipt (fd_msg_source_get), from
// the identity that peer proved in capabilities exchange (and TLS, when on). Origin-Host is whatever the sender
// wrote. simbind's nodes peer directly, with no relay agent between them (docs/DIAMETER.md), so the two must be the
// same: otherwise one configured MME could speak for another (purge its UE, become a CLR target in its name) or an
// MME for simbind-prov. Such a request is answered DIAMETER_UNABLE_TO_COMPLY and never reaches a handler.
std::optional<std::string> spoofed_origin(const Message& request) {
  DiamId_t source = nullptr;
  size_t length = 0;
  if (fd_msg_source_get(request.get(), &source, &length) != 0 || source == nullptr) return std::nullopt;  // local
  const std::string peer(source, length);
  const std::string origin = request.origin_host();
  if (fd_os_almostcasesrch(peer.data(), peer.size(), origin.data(), origin.size(), nullptr) == 0) return std::nullopt;
  return peer;
}

int dispatch(struct msg** m, struct avp*, struct session*, void* opaque, enum disp_action* action) {
  auto* handler = static_cast<RequestHandler*>(opaque);
  Message request = Message::adopt(*m);
  *m = nullptr;  // the handler owns it now and answers when ready
  *action = DISP_ACT_CONT;
  if (auto peer = spoofed_origin(request)) {
    if (const auto note = note_refusal(Refusal::spoofed_origin)) {
      log::warn("diameter: refused {} from peer {}: its Origin-Host {} names another node; answered "
                "DIAMETER_UNABLE_TO_COMPLY{}", command_name(request.get()), *peer, request.origin_host(), *note);
    }
    Message answer = Message::answer_to(std::move(request));
    fd_msg_rescode_set(answer.get(), const_cast<char*>("DIAMETER_UNABLE_TO_COMPLY"),
                       const_cast<char*>("Origin-Host is not the peer this request came from"), nullptr, 1);
    if (auto sent = send_answer(std::move(answer)); !sent) log::warn("diameter: {}", sent.error().message);
    return 0;
  }
  (*handler)(std::move(request));
  return 0;
}

}  // namespace

Result<void> fits_on_the_wire(struct msg* m) {
  // RFC 6733 3 and 4.1: the message and each AVP carry a 24-bit length. freeDiameter writes the low 24 bits of a
  // longer one without a word (its bufferize_msg/bufferize_avp), so check here. An AVP is never longer than its
  // message, so one check covers both.
  constexpr std::uint32_t kMaxLength = 0xFFFFFF;
  struct msg_hdr* h = nullptr;
  if (fd_msg_update_length(m) != 0 || fd_msg_hdr(m, &h) != 0) {
    return fail(ErrorCode::invalid_argument, "freeDiameter could not compute the message length");
  }
  if (h->msg_length > kMaxLength) {
    return fail(ErrorCode::invalid_argument, "the message is " + std::to_string(h->msg_length) +
                                                 " octets, more than a Diameter length field counts (16,777,215)");
  }
  return {};
}

Result<void> send_request(Message request, std::chrono::milliseconds timeout, AnswerCallback done) {
  struct timespec deadline{};
  clock_gettime(CLOCK_REALTIME, &deadline);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count() + deadline.tv_nsec;
  deadline.tv_sec += static_cast<time_t>(ns / 1'000'000'000);
  deadline.tv_nsec = static_cast<long>(ns % 1'000'000'000);

  if (auto fits = fits_on_the_wire(request.get()); !fits) {
    return fail(ErrorCode::invalid_argument, "request not sent: " + fits.error().message);
  }
  auto* callback = new AnswerCallback(std::move(done));
  struct msg* m = request.release();
  const int rc = fd_msg_send_timeout(&m, on_answer, callback, on_expiry, &deadline);
  if (rc != 0) {
    delete callback;
    if (m) fd_msg_free(m);
    return fail(ErrorCode::io_error, "freeDiameter could not send the request (" + std::to_string(rc) + ")");
  }
  return {};
}

Result<Message> send_and_wait(Message request, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<Result<Message>>>();
  auto future = promise->get_future();
  auto sent = send_request(std::move(request), timeout,
                           [promise](Result<Message> answer) { promise->set_value(std::move(answer)); });
  if (!sent) return std::unexpected(sent.error());
  return future.get();
}

Result<void> register_handler(dict_object* application, dict_object* command, RequestHandler handler) {
  struct disp_when when{};
  when.app = application;
  when.command = command;
  // freeDiameter keeps the pointer for the stack's lifetime, which is the process's (one stack per process, never
  // restarted): the handlers live in a list that is never destroyed. A list keeps each element where it is, and
  // being reachable from a global, they are not reported as leaks at exit.
  static std::mutex mutex;
  static auto* handlers = new std::list<RequestHandler>();
  RequestHandler* stored = nullptr;
  {
    std::lock_guard lock(mutex);
    stored = &handlers->emplace_back(std::move(handler));
  }
  if (fd_disp_register(dispatch, DISP_HOW_CC, &when, stored, nullptr) != 0) {
    return fail(ErrorCode::config_error, "cannot register a Diameter handler");
  }
  return {};
}

Result<void> advertise_application(dict_object* application, dict_object* vendor) {
  if (fd_disp_app_support(application, vendor, 1, 0) != 0) {
    return fail(ErrorCode::config_error, "cannot advertise a Diameter application");
  }
  return {};
}

Result<void> setup_s6a_node() {
  auto d = define_dictionary(BindingDictionaryConfig{});
  if (!d) return std::unexpected(d.error());
  return advertise_application(dictionary().s6a, dictionary().vendor_3gpp);
}

Result<void> send_answer(Message answer) {
  if (auto fits = fits_on_the_wire(answer.get()); !fits) {
    // The peer still gets an answer: DIAMETER_UNABLE_TO_COMPLY, made afresh from the request the answer belongs
    // to, instead of waiting for its timeout.
    struct msg* query = nullptr;
    struct msg* big = answer.release();
    if (fd_msg_answ_getq(big, &query) != 0 || query == nullptr || fd_msg_answ_detach(big) != 0) {
      fd_msg_free(big);
      return fail(ErrorCode::invalid_argument, "answer not sent: " + fits.error().message);
    }
    fd_msg_free(big);
    Message unable = Message::answer_to(Message::adopt(query));
    fd_msg_rescode_set(unable.get(), const_cast<char*>("DIAMETER_UNABLE_TO_COMPLY"),
                       const_cast<char*>("the answer would not fit a Diameter message"), nullptr, 1);
    if (auto sent = send_answer(std::move(unable)); !sent) return sent;
    return fail(ErrorCode::invalid_argument, "answered DIAMETER_UNABLE_TO_COMPLY in its place: " + fits.error().message);
  }
  struct msg* m = answer.release();
  if (const int rc = fd_msg_send(&m, nullptr, nullptr); rc != 0) {
    if (m) fd_msg_free(m);
    return fail(ErrorCode::io_error, "freeDiameter could not send the answer (" + std::to_string(rc) + ")");
  }
  return {};
}

}  // namespace simbind::diameter
