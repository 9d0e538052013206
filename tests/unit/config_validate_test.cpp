// validate(): one test per rule (config.hpp names them beside the fields). Each starts from the
// defaults, which are coherent, changes what the rule is about, and expects the one-line reason.
#include <gtest/gtest.h>
#include <sched.h>

#include <functional>
#include <limits>

#include "ringfire/run/config.hpp"

namespace ringfire {
namespace {

std::string problem_with(const std::function<void(RunConfig&)>& change) {
  RunConfig config;
  change(config);
  return validate(config);
}

::testing::AssertionResult has_problem(const std::function<void(RunConfig&)>& change,
                                       const std::string& words) {
  const std::string problem = problem_with(change);
  if (problem.find('\n') != std::string::npos) {
    return ::testing::AssertionFailure() << "more than one line: " << problem;
  }
  if (problem.find(words) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "want '" << words << "', got '" << problem << "'";
}

::testing::AssertionResult is_fine(const std::function<void(RunConfig&)>& change) {
  const std::string problem = problem_with(change);
  if (problem.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "unexpected problem: " << problem;
}

// Variadic: a lambda's commas are not inside parentheses.
#define EXPECT_PROBLEM(...) EXPECT_TRUE(has_problem(__VA_ARGS__))
#define EXPECT_FINE(...) EXPECT_TRUE(is_fine(__VA_ARGS__))

TEST(Validate, DefaultsAreCoherent) {
  EXPECT_FINE([](RunConfig&) {});
}

TEST(Validate, ConnectionsBetweenOneAndAMillion) {
  EXPECT_PROBLEM([](RunConfig& c) { c.connections = 0; }, "--connections must be between 1");
  EXPECT_PROBLEM([](RunConfig& c) { c.connections = 1'000'001; }, "--connections");
  EXPECT_FINE([](RunConfig& c) { c.connections = 1'000'000; });
}

TEST(Validate, ThreadsAtMost1024) {
  EXPECT_PROBLEM(
      [](RunConfig& c) {
        c.connections = 2000;
        c.threads = 1025;
      },
      "--threads must be at most 1024");
}

TEST(Validate, ThreadsNoMoreThanConnections) {
  EXPECT_PROBLEM(
      [](RunConfig& c) {
        c.connections = 2;
        c.threads = 3;
      },
      "--threads 3 is more than --connections 2");
  EXPECT_FINE([](RunConfig& c) {
    c.connections = 2;
    c.threads = 2;
  });
  EXPECT_FINE([](RunConfig& c) { c.connections = 1; });  // threads 0: chosen, then capped
}

TEST(Validate, PipelineBetweenOneAnd1024) {
  EXPECT_PROBLEM([](RunConfig& c) { c.pipeline = 0; }, "--pipeline must be between 1 and 1024");
  EXPECT_PROBLEM([](RunConfig& c) { c.pipeline = 1025; }, "--pipeline");
  EXPECT_FINE([](RunConfig& c) { c.pipeline = 1024; });
}

TEST(Validate, WaitBatchBetweenOneAnd1024) {
  EXPECT_PROBLEM([](RunConfig& c) { c.wait_batch = 0; }, "--wait-batch must be between 1");
  EXPECT_PROBLEM([](RunConfig& c) { c.wait_batch = 1025; }, "--wait-batch");
}

TEST(Validate, WaitMaxAtMostOneMillisecond) {
  EXPECT_PROBLEM([](RunConfig& c) { c.wait_max = std::chrono::microseconds(1001); },
                 "--wait-max must be at most 1ms");
  EXPECT_FINE([](RunConfig& c) { c.wait_max = std::chrono::milliseconds(1); });
  EXPECT_FINE([](RunConfig& c) { c.wait_max = Nanos(0); });
}

TEST(Validate, CpusMustBeOnesThisProcessMayUse) {
  EXPECT_PROBLEM([](RunConfig& c) { c.cpus = {CPU_SETSIZE - 1}; },
                 "--cpus: CPU " + std::to_string(CPU_SETSIZE - 1) + " is not available");
  EXPECT_FINE([](RunConfig& c) { c.cpus = allowed_cpus(); });
}

TEST(Validate, DurationsNotNegative) {
  EXPECT_PROBLEM([](RunConfig& c) { c.warmup = Nanos(-1); }, "durations must not be negative");
  EXPECT_PROBLEM([](RunConfig& c) { c.ramp = Nanos(-1); }, "durations must not be negative");
}

TEST(Validate, SomethingEndsTheRun) {
  EXPECT_PROBLEM([](RunConfig& c) { c.duration = Nanos(0); }, "give --duration or --requests");
  EXPECT_FINE([](RunConfig& c) {
    c.duration = Nanos(0);
    c.requests = 10;
  });
}

TEST(Validate, TimeoutMoreThanZero) {
  EXPECT_PROBLEM([](RunConfig& c) { c.timeout = Nanos(0); }, "--timeout must be more than 0");
}

TEST(Validate, RateFiniteAndAtMostABillion) {
  EXPECT_PROBLEM([](RunConfig& c) { c.rate = -1; }, "--rate must be between 0 and 1e9");
  EXPECT_PROBLEM([](RunConfig& c) { c.rate = 2e9; }, "--rate must be between 0 and 1e9");
  EXPECT_PROBLEM([](RunConfig& c) { c.rate = std::numeric_limits<double>::quiet_NaN(); },
                 "--rate must be");
  EXPECT_PROBLEM([](RunConfig& c) { c.rate = std::numeric_limits<double>::infinity(); },
                 "--rate must be");
}

TEST(Validate, RateTimesDurationAtLeastOneRequest) {
  EXPECT_PROBLEM(
      [](RunConfig& c) {
        c.rate = 0.5;
        c.duration = std::chrono::seconds(1);
      },
      "--rate 0.5 over --duration 1s schedules less than one request");
  EXPECT_FINE([](RunConfig& c) {
    c.rate = 0.5;
    c.duration = std::chrono::seconds(2);
  });
  EXPECT_FINE([](RunConfig& c) {  // no time limit: the count ends it
    c.rate = 0.5;
    c.duration = Nanos(0);
    c.requests = 1;
  });
}

TEST(Validate, PoissonNeedsARate) {
  EXPECT_PROBLEM([](RunConfig& c) { c.arrival = Arrival::kPoisson; },
                 "--arrival poisson needs --rate");
  EXPECT_FINE([](RunConfig& c) {
    c.arrival = Arrival::kPoisson;
    c.rate = 100;
  });
}

TEST(Validate, IncludeRampNeedsARamp) {
  EXPECT_PROBLEM([](RunConfig& c) { c.include_ramp = true; }, "--include-ramp needs --ramp");
}

TEST(Validate, IncludedRampFitsInTheDuration) {
  EXPECT_PROBLEM(
      [](RunConfig& c) {
        c.include_ramp = true;
        c.ramp = std::chrono::seconds(11);
      },
      "--ramp 11s is longer than --duration 10s with --include-ramp");
  EXPECT_FINE([](RunConfig& c) {  // excluded ramps come before the duration
    c.ramp = std::chrono::seconds(11);
  });
}

TEST(Validate, WholeRunAtMostThirtyDays) {
  EXPECT_PROBLEM(
      [](RunConfig& c) {
        c.duration = kMaxRunTime;
        c.warmup = Nanos(1);
      },
      "--ramp + --warmup + --duration must be at most 30 days");
  EXPECT_PROBLEM([](RunConfig& c) { c.ramp = Nanos(std::numeric_limits<int64_t>::max()); },
                 "at most 30 days");
}

TEST(Validate, MethodIsUppercaseLetters) {
  EXPECT_PROBLEM([](RunConfig& c) { c.method = ""; }, "--method is empty");
  EXPECT_PROBLEM([](RunConfig& c) { c.method = "get"; }, "bad --method 'get'");
  EXPECT_PROBLEM([](RunConfig& c) { c.method = "GET /x"; }, "bad --method");
  EXPECT_FINE([](RunConfig& c) { c.method = "PROPFIND"; });
}

TEST(Validate, BodyAtMost16MiB) {
  EXPECT_PROBLEM([](RunConfig& c) { c.body.assign(kMaxBodyBytes + 1, 'x'); }, "larger than 16 MiB");
}

TEST(Validate, HeaderIsNameColonValue) {
  for (const char* bad : {"no colon", ": empty name", "Two Words: x", "X;Y: z", "(x): y"}) {
    EXPECT_PROBLEM([bad](RunConfig& c) { c.headers = {bad}; },
                   "bad --header '" + std::string(bad) + "' (expected 'Name: value'");
  }
  EXPECT_FINE([](RunConfig& c) { c.headers = {"X-A: 1", "Accept:*/*", "X-Empty:"}; });
}

TEST(Validate, HeaderValueHasNoLineBreakOrNul) {
  EXPECT_PROBLEM([](RunConfig& c) { c.headers = {"X: a\r\nInjected: 1"}; },
                 "bad --header 'X: a\\r\\nInjected: 1': a value cannot hold CR, LF or NUL");
  EXPECT_PROBLEM([](RunConfig& c) { c.headers = {std::string("X: a\0b", 6)}; },
                 "cannot hold CR, LF or NUL");
}

TEST(Validate, NoTransferEncodingHeader) {
  EXPECT_PROBLEM([](RunConfig& c) { c.headers = {"transfer-encoding: chunked"}; },
                 "Transfer-Encoding is not supported");
}

TEST(Validate, ContentLengthHeaderMatchesTheBody) {
  EXPECT_PROBLEM(
      [](RunConfig& c) {
        c.body = "abcd";
        c.headers = {"Content-Length: 3"};
      },
      "--header 'Content-Length: 3' does not match the body's 4 bytes");
  EXPECT_FINE([](RunConfig& c) {
    c.body = "abcd";
    c.headers = {"content-length:  4 "};
  });
}

}  // namespace
}  // namespace ringfire
