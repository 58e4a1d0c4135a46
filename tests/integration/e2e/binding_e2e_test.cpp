// DESIGN 3.3, 3.4 and 3.5 across all five daemons: simbind-keydir (mTLS, lab CA), simbind-prov (Bp), simbind-hss,
// simbind-mme and simbind-ue. The test plays the device factory: it registers each emulated device's public key
// in keydir with a manufacturer certificate; for scenario 1 it runs `simbind factory make` and drives prov's
// back office with `simbind prov`.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "common/util/hex.h"
#include "common/util/identifiers.h"
#include "keydir.grpc.pb.h"
#include "tests/integration/support/five_daemons.h"

namespace simbind::test {
namespace {

namespace uev1 = simbind::ue::v1;
namespace hssv1 = simbind::hss::v1;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string imei(const std::string& fourteen) { return Imei::create(fourteen)->str(); }

struct BindingEndToEndDaemons {
  // The back office with its admin API (scenario 1).
  static FiveDaemonOptions options() { return {}; }
};
class BindingEndToEnd : public FiveDaemonSuite<BindingEndToEndDaemons> {};

// Scenario 2, and then what a UICC moved into another device meets (DESIGN 3.5).
TEST_F(BindingEndToEnd, OverTheAirKmeThenPreProcessedReattachThenStolenUiccIsIllegalMe) {
  const auto sub = hss().create_subscriber("001010000002001", true);
  const std::string bound = five().make_device("35693803562001", &sub);
  EXPECT_EQ(hss().binding_status(sub.imsi).state(), hssv1::BindingState::BINDING_STATE_NONE);

  const auto first = ue().attach(bound);
  EXPECT_TRUE(first.registered_without_pdn()) << first.failure() << ": " << first.message();
  EXPECT_EQ(first.esm_cause(), 33u);
  const auto b = hss().binding_status(sub.imsi);
  EXPECT_EQ(b.state(), hssv1::BindingState::BINDING_STATE_ESTABLISHED);
  EXPECT_EQ(b.bound_imei(), bound);
  EXPECT_TRUE(b.has_kme());
  // The MME detaches with "re-attach required"; the UE attaches again, now with a pre-processed AV.
  ASSERT_TRUE(five().wait_attached_with_bearer(bound, std::chrono::seconds(30))) << ue().process().log();
  const auto s = ue().status(bound);
  ASSERT_EQ(s.kmes_size(), 1);
  EXPECT_EQ(s.kmes(0).kme_id(), b.kme_id());
  EXPECT_TRUE(s.kmes(0).confirmed()) << "a pre-processed AV under the new KME succeeded";
  EXPECT_TRUE(mme().process().wait_for_log("IMSI " + sub.imsi + ": pre-processed AV", std::chrono::seconds(2)));
  EXPECT_NE(hss().audit_text(sub.imsi).find("kme-established established first binding"), std::string::npos)
      << hss().audit_text(sub.imsi);

  // The UICC stolen into another (genuine, registered) device: no service, and the audit says why.
  ASSERT_TRUE(five().detach(bound).ok());
  const std::string thief = five().make_device("49015420322001", nullptr);
  ASSERT_TRUE(five().move_uicc(sub.imsi, thief).ok());
  const auto stolen = ue().attach(thief);
  EXPECT_FALSE(stolen.success());
  EXPECT_EQ(stolen.emm_cause(), 6u) << stolen.failure() << ": " << stolen.message();
  EXPECT_EQ(hss().binding_status(sub.imsi).bound_imei(), bound) << "the binding did not move";
  EXPECT_NE(hss().audit_text(sub.imsi).find("is not the bound device " + bound), std::string::npos)
      << hss().audit_text(sub.imsi);
}

TEST_F(BindingEndToEnd, DeviceWithoutThePrivateKeyOfItsImeiGetsNothing) {
  const auto sub = hss().create_subscriber("001010000002002", true);
  const std::string me = five().make_device("35693803562002", &sub, false);
  // keydir holds another device's key under this IMEI: the UE cannot unwrap, no Rsp, nothing stored.
  const std::string other = five().make_device("35693803562902", nullptr, false);
  ASSERT_TRUE(office().register_device(me, ue().status(other)).ok());
  const auto r = ue().attach(me);
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.emm_cause(), 6u) << r.failure() << ": " << r.message();
  EXPECT_EQ(hss().binding_status(sub.imsi).state(), hssv1::BindingState::BINDING_STATE_NONE);
  EXPECT_FALSE(hss().binding_status(sub.imsi).has_kme());
  EXPECT_NE(hss().audit_text(sub.imsi).find("could not unwrap"), std::string::npos) << hss().audit_text(sub.imsi);
}

TEST_F(BindingEndToEnd, UnknownDeviceIsRefusedAndNothingChanges) {
  const auto sub = hss().create_subscriber("001010000002003", true);
  const std::string me = five().make_device("35693803562003", &sub, false);  // never registered in keydir
  const auto r = ue().attach(me);
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.emm_cause(), 6u) << r.failure() << ": " << r.message();
  EXPECT_EQ(hss().binding_status(sub.imsi).state(), hssv1::BindingState::BINDING_STATE_NONE);
  EXPECT_NE(hss().audit_text(sub.imsi).find("unknown to the key directory"), std::string::npos)
      << hss().audit_text(sub.imsi);
}

