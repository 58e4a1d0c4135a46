#include "services/console/lab_actions.h"

#include <openssl/rand.h>

#include "common/crypto/binding.h"
#include "common/crypto/primitives.h"
#include "common/log/log.h"
#include "common/util/hex.h"
#include "common/util/identifiers.h"
#include "common/util/secure.h"
#include "services/provisioning/factory_export.h"

namespace simbind::console {
namespace {

using nlohmann::json;
constexpr auto kShort = std::chrono::seconds(10);
constexpr auto kAttach = std::chrono::seconds(90);  // an attach with KME establishment and the re-attach

json refused(const std::string& message) { return json{{"ok", false}, {"message", message}}; }

// `digits` random decimal digits.
std::string random_digits(std::size_t digits) {
  std::string out;
  while (out.size() < digits) {
    unsigned char b = 0;
    RAND_bytes(&b, 1);
    if (b < 250) out.push_back(static_cast<char>('0' + b % 10));
  }
  return out;
}

keydir::v1::KeyScheme keydir_scheme(const std::string& scheme) {
  if (scheme == "ecies-b") return keydir::v1::ECIES_PROFILE_B;
  if (scheme == "rsa-2048") return keydir::v1::RSA_OAEP_SHA256;
  return keydir::v1::ECIES_PROFILE_A;
}

std::string field(const json& request, const char* name) {
  if (!request.contains(name) || !request[name].is_string()) return {};
  return request[name].get<std::string>();
}

}  // namespace

LabActions::LabActions(Backends& backends, std::string plmn, std::optional<crypto::MasterKey> transfer_key)
    : backends_(backends), plmn_(std::move(plmn)), transfer_key_(transfer_key) {}

LabActions::~LabActions() {
  if (transfer_key_) secure_wipe(*transfer_key_);
}

bool LabActions::known(const std::string& name) {
  for (const char* n : {"new-device", "attach", "detach", "move-uicc", "authorize-device", "factory-reset", "factory-kme"}) {
    if (name == n) return true;
  }
  return false;
}

json LabActions::run(const std::string& name, const json& r) {
  const auto need = [&](std::initializer_list<const char*> names) -> std::optional<std::string> {
    for (const char* n : names) {
      if (field(r, n).empty()) return "'" + std::string(n) + "' is required";
    }
    return std::nullopt;
  };
  std::optional<std::string> missing;
  if (name == "new-device") {
    const std::string binding = field(r, "binding").empty() ? "required" : field(r, "binding");
    const std::string scheme = field(r, "scheme").empty() ? "ecies-a" : field(r, "scheme");
    if (binding != "required" && binding != "off") return refused("binding: required or off, got '" + binding + "'");
    if (scheme != "ecies-a" && scheme != "ecies-b" && scheme != "rsa-2048") {
      return refused("scheme: ecies-a, ecies-b or rsa-2048, got '" + scheme + "'");
    }
    const bool with_uicc = !r.contains("with_uicc") || (r["with_uicc"].is_boolean() && r["with_uicc"].get<bool>());
    return new_device(binding, scheme, with_uicc);
  }
  if (name == "attach") return (missing = need({"imei"})) ? refused(*missing) : attach(field(r, "imei"));
  if (name == "detach") return (missing = need({"imei"})) ? refused(*missing) : detach(field(r, "imei"));
  if (name == "move-uicc") {
    return (missing = need({"imsi", "to_imei"})) ? refused(*missing) : move_uicc(field(r, "imsi"), field(r, "to_imei"));
  }
  if (name == "authorize-device") {
    return (missing = need({"imsi", "imei"})) ? refused(*missing) : authorize(field(r, "imsi"), field(r, "imei"));
  }
  if (name == "factory-reset") return (missing = need({"imei"})) ? refused(*missing) : factory_reset(field(r, "imei"));
  if (name == "factory-kme") {
    return (missing = need({"imsi", "imei"})) ? refused(*missing) : factory_kme(field(r, "imsi"), field(r, "imei"));
  }
  return refused("no action '" + name + "'");
}

json LabActions::new_device(const std::string& binding, const std::string& scheme, bool with_uicc) {
  // The subscriber first: an IMSI of the lab's PLMN that the HSS does not know yet.
  std::string imsi;
  std::string k, opc;
  if (with_uicc) {
    crypto::Key128 k_bytes = crypto::random_octets<16>(), opc_bytes = crypto::random_octets<16>();
    k = to_hex(k_bytes);
    opc = to_hex(opc_bytes);
    secure_wipe(k_bytes);
    secure_wipe(opc_bytes);
    grpc::Status status;
    for (int attempt = 0; attempt < 5; ++attempt) {
      imsi = plmn_ + "9" + random_digits(15 - plmn_.size() - 1);
      hss::v1::CreateSubscriberRequest request;
      request.set_imsi(imsi);
      request.mutable_keys()->set_k(k);
      request.mutable_keys()->set_opc(opc);
      request.set_binding_required(binding == "required");
      hss::v1::Subscriber created;
      status = backends_.hss->CreateSubscriber(call_context(kShort).get(), request, &created);
      secure_wipe(*request.mutable_keys()->mutable_k());
      secure_wipe(*request.mutable_keys()->mutable_opc());
      if (status.error_code() != grpc::StatusCode::ALREADY_EXISTS) break;
    }
    if (!status.ok()) {
      secure_wipe(k);
      secure_wipe(opc);
      return refused("simbind-hss CreateSubscriber: " + describe(status));
    }
  }
  // The device: simbind-ue makes its key pair; the factory's part is to register the public key in keydir.
  std::string imei;
  std::string yaml;
  grpc::Status status;
  ue::v1::CreateUesResponse created;
  for (int attempt = 0; attempt < 5; ++attempt) {
    imei = Imei::create("35693804" + random_digits(6))->str();
    yaml = "ues:\n  - imei: \"" + imei + "\"\n    key_scheme: " + scheme + "\n";
    if (with_uicc) yaml += "    uicc: {imsi: \"" + imsi + "\", k: " + k + ", opc: " + opc + "}\n";
    ue::v1::CreateUesRequest request;
    request.set_profiles_yaml(yaml);
    request.set_source_name("console");
    status = backends_.ue->CreateUes(call_context(kShort).get(), request, &created);
    secure_wipe(*request.mutable_profiles_yaml());
    secure_wipe(yaml);
    if (status.error_code() != grpc::StatusCode::ALREADY_EXISTS) break;  // else that IMEI was taken: another
  }
  secure_wipe(k);
  secure_wipe(opc);
  if (!status.ok()) {
    // No subscriber is left behind without the device that holds its UICC.
    std::string undone;
    if (with_uicc) {
      hss::v1::DeleteSubscriberRequest del;
      del.set_imsi(imsi);
      hss::v1::DeleteSubscriberResponse deleted;
      const grpc::Status d = backends_.hss->DeleteSubscriber(call_context(kShort).get(), del, &deleted);
      undone = d.ok() ? " (subscriber " + imsi + " deleted again)"
                      : " (subscriber " + imsi + " was created and could not be deleted: " + describe(d) + ")";
    }
    return refused("simbind-ue CreateUes: " + describe(status) + undone);
  }
  imei = created.imeis(0);
  ue::v1::StatusRequest sr;
  sr.set_imei(imei);
  ue::v1::UeStatus ue_status;
  status = backends_.ue->Status(call_context(kShort).get(), sr, &ue_status);
  if (!status.ok()) return refused("simbind-ue Status: " + describe(status));
  keydir::v1::RegisterDeviceRequest reg;
  reg.set_imei(imei);
  reg.set_scheme(keydir_scheme(scheme));
  reg.set_public_key(ue_status.public_key());
  keydir::v1::DeviceKey key;
  status = backends_.keydir->RegisterDevice(call_context(kShort).get(), reg, &key);
  if (!status.ok()) {
    return refused("simbind-keydir RegisterDevice of " + imei + ": " + describe(status) + " (the device is in simbind-ue" +
                   (with_uicc ? " with the UICC of " + imsi : std::string()) +
                   "; without its key in keydir it cannot get a KME over the air)");
  }
  log::info("console: new device IMEI {} ({}){}", imei, scheme,
            with_uicc ? " with the UICC of subscriber " + imsi + ", binding " + binding : std::string(" without a UICC"));
  return json{{"ok", true},
              {"message", with_uicc ? "subscriber " + imsi + " (binding " + binding + ") in device " + imei + " (" +
                                          scheme + ", key registered in keydir)"
                                    : "device " + imei + " (" + scheme + ", key registered in keydir), no UICC"},
              {"imsi", imsi},
              {"imei", imei},
              {"fingerprint", key.fingerprint()}};
}

json LabActions::attach(const std::string& imei) {
  ue::v1::AttachRequest request;
  request.set_imei(imei);
  request.set_wait(true);
  ue::v1::AttachResult r;
  const grpc::Status status = backends_.ue->Attach(call_context(kAttach).get(), request, &r);
  if (!status.ok()) return refused("simbind-ue Attach: " + describe(status));
  std::string message = r.message();
  if (message.empty()) message = r.success() ? "attached" : r.failure();
  return json{{"ok", r.success()},
              {"message", message},
              {"registered_without_pdn", r.registered_without_pdn()},
              {"emm_cause", r.emm_cause()},
              {"esm_cause", r.esm_cause()},
              {"pre_processed", r.pre_processed()},
              {"rand_on_air", r.rand_on_air()},
              {"rand_used", r.rand_used()},
              {"kme_id", r.kme_id()},
              {"ip", r.ip()}};
}

json LabActions::detach(const std::string& imei) {
  ue::v1::DetachRequest request;
  request.set_imei(imei);
  ue::v1::DetachResult r;
  const grpc::Status status = backends_.ue->Detach(call_context(std::chrono::seconds(60)).get(), request, &r);
  if (!status.ok()) return refused("simbind-ue Detach: " + describe(status));
  return json{{"ok", r.success()}, {"message", r.message()}, {"local", r.local()}};
}

json LabActions::move_uicc(const std::string& imsi, const std::string& to_imei) {
  ue::v1::MoveUiccRequest request;
  request.set_imsi(imsi);
  request.set_to_imei(to_imei);
  ue::v1::UeStatus r;
  const grpc::Status status = backends_.ue->MoveUicc(call_context(kShort).get(), request, &r);
  if (!status.ok()) return refused("simbind-ue MoveUicc: " + describe(status));
  return json{{"ok", true}, {"message", "the UICC of " + imsi + " is in device " + r.imei()}};
}

json LabActions::authorize(const std::string& imsi, const std::string& imei) {
  hss::v1::AuthorizeDeviceChangeRequest request;
  request.set_imsi(imsi);
  request.set_imei(imei);
  hss::v1::BindingStatus r;
  const grpc::Status status = backends_.hss->AuthorizeDeviceChange(call_context(kShort).get(), request, &r);
  if (!status.ok()) return refused("simbind-hss AuthorizeDeviceChange: " + describe(status));
  return json{{"ok", true}, {"message", "device " + r.authorized_imei() + " authorized as the next device of " + imsi}};
}

json LabActions::factory_reset(const std::string& imei) {
  ue::v1::StatusRequest request;
  request.set_imei(imei);
  ue::v1::UeStatus r;
  const grpc::Status status = backends_.ue->FactoryReset(call_context(kShort).get(), request, &r);
  if (!status.ok()) return refused("simbind-ue FactoryReset: " + describe(status));
  return json{{"ok", true}, {"message", "device " + imei + " reset: its KME store is empty"}};
}

json LabActions::factory_kme(const std::string& imsi, const std::string& imei_text) {
  if (!transfer_key_) return refused("no factory KMEs: the console has no lab.transfer_key_file");
  auto imei = Imei::create(imei_text);
  if (!imei) return refused("imei: " + imei.error().message);
  // What the factory does (simbind factory make --with-kme): a KME in the device and a sealed IMEI -> KME export;
  // then the back office imports the export and activates (IMSI, IMEI) at the HSS (Bp Binding-Activation).
  std::uint32_t kme_id = 0;
  while (kme_id == 0) kme_id = to_uint(crypto::generate_kme_id());
  crypto::Kme kme = crypto::generate_kme();
  std::string kme_hex = to_hex(kme);
  ue::v1::SetKmeRequest set;
  set.set_imei(imei->str());
  set.set_home_plmn(plmn_);
  set.set_kme_id(kme_id);
  set.set_kme(kme_hex);
  ue::v1::UeStatus ue_status;
  grpc::Status status = backends_.ue->SetKme(call_context(kShort).get(), set, &ue_status);
  secure_wipe(*set.mutable_kme());
  secure_wipe(kme_hex);
  if (!status.ok()) {
    secure_wipe(kme);
    return refused("simbind-ue SetKme: " + describe(status));
  }
  std::vector<prov::FactoryKme> entries{prov::FactoryKme{*imei, kme_id, kme}};
  secure_wipe(kme);
  prov::v1::ImportRequest import;
  const Bytes sealed = prov::seal_factory_export(*transfer_key_, entries);
  prov::wipe(entries);
  import.set_sealed_export(std::string(sealed.begin(), sealed.end()));
  prov::v1::ImportResponse imported;
  status = backends_.prov->ImportFactoryKmes(call_context(kShort).get(), import, &imported);
  if (!status.ok()) return refused("simbind-prov ImportFactoryKmes: " + describe(status));
  prov::v1::ActivateRequest activate;
  activate.set_imsi(imsi);
  activate.set_imei(imei->str());
  prov::v1::ActivateResponse activated;
  status = backends_.prov->Activate(call_context(kShort).get(), activate, &activated);
  if (!status.ok()) return refused("simbind-prov Activate: " + describe(status));
  const bool ok = activated.result_code() == 2001;
  return json{{"ok", ok},
              {"message", "factory KME-Id " + std::to_string(kme_id) + " in device " + imei->str() +
                              ", export imported into prov, activation answered " +
                              std::to_string(activated.result_code()) +
                              (activated.message().empty() ? std::string() : ": " + activated.message())},
              {"kme_id", kme_id},
              {"result_code", activated.result_code()}};
}

}  // namespace simbind::console
