#include "common/rpc/peer_identity.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/crypto/openssl_handles.h"

namespace simbind::rpc {
namespace {

using BioPtr = std::unique_ptr<BIO, crypto::OpenSslDeleter<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, crypto::OpenSslDeleter<X509_free>>;

// Every entry of `nid` in `name`, as UTF-8.
std::vector<std::string> entries(const X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i)) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0) continue;
    out.emplace_back(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
  }
  return out;
}

// The identities of the client certificates seen lately, by their PEM text. A profile of simbind-keydir under KME
// establishments (PERFORMANCE.md, issue 13 goal 3) put about a third of its CPU in libcrypto, for a lookup that is
// otherwise one SQLite read: OpenSSL 3 parses the certificate again on every call. The callers are a few daemons
// and operators calling again and again with the same certificate, and the identity depends on the PEM bytes alone
// (gRPC verified the chain before the call got here), so a cache by those bytes changes no decision. Bounded: when
// full it starts again.
class IdentityCache {
 public:
  Result<PeerIdentity> get(std::string_view pem) {
    std::string key(pem);
    {
      std::lock_guard lock(mutex_);
      if (auto it = by_pem_.find(key); it != by_pem_.end()) return it->second;
    }
    auto id = peer_identity_from_pem(pem);
    if (!id) return id;  // not cached: a failure says so each time
    std::lock_guard lock(mutex_);
    if (by_pem_.size() >= kMaxEntries) by_pem_.clear();
    by_pem_.insert_or_assign(std::move(key), *id);
    return id;
  }

 private:
  static constexpr std::size_t kMaxEntries = 256;
  std::mutex mutex_;
  std::unordered_map<std::string, PeerIdentity> by_pem_;
};

}  // namespace

bool PeerIdentity::has_role(std::string_view role) const {
  for (const auto& ou : organizational_units) {
    if (ou == role) return true;
  }
  return false;
}

std::string PeerIdentity::roles() const {
  if (organizational_units.empty()) return "no role";
  std::string out;
  for (const auto& ou : organizational_units) out += (out.empty() ? "" : ",") + ou;
  return out;
}

Result<PeerIdentity> peer_identity_from_pem(std::string_view pem) {
  BioPtr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  if (!bio) return crypto::openssl_failure("BIO_new_mem_buf");
  X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
  if (!cert) return crypto::openssl_failure("reading the peer certificate");
  const X509_NAME* subject = X509_get_subject_name(cert.get());
  if (subject == nullptr) return fail(ErrorCode::invalid_argument, "the peer certificate has no subject");
  PeerIdentity id;
  const auto cns = entries(subject, NID_commonName);
  if (!cns.empty()) id.common_name = cns.front();
  id.organizational_units = entries(subject, NID_organizationalUnitName);
  return id;
}

Result<PeerIdentity> peer_identity(const grpc::ServerContext& context) {
  const auto auth = context.auth_context();
  if (!auth) return fail(ErrorCode::invalid_argument, "the call has no authentication context");
  const auto pems = auth->FindPropertyValues("x509_pem_cert");
  if (pems.empty()) return fail(ErrorCode::invalid_argument, "the caller presented no client certificate");
  static IdentityCache cache;
  return cache.get(std::string_view(pems.front().data(), pems.front().size()));
}

}  // namespace simbind::rpc
