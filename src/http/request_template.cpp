// The template grammar (request_template.hpp): one pass over the text, literal bytes gathered
// into literal parts, each '{' starting a placeholder that ends at the next '}'.
#include "ringfire/http/request_template.hpp"

#include <limits>

#include "ringfire/base/files.hpp"
#include "ringfire/base/quote.hpp"

namespace ringfire {

namespace {

// A {line:FILE} file: big id lists are fine, a disk image by mistake is not.
constexpr size_t kMaxLineFileBytes = size_t{64} << 20;
constexpr uint64_t kMaxSeqStart = 1'000'000'000'000'000'000ull;  // 10^18

using Kind = TemplatePart::Kind;

class Parser {
 public:
  Parser(std::string_view text, const std::string& base_dir, RequestTemplate& out,
         std::string& error)
      : text_(text), base_dir_(base_dir), out_(out), error_(error) {}

  bool run() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      const bool doubled = pos_ + 1 < text_.size() && text_[pos_ + 1] == c;
      if ((c == '{' || c == '}') && doubled) {
        literal_ += c;
        pos_ += 2;
      } else if (c == '{') {
        flush_literal();
        if (!placeholder()) return false;
      } else if (c == '}') {
        return fail(pos_, "lone '}' (write '}}' for a literal brace)");
      } else {
        literal_ += c;
        ++pos_;
      }
    }
    flush_literal();
    return true;
  }

 private:
  bool fail(size_t at, const std::string& what) {
    error_ = "position " + std::to_string(at) + ": " + what;
    return false;
  }

  // What stands at pos_, for "expected X, found Y".
  std::string found() const {
    return pos_ < text_.size() ? quote(text_.substr(pos_, 1)) : std::string("the end");
  }

  void flush_literal() {
    if (literal_.empty()) return;
    TemplatePart part;
    part.text = std::move(literal_);
    out_.parts.push_back(std::move(part));
    literal_.clear();
  }

  bool placeholder() {
    open_ = pos_++;
    const size_t name_at = pos_;
    while (pos_ < text_.size() && text_[pos_] >= 'a' && text_[pos_] <= 'z') ++pos_;
    const std::string_view name = text_.substr(name_at, pos_ - name_at);
    TemplatePart part;
    bool ok;
    if (name == "rand") {
      ok = rand(part);
    } else if (name == "seq") {
      ok = seq(part);
    } else if (name == "choice") {
      ok = values(part, Kind::kChoice, "{choice:a,b,c}");
    } else if (name == "line") {
      ok = line(part);
    } else if (name == "uuid") {
      part.kind = Kind::kUuid;
      ok = close();
    } else if (name.empty()) {
      return fail(name_at,
                  "expected a placeholder name (rand, seq, choice, line or uuid; '{{' "
                  "for a literal brace), found " +
                      found());
    } else {
      return fail(name_at, "unknown placeholder " + quote(name) +
                               " (expected rand, seq, choice, line or uuid; '{{' for a literal "
                               "brace)");
    }
    if (ok) out_.parts.push_back(std::move(part));
    return ok;
  }

