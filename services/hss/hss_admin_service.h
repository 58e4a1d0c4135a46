// The gRPC admin API of simbind-hss (proto/hss_admin.proto) over the SubscriberStore.
#pragma once

#include <grpcpp/grpcpp.h>

#include "hss_admin.grpc.pb.h"
#include "services/hss/subscriber_store.h"

namespace simbind::hss {

// The most subscribers one ImportSubscribers call takes (about 1.5 MB of request, under gRPC's 4 MB default).
inline constexpr int kMaxImportBatch = 10000;

class HssAdminService final : public simbind::hss::v1::HssAdmin::Service {
 public:
  explicit HssAdminService(SubscriberStore& store) : store_(store) {}

  grpc::Status CreateSubscriber(grpc::ServerContext*, const v1::CreateSubscriberRequest*, v1::Subscriber*) override;
  grpc::Status GetSubscriber(grpc::ServerContext*, const v1::GetSubscriberRequest*, v1::Subscriber*) override;
  grpc::Status UpdateSubscriber(grpc::ServerContext*, const v1::UpdateSubscriberRequest*, v1::Subscriber*) override;
  grpc::Status DeleteSubscriber(grpc::ServerContext*, const v1::DeleteSubscriberRequest*,
                                v1::DeleteSubscriberResponse*) override;
  grpc::Status ListSubscribers(grpc::ServerContext*, const v1::ListSubscribersRequest*,
                               v1::ListSubscribersResponse*) override;
  grpc::Status ImportSubscribers(grpc::ServerContext*, const v1::ImportSubscribersRequest*,
                                 v1::ImportSubscribersResponse*) override;
  grpc::Status SetBindingPolicy(grpc::ServerContext*, const v1::SetBindingPolicyRequest*, v1::BindingStatus*) override;
  grpc::Status GetBindingStatus(grpc::ServerContext*, const v1::GetSubscriberRequest*, v1::BindingStatus*) override;
  grpc::Status AuthorizeDeviceChange(grpc::ServerContext*, const v1::AuthorizeDeviceChangeRequest*,
                                     v1::BindingStatus*) override;
  grpc::Status SetKme(grpc::ServerContext*, const v1::SetKmeRequest*, v1::BindingStatus*) override;
  grpc::Status ListAuditEvents(grpc::ServerContext*, const v1::ListAuditEventsRequest*,
                               v1::ListAuditEventsResponse*) override;

 private:
  SubscriberStore& store_;
};

}  // namespace simbind::hss
