// RAII ownership of a freeDiameter message and typed AVP access. The codecs in common/diameter are the only
// code that touches `struct msg` / `struct avp` directly.
//
// Error policy: adding an AVP fails only if the dictionary lacks its model (define_dictionary checks every
// model the encoders use at start-up) or memory runs out; both are invariant violations and abort with a message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/util/bytes.h"
#include "common/util/error.h"

struct msg;
struct avp;
union avp_value;
struct dict_object;

namespace simbind::diameter {

// A parent to add AVPs to: a message or a grouped AVP.
class AvpContainer {
 public:
  AvpContainer& add_u32(std::uint32_t vendor, std::uint32_t code, std::uint32_t value);
  AvpContainer& add_i32(std::uint32_t vendor, std::uint32_t code, std::int32_t value);
  AvpContainer& add_octets(std::uint32_t vendor, std::uint32_t code, ByteView value);
  AvpContainer& add_string(std::uint32_t vendor, std::uint32_t code, std::string_view value);
  // Adds an empty grouped AVP and returns it, to add children to.
  AvpContainer add_group(std::uint32_t vendor, std::uint32_t code);

 protected:
  explicit AvpContainer(void* object) : object_(object) {}
  struct avp* new_avp(std::uint32_t vendor, std::uint32_t code);
  AvpContainer& add_value(std::uint32_t vendor, std::uint32_t code, const union avp_value& value);
  void attach(struct avp* a);
  void* object_;       // struct msg* or struct avp*
  bool is_message_ = false;
};

// A read-only view of one received AVP, valid while its message lives.
class AvpRef {
 public:
  explicit AvpRef(struct avp* a) : avp_(a) {}

  std::uint32_t code() const;
  std::uint32_t vendor() const;  // 0 when the V bit is clear
  bool mandatory() const;

  // Typed values; nullopt when the AVP carries no parsed value (grouped, or unknown to the dictionary).
  std::optional<std::uint32_t> u32() const;
  std::optional<std::int32_t> i32() const;
  std::optional<ByteView> octets() const;
  std::optional<std::string> string() const;

  // Children of a grouped AVP, in order.
  template <typename F>
  void for_each_child(F&& f) const {
    for (struct avp* a = first_child(avp_); a != nullptr; a = next_sibling(a)) f(AvpRef(a));
  }
  std::optional<AvpRef> child(std::uint32_t vendor, std::uint32_t code) const;

  struct avp* raw() const { return avp_; }

  static struct avp* first_child(void* msg_or_avp);
  static struct avp* next_sibling(struct avp* a);

 private:
  struct avp* avp_;
};

class Message : public AvpContainer {
 public:
  Message() : AvpContainer(nullptr) { is_message_ = true; }
  // Takes ownership of a message handed over by freeDiameter (a request in a handler, an answer in a callback).
  static Message adopt(struct msg* m);
  // A new request of the given command model with Session-Id (prefixed), Origin-Host/Realm, Destination-Realm
  // and Auth-Session-State = NO_STATE_MAINTAINED (TS 29.272 7.2).
  static Message new_request(dict_object* command, std::string_view destination_realm, std::string_view session_prefix);
  // The answer to this request, carrying Session-Id, Auth-Session-State (NO_STATE_MAINTAINED), Origin-Host and
  // Origin-Realm. freeDiameter links the request to its answer, so the request is consumed.
  static Message answer_to(Message&& request);

  ~Message();
  Message(Message&& other) noexcept;
  Message& operator=(Message&& other) noexcept;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  explicit operator bool() const { return object_ != nullptr; }
  struct msg* get() const { return static_cast<struct msg*>(object_); }
  struct msg* release();  // ownership leaves (to fd_msg_send)

  std::uint32_t command_code() const;
  std::uint32_t application_id() const;
  bool is_request() const;
  std::string session_id() const;
  std::string origin_host() const;

  std::optional<AvpRef> find(std::uint32_t vendor, std::uint32_t code) const;
  template <typename F>
  void for_each_avp(F&& f) const {
    for (struct avp* a = AvpRef::first_child(object_); a != nullptr; a = AvpRef::next_sibling(a)) f(AvpRef(a));
  }

  // Result-Code (RFC 6733), or Experimental-Result {Vendor-Id 10415, Experimental-Result-Code} (TS 29.272 7.4).
  void set_result_code(std::uint32_t code);
  void set_experimental_result(std::uint32_t code);
  // The answer's outcome: Result-Code, or Experimental-Result-Code with `experimental` set.
  struct Outcome {
    std::uint32_t code = 0;
    bool experimental = false;
    bool success() const { return !experimental && code >= 2000 && code < 3000; }
  };
  std::optional<Outcome> outcome() const;

 private:
  explicit Message(struct msg* m) : AvpContainer(m) { is_message_ = true; }
  void reset();
};

}  // namespace simbind::diameter
