// common/s1ap: the APER layer against X.691 by hand, every message round trip, known answers from a capture of
// Open5GS' own test eNB and MME (tests/unit/s1ap/known_answers.md says where they come from and what tshark showed),
// TS 36.413 section 10 criticality handling, and hostile input (every truncation, bit flips, random bytes).
#include "common/s1ap/messages.h"

#include <gtest/gtest.h>

#include <random>

#include "common/s1ap/aper.h"
#include "common/s1ap/error_answers.h"
#include "tests/unit/s1ap/sample_messages.h"
#include "common/util/hex.h"

namespace simbind::s1ap {
namespace {

Bytes hex(const char* h) { return *from_hex(h); }

// ---- APER ---------------------------------------------------------------------------------------------------------

TEST(Aper, ConstrainedWholeNumbersUseEveryRangeCaseOfX691) {
  AperWriter w;
  w.constrained(3, 0, 3);          // range 4: 2-bit field          -> 11
  w.constrained(5, 0, 15);         // range 16: 4-bit field         -> 0101
  w.constrained(200, 0, 255);      // range 256: aligned octet      -> (pad 00) c8
  w.constrained(0x1234, 0, 65535); // range 64K: two aligned octets -> 12 34
  w.constrained(1, 0, 4294967295ull);  // 2-bit octet count (1), aligned value -> 00 01
  EXPECT_EQ(to_hex(w.finish()), "d4c8123400" "01");
  AperWriter big;
  big.constrained(10'000'000'000ull, 0, 10'000'000'000ull);  // 5 octets: count 5 in 3 bits (100), aligned
  EXPECT_EQ(to_hex(big.finish()), "8002540be400");
  const Bytes in = hex("d4c812340001");
  AperReader r(in);
  EXPECT_EQ(r.constrained(0, 3), 3u);
  EXPECT_EQ(r.constrained(0, 15), 5u);
  EXPECT_EQ(r.constrained(0, 255), 200u);
  EXPECT_EQ(r.constrained(0, 65535), 0x1234u);
  EXPECT_EQ(r.constrained(0, 4294967295ull), 1u);
  EXPECT_TRUE(r.ok());
}

TEST(Aper, LengthsAndOpenTypes) {
  AperWriter w;
  w.octet_string(Bytes(3, 0xaa));   // 03 aaaaaa
  w.octet_string(Bytes(200, 0x01)); // 80 c8 ...
  const Bytes out = w.finish();
  EXPECT_EQ(to_hex(ByteView(out).first(6)), "03aaaaaa80c8");
  AperReader r(out);
  EXPECT_EQ(r.octet_string().size(), 3u);
  EXPECT_EQ(r.octet_string().size(), 200u);
  EXPECT_TRUE(r.ok());
  AperWriter empty;
  empty.open_type({});
  EXPECT_EQ(to_hex(empty.finish()), "0100");  // X.691 11.2: an empty encoding becomes one zero octet
}

TEST(Aper, TheReaderNeverReadsPastItsBufferAndValuesOutsideTheRangeFail) {
  const Bytes ff = hex("ff"), c0 = hex("c0"), short_open = hex("05aabb");
  AperReader r(ff);
  EXPECT_EQ(r.bits(8), 0xffu);
  EXPECT_EQ(r.bits(1), 0u);
  EXPECT_FALSE(r.ok());
  AperReader range(c0);  // 2 bits = 3 in a range 0..2
  range.constrained(0, 2);
  EXPECT_FALSE(range.ok());
  AperReader open(short_open);  // an open type announcing 5 octets with 2 left
  EXPECT_TRUE(open.open_type().empty());
  EXPECT_FALSE(open.ok());
}

// ---- known answers: S1AP PDUs of Open5GS v2.7.7's test eNB and MME (simple-test) ----------------------------------

constexpr const char* kS1SetupRequest = "0011001f000003003b00080099f9070054f640004000070000004099f9070089400120";
constexpr const char* kS1SetupResponse = "201100170000020069000b000099f90700000002000100574001ff";
constexpr const char* kInitialUeMessage =
    "000c405b000005000800020001001a00333217000000000007417208999907374600000607f0f0c04001001000050201d031d15c20003103e5e0"
    "349011035f58a65d0105004300060099f9070001006440080099f9071079baf00086400130";
constexpr const char* kInitialContextSetupRequest =
    "00090080fe0000070000000200010008000200010042000a183b9aca00603b9aca0000180080a300003400809d450009200f807f0000060000a0"
    "0b808d27490517d50207420229064099f907000100695201c101090908696e7465726e65740d0300000000000000020a2d00025e06fefefafa"
    "02027b00418080210a020a000a81060808080880210a020b000a830608080404c02323020c00231e57656c636f6d6520746f206f70656e3567"
    "732d736d66642076322e372e37500bf699f907000201c00002c064020108006b00051c000e0000004900207c9184438728d263b81b0c3e99a1"
    "d1258462790f858e6ca85f5f140efbc5432000c040088665070400ffff01";
constexpr const char* kInitialContextSetupResponse =
    "200900320000030000400200010008400200010033401f000032401a0a9f7f000002fd69f21d873c00fa000000000000000200000001";
constexpr const char* kUeContextReleaseCommand = "0017001000000200630004000100010002400120";

const s1ap::PlmnOctets k99970{0x99, 0xf9, 0x07};

TEST(KnownAnswers, S1SetupRequestAndResponseOfOpen5gs) {
  auto req = decode(hex(kS1SetupRequest));
  ASSERT_TRUE(req) << req.error().message;
  const auto& m = std::get<S1SetupRequest>(req->message);
  EXPECT_EQ(m.global_enb_id.plmn, k99970);
  EXPECT_EQ(m.global_enb_id.macro_enb_id, 348004u);  // tshark: macroENB-ID 54f640 (348004)
  ASSERT_EQ(m.supported_tas.size(), 1u);
  EXPECT_EQ(m.supported_tas[0].tac, 1);
  EXPECT_EQ(m.supported_tas[0].broadcast_plmns, std::vector<PlmnOctets>{k99970});
  EXPECT_EQ(m.default_paging_drx, 1);  // v64
  EXPECT_EQ(to_hex(*encode(req->message)), kS1SetupRequest);

  auto rsp = decode(hex(kS1SetupResponse));
  ASSERT_TRUE(rsp) << rsp.error().message;
  const auto& r = std::get<S1SetupResponse>(rsp->message);
  ASSERT_EQ(r.served_gummeis.size(), 1u);
  EXPECT_EQ(r.served_gummeis[0].plmns, std::vector<PlmnOctets>{k99970});
  EXPECT_EQ(r.served_gummeis[0].mme_group_ids, std::vector<std::uint16_t>{2});
  EXPECT_EQ(r.served_gummeis[0].mme_codes, std::vector<std::uint8_t>{1});
  EXPECT_EQ(r.relative_mme_capacity, 255);
  EXPECT_EQ(to_hex(*encode(rsp->message)), kS1SetupResponse);
}

TEST(KnownAnswers, InitialUeMessageOfOpen5gsRoundTrips) {
  auto d = decode(hex(kInitialUeMessage));
  ASSERT_TRUE(d) << d.error().message;
  const auto& m = std::get<InitialUeMessage>(d->message);
  EXPECT_EQ(m.enb_ue_id, 1u);
  EXPECT_EQ(m.nas_pdu.size(), 50u);
  EXPECT_EQ(m.nas_pdu[0], 0x17);  // integrity protected ATTACH REQUEST
  EXPECT_EQ(m.tai, (Tai{k99970, 1}));
  EXPECT_EQ(m.ecgi.plmn, k99970);
  EXPECT_EQ(m.rrc_establishment_cause, 3);  // mo-Signalling
  EXPECT_TRUE(d->unknown_ies.empty());
  EXPECT_EQ(to_hex(*encode(d->message)), kInitialUeMessage);
}

TEST(KnownAnswers, InitialContextSetupRequestOfOpen5gsWithAnIeWeDoNotModel) {
  auto d = decode(hex(kInitialContextSetupRequest));
  ASSERT_TRUE(d) << d.error().message;
  const auto& m = std::get<InitialContextSetupRequest>(d->message);
  EXPECT_EQ(m.mme_ue_id, 1u);
  EXPECT_EQ(m.enb_ue_id, 1u);
  EXPECT_EQ(m.ue_ambr_dl, 1'000'000'000u);  // tshark: 1000000000bits/s
  EXPECT_EQ(m.ue_ambr_ul, 1'000'000'000u);
  ASSERT_EQ(m.erabs.size(), 1u);
  EXPECT_EQ(m.erabs[0].erab_id, 5);
  EXPECT_EQ(m.erabs[0].qci, 9);
  EXPECT_EQ(m.erabs[0].arp_priority, 8);
  EXPECT_FALSE(m.erabs[0].pre_emption_capability);
  EXPECT_EQ(m.erabs[0].transport_layer_address, (Bytes{127, 0, 0, 6}));
  EXPECT_EQ(m.erabs[0].gtp_teid, 0x0000a00bu);
  ASSERT_TRUE(m.erabs[0].nas_pdu);
  EXPECT_EQ((*m.erabs[0].nas_pdu)[0], 0x27);  // integrity protected and ciphered ATTACH ACCEPT
  EXPECT_EQ(m.encryption_algorithms, 0xe000);
  EXPECT_EQ(m.integrity_algorithms, 0xe000);
  EXPECT_EQ(to_hex(m.security_key), "7c9184438728d263b81b0c3e99a1d1258462790f858e6ca85f5f140efbc54320");
  // The seventh IE, id 192 (Masked-IMEISV), criticality ignore: skipped and reported, not an error.
  ASSERT_EQ(d->unknown_ies.size(), 1u);
  EXPECT_EQ(d->unknown_ies[0].criticality, Criticality::ignore);
}

TEST(KnownAnswers, InitialContextSetupResponseAndUeContextReleaseCommandRoundTrip) {
  for (const char* pdu : {kInitialContextSetupResponse, kUeContextReleaseCommand}) {
    auto d = decode(hex(pdu));
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(to_hex(*encode(d->message)), pdu);
  }
  const auto r = std::get<InitialContextSetupResponse>(decode(hex(kInitialContextSetupResponse))->message);
  ASSERT_EQ(r.setup.size(), 1u);
  EXPECT_EQ(r.setup[0].erab_id, 5);
  // 160 bits: IPv4 127.0.0.2 then IPv6 fd69:f21d:873c:fa::2 (TS 36.414 5.1: both addresses of a dual-stack eNB).
  ASSERT_EQ(r.setup[0].transport_layer_address.size(), 20u);
  EXPECT_EQ(Bytes(r.setup[0].transport_layer_address.begin(), r.setup[0].transport_layer_address.begin() + 4),
            (Bytes{127, 0, 0, 2}));
  EXPECT_EQ(r.setup[0].gtp_teid, 1u);
  const auto c = std::get<UeContextReleaseCommand>(decode(hex(kUeContextReleaseCommand))->message);
  EXPECT_EQ(c.mme_ue_id, 1u);
  EXPECT_EQ(c.enb_ue_id, 1u);
  EXPECT_EQ(c.cause, cause::kNasNormalRelease);  // tshark: [NAS-cause=normal-release]
}

// A value that does not fit its field is refused, never cut to the field's bits (issue 14, "never a silent wrap").
TEST(Aper, AValueOrLengthThatDoesNotFitItsFieldIsRefusedNotCut) {
  AperWriter in_range;
  in_range.constrained(256, 1, 256);
  in_range.octet_string(Bytes(16383, 0));
  EXPECT_FALSE(in_range.problem());
  AperWriter number;
  number.constrained(257, 1, 256);
  ASSERT_TRUE(number.problem());
  EXPECT_EQ(*number.problem(), "257 is outside 1..256");
  AperWriter length;
  length.octet_string(Bytes(16384, 0));
  ASSERT_TRUE(length.problem());
  EXPECT_NE(length.problem()->find("16384 needs fragmentation"), std::string::npos) << *length.problem();
  AperWriter outer;
  outer.adopt_problem(number);
  EXPECT_EQ(outer.problem(), number.problem());
  // Through a message: 257 E-RABs (the list holds 1..256) make no INITIAL CONTEXT SETUP REQUEST.
  auto d = decode(hex(kInitialContextSetupRequest));
  ASSERT_TRUE(d) << d.error().message;
  auto m = std::get<InitialContextSetupRequest>(d->message);
  m.erabs.resize(257, m.erabs[0]);
  const auto too_many = encode(m);
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message.find("257 is outside 1..256"), std::string::npos) << too_many.error().message;
  m.erabs.clear();
  EXPECT_FALSE(encode(m)) << "an empty E-RAB list is below its lower bound";
}

// ---- round trips of every message -----------------------------------------------------------------------------

TEST(RoundTrip, EveryMessageDecodesToWhatWasEncoded) {
  for (const auto& m : every_message()) {
    auto bytes = encode(m);
    ASSERT_TRUE(bytes) << name_of(m);
    auto back = decode(*bytes);
    ASSERT_TRUE(back) << name_of(m) << ": " << back.error().message << " " << to_hex(*bytes);
    EXPECT_TRUE(back->message == m) << name_of(m) << " " << to_hex(*bytes);
    EXPECT_TRUE(back->unknown_ies.empty()) << name_of(m);
  }
}

TEST(RoundTrip, ExtensionValuesOfCausesSurvive) {
  const Message m = ErrorIndication{1, 2, Cause{Cause::Group::radio_network, 40}, std::nullopt};  // an addition
  auto back = decode(*encode(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<ErrorIndication>(back->message).cause, (Cause{Cause::Group::radio_network, 40}));
}

// ---- criticality (TS 36.413 10.3.4) ----------------------------------------------------------------------------

// The InitialUEMessage above with one more IE (id 999, value 0x00) of the given criticality appended.
Bytes with_extra_ie(Criticality c) {
  Bytes pdu = hex(kInitialUeMessage);
  // PDU header 00 0c 40 5b: value length 0x5b; the value starts 00 00 05 (ext bit, 5 IEs).
  pdu[3] = static_cast<std::uint8_t>(pdu[3] + 5);
  pdu[6] = 6;
  const std::uint8_t crit = static_cast<std::uint8_t>(static_cast<unsigned>(c) << 6);
  for (std::uint8_t b : {std::uint8_t{0x03}, std::uint8_t{0xe7}, crit, std::uint8_t{0x01}, std::uint8_t{0x00}}) pdu.push_back(b);
  return pdu;
}

TEST(Criticality, AnUnknownIeToIgnoreIsSkippedAndReported) {
  auto d = decode(with_extra_ie(Criticality::ignore));
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->unknown_ies.size(), 1u);
  EXPECT_EQ(d->unknown_ies[0].id, 999);
  EXPECT_FALSE(notification_for(*d));
  auto n = decode(with_extra_ie(Criticality::notify));
  ASSERT_TRUE(n);
  auto ind = notification_for(*n);
  ASSERT_TRUE(ind);
  EXPECT_EQ(ind->cause, cause::kProtocolAbstractSyntaxIgnoreNotify);
  ASSERT_TRUE(ind->diagnostics);
  EXPECT_EQ(ind->diagnostics->ies.at(0).id, 999);
}

TEST(Criticality, AnUnknownIeToRejectRefusesTheMessageWithDiagnosticsAndTheUeIds) {
  auto d = decode(with_extra_ie(Criticality::reject));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, DecodeError::Kind::abstract_syntax);
  EXPECT_EQ(d.error().enb_ue_id, 1u);
  ASSERT_EQ(d.error().diagnostics.ies.size(), 1u);
  EXPECT_EQ(d.error().diagnostics.ies[0], (IeProblem{999, Criticality::reject, IeProblem::Kind::not_understood}));
  EXPECT_EQ(d.error().diagnostics.procedure_code, 12);
  const auto ind = error_indication_for(d.error());
  EXPECT_EQ(ind.cause, cause::kProtocolAbstractSyntaxReject);
  EXPECT_EQ(ind.enb_ue_id, 1u);
}

TEST(Criticality, AMissingMandatoryIeIsAFalselyConstructedMessage) {
  InitialUeMessage m{1, Bytes{0x07}, {k99970, 1}, {k99970, 1}, 3, std::nullopt, std::nullopt};
  Bytes pdu = *encode(m);
  // Rename the NAS-PDU IE (id 26 = 00 1a, the second field) to an unknown id of criticality ignore: NAS-PDU is gone.
  for (std::size_t i = 0; i + 1 < pdu.size(); ++i) {
    if (pdu[i] == 0x00 && pdu[i + 1] == 0x1a) {
      pdu[i] = 0x03;
      pdu[i + 1] = 0xe7;
      pdu[i + 2] = 0x40;
      break;
    }
  }
  auto d = decode(pdu);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, DecodeError::Kind::abstract_syntax);
  bool missing = false;
  for (const auto& ie : d.error().diagnostics.ies) missing = missing || (ie.id == 26 && ie.kind == IeProblem::Kind::missing);
  EXPECT_TRUE(missing);
  EXPECT_EQ(error_indication_for(d.error()).cause, cause::kProtocolAbstractSyntaxFalselyConstructed);
}

TEST(Criticality, AnUnknownProcedureIsReportedWithItsCode) {
  auto d = decode(hex("00a0000400000000"));  // procedure 160, initiating, reject, an empty IE container
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, DecodeError::Kind::unknown_procedure);
  EXPECT_EQ(d.error().diagnostics.procedure_code, 160);
}