TEST_F(BindingEndToEnd, AuthorizedDeviceChangeBindsTheNewDeviceAndLocksTheOldOneOut) {
  const auto sub = hss().create_subscriber("001010000002006", true);
  const std::string old_device = five().make_device("35693803562006", &sub);
  const std::string new_device = five().make_device("35693803562106", nullptr);
  ASSERT_TRUE(ue().attach(old_device).registered_without_pdn());
  ASSERT_TRUE(five().wait_attached_with_bearer(old_device, std::chrono::seconds(30)));
  const auto first_kme_id = hss().binding_status(sub.imsi).kme_id();
  ASSERT_TRUE(five().detach(old_device).ok());

  hssv1::AuthorizeDeviceChangeRequest req;
  req.set_imsi(sub.imsi);
  req.set_imei(new_device);
  hssv1::BindingStatus out;
  grpc::ClientContext ctx;
  ASSERT_TRUE(hss().admin().AuthorizeDeviceChange(&ctx, req, &out).ok());
  ASSERT_TRUE(five().move_uicc(sub.imsi, new_device).ok());
  // MAC failure under the old KME, Binding-Failure-Report, a regular AV, then provisioning for the authorized IMEI.
  const auto r = ue().attach(new_device);
  EXPECT_TRUE(r.registered_without_pdn()) << r.failure() << ": " << r.message();
  const auto b = hss().binding_status(sub.imsi);
  EXPECT_EQ(b.bound_imei(), new_device);
  EXPECT_NE(b.kme_id(), first_kme_id);
  EXPECT_TRUE(b.authorized_imei().empty());
  ASSERT_TRUE(five().wait_attached_with_bearer(new_device, std::chrono::seconds(30))) << ue().process().log();
  ASSERT_TRUE(five().detach(new_device).ok());

  // The old device, with the old KME: locked out.
  ASSERT_TRUE(five().move_uicc(sub.imsi, old_device).ok());
  const auto locked = ue().attach(old_device);
  EXPECT_FALSE(locked.success());
  EXPECT_EQ(locked.emm_cause(), 6u) << locked.failure() << ": " << locked.message();
  EXPECT_EQ(hss().binding_status(sub.imsi).bound_imei(), new_device);
}

