// make_diff_sinks() (diff.hpp): the diff's outputs, each written into place.
#include "redline/diff.hpp"

#include "output/writer_diff.hpp"
#include "report/diff_report.hpp"

namespace redline {

std::vector<std::unique_ptr<ResultSink>> make_diff_sinks(const DiffOptions& options, const Engine& old_engine,
                                                         const LayerChanges& layers, DiffCounts& counts)
{
    std::vector<std::unique_ptr<ResultSink>> out;
    out.push_back(write_into_place(options.output, [options, &old_engine, &layers, &counts](const std::string& tmp) {
        return make_diff_gdal_writer(tmp, options, old_engine, layers, counts);
    }));
    if (!options.json.empty())
        out.push_back(write_into_place(options.json, [](const std::string& tmp) { return make_diff_json_writer(tmp); }));
    if (!options.report.empty())
        out.push_back(write_into_place(options.report, [options, &old_engine, &layers](const std::string& tmp) {
            return make_diff_report_writer(tmp, options, old_engine, layers);
        }));
    return out;
}

} // namespace redline
