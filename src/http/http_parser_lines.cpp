// The head of a response (and the trailers of a chunked one): its byte budget, the fast path over
// whole lines, and what the end of the head means for the body.
//
// The fast path: one pass from the status line to the empty line over whole lines, with what the
// headers say kept in registers and stored once at the end (parse_head() for a response that
// starts in the buffer, header_lines() for what follows a split). Lines are found from the control
// bits of 64 bytes at a time, a line longer than that 16 bytes at a time.
//
// It takes only lines that are complete before lim and that the slow path would accept with the
// same result: a name of bytes other than controls, space and ':'; a value of bytes other than
// controls but HT; CRLF or LF; and, for the three headers that decide framing, a common value
// ("13", "keep-alive", "close", "chunked") on a line whose next byte is in the buffer and starts
// no obs-fold continuation (SP/HT: the value would go on there). At anything else it stops at the
// start of that line and the slow path (http_parser_slow.cpp) goes on from there, so errors are
// found by one piece of code, at the byte where they are, whatever the split of the input.
#include <cstddef>
#include <cstring>

#include "http_parser_internal.hpp"
#include "http_scan.hpp"
#include "ringfire/http/http_parser.hpp"

namespace ringfire {

using namespace parser;  // the parser's own vocabulary

namespace {

using scan::short_word_is;
using scan::word_is;

// The end of a line from its first control byte e (found by scanning w): the first control byte
// other than HT, which HT-free lines (most) have at e already. Returns nullptr if there is none
// before lim.
inline const char* skip_tabs(const char* e, const scan::Window& w) {
  if (*e != '\t') return e;
  e = w.line_stop(e + 1);  // HT is allowed in values and reason phrases
  return e == w.lim() ? nullptr : e;
}

// The byte after the LF of a line whose first control byte other than HT is at e, or nullptr when
// the line does not end there with LF or CRLF, or its LF is not before lim yet.
inline const char* after_line_end(const char* e, const scan::Window& w) {
  if (*e == '\r') return w.lim() - e >= 2 && e[1] == '\n' ? e + 2 : nullptr;
  return *e == '\n' ? e + 1 : nullptr;
}

// True if a line starting with c may be an obs-fold continuing the line before: SP and HT, and
// also '!', '(', ')', NUL, 0x01 and 0x08, which share their zero bits. Those only cost the slow
// path a line, and make this one test instead of two.
inline bool may_continue(char c) {
  return (static_cast<unsigned char>(c) & 0xd6) == 0;
}

inline uint16_t load_pair(const char* p) {
  uint16_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

struct StatusLine {
  const char* next = nullptr;  // nullptr: not taken
  uint8_t http_minor = 0;
  uint16_t status = 0;
};

// "HTTP/1.x NNN" and the byte after it (' ', or the line end), all before lim; status 0 if not.
inline StatusLine status_fields(const char* p, const char* lim) {
  if (lim - p < 13) return {};
  // One word compare for the version: it is "HTTP/1.1" or differs from it in the last digit only.
  const uint64_t http11 = scan::load_word("HTTP/1.1");
  const uint64_t diff = scan::load_word(p) ^ http11;
  if (diff != 0 && diff != (http11 ^ scan::load_word("HTTP/1.0"))) return {};
  const auto digit = [](char ch) { return static_cast<unsigned>(ch - '0'); };
  if (p[8] != ' ' || digit(p[9]) - 1 > 8 || digit(p[10]) > 9 || digit(p[11]) > 9) return {};
  if (p[12] != ' ' && p[12] != '\r' && p[12] != '\n') return {};
  return {nullptr, static_cast<uint8_t>(diff == 0),
          static_cast<uint16_t>(digit(p[9]) * 100 + digit(p[10]) * 10 + digit(p[11]))};
}

// "HTTP/1.x NNN[ reason]" and its line end, all before lim.
inline StatusLine status_line(const char* p, const scan::Window& w) {
  const StatusLine taken = status_fields(p, w.lim());
  if (taken.status == 0) return {};
  if (w.lim() - p >= 12 + 17) {
    // Room for 16 bytes of reason phrase and the byte after them: no bounds checks. The usual
    // short reason and CRLF are taken here.
    const uint32_t controls = scan::control_bits_16(p + 12);
    const char* e = p + 12 + static_cast<unsigned>(__builtin_ctz(controls | 0x10000));
    if (controls != 0 && load_pair(e) == load_pair("\r\n"))
      return {e + 2, taken.http_minor, taken.status};
  }
  const char* e = w.first_control(p + 12);
  if (e == nullptr || (e = skip_tabs(e, w)) == nullptr) return {};
  return {after_line_end(e, w), taken.http_minor, taken.status};
}

// Name sizes of the headers that decide framing, as bits: other names are passed over after one
// test. Zero for trailers, where no name matters.
constexpr uint32_t kFramingNameSizes = 1u << 10 | 1u << 14 | 1u << 17;

// Which header that decides framing a whole name is (0: none). Names are free of control bytes,
// spaces and ':' here, which is what makes the case folding of word_is() exact.
inline uint8_t header_named(const char* p, size_t size) {
  switch (size) {
    case 10:
      return word_is(p, "connecti") && word_is(p + 2, "nnection") ? kConnection : 0;
    case 14:
      return word_is(p, "content-") && word_is(p + 6, "t-length") ? kContentLength : 0;
    case 17:
      return word_is(p, "transfer") && word_is(p + 8, "-encodin") && word_is(p + 9, "encoding")
                 ? kTransferEncoding
                 : 0;
    default:
      return 0;
  }
}

// What the headers taken so far said: ResponseParser::flags_ and remaining_ (the Content-Length),
// in registers.
struct Framing {
  uint16_t flags;
  uint64_t content_length;

  // Takes the value [v, e) of a header that decides framing if it is a common one, with the
  // effect value_byte() and value_end() would have had. False: leave the line to them. *e is the
  // CR or LF that ends the line, so the scans forward need no bound: they stop there.
  [[gnu::always_inline]] bool take(uint8_t header, const char* v, const char* e) {
    v += *v == ' ';  // the usual one space, then any other OWS
    while (is_ows(static_cast<unsigned char>(*v))) [[unlikely]]++ v;
    if (header == kContentLength) {
      const char* const digits = v;
      uint64_t n = 0;
      for (unsigned d; (d = static_cast<unsigned char>(*v) - unsigned{'0'}) <= 9; ++v) {
        n = n * 10 + d;
      }
      if (v == digits || v - digits > 18) return false;  // 18 digits cannot pass kMaxNumber
      while (is_ows(static_cast<unsigned char>(*v))) ++v;
      if (v != e) return false;
      if ((flags & kHaveLength) != 0 && n != content_length) return false;  // an error
      flags |= kHaveLength;
      content_length = n;
      return true;
    }
    while (e > v && is_ows(static_cast<unsigned char>(e[-1]))) --e;
    const size_t size = static_cast<size_t>(e - v);
    if (header == kConnection) {
      if (size == 10 && word_is(v, "keep-ali") && word_is(v + 2, "ep-alive")) {
        flags |= kConnectionKeepAlive;
        return true;
      }
      if (size == 5 && short_word_is(v, "clos") && short_word_is(v + 1, "lose")) {
        flags |= kConnectionClose;
        return true;
      }
      return false;
    }
    // Transfer-Encoding: "chunked" alone is the last coding.
    if (size != 7 || !short_word_is(v, "chun") || !short_word_is(v + 3, "nked")) return false;
    flags |= kHaveTransferEncoding | kChunked;
    return true;
  }
};

// One whole header line from its start p: the byte after its LF, or nullptr if not taken.
inline const char* header_line(const char* p, const scan::Window& w, Framing& framing,
                               uint32_t name_sizes) {
  const char* colon = w.first_name_stop(p);
  if (colon == nullptr || colon == p || *colon != ':') return nullptr;
  const char* e = w.first_control(colon + 1);
  if (e == nullptr || (e = skip_tabs(e, w)) == nullptr) return nullptr;
  const char* next = after_line_end(e, w);
  if (next == nullptr) return nullptr;
  const auto size = static_cast<size_t>(colon - p);
  if (size < 32 && ((name_sizes >> size) & 1) != 0) {
    const uint8_t header = header_named(p, size);
    if (header != 0 &&
        (next == w.lim() || may_continue(*next) || !framing.take(header, colon + 1, e))) {
      return nullptr;
    }
  }
  return next;
}

// Whole header lines from the line start p, up to and including the empty line that ends the head
// (or the trailers), or up to a line left to the slow path.
struct Lines {
  const char* stop;  // after the empty line, or at the start of the line not taken
  bool ended;        // the empty line was taken
};

// Lines are found 64 bytes of input at a time: the control bits of a window come from loads at its
// start only, so from one line to the next there is only a bit count and an add, and no load waits
// for the previous line's end to be known. The name of each line is checked with a load at its
// start, which nothing else waits for. A window starts at a line start and takes the lines that end
// in CRLF with no HT before it and lie wholly in it; the next window starts at the first line it
// did not hold. Near lim the window is the last 64 bytes before lim, so the end of a head costs no
// more than its middle. A line longer than a window goes the 16-byte way (header_line()).
//
// `controls` are the control bits of the window at p from the line start `line` on (the status
// line may have been taken from the same window).
[[gnu::always_inline]] inline Lines header_lines(const char* p, uint64_t controls, const char* line,
                                                 const scan::Window& w, const char* floor,
                                                 Framing& framing, uint32_t name_sizes) {
  const uint16_t crlf = load_pair("\r\n");
  const char* const lim = w.lim();
  for (;;) {
    // Lines that end 16 bytes or more before lim: their name's 16-byte load and their LF are
    // before lim, no bounds to check. Names of 1 to 15 bytes; anything else goes on in the loop
    // below, which checks everything.
    const ptrdiff_t roomy = lim - p - 16;  // the last offset 16 bytes before lim
    for (; controls != 0; controls &= controls - 1, controls &= controls - 1) {
      const auto at = static_cast<ptrdiff_t>(static_cast<unsigned>(__builtin_ctzll(controls)));
      const char* const e = p + at;
      if (e == line || at > roomy || load_pair(e) != crlf) break;
      const auto size =
          static_cast<unsigned>(__builtin_ctz(scan::name_stop_bits_16(line) | 0x10000));
      if (size - 1 >= 15) break;
      if (line[size] != ':') return {line, false};
      if (((name_sizes >> size) & 1) != 0) {
        // e[2], the next line's first byte, is before lim here.
        const uint8_t header = header_named(line, size);
        if (header != 0 && (may_continue(e[2]) || !framing.take(header, line + size + 1, e))) {
          return {line, false};
        }
      }
      line = e + 2;  // the CR's bit and the LF's are cleared next
    }
    for (; controls != 0; controls &= controls - 1, controls &= controls - 1) {
      const char* const e = p + static_cast<size_t>(__builtin_ctzll(controls));
      if (e == line) {
        // The empty line (if its LF is there; else the slow path waits for it).
        const char* next = after_line_end(line, w);
        return next != nullptr ? Lines{next, true} : Lines{line, false};
      }
      // The LF may be the byte after the window: it must be before lim.
      if (lim - e < 2 || load_pair(e) != crlf) return {line, false};
      // The name ends at the first stop byte, which is the line end at the latest.
      const char* const colon = w.first_name_stop(line);
      if (colon == line || *colon != ':') return {line, false};
      const auto size = static_cast<size_t>(colon - line);
      if (size < 32 && ((name_sizes >> size) & 1) != 0) {
        const uint8_t header = header_named(line, size);
        if (header != 0 &&
            (lim - e < 3 || may_continue(e[2]) || !framing.take(header, colon + 1, e))) {
          return {line, false};
        }
      }
      line = e + 2;  // the CR's bit and the LF's (if in the window) are cleared next
    }
    if (line == p) {
      // No line end in the window: a line longer than it, or one not complete before lim.
      if (lim - p <= 64) return {p, false};
      line = header_line(p, w, framing, name_sizes);
      if (line == nullptr) return {p, false};
    }
    p = line;
    if (p >= lim) return {p, false};
    controls = scan::controls_64_before(p, lim, floor);
  }
}

}  // namespace

// The head of a response that starts at p (state kStatus, nothing of it read yet), the common way:
// the status line and the header lines in one pass, with what they say in registers, the budget
// and the counts stored once, and the usual framing (a Content-Length body) decided on the spot.
// Stops where the fast path stops and leaves the state as the line states would have it there, so
// parse_lines() goes on from that point as if it had read those lines itself.
const char* ResponseParser::parse_head(const char* p, const char* end, const char* floor) {
  const char* const lim = static_cast<size_t>(end - p) > budget_ ? p + budget_ : end;
  const scan::Window w(floor, lim);
  StatusLine status = status_fields(p, lim);
  if (status.status == 0) return p;
  // The end of the status line from the first window's bits, and the headers from the same window
  // on. Its first 12 bytes are no control bytes, so the first one is its end if it is a CR.
  const char* window = p;
  uint64_t controls = scan::controls_64_before(p, lim, floor);
  const char* const e = controls != 0 ? p + __builtin_ctzll(controls) : lim;
  if (lim - e >= 2 && load_pair(e) == load_pair("\r\n")) {
    status.next = e + 2;
    controls &= controls - 1;
    controls &= controls - 1;
  } else {
    status = status_line(p, w);  // a bare LF, an HT or a long reason phrase
    if (status.next == nullptr) return p;
    window = status.next;
    controls = window < lim ? scan::controls_64_before(window, lim, floor) : 0;
  }
  Framing framing{flags_, 0};
  const Lines taken =
      header_lines(window, controls, status.next, w, floor, framing, kFramingNameSizes);
  const char* stop = taken.stop;
  info_.http_minor = status.http_minor;
  info_.status = status.status;
  flags_ = framing.flags;
  remaining_ = framing.content_length;
  if (!taken.ended) {
    // The line the fast path left goes the slow way now, not through it again in parse_lines().
    state_ = stop == status.next ? kFirstLine : kLineStart;
    if (stop < lim) stop = lines_slow(stop, lim);
  } else {
    end_of_head();
  }
  const auto used = static_cast<uint32_t>(stop - p);
  budget_ -= used;
  info_.header_bytes = used;
  return stop;
}

// Runs the line states on at most budget_ bytes, so a head that never ends is an error after
// max_header_bytes however it is split, and costs no memory meanwhile. Whole lines go the fast
// way; whatever the fast way leaves (a line cut by the end of the buffer, anything odd or wrong)
// goes the slow way, which hands back at the next line start.
const char* ResponseParser::parse_lines(const char* p, const char* end, const char* floor) {
  const char* const from = p;
  const char* const lim = static_cast<size_t>(end - p) > budget_ ? p + budget_ : end;
  const scan::Window w(floor, lim);
  while (p < lim && state_ != kStart && state_ <= kLastLineState && error_ == ParseError::kNone) {
    if (state_ == kStatus && pos_ == 0) {
      const StatusLine s = status_line(p, w);
      if (s.next != nullptr) {
        info_.http_minor = s.http_minor;
        info_.status = s.status;
        state_ = kFirstLine;
        p = s.next;
      }
    }
    if ((state_ == kLineStart || state_ == kFirstLine) && p < lim) {
      // What the lines say is kept in registers and stored once, not after every line.
      Framing framing{flags_, remaining_};
      const uint32_t name_sizes = (flags_ & kTrailers) != 0 ? 0 : kFramingNameSizes;
      const Lines taken = header_lines(p, scan::controls_64_before(p, lim, floor), p, w, floor,
                                       framing, name_sizes);
      flags_ = framing.flags;
      remaining_ = framing.content_length;
      if (taken.ended) {
        end_of_head();
      } else if (taken.stop != p) {
        state_ = kLineStart;  // a line was taken: an obs-fold may continue it
      }
      if (taken.stop != p) {
        p = taken.stop;
        continue;
      }
    }
    if (p < lim) p = lines_slow(p, lim);
  }
  const auto used = static_cast<uint32_t>(p - from);
  budget_ -= used;
  if ((flags_ & kTrailers) == 0) info_.header_bytes += used;
  if (error_ == ParseError::kNone && p == lim && lim != end && state_ != kStart &&
      state_ <= kLastLineState) {
    error_ = ParseError::kHeaderTooLarge;
  }
  return p;
}

}  // namespace ringfire
