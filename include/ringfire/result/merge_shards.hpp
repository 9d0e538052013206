// `ringfire merge`: result files of the shards of one run (--shard I/N, issue 21) into one
// result. The inputs must belong together — the same schema major version, target, mode (closed,
// or open at the same rate and arrival), shard count, and between them every shard exactly once —
// or they are refused with one line saying what differs (--force merges anyway and records that
// line in the result). The figures add with merge() (merge.hpp), exactly: counters, histograms
// bucket by bucket, labels by name, per-second rows on the wall-clock second they began; every
// source keeps its own verdict and machine samples. Then MergeFacts: the start skew, and the
// rates over the window every shard measured and over their union.
#pragma once

#include <string>
#include <vector>

#include "ringfire/result/result.hpp"

namespace ringfire {

struct MergeInput {
  std::string name;    // the file, as given (for the messages)
  std::string schema;  // its "schema" ("ringfire.result/2")
  Result result;       // as from_json read it (empty when the schema was refused)
};

// "" when `inputs` belong together; otherwise the one line of the first difference found.
std::string merge_mismatch(const std::vector<MergeInput>& inputs);

// Merges `inputs` (at least one) into `out`. False with `error` when they do not belong together
// and `force` is not set.
bool merge_shards(const std::vector<MergeInput>& inputs, bool force, Result& out,
                  std::string& error);

// Reads the text of result file `in.name` into `in`: its schema as written, and, when the schema
// is ours, the result through from_json (a file of another schema is left unread: the merge
// refuses it by its version). False with one line naming the file and, for text that is not JSON
// (a truncated file), the byte position.
bool read_merge_input(const std::string& text, MergeInput& in, std::string& error);
// The same from the file at `path`.
bool read_merge_file(const std::string& path, MergeInput& in, std::string& error);

}  // namespace ringfire
