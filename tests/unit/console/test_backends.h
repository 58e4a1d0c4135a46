// The console's daemon stubs for its unit tests: simbind-hss at `hss_address`, every other daemon at an address
// nothing listens on (127.0.0.1:1), all without TLS.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "services/console/backends.h"

namespace simbind::test {

inline console::Backends backends_with_hss_at(const std::string& hss_address = "127.0.0.1:1") {
  console::Backends b;
  auto nothing = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
  b.hss = hss::v1::HssAdmin::NewStub(grpc::CreateChannel(hss_address, grpc::InsecureChannelCredentials()));
  b.ue = ue::v1::UeControl::NewStub(nothing);
  b.prov = prov::v1::ProvAdmin::NewStub(nothing);
  b.keydir = keydir::v1::KeyDirectory::NewStub(nothing);
  return b;
}

}  // namespace simbind::test
