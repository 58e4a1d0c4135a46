// Self-signed certificates made in memory for tests that need one (a caller's identity, an HTTPS server): a P-256
// key, valid for an hour, with the subject entries given.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace simbind::test {

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;  // PKCS #8
};

TestCertificate self_signed_certificate(const std::vector<std::pair<const char*, std::string>>& subject);

}  // namespace simbind::test
