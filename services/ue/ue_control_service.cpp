#include "services/ue/ue_control_service.h"

#include <condition_variable>
#include <mutex>

#include "common/util/hex.h"
#include "services/ue/load_run.h"
#include "services/ue/ue_config.h"

namespace simbind::ue {
namespace {

using grpc::StatusCode;
constexpr std::chrono::milliseconds kPoll{200};

grpc::Status to_status(const ControlError& e) {
  switch (e.code) {
    case ControlError::Code::not_found: return grpc::Status(StatusCode::NOT_FOUND, e.message);
    case ControlError::Code::invalid_argument: return grpc::Status(StatusCode::INVALID_ARGUMENT, e.message);
    case ControlError::Code::busy: return grpc::Status(StatusCode::FAILED_PRECONDITION, e.message);
    case ControlError::Code::already_exists: return grpc::Status(StatusCode::ALREADY_EXISTS, e.message);
    case ControlError::Code::internal: break;
  }
  return grpc::Status(StatusCode::INTERNAL, e.message);
}

grpc::Status gone() { return grpc::Status(StatusCode::UNAVAILABLE, "simbind-ue is shutting down, or the call was cancelled"); }

// One answer from the event loop to a waiting gRPC thread.
template <typename T>
class Reply {
 public:
  void set(T v) {
    {
      std::lock_guard lock(mutex_);
      value_ = std::move(v);
    }
    ready_.notify_all();
  }
  // nullopt when the caller cancels or the daemon stops first.
  std::optional<T> wait(grpc::ServerContext* ctx, const std::atomic<bool>& stopping) {
    std::unique_lock lock(mutex_);
    while (!value_) {
      if (ready_.wait_for(lock, kPoll, [this] { return value_.has_value(); })) break;
      if (ctx->IsCancelled() || stopping) return std::nullopt;
    }
    return std::move(value_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::optional<T> value_;
};

// Runs `work(reply)` on the loop; `work` calls reply(value) once, at once or later (when a procedure ends).
template <typename T, typename Work>
std::optional<T> on_loop(UeTransport& loop, grpc::ServerContext* ctx, const std::atomic<bool>& stopping, Work work) {
  auto reply = std::make_shared<Reply<T>>();
  loop.post([reply, work = std::move(work)]() mutable { work([reply](T v) { reply->set(std::move(v)); }); });
  return reply->wait(ctx, stopping);
}

void fill(const UeView& v, v1::UeStatus* out) {
  out->set_imei(v.imei);
  out->set_imsi(v.imsi);
  out->set_software_version(v.software_version);
  out->set_key_scheme(v.key_scheme);
  out->set_public_key(v.public_key.data(), v.public_key.size());
  out->set_state(to_string(v.state));
  out->set_attached(v.state == EmmState::registered);
  out->set_registered_without_pdn(v.registered_without_pdn);
  out->set_pdn_type(v.pdn_type);
  if (!v.bearers.empty()) {
    out->set_ip(v.bearers.front().ip);
    out->set_ipv6_iid(v.bearers.front().ipv6_iid);
    out->set_apn(v.bearers.front().apn);
  }
  out->set_last_emm_cause(v.last_emm_cause);
  out->set_last_esm_cause(v.last_esm_cause);
  for (const auto& b : v.bearers) {
    auto* pb = out->add_bearers();
    pb->set_ebi(b.ebi);
    pb->set_apn(b.apn);
    pb->set_ip(b.ip);
    pb->set_ipv6_iid(b.ipv6_iid);
    pb->set_pdn_type(b.pdn_type);
    pb->set_esm_cause(b.esm_cause);
  }
  for (const auto& k : v.kmes) {
    auto* pk = out->add_kmes();
    pk->set_plmn(k.plmn);
    pk->set_kme_id(k.kme_id);
    pk->set_confirmed(k.confirmed);
  }
  const UeCounters& c = v.counters;
  auto* pc = out->mutable_counters();
  pc->set_attach_attempts(c.attach_attempts);
  pc->set_attach_successes(c.attach_successes);
  pc->set_attach_failures(c.attach_failures);
  pc->set_auth_challenges(c.auth_challenges);
  pc->set_auth_failures(c.auth_failures);
  pc->set_resyncs(c.resyncs);
  pc->set_detaches(c.detaches);
  pc->set_network_detaches(c.network_detaches);
  pc->set_bearer_requests(c.bearer_requests);
  pc->set_nas_discarded(c.nas_discarded);
  pc->set_status_sent(c.status_sent);
}

void fill(const AttachOutcome& o, v1::AttachResult* out) {
  out->set_success(o.success);
  out->set_registered_without_pdn(o.registered_without_pdn);
  out->set_emm_cause(o.emm_cause);
  out->set_esm_cause(o.esm_cause);
  out->set_ip(o.ip);
  out->set_ipv6_iid(o.ipv6_iid);
  out->set_pdn_type(o.pdn_type);
  out->set_apn(o.apn);
  out->set_latency_us(o.latency_us);
  out->set_pre_processed(o.pre_processed);
  if (o.rand_on_air) out->set_rand_on_air(to_hex(*o.rand_on_air));
  if (o.rand_used) out->set_rand_used(to_hex(*o.rand_used));
  out->set_kme_used(o.kme_id.has_value());
  if (o.kme_id) out->set_kme_id(to_uint(*o.kme_id));
  out->set_resyncs(o.resyncs);
  out->set_attempts(o.attempts);
  out->set_failure(o.failure);
  out->set_message(o.message.empty() && o.success ? "attached" : o.message);
}

grpc::Status missing(const char* field) {
  return grpc::Status(StatusCode::INVALID_ARGUMENT, std::string(field) + ": required");
}

}  // namespace

grpc::Status UeControlService::CreateUes(grpc::ServerContext* ctx, const v1::CreateUesRequest* req,
                                         v1::CreateUesResponse* resp) {
  const std::string name = req->source_name().empty() ? "profiles" : req->source_name();
  auto specs = parse_profiles(req->profiles_yaml(), name);
  if (!specs) return grpc::Status(StatusCode::INVALID_ARGUMENT, specs.error().message);
  // Device keys are generated here, on the caller's thread: RSA-2048 takes a while and the loop must not wait.
  std::vector<NewDevice> devices;
  devices.reserve(specs->size());
  for (const auto& spec : *specs) {
    auto d = build_device(spec);
    if (!d) return grpc::Status(StatusCode::INTERNAL, d.error().message);
    devices.push_back(std::move(*d));
  }
  std::vector<std::string> imsis;  // per device, "" without a UICC
  imsis.reserve(devices.size());
  for (const auto& d : devices) imsis.push_back(d.usim ? d.usim->imsi().str() : "");
  auto shared = std::make_shared<std::vector<NewDevice>>(std::move(devices));
  auto r = on_loop<ControlResult<std::vector<std::string>>>(
      loop_, ctx, stopping_, [this, shared](auto reply) { reply(fleet_.add(std::move(*shared))); });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  // UeFleet::add creates all the devices or none, and names them in the order given.
  const auto& imeis = **r;
  for (std::size_t i = 0; i < imeis.size(); ++i) {
    const std::string& imsi = i < imsis.size() ? imsis[i] : std::string();
    resp->add_imeis(imeis[i]);
    if (!imsi.empty()) resp->add_imsis(imsi);
    auto* ue = resp->add_ues();
    ue->set_imei(imeis[i]);
    ue->set_imsi(imsi);
  }
  return grpc::Status::OK;
}

grpc::Status UeControlService::ListUes(grpc::ServerContext* ctx, const v1::ListUesRequest* req,
                                       v1::ListUesResponse* resp) {
  struct Listing {
    std::vector<UeView> ues;
    std::size_t total = 0, registered = 0;
    bool connected = false;
    std::uint64_t unknown = 0;
    std::optional<ControlError> error;
  };
  const std::string imei = req->imei();
  auto r = on_loop<Listing>(loop_, ctx, stopping_, [this, imei](auto reply) {
    Listing l;
    if (imei.empty()) {
      l.ues = fleet_.list();
    } else if (auto v = fleet_.status(imei)) {
      l.ues.push_back(std::move(*v));
    } else {
      l.error = v.error();
    }
    l.total = fleet_.size();
    l.registered = fleet_.registered();
    l.connected = loop_.connected();
    l.unknown = fleet_.unknown_ue_frames();
    reply(std::move(l));
  });
  if (!r) return gone();
  if (r->error) return to_status(*r->error);
  for (const auto& v : r->ues) fill(v, resp->add_ues());
  resp->set_total(static_cast<std::uint32_t>(r->total));
  resp->set_registered(static_cast<std::uint32_t>(r->registered));
  resp->set_mme_connected(r->connected);
  resp->set_mme_address(loop_.peer());
  const TransportStats c = loop_.stats();
  auto* t = resp->mutable_transport();
  t->set_connects(c.connects);
  t->set_disconnects(c.disconnects);
  t->set_frames_in(c.frames_in);
  t->set_frames_out(c.frames_out);
  t->set_frames_dropped(c.frames_dropped);
  t->set_frames_for_unknown_ue(r->unknown);
  return grpc::Status::OK;
}

grpc::Status UeControlService::Status(grpc::ServerContext* ctx, const v1::StatusRequest* req, v1::UeStatus* resp) {
  if (req->imei().empty()) return missing("imei");
  const std::string imei = req->imei();
  auto r = on_loop<ControlResult<UeView>>(loop_, ctx, stopping_,
                                          [this, imei](auto reply) { reply(fleet_.status(imei)); });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  fill(**r, resp);
  return grpc::Status::OK;
}

grpc::Status UeControlService::MoveUicc(grpc::ServerContext* ctx, const v1::MoveUiccRequest* req, v1::UeStatus* resp) {
  if (req->imsi().empty()) return missing("imsi");
  if (req->to_imei().empty()) return missing("to_imei");
  const std::string imsi = req->imsi(), to = req->to_imei();
  auto r = on_loop<ControlResult<UeView>>(loop_, ctx, stopping_,
                                          [this, imsi, to](auto reply) { reply(fleet_.move_uicc(imsi, to)); });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  fill(**r, resp);
  return grpc::Status::OK;
}

grpc::Status UeControlService::SetKme(grpc::ServerContext* ctx, const v1::SetKmeRequest* req, v1::UeStatus* resp) {
  if (req->imei().empty()) return missing("imei");
  auto plmn = parse_plmn_digits(req->home_plmn());
  if (!plmn) return grpc::Status(StatusCode::INVALID_ARGUMENT, "home_plmn: " + plmn.error().message);
  auto kme = octets_from_hex<16>(req->kme());
  if (!kme) return grpc::Status(StatusCode::INVALID_ARGUMENT, "kme: " + kme.error().message);
  const std::string imei = req->imei();
  const KmeId id{req->kme_id()};
  const Plmn home = *plmn;
  const crypto::Kme key = *kme;
  auto r = on_loop<ControlResult<UeView>>(loop_, ctx, stopping_, [this, imei, home, id, key](auto reply) {
    reply(fleet_.set_kme(imei, home, id, key));
  });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  fill(**r, resp);
  return grpc::Status::OK;
}

grpc::Status UeControlService::FactoryReset(grpc::ServerContext* ctx, const v1::StatusRequest* req, v1::UeStatus* resp) {
  if (req->imei().empty()) return missing("imei");
  const std::string imei = req->imei();
  auto r = on_loop<ControlResult<UeView>>(loop_, ctx, stopping_,
                                          [this, imei](auto reply) { reply(fleet_.factory_reset(imei)); });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  fill(**r, resp);
  return grpc::Status::OK;
}

grpc::Status UeControlService::Attach(grpc::ServerContext* ctx, const v1::AttachRequest* req, v1::AttachResult* resp) {
  if (req->imei().empty()) return missing("imei");
  const std::string imei = req->imei();
  const std::optional<std::string> apn = req->apn().empty() ? std::nullopt : std::optional(req->apn());
  using Answer = ControlResult<AttachOutcome>;
  if (!req->wait()) {
    auto r = on_loop<ControlResult<void>>(loop_, ctx, stopping_, [this, imei, apn](auto reply) {
      reply(fleet_.attach(imei, apn, nullptr));
    });
    if (!r) return gone();
    if (!*r) return to_status(r->error());
    resp->set_started_only(true);
    resp->set_message("attach started");
    return grpc::Status::OK;
  }
  auto r = on_loop<Answer>(loop_, ctx, stopping_, [this, imei, apn](auto reply) {
    auto started = fleet_.attach(imei, apn, [reply](const AttachOutcome& o) { reply(o); });
    if (!started) reply(std::unexpected(started.error()));
  });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  fill(**r, resp);
  return grpc::Status::OK;
}

grpc::Status UeControlService::Detach(grpc::ServerContext* ctx, const v1::DetachRequest* req, v1::DetachResult* resp) {
  if (req->imei().empty()) return missing("imei");
  const std::string imei = req->imei();
  auto r = on_loop<ControlResult<DetachOutcome>>(loop_, ctx, stopping_, [this, imei](auto reply) {
    auto started = fleet_.detach(imei, [reply](const DetachOutcome& o) { reply(o); });
    if (!started) reply(std::unexpected(started.error()));
  });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  resp->set_success((*r)->success);
  resp->set_local((*r)->local);
  resp->set_message((*r)->message);
  return grpc::Status::OK;
}

grpc::Status UeControlService::RequestBearer(grpc::ServerContext* ctx, const v1::BearerRequest* req,
                                             v1::BearerResult* resp) {
  if (req->imei().empty()) return missing("imei");
  if (req->apn().empty()) return missing("apn");
  const std::string imei = req->imei(), apn = req->apn();
  auto r = on_loop<ControlResult<BearerOutcome>>(loop_, ctx, stopping_, [this, imei, apn](auto reply) {
    auto started = fleet_.request_bearer(imei, apn, [reply](const BearerOutcome& o) { reply(o); });
    if (!started) reply(std::unexpected(started.error()));
  });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  const BearerOutcome& o = **r;
  resp->set_success(o.success);
  resp->set_esm_cause(o.esm_cause);
  resp->set_ebi(o.ebi);
  resp->set_ip(o.ip);
  resp->set_ipv6_iid(o.ipv6_iid);
  resp->set_pdn_type(o.pdn_type);
  resp->set_apn(o.apn);
  resp->set_message(o.message);
  return grpc::Status::OK;
}

grpc::Status UeControlService::StreamEvents(grpc::ServerContext* ctx, const v1::StreamEventsRequest* req,
                                            grpc::ServerWriter<v1::Event>* writer) {
  std::string filter;  // empty: every UE
  if (!req->imei().empty()) {
    auto imei = Imei::create(req->imei());
    if (!imei) return grpc::Status(StatusCode::INVALID_ARGUMENT, "imei: " + imei.error().message);
    filter = imei->str();
  }
  // Subscribed before the UE is looked up, so that nothing between the two is lost.
  auto sub = events_.subscribe(filter);
  if (!filter.empty()) {
    auto known = on_loop<bool>(loop_, ctx, stopping_, [this, filter](auto reply) { reply(fleet_.contains(filter)); });
    if (!known || !*known) {
      events_.unsubscribe(sub);
      return known ? grpc::Status(StatusCode::NOT_FOUND, "no UE with IMEI " + filter) : gone();
    }
  }
  // The client learns at once that it is subscribed (WaitForInitialMetadata), not only with the first event.
  writer->SendInitialMetadata();
  while (!ctx->IsCancelled() && !stopping_) {
    auto e = sub->next(kPoll);
    if (!e) continue;
    v1::Event out;
    out.set_unix_ms(e->unix_us / 1000);
    out.set_unix_us(e->unix_us);
    out.set_imei(e->imei);
    out.set_imsi(e->imsi);
    out.set_kind(e->kind);
    out.set_text(e->text);
    if (!writer->Write(out)) break;
  }
  events_.unsubscribe(sub);
  return grpc::Status::OK;
}

void UeControlService::stop_loads() {
  for (const auto& w : loads_) {
    if (auto run = w.lock()) run->halt();
  }
  loads_.clear();
}

grpc::Status UeControlService::RunLoad(grpc::ServerContext* ctx, const v1::LoadRequest* req,
                                       grpc::ServerWriter<v1::LoadUpdate>* writer) {
  LoadSpec spec;
  spec.count = req->count();
  spec.rate = req->rate();
  spec.first_n = req->first_n();
  spec.detach_after = req->detach_after();
  if (!req->apn().empty()) spec.apn = req->apn();
  auto r = on_loop<ControlResult<std::shared_ptr<LoadRun>>>(loop_, ctx, stopping_, [this, spec](auto reply) {
    // stop_loads() may have run already: a load that starts now would never be stopped.
    if (stopping_) return reply(refuse(ControlError::Code::internal, "simbind-ue is shutting down"));
    auto run = LoadRun::start(fleet_, loop_, spec);
    if (run) {
      std::erase_if(loads_, [](const std::weak_ptr<LoadRun>& w) { return w.expired(); });
      loads_.push_back(*run);
    }
    reply(std::move(run));
  });
  if (!r) return gone();
  if (!*r) return to_status(r->error());
  std::shared_ptr<LoadRun> run = **r;
  while (true) {
    if (ctx->IsCancelled() || stopping_) {
      run->stop();
      return gone();
    }
    const LoadSnapshot s = run->snapshot();
    v1::LoadUpdate update;
    if (s.finished) {
      auto* sum = update.mutable_summary();
      sum->set_count(s.count);
      sum->set_succeeded(s.succeeded);
      sum->set_failed(s.failed);
      sum->set_elapsed_s(s.elapsed_s);
      sum->set_attaches_per_second(s.attaches_per_second);
      sum->set_p50_ms(s.p50_ms);
      sum->set_p99_ms(s.p99_ms);
      for (const auto& [cause, n] : s.failures_by_cause) (*sum->mutable_failures_by_cause())[cause] = n;
      writer->Write(update);
      return grpc::Status::OK;
    }
    auto* p = update.mutable_progress();
    p->set_count(s.count);
    p->set_started(s.started);
    p->set_done(s.done);
    p->set_succeeded(s.succeeded);
    p->set_failed(s.failed);
    if (!writer->Write(update)) {
      run->stop();
      return gone();
    }
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace simbind::ue
