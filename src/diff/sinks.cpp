// make_diff_sinks() (diff.hpp): the diff's outputs, each written into place.
#include "redline/diff.hpp"

#include "output/writer_diff.hpp"
#include "report/diff_report.hpp"

#include <cpl_string.h>

#include <filesystem>

namespace redline {

std::vector<std::unique_ptr<ResultSink>> make_diff_sinks(const DiffOptions& options, const Engine& old_engine,
                                                         const LayerChanges& layers, DiffCounts& counts)
{
    std::vector<std::unique_ptr<ResultSink>> out;
    if (is_database_output(options.output)) {
        // No file to rename: the writer's one transaction makes it all or nothing.
        DiffOptions db = options;
        db.gdal.format = "PostgreSQL";
        out.push_back(make_diff_gdal_writer(options.output, db, old_engine, layers, counts));
    } else {
        // A layer prefix adds to an existing GeoPackage, as batch's output does.
        std::error_code ec;
        const bool add_to = !options.gdal.output.layer_prefix.empty() && EQUAL(options.gdal.format.c_str(), "GPKG") &&
                            std::filesystem::is_regular_file(options.output, ec) &&
                            std::filesystem::file_size(options.output, ec) > 0;
        const std::string copy_from = add_to ? options.output : "";
        out.push_back(write_into_place(options.output, [options, &old_engine, &layers, &counts,
                                                        copy_from](const std::string& tmp) {
            return make_diff_gdal_writer(tmp, options, old_engine, layers, counts, copy_from);
        }));
    }
    if (!options.json.empty())
        out.push_back(write_into_place(options.json, [](const std::string& tmp) { return make_diff_json_writer(tmp); }));
    if (!options.report.empty())
        out.push_back(write_into_place(options.report, [options, &old_engine, &layers](const std::string& tmp) {
            return make_diff_report_writer(tmp, options, old_engine, layers);
        }));
    return out;
}

} // namespace redline
