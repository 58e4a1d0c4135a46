// TS 29.272 7.3.34/7.3.35 and TS 24.301 6.5.1.3 across the real processes: subscriptions with several APN
// configurations made through the HSS admin API, carried in the ULA, and the PDN types and addresses simbind-mme
// grants to UEs that ask for IPv4, IPv6 or IPv4v6 (simbind-ue, per-UE pdn_type), with the refusals #27, #50,
// #51 and the narrowing #52.
#include <gtest/gtest.h>

#include "common/util/identifiers.h"
#include "tests/integration/support/ue_harness.h"

namespace simbind::test {
namespace {

namespace uev1 = simbind::ue::v1;
namespace hssv1 = simbind::hss::v1;

std::unique_ptr<HssHarness> g_hss;
std::unique_ptr<MmeHarness> g_mme;
std::unique_ptr<UeHarness> g_ue;

struct Apn {
  std::string name;
  hssv1::PdnType type;
  std::string ipv4 = "";
  std::string ipv6 = "";
};

class PdnTypeEndToEnd : public ::testing::Test {
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

  // A subscriber whose APN configurations are `apns` (the first the default), and a UE asking for `pdn_type`.
  std::string subscriber_and_ue(const std::string& imsi, const std::string& imei14, const std::vector<Apn>& apns,
                                const std::string& pdn_type) {
    const std::string k = random_hex(16), opc = random_hex(16);
    hssv1::CreateSubscriberRequest req;
    req.set_imsi(imsi);
    req.mutable_keys()->set_k(k);
    req.mutable_keys()->set_opc(opc);
    for (const auto& a : apns) {
      auto* c = req.mutable_profile()->add_apns();
      c->set_apn(a.name);
      c->set_pdn_type(a.type);
      c->set_static_ipv4(a.ipv4);
      c->set_static_ipv6_prefix(a.ipv6);
    }
    hssv1::Subscriber out;
    grpc::ClientContext ctx;
    const auto st = g_hss->admin().CreateSubscriber(&ctx, req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    const std::string imei15 = Imei::create(imei14)->str();
    g_ue->create("ues:\n  - imei: \"" + imei15 + "\"\n    pdn_type: " + pdn_type + "\n    uicc: {imsi: \"" + imsi +
                 "\", k: " + k + ", opc: " + opc + "}\n");
    return imei15;
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
};

TEST_F(PdnTypeEndToEnd, Ipv4v6AskedAndSubscribedGetsBothAddresses) {
  const auto me = subscriber_and_ue("001010000002001", "35693803565001", {{"internet", hssv1::PDN_TYPE_IPV4V6}},
                                    "ipv4v6");
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.pdn_type(), "ipv4v6");
  EXPECT_EQ(r.ip().rfind("10.45.", 0), 0u) << r.ip();
  EXPECT_FALSE(r.ipv6_iid().empty());
  EXPECT_NE(r.ipv6_iid(), "0:0:0:0");
  EXPECT_EQ(r.esm_cause(), 0u);
  const auto s = g_ue->status(me);
  EXPECT_EQ(s.pdn_type(), "ipv4v6");
  EXPECT_EQ(s.ipv6_iid(), r.ipv6_iid());
  ASSERT_EQ(s.bearers_size(), 1);
  EXPECT_EQ(s.bearers(0).pdn_type(), "ipv4v6");
  EXPECT_TRUE(g_mme->process().wait_for_log("IMSI 001010000002001 attached", std::chrono::seconds(5)));
}

TEST_F(PdnTypeEndToEnd, Ipv6AskedGetsAnInterfaceIdentifierOnly) {
  const auto me = subscriber_and_ue("001010000002002", "35693803565002", {{"internet", hssv1::PDN_TYPE_IPV4V6}},
                                    "ipv6");
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.pdn_type(), "ipv6");
  EXPECT_EQ(r.ip(), "");
  EXPECT_FALSE(r.ipv6_iid().empty());
}

TEST_F(PdnTypeEndToEnd, Ipv4AskedGetsIpv4FromTheStaticSubscriptionAddress) {
  const auto me = subscriber_and_ue("001010000002003", "35693803565003",
                                    {{"internet", hssv1::PDN_TYPE_IPV4, "192.0.2.77"}}, "ipv4");
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.pdn_type(), "ipv4");
  EXPECT_EQ(r.ip(), "192.0.2.77") << "Served-Party-IP-Address reached the MME";
  EXPECT_EQ(r.ipv6_iid(), "");
}

TEST_F(PdnTypeEndToEnd, Ipv4v6AskedOnAnIpv4OnlyApnGetsIpv4WithCause50) {
  const auto me = subscriber_and_ue("001010000002004", "35693803565004", {{"internet", hssv1::PDN_TYPE_IPV4}},
                                    "ipv4v6");
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.pdn_type(), "ipv4");
  EXPECT_EQ(r.esm_cause(), 50u);
  EXPECT_FALSE(r.ip().empty());
}

