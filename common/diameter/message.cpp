#include "common/diameter/message.h"

#include <cstdlib>
#include <iostream>

#include "common/diameter/avp_codes.h"
#include "common/diameter/dictionary.h"
#include "common/diameter/fd.h"

namespace simbind::diameter {
namespace {

[[noreturn]] void invariant_failed(const std::string& what) {
  std::cerr << "fatal: Diameter message building: " << what << "\n";
  std::abort();
}

void must(int rc, const char* what) {
  if (rc != 0) invariant_failed(std::string(what) + " failed (" + std::to_string(rc) + ")");
}

struct avp_hdr* header(struct avp* a) {
  struct avp_hdr* h = nullptr;
  must(fd_msg_avp_hdr(a, &h), "fd_msg_avp_hdr");
  return h;
}

}  // namespace

// ----- building -----------------------------------------------------------------------------------------------

struct avp* AvpContainer::new_avp(std::uint32_t vendor, std::uint32_t code) {
  dict_object* model = dictionary().avp(vendor, code);
  if (model == nullptr) {
    invariant_failed("no dictionary model for AVP " + std::to_string(code) + " vendor " + std::to_string(vendor));
  }
  struct avp* a = nullptr;
  must(fd_msg_avp_new(model, 0, &a), "fd_msg_avp_new");
  return a;
}

void AvpContainer::attach(struct avp* a) { must(fd_msg_avp_add(object_, MSG_BRW_LAST_CHILD, a), "fd_msg_avp_add"); }

AvpContainer& AvpContainer::add_value(std::uint32_t vendor, std::uint32_t code, const union avp_value& value) {
  struct avp* a = new_avp(vendor, code);
  must(fd_msg_avp_setvalue(a, const_cast<union avp_value*>(&value)), "fd_msg_avp_setvalue");
  attach(a);
  return *this;
}

AvpContainer& AvpContainer::add_u32(std::uint32_t vendor, std::uint32_t code, std::uint32_t value) {
  union avp_value v{};
  v.u32 = value;
  return add_value(vendor, code, v);
}

AvpContainer& AvpContainer::add_i32(std::uint32_t vendor, std::uint32_t code, std::int32_t value) {
  union avp_value v{};
  v.i32 = value;
  return add_value(vendor, code, v);
}

AvpContainer& AvpContainer::add_octets(std::uint32_t vendor, std::uint32_t code, ByteView value) {
  union avp_value v{};
  static std::uint8_t empty = 0;
  v.os.data = value.empty() ? &empty : const_cast<std::uint8_t*>(value.data());  // freeDiameter copies it
  v.os.len = value.size();
  return add_value(vendor, code, v);
}

AvpContainer& AvpContainer::add_string(std::uint32_t vendor, std::uint32_t code, std::string_view value) {
  return add_octets(vendor, code, ByteView(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
}

AvpContainer AvpContainer::add_group(std::uint32_t vendor, std::uint32_t code) {
  struct avp* a = new_avp(vendor, code);
  attach(a);
  return AvpContainer(a);
}

// ----- reading ------------------------------------------------------------------------------------------------

std::uint32_t AvpRef::code() const { return header(avp_)->avp_code; }
std::uint32_t AvpRef::vendor() const {
  const auto* h = header(avp_);
  return (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0;
}
bool AvpRef::mandatory() const { return (header(avp_)->avp_flags & AVP_FLAG_MANDATORY) != 0; }

std::optional<std::uint32_t> AvpRef::u32() const {
  const auto* h = header(avp_);
  if (!h->avp_value) return std::nullopt;
  return h->avp_value->u32;
}
std::optional<std::int32_t> AvpRef::i32() const {
  const auto* h = header(avp_);
  if (!h->avp_value) return std::nullopt;
  return h->avp_value->i32;
}
std::optional<ByteView> AvpRef::octets() const {
  const auto* h = header(avp_);
  if (!h->avp_value) return std::nullopt;
  return ByteView(h->avp_value->os.data, h->avp_value->os.len);
}
std::optional<std::string> AvpRef::string() const {
  auto o = octets();
  if (!o) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(o->data()), o->size());
}

struct avp* AvpRef::first_child(void* msg_or_avp) {
  struct avp* child = nullptr;
  if (msg_or_avp == nullptr) return nullptr;
  if (fd_msg_browse_internal(msg_or_avp, MSG_BRW_FIRST_CHILD, reinterpret_cast<void**>(&child), nullptr) != 0) {
    return nullptr;
  }
  return child;
}

struct avp* AvpRef::next_sibling(struct avp* a) {
  struct avp* next = nullptr;
  if (fd_msg_browse_internal(a, MSG_BRW_NEXT, reinterpret_cast<void**>(&next), nullptr) != 0) return nullptr;
  return next;
}

std::optional<AvpRef> AvpRef::child(std::uint32_t vendor_id, std::uint32_t avp_code) const {
  for (struct avp* a = first_child(avp_); a != nullptr; a = next_sibling(a)) {
    const AvpRef ref(a);
    if (ref.code() == avp_code && ref.vendor() == vendor_id) return ref;
  }
  return std::nullopt;
}

// ----- messages -----------------------------------------------------------------------------------------------

Message Message::adopt(struct msg* m) { return Message(m); }

Message Message::new_request(dict_object* command, std::string_view destination_realm,
                             std::string_view session_prefix) {
  struct msg* m = nullptr;
  must(fd_msg_new(command, MSGFL_ALLOC_ETEID, &m), "fd_msg_new");
  Message out(m);
  must(fd_msg_new_session(m, reinterpret_cast<os0_t>(const_cast<char*>(session_prefix.data())), session_prefix.size()),
       "fd_msg_new_session");
  out.add_u32(0, avp::auth_session_state, 1);  // NO_STATE_MAINTAINED
  must(fd_msg_add_origin(m, 0), "fd_msg_add_origin");
  out.add_string(0, avp::destination_realm, destination_realm);
  return out;
}

Message Message::answer_to(Message&& request) {
  struct msg* m = request.release();
  must(fd_msg_new_answer_from_req(fd_g_config->cnf_dict, &m, 0), "fd_msg_new_answer_from_req");
  Message out(m);
  // Every S6a answer (TS 29.272 7.2: AIA, ULA, CLA, IDA, PUA, NOA, ...) and every Bp answer carries
  // { Auth-Session-State }; a stock peer drops an answer without it (DIAMETER_MISSING_AVP).
  out.add_u32(0, avp::auth_session_state, 1);  // NO_STATE_MAINTAINED
  must(fd_msg_add_origin(m, 0), "fd_msg_add_origin");
  return out;
}

Message::~Message() { reset(); }

Message::Message(Message&& other) noexcept : AvpContainer(other.object_) {
  is_message_ = true;
  other.object_ = nullptr;
}

Message& Message::operator=(Message&& other) noexcept {
  if (this != &other) {
    reset();
    object_ = other.object_;
    other.object_ = nullptr;
  }
  return *this;
}

void Message::reset() {
  if (object_ != nullptr) fd_msg_free(get());
  object_ = nullptr;
}

struct msg* Message::release() {
  struct msg* m = get();
  object_ = nullptr;
  return m;
}

std::uint32_t Message::command_code() const {
  struct msg_hdr* h = nullptr;
  must(fd_msg_hdr(get(), &h), "fd_msg_hdr");
  return h->msg_code;
}

std::uint32_t Message::application_id() const {
  struct msg_hdr* h = nullptr;
  must(fd_msg_hdr(get(), &h), "fd_msg_hdr");
  return h->msg_appl;
}

bool Message::is_request() const {
  struct msg_hdr* h = nullptr;
  must(fd_msg_hdr(get(), &h), "fd_msg_hdr");
  return (h->msg_flags & CMD_FLAG_REQUEST) != 0;
}

std::optional<AvpRef> Message::find(std::uint32_t vendor_id, std::uint32_t code) const {
  for (struct avp* a = AvpRef::first_child(object_); a != nullptr; a = AvpRef::next_sibling(a)) {
    const AvpRef ref(a);
    if (ref.code() == code && ref.vendor() == vendor_id) return ref;
  }
  return std::nullopt;
}

std::string Message::session_id() const {
  auto a = find(0, avp::session_id);
  return a ? a->string().value_or("") : "";
}

std::string Message::origin_host() const {
  auto a = find(0, avp::origin_host);
  return a ? a->string().value_or("") : "";
}

void Message::set_result_code(std::uint32_t code) { add_u32(0, avp::result_code, code); }

void Message::set_experimental_result(std::uint32_t code) {
  add_group(0, avp::experimental_result)
      .add_u32(0, avp::vendor_id, kVendor3gpp)
      .add_u32(0, avp::experimental_result_code, code);
}

std::optional<Message::Outcome> Message::outcome() const {
  if (auto rc = find(0, avp::result_code)) {
    if (auto v = rc->u32()) return Outcome{*v, false};
  }
  if (auto er = find(0, avp::experimental_result)) {
    if (auto code = er->child(0, avp::experimental_result_code)) {
      if (auto v = code->u32()) return Outcome{*v, true};
    }
  }
  return std::nullopt;
}

}  // namespace simbind::diameter
