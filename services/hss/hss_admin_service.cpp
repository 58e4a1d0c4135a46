#include "services/hss/hss_admin_service.h"

#include <unordered_map>

#include "common/crypto/milenage.h"
#include "common/log/log.h"
#include "common/util/hex.h"
#include "services/hss/profile_proto.h"

namespace simbind::hss {
namespace {

using grpc::Status;
using grpc::StatusCode;

Status to_status(const Error& e) {
  switch (e.code) {
    case ErrorCode::not_found: return Status(StatusCode::NOT_FOUND, e.message);
    case ErrorCode::invalid_argument: return Status(StatusCode::INVALID_ARGUMENT, e.message);
    default: return Status(StatusCode::INTERNAL, e.message);
  }
}

// A list's page: 0 means 100; more than 10,000 is refused, so that one call cannot make the HSS build an answer of
// a million rows.
Result<std::size_t> list_limit(std::uint32_t limit) {
  constexpr std::uint32_t kMaxListLimit = 10'000;
  if (limit > kMaxListLimit) {
    return fail(ErrorCode::invalid_argument, "limit: " + std::to_string(limit) + " is above " +
                                                 std::to_string(kMaxListLimit));
  }
  return limit ? limit : 100;
}

Result<Imsi> imsi_of(const std::string& s) {
  auto imsi = Imsi::create(s);
  if (!imsi) return fail(ErrorCode::invalid_argument, "imsi: " + imsi.error().message);
  return imsi;
}

template <std::size_t N>
Result<Octets<N>> hex_field(const std::string& value, const char* field) {
  auto v = octets_from_hex<N>(value);
  if (!v) return fail(ErrorCode::invalid_argument, std::string(field) + ": " + v.error().message);
  return v;
}

// Fills K, OPc and AMF from the request; OP is turned into OPc here and never stored.
Result<void> apply_keys(const v1::SubscriberKeys& keys, Subscriber& s) {
  auto k = hex_field<16>(keys.k(), "keys.k");
  if (!k) return std::unexpected(k.error());
  s.k = *k;
  if (!keys.opc().empty() == !keys.op().empty()) {
    return fail(ErrorCode::invalid_argument, "keys: give exactly one of op and opc");
  }
  if (!keys.opc().empty()) {
    auto opc = hex_field<16>(keys.opc(), "keys.opc");
    if (!opc) return std::unexpected(opc.error());
    s.opc = *opc;
  } else {
    auto op = hex_field<16>(keys.op(), "keys.op");
    if (!op) return std::unexpected(op.error());
    s.opc = crypto::compute_opc(s.k, *op);
  }
  if (!keys.amf().empty()) {
    auto amf = hex_field<2>(keys.amf(), "keys.amf");
    if (!amf) return std::unexpected(amf.error());
    s.amf = static_cast<std::uint16_t>((*amf)[0] << 8 | (*amf)[1]);
  }
  return {};
}

void to_proto(const BindingRecord& b, const Imsi& imsi, v1::BindingStatus* out) {
  out->set_imsi(imsi.str());
  out->set_policy(b.policy == BindingPolicy::required ? v1::BINDING_POLICY_REQUIRED : v1::BINDING_POLICY_OFF);
  out->set_state(static_cast<v1::BindingState>(static_cast<int>(b.state)));
  out->set_has_kme(b.kme.has_value());
  out->set_kme_id(b.kme_id ? to_uint(*b.kme_id) : 0);
  out->set_bound_imei(b.bound_imei);
  out->set_authorized_imei(b.authorized_imei);
  out->set_failure_reports(b.failure_reports);
}

void to_proto(const Subscriber& s, v1::Subscriber* out) {
  out->set_imsi(s.imsi.str());
  out->set_amf(to_hex(Octets<2>{static_cast<std::uint8_t>(s.amf >> 8), static_cast<std::uint8_t>(s.amf)}));
  profile_to_proto(s.profile, out->mutable_profile());
  to_proto(s.binding, s.imsi, out->mutable_binding());
  out->set_mme_host(s.location.mme_host);
  out->set_last_imei(s.location.last_imei);
  out->set_purged(s.location.purged);
  out->set_sqn_reserved(s.sqn_reserved);
}

AuditEvent admin_event(const Imsi& imsi, const char* event, const std::string& reason, const std::string& imei = "") {
  return AuditEvent{0, 0, imsi.str(), event, "admin", reason, imei};
}

// Runs f(imsi) and on success answers with the binding status now stored.
template <typename F>
Status binding_call(SubscriberStore& store, const std::string& imsi_text, v1::BindingStatus* out, F&& f) {
  auto imsi = imsi_of(imsi_text);
  if (!imsi) return to_status(imsi.error());
  if (auto r = f(*imsi); !r) return to_status(r.error());
  auto s = store.get(*imsi);
  if (!s) return to_status(s.error());
  to_proto(s->binding, s->imsi, out);
  return Status::OK;
}

// A new subscriber as CreateSubscriber and ImportSubscribers describe it: keys, profile and binding policy.
Result<Subscriber> subscriber_from(const v1::CreateSubscriberRequest& req) {
  auto imsi = imsi_of(req.imsi());
  if (!imsi) return std::unexpected(imsi.error());
  Subscriber s{*imsi};
  if (auto r = apply_keys(req.keys(), s); !r) return std::unexpected(r.error());
  auto profile = profile_from_proto(req.profile());
  if (!profile) return std::unexpected(profile.error());
  s.profile = std::move(*profile);
  s.binding.policy = req.binding_required() ? BindingPolicy::required : BindingPolicy::off;
  return s;
}

}  // namespace

Status HssAdminService::CreateSubscriber(grpc::ServerContext*, const v1::CreateSubscriberRequest* req,
                                         v1::Subscriber* out) {
  auto s = subscriber_from(*req);
  if (!s) return to_status(s.error());
  if (auto r = store_.create(*s); !r) {
    if (r.error().code == ErrorCode::invalid_argument) return Status(StatusCode::ALREADY_EXISTS, r.error().message);
    return to_status(r.error());
  }
  log::info("admin: subscriber {} created (binding {})", s->imsi.str(), to_string(s->binding.policy));
  to_proto(*s, out);
  return Status::OK;
}

// Every entry is checked before anything is stored, so a bad one leaves the whole batch out; the new ones then go
// into the store in one transaction (one fsync per batch instead of one per subscriber).
Status HssAdminService::ImportSubscribers(grpc::ServerContext*, const v1::ImportSubscribersRequest* req,
                                          v1::ImportSubscribersResponse* out) {
  const int n = req->subscribers_size();
  if (n == 0 || n > kMaxImportBatch) {
    return Status(StatusCode::INVALID_ARGUMENT,
                  "subscribers: give 1.." + std::to_string(kMaxImportBatch) + ", got " + std::to_string(n));
  }
  std::vector<Subscriber> batch;
  batch.reserve(static_cast<std::size_t>(n));
  std::unordered_map<std::string, int> seen;
  for (int i = 0; i < n; ++i) {
    const std::string at = "subscribers[" + std::to_string(i) + "]: ";
    auto s = subscriber_from(req->subscribers(i));
    if (!s) return Status(StatusCode::INVALID_ARGUMENT, at + s.error().message);
    if (auto [it, fresh] = seen.emplace(s->imsi.str(), i); !fresh) {
      return Status(StatusCode::INVALID_ARGUMENT,
                    at + "IMSI " + it->first + " already appears in subscribers[" + std::to_string(it->second) + "]");
    }
    batch.push_back(std::move(*s));
  }
  auto created = store_.create_many(batch);
  if (!created) return to_status(created.error());
  std::uint32_t count = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if ((*created)[i]) {
      ++count;
    } else {
      out->add_existing(batch[i].imsi.str());
    }
  }
  out->set_created(count);
  log::info("admin: import of {} subscriber(s): {} created, {} already there", n, count, out->existing_size());
  return Status::OK;
}