TEST_F(PdnTypeEndToEnd, Ipv4v6AskedOnAnIpv6OnlyApnGetsIpv6WithCause51AndTheStaticPrefix) {
  const auto me = subscriber_and_ue("001010000002005", "35693803565005",
                                    {{"internet", hssv1::PDN_TYPE_IPV6, "", "2001:db8:77::/64"}}, "ipv4v6");
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.pdn_type(), "ipv6");
  EXPECT_EQ(r.esm_cause(), 51u);
  EXPECT_EQ(r.ipv6_iid(), "0:0:0:1");
  EXPECT_TRUE(g_mme->process().wait_for_log("prefix 2001:db8:77::/64, static", std::chrono::seconds(5)));
}

TEST_F(PdnTypeEndToEnd, Ipv4v6AskedOnIpv4OrIpv6GetsOneWithCause52) {
  const auto me = subscriber_and_ue("001010000002006", "35693803565006",
                                    {{"internet", hssv1::PDN_TYPE_IPV4_OR_IPV6}}, "ipv4v6");
  const auto r = g_ue->attach(me);
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.pdn_type(), "ipv4");
  EXPECT_EQ(r.esm_cause(), 52u);
}

TEST_F(PdnTypeEndToEnd, Ipv6AskedOnAnIpv4OnlyApnIsRefusedWith50) {
  const auto me = subscriber_and_ue("001010000002007", "35693803565007", {{"internet", hssv1::PDN_TYPE_IPV4}},
                                    "ipv6");
  const auto r = g_ue->attach(me);
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.emm_cause(), 19u) << "ESM failure";
  EXPECT_EQ(r.esm_cause(), 50u) << r.message();
}

TEST_F(PdnTypeEndToEnd, Ipv4AskedOnAnIpv6OnlyApnIsRefusedWith51) {
  const auto me = subscriber_and_ue("001010000002008", "35693803565008", {{"internet", hssv1::PDN_TYPE_IPV6}},
                                    "ipv4");
  const auto r = g_ue->attach(me);
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.esm_cause(), 51u) << r.message();
}

TEST_F(PdnTypeEndToEnd, AnApnOutsideTheSubscriptionIsRefusedWith27AndASubscribedSecondApnIsGranted) {
  const auto me = subscriber_and_ue("001010000002009", "35693803565009",
                                    {{"internet", hssv1::PDN_TYPE_IPV4V6}, {"ims", hssv1::PDN_TYPE_IPV6}}, "ipv4v6");
  const auto refused = g_ue->attach(me, "corp");
  EXPECT_FALSE(refused.success());
  EXPECT_EQ(refused.esm_cause(), 27u) << refused.message();

  const auto r = g_ue->attach(me);  // no APN: the default configuration (internet)
  ASSERT_TRUE(r.success()) << r.failure() << ": " << r.message();
  EXPECT_EQ(r.apn(), "internet");
  EXPECT_EQ(r.pdn_type(), "ipv4v6");

  const auto ims = request_bearer(me, "ims");  // the second configuration, IPv6 only: #51 with the grant
  ASSERT_TRUE(ims.success()) << ims.message();
  EXPECT_EQ(ims.apn(), "ims");
  EXPECT_EQ(ims.pdn_type(), "ipv6");
  EXPECT_EQ(ims.esm_cause(), 51u);
  EXPECT_EQ(g_ue->status(me).bearers_size(), 2);

  const auto unknown = request_bearer(me, "corp");
  EXPECT_FALSE(unknown.success());
  EXPECT_EQ(unknown.esm_cause(), 27u);
}

}  // namespace
}  // namespace simbind::test
