// A template for part of a request (target, header value or body): literal text with
// placeholders, parsed once when the scenario loads.
//
//   {rand:LO:HI}     uniform integer in [LO, HI]
//   {seq} {seq:START} unique across the run and all workers, increasing within a worker; printed
//                    zero-padded at a fixed width (so a request's size never changes) and patched
//                    into a preformatted buffer per request, never formatted on the hot path
//   {choice:a,b,c}   one of the values, uniformly
//   {line:FILE}      one line of FILE, uniformly
//   {uuid}           a random version-4 UUID
//   {{ and }}        literal braces
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ringfire {

struct TemplatePart {
  enum class Kind : uint8_t { kLiteral, kRand, kSeq, kChoice, kLine, kUuid };
  Kind kind = Kind::kLiteral;
  std::string text;  // kLiteral
  uint64_t lo = 0;   // kRand: bounds; kSeq: START in lo
  uint64_t hi = 0;
  uint8_t width = 0;                                       // kSeq: digits printed
  std::shared_ptr<const std::vector<std::string>> values;  // kChoice values, kLine lines
};

struct RequestTemplate {
  std::vector<TemplatePart> parts;
  bool empty() const { return parts.empty(); }
  bool is_literal() const;  // no placeholder: one variant says it all
  bool has_seq() const;
};

// Parses `text`. {line:FILE} reads FILE relative to `base_dir` ("" = the working directory).
// False with a one-line `error`: the position (0-based byte offset) and what was expected there,
// e.g. "position 7: expected ':' after 'rand'".
bool parse_template(std::string_view text, const std::string& base_dir, RequestTemplate& out,
                    std::string& error);

}  // namespace ringfire
