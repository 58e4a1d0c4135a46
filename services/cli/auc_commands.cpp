#include "services/cli/auc_commands.h"

#include <iostream>
#include <optional>

#include "common/crypto/auth_vector.h"
#include "common/crypto/binding.h"
#include "common/crypto/key_wrap.h"
#include "common/crypto/nas_security.h"
#include "services/cli/cli_args.h"
#include "services/cli/cli_output.h"

namespace simbind::cli {
namespace {

using namespace simbind::crypto;

// Each leaf command fills its options, then `run` computes the Output; --json picks the format.
struct Leaf {
  CLI::App* app;
  std::shared_ptr<bool> json;
};

template <typename Run>
Leaf leaf(CLI::App& parent, const std::string& name, const std::string& description, Run run) {
  CLI::App* app = parent.add_subcommand(name, description);
  auto json = std::make_shared<bool>(false);
  app->add_flag("--json", *json, "print one JSON object (lowercase hex) instead of a table");
  app->callback([run, json] { run().print(std::cout, *json); });
  return {app, json};
}

// --op / --opc: exactly one, OPc derived from OP when OP is given (TS 35.206 4.1).
struct OperatorKey {
  std::string op;
  std::string opc;

  void add_to(CLI::App* app) {
    auto* op_opt = app->add_option("--op", op, "operator variant key OP (32 hex digits)");
    auto* opc_opt = app->add_option("--opc", opc, "derived operator key OPc (32 hex digits)");
    op_opt->excludes(opc_opt);
    opc_opt->excludes(op_opt);
  }
  Opc resolve(const Key128& k) const {
    if (!opc.empty()) return hex_option<16>("--opc", opc);
    if (!op.empty()) return compute_opc(k, hex_option<16>("--op", op));
    throw UsageError("--op/--opc", "one of them is required");
  }
};

struct SubscriberInputs {
  std::string k, rand;
  OperatorKey operator_key;

  void add_to(CLI::App* app) {
    app->add_option("--k", k, "subscriber key K (32 hex digits)")->required();
    operator_key.add_to(app);
    app->add_option("--rand", rand, "RAND (32 hex digits)")->required();
  }
};

void add_milenage(CLI::App& auc) {
  struct Opts {
    SubscriberInputs in;
    std::string sqn, amf, mcc, mnc;
  };
  auto o = std::make_shared<Opts>();
  auto l = leaf(auc, "milenage", "f1-f5* of TS 35.206, AUTN, and KASME when --mcc/--mnc are given", [o] {
    const auto k = hex_option<16>("--k", o->in.k);
    const Opc opc = o->in.operator_key.resolve(k);
    const auto rand = hex_option<16>("--rand", o->in.rand);
    const auto sqn = hex_option<6>("--sqn", o->sqn);
    const auto amf = hex_option<2>("--amf", o->amf);
    std::optional<Plmn> plmn;
    if (!o->mcc.empty() || !o->mnc.empty()) {
      if (o->mcc.empty() || o->mnc.empty()) throw UsageError("--mcc/--mnc", "give both or neither");
      auto p = Plmn::create(o->mcc, o->mnc);
      if (!p) throw UsageError("--mcc/--mnc", p.error().message);
      plmn = *p;
    }

    const Milenage m(k, opc);
    const MilenageF2345 f = m.f2345(rand);
    const Mac64 mac_a = m.f1(rand, sqn, amf);
    Output out;
    out.add("opc", to_hex(opc))
        .add("mac_a", to_hex(mac_a))
        .add("mac_s", to_hex(m.f1star(rand, sqn, amf)))
        .add("res", to_hex(f.res))
        .add("ck", to_hex(f.ck))
        .add("ik", to_hex(f.ik))
        .add("ak", to_hex(f.ak))
        .add("ak_star", to_hex(m.f5star(rand)))
        .add("autn", to_hex(build_autn(sqn, f.ak, amf, mac_a)));
    if (plmn) out.add("kasme", to_hex(derive_kasme(f.ck, f.ik, *plmn, xor_octets(sqn, f.ak))));
    return out;
  });
  o->in.add_to(l.app);
  l.app->add_option("--sqn", o->sqn, "SQN (12 hex digits)")->required();
  l.app->add_option("--amf", o->amf, "AMF (4 hex digits)")->required();
  l.app->add_option("--mcc", o->mcc, "serving network MCC (3 digits), for KASME");
  l.app->add_option("--mnc", o->mnc, "serving network MNC (2 or 3 digits), for KASME");
}

void add_auts(CLI::App& auc) {
  struct Opts {
    SubscriberInputs in;
    std::string sqn_ms;
  };
  auto o = std::make_shared<Opts>();
  auto l = leaf(auc, "auts", "AUTS for a resynchronisation (TS 33.102 6.3.3)", [o] {
    const auto k = hex_option<16>("--k", o->in.k);
    const Milenage m(k, o->in.operator_key.resolve(k));
    const auto auts = build_auts(m, hex_option<16>("--rand", o->in.rand), hex_option<6>("--sqn-ms", o->sqn_ms));
    return Output().add("auts", to_hex(auts));
  });
  o->in.add_to(l.app);
  l.app->add_option("--sqn-ms", o->sqn_ms, "SQN_MS, the USIM's highest accepted SQN (12 hex digits)")->required();
}

void add_resync(CLI::App& auc) {
  struct Opts {
    SubscriberInputs in;
    std::string auts;
  };
  auto o = std::make_shared<Opts>();
  auto l = leaf(auc, "resync", "recover SQN_MS from AUTS and check MAC-S (TS 33.102 6.3.5)", [o] {
    const auto k = hex_option<16>("--k", o->in.k);
    const Milenage m(k, o->in.operator_key.resolve(k));
    const auto r = verify_auts(m, hex_option<16>("--rand", o->in.rand), hex_option<14>("--auts", o->auts));
    return Output().add("sqn_ms", to_hex(r.sqn_ms)).add("mac_s_valid", r.mac_s_valid);
  });
  o->in.add_to(l.app);
  l.app->add_option("--auts", o->auts, "AUTS (28 hex digits)")->required();
}

void add_nas_keys(CLI::App& auc) {
  struct Opts {
    std::string kasme;
    int enc_alg = 0, int_alg = 0;
  };
  auto o = std::make_shared<Opts>();
  auto l = leaf(auc, "nas-keys", "KNASenc and KNASint from KASME (TS 33.401 A.7)", [o] {
    const NasKeys keys = derive_nas_keys(hex_option<32>("--kasme", o->kasme), static_cast<std::uint8_t>(o->enc_alg),
                                         static_cast<std::uint8_t>(o->int_alg));
    return Output().add("k_nas_enc", to_hex(keys.k_nas_enc)).add("k_nas_int", to_hex(keys.k_nas_int));
  });
  l.app->add_option("--kasme", o->kasme, "KASME (64 hex digits)")->required();
  l.app->add_option("--enc-alg", o->enc_alg, "ciphering algorithm identity (0 EEA0, 1 EEA1, 2 EEA2, 3 EEA3)")
      ->required()
      ->check(CLI::Range(0, 15));
  l.app->add_option("--int-alg", o->int_alg, "integrity algorithm identity (0 EIA0, 1 EIA1, 2 EIA2, 3 EIA3)")
      ->required()
      ->check(CLI::Range(0, 15));
}

struct NasCipherOpts {
  std::string key, count, data;
  int bearer = 0, direction = 0;
  std::size_t length_bits = 0;

