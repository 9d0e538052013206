#include "ringfire/http/request_template.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "chi_squared.hpp"
#include "temp_files.hpp"

namespace ringfire {
namespace {

using Kind = TemplatePart::Kind;

std::string render_once(const RequestTemplate& t, Rng& rng) {
  std::string out;
  std::vector<SeqField> fields;
  render_template(t, rng, out, fields);
  return out;
}

RequestTemplate parsed(const std::string& text, const std::string& dir = "") {
  RequestTemplate t;
  std::string error;
  EXPECT_TRUE(parse_template(text, dir, t, error)) << text << ": " << error;
  return t;
}

TEST(RequestTemplate, EachPlaceholderParses) {
  struct Case {
    const char* text;
    Kind kind;
    uint64_t lo, hi;
    size_t values;
  };
  const Case cases[] = {
      {"{rand:10:1000}", Kind::kRand, 10, 1000, 0},
      {"{rand:0:18446744073709551615}", Kind::kRand, 0, UINT64_MAX, 0},
      {"{rand:7:7}", Kind::kRand, 7, 7, 0},
      {"{seq}", Kind::kSeq, 0, 0, 0},
      {"{seq:1000000}", Kind::kSeq, 1000000, 0, 0},
      {"{choice:a,b,c}", Kind::kChoice, 0, 0, 3},
      {"{choice:only}", Kind::kChoice, 0, 0, 1},
      {"{uuid}", Kind::kUuid, 0, 0, 0},
  };
  for (const Case& c : cases) {
    const RequestTemplate t = parsed(c.text);
    ASSERT_EQ(t.parts.size(), 1u) << c.text;
    const TemplatePart& p = t.parts[0];
    EXPECT_EQ(p.kind, c.kind) << c.text;
    EXPECT_EQ(p.lo, c.lo) << c.text;
    EXPECT_EQ(p.hi, c.hi) << c.text;
    EXPECT_EQ(p.values ? p.values->size() : 0, c.values) << c.text;
    EXPECT_FALSE(t.is_literal()) << c.text;
    EXPECT_EQ(t.has_seq(), c.kind == Kind::kSeq) << c.text;
    EXPECT_EQ(t.has_random(), c.kind != Kind::kSeq) << c.text;
  }
}

TEST(RequestTemplate, LiteralsAndEscapes) {
  struct Case {
    const char* text;
    const char* rendered;
  };
  const Case cases[] = {
      {"", ""},
      {"/plain/path?x=1", "/plain/path?x=1"},
      {"{{", "{"},
      {"}}", "}"},
      {"{{\"json\": 1}}", "{\"json\": 1}"},
      {"a{{{rand:5:5}}}b", "a{5}b"},
      {"/{choice:x}/{rand:3:3}/{choice:y}", "/x/3/y"},
  };
  for (const Case& c : cases) {
    const RequestTemplate t = parsed(c.text);
    Rng rng;
    EXPECT_EQ(render_once(t, rng), c.rendered) << c.text;
  }
  EXPECT_TRUE(parsed("{{x}}").is_literal());
  EXPECT_TRUE(parsed("").empty());
  // A literal template keeps braces as they are (a URL's path, a body_file).
  Rng rng;
  EXPECT_EQ(render_once(literal_template("/{rand:1:2}}"), rng), "/{rand:1:2}}");
  EXPECT_TRUE(literal_template("").empty());
}

TEST(RequestTemplate, ErrorsNameThePositionAndWhatWasExpected) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"abc}", "position 3: lone '}' (write '}}' for a literal brace)"},
      {"{",
       "position 1: expected a placeholder name (rand, seq, choice, line or uuid; '{{' for "
       "a literal brace), found the end"},
      {"/{nope}",
       "position 2: unknown placeholder 'nope' (expected rand, seq, choice, line or "
       "uuid; '{{' for a literal brace)"},
      {"{ rand:1:2}",
       "position 1: expected a placeholder name (rand, seq, choice, line or uuid; "
       "'{{' for a literal brace), found ' '"},
      {"/x{rand}", "position 7: expected ':' after 'rand' ({rand:LO:HI}), found '}'"},
      {"{rand:}", "position 6: expected a number (LO of {rand:LO:HI}), found '}'"},
      {"{rand:-1:5}", "position 6: expected a number (LO of {rand:LO:HI}), found '-'"},
      {"{rand:10}", "position 8: expected ':' after LO ({rand:LO:HI}), found '}'"},
      {"{rand:1:x}", "position 8: expected a number (HI of {rand:LO:HI}), found 'x'"},
      {"{rand:1:2", "position 9: expected '}' to close the '{' at position 0"},
      {"{rand:1:2x}", "position 9: expected '}', found 'x'"},
      {"ab{rand:9:3}", "position 2: {rand:LO:HI} needs LO <= HI, got LO 9 and HI 3"},
      {"{rand:0:18446744073709551616}",
       "position 8: a number (HI of {rand:LO:HI}) is too large (at most 18446744073709551615)"},
      {"{seq:}", "position 5: expected a number (START of {seq:START}), found '}'"},
      {"{seqx}",
       "position 1: unknown placeholder 'seqx' (expected rand, seq, choice, line or "
       "uuid; '{{' for a literal brace)"},
      {"{seq-1}", "position 4: expected ':' or '}' after 'seq', found '-'"},
      {"{seq:1000000000000000000}", "position 5: {seq:START} needs START below 10^18"},
      {"{seq", "position 4: expected '}' to close the '{' at position 0"},
      {"{choice}", "position 7: expected ':' ({choice:a,b,c}), found '}'"},
      {"{choice:}", "position 8: expected a value ({choice:a,b,c})"},
      {"{choice:a,,b}", "position 10: expected a value ({choice:a,b,c})"},
      {"{choice:a,}", "position 10: expected a value ({choice:a,b,c})"},
      {"{choice:a{b}", "position 9: '{' inside {choice:a,b,c} (values hold no braces)"},
      {"{choice:a,b", "position 11: expected '}' to close the '{' at position 0"},
      {"{line}", "position 5: expected ':' after 'line' ({line:FILE}), found '}'"},
      {"{line:}", "position 6: expected a file name ({line:FILE})"},
      {"{uuid:4}", "position 5: expected '}', found ':'"},
      {"{{{uuid", "position 7: expected '}' to close the '{' at position 2"},
  };
  for (const Case& c : cases) {
    RequestTemplate t;
    std::string error;
    EXPECT_FALSE(parse_template(c.text, "", t, error)) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
  }
}

