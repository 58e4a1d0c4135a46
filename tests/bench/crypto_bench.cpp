// Crypto throughput of the parts the HSS, prov and ME run per procedure:
//   - E-UTRAN vectors (Milenage f1-f5 + AUTN + KASME), regular and pre-processed (RAND* and binding AMF),
//   - ECIES wrap/unwrap of a 16-octet KME (Profiles A and B), RSA-OAEP-SHA-256 wrap/unwrap (RSA-2048).
// Run: build/tests/bench/simbind-crypto-bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "common/crypto/binding.h"
#include "common/crypto/key_wrap.h"
#include "common/crypto/sqn.h"

namespace {

using namespace simbind;
using namespace simbind::crypto;

const Octets<3> kSnId = Plmn::create("001", "01")->encode();

// Per AIR the HSS builds the subscriber's Milenage (K's key schedule) once; the benchmark does it per vector,
// the worst case of one vector per request.
void BM_EutranVector(benchmark::State& state) {
  const Key128 k = random_octets<16>();
  const Opc opc = random_octets<16>();
  const HeSqnGenerator gen(HeSqnPolicy{});
  HeSqnState sqn_state{};
  for (auto _ : state) {
    const Milenage m(k, opc);
    const Sqn sqn = gen.next(sqn_state, 1)->sqns[0];
    benchmark::DoNotOptimize(make_eutran_vector(m, random_octets<16>(), sqn, amf_from_value(kAmfSeparationBit), kSnId));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EutranVector);

void BM_PreprocessedEutranVector(benchmark::State& state) {
  const Key128 k = random_octets<16>();
  const Opc opc = random_octets<16>();
  const Kme kme = generate_kme();
  const Amf amf = binding_amf(amf_from_value(kAmfSeparationBit), KmeId{7});
  const HeSqnGenerator gen(HeSqnPolicy{});
  HeSqnState sqn_state{};
  for (auto _ : state) {
    const Milenage m(k, opc);
    const Sqn sqn = gen.next(sqn_state, 1)->sqns[0];
    EutranVector av = make_eutran_vector(m, random_octets<16>(), sqn, amf, kSnId);
    av.rand = encrypt_rand(kme, av.rand);
    benchmark::DoNotOptimize(av);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PreprocessedEutranVector);

void BM_Wrap(benchmark::State& state, KeyWrapScheme scheme) {
  const auto pair = generate_device_key_pair(scheme).value();
  const Kme kme = generate_kme();
  for (auto _ : state) benchmark::DoNotOptimize(wrap_for_device(scheme, pair.public_key, kme));
  state.SetItemsProcessed(state.iterations());
}

void BM_Unwrap(benchmark::State& state, KeyWrapScheme scheme) {
  const auto pair = generate_device_key_pair(scheme).value();
  const auto wrapped = wrap_for_device(scheme, pair.public_key, generate_kme()).value();
  for (auto _ : state) benchmark::DoNotOptimize(unwrap_on_device(scheme, pair.private_key, wrapped));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_Wrap, ecies_profile_a, KeyWrapScheme::ecies_profile_a);
BENCHMARK_CAPTURE(BM_Unwrap, ecies_profile_a, KeyWrapScheme::ecies_profile_a);
BENCHMARK_CAPTURE(BM_Wrap, ecies_profile_b, KeyWrapScheme::ecies_profile_b);
BENCHMARK_CAPTURE(BM_Unwrap, ecies_profile_b, KeyWrapScheme::ecies_profile_b);
BENCHMARK_CAPTURE(BM_Wrap, rsa_oaep_2048, KeyWrapScheme::rsa_oaep_sha256);
BENCHMARK_CAPTURE(BM_Unwrap, rsa_oaep_2048, KeyWrapScheme::rsa_oaep_sha256);

}  // namespace

BENCHMARK_MAIN();
