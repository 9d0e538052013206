// A template for part of a request (target, header value or body): literal text with
// placeholders, parsed once when the scenario loads.
//
//   {rand:LO:HI}     uniform integer in [LO, HI] (0 <= LO <= HI < 2^64), in decimal
//   {seq} {seq:START} unique across the run and all workers, increasing within a worker; printed
//                    zero-padded at a fixed width (so a request's size never changes) and patched
//                    into a preformatted buffer per request, never formatted on the hot path.
//                    START defaults to 0 and must be below 10^18. Worker w of W gives its k-th
//                    request with {seq} fields the number START + w + k*W (so all {seq} fields of
//                    one request share k). Width: max(12, digits(START) + 1), room for at least
//                    9*START more numbers and never less than 10^12; a run that went further would
//                    wrap to the low digits
//   {choice:a,b,c}   one of the values, uniformly; values are not empty and hold no ',', '{', '}'
//   {line:FILE}      one line of FILE, uniformly: read when the template is parsed, '\n' ends a
//                    line, a trailing '\r' is dropped, empty lines are skipped, no line: error
//   {uuid}           a random version-4 UUID, lowercase (8-4-4-4-12 hex digits)
//   {{ and }}        literal braces
// Random values are drawn once per pooled variant, before the run (request_mix.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ringfire/base/rng.hpp"

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
  bool has_random() const;  // rand, choice, line or uuid: variants differ
};

// Parses `text`. {line:FILE} reads FILE relative to `base_dir` ("" = the working directory).
// False with a one-line `error`: the position (0-based byte offset) and what was expected there,
// e.g. "position 7: expected ':' after 'rand'".
bool parse_template(std::string_view text, const std::string& base_dir, RequestTemplate& out,
                    std::string& error);

// A template that is `text` as it stands (braces included): a URL's path, a body_file's bytes.
RequestTemplate literal_template(std::string_view text);

// Where a rendered {seq} field sits: `width` zeros at `offset` of the output, to be replaced by
// START + w + k*W.
struct SeqField {
  size_t offset;
  uint8_t width;
  uint64_t start;
};

// Appends one variant of `t` to `out`, drawing its random values from `rng`; {seq} fields are
// written as zeros and recorded in `seq_fields` (offsets into `out`). Not for the hot path.
void render_template(const RequestTemplate& t, Rng& rng, std::string& out,
                     std::vector<SeqField>& seq_fields);

// True if some text `t` can produce holds one of `bytes` (literal parts, choice values and
// lines): a scenario checks once that no value can break the request line or a header.
bool template_may_contain(const RequestTemplate& t, std::string_view bytes);

// The width of a {seq:START} field (see above).
uint8_t seq_width(uint64_t start);

}  // namespace ringfire
