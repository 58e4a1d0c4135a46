// `simbind hss ...` end to end: the real simbind binary against a real simbind-hss (each test its own daemon,
// on its own ports). Every command once, the import formats, and the exit statuses and messages of bad input:
// 2 for what the command line got wrong (named by option or file field), 1 for what the HSS refused or when it
// cannot be reached.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/crypto/milenage.h"
#include "hss_admin.grpc.pb.h"
#include "common/util/hex.h"
#include "tests/integration/support/hss_harness.h"

namespace simbind::test {
namespace {

using nlohmann::json;

struct CliRun {
  int status = -1;  // exit status, -1 when the process did not exit normally
  std::string out, err;
};

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs build/services/cli/simbind with `args` (through /bin/sh, `env` prepended as VAR=value assignments).
CliRun simbind(const TempDir& dir, const std::vector<std::string>& args, const std::string& env = "") {
  const std::string err_path = dir.file("simbind.stderr");
  std::string cmd = env + (env.empty() ? "" : " ") + quoted(daemon_path("services/cli/simbind"));
  for (const auto& a : args) cmd += " " + quoted(a);
  cmd += " 2>" + quoted(err_path);
  CliRun r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.out.append(buf, n);
  const int st = ::pclose(pipe);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = read_file(err_path);
  return r;
}

std::string show(const CliRun& r) {
  return "exit " + std::to_string(r.status) + "\nstdout:\n" + r.out + "stderr:\n" + r.err;
}

json parse(const CliRun& r) {
  try {
    return json::parse(r.out);
  } catch (const json::exception& e) {
    ADD_FAILURE() << "not one JSON object: " << e.what() << "\n" << show(r);
    return json::object();
  }
}

constexpr const char* kImsi = "001010000000001";

class HssCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(hss_.start()) << hss_.process().log(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(hss_.admin_port()); }

  // `simbind hss <args> --hss <this test's daemon>`
  CliRun hss(std::vector<std::string> args) {
    args.insert(args.begin(), "hss");
    args.push_back("--hss");
    args.push_back(address());
    return simbind(hss_.dir(), args);
  }

  CliRun create(const std::string& imsi, const std::string& k, const std::string& opc) {
    return hss({"create", "--imsi", imsi, "--k", k, "--opc", opc});
  }