  bool expect(char c, const std::string& what) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return fail(pos_, "expected " + what + ", found " + found());
  }

  bool close() {
    if (pos_ >= text_.size()) {
      return fail(pos_, "expected '}' to close the '{' at position " + std::to_string(open_));
    }
    return expect('}', "'}'");
  }

  bool number(uint64_t& value, const std::string& what) {
    const size_t start = pos_;
    value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const auto digit = static_cast<uint64_t>(text_[pos_] - '0');
      if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
        return fail(start, what + " is too large (at most 18446744073709551615)");
      }
      value = value * 10 + digit;
      ++pos_;
    }
    if (pos_ == start) return fail(pos_, "expected " + what + ", found " + found());
    return true;
  }

  bool rand(TemplatePart& part) {
    part.kind = Kind::kRand;
    if (!expect(':', "':' after 'rand' ({rand:LO:HI})")) return false;
    if (!number(part.lo, "a number (LO of {rand:LO:HI})")) return false;
    if (!expect(':', "':' after LO ({rand:LO:HI})")) return false;
    if (!number(part.hi, "a number (HI of {rand:LO:HI})")) return false;
    if (!close()) return false;
    if (part.lo > part.hi) {
      return fail(open_, "{rand:LO:HI} needs LO <= HI, got LO " + std::to_string(part.lo) +
                             " and HI " + std::to_string(part.hi));
    }
    return true;
  }

  bool seq(TemplatePart& part) {
    part.kind = Kind::kSeq;
    if (pos_ < text_.size() && text_[pos_] == ':') {
      ++pos_;
      const size_t at = pos_;
      if (!number(part.lo, "a number (START of {seq:START})")) return false;
      if (part.lo >= kMaxSeqStart) return fail(at, "{seq:START} needs START below 10^18");
    } else if (pos_ < text_.size() && text_[pos_] != '}') {
      return fail(pos_, "expected ':' or '}' after 'seq', found " + found());
    }
    part.width = seq_width(part.lo);
    return close();
  }

  // The comma-separated values of {choice:...} (kind kChoice) up to the closing '}'.
  bool values(TemplatePart& part, Kind kind, const char* form) {
    part.kind = kind;
    if (!expect(':', std::string("':' (") + form + ")")) return false;
    auto list = std::make_shared<std::vector<std::string>>();
    for (;;) {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' &&
             text_[pos_] != '{') {
        ++pos_;
      }
      if (pos_ == start) return fail(pos_, std::string("expected a value (") + form + ")");
      list->emplace_back(text_.substr(start, pos_ - start));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '{') {
        return fail(pos_, std::string("'{' inside ") + form + " (values hold no braces)");
      }
      break;
    }
    part.values = std::move(list);
    return close();
  }

  bool line(TemplatePart& part) {
    part.kind = Kind::kLine;
    if (!expect(':', "':' after 'line' ({line:FILE})")) return false;
    const size_t name_at = pos_;
    while (pos_ < text_.size() && text_[pos_] != '}' && text_[pos_] != '{') ++pos_;
    if (pos_ == name_at) return fail(pos_, "expected a file name ({line:FILE})");
    const size_t name_end = pos_;
    if (!close()) return false;
    const std::string path =
        path_in(base_dir_, std::string(text_.substr(name_at, name_end - name_at)));
    std::string contents, why;
    if (!read_file_limited(path, kMaxLineFileBytes, contents, why)) {
      return fail(name_at, "cannot read " + quote(path) + ": " + why);
    }
    auto lines = std::make_shared<std::vector<std::string>>();
    size_t begin = 0;
    while (begin < contents.size()) {
      size_t end = contents.find('\n', begin);
      if (end == std::string::npos) end = contents.size();
      size_t stop = end;
      if (stop > begin && contents[stop - 1] == '\r') --stop;
      if (stop > begin) lines->emplace_back(contents, begin, stop - begin);
      begin = end + 1;
    }
    if (lines->empty()) return fail(name_at, quote(path) + " has no lines");
    part.values = std::move(lines);
    return true;
  }

  std::string_view text_;
  const std::string& base_dir_;
  RequestTemplate& out_;
  std::string& error_;
  size_t pos_ = 0;
  size_t open_ = 0;  // where the placeholder being parsed opened
  std::string literal_;
};

}  // namespace

bool parse_template(std::string_view text, const std::string& base_dir, RequestTemplate& out,
                    std::string& error) {
  RequestTemplate parsed;
  if (!Parser(text, base_dir, parsed, error).run()) return false;
  out = std::move(parsed);
  return true;
}

uint8_t seq_width(uint64_t start) {
  uint8_t digits = 1;
  for (uint64_t v = start; v >= 10; v /= 10) ++digits;
  return static_cast<uint8_t>(digits + 1 > 12 ? digits + 1 : 12);
}

}  // namespace ringfire
