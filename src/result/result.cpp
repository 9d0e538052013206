#include "ringfire/result/result.hpp"

namespace ringfire {

double Result::requests_per_second() const {
  return measured_seconds > 0 ? static_cast<double>(measured.completed) / measured_seconds : 0;
}

double Result::bytes_per_second() const {
  return measured_seconds > 0 ? static_cast<double>(measured.bytes_received) / measured_seconds : 0;
}

}  // namespace ringfire