// ---- hostile input ------------------------------------------------------------------------------------------------

TEST(Hostile, EveryTruncationOfEveryKnownPduIsAnErrorNotACrash) {
  std::vector<Bytes> pdus;
  for (const char* h : {kS1SetupRequest, kS1SetupResponse, kInitialUeMessage, kInitialContextSetupRequest,
                        kInitialContextSetupResponse, kUeContextReleaseCommand}) {
    pdus.push_back(hex(h));
  }
  for (const auto& m : every_message()) pdus.push_back(*encode(m));
  std::size_t checked = 0;
  for (const auto& pdu : pdus) {
    for (std::size_t n = 0; n < pdu.size(); ++n) {
      EXPECT_FALSE(decode(ByteView(pdu).first(n))) << "a " << n << "-octet prefix of " << to_hex(pdu) << " decoded";
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000u);
}

TEST(Hostile, BitFlipsAndRandomBytesNeverCrashTheDecoder) {
  std::mt19937 rng(20261205);
  std::size_t decoded = 0, refused = 0;
  const Bytes base = hex(kInitialContextSetupRequest);
  for (int i = 0; i < 20000; ++i) {
    Bytes pdu = base;
    for (int f = 0; f < 1 + i % 4; ++f) pdu[rng() % pdu.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    (decode(pdu) ? decoded : refused)++;
  }
  for (int i = 0; i < 20000; ++i) {
    Bytes pdu(rng() % 64);
    for (auto& b : pdu) b = static_cast<std::uint8_t>(rng());
    (decode(pdu) ? decoded : refused)++;
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(decoded, 0u);  // most single flips land in the NAS-PDU or the key and still decode
}

}  // namespace
}  // namespace simbind::s1ap
