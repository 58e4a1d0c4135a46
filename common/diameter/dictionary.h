// freeDiameter dictionary objects for S6a (TS 29.272), the binding AVPs (DESIGN 5.2) and Bp (DESIGN 5.3).
// define_dictionary() runs once, inside DiameterStack::start's setup; afterwards the objects are read-only.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "common/diameter/avp_codes.h"
#include "common/diameter/dictionary_prune.h"
#include "common/util/error.h"

struct dict_object;

namespace simbind::diameter {

struct BindingDictionaryConfig {
  std::uint32_t vendor_id = kDefaultBindingVendor;
  std::uint32_t bp_application_id = kDefaultBpApplicationId;
  std::uint32_t bp_kme_establishment_code = kDefaultBpKmeEstablishmentCode;
  std::uint32_t bp_binding_activation_code = kDefaultBpBindingActivationCode;

  PruneOutcome pruned;  // what prune_3gpp_avps_outside_s6a removed from the stock dictionaries
};

struct CommandPair {
  dict_object* request = nullptr;
  dict_object* answer = nullptr;
};

class Dictionary {
 public:
  dict_object* vendor_3gpp = nullptr;
  dict_object* binding_vendor = nullptr;
  dict_object* s6a = nullptr;
  dict_object* bp = nullptr;

  CommandPair air, ulr, pur, clr, idr, nor;
  CommandPair bp_kme_establishment, bp_binding_activation;

  std::uint32_t binding_vendor_id = kDefaultBindingVendor;
  std::uint32_t bp_application_id = kDefaultBpApplicationId;
  std::uint32_t bp_kme_establishment_code = kDefaultBpKmeEstablishmentCode;
  std::uint32_t bp_binding_activation_code = kDefaultBpBindingActivationCode;

  PruneOutcome pruned;  // what prune_3gpp_avps_outside_s6a removed from the stock dictionaries

  // The AVP model for encoding; nullptr for an AVP the dictionary does not know (a programming error that
  // encoders report).
  dict_object* avp(std::uint32_t vendor, std::uint32_t code) const;

 private:
  friend Result<const Dictionary*> define_dictionary(const BindingDictionaryConfig&);
  std::unordered_map<std::uint64_t, dict_object*> avps_;
};

// Loads (or creates where no extension has them) every object above, with the command rules of command_abnf.h
// (TS 29.272 7.2 and the Bp ABNF) for requests and answers alike: freeDiameter answers a request that breaks them
// with 5005/5009 and Failed-AVP by itself, and drops such an answer, as a stock peer does.
Result<const Dictionary*> define_dictionary(const BindingDictionaryConfig& config);

// The dictionary defined by define_dictionary (must have been called).
const Dictionary& dictionary();

}  // namespace simbind::diameter
