// DESIGN 3.1, 3.2 and 3.6 across the real processes: simbind-hss, simbind-mme and simbind-ue, driven through the
// HSS admin API and the UE control API as a lab engineer would.
#include <gtest/gtest.h>

#include "common/util/identifiers.h"
#include "tests/integration/support/nas_test_client.h"
#include "tests/integration/support/ue_harness.h"

namespace simbind::test {
namespace {

namespace uev1 = simbind::ue::v1;
namespace hssv1 = simbind::hss::v1;

std::unique_ptr<HssHarness> g_hss;
std::unique_ptr<MmeHarness> g_mme;
std::unique_ptr<UeHarness> g_ue;

std::string imei(const std::string& fourteen) { return Imei::create(fourteen)->str(); }

std::string profile(const std::string& imei15, const HssHarness::Created& sub, const std::string& extra_uicc = "") {
  return "ues:\n"
         "  - imei: \"" + imei15 + "\"\n"
         "    uicc: {imsi: \"" + sub.imsi + "\", k: " + sub.k + ", opc: " + sub.opc + extra_uicc + "}\n";
}

class AttachEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_hss = std::make_unique<HssHarness>();
    ASSERT_TRUE(g_hss->start()) << g_hss->process().log();
    g_mme = std::make_unique<MmeHarness>(*g_hss);
    ASSERT_TRUE(g_mme->start()) << g_mme->process().log();
    g_ue = std::make_unique<UeHarness>(*g_mme);
    ASSERT_TRUE(g_ue->start()) << g_ue->process().log();
  }
  static void TearDownTestSuite() {
    g_ue.reset();
    g_mme.reset();
    g_hss.reset();
  }

