// Byte scanning for the HTTP parser: word compares that ignore ASCII case, and 16-byte-at-a-time
// searches for the bytes that end a header name or a line. Internal to the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ringfire::scan {

inline uint64_t load_word(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
inline uint32_t load_short_word(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// True if the 8 (4) bytes at p equal the lower-case `text` ignoring ASCII case. Exact when `text`
// is letters and '-' and p holds no CR (see parser::fold()).
inline bool word_is(const char* p, const char* text) {
  return (load_word(p) | 0x2020202020202020ULL) == load_word(text);
}
inline bool short_word_is(const char* p, const char* text) {
  return (load_short_word(p) | 0x20202020U) == load_short_word(text);
}

// Bit i set if byte p[i] (i < 16) is a control byte (< 0x20).
inline uint32_t control_bits_16(const char* p) {
#if defined(__SSE2__)
  // max(x, 0x1f) == 0x1f exactly for x <= 0x1f; x itself is not needed again.
  const __m128i max_control = _mm_set1_epi8(0x1f);
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(x, max_control), max_control);
  return static_cast<uint32_t>(_mm_movemask_epi8(control));
#else
  uint32_t m = 0;
  for (int i = 0; i < 16; ++i) m |= uint32_t{static_cast<unsigned char>(p[i]) < 0x20} << i;
  return m;
#endif
}

// Bit i set if byte p[i] (i < 16) cannot be part of a header name: a control byte, space or ':'.
inline uint32_t name_stop_bits_16(const char* p) {
#if defined(__SSE2__)
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i stop = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(' ')), x),
                                    _mm_cmpeq_epi8(x, _mm_set1_epi8(':')));
  return static_cast<uint32_t>(_mm_movemask_epi8(stop));
#else
  uint32_t m = 0;
  for (int i = 0; i < 16; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    m |= uint32_t{c <= ' ' || c == ':'} << i;
  }
  return m;
#endif
}

// Bit i set if byte p[i] (i < 64) is a control byte. All four loads depend on p only, so a run of
// lines found in the bits costs a few cycles each, not a load each.
inline uint64_t control_bits_64(const char* p) {
  uint64_t m = 0;
  for (unsigned i = 0; i < 64; i += 16) m |= uint64_t{control_bits_16(p + i)} << i;
  return m;
}

// Readable input [floor, lim), searched 16 bytes at a time without ever loading a byte outside
// it: near lim, the last 16 bytes of the window are loaded instead and the bits shifted into
// place, so no copy is needed unless the whole window is shorter than 16 bytes.
class Window {
 public:
  Window(const char* floor, const char* lim) : floor_(floor), lim_(lim) {}

  const char* lim() const { return lim_; }

  // Bit i set if q + i < lim and that byte is a control byte. q <= lim.
  uint32_t controls(const char* q) const {
    if (lim_ - q >= 16) [[likely]]
      return control_bits_16(q);
    return near_lim(q, control_bits_16);
  }

  // Bit i set if q + i < lim and that byte cannot be part of a header name. q <= lim.
  uint32_t name_stops(const char* q) const {
    if (lim_ - q >= 16) [[likely]]
      return name_stop_bits_16(q);
    return near_lim(q, name_stop_bits_16);
  }

  // The first control byte in [q, lim), or nullptr. q <= lim.
  const char* first_control(const char* q) const {
    for (;;) {
      const uint32_t m = controls(q);
      if (m != 0) return q + static_cast<unsigned>(__builtin_ctz(m));
      if (lim_ - q <= 16) return nullptr;
      q += 16;
    }
  }

  // The first byte in [q, lim) that cannot be part of a header name, or nullptr. q <= lim.
  const char* first_name_stop(const char* q) const {
    for (;;) {
      const uint32_t m = name_stops(q);
      if (m != 0) return q + static_cast<unsigned>(__builtin_ctz(m));
      if (lim_ - q <= 16) return nullptr;
      q += 16;
    }
  }

  // The first control byte other than HT in [q, lim) (the CR or LF ending a line, or a byte that
  // has no place in one), or lim.
  const char* line_stop(const char* q) const {
    for (;;) {
      for (uint32_t m = controls(q); m != 0; m &= m - 1) {
        const char* s = q + static_cast<unsigned>(__builtin_ctz(m));
        if (*s != '\t') return s;
      }
      if (lim_ - q <= 16) return lim_;
      q += 16;
    }
  }

 private:
  // Fewer than 16 bytes from q to lim.
  template <class Bits16>
  uint32_t near_lim(const char* q, Bits16 bits_16) const {
    const auto left = static_cast<unsigned>(lim_ - q);
    if (lim_ - floor_ >= 16) return bits_16(lim_ - 16) >> (16 - left);
    char scratch[16] = {};
    std::memcpy(scratch, q, left);
    return bits_16(scratch) & ((1u << left) - 1);
  }

  const char* floor_;
  const char* lim_;
};

// Bit i set if q + i < lim and that byte is a control byte (i < 64), loading nothing outside
// [floor, lim). q < lim. Near lim the 64 bytes that end at lim are loaded instead and the bits
// shifted into place, so the last lines of a head cost no more than the others.
inline uint64_t controls_64_before(const char* q, const char* lim, const char* floor) {
  if (lim - q >= 64) [[likely]]
    return control_bits_64(q);
  const auto left = static_cast<unsigned>(lim - q);
  if (lim - floor >= 64) return control_bits_64(lim - 64) >> (64 - left);
  const Window w(floor, lim);
  uint64_t m = 0;
  for (unsigned i = 0; i < left; i += 16) m |= uint64_t{w.controls(q + i)} << i;
  return m;
}

}  // namespace ringfire::scan
