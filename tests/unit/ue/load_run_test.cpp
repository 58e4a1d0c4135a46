// LoadRun's refusals: a rate that is not a finite number above 0 never reaches the pacing arithmetic.
#include "services/ue/load_run.h"
#include "services/ue/nas_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <limits>

namespace simbind::ue {
namespace {

using namespace std::chrono_literals;

class LoadRunTest : public ::testing::Test {
 protected:
  LoadRunTest()
      : dir_(make_dir()),
        client_(NasClient::create("127.0.0.1", 9, 1000ms).value()),  // never started: nothing connects
        store_(DeviceStore::open(dir_, crypto::random_octets<32>()).value()),
        persister_(store_),
        fleet_(*client_, store_, persister_, events_, config_) {
    MobileEquipment me(Imei::create("49015420323751").value(), "01",
                       crypto::generate_device_key_pair(crypto::KeyWrapScheme::ecies_profile_a).value());
    Usim usim(UsimProfile{Imsi::create("001010000000123").value(), crypto::random_octets<16>(),
                          crypto::random_octets<16>(), 2, {}});
    std::vector<NewDevice> devices;
    devices.push_back(NewDevice{std::move(me), std::move(usim)});
    EXPECT_TRUE(fleet_.add(std::move(devices)));
  }
  ~LoadRunTest() override {
    persister_.flush();
    std::filesystem::remove_all(dir_);
  }
  static std::string make_dir() {
    char tmpl[] = "/tmp/simbind-load-XXXXXX";
    return mkdtemp(tmpl);
  }

  std::string dir_;
  UeNasConfig config_;
  EventHub events_;
  std::unique_ptr<NasClient> client_;
  DeviceStore store_;
  DevicePersister persister_;
  UeFleet fleet_;
};

TEST_F(LoadRunTest, when_the_rate_is_nan_infinite_or_not_above_0_then_the_load_is_refused) {
  for (const double rate : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(), 0.0, -5.0}) {
    LoadSpec spec;
    spec.rate = rate;
    const auto r = LoadRun::start(fleet_, *client_, spec);
    ASSERT_FALSE(r) << "rate " << rate << " accepted";
    EXPECT_EQ(r.error().code, ControlError::Code::invalid_argument);
    EXPECT_NE(r.error().message.find("rate"), std::string::npos) << r.error().message;
  }
}

TEST_F(LoadRunTest, when_the_rate_is_finite_and_positive_then_the_load_starts) {
  LoadSpec spec;
  spec.rate = 1e6;
  const auto r = LoadRun::start(fleet_, *client_, spec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)->snapshot().started, 1u);
  (*r)->halt();
}

}  // namespace
}  // namespace simbind::ue