  void add_to(CLI::App* app) {
    app->add_option("--key", key, "128-bit key (32 hex digits)")->required();
    app->add_option("--count", count, "COUNT (8 hex digits)")->required();
    app->add_option("--bearer", bearer, "BEARER (0..31)")->required()->check(CLI::Range(0, 31));
    app->add_option("--direction", direction, "DIRECTION (0 uplink, 1 downlink)")->required()->check(CLI::Range(0, 1));
    app->add_option("--length-bits", length_bits, "LENGTH in bits")->required();
    app->add_option("--data", data, "data, ceil(LENGTH/8) octets in hex")->required();
  }
  NasSecurityInput input() const {
    const auto c = hex_option<4>("--count", count);
    return {static_cast<std::uint32_t>(from_big_endian(c)), static_cast<std::uint8_t>(bearer),
            static_cast<Direction>(direction)};
  }
};

void add_eea2_eia2(CLI::App& auc) {
  auto e = std::make_shared<NasCipherOpts>();
  auto enc = leaf(auc, "eea2", "128-EEA2 keystream applied to data (TS 33.401 B.1.3)", [e] {
    auto out = eea2(hex_option<16>("--key", e->key), e->input(), hex_bytes_option("--data", e->data), e->length_bits);
    if (!out) throw UsageError("--data", out.error().message);
    return Output().add("output", to_hex(*out));
  });
  e->add_to(enc.app);

  auto i = std::make_shared<NasCipherOpts>();
  auto mac = leaf(auc, "eia2", "128-EIA2 MAC-I over data (TS 33.401 B.2.3)", [i] {
    auto out = eia2(hex_option<16>("--key", i->key), i->input(), hex_bytes_option("--data", i->data), i->length_bits);
    if (!out) throw UsageError("--data", out.error().message);
    return Output().add("mac", to_hex(*out));
  });
  i->add_to(mac.app);
}

void add_rand_cipher(CLI::App& auc) {
  struct Opts {
    std::string kme, rand;
  };
  auto enc = std::make_shared<Opts>();
  auto l1 = leaf(auc, "rand-encrypt", "RAND* = AES-128(KME, RAND), as the HSS pre-processes a vector", [enc] {
    return Output().add("rand_star",
                        to_hex(encrypt_rand(hex_option<16>("--kme", enc->kme), hex_option<16>("--rand", enc->rand))));
  });
  l1.app->add_option("--kme", enc->kme, "KME (32 hex digits)")->required();
  l1.app->add_option("--rand", enc->rand, "RAND (32 hex digits)")->required();

  auto dec = std::make_shared<Opts>();
  auto l2 = leaf(auc, "rand-decrypt", "RAND = AES-128-Decrypt(KME, RAND*), as the ME recovers it", [dec] {
    return Output().add("rand", to_hex(decrypt_rand(hex_option<16>("--kme", dec->kme),
                                                    hex_option<16>("--rand-star", dec->rand))));
  });
  l2.app->add_option("--kme", dec->kme, "KME (32 hex digits)")->required();
  l2.app->add_option("--rand-star", dec->rand, "RAND* (32 hex digits)")->required();
}

EciesProfile parse_profile(const std::string& p) {
  if (p == "a" || p == "A") return EciesProfile::a;
  if (p == "b" || p == "B") return EciesProfile::b;
  throw UsageError("--profile", "must be a or b");
}

void add_ecies(CLI::App& auc) {
  struct WrapOpts {
    std::string profile, hn_pub, plaintext, eph_priv;
  };
  auto w = std::make_shared<WrapOpts>();
  auto wrap = leaf(auc, "ecies-wrap", "ECIES encryption of TS 33.501 C.3 (Profile A X25519, B P-256)", [w] {
    const EciesProfile profile = parse_profile(w->profile);
    const Bytes hn_pub = hex_bytes_option("--hn-pub", w->hn_pub);
    const Bytes plaintext = hex_bytes_option("--plaintext", w->plaintext);
    std::optional<Bytes> eph;
    if (!w->eph_priv.empty()) eph = hex_bytes_option("--eph-priv", w->eph_priv);
    auto out = ecies_wrap(profile, hn_pub, plaintext, eph ? std::optional<ByteView>(*eph) : std::nullopt);
    if (!out) {
      // Malformed keys are the caller's input: say which option held them.
      const std::string_view option = eph && out.error().message.find("private") != std::string::npos ? "--eph-priv"
                                                                                                      : "--hn-pub";
      throw UsageError(option, out.error().message);
    }
    return Output().add("output", to_hex(*out));
  });
  wrap.app->add_option("--profile", w->profile, "a (X25519) or b (P-256)")->required();
  wrap.app->add_option("--hn-pub", w->hn_pub, "recipient public key (A: 32 octets; B: 33 or 65 octets)")->required();
  wrap.app->add_option("--plaintext", w->plaintext, "plaintext (hex)")->required();
  wrap.app->add_option("--eph-priv", w->eph_priv, "fixed ephemeral private key (32 octets; default: fresh)");

  struct UnwrapOpts {
    std::string profile, hn_priv, input;
  };
  auto u = std::make_shared<UnwrapOpts>();
  auto unwrap = leaf(auc, "ecies-unwrap", "ECIES decryption of TS 33.501 C.3 (checks the MAC tag)", [u] {
    const EciesProfile profile = parse_profile(u->profile);
    auto out = ecies_unwrap(profile, hex_bytes_option("--hn-priv", u->hn_priv), hex_bytes_option("--input", u->input));
    if (!out) {
      if (out.error().code == ErrorCode::verification_failed) throw OperationError(out.error().message);
      const bool key_problem = out.error().message.find("private") != std::string::npos;
      throw UsageError(key_problem ? "--hn-priv" : "--input", out.error().message);
    }
    return Output().add("plaintext", to_hex(*out));
  });
  unwrap.app->add_option("--profile", u->profile, "a (X25519) or b (P-256)")->required();
  unwrap.app->add_option("--hn-priv", u->hn_priv, "recipient private key (32 octets)")->required();
  unwrap.app->add_option("--input", u->input, "ephemeral public key || ciphertext || tag (hex)")->required();
}

}  // namespace

void add_auc_commands(CLI::App& parent) {
  CLI::App* auc = parent.add_subcommand("auc", "AuC calculator: Milenage, AKA, NAS keys and ciphers, binding crypto");
  auc->require_subcommand(1);
  add_milenage(*auc);
  add_auts(*auc);
  add_resync(*auc);
  add_nas_keys(*auc);
  add_eea2_eia2(*auc);
  add_rand_cipher(*auc);
  add_ecies(*auc);
}

}  // namespace simbind::cli
