// libFuzzer target for parse_template() and render_template(). The input is the template text.
// A rejected template must give one line "position N: ..." with N within the text; an accepted one
// must render, with every {seq} field a run of zeros inside the output, and a literal template
// must render as the text with its doubled braces undone. Inputs naming {line:...} are skipped:
// they would read files of this machine, not exercise the grammar.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ringfire/http/request_template.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

std::string unescaped(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) ++i;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("line") != std::string_view::npos) return 0;
  ringfire::RequestTemplate t;
  std::string error;
  if (!ringfire::parse_template(text, "/nonexistent", t, error)) {
    check(error.rfind("position ", 0) == 0);
    check(error.find('\n') == std::string::npos);
    const size_t at = std::strtoull(error.c_str() + 9, nullptr, 10);
    check(at <= size);
    return 0;
  }
  ringfire::Rng rng(size);
  std::string out;
  std::vector<ringfire::SeqField> fields;
  ringfire::render_template(t, rng, out, fields);
  for (const ringfire::SeqField& f : fields) {
    check(f.width >= 12 && f.offset + f.width <= out.size());
    check(out.compare(f.offset, f.width, std::string(f.width, '0')) == 0);
  }
  if (t.is_literal()) check(out == unescaped(text));
  return 0;
}
