// The ladder's reading of simbind-ue's events and simbind-hss's audit rows, with the texts those daemons write.
#include "services/console/ladder.h"

#include <gtest/gtest.h>

namespace simbind::console {
namespace {

UeEventRecord ue_event(const std::string& kind, const std::string& text) {
  return UeEventRecord{1000000, "356938040000001", "001019000000001", kind, text};
}
AuditRecord audit(const std::string& event, const std::string& decision, const std::string& reason,
                  const std::string& imei = "") {
  return AuditRecord{7, 1000000, "001019000000001", event, decision, imei, reason};
}

TEST(Ladder, when_a_pre_processed_challenge_is_accepted_then_rand_star_and_the_rand_the_uicc_ran_on_are_both_drawn) {
  const auto steps = steps_of(ue_event(
      "auth-accepted",
      "pre-processed challenge (AMF binding bit), RAND* decrypted with KME-Id 4242: RAND on air "
      "00112233445566778899aabbccddeeff -> RAND to UICC ffeeddccbbaa99887766554433221100; UICC accepted, RES sent"));
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].from, "MME");
  EXPECT_EQ(steps[0].to, "UE");
  EXPECT_EQ(steps[0].text, "AUTHENTICATION REQUEST: RAND* 001122334455… (binding bit in AMF)");
  EXPECT_EQ(steps[1].text, "ME: RAND* decrypted with KME-Id 4242 → RAND ffeeddccbbaa…; the UICC accepts");
  EXPECT_EQ(steps[1].to, "");
  EXPECT_EQ(steps[2].text, "AUTHENTICATION RESPONSE (RES)");
  EXPECT_EQ(steps[0].rank, 3) << "what the UE received sorts after the HSS's decision of the same microsecond";
  for (const auto& s : steps) EXPECT_EQ(s.us, 1000000) << "every step keeps its event's time in microseconds";
}

TEST(Ladder, when_the_uicc_fails_a_pre_processed_challenge_then_the_failure_is_drawn_from_the_ue_as_bad) {
  const auto steps = steps_of(
      ue_event("auth-failure", "MAC failure (#20): pre-processed challenge and no KME for PLMN 00101 in this ME"));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].text, "AUTHENTICATION REQUEST (pre-processed: RAND*)");
  EXPECT_EQ(steps[1].from, "UE");
  EXPECT_EQ(steps[1].to, "MME");
  EXPECT_NE(steps[1].text.find("#20"), std::string::npos);
  EXPECT_EQ(steps[1].tone, "bad");
}

TEST(Ladder, when_a_kme_arrives_over_the_air_then_the_chain_through_prov_and_keydir_is_drawn_in_order) {
  const auto steps = steps_of(ue_event("kme-established",
                                       "over-the-air KME-Id 77 for PLMN 00101 unwrapped with the device private key "
                                       "and stored; Rsp sent"));
  std::vector<std::pair<std::string, std::string>> lanes;
  for (const auto& s : steps) lanes.emplace_back(s.from, s.to);
  const std::vector<std::pair<std::string, std::string>> expected{
      {"MME", "HSS"}, {"HSS", "prov"}, {"prov", "keydir"}, {"keydir", "prov"},
      {"prov", "HSS"}, {"HSS", "MME"},  {"MME", "UE"},      {"UE", "MME"}};
  EXPECT_EQ(lanes, expected);
  EXPECT_NE(steps[6].text.find("KME-Id 77"), std::string::npos);
}

TEST(Ladder, when_an_attach_is_rejected_then_the_emm_cause_is_on_the_arrow_to_the_ue) {
  const auto steps = steps_of(ue_event("attach-failed", "attach failed: attach rejected: EMM cause #6 Illegal ME"));
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].from, "MME");
  EXPECT_EQ(steps[0].text, "ATTACH REJECT #6 Illegal ME");
  const auto timeout = steps_of(ue_event("attach-failed", "attach failed: T3410 expired 5 times"));
  ASSERT_EQ(timeout.size(), 1u);
  EXPECT_EQ(timeout[0].from, "UE");
  EXPECT_EQ(timeout[0].to, "") << "a local failure is a note on the UE's lane, not a message";
}

TEST(Ladder, when_the_hss_decides_an_air_then_the_vector_type_is_on_the_answer) {
  auto steps = steps_of(audit("air", "pre-processed", "binding established"));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].text, "AIR");
  EXPECT_NE(steps[1].text.find("RAND* = AES(KME, RAND)"), std::string::npos);
  EXPECT_EQ(steps[1].rank, 2);
  steps = steps_of(audit("air", "provisioning-only", "binding required, no KME"));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_NE(steps[1].text.find("PROVISIONING_ONLY"), std::string::npos);
  steps = steps_of(audit("air", "fallback", "1 failure report(s): regular vectors"));
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].tone, "bad");
}

TEST(Ladder, when_the_hss_refuses_a_ulr_then_5420_goes_back_to_the_mme) {
  const auto steps = steps_of(audit("ulr", "rejected", "IMEI 356938040000002 is not the bound device", "356938040000002"));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].text, "ULR (Terminal-Information: IMEI 356938040000002)");
  EXPECT_EQ(steps[1].from, "HSS");
  EXPECT_EQ(steps[1].to, "MME");
  EXPECT_NE(steps[1].text.find("5420"), std::string::npos);
}

TEST(Ladder, when_prov_activates_a_factory_kme_then_bp_is_drawn_between_prov_and_the_hss) {
  const auto steps = steps_of(audit("kme-established", "established", "activation: factory KME-Id 9", "356938040000001"));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].from, "prov");
  EXPECT_EQ(steps[0].to, "HSS");
  EXPECT_EQ(steps[1].text, "answer 2001: factory KME-Id 9, bound to IMEI 356938040000001");
}

TEST(Ladder, when_an_event_or_record_is_unknown_then_it_is_still_shown_as_a_note) {
  const auto steps = steps_of(ue_event("something-new", "text"));
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].text, "something-new: text");
  const auto rows = steps_of(audit("purge", "accepted", ""));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text, "purge accepted");
}

TEST(Ladder, when_a_label_is_absent_or_at_the_end_then_value_after_gives_what_is_there) {
  EXPECT_EQ(value_after("KME-Id 12: x", "KME-Id "), "12");
  EXPECT_EQ(value_after("no id here", "KME-Id "), "");
  EXPECT_EQ(value_after("ends with KME-Id ", "KME-Id "), "");
}

}  // namespace
}  // namespace simbind::console