  void set_kme_in_hss(const std::string& imsi, const std::string& kme, unsigned kme_id) {
    hssv1::SetKmeRequest req;
    req.set_imsi(imsi);
    req.set_kme(kme);
    req.set_kme_id(kme_id);
    hssv1::BindingStatus out;
    grpc::ClientContext ctx;
    ASSERT_TRUE(g_hss->admin().SetKme(&ctx, req, &out).ok());
  }
  void set_kme_in_me(const std::string& imei15, const std::string& kme, unsigned kme_id) {
    uev1::SetKmeRequest req;
    req.set_imei(imei15);
    req.set_home_plmn("00101");
    req.set_kme_id(kme_id);
    req.set_kme(kme);
    uev1::UeStatus out;
    grpc::ClientContext ctx;
    const auto st = g_ue->control().SetKme(&ctx, req, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  uev1::BearerResult request_bearer(const std::string& imei15, const std::string& apn) {
    uev1::BearerRequest req;
    req.set_imei(imei15);
    req.set_apn(apn);
    uev1::BearerResult out;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    EXPECT_TRUE(g_ue->control().RequestBearer(&ctx, req, &out).ok());
    return out;
  }
  uev1::DetachResult detach(const std::string& imei15) {
    uev1::DetachRequest req;
    req.set_imei(imei15);
    uev1::DetachResult out;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(90));
    EXPECT_TRUE(g_ue->control().Detach(&ctx, req, &out).ok());
    return out;
  }
};

TEST_F(AttachEndToEnd, UnboundSubscriberAttachesWithDefaultBearer) {
  const auto sub = g_hss->create_subscriber("001010000001001");
  const std::string me = imei("35693803564001");
  g_ue->create(profile(me, sub));
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_FALSE(r.registered_without_pdn());
  EXPECT_FALSE(r.pre_processed());
  EXPECT_EQ(r.rand_on_air(), r.rand_used());
  EXPECT_EQ(r.ip().rfind("10.45.", 0), 0u) << r.ip();
  EXPECT_FALSE(r.apn().empty());
  const auto s = g_ue->status(me);
  EXPECT_TRUE(s.attached());
  EXPECT_EQ(s.ip(), r.ip());
  EXPECT_TRUE(g_mme->process().wait_for_log("IMSI " + sub.imsi + " attached", std::chrono::seconds(5)));

  const auto d = detach(me);
  EXPECT_TRUE(d.success()) << d.message();
  EXPECT_FALSE(d.local());
  EXPECT_FALSE(g_ue->status(me).attached());
}

TEST_F(AttachEndToEnd, BoundSubscriberAttachesWithPreProcessedVector) {
  const auto sub = g_hss->create_subscriber("001010000001002", true);
  const std::string kme = random_hex(16);
  set_kme_in_hss(sub.imsi, kme, 3);
  const std::string me = imei("35693803564002");
  g_ue->create(profile(me, sub));
  set_kme_in_me(me, kme, 3);
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_TRUE(r.pre_processed());
  EXPECT_TRUE(r.kme_used());
  EXPECT_EQ(r.kme_id(), 3u);
  // RAND on the wire is RAND*; the UICC ran on RAND = AES^-1(KME, RAND*).
  ASSERT_EQ(r.rand_on_air().size(), 32u);
  ASSERT_EQ(r.rand_used().size(), 32u);
  EXPECT_NE(r.rand_on_air(), r.rand_used());
  EXPECT_EQ(g_ue->status(me).kmes_size(), 1);
}

TEST_F(AttachEndToEnd, UiccInAnotherMeFailsWithMacFailureAndTheHssRecordsIt) {
  const auto sub = g_hss->create_subscriber("001010000001003", true);
  const std::string kme = random_hex(16);
  set_kme_in_hss(sub.imsi, kme, 1);
  const std::string bound = imei("35693803564003");
  const std::string other = imei("49015420323003");
  g_ue->create(profile(bound, sub));
  set_kme_in_me(bound, kme, 1);
  g_ue->create("ues:\n  - imei: \"" + other + "\"\n");  // an ME without a UICC and without a KME
  const auto before = g_hss->binding_status(sub.imsi).failure_reports();

  uev1::MoveUiccRequest move;
  move.set_imsi(sub.imsi);
  move.set_to_imei(other);
  uev1::UeStatus moved;
  grpc::ClientContext ctx;
  ASSERT_TRUE(g_ue->control().MoveUicc(&ctx, move, &moved).ok());
  EXPECT_EQ(moved.imsi(), sub.imsi);

  const auto r = g_ue->attach(other);
  EXPECT_FALSE(r.success());
  EXPECT_TRUE(r.pre_processed());
  EXPECT_FALSE(r.kme_used());
  EXPECT_EQ(r.rand_on_air(), r.rand_used()) << "without a KME, RAND* goes to the UICC unchanged";
  EXPECT_GE(g_hss->binding_status(sub.imsi).failure_reports(), before + 1);
  EXPECT_TRUE(g_ue->process().wait_for_log("MAC failure", std::chrono::seconds(2)));
  EXPECT_TRUE(g_mme->process().wait_for_log("IMSI " + sub.imsi + ": MAC failure (#20) on a pre-processed AV",
                                            std::chrono::seconds(2)));
}

TEST_F(AttachEndToEnd, UiccAheadOfTheHssResynchronisesAndAttaches) {
  const auto sub = g_hss->create_subscriber("001010000001004");
  const std::string me = imei("35693803564004");
  g_ue->create(profile(me, sub, ", sqn: \"000010000000\""));
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.resyncs(), 1u);
}

TEST_F(AttachEndToEnd, ProvisioningOnlyRefusesEveryBearer) {
  const auto sub = g_hss->create_subscriber("001010000001005", true);  // binding required, no KME yet
  const std::string me = imei("35693803564005");
  g_ue->create(profile(me, sub));
  const auto r = g_ue->attach(me);
  EXPECT_TRUE(r.registered_without_pdn()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.esm_cause(), 33u);
  EXPECT_TRUE(r.ip().empty());
  EXPECT_EQ(g_ue->status(me).state(), "registered");
  const auto b = request_bearer(me, "internet");
  EXPECT_FALSE(b.success());
  EXPECT_EQ(b.esm_cause(), 33u);
  EXPECT_TRUE(g_ue->process().wait_for_log("without PDN connection", std::chrono::seconds(2)));
}

TEST_F(AttachEndToEnd, UnknownSubscriberIsRejectedAsIllegalUe) {
  HssHarness::Created ghost{"001010000001999", random_hex(16), random_hex(16)};
  const std::string me = imei("35693803564999");
  g_ue->create(profile(me, ghost));
  const auto r = g_ue->attach(me);
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.emm_cause(), 3u);
}

