// Text from the command line, fit to appear inside a one-line error message.
#pragma once

#include <string>
#include <string_view>

namespace ringfire {

// `text` in single quotes, with every byte outside printable ASCII written as \r, \n, \t or \xNN,
// so a header or URL holding a line break cannot split the message it appears in.
std::string quote(std::string_view text);

}  // namespace ringfire