  HssHarness hss_;
};

TEST_F(HssCli, when_a_subscriber_is_created_then_get_shows_its_profile_and_binding_and_never_a_key) {
  const std::string k = random_hex(16), op = random_hex(16);
  const std::string opc = to_hex(crypto::compute_opc(*octets_from_hex<16>(k), *octets_from_hex<16>(op)));
  const CliRun created =
      hss({"create",  "--imsi",   kImsi,         "--k",       k,          "--op",      op,        "--amf",
           "9001",    "--msisdn", "46700000001", "--apn",     "ims",      "--ambr-ul", "1000000", "--ambr-dl",
           "2000000", "--qci",    "5",           "--binding", "required", "--json"});
  ASSERT_EQ(created.status, 0) << show(created);
  const json c = parse(created);
  EXPECT_EQ(c["imsi"], kImsi);
  EXPECT_EQ(c["amf"], "9001");
  EXPECT_EQ(c["binding_policy"], "required");

  const CliRun got = hss({"get", "--imsi", kImsi, "--json"});
  ASSERT_EQ(got.status, 0) << show(got);
  const json g = parse(got);
  EXPECT_EQ(g["imsi"], kImsi);
  EXPECT_EQ(g["amf"], "9001");
  EXPECT_EQ(g["msisdn"], "46700000001");
  EXPECT_EQ(g["apn"], "ims");
  EXPECT_EQ(g["ambr_ul"], 1000000);
  EXPECT_EQ(g["ambr_dl"], 2000000);
  EXPECT_EQ(g["qci"], 5);
  EXPECT_EQ(g["binding_policy"], "required");
  EXPECT_EQ(g["binding_state"], "none");
  EXPECT_EQ(g["binding_has_kme"], false);
  EXPECT_EQ(g["mme_host"], "");
  EXPECT_EQ(g["purged"], false);
  EXPECT_TRUE(g.contains("sqn_reserved"));

  const CliRun table = hss({"get", "--imsi", kImsi});
  ASSERT_EQ(table.status, 0) << show(table);
  EXPECT_NE(table.out.find("binding_state"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("46700000001"), std::string::npos) << table.out;
  for (const CliRun* r : {&created, &got, &table}) {
    for (const std::string& secret : {k, op, opc}) {
      EXPECT_EQ(r->out.find(secret), std::string::npos) << "a key appears in the output";
      EXPECT_EQ(r->err.find(secret), std::string::npos) << "a key appears in the output";
    }
  }
}

TEST_F(HssCli, when_update_gives_some_profile_fields_then_those_change_and_the_rest_is_kept) {
  ASSERT_EQ(hss({"create", "--imsi", kImsi, "--k", random_hex(16), "--opc", random_hex(16), "--msisdn", "46700000001",
                 "--apn", "ims", "--qci", "6", "--ambr-ul", "3000"})
                .status,
            0);
  const CliRun updated = hss({"update", "--imsi", kImsi, "--msisdn", "46700000002", "--json"});
  ASSERT_EQ(updated.status, 0) << show(updated);
  const json u = parse(updated);
  EXPECT_EQ(u["msisdn"], "46700000002");
  EXPECT_EQ(u["apn"], "ims");
  EXPECT_EQ(u["qci"], 6);
  EXPECT_EQ(u["ambr_ul"], 3000);

  const CliRun rekeyed =
      hss({"update", "--imsi", kImsi, "--k", random_hex(16), "--opc", random_hex(16), "--amf", "8001", "--json"});
  ASSERT_EQ(rekeyed.status, 0) << show(rekeyed);
  EXPECT_EQ(parse(rekeyed)["amf"], "8001");
  EXPECT_EQ(parse(rekeyed)["msisdn"], "46700000002");

  const CliRun nothing = hss({"update", "--imsi", kImsi});
  EXPECT_EQ(nothing.status, 2) << show(nothing);
  EXPECT_NE(nothing.err.find("nothing to change"), std::string::npos) << show(nothing);
  const CliRun opc_alone = hss({"update", "--imsi", kImsi, "--opc", random_hex(16)});
  EXPECT_EQ(opc_alone.status, 2) << show(opc_alone);
  EXPECT_NE(opc_alone.err.find("--k"), std::string::npos) << show(opc_alone);
}

TEST_F(HssCli, when_a_subscriber_is_deleted_then_get_fails_naming_the_imsi) {
  ASSERT_EQ(create(kImsi, random_hex(16), random_hex(16)).status, 0);
  const CliRun deleted = hss({"delete", "--imsi", kImsi, "--json"});
  ASSERT_EQ(deleted.status, 0) << show(deleted);
  EXPECT_EQ(parse(deleted)["deleted"], true);

  const CliRun got = hss({"get", "--imsi", kImsi});
  EXPECT_EQ(got.status, 1) << show(got);
  EXPECT_NE(got.err.find(kImsi), std::string::npos) << show(got);
  EXPECT_EQ(hss({"delete", "--imsi", kImsi}).status, 1);
}

TEST_F(HssCli, when_listing_with_offset_and_limit_then_pages_come_in_imsi_order_with_the_total) {
  for (const char* imsi : {"001010000000003", "001010000000001", "001010000000002"}) {
    ASSERT_EQ(create(imsi, random_hex(16), random_hex(16)).status, 0);
  }
  const CliRun first = hss({"list", "--limit", "2", "--json"});
  ASSERT_EQ(first.status, 0) << show(first);
  const json f = parse(first);
  EXPECT_EQ(f["total"], 3);
  ASSERT_EQ(f["subscribers"].size(), 2u) << first.out;
  EXPECT_EQ(f["subscribers"][0]["imsi"], "001010000000001");
  EXPECT_EQ(f["subscribers"][1]["imsi"], "001010000000002");

  const CliRun rest = hss({"list", "--offset", "2", "--json"});
  ASSERT_EQ(rest.status, 0) << show(rest);
  ASSERT_EQ(parse(rest)["subscribers"].size(), 1u) << rest.out;
  EXPECT_EQ(parse(rest)["subscribers"][0]["imsi"], "001010000000003");

  const CliRun table = hss({"list"});
  ASSERT_EQ(table.status, 0) << show(table);
  EXPECT_EQ(table.out.rfind("imsi ", 0), 0u) << "a header row first:\n" << table.out;
  EXPECT_NE(table.out.find("001010000000003"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("total"), std::string::npos) << table.out;
}

TEST_F(HssCli, when_a_csv_in_srsepc_layout_is_imported_then_new_ones_are_created_and_existing_ones_skipped) {
  ASSERT_EQ(create("001010000000003", random_hex(16), random_hex(16)).status, 0);
  const std::string csv =
      hss_.dir().write("user_db.csv",
                       "# Kept in the following format: \"Name,Auth,IMSI,Key,OP_Type,OP/OPc,AMF,SQN,QCI,IP_alloc\"\n"
                       "\n"
                       "ue1,mil,001010000000001," +
                           random_hex(16) + ",opc," + random_hex(16) +
                           ",9001,000000001234,7,dynamic\n"
                           "ue2,mil,001010000000002," +
                           random_hex(16) + ",op," + random_hex(16) +
                           ",8000,000000000000,9,10.0.0.2\n"
                           "ue3,mil,001010000000003," +
                           random_hex(16) + ",opc," + random_hex(16) + ",8000,000000000000,9,dynamic\n");
  const CliRun imported = hss({"import", csv, "--json"});
  ASSERT_EQ(imported.status, 0) << show(imported);
  const json i = parse(imported);
  EXPECT_EQ(i["entries"], 3);
  EXPECT_EQ(i["created"], 2);
  EXPECT_EQ(i["existing"], 1);
  EXPECT_EQ(i["failed"], 0);
  EXPECT_NE(imported.err.find("001010000000003 already exists"), std::string::npos) << show(imported);

  const json ue1 = parse(hss({"get", "--imsi", "001010000000001", "--json"}));
  EXPECT_EQ(ue1["amf"], "9001");
  EXPECT_EQ(ue1["qci"], 7);
  EXPECT_EQ(parse(hss({"list", "--json"}))["total"], 3);
}

std::string csv_line(std::size_t i, const std::string& imsi) {
  return "ue" + std::to_string(i) + ",mil," + imsi + "," + random_hex(16) + ",opc," + random_hex(16) +
         ",8000,000000000000,9,dynamic\n";
}

std::string imsi_number(std::size_t i) {
  const std::string digits = std::to_string(1010000000001 + i);
  return std::string(15 - digits.size(), '0') + digits;
}

TEST_F(HssCli, when_a_csv_spans_several_batches_then_each_line_is_created_once_and_an_existing_one_is_named) {
  // 2,500 lines: three ImportSubscribers batches of at most 1,000, the existing IMSI in the second.
  ASSERT_EQ(create(imsi_number(1500), random_hex(16), random_hex(16)).status, 0);
  std::string text = "# Name,Auth,IMSI,Key,OP_Type,OP/OPc,AMF,SQN,QCI,IP_alloc\n";
  for (std::size_t i = 0; i < 2500; ++i) text += csv_line(i, imsi_number(i));
  const CliRun imported = hss({"import", hss_.dir().write("many.csv", text), "--json"});
  ASSERT_EQ(imported.status, 0) << show(imported);
  const json i = parse(imported);
  EXPECT_EQ(i["entries"], 2500);
  EXPECT_EQ(i["created"], 2499);
  EXPECT_EQ(i["existing"], 1);
  EXPECT_NE(imported.err.find("many.csv line 1502: IMSI " + imsi_number(1500) + " already exists, skipped"),
            std::string::npos)
      << show(imported);
  EXPECT_EQ(parse(hss({"list", "--json"}))["total"], 2500);
  EXPECT_EQ(parse(hss({"get", "--imsi", imsi_number(2499), "--json"}))["imsi"], imsi_number(2499));
}

TEST_F(HssCli, when_a_csv_repeats_imsis_far_apart_or_has_many_bad_lines_then_the_first_are_named_and_the_rest_counted) {
  std::string text;
  for (std::size_t i = 0; i < 3000; ++i) text += csv_line(i, imsi_number(i));
  text += csv_line(3000, imsi_number(7));  // line 3001 repeats line 8
  const CliRun repeated = hss({"import", hss_.dir().write("repeats.csv", text)});
  EXPECT_EQ(repeated.status, 2) << show(repeated);
  EXPECT_NE(repeated.err.find("repeats.csv: line 3001: imsi: IMSI " + imsi_number(7) + " already appears on line 8"),
            std::string::npos)
      << show(repeated);

  std::string bad;
  for (std::size_t i = 0; i < 30; ++i) bad += "ue,xor," + imsi_number(i) + ",00,opc,00,8000,0,9,dynamic\n";
  const CliRun many = hss({"import", hss_.dir().write("bad_many.csv", bad)});
  EXPECT_EQ(many.status, 2) << show(many);
  EXPECT_NE(many.err.find("bad_many.csv: line 1: auth: must be 'mil'"), std::string::npos) << show(many);
  EXPECT_EQ(many.err.find("bad_many.csv: line 30:"), std::string::npos) << "more than 20 problems shown";
  // 30 lines with 3 problems each (auth, key, op_or_opc): 20 shown, 70 counted.
  EXPECT_NE(many.err.find("(70 more problems not shown)"), std::string::npos) << show(many);
  EXPECT_EQ(parse(hss({"list", "--json"}))["total"], 0) << "nothing imported from files with errors";
}

TEST_F(HssCli, when_a_yaml_file_is_imported_then_profiles_and_binding_policies_are_as_given) {
  const std::string yaml = hss_.dir().write("subscribers.yaml",
                                            "subscribers:\n"
                                            "  - imsi: '001010000000001'\n"
                                            "    k: " +
                                                random_hex(16) +
                                                "\n"
                                                "    opc: " +
                                                random_hex(16) +
                                                "\n"
                                                "    msisdn: '46700000001'\n"
                                                "    apn: ims\n"
                                                "    binding: required\n"
                                                "  - imsi: '001010000000002'\n"
                                                "    k: " +
                                                random_hex(16) +
                                                "\n"
                                                "    op: " +
                                                random_hex(16) +
                                                "\n"
                                                "    amf: '8002'\n");
  const CliRun imported = hss({"import", yaml});
  ASSERT_EQ(imported.status, 0) << show(imported);
  EXPECT_NE(imported.out.find("created"), std::string::npos) << imported.out;

  const json one = parse(hss({"get", "--imsi", "001010000000001", "--json"}));
  EXPECT_EQ(one["msisdn"], "46700000001");
  EXPECT_EQ(one["apn"], "ims");
  EXPECT_EQ(one["binding_policy"], "required");
  const json two = parse(hss({"get", "--imsi", "001010000000002", "--json"}));
  EXPECT_EQ(two["amf"], "8002");
  EXPECT_EQ(two["binding_policy"], "off");
}

TEST_F(HssCli, when_an_import_file_has_errors_then_each_is_named_by_file_line_and_field_and_nothing_is_imported) {
  const std::string csv =
      hss_.dir().write("bad.csv", "ue1,mil,001010000000001," + random_hex(16) + ",opc," + random_hex(16) +
                                      ",8000,000000000000,9,dynamic\n"
                                      "# a comment\n"
                                      "ue2,mil,001010000000002," +
                                      random_hex(15) + ",opc," + random_hex(16) +
                                      ",8000,000000000000,9,dynamic\n"
                                      "ue3,xor,001010000000003," +
                                      random_hex(16) + ",opc," + random_hex(16) + ",8000,000000000000,9,dynamic\n");
  const CliRun bad_csv = hss({"import", csv});
  EXPECT_EQ(bad_csv.status, 2) << show(bad_csv);
  EXPECT_NE(bad_csv.err.find(csv + ": line 3: key: expected 32 hex digits, got 30"), std::string::npos)
      << show(bad_csv);
  EXPECT_NE(bad_csv.err.find(csv + ": line 4: auth: must be 'mil'"), std::string::npos) << show(bad_csv);

  const std::string yaml = hss_.dir().write("bad.yaml",
                                            "subscribers:\n"
                                            "  - imsi: '001010000000001'\n"
                                            "    k: " +
                                                random_hex(16) +
                                                "\n"
                                                "    opc: " +
                                                random_hex(16) +
                                                "\n"
                                                "  - imsi: '00101000000000x'\n"
                                                "    k: " +
                                                random_hex(16) +
                                                "\n"
                                                "    opc: " +
                                                random_hex(16) +
                                                "\n"
                                                "    binding: maybe\n");
  const CliRun bad_yaml = hss({"import", yaml});
  EXPECT_EQ(bad_yaml.status, 2) << show(bad_yaml);
  EXPECT_NE(bad_yaml.err.find(yaml + ": subscribers[1].imsi: IMSI must be 6 to 15 digits"), std::string::npos)
      << show(bad_yaml);
  EXPECT_NE(bad_yaml.err.find(yaml + ": subscribers[1].binding: must be one of required, off"), std::string::npos)
      << show(bad_yaml);

  const CliRun unknown = hss({"import", hss_.dir().write("subscribers.txt", "")});
  EXPECT_EQ(unknown.status, 2) << show(unknown);
  EXPECT_EQ(parse(hss({"list", "--json"}))["total"], 0) << "nothing imported from files with errors";
}

TEST_F(HssCli, when_binding_is_administered_then_status_and_audit_show_each_step) {
  ASSERT_EQ(create(kImsi, random_hex(16), random_hex(16)).status, 0);
  const CliRun policy = hss({"binding-policy", "--imsi", kImsi, "--policy", "required", "--json"});
  ASSERT_EQ(policy.status, 0) << show(policy);
  EXPECT_EQ(parse(policy)["policy"], "required");
  EXPECT_EQ(parse(policy)["state"], "none");

  const std::string kme = random_hex(16);
  const CliRun set =
      hss({"set-kme", "--imsi", kImsi, "--kme", kme, "--kme-id", "5", "--imei", "35693803564380", "--json"});
  ASSERT_EQ(set.status, 0) << show(set);
  EXPECT_EQ(set.out.find(kme), std::string::npos) << "the KME appears in the output";

  const CliRun authorized = hss({"authorize-device", "--imsi", kImsi, "--imei", "490154203237518"});
  ASSERT_EQ(authorized.status, 0) << show(authorized);
  EXPECT_NE(authorized.out.find("authorized_imei"), std::string::npos) << authorized.out;

  const CliRun status = hss({"binding-status", "--imsi", kImsi, "--json"});
  ASSERT_EQ(status.status, 0) << show(status);
  const json s = parse(status);
  EXPECT_EQ(s["policy"], "required");
  EXPECT_EQ(s["state"], "established");
  EXPECT_EQ(s["has_kme"], true);
  EXPECT_EQ(s["kme_id"], 5);
  EXPECT_EQ(s["bound_imei"], "356938035643809");
  EXPECT_EQ(s["authorized_imei"], "490154203237518");
  EXPECT_EQ(status.out.find(kme), std::string::npos);

  const CliRun audit = hss({"audit", "--imsi", kImsi, "--json"});
  ASSERT_EQ(audit.status, 0) << show(audit);
  std::vector<std::string> events;
  const json a = parse(audit);
  for (const auto& e : a["events"]) events.push_back(e["event"]);
  EXPECT_EQ(events, (std::vector<std::string>{"device-change-authorized", "kme-set", "binding-policy"})) << audit.out;
  EXPECT_EQ(audit.out.find(kme), std::string::npos);

  const CliRun limited = hss({"audit", "--limit", "1"});
  ASSERT_EQ(limited.status, 0) << show(limited);
  EXPECT_NE(limited.out.find("device-change-authorized"), std::string::npos) << limited.out;
  EXPECT_EQ(limited.out.find("binding-policy"), std::string::npos) << limited.out;
}

TEST_F(HssCli, when_input_is_malformed_then_exit_2_names_the_option_and_when_the_hss_refuses_then_exit_1) {
  const CliRun short_k = hss({"create", "--imsi", kImsi, "--k", random_hex(15), "--opc", random_hex(16)});
  EXPECT_EQ(short_k.status, 2) << show(short_k);
  EXPECT_NE(short_k.err.find("--k: expected 32 hex digits, got 30"), std::string::npos) << show(short_k);

  const CliRun bad_opc = hss({"create", "--imsi", kImsi, "--k", random_hex(16), "--opc", "zz" + random_hex(15)});
  EXPECT_EQ(bad_opc.status, 2) << show(bad_opc);
  EXPECT_NE(bad_opc.err.find("--opc"), std::string::npos) << show(bad_opc);

  const CliRun bad_imsi = hss({"get", "--imsi", "00101abc"});
  EXPECT_EQ(bad_imsi.status, 2) << show(bad_imsi);
  EXPECT_NE(bad_imsi.err.find("--imsi"), std::string::npos) << show(bad_imsi);

  const CliRun bad_kme = hss({"set-kme", "--imsi", kImsi, "--kme", "0011", "--kme-id", "1"});
  EXPECT_EQ(bad_kme.status, 2) << show(bad_kme);
  EXPECT_NE(bad_kme.err.find("--kme: expected 32 hex digits"), std::string::npos) << show(bad_kme);

  const CliRun bad_imei = hss({"authorize-device", "--imsi", kImsi, "--imei", "356938035643801"});
  EXPECT_EQ(bad_imei.status, 2) << show(bad_imei);
  EXPECT_NE(bad_imei.err.find("--imei"), std::string::npos) << show(bad_imei);

  const CliRun unknown = hss({"binding-status", "--imsi", "001010000000099"});
  EXPECT_EQ(unknown.status, 1) << show(unknown);
  EXPECT_NE(unknown.err.find("001010000000099"), std::string::npos) << show(unknown);

  ASSERT_EQ(create(kImsi, random_hex(16), random_hex(16)).status, 0);
  const CliRun again = create(kImsi, random_hex(16), random_hex(16));
  EXPECT_EQ(again.status, 1) << show(again);
  EXPECT_NE(again.err.find(kImsi), std::string::npos) << show(again);
}

// TS 29.272 7.3.34/7.3.35 from the command line: several APN configurations, the default, the subscriber-level
// data; `get` lists them (JSON array, text table).
TEST_F(HssCli, when_apn_configs_are_given_then_get_lists_them_with_the_default_and_subscriber_data) {
  const CliRun created = hss({"create", "--imsi", kImsi, "--k", random_hex(16), "--opc", random_hex(16),
                              "--apn-config", "internet,pdn=ipv4v6,ambr=50M:100M,ipv4=10.46.0.7",
                              "--apn-config", "ims,pdn=ipv6,qci=5,arp=1:enabled:disabled,ipv6=2001:db8:5::/64",
                              "--apn-config", "corp.example,pdn=ipv4_or_ipv6,id=9", "--default-apn", "ims",
                              "--subscriber-status", "operator_determined_barring", "--network-access-mode",
                              "packet_and_circuit", "--access-restriction", "32", "--ue-ambr-ul", "7000", "--json"});
  ASSERT_EQ(created.status, 0) << show(created);
  const json g = parse(hss({"get", "--imsi", kImsi, "--json"}));
  EXPECT_EQ(g["apn"], "ims") << "the shortcut shows the default";
  EXPECT_EQ(g["qci"], 5);
  EXPECT_EQ(g["subscriber_status"], "operator_determined_barring");
  EXPECT_EQ(g["network_access_mode"], "packet_and_circuit");
  EXPECT_EQ(g["access_restriction"], 32);
  EXPECT_EQ(g["ambr_ul"], 7000);
  ASSERT_EQ(g["apns"].size(), 3u) << g.dump();
  EXPECT_EQ(g["apns"][0]["apn"], "internet");
  EXPECT_EQ(g["apns"][0]["context_id"], 1);
  EXPECT_EQ(g["apns"][0]["pdn_type"], "ipv4v6");
  EXPECT_EQ(g["apns"][0]["ambr"], "50000000:100000000");
  EXPECT_EQ(g["apns"][0]["ipv4"], "10.46.0.7");
  EXPECT_EQ(g["apns"][0]["default"], false);
  EXPECT_EQ(g["apns"][1]["apn"], "ims");
  EXPECT_EQ(g["apns"][1]["default"], true);
  EXPECT_EQ(g["apns"][1]["arp"], "1:enabled:disabled");
  EXPECT_EQ(g["apns"][1]["ipv6"], "2001:db8:5::/64");
  EXPECT_EQ(g["apns"][2]["context_id"], 9);
  EXPECT_EQ(g["apns"][2]["pdn_type"], "ipv4_or_ipv6");
  EXPECT_EQ(g["default_context_id"], 2);

  const CliRun table = hss({"get", "--imsi", kImsi});
  ASSERT_EQ(table.status, 0) << show(table);
  EXPECT_NE(table.out.find("apns\n  context_id"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("corp.example"), std::string::npos) << table.out;

  // A new list replaces the old; the default follows --default-apn, then a switch alone.
  const CliRun replaced = hss({"update", "--imsi", kImsi, "--apn-config", "web,pdn=ipv4", "--apn-config",
                               "ims,pdn=ipv6", "--json"});
  ASSERT_EQ(replaced.status, 0) << show(replaced);
  const json r = parse(replaced);
  ASSERT_EQ(r["apns"].size(), 2u);
  EXPECT_EQ(r["apn"], "ims") << "the old default's name is kept as the default";
  const CliRun switched = hss({"update", "--imsi", kImsi, "--default-apn", "web", "--json"});
  ASSERT_EQ(switched.status, 0) << show(switched);
  EXPECT_EQ(parse(switched)["apn"], "web");
  EXPECT_EQ(parse(switched)["apns"][0]["pdn_type"], "ipv4");
  EXPECT_EQ(parse(switched)["subscriber_status"], "operator_determined_barring") << "kept";
}

TEST_F(HssCli, when_apn_configs_break_a_rule_then_exit_2_names_it_and_nothing_changes) {
  const std::string k = random_hex(16), opc = random_hex(16);
  struct Case {
    std::vector<std::string> extra;
    const char* expected;
  };
  const Case cases[] = {
      {{"--apn-config", "internet", "--apn-config", "INTERNET"}, "configured twice"},
      {{"--apn-config", "a,id=3", "--apn-config", "b,id=3"}, "used twice"},
      {{"--apn-config", "a b"}, "letters, digits"},
      {{"--apn-config", "internet,qci=0"}, "qci: must be 1..254"},
      {{"--apn-config", "internet,arp=16"}, "priority level must be 1..15"},
      {{"--apn-config", "internet,pdn=ipv6,ipv4=10.0.0.1"}, "allows IPv4"},
      {{"--apn-config", "internet,ipv6=2001:db8::/48"}, "/64"},
      {{"--apn-config", "internet", "--default-apn", "ims"}, "default_apn"},
      {{"--apn-config", "internet", "--qci", "5"}, "default APN"},
      {{"--apn-config", "internet,colour=red"}, "unknown key"},
      {{"--apn", std::string(101, 'a')}, "octets"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"create", "--imsi", kImsi, "--k", k, "--opc", opc};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const CliRun r = hss(args);
    EXPECT_EQ(r.status, 2) << show(r);
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.expected << "\n" << show(r);
  }
  std::vector<std::string> many{"create", "--imsi", kImsi, "--k", k, "--opc", opc};
  for (int i = 0; i < 51; ++i) {
    many.push_back("--apn-config");
    many.push_back("apn" + std::to_string(i));
  }
  const CliRun too_many = hss(many);
  EXPECT_EQ(too_many.status, 2) << show(too_many);
  EXPECT_NE(too_many.err.find("at most 50"), std::string::npos) << show(too_many);
  EXPECT_EQ(parse(hss({"list", "--json"}))["total"], 0);
}

TEST_F(HssCli, when_import_files_carry_apns_and_static_addresses_then_get_shows_them) {
  const std::string csv = hss_.dir().write(
      "user_db.csv", "ue1,mil,001010000000001," + random_hex(16) + ",opc," + random_hex(16) +
                         ",8000,000000000000,6,10.45.9.9\n");
  const CliRun from_csv = hss({"import", csv});
  ASSERT_EQ(from_csv.status, 0) << show(from_csv);
  const json one = parse(hss({"get", "--imsi", "001010000000001", "--json"}));
  ASSERT_EQ(one["apns"].size(), 1u);
  EXPECT_EQ(one["apns"][0]["ipv4"], "10.45.9.9") << "srsEPC's static ip_alloc: the default APN's address";
  EXPECT_EQ(one["apns"][0]["qci"], 6);

  const std::string yaml = hss_.dir().write(
      "subscribers.yaml", "subscribers:\n"
                          "  - imsi: '001010000000002'\n"
                          "    k: " + random_hex(16) + "\n"
                          "    opc: " + random_hex(16) + "\n"
                          "    default_apn: ims\n"
                          "    subscriber_status: operator_determined_barring\n"
                          "    ue_ambr_dl: 9000\n"
                          "    apns:\n"
                          "      - {apn: internet, pdn_type: ipv4, ipv4: 192.0.2.8}\n"
                          "      - {apn: ims, pdn_type: ipv6, qci: 5, arp_priority: 2, pre_emption_capability: enabled,"
                          " ambr_ul: 64000, ambr_dl: 128000, ipv6: '2001:db8:9::/64'}\n");
  const CliRun from_yaml = hss({"import", yaml});
  ASSERT_EQ(from_yaml.status, 0) << show(from_yaml);
  const json two = parse(hss({"get", "--imsi", "001010000000002", "--json"}));
  EXPECT_EQ(two["apn"], "ims");
  EXPECT_EQ(two["ambr_dl"], 9000);
  EXPECT_EQ(two["subscriber_status"], "operator_determined_barring");
  ASSERT_EQ(two["apns"].size(), 2u);
  EXPECT_EQ(two["apns"][0]["ipv4"], "192.0.2.8");
  EXPECT_EQ(two["apns"][1]["arp"], "2:enabled:enabled");
  EXPECT_EQ(two["apns"][1]["ambr"], "64000:128000");
  EXPECT_EQ(two["apns"][1]["ipv6"], "2001:db8:9::/64");

  const std::string bad = hss_.dir().write(
      "bad.csv", "ue3,mil,001010000000003," + random_hex(16) + ",opc," + random_hex(16) + ",8000,0,9,static\n");
  const CliRun bad_csv = hss({"import", bad});
  EXPECT_EQ(bad_csv.status, 2) << show(bad_csv);
  EXPECT_NE(bad_csv.err.find("line 1: ip_alloc: must be 'dynamic' or an IPv4 address"), std::string::npos)
      << show(bad_csv);
  const std::string bad_yaml = hss_.dir().write(
      "bad.yaml", "subscribers:\n"
                  "  - imsi: '001010000000004'\n"
                  "    k: " + random_hex(16) + "\n"
                  "    opc: " + random_hex(16) + "\n"
                  "    apns:\n"
                  "      - {apn: internet, pdn_type: ipv5}\n"
                  "      - {apn: ims, qci: 300}\n");
  const CliRun bad_y = hss({"import", bad_yaml});
  EXPECT_EQ(bad_y.status, 2) << show(bad_y);
  EXPECT_NE(bad_y.err.find("subscribers[0].apns[0].pdn_type"), std::string::npos) << show(bad_y);
  EXPECT_NE(bad_y.err.find("subscribers[0].apns[1].qci"), std::string::npos) << show(bad_y);
  EXPECT_EQ(parse(hss({"list", "--json"}))["total"], 2);
}

TEST_F(HssCli, when_simbind_hss_is_set_then_it_replaces_the_default_address) {
  ASSERT_EQ(create(kImsi, random_hex(16), random_hex(16)).status, 0);
  const CliRun got = simbind(hss_.dir(), {"hss", "get", "--imsi", kImsi}, "SIMBIND_HSS=" + address());
  EXPECT_EQ(got.status, 0) << show(got);
  EXPECT_NE(got.out.find(kImsi), std::string::npos) << show(got);
}

TEST(HssCliUnreachable, when_simbind_hss_does_not_run_then_exit_1_says_it_cannot_be_reached) {
  TempDir dir;
  const std::string address = "127.0.0.1:" + std::to_string(free_port());  // nothing listens there
  const auto start = std::chrono::steady_clock::now();
  const CliRun r = simbind(dir, {"hss", "get", "--imsi", kImsi, "--hss", address, "--timeout", "3"});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 1) << show(r);
  EXPECT_NE(r.err.find("cannot reach simbind-hss at " + address), std::string::npos) << show(r);
  EXPECT_LT(took, std::chrono::seconds(10));

  const CliRun bad_address = simbind(dir, {"hss", "list", "--hss", "localhost"});
  EXPECT_EQ(bad_address.status, 2) << show(bad_address);
  EXPECT_NE(bad_address.err.find("--hss"), std::string::npos) << show(bad_address);
  // The same HOST:PORT rule as the daemons' own listen keys (config::parse_host_port).
  const CliRun bad_port = simbind(dir, {"hss", "list", "--hss", "localhost:70000"});
  EXPECT_EQ(bad_port.status, 2) << show(bad_port);
  EXPECT_NE(bad_port.err.find("port 1..65535, got 'localhost:70000'"), std::string::npos) << show(bad_port);
}

// An HSS as the CLI may meet it: older, without ImportSubscribers (UNIMPLEMENTED), or one that refuses a whole
// batch because of one entry it will not take. It keeps IMSIs only; one IMSI is refused by CreateSubscriber too.
class OtherHss final : public hss::v1::HssAdmin::Service {
 public:
  OtherHss(bool has_import, std::string refused) : has_import_(has_import), refused_(std::move(refused)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~OtherHss() override { server_->Shutdown(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void add(const std::string& imsi) { imsis_.insert(imsi); }
  int imports() const { return imports_; }
  int creates() const { return creates_; }

  grpc::Status CreateSubscriber(grpc::ServerContext*, const hss::v1::CreateSubscriberRequest* r,
                                hss::v1::Subscriber* out) override {
    std::lock_guard lock(mutex_);
    ++creates_;
    if (r->imsi() == refused_) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "keys.k: not taken here");
    if (!imsis_.insert(r->imsi()).second) return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "exists");
    out->set_imsi(r->imsi());
    return grpc::Status::OK;
  }
  grpc::Status ImportSubscribers(grpc::ServerContext*, const hss::v1::ImportSubscribersRequest* r,
                                 hss::v1::ImportSubscribersResponse* out) override {
    std::lock_guard lock(mutex_);
    ++imports_;
    if (!has_import_) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "");
    for (int i = 0; i < r->subscribers_size(); ++i) {
      if (r->subscribers(i).imsi() == refused_) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "subscribers[" + std::to_string(i) + "]: not taken");
      }
    }
    for (const auto& sub : r->subscribers()) {
      if (imsis_.insert(sub.imsi()).second) {
        out->set_created(out->created() + 1);
      } else {
        out->add_existing(sub.imsi());
      }
    }
    return grpc::Status::OK;
  }

 private:
  const bool has_import_;
  const std::string refused_;
  std::mutex mutex_;
  std::set<std::string> imsis_;
  int imports_ = 0, creates_ = 0;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// Five subscribers, lines 1..5; batches of two: {1,2} {3,4} {5}. Line 2's IMSI exists at the HSS, line 4's is refused.
CliRun import_five(const TempDir& dir, const OtherHss& hss) {
  std::string text;
  for (std::size_t i = 0; i < 5; ++i) text += csv_line(i, imsi_number(i));
  return simbind(dir, {"hss", "import", dir.write("five.csv", text), "--batch", "2", "--json", "--hss", hss.address()});
}

TEST(HssImportFallback, when_the_hss_has_no_import_call_then_the_cli_creates_one_at_a_time_after_one_try) {
  TempDir dir;
  OtherHss hss(false, imsi_number(3));
  hss.add(imsi_number(1));
  const CliRun r = import_five(dir, hss);
  EXPECT_EQ(r.status, 1) << "one subscriber could not be created\n" << show(r);
  const json j = json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
  EXPECT_EQ(j["created"], 3) << show(r);
  EXPECT_EQ(j["existing"], 1);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(hss.imports(), 1) << "after UNIMPLEMENTED the CLI stops asking";
  EXPECT_EQ(hss.creates(), 5);
  EXPECT_NE(r.err.find("five.csv line 2: IMSI " + imsi_number(1) + " already exists, skipped"), std::string::npos)
      << show(r);
  EXPECT_NE(r.err.find("five.csv line 4: IMSI " + imsi_number(3) + ": keys.k: not taken here"), std::string::npos)
      << show(r);
}

TEST(HssImportFallback, when_the_hss_refuses_a_batch_then_only_that_batch_goes_one_at_a_time) {
  TempDir dir;
  OtherHss hss(true, imsi_number(3));
  hss.add(imsi_number(1));
  const CliRun r = import_five(dir, hss);
  EXPECT_EQ(r.status, 1) << show(r);
  const json j = json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
  EXPECT_EQ(j["created"], 3) << show(r);
  EXPECT_EQ(j["existing"], 1);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(hss.imports(), 3) << "every batch is offered whole first";
  EXPECT_EQ(hss.creates(), 2) << "only the refused batch {3,4} one at a time";
  EXPECT_NE(r.err.find("five.csv line 2: IMSI " + imsi_number(1) + " already exists, skipped"), std::string::npos)
      << show(r);
  EXPECT_NE(r.err.find("five.csv line 4: IMSI " + imsi_number(3) + ": keys.k: not taken here"), std::string::npos)
      << show(r);
}

}  // namespace
}  // namespace simbind::test
