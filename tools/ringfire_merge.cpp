#include "ringfire_merge.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ringfire/result/merge_shards.hpp"
#include "ringfire/result/report.hpp"
#include "ringfire_outputs.hpp"

namespace ringfire {

int merge_command(int argc, char** argv) {
  CLI::App app{
      "ringfire merge: the result files of a run's shards (--shard I/N) into one result: "
      "counters and histograms added exactly, per-second rows on the wall-clock second, every "
      "shard's verdict kept; the start skew and the rate over the window the shards shared"};
  app.name("ringfire merge");
  std::vector<std::string> files;
  std::string out_path, html_path;
  bool text = false, force = false;
  app.add_option("files", files, "Result files (--json) of the shards")->required();
  app.add_option("-o,--output", out_path, "Write the merged result as JSON ('-': to stdout)");
  app.add_option("--html", html_path,
                 "Write the merged result as one HTML page (report, shards, per-second charts)");
  app.add_flag("--text", text, "Print the merged text report (the default without -o or --html)");
  app.add_flag("--force", force,
               "Merge inputs that do not belong together anyway; the result says what differed");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return complain(kExitUsage, e.what() + std::string(" (see ringfire merge --help)"));
  }
  std::vector<MergeInput> inputs(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    std::string error;
    if (!read_merge_file(files[i], inputs[i], error)) return complain(kExitRuntime, error);
  }
  Result merged;
  std::string error;
  if (!merge_shards(inputs, force, merged, error)) {
    return complain(kExitRuntime,
                    "not merged: " + error + (force ? "" : " (--force merges anyway)"));
  }
  if (!out_path.empty() && !write_json(out_path, to_json(merged).dump(2) + "\n", error)) {
    return complain(kExitRuntime, error);
  }
  if (!html_path.empty()) {
    std::ostringstream html;
    write_html(merged, html);
    if (!write_file(html_path, html.str(), error)) return complain(kExitRuntime, error);
  }
  if ((out_path.empty() && html_path.empty()) || text) {
    // With the JSON on stdout, the text goes to stderr.
    print_text(merged, out_path == kJsonToStdout ? std::cerr : std::cout);
  }
  return kExitOk;
}

}  // namespace ringfire
