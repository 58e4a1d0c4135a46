// The caller's identity from its certificate: CN and every OU of the subject.
#include "common/rpc/peer_identity.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/crypto/openssl_handles.h"

namespace simbind::rpc {
namespace {

using X509Ptr = std::unique_ptr<X509, crypto::OpenSslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, crypto::OpenSslDeleter<BIO_free>>;

// A self-signed P-256 certificate with the given subject entries, as PEM.
std::string certificate(const std::vector<std::pair<const char*, std::string>>& subject) {
  crypto::PkeyPtr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  X509Ptr cert{X509_new()};
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& [field, value] : subject) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                               static_cast<int>(value.size()), -1, 0);
  }
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  X509_sign(cert.get(), key.get(), EVP_sha256());
  BioPtr bio{BIO_new(BIO_s_mem())};
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
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
