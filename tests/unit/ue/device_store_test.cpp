#include "services/ue/device_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/util/hex.h"
#include "services/ue/device_persister.h"

namespace simbind::ue {
namespace {

using namespace simbind::crypto;

class DeviceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/simbind-devices-XXXXXX";
    dir_ = mkdtemp(tmpl);
    key_ = random_octets<32>();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  DeviceStore store() { return DeviceStore::open(dir_ + "/devices", key_).value(); }
  std::string file_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
  MasterKey key_{};
};

TEST_F(DeviceStoreTest, when_an_me_is_saved_then_it_loads_back_with_its_key_and_kmes_and_no_secret_in_clear) {
  MobileEquipment me(Imei::create("49015420323751").value(), "07",
                     generate_device_key_pair(KeyWrapScheme::ecies_profile_b).value());
  const Kme kme = generate_kme();
  const Plmn home = Plmn::create("001", "01").value();
  me.kme_store().add({home, KmeId{77}, kme, true});
  auto s = store();
  ASSERT_TRUE(s.save(me));

  const auto back = s.load_me(me.imei());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->software_version(), "07");
  EXPECT_EQ(back->device_key().scheme, KeyWrapScheme::ecies_profile_b);
  EXPECT_EQ(back->device_key().private_key, me.device_key().private_key);
  ASSERT_EQ(back->kme_store().entries().size(), 1u);
  EXPECT_EQ(back->kme_store().entries()[0].kme, kme);
  EXPECT_TRUE(back->kme_store().entries()[0].confirmed);

  const std::string text = file_text(s.me_path(me.imei()));
  EXPECT_EQ(text.find(to_hex(kme)), std::string::npos) << "KME in clear";
  EXPECT_EQ(text.find(to_hex(me.device_key().private_key)), std::string::npos) << "private key in clear";
  EXPECT_FALSE(std::filesystem::exists(s.me_path(me.imei()) + ".tmp")) << "no temporary left behind";
}

TEST_F(DeviceStoreTest, when_a_usim_is_saved_after_use_then_its_sqn_array_survives) {
  UsimProfile profile{Imsi::create("001010000000321").value(), random_octets<16>(), random_octets<16>(), 2, {}};
  Usim usim(profile);
  const Milenage m(profile.k, profile.opc);
  const auto v = make_eutran_vector(m, random_octets<16>(), sqn_from_value(join_sqn(500, 3, 5)),
                                    amf_from_value(kAmfSeparationBit), Plmn::create("001", "01")->encode());
  ASSERT_TRUE(std::holds_alternative<AuthSuccess>(usim.authenticate(v.rand, v.autn)));
  auto s = store();
  ASSERT_TRUE(s.save(usim));
  auto back = s.load_usim(profile.imsi);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->sqn_window().seq_ms_by_ind(), usim.sqn_window().seq_ms_by_ind());
  EXPECT_TRUE(std::holds_alternative<SynchFailure>(back->authenticate(v.rand, v.autn))) << "the replay is still caught";
}

TEST_F(DeviceStoreTest, when_the_storage_key_is_wrong_or_the_file_is_damaged_then_loading_fails_clearly) {
  UsimProfile profile{Imsi::create("001010000000999").value(), random_octets<16>(), random_octets<16>(), 2, {}};
  auto s = store();
  ASSERT_TRUE(s.save(Usim(profile)));
  MasterKey other = key_;
  other[3] ^= 1;
  const auto wrong = DeviceStore::open(dir_ + "/devices", other).value().load_usim(profile.imsi);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::verification_failed);

  std::ofstream(s.usim_path(profile.imsi)) << "{\"imsi\": 12";
  const auto damaged = s.load_usim(profile.imsi);
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().message.find(s.usim_path(profile.imsi)), std::string::npos);
  EXPECT_EQ(s.load_usim(Imsi::create("001010000000111").value()).error().code, ErrorCode::not_found);
}