TEST_F(BindingEndToEnd, LostKmeAfterFactoryResetIsReplacedForTheBoundDevice) {
  const auto sub = hss().create_subscriber("001010000002007", true);
  const std::string me = five().make_device("35693803562007", &sub);
  ASSERT_TRUE(ue().attach(me).registered_without_pdn());
  ASSERT_TRUE(five().wait_attached_with_bearer(me, std::chrono::seconds(30)));
  const auto first_kme_id = hss().binding_status(sub.imsi).kme_id();
  ASSERT_TRUE(five().detach(me).ok());

  uev1::StatusRequest reset;
  reset.set_imei(me);
  uev1::UeStatus after;
  grpc::ClientContext ctx;
  ASSERT_TRUE(ue().control().FactoryReset(&ctx, reset, &after).ok());
  EXPECT_EQ(after.kmes_size(), 0);
  // #20 (no KME), the report, one regular AV; the bound IMEI proves its private key again and gets a new KME.
  const auto r = ue().attach(me);
  EXPECT_TRUE(r.registered_without_pdn()) << r.failure() << ": " << r.message();
  EXPECT_NE(hss().binding_status(sub.imsi).kme_id(), first_kme_id);
  EXPECT_EQ(hss().binding_status(sub.imsi).bound_imei(), me);
  ASSERT_TRUE(five().wait_attached_with_bearer(me, std::chrono::seconds(30))) << ue().process().log();
  EXPECT_NE(hss().audit_text(sub.imsi).find("lost KME"), std::string::npos) << hss().audit_text(sub.imsi);
}

// Scenario 1 (DESIGN 3.4): the factory makes a device with a KME and exports the IMEI -> KME database; prov's back
// office imports it; activation pushes the KME to the HSS, so the device's very first attach is pre-processed.
TEST_F(BindingEndToEnd, FactoryKmeImportedAndActivatedMakesTheFirstAttachPreProcessed) {
  const auto sub = hss().create_subscriber("001010000002010", true);
  const std::string me = imei("35693803562010");
  const std::string profile = office().dir.file("factory.yaml"), exported = office().dir.file("factory.enc");
  std::string out;
  ASSERT_EQ(office().simbind("factory make --count 1 --imei-start 35693803562010 --with-kme --profiles " + profile +
                                  " --kme-export " + exported + " --export-key-file " + office().transfer_key_file +
                                  " --register --keydir 127.0.0.1:" + std::to_string(office().keydir_port) +
                                  " --cert " + office().cert("factory.simbind.lab.crt") + " --key " +
                                  office().cert("factory.simbind.lab.key") + " --ca " + office().cert("ca.crt"),
                              &out),
            0)
      << out;

  // The device as made, then the subscriber's UICC moved into it (from a UICC holder that never attaches).
  const auto created = ue().create(read_file(profile));
  ASSERT_EQ(created.imeis_size(), 1);
  EXPECT_EQ(created.imeis(0), me);
  const auto device = ue().status(me);
  ASSERT_EQ(device.kmes_size(), 1) << "the factory KME is in the ME";
  const std::uint32_t kme_id = device.kmes(0).kme_id();
  five().make_device("35693803562910", &sub, false);
  ASSERT_TRUE(five().move_uicc(sub.imsi, me).ok());

  // Back office: import, then activate (IMSI, IMEI).
  ASSERT_EQ(office().simbind("prov import --file " + exported + office().prov_admin() + " --json", &out), 0) << out;
  EXPECT_NE(out.find("\"imported\":1"), std::string::npos) << out;
  ASSERT_EQ(office().simbind("prov activate --imsi " + sub.imsi + " --imei " + me + office().prov_admin(), &out), 0)
      << out << office().prov->log();
  EXPECT_NE(out.find("2001"), std::string::npos) << out;
  const auto b = hss().binding_status(sub.imsi);
  EXPECT_EQ(b.state(), hssv1::BindingState::BINDING_STATE_ESTABLISHED);
  EXPECT_EQ(b.kme_id(), kme_id);
  EXPECT_EQ(b.bound_imei(), me);
  EXPECT_TRUE(office().prov->wait_for_log("activation IMSI " + sub.imsi + " IMEI " + me, std::chrono::seconds(2)));

  // The first attach is already pre-processed, with a default bearer.
  const auto r = ue().attach(me);
  EXPECT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_TRUE(r.pre_processed());
  EXPECT_TRUE(r.kme_used());
  EXPECT_EQ(r.kme_id(), kme_id);
  EXPECT_NE(r.rand_on_air(), r.rand_used());
  EXPECT_FALSE(r.ip().empty());

  // No KME anywhere else in the logs.
  const std::string kme_hex = [&] {
    const std::string text = read_file(profile);
    const auto at = text.find("kme: ", text.find("kme:\n"));
    return text.substr(at + 5, 32);
  }();
  EXPECT_EQ(office().prov->log().find(kme_hex), std::string::npos);
  EXPECT_EQ(hss().process().log().find(kme_hex), std::string::npos);
}

