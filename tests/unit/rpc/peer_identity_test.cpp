// The caller's identity from its certificate: CN and every OU of the subject.
#include "common/rpc/peer_identity.h"

#include <gtest/gtest.h>

#include "tests/unit/support/test_certificate.h"

namespace simbind::rpc {
namespace {

// A self-signed certificate with the given subject entries, as PEM.
std::string certificate(const std::vector<std::pair<const char*, std::string>>& subject) {
  return test::self_signed_certificate(subject).cert_pem;
}

TEST(PeerIdentity, when_the_subject_has_cn_and_ou_then_both_are_read) {
  const auto id = peer_identity_from_pem(certificate({{"OU", "operator"}, {"CN", "prov.simbind.lab"}}));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->common_name, "prov.simbind.lab");
  EXPECT_TRUE(id->has_role("operator"));
  EXPECT_FALSE(id->has_role("manufacturer"));
  EXPECT_EQ(id->roles(), "operator");
}

TEST(PeerIdentity, when_the_subject_has_no_ou_or_several_then_roles_say_so) {
  const auto none = peer_identity_from_pem(certificate({{"O", "operator"}, {"CN", "x"}})).value();
  EXPECT_FALSE(none.has_role("operator")) << "only the OU carries the role, not O";
  EXPECT_EQ(none.roles(), "no role");

  const auto both =
      peer_identity_from_pem(certificate({{"OU", "manufacturer"}, {"OU", "operator"}, {"CN", "lab"}})).value();
  EXPECT_TRUE(both.has_role("manufacturer"));
  EXPECT_TRUE(both.has_role("operator"));
  EXPECT_EQ(both.roles(), "manufacturer,operator");
  EXPECT_FALSE(peer_identity_from_pem(certificate({{"OU", "Operator"}})).value().has_role("operator"))
      << "roles are compared exactly";
}

TEST(PeerIdentity, when_the_text_is_no_certificate_then_it_fails) {
  EXPECT_FALSE(peer_identity_from_pem("not a certificate"));
  EXPECT_FALSE(peer_identity_from_pem(""));
}

}  // namespace
}  // namespace simbind::rpc
