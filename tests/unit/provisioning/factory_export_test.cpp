// The factory KME export (sealed JSON lines) and prov's factory KME store: what the factory writes opens only
// under the transfer key and unaltered; a malformed entry refuses the whole file; the store keeps KMEs sealed,
// bound to their IMEI, and never overwrites an IMEI it knows.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/util/hex.h"
#include "services/provisioning/factory_export.h"
#include "services/provisioning/factory_kme_store.h"

namespace simbind::prov {
namespace {

std::vector<FactoryKme> two_devices() {
  return {FactoryKme{*Imei::create("35693803564380"), 1, crypto::generate_kme()},
          FactoryKme{*Imei::create("49015420323751"), 4121788697u, crypto::generate_kme()}};
}

TEST(FactoryExport, when_sealed_and_opened_under_the_same_key_then_every_entry_comes_back) {
  const auto key = crypto::random_octets<32>();
  const auto entries = two_devices();
  const Bytes sealed = seal_factory_export(key, entries);
  const std::string text(sealed.begin(), sealed.end());
  EXPECT_EQ(text.find(to_hex(entries[0].kme)), std::string::npos) << "a KME in the clear";
  EXPECT_EQ(text.find("356938035643809"), std::string::npos) << "IMEIs are sealed too";
  const auto opened = open_factory_export(key, sealed).value();
  ASSERT_EQ(opened.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(opened[i].imei.str(), entries[i].imei.str());
    EXPECT_EQ(opened[i].kme_id, entries[i].kme_id);
    EXPECT_EQ(opened[i].kme, entries[i].kme);
  }
}

TEST(FactoryExport, when_a_bit_is_flipped_or_the_key_is_another_then_it_is_refused_as_a_whole) {
  const auto key = crypto::random_octets<32>();
  Bytes sealed = seal_factory_export(key, two_devices());
  for (std::size_t at : {std::size_t{40}, sealed.size() / 2, sealed.size() - 1}) {
    Bytes altered = sealed;
    altered[at] ^= 0x01;
    const auto r = open_factory_export(key, altered);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::verification_failed);
    EXPECT_NE(r.error().message.find("does not verify under the transfer key"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(open_factory_export(crypto::random_octets<32>(), sealed).error().code, ErrorCode::verification_failed);
  sealed.resize(sealed.size() - 5);
  EXPECT_FALSE(open_factory_export(key, sealed));
  const std::string other = "imei,kme\n";
  const auto r = open_factory_export(key, ByteView(reinterpret_cast<const std::uint8_t*>(other.data()), other.size()));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a simbind factory KME export"), std::string::npos) << r.error().message;
}

TEST(FactoryExport, when_an_entry_is_malformed_then_the_line_is_named_and_no_key_is_echoed) {
  const std::string kme = "2b7e151628aed2a6abf7158809cf4f3c";
  auto error_of = [](const std::string& text) {
    auto r = parse_factory_kmes(text);
    return r ? std::string("(no error)") : r.error().message;
  };
  EXPECT_EQ(parse_factory_kmes("{\"imei\":\"35693803564380\",\"kme_id\":7,\"kme\":\"" + kme + "\"}\n\n").value().size(), 1u);
  EXPECT_NE(error_of("{\"imei\":\"356938035643801\",\"kme_id\":7,\"kme\":\"" + kme + "\"}\n").find("export line 1: imei:"),
            std::string::npos);
  EXPECT_NE(error_of("\n{\"imei\":\"35693803564380\",\"kme_id\":0,\"kme\":\"" + kme + "\"}\n")
                .find("export line 2: kme_id: must be 1..4294967295"),
            std::string::npos);
  const std::string m = error_of("{\"imei\":\"35693803564380\",\"kme_id\":7,\"kme\":\"" + kme + "00\"}\n");
  EXPECT_NE(m.find("export line 1: kme: expected 32 hex digits"), std::string::npos) << m;
  EXPECT_EQ(m.find(kme), std::string::npos) << m;
  EXPECT_NE(error_of("{\"imei\":\"35693803564380\",\"kme_id\":7,\"kme\":\"" + kme + "\"}\n{\"imei\":\"356938035643809\",\"kme_id\":8,\"kme\":\"" +
                     kme + "\"}\n")
                .find("export line 2: IMEI 356938035643809 repeated"),
            std::string::npos);
  EXPECT_NE(error_of("not json\n").find("export line 1: not a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{\"imei\":\"35693803564380\",\"kme_id\":7,\"kme\":\"" + kme + "\",\"x\":1}\n").find("unknown key 'x'"),
            std::string::npos);
}

class FactoryKmeStoreTest : public ::testing::Test {
 protected:
  std::string path = (std::filesystem::temp_directory_path() /
                      ("prov-store-" + std::to_string(::getpid()) + "-" +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                         .string();
  crypto::MasterKey key = crypto::random_octets<32>();
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
};

TEST_F(FactoryKmeStoreTest, when_imported_then_found_and_a_known_imei_is_not_overwritten) {
  auto store = FactoryKmeStore::open(path, key).value();
  const auto entries = two_devices();
  const auto first = store->import(entries).value();
  EXPECT_EQ(first.imported, 2u);
  EXPECT_EQ(first.already_known, 0u);
  auto again = two_devices();  // same IMEIs, other KMEs
  const auto second = store->import(again).value();
  EXPECT_EQ(second.imported, 0u);
  EXPECT_EQ(second.already_known, 2u);
  const auto found = store->find(entries[1].imei).value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->kme, entries[1].kme) << "the first import is kept";
  EXPECT_EQ(found->kme_id, entries[1].kme_id);
  EXPECT_FALSE(store->find(*Imei::create("35000000000000")).value());
}

TEST_F(FactoryKmeStoreTest, when_opened_with_another_master_key_then_it_is_refused) {
  { ASSERT_TRUE(FactoryKmeStore::open(path, key)); }
  const auto r = FactoryKmeStore::open(path, crypto::random_octets<32>());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("created with another master key"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace simbind::prov