TEST_F(BindingEndToEnd, ActivationOfAnUnknownImeiIsNotFoundAndATamperedExportImportsNothing) {
  const auto sub = hss().create_subscriber("001010000002011", true);
  std::string out;
  EXPECT_EQ(
      office().simbind("prov activate --imsi " + sub.imsi + " --imei 35693803569999" + office().prov_admin(), &out), 1)
      << out;
  EXPECT_NE(out.find("NOT_FOUND"), std::string::npos) << out;

  // A device made with a KME, its export altered in transit: refused, nothing imported, still unknown.
  const std::string exported = office().dir.file("tampered.enc");
  ASSERT_EQ(office().simbind("factory make --imei-start 35693803562011 --with-kme --profiles " +
                                  office().dir.file("tampered.yaml") + " --kme-export " + exported +
                                  " --export-key-file " + office().transfer_key_file,
                              &out),
            0)
      << out;
  std::string data = read_file(exported);
  data[data.size() / 2] ^= 0x20;
  const std::string altered = office().dir.write("altered.enc", data);
  EXPECT_EQ(office().simbind("prov import --file " + altered + office().prov_admin(), &out), 1) << out;
  EXPECT_NE(out.find("does not verify under the transfer key"), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was imported"), std::string::npos) << out;
  EXPECT_EQ(
      office().simbind("prov activate --imsi " + sub.imsi + " --imei 35693803562011" + office().prov_admin(), &out), 1)
      << out;
  EXPECT_NE(out.find("NOT_FOUND"), std::string::npos) << out;
  EXPECT_EQ(hss().binding_status(sub.imsi).state(), hssv1::BindingState::BINDING_STATE_NONE);
}

// A UE emulator whose devices ignore the binding container (another container type): the IDA never comes.
// The HSS gives up after binding.ida_timeout_ms, and a kill -9 while it waits leaves nothing behind.
TEST_F(BindingEndToEnd, NoIdaMeansNothingStoredAndKillNineWhileWaitingLeavesTheSubscriptionAsItWas) {
  UeHarness deaf(mme(), "nas: {binding_container_type: 166}\n");
  ASSERT_TRUE(deaf.start()) << deaf.process().log();
  const auto register_in = [](UeHarness& ues, const std::string& fourteen, const HssHarness::Created& sub) {
    const std::string me = imei(fourteen);
    ues.create("ues:\n  - imei: \"" + me + "\"\n    uicc: {imsi: \"" + sub.imsi + "\", k: " + sub.k + ", opc: " +
               sub.opc + "}\n");
    EXPECT_TRUE(office().register_device(me, ues.status(me)).ok());
    return me;
  };

  // 1. The IDA never comes: ULA 5012, ATTACH REJECT #17, nothing stored.
  const auto sub = hss().create_subscriber("001010000002030", true);
  const std::string me = register_in(deaf, "35693803562030", sub);
  const auto r = deaf.attach(me);
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.emm_cause(), 17u) << r.failure() << ": " << r.message();
  EXPECT_EQ(hss().binding_status(sub.imsi).state(), hssv1::BindingState::BINDING_STATE_NONE);
  EXPECT_NE(hss().audit_text(sub.imsi).find("no IDA from"), std::string::npos) << hss().audit_text(sub.imsi);

  // 2. kill -9 of the HSS between IDR and IDA: after the restart the subscription is exactly as before.
  const auto sub2 = hss().create_subscriber("001010000002031", true);
  const std::string me2 = register_in(deaf, "35693803562031", sub2);
  hssv1::GetSubscriberRequest get;
  get.set_imsi(sub2.imsi);
  hssv1::Subscriber before;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(hss().admin().GetSubscriber(&ctx, get, &before).ok());
  }
  uev1::AttachRequest req;
  req.set_imei(me2);
  req.set_wait(false);
  uev1::AttachResult started;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(deaf.control().Attach(&ctx, req, &started).ok());
  }
  ASSERT_TRUE(hss().process().wait_for_log("ULR " + sub2.imsi + ": IDR with Binding-Provisioning-Info",
                                            std::chrono::seconds(10)))
      << hss().process().log();
  hss().process().kill9();
  ASSERT_TRUE(hss().start()) << hss().process().log();
  hssv1::Subscriber after;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(hss().admin().GetSubscriber(&ctx, get, &after).ok());
  }
  EXPECT_EQ(after.binding().state(), hssv1::BindingState::BINDING_STATE_NONE);
  EXPECT_FALSE(after.binding().has_kme());
  EXPECT_TRUE(after.binding().bound_imei().empty());
  EXPECT_EQ(after.binding().DebugString(), before.binding().DebugString());
  // The MME and prov come back to the restarted HSS, for the tests that follow.
  EXPECT_TRUE(hss().process().wait_for_log("peer mme.test.simbind.lab is open", std::chrono::seconds(20)));
  EXPECT_TRUE(hss().process().wait_for_log("peer prov.test.simbind.lab is open", std::chrono::seconds(20)));
}

