// Rendering a parsed template into one variant (before the run, never on the hot path).
#include <algorithm>
#include <charconv>

#include "ringfire/http/request_template.hpp"

namespace ringfire {

namespace {

using Kind = TemplatePart::Kind;

void append_uuid(Rng& rng, std::string& out) {
  uint64_t half[2] = {rng.next(), rng.next()};
  // RFC 9562 section 5.4: version 4 in the high nibble of byte 6, variant 10 in byte 8.
  half[0] = (half[0] & ~0xF000ull) | 0x4000ull;
  half[1] = (half[1] & ~(0xC0ull << 56)) | (0x80ull << 56);
  static constexpr char kHex[] = "0123456789abcdef";
  char text[36];
  size_t at = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) text[at++] = '-';
    const uint64_t word = half[i / 16];
    text[at++] = kHex[(word >> (60 - 4 * (i % 16))) & 0xF];
  }
  out.append(text, sizeof(text));
}

}  // namespace

bool RequestTemplate::is_literal() const {
  return std::all_of(parts.begin(), parts.end(),
                     [](const TemplatePart& p) { return p.kind == Kind::kLiteral; });
}

bool RequestTemplate::has_seq() const {
  return std::any_of(parts.begin(), parts.end(),
                     [](const TemplatePart& p) { return p.kind == Kind::kSeq; });
}

bool RequestTemplate::has_random() const {
  return std::any_of(parts.begin(), parts.end(), [](const TemplatePart& p) {
    return p.kind != Kind::kLiteral && p.kind != Kind::kSeq;
  });
}

RequestTemplate literal_template(std::string_view text) {
  RequestTemplate t;
  if (!text.empty()) {
    TemplatePart part;
    part.text = std::string(text);
    t.parts.push_back(std::move(part));
  }
  return t;
}

void render_template(const RequestTemplate& t, Rng& rng, std::string& out,
                     std::vector<SeqField>& seq_fields) {
  for (const TemplatePart& part : t.parts) {
    switch (part.kind) {
      case Kind::kLiteral:
        out += part.text;
        break;
      case Kind::kRand: {
        char digits[24];
        const auto end =
            std::to_chars(digits, digits + sizeof(digits), rng.between(part.lo, part.hi));
        out.append(digits, end.ptr);
        break;
      }
      case Kind::kSeq:
        seq_fields.push_back({out.size(), part.width, part.lo});
        out.append(part.width, '0');
        break;
      case Kind::kChoice:
      case Kind::kLine:
        out += (*part.values)[rng.below(part.values->size())];
        break;
      case Kind::kUuid:
        append_uuid(rng, out);
        break;
    }
  }
}

bool template_may_contain(const RequestTemplate& t, std::string_view bytes) {
  const auto has = [&](const std::string& s) {
    return s.find_first_of(bytes) != std::string::npos;
  };
  for (const TemplatePart& part : t.parts) {
    if (part.kind == Kind::kLiteral && has(part.text)) return true;
    if (part.values && std::any_of(part.values->begin(), part.values->end(), has)) return true;
  }
  return false;
}

}  // namespace ringfire
