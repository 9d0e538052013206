// Ring against the running kernel: the set-up ladder, the features it reports (and who fills
// them in), the RINGFIRE_NO_* switches, and the wait that tells ordinary ends from a broken ring.
// Skips where the kernel has no io_uring.
#include "ringfire/engine/ring.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>

#include <cerrno>
#include <string>

namespace {

using ringfire::Ring;
using ringfire::RingOptions;

// Creates `ring` or skips the test.
#define INIT_OR_SKIP(ring)                                               \
  do {                                                                   \
    std::string error_;                                                  \
    if ((ring).init(RingOptions{}, error_) != 0) GTEST_SKIP() << error_; \
  } while (0)

TEST(Ring, InitProbesWhatItCan) {
  Ring ring;
  INIT_OR_SKIP(ring);
  const auto& f = ring.features();
  EXPECT_TRUE(f.ext_arg);  // init refuses a kernel without it
  EXPECT_FALSE(f.single_issuer && f.coop_taskrun);
  const std::string setup = ring.setup_name();
  EXPECT_EQ(setup, f.single_issuer ? "single_issuer+defer_taskrun"
                                   : (f.coop_taskrun ? "coop_taskrun" : "plain"));
  // Left to the methods that need more than a ring.
  EXPECT_FALSE(f.registered_files);
  EXPECT_FALSE(f.direct_sockets);
}

TEST(Ring, DeferTaskrunSwitch) {
  setenv("RINGFIRE_NO_DEFER_TASKRUN", "1", 1);
  Ring ring;
  std::string error;
  const int rc = ring.init(RingOptions{}, error);
  unsetenv("RINGFIRE_NO_DEFER_TASKRUN");
  if (rc != 0) GTEST_SKIP() << error;
  EXPECT_FALSE(ring.features().single_issuer);
  EXPECT_NE(std::string(ring.setup_name()), "single_issuer+defer_taskrun");
}

TEST(Ring, FixedFilesAndDirectSockets) {
  {
    Ring ring;
    INIT_OR_SKIP(ring);
    // Direct sockets need the file table first.
    EXPECT_FALSE(ring.enable_direct_sockets(AF_INET, 0));
    if (!ring.register_files(4)) GTEST_SKIP() << "no sparse fixed files (Linux 5.19+)";
    EXPECT_TRUE(ring.features().registered_files);
    EXPECT_EQ(ring.enable_direct_sockets(AF_INET, 0), ring.features().direct_sockets);
  }
  {
    setenv("RINGFIRE_NO_FIXED_FILES", "1", 1);
    Ring ring;
    INIT_OR_SKIP(ring);
    EXPECT_FALSE(ring.register_files(4));
    EXPECT_FALSE(ring.features().registered_files);
    unsetenv("RINGFIRE_NO_FIXED_FILES");
  }
  {
    setenv("RINGFIRE_NO_DIRECT_SOCKETS", "1", 1);
    Ring ring;
    INIT_OR_SKIP(ring);
    ring.register_files(4);
    EXPECT_FALSE(ring.enable_direct_sockets(AF_INET, 0));
    EXPECT_FALSE(ring.features().direct_sockets);
    unsetenv("RINGFIRE_NO_DIRECT_SOCKETS");
  }
}

// The provided-buffer ring does its job: a receive that selects from it gets the bytes in the
// buffer the CQE names, and the buffer, recycled, is handed out again.
TEST(Ring, BufferRingDeliversIntoTheBufferTheCompletionNames) {
  Ring ring;
  INIT_OR_SKIP(ring);
  if (!ring.features().buf_ring) GTEST_SKIP() << "no provided-buffer ring (Linux 5.19+)";
  ringfire::BufferRing buffers;
  std::string error;
  ASSERT_EQ(buffers.init(ring.get(), 2, 4096, error), 0) << error;
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  for (const std::string message : {"first", "second", "third"}) {  // 3 receives, 2 buffers
    ASSERT_EQ(write(fds[1], message.data(), message.size()), static_cast<ssize_t>(message.size()));
    io_uring_sqe* sqe = ring.sqe();
    io_uring_prep_recv(sqe, fds[0], nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = ringfire::BufferRing::kGroup;
    ASSERT_EQ(ring.submit_and_wait(1, 1'000'000'000), 0);
    io_uring_cqe* cqe = nullptr;
    ASSERT_EQ(io_uring_peek_cqe(ring.get(), &cqe), 0);
    ASSERT_EQ(cqe->res, static_cast<int>(message.size()));
    ASSERT_NE(cqe->flags & IORING_CQE_F_BUFFER, 0u);
    const unsigned id = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
    ASSERT_LT(id, buffers.count());
    EXPECT_EQ(std::string(buffers.data(id), message.size()), message);
    io_uring_cqe_seen(ring.get(), cqe);
    buffers.recycle(id);
    buffers.publish();
  }
  close(fds[0]);
  close(fds[1]);
}

TEST(Ring, WaitTimeoutIsNoError) {
  Ring ring;
  INIT_OR_SKIP(ring);
  EXPECT_EQ(ring.submit_and_wait(1, 1'000'000), 0);  // nothing in flight: -ETIME after 1 ms
  io_uring_prep_nop(ring.sqe());
  EXPECT_EQ(ring.submit_and_wait(1, 1'000'000'000), 0);
  io_uring_cqe* cqe = nullptr;
  ASSERT_EQ(io_uring_peek_cqe(ring.get(), &cqe), 0);
  EXPECT_EQ(cqe->res, 0);
}

}  // namespace
