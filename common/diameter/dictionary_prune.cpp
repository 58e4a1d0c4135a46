#include "common/diameter/dictionary_prune.h"

#include <algorithm>
#include <set>
#include <vector>

#include "common/diameter/fd.h"

namespace simbind::diameter {
namespace {

constexpr std::uint32_t k3gpp = 10415;
constexpr std::uint32_t kS6aCodesFrom = 1400;

std::vector<dict_object*> children(int criteria, void* parent) {
  std::vector<dict_object*> out;
  struct fd_list* sentinel = nullptr;
  if (fd_dict_getlistof(criteria, parent, &sentinel) != 0 || !sentinel) return out;
  for (struct fd_list* li = sentinel->next; li != sentinel; li = li->next) out.push_back(static_cast<dict_object*>(li->o));
  return out;
}

struct dict_avp_data avp_data(dict_object* avp) {
  struct dict_avp_data d{};
  fd_dict_getval(avp, &d);
  return d;
}

dict_object* rule_avp(dict_object* rule) {
  struct dict_rule_data d{};
  fd_dict_getval(rule, &d);
  return d.rule_avp;
}

// Every vendor's AVPs: vendor 0 (not in the vendors list) first.
std::vector<dict_object*> all_avps(struct dictionary* dict) {
  std::vector<dict_object*> vendors;
  dict_object* base = nullptr;
  std::uint32_t zero = 0;
  if (fd_dict_search(dict, DICT_VENDOR, VENDOR_BY_ID, &zero, &base, ENOENT) == 0 && base) vendors.push_back(base);
  for (dict_object* v : children(VENDOR_BY_ID, dict)) vendors.push_back(v);
  std::vector<dict_object*> avps;
  for (dict_object* v : vendors) {
    for (dict_object* a : children(AVP_BY_CODE, v)) avps.push_back(a);
  }
  return avps;
}

}  // namespace

Result<PruneOutcome> prune_3gpp_avps_outside_s6a(std::span<const std::uint32_t> imported) {
  struct dictionary* dict = fd_g_config->cnf_dict;
  PruneOutcome outcome;
  // One walk: the candidates (3GPP AVPs below 1400 not imported by S6a), and the grouped AVPs that stay, whose
  // rules seed the closure below.
  std::set<dict_object*> doomed;
  std::vector<dict_object*> work;
  int below = 0;
  for (dict_object* a : all_avps(dict)) {
    const auto d = avp_data(a);
    const bool under_1400 = d.avp_vendor == k3gpp && d.avp_code < kS6aCodesFrom;
    below += under_1400;
    if (under_1400 && std::find(imported.begin(), imported.end(), d.avp_code) == imported.end()) {
      doomed.insert(a);
    } else if (d.avp_basetype == AVP_TYPE_GROUPED) {
      work.push_back(a);
    }
  }
  // The closure: a grouped AVP that stays may carry what its rules name, so that stays too.
  while (!work.empty()) {
    dict_object* group = work.back();
    work.pop_back();
    for (dict_object* r : children(RULE_BY_AVP_AND_PARENT, group)) {
      dict_object* child = rule_avp(r);
      if (doomed.erase(child) && avp_data(child).avp_basetype == AVP_TYPE_GROUPED) work.push_back(child);
    }
  }
  // Rules of the stock commands (DCCA's, NASREQ's) that name a doomed AVP go with it: no rule may point at a
  // freed definition.
  for (dict_object* c : children(CMD_BY_CODE_R, dict)) {
    for (dict_object* r : children(RULE_BY_AVP_AND_PARENT, c)) {
      if (!doomed.count(rule_avp(r))) continue;
      if (fd_dict_delete(r) != 0) return fail(ErrorCode::config_error, "Diameter dictionary: cannot remove a rule");
      ++outcome.rules_removed;
    }
  }
  // A grouped AVP's rules first (fd_dict_delete refuses an object with children), then the AVPs.
  for (dict_object* a : doomed) {
    if (avp_data(a).avp_basetype != AVP_TYPE_GROUPED) continue;  // only groups have rules (and may be asked)
    for (dict_object* r : children(RULE_BY_AVP_AND_PARENT, a)) {
      if (fd_dict_delete(r) != 0) return fail(ErrorCode::config_error, "Diameter dictionary: cannot remove a rule");
    }
  }
  for (dict_object* a : doomed) {
    if (fd_dict_delete(a) != 0) {
      return fail(ErrorCode::config_error,
                  "Diameter dictionary: cannot remove 3GPP AVP " + std::to_string(avp_data(a).avp_code));
    }
    ++outcome.removed;
  }
  outcome.kept_below = below - outcome.removed;
  return outcome;
}

}  // namespace simbind::diameter