// Last: it stops keydir, then prov.
TEST_F(BindingEndToEnd, KeydirOrProvDownMeansNetworkFailureAndTheHssKeepsServing) {
  const auto sub = hss().create_subscriber("001010000002004", true);
  const std::string me = five().make_device("35693803562004", &sub);
  office().keydir->stop();
  const auto r = ue().attach(me);
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.emm_cause(), 17u) << r.failure() << ": " << r.message();
  EXPECT_EQ(hss().binding_status(sub.imsi).state(), hssv1::BindingState::BINDING_STATE_NONE);
  // Other subscribers are served meanwhile.
  const auto plain = hss().create_subscriber("001010000002005");
  const std::string other = five().make_device("35693803562005", &plain, false);
  const auto ok = ue().attach(other);
  EXPECT_TRUE(ok.success()) << ok.failure() << ": " << ok.message();

  // simbind-prov down as well: the same clean refusal, and still nothing stored.
  office().prov->stop();
  const auto sub2 = hss().create_subscriber("001010000002008", true);
  const std::string me2 = five().make_device("35693803562008", &sub2, false);
  const auto r2 = ue().attach(me2);
  EXPECT_FALSE(r2.success());
  EXPECT_EQ(r2.emm_cause(), 17u) << r2.failure() << ": " << r2.message();
  EXPECT_EQ(hss().binding_status(sub2.imsi).state(), hssv1::BindingState::BINDING_STATE_NONE);
  EXPECT_NE(hss().audit_text(sub2.imsi).find("no KME from simbind-prov"), std::string::npos)
      << hss().audit_text(sub2.imsi);
  // The reason is the one that holds when the peer is gone: no route (3002 from our own stack), or no answer in time
  // when the link has not noticed yet; never "an answer from ourselves, not from prov".
  const std::string audit = hss().audit_text(sub2.imsi);
  EXPECT_TRUE(audit.find("no route to") != std::string::npos || audit.find("in time") != std::string::npos) << audit;
  EXPECT_EQ(audit.find(", not from"), std::string::npos) << audit;
}

}  // namespace
}  // namespace simbind::test
