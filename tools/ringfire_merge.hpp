// `ringfire merge a.json b.json ... [-o all.json] [--text] [--force]`: the shards' result files
// into one result (result/merge_shards.hpp).
#pragma once

namespace ringfire {

// argv[0] is "merge". Returns the exit status: 0 merged, 1 inputs unreadable or refused, 2 usage.
int merge_command(int argc, char** argv);

}  // namespace ringfire