TEST_F(DeviceStoreTest, when_files_are_written_in_a_batch_then_list_finds_them_and_the_me_knows_its_uicc) {
  MobileEquipment me(Imei::create("49015420323751").value(), "01",
                     generate_device_key_pair(KeyWrapScheme::ecies_profile_a).value());
  const UsimProfile profile{Imsi::create("001010000000077").value(), random_octets<16>(), random_octets<16>(), 2, {}};
  me.insert_uicc(profile.imsi);
  auto s = store();
  const Usim usim(profile);
  ASSERT_TRUE(s.write_batch({s.render(me), s.render(usim.profile(), usim.sqn_window())}));
  std::ofstream(dir_ + "/devices/notes.txt") << "not a device";

  const auto listing = s.list().value();
  ASSERT_EQ(listing.mes.size(), 1u);
  EXPECT_EQ(listing.mes[0], me.imei());
  ASSERT_EQ(listing.uiccs.size(), 1u);
  EXPECT_EQ(listing.uiccs[0], profile.imsi);
  EXPECT_EQ(listing.ignored, std::vector<std::string>{"notes.txt"});
  EXPECT_EQ(s.load_me(me.imei()).value().inserted_uicc(), std::optional<Imsi>(profile.imsi));
  EXPECT_EQ(s.load_usim(profile.imsi).value().profile().k, profile.k);
  EXPECT_FALSE(std::filesystem::exists(s.me_path(me.imei()) + ".tmp"));
}

TEST_F(DeviceStoreTest, when_one_file_of_a_batch_cannot_be_renamed_then_the_others_are_written_and_no_tmp_remains) {
  auto s = store();
  const std::string d = dir_ + "/devices/";
  std::filesystem::create_directories(d + "b.json/inside");  // a rename over a non-empty directory fails
  std::vector<std::size_t> failed;
  const auto r = s.write_batch({{d + "a.json", "A"}, {d + "b.json", "SECRET-B"}, {d + "c.json", "C"}}, &failed);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(d + "b.json"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("SECRET-B"), std::string::npos) << "never the content";
  EXPECT_EQ(failed, std::vector<std::size_t>{1});
  EXPECT_EQ(file_text(d + "a.json"), "A");
  EXPECT_EQ(file_text(d + "c.json"), "C") << "a file after the failed one is still written";
  for (const char* tmp : {"a.json.tmp", "b.json.tmp", "c.json.tmp"}) {
    EXPECT_FALSE(std::filesystem::exists(d + tmp)) << tmp << " left behind";
  }
}

TEST_F(DeviceStoreTest, when_a_persisted_file_fails_then_it_is_kept_and_written_once_the_problem_is_gone) {
  auto s = store();
  const std::string d = dir_ + "/devices/";
  std::filesystem::create_directories(d + "b.json/inside");
  DevicePersister persister(s, std::chrono::milliseconds(20));
  persister.save({d + "a.json", "A"});
  persister.save({d + "b.json", "B1"});
  persister.flush();
  EXPECT_EQ(file_text(d + "a.json"), "A") << "the rest of the batch is written";
  EXPECT_EQ(persister.failing(), 1u) << "the failed file is kept, not dropped";
  const auto settled = [&persister] {
    persister.flush();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (persister.failing() > 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return persister.failing() == 0;
  };
  std::filesystem::remove_all(d + "b.json");
  EXPECT_TRUE(settled());
  EXPECT_EQ(file_text(d + "b.json"), "B1") << "written on a retry";
  // Newer content for a path that failed wins over the kept one.
  std::filesystem::remove(d + "b.json");
  std::filesystem::create_directories(d + "b.json/inside");
  persister.save({d + "b.json", "B2"});
  persister.flush();
  ASSERT_EQ(persister.failing(), 1u);
  persister.save({d + "b.json", "B3"});
  std::filesystem::remove_all(d + "b.json");
  EXPECT_TRUE(settled());
  EXPECT_EQ(file_text(d + "b.json"), "B3");
}

}  // namespace
}  // namespace simbind::ue