TEST(RequestTemplate, SeqWidthAndZeros) {
  EXPECT_EQ(seq_width(0), 12);
  EXPECT_EQ(seq_width(1000000), 12);
  EXPECT_EQ(seq_width(99999999999), 12);   // 11 digits
  EXPECT_EQ(seq_width(100000000000), 13);  // 12 digits
  EXPECT_EQ(seq_width(999999999999999999), 19);
  const RequestTemplate t = parsed("/u/{seq:5}/x{seq}");
  Rng rng;
  std::string out;
  std::vector<SeqField> fields;
  render_template(t, rng, out, fields);
  EXPECT_EQ(out, "/u/000000000000/x000000000000");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].offset, 3u);
  EXPECT_EQ(fields[0].width, 12);
  EXPECT_EQ(fields[0].start, 5u);
  EXPECT_EQ(fields[1].offset, 17u);
  EXPECT_EQ(fields[1].start, 0u);
}

TEST(RequestTemplate, RandStaysInRangeAndIsUniform) {
  const RequestTemplate t = parsed("{rand:10:29}");  // 20 values, one bin each
  Rng rng(42);
  std::vector<uint64_t> bins(20, 0);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t v = std::stoull(render_once(t, rng));
    ASSERT_GE(v, 10u);
    ASSERT_LE(v, 29u);
    ++bins[v - 10];
  }
  EXPECT_LT(chi_squared(bins, std::vector<double>(20, 1.0)), kChi2Critical001[19]);

  // A wide range, 20 equal bins.
  const RequestTemplate wide = parsed("{rand:1000:999999}");
  std::vector<uint64_t> wide_bins(20, 0);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t v = std::stoull(render_once(wide, rng));
    ASSERT_GE(v, 1000u);
    ASSERT_LE(v, 999999u);
    ++wide_bins[(v - 1000) * 20 / 999000];
  }
  EXPECT_LT(chi_squared(wide_bins, std::vector<double>(20, 1.0)), kChi2Critical001[19]);
}

TEST(RequestTemplate, ChoiceIsUniform) {
  const RequestTemplate t = parsed("{choice:red,green,blue,x}");
  const std::map<std::string, size_t> index = {{"red", 0}, {"green", 1}, {"blue", 2}, {"x", 3}};
  Rng rng(7);
  std::vector<uint64_t> bins(4, 0);
  for (int i = 0; i < 8000; ++i) {
    const auto it = index.find(render_once(t, rng));
    ASSERT_NE(it, index.end());
    ++bins[it->second];
  }
  EXPECT_LT(chi_squared(bins, std::vector<double>(4, 1.0)), kChi2Critical001[3]);
}

TEST(RequestTemplate, UuidIsVersion4) {
  const RequestTemplate t = parsed("{uuid}");
  Rng rng(3);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = render_once(t, rng);
    ASSERT_EQ(u.size(), 36u) << u;
    for (size_t j = 0; j < u.size(); ++j) {
      if (j == 8 || j == 13 || j == 18 || j == 23) {
        ASSERT_EQ(u[j], '-') << u;
      } else {
        ASSERT_TRUE((u[j] >= '0' && u[j] <= '9') || (u[j] >= 'a' && u[j] <= 'f')) << u;
      }
    }
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

using LineFile = TempFiles;

TEST_F(LineFile, LinesAreReadRelativeToTheFolderAndChosenUniformly) {
  write("ids.txt", "alpha\r\nbeta\n\n\ngamma");
  const RequestTemplate t = parsed("/id/{line:ids.txt}", dir_);
  ASSERT_EQ(t.parts.size(), 2u);
  ASSERT_EQ(*t.parts[1].values, (std::vector<std::string>{"alpha", "beta", "gamma"}));
  const std::map<std::string, size_t> index = {{"/id/alpha", 0}, {"/id/beta", 1}, {"/id/gamma", 2}};
  Rng rng(11);
  std::vector<uint64_t> bins(3, 0);
  for (int i = 0; i < 6000; ++i) ++bins[index.at(render_once(t, rng))];
  EXPECT_LT(chi_squared(bins, std::vector<double>(3, 1.0)), kChi2Critical001[2]);
}

TEST_F(LineFile, EmptyOrMissingFileIsAnError) {
  write("empty.txt", "\r\n\n");
  RequestTemplate t;
  std::string error;
  EXPECT_FALSE(parse_template("x{line:empty.txt}", dir_, t, error));
  EXPECT_EQ(error, "position 7: '" + dir_ + "/empty.txt' has no lines");
  EXPECT_FALSE(parse_template("{line:missing.txt}", dir_, t, error));
  EXPECT_EQ(error, "position 6: cannot read '" + dir_ + "/missing.txt': No such file or directory");
}

}  // namespace
}  // namespace ringfire