Status HssAdminService::GetSubscriber(grpc::ServerContext*, const v1::GetSubscriberRequest* req, v1::Subscriber* out) {
  auto imsi = imsi_of(req->imsi());
  if (!imsi) return to_status(imsi.error());
  auto s = store_.get(*imsi);
  if (!s) return to_status(s.error());
  to_proto(*s, out);
  return Status::OK;
}

Status HssAdminService::UpdateSubscriber(grpc::ServerContext*, const v1::UpdateSubscriberRequest* req,
                                         v1::Subscriber* out) {
  auto imsi = imsi_of(req->imsi());
  if (!imsi) return to_status(imsi.error());
  auto s = store_.get(*imsi);
  if (!s) return to_status(s.error());
  if (!req->keys().k().empty()) {
    if (auto r = apply_keys(req->keys(), *s); !r) return to_status(r.error());
  }
  if (req->has_profile()) {
    auto profile = profile_from_proto(req->profile());
    if (!profile) return to_status(profile.error());
    s->profile = std::move(*profile);
  }
  if (auto r = store_.update(*s); !r) return to_status(r.error());
  log::info("admin: subscriber {} updated", s->imsi.str());
  to_proto(*s, out);
  return Status::OK;
}

Status HssAdminService::DeleteSubscriber(grpc::ServerContext*, const v1::DeleteSubscriberRequest* req,
                                         v1::DeleteSubscriberResponse*) {
  auto imsi = imsi_of(req->imsi());
  if (!imsi) return to_status(imsi.error());
  if (auto r = store_.remove(*imsi); !r) return to_status(r.error());
  log::info("admin: subscriber {} deleted", imsi->str());
  return Status::OK;
}

