#include "tests/unit/support/test_certificate.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "common/crypto/openssl_handles.h"

namespace simbind::test {
namespace {

using X509Ptr = std::unique_ptr<X509, crypto::OpenSslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, crypto::OpenSslDeleter<BIO_free>>;

template <typename Write>
std::string pem(Write write) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  write(bio.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

TestCertificate self_signed_certificate(const std::vector<std::pair<const char*, std::string>>& subject) {
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
  return TestCertificate{pem([&](BIO* b) { PEM_write_bio_X509(b, cert.get()); }),
                         pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr); })};
}

}  // namespace simbind::test
