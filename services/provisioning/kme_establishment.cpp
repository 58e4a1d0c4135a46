#include "services/provisioning/kme_establishment.h"

#include <chrono>

#include "common/crypto/primitives.h"
#include "common/diameter/avp_codes.h"
#include "common/log/log.h"
#include "common/util/secure.h"

namespace simbind::prov {
namespace {

using diameter::KmeEstablishmentAnswer;
using diameter::KmeEstablishmentRequest;
using diameter::ResultCode;

KmeEstablishmentAnswer refused(std::uint32_t code) { return KmeEstablishmentAnswer{ResultCode::base(code), {}, {}, 0, 0}; }

// KME-Id: 32 random bits, never 0 (0 reads as "no KME" in the HSS's records and on the ME).
std::uint32_t random_kme_id() {
  std::uint32_t id = 0;
  while (id == 0) {
    const auto r = crypto::random_octets<4>();
    id = (std::uint32_t{r[0]} << 24) | (std::uint32_t{r[1]} << 16) | (std::uint32_t{r[2]} << 8) | r[3];
  }
  return id;
}

}  // namespace

KmeEstablishment::KmeEstablishment(DeviceKeyDirectory& directory, ByteView kek)
    : directory_(directory), kek_(kek.begin(), kek.end()) {}

KmeEstablishment::~KmeEstablishment() {
  drain();
  secure_wipe(kek_);
}

void KmeEstablishment::stop_accepting() {
  std::lock_guard lock(mutex_);
  draining_ = true;
}

void KmeEstablishment::drain() {
  std::unique_lock lock(mutex_);
  draining_ = true;
  idle_.wait(lock, [this] { return in_flight_ == 0; });
}

void KmeEstablishment::finished() {
  std::lock_guard lock(mutex_);
  if (--in_flight_ == 0) idle_.notify_all();
}

void KmeEstablishment::run(const KmeEstablishmentRequest& request, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (draining_) {
      log::info("KME-Establishment IMSI {} IMEI {}: 5012, shutting down", request.user_name, request.terminal.imei);
      done(refused(diameter::result::unable_to_comply));
      return;
    }
    ++in_flight_;
  }
  const auto asked = std::chrono::steady_clock::now();
  directory_.lookup(request.terminal.imei, [this, request, done = std::move(done), asked](Result<DeviceKey> key) {
    const auto latency_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - asked).count();
    const std::string& imsi = request.user_name;
    const std::string& imei = request.terminal.imei;
    if (!key && key.error().code == ErrorCode::not_found) {
      log::info("KME-Establishment IMSI {} IMEI {}: 5030 device unknown to the key directory (keydir {} ms)", imsi,
                imei, latency_ms);
      done(refused(diameter::bp_result::device_unknown));
    } else if (!key) {
      log::info("KME-Establishment IMSI {} IMEI {}: 5012 key directory failed: {} (keydir {} ms)", imsi, imei,
                key.error().message, latency_ms);
      done(refused(diameter::result::unable_to_comply));
    } else {
      std::uint32_t kme_id = 0;
      const KmeEstablishmentAnswer answer = establish(request, *key, kme_id);
      if (answer.result.success()) {
        log::info("KME-Establishment IMSI {} IMEI {}: KME-Id {} wrapped with {} (device key {}), keydir {} ms", imsi,
                  imei, kme_id, crypto::to_string(key->scheme), key->fingerprint, latency_ms);
      }
      done(answer);
    }
    finished();
  });
}

KmeEstablishmentAnswer KmeEstablishment::establish(const KmeEstablishmentRequest& request, const DeviceKey& key,
                                                   std::uint32_t& kme_id_out) const {
  auto kme = crypto::random_octets<16>();  // DESIGN 4: 128 random bits
  auto for_device = crypto::wrap_for_device(key.scheme, key.public_key, kme);
  auto for_hss = crypto::aes_key_wrap_pad(kek_, kme);
  secure_wipe(kme);
  if (!for_device) {
    log::info("KME-Establishment IMSI {} IMEI {}: 5012 cannot wrap for the device ({}): {}", request.user_name,
              request.terminal.imei, crypto::to_string(key.scheme), for_device.error().message);
    return refused(diameter::result::unable_to_comply);
  }
  if (!for_hss) {
    log::error("KME-Establishment IMSI {} IMEI {}: 5012 cannot wrap for the HSS: {}", request.user_name,
               request.terminal.imei, for_hss.error().message);
    return refused(diameter::result::unable_to_comply);
  }
  kme_id_out = random_kme_id();
  KmeEstablishmentAnswer answer;
  answer.result = ResultCode::ok();
  answer.wrapped_kme = std::move(*for_device);
  answer.hss_wrapped_kme = std::move(*for_hss);
  answer.kme_id = kme_id_out;
  answer.key_wrap_scheme = static_cast<std::uint32_t>(key.scheme);
  return answer;
}

}  // namespace simbind::prov
