// nghttp2's allocations, counted: each block carries its size in a header of max_align_t's size
// (so the pointer handed out keeps malloc's alignment).
#include <cstdlib>
#include <cstring>

#include "ringfire/http2/h2_session.hpp"

namespace ringfire {

namespace {
constexpr size_t kHeader = alignof(std::max_align_t);
}  // namespace

H2Memory::H2Memory() {
  mem_.mem_user_data = this;
  mem_.malloc = &H2Memory::on_malloc;
  mem_.free = &H2Memory::on_free;
  mem_.calloc = &H2Memory::on_calloc;
  mem_.realloc = &H2Memory::on_realloc;
}

void* H2Memory::on_malloc(size_t size, void* self) {
  auto* m = static_cast<H2Memory*>(self);
  auto* block = static_cast<char*>(std::malloc(size + kHeader));
  if (block == nullptr) return nullptr;
  std::memcpy(block, &size, sizeof(size));
  m->now_ += size;
  if (m->now_ > m->peak_) m->peak_ = m->now_;
  return block + kHeader;
}

void H2Memory::on_free(void* ptr, void* self) {
  if (ptr == nullptr) return;
  char* block = static_cast<char*>(ptr) - kHeader;
  size_t size;
  std::memcpy(&size, block, sizeof(size));
  static_cast<H2Memory*>(self)->now_ -= size;
  std::free(block);
}

void* H2Memory::on_calloc(size_t n, size_t size, void* self) {
  if (size != 0 && n > SIZE_MAX / size) return nullptr;
  void* p = on_malloc(n * size, self);
  if (p != nullptr) std::memset(p, 0, n * size);
  return p;
}

void* H2Memory::on_realloc(void* ptr, size_t size, void* self) {
  if (ptr == nullptr) return on_malloc(size, self);
  char* block = static_cast<char*>(ptr) - kHeader;
  size_t old;
  std::memcpy(&old, block, sizeof(old));
  void* p = on_malloc(size, self);
  if (p == nullptr) return nullptr;
  std::memcpy(p, ptr, old < size ? old : size);
  on_free(ptr, self);
  return p;
}

}  // namespace ringfire