Status HssAdminService::ListSubscribers(grpc::ServerContext*, const v1::ListSubscribersRequest* req,
                                        v1::ListSubscribersResponse* out) {
  auto limit = list_limit(req->limit());
  if (!limit) return to_status(limit.error());
  auto list = store_.list(req->offset(), *limit);
  if (!list) return to_status(list.error());
  for (const auto& s : *list) to_proto(s, out->add_subscribers());
  auto total = store_.count();
  if (!total) return to_status(total.error());
  out->set_total(*total);
  return Status::OK;
}

Status HssAdminService::SetBindingPolicy(grpc::ServerContext*, const v1::SetBindingPolicyRequest* req,
                                         v1::BindingStatus* out) {
  return binding_call(store_, req->imsi(), out, [&](const Imsi& imsi) {
    const BindingPolicy policy =
        req->policy() == v1::BINDING_POLICY_REQUIRED ? BindingPolicy::required : BindingPolicy::off;
    return store_.set_binding_policy(imsi, policy,
                                     admin_event(imsi, "binding-policy", std::string("set to ") + to_string(policy)));
  });
}

Status HssAdminService::GetBindingStatus(grpc::ServerContext*, const v1::GetSubscriberRequest* req,
                                         v1::BindingStatus* out) {
  return binding_call(store_, req->imsi(), out, [](const Imsi&) { return Result<void>{}; });
}

Status HssAdminService::AuthorizeDeviceChange(grpc::ServerContext*, const v1::AuthorizeDeviceChangeRequest* req,
                                              v1::BindingStatus* out) {
  return binding_call(store_, req->imsi(), out, [&](const Imsi& imsi) -> Result<void> {
    auto imei = Imei::create(req->imei());
    if (!imei) return fail(ErrorCode::invalid_argument, "imei: " + imei.error().message);
    return store_.authorize_device(imsi, imei->str(),
                                   admin_event(imsi, "device-change-authorized", "next device " + imei->str(), imei->str()));
  });
}

Status HssAdminService::SetKme(grpc::ServerContext*, const v1::SetKmeRequest* req, v1::BindingStatus* out) {
  return binding_call(store_, req->imsi(), out, [&](const Imsi& imsi) -> Result<void> {
    auto kme = hex_field<16>(req->kme(), "kme");
    if (!kme) return std::unexpected(kme.error());
    std::string imei_text;
    if (!req->imei().empty()) {
      auto imei = Imei::create(req->imei());
      if (!imei) return fail(ErrorCode::invalid_argument, "imei: " + imei.error().message);
      imei_text = imei->str();
    }
    const KmeId id{req->kme_id()};
    auto r = store_.establish_binding(
        imsi, *kme, id, imei_text,
        AuditEvent{0, 0, imsi.str(), "kme-set", "established", "KME-Id " + std::to_string(to_uint(id)) + " set by admin",
                   imei_text});
    if (r) log::info("admin: KME-Id {} set for {}", to_uint(id), imsi.str());
    return r;
  });
}

Status HssAdminService::ListAuditEvents(grpc::ServerContext*, const v1::ListAuditEventsRequest* req,
                                        v1::ListAuditEventsResponse* out) {
  if (!req->imsi().empty()) {
    if (auto imsi = imsi_of(req->imsi()); !imsi) return to_status(imsi.error());
  }
  auto limit = list_limit(req->limit());
  if (!limit) return to_status(limit.error());
  if (req->after_id() < 0) return to_status(Error{ErrorCode::invalid_argument, "after_id: negative"});
  auto events = store_.audit_events(req->imsi(), *limit, req->after_id());
  if (!events) return to_status(events.error());
  for (const auto& e : *events) {
    auto* p = out->add_events();
    p->set_id(e.id);
    p->set_time_ms(e.time_us / 1000);
    p->set_time_us(e.time_us);
    p->set_imsi(e.imsi);
    p->set_event(e.event);
    p->set_decision(e.decision);
    p->set_reason(e.reason);
    p->set_imei(e.imei);
  }
  return Status::OK;
}

}  // namespace simbind::hss
