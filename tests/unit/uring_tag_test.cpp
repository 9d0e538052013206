// The user_data layout shared by the client's and the server's rings.
#include "ringfire/engine/uring_tag.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace {

namespace tag = ringfire::uring_tag;

enum class TestOp : uint8_t { kFirst = 1, kLast = 255 };

TEST(UringTag, FieldsRoundTrip) {
  constexpr uint64_t t = tag::make(TestOp::kLast, 0xdeadbeef, 0xabcdef);
  static_assert(tag::op<TestOp>(t) == TestOp::kLast);
  EXPECT_EQ(tag::index(t), 0xdeadbeefu);
  EXPECT_EQ(tag::generation(t), 0xabcdefu);
  EXPECT_EQ(t, 0xffabcdefdeadbeefull);  // op 8 bits | generation 24 bits | index 32 bits
}

TEST(UringTag, GenerationKeepsItsTwentyFourBits) {
  // A generation past 24 bits must not spill into the operation.
  const uint64_t t = tag::make(TestOp::kFirst, 7, 0x1000001);
  EXPECT_EQ(tag::op<TestOp>(t), TestOp::kFirst);
  EXPECT_EQ(tag::generation(t), 1u);
  EXPECT_EQ(tag::index(t), 7u);
}

TEST(UringTag, OperationOnlyTags) {
  const uint64_t t = tag::make(TestOp::kFirst);
  EXPECT_EQ(t, uint64_t{1} << 56);
  EXPECT_EQ(tag::index(t), 0u);
  EXPECT_EQ(tag::generation(t), 0u);
}

TEST(UringTag, NextGenerationWrapsWithinTheTag) {
  EXPECT_EQ(tag::next_generation(0), 1u);
  EXPECT_EQ(tag::next_generation(0xfffffe), 0xffffffu);
  EXPECT_EQ(tag::next_generation(0xffffff), 0u);
  // A recycled slot's completions are told apart from the live one's.
  const uint64_t stale = tag::make(TestOp::kFirst, 3, 0xffffff);
  const uint64_t live = tag::make(TestOp::kFirst, 3, tag::next_generation(0xffffff));
  EXPECT_NE(tag::generation(stale), tag::generation(live));
  EXPECT_EQ(tag::index(stale), tag::index(live));
}

}  // namespace