TEST_F(AttachEndToEnd, MalformedInputBesideAnAttachDoesNotDisturbIt) {
  const auto sub = g_hss->create_subscriber("001010000001006");
  const std::string me = imei("35693803564006");
  g_ue->create(profile(me, sub));
  uev1::AttachRequest req;
  req.set_imei(me);
  req.set_wait(true);
  uev1::AttachResult result;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::CompletionQueue cq;
  auto call = g_ue->control().AsyncAttach(&ctx, req, &cq);
  grpc::Status status;
  call->Finish(&result, &status, reinterpret_cast<void*>(1));

  // Meanwhile, another NAS connection to the same MME: garbage in every shape.
  NasTestClient noise;
  ASSERT_TRUE(noise.connect(g_mme->nas_port()));
  for (std::uint32_t id = 1; id <= 50; ++id) {
    const auto ue = static_cast<nas::UeConnectionId>(id);
    ASSERT_TRUE(noise.send(ue, Bytes{0x07, static_cast<std::uint8_t>(0x40 + id % 0x30)}));
    ASSERT_TRUE(noise.send(ue, Bytes{0x07, 0x41, 0xff, 0x00}));
    ASSERT_TRUE(noise.send(ue, Bytes{0x47, 1, 2, 3, 4, 9, 0x07, 0x43}));
  }
  ASSERT_TRUE(noise.send_raw(Bytes{0x00, 0x02, 0xde, 0xad}));  // a length below 5: the MME closes this connection

  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(result.success()) << result.failure() << ": " << result.message();
  EXPECT_TRUE(g_mme->process().running());
  EXPECT_TRUE(g_ue->status(me).attached());
}

TEST_F(AttachEndToEnd, AThousandUesAttachConcurrently) {
  constexpr int kCount = 1000;
  const std::string k = random_hex(16), opc = random_hex(16);
  for (int i = 0; i < kCount; ++i) {
    hssv1::CreateSubscriberRequest req;
    req.set_imsi("00101100000" + std::string(4 - std::to_string(i).size(), '0') + std::to_string(i));
    req.mutable_keys()->set_k(k);
    req.mutable_keys()->set_opc(opc);
    hssv1::Subscriber out;
    grpc::ClientContext ctx;
    ASSERT_TRUE(g_hss->admin().CreateSubscriber(&ctx, req, &out).ok()) << i;
  }
  // A UE emulator of its own, so that only these 1,000 UEs take part in the load.
  UeHarness fleet(*g_mme);
  ASSERT_TRUE(fleet.start()) << fleet.process().log();
  const auto created = fleet.create("generate: {count: " + std::to_string(kCount) +
                                    ", imsi_start: \"001011000000000\", imei_start: \"" + imei("35000000000000") +
                                    "\", k: " + k + ", opc: " + opc + "}\n");
  ASSERT_EQ(created.imeis_size(), kCount);

  uev1::LoadRequest req;
  req.set_rate(2000);  // all started within half a second: hundreds in flight at once
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(240));
  auto stream = fleet.control().RunLoad(&ctx, req);
  uev1::LoadUpdate update;
  std::optional<uev1::LoadSummary> summary;
  std::uint32_t max_in_flight = 0;
  while (stream->Read(&update)) {
    if (update.has_summary()) summary = update.summary();
    if (update.has_progress()) {
      max_in_flight = std::max(max_in_flight, update.progress().started() - update.progress().done());
    }
  }
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->succeeded(), static_cast<std::uint32_t>(kCount));
  EXPECT_EQ(summary->failed(), 0u);
  EXPECT_TRUE(summary->failures_by_cause().empty());
  EXPECT_GT(max_in_flight, 1u) << "the attaches ran one after another, not concurrently";
  std::cout << "1000 UEs: " << summary->attaches_per_second() << " attaches/s, p50 " << summary->p50_ms()
            << " ms, p99 " << summary->p99_ms() << " ms, max in flight " << max_in_flight << "\n";
}

}  // namespace
}  // namespace simbind::test
